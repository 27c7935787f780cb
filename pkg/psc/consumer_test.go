package psc

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

const testAttachment = "projects/producer-prj/regions/europe-west1/serviceAttachments/payments-attachment"

// producerStackName is the producer stack the consumer tests read.
const producerStackName = "acme/payments/prod"

// consumerArgs is a valid endpoint that takes the attachment URI as a plain string.
func consumerArgs() *ConsumerEndpointArgs {
	return &ConsumerEndpointArgs{
		Project:           "consumer-prj",
		Network:           pulumi.String("projects/consumer-prj/global/networks/consumer-vpc"),
		Subnetwork:        pulumi.String("projects/consumer-prj/regions/europe-west1/subnetworks/apps"),
		ServiceAttachment: pulumi.String(testAttachment),
	}
}

// endpointOutput runs a ConsumerEndpoint whose attachment comes from a producer stack holding
// stack (or, when stack is nil, from serviceAttachment), its args changed by mutate when given,
// and returns the output out picks, resolved. With wantFail, the run must fail with an error
// that contains it, and the zero value is returned.
func endpointOutput[T any](t *testing.T, stack map[string]any, mutate func(*ConsumerEndpointArgs), wantFail string,
	out func(*ConsumerEndpoint) pulumi.Output,
) T {
	t.Helper()
	f := regionsCloud(nil) // the consumer subnet in other regions too
	var got T
	err := f.Run(func(ctx *pulumi.Context) error {
		args := consumerArgs()
		if stack != nil {
			f.Stacks[producerStackName] = stack
			args.ServiceAttachment, args.ProducerStack = nil, producerStackName
		}
		if mutate != nil {
			mutate(args)
		}
		ep, err := NewConsumerEndpoint(ctx, "payments", args)
		if err != nil {
			return err
		}
		if wantFail == "" {
			got = psctest.Await[T](t, out(ep))
		}
		return nil
	})
	switch {
	case wantFail != "" && (err == nil || !strings.Contains(err.Error(), wantFail)):
		t.Fatalf("want %q, got %v", wantFail, err)
	case wantFail == "" && err != nil:
		t.Fatal(err)
	}
	return got
}

func TestConsumerGraph(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	outs := map[string]any{}
	err := f.Run(func(ctx *pulumi.Context) error {
		args := consumerArgs()
		args.IpAddress = "192.168.10.50"
		args.NoAutomateDnsZone = true
		c, err := NewConsumerEndpoint(ctx, "payments", args)
		if err != nil {
			return err
		}
		outs["ip"] = psctest.Await[string](t, c.IpAddress)
		outs["status"] = psctest.Await[string](t, c.PscConnectionStatus)
		outs["project"] = psctest.Await[string](t, c.ConsumerProject)
		outs["uri"] = psctest.Await[string](t, c.ServiceAttachmentUri)
		outs["region"] = psctest.Await[string](t, c.Region)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.CountByType(); !mapsEqual(got, map[string]int{typeAddress: 1, typeRule: 1}) {
		t.Errorf("resource counts = %v, want one address and one forwarding rule", got)
	}
	addr := f.One(t, typeAddress)
	if str(addr, "addressType") != "INTERNAL" || str(addr, "address") != "192.168.10.50" || str(addr, "region") != testRegion {
		t.Errorf("address = %v, want INTERNAL 192.168.10.50 in %s", addr.Inputs, testRegion)
	}
	rule := f.One(t, typeRule)
	if v, ok := rule.Inputs["loadBalancingScheme"]; !ok || !v.IsString() || v.StringValue() != "" {
		t.Errorf(`loadBalancingScheme must be sent explicitly as "", got %v (present %v)`, v, ok)
	}
	if str(rule, "target") != testAttachment {
		t.Errorf("target = %q, want the attachment URI", str(rule, "target"))
	}
	// The provider keeps the rule's IP number in state and suppresses the diff between an IP and
	// an address reference, so only the IP string lets a changed address replace the rule
	// (catalogue: EP-IP-SUPPRESS).
	if got := str(rule, "ipAddress"); got != "192.168.10.50" {
		t.Errorf("ipAddress = %q, want the address's IP 192.168.10.50, not a reference to it", got)
	}
	if v := input(rule, "recreateClosedPsc"); !v.IsBool() || !v.BoolValue() {
		t.Errorf("recreateClosedPsc = %v, want true", v)
	}
	if v := input(rule, "noAutomateDnsZone"); !v.IsBool() || !v.BoolValue() {
		t.Errorf("noAutomateDnsZone = %v, want true as asked", v)
	}
	if !slices.Contains(rule.ReplaceOnChanges, "target") || !slices.Contains(rule.ReplaceOnChanges, "ipAddress") {
		t.Errorf("replaceOnChanges = %v, want target and ipAddress", rule.ReplaceOnChanges)
	}
	if dbr := rule.DeleteBeforeReplace; dbr == nil || !*dbr {
		t.Errorf("the endpoint rule must be replaced delete-before-create: its replacement needs the same address")
	}
	if outs["ip"] != "192.168.10.50" || outs["status"] != "ACCEPTED" || outs["project"] != "consumer-prj" ||
		outs["uri"] != testAttachment || outs["region"] != testRegion {
		t.Errorf("outputs = %v", outs)
	}
	assertChildrenOf(t, f, ConsumerEndpointType, "payments")
}

func TestConsumerAcceptsSelfLinkAndNormalisesIt(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		args := consumerArgs()
		args.ServiceAttachment = pulumi.String("https://www.googleapis.com/compute/v1/" + testAttachment)
		_, err := NewConsumerEndpoint(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := str(f.One(t, typeRule), "target"); got != testAttachment {
		t.Errorf("target = %q, want the canonical URI", got)
	}
}

func TestConsumerFromProducerStack(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	f.Stacks["acme/payments/prod"] = map[string]any{"serviceAttachmentUri": testAttachment}
	err := f.Run(func(ctx *pulumi.Context) error {
		args := consumerArgs()
		args.ServiceAttachment = nil
		args.ProducerStack = "acme/payments/prod"
		_, err := NewConsumerEndpoint(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := str(f.One(t, typeRule), "target"); got != testAttachment {
		t.Errorf("target = %q, want the URI read from the producer stack", got)
	}
	if got := str(f.One(t, typeAddress), "region"); got != testRegion {
		t.Errorf("region = %q, want the attachment's region", got)
	}
	assertChildrenOf(t, f, ConsumerEndpointType, "payments")
}

// The endpoint's address waits for its subnet only, even when the stack also creates the
// service attachment: an address does not need the attachment, and waiting for it would put the
// address on the deployment's critical path, after the whole producer chain. The forwarding rule
// does need the attachment.
func TestConsumerAddressDoesNotWaitForTheAttachment(t *testing.T) {
	t.Parallel()
	const top = "urn:pulumi:stack::project::"
	subnetURN := top + "gcp:compute/subnetwork:Subnetwork::apps"
	attachmentURN := top + typeAttachment + "::attachment"
	for name, region := range map[string]string{"region from the subnet": "", "explicit region": testRegion} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFakeCloud()
			err := f.Run(func(ctx *pulumi.Context) error {
				subnet, err := compute.NewSubnetwork(ctx, "apps", &compute.SubnetworkArgs{
					Project: pulumi.String("consumer-prj"), Region: pulumi.String(testRegion),
					Network: pulumi.String("consumer-vpc"), IpCidrRange: pulumi.String("192.168.10.0/24"),
				})
				if err != nil {
					return err
				}
				att, err := compute.NewServiceAttachment(ctx, "attachment", &compute.ServiceAttachmentArgs{
					Region: pulumi.String(testRegion), TargetService: pulumi.String("lb-rule"),
					NatSubnets: pulumi.StringArray{pulumi.String("nat")}, ConnectionPreference: pulumi.String("ACCEPT_MANUAL"),
					EnableProxyProtocol: pulumi.Bool(false),
				})
				if err != nil {
					return err
				}
				args := consumerArgs()
				args.Region = region
				args.Subnetwork = subnet.SelfLink
				args.ServiceAttachment = pulumi.Sprintf("projects/%s/regions/%s/serviceAttachments/%s", att.Project, att.Region, att.Name)
				_, err = NewConsumerEndpoint(ctx, "payments", args)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			addr, rule := f.One(t, typeAddress), f.One(t, typeRule)
			if !slices.Contains(addr.Dependencies, subnetURN) || slices.Contains(addr.Dependencies, attachmentURN) {
				t.Errorf("address depends on %v, want its subnet and not the attachment", addr.Dependencies)
			}
			if got := str(addr, "region"); got != testRegion {
				t.Errorf("address region = %q, want %s", got, testRegion)
			}
			if !slices.Contains(rule.Dependencies, attachmentURN) {
				t.Errorf("forwarding rule depends on %v, want the attachment it targets", rule.Dependencies)
			}
		})
	}
}

// A subnetwork given by bare name names no region: the endpoint goes to the gcp:region
// configuration, where the provider looks the name up.
func TestConsumerBareSubnetNameTakesTheConfiguredRegion(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		args := consumerArgs()
		args.Subnetwork = pulumi.String("apps")
		_, err := NewConsumerEndpoint(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := str(f.One(t, typeAddress), "region"); got != testRegion {
		t.Errorf("address region = %q, want the configured %s", got, testRegion)
	}
}

// A region other than the attachment's, read from the producer's stack, fails when the URI
// resolves, naming the input that chose it.
func TestConsumerRegionMismatchFromStackFails(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(a *ConsumerEndpointArgs)
		want   string
	}{
		{"explicit region", func(a *ConsumerEndpointArgs) { a.Region = "us-east1" },
			"region: us-east1 differs from the service attachment's region europe-west1"},
		{"subnet in another region", func(a *ConsumerEndpointArgs) {
			a.Subnetwork = pulumi.String("projects/consumer-prj/regions/us-east1/subnetworks/apps")
		}, "subnetwork: is in region us-east1, but the service attachment is in europe-west1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeCloud()
			f.Stacks["acme/payments/prod"] = map[string]any{"uri": testAttachment}
			err := f.Run(func(ctx *pulumi.Context) error {
				args := consumerArgs()
				args.ServiceAttachment = nil
				args.ProducerStack = "acme/payments/prod"
				args.ProducerStackOutput = "uri"
				tc.mutate(args)
				// A subnetwork from another resource is not looked up, so the mismatch surfaces
				// only when the stack output resolves.
				args.Subnetwork = args.Subnetwork.ToStringOutput()
				_, err := NewConsumerEndpoint(ctx, "payments", args)
				return err
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
		})
	}
}

func TestConsumerMissingStackOutputFails(t *testing.T) {
	t.Parallel()
	err := runStackConsumer(map[string]any{"loadBalancerIp": "10.10.0.2"})
	if err == nil || !strings.Contains(err.Error(), `producerStack: stack "acme/payments/prod" has no string output "serviceAttachmentUri"`) {
		t.Fatalf("want an error naming the missing output, got %v", err)
	}
}

func TestConsumerEgressFirewall(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		args := consumerArgs()
		args.Firewall = &EndpointFirewallArgs{ClientRanges: pulumi.ToStringArray([]string{"192.168.20.0/24"}), ClientTags: pulumi.ToStringArray([]string{"payments-client"})}
		_, err := NewConsumerEndpoint(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	fw := f.One(t, typeFirewall)
	if str(fw, "direction") != "EGRESS" {
		t.Errorf("direction = %q, want EGRESS", str(fw, "direction"))
	}
	if got := input(fw, "destinationRanges").ArrayValue()[0].StringValue(); got != "192.168.10.7/32" {
		t.Errorf("destinationRanges = %q, want the endpoint IP /32", got)
	}
	allow := input(fw, "allows").ArrayValue()[0].ObjectValue()
	if allow["protocol"].StringValue() != "tcp" || len(allow["ports"].ArrayValue()) != 2 {
		t.Errorf("allows = %v, want tcp 80 and 443 by default", allow)
	}
	if input(fw, "targetTags").ArrayValue()[0].StringValue() != "payments-client" ||
		input(fw, "sourceRanges").ArrayValue()[0].StringValue() != "192.168.20.0/24" {
		t.Errorf("firewall clients = %v", fw.Inputs)
	}
}

func TestConsumerValidation(t *testing.T) {
	t.Parallel()
	cases := []consumerCase{
		{"neither attachment nor stack", func(a *ConsumerEndpointArgs) { a.ServiceAttachment = nil }, "serviceAttachment: give exactly one of serviceAttachment"},
		{"both attachment and stack", func(a *ConsumerEndpointArgs) { a.ProducerStack = "o/p/s" }, "serviceAttachment: give exactly one"},
		{"malformed uri", func(a *ConsumerEndpointArgs) { a.ServiceAttachment = pulumi.String("payments-attachment") }, "serviceAttachment: must be a service attachment URI"},
		{"uri with bad region", func(a *ConsumerEndpointArgs) {
			a.ServiceAttachment = pulumi.String("projects/producer-prj/regions/moon/serviceAttachments/x")
		}, "region in"},
		{"region mismatch", func(a *ConsumerEndpointArgs) { a.Region = "us-east1" }, "region: us-east1 differs from the service attachment's region europe-west1"},
		{"missing network", func(a *ConsumerEndpointArgs) { a.Network = nil }, "network: is required"},
		{"missing subnetwork", func(a *ConsumerEndpointArgs) { a.Subnetwork = pulumi.String("") }, "subnetwork: is required"},
		{"bad ip", func(a *ConsumerEndpointArgs) { a.IpAddress = "192.168.10.500" }, "ipAddress: must be an IPv4 address"},
		{"bad project", func(a *ConsumerEndpointArgs) { a.Project = "Consumer" }, "project: must be a project id"},
		{"network shape", func(a *ConsumerEndpointArgs) { a.Network = pulumi.String("consumer vpc") }, "network: must be a VPC network"},
		{"subnetwork shape", func(a *ConsumerEndpointArgs) { a.Subnetwork = pulumi.String("projects/c/subnetworks/apps") }, "subnetwork: must be a subnet"},
		{"producer stack shape", func(a *ConsumerEndpointArgs) {
			a.ServiceAttachment, a.ProducerStack = nil, "acme/payments"
		}, "producerStack: must be a fully qualified stack name"},
		{"producer stack output shape", func(a *ConsumerEndpointArgs) {
			a.ServiceAttachment, a.ProducerStack, a.ProducerStackOutput = nil, "acme/payments/prod", "service attachment"
		}, "producerStackOutput: must be a stack output name"},
		{"firewall without clients", func(a *ConsumerEndpointArgs) { a.Firewall = &EndpointFirewallArgs{} }, "firewall: give clientRanges, clientTags or both"},
		{"firewall bad range", func(a *ConsumerEndpointArgs) {
			a.Firewall = &EndpointFirewallArgs{ClientRanges: pulumi.ToStringArray([]string{"10.0.0.0/33"})}
		}, "firewall.clientRanges[0]"},
		{"firewall bad tag", func(a *ConsumerEndpointArgs) {
			a.Firewall = &EndpointFirewallArgs{ClientTags: pulumi.ToStringArray([]string{"Bad Tag"})}
		}, "firewall.clientTags[0]"},
		{"firewall bad port", func(a *ConsumerEndpointArgs) {
			a.Firewall = &EndpointFirewallArgs{ClientTags: pulumi.ToStringArray([]string{"t"}), Ports: []int{0}}
		}, "firewall.ports[0]"},
		{"directory namespace", func(a *ConsumerEndpointArgs) {
			a.ServiceDirectoryRegistrations = &ServiceDirectoryRegistrationArgs{Namespace: "Payments"}
		}, "serviceDirectoryRegistrations.namespace: must be a Service Directory namespace"},
		{"directory service", func(a *ConsumerEndpointArgs) {
			a.ServiceDirectoryRegistrations = &ServiceDirectoryRegistrationArgs{Service: strings.Repeat("s", 64)}
		}, "serviceDirectoryRegistrations.service: must be a Service Directory service"},
		{"label key", func(a *ConsumerEndpointArgs) { a.Labels = map[string]string{"1team": "x"} }, `labels["1team"]: a label key`},
	}
	run := func(cases []consumerCase, cloud func() *fakeCloud, refused func(*testing.T, *fakeCloud, error, ...string)) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				args := consumerArgs()
				tc.mutate(args)
				f := cloud()
				err := f.Run(func(ctx *pulumi.Context) error {
					_, err := NewConsumerEndpoint(ctx, "payments", args)
					return err
				})
				refused(t, f, err, `invalid ConsumerEndpoint "payments"`, tc.want)
			})
		}
	}
	run(cases, newFakeCloud, assertRefused)
	run(consumerLookupCases(), consumerCloud, assertRefusedAfterLookup)
}

// consumerCase is an invalid change to consumerArgs and a fragment its refusal must name.
type consumerCase struct {
	name   string
	mutate func(a *ConsumerEndpointArgs)
	want   string
}

func TestStatusWarning(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"ACCEPTED":        "",
		"":                "",
		"PENDING":         "PSC connection status is PENDING: the producer has not accepted c-prj: it is not on the service attachment's accept list, or it already has as many endpoints as its connectionLimit allows. Fix: the producer adds c-prj (this endpoint's `consumerProject` output) to `consumers`",
		"REJECTED":        "rejectedConsumers",
		"CLOSED":          "recreateClosedPsc",
		"NEEDS_ATTENTION": "NAT subnets have no free address for c-prj (each accepted connection holds one). Fix: the producer widens `natSubnet.ipCidrRange`",
		"STRANGE":         "which cloudrun-psc does not know",
	}
	for status, want := range cases {
		got := statusWarning(status, "c-prj")
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("statusWarning(%q) = %q, want it to mention %q", status, got, want)
		}
	}
}

// A producer stack with no outputs at all is not deployed (or was destroyed): the error says so.
func TestConsumerUndeployedProducerStackFails(t *testing.T) {
	t.Parallel()
	err := runStackConsumer(map[string]any{})
	want := `producerStack: stack "acme/payments/prod" has no outputs: it is not deployed (never, or destroyed since); run pulumi up in it first`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("want %q, got %v", want, err)
	}
}

// A value read from another stack (or computed by another resource) may be secret, so an error
// about it names its type or what is wrong with it, never the value itself.
func TestStackValuesNeverEchoedInErrors(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-token-9f8e"
	cases := []struct {
		name  string
		value any
		want  string
	}{
		{"wrong type", map[string]any{"token": secret}, `has no string output "serviceAttachmentUri" (got a map[string]interface {})`},
		{"wrong shape", "projects/" + secret, `producerStack (output "serviceAttachmentUri" of "acme/payments/prod"): must be a service attachment URI`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := runStackConsumer(map[string]any{"serviceAttachmentUri": tc.value})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error containing %q, got %v", tc.want, err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error echoes the value read from the stack: %v", err)
			}
		})
	}
}

// runStackConsumer deploys a consumer that reads the attachment URI from the stack
// acme/payments/prod, whose outputs are given, and returns the program's error.
func runStackConsumer(outputs map[string]any) error {
	f := newFakeCloud()
	f.Stacks["acme/payments/prod"] = outputs
	return f.Run(func(ctx *pulumi.Context) error {
		args := consumerArgs()
		args.ServiceAttachment = nil
		args.ProducerStack = "acme/payments/prod"
		_, err := NewConsumerEndpoint(ctx, "payments", args)
		return err
	})
}
