package gonative

import (
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// The private-TLS programs: a producer serving https://payment-api.internal/ with a certificate
// issued by a CA Service root CA the component creates (tls.private.createCa), and a consumer that
// reads the producer's stack for the attachment and for the CA chain its callers trust, in two
// stacks of two organisations.

// PrivateTlsProducer is the producer's stack: a ProducerService on payment-api.internal over HTTPS
// with tls.private.createCa, serving the consumer's project and granting invoker run.invoker.
//
// Configuration: gcp:project, gcp:region, consumerProject, invoker; caDeletionProtection
// ("false" lets destroy delete the root CA). Outputs: serviceAttachmentUri, serviceAttachmentUris
// and caCertificatePem, which the consumer's stack reads.
func PrivateTlsProducer(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	vpc, err := compute.NewNetwork(ctx, "producer-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
	if err != nil {
		return err
	}
	createCa := &psc.CreateCaArgs{Organization: "Acme Payments"}
	if v, err := cfg.TryBool("caDeletionProtection"); err == nil {
		createCa.DeletionProtection = pulumi.BoolRef(v)
	}
	svc, err := psc.NewProducerService(ctx, "payments", &psc.ProducerServiceArgs{
		Network: vpc.SelfLink,
		CloudRun: psc.CloudRunArgs{
			Image:    pulumi.String("europe-docker.pkg.dev/acme/payments/api:1.0"),
			Invokers: []pulumi.StringInput{pulumi.String(cfg.Require("invoker"))},
		},
		Hostname:           "payment-api.internal",
		Tls:                &psc.TlsArgs{Private: &psc.PrivateCertificateArgs{CreateCa: createCa}},
		LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: RegionalRanges.LB},
		ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: RegionalRanges.Proxy},
		NatSubnet:          psc.SubnetArgs{IpCidrRange: RegionalRanges.NAT},
		Consumers:          []psc.ConsumerAcceptArgs{{ProjectIdOrNum: pulumi.String(cfg.Require("consumerProject"))}},
	})
	if err != nil {
		return err
	}
	ctx.Export("serviceAttachmentUri", svc.ServiceAttachmentUri)
	ctx.Export("serviceAttachmentUris", svc.ServiceAttachmentUris)
	ctx.Export("caCertificatePem", svc.CaCertificatePem)
	return nil
}

// PrivateTlsConsumer is the consumer's stack: a client subnet, a ConsumerEndpoint reading the
// producer's stack, and a DnsBinding for payment-api.internal.
//
// Configuration: gcp:project, gcp:region, otherRegion (unused: one endpoint), producerStack.
// Outputs: consumerNetwork, pscConnectionStatuses and caCertificatePem, the CA chain the
// endpoint read from the producer's stack.
func PrivateTlsConsumer(ctx *pulumi.Context) error {
	net, err := NewConsumerNetwork(ctx)
	if err != nil {
		return err
	}
	r := net.Regions[0]
	endpoint, err := psc.NewConsumerEndpoint(ctx, "payments", &psc.ConsumerEndpointArgs{
		Network:           net.Vpc.SelfLink,
		Subnetwork:        net.Apps[r].SelfLink,
		ProducerStack:     net.ProducerStack,
		NoAutomateDnsZone: true,
	})
	if err != nil {
		return err
	}
	if _, err := psc.NewDnsBinding(ctx, "payments-dns", &psc.DnsBindingArgs{
		Hostname: "payment-api.internal", Networks: pulumi.StringArray{net.Vpc.SelfLink}, Protocol: "HTTPS",
		IpAddress: endpoint.IpAddress,
	}); err != nil {
		return err
	}
	net.Export(ctx, pulumi.StringMap{r: endpoint.IpAddress}, pulumi.StringMap{r: endpoint.PscConnectionStatus})
	ctx.Export("caCertificatePem", endpoint.CaCertificatePem)
	return nil
}
