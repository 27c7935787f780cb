package programs

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/mdblocks"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/docs"
)

// TestRegistryDocs runs the examples of the Registry docs (docs/_index.md), one complete program
// per language as a user copies it, through the engine and the provider against the simulator,
// configured with the `pulumi config set` commands of docs/installation-configuration.md. Each
// program is previewed (the component is constructed by the provider, its inputs validated and
// its children planned); the README's snippets, of the same shape, are deployed by
// TestReadmeSnippets. The install commands of that page are run by tests/release.
//
// The TypeScript program's `export const` outputs become the returned outputs of the function
// the harness runs; the Python program is run as the body of a function (imports included); the YAML program is a
// project as it is. The Go program is generated into docs/snippets.go (package main becomes
// package docs, its main an init that captures the function given to pulumi.Run) and run inline;
// the test fails when that file differs from what docs/_index.md generates (-update rewrites it).
func TestRegistryDocs(t *testing.T) {
	t.Parallel()
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := mdblocks.Read(filepath.Join(root, filepath.FromSlash(registryPage)), registryLangs...)
	if err != nil {
		t.Fatal(err)
	}
	examples := map[string]mdblocks.Block{}
	for _, b := range blocks {
		if _, dup := examples[b.Lang]; dup {
			t.Fatalf("docs/_index.md:%d: a second %s example; the test runs one per language", b.Line, b.Lang)
		}
		examples[b.Lang] = b
	}
	for _, lang := range registryLangs {
		if _, ok := examples[lang]; !ok {
			t.Errorf("docs/_index.md has no %s example", lang)
		}
	}
	config := docsConfig(t, root)

	generated := filepath.Join(root, "tests", "programs", "docs", "snippets.go")
	src := docsGoSource(t, examples["go"])
	if *update {
		if err := os.WriteFile(generated, src, 0o644); err != nil {
			t.Fatal(err)
		}
	} else if have, err := os.ReadFile(generated); err != nil || !bytes.Equal(have, src) {
		t.Fatalf("tests/programs/docs/snippets.go is not what docs/_index.md's Go example generates (%v): "+
			"regenerate it with go test ./tests/programs -run TestRegistryDocs -update", err)
	}
	if t.Failed() {
		return
	}

	env := harness.New(t, harness.GCP(), harness.CloudrunPSC(sdkVersion))
	dir := filepath.Join(env.Dir, "docs")
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	stacks := map[string]func(env *harness.Env) *harness.Stack{
		"typescript": func(env *harness.Env) *harness.Stack {
			return env.NodeStack("docs-typescript", "dev", write("index.ts", tsProgram(examples["typescript"].Code)), "program")
		},
		"python": func(env *harness.Env) *harness.Stack {
			return env.PythonStack("docs-python", "dev", write("docs_python.py", "def program():\n"+indent(examples["python"].Code, "    ")), "program")
		},
		"go": func(env *harness.Env) *harness.Stack { return env.GoStack("docs-go", "dev", docs.Program) },
		"yaml": func(env *harness.Env) *harness.Stack {
			return env.YAMLStack(filepath.Dir(write("yaml/Pulumi.yaml", examples["yaml"].Code)), "dev")
		},
	}
	for lang, stack := range stacks {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			st := stack(env.For(t))
			for _, kv := range config {
				st.SetConfig(kv[0], kv[1], false)
			}
			sum := st.Preview()
			for _, typ := range []string{chain.ProducerServiceType, chain.ServiceAttachmentType,
				chain.CloudRunServiceType, chain.NetworkType} {
				if n := sum.Count(harness.OpCreate, typ); n != 1 {
					t.Errorf("docs/_index.md:%d: the %s example's preview plans %d %s, want 1 (plan: %v)",
						examples[lang].Line, lang, n, typ, sum.Changes)
				}
			}
		})
	}
}

// docsConfig returns the key and value of every `pulumi config set` command of
// docs/installation-configuration.md.
func docsConfig(t *testing.T, root string) [][2]string {
	t.Helper()
	blocks, err := mdblocks.Read(filepath.Join(root, "docs", "installation-configuration.md"), "bash")
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, b := range blocks {
		for _, line := range strings.Split(strings.TrimSpace(b.Code), "\n") {
			f := strings.Fields(line)
			if len(f) == 5 && f[0] == "pulumi" && f[1] == "config" && f[2] == "set" {
				out = append(out, [2]string{f[3], f[4]})
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("docs/installation-configuration.md has no `pulumi config set` command")
	}
	return out
}

var tsExport = regexp.MustCompile(`(?m)^export const (\w+) =`)

// tsProgram wraps a complete TypeScript program as a module exporting the function program:
// its imports stay at the top, its `export const` outputs are returned.
func tsProgram(code string) string {
	var imports, body []string
	for _, line := range strings.Split(code, "\n") {
		if strings.HasPrefix(line, "import ") {
			imports = append(imports, line)
		} else {
			body = append(body, line)
		}
	}
	var outputs []string
	for _, m := range tsExport.FindAllStringSubmatch(code, -1) {
		outputs = append(outputs, m[1])
	}
	fn := tsExport.ReplaceAllString(strings.Join(body, "\n"), "const $1 =")
	return strings.Join(imports, "\n") + "\n\nexport function program() {\n" + indent(fn, "    ") +
		"    return { " + strings.Join(outputs, ", ") + " };\n}\n"
}

// docsGoSource is docs/snippets.go as docs/_index.md's Go example generates it.
func docsGoSource(t *testing.T, b mdblocks.Block) []byte {
	t.Helper()
	code := b.Code
	for _, r := range []struct{ old, new string }{
		{"package main\n", ""},
		{"func main() {", "func init() {"},
		{"pulumi.Run(", "capture("},
	} {
		if !strings.Contains(code, r.old) {
			t.Fatalf("docs/_index.md:%d: the Go example has no %q; a complete program has", b.Line, strings.TrimSpace(r.old))
		}
		code = strings.Replace(code, r.old, r.new, 1)
	}
	src := fmt.Sprintf(`// Code generated by TestRegistryDocs (tests/programs/docs_test.go) from docs/_index.md; DO NOT EDIT.
// Regenerate it with: go test ./tests/programs -run TestRegistryDocs -update

// Package docs holds the Go example of docs/_index.md, whose main is made an init that keeps the
// program it gives pulumi.Run, for TestRegistryDocs to run inline.
package docs

%s
// Program is the function the example's main gives pulumi.Run.
var Program pulumi.RunFunc

func capture(program pulumi.RunFunc, _ ...pulumi.RunOption) { Program = program }
`, code)
	out, err := format.Source([]byte(src))
	if err != nil {
		t.Fatalf("docs/_index.md:%d: the Go example, wrapped, is not Go: %v\n%s", b.Line, err, src)
	}
	return out
}
