package bench

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/critpath"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// Regions is section 5: the two-region graph (bench/spec/regions.go), a ProducerService with two
// regions and a consumer endpoint in each, built with the components in Go and by hand with
// pulumi-gcp in Go, at zero latency; and the critical path of each graph by the simulator's
// latency table.
type Regions struct {
	// Resources counts the graph's cloud resources by type, the same for both programs.
	Resources map[string]int
	// Up is the ratio components / by hand of the up, round by round.
	Up Stat
	// Seconds of each program's up.
	CompUp, HandUp Stat
	// Required is the critical path of the hand-written graph, which waits only where Google Cloud
	// requires it, and RequiredPath its operations; Path and Chain are the components' graph's.
	Required, Path      time.Duration
	RequiredPath, Chain []string
	// Steps are the operations along RequiredPath with their figures in the latency table.
	Steps []PathStep
	// Extra lists the dependencies the components' graph has that the hand-written one does not.
	Extra []critpath.Edge
	// Wall is how long the section took.
	Wall time.Duration
}

// PathStep is one operation of a critical path and where its time comes from.
type PathStep struct {
	ID      string
	Create  time.Duration
	StandIn bool   // the figure is borrowed from a related type or assumed (gcpsim.LatencyEntry)
	Basis   string // the latency table's note on the figure
}

// PathRatio is the components' critical path against the one Google Cloud requires.
func (r Regions) PathRatio() float64 { return r.Path.Seconds() / r.Required.Seconds() }

// measured reports whether the section ran.
func (r Regions) measured() bool { return r.Up.N > 0 }

// regions deploys the two programs of the two-region graph RegionReps times each, interleaved,
// checking on the way that they build the same graph; the critical paths come from the first
// round's stack exports. There is no preview: the target is the up's, and the time a preview
// would take goes to more rounds of ups within the section's budget.
func (b *bench) regions() Regions {
	start := time.Now()
	b.logf("5. two regions: %d runs of 2 programs, zero latency", b.opts.RegionReps)
	both := []Program{GoRegionsComponents, GoRegionsByHand}
	runs := map[Program][]deployment{}
	for rep := range b.opts.RegionReps {
		for _, p := range rotate(both, rep) {
			runs[p] = append(runs[p], b.deploy(p, deployOpts{n: 1, export: rep == 0}))
		}
		if err := sameGraph(runs, GoRegionsByHand, rep == 0); err != nil {
			panic(failure{err.Error()})
		}
	}
	comp, hand := runs[GoRegionsComponents], runs[GoRegionsByHand]
	r := Regions{
		Resources: hand[0].Creates,
		Up:        stat(ratios(field(comp, upOf), field(hand, upOf))),
		CompUp:    stat(seconds(field(comp, upOf))),
		HandUp:    stat(seconds(field(hand, upOf))),
	}
	var err error
	if r.Required, r.RequiredPath, r.Path, r.Chain, r.Extra, err = comparePaths(*comp[0].Export, *hand[0].Export); err != nil {
		panic(failure{err.Error()})
	}
	r.Steps = pathSteps(*hand[0].Export, r.RequiredPath)
	r.Wall = time.Since(start)
	return r
}

// comparePaths returns the critical path of the hand-written graph hand (the one Google Cloud
// requires) and of the components' graph comp, both by the simulator's latency table, and the
// dependencies comp has that hand does not.
func comparePaths(comp, hand apitype.DeploymentV3) (required time.Duration, requiredPath []string, path time.Duration,
	chain []string, extra []critpath.Edge, err error,
) {
	hg, cg := critpath.FromDeployment(hand, createTime), critpath.FromDeployment(comp, createTime)
	if required, requiredPath, err = hg.CriticalPath(); err != nil {
		return 0, nil, 0, nil, nil, fmt.Errorf("%s: %w", GoRegionsByHand, err)
	}
	if path, chain, err = cg.CriticalPath(); err != nil {
		return 0, nil, 0, nil, nil, fmt.Errorf("%s: %w", GoRegionsComponents, err)
	}
	return required, requiredPath, path, chain, cg.Extra(hg), nil
}

// pathSteps looks up the operations of path (critpath IDs of dep's resources) in the simulator's
// latency table.
func pathSteps(dep apitype.DeploymentV3, path []string) []PathStep {
	byID := map[string]apitype.ResourceV3{}
	for _, r := range dep.Resources {
		byID[critpath.ID(r.URN)] = r
	}
	var out []PathStep
	for _, id := range path {
		r := byID[id]
		e, _ := gcpsim.LatencyOf(string(r.Type), r.Inputs)
		out = append(out, PathStep{ID: id, Create: e.Create, StandIn: e.StandIn, Basis: e.Basis})
	}
	return out
}
