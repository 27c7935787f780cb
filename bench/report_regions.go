package bench

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// regionsTarget is the most the Go components may cost over the hand-written program in the
// two-region graph, as section 1's Go target.
const regionsTarget = 1.05

// targets are the rows of the targets table for the two-region section (none when it did not run).
func (r Regions) targets() []target {
	if !r.measured() {
		return nil
	}
	return []target{
		{what: "Go components / by hand, up, two regions", want: fmt.Sprintf("≤ %.2f×", regionsTarget),
			got: r.Up.Median, limit: regionsTarget, below: true, format: times},
		{what: "Go components, two regions: critical path / the one GCP requires", want: "1.00×",
			got: r.PathRatio(), limit: 1, below: true, format: times},
	}
}

func (r *Report) regionsSection(p printer) {
	g := r.Regions
	p("## 5. Two regions")
	p("")
	if !g.measured() {
		p("Not measured in this run (`-region-reps 0`).")
		p("")
		return
	}
	total, types := resourceCounts(g.Resources)
	p("A ProducerService with `regions` of two entries (the cross-region internal Application Load Balancer),")
	p("a ConsumerEndpoint in each region connected to its region's attachment, and a DnsBinding answering")
	p("each client with its region's endpoint; no latency, %d rounds (the section took %s). Both programs", g.Up.N, g.Wall.Round(time.Second))
	p("create the same %d cloud resources with the same inputs (%s).", total, types)
	p("")
	p("| language | step | components / by hand | components | by hand | target |")
	p("|---|---|---|---|---|---|")
	p("| Go | up | %s | %s | %s | ≤ %.2f× |", ratio(g.Up), secs(g.CompUp), secs(g.HandUp), regionsTarget)
	p("")
	p("Critical path by the simulator's latency table, in Google Cloud's seconds: the one Google Cloud")
	p("requires (the hand-written graph) is %.1f s; the components' graph's is %.1f s (%s).", g.Required.Seconds(), g.Path.Seconds(), times(g.PathRatio()))
	if !slices.Equal(g.Chain, g.RequiredPath) {
		p("The components' runs through %s.", chainText(g.Chain))
	}
	p("")
	if len(g.Extra) == 0 {
		p("The components' graph has no dependency the hand-written one does not, so its critical path is the")
		p("required one whatever the figures of the table.")
	} else {
		var es []string
		for _, e := range g.Extra {
			es = append(es, fmt.Sprintf("%s → %s", node(e.From), node(e.To)))
		}
		p("Dependencies the components' graph has that the hand-written one does not (%d): %s.", len(es), strings.Join(es, "; "))
	}
	p("")
	p("The required path, operation by operation:")
	p("")
	p("| operation | create | the figure |")
	p("|---|---|---|")
	standIns := 0
	var sum time.Duration
	for _, s := range g.Steps {
		kind := "observed"
		if s.StandIn {
			kind, standIns = "**stand-in**", standIns+1
		}
		sum += s.Create
		p("| %s | %.1f s | %s: %s |", node(s.ID), s.Create.Seconds(), kind, s.Basis)
	}
	p("")
	if standIns > 0 {
		p("%d of its %d figures (%.0f%% of its length) are stand-ins in the simulator's latency table", standIns, len(g.Steps), standInShare(g.Steps, sum))
		p("(sim/gcpsim/latency.go): borrowed from a related type or assumed where no observed time was found,")
		p("each with its basis above. The path's length is therefore an estimate, not Google's timing; the")
		p("ratio compares the two graphs under the same figures.")
		p("")
	}
}

// standInShare is the share of a path's length, in percent, that stand-in figures make up.
func standInShare(steps []PathStep, total time.Duration) float64 {
	if total == 0 {
		return math.NaN()
	}
	var s time.Duration
	for _, st := range steps {
		if st.StandIn {
			s += st.Create
		}
	}
	return 100 * s.Seconds() / total.Seconds()
}
