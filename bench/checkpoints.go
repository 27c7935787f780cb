package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// Checkpoints is section 6: what the engine's per-step checkpoints cost the components against
// the same graph written by hand, at one N, under the engine settings a user can choose, and
// where in the stack's state the difference lies.
type Checkpoints struct {
	N int
	// Ups are the up times by setting (CheckpointSetting.Name) and program, one per round.
	Ups map[string]map[Program][]time.Duration
	// Ratio is components / by hand of the up, pair by pair within a round, by setting.
	Ratio map[string]Stat
	// State is each program's stack as one up with the default settings wrote it.
	State map[Program]StateAnatomy
	Wall  time.Duration
}

// CheckpointSetting is one way a user can run the engine.
type CheckpointSetting struct {
	Name string
	Vars map[string]string
	What string
}

// CheckpointSettings are the settings the section compares; the first is the engine's default.
var CheckpointSettings = []CheckpointSetting{
	{Name: "default", What: "the whole stack saved after every step, and the previous file kept as a backup"},
	{Name: "no backups", Vars: map[string]string{"PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS": "true"},
		What: "the whole stack saved after every step, no backup copy (file backends)"},
	{Name: "skipped", Vars: skipCheckpoints,
		What: "the stack saved once, at the end (an interrupted update loses its record of what it created)"},
}

// skippedSetting is the name of the setting that removes the per-step checkpoints.
const skippedSetting = "skipped"

// checkpointsTarget is the most the Go components' up may cost over the hand-written one at the
// section's N.
const checkpointsTarget = 1.15

// StateAnatomy is a stack's state after one up: how much the engine wrote, and what the final
// state is made of.
type StateAnatomy struct {
	Resources, Components int   // entries in the final state, and the component resources among them
	Saves                 int   // checkpoints the up wrote (PULUMI_DIY_BACKEND_RETAIN_CHECKPOINTS keeps each)
	Written               int64 // bytes of all those checkpoints
	Final                 int64 // bytes of the last one
	// Parts are the bytes of the final state's resources by StatePart (JSON, as exported).
	Parts map[StatePart]int64
}

// StatePart is a share of a stack's state, by who puts it there.
type StatePart string

// The parts of a state: what cloudrun-psc decides (component outputs, descriptions of the
// children) and what the engine and the SDK record for any resource.
const (
	PartComponentOutputs StatePart = "component outputs"               // ours: RegisterResourceOutputs
	PartDescriptions     StatePart = "descriptions of cloud resources" // ours: each child's description, input and output
	PartStackTraces      StatePart = "stack traces"                    // the SDK's: where each resource was registered
	PartComponentRest    StatePart = "component entries, the rest"     // the engine's: URN, type, parent, times
	PartCustomRest       StatePart = "other entries, the rest"         // cloud resources, providers and the stack
)

// StateParts are the parts in the order the report lists them.
var StateParts = []StatePart{PartComponentOutputs, PartDescriptions, PartStackTraces, PartComponentRest, PartCustomRest}

// ours reports whether cloudrun-psc decides what a part holds.
func (p StatePart) ours() bool { return p == PartComponentOutputs || p == PartDescriptions }

func (b *bench) checkpoints() Checkpoints {
	n, reps := b.opts.CheckpointEndpoints, b.opts.CheckpointReps
	b.logf("6. checkpoints: N = %d, %d rounds of 2 programs × %d settings, then one counted up each", n, reps, len(CheckpointSettings))
	start := time.Now()
	c := Checkpoints{N: n, Ups: map[string]map[Program][]time.Duration{}, Ratio: map[string]Stat{}, State: map[Program]StateAnatomy{}}
	progs := []Program{GoComponents, GoByHand}
	for rep := range reps {
		for _, s := range CheckpointSettings {
			if c.Ups[s.Name] == nil {
				c.Ups[s.Name] = map[Program][]time.Duration{}
			}
			b.logf("   round %d, %s:", rep+1, s.Name)
			for _, p := range rotate(progs, rep) {
				d := b.deploy(p, deployOpts{n: n, vars: s.Vars})
				c.Ups[s.Name][p] = append(c.Ups[s.Name][p], d.Up)
			}
		}
	}
	for _, s := range CheckpointSettings {
		c.Ratio[s.Name] = stat(ratios(c.Ups[s.Name][GoComponents], c.Ups[s.Name][GoByHand]))
	}
	for _, p := range progs {
		var a StateAnatomy
		b.deploy(p, deployOpts{n: n, export: true, vars: map[string]string{"PULUMI_DIY_BACKEND_RETAIN_CHECKPOINTS": "true"},
			inWorld: func(env *harness.Env, st *harness.Stack, d deployment) {
				a = anatomy(d.Export)
				a.Saves, a.Written, a.Final = savedCheckpoints(st.StateFile())
			}})
		c.State[p] = a
	}
	c.Wall = time.Since(start)
	return c
}

// retained matches the copies PULUMI_DIY_BACKEND_RETAIN_CHECKPOINTS keeps of a stack's checkpoint:
// the file's name, a dot and the time it was written in nanoseconds.
var retained = regexp.MustCompile(`\.json\.[0-9]+$`)

// savedCheckpoints counts and sizes the checkpoints a file backend kept of the stack whose state
// is stateFile, and the size of the last one.
func savedCheckpoints(stateFile string) (saves int, written, last int64) {
	files, err := filepath.Glob(stateFile + ".*")
	if err != nil {
		panic(failure{err.Error()})
	}
	var newest string
	for _, f := range files {
		if !retained.MatchString(f) {
			continue
		}
		fi, err := os.Stat(f)
		if err != nil {
			panic(failure{err.Error()})
		}
		saves++
		written += fi.Size()
		if f > newest { // the same number of digits until the year 2286
			newest, last = f, fi.Size()
		}
	}
	if saves == 0 {
		panic(failure{"no checkpoint was kept beside " + stateFile + ": PULUMI_DIY_BACKEND_RETAIN_CHECKPOINTS had no effect"})
	}
	return saves, written, last
}

// stackType is the type of a stack's root resource, which no component registers.
const stackType = "pulumi:pulumi:Stack"

// anatomy splits a stack's resources into StateParts, by the bytes of their JSON.
func anatomy(d *apitype.DeploymentV3) StateAnatomy {
	a := StateAnatomy{Resources: len(d.Resources), Parts: map[StatePart]int64{}}
	for _, r := range d.Resources {
		all := int64(len(mustJSON(r)))
		trace := field64("stackTrace", r.StackTrace, len(r.StackTrace) > 0)
		a.Parts[PartStackTraces] += trace
		if !r.Custom && r.Type != stackType {
			a.Components++
			outs := field64("outputs", r.Outputs, len(r.Outputs) > 0)
			a.Parts[PartComponentOutputs] += outs
			a.Parts[PartComponentRest] += all - trace - outs
			continue
		}
		var desc int64
		for _, props := range []map[string]any{r.Inputs, r.Outputs} {
			if v, ok := props["description"].(string); ok && v != "" {
				desc += field64("description", v, true)
			}
		}
		a.Parts[PartDescriptions] += desc
		a.Parts[PartCustomRest] += all - trace - desc
	}
	return a
}

// field64 is what a JSON object field "key":value adds to its object (with its comma), or 0 when
// the field is left out.
func field64(key string, v any, present bool) int64 {
	if !present {
		return 0
	}
	return int64(len(mustJSON(key)) + 1 + len(mustJSON(v)) + 1)
}

func mustJSON(v any) []byte {
	out, err := json.Marshal(v)
	if err != nil {
		panic(failure{err.Error()})
	}
	return out
}

// perMB is how many seconds of an up each megabyte of checkpoints cost: the up with the default
// settings, less the up with checkpoints skipped (medians), over the bytes it wrote.
func (c Checkpoints) perMB(p Program) float64 {
	written := float64(c.State[p].Written) / 1e6
	if written == 0 {
		return 0
	}
	return (stat(seconds(c.Ups["default"][p])).Median - stat(seconds(c.Ups[skippedSetting][p])).Median) / written
}

func (c Checkpoints) measured() bool { return c.N > 0 && len(c.Ratio) > 0 }
