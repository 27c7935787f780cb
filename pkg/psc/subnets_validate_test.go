package psc

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const existing = "projects/producer-prj/regions/europe-west1/subnetworks/"

// producerCloud holds the producer VPC's subnets lb, proxy and nat (addProducerSubnets), and a
// NAT subnet nat2 of another VPC.
func producerCloud() *fakeCloud {
	f := newFakeCloud()
	addProducerSubnets(f)
	f.Subnets = append(f.Subnets, psctest.Subnet{Project: testProject, Region: testRegion, Name: "nat2", Network: consumerVPC,
		IpCidrRange: "10.50.0.0/28", Purpose: "PRIVATE_SERVICE_CONNECT"})
	return f
}

// producerLookupCases are producers refused for what the lookups of existing subnets reveal
// (producerCloud's).
func producerLookupCases() []producerCase {
	link := func(name string) SubnetArgs { return SubnetArgs{SelfLink: pulumi.String(existing + name)} }
	return []producerCase{
		{"existing NAT subnet too small for the consumers", func(a *ProducerServiceArgs) {
			a.NatSubnet = link("nat") // a /28: 12 addresses
			for i := range 12 {
				a.Consumers = append(a.Consumers, ConsumerAcceptArgs{ProjectIdOrNum: pulumi.String(fmt.Sprintf("c-prj-%02d", i))})
			}
		}, []string{"natSubnet.selfLink: 10.40.0.0/28 holds 12 endpoint connections (one NAT address each), fewer than the 13 accepted consumers"}},
		// Checked once the region is known, which may be the component's provider's.
		{"certificate manager other region", func(a *ProducerServiceArgs) {
			a.Tls = &TlsArgs{CertificateManagerCertificates: pulumi.ToStringArray([]string{"projects/p/locations/us-east1/certificates/c"})}
		}, []string{"is in us-east1 but the load balancer is in europe-west1"}},
		{"security policy other region", func(a *ProducerServiceArgs) {
			a.BackendService = &BackendServiceArgs{SecurityPolicy: pulumi.String("projects/p/regions/us-east1/securityPolicies/armor")}
		}, []string{"backendService.securityPolicy: is in region us-east1 but the load balancer is in europe-west1"}},
		{"nat subnet of the wrong purpose", func(a *ProducerServiceArgs) { a.NatSubnet = link("lb") },
			[]string{"natSubnet.selfLink: " + existing + "lb is not a PSC NAT subnet (purpose PRIVATE_SERVICE_CONNECT)"}},
		{"proxy-only subnet of the wrong purpose", func(a *ProducerServiceArgs) { a.ProxyOnlySubnet = link("nat") },
			[]string{"proxyOnlySubnet.selfLink: " + existing + "nat is not an active proxy-only subnet"}},
		{"load balancer subnet of a special purpose", func(a *ProducerServiceArgs) { a.LoadBalancerSubnet = link("nat") },
			[]string{"loadBalancerSubnet.selfLink: " + existing + "nat is not a regular subnet"}},
		{"missing subnet", func(a *ProducerServiceArgs) { a.NatSubnet = link("gone") },
			[]string{"natSubnet.selfLink: subnet " + existing + "gone does not exist"}},
		{"subnet in another region", func(a *ProducerServiceArgs) {
			a.NatSubnet = SubnetArgs{SelfLink: pulumi.String("projects/producer-prj/regions/us-central1/subnetworks/nat")}
		}, []string{"natSubnet.selfLink: projects/producer-prj/regions/us-central1/subnetworks/nat is in region us-central1, not in europe-west1"}},
		{"subnet of another VPC", func(a *ProducerServiceArgs) { a.NatSubnet = link("nat2") },
			[]string{"natSubnet.selfLink: " + existing + "nat2 belongs to the VPC " + consumerVPC}},
		{"malformed self link", func(a *ProducerServiceArgs) {
			a.NatSubnet = SubnetArgs{SelfLink: pulumi.String("projects/p/global/networks/n")}
		},
			[]string{"natSubnet.selfLink: must be a subnet self link"}},
		{"load balancer IP outside an existing subnet", func(a *ProducerServiceArgs) {
			a.LoadBalancerSubnet, a.LoadBalancerIp = link("lb"), "10.99.0.5"
		}, []string{"loadBalancerIp: 10.99.0.5 is not inside the subnet range 10.30.0.0/24"}},
		{"range overlapping an existing subnet", func(a *ProducerServiceArgs) {
			a.ProxyOnlySubnet, a.NatSubnet.IpCidrRange = link("proxy"), "10.40.0.0/29"
		}, []string{"natSubnet.ipCidrRange: 10.40.0.0/29 overlaps 10.40.0.0/28, the range of the VPC's subnet nat in europe-west1"}},
		{"second active proxy-only subnet", func(a *ProducerServiceArgs) {}, // producerArgs creates one
			[]string{"proxyOnlySubnet.ipCidrRange: the VPC already has an active proxy-only subnet in europe-west1, proxy"}},
	}
}

// consumerCloud holds the consumer subnet apps (newFakeCloud's), a NAT subnet psc-nat in the
// consumer VPC and a subnet elsewhere in the producer VPC.
func consumerCloud() *fakeCloud {
	f := newFakeCloud()
	other := func(name, network, cidr, purpose string) psctest.Subnet {
		return psctest.Subnet{Project: "consumer-prj", Region: testRegion, Name: name, Network: network, IpCidrRange: cidr, Purpose: purpose}
	}
	f.Subnets = append(f.Subnets, other("psc-nat", consumerVPC, "192.168.30.0/24", "PRIVATE_SERVICE_CONNECT"),
		other("elsewhere", producerVPC, "192.168.40.0/24", ""))
	return f
}

// consumerLookupCases are endpoints refused for what the lookup of their subnetwork reveals
// (consumerCloud's).
func consumerLookupCases() []consumerCase {
	return []consumerCase{
		{"fixed IP outside the subnet", func(a *ConsumerEndpointArgs) { a.IpAddress = "10.9.9.9" },
			"ipAddress: 10.9.9.9 is not inside the subnet range 192.168.10.0/24"},
		{"fixed IP reserved", func(a *ConsumerEndpointArgs) { a.IpAddress = "192.168.10.1" }, "ipAddress: 192.168.10.1 is reserved"},
		{"subnet in another region than the attachment", func(a *ConsumerEndpointArgs) {
			a.Subnetwork = pulumi.String("projects/consumer-prj/regions/us-central1/subnetworks/apps")
		}, "subnetwork: projects/consumer-prj/regions/us-central1/subnetworks/apps is in region us-central1, not in europe-west1, the service attachment's region"},
		{"missing subnet", func(a *ConsumerEndpointArgs) { a.Subnetwork = pulumi.String("gone") },
			"subnetwork: subnet projects/consumer-prj/regions/europe-west1/subnetworks/gone does not exist"},
		{"NAT subnet", func(a *ConsumerEndpointArgs) { a.Subnetwork = pulumi.String("psc-nat") },
			"subnetwork: projects/consumer-prj/regions/europe-west1/subnetworks/psc-nat is not a regular subnet"},
		{"subnet of another VPC", func(a *ConsumerEndpointArgs) { a.Subnetwork = pulumi.String("elsewhere") },
			"subnetwork: projects/consumer-prj/regions/europe-west1/subnetworks/elsewhere belongs to the VPC " + producerVPC},
	}
}

// assertRefusedAfterLookup checks that err names every wanted fragment and that no cloud resource
// was registered: the lookups run once the component is registered, so it is, alone.
func assertRefusedAfterLookup(t *testing.T, f *fakeCloud, err error, want ...string) {
	t.Helper()
	assertErrorNames(t, err, want...)
	if custom := f.Custom(""); len(custom) != 0 {
		t.Errorf("invalid input must create nothing, got %d resources (first %s %s)", len(custom), custom[0].Type, custom[0].Name)
	}
}

// The subnets a producer created in an earlier update are its own, not a second proxy-only
// subnet nor an overlapping range; another component's are not.
func TestProducerOwnSubnetsAreNotOthers(t *testing.T) {
	t.Parallel()
	own := func(component string) []psctest.Subnet {
		return []psctest.Subnet{
			{Project: testProject, Region: testRegion, Name: component + "-lb-subnet-0a1b2c3", Network: producerVPC, IpCidrRange: "10.10.0.0/24"},
			{Project: testProject, Region: testRegion, Name: component + "-proxy-subnet-4d5e6f7", Network: producerVPC, IpCidrRange: "10.129.0.0/23",
				Purpose: "REGIONAL_MANAGED_PROXY", Role: "ACTIVE"},
			{Project: testProject, Region: testRegion, Name: component + "-nat-subnet-89abcde", Network: producerVPC, IpCidrRange: "10.20.0.0/28",
				Purpose: "PRIVATE_SERVICE_CONNECT"},
		}
	}
	if err := runProducerBeside(own("payments")); err != nil {
		t.Errorf("the component's own subnets must not count as others: %v", err)
	}
	assertErrorNames(t, runProducerBeside(own("ledger")), "loadBalancerSubnet.ipCidrRange: 10.10.0.0/24 overlaps", "proxyOnlySubnet.ipCidrRange: the VPC already has")
}

// ownSubnetRe must match the names of the subnets build creates, auto-named.
func TestOwnSubnetNamesMatchTheChildren(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	if err := f.Run(func(ctx *pulumi.Context) error {
		_, err := NewProducerService(ctx, "payments", producerArgs())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	subnets := f.Custom(typeSubnet)
	if len(subnets) != 3 {
		t.Fatalf("want 3 created subnets, got %d", len(subnets))
	}
	for _, s := range subnets {
		if !ownSubnetRe("payments").MatchString(s.Name + "-1a2b3c4") {
			t.Errorf("child subnet %q is not recognised as the component's own", s.Name)
		}
		if ownSubnetRe("pay").MatchString(s.Name + "-1a2b3c4") {
			t.Errorf("child subnet %q is taken for component pay's", s.Name)
		}
	}
}

// The component knows the subnets it created by the marker in their description, whatever they
// are named (a rename with an alias, pulumi:autonaming, a transform that names them); a marked
// subnet of another stack, or of another role, is another subnet.
func TestProducerOwnSubnetsAreKnownByTheirMarker(t *testing.T) {
	t.Parallel()
	// The fake cloud's program runs as project "project", stack "stack".
	marked := func(stack, lbRole string) []psctest.Subnet {
		desc := func(role string) string { return "cloudrun-psc ProducerService " + role + " of stack " + stack }
		return []psctest.Subnet{
			{Project: testProject, Region: testRegion, Name: "renamed-lb", Network: producerVPC, IpCidrRange: "10.10.0.0/24", Description: desc(lbRole)},
			{Project: testProject, Region: testRegion, Name: "acme-proxy-7", Network: producerVPC, IpCidrRange: "10.129.0.0/23",
				Purpose: "REGIONAL_MANAGED_PROXY", Role: "ACTIVE", Description: desc("proxy-subnet")},
			{Project: testProject, Region: testRegion, Name: "payments-v2-nat-subnet-89abcde", Network: producerVPC, IpCidrRange: "10.20.0.0/28",
				Purpose: "PRIVATE_SERVICE_CONNECT", Description: desc("nat-subnet")},
		}
	}
	if err := runProducerBeside(marked("project/stack", "lb-subnet")); err != nil {
		t.Errorf("subnets with the component's marker must not count as others, whatever their names: %v", err)
	}
	assertErrorNames(t, runProducerBeside(marked("project/other", "lb-subnet")), "loadBalancerSubnet.ipCidrRange: 10.10.0.0/24 overlaps 10.10.0.0/24, the range of the VPC's subnet renamed-lb",
		"proxyOnlySubnet.ipCidrRange: the VPC already has", "natSubnet.ipCidrRange: 10.20.0.0/28 overlaps")
	assertErrorNames(t, runProducerBeside(marked("project/stack", "nat-b")), "loadBalancerSubnet.ipCidrRange: 10.10.0.0/24 overlaps 10.10.0.0/24, the range of the VPC's subnet renamed-lb")
}

// The subnets the component creates carry the marker, set once (ignoreChanges: Google Cloud
// cannot change a description in place, so a subnet created before the marker is not replaced).
func TestProducerSubnetsCarryTheMarker(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.AdditionalNatSubnets = []SubnetArgs{{IpCidrRange: "10.21.0.0/29", Key: "b"}}
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, role := range map[string]string{"payments-lb-subnet": "lb-subnet", "payments-proxy-subnet": "proxy-subnet",
		"payments-nat-subnet": "nat-subnet", "payments-nat-b": "nat-b"} {
		r := f.Named(t, name)
		if want := "cloudrun-psc ProducerService " + role + " of stack project/stack"; str(r, "description") != want {
			t.Errorf("%s description = %q, want %q", name, str(r, "description"), want)
		}
		if !slices.Contains(r.IgnoreChanges, "description") {
			t.Errorf("%s ignoreChanges = %v, want description", name, r.IgnoreChanges)
		}
	}
}

// runProducerBeside runs the producer of producerArgs in a fake cloud that also holds subnets.
func runProducerBeside(subnets []psctest.Subnet) error {
	f := newFakeCloud()
	f.Subnets = append(f.Subnets, subnets...)
	return f.Run(func(ctx *pulumi.Context) error {
		_, err := NewProducerService(ctx, "payments", producerArgs())
		return err
	})
}
