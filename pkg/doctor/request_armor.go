package doctor

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// securityPolicy evaluates the backend service's Cloud Armor policy on the address the producer
// sees, the PSC NAT address (ARMOR-EVAL, PSC-NAT-SOURCE): its rules not in preview, the lowest
// priority number first, the first that matches decides; deny(STATUS) answers STATUS, allow and
// the rate-based actions (for one call) let it through, as does a policy no rule of which
// matches. When the decision depends on which NAT address the connection got, doctor says which
// it assumed.
func (a *asked) securityPolicy() *refusal {
	ref := str(a.backend.Outputs, "securityPolicy")
	if ref == "" {
		return nil
	}
	pol := a.producer.find(chain.RegionSecurityPolicyType, ref)
	switch {
	case pol == nil:
		a.assume(chain.LinkSecurityPolicy, "`gcloud compute security-policies describe "+chain.NameOf(ref)+" --region "+regionOf(a.backend)+"`",
			"Cloud Armor policy %s, which the producer stack does not hold, lets %s through", chain.RelativeName(ref), a.nat)
		return nil
	case pol.Gone:
		return answered(chain.LinkSecurityPolicy, "LB-BACKEND-503", 503, producerUp, "backend service %s names Cloud Armor policy %s, which was deleted", id(a.backend), chain.RelativeName(ref))
	}
	rules := objs(pol.Outputs, "rules")
	sort.SliceStable(rules, func(i, j int) bool { return rulePriority(rules[i]) < rulePriority(rules[j]) })
	decide := func(src netip.Addr) (map[string]any, []string) {
		var unknown []string
		for _, r := range rules {
			if boolean(r, "preview") {
				continue
			}
			hit, ok := armorMatch(sub(r, "match"), src)
			if !ok {
				unknown = append(unknown, strconv.Itoa(rulePriority(r)))
				continue
			}
			if hit {
				return r, unknown
			}
		}
		return nil, unknown
	}
	r, unknown := decide(a.nat)
	if len(unknown) > 0 {
		a.assume(chain.LinkSecurityPolicy, "`gcloud compute security-policies rules describe` of those rules",
			"the rule(s) %s of %s, whose match doctor does not evaluate, do not match", strings.Join(unknown, ", "), id(pol))
	}
	if a.natDecides(decide, r) {
		a.assume(chain.LinkSecurityPolicy, "the producer's Cloud Armor logs (the source the producer sees) or `gcloud compute service-attachments describe`",
			"the connection got NAT address %s, the address of its place among the attachment's accepted connections; Google does not report which it got, and the policy's rules decide differently for other addresses of the NAT subnets", a.nat)
	}
	if r == nil {
		a.hop(chain.LinkSecurityPolicy, pol.ID, "no rule matches %s: allowed", a.nat)
		return nil
	}
	act := str(r, "action")
	a.hop(chain.LinkSecurityPolicy, pol.ID, "rule %d (%s) matches %s", rulePriority(r), act, a.nat)
	if code, ok := strings.CutPrefix(act, "deny("); ok {
		status, _ := strconv.Atoi(strings.TrimSuffix(code, ")"))
		return answered(chain.LinkSecurityPolicy, "ARMOR-EVAL", status,
			fmt.Sprintf("the producer allows the consumer's PSC NAT range (%s) in Cloud Armor policy %s, above rule %d", rangesText(a.natRanges), chain.NameOf(pol.ID), rulePriority(r)),
			"rule %d of Cloud Armor policy %s denies %s, the PSC NAT address the producer sees", rulePriority(r), id(pol), a.nat)
	}
	return nil
}

// natDecides reports whether the policy decides differently for another usable address of the
// attachment's NAT subnets than for the assumed one (at most 4096 addresses are tried).
func (a *asked) natDecides(decide func(netip.Addr) (map[string]any, []string), assumed map[string]any) bool {
	tried := 0
	for _, p := range a.natRanges {
		n := chain.UsableAddresses(p)
		for ip, i := nth(p.Addr(), 2), 0; i < n && tried < 4096; ip, i, tried = ip.Next(), i+1, tried+1 {
			if r, _ := decide(ip); !sameRule(r, assumed) {
				return true
			}
		}
	}
	return false
}

func sameRule(x, y map[string]any) bool {
	if x == nil || y == nil {
		return x == nil && y == nil
	}
	return rulePriority(x) == rulePriority(y) && str(x, "action") == str(y, "action")
}

// rulePriority is a rule's priority; one without sorts last, as the default rule.
func rulePriority(r map[string]any) int {
	if p, ok := num(r, "priority"); ok {
		return int(p)
	}
	return 2147483647
}

var (
	inIPRange = regexp.MustCompile(`^\s*(!?)\s*inIpRange\(\s*origin\.ip\s*,\s*['"]([^'"]+)['"]\s*\)\s*$`)
	ipEquals  = regexp.MustCompile(`^\s*origin\.ip\s*(==|!=)\s*['"]([^'"]+)['"]\s*$`)
)

// armorMatch evaluates a rule's match on the source: the basic match (SRC_IPS_V1, "*" for every
// address), or an expression of one inIpRange(origin.ip, 'CIDR') (negated or not), one
// origin.ip == / != 'IP', true or false. ok is false for a match doctor does not evaluate.
func armorMatch(m map[string]any, src netip.Addr) (hit, ok bool) {
	if str(m, "versionedExpr") == "SRC_IPS_V1" {
		ranges := strs(sub(m, "config"), "srcIpRanges")
		return slices.Contains(ranges, "*") || holds(ranges, src), true
	}
	expr := strings.TrimSpace(str(sub(m, "expr"), "expression"))
	switch expr {
	case "true", "false":
		return expr == "true", true
	}
	if g := inIPRange.FindStringSubmatch(expr); g != nil {
		p, err := netip.ParsePrefix(g[2])
		return err == nil && p.Contains(src) != (g[1] == "!"), err == nil
	}
	if g := ipEquals.FindStringSubmatch(expr); g != nil {
		ip, err := netip.ParseAddr(g[2])
		return err == nil && (ip == src) == (g[1] == "=="), err == nil
	}
	return false, false
}

func rangesText(ps []netip.Prefix) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return strings.Join(out, ", ")
}
