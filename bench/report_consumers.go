package bench

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/spec"
)

// addTarget is the most adding one consumer to the largest producer may cost over adding one to a
// producer of 10 consumers.
const addTarget = 1.2

// measured reports whether the section ran.
func (c Consumers) measured() bool { return len(c.Rows) > 0 }

// addBase is the N the add of the largest N is compared with: 10 when it was measured, else the
// smallest N.
func (c Consumers) addBase(rows []ConsumerRow) ConsumerRow {
	if i := slices.IndexFunc(rows, func(r ConsumerRow) bool { return r.N == 10 }); i >= 0 {
		return rows[i]
	}
	return rows[0]
}

// AddRatio is, for one run, the median add at the largest N over the median add at addBase.
func (c Consumers) AddRatio(run ConsumerRun) (ratio float64, at, base int) {
	rows := c.rowsOf(run)
	if len(rows) < 2 {
		return math.NaN(), 0, 0
	}
	last, first := rows[len(rows)-1], c.addBase(rows)
	return last.Add().Median / first.Add().Median, last.N, first.N
}

// targets are the rows of the targets table for the consumer-scale section, with the engine's
// default checkpoints (what users get).
func (c Consumers) targets() []target {
	if !c.measured() {
		return nil
	}
	r2 := func(x float64) string { return fmt.Sprintf("%.3f", x) }
	var ts []target
	for _, mode := range consumerModes {
		run := ConsumerRun{Mode: mode, Checkpoints: true}
		f := c.Fits[run]
		ratio, at, base := c.AddRatio(run)
		var minN, maxN float64
		if rows := c.rowsOf(run); len(rows) > 0 {
			minN, maxN = float64(rows[0].N), float64(rows[len(rows)-1].N)
		}
		ts = append(ts,
			target{what: fmt.Sprintf("producer with N %s: preview time linear in N (R²)", run), want: "≥ 0.98",
				got: f.Preview.R2, limit: 0.98, format: r2, flat: &flatLine{f.Preview, minN, maxN}},
			target{what: fmt.Sprintf("producer with N %s: up time linear in N (R²)", run), want: "≥ 0.98",
				got: f.Up.R2, limit: 0.98, format: r2, flat: &flatLine{f.Up, minN, maxN}},
			target{what: fmt.Sprintf("%s: adding one consumer at N = %d / at N = %d", run, at, base),
				want: fmt.Sprintf("≤ %.1f×", addTarget), got: ratio, limit: addTarget, below: true, format: times})
	}
	return ts
}

func (r *Report) consumersSection(p printer) {
	c := r.Consumers
	p("## 7. Consumer scale")
	p("")
	if !c.measured() {
		p("Not measured in this run (`-consumers` empty).")
		p("")
		return
	}
	p("One producer (a VPC and a ProducerService from Go, `bench/components/go/consumers.go`) whose service")
	p("attachment accepts N consumers, one connection each, no consumer endpoint; N = %v, in a fresh world each.", r.Options.ConsumerCounts)
	p("**entries**: N `consumers` entries (distinct projects); **stacks**: N `consumerStacks`, each a stack")
	p("exporting its project as `%s`: one deployed with the CLI, the others copies of its checkpoint file", spec.ConsumerOutput)
	p("written into the world's file backend with the stack name, URNs and output changed (the CLI reads them:")
	p("`pulumi stack output` of a copy gave `%s`). Each producer is previewed and deployed, then grown by one", c.CopyOutput)
	p("consumer at a time, %d times (`pulumi up` with N+1, then N+2; once only when the first took over %v; in", consumerAdds, longAdd)
	p("stacks mode those stacks exist beforehand). Every add must be one update of the service attachment, both in the engine's")
	p("steps and in the simulator's mutation timeline (events.jsonl), after which the attachment accepts every")
	p("consumer in the simulator; the bench fails otherwise. Both modes run with the engine's default checkpoints (what users")
	p("get); the stacks mode, which they dominate, also with PULUMI_SKIP_CHECKPOINTS=true. The section took %s.", c.Wall.Round(time.Second))
	p("")
	p("Memory cells are peak RSS / CPU time over the preview and the up; the producer program runs inline in")
	p("the bench process (\"bench (Go program)\").")
	p("")
	p("| mode | N | preview | up | add one consumer (median, range) | steps of the up | bench (Go program) | Pulumi CLI | simulator |")
	p("|---|---|---|---|---|---|---|---|---|")
	for _, run := range c.runs() {
		for _, row := range c.rowsOf(run) {
			p("| %s | %d | %.2f s | %.2f s | %s | %s | %s | %s | %s |", run, row.N, row.Preview.Seconds(), row.Up.Seconds(),
				secs(row.Add()), opCounts(row.UpSteps), usage(row.Memory[Self]), usage(row.Memory[engineExe]), usage(row.Memory[simulatorExe]))
		}
	}
	p("")
	p("Every add: %s.", addSummary(c.Rows))
	p("")
	p("Least-squares lines, seconds = a + b·N, and the CPU seconds of each process fitted the same way:")
	p("")
	p("| mode | preview | up | add one at largest N / at N = 10 | bench (Go program) CPU | Pulumi CLI CPU | simulator CPU |")
	p("|---|---|---|---|---|---|---|")
	for _, run := range c.runs() {
		f := c.Fits[run]
		ratio, at, base := c.AddRatio(run)
		var cells []string
		for _, exe := range []string{Self, engineExe, simulatorExe} {
			fe := f.CPU[exe]
			cells = append(cells, fmt.Sprintf("%.4f·N s, R² = %.3f", fe.Slope, fe.R2))
		}
		p("| %s | %s | %s | %.2f× (N = %d / %d) | %s |", run, line(f.Preview), line(f.Up), ratio, at, base, strings.Join(cells, " | "))
	}
	p("")
	if len(c.Saves) > 0 {
		p("What one up saves with the engine's default checkpoints, counted with PULUMI_DIY_BACKEND_RETAIN_CHECKPOINTS=true")
		p("(the file backend keeps every checkpoint it writes; each holds the whole stack), and what the final state")
		p("is made of (the JSON of its entries, as `pulumi stack export` gives them):")
		p("")
		p("| mode | N | steps | entries in the state | checkpoints saved | bytes written | final checkpoint | StackReference entries | their bytes | stack traces (all entries) |")
		p("|---|---|---|---|---|---|---|---|---|---|")
		for _, s := range c.Saves {
			p("| %s | %d | %d | %d | %d | %.1f MB | %.0f kB | %d | %.0f kB | %.0f kB |", s.Mode, s.N, s.Steps, s.Resources, s.Saves,
				float64(s.Written)/(1<<20), float64(s.Final)/(1<<10), s.StackRefs, float64(s.StackRefBytes)/(1<<10),
				float64(s.Parts[PartStackTraces])/(1<<10))
		}
		p("")
	}
}

// runs are the section's series in the order of the tables.
func (c Consumers) runs() []ConsumerRun {
	seen := map[ConsumerRun]bool{}
	var out []ConsumerRun
	for _, mode := range consumerModes {
		for _, cp := range []bool{true, false} {
			run := ConsumerRun{Mode: mode, Checkpoints: cp}
			if !seen[run] && slices.ContainsFunc(c.Rows, func(r ConsumerRow) bool { return r.ConsumerRun == run }) {
				seen[run] = true
				out = append(out, run)
			}
		}
	}
	return out
}

// opCounts renders step counts by operation, such as "create 12, read 500".
func opCounts(m map[string]int) string {
	var parts []string
	for _, op := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", op, m[op]))
	}
	return strings.Join(parts, ", ")
}

// addSummary says what every add did, in the engine and in the simulator (checked by
// ConsumerAdd.check: one update of the attachment).
func addSummary(rows []ConsumerRow) string {
	adds := 0
	for _, r := range rows {
		adds += len(r.Adds)
	}
	return fmt.Sprintf("%d adds, each one engine step that changed anything (an update of the ServiceAttachment) and one "+
		"simulator mutation (an update of the ServiceAttachment); in stacks mode each add's up also reads every "+
		"consumer stack again (a read step per StackReference)", adds)
}
