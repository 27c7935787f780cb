package psc

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// The explicit opt-ins (chain.OptIns) are recorded as the component's inputs, in the engine's
// view of the component (what a policy pack analyzes, at preview and from the state): only those
// set, never a secret, read from the args at each opt-in's input path. policy/ acknowledges them as
// opt-ins rather than reporting the children they produce (the allUsers binding, the
// invokerIamDisabled service, the ACCEPT_AUTOMATIC attachment) as violations. Each opt-in set is
// warned of once, with what it widens (chain.OptIn.Says).

// registerComponent registers the component comp of type typ with the opt-ins of args (its Args,
// defaults applied) as its inputs, and warns of each opt-in they set.
func registerComponent(ctx *pulumi.Context, typ, name string, args any, comp pulumi.ComponentResource,
	opts ...pulumi.ResourceOption,
) error {
	inputs, err := optInInputs(typ, args)
	if err != nil {
		return err
	}
	if err := ctx.RegisterComponentResourceV2(typ, name, toInput(inputs), comp, opts...); err != nil {
		return err
	}
	for _, w := range optInWarnings(typ, inputs) {
		_ = ctx.Log.Warn(w, &pulumi.LogArgs{Resource: comp})
	}
	return nil
}

// optInInputs returns the inputs of args (a struct whose `pulumi` tags name its inputs) that set
// an opt-in of the component of type typ, under the same names: plain values in maps and lists.
// An opt-in not set is left out, so that the component's inputs change only when an opt-in does
// (removing a route without one, say, updates nothing but the route's children).
func optInInputs(typ string, args any) (map[string]any, error) {
	inputs := map[string]any{}
	for _, o := range chain.Of(typ) {
		if _, err := putInput(inputs, strings.Split(o.Input, "."), reflect.ValueOf(args), o.Value); err != nil {
			return nil, fmt.Errorf("opt-in %s: %w", o.Input, err)
		}
	}
	return inputs, nil
}

// optInWarnings returns a warning for each opt-in of the component of type typ that inputs set.
func optInWarnings(typ string, inputs map[string]any) []string {
	var out []string
	for _, o := range chain.Of(typ) {
		for _, path := range o.SetIn(inputs) {
			out = append(out, o.Says(path))
		}
	}
	return out
}

// putInput copies the input at path of the struct v into m, under the same names, if it is value;
// "[]" after a name copies from every element of that list, the list kept whole (an element
// without the value as an empty object) when one element has it. It reports whether it copied.
func putInput(m map[string]any, path []string, v reflect.Value, value any) (bool, error) {
	name, list := strings.CutSuffix(path[0], "[]")
	f, ok := inputField(v, name)
	if !ok {
		return false, nil // under a nil pointer: not given
	}
	if !f.IsValid() {
		return false, fmt.Errorf("%s has no input %s", v.Type(), name)
	}
	rest := path[1:]
	switch {
	case list:
		if f.Kind() != reflect.Slice || len(rest) == 0 {
			return false, fmt.Errorf("input %s is not a list of objects", name)
		}
		elems, _ := m[name].([]any)
		if elems == nil {
			elems = make([]any, f.Len())
			for i := range elems {
				elems[i] = map[string]any{}
			}
		}
		var set bool
		for i := range f.Len() {
			ok, err := putInput(elems[i].(map[string]any), rest, f.Index(i), value)
			if err != nil {
				return false, err
			}
			set = set || ok
		}
		if set {
			m[name] = elems
		}
		return set, nil
	case len(rest) > 0:
		sub, _ := m[name].(map[string]any)
		if sub == nil {
			sub = map[string]any{}
		}
		set, err := putInput(sub, rest, f, value)
		if set {
			m[name] = sub
		}
		return set, err
	}
	var plain any
	switch f.Kind() {
	case reflect.Bool:
		plain = f.Bool()
	case reflect.String:
		plain = f.String()
	default:
		return false, fmt.Errorf("input %s is a %s, not a plain switch or enum", name, f.Type())
	}
	if plain != value {
		return false, nil
	}
	m[name] = plain
	return true, nil
}

// inputField returns the field of struct v (or of what v points to) whose `pulumi` tag names
// input, an invalid Value when there is none, and ok false when v is a nil pointer.
func inputField(v reflect.Value, input string) (f reflect.Value, ok bool) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, true
	}
	for i := range v.NumField() {
		if tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("pulumi"), ","); tag == input {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, true
}

// toInput turns plain values, maps and lists into the component's inputs.
func toInput(v any) pulumi.Input {
	switch v := v.(type) {
	case map[string]any:
		m := pulumi.Map{}
		for k, e := range v {
			m[k] = toInput(e)
		}
		return m
	case []any:
		a := pulumi.Array{}
		for _, e := range v {
			a = append(a, toInput(e))
		}
		return a
	case bool:
		return pulumi.Bool(v)
	default:
		return pulumi.String(fmt.Sprint(v))
	}
}
