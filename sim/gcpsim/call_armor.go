package gcpsim

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// armor evaluates the backend service's Cloud Armor policy on the address the producer sees,
// the PSC NAT address (ARMOR-EVAL, PSC-NAT-SOURCE): its enforced rules (not in preview) by
// priority, the lowest number first; the first that matches decides. A deny(STATUS) answers
// STATUS; allow, and a rate-limit action for a single call, let it through, as does a policy
// none of whose rules match (Google adds an allow-all default rule to a policy created without
// one).
func (c *call) armor() (*refusal, error) {
	value := c.backend.out().str("securityPolicy")
	if value == "" {
		return nil, nil
	}
	pol := c.lookup(c.backend, value, "securityPolicies")
	if pol == nil {
		return answer(LinkSecurityPolicy, "LB-BACKEND-503", 503, "backend service %s names security policy %s, which does not exist", c.backend.ID, value), nil
	}
	rules := pol.out().objs("rules")
	sort.SliceStable(rules, func(i, j int) bool { return armorPriority(rules[i]) < armorPriority(rules[j]) })
	for _, r := range rules {
		if preview, _ := r.boolean("preview"); preview {
			continue
		}
		match, err := armorMatches(r.sub("match"), c.nat)
		if err != nil {
			return nil, fmt.Errorf("gcpsim: security policy %s, rule %d: %w", pol.ID, armorPriority(r), err)
		}
		if !match {
			continue
		}
		action := r.str("action")
		c.hop(LinkSecurityPolicy, pol, "rule %d (%s) matches %s", armorPriority(r), action, c.nat)
		switch {
		case action == "allow" || action == "throttle" || action == "rate_based_ban":
			return nil, nil
		case strings.HasPrefix(action, "deny(") && strings.HasSuffix(action, ")"):
			status, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(action, "deny("), ")"))
			if err != nil {
				return nil, fmt.Errorf("gcpsim: security policy %s, rule %d: action %q is not deny(STATUS)", pol.ID, armorPriority(r), action)
			}
			return answer(LinkSecurityPolicy, "ARMOR-EVAL", status, "rule %d of security policy %s denies %s (the PSC NAT address the producer sees)", armorPriority(r), pol.ID, c.nat), nil
		default:
			return nil, fmt.Errorf("gcpsim: security policy %s, rule %d: action %q is not emulated", pol.ID, armorPriority(r), action)
		}
	}
	c.hop(LinkSecurityPolicy, pol, "no rule matches %s: allowed", c.nat)
	return nil, nil
}

// armorPriority is a rule's priority; a rule without one sorts last, as the default rule.
func armorPriority(r obj) int {
	if p, ok := r.num("priority"); ok {
		return int(p)
	}
	return 2147483647
}

// armorMatches evaluates a rule's match on the source address: the basic match
// (versionedExpr SRC_IPS_V1 with config.srcIpRanges, "*" for every address) or an advanced
// expression in the subset of CEL the simulator evaluates (celMatch).
func armorMatches(m obj, src netip.Addr) (bool, error) {
	switch {
	case m.str("versionedExpr") == "SRC_IPS_V1":
		ranges := m.sub("config").strs("srcIpRanges")
		return slices.Contains(ranges, "*") || inRanges(ranges, src), nil
	case m.sub("expr").str("expression") != "":
		return celMatch(m.sub("expr").str("expression"), src)
	}
	return false, fmt.Errorf("a match without versionedExpr SRC_IPS_V1 or an expression is not emulated")
}

// celMatch evaluates a Cloud Armor expression built of true, false, inIpRange(origin.ip, 'CIDR'),
// origin.ip == 'IP' and origin.ip != 'IP', combined with !, &&, || and parentheses; anything
// else is refused, never guessed.
func celMatch(expr string, src netip.Addr) (bool, error) {
	p := &celParser{toks: celTokens(expr), src: src}
	v, err := p.or()
	if err == nil && p.pos < len(p.toks) {
		err = fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	if err != nil {
		return false, fmt.Errorf("expression %q is not in the subset the simulator evaluates: %v", expr, err)
	}
	return v, nil
}

type celParser struct {
	toks []string
	pos  int
	src  netip.Addr
}

func (p *celParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *celParser) expect(tok string) error {
	if p.peek() != tok {
		return fmt.Errorf("want %q, got %q", tok, p.peek())
	}
	p.pos++
	return nil
}

func (p *celParser) or() (bool, error) {
	v, err := p.and()
	for err == nil && p.peek() == "||" {
		p.pos++
		var w bool
		w, err = p.and()
		v = v || w
	}
	return v, err
}

func (p *celParser) and() (bool, error) {
	v, err := p.unary()
	for err == nil && p.peek() == "&&" {
		p.pos++
		var w bool
		w, err = p.unary()
		v = v && w
	}
	return v, err
}

func (p *celParser) unary() (bool, error) {
	if p.peek() == "!" {
		p.pos++
		v, err := p.unary()
		return !v, err
	}
	return p.atom()
}

func (p *celParser) atom() (bool, error) {
	switch tok := p.peek(); tok {
	case "true", "false":
		p.pos++
		return tok == "true", nil
	case "(":
		p.pos++
		v, err := p.or()
		if err == nil {
			err = p.expect(")")
		}
		return v, err
	case "inIpRange":
		p.pos++
		for _, want := range []string{"(", "origin.ip", ","} {
			if err := p.expect(want); err != nil {
				return false, err
			}
		}
		cidr, err := p.literal()
		if err == nil {
			err = p.expect(")")
		}
		if err != nil {
			return false, err
		}
		pfx, err := netip.ParsePrefix(cidr)
		if err != nil {
			return false, fmt.Errorf("%q is not a CIDR range", cidr)
		}
		return pfx.Contains(p.src), nil
	case "origin.ip":
		p.pos++
		op := p.peek()
		if op != "==" && op != "!=" {
			return false, fmt.Errorf("want == or != after origin.ip, got %q", op)
		}
		p.pos++
		lit, err := p.literal()
		if err != nil {
			return false, err
		}
		ip, err := netip.ParseAddr(lit)
		if err != nil {
			return false, fmt.Errorf("%q is not an address", lit)
		}
		return (ip == p.src) == (op == "=="), nil
	}
	return false, fmt.Errorf("unexpected %q", p.peek())
}

// literal takes a quoted string token.
func (p *celParser) literal() (string, error) {
	tok := p.peek()
	if len(tok) < 2 || (tok[0] != '\'' && tok[0] != '"') || tok[len(tok)-1] != tok[0] {
		return "", fmt.Errorf("want a quoted string, got %q", tok)
	}
	p.pos++
	return tok[1 : len(tok)-1], nil
}

// celTokens splits an expression into names (with dots), quoted strings and operators.
func celTokens(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n':
			i++
		case ch == '\'' || ch == '"':
			j := strings.IndexByte(s[i+1:], ch)
			if j < 0 {
				return append(toks, s[i:])
			}
			toks = append(toks, s[i:i+j+2])
			i += j + 2
		case strings.HasPrefix(s[i:], "&&") || strings.HasPrefix(s[i:], "||") || strings.HasPrefix(s[i:], "==") || strings.HasPrefix(s[i:], "!="):
			toks = append(toks, s[i:i+2])
			i += 2
		case strings.ContainsRune("()!,", rune(ch)):
			toks = append(toks, string(ch))
			i++
		default:
			j := i
			for j < len(s) && (unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j])) || s[j] == '.' || s[j] == '_') {
				j++
			}
			if j == i {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}
