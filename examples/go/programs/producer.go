// Package programs holds the example Pulumi programs. examples/go/producer and
// examples/go/consumer run them with pulumi.Run; the end-to-end tests and `make demo` run the
// very same functions as Automation API inline programs.
package programs

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// Producer publishes a Cloud Run service privately: a VPC, then one ProducerService that creates
// the service, the internal load balancer, its subnets and the PSC service attachment.
//
// Configuration (all optional): image, hostname, consumerProjects (a list of consumer project
// ids to accept), consumerStacks (a list of consumer stack names whose consumerProject output is
// accepted), tlsCertificate and tlsPrivateKey (a secret: `pulumi config set --secret`) to serve
// HTTPS with that certificate, plus gcp:project and gcp:region. For a Shared VPC, networkProject
// names the host project and network its VPC (name or self link): the program then creates no
// VPC, and the component creates the subnets in the host project (gcp:project must be a service
// project attached to it).
func Producer(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	image := cfg.Get("image")
	if image == "" {
		image = "us-docker.pkg.dev/cloudrun/container/hello"
	}
	hostname := cfg.Get("hostname")
	if hostname == "" {
		hostname = "payment-api.internal"
	}
	var consumerProjects, consumerStacks, invokers []string
	cfg.GetObject("consumerProjects", &consumerProjects)
	cfg.GetObject("consumerStacks", &consumerStacks)
	cfg.GetObject("invokers", &invokers)

	network, err := exampleNetwork(ctx, cfg, "producer-vpc")
	if err != nil {
		return err
	}

	args := &psc.ProducerServiceArgs{
		Network:            network,
		NetworkProject:     cfg.Get("networkProject"),
		CloudRun:           psc.CloudRunArgs{Image: pulumi.String(image), Invokers: pulumi.ToStringArray(invokers)},
		Hostname:           hostname,
		LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: "10.10.0.0/24"},
		ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: "10.129.0.0/23"},
		NatSubnet:          psc.SubnetArgs{IpCidrRange: "10.20.0.0/24"},
	}
	if cert := cfg.Get("tlsCertificate"); cert != "" {
		args.Tls = &psc.TlsArgs{CertificatePem: pulumi.String(cert), PrivateKeyPem: cfg.RequireSecret("tlsPrivateKey")}
	}
	for _, p := range consumerProjects {
		args.Consumers = append(args.Consumers, psc.ConsumerAcceptArgs{ProjectIdOrNum: pulumi.String(p)})
	}
	for _, s := range consumerStacks {
		args.ConsumerStacks = append(args.ConsumerStacks, psc.ConsumerStackArgs{Stack: s})
	}
	svc, err := psc.NewProducerService(ctx, "payments", args)
	if err != nil {
		return err
	}

	ctx.Export("serviceAttachmentUri", svc.ServiceAttachmentUri)
	ctx.Export("loadBalancerIp", svc.LoadBalancerIp)
	ctx.Export("hostname", svc.Hostname)
	ctx.Export("protocol", svc.Protocol)
	ctx.Export("natCapacity", svc.NatCapacity)
	ctx.Export("cloudRunServiceName", svc.CloudRunServiceName)
	ctx.Export("region", svc.Region)
	ctx.Export("project", svc.Project)
	ctx.Export("domainNames", svc.DomainNames)
	return nil
}
