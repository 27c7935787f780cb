// Package spec is the shape of the benchmark graph, shared by the Go programs that build it with
// the components (bench/components/go) and by hand with pulumi-gcp (bench/handwritten/go); the
// TypeScript programs hold the same values in bench/spec/spec.ts.
//
// The graph is one stack: a producer VPC with one published Cloud Run service, and a consumer
// VPC (in another project) with N Private Service Connect endpoints to it, each with a private
// DNS zone and an A record. The producer accepts the consumer's project for N connections, and
// its NAT subnet (a /24, 252 addresses) serves up to 252 endpoints.
package spec

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Projects and region of the graph: gcp:project is the producer's, and every consumer resource
// names the consumer's project.
const (
	ProducerProject = "producer-prj"
	ConsumerProject = "consumer-prj"
	Region          = "europe-west1"
)

// Inputs of the producer and consumer resources.
const (
	Image            = "us-docker.pkg.dev/cloudrun/container/hello"
	Hostname         = "payment-api.internal"
	LBRange          = "10.10.0.0/24"
	ProxyOnlyRange   = "10.129.0.0/23"
	NATRange         = "10.20.0.0/24"
	ConsumerRange    = "192.168.10.0/24"
	EndpointsConfig  = "endpoints" // configuration key: how many consumer endpoints (1 by default)
	ProducerName     = "payments"
	ProducerVPCName  = "producer-vpc"
	ConsumerVPCName  = "consumer-vpc"
	ConsumerSubnet   = "apps"
	EndpointProtocol = "HTTP"
)

// Endpoints reads how many consumer endpoints the stack holds.
func Endpoints(ctx *pulumi.Context) int {
	if n := config.GetInt(ctx, ctx.Project()+":"+EndpointsConfig); n > 0 {
		return n
	}
	return 1
}

// EndpointName is the name of the i-th consumer endpoint.
func EndpointName(i int) string { return fmt.Sprintf("%s-%d", ProducerName, i) }

// DNSName is the name of the i-th endpoint's DNS binding.
func DNSName(i int) string { return EndpointName(i) + "-dns" }

// EndpointHost is the private hostname of the i-th endpoint; each has its own zone (a network may
// see only one private zone of a given DNS name).
func EndpointHost(i int) string { return fmt.Sprintf("payment-api-%d.internal", i) }

// Networks are the VPCs both programs create with pulumi-gcp, components or not.
type Networks struct {
	Producer, Consumer *compute.Network
	Apps               *compute.Subnetwork // the consumer's regular subnet, where the endpoints' addresses come from
}

// NewNetworks creates the producer VPC, the consumer VPC and the consumer's subnet.
func NewNetworks(ctx *pulumi.Context) (*Networks, error) {
	producer, consumer, err := newVPCs(ctx)
	if err != nil {
		return nil, err
	}
	apps, err := compute.NewSubnetwork(ctx, ConsumerSubnet, &compute.SubnetworkArgs{
		Project:     pulumi.String(ConsumerProject),
		Region:      pulumi.String(Region),
		Network:     consumer.SelfLink,
		IpCidrRange: pulumi.String(ConsumerRange),
	})
	if err != nil {
		return nil, err
	}
	return &Networks{Producer: producer, Consumer: consumer, Apps: apps}, nil
}

// NewProducerVPC creates the producer VPC, in the producer's project (gcp:project).
func NewProducerVPC(ctx *pulumi.Context) (*compute.Network, error) {
	return compute.NewNetwork(ctx, ProducerVPCName, &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
}

// newVPCs creates the producer VPC and the consumer VPC.
func newVPCs(ctx *pulumi.Context) (producer, consumer *compute.Network, err error) {
	if producer, err = NewProducerVPC(ctx); err != nil {
		return nil, nil, err
	}
	consumer, err = compute.NewNetwork(ctx, ConsumerVPCName, &compute.NetworkArgs{
		Project:               pulumi.String(ConsumerProject),
		AutoCreateSubnetworks: pulumi.Bool(false),
	})
	if err != nil {
		return nil, nil, err
	}
	return producer, consumer, nil
}
