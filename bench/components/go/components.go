// Package components builds the benchmark graph (bench/spec) with the cloudrun-psc components,
// as a user of pkg/psc writes it: the VPCs, one ProducerService, then a ConsumerEndpoint and a
// DnsBinding per endpoint.
package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/spec"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// Graph is the program.
func Graph(ctx *pulumi.Context) error {
	n := spec.Endpoints(ctx)
	nets, err := spec.NewNetworks(ctx)
	if err != nil {
		return err
	}
	svc, err := psc.NewProducerService(ctx, spec.ProducerName, &psc.ProducerServiceArgs{
		Network:            nets.Producer.SelfLink,
		CloudRun:           psc.CloudRunArgs{Image: pulumi.String(spec.Image)},
		Hostname:           spec.Hostname,
		LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: spec.LBRange},
		ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: spec.ProxyOnlyRange},
		NatSubnet:          psc.SubnetArgs{IpCidrRange: spec.NATRange},
		Consumers:          []psc.ConsumerAcceptArgs{{ProjectIdOrNum: pulumi.String(spec.ConsumerProject), ConnectionLimit: &n}},
	})
	if err != nil {
		return err
	}

	for i := range n {
		endpoint, err := psc.NewConsumerEndpoint(ctx, spec.EndpointName(i), &psc.ConsumerEndpointArgs{
			Project:           spec.ConsumerProject,
			Network:           nets.Consumer.SelfLink,
			Subnetwork:        nets.Apps.SelfLink,
			ServiceAttachment: svc.ServiceAttachmentUri,
			NoAutomateDnsZone: true,
		})
		if err != nil {
			return err
		}
		if _, err := psc.NewDnsBinding(ctx, spec.DNSName(i), &psc.DnsBindingArgs{
			Project:     spec.ConsumerProject,
			Hostname:    spec.EndpointHost(i),
			ZoneDnsName: spec.EndpointHost(i) + ".",
			IpAddress:   endpoint.IpAddress,
			Networks:    pulumi.StringArray{nets.Consumer.SelfLink},
			Protocol:    spec.EndpointProtocol,
		}); err != nil {
			return err
		}
	}
	ctx.Export("serviceAttachmentUri", svc.ServiceAttachmentUri)
	return nil
}
