package gcpsim

import (
	"fmt"
	"regexp"
	"strings"
)

// ListFilter is a Compute Engine list filter (the `filter` parameter of a list call, which
// pulumi-gcp's getSubnetworks passes through) in the form the simulator understands:
// comparisons `field = "value"` and `field != "value"`, each optionally in parentheses, all of
// which must hold (written side by side or joined by AND). Values compare as whole strings; a
// field the resource does not have compares as "".
type ListFilter []filterTerm

type filterTerm struct {
	field  string
	negate bool
	value  string
}

// ParseListFilter parses a list filter; "" matches everything. OR, the `:` (has) operator,
// the regular-expression operators eq and ne and nested parentheses are not understood and are
// refused as the API refuses a malformed filter.
func ParseListFilter(s string) (ListFilter, error) {
	bad := func() error {
		return errBadRequest("invalid", "Invalid value for field 'filter': '%s'. Invalid list filter expression.", s)
	}
	toks, ok := filterTokens(s)
	if !ok {
		return nil, bad()
	}
	var f ListFilter
	for i := 0; i < len(toks); {
		if toks[i] == "AND" && len(f) > 0 {
			i++
			continue
		}
		paren := toks[i] == "("
		if paren {
			i++
		}
		if i+3 > len(toks) {
			return nil, bad()
		}
		field, op, value := toks[i], toks[i+1], toks[i+2]
		i += 3
		if !filterFieldRe.MatchString(field) || (op != "=" && op != "!=") || !(isFilterWord(value) || isQuoted(value)) {
			return nil, bad()
		}
		if paren {
			if i >= len(toks) || toks[i] != ")" {
				return nil, bad()
			}
			i++
		}
		f = append(f, filterTerm{field: field, negate: op == "!=", value: strings.Trim(value, `"`)})
	}
	return f, nil
}

// Match reports whether a resource matches, reading its fields through field; a field that
// field does not know is an error, as filtering on a field the collection lacks is in the API.
func (f ListFilter) Match(field func(name string) (string, bool)) (bool, error) {
	for _, t := range f {
		v, ok := field(t.field)
		if !ok {
			return false, errBadRequest("invalid", "Invalid list filter expression: unknown field '%s'.", t.field)
		}
		if (v == t.value) == t.negate {
			return false, nil
		}
	}
	return true, nil
}

// String renders the filter in its canonical form.
func (f ListFilter) String() string {
	parts := make([]string, len(f))
	for i, t := range f {
		op := "="
		if t.negate {
			op = "!="
		}
		// Quoted as written: a value holds no double quote, so none needs escaping.
		parts[i] = fmt.Sprintf(`(%s %s "%s")`, t.field, op, t.value)
	}
	return strings.Join(parts, " ")
}

// filterTokens splits a filter into parentheses, operators, quoted strings and words.
func filterTokens(s string) ([]string, bool) {
	var toks []string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '(' || c == ')' || c == '=':
			toks = append(toks, string(c))
			i++
		case c == '!':
			if i+1 >= len(s) || s[i+1] != '=' {
				return nil, false
			}
			toks = append(toks, "!=")
			i += 2
		case c == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, false
			}
			toks = append(toks, s[i:i+end+2])
			i += end + 2
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n()=!\"", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, true
}

func isQuoted(tok string) bool { return len(tok) >= 2 && tok[0] == '"' && tok[len(tok)-1] == '"' }

// isFilterWord reports whether tok is an unquoted value.
func isFilterWord(tok string) bool {
	return tok != "" && !isQuoted(tok) && !strings.ContainsAny(tok, "()=!") && tok != "AND" && tok != "OR"
}

// filterFieldRe matches a field name such as purpose or secondaryIpRanges.rangeName.
var filterFieldRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.]*$`)
