package gcpsim

import (
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// defaultsKey lists, in a resource's checked inputs, the inputs the provider filled in
// itself. The real provider (the Terraform bridge) keeps it, and so does the simulator, for
// one reason: to tell an autonamed resource from one whose name the program gave.
const defaultsKey = "__defaults"

// markDefaults records in checked inputs whether the name was generated (autonamed).
func markDefaults(inputs property.Map, generated bool) property.Map {
	var list []property.Value
	if generated {
		list = append(list, property.New("name"))
	}
	return inputs.Set(defaultsKey, property.New(property.NewArray(list)))
}

// namedByProgram reports whether checked inputs carry a name the program gave. Inputs
// without the defaults list (checked before the simulator kept it) count as autonamed, as
// the real provider treats them.
func namedByProgram(inputs property.Map) bool {
	defaults, ok := inputs.GetOk(defaultsKey)
	if !ok || !defaults.IsArray() {
		return false
	}
	if _, named := inputs.GetOk("name"); !named {
		return false
	}
	for _, v := range defaults.AsArray().All {
		if v.IsString() && v.AsString() == "name" {
			return false
		}
	}
	return true
}

// deleteBeforeReplace mirrors the real provider (GEN-NAMED-DBR): a replacement of a resource whose name the
// program gave must delete the old resource first, since the new one takes the same name
// (or, renamed, is assumed to). An autonamed replacement gets a fresh name and is created
// before the old one is deleted.
func deleteBeforeReplace(k *kind, inputs property.Map, diff map[string]p.PropertyDiff) bool {
	if !k.autoName || !namedByProgram(inputs) {
		return false
	}
	for _, d := range diff {
		switch d.Kind {
		case p.AddReplace, p.UpdateReplace, p.DeleteReplace:
			return true
		}
	}
	return false
}
