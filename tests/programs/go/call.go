package gonative

import (
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// CallNatRange is the producer's PSC NAT subnet in the call program: the source Cloud Armor sees
// for every consumer's call.
const CallNatRange = "10.20.0.0/28"

// Call is the program of the call's engine tests, natively: the whole chain of one attachment in
// two organisations (HTTPS with a given certificate, the consumer's caller granted the invoker
// role through cloudRun.invokers, an endpoint, a DNS name for it) plus a second client subnet in
// otherRegion, with configuration that breaks one link at a time. As python/call.py.
//
// Configuration: producerProject, consumerProject, gcp:region, gcp:project (a third project),
// otherRegion, invoker (a principal), tlsCertificate (public, as certificates are) and tlsPrivateKey
// (a secret); and the faults:
// dnsHostname (the name the DNS binding gives the endpoint; default the service's hostname),
// withRoutes (an /admin route, so that the URL map refuses hosts no route names), connection
// (pending: the producer accepts no one; rejected: it rejects the consumer's project),
// denyEgress (a consumer egress rule that denies everything) and armorDeny (a Cloud Armor rule
// that denies the NAT range).
func Call(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	orgs, err := NewOrganisations(ctx)
	if err != nil {
		return err
	}
	region := config.Require(ctx, "gcp:region")
	if _, err := compute.NewSubnetwork(ctx, "apps-other", &compute.SubnetworkArgs{
		Network: orgs.ConsumerVpc.SelfLink, Region: pulumi.String(cfg.Require("otherRegion")), IpCidrRange: pulumi.String("192.168.20.0/24"),
	}, pulumi.Provider(orgs.Bank)); err != nil {
		return err
	}

	args := &psc.ProducerServiceArgs{
		Network: orgs.ProducerVpc.SelfLink,
		CloudRun: psc.CloudRunArgs{
			Image:    pulumi.String("europe-docker.pkg.dev/acme/payments/api:1.0"),
			Invokers: []pulumi.StringInput{pulumi.String(cfg.Require("invoker"))},
		},
		Hostname: "payment-api.internal",
		Tls: &psc.TlsArgs{
			CertificatePem: pulumi.String(cfg.Require("tlsCertificate")),
			PrivateKeyPem:  cfg.RequireSecret("tlsPrivateKey"),
		},
		LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: "10.10.0.0/24"},
		ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: "10.129.0.0/23"},
		NatSubnet:          psc.SubnetArgs{IpCidrRange: CallNatRange},
	}
	switch cfg.Get("connection") {
	case "pending":
	case "rejected":
		args.RejectedConsumers = []pulumi.StringInput{orgs.ConsumerVpc.Project}
	default:
		args.Consumers = []psc.ConsumerAcceptArgs{{ProjectIdOrNum: orgs.ConsumerVpc.Project}}
	}
	if cfg.GetBool("withRoutes") {
		args.Routes = []psc.RouteArgs{{Key: "admin", PathPrefix: "/admin", CloudRun: psc.CloudRunArgs{
			Image:    pulumi.String("europe-docker.pkg.dev/acme/payments/admin:1.0"),
			Invokers: []pulumi.StringInput{pulumi.String(cfg.Require("invoker"))},
		}}}
	}
	if cfg.GetBool("armorDeny") {
		armor, err := compute.NewRegionSecurityPolicy(ctx, "armor", &compute.RegionSecurityPolicyArgs{
			Region: pulumi.String(region),
			Type:   pulumi.String("CLOUD_ARMOR"),
			Rules: compute.RegionSecurityPolicyRuleTypeArray{
				&compute.RegionSecurityPolicyRuleTypeArgs{Priority: pulumi.Int(1000), Action: pulumi.String("deny(403)"),
					Match: &compute.RegionSecurityPolicyRuleMatchArgs{VersionedExpr: pulumi.String("SRC_IPS_V1"),
						Config: &compute.RegionSecurityPolicyRuleMatchConfigArgs{SrcIpRanges: pulumi.StringArray{pulumi.String(CallNatRange)}}}},
				&compute.RegionSecurityPolicyRuleTypeArgs{Priority: pulumi.Int(2147483647), Action: pulumi.String("allow"),
					Match: &compute.RegionSecurityPolicyRuleMatchArgs{VersionedExpr: pulumi.String("SRC_IPS_V1"),
						Config: &compute.RegionSecurityPolicyRuleMatchConfigArgs{SrcIpRanges: pulumi.StringArray{pulumi.String("*")}}}},
			},
		}, pulumi.Provider(orgs.Acme))
		if err != nil {
			return err
		}
		args.BackendService = &psc.BackendServiceArgs{SecurityPolicy: armor.SelfLink}
	}
	svc, err := psc.NewProducerService(ctx, "payments", args, pulumi.Provider(orgs.Acme))
	if err != nil {
		return err
	}

	if cfg.GetBool("denyEgress") {
		if _, err := compute.NewFirewall(ctx, "deny-egress", &compute.FirewallArgs{
			Network: orgs.ConsumerVpc.SelfLink, Direction: pulumi.String("EGRESS"), Priority: pulumi.Int(1000),
			DestinationRanges: pulumi.StringArray{pulumi.String("0.0.0.0/0")},
			Denies:            compute.FirewallDenyArray{&compute.FirewallDenyArgs{Protocol: pulumi.String("all")}},
		}, pulumi.Provider(orgs.Bank)); err != nil {
			return err
		}
	}
	endpoint, err := orgs.Endpoint(ctx, "orders", svc.ServiceAttachmentUri, false)
	if err != nil {
		return err
	}
	hostname := cfg.Get("dnsHostname")
	if hostname == "" {
		hostname = "payment-api.internal"
	}
	if _, err := psc.NewDnsBinding(ctx, "orders-dns", &psc.DnsBindingArgs{
		Hostname:  hostname,
		IpAddress: endpoint.IpAddress,
		Networks:  pulumi.StringArray{orgs.ConsumerVpc.SelfLink},
		Protocol:  "HTTPS",
	}, pulumi.Provider(orgs.Bank)); err != nil {
		return err
	}
	ctx.Export("ipAddress", endpoint.IpAddress)
	ctx.Export("pscConnectionStatus", endpoint.PscConnectionStatus)
	ctx.Export("consumerNetwork", orgs.ConsumerVpc.SelfLink)
	return nil
}
