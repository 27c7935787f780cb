package gonative

import (
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// The regions programs: a producer in two regions (gcp:region, the primary, and otherRegion) and
// a consumer with an endpoint in each, in two stacks of two organisations, as their owners would
// write them. As python/regions.py, ts/regions.ts, gosdk/regions.go (the generated Go SDK) and the
// YAML projects yaml/regions-producer and yaml/regions-consumer.

// RegionRanges are the subnets the producer creates in one region: the load balancer's, the
// GLOBAL_MANAGED_PROXY proxy-only subnet and the PSC NAT subnet.
type RegionRanges struct{ LB, Proxy, NAT string }

// ProducerRanges are the producer's subnets by the region's place: primary, then other.
var ProducerRanges = [2]RegionRanges{
	{LB: "10.10.0.0/24", Proxy: "10.129.0.0/23", NAT: "10.20.0.0/24"},
	{LB: "10.11.0.0/24", Proxy: "10.130.0.0/23", NAT: "10.21.0.0/24"},
}

// RegionalRanges are the subnets of the single-region form (configuration form "regional" or
// "both"), in gcp:region. The single-region form keeps the ranges it was deployed with; the
// cross-region chain takes new ones beside it.
var RegionalRanges = RegionRanges{LB: "10.0.0.0/24", Proxy: "10.128.0.0/23", NAT: "10.30.0.0/24"}

// AppsRanges are the consumer's client subnets: primary region, then other.
var AppsRanges = [2]string{"192.168.10.0/24", "192.168.20.0/24"}

// Regions returns the programs' regions: gcp:region (the primary), then otherRegion.
func Regions(ctx *pulumi.Context, cfg *config.Config) []string {
	return []string{config.Require(ctx, "gcp:region"), cfg.Require("otherRegion")}
}

// RegionsProducer is the producer's stack: a ProducerService serving the consumer's project over
// HTTPS (a certificate from configuration, its key a secret) and granting invoker the run.invoker
// role.
//
// Configuration: gcp:project (the producer's project), gcp:region, otherRegion, consumerProject,
// invoker, tlsCertificate and tlsPrivateKey (a secret); form: "regional" (the single-region form,
// top-level subnets only, in gcp:region), "both" (the regional chain and the cross-region one
// beside it: a migration under way) or "" (the cross-region form, the default);
// disableOutlierDetection (true: the opt-out, so that a region's Cloud Run outage is not failed
// over); adminRoute (true: a route sends hostname's /admin to a Cloud Run service of its own in
// every region, behind a global backend service of its own); globalSslPolicy (true, with regions
// only: a global SSL policy of TLS 1.2 on the cross-region load balancer's proxy). Each region's
// attachment publishes its own domain, REGION.payments.example.com. (regions[R].domainNames).
// Outputs: the ProducerService's serviceAttachmentUri, serviceAttachmentUris,
// loadBalancerIps, regions, connectedEndpoints and connectionWarning.
func RegionsProducer(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	regions := Regions(ctx, cfg)
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
		args.LoadBalancerSubnet = psc.SubnetArgs{IpCidrRange: RegionalRanges.LB}
		args.ProxyOnlySubnet = psc.SubnetArgs{IpCidrRange: RegionalRanges.Proxy}
		args.NatSubnet = psc.SubnetArgs{IpCidrRange: RegionalRanges.NAT}
	}
	if form != "regional" {
		args.Regions = map[string]psc.ProducerRegionArgs{}
		for i, r := range regions {
			args.Regions[r] = psc.ProducerRegionArgs{
				LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: ProducerRanges[i].LB},
				ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: ProducerRanges[i].Proxy},
				NatSubnet:          psc.SubnetArgs{IpCidrRange: ProducerRanges[i].NAT},
				DomainNames:        []string{r + ".payments.example.com."},
			}
		}
		if cfg.GetBool("globalSslPolicy") && form == "" {
			policy, err := compute.NewSSLPolicy(ctx, "payments-tls", &compute.SSLPolicyArgs{
				Profile: pulumi.String("RESTRICTED"), MinTlsVersion: pulumi.String("TLS_1_2"),
			})
			if err != nil {
				return err
			}
			args.Tls.SslPolicy = policy.SelfLink
		}
	}
	if cfg.GetBool("adminRoute") {
		args.Routes = []psc.RouteArgs{{Key: "admin", PathPrefix: "/admin", CloudRun: psc.CloudRunArgs{
			Image:    pulumi.String("europe-docker.pkg.dev/acme/payments/admin:1.0"),
			Invokers: []pulumi.StringInput{pulumi.String(cfg.Require("invoker"))},
		}}}
	}
	if cfg.GetBool("disableOutlierDetection") {
		args.BackendService = &psc.BackendServiceArgs{DisableOutlierDetection: true}
	}
	svc, err := psc.NewProducerService(ctx, "payments", args)
	if err != nil {
		return err
	}
	ExportRegionsProducer(ctx, svc.ServiceAttachmentUri, svc.ServiceAttachmentUris, svc.LoadBalancerIps, svc.Regions,
		svc.ConnectedEndpoints, svc.ConnectionWarning)
	// Each region's attachment has its own domain: a consumer picks its attachment's from this.
	ctx.Export("domainNamesByRegion", svc.DomainNamesByRegion)
	return nil
}

// ExportRegionsProducer exports the producer's outputs, those of its ProducerService.
func ExportRegionsProducer(ctx *pulumi.Context, uri pulumi.StringOutput, uris, ips pulumi.StringMapOutput,
	regions pulumi.StringArrayOutput, connected pulumi.Output, warning pulumi.StringOutput) {
	ctx.Export("serviceAttachmentUri", uri)
	ctx.Export("serviceAttachmentUris", uris)
	ctx.Export("loadBalancerIps", ips)
	ctx.Export("regions", regions)
	ctx.Export("connectedEndpoints", connected)
	ctx.Export("connectionWarning", warning)
}

// RegionsConsumer is the consumer's stack: a client subnet and a ConsumerEndpoint in each region,
// each endpoint reading the producer's stack and so connecting to the attachment of its own
// region, and one DnsBinding that answers each client with its own region's endpoint.
//
// Configuration: gcp:project (the consumer's project), gcp:region, otherRegion, producerStack;
// endpoints: "primary" for an endpoint in gcp:region only (a producer in one region serves no
// other), "" for both. Outputs: ipAddresses and pscConnectionStatuses (by region), consumerNetwork.
func RegionsConsumer(ctx *pulumi.Context) error {
	net, err := NewConsumerNetwork(ctx)
	if err != nil {
		return err
	}
	ips, statuses := pulumi.StringMap{}, pulumi.StringMap{}
	for _, r := range net.Regions {
		endpoint, err := psc.NewConsumerEndpoint(ctx, "payments-"+r, &psc.ConsumerEndpointArgs{
			Region:            r,
			Network:           net.Vpc.SelfLink,
			Subnetwork:        net.Apps[r].SelfLink,
			ProducerStack:     net.ProducerStack,
			NoAutomateDnsZone: true,
		})
		if err != nil {
			return err
		}
		ips[r], statuses[r] = endpoint.IpAddress, endpoint.PscConnectionStatus
	}
	// Each client resolves the name to its own region's endpoint (a geolocation routing policy);
	// with one endpoint, a plain record.
	dns := &psc.DnsBindingArgs{Hostname: "payment-api.internal", Networks: pulumi.StringArray{net.Vpc.SelfLink}, Protocol: "HTTPS"}
	if len(net.Regions) == 1 {
		dns.IpAddress = ips[net.Regions[0]]
	} else {
		dns.IpAddresses = ips
	}
	if _, err := psc.NewDnsBinding(ctx, "payments-dns", dns); err != nil {
		return err
	}
	net.Export(ctx, ips, statuses)
	return nil
}

// ConsumerNetwork is what the consumer's stack builds before its endpoints: its VPC and a client
// subnet in each of its regions.
type ConsumerNetwork struct {
	// Regions are the regions of the endpoints: Regions, or with configuration endpoints
	// "primary" the first only.
	Regions []string
	// ProducerStack is the configuration producerStack, the producer's stack the endpoints read.
	ProducerStack string
	Vpc           *compute.Network
	// Apps are the client subnets apps-R, by region.
	Apps map[string]*compute.Subnetwork
}

// NewConsumerNetwork reads the consumer's configuration and creates its VPC and client subnets.
func NewConsumerNetwork(ctx *pulumi.Context) (*ConsumerNetwork, error) {
	cfg := config.New(ctx, "")
	n := &ConsumerNetwork{Regions: Regions(ctx, cfg), ProducerStack: cfg.Require("producerStack"), Apps: map[string]*compute.Subnetwork{}}
	if cfg.Get("endpoints") == "primary" {
		n.Regions = n.Regions[:1]
	}
	var err error
	if n.Vpc, err = compute.NewNetwork(ctx, "consumer-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)}); err != nil {
		return nil, err
	}
	for i, r := range n.Regions {
		if n.Apps[r], err = compute.NewSubnetwork(ctx, "apps-"+r, &compute.SubnetworkArgs{
			Network: n.Vpc.SelfLink, Region: pulumi.String(r), IpCidrRange: pulumi.String(AppsRanges[i]),
		}); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// Export exports the consumer's outputs: its endpoints' IP addresses and statuses by region, and
// its VPC.
func (n *ConsumerNetwork) Export(ctx *pulumi.Context, ips, statuses pulumi.StringMap) {
	ctx.Export("ipAddresses", ips)
	ctx.Export("pscConnectionStatuses", statuses)
	ctx.Export("consumerNetwork", n.Vpc.SelfLink)
}
