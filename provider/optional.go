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
// schema drops it from the component's requiredInputs: the SDKs then let it be omitted, and
// Construct leaves an omitted one the zero value, which the component validates.

// unrequire removes from the requiredInputs of a component's schema resource every input whose Go
// field of t has the tag schema:"optional".
func unrequire(res map[string]json.RawMessage, t reflect.Type) error {
	var required []string
	if raw, ok := res["requiredInputs"]; ok {
		if err := json.Unmarshal(raw, &required); err != nil {
			return fmt.Errorf("requiredInputs: %w", err)
		}
	}
	n := len(required)
	for _, f := range reflect.VisibleFields(t) {
		if name := fieldName(f); name != "" && f.Tag.Get("schema") == "optional" {
			required = slices.DeleteFunc(required, func(r string) bool { return r == name })
		}
	}
	if len(required) == n {
		return nil
	}
	raw, err := json.Marshal(required)
	res["requiredInputs"] = raw
	return err
}
