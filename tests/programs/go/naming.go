package gonative

import (
	"context"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// AcmeNames is the organisation's naming convention as a transform: every Google Cloud resource
// is named acme-<its Pulumi name> unless it is named already.
func AcmeNames(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
	if len(args.Type) < 4 || args.Type[:4] != "gcp:" {
		return nil
	}
	if _, named := args.Props["name"]; named {
		return nil
	}
	args.Props["name"] = pulumi.String("acme-" + args.Name)
	return &pulumi.ResourceTransformResult{Props: args.Props, Opts: args.Opts}
}

// Renamed returns the configured name of the renamed producer (serviceName, "payments" by
// default) and, once it is renamed, the alias to its old name.
func Renamed(cfg *config.Config) (string, []pulumi.Alias) {
	name := cfg.Get("serviceName")
	if name == "" || name == "payments" {
		return "payments", nil
	}
	return name, []pulumi.Alias{{Name: pulumi.String("payments")}}
}

// Naming names resources the way organisations choose them, natively: the stack sets
// pulumi:autonaming; the producers live in existing VPCs given by self link (configuration
// network and ledgerNetwork), so the component looks their subnets up at every preview;
// "payments" is renamed by configuration (serviceName) with an alias to its old name; "ledger"
// is named by AcmeNames.
func Naming(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	args := func(network, hostname string) *psc.ProducerServiceArgs {
		return &psc.ProducerServiceArgs{
			Network:            pulumi.String(network),
			CloudRun:           psc.CloudRunArgs{Image: pulumi.String("us-docker.pkg.dev/cloudrun/container/hello")},
			Hostname:           hostname,
			LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: "10.10.0.0/24"},
			ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: "10.129.0.0/23"},
			NatSubnet:          psc.SubnetArgs{IpCidrRange: "10.20.0.0/24"},
			Consumers:          []psc.ConsumerAcceptArgs{{ProjectIdOrNum: pulumi.String("bank-consumer-prj")}},
		}
	}
	name, aliases := Renamed(cfg)
	payments, err := psc.NewProducerService(ctx, name, args(cfg.Require("network"), "payment-api.internal"), pulumi.Aliases(aliases))
	if err != nil {
		return err
	}
	ledger, err := psc.NewProducerService(ctx, "ledger", args(cfg.Require("ledgerNetwork"), "ledger.internal"),
		pulumi.Transforms([]pulumi.ResourceTransform{AcmeNames}))
	if err != nil {
		return err
	}
	ctx.Export("payments", payments.ServiceAttachmentUri)
	ctx.Export("ledger", ledger.ServiceAttachmentUri)
	return nil
}
