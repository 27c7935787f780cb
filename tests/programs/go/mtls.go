package gonative

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// MTLS is the mutual TLS program, natively: an HTTPS producer on payment-api.internal with a
// given certificate that requires client certificates issued by the consumer organisation's CA
// (tls.clientAuth), its consumer endpoint and a DNS name for it. As python/mtls.py.
//
// Configuration: producerProject, consumerProject, gcp:region, gcp:project (a third project),
// invoker (a principal), tlsCertificate (public) and tlsPrivateKey (a secret), clientCa (the
// PEM of the CA whose client certificates are accepted) and clientAuthMode (empty: the default,
// REJECT_INVALID).
func MTLS(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	orgs, err := NewOrganisations(ctx)
	if err != nil {
		return err
	}
	svc, err := psc.NewProducerService(ctx, "payments", &psc.ProducerServiceArgs{
		Network: orgs.ProducerVpc.SelfLink,
		CloudRun: psc.CloudRunArgs{
			Image:    pulumi.String("europe-docker.pkg.dev/acme/payments/api:1.0"),
			Invokers: []pulumi.StringInput{pulumi.String(cfg.Require("invoker"))},
		},
		Hostname: "payment-api.internal",
		Tls: &psc.TlsArgs{
			CertificatePem: pulumi.String(cfg.Require("tlsCertificate")),
			PrivateKeyPem:  cfg.RequireSecret("tlsPrivateKey"),
			ClientAuth: &psc.ClientAuthArgs{
				TrustAnchorsPem: []pulumi.StringInput{pulumi.String(cfg.Require("clientCa"))},
				Mode:            cfg.Get("clientAuthMode"),
			},
		},
		LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: "10.10.0.0/24"},
		ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: "10.129.0.0/23"},
		NatSubnet:          psc.SubnetArgs{IpCidrRange: "10.20.0.0/28"},
		Consumers:          []psc.ConsumerAcceptArgs{{ProjectIdOrNum: orgs.ConsumerVpc.Project}},
	}, pulumi.Provider(orgs.Acme))
	if err != nil {
		return err
	}
	endpoint, err := orgs.Endpoint(ctx, "orders", svc.ServiceAttachmentUri, false)
	if err != nil {
		return err
	}
	if _, err := psc.NewDnsBinding(ctx, "orders-dns", &psc.DnsBindingArgs{
		Hostname:  "payment-api.internal",
		IpAddress: endpoint.IpAddress,
		Networks:  pulumi.StringArray{orgs.ConsumerVpc.SelfLink},
		Protocol:  "HTTPS",
	}, pulumi.Provider(orgs.Bank)); err != nil {
		return err
	}
	ctx.Export("consumerNetwork", orgs.ConsumerVpc.SelfLink)
	return nil
}
