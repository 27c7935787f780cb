package bench

import (
	"fmt"
	"strings"
	"time"
)

// targets are the rows of the targets table for the checkpoints section (none when it did not run).
func (c Checkpoints) targets() []target {
	if !c.measured() {
		return nil
	}
	var ts []target
	for _, s := range []string{"default", skippedSetting} {
		ts = append(ts, target{what: fmt.Sprintf("Go components / by hand, up, N = %d, checkpoints %s", c.N, s),
			want: fmt.Sprintf("≤ %.2f×", checkpointsTarget), got: c.Ratio[s].Median, limit: checkpointsTarget, below: true, format: times})
	}
	return ts
}

func (r *Report) checkpointsSection(p printer) {
	c := r.Checkpoints
	p("## 6. Checkpoints")
	p("")
	if !c.measured() {
		p("Not measured in this run (`-checkpoint-n 0`).")
		p("")
		return
	}
	p("By default the engine saves the whole stack after every step of an update (a create is two saves:")
	p("the operation begun, then done; a component's outputs one more), so an up writes the state about twice")
	p("per resource, each time whole: time quadratic in the stack's size. The Go programs of section 1 at")
	p("N = %d endpoints, `up` only, %d rounds of both programs under each setting, interleaved (the section took %s):",
		c.N, len(c.Ups["default"][GoComponents]), c.Wall.Round(time.Second))
	p("")
	p("| setting | what the engine does | components / by hand | components | by hand |")
	p("|---|---|---|---|---|")
	for _, s := range CheckpointSettings {
		name := s.Name
		if len(s.Vars) > 0 {
			var vs []string
			for k, v := range s.Vars {
				vs = append(vs, "`"+k+"="+v+"`")
			}
			name = strings.Join(vs, " ")
		}
		p("| %s | %s | %s | %s | %s |", name, s.What, ratio(c.Ratio[s.Name]),
			secs(stat(seconds(c.Ups[s.Name][GoComponents]))), secs(stat(seconds(c.Ups[s.Name][GoByHand]))))
	}
	p("")
	comp, hand := c.State[GoComponents], c.State[GoByHand]
	p("What each up wrote, from one more up of each with the default settings and")
	p("`PULUMI_DIY_BACKEND_RETAIN_CHECKPOINTS=true` (the file backend keeps a copy of every checkpoint):")
	p("")
	p("| | components | by hand | components / by hand |")
	p("|---|---|---|---|")
	row := func(what string, a, b float64, f string) {
		p("| %s | "+f+" | "+f+" | %.2f× |", what, a, b, a/b)
	}
	row("entries in the state (resources, components among them)", float64(comp.Resources), float64(hand.Resources), "%.0f")
	row("checkpoints saved", float64(comp.Saves), float64(hand.Saves), "%.0f")
	row("bytes written, all checkpoints (MB)", float64(comp.Written)/1e6, float64(hand.Written)/1e6, "%.1f")
	row("mean checkpoint (kB)", float64(comp.Written)/float64(comp.Saves)/1e3, float64(hand.Written)/float64(hand.Saves)/1e3, "%.0f")
	row("final state (kB)", float64(comp.Final)/1e3, float64(hand.Final)/1e3, "%.0f")
	p("| up time the checkpoints cost per MB written (default − skipped, medians) | %.1f ms | %.1f ms | |",
		1000*c.perMB(GoComponents), 1000*c.perMB(GoByHand))
	p("")
	p("The final state by part, per endpoint ((state − the fixed part) / N is approximated by state / N):")
	p("")
	p("| part | who decides it | components, bytes per endpoint | by hand, bytes per endpoint |")
	p("|---|---|---|---|")
	var oursComp, allComp int64
	for _, part := range StateParts {
		who := "the engine / SDK"
		if part.ours() {
			who = "cloudrun-psc"
			oursComp += comp.Parts[part]
		}
		allComp += comp.Parts[part]
		p("| %s | %s | %.0f | %.0f |", part, who, float64(comp.Parts[part])/float64(c.N), float64(hand.Parts[part])/float64(c.N))
	}
	p("")
	extraSaves := comp.Saves - hand.Saves
	p("The components' checkpoints: %d more saves than by hand (%.1f per component resource; %d components),",
		extraSaves, float64(extraSaves)/float64(max(comp.Components, 1)), comp.Components)
	p("each %.2f× the size on average. Of the components' final state, %.1f%% is what cloudrun-psc decides", float64(comp.Written)/float64(comp.Saves)/(float64(hand.Written)/float64(hand.Saves)),
		100*float64(oursComp)/float64(max(allComp, 1)))
	p("(component outputs and descriptions); removing all of it would save about as much of the")
	p("checkpoints' bytes. *Findings and fixes* says what follows.")
	p("")
}
