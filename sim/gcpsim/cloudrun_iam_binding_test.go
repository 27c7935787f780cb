package gcpsim

import (
	"context"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
)

// An authoritative binding's members are updated in place, so reordering or removing members
// never replaces the binding (which would drop the role for a moment); a new role replaces it.
func TestCloudRunIamBindingMembersUpdateInPlace(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	binding := func(role string, members ...any) map[string]any {
		return map[string]any{"name": "hello", "role": role, "members": members, defaultsKey: []any{}}
	}
	for name, tc := range map[string]struct {
		olds, news map[string]any
		replace    bool
	}{
		"member removed":    {binding("roles/run.invoker", "user:a@example.com", "user:b@example.com"), binding("roles/run.invoker", "user:b@example.com"), false},
		"members reordered": {binding("roles/run.invoker", "user:a@example.com", "user:b@example.com"), binding("roles/run.invoker", "user:b@example.com", "user:a@example.com"), false},
		"role changed":      {binding("roles/run.invoker", "user:a@example.com"), binding("roles/run.developer", "user:a@example.com"), true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			olds, news := props(tc.olds), props(tc.news)
			resp, err := h.sim.Diff(context.Background(), p.DiffRequest{ID: "id", Urn: urnOf(cloudRunIamBindingToken, "r"), State: olds, OldInputs: olds, Inputs: news})
			if err != nil {
				t.Fatal(err)
			}
			replace := false
			for _, d := range resp.DetailedDiff {
				if d.Kind == p.AddReplace || d.Kind == p.UpdateReplace || d.Kind == p.DeleteReplace {
					replace = true
				}
			}
			if replace != tc.replace {
				t.Errorf("replace = %v, want %v (diff %v)", replace, tc.replace, resp.DetailedDiff)
			}
		})
	}
}
