package release

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/mdblocks"
)

const installPage = "docs/installation-configuration.md"

// cloneVar is how the installation page names the path of the user's clone of the repository.
const cloneVar = "$CLOUDRUN_PSC"

// kind is a kind of command of the installation page: its first words, and whether it installs
// from a clone (it names cloneVar), before a release, or from the registries, after one.
type kind struct {
	prefix string
	clone  bool
}

// The installation page's commands. Each kind is on the page once and run, verbatim, by one test
// here; `pulumi config set` (as often as the page sets a key) by tests/programs TestRegistryDocs.
// A command of another kind fails TestInstallPageCommandsAreRun, so that every command of the
// page is run.
var (
	buildPackages = kind{"make packages", false}
	npmRelease    = kind{"npm install", false}
	npmClone      = kind{"npm install", true}
	pipRelease    = kind{"pip install", false}
	pipClone      = kind{"pip install", true}
	goGet         = kind{"go get", false}
	goReplace     = kind{"go mod edit -replace", true}
	pluginRelease = kind{"pulumi plugin install", false}
	pluginClone   = kind{"pulumi plugin install", true}
	configSet     = kind{"pulumi config set", false}

	pageKinds = []kind{buildPackages, npmRelease, npmClone, pipRelease, pipClone, goGet, goReplace, pluginRelease, pluginClone}
)

func (k kind) String() string {
	if k.clone {
		return "`" + k.prefix + "` from the clone"
	}
	return "`" + k.prefix + "`"
}

// is reports whether the command line is of kind k.
func (k kind) is(line string) bool {
	want := strings.Fields(k.prefix)
	words := strings.Fields(line)
	return len(words) >= len(want) && slices.Equal(words[:len(want)], want) && strings.Contains(line, cloneVar) == k.clone
}

// pageLines returns the lines of the installation page's bash blocks that are of kind k (every
// line when k is nil).
func pageLines(root string, k *kind) ([]string, error) {
	blocks, err := mdblocks.Read(filepath.Join(root, installPage), "bash")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, b := range blocks {
		for _, line := range strings.Split(strings.TrimSpace(b.Code), "\n") {
			if line = strings.TrimSpace(line); line != "" && (k == nil || k.is(line)) {
				out = append(out, line)
			}
		}
	}
	return out, nil
}

// pageCommand returns the one command of the installation page of kind k.
func pageCommand(t *testing.T, root string, k kind) string {
	t.Helper()
	found, err := pageLines(root, &k)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 {
		t.Fatalf("%s has %d %s commands, want 1: %q", installPage, len(found), k, found)
	}
	return found[0]
}

// shell runs one command of the installation page verbatim, as a user types it, with bash in dir.
func shell(t *testing.T, dir string, env []string, line string) string {
	t.Helper()
	return run(t, dir, env, "bash", "-euo", "pipefail", "-c", line)
}

func TestInstallPageCommandsAreRun(t *testing.T) {
	t.Parallel()
	d := built(t)
	all, err := pageLines(d.root, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range all {
		if !slices.ContainsFunc(append(pageKinds, configSet), func(k kind) bool { return k.is(line) }) {
			t.Errorf("%s: no test runs `%s`: teach tests/release (or tests/programs) to", installPage, line)
		}
	}
	words := map[kind][]string{}
	for _, k := range pageKinds {
		found, _ := pageLines(d.root, &k)
		if len(found) != 1 {
			t.Errorf("%s has %d %s commands, want 1: %q", installPage, len(found), k, found)
			continue
		}
		words[k] = strings.Fields(found[0])
	}
	// The page installs the plugin of this release, and the Go SDK at this release's version (a
	// replaced module takes any version, so no other test would notice a stale one).
	if c := words[pluginRelease]; c != nil {
		if want := []string{"resource", d.schema.Name, d.schema.Version, "--server", d.schema.PluginDownloadURL}; !slices.Equal(c[3:], want) {
			t.Errorf("%s: `%s`, want the arguments %v (schema.json's name, version and pluginDownloadURL)", installPage, strings.Join(c, " "), want)
		}
	}
	if c := words[pluginClone]; c != nil {
		if want := []string{"resource", d.schema.Name, d.schema.Version, "-f"}; len(c) < 8 || !slices.Equal(c[3:7], want) {
			t.Errorf("%s: `%s`, want the arguments %v and the archive (schema.json's name and version)", installPage, strings.Join(c, " "), want)
		}
	}
	if c := words[goGet]; c != nil {
		if want := path.Dir(d.schema.Language.Go.ImportBasePath) + "@v" + d.schema.Version; len(c) != 3 || c[2] != want {
			t.Errorf("%s: `%s`, want `go get %s` (the Go SDK's module at schema.json's version)", installPage, strings.Join(c, " "), want)
		}
	}
}

// TestInstallNode runs the installation page's two `npm install` commands verbatim, each in a
// scratch project outside the repository with an empty npm cache: the one that installs the
// tarball `make packages` wrote into the clone, and the one that installs the published name,
// with the package's scope pointed (by the project's .npmrc, as a user of a private registry
// would) at a stand-in registry serving that tarball. @pulumi/pulumi and the rest come from the
// npm registry. The installed package must load and export the components, carry the release's
// version and plugin download URL, and a TypeScript program using it must type-check against the
// typings it ships.
func TestInstallNode(t *testing.T) {
	t.Parallel()
	d := built(t)
	name := strings.Fields(pageCommand(t, d.root, npmRelease))[2]
	scope, _, scoped := strings.Cut(name, "/")
	if !scoped {
		t.Fatalf("%s: the npm package %s has no scope, which the stand-in registry serves", installPage, name)
	}
	registry, fetched := npmRegistry(t, name, d.file(t, "*.tgz"))
	for _, k := range []kind{npmClone, npmRelease} {
		t.Run(map[bool]string{true: "clone", false: "release"}[k.clone], func(t *testing.T) {
			t.Parallel()
			scratch := t.TempDir()
			files := map[string]string{"package.json": `{"name": "scratch", "private": true}`}
			if !k.clone {
				files[".npmrc"] = scope + ":registry=" + registry + "/\n"
			}
			for file, text := range files {
				if err := os.WriteFile(filepath.Join(scratch, file), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			shell(t, scratch, []string{"CLOUDRUN_PSC=" + d.clone, "npm_config_cache=" + t.TempDir()}, pageCommand(t, d.root, k))
			if !k.clone && !fetched() {
				t.Fatalf("npm installed %s without fetching the tarball from the stand-in registry", name)
			}
			checkNodePackage(t, d, scratch, name)
		})
	}
}

// npmRegistry serves the npm package in tgz as the registry would after `npm publish`: its
// packument (name, dist-tags, the version's package.json with the tarball's URL and integrity)
// and the tarball. fetched reports whether the tarball was downloaded.
func npmRegistry(t *testing.T, name, tgz string) (url string, fetched func() bool) {
	t.Helper()
	data, err := os.ReadFile(tgz)
	if err != nil {
		t.Fatal(err)
	}
	var manifest map[string]any
	if err := json.Unmarshal(tarFile(t, tgz, "package/package.json"), &manifest); err != nil {
		t.Fatalf("%s: package.json: %v", tgz, err)
	}
	version, _ := manifest["version"].(string)
	sha := sha512.Sum512(data)
	sum := sha1.Sum(data)
	var mu sync.Mutex
	got := false
	var packument []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/" + name:
			w.Header().Set("Content-Type", "application/json")
			w.Write(packument)
		case "/" + filepath.Base(tgz):
			mu.Lock()
			got = true
			mu.Unlock()
			w.Write(data)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	manifest["_id"] = name + "@" + version
	manifest["dist"] = map[string]any{
		"tarball":   srv.URL + "/" + filepath.Base(tgz),
		"integrity": "sha512-" + base64.StdEncoding.EncodeToString(sha[:]),
		"shasum":    hex.EncodeToString(sum[:]),
	}
	if packument, err = json.Marshal(map[string]any{
		"_id": name, "name": name, "dist-tags": map[string]string{"latest": version}, "versions": map[string]any{version: manifest},
	}); err != nil {
		t.Fatal(err)
	}
	return srv.URL, func() bool { mu.Lock(); defer mu.Unlock(); return got }
}

// tarFile returns the contents of the file name in the .tar.gz at path.
func tarFile(t *testing.T, path, name string) []byte {
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
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s: no %s (%v)", path, name, err)
		}
		if h.Name == name {
			data, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return data
		}
	}
}

// checkNodePackage checks the package name installed into the scratch project.
func checkNodePackage(t *testing.T, d *dist, scratch, name string) {
	t.Helper()
	pkgDir := filepath.Join(scratch, "node_modules", filepath.FromSlash(name))
	var pkg struct {
		Name, Version, License string
		Pulumi                 struct{ Name, Version, Server string }
	}
	raw, err := os.ReadFile(filepath.Join(pkgDir, "package.json"))
	if err != nil {
		t.Fatalf("npm installed no %s: %v", name, err)
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	if pkg.Name != name || pkg.Version != d.schema.Version || pkg.License != d.schema.License ||
		pkg.Pulumi.Name != d.schema.Name || pkg.Pulumi.Version != d.schema.Version || pkg.Pulumi.Server != d.schema.PluginDownloadURL {
		t.Errorf("installed package.json %+v: want %s %s, license %s, pulumi plugin %s %s from %s", pkg, name, d.schema.Version,
			d.schema.License, d.schema.Name, d.schema.Version, d.schema.PluginDownloadURL)
	}
	if _, err := os.Stat(filepath.Join(pkgDir, "LICENSE")); err != nil {
		t.Errorf("the npm package has no LICENSE")
	}
	run(t, scratch, nil, "node", "-e", `
		const sdk = require(process.argv[1]);
		const missing = ["ProducerService", "ConsumerEndpoint", "DnsBinding"].filter((r) => typeof sdk[r] !== "function");
		if (missing.length) { console.error("does not export", missing); process.exit(1); }`, name)

	program := `import * as cloudrunpsc from "` + name + `";
const consumer: cloudrunpsc.ConsumerEndpointArgs = { network: "vpc", subnetwork: "apps", serviceAttachment: "projects/p/regions/r/serviceAttachments/a" };
export const endpoint = new cloudrunpsc.ConsumerEndpoint("payments", consumer).ipAddress;
`
	if err := os.WriteFile(filepath.Join(scratch, "index.ts"), []byte(program), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, scratch, nil, filepath.Join(d.root, "tests", "node_modules", ".bin", "tsc"),
		"--noEmit", "--strict", "--module", "commonjs", "--target", "es2020", "--moduleResolution", "node", "--types", "node",
		"--typeRoots", filepath.Join(d.root, "tests", "node_modules", "@types"), "index.ts")
}

// TestInstallPython runs the installation page's two `pip install` commands verbatim, each with
// the pip of a fresh virtual environment outside the repository and an empty pip cache: the one
// that installs the wheel `make packages` wrote into the clone, and the one that installs the
// published name, with the clone's dist/ added to pip's find-links (PIP_FIND_LINKS, pip's own
// configuration) as the package index would serve it. pulumi and the rest come from PyPI, and
// `pip check` must pass. The sdist, which no page command installs, is installed too (so that it
// is complete). Each installed package must import, export the components and carry the
// release's version, licence, description and plugin download URL.
func TestInstallPython(t *testing.T) {
	t.Parallel()
	d := built(t)
	if name := strings.Fields(pageCommand(t, d.root, pipRelease))[2]; name != d.schema.Language.Python.PackageName {
		t.Errorf("%s installs %s, want the Python SDK %s", installPage, name, d.schema.Language.Python.PackageName)
	}
	for _, k := range []kind{pipClone, pipRelease} {
		t.Run(map[bool]string{true: "clone", false: "release"}[k.clone], func(t *testing.T) {
			t.Parallel()
			venv, env := scratchVenv(t, "")
			env = append(env, "CLOUDRUN_PSC="+d.clone, "PIP_CACHE_DIR="+t.TempDir())
			if !k.clone {
				env = append(env, "PIP_FIND_LINKS="+strings.TrimSpace(os.Getenv("PIP_FIND_LINKS")+" "+d.dir))
			}
			shell(t, t.TempDir(), env, pageCommand(t, d.root, k))
			run(t, venv, env, filepath.Join(venv, "bin", "pip"), "check")
			checkPythonPackage(t, d.schema, venv, true)
		})
	}

	// The sdist is installed alone (--no-deps) into a scratch environment that sees .venv's
	// packages (a .pth file): --ignore-installed, as .venv has the SDK from sdk/python; the build
	// requirements come from PyPI or pip's cache.
	t.Run("sdist", func(t *testing.T) {
		t.Parallel()
		venv, env := scratchVenv(t, venvSite(t, d.root))
		pip := filepath.Join(venv, "bin", "pip")
		run(t, venv, env, pip, "install", "--quiet", "--no-deps", "--ignore-installed", d.file(t, d.schema.Language.Python.PackageName+"-*.tar.gz"))
		run(t, venv, env, pip, "check")
		checkPythonPackage(t, d.schema, venv, true)
	})
}

// TestInstallPythonSource: `pip install sdk/python`, as a user with a clone may run it, writes
// nothing into the checkout (no build/, no *.egg-info, ignored by git or not) and installs the
// package. It runs without `make packages`: LICENSE is not checked, as it sits at the
// repository's root, which only the release artifacts copy.
func TestInstallPythonSource(t *testing.T) {
	t.Parallel()
	root, schema := repo(t)
	site := venvSite(t, root)
	before := ignoredAndUntracked(t, root, "sdk/python")
	venv, env := scratchVenv(t, site)
	run(t, venv, env, filepath.Join(venv, "bin", "pip"), "install", "--quiet", "--no-deps", "--ignore-installed", filepath.Join(root, "sdk", "python"))
	if after := ignoredAndUntracked(t, root, "sdk/python"); !slices.Equal(after, before) {
		t.Errorf("pip install sdk/python left files in the checkout: %q (before: %q)", after, before)
	}
	checkPythonPackage(t, schema, venv, false)
}

// venvSite returns the site-packages directory of the repository's .venv.
func venvSite(t *testing.T, root string) string {
	t.Helper()
	site, err := filepath.Glob(filepath.Join(root, ".venv", "lib", "python3*", "site-packages"))
	if err != nil || len(site) != 1 {
		t.Fatalf(".venv has no site-packages (%v); run tools/bootstrap.sh python", err)
	}
	return site[0]
}

// scratchVenv creates a virtual environment outside the repository and returns it with the
// environment that activates it (its bin/ first on PATH). With a site-packages directory, the
// environment also sees the packages there.
func scratchVenv(t *testing.T, site string) (string, []string) {
	t.Helper()
	venv := t.TempDir()
	run(t, venv, nil, "python3", "-m", "venv", venv)
	if site != "" {
		scratchSite, err := filepath.Glob(filepath.Join(venv, "lib", "python3*", "site-packages"))
		if err != nil || len(scratchSite) != 1 {
			t.Fatalf("scratch venv has no site-packages: %v", err)
		}
		if err := os.WriteFile(filepath.Join(scratchSite[0], "tests-venv.pth"), []byte(site+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return venv, []string{"VIRTUAL_ENV=" + venv, "PATH=" + filepath.Join(venv, "bin") + string(os.PathListSeparator) + os.Getenv("PATH")}
}

// ignoredAndUntracked lists the files under dir (relative to root) that git does not track,
// ignored ones included.
func ignoredAndUntracked(t *testing.T, root, dir string) []string {
	t.Helper()
	return strings.Split(strings.TrimSpace(run(t, root, nil, "git", "status", "--porcelain", "--ignored", "--untracked-files=all", "--", dir)), "\n")
}

// checkPythonPackage checks the Python SDK installed into venv; license: that it ships LICENSE.
func checkPythonPackage(t *testing.T, schema schemaInfo, venv string, license bool) {
	t.Helper()
	run(t, venv, nil, filepath.Join(venv, "bin", "python"), "-c", `
import importlib, importlib.metadata as md, importlib.resources as res, json, sys
name, version, server, license, want_license_file = sys.argv[1:]
mod = importlib.import_module(name)
missing = [r for r in ("ProducerService", "ConsumerEndpoint", "DnsBinding") if not isinstance(getattr(mod, r, None), type)]
assert not missing, f"does not export {missing}"
assert mod.__file__.startswith(sys.prefix), f"imported {mod.__file__}, not the scratch install"
meta = md.metadata(name)
assert meta["Version"] == version, meta["Version"]
assert meta["License"] == license, meta["License"]
assert "Private Service Connect" in (meta.get_payload() or ""), "no long description (the README)"
if want_license_file == "yes":
    assert any(f.name == "LICENSE" for f in md.files(name)), "no LICENSE"
plugin = json.loads(res.files(name).joinpath("pulumi-plugin.json").read_text())
assert plugin == {"resource": True, "name": "`+schema.Name+`", "version": version, "server": server}, plugin
`, schema.Language.Python.PackageName, schema.Version, schema.PluginDownloadURL, schema.License, map[bool]string{true: "yes", false: "no"}[license])
}

// TestInstallGo runs the installation page's Go commands verbatim in a scratch module outside the
// repository: the `go mod edit -replace` that points the Go SDK's module at the clone's sdk/go (it
// is not published here), then the `go get` a release's user runs too. It then tidies, verifies
// and vets a program that uses the SDK: the SDK is a module of its own, whose requirements are
// enough. The docs' Go example, which also uses pulumi-gcp, is compiled and run by tests/programs
// TestRegistryDocs.
//
// go reaches the module proxy as a user's does: GOPROXY, GOSUMDB, GOFLAGS and GOMODCACHE are the
// environment's, so whatever the scratch module needs and the module cache lacks is downloaded
// (a file:// proxy on the module cache would fail on a cold cache). Checksums stay on: every
// module go adds to the scratch go.sum is checked against the checksum database GOSUMDB names
// (sum.golang.org by default), which go reaches through the module proxy when the proxy serves it
// (proxy.golang.org does, at /sumdb/sum.golang.org/), so a machine that reaches the proxy but not
// sum.golang.org verifies too; `go mod verify` then checks the module cache against go.sum. The
// SDK itself is a directory replacement, which has no checksum. GOWORK=off: the scratch module
// stands alone, whatever workspace the environment names.
func TestInstallGo(t *testing.T) {
	t.Parallel()
	d := built(t)
	pkg := d.schema.Language.Go.ImportBasePath
	env := []string{"GOWORK=off", "CLOUDRUN_PSC=" + d.clone}
	scratch := t.TempDir()
	run(t, scratch, env, "go", "mod", "init", "example.com/consumer")
	shell(t, scratch, env, pageCommand(t, d.root, goReplace))
	shell(t, scratch, env, pageCommand(t, d.root, goGet))
	program := `package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"` + pkg + `"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		endpoint, err := ` + path.Base(pkg) + `.NewConsumerEndpoint(ctx, "payments", &` + path.Base(pkg) + `.ConsumerEndpointArgs{
			Network:           pulumi.String("consumer-vpc"),
			Subnetwork:        pulumi.String("apps"),
			ServiceAttachment: pulumi.String("projects/p/regions/r/serviceAttachments/a"),
		})
		if err != nil {
			return err
		}
		ctx.Export("ipAddress", endpoint.IpAddress)
		return nil
	})
}
`
	if err := os.WriteFile(filepath.Join(scratch, "main.go"), []byte(program), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, scratch, env, "go", "mod", "tidy")
	run(t, scratch, env, "go", "mod", "verify")
	run(t, scratch, env, "go", "vet", ".")
}
