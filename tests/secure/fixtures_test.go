package secure

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// stored returns inputs as the engine stores them in a state file: the secret paths encrypted.
func stored(inputs map[string]any, secret []string) map[string]any {
	out := deepCopy(inputs).(map[string]any)
	for _, path := range secret {
		keys := strings.Split(path, ".")
		m := out
		for _, k := range keys[:len(keys)-1] {
			m, _ = m[k].(map[string]any)
		}
		if m != nil {
			m[keys[len(keys)-1]] = secretValue("v1:ZW5jcnlwdGVk")
		}
	}
	return out
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// judge runs Check over a world holding only the fixture: the resource in the simulator (its
// outputs echo its inputs) and in a state file of its own, the component (which Google Cloud
// never sees) in another state file, the component's opt-ins allowed. It returns the rule IDs
// broken by the resource and by the component, the advisory ones (OptInRule, CAIssuedRule) among
// them.
func judge(f Fixture) (res, parent []string) {
	sim := &gcpsim.State{Resources: map[string]*gcpsim.Record{
		f.Name: {Type: f.Type, ID: f.Name, Inputs: deepCopy(f.Inputs).(map[string]any), Outputs: deepCopy(f.Inputs).(map[string]any)},
	}}
	file := func(name, typ string, inputs map[string]any, secret []string) File {
		doc := map[string]any{"version": 3, "checkpoint": map[string]any{"latest": map[string]any{"resources": []any{
			map[string]any{"type": typ, "inputs": stored(inputs, secret), "outputs": stored(inputs, secret)},
		}}}}
		data, _ := json.Marshal(doc)
		return File{Path: name + ".json", Data: data}
	}
	files := []File{file(f.Name, f.Type, f.Inputs, f.Secret)}
	var opts Options
	if f.Parent != nil {
		files = append(files, file(f.Parent.Name, f.Parent.Type, f.Parent.Inputs, f.Parent.Secret))
		if len(OptInsOf(f.Parent.Type, f.Parent.Inputs, &opts)) > 0 {
			parent = append(parent, OptInRule)
		}
		if RenewedByHand(f.Parent.Type, f.Parent.Inputs, nil) {
			parent = append(parent, CAIssuedRule)
		}
	}
	var producer map[string]any
	if f.Parent != nil && f.Parent.Type == chain.ProducerServiceType {
		producer = f.Parent.Inputs
		if producer == nil {
			producer = map[string]any{}
		}
	}
	if RenewedByHand(f.Type, f.Inputs, producer) {
		res = append(res, CAIssuedRule)
	}
	for _, v := range Check(sim, files, opts).Violations {
		id := RuleIDs[v.Invariant]
		switch {
		case v.Where == f.Name || v.Where == f.Name+".json":
			res = append(res, id)
		case f.Parent != nil && v.Where == f.Parent.Name+".json":
			parent = append(parent, id)
		}
	}
	return RuleSet(res), RuleSet(parent)
}

// Every fixture the policy pack is tested on gets the same verdict from Check: the two
// definitions of the invariants cannot drift apart unnoticed.
func TestFixtures(t *testing.T) {
	t.Parallel()
	fixtures := LoadFixtures(t)
	seen := map[string]bool{}
	for _, f := range fixtures {
		t.Run(f.Name, func(t *testing.T) {
			res, parent := judge(f)
			if want := RuleSet(f.Want); !slices.Equal(res, want) {
				t.Errorf("%s %s breaks %v, the fixture says %v", f.Type, f.Name, res, want)
			}
			if f.Parent != nil {
				if want := RuleSet(f.Parent.Want); !slices.Equal(parent, want) {
					t.Errorf("component %s %s breaks %v, the fixture says %v", f.Parent.Type, f.Parent.Name, parent, want)
				}
			}
		})
		for _, id := range append(slices.Clone(f.Want), parentWant(f)...) {
			seen[id] = true
		}
	}
	// Every rule is broken by some fixture.
	for _, id := range append(slices.Collect(maps.Values(RuleIDs)), OptInRule, CAIssuedRule) {
		if !seen[id] {
			t.Errorf("no fixture breaks %s", id)
		}
	}
}

func parentWant(f Fixture) []string {
	if f.Parent == nil {
		return nil
	}
	return f.Parent.Want
}

// Every explicit opt-in (chain.OptIns) has a fixture whose component sets it alone and is
// acknowledged; one that explains a finding has such a fixture whose child passes, and breaks a
// rule without the component: the pack (tests/policy judges the same fixtures) then acknowledges
// every opt-in and lets through exactly what each produces.
func TestFixturesCoverEveryOptIn(t *testing.T) {
	t.Parallel()
	fixtures := LoadFixtures(t)
	for _, o := range chain.OptIns {
		var acknowledged, explained bool
		for _, f := range fixtures {
			if p := f.Parent; p == nil || p.Type != o.Component || !slices.Contains(p.Want, OptInRule) || !setsAlone(o, p.Inputs) {
				continue
			}
			acknowledged = true
			if len(f.Want) == 0 {
				orphan := f
				orphan.Parent = nil
				res, _ := judge(orphan)
				explained = explained || len(res) > 0
			}
		}
		if !acknowledged {
			t.Errorf("no fixture's component sets %s %s alone and is acknowledged", o.Component, o.Input)
		}
		if o.Explains != "" && !explained {
			t.Errorf("no fixture shows %s %s letting through %s (%s), which breaks a rule without it", o.Component, o.Input, o.Child, o.Explains)
		}
	}
}

// setsAlone reports whether a component's inputs set the opt-in o and no other of its component.
func setsAlone(o chain.OptIn, inputs map[string]any) bool {
	for _, other := range chain.Of(o.Component) {
		if set := len(other.SetIn(inputs)) > 0; set != (other == o) {
			return false
		}
	}
	return true
}
