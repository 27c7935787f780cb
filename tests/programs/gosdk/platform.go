// Package gosdk holds the corpus programs written against the generated Go SDK
// (sdk/go/cloudrunpsc): the components are remote, served by the provider plugin.
package gosdk

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sdk/go/cloudrunpsc"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
)

// Platform is the platform team's program: one program, two organisations. The producer (acme)
// and the consumer (bank) each have their own explicit gcp.Provider; the stack's gcp:project
// names a third project that must receive nothing. The image and the invoker come from other
// resources' outputs, the TLS certificate and key from secret configuration, the consumer to
// accept from the consumer VPC's project. The producer is protected, and CI rolls its image.
//
// The simulator emulates no Artifact Registry and no service account: the image ref is built
// from the producer VPC's project output, and the invoker's email from the consumer VPC's project
// output, as a created service account's email would be.
//
// Configuration: producerProject, consumerProject, tlsCertificate and tlsPrivateKey (secrets),
// imageTag, protect (true by default), gcp:region, gcp:project (the third project).
func Platform(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	orgs, err := gonative.NewOrganisations(ctx)
	if err != nil {
		return err
	}
	acme, bank, producerVpc, consumerVpc := orgs.Acme, orgs.Bank, orgs.ProducerVpc, orgs.ConsumerVpc

	image := pulumi.Sprintf("europe-docker.pkg.dev/%s/payments/api:%s", producerVpc.Project, cfg.Require("imageTag"))
	caller := pulumi.Sprintf("serviceAccount:payments-caller@%s.iam.gserviceaccount.com", consumerVpc.Project)
	svc, err := cloudrunpsc.NewProducerService(ctx, "payments", &cloudrunpsc.ProducerServiceArgs{
		Network:  producerVpc.SelfLink,
		CloudRun: cloudrunpsc.CloudRunArgs{Image: image, Invokers: pulumi.StringArray{caller}},
		Hostname: pulumi.StringRef("payment-api.internal"),
		Tls: &cloudrunpsc.TlsArgs{
			CertificatePem: cfg.RequireSecret("tlsCertificate"),
			PrivateKeyPem:  cfg.RequireSecret("tlsPrivateKey"),
		},
		LoadBalancerSubnet: cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.10.0.0/24")},
		ProxyOnlySubnet:    cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.129.0.0/23")},
		NatSubnet:          cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.20.0.0/24")},
		Consumers:          []cloudrunpsc.ConsumerAcceptArgs{{ProjectIdOrNum: consumerVpc.Project}},
	}, pulumi.Provider(acme), pulumi.Protect(gonative.Protected(cfg)), pulumi.Transforms([]pulumi.ResourceTransform{gonative.IgnoreImage}))
	if err != nil {
		return err
	}

	endpoint, err := cloudrunpsc.NewConsumerEndpoint(ctx, "payments", &cloudrunpsc.ConsumerEndpointArgs{
		Network:           consumerVpc.SelfLink,
		Subnetwork:        orgs.Apps.SelfLink,
		ServiceAttachment: svc.ServiceAttachmentUri,
		NoAutomateDnsZone: pulumi.BoolRef(true),
	}, pulumi.Provider(bank))
	if err != nil {
		return err
	}
	name, err := cloudrunpsc.NewDnsBinding(ctx, "payments-dns", &cloudrunpsc.DnsBindingArgs{
		Hostname:  "payment-api.internal",
		IpAddress: endpoint.IpAddress,
		Networks:  pulumi.StringArray{consumerVpc.SelfLink},
		Protocol:  pulumi.StringRef("HTTPS"),
	}, pulumi.Provider(bank))
	if err != nil {
		return err
	}

	gonative.ExportPlatform(ctx, svc.ServiceAttachmentUri, svc.CertificatePem, endpoint.PscConnectionStatus, endpoint.ConsumerProject, name.Url)
	return nil
}
