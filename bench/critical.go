package bench

import (
	"fmt"
	"strconv"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/critpath"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// Critical is section 2: up with the simulator's latency model against the critical path of
// the stack's dependency graph and against the sum of all operations.
type Critical struct {
	Scale float64 // GCPSIM_LATENCY_SCALE
	Rows  []CriticalRow
	// Required is the critical path of the hand-written Go graph, which waits only where Google
	// Cloud requires it: the least any program can take (at full latency).
	Required     time.Duration
	RequiredPath []string
	// Extra lists, by program, the dependencies its graph has that the hand-written Go graph
	// does not.
	Extra map[Program][]critpath.Edge
}

// CriticalRow is one program's up at the latency scale.
type CriticalRow struct {
	Program Program
	Up      Stat          // seconds, at the latency scale
	ZeroUp  Stat          // seconds of the same up with no latency, run just before it
	Path    time.Duration // the critical path of the program's own graph, at full latency
	Chain   []string      // the operations along it
	Sum     time.Duration // all operations one after another, at full latency
	// Ratio and SumRatio are Up against Path×scale and Sum×scale. Latency and SumLatency take
	// away the same up with no latency first ((Up−ZeroUp)/(Path×scale), pair by pair): what the up
	// spends on Google's latencies, without the engine's fixed cost.
	Ratio, Latency, SumRatio, SumLatency Stat
}

// critical runs the up of every program LatencyReps times at the latency scale, each right
// after the same up with no latency, interleaved.
func (b *bench) critical() Critical {
	scale := b.opts.Latency
	b.logf("2. critical path: %d pairs of ups (no latency, GCPSIM_LATENCY_SCALE=%g) of 4 programs", b.opts.LatencyReps, scale)
	all := []Program{GoComponents, GoByHand, TSComponents, TSByHand}
	vars := map[string]string{"GCPSIM_LATENCY_SCALE": strconv.FormatFloat(scale, 'f', -1, 64)}
	runs, zero := map[Program][]deployment{}, map[Program][]deployment{}
	for rep := range b.opts.LatencyReps {
		for _, p := range rotate(all, rep) {
			zero[p] = append(zero[p], b.deploy(p, deployOpts{n: 1}))
			runs[p] = append(runs[p], b.deploy(p, deployOpts{n: 1, export: rep == 0, vars: vars}))
		}
	}
	c := Critical{Scale: scale, Extra: map[Program][]critpath.Edge{}}
	graphs := map[Program]critpath.Graph{}
	for _, p := range all {
		graphs[p] = critpath.FromDeployment(*runs[p][0].Export, createTime)
	}
	var err error
	c.Required, c.RequiredPath, err = graphs[GoByHand].CriticalPath()
	if err != nil {
		panic(failure{err.Error()})
	}
	for _, p := range all {
		g := graphs[p]
		path, chain, err := g.CriticalPath()
		if err != nil {
			panic(failure{fmt.Sprintf("%s: %v", p, err)})
		}
		if extra := g.Extra(graphs[GoByHand]); len(extra) > 0 {
			c.Extra[p] = extra
		}
		ups, zeros := seconds(field(runs[p], upOf)), seconds(field(zero[p], upOf))
		row := CriticalRow{Program: p, Up: stat(ups), ZeroUp: stat(zeros), Path: path, Chain: chain, Sum: g.Sum()}
		bound, sum := path.Seconds()*scale, row.Sum.Seconds()*scale
		var ratio, latency, sumRatio, sumLatency []float64
		for i, u := range ups {
			ratio = append(ratio, u/bound)
			latency = append(latency, (u-zeros[i])/bound)
			sumRatio = append(sumRatio, u/sum)
			sumLatency = append(sumLatency, (u-zeros[i])/sum)
		}
		row.Ratio, row.Latency, row.SumRatio, row.SumLatency = stat(ratio), stat(latency), stat(sumRatio), stat(sumLatency)
		c.Rows = append(c.Rows, row)
	}
	return c
}

// createTime is how long Google Cloud takes to create a resource of a stack export, by the
// simulator's latency table (gcpsim.LatencyTable), at full scale.
func createTime(r apitype.ResourceV3) (time.Duration, bool) {
	e, ok := gcpsim.LatencyOf(string(r.Type), r.Inputs)
	return e.Create, ok
}
