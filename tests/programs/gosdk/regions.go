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
	subnets := func(r gonative.RegionRanges) (lb, proxy, nat cloudrunpsc.SubnetArgs) {
		return cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef(r.LB)},
			cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef(r.Proxy)},
			cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef(r.NAT)}
	}
	form := cfg.Get("form")
	if form == "regional" || form == "both" {
		args.LoadBalancerSubnet, args.ProxyOnlySubnet, args.NatSubnet = subnets(gonative.RegionalRanges)
	}
	if form != "regional" {
		args.Regions = map[string]cloudrunpsc.ProducerRegionArgs{}
		for i, r := range gonative.Regions(ctx, cfg) {
			lb, proxy, nat := subnets(gonative.ProducerRanges[i])
			args.Regions[r] = cloudrunpsc.ProducerRegionArgs{LoadBalancerSubnet: lb, ProxyOnlySubnet: proxy, NatSubnet: nat}
		}
	}
	if cfg.GetBool("disableOutlierDetection") {
		args.BackendService = &cloudrunpsc.BackendServiceArgs{DisableOutlierDetection: pulumi.BoolRef(true)}
	}
	svc, err := cloudrunpsc.NewProducerService(ctx, "payments", args)
	if err != nil {
		return err
	}
	gonative.ExportRegionsProducer(ctx, svc.ServiceAttachmentUri, svc.ServiceAttachmentUris, svc.LoadBalancerIps,
		svc.Regions, svc.ConnectedEndpoints, svc.ConnectionWarning)
	return nil
}

// RegionsConsumer is gonative.RegionsConsumer through the generated Go SDK: a client subnet and a
// ConsumerEndpoint in each region, each endpoint reading the producer's stack and so connecting
// to the attachment of its own region, and one DnsBinding that answers each client with its own
// region's endpoint; the same configuration (endpoints) and outputs.
func RegionsConsumer(ctx *pulumi.Context) error {
	net, err := gonative.NewConsumerNetwork(ctx)
	if err != nil {
		return err
	}
	ips, statuses := pulumi.StringMap{}, pulumi.StringMap{}
	for _, r := range net.Regions {
		endpoint, err := cloudrunpsc.NewConsumerEndpoint(ctx, "payments-"+r, &cloudrunpsc.ConsumerEndpointArgs{
			Region:            pulumi.StringRef(r),
			Network:           net.Vpc.SelfLink,
			Subnetwork:        net.Apps[r].SelfLink,
			ProducerStack:     pulumi.StringRef(net.ProducerStack),
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
		Hostname: "payment-api.internal", Networks: pulumi.StringArray{net.Vpc.SelfLink}, Protocol: pulumi.StringRef("HTTPS"),
	}
	if len(net.Regions) == 1 {
		dns.IpAddress = ips[net.Regions[0]]
	} else {
		dns.IpAddresses = ips
	}
	if _, err := cloudrunpsc.NewDnsBinding(ctx, "payments-dns", dns); err != nil {
		return err
	}
	net.Export(ctx, ips, statuses)
	return nil
}
