package gonative

import (
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// Routes is the several-services program (routes), natively: one attachment in front of
// the main payments service (hostname's other paths), an admin service the component creates for
// /admin on the hostname, and an existing reports service (created here beside it) for
// reports.internal; what no route matches gets 404. With withAdmin false the admin route is left
// out. As python/routes.py.
//
// Configuration: producerProject, consumerProject, gcp:region, gcp:project (a third project),
// withAdmin.
func Routes(ctx *pulumi.Context) error {
	orgs, err := NewOrganisations(ctx)
	if err != nil {
		return err
	}
	region := config.Require(ctx, "gcp:region")
	reports, err := cloudrunv2.NewService(ctx, "reports", &cloudrunv2.ServiceArgs{
		Name: pulumi.String("reports-api"), Location: pulumi.String(region), Ingress: pulumi.String("INGRESS_TRAFFIC_INTERNAL_ONLY"),
		DeletionProtection: pulumi.Bool(false),
		Template: &cloudrunv2.ServiceTemplateArgs{Containers: cloudrunv2.ServiceTemplateContainerArray{
			&cloudrunv2.ServiceTemplateContainerArgs{Image: pulumi.String("europe-docker.pkg.dev/acme/reports/api:1.0")},
		}},
	}, pulumi.Provider(orgs.Acme))
	if err != nil {
		return err
	}
	routes := []psc.RouteArgs{{Key: "reports", Hosts: []string{"reports.internal"}, CloudRun: psc.CloudRunArgs{ExistingServiceName: "reports-api"}}}
	if config.GetBool(ctx, "withAdmin") {
		routes = append([]psc.RouteArgs{{Key: "admin", PathPrefix: "/admin", CloudRun: psc.CloudRunArgs{
			Image:    pulumi.String("europe-docker.pkg.dev/acme/payments/admin:1.0"),
			Invokers: []pulumi.StringInput{pulumi.String("serviceAccount:ops@bank-ops.iam.gserviceaccount.com")},
		}}}, routes...)
	}
	svc, err := psc.NewProducerService(ctx, "payments", &psc.ProducerServiceArgs{
		Network:            orgs.ProducerVpc.SelfLink,
		CloudRun:           psc.CloudRunArgs{Image: pulumi.String("europe-docker.pkg.dev/acme/payments/api:1.0")},
		Hostname:           "payment-api.internal",
		LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: "10.10.0.0/24"},
		ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: "10.129.0.0/23"},
		NatSubnet:          psc.SubnetArgs{IpCidrRange: "10.20.0.0/28"},
		Consumers:          []psc.ConsumerAcceptArgs{{ProjectIdOrNum: orgs.ConsumerVpc.Project}},
		Routes:             routes,
	}, pulumi.Provider(orgs.Acme), pulumi.DependsOn([]pulumi.Resource{reports}))
	if err != nil {
		return err
	}
	endpoint, err := orgs.Endpoint(ctx, "orders", svc.ServiceAttachmentUri, true)
	if err != nil {
		return err
	}
	ctx.Export("pscConnectionStatus", endpoint.PscConnectionStatus)
	ctx.Export("routeServiceNames", svc.RouteServiceNames)
	return nil
}
