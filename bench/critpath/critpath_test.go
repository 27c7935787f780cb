package critpath

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

const s = time.Second

func TestCriticalPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		build func(g Graph)
		want  time.Duration
		path  []string
		sum   time.Duration
	}{
		{"empty", func(Graph) {}, 0, nil, 0},
		{"one", func(g Graph) { g.Add("a", 3*s) }, 3 * s, []string{"a"}, 3 * s},
		{"independent run side by side", func(g Graph) {
			g.Add("a", 3*s)
			g.Add("b", 5*s)
		}, 5 * s, []string{"b"}, 8 * s},
		{"chain adds up", func(g Graph) {
			g.Add("net", 22*s)
			g.Add("subnet", 21*s, "net")
			g.Add("addr", 7500*time.Millisecond, "subnet")
		}, 50500 * time.Millisecond, []string{"net", "subnet", "addr"}, 50500 * time.Millisecond},
		{"the longer branch of a diamond wins", func(g Graph) {
			g.Add("top", 1*s)
			g.Add("short", 2*s, "top")
			g.Add("long", 10*s, "top")
			g.Add("bottom", 1*s, "short", "long")
		}, 12 * s, []string{"top", "long", "bottom"}, 14 * s},
		{"a tie takes the first dependency by name", func(g Graph) {
			g.Add("x", 4*s)
			g.Add("a", 4*s)
			g.Add("end", 1*s, "x", "a")
		}, 5 * s, []string{"a", "end"}, 9 * s},
		{"zero-length nodes pass the wait on", func(g Graph) {
			g.Add("rule", 17*s)
			g.Add("stackref", 0, "rule")
			g.Add("endpoint", 20*s, "stackref")
		}, 37 * s, []string{"rule", "stackref", "endpoint"}, 37 * s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := Graph{}
			tt.build(g)
			got, path, err := g.CriticalPath()
			if err != nil || got != tt.want || !reflect.DeepEqual(path, tt.path) {
				t.Errorf("CriticalPath() = %v, %v, %v; want %v, %v", got, path, err, tt.want, tt.path)
			}
			if sum := g.Sum(); sum != tt.sum {
				t.Errorf("Sum() = %v, want %v", sum, tt.sum)
			}
		})
	}
}

func TestCriticalPathErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		build func(g Graph)
		want  string
	}{
		{"cycle", func(g Graph) {
			g.Add("a", s, "b")
			g.Add("b", s, "a")
		}, "cycle a -> b -> a"},
		{"self", func(g Graph) { g.Add("a", s, "a") }, "cycle"},
		{"missing dependency", func(g Graph) { g.Add("a", s, "ghost") }, "a depends on ghost, which is not in the graph"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := Graph{}
			tt.build(g)
			if _, _, err := g.CriticalPath(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("CriticalPath() error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestExtra(t *testing.T) {
	t.Parallel()
	hand, comp := Graph{}, Graph{}
	for _, g := range []Graph{hand, comp} {
		g.Add("subnet", 21*s)
		g.Add("attachment", 11*s)
	}
	hand.Add("address", 7*s, "subnet")
	comp.Add("address", 7*s, "subnet", "attachment")
	want := []Edge{{From: "attachment", To: "address"}}
	if got := comp.Extra(hand); !reflect.DeepEqual(got, want) {
		t.Errorf("comp.Extra(hand) = %v, want %v", got, want)
	}
	if got := hand.Extra(comp); len(got) != 0 {
		t.Errorf("hand.Extra(comp) = %v, want none", got)
	}
}

func urn(parent, typ, name string) resource.URN {
	return resource.NewURN("dev", "bench", tokens.Type(parent), tokens.Type(typ), name)
}

func TestFromDeployment(t *testing.T) {
	t.Parallel()
	const (
		stack    = "pulumi:pulumi:Stack"
		network  = chain.NetworkType
		subnet   = chain.SubnetworkType
		address  = chain.AddressType
		record   = chain.RecordSetType
		endpoint = chain.ConsumerEndpointType
		// dnsBinding stands for a component a provider constructs.
		dnsBinding = chain.DnsBindingType
		zoneType   = chain.ManagedZoneType
	)
	stackURN := urn("", stack, "bench-dev")
	prov := resource.URN("urn:pulumi:dev::bench::pulumi:providers:gcp::default_8_41_1")
	vpc := urn("", network, "vpc")
	apps := urn("", subnet, "apps")
	comp := urn("", endpoint, "ep")
	addr := urn(string(endpoint), address, "ep-ip")
	rec := urn("", record, "ep-dns")
	// A component a provider constructs records the dependencies of its inputs; its children
	// wait for them though their own inputs do not name them.
	remote := urn("", dnsBinding, "remote")
	zone := urn(string(dnsBinding), zoneType, "remote-zone")
	dep := apitype.DeploymentV3{Resources: []apitype.ResourceV3{
		{URN: stackURN, Type: stack},
		{URN: prov, Type: "pulumi:providers:gcp", Custom: true},
		{URN: vpc, Type: network, Custom: true, Parent: stackURN, Provider: string(prov) + "::id"},
		{URN: apps, Type: subnet, Custom: true, Parent: stackURN,
			Dependencies: []resource.URN{vpc}, PropertyDependencies: map[resource.PropertyKey][]resource.URN{"network": {vpc}}},
		{URN: comp, Type: endpoint, Parent: stackURN, Dependencies: []resource.URN{apps}},
		// The address is the component's child: its parent link is no wait, its subnet is.
		{URN: addr, Type: address, Custom: true, Parent: comp, PropertyDependencies: map[resource.PropertyKey][]resource.URN{"subnetwork": {apps}}},
		// Waiting for the component means waiting for every custom resource below it.
		{URN: rec, Type: record, Custom: true, Parent: stackURN, PropertyDependencies: map[resource.PropertyKey][]resource.URN{"rrdatas": {comp}}},
		{URN: remote, Type: dnsBinding, Parent: stackURN, Dependencies: []resource.URN{apps}},
		{URN: zone, Type: zoneType, Custom: true, Parent: remote},
	}}
	durs := map[string]time.Duration{network: 22 * s, subnet: 21 * s, address: 7 * s, record: 2 * s, zoneType: s}
	g := FromDeployment(dep, func(r apitype.ResourceV3) (time.Duration, bool) {
		d, ok := durs[string(r.Type)]
		return d, ok
	})
	want := Graph{}
	want.Add(network+"::vpc", 22*s)
	want.Add(subnet+"::apps", 21*s, network+"::vpc")
	want.Add(address+"::ep-ip", 7*s, subnet+"::apps")
	want.Add(record+"::ep-dns", 2*s, address+"::ep-ip")
	want.Add(zoneType+"::remote-zone", s, subnet+"::apps")
	if !reflect.DeepEqual(g, want) {
		t.Errorf("FromDeployment() =\n%v\nwant\n%v", g, want)
	}
	if total, _, err := g.CriticalPath(); err != nil || total != 52*s {
		t.Errorf("critical path = %v, %v; want 52s", total, err)
	}
}
