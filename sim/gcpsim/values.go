package gcpsim

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// unknownValue stands for an input whose value is not known yet (a preview with computed
// inputs). Rules skip unknown values: a preview must never fail on them.
type unknownValue struct{}

var unknown = unknownValue{}

// obj is a plain, JSON-friendly view of a property map: strings, float64, bool, []any,
// map[string]any, nil and unknown.
type obj map[string]any

func toPlain(v property.Value) any {
	switch {
	case v.IsComputed():
		return unknown
	case v.IsNull():
		return nil
	case v.IsString():
		return v.AsString()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsBool():
		return v.AsBool()
	case v.IsArray():
		out := []any{}
		for _, e := range v.AsArray().All {
			out = append(out, toPlain(e))
		}
		return out
	case v.IsMap():
		return map[string]any(mapToPlain(v.AsMap()))
	case v.IsResourceReference():
		if id, ok := v.AsResourceReference().IDString(); ok {
			return id
		}
		return unknown
	default:
		return nil
	}
}

func mapToPlain(m property.Map) obj {
	out := obj{}
	for k, v := range m.All {
		if len(k) > 2 && k[:2] == "__" {
			continue // framework bookkeeping such as __defaults
		}
		out[k] = toPlain(v)
	}
	return out
}

func fromPlain(v any) property.Value {
	switch v := v.(type) {
	case nil:
		return property.New(property.Null)
	case unknownValue:
		return property.New(property.Computed)
	case string:
		return property.New(v)
	case bool:
		return property.New(v)
	case float64:
		return property.New(v)
	case int:
		return property.New(float64(v))
	case int64:
		return property.New(float64(v))
	case []any:
		vals := make([]property.Value, 0, len(v))
		for _, e := range v {
			vals = append(vals, fromPlain(e))
		}
		return property.New(vals)
	case []string:
		vals := make([]property.Value, 0, len(v))
		for _, e := range v {
			vals = append(vals, property.New(e))
		}
		return property.New(vals)
	case obj:
		return property.New(plainToMap(v, nil))
	case map[string]any:
		return property.New(plainToMap(v, nil))
	default:
		panic(fmt.Sprintf("gcpsim: unsupported plain value %T", v))
	}
}

// plainToMap converts a plain map back to a property map, marking the values at the listed paths
// ("a", "a.b", "a[].b") secret (GEN-SECRET).
func plainToMap(m map[string]any, secrets []string) property.Map {
	out := map[string]property.Value{}
	for k, v := range m {
		out[k] = fromPlain(v)
	}
	pm := property.NewMap(out)
	for _, path := range secrets {
		pm = secretAt(pm, strings.Split(path, "."))
	}
	return pm
}

// secretAt marks the value at a path's segments secret, inside every element of a "[]" segment.
func secretAt(m property.Map, segs []string) property.Map {
	name, isList := strings.CutSuffix(segs[0], "[]")
	v, ok := m.GetOk(name)
	switch {
	case !ok || v.IsNull():
		return m
	case len(segs) == 1:
		v = v.WithSecret(true)
	case isList && v.IsArray():
		elems := v.AsArray().AsSlice()
		for i, e := range elems {
			if e.IsMap() {
				elems[i] = property.New(secretAt(e.AsMap(), segs[1:]))
			}
		}
		v = property.New(property.NewArray(elems))
	case !isList && v.IsMap():
		v = property.New(secretAt(v.AsMap(), segs[1:]))
	default:
		return m
	}
	return m.Set(name, v)
}

// normalize turns a value into its JSON round-trip form so that values read from the
// state file and values built in memory compare equal.
func normalize(v any) any {
	switch v := v.(type) {
	case obj:
		return normalize(map[string]any(v))
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e)
		}
		return out
	case []string:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = e
		}
		return out
	case int:
		return float64(v)
	case int64:
		return float64(v)
	default:
		return v
	}
}

func plainEqual(a, b any) bool {
	return reflect.DeepEqual(normalize(a), normalize(b))
}

func isUnknown(v any) bool {
	_, ok := v.(unknownValue)
	return ok
}

// has reports whether k is present with a non-null value (known or not).
func (o obj) has(k string) bool {
	v, ok := o[k]
	return ok && v != nil
}

// known reports whether k is present with a known, non-null value.
func (o obj) known(k string) bool { return o.has(k) && !isUnknown(o[k]) }

func (o obj) unknown(k string) bool { return isUnknown(o[k]) }

func (o obj) str(k string) string {
	s, _ := o[k].(string)
	return s
}

func (o obj) boolean(k string) (value, ok bool) {
	value, ok = o[k].(bool)
	return value, ok
}

func (o obj) num(k string) (float64, bool) {
	switch n := o[k].(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}

func (o obj) list(k string) []any {
	switch l := o[k].(type) {
	case []any:
		return l
	case []string:
		return normalize(l).([]any)
	}
	return nil
}

// strs returns the known string elements of a list.
func (o obj) strs(k string) []string {
	var out []string
	for _, e := range o.list(k) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func asObj(v any) obj {
	switch m := v.(type) {
	case obj:
		return m
	case map[string]any:
		return obj(m)
	}
	return nil
}

func (o obj) sub(k string) obj { return asObj(o[k]) }

func (o obj) objs(k string) []obj {
	var out []obj
	for _, e := range o.list(k) {
		if m := asObj(e); m != nil {
			out = append(out, m)
		}
	}
	return out
}

func (o obj) clone() obj {
	c := normalize(map[string]any(o)).(map[string]any)
	return obj(c)
}

func (o obj) setDefault(k string, v any) {
	if !o.has(k) {
		o[k] = v
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
