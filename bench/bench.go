// Package bench measures cloudrun-psc through the real Pulumi CLI (bin/pulumi) against the GCP
// simulator and writes BENCHMARKS.md: what the components cost over the same graph written by
// hand with pulumi-gcp, how close a deployment comes to the critical path of Google Cloud's
// operation latencies, how time and memory grow with the number of consumer endpoints, and how
// fast the provider answers its first Construct.
//
// Every measurement runs in a fresh Pulumi world (tests/harness): a private PULUMI_HOME with
// the simulator installed as the gcp plugin and the provider as the cloudrun-psc plugin, a file
// backend and an empty simulated cloud. Variants that are compared are measured side by side,
// interleaved, in the same run, and the report gives medians with their spread.
//
// cmd/bench runs it (`make bench`); TestSmoke runs a tiny version as part of `go test`.
package bench

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	components "github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/components/go"
	handwritten "github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/handwritten/go"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/spec"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// ProviderVersion is the version the worlds install bin/pulumi-resource-cloudrun-psc at: the
// version of the generated SDKs.
const ProviderVersion = "0.1.0"

// Options say how much to measure.
type Options struct {
	// Reps is how many times each variant of the overhead section runs (preview and up).
	Reps int
	// LatencyReps is how many times each program of the critical-path section runs its up.
	LatencyReps int
	// Latency is GCPSIM_LATENCY_SCALE for the critical-path section: the fraction of Google
	// Cloud's operation times the simulator sleeps.
	Latency float64
	// Endpoints are the consumer endpoint counts of the scale section.
	Endpoints []int
	// CheckpointEndpoints is the endpoint count of the checkpoints section (0 skips it).
	CheckpointEndpoints int
	// CheckpointReps is how many rounds of the checkpoints section run.
	CheckpointReps int
	// StartReps is how many provider starts the start section measures.
	StartReps int
	// RegionReps is how many times each program of the two-region section runs (preview and up);
	// 0 skips the section.
	RegionReps int
	// ConsumerCounts are the consumer counts of the consumer-scale section (consumers.go).
	ConsumerCounts []int
	// Only names the one section to run ("" runs them all): one of SectionNames.
	Only string
	// Log receives one line per measurement; nil is quiet.
	Log io.Writer
}

// Defaults are the options of `make bench`.
func Defaults() Options {
	return Options{
		Reps:                7,
		LatencyReps:         3,
		Latency:             0.05,
		Endpoints:           []int{1, 10, 50, 100, 200},
		CheckpointEndpoints: 50,
		CheckpointReps:      3,
		StartReps:           10,
		RegionReps:          5,
		ConsumerCounts:      []int{1, 10, 100, 500},
	}
}

// SectionNames are the names Options.Only takes, in the order the sections run.
var SectionNames = []string{"overhead", "critical", "scale", "start", "regions", "checkpoints", "consumers"}

// runs reports whether the options run the named section.
func (o Options) runs(section string) bool { return o.Only == "" || o.Only == section }

// Report is what one run measured.
type Report struct {
	Options     Options
	Machine     Machine
	Started     time.Time
	Wall        time.Duration
	Overhead    Overhead
	Critical    Critical
	Scale       Scale
	Start       Start
	Regions     Regions
	Checkpoints Checkpoints
	Consumers   Consumers
}

// Run measures everything and returns the report. It fails when a measurement fails or when
// the programs it compares stop building the same graph.
func Run(opts Options) (rep *Report, err error) {
	if opts.Only != "" && !slices.Contains(SectionNames, opts.Only) {
		return nil, fmt.Errorf("bench: no section %q; the sections are %s", opts.Only, strings.Join(SectionNames, ", "))
	}
	b, err := newBench(opts)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(b.dir)
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(failure)
			if !ok {
				panic(r)
			}
			rep, err = nil, f
		}
	}()
	rep = &Report{Options: opts, Started: time.Now(), Machine: b.machine()}
	if opts.runs("overhead") {
		rep.Overhead = b.overhead()
	}
	if opts.runs("critical") {
		rep.Critical = b.critical()
	}
	if opts.runs("scale") {
		rep.Scale = b.scale()
	}
	if opts.runs("start") {
		rep.Start = b.start()
	}
	if opts.runs("regions") && opts.RegionReps > 0 {
		rep.Regions = b.regions()
	}
	if opts.runs("checkpoints") && opts.CheckpointEndpoints > 0 {
		rep.Checkpoints = b.checkpoints()
	}
	if opts.runs("consumers") && len(opts.ConsumerCounts) > 0 {
		rep.Consumers = b.consumers()
	}
	rep.Wall = time.Since(rep.Started)
	rep.Machine.LoadEnd = loadAverage()
	return rep, nil
}

// bench is one run: its options, the repository root and a scratch directory for the worlds.
type bench struct {
	opts Options
	root string
	dir  string
}

func newBench(opts Options) (*bench, error) {
	root, err := harness.RepoRoot()
	if err != nil {
		return nil, err
	}
	for _, need := range []string{"bin/pulumi-resource-cloudrun-psc", "bin/pulumi-resource-gcp", "bin/gcpsim"} {
		if _, err := os.Stat(filepath.Join(root, need)); err != nil {
			return nil, fmt.Errorf("bench: %s is missing; run make build", need)
		}
	}
	dir, err := os.MkdirTemp("", "cloudrun-psc-bench-")
	if err != nil {
		return nil, err
	}
	return &bench{opts: opts, root: root, dir: dir}, nil
}

func (b *bench) logf(format string, args ...any) {
	if b.opts.Log != nil {
		fmt.Fprintf(b.opts.Log, format+"\n", args...)
	}
}

// failure is how a failed measurement leaves Run: the harness reports failures through its T.
type failure struct{ msg string }

func (f failure) Error() string { return "bench: " + f.msg }

// worldT is the harness.T of one world: failures end the run, the world's files go when it
// is done.
type worldT struct{ dir string }

func (w *worldT) Helper()                      {}
func (w *worldT) Fatal(args ...any)            { panic(failure{fmt.Sprint(args...)}) }
func (w *worldT) Fatalf(f string, args ...any) { panic(failure{fmt.Sprintf(f, args...)}) }
func (w *worldT) Errorf(f string, args ...any) { panic(failure{fmt.Sprintf(f, args...)}) }
func (w *worldT) Logf(string, ...any)          {}
func (w *worldT) TempDir() string              { return w.dir }

// world runs fn in a fresh Pulumi world with the simulator and the provider installed and the
// given extra variables, and deletes the world afterwards.
func (b *bench) world(vars map[string]string, fn func(env *harness.Env)) {
	dir, err := os.MkdirTemp(b.dir, "world-")
	if err != nil {
		panic(failure{err.Error()})
	}
	defer os.RemoveAll(dir)
	env := harness.New(&worldT{dir: dir}, harness.GCP(), harness.CloudrunPSC(ProviderVersion))
	for k, v := range vars {
		env.SetEnv(k, v)
	}
	fn(env)
}

// Program is one way of writing a benchmark graph.
type Program struct {
	Lang       string // "Go" or "TypeScript"
	Components bool   // built with the cloudrun-psc components (else by hand with pulumi-gcp)
	Regions    bool   // the two-region graph (bench/spec/regions.go), else the single-region one
}

// The four programs: bench/components/{go,ts} and bench/handwritten/{go,ts}.
var (
	GoComponents = Program{Lang: "Go", Components: true}
	GoByHand     = Program{Lang: "Go"}
	TSComponents = Program{Lang: "TypeScript", Components: true}
	TSByHand     = Program{Lang: "TypeScript"}
)

// The two programs of the two-region graph: bench/components/go/regions.go and
// bench/handwritten/go/regions.go.
var (
	GoRegionsComponents = Program{Lang: "Go", Components: true, Regions: true}
	GoRegionsByHand     = Program{Lang: "Go", Regions: true}
)

func (p Program) String() string {
	if p.Regions {
		return Program{Lang: p.Lang, Components: p.Components}.String() + ", two regions"
	}
	switch {
	case p.Components && p.Lang == "Go":
		return "Go, components (pkg/psc)"
	case p.Components:
		return "TypeScript, components (SDK + provider)"
	default:
		return p.Lang + ", by hand (pulumi-gcp)"
	}
}

// dir is the program's directory under bench/.
func (p Program) dir() string {
	lang := "go"
	if p.Lang != "Go" {
		lang = "ts"
	}
	if p.Components {
		return "bench/components/" + lang
	}
	return "bench/handwritten/" + lang
}

// endpoints is how many PSC endpoints the program's stack holds when configured for n: n, or
// one per region in the two-region graph.
func (p Program) endpoints(n int) int {
	if p.Regions {
		return len(spec.Regions)
	}
	return n
}

// project is the Pulumi project of every benchmark stack.
const project = "bench"

// stack creates the program's stack in env, configured for n consumer endpoints.
func (p Program) stack(env *harness.Env, n int) *harness.Stack {
	var st *harness.Stack
	switch {
	case p == GoComponents:
		st = env.GoStack(project, "dev", components.Graph)
	case p == GoByHand:
		st = env.GoStack(project, "dev", handwritten.Graph)
	case p == GoRegionsComponents:
		st = env.GoStack(project, "dev", components.Regions)
	case p == GoRegionsByHand:
		st = env.GoStack(project, "dev", handwritten.Regions)
	default:
		st = env.NodeStack(project, "dev", p.dir()+"/graph.ts", "graph")
	}
	st.SetConfig("gcp:project", spec.ProducerProject, false)
	st.SetConfig("gcp:region", spec.Region, false)
	st.SetConfig(project+":"+spec.EndpointsConfig, strconv.Itoa(n), false)
	return st
}

// deployment is what one preview and up (or up alone) of a program measured.
type deployment struct {
	Preview, Up time.Duration
	Creates     map[string]int        // resources created, by type, without components and pulumi: types
	Export      *apitype.DeploymentV3 // the stack after the up, when asked for
	Accepted    int                   // PSC endpoints the simulator holds as ACCEPTED
	Memory      Memory                // peak memory of the processes, when sampled
}

// deployOpts say what a deployment measures besides the up.
type deployOpts struct {
	n       int
	preview bool
	export  bool
	sample  bool              // sample the memory of the processes
	vars    map[string]string // world variables, such as GCPSIM_LATENCY_SCALE
	// inWorld, when set, looks at the world after the up, before it is deleted.
	inWorld func(env *harness.Env, st *harness.Stack, d deployment)
}

// deploy deploys program p in a fresh world.
func (b *bench) deploy(p Program, o deployOpts) deployment {
	var d deployment
	b.world(o.vars, func(env *harness.Env) {
		st := p.stack(env, o.n)
		var mem *sampler
		if o.sample {
			mem = startSampler()
		}
		if o.preview {
			d.Preview = st.Preview().Elapsed
		}
		up := st.Up()
		if mem != nil {
			d.Memory = mem.stop()
		}
		d.Up, d.Creates = up.Elapsed, creates(up)
		if o.export {
			d.Export = st.Export()
		}
		for _, r := range env.SimList() {
			if r.Fields["pscConnectionStatus"] == "ACCEPTED" {
				d.Accepted++
			}
		}
		if want := p.endpoints(o.n); d.Accepted != want {
			panic(failure{fmt.Sprintf("%s with %d endpoints: %d endpoints ACCEPTED, want all", p, want, d.Accepted)})
		}
		if o.inWorld != nil {
			o.inWorld(env, st, d)
		}
	})
	b.logf("  %-42s n=%-3d preview %6.2fs  up %6.2fs  %v", p, o.n, d.Preview.Seconds(), d.Up.Seconds(), d.Memory)
	debug.FreeOSMemory()
	return d
}

// creates counts the cloud resources an up created, by type.
func creates(s *harness.Summary) map[string]int {
	out := map[string]int{}
	for _, st := range s.Steps {
		if st.Op == harness.OpCreate && isCloud(st.Type) {
			out[st.Type]++
		}
	}
	return out
}

// isCloud reports whether a type is a Google Cloud resource (not a component, stack or provider).
func isCloud(typ string) bool { return strings.HasPrefix(typ, "gcp:") }

// rotate returns ps starting at index i, so that no program always runs first.
func rotate(ps []Program, i int) []Program {
	i %= len(ps)
	return append(append([]Program(nil), ps[i:]...), ps[:i]...)
}
