package harness

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

func TestDisagreements(t *testing.T) {
	t.Parallel()
	const (
		network = chain.NetworkType
		subnet  = chain.SubnetworkType
	)
	res := func(typ, urn, id string) apitype.ResourceV3 {
		return apitype.ResourceV3{URN: resource.URN(urn), Type: tokens.Type(typ), ID: resource.ID(id), Custom: true}
	}
	vpc := res(network, "urn:a::vpc", "projects/p/global/networks/vpc")
	sub := res(subnet, "urn:a::sub", "projects/p/regions/r/subnetworks/sub")
	component := apitype.ResourceV3{URN: "urn:a::comp", Type: chain.ProducerServiceType}
	provider := apitype.ResourceV3{URN: "urn:a::default", Type: "pulumi:providers:gcp", ID: "x", Custom: true}
	simVPC := SimResource{Type: network, ID: "projects/p/global/networks/vpc"}
	simSub := SimResource{Type: subnet, ID: "projects/p/regions/r/subnetworks/sub"}
	external := vpc
	external.External = true
	external.URN = "urn:b::vpc-read"
	replaced := sub
	replaced.PendingReplacement = true

	tests := []struct {
		name   string
		states map[string]*apitype.DeploymentV3
		sim    []SimResource
		want   []string // fragments, one per disagreement, in order
	}{
		{name: "agree", sim: []SimResource{simVPC, simSub},
			states: map[string]*apitype.DeploymentV3{"a": {Resources: []apitype.ResourceV3{component, provider, vpc, sub}}}},
		{name: "two stacks agree, a read does not own", sim: []SimResource{simVPC, simSub},
			states: map[string]*apitype.DeploymentV3{"a": {Resources: []apitype.ResourceV3{vpc}}, "b": {Resources: []apitype.ResourceV3{external, sub}}}},
		{name: "orphan", sim: []SimResource{simVPC, simSub},
			states: map[string]*apitype.DeploymentV3{"a": {Resources: []apitype.ResourceV3{vpc}}},
			want:   []string{"orphaned: the simulator holds " + subnet + " projects/p/regions/r/subnetworks/sub"}},
		{name: "phantom", sim: []SimResource{simVPC},
			states: map[string]*apitype.DeploymentV3{"a": {Resources: []apitype.ResourceV3{vpc, sub}}},
			want:   []string{"phantom: a holds urn:a::sub"}},
		{name: "same type, other ID", sim: []SimResource{simVPC, {Type: subnet, ID: "projects/p/regions/r/subnetworks/other"}},
			states: map[string]*apitype.DeploymentV3{"a": {Resources: []apitype.ResourceV3{vpc, sub}}},
			want:   []string{"phantom: a holds urn:a::sub", "orphaned: the simulator holds " + subnet + " projects/p/regions/r/subnetworks/other"}},
		{name: "deleted pending replacement", sim: []SimResource{simVPC},
			states: map[string]*apitype.DeploymentV3{"a": {Resources: []apitype.ResourceV3{vpc, replaced}}}},
		{name: "deleted pending replacement, still in the cloud", sim: []SimResource{simVPC, simSub},
			states: map[string]*apitype.DeploymentV3{"a": {Resources: []apitype.ResourceV3{vpc, replaced}}},
			want:   []string{"a: urn:a::sub is deleted, pending its replacement, yet the simulator holds", "orphaned: the simulator holds " + subnet}},
		{name: "managed twice", sim: []SimResource{simVPC},
			states: map[string]*apitype.DeploymentV3{"a": {Resources: []apitype.ResourceV3{vpc}}, "b": {Resources: []apitype.ResourceV3{vpc}}},
			want:   []string{"b: urn:a::vpc and a urn:a::vpc both manage"}},
		{name: "pending operation and no ID", sim: []SimResource{simVPC},
			states: map[string]*apitype.DeploymentV3{"a": {
				Resources:         []apitype.ResourceV3{vpc, res(subnet, "urn:a::sub", "")},
				PendingOperations: []apitype.OperationV2{{Type: apitype.OperationTypeCreating, Resource: sub}},
			}},
			want: []string{"a: pending creating of urn:a::sub", "a: urn:a::sub has no ID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := disagreements(tt.states, tt.sim)
			if len(got) != len(tt.want) {
				t.Fatalf("disagreements = %q, want %d matching %q", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("disagreement %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

// Through the engine: SetEnv reaches the simulator of a stack created before it (an injected
// fault fails the up), the failed up leaves state and simulator in agreement, and a second stack's
// network is an orphan to the first stack alone.
func TestSetEnvAndDisagreementsThroughTheEngine(t *testing.T) {
	t.Parallel()
	env := New(t, GCP())
	program := func(name string) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			_, err := compute.NewNetwork(ctx, name, &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
			return err
		}
	}
	a := env.GoStack("agree-a", "dev", program("vpc-a"))
	b := env.GoStack("agree-b", "dev", program("vpc-b"))
	for _, st := range []*Stack{a, b} {
		st.SetConfig("gcp:project", "agree-prj", false)
	}

	env.SetEnv("GCPSIM_FAULTS", "create:gcp:compute/network:Network[vpc-a]:1:transient")
	sum, err := a.Try(Up)
	if err == nil || !strings.Contains(err.Error(), "googleapi: Error 503") {
		t.Fatalf("up with an injected fault: err = %v, want the 503\n%s", err, sum)
	}
	if d := env.Disagreements(a); len(d) > 0 {
		t.Errorf("after the failed up: %q", d)
	}
	env.UnsetEnv("GCPSIM_FAULTS")
	if _, ok := env.Environ()["GCPSIM_FAULTS"]; ok {
		t.Errorf("UnsetEnv left GCPSIM_FAULTS in the world")
	}
	a.Up()
	b.Up()
	if d := env.Disagreements(a, b); len(d) > 0 {
		t.Errorf("both stacks deployed: %q", d)
	}
	d := env.Disagreements(a)
	if len(d) != 1 || !strings.HasPrefix(d[0], "orphaned: ") || !strings.Contains(d[0], "/networks/vpc-b") {
		t.Errorf("stack a alone: disagreements %q, want b's network orphaned", d)
	}
	if list := env.SimList(); !slices.ContainsFunc(list, func(r SimResource) bool { return strings.Contains(r.ID, "vpc-a") }) {
		t.Errorf("vpc-a is not in the simulator: %v", list)
	}
	a.Destroy()
	b.Destroy()
	if d := env.Disagreements(a, b); len(d) > 0 || env.SimCount() != 0 {
		t.Errorf("after destroy: %q, %d resources", d, env.SimCount())
	}
}
