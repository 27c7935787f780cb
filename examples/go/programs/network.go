package programs

import (
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// exampleNetwork is the VPC an example program uses: with networkProject (a Shared VPC), the
// host's VPC that network names (a bare name is the host project's), created by the host's network
// team; otherwise a VPC the program creates, named name.
func exampleNetwork(ctx *pulumi.Context, cfg *config.Config, name string) (pulumi.StringInput, error) {
	if host := cfg.Get("networkProject"); host != "" {
		network := cfg.Require("network")
		if !strings.Contains(network, "/") {
			network = "projects/" + host + "/global/networks/" + network
		}
		return pulumi.String(network), nil
	}
	vpc, err := compute.NewNetwork(ctx, name, &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
	if err != nil {
		return nil, err
	}
	return vpc.SelfLink, nil
}
