package gcpsim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// TestFidelityRowsHold drives the simulator with inputs built from each enum, conflicts-with,
// exactly-one-of, at-least-one-of and secret row of the table, at the row's depth: a row the
// simulator does not enforce fails here even if a kind declares it (TestFidelityTable holds the
// declarations).
func TestFidelityRowsHold(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	for _, r := range loadFidelity(t) {
		k, ok := kinds[r.typ]
		if !ok || !slices.Contains([]string{"enum", "conflicts-with", "exactly-one-of", "at-least-one-of", "secret"}, r.property) {
			continue
		}
		t.Run(fmt.Sprintf("%s/%s/%s", r.typ, r.field, r.property), func(t *testing.T) {
			t.Parallel()
			check := func(in map[string]any) []p.CheckFailure {
				_, failures := h.check(r.typ, "r", in)
				return failures
			}
			field := enginePath(r.field)
			switch r.property {
			case "enum":
				in := map[string]any{}
				setPath(in, r.field, "NOT_AN_ALLOWED_VALUE")
				wantFailure(t, check(in), field, "to be one of")
			case "conflicts-with":
				for _, other := range strings.Split(r.value, ",") {
					in := map[string]any{}
					setPath(in, r.field, "x")
					setPath(in, other, "x")
					wantFailure(t, check(in), field, "conflicts with "+other)
				}
			case "exactly-one-of", "at-least-one-of":
				in := map[string]any{}
				if parent, _, nested := cutLast(r.field); nested {
					setPath(in, parent, map[string]any{})
				}
				wantFailure(t, check(in), field, "one of `"+r.value+"` must be specified")
				if r.property == "exactly-one-of" {
					in := map[string]any{}
					for _, m := range strings.Split(r.value, ",") {
						setPath(in, m, "x")
					}
					wantFailure(t, check(in), field, "only one of `"+r.value+"` can be specified")
				}
			case "secret":
				out := map[string]any{}
				setPath(out, r.field, "s")
				if v, ok := valueAtPath(k.props(&Record{Outputs: out}), r.field); !ok || !v.Secret() {
					t.Errorf("the simulator returns %s as %v, want a secret", r.field, v)
				}
				if !schemaSecret(t, r.typ, r.field) {
					t.Errorf("schema.json does not mark %s secret", r.field)
				}
			}
		})
	}
}

// setPath sets the value at a table path ("a.b", "a[].b"), creating the blocks above it; a list
// segment holds one element.
func setPath(in map[string]any, path string, v any) {
	segs := strings.Split(path, ".")
	for _, seg := range segs[:len(segs)-1] {
		name, isList := strings.CutSuffix(seg, "[]")
		if isList {
			list, _ := in[name].([]any)
			if len(list) == 0 {
				list = []any{map[string]any{}}
				in[name] = list
			}
			in = list[0].(map[string]any)
			continue
		}
		next, ok := in[name].(map[string]any)
		if !ok {
			next = map[string]any{}
			in[name] = next
		}
		in = next
	}
	in[segs[len(segs)-1]] = v
}

// enginePath is a table path as the engine names the property of its first element: "a[0].b".
func enginePath(path string) string { return strings.ReplaceAll(path, "[]", "[0]") }

// valueAtPath returns the property value at a table path, the first element of a list segment.
func valueAtPath(m property.Map, path string) (property.Value, bool) {
	segs := strings.Split(path, ".")
	for i, seg := range segs {
		name, isList := strings.CutSuffix(seg, "[]")
		v, ok := m.GetOk(name)
		if !ok {
			return property.Value{}, false
		}
		if isList {
			if !v.IsArray() || v.AsArray().Len() == 0 {
				return property.Value{}, false
			}
			v = v.AsArray().Get(0)
		}
		if i == len(segs)-1 {
			return v, true
		}
		if !v.IsMap() {
			return property.Value{}, false
		}
		m = v.AsMap()
	}
	return property.Value{}, false
}

// schemaSecret reports whether the served schema marks the output at a table path secret.
func schemaSecret(t *testing.T, token, path string) bool {
	t.Helper()
	type prop struct {
		Ref    string `json:"$ref"`
		Items  *prop  `json:"items"`
		Secret bool   `json:"secret"`
	}
	var spec struct {
		Resources map[string]struct {
			Properties map[string]prop `json:"properties"`
		} `json:"resources"`
		Types map[string]struct {
			Properties map[string]prop `json:"properties"`
		} `json:"types"`
	}
	if err := json.Unmarshal([]byte(Schema()), &spec); err != nil {
		t.Fatal(err)
	}
	props := spec.Resources[token].Properties
	segs := strings.Split(path, ".")
	for i, seg := range segs {
		pr, ok := props[strings.TrimSuffix(seg, "[]")]
		switch {
		case !ok:
			return false
		case i == len(segs)-1:
			return pr.Secret
		}
		ref := pr.Ref
		if pr.Items != nil {
			ref = pr.Items.Ref
		}
		props = spec.Types[strings.TrimPrefix(ref, "#/types/")].Properties
	}
	return false
}
