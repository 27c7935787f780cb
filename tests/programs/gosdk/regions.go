package gosdk

import (
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sdk/go/cloudrunpsc"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
)

// RegionsProducer is gonative.RegionsProducer through the generated Go SDK: a ProducerService in
// gcp:region and otherRegion serving the consumer's project over HTTPS (a certificate from
// configuration, its key a secret) and granting invoker the run.invoker role; the same
// configuration (form, disableOutlierDetection) and outputs.
func RegionsProducer(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	regions := []string{config.Require(ctx, "gcp:region"), cfg.Require("otherRegion")}
	vpc, err := compute.NewNetwork(ctx, "producer-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
	if err != nil {
		return err
	}
	args := &cloudrunpsc.ProducerServiceArgs{
		Network: vpc.SelfLink,
		CloudRun: cloudrunpsc.CloudRunArgs{
			Image:    pulumi.String("europe-docker.pkg.dev/acme/payments/api:1.0"),
			Invokers: pulumi.StringArray{pulumi.String(cfg.Require("invoker"))},
		},
		Hostname: pulumi.StringRef("payment-api.internal"),
		Tls: &cloudrunpsc.TlsArgs{
			CertificatePem: pulumi.String(cfg.Require("tlsCertificate")),
			PrivateKeyPem:  cfg.RequireSecret("tlsPrivateKey"),
		},
		Consumers: []cloudrunpsc.ConsumerAcceptArgs{{ProjectIdOrNum: pulumi.String(cfg.Require("consumerProject"))}},
	}
	form := cfg.Get("form")
	if form == "regional" || form == "both" {
		// The single-region form keeps the ranges it was deployed with; the cross-region chain
		// takes new ones beside it.
		args.LoadBalancerSubnet = cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.0.0.0/24")}
		args.ProxyOnlySubnet = cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.128.0.0/23")}
		args.NatSubnet = cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.30.0.0/24")}
	}
	if form != "regional" {
		args.Regions = map[string]cloudrunpsc.ProducerRegionArgs{}
		for i, r := range regions {
			ranges := gonative.ProducerRanges[i]
			args.Regions[r] = cloudrunpsc.ProducerRegionArgs{
				LoadBalancerSubnet: cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef(ranges.LB)},
				ProxyOnlySubnet:    cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef(ranges.Proxy)},
				NatSubnet:          cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef(ranges.NAT)},
			}
		}
	}
	if cfg.GetBool("disableOutlierDetection") {
		args.BackendService = &cloudrunpsc.BackendServiceArgs{DisableOutlierDetection: pulumi.BoolRef(true)}
	}
	svc, err := cloudrunpsc.NewProducerService(ctx, "payments", args)
	if err != nil {
		return err
	}
	ctx.Export("serviceAttachmentUri", svc.ServiceAttachmentUri)
	ctx.Export("serviceAttachmentUris", svc.ServiceAttachmentUris)
	ctx.Export("loadBalancerIps", svc.LoadBalancerIps)
	ctx.Export("regions", svc.Regions)
	ctx.Export("connectedEndpoints", svc.ConnectedEndpoints)
	ctx.Export("connectionWarning", svc.ConnectionWarning)
	return nil
}

// RegionsConsumer is gonative.RegionsConsumer through the generated Go SDK: a client subnet and a
// ConsumerEndpoint in each region, each endpoint reading the producer's stack and so connecting
// to the attachment of its own region, and one DnsBinding that answers each client with its own
// region's endpoint; the same configuration (endpoints) and outputs.
func RegionsConsumer(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	regions := []string{config.Require(ctx, "gcp:region"), cfg.Require("otherRegion")}
	if cfg.Get("endpoints") == "primary" {
		regions = regions[:1]
	}
	vpc, err := compute.NewNetwork(ctx, "consumer-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
	if err != nil {
		return err
	}
	ips, statuses := pulumi.StringMap{}, pulumi.StringMap{}
	for i, r := range regions {
		apps, err := compute.NewSubnetwork(ctx, "apps-"+r, &compute.SubnetworkArgs{
			Network: vpc.SelfLink, Region: pulumi.String(r), IpCidrRange: pulumi.String(gonative.AppsRanges[i]),
		})
		if err != nil {
			return err
		}
		endpoint, err := cloudrunpsc.NewConsumerEndpoint(ctx, "payments-"+r, &cloudrunpsc.ConsumerEndpointArgs{
			Region:            pulumi.StringRef(r),
			Network:           vpc.SelfLink,
			Subnetwork:        apps.SelfLink,
			ProducerStack:     pulumi.StringRef(cfg.Require("producerStack")),
			NoAutomateDnsZone: pulumi.BoolRef(true),
		})
		if err != nil {
			return err
		}
		ips[r], statuses[r] = endpoint.IpAddress, endpoint.PscConnectionStatus
	}
	// Each client resolves the name to its own region's endpoint (a geolocation routing policy);
	// with one endpoint, a plain record.
	dns := &cloudrunpsc.DnsBindingArgs{
		Hostname: "payment-api.internal", Networks: pulumi.StringArray{vpc.SelfLink}, Protocol: pulumi.StringRef("HTTPS"),
	}
	if len(regions) == 1 {
		dns.IpAddress = ips[regions[0]]
	} else {
		dns.IpAddresses = map[string]pulumi.StringInput{}
		for r, ip := range ips {
			dns.IpAddresses[r] = ip
		}
	}
	if _, err := cloudrunpsc.NewDnsBinding(ctx, "payments-dns", dns); err != nil {
		return err
	}
	ctx.Export("ipAddresses", ips)
	ctx.Export("pscConnectionStatuses", statuses)
	ctx.Export("consumerNetwork", vpc.SelfLink)
	return nil
}
