package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Stack is a stack in a world, whatever language its program is written in.
type Stack struct {
	env *Env
	// Project and Name are the project and stack names.
	Project, Name string

	config auto.ConfigMap
	runner runner
}

type runner interface {
	run(ctx context.Context, op Operation, config auto.ConfigMap) (*Summary, error)
}

// Ref is the stack's fully qualified name on the world's file backend, for StackReferences.
func (s *Stack) Ref() string { return "organization/" + s.Project + "/" + s.Name }

// StateFile is the path of the stack's state file (its latest checkpoint) on the world's file
// backend, where the engine keeps project-scoped stacks.
func (s *Stack) StateFile() string {
	return filepath.Join(s.env.BackendDir(), ".pulumi", "stacks", s.Project, s.Name+".json")
}

// SetConfig sets a configuration value (e.g. "gcp:project") for the operations that follow.
func (s *Stack) SetConfig(key, value string, secret bool) {
	s.config[key] = auto.ConfigValue{Value: value, Secret: secret}
}

// Preview runs a preview and fails the test if it fails.
func (s *Stack) Preview() *Summary {
	s.env.t.Helper()
	return s.must(Preview)
}

// Up runs an update and fails the test if it fails.
func (s *Stack) Up() *Summary {
	s.env.t.Helper()
	return s.must(Up)
}

// Refresh runs a refresh and fails the test if it fails.
func (s *Stack) Refresh() *Summary {
	s.env.t.Helper()
	return s.must(Refresh)
}

// Destroy destroys the stack's resources and fails the test if it fails.
func (s *Stack) Destroy() *Summary {
	s.env.t.Helper()
	return s.must(Destroy)
}

// Try runs op and returns its error instead of failing the test: for operations expected to
// fail. The summary holds what the engine reported up to the failure, including the
// diagnostics that explain it.
func (s *Stack) Try(op Operation) (*Summary, error) {
	s.env.t.Helper()
	ctx, cancel := s.env.context()
	defer cancel()
	start := time.Now()
	sum, err := s.runner.run(ctx, op, s.config)
	s.env.t.Logf("harness: %s %s: %s in %s", s.Ref(), op, changesText(sum), time.Since(start).Round(10*time.Millisecond))
	if sum == nil {
		sum = &Summary{Operation: op, Changes: map[string]int{}}
	}
	return sum, err
}

func (s *Stack) must(op Operation) *Summary {
	s.env.t.Helper()
	sum, err := s.Try(op)
	if err != nil {
		s.env.t.Fatalf("%s %s failed: %v\n%s", s.Ref(), op, err, sum)
	}
	return sum
}

// Export returns the stack's deployment as `pulumi stack export` prints it (secrets stay
// encrypted).
func (s *Stack) Export() *apitype.DeploymentV3 {
	s.env.t.Helper()
	out, err := s.env.Pulumi("stack", "export", "--stack", s.Ref())
	if err != nil {
		s.env.t.Fatalf("harness: %v", err)
	}
	var untyped apitype.UntypedDeployment
	if err := json.Unmarshal([]byte(out), &untyped); err != nil {
		s.env.t.Fatalf("harness: %s stack export: %v", s.Ref(), err)
	}
	var d apitype.DeploymentV3
	if len(untyped.Deployment) > 0 {
		if err := json.Unmarshal(untyped.Deployment, &d); err != nil {
			s.env.t.Fatalf("harness: %s stack export (version %d): %v", s.Ref(), untyped.Version, err)
		}
	}
	return &d
}

func changesText(s *Summary) string {
	if s == nil {
		return "no summary"
	}
	return fmt.Sprint(s.Changes)
}

func (e *Env) newStack(project, name string, r runner) *Stack {
	return &Stack{env: e, Project: project, Name: name, config: auto.ConfigMap{}, runner: r}
}

func (e *Env) workspaceOptions(project, workDir string, runtime string) []auto.LocalWorkspaceOption {
	opts := []auto.LocalWorkspaceOption{
		auto.Pulumi(e.cmd),
		auto.PulumiHome(e.Home),
		auto.EnvVars(e.Environ()),
		auto.SecretsProvider("passphrase"),
		auto.WorkDir(workDir),
	}
	if runtime != "" {
		opts = append(opts, auto.Project(workspace.Project{
			Name:    tokens.PackageName(project),
			Runtime: workspace.NewProjectRuntimeInfo(runtime, nil),
			Backend: &workspace.ProjectBackend{URL: e.BackendURL},
		}))
	}
	return opts
}

// GoStack creates (or selects) a stack whose program is a Go function run in the test process.
func (e *Env) GoStack(project, stack string, program pulumi.RunFunc) *Stack {
	e.t.Helper()
	ctx, cancel := e.context()
	defer cancel()
	st, err := auto.UpsertStackInlineSource(ctx, stack, project, program,
		e.workspaceOptions(project, e.workDir(project, stack), "go")...)
	if err != nil {
		e.t.Fatalf("harness: creating Go stack %s/%s: %v", project, stack, err)
	}
	return e.newStack(project, stack, &autoRunner{env: e, stack: st})
}

// YAMLStack creates (or selects) a stack for the Pulumi YAML project in dir (relative paths are
// from the repo root). The project is copied into the world first, so the stack's settings files
// never land in the repository; the project's own name is kept.
func (e *Env) YAMLStack(dir, stack string) *Stack {
	e.t.Helper()
	needTool(e.t, e.Root, "bin/pulumi-language-yaml")
	src := dir
	if !filepath.IsAbs(src) {
		src = filepath.Join(e.Root, src)
	}
	proj, err := workspace.LoadProject(filepath.Join(src, "Pulumi.yaml"))
	if err != nil {
		e.t.Fatalf("harness: %v", err)
	}
	work := e.workDir(proj.Name.String(), stack)
	if err := os.CopyFS(work, os.DirFS(src)); err != nil {
		e.t.Fatalf("harness: copying %s: %v", src, err)
	}
	ctx, cancel := e.context()
	defer cancel()
	st, err := auto.UpsertStackLocalSource(ctx, stack, work, e.workspaceOptions(proj.Name.String(), work, "")...)
	if err != nil {
		e.t.Fatalf("harness: creating YAML stack %s/%s: %v", proj.Name, stack, err)
	}
	return e.newStack(proj.Name.String(), stack, &autoRunner{env: e, stack: st})
}

// autoRunner runs operations through the Go Automation API.
type autoRunner struct {
	env   *Env
	stack auto.Stack
	set   map[string]string // the variables last given to the workspace

	policyPack, policyConfig string // see Stack.WithPolicyPack
}

// syncEnv gives the stack's workspace the world's current variables (see Env.SetEnv) and removes
// those unset since the last operation.
func (r *autoRunner) syncEnv() error {
	ws := r.stack.Workspace()
	vars := r.env.Environ()
	for k := range r.set {
		if _, ok := vars[k]; !ok {
			ws.UnsetEnvVar(k)
		}
	}
	r.set = vars
	return ws.SetEnvVars(vars)
}

func (r *autoRunner) run(ctx context.Context, op Operation, config auto.ConfigMap) (*Summary, error) {
	if err := r.syncEnv(); err != nil {
		return nil, err
	}
	if len(config) > 0 {
		if err := r.stack.SetAllConfig(ctx, config); err != nil {
			return nil, err
		}
	}
	ch := make(chan events.EngineEvent)
	collected := make(chan []apitype.EngineEvent, 1)
	go func() {
		var evs []apitype.EngineEvent
		for ev := range ch {
			if ev.Error == nil {
				evs = append(evs, ev.EngineEvent)
			}
		}
		collected <- evs
	}()

	var err error
	var outputs auto.OutputMap
	start := time.Now()
	switch op {
	case Preview:
		opts := []optpreview.Option{optpreview.EventStreams(ch), optpreview.Color("never")}
		if r.policyPack != "" {
			opts = append(opts, optpreview.PolicyPacks(r.policyPack))
		}
		if r.policyConfig != "" {
			opts = append(opts, optpreview.PolicyPackConfigs(r.policyConfig))
		}
		_, err = r.stack.Preview(ctx, opts...)
	case Up:
		opts := []optup.Option{optup.EventStreams(ch), optup.Color("never")}
		if r.policyPack != "" {
			opts = append(opts, optup.PolicyPacks(r.policyPack))
		}
		if r.policyConfig != "" {
			opts = append(opts, optup.PolicyPackConfigs(r.policyConfig))
		}
		var res auto.UpResult
		res, err = r.stack.Up(ctx, opts...)
		outputs = res.Outputs
	case Refresh, RefreshProgram:
		opts := []optrefresh.Option{optrefresh.EventStreams(ch), optrefresh.Color("never")}
		if op == RefreshProgram {
			opts = append(opts, optrefresh.RunProgram(true))
		}
		_, err = r.stack.Refresh(ctx, opts...)
	case Destroy:
		_, err = r.stack.Destroy(ctx, optdestroy.EventStreams(ch), optdestroy.Color("never"))
	default:
		close(ch)
		return nil, fmt.Errorf("unknown operation %q", op)
	}
	elapsed := time.Since(start)

	// The Automation API closes the channel once the engine's event stream ends; an engine that
	// failed before it started streaming never opens it.
	var evs []apitype.EngineEvent
	select {
	case evs = <-collected:
	case <-time.After(10 * time.Second):
	}
	sum := summarize(op, evs)
	sum.Elapsed = elapsed
	if op == Up && err == nil {
		sum.Outputs = map[string]Output{}
		for k, v := range outputs {
			sum.Outputs[k] = Output{Value: v.Value, Secret: v.Secret}
		}
	}
	return sum, err
}

// NodeStack creates a stack whose program is the function exported as export by the TypeScript
// (or JavaScript) module at path (relative paths are from the repo root). The function may be
// async and may return the stack outputs as an object. It runs in tests/node/driver.ts through
// the Node Automation API, one Node process per operation, with @pulumi/pulumi resolved from
// tests/node_modules.
func (e *Env) NodeStack(project, stack, path, export string) *Stack {
	e.t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		e.t.Fatalf("harness: %v", err)
	}
	register := filepath.Join(e.Root, "tests", "node_modules", "ts-node", "register", "transpile-only")
	if _, err := os.Stat(register + ".js"); err != nil {
		e.t.Fatalf("harness: tests/node_modules is not installed; run tools/bootstrap.sh (make tools)")
	}
	return e.driverStack(project, stack, path, export,
		[]string{node, "-r", register, filepath.Join(e.Root, "tests", "node", "driver.ts")},
		map[string]string{
			"NODE_PATH":       filepath.Join(e.Root, "tests", "node_modules"),
			"TS_NODE_PROJECT": filepath.Join(e.Root, "tests", "node", "tsconfig.json"),
		})
}

// PythonStack creates a stack whose program is the function named export in the Python module
// at path (relative paths are from the repo root). The function may return the stack outputs as
// a dict. It runs in tests/python/driver.py through the Python Automation API in .venv, one
// Python process per operation.
func (e *Env) PythonStack(project, stack, path, export string) *Stack {
	e.t.Helper()
	python := filepath.Join(e.Root, ".venv", "bin", "python")
	if _, err := os.Stat(python); err != nil {
		e.t.Fatalf("harness: .venv is not installed; run tools/bootstrap.sh (make tools)")
	}
	return e.driverStack(project, stack, path, export,
		[]string{python, filepath.Join(e.Root, "tests", "python", "driver.py")}, nil)
}

func (e *Env) driverStack(project, stack, path, export string, argv []string, vars map[string]string) *Stack {
	if !filepath.IsAbs(path) {
		path = filepath.Join(e.Root, path)
	}
	if _, err := os.Stat(path); err != nil {
		e.t.Fatalf("harness: program module: %v", err)
	}
	return e.newStack(project, stack, &driverRunner{
		env:  e,
		argv: argv,
		vars: vars,
		req: driverRequest{
			Project:    project,
			Stack:      stack,
			Module:     path,
			Export:     export,
			PulumiRoot: e.Root,
			WorkDir:    e.workDir(project, stack),
			BackendURL: e.BackendURL,
		},
	})
}

// driverRequest is what tests/node/driver.ts and tests/python/driver.py read.
type driverRequest struct {
	Operation  Operation              `json:"operation"`
	Project    string                 `json:"project"`
	Stack      string                 `json:"stack"`
	Module     string                 `json:"module"`
	Export     string                 `json:"export"`
	PulumiRoot string                 `json:"pulumiRoot"`
	WorkDir    string                 `json:"workDir"`
	BackendURL string                 `json:"backendUrl"`
	Config     map[string]configValue `json:"config"`
}

// configValue is a config entry in the JSON shape of the Node and Python Automation APIs.
type configValue struct {
	Value  string `json:"value"`
	Secret bool   `json:"secret"`
}

// driverResult is what the drivers write back: the raw engine events, the outputs of an up,
// the error message of a failed operation and how long the operation's Automation API call took.
type driverResult struct {
	Events    []apitype.EngineEvent `json:"events"`
	Outputs   map[string]Output     `json:"outputs"`
	Error     string                `json:"error"`
	ElapsedMs float64               `json:"elapsedMs"`
}

type driverRunner struct {
	env  *Env
	argv []string
	vars map[string]string
	req  driverRequest
}

func (r *driverRunner) run(ctx context.Context, op Operation, config auto.ConfigMap) (*Summary, error) {
	req := r.req
	req.Operation, req.Config = op, map[string]configValue{}
	for k, v := range config {
		req.Config[k] = configValue{Value: v.Value, Secret: v.Secret}
	}
	raw, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(req.WorkDir, string(op)+"-")
	if err != nil {
		return nil, err
	}
	reqPath, resPath := filepath.Join(dir, "request.json"), filepath.Join(dir, "result.json")
	if err := os.WriteFile(reqPath, raw, 0o644); err != nil {
		return nil, err
	}

	cmd := exec.CommandContext(ctx, r.argv[0], append(r.argv[1:], reqPath, resPath)...)
	cmd.Dir = req.WorkDir
	cmd.Env = r.env.cmdEnv()
	for k, v := range r.vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	runErr := cmd.Run()

	resRaw, err := os.ReadFile(resPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("driver %s wrote no result (%v):\n%s", filepath.Base(r.argv[len(r.argv)-1]), runErr, output.String())
	} else if err != nil {
		return nil, err
	}
	var res driverResult
	if err := json.Unmarshal(resRaw, &res); err != nil {
		return nil, fmt.Errorf("driver result %s: %w", resPath, err)
	}
	sum := summarize(op, res.Events)
	sum.Elapsed = time.Duration(res.ElapsedMs * float64(time.Millisecond))
	if op == Up && res.Error == "" {
		sum.Outputs = res.Outputs
		if sum.Outputs == nil {
			sum.Outputs = map[string]Output{}
		}
	}
	if res.Error != "" {
		return sum, fmt.Errorf("%s %s: %s", req.Project, op, res.Error)
	}
	if runErr != nil {
		return sum, fmt.Errorf("driver: %w:\n%s", runErr, output.String())
	}
	return sum, nil
}

// WorkDir is the directory of the stack's workspace (its Pulumi.yaml and Pulumi.STACK.yaml),
// where a user runs the pulumi CLI on it; "" for stacks driven by another language's
// Automation API.
func (s *Stack) WorkDir() string {
	if r, ok := s.runner.(*autoRunner); ok {
		return r.stack.Workspace().WorkDir()
	}
	return ""
}

// Configure sets the stack's gcp:project and gcp:region, and extra as more plain configuration
// values.
func (s *Stack) Configure(project, region string, extra map[string]string) {
	s.SetConfig("gcp:project", project, false)
	s.SetConfig("gcp:region", region, false)
	for k, v := range extra {
		s.SetConfig(k, v, false)
	}
}
