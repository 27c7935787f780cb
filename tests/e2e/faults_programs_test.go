package e2e

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// The fault tests run the components with every optional child switched on, so that a fault can
// be injected into each type the components can create: chainProducer adds HTTPS (a self-managed
// certificate) and an invoker binding to the example producer, chainConsumer an egress firewall
// rule and, on request, more endpoints to the example consumer.

// invoker is the IAM member chainProducer grants roles/run.invoker.
const invoker = "serviceAccount:caller@" + consumerProject + ".iam.gserviceaccount.com"

// chainProducer is a producer serving HTTPS with the given self-signed certificate and key.
// Configuration: consumerProjects (list), connectionLimit (per consumer project, default 10),
// natSubnets (list of CIDRs: natSubnet, then additionalNatSubnets; default ["10.20.0.0/24"]).
func chainProducer(certPEM, keyPEM string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		var consumers, nats []string
		cfg.GetObject("consumerProjects", &consumers)
		if err := cfg.GetObject("natSubnets", &nats); err != nil || len(nats) == 0 {
			nats = []string{"10.20.0.0/24"}
		}
		vpc, err := compute.NewNetwork(ctx, "producer-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
		if err != nil {
			return err
		}
		args := &psc.ProducerServiceArgs{
			Network: vpc.SelfLink,
			CloudRun: psc.CloudRunArgs{
				Image:    pulumi.String("us-docker.pkg.dev/cloudrun/container/hello"),
				Invokers: pulumi.ToStringArray([]string{invoker}),
			},
			Hostname:           "payment-api.internal",
			Tls:                &psc.TlsArgs{CertificatePem: pulumi.String(certPEM), PrivateKeyPem: pulumi.String(keyPEM)},
			LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: "10.10.0.0/24"},
			ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: "10.129.0.0/23"},
			NatSubnet:          psc.SubnetArgs{IpCidrRange: nats[0]},
		}
		for _, cidr := range nats[1:] {
			// Each entry's key is its first range, as a user would name it.
			key := "r" + strings.NewReplacer(".", "-", "/", "-").Replace(cidr)
			args.AdditionalNatSubnets = append(args.AdditionalNatSubnets, psc.SubnetArgs{IpCidrRange: cidr, Key: key})
		}
		var limit *int // unset: the component's default
		if l, err := cfg.TryInt("connectionLimit"); err == nil {
			limit = &l
		}
		for _, p := range consumers {
			args.Consumers = append(args.Consumers, psc.ConsumerAcceptArgs{ProjectIdOrNum: pulumi.String(p), ConnectionLimit: limit})
		}
		svc, err := psc.NewProducerService(ctx, "payments", args)
		if err != nil {
			return err
		}
		ctx.Export("serviceAttachmentUri", svc.ServiceAttachmentUri)
		ctx.Export("natCapacity", svc.NatCapacity)
		return nil
	}
}

// chainConsumer is the example consumer with an egress firewall rule for its clients and
// `endpoints` endpoints (default 1) to the same attachment; the first one is named in DNS.
// Configuration: serviceAttachment or producerStack, endpoints. Outputs: pscConnectionStatus and
// ipAddress of the first endpoint, statuses of all, serviceAttachmentUri, url.
func chainConsumer(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	n := cfg.GetInt("endpoints")
	if n == 0 {
		n = 1
	}
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
	var statuses pulumi.StringArray
	var first *psc.ConsumerEndpoint
	for i := range n {
		args := &psc.ConsumerEndpointArgs{
			Network:           vpc.SelfLink,
			Subnetwork:        apps.SelfLink,
			ProducerStack:     cfg.Get("producerStack"),
			NoAutomateDnsZone: true,
		}
		if uri := cfg.Get("serviceAttachment"); uri != "" {
			args.ServiceAttachment = pulumi.String(uri)
		}
		name := "payments"
		if i == 0 {
			args.Firewall = &psc.EndpointFirewallArgs{ClientRanges: pulumi.ToStringArray([]string{"192.168.10.0/24"}), Ports: []int{443}}
		} else {
			name = fmt.Sprintf("payments-%d", i+1)
		}
		ep, err := psc.NewConsumerEndpoint(ctx, name, args)
		if err != nil {
			return err
		}
		if first == nil {
			first = ep
		}
		statuses = append(statuses, ep.PscConnectionStatus)
	}
	dns, err := psc.NewDnsBinding(ctx, "payments-dns", &psc.DnsBindingArgs{
		Hostname:  "payment-api.internal",
		IpAddress: first.IpAddress,
		Networks:  pulumi.StringArray{vpc.SelfLink},
		Protocol:  "HTTPS",
	})
	if err != nil {
		return err
	}
	ctx.Export("pscConnectionStatus", first.PscConnectionStatus)
	ctx.Export("ipAddress", first.IpAddress)
	ctx.Export("statuses", statuses)
	ctx.Export("serviceAttachmentUri", first.ServiceAttachmentUri)
	ctx.Export("url", dns.Url)
	return nil
}
