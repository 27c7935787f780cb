package gcpsim

import (
	"fmt"
	"net"
	"slices"
	"strings"
)

// The provider's DiffSuppressFuncs the simulator applies in Diff, by the name the fidelity
// table gives them. A kind's suppress map names one per input; a name without an entry here
// (the provider's suppressions of fields the simulator does not model) suppresses nothing.
const (
	suppressSelfLinkOrName = "CompareSelfLinkOrResourceName"
	suppressRelativePaths  = "CompareSelfLinkRelativePaths"
	suppressResourceNames  = "CompareResourceNames"
	suppressInternalIP     = "InternalIpDiffSuppress"
	suppressPortRange      = "PortRangeDiffSuppress"
	suppressCase           = "CaseDiffSuppress"
)

var suppressions = map[string]func(old, new string) bool{
	// GEN-SELFLINK-SUPPRESS: a self link and a name are equal when their names are; two
	// references are equal when their relative paths are.
	suppressSelfLinkOrName: func(old, new string) bool {
		if isPathLike(old) && isPathLike(new) {
			return trimRefPrefix(old) == trimRefPrefix(new)
		}
		return lastSegment(old) == lastSegment(new)
	},
	suppressRelativePaths: func(old, new string) bool { return trimRefPrefix(old) == trimRefPrefix(new) },
	suppressResourceNames: func(old, new string) bool { return lastSegment(old) == lastSegment(new) },
	// EP-IP-SUPPRESS (resource_compute_forwarding_rule.go:84): two IPs compare as IPs, and an IP
	// in state against a reference in the program does not diff; a reference against an IP, or
	// two references, do.
	suppressInternalIP: func(old, new string) bool {
		oldIP, newIP := net.ParseIP(strings.Split(old, "/")[0]), net.ParseIP(strings.Split(new, "/")[0])
		switch {
		case oldIP == nil:
			return false
		case newIP == nil:
			return true
		}
		return oldIP.Equal(newIP)
	},
	// FR-PORT-SUPPRESS (resource_compute_forwarding_rule.go:60): "80" and "80-80" are equal.
	suppressPortRange: func(old, new string) bool { return old == new+"-"+new || new == old+"-"+old },
	suppressCase:      strings.EqualFold,
	// resource_compute_forwarding_rule.go:548: the target's relative path, ignoring the project.
	"CompareSelfLinkRelativePathsIgnoreProjectId": func(old, new string) bool {
		_, o, _ := strings.Cut(trimRefPrefix(old), "/regions/")
		_, n, _ := strings.Cut(trimRefPrefix(new), "/regions/")
		return o != "" && o == n
	},
}

func isPathLike(s string) bool { return strings.Contains(s, "/") }

// suppressed reports whether the provider hides the change of an input: a string, or a list
// of strings compared element by element (natSubnets).
func (k *kind) suppressed(key string, old, new any) bool {
	fn := suppressions[k.suppress[key]]
	if fn == nil {
		return false
	}
	if o, ok := old.(string); ok {
		n, ok := new.(string)
		return ok && fn(o, n)
	}
	ol, okOld := old.([]any)
	nl, okNew := new.([]any)
	if !okOld || !okNew || len(ol) != len(nl) {
		return false
	}
	for i := range ol {
		o, okO := ol[i].(string)
		n, okN := nl[i].(string)
		if !okO || !okN || !fn(o, n) {
			return false
		}
	}
	return true
}

// sameSet reports whether two lists of a set-typed input hold the same elements in any order.
func (k *kind) sameSet(key string, old, new any) bool {
	ol, okOld := old.([]any)
	nl, okNew := new.([]any)
	if !slices.Contains(k.sets, key) || !okOld || !okNew || len(ol) != len(nl) {
		return false
	}
	hash := func(e any) string {
		fields := k.setHash[key]
		if len(fields) == 0 {
			return fmt.Sprint(normalize(e))
		}
		el := asObj(e)
		parts := make([]string, len(fields))
		for i, f := range fields {
			parts[i] = el.str(f)
		}
		return strings.Join(parts, "-")
	}
	count := map[string]int{}
	for _, e := range ol {
		count[hash(e)]++
	}
	for _, e := range nl {
		h := hash(e)
		if count[h] == 0 {
			return false
		}
		count[h]--
	}
	return true
}

// diffOld is the value the provider diffs a new input against: the state read back from the API
// for an input whose read-back form differs from the program's (those with a suppression: self
// links for names, the IP for an address reference; the lists the API orders itself; a 0 the
// provider did not send, SA-PROPAGATED-ZERO), the previous input otherwise.
func (k *kind) diffOld(key string, oldInputs, state obj) any {
	_, hasSuppression := k.suppress[key]
	_, zeroMaybeUnsent := k.zeroSentIf[key]
	if (hasSuppression || zeroMaybeUnsent || slices.Contains(k.apiOrder, key)) && state.has(key) && oldInputs.has(key) {
		return state[key]
	}
	return oldInputs[key]
}
