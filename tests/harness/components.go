package harness

import (
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// AssertComponentOutputs checks that every cloudrun-psc component in a stack's state (d, from
// Stack.Export) holds the outputs keys names for its type, non-empty, whichever language built it
// (Go programs register them in the constructor, the provider in Construct), and returns how many
// components of those types the state holds. ref names the stack in failures.
func AssertComponentOutputs(t T, ref string, d *apitype.DeploymentV3, keys map[string][]string) (components int) {
	t.Helper()
	for _, r := range d.Resources {
		want, ok := keys[string(r.Type)]
		if !ok {
			continue
		}
		components++
		var missing []string
		for _, k := range want {
			if v, ok := r.Outputs[k]; !ok || v == nil || v == "" {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s: component %s has no outputs %v in its state (its outputs: %v); the component must register them",
				ref, r.URN, missing, slices.Sorted(maps.Keys(r.Outputs)))
		}
	}
	return components
}
