package gcpsim

import (
	"context"
	"slices"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func (h *harness) invoke(token string, args map[string]any) (obj, error) {
	h.t.Helper()
	resp, err := h.sim.Invoke(context.Background(), p.InvokeRequest{Token: tokens.Type(token), Args: props(args)})
	return mapToPlain(resp.Return), err
}

func TestParseListFilter(t *testing.T) {
	t.Parallel()
	fields := map[string]string{"name": "nat", "purpose": "PRIVATE_SERVICE_CONNECT", "role": "",
		"network": "https://www.googleapis.com/compute/v1/projects/p/global/networks/vpc"}
	get := func(f string) (string, bool) { v, ok := fields[f]; return v, ok }
	tests := []struct {
		filter string
		want   bool
	}{
		{``, true},
		{`name = "nat"`, true},
		{`name = nat`, true},
		{`(name = "nat") (purpose = "PRIVATE_SERVICE_CONNECT")`, true},
		{`(name = "nat") AND (purpose = "PRIVATE")`, false},
		{`(purpose != "PRIVATE") (purpose != "PRIVATE_RFC_1918")`, true},
		{`purpose != "PRIVATE_SERVICE_CONNECT"`, false},
		{`role = "ACTIVE"`, false},
		{`role != "ACTIVE"`, true},
		{`network = "https://www.googleapis.com/compute/v1/projects/p/global/networks/vpc"`, true},
		{`network = https://www.googleapis.com/compute/v1/projects/p/global/networks/other`, false},
	}
	for _, tt := range tests {
		f, err := ParseListFilter(tt.filter)
		if err != nil {
			t.Errorf("ParseListFilter(%q): %v", tt.filter, err)
			continue
		}
		got, err := f.Match(get)
		if err != nil || got != tt.want {
			t.Errorf("%q matches = %v, %v; want %v", tt.filter, got, err, tt.want)
		}
	}
	for _, bad := range []string{`name`, `name =`, `(name = "a"`, `name = "a") `, `(name = "a") OR (name = "b")`,
		`name : "a"`, `name eq a.*`, `name = "a`, `((name = "a"))`, `AND name = "a"`, `name ! "a"`} {
		if _, err := ParseListFilter(bad); !IsAPIError(err, "invalid") {
			t.Errorf("ParseListFilter(%q) = %v, want the API's invalid-filter error", bad, err)
		}
	}
	f, _ := ParseListFilter(`colour = "blue"`)
	if _, err := f.Match(get); !IsAPIError(err, "invalid") {
		t.Errorf("a filter on an unknown field: %v, want the API's invalid-filter error", err)
	}
	if got := (ListFilter{{field: "name", value: "a"}, {field: "role", negate: true, value: "ACTIVE"}}).String(); got != `(name = "a") (role != "ACTIVE")` {
		t.Errorf("String() = %s", got)
	}
}

// FuzzParseListFilter checks that the filter parser never panics and that what it accepts
// renders to a filter that parses to the same terms.
func FuzzParseListFilter(f *testing.F) {
	for _, seed := range []string{``, `name = "nat"`, `(name = "nat") (purpose != "PRIVATE")`, `a = b AND c != "d e"`,
		`(network = "https://www.googleapis.com/compute/v1/projects/p/global/networks/vpc")`, `((x = "y"))`, `name = "a`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parsed, err := ParseListFilter(s)
		if err != nil {
			return
		}
		again, err := ParseListFilter(parsed.String())
		if err != nil || !slices.Equal(again, parsed) {
			t.Fatalf("%q parsed to %v, whose form %q parses to %v, %v", s, parsed, parsed.String(), again, err)
		}
	})
}

// subnetInventory creates, in project prod-p: a VPC with a regular, a proxy-only and a NAT subnet
// in europe-west1 and a regular one in us-central1, and a second VPC with a regular subnet.
func subnetInventory(h *harness) {
	h.t.Helper()
	h.mustCreate(networkToken, "vpc", map[string]any{"name": "vpc", "autoCreateSubnetworks": false})
	h.mustCreate(networkToken, "other", map[string]any{"name": "other", "autoCreateSubnetworks": false})
	for _, s := range []map[string]any{
		{"name": "apps", "network": "vpc", "ipCidrRange": "10.0.0.0/24", "description": "apps",
			"secondaryIpRanges": []any{map[string]any{"rangeName": "pods", "ipCidrRange": "10.8.0.0/16"}}},
		{"name": "proxy", "network": "vpc", "ipCidrRange": "10.129.0.0/23", "purpose": "REGIONAL_MANAGED_PROXY", "role": "ACTIVE"},
		{"name": "nat", "network": "vpc", "ipCidrRange": "10.20.0.0/24", "purpose": "PRIVATE_SERVICE_CONNECT"},
		{"name": "apps-us", "network": "vpc", "ipCidrRange": "10.1.0.0/24", "region": otherRegion},
		{"name": "elsewhere", "network": "other", "ipCidrRange": "10.0.0.0/24"},
	} {
		h.mustCreate(subnetworkToken, s["name"].(string), s)
	}
}

func TestGetSubnetwork(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	subnetInventory(h)
	link := computeBase + "projects/prod-p/regions/europe-west1/subnetworks/apps"
	for _, args := range []map[string]any{
		{"selfLink": link},
		{"selfLink": "projects/prod-p/regions/europe-west1/subnetworks/apps"},
		{"name": "apps"},
		{"name": "apps", "region": region, "project": producerProject},
	} {
		got, err := h.invoke(getSubnetworkToken, args)
		if err != nil {
			t.Fatalf("getSubnetwork %v: %v", args, err)
		}
		want := map[string]any{
			"id": "projects/prod-p/regions/europe-west1/subnetworks/apps", "name": "apps", "project": producerProject,
			"region": region, "selfLink": link, "ipCidrRange": "10.0.0.0/24", "gatewayAddress": "10.0.0.1",
			"network": computeBase + "projects/prod-p/global/networks/vpc", "description": "apps", "stackType": "IPV4_ONLY",
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("getSubnetwork %v: %s = %v, want %v", args, k, got[k], v)
			}
		}
		if r := got.objs("secondaryIpRanges"); len(r) != 1 || r[0].str("rangeName") != "pods" || r[0].str("ipCidrRange") != "10.8.0.0/16" {
			t.Errorf("secondaryIpRanges = %v", got["secondaryIpRanges"])
		}
		if _, ok := got.num("subnetworkId"); !ok {
			t.Errorf("subnetworkId missing: %v", got)
		}
		// Like the real function, it does not tell the purpose or role.
		if got.has("purpose") || got.has("role") {
			t.Errorf("getSubnetwork returns purpose or role, which pulumi-gcp's does not: %v", got)
		}
	}
	// The other region, by name with an explicit region.
	if got, _ := h.invoke(getSubnetworkToken, map[string]any{"name": "apps-us", "region": otherRegion}); got.str("ipCidrRange") != "10.1.0.0/24" {
		t.Errorf("apps-us: %v", got)
	}
	// Missing: the data source's error (FN-SUBNET-404), not an empty result.
	_, err := h.invoke(getSubnetworkToken, map[string]any{"name": "apps", "region": otherRegion})
	wantErr(t, err, "projects/prod-p/regions/us-central1/subnetworks/apps not found")
	_, err = h.invoke(getSubnetworkToken, map[string]any{})
	wantErr(t, err, "one of name or selfLink")
	_, err = h.invoke(getSubnetworkToken, map[string]any{"selfLink": "projects/prod-p/global/networks/vpc"})
	wantErr(t, err, "invalid subnetwork reference")
}

func TestGetSubnetworks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	subnetInventory(h)
	vpc := computeBase + "projects/prod-p/global/networks/vpc"
	names := func(args map[string]any) []string {
		t.Helper()
		got, err := h.invoke(getSubnetworksToken, args)
		if err != nil {
			t.Fatalf("getSubnetworks %v: %v", args, err)
		}
		var out []string
		for _, s := range got.objs("subnetworks") {
			out = append(out, s.str("name"))
		}
		return out
	}
	tests := []struct {
		args map[string]any
		want []string
	}{
		{map[string]any{}, []string{"apps", "elsewhere", "nat", "proxy"}},
		{map[string]any{"region": otherRegion}, []string{"apps-us"}},
		{map[string]any{"project": "nobody"}, nil},
		{map[string]any{"filter": `network = "` + vpc + `"`}, []string{"apps", "nat", "proxy"}},
		{map[string]any{"filter": `(network = "` + vpc + `") (purpose = "REGIONAL_MANAGED_PROXY") (role = "ACTIVE")`}, []string{"proxy"}},
		{map[string]any{"filter": `(name = "nat") (purpose = "PRIVATE_SERVICE_CONNECT")`}, []string{"nat"}},
		{map[string]any{"filter": `(name = "apps") (purpose = "PRIVATE_SERVICE_CONNECT")`}, nil},
		{map[string]any{"filter": `(purpose != "PRIVATE") (purpose != "PRIVATE_RFC_1918")`}, []string{"nat", "proxy"}},
	}
	for _, tt := range tests {
		if got := names(tt.args); !slices.Equal(got, tt.want) {
			t.Errorf("getSubnetworks %v = %v, want %v", tt.args, got, tt.want)
		}
	}
	got, _ := h.invoke(getSubnetworksToken, map[string]any{"filter": `name = "nat"`})
	if got.str("id") != "projects/prod-p/regions/europe-west1/subnetworks" || got.str("filter") != `name = "nat"` {
		t.Errorf("result: %v", got)
	}
	want := map[string]any{"name": "nat", "selfLink": computeBase + "projects/prod-p/regions/europe-west1/subnetworks/nat",
		"ipCidrRange": "10.20.0.0/24", "network": vpc, "networkName": "vpc", "networkSelfLink": "vpc", "description": "",
		"privateIpGoogleAccess": false}
	if items := got.objs("subnetworks"); len(items) != 1 || !plainEqual(map[string]any(items[0]), want) {
		t.Errorf("item = %v, want %v", got["subnetworks"], want)
	}
	_, err := h.invoke(getSubnetworksToken, map[string]any{"filter": `name ~ "nat"`})
	wantErr(t, err, "Invalid list filter expression")
	_, err = h.invoke(getSubnetworksToken, map[string]any{"filter": `colour = "blue"`})
	wantErr(t, err, "unknown field 'colour'")
}

// A simulator without a state directory still refuses to answer, like other operations.
func TestSubnetFunctionsNeedState(t *testing.T) {
	t.Parallel()
	sim, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sim.Invoke(context.Background(), p.InvokeRequest{Token: getSubnetworkToken, Args: property.NewMap(map[string]property.Value{
		"selfLink": property.New("projects/p/regions/r/subnetworks/s")})})
	wantErr(t, err, "GCPSIM_STATE_DIR")
}
