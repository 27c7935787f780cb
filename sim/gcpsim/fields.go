package gcpsim

import (
	"fmt"
	"strings"
)

// Field paths name an input inside a resource's inputs: "a.b" is field b of object a, and
// "a[].b" is field b of every element of list a. The fidelity table uses the same paths.

// visitPath calls fn for every object that holds the path's last segment, with the property
// path of that field as the engine names it ("a[1].b").
func visitPath(in obj, path string, fn func(parent obj, leaf, prop string)) {
	visitSegments(in, strings.Split(path, "."), "", fn)
}

func visitSegments(o obj, segs []string, prefix string, fn func(parent obj, leaf, prop string)) {
	if o == nil {
		return
	}
	seg := segs[0]
	name, isList := strings.CutSuffix(seg, "[]")
	if len(segs) == 1 {
		fn(o, name, prefix+name)
		return
	}
	if !isList {
		if o.unknown(name) {
			return
		}
		visitSegments(o.sub(name), segs[1:], prefix+name+".", fn)
		return
	}
	for i, e := range o.objs(name) {
		visitSegments(e, segs[1:], fmt.Sprintf("%s%s[%d].", prefix, name, i), fn)
	}
}

// checkFields reports the required inputs that are missing and the enum inputs with a value
// outside their list.
func checkFields(in obj, required []string, enums map[string][]string, f *failures) {
	for _, path := range required {
		visitPath(in, path, func(parent obj, leaf, prop string) {
			if !parent.has(leaf) {
				f.add(prop, "Missing required property '%s'", leaf)
			}
		})
	}
	for _, path := range sortedKeys(enums) {
		visitPath(in, path, func(parent obj, leaf, prop string) {
			if parent.known(leaf) {
				f.enum(prop, parent[leaf], enums[path])
			}
		})
	}
}

// validateAPI runs the rules the API applies to a create or update request, and answers the
// first one broken as the API does: a googleapi 400 naming the field.
func (k *kind) validateAPI(in obj) error {
	var f failures
	for _, path := range k.apiRequired {
		visitPath(in, path, func(parent obj, leaf, prop string) {
			if !parent.has(leaf) || parent[leaf] == "" {
				f.add(prop, "required")
			}
		})
	}
	checkFields(in, nil, k.apiEnums, &f)
	if !k.nameAtPlan {
		k.checkName(in, &f)
	}
	if k.apiCheck != nil {
		k.apiCheck(in, &f)
	}
	if len(f) == 0 {
		return nil
	}
	first := f[0]
	if first.Reason == "required" {
		return errBadRequest("required", "Required field 'resource.%s' not specified", first.Property)
	}
	return errInvalidField(first.Property, valueAt(in, first.Property), first.Reason)
}

// valueAt returns the input at a property path such as "a[1].b", for an error message.
func valueAt(in obj, prop string) string {
	var cur any = map[string]any(in)
	for _, seg := range strings.Split(prop, ".") {
		name, index, indexed := strings.Cut(seg, "[")
		cur = asObj(cur)[name]
		if indexed {
			var i int
			if _, err := fmt.Sscanf(index, "%d]", &i); err != nil {
				return ""
			}
			list, _ := cur.([]any)
			if i >= len(list) {
				return ""
			}
			cur = list[i]
		}
	}
	if cur == nil {
		return ""
	}
	return fmt.Sprint(cur)
}

// applyRequestDefaults sets the provider's schema defaults for unset inputs: what the provider
// sends in the request.
func (k *kind) applyRequestDefaults(req obj) {
	for _, path := range sortedKeys(k.defaults) {
		visitPath(req, path, func(parent obj, leaf, _ string) {
			parent.setDefault(leaf, normalize(k.defaults[path]))
		})
	}
}

// omitUnsentZeros drops from the request the inputs whose 0 the provider sends only when their flag
// is true (zeroSentIf): without the flag the API's default stands (SA-PROPAGATED-ZERO).
func (k *kind) omitUnsentZeros(req obj) {
	for key, flag := range k.zeroSentIf {
		if n, ok := req.num(key); ok && n == 0 {
			if send, _ := req.boolean(flag); !send {
				delete(req, key)
			}
		}
	}
}

// applyDefaults sets the provider's defaults and the API's values for unset inputs in the
// outputs, at any path.
func (k *kind) applyDefaults(out obj) {
	for _, defaults := range []map[string]any{k.defaults, k.apiDefaults} {
		for _, path := range sortedKeys(defaults) {
			visitPath(out, path, func(parent obj, leaf, _ string) {
				parent.setDefault(leaf, normalize(defaults[path]))
			})
		}
	}
}

// topDefaults returns the top-level defaults, which a preview shows for unset inputs.
func (k *kind) topDefaults() map[string]any {
	top := map[string]any{}
	for _, defaults := range []map[string]any{k.defaults, k.apiDefaults} {
		for key, v := range defaults {
			if !strings.ContainsAny(key, ".[") {
				if _, set := top[key]; !set {
					top[key] = v
				}
			}
		}
	}
	return top
}
