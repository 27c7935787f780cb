package gonative

import (
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// The protocol programs: an HTTPS producer that exports its protocol beside its attachment URI,
// and a consumer, in two stacks, whose DnsBinding learns the scheme of its url from the endpoint
// (producerProtocol) instead of a protocol copied by hand.

// ProtocolProducer serves HTTPS (a certificate from configuration, its key a secret) to the
// consumer's project. Configuration: gcp:project, gcp:region, consumerProject, tlsCertificate,
// tlsPrivateKey. Outputs: serviceAttachmentUri and protocol.
func ProtocolProducer(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	vpc, err := compute.NewNetwork(ctx, "producer-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
	if err != nil {
		return err
	}
	svc, err := psc.NewProducerService(ctx, "payments", &psc.ProducerServiceArgs{
		Network:  vpc.SelfLink,
		CloudRun: psc.CloudRunArgs{Image: pulumi.String("europe-docker.pkg.dev/acme/payments/api:1.0")},
		Hostname: "payment-api.internal",
		Tls: &psc.TlsArgs{
			CertificatePem: pulumi.String(cfg.Require("tlsCertificate")),
			PrivateKeyPem:  cfg.RequireSecret("tlsPrivateKey"),
		},
		LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: "10.10.0.0/24"},
		ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: "10.129.0.0/23"},
		NatSubnet:          psc.SubnetArgs{IpCidrRange: "10.20.0.0/28"},
		Consumers:          []psc.ConsumerAcceptArgs{{ProjectIdOrNum: pulumi.String(cfg.Require("consumerProject"))}},
	})
	if err != nil {
		return err
	}
	ctx.Export("serviceAttachmentUri", svc.ServiceAttachmentUri)
	ctx.Export("protocol", svc.Protocol)
	return nil
}

// ProtocolConsumer connects to the producer's stack and names the endpoint in DNS, passing the
// DnsBinding the endpoint's producerProtocol. Configuration: gcp:project, gcp:region,
// producerStack, and protocol (the DnsBinding's, unset by default). Outputs: url and
// producerProtocol.
func ProtocolConsumer(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	vpc, err := compute.NewNetwork(ctx, "consumer-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
	if err != nil {
		return err
	}
	apps, err := compute.NewSubnetwork(ctx, "apps", &compute.SubnetworkArgs{
		Network:     vpc.SelfLink,
		Region:      pulumi.String(config.Require(ctx, "gcp:region")),
		IpCidrRange: pulumi.String("192.168.10.0/24"),
	})
	if err != nil {
		return err
	}
	endpoint, err := psc.NewConsumerEndpoint(ctx, "payments", &psc.ConsumerEndpointArgs{
		Network:           vpc.SelfLink,
		Subnetwork:        apps.SelfLink,
		ProducerStack:     cfg.Require("producerStack"),
		NoAutomateDnsZone: true,
	})
	if err != nil {
		return err
	}
	name, err := psc.NewDnsBinding(ctx, "payments-dns", &psc.DnsBindingArgs{
		Hostname:         "payment-api.internal",
		IpAddress:        endpoint.IpAddress,
		Networks:         pulumi.StringArray{vpc.SelfLink},
		ProducerProtocol: endpoint.ProducerProtocol,
		Protocol:         cfg.Get("protocol"),
	})
	if err != nil {
		return err
	}
	ctx.Export("url", name.Url)
	ctx.Export("producerProtocol", endpoint.ProducerProtocol)
	return nil
}
