package programs

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// Consumer reaches a published service from another organisation's VPC: a VPC and subnet, a
// ConsumerEndpoint that connects to the producer's service attachment, and a DnsBinding that
// names it.
//
// Configuration: exactly one of producerStack (the producer's stack name, read through a
// StackReference) and serviceAttachment (the attachment URI as a plain string); optionally
// hostname and protocol (HTTP or HTTPS, as the producer serves: with producerStack the DnsBinding
// learns it from the endpoint, which reads the producer stack's protocol output; HTTP when neither
// says), plus gcp:project and gcp:region.
// For a Shared VPC, networkProject names the host project, and network and subnetwork its VPC
// and subnet (names or self links): the program then creates neither, the endpoint's address and
// rule stay in gcp:project (a service project attached to the host), and the producer accepts
// that project.
func Consumer(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	hostname := cfg.Get("hostname")
	if hostname == "" {
		hostname = "payment-api.internal"
	}
	region := config.Require(ctx, "gcp:region")

	network, err := exampleNetwork(ctx, cfg, "consumer-vpc")
	if err != nil {
		return err
	}
	var subnetwork pulumi.StringInput = pulumi.String(cfg.Get("subnetwork"))
	if cfg.Get("networkProject") == "" {
		apps, err := compute.NewSubnetwork(ctx, "apps", &compute.SubnetworkArgs{
			Network:     network,
			Region:      pulumi.String(region),
			IpCidrRange: pulumi.String("192.168.10.0/24"),
		})
		if err != nil {
			return err
		}
		subnetwork = apps.SelfLink
	}

	args := &psc.ConsumerEndpointArgs{
		Network:           network,
		NetworkProject:    cfg.Get("networkProject"),
		Subnetwork:        subnetwork,
		ProducerStack:     cfg.Get("producerStack"),
		NoAutomateDnsZone: true,
	}
	if uri := cfg.Get("serviceAttachment"); uri != "" {
		args.ServiceAttachment = pulumi.String(uri)
	}
	endpoint, err := psc.NewConsumerEndpoint(ctx, "payments", args)
	if err != nil {
		return err
	}

	name, err := psc.NewDnsBinding(ctx, "payments-dns", &psc.DnsBindingArgs{
		Hostname:  hostname,
		IpAddress: endpoint.IpAddress,
		Networks:  pulumi.StringArray{network},
		// The scheme of url: the producer's, as the endpoint read it from the producer's stack.
		ProducerProtocol: endpoint.ProducerProtocol,
		Protocol:         cfg.Get("protocol"),
	})
	if err != nil {
		return fmt.Errorf("naming the endpoint: %w", err)
	}

	ctx.Export("ipAddress", endpoint.IpAddress)
	ctx.Export("pscConnectionStatus", endpoint.PscConnectionStatus)
	ctx.Export("consumerProject", endpoint.ConsumerProject)
	ctx.Export("consumerNetwork", endpoint.ConsumerNetwork)
	ctx.Export("serviceAttachmentUri", endpoint.ServiceAttachmentUri)
	ctx.Export("url", name.Url)
	ctx.Export("subnetwork", subnetwork)
	return nil
}
