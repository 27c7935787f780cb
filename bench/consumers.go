package bench

import (
	"fmt"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	components "github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/components/go"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/spec"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// Consumers is section 7: one ProducerService whose service attachment accepts N consumers, given
// as `consumers` entries or read from N consumer stacks (`consumerStacks`), and what adding one
// more consumer costs.
type Consumers struct {
	Rows []ConsumerRow
	// Fits are the least-squares lines of preview and up seconds over N, by mode and checkpointing.
	Fits map[ConsumerRun]ScaleFit
	// Saves are the checkpoints one up saves, by mode, counted with the engine's retention of
	// every checkpoint (PULUMI_DIY_BACKEND_RETAIN_CHECKPOINTS) at one N.
	Saves []CheckpointCount
	// CopyOutput is what `pulumi stack output` read from a consumer stack written as a copy of the
	// deployed one: the CLI reads the copies as stacks of its own.
	CopyOutput string
	// Wall is how long the section took.
	Wall time.Duration
}

// ConsumerRun is one series of the section: a mode (spec.ConsumerEntries or spec.ConsumerStacks)
// with the engine's default checkpoints or with PULUMI_SKIP_CHECKPOINTS=true.
type ConsumerRun struct {
	Mode        string
	Checkpoints bool
}

func (r ConsumerRun) String() string {
	mode := "`consumers` entries"
	if r.Mode == spec.ConsumerStacks {
		mode = "`consumerStacks`"
	}
	if !r.Checkpoints {
		return mode + ", checkpoints skipped"
	}
	return mode
}

// ConsumerRow is one producer of N consumers: its preview and up in a fresh world, then one more
// consumer added at a time, consumerAdds times.
type ConsumerRow struct {
	ConsumerRun
	N           int
	Preview, Up time.Duration
	Memory      Memory         // over the preview and the up
	UpSteps     map[string]int // the up's steps by operation (a StackReference is a read)
	Adds        []ConsumerAdd
}

// ConsumerAdd is one up that adds consumer number N+1 to a producer of N.
type ConsumerAdd struct {
	N       int // the consumers after it
	Up      time.Duration
	Changes []harness.Step // the steps that were neither same nor read
	Reads   int
	Events  []gcpsim.Event // what the simulator recorded during the up: Google Cloud's mutations
	// Accepted is how many entries the attachment's accept list holds in the simulator afterwards.
	Accepted int
}

// Add is the median time of the row's adds.
func (r ConsumerRow) Add() Stat {
	var ds []time.Duration
	for _, a := range r.Adds {
		ds = append(ds, a.Up)
	}
	return stat(seconds(ds))
}

// CheckpointCount is what one up of N consumers saved, with the engine's default checkpoints: its
// steps, the checkpoints it wrote (each the whole stack) and what its final state is made of,
// with the StackReferences' share of it.
type CheckpointCount struct {
	Mode  string
	N     int
	Steps int
	StateAnatomy
	// StackRefs and StackRefBytes are the StackReference entries of the final state and their bytes.
	StackRefs     int
	StackRefBytes int64
}

// consumerAdds is how many consumers the section adds to each producer, one up each; the add's
// time is their median. An add slower than longAdd is not repeated: the stacks mode with default
// checkpoints at N = 500 takes about a minute an add, twenty times anything the machine's noise
// does, and a second one would make the section a minute longer.
const (
	consumerAdds = 2
	longAdd      = 15 * time.Second
)

// consumerModes are the section's modes.
var consumerModes = []string{spec.ConsumerEntries, spec.ConsumerStacks}

// consumerRuns are the section's series: each mode with the engine's default checkpoints (what
// users get), and the stacks mode, whose time the checkpoints dominate (bench/findings.md), also
// with PULUMI_SKIP_CHECKPOINTS=true. The entries mode measured the same both ways (0.4 s previews
// and 1.0–1.5 s ups from N = 1 to 500), so it runs once.
var consumerRuns = []ConsumerRun{
	{Mode: spec.ConsumerEntries, Checkpoints: true},
	{Mode: spec.ConsumerStacks, Checkpoints: true},
	{Mode: spec.ConsumerStacks},
}

func (b *bench) consumers() Consumers {
	start := time.Now()
	ns := b.opts.ConsumerCounts
	b.logf("7. consumer scale: N = %v consumers, as entries and as stacks", ns)
	c := Consumers{Fits: map[ConsumerRun]ScaleFit{}}
	runs := consumerRuns
	for i, n := range ns {
		for _, run := range rotateRuns(runs, i) {
			c.Rows = append(c.Rows, b.consumerRow(run, n, &c.CopyOutput))
		}
	}
	for _, run := range runs {
		var pts []scalePoint
		for _, r := range c.Rows {
			if r.ConsumerRun == run {
				pts = append(pts, scalePoint{r.N, r.Preview, r.Up, r.Memory})
			}
		}
		c.Fits[run] = scaleFit(pts, Self, engineExe, simulatorExe)
	}
	if n := checkpointCountN(ns); n > 0 {
		for _, mode := range consumerModes {
			c.Saves = append(c.Saves, b.consumerSaves(mode, n))
		}
	}
	c.Wall = time.Since(start)
	return c
}

// checkpointCountN is the N at which the section counts checkpoints: the largest of ns up to 100
// (every checkpoint is kept on disk, so not at the largest N).
func checkpointCountN(ns []int) int {
	best := 0
	for _, n := range ns {
		if n <= 100 && n > best {
			best = n
		}
	}
	return best
}

func rotateRuns(rs []ConsumerRun, i int) []ConsumerRun {
	i %= len(rs)
	return append(append([]ConsumerRun(nil), rs[i:]...), rs[:i]...)
}

// consumerRow deploys a producer of n consumers in a fresh world (preview, then up), then adds
// consumerAdds consumers one up at a time, and fails the run unless each add is one update of the
// service attachment, in the engine and in the simulator, after which the attachment accepts
// every consumer. In stacks mode it also checks, once per run (copyOutput), that the CLI reads a
// copied consumer stack.
func (b *bench) consumerRow(run ConsumerRun, n int, copyOutput *string) ConsumerRow {
	row := ConsumerRow{ConsumerRun: run, N: n}
	var vars map[string]string
	if !run.Checkpoints {
		vars = skipCheckpoints
	}
	b.world(vars, func(env *harness.Env) {
		if run.Mode == spec.ConsumerStacks {
			// The consumers of every add exist beforehand, as the consumers' own stacks would.
			writeConsumerStacks(env, n+consumerAdds)
			if *copyOutput == "" {
				*copyOutput = readCopiedStack(env, n+consumerAdds-1)
			}
		}
		st := consumerProducer(env, run.Mode, n)
		mem := startSampler()
		row.Preview = st.Preview().Elapsed
		up := st.Up()
		row.Memory = mem.stop()
		row.Up = up.Elapsed
		row.UpSteps = stepsByOp(up)
		for k := 1; k <= consumerAdds; k++ {
			row.Adds = append(row.Adds, addConsumer(env, st, n+k))
			if row.Adds[k-1].Up > longAdd {
				break
			}
		}
	})
	b.logf("  %-36s n=%-3d preview %6.2fs  up %6.2fs  add %v  %v", run, n, row.Preview.Seconds(), row.Up.Seconds(), secs(row.Add()), row.Memory)
	debug.FreeOSMemory()
	return row
}

// consumerProducer creates the producer stack of the consumer-scale graph in env, for n consumers.
func consumerProducer(env *harness.Env, mode string, n int) *harness.Stack {
	st := env.GoStack(project, "dev", components.Consumers)
	st.SetConfig("gcp:project", spec.ProducerProject, false)
	st.SetConfig("gcp:region", spec.Region, false)
	st.SetConfig(project+":"+spec.ConsumerModeConfig, mode, false)
	st.SetConfig(project+":"+spec.ConsumersConfig, strconv.Itoa(n), false)
	return st
}

// addConsumer runs the up that takes the producer to n consumers and checks what it did.
func addConsumer(env *harness.Env, st *harness.Stack, n int) ConsumerAdd {
	before := simEvents(env)
	st.SetConfig(project+":"+spec.ConsumersConfig, strconv.Itoa(n), false)
	up := st.Up()
	add := ConsumerAdd{N: n, Up: up.Elapsed, Events: simEvents(env)[len(before):], Accepted: acceptListLen(env)}
	for _, s := range up.Steps {
		switch s.Op {
		case harness.OpSame:
		case harness.OpRead:
			add.Reads++
		default:
			add.Changes = append(add.Changes, s)
		}
	}
	if err := add.check(); err != nil {
		panic(failure{err.Error()})
	}
	return add
}

// check reports how the add differs from what adding a consumer must cost: one update of the
// service attachment, in the engine's steps and in Google Cloud's mutations, after which the
// attachment accepts all n consumers.
func (a ConsumerAdd) check() error {
	var errs []string
	if len(a.Changes) != 1 || a.Changes[0].Op != harness.OpUpdate || a.Changes[0].Type != chain.ServiceAttachmentType {
		errs = append(errs, fmt.Sprintf("the engine's changes were %v, want one update of the service attachment", a.Changes))
	}
	if len(a.Events) != 1 || a.Events[0].Op != harness.OpUpdate || a.Events[0].Type != chain.ServiceAttachmentType {
		errs = append(errs, fmt.Sprintf("the simulator recorded %v, want one update of the service attachment", a.Events))
	}
	if a.Accepted != a.N {
		errs = append(errs, fmt.Sprintf("the attachment accepts %d consumers in the simulator, want %d", a.Accepted, a.N))
	}
	if len(errs) > 0 {
		return fmt.Errorf("adding consumer %d: %s", a.N, strings.Join(errs, "; "))
	}
	return nil
}

// simEvents is the simulator's mutation timeline so far.
func simEvents(env *harness.Env) []gcpsim.Event {
	store, err := gcpsim.OpenStore(env.SimState)
	if err != nil {
		panic(failure{err.Error()})
	}
	evs, err := store.Events()
	if err != nil {
		panic(failure{err.Error()})
	}
	return evs
}

// acceptListLen is how many entries the (only) service attachment's accept list holds in the
// simulator.
func acceptListLen(env *harness.Env) int {
	var atts []*gcpsim.Record
	for _, r := range env.SimSnapshot().Sorted() {
		if r.Type == chain.ServiceAttachmentType {
			atts = append(atts, r)
		}
	}
	if len(atts) != 1 {
		panic(failure{fmt.Sprintf("the simulator holds %d service attachments, want one", len(atts))})
	}
	list, _ := atts[0].Outputs["consumerAcceptLists"].([]any)
	return len(list)
}

func stepsByOp(s *harness.Summary) map[string]int {
	out := map[string]int{}
	for _, st := range s.Steps {
		out[st.Op]++
	}
	return out
}

// consumerSaves deploys a producer of n consumers in mode with every checkpoint kept as a file
// (PULUMI_DIY_BACKEND_RETAIN_CHECKPOINTS, as the checkpoints section does), and counts them.
func (b *bench) consumerSaves(mode string, n int) CheckpointCount {
	cc := CheckpointCount{Mode: mode, N: n}
	b.world(map[string]string{"PULUMI_DIY_BACKEND_RETAIN_CHECKPOINTS": "true"}, func(env *harness.Env) {
		if mode == spec.ConsumerStacks {
			writeConsumerStacks(env, n)
		}
		st := consumerProducer(env, mode, n)
		cc.Steps = len(st.Up().Steps)
		dep := st.Export()
		cc.StateAnatomy = anatomy(dep)
		cc.Saves, cc.Written, cc.Final = savedCheckpoints(st.StateFile())
		for _, r := range dep.Resources {
			if r.Type == stackReferenceType {
				cc.StackRefs++
				cc.StackRefBytes += int64(len(mustJSON(r)))
			}
		}
	})
	b.logf("  checkpoints of one up, %s, n=%d: %d steps, %d saves, %.1f MB", mode, n, cc.Steps, cc.Saves, float64(cc.Written)/(1<<20))
	return cc
}

// stackReferenceType is the type of the resource pulumi.NewStackReference registers.
const stackReferenceType = "pulumi:pulumi:StackReference"

// rowsOf returns the rows of one run, by N.
func (c Consumers) rowsOf(run ConsumerRun) []ConsumerRow {
	var out []ConsumerRow
	for _, r := range c.Rows {
		if r.ConsumerRun == run {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b ConsumerRow) int { return a.N - b.N })
	return out
}

// stackName is the name of a consumer stack as the CLI parses it.
func stackName(i int) tokens.StackName { return tokens.MustParseStackName(spec.ConsumerStackName(i)) }
