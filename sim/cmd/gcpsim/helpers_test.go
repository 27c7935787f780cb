package main

import (
	"context"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// resourceIn is one resource to deploy: its type token, Pulumi name and inputs.
type resourceIn struct {
	token, name string
	in          map[string]any
}

// deploy checks and creates the resources in order through one provider configured for project
// p in europe-west1, as an engine would, on a fresh state directory, and returns the directory.
func deploy(t *testing.T, resources []resourceIn) string {
	t.Helper()
	dir := t.TempDir()
	sim, err := gcpsim.New(gcpsim.Options{StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cfg := property.NewMap(map[string]property.Value{"project": property.New("p"), "region": property.New("europe-west1")})
	if err := sim.Configure(ctx, p.ConfigureRequest{Args: cfg}); err != nil {
		t.Fatal(err)
	}
	for _, r := range resources {
		urn := resource.NewURN("dev", "test", "", tokens.Type(r.token), r.name)
		checked, err := sim.Check(ctx, p.CheckRequest{Urn: urn, Inputs: value(r.in).AsMap()})
		if err != nil || len(checked.Failures) > 0 {
			t.Fatalf("check %s: %v %v", r.name, err, checked.Failures)
		}
		if _, err := sim.Create(ctx, p.CreateRequest{Urn: urn, Properties: checked.Inputs}); err != nil {
			t.Fatalf("create %s: %v", r.name, err)
		}
	}
	return dir
}

// value converts a plain Go value to a property value.
func value(v any) property.Value {
	switch x := v.(type) {
	case string:
		return property.New(x)
	case bool:
		return property.New(x)
	case float64:
		return property.New(x)
	case []any:
		vals := make([]property.Value, len(x))
		for i, e := range x {
			vals[i] = value(e)
		}
		return property.New(vals)
	case map[string]any:
		m := map[string]property.Value{}
		for k, e := range x {
			m[k] = value(e)
		}
		return property.New(m)
	}
	panic("unsupported value")
}
