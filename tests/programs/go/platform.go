// Package gonative holds the corpus programs written natively against pkg/psc (the components run
// in the program's process), and the pieces the Go SDK programs share with them.
package gonative

import (
	"context"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp"
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// IgnoreImage lets CI roll the Cloud Run image while Pulumi owns the rest of the service (the
// recipe of docs/recipes.md): a transform on the ProducerService reaches the service it creates.
func IgnoreImage(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
	if args.Type != "gcp:cloudrunv2/service:Service" {
		return nil
	}
	args.Opts.IgnoreChanges = append(args.Opts.IgnoreChanges, "template.containers[0].image")
	return &pulumi.ResourceTransformResult{Props: args.Props, Opts: args.Opts}
}

// Protected reads the protect configuration (true by default).
func Protected(cfg *config.Config) bool {
	if v, err := cfg.TryBool("protect"); err == nil {
		return v
	}
	return true
}

// Organisations are the two organisations of the platform program: an explicit provider for
// each (configuration producerProject and consumerProject, gcp:region), the producer's VPC, and
// the consumer's VPC with its apps subnet.
type Organisations struct {
	Acme, Bank               *gcp.Provider
	ProducerVpc, ConsumerVpc *compute.Network
	Apps                     *compute.Subnetwork
}

// Endpoint is the bank's ConsumerEndpoint name, in its VPC and client subnet apps, connected to
// attachment through the bank's provider; without Private Service Connect's automatic DNS zone
// unless automaticDNS.
func (o *Organisations) Endpoint(ctx *pulumi.Context, name string, attachment pulumi.StringInput, automaticDNS bool) (*psc.ConsumerEndpoint, error) {
	return psc.NewConsumerEndpoint(ctx, name, &psc.ConsumerEndpointArgs{
		Network:           o.ConsumerVpc.SelfLink,
		Subnetwork:        o.Apps.SelfLink,
		ServiceAttachment: attachment,
		NoAutomateDnsZone: !automaticDNS,
	}, pulumi.Provider(o.Bank))
}

// NewOrganisations creates the providers and networks of both organisations.
func NewOrganisations(ctx *pulumi.Context) (*Organisations, error) {
	cfg := config.New(ctx, "")
	region := config.Require(ctx, "gcp:region")
	o := &Organisations{}
	var err error
	if o.Acme, err = gcp.NewProvider(ctx, "acme", &gcp.ProviderArgs{
		Project: pulumi.String(cfg.Require("producerProject")), Region: pulumi.String(region),
	}); err != nil {
		return nil, err
	}
	if o.Bank, err = gcp.NewProvider(ctx, "bank", &gcp.ProviderArgs{
		Project: pulumi.String(cfg.Require("consumerProject")), Region: pulumi.String(region),
	}); err != nil {
		return nil, err
	}
	noAuto := &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)}
	if o.ProducerVpc, err = compute.NewNetwork(ctx, "producer-vpc", noAuto, pulumi.Provider(o.Acme)); err != nil {
		return nil, err
	}
	if o.ConsumerVpc, err = compute.NewNetwork(ctx, "consumer-vpc", noAuto, pulumi.Provider(o.Bank)); err != nil {
		return nil, err
	}
	o.Apps, err = compute.NewSubnetwork(ctx, "apps", &compute.SubnetworkArgs{
		Network: o.ConsumerVpc.SelfLink, Region: pulumi.String(region), IpCidrRange: pulumi.String("192.168.10.0/24"),
	}, pulumi.Provider(o.Bank))
	return o, err
}

// Platform is the platform team's program written natively: one program, two organisations with
// explicit providers, the stack's gcp:project naming a third project that must receive nothing.
// The image and the invoker come from other resources' outputs, the certificate and its key from
// secret configuration, and the accepted consumer project from the consumer VPC, as in the Go
// SDK, TypeScript and Python programs.
//
// Configuration: as the Go SDK program (gosdk.Platform).
func Platform(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	orgs, err := NewOrganisations(ctx)
	if err != nil {
		return err
	}
	consumerProject := orgs.ConsumerVpc.Project
	image := pulumi.Sprintf("europe-docker.pkg.dev/%s/payments/api:%s", orgs.ProducerVpc.Project, cfg.Require("imageTag"))
	svc, err := psc.NewProducerService(ctx, "payments", &psc.ProducerServiceArgs{
		Network: orgs.ProducerVpc.SelfLink,
		CloudRun: psc.CloudRunArgs{
			Image:    image,
			Invokers: []pulumi.StringInput{pulumi.Sprintf("serviceAccount:payments-caller@%s.iam.gserviceaccount.com", consumerProject)},
		},
		Hostname: "payment-api.internal",
		Tls: &psc.TlsArgs{
			CertificatePem: cfg.RequireSecret("tlsCertificate"),
			PrivateKeyPem:  cfg.RequireSecret("tlsPrivateKey"),
		},
		LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: "10.10.0.0/24"},
		ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: "10.129.0.0/23"},
		NatSubnet:          psc.SubnetArgs{IpCidrRange: "10.20.0.0/24"},
		Consumers:          []psc.ConsumerAcceptArgs{{ProjectIdOrNum: consumerProject}},
	}, pulumi.Provider(orgs.Acme), pulumi.Protect(Protected(cfg)), pulumi.Transforms([]pulumi.ResourceTransform{IgnoreImage}))
	if err != nil {
		return err
	}
	endpoint, err := orgs.Endpoint(ctx, "payments", svc.ServiceAttachmentUri, false)
	if err != nil {
		return err
	}
	name, err := psc.NewDnsBinding(ctx, "payments-dns", &psc.DnsBindingArgs{
		Hostname:  "payment-api.internal",
		IpAddress: endpoint.IpAddress,
		Networks:  pulumi.StringArray{orgs.ConsumerVpc.SelfLink},
		Protocol:  "HTTPS",
	}, pulumi.Provider(orgs.Bank))
	if err != nil {
		return err
	}
	ExportPlatform(ctx, svc.ServiceAttachmentUri, svc.CertificatePem, endpoint.PscConnectionStatus, endpoint.ConsumerProject, name.Url)
	return nil
}

// ExportPlatform exports the outputs of the platform program that its test reads.
func ExportPlatform(ctx *pulumi.Context, attachment, certificatePem, status, consumerProject, url pulumi.StringOutput) {
	ctx.Export("serviceAttachmentUri", attachment)
	ctx.Export("certificatePem", certificatePem)
	ctx.Export("pscConnectionStatus", status)
	ctx.Export("consumerProject", consumerProject)
	ctx.Export("url", url)
}
