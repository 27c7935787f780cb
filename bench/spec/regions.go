package spec

import (
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The two-region graph is one stack too: the producer VPC with a ProducerService in two regions
// (the cross-region internal Application Load Balancer: a Cloud Run service, serverless NEG,
// forwarding rule, three subnets and service attachment per region behind one global backend
// service, URL map and target HTTP proxy), and the consumer VPC with a subnet and a PSC endpoint
// in each region, each connected to its own region's attachment, and one DnsBinding that answers
// each client with its region's endpoint (a geo routing policy).

// RegionSpec is one region of the two-region graph: the producer's subnets there and the
// consumer's subnet.
type RegionSpec struct {
	Region         string
	LBRange        string
	ProxyOnlyRange string // GLOBAL_MANAGED_PROXY
	NATRange       string
	ConsumerRange  string
}

// Regions are the two regions, the primary one (Region, gcp:region) first.
var Regions = []RegionSpec{
	{Region: Region, LBRange: LBRange, ProxyOnlyRange: ProxyOnlyRange, NATRange: NATRange, ConsumerRange: ConsumerRange},
	{Region: "us-east1", LBRange: "10.11.0.0/24", ProxyOnlyRange: "10.131.0.0/23", NATRange: "10.21.0.0/24",
		ConsumerRange: "192.168.11.0/24"},
}

// RegionEndpointName is the name of the consumer's endpoint in a region.
func RegionEndpointName(region string) string { return ProducerName + "-" + region }

// RegionConsumerSubnet is the name of the consumer's subnet in a region.
func RegionConsumerSubnet(region string) string { return ConsumerSubnet + "-" + region }

// RegionsDNSName is the name of the two-region graph's DnsBinding; it answers for Hostname.
const RegionsDNSName = ProducerName + "-dns"

// RegionNetworks are the VPCs of the two-region graph, which both programs create with
// pulumi-gcp, and the consumer's subnet in each region.
type RegionNetworks struct {
	Producer, Consumer *compute.Network
	Apps               map[string]*compute.Subnetwork // by region
}

// NewRegionNetworks creates the producer VPC, the consumer VPC and the consumer's subnet in
// each region.
func NewRegionNetworks(ctx *pulumi.Context) (*RegionNetworks, error) {
	producer, consumer, err := newVPCs(ctx)
	if err != nil {
		return nil, err
	}
	nets := &RegionNetworks{Producer: producer, Consumer: consumer, Apps: map[string]*compute.Subnetwork{}}
	for _, r := range Regions {
		apps, err := compute.NewSubnetwork(ctx, RegionConsumerSubnet(r.Region), &compute.SubnetworkArgs{
			Project:     pulumi.String(ConsumerProject),
			Region:      pulumi.String(r.Region),
			Network:     consumer.SelfLink,
			IpCidrRange: pulumi.String(r.ConsumerRange),
		})
		if err != nil {
			return nil, err
		}
		nets.Apps[r.Region] = apps
	}
	return nets, nil
}
