package gcpsim

import (
	"context"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Check tells an autonamed resource from one named by the program, as the real provider does
// with its defaults list.
func TestCheckMarksGeneratedName(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	neg := map[string]any{"region": region, "cloudRun": map[string]any{"service": "hello"}}
	autonamed, _ := h.check(negToken, "neg", neg)
	named, _ := h.check(negToken, "neg", map[string]any{"name": "payments-neg", "region": region, "cloudRun": map[string]any{"service": "hello"}})
	if namedByProgram(autonamed) || !namedByProgram(named) {
		t.Errorf("autonamed %v, named %v", autonamed.Get(defaultsKey), named.Get(defaultsKey))
	}
	if iam, _ := h.check(cloudRunIamMemberToken, "m", map[string]any{"name": "hello", "role": "roles/run.invoker", "member": "allUsers"}); has(iam, defaultsKey) {
		t.Errorf("an IAM member's name is the service it binds, not an autonamed input: %v", iam)
	}
}

// A replacement of a resource the program named deletes first; an autonamed one, an update,
// inputs from before the defaults list, and a kind without autonaming do not.
func TestDiffDeletesFirstOnlyWhenTheProgramNamedIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	neg := func(service string, generated bool) property.Map {
		return markDefaults(props(map[string]any{"name": "n", "region": region, "cloudRun": map[string]any{"service": service}}), generated)
	}
	legacy := func(service string) property.Map {
		return props(map[string]any{"name": "n", "region": region, "cloudRun": map[string]any{"service": service}})
	}
	network := func(mode string) property.Map {
		return markDefaults(props(map[string]any{"name": "vpc", "routingMode": mode}), false)
	}
	iam := func(member string) property.Map {
		return props(map[string]any{"name": "hello", "role": "roles/run.invoker", "member": member, defaultsKey: []any{}})
	}
	tests := []struct {
		name       string
		token      string
		olds, news property.Map
		want       bool
	}{
		{"named NEG replaced", negToken, neg("a", false), neg("b", false), true},
		{"autonamed NEG replaced", negToken, neg("a", true), neg("b", true), false},
		{"NEG checked before the defaults list", negToken, legacy("a"), legacy("b"), false},
		{"named network updated in place", networkToken, network("REGIONAL"), network("GLOBAL"), false},
		{"IAM member replaced", cloudRunIamMemberToken, iam("user:a@example.com"), iam("user:b@example.com"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := h.sim.Diff(context.Background(), p.DiffRequest{ID: "id", Urn: urnOf(tt.token, "r"), State: tt.olds, OldInputs: tt.olds, Inputs: tt.news})
			if err != nil {
				t.Fatal(err)
			}
			if !resp.HasChanges || resp.DeleteBeforeReplace != tt.want {
				t.Errorf("HasChanges %v, DeleteBeforeReplace %v, want %v (diff %v)", resp.HasChanges, resp.DeleteBeforeReplace, tt.want, resp.DetailedDiff)
			}
		})
	}
}

// The defaults list is bookkeeping: it never reaches a resource's record or a preview's
// outputs.
func TestDefaultsListStaysOutOfOutputs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	inputs, _ := h.check(networkToken, "vpc", map[string]any{"autoCreateSubnetworks": false})
	preview, err := h.sim.Create(context.Background(), p.CreateRequest{Urn: urnOf(networkToken, "vpc"), Properties: inputs, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	created, err := h.sim.Create(context.Background(), p.CreateRequest{Urn: urnOf(networkToken, "vpc"), Properties: inputs})
	if err != nil {
		t.Fatal(err)
	}
	if has(preview.Properties, defaultsKey) || has(created.Properties, defaultsKey) {
		t.Errorf("outputs carry %s: preview %v, create %v", defaultsKey, preview.Properties, created.Properties)
	}
}

func has(m property.Map, key string) bool {
	_, ok := m.GetOk(key)
	return ok
}
