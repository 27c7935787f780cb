package psc

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// firewall creates the egress rule that lets the given clients reach the endpoint IP.
func (b *consumerBuilder) firewall(ip pulumi.StringOutput) error {
	a := &b.args
	f := a.Firewall
	project := b.project()
	ports := make(pulumi.StringArray, 0, len(f.Ports))
	for _, p := range f.Ports {
		ports = append(ports, pulumi.String(fmt.Sprint(p)))
	}
	if a.NetworkProject != "" {
		project = pulumi.StringPtr(a.NetworkProject) // a Shared VPC's firewall rules are the host's
	}
	args := &compute.FirewallArgs{
		Project:           project,
		Network:           qualifiedNetwork(a.Network, a.NetworkProject),
		Direction:         pulumi.String("EGRESS"),
		Priority:          pulumi.Int(*f.Priority),
		DestinationRanges: pulumi.StringArray{pulumi.Sprintf("%s/32", ip)},
		Allows:            compute.FirewallAllowArray{&compute.FirewallAllowArgs{Protocol: pulumi.String("tcp"), Ports: ports}},
		Description:       b.describe("egress from the clients to the Private Service Connect endpoint"),
	}
	if len(f.ClientRanges) > 0 {
		args.SourceRanges = checkedStrings(f.ClientRanges, "firewall.clientRanges", checkClientRange)
	}
	if len(f.ClientTags) > 0 {
		args.TargetTags = checkedStrings(f.ClientTags, "firewall.clientTags", checkNetworkTag)
	}
	if _, err := compute.NewFirewall(b.ctx, b.child("egress"), args, b.opts()...); err != nil {
		return fmt.Errorf("egress firewall rule: %w", err)
	}
	return nil
}
