package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func testSchema(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestGenerateIsDeterministic(t *testing.T) {
	raw := testSchema(t)
	first, err := generate(raw, "v3.274.1")
	if err != nil {
		t.Fatal(err)
	}
	second, err := generate(raw, "v3.274.1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first, second) {
		t.Fatal("two generations from the same schema differ")
	}
}

func TestGenerateLayout(t *testing.T) {
	sdks, err := generate(testSchema(t), "v3.274.1")
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][]string{
		"go":     {"go.mod", "cloudrunpsc/example.go", "cloudrunpsc/pulumi-plugin.json"},
		"nodejs": {"package.json", "example.ts", "index.ts", "tsconfig.json"},
		"python": {"pyproject.toml", "pulumi_cloudrun_psc/example.py", "pulumi_cloudrun_psc/__init__.py"},
	} {
		for _, name := range want {
			if _, ok := sdks[lang][name]; !ok {
				t.Errorf("%s SDK has no %s; it has %v", lang, name, keys(sdks[lang]))
			}
		}
	}

	goMod := string(sdks["go"]["go.mod"])
	for _, want := range []string{
		"module github.com/cloudrun-psc/pulumi-cloudrun-psc/sdk/go\n",
		"github.com/pulumi/pulumi/sdk/v3 v3.274.1",
	} {
		if !strings.Contains(goMod, want) {
			t.Errorf("go.mod lacks %q:\n%s", want, goMod)
		}
	}
	if pkg := string(sdks["nodejs"]["package.json"]); !strings.Contains(pkg, `"version": "0.1.0"`) {
		t.Errorf("package.json does not carry the schema version:\n%s", pkg)
	}
	// The secret input must be marked secret in every SDK.
	if ts := string(sdks["nodejs"]["example.ts"]); !strings.Contains(ts, `additionalSecretOutputs: ["token"]`) &&
		!strings.Contains(ts, `secret(args.token)`) && !strings.Contains(ts, "pulumi.secret(args.token)") {
		t.Errorf("example.ts does not treat token as a secret:\n%s", ts)
	}
}

func TestGenerateRejectsMisplacedGoModule(t *testing.T) {
	raw := strings.Replace(string(testSchema(t)),
		"github.com/cloudrun-psc/pulumi-cloudrun-psc/sdk/go/cloudrunpsc",
		"github.com/cloudrun-psc/pulumi-cloudrun-psc/cloudrunpsc", 1)
	_, err := generate([]byte(raw), "v3.274.1")
	if err == nil || !strings.Contains(err.Error(), "/sdk/go") {
		t.Fatalf("want an error about the module path, got %v", err)
	}
}

func TestGenerateRejectsBadInputs(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		schema, sdkVersion, wantErr string
	}{
		"no version":     {`{"name":"x"}`, "v3.274.1", "no version"},
		"not json":       {`{`, "v3.274.1", "parsing schema"},
		"bad go version": {`{"name":"x","version":"1.0.0"}`, "3.274.1", "-go-sdk-version"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := generate([]byte(tc.schema), tc.sdkVersion)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("want error containing %q, got %v", tc.wantErr, err)
			}
		})
	}
}

func TestRequireVersion(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ in, want string }{
		"single line": {
			"module m\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.269.0\n",
			"module m\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.274.1\n",
		},
		"block": {
			"module m\n\nrequire (\n\tgithub.com/pulumi/pulumi/sdk/v3 v3.269.0\n)\n",
			"module m\n\nrequire (\n\tgithub.com/pulumi/pulumi/sdk/v3 v3.274.1\n)\n",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := requireVersion([]byte(tc.in), pulumiSDKModule, "v3.274.1")
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	if _, err := requireVersion([]byte("module m\n"), pulumiSDKModule, "v3.274.1"); err == nil {
		t.Fatal("want an error for a go.mod that does not require the SDK")
	}
}

func TestWriteTreeRemovesStaleFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "nodejs")
	if err := writeTree(dir, map[string][]byte{"old.ts": []byte("old"), "sub/a.ts": []byte("a")}); err != nil {
		t.Fatal(err)
	}
	if err := writeTree(dir, map[string][]byte{"sub/a.ts": []byte("new")}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "old.ts")); !os.IsNotExist(err) {
		t.Errorf("stale old.ts survived: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "sub", "a.ts")); string(b) != "new" {
		t.Errorf("sub/a.ts = %q, want %q", b, "new")
	}
	if err := writeTree(dir, map[string][]byte{"../escape": nil}); err == nil {
		t.Error("want an error for a path outside the directory")
	}
}

func keys(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestPythonBuildsWithHatchling(t *testing.T) {
	t.Parallel()
	sdks, err := generate(testSchema(t), "v3.274.1")
	if err != nil {
		t.Fatal(err)
	}
	pyproject := string(sdks["python"]["pyproject.toml"])
	for _, want := range []string{`build-backend = "hatchling.build"`, `requires = ["hatchling"]`, `readme = "pulumi_cloudrun_psc/README.md"`} {
		if !strings.Contains(pyproject, want) {
			t.Errorf("pyproject.toml lacks %s:\n%s", want, pyproject)
		}
	}
	if strings.Contains(pyproject, "setuptools") {
		t.Errorf("pyproject.toml still names setuptools:\n%s", pyproject)
	}
	if _, ok := sdks["python"]["pulumi_cloudrun_psc/README.md"]; !ok {
		t.Errorf("the readme pyproject.toml names is not in the SDK")
	}
}

func TestWithoutTables(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ in, want string }{
		"last, with a bare parent": {
			"[project]\n  name = \"x\"\n\n[tool]\n  [tool.setuptools]\n    [tool.setuptools.package-data]\n      x = [\"a\"]\n",
			"[project]\n  name = \"x\"\n",
		},
		"a parent with keys of its own stays": {
			"[tool]\n  k = 1\n[tool.setuptools]\n  z = 2\n[project]\n  name = \"x\"\n",
			"[tool]\n  k = 1\n[project]\n  name = \"x\"\n",
		},
		"a sibling stays": {
			"[tool.setuptools]\n  z = 2\n[tool.other]\n  y = 1\n",
			"[tool.other]\n  y = 1\n",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := withoutTables(tc.in, "tool.setuptools"); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
