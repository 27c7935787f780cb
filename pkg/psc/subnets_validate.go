package psc

import (
	"fmt"
	"net/netip"
	"regexp"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The checks of inputs that name existing subnets read them through pulumi-gcp's getSubnetwork
// and getSubnetworks functions, which run at preview. Neither function returns a subnet's purpose
// or role, so those are tested with getSubnetworks' list filter (the Compute Engine API's).

// lookup reads existing subnets with the component's providers (invokes parented to it).
type lookup struct {
	ctx  *pulumi.Context
	opts []pulumi.InvokeOption
}

func newLookup(ctx *pulumi.Context, comp pulumi.Resource) lookup {
	return lookup{ctx: ctx, opts: []pulumi.InvokeOption{pulumi.Parent(comp)}}
}

// subnet returns an existing subnet's range and network; a subnet that does not exist (an empty
// result, or the function's error) is an error.
func (l lookup) subnet(r subnetRef) (*compute.LookupSubnetworkResult, error) {
	res, err := compute.LookupSubnetwork(l.ctx, &compute.LookupSubnetworkArgs{
		Project: optional(r.Project), Region: optional(r.Region), Name: &r.Name,
	}, l.opts...)
	switch {
	case err != nil:
		return nil, fmt.Errorf("looking up subnet %s: %w", r, err)
	case res.IpCidrRange == "":
		return nil, fmt.Errorf("subnet %s does not exist", r)
	}
	return res, nil
}

// subnets lists the subnets of a project and region that match a list filter.
func (l lookup) subnets(project, region, filter string) ([]compute.GetSubnetworksSubnetwork, error) {
	res, err := compute.GetSubnetworks(l.ctx, &compute.GetSubnetworksArgs{
		Project: optional(project), Region: optional(region), Filter: &filter,
	}, l.opts...)
	if err != nil {
		return nil, fmt.Errorf("listing the subnets of %s in %s: %w", project, region, err)
	}
	return res.Subnetworks, nil
}

// purpose is what a role needs of an existing subnet, as a list filter on its purpose and role.
type purpose struct {
	filter string // list filter on purpose and role
	match  bool   // whether the subnet must match the filter, or must not
	want   string // the role's need, for messages
}

var (
	regularPurpose = purpose{`(purpose != "PRIVATE") (purpose != "PRIVATE_RFC_1918")`, false,
		"a regular subnet (purpose PRIVATE), which forwarding rules and internal addresses need"}
	proxyOnlyPurpose = purpose{`(purpose = "REGIONAL_MANAGED_PROXY") (role = "ACTIVE")`, true,
		"an active proxy-only subnet (purpose REGIONAL_MANAGED_PROXY, role ACTIVE), which the internal load balancer needs"}
	globalProxyOnlyPurpose = purpose{`(purpose = "GLOBAL_MANAGED_PROXY") (role = "ACTIVE")`, true,
		"an active proxy-only subnet for cross-region load balancers (purpose GLOBAL_MANAGED_PROXY, role ACTIVE), which the cross-region internal load balancer needs"}
	natPurpose = purpose{`(purpose = "PRIVATE_SERVICE_CONNECT")`, true,
		"a PSC NAT subnet (purpose PRIVATE_SERVICE_CONNECT), which a service attachment's NAT subnets must be"}
)

// checkPurpose checks that an existing subnet has the purpose its role needs.
func (l lookup) checkPurpose(r subnetRef, want purpose) error {
	found, err := l.subnets(r.Project, r.Region, fmt.Sprintf(`(name = "%s") %s`, r.Name, want.filter))
	if err != nil {
		return err
	}
	if (len(found) > 0) != want.match {
		return fmt.Errorf("%s is not %s", r, want.want)
	}
	return nil
}

// place is where an existing subnet must be: its region and VPC (a self link), each "" when not
// known now, and why, for messages.
type place struct {
	project, region, vpc, why string
}

// existingSubnet checks a subnet given by a plain reference: it exists where it must be, with the
// purpose its role needs. It returns the subnet's range, or the problem with it.
func (l lookup) existingSubnet(link string, at place, want purpose) (netip.Prefix, error) {
	ref, err := parseSubnetRef(link, at.project, at.region)
	switch {
	case err != nil:
		return netip.Prefix{}, err
	case ref.Region == "":
		return netip.Prefix{}, nil // a bare name whose region is not known yet
	case at.region != "" && ref.Region != at.region:
		return netip.Prefix{}, fmt.Errorf("%s is in region %s, not in %s, %s", ref, ref.Region, at.region, at.why)
	}
	got, err := l.subnet(ref)
	if err != nil {
		return netip.Prefix{}, err
	}
	if at.vpc != "" && got.Network != at.vpc {
		return netip.Prefix{}, fmt.Errorf("%s belongs to the VPC %s, not to the network %s", ref, got.Network, at.vpc)
	}
	if err := l.checkPurpose(ref, want); err != nil {
		return netip.Prefix{}, err
	}
	prefix, _ := netip.ParsePrefix(got.IpCidrRange)
	return prefix, nil
}

// checkHostInExisting checks a fixed IP (already checked for syntax) against an existing
// subnet's range, when both are known.
func checkHostInExisting(p *problems, path, ip string, subnet netip.Prefix) {
	addr, err := parseIPv4(ip)
	if ip == "" || err != nil || !subnet.IsValid() {
		return
	}
	p.add(path, checkHostIn(addr, subnet))
}

// ownSubnetDescription is the description a ProducerService gives the subnet it creates for a
// role (lb-subnet, proxy-subnet, nat-subnet, nat-<key>): the marker by which its existing-subnet
// checks recognise it as its own. It names the stack and the role, never the component's name or
// URN, so renames (aliases), pulumi:autonaming and transforms that name children leave it true.
// Google Cloud cannot change a subnet's description (changing it replaces the subnet), so it is
// written once, at create, and ignored afterwards (ignoreChanges): subnets created before the
// marker keep no description, and keep being recognised by their default name (ownSubnetRe).
func ownSubnetDescription(ctx *pulumi.Context, role string) string {
	return fmt.Sprintf("cloudrun-psc ProducerService %s of stack %s/%s", role, ctx.Project(), ctx.Stack())
}

// ownSubnetRe matches the default names of the subnets a ProducerService named name created
// before they carried ownSubnetDescription: the child names of build, `<name>-<role>`
// (additional NAT subnets' roles were nat-subnet-2, -3…), plus the provider's 7-hex-digit
// auto-name suffix.
func ownSubnetRe(name string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(name) + `-(lb-subnet|proxy-subnet|nat-subnet(-[0-9]+)?)-[0-9a-f]{7}$`)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
