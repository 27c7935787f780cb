package psctest

import (
	"fmt"
	"regexp"
	"strings"
)

// filterTerm is one `(field = "value")` or `(field != "value")` of a Compute Engine list filter.
type filterTerm struct {
	field, value string
	negate       bool
}

type filterTerms []filterTerm

var filterTermRE = regexp.MustCompile(`^\((\w+) (=|!=) "([^"]*)"\)\s*`)

// parseFilter parses the part of the list filter language the components send to getSubnetworks:
// terms of the form (field = "value") or (field != "value"), all of which must hold. Anything
// else is an error, so that a component that starts sending more is noticed here rather than
// matched wrongly. (The simulator, sim/gcpsim, implements the whole language.)
func parseFilter(filter string) (filterTerms, error) {
	var terms filterTerms
	rest := strings.TrimSpace(filter)
	for rest != "" {
		m := filterTermRE.FindStringSubmatch(rest)
		if m == nil {
			return nil, fmt.Errorf("psctest: list filter %q: %q is outside the subset the fake understands", filter, rest)
		}
		terms = append(terms, filterTerm{field: m[1], negate: m[2] == "!=", value: m[3]})
		rest = rest[len(m[0]):]
	}
	return terms, nil
}

// match reports whether a resource whose fields field returns satisfies every term; a field the
// resource lacks is empty.
func (terms filterTerms) match(field func(string) (string, bool)) bool {
	for _, t := range terms {
		v, _ := field(t.field)
		if (v == t.value) == t.negate {
			return false
		}
	}
	return true
}
