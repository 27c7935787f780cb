package gcpsim

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
)

// impliedEgressPriority is the priority of the implied allow-egress rule every VPC has.
const impliedEgressPriority = 65535

// firewall decides the client's connection by its VPC's egress rules (FW-EGRESS-EVAL): of the
// enabled EGRESS rules of the network that apply to the client (its tags or service account, or
// every instance) and match the connection (destination, source, TCP and the port), the one of
// the highest priority (the lowest number) decides, a deny before an allow of the same priority;
// with none, the implied allow-egress rule. A denied connection is dropped: the client times out.
func (c *call) firewall() (*refusal, error) {
	var matching []*Record
	for _, fw := range c.st.byType(firewallToken) {
		if c.egressRuleMatches(fw) {
			matching = append(matching, fw)
		}
	}
	sort.SliceStable(matching, func(i, j int) bool {
		pi, pj := firewallPriority(matching[i]), firewallPriority(matching[j])
		if pi != pj {
			return pi < pj
		}
		return isDeny(matching[i]) && !isDeny(matching[j])
	})
	target := fmt.Sprintf("tcp:%d to %s", c.url.port, c.dest)
	if len(matching) == 0 {
		c.hopAt(LinkFirewall, "implied-allow-egress", "%s allowed by the implied allow-egress rule (priority %d)", target, impliedEgressPriority)
		return nil, nil
	}
	fw := matching[0]
	if isDeny(fw) {
		c.hop(LinkFirewall, fw, "%s denied (priority %d)", target, firewallPriority(fw))
		return refuse(LinkFirewall, "FW-EGRESS-EVAL", ErrTimeout, "egress firewall rule %s (priority %d) denies %s from %s", fw.ID, firewallPriority(fw), target, c.source), nil
	}
	c.hop(LinkFirewall, fw, "%s allowed (priority %d)", target, firewallPriority(fw))
	return nil, nil
}

// egressRuleMatches reports whether an enabled EGRESS rule of the client's network applies to
// the client and matches the connection.
func (c *call) egressRuleMatches(fw *Record) bool {
	out := fw.out()
	if !strings.EqualFold(out.str("direction"), "EGRESS") || trimRefPrefix(out.str("network")) != c.network.ID {
		return false
	}
	if off, _ := out.boolean("disabled"); off {
		return false
	}
	tags, accounts := out.strs("targetTags"), out.strs("targetServiceAccounts")
	switch {
	case len(tags) > 0 && !intersects(tags, c.req.Tags):
		return false
	case len(accounts) > 0 && !containsFold(accounts, c.req.ServiceAccount):
		return false
	}
	if ranges := out.strs("destinationRanges"); len(ranges) > 0 && !inRanges(ranges, c.dest) {
		return false
	}
	if ranges := out.strs("sourceRanges"); len(ranges) > 0 && !inRanges(ranges, c.source) {
		return false
	}
	field := "allows"
	if isDeny(fw) {
		field = "denies"
	}
	for _, r := range out.objs(field) {
		if protocolMatchesTCP(r.str("protocol")) && portsMatch(r.strs("ports"), c.url.port) {
			return true
		}
	}
	return false
}

func isDeny(fw *Record) bool { return len(fw.out().objs("denies")) > 0 }

// firewallPriority is a rule's priority, 1000 when unset (the provider's default).
func firewallPriority(fw *Record) int {
	if p, ok := fw.out().num("priority"); ok {
		return int(p)
	}
	return 1000
}

// protocolMatchesTCP reports whether a rule's protocol covers TCP: "tcp", "all" or 6.
func protocolMatchesTCP(p string) bool {
	p = strings.ToLower(p)
	return p == "tcp" || p == "all" || p == "6"
}

// portsMatch reports whether a rule's ports ("443", "8000-8080"; none: every port) hold port.
func portsMatch(ports []string, port int) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		if lo, hi, ok := parsePortRange(p); ok && lo <= port && port <= hi {
			return true
		}
	}
	return false
}

// inRanges reports whether ip is in one of the CIDR ranges (or equal to one of the addresses).
func inRanges(ranges []string, ip netip.Addr) bool {
	for _, r := range ranges {
		if p, err := netip.ParsePrefix(r); err == nil && p.Contains(ip) {
			return true
		}
		if a, err := netip.ParseAddr(r); err == nil && a == ip {
			return true
		}
	}
	return false
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
