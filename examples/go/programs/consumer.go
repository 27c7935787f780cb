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
// hostname and protocol (HTTP or HTTPS, as the producer serves), plus gcp:project and gcp:region.
func Consumer(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	hostname := cfg.Get("hostname")
	if hostname == "" {
		hostname = "payment-api.internal"
	}
	protocol := cfg.Get("protocol")
	if protocol == "" {
		protocol = "HTTP"
	}
	region := config.Require(ctx, "gcp:region")

	vpc, err := compute.NewNetwork(ctx, "consumer-vpc", &compute.NetworkArgs{
		AutoCreateSubnetworks: pulumi.Bool(false),
	})
	if err != nil {
		return err
	}
	apps, err := compute.NewSubnetwork(ctx, "apps", &compute.SubnetworkArgs{
		Network:     vpc.SelfLink,
		Region:      pulumi.String(region),
		IpCidrRange: pulumi.String("192.168.10.0/24"),
	})
	if err != nil {
		return err
	}

	args := &psc.ConsumerEndpointArgs{
		Network:           vpc.SelfLink,
		Subnetwork:        apps.SelfLink,
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
		Networks:  pulumi.StringArray{vpc.SelfLink},
		Protocol:  protocol,
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
	ctx.Export("subnetwork", apps.SelfLink)
	return nil
}
