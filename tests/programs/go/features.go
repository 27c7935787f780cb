package gonative

import (
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp"
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// Features is the production program of issue 12, natively: a producer whose callers are
// authenticated by the network path (callerAuth network, for a consumer organisation under Domain
// Restricted Sharing), behind a created regional Cloud Armor policy, with request logging,
// outlier detection, a backend timeout, global access on its load balancer and labels; and a
// consumer endpoint with labels, registered in Service Directory. The producer's VPC is a Shared
// VPC network of hostProject (networkProject). As python/features.py.
//
// Configuration: producerProject, consumerProject, hostProject, gcp:region, gcp:project (a third
// project), team (the producer's team label), globalAccess.
func Features(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	orgs, err := NewOrganisations(ctx)
	if err != nil {
		return err
	}
	// The producer's VPC is a Shared VPC network of a host project (item 2): the host is
	// enabled, the producer's project attached, and the VPC created there.
	hostProject := cfg.Require("hostProject")
	host, err := gcp.NewProvider(ctx, "acme-host", &gcp.ProviderArgs{
		Project: pulumi.String(hostProject), Region: pulumi.String(config.Require(ctx, "gcp:region")),
	})
	if err != nil {
		return err
	}
	enabled, err := compute.NewSharedVPCHostProject(ctx, "host", &compute.SharedVPCHostProjectArgs{Project: pulumi.String(hostProject)}, pulumi.Provider(host))
	if err != nil {
		return err
	}
	attached, err := compute.NewSharedVPCServiceProject(ctx, "attached", &compute.SharedVPCServiceProjectArgs{
		HostProject: enabled.Project, ServiceProject: orgs.ProducerVpc.Project,
	}, pulumi.Provider(host))
	if err != nil {
		return err
	}
	sharedVpc, err := compute.NewNetwork(ctx, "shared-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)}, pulumi.Provider(host))
	if err != nil {
		return err
	}
	// The service project's load balancer may use the host's VPC only once it is attached, so
	// the network input waits for the attachment too.
	network := pulumi.All(sharedVpc.SelfLink, attached.ID()).ApplyT(func(v []any) string { return v[0].(string) }).(pulumi.StringOutput)
	armor, err := compute.NewRegionSecurityPolicy(ctx, "armor", &compute.RegionSecurityPolicyArgs{
		Region: pulumi.String(config.Require(ctx, "gcp:region")),
		Type:   pulumi.String("CLOUD_ARMOR"),
	}, pulumi.Provider(orgs.Acme))
	if err != nil {
		return err
	}
	svc, err := psc.NewProducerService(ctx, "payments", &psc.ProducerServiceArgs{
		Network:        network,
		NetworkProject: hostProject,
		CloudRun: psc.CloudRunArgs{
			Image:      pulumi.String("europe-docker.pkg.dev/acme/payments/api:1.0"),
			CallerAuth: "network",
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
		AllowGlobalAccess: cfg.GetBool("globalAccess"),
		Labels:            map[string]string{"team": cfg.Require("team")},
	}, pulumi.Provider(orgs.Acme))
	if err != nil {
		return err
	}
	endpoint, err := psc.NewConsumerEndpoint(ctx, "orders", &psc.ConsumerEndpointArgs{
		Network:                       orgs.ConsumerVpc.SelfLink,
		Subnetwork:                    orgs.Apps.SelfLink,
		ServiceAttachment:             svc.ServiceAttachmentUri,
		ServiceDirectoryRegistrations: &psc.ServiceDirectoryRegistrationArgs{Namespace: "partners", Service: "payments"},
		Labels:                        map[string]string{"team": "orders"},
	}, pulumi.Provider(orgs.Bank))
	if err != nil {
		return err
	}
	ctx.Export("pscConnectionStatus", endpoint.PscConnectionStatus)
	ctx.Export("securityPolicy", armor.SelfLink)
	return nil
}
