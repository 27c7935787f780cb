package gcpsim

import (
	"slices"
	"strings"
)

// The provider's ConflictsWith, ExactlyOneOf and AtLeastOneOf (GEN-CONFLICTS, GEN-ONE-OF), as
// terraform-plugin-sdk checks them at plan time: a field names others by object path, and a group
// is checked from the position of each member whose parent block is present.

// presence is what those checks see of one input.
type presence int

const (
	absent presence = iota
	present
	unknownPresence
)

// presenceAt reports whether the input at an object path ("a.b") is set: present, not null and not
// an empty list (GEN-CONFLICTS); unknown while it, or a block above it, is unknown.
func presenceAt(in obj, path string) presence {
	segs := strings.Split(path, ".")
	o := in
	for i, seg := range segs {
		switch {
		case o.unknown(seg):
			return unknownPresence
		case !o.has(seg):
			return absent
		case i == len(segs)-1:
			if l, ok := o[seg].([]any); ok && len(l) == 0 {
				return absent
			}
			return present
		}
		if o = o.sub(seg); o == nil {
			return absent
		}
	}
	return absent
}

// blockPresent reports whether the block holding the field at path is in the inputs (the
// resource itself for a top-level field): the provider validates a field only inside a present block.
func blockPresent(in obj, path string) bool {
	parent, _, nested := cutLast(path)
	return !nested || presenceAt(in, parent) == present && in.subPath(parent) != nil
}

func cutLast(path string) (parent, leaf string, nested bool) {
	i := strings.LastIndex(path, ".")
	if i < 0 {
		return "", path, false
	}
	return path[:i], path[i+1:], true
}

// subPath returns the object at an object path, nil when there is none.
func (o obj) subPath(path string) obj {
	for _, seg := range strings.Split(path, ".") {
		if o = o.sub(seg); o == nil {
			return nil
		}
	}
	return o
}

// checkGroups reports the ConflictsWith, ExactlyOneOf and AtLeastOneOf violations, each on the
// field the provider names, with the provider's wording; unknown values never fail.
func (k *kind) checkGroups(in obj, f *failures) {
	for _, field := range sortedKeys(k.conflicts) {
		if presenceAt(in, field) != present {
			continue
		}
		for _, other := range k.conflicts[field] {
			if presenceAt(in, other) == present {
				f.add(field, "conflicts with %s", other)
			}
		}
	}
	check := func(groups [][]string, exactly bool) {
		for _, group := range groups {
			group = slices.Sorted(slices.Values(group))
			var set []string
			unknown := false
			for _, m := range group {
				switch presenceAt(in, m) {
				case present:
					set = append(set, m)
				case unknownPresence:
					unknown = true
				}
			}
			for _, m := range group {
				if !blockPresent(in, m) {
					continue
				}
				switch {
				case len(set) == 0 && !unknown:
					f.add(m, "one of `%s` must be specified", strings.Join(group, ","))
				case exactly && len(set) > 1:
					f.add(m, "only one of `%s` can be specified, but `%s` were specified.", strings.Join(group, ","), strings.Join(set, ","))
				}
			}
		}
	}
	check(k.exactlyOneOf, true)
	check(k.atLeastOneOf, false)
}
