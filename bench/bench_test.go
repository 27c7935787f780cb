package bench

import (
	"maps"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// graph1 is the benchmark graph's cloud resources with one endpoint, by type.
var graph1 = map[string]int{
	chain.NetworkType:                    2,
	chain.SubnetworkType:                 4,
	chain.CloudRunServiceType:            1,
	chain.RegionNetworkEndpointGroupType: 1,
	chain.RegionBackendServiceType:       1,
	chain.RegionUrlMapType:               1,
	chain.RegionTargetHttpProxyType:      1,
	chain.ForwardingRuleType:             2,
	chain.ServiceAttachmentType:          1,
	chain.AddressType:                    1,
	chain.ManagedZoneType:                1,
	chain.RecordSetType:                  1,
}

// graphRegions is the two-region graph's cloud resources, by type.
var graphRegions = map[string]int{
	chain.NetworkType:                    2,
	chain.SubnetworkType:                 8, // a consumer subnet and three producer subnets per region
	chain.CloudRunServiceType:            2,
	chain.RegionNetworkEndpointGroupType: 2,
	chain.BackendServiceType:             1,
	chain.URLMapType:                     1,
	chain.TargetHttpProxyType:            1,
	chain.GlobalForwardingRuleType:       2,
	chain.ServiceAttachmentType:          2,
	chain.AddressType:                    2,
	chain.ForwardingRuleType:             2,
	chain.ManagedZoneType:                1,
	chain.RecordSetType:                  1,
}

// The smoke run: every section on the smallest inputs, through the real CLI and simulator.
// It asserts what the report must hold, not how fast anything was.
func TestSmoke(t *testing.T) {
	t.Parallel()
	rep, err := Run(Options{Reps: 1, LatencyReps: 1, Latency: 0.01, Endpoints: []int{1, 2}, StartReps: 2, RegionReps: 1,
		CheckpointEndpoints: 2, CheckpointReps: 1})
	if err != nil {
		t.Fatal(err)
	}
	md := rep.Markdown()
	for _, s := range Sections {
		if !strings.Contains(md, "\n"+s) {
			t.Errorf("the report has no section %q", s)
		}
	}

	if !maps.Equal(rep.Overhead.Resources, graph1) {
		t.Errorf("overhead graph = %v, want %v", rep.Overhead.Resources, graph1)
	}
	if len(rep.Overhead.Pairs) != 2 {
		t.Fatalf("overhead pairs = %+v, want Go and TypeScript", rep.Overhead.Pairs)
	}
	for _, pair := range rep.Overhead.Pairs {
		if pair.Up.N != 1 || pair.Up.Median <= 0 || pair.Preview.Median <= 0 || pair.CompUp.Median <= 0 {
			t.Errorf("%s overhead = %+v, want one measured ratio of each step", pair.Components.Lang, pair)
		}
	}

	c := rep.Critical
	if len(c.Rows) != 4 {
		t.Fatalf("critical-path rows = %d, want 4", len(c.Rows))
	}
	// The longest chain Google Cloud requires ends at the PSC endpoint, after the attachment.
	if n := len(c.RequiredPath); n < 3 || !strings.HasSuffix(c.RequiredPath[n-1], "::payments-0-endpoint") ||
		!strings.HasSuffix(c.RequiredPath[n-2], "::payments-attachment") {
		t.Errorf("required critical path = %v, want it to end with the attachment and the endpoint", c.RequiredPath)
	}
	for _, row := range c.Rows {
		if row.Path < c.Required || row.Sum <= row.Path || row.Up.Median <= row.Path.Seconds()*c.Scale {
			t.Errorf("%s: path %v, sum %v, up %v s; want required (%v) ≤ path < sum and the up no faster than the path allows",
				row.Program, row.Path, row.Sum, row.Up.Median, c.Required)
		}
	}
	if extra := c.Extra[GoByHand]; len(extra) != 0 {
		t.Errorf("the hand-written Go graph has dependencies beyond itself: %v", extra)
	}
	if extra := c.Extra[TSByHand]; len(extra) != 0 {
		t.Errorf("the hand-written TypeScript graph waits where the Go one does not: %v", extra)
	}

	if len(rep.Scale.Rows) != 4 {
		t.Fatalf("scale rows = %d, want 2 programs × 2 endpoint counts", len(rep.Scale.Rows))
	}
	for _, row := range rep.Scale.Rows {
		if want := 13 + 4*row.N; row.Resources != want {
			t.Errorf("%s N=%d: %d resources, want %d", row.Program, row.N, row.Resources, want)
		}
		if row.Memory[simulatorExe].Peak <= 0 || row.Memory[engineExe].Peak <= 0 {
			t.Errorf("%s N=%d: memory %v, want the simulator's and the CLI's", row.Program, row.N, row.Memory)
		}
		if ts := row.Program == TSComponents; ts != (row.Memory[providerExe].Peak > 0) {
			t.Errorf("%s N=%d: memory %v; the provider runs for TypeScript only", row.Program, row.N, row.Memory)
		}
	}
	if f := rep.Scale.Fits[GoComponents]; math.IsNaN(f.Up.R2) || f.Up.R2 > 1 {
		t.Errorf("Go scale fit = %+v, want a fit of two points", f)
	}

	g := rep.Regions
	if !maps.Equal(g.Resources, graphRegions) {
		t.Errorf("two-region graph = %v, want %v", g.Resources, graphRegions)
	}
	if g.Up.N != 1 || g.Up.Median <= 0 || g.CompUp.Median <= 0 || g.HandUp.Median <= 0 {
		t.Errorf("two regions: up %+v, want one measured ratio", g)
	}
	// The longest chain Google Cloud requires goes through the global load balancer to a region's
	// attachment and its endpoint.
	if n := len(g.RequiredPath); n < 4 || !slices.ContainsFunc(g.RequiredPath, func(id string) bool {
		return strings.HasPrefix(id, chain.BackendServiceType+"::")
	}) || !strings.HasSuffix(g.RequiredPath[n-1], "-endpoint") || !strings.HasPrefix(g.RequiredPath[n-2], chain.ServiceAttachmentType+"::") {
		t.Errorf("two regions: required path %v, want it through the global backend service to an attachment and its endpoint", g.RequiredPath)
	}
	if g.Path < g.Required || len(g.Steps) != len(g.RequiredPath) {
		t.Errorf("two regions: path %v, required %v, %d steps for %d operations", g.Path, g.Required, len(g.Steps), len(g.RequiredPath))
	}

	// The components add a component resource per endpoint and per binding, and one for the
	// producer; each costs the engine saves of its own, and their outputs are ours.
	k := rep.Checkpoints
	comp, hand := k.State[GoComponents], k.State[GoByHand]
	if comp.Components != 1+2*k.N || hand.Components != 0 || comp.Resources != hand.Resources+comp.Components {
		t.Errorf("checkpoints: components' state %+v, by hand %+v; want 2 components per endpoint and 1 for the producer", comp, hand)
	}
	if hand.Saves < hand.Resources || comp.Saves <= hand.Saves || comp.Written <= hand.Written || comp.Final <= 0 || comp.Final >= comp.Written {
		t.Errorf("checkpoints: components wrote %d saves (%d bytes), by hand %d (%d bytes); want at least one save per resource, more for the components",
			comp.Saves, comp.Written, hand.Saves, hand.Written)
	}
	// By hand, only the Cloud Run service has a description (the same as the components give it).
	if comp.Parts[PartComponentOutputs] <= 0 || hand.Parts[PartComponentOutputs] != 0 || comp.Parts[PartDescriptions] <= hand.Parts[PartDescriptions] {
		t.Errorf("checkpoints: parts of the components' state %v, by hand %v; only the components have outputs and describe every child", comp.Parts, hand.Parts)
	}
	for _, set := range CheckpointSettings {
		if r := k.Ratio[set.Name]; r.N != 1 || r.Median <= 0 {
			t.Errorf("checkpoints %s: ratio %+v, want one measured", set.Name, r)
		}
	}

	s := rep.Start
	if s.BinaryBytes <= 0 || s.ToPort.N != 2 || s.ToPort.Median <= 0 || s.ToConstruct.Min <= s.ToPort.Min {
		t.Errorf("provider start = %+v, want two starts, each answering Construct after printing its port", s)
	}
}

// The TypeScript programs run transpile-only; this is where their types are checked.
func TestTypeScriptProgramsTypeCheck(t *testing.T) {
	t.Parallel()
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	tsc := filepath.Join(root, "tests", "node_modules", ".bin", "tsc")
	if out, err := exec.Command(tsc, "-p", filepath.Join(root, "bench")).CombinedOutput(); err != nil {
		t.Fatalf("tsc -p bench: %v\n%s", err, out)
	}
}

func TestSameGraphCatchesDrift(t *testing.T) {
	t.Parallel()
	same := func() map[Program][]deployment {
		runs := map[Program][]deployment{}
		for _, p := range []Program{GoComponents, GoByHand, TSComponents, TSByHand} {
			runs[p] = []deployment{{Creates: maps.Clone(graph1)}}
		}
		return runs
	}
	if err := sameGraph(same(), GoByHand, false); err != nil {
		t.Errorf("sameGraph of equal graphs: %v", err)
	}
	drift := same()
	drift[TSByHand][0].Creates[chain.RecordSetType] = 2
	if err := sameGraph(drift, GoByHand, false); err == nil || !strings.Contains(err.Error(), "TypeScript, by hand") {
		t.Errorf("sameGraph with an extra record = %v, want an error naming the program", err)
	}
}

func TestDiffInputsMasksAutonames(t *testing.T) {
	t.Parallel()
	a := map[string]string{"x": autoname.ReplaceAllString(`{"target":"projects/p/regions/r/serviceAttachments/a-1a2b3c4"}`, "-*******")}
	b := map[string]string{"x": autoname.ReplaceAllString(`{"target":"projects/p/regions/r/serviceAttachments/a-9f8e7d6"}`, "-*******")}
	if d := diffInputs(a, b); d != "" {
		t.Errorf("autonamed suffixes differ only: %s", d)
	}
	b["x"] = `{"target":"projects/p/regions/r/serviceAttachments/b-*******"}`
	b["y"] = "{}"
	if d := diffInputs(a, b); !strings.Contains(d, "x:") || !strings.Contains(d, "missing y") {
		t.Errorf("diffInputs = %q, want the changed x and the missing y", d)
	}
}

func TestStat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   []float64
		want Stat
	}{
		{nil, Stat{}},
		{[]float64{3}, Stat{Median: 3, Min: 3, Max: 3, N: 1}},
		{[]float64{5, 1, 3}, Stat{Median: 3, Min: 1, Max: 5, N: 3}},
		{[]float64{4, 1, 3, 2}, Stat{Median: 2.5, Min: 1, Max: 4, N: 4}},
	}
	for _, tt := range tests {
		if got := stat(tt.in); got != tt.want {
			t.Errorf("stat(%v) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	if got := ratios([]time.Duration{2 * time.Second, 3 * time.Second}, []time.Duration{time.Second, 0}); len(got) != 1 || got[0] != 2 {
		t.Errorf("ratios = %v, want [2] (a zero denominator is skipped)", got)
	}
}

func TestFit(t *testing.T) {
	t.Parallel()
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	tests := []struct {
		name                  string
		xs, ys                []float64
		slope, intercept, min float64 // min is the least R² wanted
		max                   float64 // and the most
	}{
		{"a line", []float64{1, 10, 50}, []float64{3, 21, 101}, 2, 1, 1, 1},
		{"flat", []float64{1, 2, 3}, []float64{5, 5, 5}, 0, 5, 1, 1},
		{"a parabola is not a line", []float64{1, 10, 50, 100, 200}, []float64{1, 100, 2500, 10000, 40000}, math.NaN(), math.NaN(), 0, 0.97},
	}
	for _, tt := range tests {
		f := fit(tt.xs, tt.ys)
		if !math.IsNaN(tt.slope) && (!near(f.Slope, tt.slope) || !near(f.Intercept, tt.intercept)) {
			t.Errorf("%s: fit = %+v, want slope %v, intercept %v", tt.name, f, tt.slope, tt.intercept)
		}
		if f.R2 < tt.min-1e-9 || f.R2 > tt.max+1e-9 {
			t.Errorf("%s: R² = %v, want between %v and %v", tt.name, f.R2, tt.min, tt.max)
		}
	}
	if f := fit([]float64{1}, []float64{2}); !math.IsNaN(f.R2) {
		t.Errorf("fit of one point = %+v, want no R²", f)
	}
}
