package gcpsim

import (
	"context"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	rpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

// The engine's autonaming options reach Check through the server: a proposed or enforced name is
// the resource's name, a disabled autonaming requires one, and without options the simulator
// names the resource itself.
func TestCheckFollowsTheEnginesAutonaming(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	in := map[string]any{"autoCreateSubnetworks": false}
	cases := []struct {
		name    string
		opts    *rpc.CheckRequest_AutonamingOptions
		want    string // the name, or a prefix ending with "-" when the simulator draws it
		failure string
	}{
		{"propose", &rpc.CheckRequest_AutonamingOptions{ProposedName: "dev-vpc-1a2b", Mode: rpc.CheckRequest_AutonamingOptions_PROPOSE}, "dev-vpc-1a2b", ""},
		{"enforce", &rpc.CheckRequest_AutonamingOptions{ProposedName: "vpc", Mode: rpc.CheckRequest_AutonamingOptions_ENFORCE}, "vpc", ""},
		{"disable", &rpc.CheckRequest_AutonamingOptions{Mode: rpc.CheckRequest_AutonamingOptions_DISABLE}, "", "name is required"},
		{"none", nil, "vpc-", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.opts != nil {
				ctx = context.WithValue(ctx, autonamingKey{}, tc.opts)
			}
			resp, err := h.sim.Check(ctx, p.CheckRequest{Urn: urnOf(networkToken, "vpc"), Inputs: props(in)})
			if err != nil {
				t.Fatal(err)
			}
			name := mapToPlain(resp.Inputs).str("name")
			switch {
			case tc.failure != "":
				if len(resp.Failures) == 0 || !strings.Contains(resp.Failures[0].Reason, tc.failure) || name != "" {
					t.Errorf("failures = %v, name %q; want %q and no name", resp.Failures, name, tc.failure)
				}
			case strings.HasSuffix(tc.want, "-"):
				if !strings.HasPrefix(name, tc.want) || len(name) != len(tc.want)+7 {
					t.Errorf("name = %q, want %s and 7 hex digits", name, tc.want)
				}
			case name != tc.want:
				t.Errorf("name = %q, want %q", name, tc.want)
			}
		})
	}
}

// The server hands the options of the gRPC request to Check.
func TestServerPassesAutonamingToCheck(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	srv, err := h.sim.Server(nil)
	if err != nil {
		t.Fatal(err)
	}
	news, err := structpb.NewStruct(map[string]any{"autoCreateSubnetworks": false})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Check(context.Background(), &rpc.CheckRequest{
		Urn: string(urnOf(networkToken, "vpc")), News: news,
		Autonaming: &rpc.CheckRequest_AutonamingOptions{ProposedName: "prod-vpc", Mode: rpc.CheckRequest_AutonamingOptions_ENFORCE},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.GetInputs().GetFields()["name"].GetStringValue(); got != "prod-vpc" {
		t.Errorf("name = %q, want the engine's prod-vpc", got)
	}
}
