package bench

import (
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/critpath"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// export is a stack export of custom resources given as name: type, with deps as name -> names.
func export(types map[string]string, inputs map[string]map[string]any, deps map[string][]string) apitype.DeploymentV3 {
	urn := func(name string) resource.URN {
		return resource.NewURN("dev", "bench", "", tokens.Type(types[name]), name)
	}
	var dep apitype.DeploymentV3
	for name := range types {
		r := apitype.ResourceV3{URN: urn(name), Custom: true, Type: tokens.Type(types[name]), Inputs: inputs[name]}
		for _, d := range deps[name] {
			r.Dependencies = append(r.Dependencies, urn(d))
		}
		dep.Resources = append(dep.Resources, r)
	}
	return dep
}

// A stand-in two-region chain: the global rule, the attachment that publishes it, the consumers'
// PSC endpoint.
var (
	chainTypes = map[string]string{
		"rule": chain.GlobalForwardingRuleType, "sa": chain.ServiceAttachmentType, "ep": chain.ForwardingRuleType,
		"other-sa": chain.ServiceAttachmentType,
	}
	chainInputs = map[string]map[string]any{
		"ep": {"target": "projects/p/regions/r/serviceAttachments/sa"}, // a PSC endpoint
	}
	handDeps = map[string][]string{"sa": {"rule"}, "ep": {"sa"}}
)

func TestComparePathsFindsTheComponentsExtraWaits(t *testing.T) {
	t.Parallel()
	hand := export(chainTypes, chainInputs, handDeps)
	required, path, got, _, extra, err := comparePaths(hand, hand)
	if err != nil || got != required || len(extra) != 0 || len(path) != 3 {
		t.Fatalf("the same graph twice: required %v path %v, components %v, extra %v, err %v; want equal paths of 3 and no extra",
			required, path, got, extra, err)
	}
	wantLen := 0 * time.Second
	for _, name := range []string{"rule", "sa", "ep"} {
		e, _ := gcpsim.LatencyOf(chainTypes[name], chainInputs[name])
		wantLen += e.Create
	}
	if required != wantLen {
		t.Errorf("required = %v, want the three creates by the latency table, %v", required, wantLen)
	}

	compDeps := map[string][]string{"sa": {"rule"}, "ep": {"sa", "other-sa"}}
	comp := export(chainTypes, chainInputs, compDeps)
	_, _, _, _, extra, err = comparePaths(comp, hand)
	if err != nil || len(extra) != 1 || !strings.HasSuffix(extra[0].From, "::other-sa") || !strings.HasSuffix(extra[0].To, "::ep") {
		t.Errorf("extra = %v (err %v), want the endpoint's wait for the other attachment", extra, err)
	}
}

func TestPathStepsAreThePathsFigures(t *testing.T) {
	t.Parallel()
	dep := export(chainTypes, chainInputs, handDeps)
	_, path, err := critpath.FromDeployment(dep, createTime).CriticalPath()
	if err != nil {
		t.Fatal(err)
	}
	steps := pathSteps(dep, path)
	if len(steps) != len(path) {
		t.Fatalf("steps = %+v, want one per operation of %v", steps, path)
	}
	for i, s := range steps {
		name := strings.SplitN(path[i], "::", 2)[1]
		e, ok := gcpsim.LatencyOf(chainTypes[name], chainInputs[name])
		if !ok || s.ID != path[i] || s.Create != e.Create || s.StandIn != e.StandIn || s.Basis != e.Basis {
			t.Errorf("step %d = %+v, want %s with the table's %+v", i, s, path[i], e)
		}
	}
}

func TestRegionsSection(t *testing.T) {
	t.Parallel()
	r := Regions{
		Resources: graphRegions,
		Up:        Stat{Median: 1.02, Min: 0.9, Max: 1.2, N: 3}, CompUp: Stat{Median: 2, Min: 2, Max: 2, N: 3},
		HandUp:   Stat{Median: 2, Min: 2, Max: 2, N: 3},
		Required: 100 * time.Second, Path: 110 * time.Second,
		RequiredPath: []string{"a::x", "b::y"}, Chain: []string{"a::x", "c::z"},
		Steps: []PathStep{{ID: "a::x", Create: 60 * time.Second, StandIn: true, Basis: "borrowed"}, {ID: "b::y", Create: 40 * time.Second, Basis: "seen"}},
		Extra: []critpath.Edge{{From: "c::w", To: "c::z"}},
	}
	md := (&Report{Regions: r}).Markdown()
	for _, want := range []string{
		"| Go components / by hand, up, two regions | ≤ 1.05× | 1.02× | met |",
		"| Go components, two regions: critical path / the one GCP requires | 1.00× | 1.10× | **missed** by 10% |",
		"the components' graph's is 110.0 s (1.10×)",
		"runs through a x → c z",
		"(1): c w → c z",
		"| a x | 60.0 s | **stand-in**: borrowed |",
		"| b y | 40.0 s | observed: seen |",
		"1 of its 2 figures (60% of its length) are stand-ins",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}

	md = (&Report{Options: Options{Only: "start"}}).Markdown()
	if !strings.Contains(md, "## 5. Two regions\n\nNot measured in this run (`-only start`).") || strings.Contains(md, "two regions |") {
		t.Errorf("a run of another section reports the two regions:\n%s", md)
	}
}

func TestRunRefusesAnUnknownSection(t *testing.T) {
	t.Parallel()
	if _, err := Run(Options{Only: "region"}); err == nil || !strings.Contains(err.Error(), "overhead, critical, scale, start, regions") {
		t.Errorf("Run(-only region) = %v, want the sections named", err)
	}
}

func TestRegionPrograms(t *testing.T) {
	t.Parallel()
	if got := GoRegionsComponents.String(); got != "Go, components (pkg/psc), two regions" {
		t.Errorf("String() = %q", got)
	}
	if GoRegionsByHand.endpoints(7) != 2 || GoByHand.endpoints(7) != 7 {
		t.Errorf("endpoints: the two-region graph holds one per region, the other n")
	}
}
