package e2e

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp"
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// twoOrgs is one program that deploys a producer and its consumer with two explicit gcp
// providers, one per organisation's project; the components take them with pulumi.Provider
// (producer, consumer) and pulumi.Providers (DNS), and set no project or region themselves.
func twoOrgs(ctx *pulumi.Context) error {
	orgs := map[string]*gcp.Provider{}
	for name, project := range map[string]string{"org-a": producerProject, "org-b": consumerProject} {
		p, err := gcp.NewProvider(ctx, name, &gcp.ProviderArgs{Project: pulumi.String(project), Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		orgs[name] = p
	}
	orgA, orgB := orgs["org-a"], orgs["org-b"]
	prodVPC, err := compute.NewNetwork(ctx, "producer-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)}, pulumi.Provider(orgA))
	if err != nil {
		return err
	}
	svc, err := psc.NewProducerService(ctx, "payments", &psc.ProducerServiceArgs{
		Network:            prodVPC.SelfLink,
		CloudRun:           psc.CloudRunArgs{Image: pulumi.String("europe-docker.pkg.dev/acme/payments/api:1.4.2")},
		Hostname:           "payment-api.internal",
		LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: "10.10.0.0/24"},
		ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: "10.129.0.0/23"},
		NatSubnet:          psc.SubnetArgs{IpCidrRange: "10.20.0.0/24"},
		Consumers:          []psc.ConsumerAcceptArgs{{ProjectIdOrNum: pulumi.String(consumerProject)}},
	}, pulumi.Provider(orgA))
	if err != nil {
		return err
	}
	consVPC, err := compute.NewNetwork(ctx, "consumer-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)}, pulumi.Provider(orgB))
	if err != nil {
		return err
	}
	apps, err := compute.NewSubnetwork(ctx, "apps", &compute.SubnetworkArgs{
		Network: consVPC.SelfLink, IpCidrRange: pulumi.String("192.168.10.0/24"),
	}, pulumi.Provider(orgB))
	if err != nil {
		return err
	}
	ep, err := psc.NewConsumerEndpoint(ctx, "payments", &psc.ConsumerEndpointArgs{
		Network:           consVPC.SelfLink,
		Subnetwork:        apps.SelfLink,
		ServiceAttachment: svc.ServiceAttachmentUri,
		NoAutomateDnsZone: true,
	}, pulumi.Provider(orgB))
	if err != nil {
		return err
	}
	if _, err := psc.NewDnsBinding(ctx, "payments-dns", &psc.DnsBindingArgs{
		Hostname: "payment-api.internal", IpAddress: ep.IpAddress, Networks: pulumi.StringArray{consVPC.SelfLink}, Protocol: "HTTP",
	}, pulumi.Providers(orgB)); err != nil {
		return err
	}
	ctx.Export("serviceAttachmentUri", svc.ServiceAttachmentUri)
	ctx.Export("producerProject", svc.Project)
	ctx.Export("consumerProject", ep.ConsumerProject)
	ctx.Export("pscConnectionStatus", ep.PscConnectionStatus)
	return nil
}

// Components given explicit providers create every child in their provider's project and region:
// the stack's gcp:project and gcp:region name a third project and another region, which receive
// nothing. (Before, every child took the stack configuration's project and region.)
func TestExplicitProvidersPlaceEveryChild(t *testing.T) {
	t.Parallel()
	const strayProject = "stack-config-prj"
	env := harness.New(t, harness.GCP())
	st := env.GoStack("two-orgs", "dev", twoOrgs)
	st.SetConfig("gcp:project", strayProject, false)
	st.SetConfig("gcp:region", "us-east1", false)
	up := st.Up()
	if got := up.OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
		t.Errorf("status = %q, want ACCEPTED: the producer accepts %s, where the endpoint must be", got, consumerProject)
	}
	if got := up.OutputString(t, "serviceAttachmentUri"); !strings.HasPrefix(got, attachmentPrefix) {
		t.Errorf("serviceAttachmentUri = %q, want %s…", got, attachmentPrefix)
	}
	if p, c := up.OutputString(t, "producerProject"), up.OutputString(t, "consumerProject"); p != producerProject || c != consumerProject {
		t.Errorf("outputs project = %q, consumerProject = %q; want %s and %s", p, c, producerProject, consumerProject)
	}
	producerTypes := map[string]bool{tSubnet: true, tService: true, tNEG: true, tBackend: true, tURLMap: true, tHTTPProxy: true, tAttachment: true}
	counts := map[string]int{}
	for _, r := range env.SimList() {
		project, rest, _ := strings.Cut(strings.TrimPrefix(r.ID, "projects/"), "/")
		counts[project]++
		if strings.Contains(rest, "us-east1") {
			t.Errorf("%s %s is in us-east1, the stack's gcp:region, not in the providers' %s", r.Type, r.ID, region)
		}
		if producerTypes[r.Type] && r.Type != tSubnet && project != producerProject {
			t.Errorf("producer resource %s %s is in %s, want %s (org-a's)", r.Type, r.ID, project, producerProject)
		}
		if (r.Type == tAddress || r.Type == tZone || r.Type == tRecord) && project != consumerProject {
			t.Errorf("consumer resource %s %s is in %s, want %s (org-b's)", r.Type, r.ID, project, consumerProject)
		}
	}
	if counts[strayProject] != 0 || counts[producerProject] == 0 || counts[consumerProject] == 0 {
		t.Errorf("resources by project = %v, want none in %s (the stack's gcp:project)", counts, strayProject)
	}
	assertConverged(t, st)
	destroyAll(t, env, st)
}
