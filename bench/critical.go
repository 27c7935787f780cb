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
	ZeroUp  Stat          // seconds of the same up with no latency (section 1)
	Path    time.Duration // the critical path of the program's own graph, at full latency
	Chain   []string      // the operations along it
	Sum     time.Duration // all operations one after another, at full latency
	// Ratio is Up against Path×scale; Latency takes the no-latency up away first
	// ((Up−ZeroUp)/(Path×scale)): what the up adds over Google's latencies beyond the engine's
	// fixed cost. SumRatio is Up against Sum×scale.
	Ratio, Latency, SumRatio Stat
}

// critical runs the up of every program LatencyReps times at the latency scale, interleaved.
func (b *bench) critical(o Overhead) Critical {
	scale := b.opts.Latency
	b.logf("2. critical path: %d ups of 4 programs at GCPSIM_LATENCY_SCALE=%g", b.opts.LatencyReps, scale)
	all := []Program{GoComponents, GoByHand, TSComponents, TSByHand}
	vars := map[string]string{"GCPSIM_LATENCY_SCALE": strconv.FormatFloat(scale, 'f', -1, 64)}
	runs := map[Program][]deployment{}
	for rep := range b.opts.LatencyReps {
		for _, p := range rotate(all, rep) {
			runs[p] = append(runs[p], b.deploy(p, deployOpts{n: 1, export: rep == 0, vars: vars}))
		}
	}
	c := Critical{Scale: scale, Extra: map[Program][]critpath.Edge{}}
	graphs := map[Program]critpath.Graph{}
	for _, p := range all {
		graphs[p] = critpath.FromDeployment(runs[p][0].Export, createTime)
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
		ups := field(runs[p], upOf)
		zero := stat(seconds(field(o.runs[p], upOf)))
		bound := path.Seconds() * scale
		row := CriticalRow{Program: p, Up: stat(seconds(ups)), ZeroUp: zero, Path: path, Chain: chain, Sum: g.Sum()}
		var ratio, latency, sum []float64
		for _, u := range seconds(ups) {
			ratio = append(ratio, u/bound)
			latency = append(latency, (u-zero.Median)/bound)
			sum = append(sum, u/(row.Sum.Seconds()*scale))
		}
		row.Ratio, row.Latency, row.SumRatio = stat(ratio), stat(latency), stat(sum)
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
