package gonative

import (
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp"
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// Features is the production features program, natively: a producer whose callers are
// authenticated by the network path (callerAuth network, for a consumer organisation under Domain
// Restricted Sharing), behind a created regional Cloud Armor policy, with request logging,
// outlier detection, a backend timeout, global access on its load balancer and labels; and a
// consumer endpoint with labels, registered in Service Directory. Both VPCs are Shared VPC networks:
// the producer's of hostProject, the consumer's of consumerHostProject (networkProject). The
// producer publishes domainNames; the endpoint hands the domains PSC's automatic DNS claims to a
// DnsBinding for dnsHostname, which refuses a name under them. As python/features.py.
//
// Configuration: producerProject, consumerProject, hostProject, consumerHostProject, gcp:region,
// gcp:project (a third project), team (the producer's team label), globalAccess, dnsHostname,
// endpointName. The Cloud Run service, the attachment and the endpoint take explicit names.
func Features(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	orgs, err := NewOrganisations(ctx)
	if err != nil {
		return err
	}
	// The producer's VPC is a Shared VPC network of a host project (networkProject): the host is
	// enabled, the producer's project attached, and the VPC created there; the component creates
	// the subnets.
	hostProject := cfg.Require("hostProject")
	producerNet, err := sharedVPC(ctx, "acme-host", hostProject, orgs.ProducerVpc.Project, "")
	if err != nil {
		return err
	}
	armor, err := compute.NewRegionSecurityPolicy(ctx, "armor", &compute.RegionSecurityPolicyArgs{
		Region: pulumi.String(config.Require(ctx, "gcp:region")),
		Type:   pulumi.String("CLOUD_ARMOR"),
	}, pulumi.Provider(orgs.Acme))
	if err != nil {
		return err
	}
	svc, err := psc.NewProducerService(ctx, "payments", &psc.ProducerServiceArgs{
		Network:        producerNet.network,
		NetworkProject: hostProject,
		CloudRun: psc.CloudRunArgs{
			Image:       pulumi.String("europe-docker.pkg.dev/acme/payments/api:1.0"),
			CallerAuth:  "network",
			ServiceName: "payments-api",
		},
		Hostname:           "payment-api.internal",
		LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: "10.10.0.0/24"},
		ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: "10.129.0.0/23"},
		NatSubnet:          psc.SubnetArgs{IpCidrRange: "10.20.0.0/28"},
		Consumers:          []psc.ConsumerAcceptArgs{{ProjectIdOrNum: orgs.ConsumerVpc.Project}},
		BackendService: &psc.BackendServiceArgs{
			SecurityPolicy:   armor.SelfLink,
			LogConfig:        &psc.BackendLogConfigArgs{SampleRate: pulumi.Float64Ref(0.5)},
			OutlierDetection: &psc.OutlierDetectionArgs{ConsecutiveErrors: pulumi.IntRef(5), Interval: &psc.DurationArgs{Seconds: 10}},
			TimeoutSec:       pulumi.IntRef(60),
		},
		AllowGlobalAccess:     cfg.GetBool("globalAccess"),
		Labels:                map[string]string{"team": cfg.Require("team")},
		DomainNames:           []string{"p.acme.example."},
		ServiceAttachmentName: "payments-psc",
	}, pulumi.Provider(orgs.Acme))
	if err != nil {
		return err
	}
	// The consumer's VPC is a Shared VPC network of its own host project: the endpoint's address
	// and rule stay in the consumer's (service) project, its subnet is the host's.
	consumerNet, err := sharedVPC(ctx, "bank-host", cfg.Require("consumerHostProject"), orgs.ConsumerVpc.Project, "192.168.20.0/24")
	if err != nil {
		return err
	}
	endpoint, err := psc.NewConsumerEndpoint(ctx, "orders", &psc.ConsumerEndpointArgs{
		Network:                       consumerNet.network,
		NetworkProject:                cfg.Require("consumerHostProject"),
		Subnetwork:                    consumerNet.subnet,
		ServiceAttachment:             svc.ServiceAttachmentUri,
		ProducerDomainNames:           svc.DomainNames,
		EndpointName:                  cfg.Get("endpointName"),
		ServiceDirectoryRegistrations: &psc.ServiceDirectoryRegistrationArgs{Namespace: "partners", Service: "payments"},
		Labels:                        map[string]string{"team": "orders"},
	}, pulumi.Provider(orgs.Bank))
	if err != nil {
		return err
	}
	dnsHostname := cfg.Get("dnsHostname")
	if dnsHostname == "" {
		dnsHostname = "payment-api.internal"
	}
	if _, err := psc.NewDnsBinding(ctx, "orders-dns", &psc.DnsBindingArgs{
		Hostname:            dnsHostname,
		IpAddress:           endpoint.IpAddress,
		Networks:            pulumi.StringArray{consumerNet.network},
		AutomaticDnsDomains: endpoint.AutomaticDnsDomains,
	}, pulumi.Provider(orgs.Bank)); err != nil {
		return err
	}
	ctx.Export("pscConnectionStatus", endpoint.PscConnectionStatus)
	ctx.Export("securityPolicy", armor.SelfLink)
	ctx.Export("automaticDnsDomains", endpoint.AutomaticDnsDomains)
	return nil
}

// sharedNetwork is a Shared VPC network and a subnet of it, ready for a service project.
type sharedNetwork struct{ network, subnet pulumi.StringOutput }

// sharedVPC makes hostProject a Shared VPC host with a VPC (and a subnet of subnetRange, unless
// it is ""), and attaches serviceProject. The network and subnet wait for the attachment: the
// service project may use them only once it is attached.
func sharedVPC(ctx *pulumi.Context, name, hostProject string, serviceProject pulumi.StringInput, subnetRange string) (sharedNetwork, error) {
	region := config.Require(ctx, "gcp:region")
	host, err := gcp.NewProvider(ctx, name, &gcp.ProviderArgs{Project: pulumi.String(hostProject), Region: pulumi.String(region)})
	if err != nil {
		return sharedNetwork{}, err
	}
	enabled, err := compute.NewSharedVPCHostProject(ctx, name, &compute.SharedVPCHostProjectArgs{Project: pulumi.String(hostProject)}, pulumi.Provider(host))
	if err != nil {
		return sharedNetwork{}, err
	}
	attached, err := compute.NewSharedVPCServiceProject(ctx, name+"-attached", &compute.SharedVPCServiceProjectArgs{
		HostProject: enabled.Project, ServiceProject: serviceProject,
	}, pulumi.Provider(host))
	if err != nil {
		return sharedNetwork{}, err
	}
	vpc, err := compute.NewNetwork(ctx, name+"-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)}, pulumi.Provider(host))
	if err != nil {
		return sharedNetwork{}, err
	}
	after := func(o pulumi.StringOutput) pulumi.StringOutput {
		return pulumi.All(o, attached.ID()).ApplyT(func(v []any) string { return v[0].(string) }).(pulumi.StringOutput)
	}
	net := sharedNetwork{network: after(vpc.SelfLink)}
	if subnetRange == "" {
		return net, nil
	}
	subnet, err := compute.NewSubnetwork(ctx, name+"-apps", &compute.SubnetworkArgs{
		Network: vpc.SelfLink, Region: pulumi.String(region), IpCidrRange: pulumi.String(subnetRange),
	}, pulumi.Provider(host))
	if err != nil {
		return sharedNetwork{}, err
	}
	net.subnet = after(subnet.SelfLink)
	return net, nil
}
