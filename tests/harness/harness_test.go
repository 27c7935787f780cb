package harness

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	greeterType = "test:index:Greeter"
	stackType   = "pulumi:pulumi:Stack"
	warning     = "greeter is a test component"
)

// greeter is the Go twin of testdata/greeter.{ts,py} and testdata/yaml.
type greeter struct {
	pulumi.ResourceState
	Greeting pulumi.StringOutput
}

func newGreeter(ctx *pulumi.Context, name string, who pulumi.StringInput) (*greeter, error) {
	g := &greeter{}
	if err := ctx.RegisterComponentResource(greeterType, name, g); err != nil {
		return nil, err
	}
	g.Greeting = pulumi.Sprintf("hello %s", who)
	if err := ctx.Log.Warn(warning, &pulumi.LogArgs{Resource: g}); err != nil {
		return nil, err
	}
	return g, ctx.RegisterResourceOutputs(g, pulumi.Map{"greeting": g.Greeting})
}

func goGreeter(ctx *pulumi.Context) error {
	who := "go"
	if v, ok := ctx.GetConfig(ctx.Project() + ":who"); ok {
		who = v
	}
	g, err := newGreeter(ctx, "greeter", pulumi.String(who))
	if err != nil {
		return err
	}
	ctx.Export("greeting", g.Greeting)
	ctx.Export("secret", pulumi.ToSecret(pulumi.String("s3cr3t")))
	return nil
}

// checkLifecycle drives a greeter program through preview, up, a no-op preview, refresh and
// destroy, and asserts what the engine reported at each step.
func checkLifecycle(t *testing.T, st *Stack, withComponent bool, who string) {
	t.Helper()
	st.SetConfig(st.Project+":who", who, false)

	pre := st.Preview()
	if got := pre.Count(OpCreate, stackType); got != 1 {
		t.Errorf("first preview: %d creates of %s, want 1\n%s", got, stackType, pre)
	}
	if !pre.HasChanges() {
		t.Errorf("first preview reports no changes\n%s", pre)
	}

	up := st.Up()
	if v, err := up.Output("greeting"); err != nil || v != "hello "+who {
		t.Errorf("output greeting = %v (%v), want %q", v, err, "hello "+who)
	}
	if o := up.Outputs["secret"]; !o.Secret || o.Value != "s3cr3t" {
		t.Errorf("output secret = %+v, want the secret value s3cr3t", o)
	}
	if up.Changes[OpCreate] == 0 {
		t.Errorf("up created nothing\n%s", up)
	}
	if up.Elapsed <= 0 || pre.Elapsed <= 0 {
		t.Errorf("elapsed: preview %v, up %v; want both measured", pre.Elapsed, up.Elapsed)
	}
	if withComponent {
		for _, sum := range []*Summary{pre, up} {
			if got := sum.Count(OpCreate, greeterType); got != 1 {
				t.Errorf("%s: %d creates of %s, want 1\n%s", sum.Operation, got, greeterType, sum)
			}
			if !slices.Contains(sum.Warnings(), warning) {
				t.Errorf("%s: warnings %q lack %q", sum.Operation, sum.Warnings(), warning)
			}
		}
		if ws := up.ByType()[greeterType]; ws[OpCreate] != 1 {
			t.Errorf("ByType()[%s] = %v, want one create", greeterType, ws)
		}
	}

	if again := st.Preview(); again.HasChanges() {
		t.Errorf("second preview has changes\n%s", again)
	} else if again.Changes[OpSame] == 0 {
		t.Errorf("second preview reports no unchanged resources either\n%s", again)
	}
	if ref := st.Refresh(); ref.HasChanges() {
		t.Errorf("refresh has changes\n%s", ref)
	}

	down := st.Destroy()
	if got := down.Count(OpDelete, stackType); got != 1 {
		t.Errorf("destroy: %d deletes of %s, want 1\n%s", got, stackType, down)
	}
	if withComponent && down.Count(OpDelete, greeterType) != 1 {
		t.Errorf("destroy did not delete the component\n%s", down)
	}
}

func TestGoInlineProgram(t *testing.T) {
	t.Parallel()
	env := New(t)
	checkLifecycle(t, env.GoStack("harness-go", "dev", goGreeter), true, "gopher")
}

func TestTypeScriptInlineProgram(t *testing.T) {
	t.Parallel()
	env := New(t)
	checkLifecycle(t, env.NodeStack("harness-ts", "dev", "tests/harness/testdata/greeter.ts", "greeter"),
		true, "node")
}

func TestPythonInlineProgram(t *testing.T) {
	t.Parallel()
	env := New(t)
	checkLifecycle(t, env.PythonStack("harness-py", "dev", "tests/harness/testdata/greeter.py", "greeter"),
		true, "snake")
}

func TestYAMLProject(t *testing.T) {
	t.Parallel()
	env := New(t)
	st := env.YAMLStack("tests/harness/testdata/yaml", "dev")
	if st.Project != "harness-yaml" {
		t.Fatalf("project = %q, want the name from Pulumi.yaml", st.Project)
	}
	checkLifecycle(t, st, false, "yaml")
}

// A consumer stack reads a producer stack's output through a StackReference on the shared file
// backend, which is how the producer and consumer examples will be wired.
func TestStackReference(t *testing.T) {
	t.Parallel()
	env := New(t)
	producer := env.GoStack("harness-producer", "dev", func(ctx *pulumi.Context) error {
		ctx.Export("endpoint", pulumi.String("10.0.0.7"))
		return nil
	})
	producer.Up()

	consumer := env.GoStack("harness-consumer", "dev", func(ctx *pulumi.Context) error {
		ref, err := pulumi.NewStackReference(ctx, producer.Ref(), nil)
		if err != nil {
			return err
		}
		ctx.Export("seen", ref.GetStringOutput(pulumi.String("endpoint")))
		return nil
	})
	if got := consumer.Preview().Count(OpRead, "pulumi:pulumi:StackReference"); got != 1 {
		t.Errorf("consumer preview reads %d stack references, want 1", got)
	}
	up := consumer.Up()
	if v, err := up.Output("seen"); err != nil || v != "10.0.0.7" {
		t.Errorf("consumer output seen = %v (%v), want 10.0.0.7", v, err)
	}
	consumer.Destroy()
	producer.Destroy()
}

// A refresh runs the program only as RefreshProgram, whose summary then carries what the program
// logged; a plain refresh reports no program warnings.
func TestRefreshProgram(t *testing.T) {
	t.Parallel()
	env := New(t)
	st := env.GoStack("harness-refresh", "dev", goGreeter)
	st.Up()
	if ws := st.Refresh().Warnings(); slices.Contains(ws, warning) {
		t.Errorf("a plain refresh ran the program: warnings %q", ws)
	}
	sum, err := st.Try(RefreshProgram)
	if err != nil || !slices.Contains(sum.Warnings(), warning) || sum.Operation != RefreshProgram {
		t.Errorf("refresh --run-program: %v, %s: want the program's warning %q", err, sum, warning)
	}
	st.Destroy()
}

// A failing program surfaces as an error from Try, with the program's message in it.
func TestFailingProgram(t *testing.T) {
	t.Parallel()
	env := New(t)
	st := env.GoStack("harness-fail", "dev", func(ctx *pulumi.Context) error {
		return errBoom
	})
	_, err := st.Try(Up)
	if err == nil || !strings.Contains(err.Error(), errBoom.Error()) {
		t.Fatalf("Try(Up) = %v, want an error containing %q", err, errBoom)
	}
}

var errBoom = boomError("the program failed on purpose")

type boomError string

func (e boomError) Error() string { return string(e) }

// The Node driver and the TypeScript test programs run transpile-only; this is where their types
// are checked.
func TestTypeScriptTypeChecks(t *testing.T) {
	t.Parallel()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	tsc := filepath.Join(root, "tests", "node_modules", ".bin", "tsc")
	out, err := exec.Command(tsc, "-p", filepath.Join(root, "tests", "node")).CombinedOutput()
	if err != nil {
		t.Fatalf("tsc -p tests/node: %v\n%s", err, out)
	}
}

// A world's copy for a subtest shares everything but the T it reports to.
func TestForSharesTheWorld(t *testing.T) {
	t.Parallel()
	env := New(t)
	t.Run("sub", func(t *testing.T) {
		sub := env.For(t)
		if sub.Dir != env.Dir || sub.SimState != env.SimState || sub.t != T(t) {
			t.Fatalf("For(t) = %+v, want the world %s reporting to the subtest", sub, env.Dir)
		}
		sub.SetEnv("HARNESS_FOR_PROBE", "1")
	})
	if got := env.Environ()["HARNESS_FOR_PROBE"]; got != "1" {
		t.Errorf("SetEnv on a subtest's copy did not reach the world: %q", got)
	}
}
