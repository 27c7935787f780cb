package programs

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// runWith runs an example program against the fake cloud with extra project configuration.
func runWith(t *testing.T, f *psctest.FakeCloud, project string, program pulumi.RunFunc, cfg map[string]string) {
	t.Helper()
	err := pulumi.RunErr(program, pulumi.WithMocks(project, "dev", f), func(info *pulumi.RunInfo) {
		info.Config = map[string]string{"gcp:project": psctest.Project, "gcp:region": psctest.Region}
		for k, v := range cfg {
			info.Config[project+":"+k] = v
		}
	})
	if err != nil {
		t.Fatalf("%s program: %v", project, err)
	}
}

func TestProducerExample(t *testing.T) {
	t.Parallel()
	f := psctest.New()
	f.Stacks["organization/payments-consumer/dev"] = map[string]any{"consumerProject": "consumer-prj-2"}
	runWith(t, f, "payments-producer", Producer, map[string]string{
		"consumerProjects": `["consumer-prj"]`,
		"consumerStacks":   `["organization/payments-consumer/dev"]`,
	})
	counts := f.CountByType()
	if counts[chain.NetworkType] != 1 || counts[chain.ServiceAttachmentType] != 1 ||
		counts[chain.SubnetworkType] != 3 {
		t.Errorf("producer example graph = %v", counts)
	}
	accept := psctest.Input(f.One(t, chain.ServiceAttachmentType), "consumerAcceptLists").ArrayValue()
	if len(accept) != 2 {
		t.Errorf("accept list = %v, want the configured project and the consumer stack's", accept)
	}
}

func TestConsumerExample(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]map[string]string{
		"plain URI":      {"serviceAttachment": "projects/producer-prj/regions/europe-west1/serviceAttachments/payments-attachment"},
		"producer stack": {"producerStack": "organization/payments-producer/dev"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := psctest.New()
			f.Stacks["organization/payments-producer/dev"] = map[string]any{
				"serviceAttachmentUri": "projects/producer-prj/regions/europe-west1/serviceAttachments/payments-attachment",
			}
			runWith(t, f, "payments-consumer", Consumer, cfg)
			rule := f.One(t, chain.ForwardingRuleType)
			if psctest.Str(rule, "target") != "projects/producer-prj/regions/europe-west1/serviceAttachments/payments-attachment" {
				t.Errorf("endpoint target = %q", psctest.Str(rule, "target"))
			}
			record := f.One(t, chain.RecordSetType)
			if psctest.Str(record, "name") != "payment-api.internal." {
				t.Errorf("record = %v", record.Inputs)
			}
		})
	}
}

// With networkProject, both examples use the Shared VPC host's network (and the consumer its
// subnet) instead of creating their own: the producer's subnets go to the host project, the
// endpoint's address and rule stay in the stack's (service) project.
func TestExamplesOnASharedVPC(t *testing.T) {
	t.Parallel()
	const host = "network-host-prj"
	hostVPC := "projects/" + host + "/global/networks/shared"
	f := psctest.New()
	runWith(t, f, "payments-producer", Producer, map[string]string{"networkProject": host, "network": "shared"})
	if n := f.CountByType()[chain.NetworkType]; n != 0 {
		t.Errorf("the producer example created %d VPCs on a Shared VPC, want none", n)
	}
	for _, s := range f.Custom(chain.SubnetworkType) {
		if psctest.Str(s, "project") != host || !strings.HasSuffix(psctest.Str(s, "network"), hostVPC) {
			t.Errorf("producer subnet %s is in project %q on %q, want the host's %s", s.Name, psctest.Str(s, "project"), psctest.Str(s, "network"), hostVPC)
		}
	}

	f = psctest.New()
	apps := psctest.Subnet{Project: host, Region: psctest.Region, Name: "apps", Network: "https://www.googleapis.com/compute/v1/" + hostVPC,
		IpCidrRange: "192.168.10.0/24"}
	f.Subnets = append(f.Subnets, apps)
	subnet := apps.SelfLink()
	runWith(t, f, "payments-consumer", Consumer, map[string]string{
		"networkProject": host, "network": hostVPC, "subnetwork": subnet,
		"serviceAttachment": "projects/producer-prj/regions/europe-west1/serviceAttachments/payments-attachment",
	})
	if counts := f.CountByType(); counts[chain.NetworkType] != 0 || counts[chain.SubnetworkType] != 0 {
		t.Errorf("the consumer example created networks or subnets on a Shared VPC: %v", counts)
	}
	rule := f.One(t, chain.ForwardingRuleType)
	if !strings.HasSuffix(psctest.Str(rule, "network"), hostVPC) || psctest.Str(rule, "subnetwork") != subnet || psctest.Str(rule, "project") != psctest.Project {
		t.Errorf("endpoint rule on %q/%q in project %q, want the host's VPC and subnet and the stack's project",
			psctest.Str(rule, "network"), psctest.Str(rule, "subnetwork"), psctest.Str(rule, "project"))
	}
}
