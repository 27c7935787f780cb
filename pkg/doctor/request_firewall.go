package doctor

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// egress decides the connection by the egress rules of the client's network that the consumer
// stack holds (FW-EGRESS-EVAL): of the enabled EGRESS rules that target the client (every VM,
// one of its tags or its service account) and match its TCP connection (destination, source,
// port), the lowest priority number decides, a deny before an allow of the same priority; with
// none, the implied allow-egress rule. A denied connection is dropped. Rules of other stacks and
// firewall policies are not seen: an allow is an assumption doctor names.
func (a *asked) egress() *refusal {
	var decider *Resource
	for _, fw := range a.consumer.ofType(chain.FirewallType) {
		if fw.Gone || !a.ruleApplies(fw) {
			continue
		}
		if decider == nil || priority(fw) < priority(decider) || priority(fw) == priority(decider) && denies(fw) && !denies(decider) {
			decider = fw
		}
	}
	conn := fmt.Sprintf("tcp:%d to %s", a.url.port, a.dest)
	if decider != nil && denies(decider) {
		return dropped(chain.LinkFirewall, "FW-EGRESS-EVAL", ErrTimeout,
			fmt.Sprintf("allow %s from the client at a priority number below %d (a ConsumerEndpoint's `firewall`), or narrow %s, and run `pulumi up` on the consumer", conn, priority(decider), chain.NameOf(decider.ID)),
			"egress rule %s (priority %d) denies %s from %s", id(decider), priority(decider), conn, sourceText(a.source))
	}
	a.assume(chain.LinkFirewall, "`gcloud compute firewall-rules list --filter=\"network:"+chain.NameOf(a.network)+" AND direction=EGRESS\"` and the network's firewall policies",
		"no egress rule outside the consumer stack, nor a hierarchical or network firewall policy, denies %s from the client first", conn)
	if decider == nil {
		a.hop(chain.LinkFirewall, "implied-allow-egress", "%s allowed by the implied allow-egress rule (priority 65535)", conn)
		return nil
	}
	a.hop(chain.LinkFirewall, decider.ID, "%s allowed (priority %d)", conn, priority(decider))
	return nil
}

// ruleApplies reports whether an enabled EGRESS rule of the client's network targets the client
// and matches its connection.
func (a *asked) ruleApplies(fw *Resource) bool {
	o := fw.Outputs
	if !strings.EqualFold(str(o, "direction"), "EGRESS") || boolean(o, "disabled") || chain.RelativeName(str(o, "network")) != a.network {
		return false
	}
	if tags := strs(o, "targetTags"); len(tags) > 0 && !slices.ContainsFunc(tags, func(t string) bool { return slices.Contains(a.req.Tags, t) }) {
		return false
	}
	if sas := strs(o, "targetServiceAccounts"); len(sas) > 0 && !slices.ContainsFunc(sas, func(s string) bool { return strings.EqualFold(s, a.req.ServiceAccount) }) {
		return false
	}
	if r := strs(o, "destinationRanges"); len(r) > 0 && !holds(r, a.dest) {
		return false
	}
	if r := strs(o, "sourceRanges"); len(r) > 0 && !holds(r, a.source) {
		return false
	}
	field := "allows"
	if denies(fw) {
		field = "denies"
	}
	return slices.ContainsFunc(objs(o, field), func(p map[string]any) bool {
		return tcp(str(p, "protocol")) && portIn(strs(p, "ports"), a.url.port)
	})
}

func denies(fw *Resource) bool { return len(objs(fw.Outputs, "denies")) > 0 }

// priority is a rule's priority; 1000, Google's default, when the output is unset.
func priority(fw *Resource) int {
	if p, ok := num(fw.Outputs, "priority"); ok {
		return int(p)
	}
	return 1000
}

func tcp(protocol string) bool {
	switch strings.ToLower(protocol) {
	case "tcp", "all", "6":
		return true
	}
	return false
}

// portIn reports whether a rule's ports ("443", "8000-8443"; none: all) hold port.
func portIn(ports []string, port int) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		lo, hi, isRange := strings.Cut(p, "-")
		if !isRange {
			hi = lo
		}
		l, err1 := strconv.Atoi(lo)
		h, err2 := strconv.Atoi(hi)
		if err1 == nil && err2 == nil && l <= port && port <= h {
			return true
		}
	}
	return false
}

// holds reports whether ranges (CIDRs or addresses) hold ip; an unknown ip is held by none.
func holds(ranges []string, ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	for _, r := range ranges {
		if p, err := netip.ParsePrefix(r); err == nil && p.Contains(ip) {
			return true
		}
		if x, err := netip.ParseAddr(r); err == nil && x == ip {
			return true
		}
	}
	return false
}
