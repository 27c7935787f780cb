package gosdk

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sdk/go/cloudrunpsc"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
)

// Naming is gonative.Naming through the generated Go SDK: pulumi:autonaming set, producers in
// existing VPCs given by self link, "payments" renamed with an alias, "ledger" named by a
// transform.
func Naming(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	args := func(network, hostname string) *cloudrunpsc.ProducerServiceArgs {
		return &cloudrunpsc.ProducerServiceArgs{
			Network:            pulumi.String(network),
			CloudRun:           cloudrunpsc.CloudRunArgs{Image: pulumi.String("us-docker.pkg.dev/cloudrun/container/hello")},
			Hostname:           pulumi.StringRef(hostname),
			LoadBalancerSubnet: cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.10.0.0/24")},
			ProxyOnlySubnet:    cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.129.0.0/23")},
			NatSubnet:          cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.20.0.0/24")},
			Consumers:          []cloudrunpsc.ConsumerAcceptArgs{{ProjectIdOrNum: pulumi.String("bank-consumer-prj")}},
		}
	}
	name, aliases := gonative.Renamed(cfg)
	payments, err := cloudrunpsc.NewProducerService(ctx, name, args(cfg.Require("network"), "payment-api.internal"), pulumi.Aliases(aliases))
	if err != nil {
		return err
	}
	ledger, err := cloudrunpsc.NewProducerService(ctx, "ledger", args(cfg.Require("ledgerNetwork"), "ledger.internal"),
		pulumi.Transforms([]pulumi.ResourceTransform{gonative.AcmeNames}))
	if err != nil {
		return err
	}
	ctx.Export("payments", payments.ServiceAttachmentUri)
	ctx.Export("ledger", ledger.ServiceAttachmentUri)
	return nil
}
