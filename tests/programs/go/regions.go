package gonative

import (
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// The regions programs: a producer in two regions (gcp:region, the primary, and otherRegion) and
// a consumer with an endpoint in each, in two stacks of two organisations, as their owners would
// write them. As python/regions.py and ts/regions.ts.

// RegionRanges are the subnets the producer creates in one region: the load balancer's, the
// GLOBAL_MANAGED_PROXY proxy-only subnet and the PSC NAT subnet.
type RegionRanges struct{ LB, Proxy, NAT string }

// ProducerRanges are the producer's subnets by the region's place: primary, then other.
var ProducerRanges = [2]RegionRanges{
	{LB: "10.10.0.0/24", Proxy: "10.129.0.0/23", NAT: "10.20.0.0/24"},
	{LB: "10.11.0.0/24", Proxy: "10.130.0.0/23", NAT: "10.21.0.0/24"},
}

// AppsRanges are the consumer's client subnets: primary region, then other.
var AppsRanges = [2]string{"192.168.10.0/24", "192.168.20.0/24"}

// RegionsProducer is the producer's stack: a ProducerService serving the consumer's project over
// HTTPS (a certificate from configuration, its key a secret) and granting invoker the run.invoker
// role.
//
// Configuration: gcp:project (the producer's project), gcp:region, otherRegion, consumerProject,
// invoker, tlsCertificate and tlsPrivateKey (a secret); form: "regional" (the single-region form,
// top-level subnets only, in gcp:region), "both" (the regional chain and the cross-region one
// beside it: a migration under way) or "" (the cross-region form, the default);
// disableOutlierDetection (true: the opt-out, so that a region's Cloud Run outage is not failed
// over). Outputs: the ProducerService's serviceAttachmentUri, serviceAttachmentUris,
// loadBalancerIps, regions, connectedEndpoints and connectionWarning.
func RegionsProducer(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	regions := []string{config.Require(ctx, "gcp:region"), cfg.Require("otherRegion")}
	vpc, err := compute.NewNetwork(ctx, "producer-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
	if err != nil {
		return err
	}
	args := &psc.ProducerServiceArgs{
		Network: vpc.SelfLink,
		CloudRun: psc.CloudRunArgs{
			Image:    pulumi.String("europe-docker.pkg.dev/acme/payments/api:1.0"),
			Invokers: []pulumi.StringInput{pulumi.String(cfg.Require("invoker"))},
		},
		Hostname: "payment-api.internal",
		Tls: &psc.TlsArgs{
			CertificatePem: pulumi.String(cfg.Require("tlsCertificate")),
			PrivateKeyPem:  cfg.RequireSecret("tlsPrivateKey"),
		},
		Consumers: []psc.ConsumerAcceptArgs{{ProjectIdOrNum: pulumi.String(cfg.Require("consumerProject"))}},
	}
	form := cfg.Get("form")
	if form == "regional" || form == "both" {
		// The single-region form keeps the ranges it was deployed with; the cross-region chain
		// takes new ones beside it.
		args.LoadBalancerSubnet = psc.SubnetArgs{IpCidrRange: "10.0.0.0/24"}
		args.ProxyOnlySubnet = psc.SubnetArgs{IpCidrRange: "10.128.0.0/23"}
		args.NatSubnet = psc.SubnetArgs{IpCidrRange: "10.30.0.0/24"}
	}
	if form != "regional" {
		args.Regions = map[string]psc.ProducerRegionArgs{}
		for i, r := range regions {
			args.Regions[r] = psc.ProducerRegionArgs{
				LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: ProducerRanges[i].LB},
				ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: ProducerRanges[i].Proxy},
				NatSubnet:          psc.SubnetArgs{IpCidrRange: ProducerRanges[i].NAT},
			}
		}
	}
	if cfg.GetBool("disableOutlierDetection") {
		args.BackendService = &psc.BackendServiceArgs{DisableOutlierDetection: true}
	}
	svc, err := psc.NewProducerService(ctx, "payments", args)
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

// RegionsConsumer is the consumer's stack: a client subnet and a ConsumerEndpoint in each region,
// each endpoint reading the producer's stack and so connecting to the attachment of its own
// region, and one DnsBinding that answers each client with its own region's endpoint.
//
// Configuration: gcp:project (the consumer's project), gcp:region, otherRegion, producerStack;
// endpoints: "primary" for an endpoint in gcp:region only (a producer in one region serves no
// other), "" for both. Outputs: ipAddresses and pscConnectionStatuses (by region), consumerNetwork.
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
			Network: vpc.SelfLink, Region: pulumi.String(r), IpCidrRange: pulumi.String(AppsRanges[i]),
		})
		if err != nil {
			return err
		}
		endpoint, err := psc.NewConsumerEndpoint(ctx, "payments-"+r, &psc.ConsumerEndpointArgs{
			Region:            r,
			Network:           vpc.SelfLink,
			Subnetwork:        apps.SelfLink,
			ProducerStack:     cfg.Require("producerStack"),
			NoAutomateDnsZone: true,
		})
		if err != nil {
			return err
		}
		ips[r], statuses[r] = endpoint.IpAddress, endpoint.PscConnectionStatus
	}
	// Each client resolves the name to its own region's endpoint (a geolocation routing policy);
	// with one endpoint, a plain record.
	dns := &psc.DnsBindingArgs{Hostname: "payment-api.internal", Networks: pulumi.StringArray{vpc.SelfLink}, Protocol: "HTTPS"}
	if len(regions) == 1 {
		dns.IpAddress = ips[regions[0]]
	} else {
		dns.IpAddresses = map[string]pulumi.StringInput{}
		for r, ip := range ips {
			dns.IpAddresses[r] = ip
		}
	}
	if _, err := psc.NewDnsBinding(ctx, "payments-dns", dns); err != nil {
		return err
	}
	ctx.Export("ipAddresses", ips)
	ctx.Export("pscConnectionStatuses", statuses)
	ctx.Export("consumerNetwork", vpc.SelfLink)
	return nil
}
