package provider

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// Plain inputs. A Go field of a component's args whose type is a pulumi Input or Output takes
// an Output (a value from another resource, unknown at preview, or a secret); every other field
// must be a plain value when the constructor runs, because the component decides from it which
// children to create and validates it before registering any. infer marks only top-level
// primitive fields plain, so the SDKs would offer an Input for every nested field and then fail
// in Construct with a copy error that names no input. This file derives plainness from the Go
// types, in one place: the served schema marks every such field plain (the SDKs then refuse an
// Output at compile time where the language can), and Construct refuses, naming the input, an
// Output that still reaches a plain field (Python and YAML check nothing before run time).

// argTypes are the Go input types of the components, by type token.
var argTypes = map[string]reflect.Type{
	psc.ProducerServiceType:  reflect.TypeFor[psc.ProducerServiceArgs](),
	psc.ConsumerEndpointType: reflect.TypeFor[psc.ConsumerEndpointArgs](),
	psc.DnsBindingType:       reflect.TypeFor[psc.DnsBindingArgs](),
}

var (
	inputType  = reflect.TypeFor[pulumi.Input]()
	outputType = reflect.TypeFor[pulumi.Output]()
)

// takesOutputs reports whether a Go field type accepts Outputs.
func takesOutputs(t reflect.Type) bool {
	for _, typ := range []reflect.Type{t, reflect.PointerTo(t)} {
		if typ.Implements(inputType) || typ.Implements(outputType) {
			return true
		}
	}
	return false
}

// fieldName is the schema name of a struct field ("" for a field the schema does not hold).
func fieldName(f reflect.StructField) string {
	tag, ok := f.Tag.Lookup("pulumi")
	if !ok || !f.IsExported() {
		return ""
	}
	return strings.Split(tag, ",")[0]
}

// derefType strips pointers: an optional field's pointer says nothing about plainness.
func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// markPlain sets plain on the schema properties of Go struct type t, recursing into the object
// types they refer to (types, by token) and into array items and map values.
func markPlain(props map[string]any, t reflect.Type, types map[string]any) error {
	for _, f := range reflect.VisibleFields(t) {
		name := fieldName(f)
		if name == "" {
			continue
		}
		spec, ok := props[name].(map[string]any)
		if !ok {
			return fmt.Errorf("%s.%s: no schema property %q", t.Name(), f.Name, name)
		}
		if err := markTypeSpec(spec, f.Type, types); err != nil {
			return fmt.Errorf("%s.%s: %w", t.Name(), f.Name, err)
		}
	}
	return nil
}

// markTypeSpec marks one type spec (a property, array items or map values) for Go type t.
func markTypeSpec(spec map[string]any, t reflect.Type, types map[string]any) error {
	t = derefType(t)
	if takesOutputs(t) {
		clearPlain(spec)
		return nil
	}
	spec["plain"] = true
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		items, ok := spec["items"].(map[string]any)
		if !ok {
			return fmt.Errorf("an array without items")
		}
		return markTypeSpec(items, t.Elem(), types)
	case reflect.Map:
		values, ok := spec["additionalProperties"].(map[string]any)
		if !ok {
			return fmt.Errorf("a map without additionalProperties")
		}
		return markTypeSpec(values, t.Elem(), types)
	case reflect.Struct:
		ref, _ := spec["$ref"].(string)
		obj, ok := types[strings.TrimPrefix(ref, "#/types/")].(map[string]any)
		if !ok {
			return fmt.Errorf("no object type %q", ref)
		}
		props, _ := obj["properties"].(map[string]any)
		return markPlain(props, t, types)
	}
	return nil
}

// clearPlain marks a spec that takes Outputs, and all it contains, as not plain.
func clearPlain(spec map[string]any) {
	delete(spec, "plain")
	for _, k := range []string{"items", "additionalProperties"} {
		if sub, ok := spec[k].(map[string]any); ok {
			clearPlain(sub)
		}
	}
}

// plainProblems lists, one per line and each naming its input path, the plain inputs of a
// component that arrived as Outputs. Nested Outputs inside an input that takes them are fine.
func plainProblems(token string, inputs property.Map) []string {
	t, ok := argTypes[token]
	if !ok {
		return nil
	}
	var out []string
	checkPlainStruct(&out, "", t, inputs)
	sort.Strings(out)
	return out
}

func checkPlainStruct(out *[]string, prefix string, t reflect.Type, m property.Map) {
	for _, f := range reflect.VisibleFields(t) {
		name := fieldName(f)
		if name == "" {
			continue
		}
		if v, ok := m.GetOk(name); ok {
			checkPlainValue(out, prefix+name, f.Type, v)
		}
	}
}

func checkPlainValue(out *[]string, path string, t reflect.Type, v property.Value) {
	t = derefType(t)
	if takesOutputs(t) || v.IsNull() {
		return
	}
	if why := outputKind(v); why != "" {
		*out = append(*out, fmt.Sprintf("%s: must be a plain value known when the program runs, not an Output (%s): "+
			"the component decides from it which resources to create, and checks it before creating any", path, why))
		return
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if v.IsArray() {
			for i, e := range v.AsArray().All {
				checkPlainValue(out, fmt.Sprintf("%s[%d]", path, i), t.Elem(), e)
			}
		}
	case reflect.Map:
		if v.IsMap() {
			for k, e := range v.AsMap().All {
				checkPlainValue(out, path+"."+k, t.Elem(), e)
			}
		}
	case reflect.Struct:
		if v.IsMap() {
			checkPlainStruct(out, path+".", t, v.AsMap())
		}
	}
}

// outputKind says why a value is an Output rather than a plain value ("" when it is plain).
func outputKind(v property.Value) string {
	switch {
	case v.IsComputed():
		return "unknown until another resource is created"
	case v.Secret():
		return "a secret"
	case len(v.Dependencies()) > 0:
		return "a value read from another resource"
	}
	return ""
}
