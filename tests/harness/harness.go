// Package harness gives an end-to-end test its own Pulumi world and drives programs in Go,
// TypeScript, Python and YAML through the real engine.
//
// A world (Env) is a temporary directory holding a private PULUMI_HOME with exactly the plugins
// the test asks for, a file:// backend and the state directory of the GCP simulator. Nothing is
// read from or written to the user's Pulumi installation, and nothing is downloaded:
//
//	env := harness.New(t, harness.GCP())
//	st := env.GoStack("producer", "dev", func(ctx *pulumi.Context) error { ... })
//	sum := st.Up()
//	if got := sum.Count(harness.OpCreate, "gcp:compute/network:Network"); got != 1 { ... }
//	if sum := st.Preview(); sum.HasChanges() { t.Errorf("second preview changes: %v", sum.Changes) }
//
// Every operation returns a Summary of what the engine did: change counts by operation and by
// resource type, the stack outputs and the diagnostics (warnings) it printed.
//
// The harness needs the toolchain built by tools/bootstrap.sh: bin/pulumi always, and
// bin/pulumi-language-yaml, tests/node_modules and .venv for YAML, TypeScript and Python stacks
// (the Go-only demo needs just the CLI); when a piece is missing the test fails and says so.
package harness

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// modulePath is the root module's path; the repository root is the directory whose go.mod
// declares it.
const modulePath = "github.com/cloudrun-psc/pulumi-cloudrun-psc"

// Passphrase encrypts the secrets of every stack in a world.
const Passphrase = "cloudrun-psc-harness"

// OperationTimeout bounds each engine operation.
var OperationTimeout = 5 * time.Minute

// Plugin is a resource plugin installed into a world's PULUMI_HOME from a local binary.
type Plugin struct {
	Name    string // e.g. "gcp"
	Version string // e.g. "8.41.1"
	Binary  string // path of the pulumi-resource-<name> binary; relative paths are from the repo root
}

// GCP is the simulator served as pulumi-gcp v8.41.1 (bin/pulumi-resource-gcp, built from sim/).
func GCP() Plugin {
	return Plugin{Name: "gcp", Version: "8.41.1", Binary: "bin/pulumi-resource-gcp"}
}

// CloudrunPSC is this repository's provider at the given version
// (bin/pulumi-resource-cloudrun-psc).
func CloudrunPSC(version string) Plugin {
	return Plugin{Name: "cloudrun-psc", Version: version, Binary: "bin/pulumi-resource-cloudrun-psc"}
}

// T is the part of testing.TB the harness uses: a *testing.T satisfies it, and so does a
// command such as the demo that drives the same worlds outside a test.
type T interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
	TempDir() string
}

// Env is one test's Pulumi world.
type Env struct {
	t T

	// Root is the repository root.
	Root string
	// Dir is the world's temporary directory; everything below lives inside it.
	Dir string
	// Home is the private PULUMI_HOME.
	Home string
	// BackendURL is the file:// URL of the world's backend.
	BackendURL string
	// SimState is the GCP simulator's state directory (GCPSIM_STATE_DIR).
	SimState string

	mu    *sync.Mutex // guards vars, which SetEnv may change while stacks run; shared with For's copies
	vars  map[string]string
	world map[string]bool // the keys of vars that New set
	cmd   auto.PulumiCommand
}

// New creates a world for t and installs the given plugins into it. It fails t if the
// toolchain is missing.
func New(t T, plugins ...Plugin) *Env {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	needTool(t, root, "bin/pulumi")
	dir := t.TempDir()
	e := &Env{
		t:          t,
		Root:       root,
		Dir:        dir,
		Home:       filepath.Join(dir, "pulumi-home"),
		BackendURL: "file://" + filepath.Join(dir, "backend"),
		SimState:   filepath.Join(dir, "gcpsim"),
		mu:         &sync.Mutex{},
	}
	for _, d := range []string{e.Home, filepath.Join(dir, "backend"), e.SimState, filepath.Join(dir, "work")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	e.vars = map[string]string{
		"PULUMI_HOME":                                 e.Home,
		"PULUMI_BACKEND_URL":                          e.BackendURL,
		"PULUMI_CONFIG_PASSPHRASE":                    Passphrase,
		"PULUMI_IGNORE_AMBIENT_PLUGINS":               "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_SKIP_CONFIRMATIONS":                   "true",
		"GCPSIM_STATE_DIR":                            e.SimState,
		// The YAML language host is found next to the CLI and on PATH.
		"PATH": filepath.Join(root, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
		// Keep the credentials of a real Pulumi installation out of the world.
		"PULUMI_ACCESS_TOKEN": "",
	}
	e.world = map[string]bool{}
	for k := range e.vars {
		e.world[k] = true
	}
	e.cmd, err = auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root})
	if err != nil {
		t.Fatalf("harness: bin/pulumi is not usable by the Automation API: %v", err)
	}
	for _, p := range plugins {
		e.Install(p)
	}
	return e
}

// needTool fails t when the toolchain piece need (relative to the repo root) is missing.
func needTool(t T, root, need string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(root, need)); err != nil {
		t.Fatalf("harness: %s is missing; run tools/bootstrap.sh (make tools)", need)
	}
}

// For returns the same world reporting to t instead: for subtests that share a world (its
// backend, plugins, simulator and environment, which SetEnv on either changes) and run in
// parallel, so that a failure stops the subtest that met it.
func (e *Env) For(t T) *Env {
	c := *e
	c.t = t
	return &c
}

// Install installs a resource plugin from a local binary into the world's PULUMI_HOME.
func (e *Env) Install(p Plugin) {
	e.t.Helper()
	bin := p.Binary
	if !filepath.IsAbs(bin) {
		bin = filepath.Join(e.Root, bin)
	}
	if _, err := os.Stat(bin); err != nil {
		e.t.Fatalf("harness: plugin %s: %v (build it first)", p.Name, err)
	}
	if _, err := e.Pulumi("plugin", "install", "resource", p.Name, p.Version, "-f", bin); err != nil {
		e.t.Fatalf("harness: installing plugin %s %s: %v", p.Name, p.Version, err)
	}
}

// SetEnv sets a variable of the world's environment for every operation that starts afterwards,
// on any stack of the world, already created or not: the engine, the plugins it launches and the
// programs see it. The GCP simulator reads GCPSIM_FAULTS and GCPSIM_LATENCY_SCALE from it:
//
//	env.SetEnv("GCPSIM_FAULTS", "create:gcp:compute/network:Network:1:transient")
func (e *Env) SetEnv(key, value string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.vars[key] = value
}

// UnsetEnv removes a variable SetEnv set, for the operations that start afterwards. The
// variables that define the world (PULUMI_HOME, the backend, GCPSIM_STATE_DIR…) cannot be removed.
func (e *Env) UnsetEnv(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.world[key] {
		e.t.Fatalf("harness: %s defines the world and cannot be unset", key)
		return
	}
	delete(e.vars, key)
}

// Environ returns the variables that define the world, as the engine and every program see them.
func (e *Env) Environ() map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]string, len(e.vars))
	for k, v := range e.vars {
		out[k] = v
	}
	return out
}

// BackendDir is the directory of the world's file backend (BackendURL without its scheme).
func (e *Env) BackendDir() string { return strings.TrimPrefix(e.BackendURL, "file://") }

// Pulumi runs bin/pulumi inside the world and returns its standard output.
func (e *Env) Pulumi(args ...string) (string, error) {
	cmd := exec.Command(filepath.Join(e.Root, "bin", "pulumi"), append(args, "--non-interactive")...)
	cmd.Dir = e.Dir
	cmd.Env = e.cmdEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("pulumi %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

// cmdEnv is the process environment for subprocesses: the caller's, overridden by the world's.
func (e *Env) cmdEnv() []string {
	vars := e.Environ()
	env := make([]string, 0, len(os.Environ())+len(vars))
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := vars[k]; !ok {
			env = append(env, kv)
		}
	}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// workDir returns a fresh directory for one stack's workspace.
func (e *Env) workDir(project, stack string) string {
	e.t.Helper()
	d, err := os.MkdirTemp(filepath.Join(e.Dir, "work"), project+"-"+stack+"-")
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func (e *Env) context() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), OperationTimeout)
}

var (
	rootOnce sync.Once
	root     string
	rootErr  error
)

// RepoRoot returns the repository root: the nearest directory above the working directory whose
// go.mod declares the root module.
func RepoRoot() (string, error) {
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			rootErr = err
			return
		}
		for {
			if isRoot(filepath.Join(dir, "go.mod")) {
				root = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				rootErr = fmt.Errorf("harness: no go.mod for module %s above the working directory", modulePath)
				return
			}
			dir = parent
		}
	})
	return root, rootErr
}

func isRoot(goMod string) bool {
	f, err := os.Open(goMod)
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if fields := strings.Fields(s.Text()); len(fields) == 2 && fields[0] == "module" {
			return fields[1] == modulePath
		}
	}
	return false
}

// Command prepares a program of the repository's bin/ (e.g. "cloudrun-psc") to run inside the
// world: its environment is the world's.
func (e *Env) Command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(e.Root, "bin", name), args...)
	cmd.Env = e.cmdEnv()
	return cmd
}
