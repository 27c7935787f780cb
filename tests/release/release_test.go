// Package release tests the release artifacts that `make dist` builds, as a user gets them: the
// plugin archive fetched by the engine from the schema's pluginDownloadURL, the npm package and
// the Python sdist and wheel installed into scratch projects outside the repository, and the Go
// SDK used as a module of its own. The commands of docs/installation-configuration.md are the ones
// run, verbatim (install_test.go): `make packages` builds the artifacts, the commands that install
// from a clone install them, and those that install a release by its published name are pointed
// at them as a registry would serve them.
package release

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// schemaInfo is what the artifacts must agree with: schema.json, from which the SDKs are made.
type schemaInfo struct {
	Name              string `json:"name"`
	Version           string `json:"version"`
	PluginDownloadURL string `json:"pluginDownloadURL"`
	License           string `json:"license"`
	Language          struct {
		Go struct {
			ImportBasePath string `json:"importBasePath"`
		} `json:"go"`
		Python struct {
			PackageName string `json:"packageName"`
		} `json:"python"`
	} `json:"language"`
}

// repo returns the repository root and its schema.json.
func repo(t *testing.T) (string, schemaInfo) {
	t.Helper()
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	s, err := readSchema(root)
	if err != nil {
		t.Fatal(err)
	}
	return root, s
}

func readSchema(root string) (schemaInfo, error) {
	var s schemaInfo
	raw, err := os.ReadFile(filepath.Join(root, "schema.json"))
	if err == nil {
		err = json.Unmarshal(raw, &s)
	}
	if err != nil {
		return s, fmt.Errorf("schema.json: %w", err)
	}
	return s, nil
}

// dist is one run of the installation page's `make packages`, shared by the tests of this package.
type dist struct {
	root   string
	clone  string // what the page calls $CLOUDRUN_PSC: a temporary directory holding dist/ and sdk/
	dir    string // clone/dist, where make packages wrote the artifacts
	schema schemaInfo
	host   string // <os>-<arch>
}

var (
	distOnce sync.Once
	distRun  *dist
	distErr  string
)

// built runs the installation page's `make packages` once, verbatim, in the repository, with DIST
// pointed at the dist/ of a temporary directory that stands for the user's clone (its sdk/ is a
// link to the repository's), so that a release build of the maintainer's in dist/ is left alone.
// make packages builds the archive of the host platform only (the other platforms' archives are
// the same build cross-compiled; their names are checked in TestPluginArchive). DIST_DEV=1 builds
// the plugin in the Go cache's configuration, as make build does: a release's static, path-free
// build would compile the whole dependency tree again (minutes on 2 cores).
func built(t *testing.T) *dist {
	t.Helper()
	distOnce.Do(func() {
		root, err := harness.RepoRoot()
		if err != nil {
			distErr = err.Error()
			return
		}
		d := &dist{root: root, host: runtime.GOOS + "-" + runtime.GOARCH}
		if d.schema, err = readSchema(root); err != nil {
			distErr = err.Error()
			return
		}
		k := buildPackages
		lines, err := pageLines(root, &k)
		if err != nil || len(lines) != 1 {
			distErr = fmt.Sprintf("%s: want one `%s` command, found %q (%v)", installPage, buildPackages.prefix, lines, err)
			return
		}
		if d.clone, err = os.MkdirTemp("", "cloudrun-psc-clone-"); err == nil {
			d.dir = filepath.Join(d.clone, "dist")
			err = os.Symlink(filepath.Join(root, "sdk"), filepath.Join(d.clone, "sdk"))
		}
		if err != nil {
			distErr = err.Error()
			return
		}
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", lines[0])
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "DIST="+d.dir, "DIST_DEV=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			distErr = lines[0] + ": " + err.Error() + "\n" + string(out)
			return
		}
		distRun = d
	})
	if distRun == nil {
		t.Fatal(distErr)
	}
	return distRun
}

func TestMain(m *testing.M) {
	code := m.Run()
	if distRun != nil {
		os.RemoveAll(distRun.clone)
	}
	os.Exit(code)
}

// file returns the one artifact in the dist directory whose name matches pattern.
func (d *dist) file(t *testing.T, pattern string) string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(d.dir, pattern))
	if err != nil || len(matches) != 1 {
		entries, _ := os.ReadDir(d.dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("make dist wrote %d files matching %s (err %v); it wrote %v", len(matches), pattern, err, names)
	}
	return matches[0]
}

// run runs name with args in dir with extra environment, failing t with its output on error.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s (in %s): %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

// TestPluginArchive: the engine, given the schema's pluginDownloadURL, downloads the archive
// `make packages` built for this platform by the name it computes itself, installs it, and the
// installed plugin serves the schema at the release's version. The engine is pointed at a local
// server with PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES (the GitHub releases are not reachable here),
// which keeps the github:// source's naming. The command is the installation page's release
// command, run verbatim. The names of the other platforms' archives (`tools/dist.sh -n`) must be
// that name with the platform swapped.
func TestPluginArchive(t *testing.T) {
	t.Parallel()
	d := built(t)
	var mu sync.Mutex
	var requested []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requested = append(requested, r.URL.Path)
		mu.Unlock()
		http.FileServer(http.Dir(d.dir)).ServeHTTP(w, r)
	}))
	defer srv.Close()

	env := harness.New(t)
	env.SetEnv("PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES", "^"+strings.ReplaceAll(d.schema.PluginDownloadURL, ".", `\.`)+"$="+srv.URL)
	// The installation page's command (TestInstallPageCommandsAreRun checks its arguments).
	shell(t, env.Dir, worldEnv(env), pageCommand(t, d.root, pluginRelease))
	if len(requested) != 1 {
		t.Fatalf("the engine requested %v, want one archive", requested)
	}
	asset := strings.TrimPrefix(requested[0], "/")
	if _, err := os.Stat(filepath.Join(d.dir, asset)); err != nil {
		t.Fatalf("the engine asked for %s, which make packages did not build", asset)
	}
	servesTheRelease(t, env, d)

	// Every platform's archive is named as the engine names this one.
	names := strings.Fields(run(t, d.root, nil, "tools/dist.sh", "-n", "-v", d.schema.Version))
	var want []string
	for _, os := range []string{"linux", "darwin", "windows"} {
		for _, arch := range []string{"amd64", "arm64"} {
			want = append(want, strings.Replace(asset, "-"+d.host+".", "-"+os+"-"+arch+".", 1))
		}
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("make dist names the archives %v, the engine would ask for %v", names, want)
	}
	if files := tarFiles(t, filepath.Join(d.dir, asset)); !slices.Equal(files, []string{"LICENSE", "README.md", "pulumi-resource-" + d.schema.Name}) {
		t.Errorf("%s holds %v, want the plugin, LICENSE and README.md", asset, files)
	}
}

// TestInstallPluginFromClone: the installation page's command that installs the plugin from the
// archive `make packages` built (before a release, when there is nothing to download), run
// verbatim, installs the release's plugin.
func TestInstallPluginFromClone(t *testing.T) {
	t.Parallel()
	d := built(t)
	env := harness.New(t)
	shell(t, env.Dir, append(worldEnv(env), "CLOUDRUN_PSC="+d.clone), pageCommand(t, d.root, pluginClone))
	servesTheRelease(t, env, d)
}

// worldEnv is the environment of a harness world, as a list for exec.
func worldEnv(env *harness.Env) []string {
	var out []string
	for k, v := range env.Environ() {
		out = append(out, k+"="+v)
	}
	return out
}

// servesTheRelease checks that the plugin installed in env's PULUMI_HOME runs and is the release:
// the schema it serves is schema.json's.
func servesTheRelease(t *testing.T, env *harness.Env, d *dist) {
	t.Helper()
	installed := filepath.Join(env.Home, "plugins", "resource-"+d.schema.Name+"-v"+d.schema.Version, "pulumi-resource-"+d.schema.Name)
	out, err := env.Pulumi("package", "get-schema", installed)
	if err != nil {
		t.Fatal(err)
	}
	var served schemaInfo
	if err := json.Unmarshal([]byte(out), &served); err != nil {
		t.Fatalf("get-schema: %v\n%s", err, out)
	}
	if served != d.schema {
		t.Errorf("the installed plugin serves %+v, want schema.json's %+v", served, d.schema)
	}
}

// tarFiles lists the sorted names in a .tar.gz.
func tarFiles(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		names = append(names, h.Name)
	}
	slices.Sort(names)
	return names
}
