// Package modules guards the boundary between the library module (the repository root: pkg/,
// provider/, the plugin's main, examples/go) and the modules beside it (sim/, tests/, bench/,
// examples/demo, and the generated sdk/go): a user who depends on the library gets none of them.
package modules

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

const library = "github.com/cloudrun-psc/pulumi-cloudrun-psc"

// The packages of the library may never reach these.
var outside = []string{library + "/sim", library + "/tests", library + "/sdk", library + "/bench", library + "/examples/demo"}

func isOutside(path string) bool {
	for _, o := range outside {
		if path == o || strings.HasPrefix(path, o+"/") {
			return true
		}
	}
	return false
}

// goCmd runs go in dir and returns its standard output, failing the test with its output.
func goCmd(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s (in %s): %v\n%s%s", strings.Join(args, " "), dir, err, out, stderr.String())
	}
	return string(out)
}

func root(t *testing.T) string {
	t.Helper()
	r, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The library's go.mod has no replace directive and requires none of the modules beside it, and
// no package of the library (tests included) imports them.
func TestLibraryReachesNoTestSimulatorOrSDKCode(t *testing.T) {
	t.Parallel()
	dir := root(t)
	var mod struct {
		Require []struct{ Path string }
		Replace []struct{ Old struct{ Path string } }
	}
	if err := json.Unmarshal([]byte(goCmd(t, dir, nil, "mod", "edit", "-json")), &mod); err != nil {
		t.Fatal(err)
	}
	if len(mod.Replace) > 0 {
		t.Errorf("the library's go.mod has %d replace directives; a dependent ignores them, so it must need none", len(mod.Replace))
	}
	for _, r := range mod.Require {
		if isOutside(r.Path) {
			t.Errorf("the library's go.mod requires %s", r.Path)
		}
	}
	deps := goCmd(t, dir, []string{"GOFLAGS=-mod=readonly"}, "list", "-deps", "-test", "./...")
	for _, p := range strings.Fields(deps) {
		if isOutside(p) {
			t.Errorf("the library reaches %s (go list -deps -test ./...)", p)
		}
	}
}

// A scratch module depends on the library as a user's would (go get, with the checkout standing
// in for the published version), builds the README's Go producer and consumer, and verifies its
// dependencies; none of the modules beside the library enters its build.
func TestScratchModuleBuildsTheReadmeProgramsWithTheLibrary(t *testing.T) {
	t.Parallel()
	repo := root(t)
	dir := t.TempDir()
	snippets, err := os.ReadFile(filepath.Join(repo, "tests", "programs", "readme", "snippets.go"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"go.mod":             "module example.com/scratch\n\ngo 1.26.6\n",
		"readme/snippets.go": string(snippets),
		"main.go": `package main

import (
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"example.com/scratch/readme"
)

// The README's producer or consumer, by the first argument.
func main() { pulumi.Run(readme.Programs["go-"+os.Args[1]]) }
`,
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"GOFLAGS=-mod=mod", "GOWORK=off"}
	goCmd(t, dir, env, "mod", "edit", "-replace", library+"="+repo)
	goCmd(t, dir, env, "get", library+"@v0.0.0")
	goCmd(t, dir, env, "mod", "tidy")
	goCmd(t, dir, env, "build", "-o", filepath.Join(dir, "program"), ".")
	goCmd(t, dir, env, "mod", "verify")
	for _, m := range strings.Fields(goCmd(t, dir, env, "list", "-m", "all")) {
		if isOutside(m) {
			t.Errorf("the scratch module's build list holds %s", m)
		}
	}
	for _, p := range strings.Fields(goCmd(t, dir, env, "list", "-deps", ".")) {
		if isOutside(p) {
			t.Errorf("the scratch program reaches %s", p)
		}
	}
}
