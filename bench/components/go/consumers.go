package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/spec"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// Consumers is the producer of the consumer-scale graph (bench/spec/consumers.go): a producer VPC
// and one ProducerService whose attachment accepts N consumers, one connection each, as
// `consumers` entries or read from N consumer stacks (ConsumerStack).
func Consumers(ctx *pulumi.Context) error {
	n := config.RequireInt(ctx, ctx.Project()+":"+spec.ConsumersConfig)
	mode := config.Require(ctx, ctx.Project()+":"+spec.ConsumerModeConfig)
	producer, err := spec.NewProducerVPC(ctx)
	if err != nil {
		return err
	}
	one := 1
	args := &psc.ProducerServiceArgs{
		Network:            producer.SelfLink,
		CloudRun:           psc.CloudRunArgs{Image: pulumi.String(spec.Image)},
		Hostname:           spec.Hostname,
		LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: spec.LBRange},
		ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: spec.ProxyOnlyRange},
		NatSubnet:          psc.SubnetArgs{IpCidrRange: spec.ConsumersNATRange},
	}
	for i := range n {
		switch mode {
		case spec.ConsumerEntries:
			args.Consumers = append(args.Consumers, psc.ConsumerAcceptArgs{
				ProjectIdOrNum: pulumi.String(spec.ConsumerProjectID(i)), ConnectionLimit: &one})
		case spec.ConsumerStacks:
			args.ConsumerStacks = append(args.ConsumerStacks, psc.ConsumerStackArgs{
				Stack: spec.ConsumerStackRef(i), Output: spec.ConsumerOutput, ConnectionLimit: &one})
		}
	}
	svc, err := psc.NewProducerService(ctx, spec.ProducerName, args)
	if err != nil {
		return err
	}
	ctx.Export("serviceAttachmentUri", svc.ServiceAttachmentUri)
	return nil
}

// ConsumerStack is the program of a consumer stack of the consumer-scale graph: no resources, only
// the output the producer reads, its consumer project.
func ConsumerStack(ctx *pulumi.Context) error {
	ctx.Export(spec.ConsumerOutput, pulumi.String(config.Require(ctx, ctx.Project()+":"+spec.ConsumerProjectConfig)))
	return nil
}
