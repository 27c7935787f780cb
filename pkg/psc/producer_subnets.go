package psc

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// producerSubnets are the self links of the producer's subnets, and the proxy-only subnet's
// resource when the component creates it (the load balancer rule must wait for it).
type producerSubnets struct {
	loadBalancer pulumi.StringOutput
	proxyOnly    pulumi.StringOutput
	proxyOnlyRes pulumi.Resource    // nil for an existing proxy-only subnet
	nat          pulumi.StringArray // natSubnet, then additionalNatSubnets in order
}

// subnets creates the subnets of a set that the component creates and refers to the existing ones.
func (b *producerBuilder) subnets(set subnetSet) (producerSubnets, error) {
	var nets producerSubnets
	var err error
	if nets.loadBalancer, _, err = b.subnetResource(set, "lb-subnet", set.lb, ""); err != nil {
		return nets, err
	}
	if nets.proxyOnly, nets.proxyOnlyRes, err = b.subnetResource(set, "proxy-subnet", set.proxy, set.proxyUse); err != nil {
		return nets, err
	}
	nat, _, err := b.subnetResource(set, "nat-subnet", set.nat, purposePSC)
	if err != nil {
		return nets, err
	}
	nets.nat = pulumi.StringArray{nat}
	for i, s := range set.extra {
		var opts []pulumi.ResourceOption
		if set.role == "" {
			// Before keys, the child was named by its position (nat-subnet-2 for the first): the
			// alias keeps a stack deployed then, once it gives its entries keys in the same order.
			opts = append(opts, pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(b.child(fmt.Sprintf("nat-subnet-%d", i+2)))}}))
		}
		link, _, err := b.subnetResource(set, additionalNatRole(s.Key), s, purposePSC, opts...)
		if err != nil {
			return nets, err
		}
		nets.nat = append(nets.nat, link)
	}
	return nets, nil
}

// additionalNatRole names the child subnet of the additionalNatSubnets entry with a key, so that
// removing or reordering entries never renames the others.
func additionalNatRole(key string) string { return "nat-" + key }

// subnetResource creates the subnet of a set's role when asked to and returns its self link and
// the resource (nil for an existing subnet).
func (b *producerBuilder) subnetResource(set subnetSet, role string, s SubnetArgs, purpose string, opts ...pulumi.ResourceOption,
) (pulumi.StringOutput, pulumi.Resource, error) {
	a := &b.args
	role = set.role + role
	if !s.created() {
		return qualifiedSubnet(s.SelfLink, a.NetworkProject, set.region).ToStringOutput(), nil, nil
	}
	project := b.project()
	if a.NetworkProject != "" {
		project = pulumi.StringPtr(a.NetworkProject) // the Shared VPC's host project
	}
	args := &compute.SubnetworkArgs{
		Project:     project,
		Region:      pulumi.String(set.region),
		Network:     qualifiedNetwork(a.Network, a.NetworkProject),
		IpCidrRange: pulumi.String(s.IpCidrRange),
		Description: pulumi.String(ownSubnetDescription(b.ctx, role)),
	}
	if purpose != "" {
		args.Purpose = pulumi.String(purpose)
	}
	if purpose == purposeProxyOnly || purpose == purposeGlobalProxyOnly {
		args.Role = pulumi.String("ACTIVE")
	}
	// The description is the marker the checks at preview know the subnet by; Google Cloud
	// cannot change it in place, so it is set at create only: a subnet created before it keeps
	// none, rather than being replaced under the load balancer or connected endpoints.
	opts = append(opts, pulumi.IgnoreChanges([]string{"description"}))
	sub, err := compute.NewSubnetwork(b.ctx, b.child(role), args, b.opts(opts...)...)
	if err != nil {
		return pulumi.StringOutput{}, nil, fmt.Errorf("subnet %s: %w", role, err)
	}
	return sub.SelfLink, sub, nil
}
