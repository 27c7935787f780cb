package doctor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// checkEgressFirewall: the consumer's egress rule to the endpoint, when the stack manages one, is
// enabled and allows the port the producer serves.
func (w *walk) checkEgressFirewall() {
	if w.noEndpointHere() {
		return
	}
	ip := str(w.endpoint.Outputs, "ipAddress")
	for _, f := range w.consumer.ofType(chain.FirewallType) {
		o := f.Outputs
		if f.Gone {
			w.broken(f, "the egress rule "+f.Name()+" to the endpoint was deleted: under a deny-all egress policy clients cannot reach "+ip,
				"run `pulumi up` on the consumer stack: the endpoint's firewall rule is recreated")
			return
		}
		if str(o, "direction") != "EGRESS" || !slices.ContainsFunc(strs(o, "destinationRanges"), func(r string) bool { return covers(r, ip) }) {
			continue
		}
		if boolean(o, "disabled") {
			w.broken(f, "the egress rule "+str(o, "name")+" to "+ip+" is disabled", "enable it (`pulumi up` on the consumer stack restores it)")
			return
		}
		if w.port != 0 && !allowsPort(o, w.port) {
			w.broken(f, fmt.Sprintf("the egress rule %s allows %s, not tcp:%d, the port the producer serves", str(o, "name"), portsText(o), w.port),
				fmt.Sprintf("set the ConsumerEndpoint's `firewall.ports` to [%d] and run `pulumi up` on the consumer", w.port))
			return
		}
		w.ok(f, "allows %s to %s from %s", portsText(o), ip, strings.Join(strs(o, "sourceRanges"), ", "))
		return
	}
	w.skip("the consumer stack manages no egress rule to " + ip + " (the VPC's own rules apply)")
}

func allowsPort(fw map[string]any, port int) bool {
	for _, a := range objs(fw, "allows") {
		if p := str(a, "protocol"); p != "tcp" && p != "all" {
			continue
		}
		ports := strs(a, "ports")
		if len(ports) == 0 {
			return true
		}
		for _, p := range ports {
			lo, hi, _ := strings.Cut(p, "-")
			if hi == "" {
				hi = lo
			}
			var l, h int
			fmt.Sscan(lo, &l)
			fmt.Sscan(hi, &h)
			if port >= l && port <= h {
				return true
			}
		}
	}
	return false
}

func portsText(fw map[string]any) string {
	var parts []string
	for _, a := range objs(fw, "allows") {
		ports := strs(a, "ports")
		if len(ports) == 0 {
			parts = append(parts, str(a, "protocol"))
		}
		for _, p := range ports {
			parts = append(parts, str(a, "protocol")+":"+p)
		}
	}
	return strings.Join(parts, ", ")
}
