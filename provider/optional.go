package provider

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
)

// Optional struct inputs. infer makes an optional object input a pointer in Go, but a top-level
// subnet of ProducerServiceArgs stays a plain struct so that Go programs give it as a value, as
// they did when it was required; it is optional in the schema because regions can replace it.
// Such a field carries the tag schema:"optional" (pkg/psc, beside the field), and the served
// schema drops it from the component's requiredInputs, and does not mark the property itself
// plain (its fields keep their plainness): the generated Go SDK then types it as an Input, which a
// SubnetArgs value still satisfies, rather than as a pointer, so programs written when it was
// required keep compiling. Construct refuses an Output there all the same (plainProblems, which
// reads the Go type), and leaves an omitted one the zero value, which the component validates.

// optionalStructs applies schema:"optional" to a component's schema resource res and its input
// properties inputs, for the Go struct type t of its args.
func optionalStructs(res map[string]json.RawMessage, inputs map[string]any, t reflect.Type) error {
	var required []string
	if raw, ok := res["requiredInputs"]; ok {
		if err := json.Unmarshal(raw, &required); err != nil {
			return fmt.Errorf("requiredInputs: %w", err)
		}
	}
	n := len(required)
	for _, f := range reflect.VisibleFields(t) {
		name := fieldName(f)
		if name == "" || f.Tag.Get("schema") != "optional" {
			continue
		}
		required = slices.DeleteFunc(required, func(r string) bool { return r == name })
		if spec, ok := inputs[name].(map[string]any); ok {
			delete(spec, "plain")
		}
	}
	if len(required) == n {
		return nil
	}
	raw, err := json.Marshal(required)
	res["requiredInputs"] = raw
	return err
}
