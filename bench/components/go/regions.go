package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/spec"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// Regions is the two-region program (bench/spec/regions.go): one ProducerService with regions,
// a ConsumerEndpoint in each region connected to that region's attachment, and a DnsBinding
// with each region's endpoint IP.
func Regions(ctx *pulumi.Context) error {
	nets, err := spec.NewRegionNetworks(ctx)
	if err != nil {
		return err
	}
	one := 1
	regions := map[string]psc.ProducerRegionArgs{}
	for _, r := range spec.Regions {
		regions[r.Region] = psc.ProducerRegionArgs{
			LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: r.LBRange},
			ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: r.ProxyOnlyRange},
			NatSubnet:          psc.SubnetArgs{IpCidrRange: r.NATRange},
		}
	}
	svc, err := psc.NewProducerService(ctx, spec.ProducerName, &psc.ProducerServiceArgs{
		Network:   nets.Producer.SelfLink,
		CloudRun:  psc.CloudRunArgs{Image: pulumi.String(spec.Image)},
		Hostname:  spec.Hostname,
		Regions:   regions,
		Consumers: []psc.ConsumerAcceptArgs{{ProjectIdOrNum: pulumi.String(spec.ConsumerProject), ConnectionLimit: &one}},
	})
	if err != nil {
		return err
	}

	ips := map[string]pulumi.StringInput{}
	for _, r := range spec.Regions {
		endpoint, err := psc.NewConsumerEndpoint(ctx, spec.RegionEndpointName(r.Region), &psc.ConsumerEndpointArgs{
			Project:           spec.ConsumerProject,
			Network:           nets.Consumer.SelfLink,
			Subnetwork:        nets.Apps[r.Region].SelfLink,
			ServiceAttachment: svc.ServiceAttachmentUris.MapIndex(pulumi.String(r.Region)),
			NoAutomateDnsZone: true,
		})
		if err != nil {
			return err
		}
		ips[r.Region] = endpoint.IpAddress
	}
	if _, err := psc.NewDnsBinding(ctx, spec.RegionsDNSName, &psc.DnsBindingArgs{
		Project:     spec.ConsumerProject,
		Hostname:    spec.Hostname,
		ZoneDnsName: spec.Hostname + ".",
		IpAddresses: ips,
		Networks:    pulumi.StringArray{nets.Consumer.SelfLink},
		Protocol:    spec.EndpointProtocol,
	}); err != nil {
		return err
	}
	ctx.Export("serviceAttachmentUris", svc.ServiceAttachmentUris)
	return nil
}
