package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// seed creates a network and a subnet through the provider, as an engine would.
func seed(t *testing.T) string {
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
	for _, r := range []struct {
		token string
		in    map[string]property.Value
	}{
		{"gcp:compute/network:Network", map[string]property.Value{"name": property.New("vpc"), "autoCreateSubnetworks": property.New(false)}},
		{"gcp:compute/subnetwork:Subnetwork", map[string]property.Value{"name": property.New("s"), "network": property.New("vpc"), "ipCidrRange": property.New("10.0.0.0/24")}},
	} {
		urn := resource.NewURN("dev", "test", "", tokens.Type(r.token), "r")
		if _, err := sim.Create(ctx, p.CreateRequest{Urn: urn, Properties: property.NewMap(r.in)}); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCommands(t *testing.T) {
	t.Parallel()
	dir := seed(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-state", dir, "count"}, "2\n"},
		{[]string{"-state", dir, "list"}, "gcp:compute/subnetwork:Subnetwork  projects/p/regions/europe-west1/subnetworks/s  ipCidrRange=10.0.0.0/24"},
		{[]string{"-state", dir, "-json", "count"}, `"count": 2`},
		{[]string{"-state", dir, "-json", "list"}, `"selfLink": "https://www.googleapis.com/compute/v1/projects/p/global/networks/vpc"`},
		{[]string{"-state", dir, "events"}, "create           gcp:compute/network:Network projects/p/global/networks/vpc"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[2:], " "), func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := run(tt.args, &out); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Fatalf("output:\n%s\nwant it to contain %q", out.String(), tt.want)
			}
		})
	}
}

func TestJSONListParses(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run([]string{"-state", seed(t), "-json", "list"}, &out); err != nil {
		t.Fatal(err)
	}
	var items []listed
	if err := json.Unmarshal(out.Bytes(), &items); err != nil || len(items) != 2 {
		t.Fatalf("items %v, err %v", items, err)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	dir := seed(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-state", dir, "connections", "att"}, `no single service attachment matches "att"`},
		{[]string{"-state", dir, "frobnicate"}, "usage: gcpsim"},
		{[]string{"-state", dir + "/missing", "count"}, "state directory"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := run(tt.args, &out)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%v) = %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}
