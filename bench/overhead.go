package bench

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/critpath"
)

// Overhead is section 1: each language's components against the same graph written by hand,
// one consumer endpoint, zero latency.
type Overhead struct {
	Pairs []OverheadPair
	// Resources counts the graph's cloud resources by type, the same for every program.
	Resources map[string]int
}

// OverheadPair compares a language's components with its hand-written program.
type OverheadPair struct {
	Components, ByHand Program
	Target             float64 // the most the components may cost, as a ratio
	// Preview and Up are the ratios components/by hand, pair by pair.
	Preview, Up Stat
	// Seconds of each program's preview and up.
	CompPreview, HandPreview, CompUp, HandUp Stat
}

// overhead runs the four programs Reps times each, interleaved, and checks on the way that they
// build the same graph: the same resources by type in every run, and, in the first run, the same
// inputs for every resource.
func (b *bench) overhead() Overhead {
	b.logf("1. overhead: %d runs of 4 programs, 1 endpoint, zero latency", b.opts.Reps)
	all := []Program{GoComponents, GoByHand, TSComponents, TSByHand}
	var o Overhead
	runs := map[Program][]deployment{}
	for rep := range b.opts.Reps {
		for _, p := range rotate(all, rep) {
			runs[p] = append(runs[p], b.deploy(p, deployOpts{n: 1, preview: true, export: rep == 0}))
		}
		if err := sameGraph(runs, GoByHand, rep == 0); err != nil {
			panic(failure{err.Error()})
		}
	}
	o.Resources = runs[GoByHand][0].Creates
	for _, pair := range [][2]Program{{GoComponents, GoByHand}, {TSComponents, TSByHand}} {
		comp, hand := runs[pair[0]], runs[pair[1]]
		target := 1.05
		if pair[0].Lang != "Go" {
			target = 1.15
		}
		o.Pairs = append(o.Pairs, OverheadPair{
			Components: pair[0], ByHand: pair[1], Target: target,
			Preview:     stat(ratios(field(comp, previewOf), field(hand, previewOf))),
			Up:          stat(ratios(field(comp, upOf), field(hand, upOf))),
			CompPreview: stat(seconds(field(comp, previewOf))), HandPreview: stat(seconds(field(hand, previewOf))),
			CompUp: stat(seconds(field(comp, upOf))), HandUp: stat(seconds(field(hand, upOf))),
		})
	}
	return o
}

func previewOf(d deployment) time.Duration { return d.Preview }
func upOf(d deployment) time.Duration      { return d.Up }

func field(ds []deployment, f func(deployment) time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = f(d)
	}
	return out
}

// sameGraph checks that the latest run of every program created the same resources by type as
// the latest run of ref and, when inputs is set, that every resource got the same inputs.
func sameGraph(runs map[Program][]deployment, ref Program, inputs bool) error {
	want := runs[ref][len(runs[ref])-1]
	for _, p := range sortedPrograms(runs) {
		got := runs[p][len(runs[p])-1]
		if !maps.Equal(got.Creates, want.Creates) {
			return fmt.Errorf("the programs no longer build the same graph: %s creates %v, %s creates %v",
				p, got.Creates, ref, want.Creates)
		}
		if !inputs {
			continue
		}
		if diff := diffInputs(inputsByID(got.Export), inputsByID(want.Export)); diff != "" {
			return fmt.Errorf("the programs no longer build the same graph: %s and %s differ in inputs:\n%s", p, ref, diff)
		}
	}
	return nil
}

func sortedPrograms[V any](m map[Program]V) []Program {
	out := make([]Program, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// autoname matches the random suffix the provider appends to autonamed resources.
var autoname = regexp.MustCompile(`-[0-9a-f]{7}\b`)

// inputsByID returns the inputs of every cloud resource of a stack export as JSON, by
// critpath.ID, with autonamed suffixes masked and descriptions left out: the components describe
// each child for the people who read the console, which changes nothing a deployment does, so
// the hand-written programs need not repeat the texts.
func inputsByID(dep *apitype.DeploymentV3) map[string]string {
	out := map[string]string{}
	for _, r := range dep.Resources {
		if !r.Custom || !isCloud(string(r.Type)) {
			continue
		}
		inputs := maps.Clone(r.Inputs)
		delete(inputs, "description")
		raw, err := json.Marshal(inputs) // maps marshal with sorted keys
		if err != nil {
			raw = []byte(err.Error())
		}
		out[critpath.ID(r.URN)] = autoname.ReplaceAllString(string(raw), "-*******")
	}
	return out
}

// diffInputs describes how two programs' inputs differ ("" when they do not).
func diffInputs(got, want map[string]string) string {
	var lines []string
	for _, id := range slices.Sorted(maps.Keys(want)) {
		if g, ok := got[id]; !ok {
			lines = append(lines, "  missing "+id)
		} else if g != want[id] {
			lines = append(lines, fmt.Sprintf("  %s:\n    %s\n    %s", id, g, want[id]))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[id]; !ok {
			lines = append(lines, "  extra "+id)
		}
	}
	return strings.Join(lines, "\n")
}
