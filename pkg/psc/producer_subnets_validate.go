package psc

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// subnetInput is one of a producer's subnet inputs.
type subnetInput struct {
	path    string
	role    string // of the child subnet the component creates (ownSubnetDescription)
	args    SubnetArgs
	purpose purpose // what the role needs of an existing subnet
	prefix  netip.Prefix
}

// subnetInputs returns the top-level load balancer, proxy-only, NAT and additional NAT subnet
// inputs, in that order.
func (a *ProducerServiceArgs) subnetInputs() []*subnetInput { return a.topSubnets().inputs() }

// validateSubnets checks, in each subnet set, each subnet's exactly-one-of, its range, the
// proxy-only subnet's size, that the NAT subnets to create have an address for every accepted
// consumer, and a fixed load balancer IP; and overlaps between all the ranges the component
// creates in the VPC, across sets (subnet ranges are unique in a VPC, whatever their region).
func (a *ProducerServiceArgs) validateSubnets(p *problems) {
	var every []*subnetInput
	for _, set := range a.subnetSets() {
		all := set.inputs()
		a.validateSubnetSet(p, set, all)
		every = append(every, all...)
	}
	for i, s := range every {
		for _, t := range every[i+1:] {
			if s.prefix.IsValid() && t.prefix.IsValid() && s.prefix.Overlaps(t.prefix) {
				p.addf(t.path+".ipCidrRange", "%s overlaps %s.ipCidrRange %s (subnet ranges in one VPC must not overlap)",
					t.prefix, s.path, s.prefix)
			}
		}
	}
}

// validateSubnetSet checks the subnets of one set (all, its inputs), noting each valid range to
// create in its input.
func (a *ProducerServiceArgs) validateSubnetSet(p *problems, set subnetSet, all []*subnetInput) {
	for _, s := range all {
		if s.args.created() == given(s.args.SelfLink) {
			p.addf(s.path, "give exactly one of ipCidrRange (create the subnet) and selfLink (use an existing one)")
			continue
		}
		if !s.args.created() {
			continue
		}
		prefix, err := parseSubnetCIDR(s.args.IpCidrRange)
		if err != nil {
			p.add(s.path+".ipCidrRange", err)
			continue
		}
		s.prefix = prefix
	}
	if pr := all[1].prefix; pr.IsValid() && pr.Bits() > 26 {
		p.addf(all[1].path+".ipCidrRange", "a proxy-only subnet must be /26 or larger (/23 recommended), got %s", pr)
	}
	a.checkNatCapacity(p, all[2:])
	if set.lbIP != "" {
		ip, err := parseIPv4(set.lbIP)
		switch {
		case err != nil:
			p.add(set.path+"loadBalancerIp", err)
		case all[0].prefix.IsValid():
			p.add(set.path+"loadBalancerIp", checkHostIn(ip, all[0].prefix))
		}
	}
}

// validateSubnetKeys checks the keys that name the additional NAT subnets the component creates:
// each has one, unique in its set, that keeps the child's auto-named subnet name within Google
// Cloud's 63 characters; no other subnet input takes a key.
func (a *ProducerServiceArgs) validateSubnetKeys(p *problems, name string) {
	for _, set := range a.subnetSets() {
		seen := map[string]string{}
		maxLen := 63 - len(name) - len("-"+set.role+additionalNatRole("")) - len("-1a2b3c4")
		for _, s := range set.inputs() {
			key := s.args.Key
			keyed := strings.HasPrefix(s.path, set.path+"additionalNatSubnets[") && s.args.created()
			switch {
			case !keyed && key != "":
				p.addf(s.path+".key", "applies only to additionalNatSubnets entries the component creates (with ipCidrRange)")
			case !keyed:
			case key == "":
				p.addf(s.path+".key", "is required for a NAT subnet the component creates: a stable name for its subnet, such as %q, so that removing another entry never replaces it",
					"b")
			case !resourceNameRe.MatchString(key):
				p.addf(s.path+".key", "must start with a lowercase letter and contain only lowercase letters, digits and hyphens, got %q", key)
			case len(key) > maxLen:
				p.addf(s.path+".key", "must be at most %d characters so that the subnet's name %s-%s-1a2b3c4 fits Google Cloud's 63, got %d",
					max(maxLen, 0), name, set.role+additionalNatRole(key), len(key))
			case seen[key] != "":
				p.addf(s.path+".key", "%q is also the key of %s; keys name the subnets and must differ", key, seen[key])
			default:
				seen[key] = s.path
			}
		}
	}
}

// checkNatCapacity checks that the NAT subnets have an address for every accepted consumer (each
// connected endpoint takes one), once every range is known: the ranges to create, and those of
// existing subnets once looked up (validateExisting).
func (a *ProducerServiceArgs) checkNatCapacity(p *problems, nats []*subnetInput) {
	if a.AcceptAllConsumers {
		return
	}
	var ranges []string
	capacity := 0
	for _, s := range nats {
		if !s.prefix.IsValid() {
			return
		}
		ranges = append(ranges, s.prefix.String())
		capacity += chain.NATCapacity(s.prefix)
	}
	if n := len(a.Consumers) + len(a.ConsumerStacks); n > capacity {
		verb := "holds"
		if len(ranges) > 1 {
			verb = "hold"
		}
		path := nats[0].path + ".ipCidrRange"
		if !nats[0].args.created() {
			path = nats[0].path + ".selfLink"
		}
		p.addf(path, "%s %s %d endpoint connections (one NAT address each), fewer than the %d accepted consumers: use a larger range or add additionalNatSubnets",
			strings.Join(ranges, " and "), verb, capacity, n)
	}
}

// natCapacity is how many endpoints the NAT subnets whose range is known can serve: those the
// component creates, and existing ones once looked up.
func natCapacity(nats []*subnetInput) int {
	var ranges []netip.Prefix
	for _, s := range nats {
		ranges = append(ranges, s.prefix)
	}
	return chain.NATCapacity(ranges...)
}

// natLimitWarning says, when the accept list allows more endpoints (the sum of its
// connectionLimits) than the NAT subnets hold, that the ones beyond will need attention; "" when
// they fit, or with acceptAllConsumers (no limits to add up).
func (a *ProducerServiceArgs) natLimitWarning(capacity int) string {
	if a.AcceptAllConsumers {
		return ""
	}
	allowed := 0
	for _, c := range a.Consumers {
		allowed += *c.ConnectionLimit
	}
	for _, c := range a.ConsumerStacks {
		allowed += *c.ConnectionLimit
	}
	if allowed <= capacity {
		return ""
	}
	return fmt.Sprintf("the NAT subnets hold %d endpoint connections (one NAT address each), fewer than the %d the accept "+
		"list allows (the sum of its connectionLimits): endpoints beyond %d will be NEEDS_ATTENTION until additionalNatSubnets adds room",
		capacity, allowed, capacity)
}

// validateExisting checks, through pulumi-gcp lookups, the inputs that name existing subnets or a
// VPC by a plain value, set by set (validateExistingSet), and returns the NAT capacity of each set
// (natCapacity), in the order of subnetSets.
func (a *ProducerServiceArgs) validateExisting(name string, l lookup) ([]int, error) {
	var p problems
	vpc := ""
	if network, ok := knownString(a.Network); ok {
		vpc, _ = networkSelfLink(network, hostProject(a.NetworkProject, a.Project))
	}
	var capacities []int
	for _, set := range a.subnetSets() {
		c, err := a.validateExistingSet(name, l, set, vpc)
		if err != nil {
			p.errs = append(p.errs, err)
		}
		capacities = append(capacities, c)
	}
	return capacities, p.err()
}

// validateExistingSet checks the subnets of one set: an existing subnet exists in the set's region
// and VPC with the purpose its role needs (and holds a fixed load balancer IP), the ranges to
// create overlap no other subnet of the VPC in the region, and a proxy-only subnet to create would
// not be a second active one there. The subnets this component created in an earlier update are
// not "other" subnets, so a second preview does not trip over them: a subnet is this component's
// own for an input when its description is the marker the component gives that input's subnet
// (ownSubnetDescription), which survives renames, aliases, autonaming and transforms, or, for a
// subnet created before the marker (no description), when its name is a default child name. With
// the existing NAT subnets' ranges, it checks the NAT capacity, and returns it (natCapacity).
func (a *ProducerServiceArgs) validateExistingSet(name string, l lookup, set subnetSet, vpc string) (int, error) {
	var p problems
	all := set.inputs()
	existingNat := false
	why := "the region of every producer resource"
	if set.path != "" {
		why = "the region of its regions entry"
	}
	for _, s := range all {
		link, ok := knownString(s.args.SelfLink)
		if s.args.created() {
			s.prefix, _ = parseSubnetCIDR(s.args.IpCidrRange)
		}
		if s.args.created() || !ok || link == "" {
			continue
		}
		prefix, err := l.existingSubnet(link, place{hostProject(a.NetworkProject, a.Project), set.region, vpc, why}, s.purpose)
		p.add(s.path+".selfLink", err)
		s.prefix = prefix
		existingNat = existingNat || s.purpose == natPurpose
		if s == all[0] {
			checkHostInExisting(&p, set.path+"loadBalancerIp", set.lbIP, prefix)
		}
	}
	if existingNat { // the NAT subnets to create alone were checked by validateSubnets
		a.checkNatCapacity(&p, all[2:])
	}
	capacity := natCapacity(all[2:])
	if vpc == "" {
		return capacity, p.err()
	}
	legacy := ownSubnetRe(name)
	ownFor := func(role string) func(compute.GetSubnetworksSubnetwork) bool {
		marker := ownSubnetDescription(l.ctx, role)
		return func(s compute.GetSubnetworksSubnetwork) bool {
			return s.Description == marker || (set.role == "" && s.Description == "" && legacy.MatchString(s.Name))
		}
	}
	list := func(filter string) []compute.GetSubnetworksSubnetwork {
		found, err := l.subnets(hostProject(a.NetworkProject, a.Project), set.region, filter)
		p.add("network", err)
		return found
	}
	inVPC := fmt.Sprintf(`(network = "%s")`, vpc)
	existing := list(inVPC)
	for _, s := range all {
		prefix, err := parseSubnetCIDR(s.args.IpCidrRange)
		if !s.args.created() || err != nil {
			continue
		}
		own := ownFor(s.role)
		for _, e := range existing {
			if other, err := netip.ParsePrefix(e.IpCidrRange); err == nil && !own(e) && other.Overlaps(prefix) {
				p.addf(s.path+".ipCidrRange", "%s overlaps %s, the range of the VPC's subnet %s in %s (subnet ranges in one VPC must not overlap)",
					prefix, other, e.Name, set.region)
			}
		}
	}
	if set.proxy.created() {
		for _, e := range slices.DeleteFunc(list(inVPC+" "+set.proxyCheck.filter), ownFor(all[1].role)) {
			p.addf(all[1].path+".ipCidrRange", "the VPC already has an active proxy-only subnet in %s, %s, and Google Cloud allows one per VPC and region: set %s.selfLink to %s instead of creating a second one",
				set.region, e.Name, all[1].path, e.SelfLink)
		}
	}
	return capacity, p.err()
}
