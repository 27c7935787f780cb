package psc

import (
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// Short names for the fake cloud's helpers, which every test here uses.
type fakeCloud = psctest.FakeCloud

type registered = psctest.Registered

const (
	testProject = psctest.Project
	testRegion  = psctest.Region
)

var (
	input       = psctest.Input
	str         = psctest.Str
	resourceKey = psctest.ResourceKey
)

// The VPCs the tests name, as Google Cloud reports them.
const (
	producerVPC = "https://www.googleapis.com/compute/v1/projects/producer-prj/global/networks/producer-vpc"
	consumerVPC = "https://www.googleapis.com/compute/v1/projects/consumer-prj/global/networks/consumer-vpc"
)

// newFakeCloud returns a fake cloud holding the consumer subnet the consumer tests name
// (consumerArgs).
func newFakeCloud() *fakeCloud {
	f := psctest.New()
	f.Subnets = []psctest.Subnet{{Project: "consumer-prj", Region: testRegion, Name: "apps", Network: consumerVPC, IpCidrRange: "192.168.10.0/24"}}
	return f
}

// addProducerSubnets adds existing load balancer, proxy-only and NAT subnets, named lb, proxy and
// nat, to the producer VPC.
func addProducerSubnets(f *fakeCloud) {
	f.Subnets = append(f.Subnets,
		psctest.Subnet{Project: testProject, Region: testRegion, Name: "lb", Network: producerVPC, IpCidrRange: "10.30.0.0/24"},
		psctest.Subnet{Project: testProject, Region: testRegion, Name: "proxy", Network: producerVPC, IpCidrRange: "10.131.0.0/23",
			Purpose: "REGIONAL_MANAGED_PROXY", Role: "ACTIVE"},
		psctest.Subnet{Project: testProject, Region: testRegion, Name: "nat", Network: producerVPC, IpCidrRange: "10.40.0.0/28",
			Purpose: "PRIVATE_SERVICE_CONNECT"})
}
