package release

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/mdblocks"
)

// The installation page's commands, by the words they start with. Each is run by one test here
// (pulumi config set by tests/programs TestRegistryDocs); a command of another kind fails
// TestInstallPageCommandsAreRun, so that every command of the page is run.
var (
	npmInstall    = []string{"npm", "install"}
	pipInstall    = []string{"pip", "install"}
	goGet         = []string{"go", "get"}
	pluginInstall = []string{"pulumi", "plugin", "install"}
	configSet     = []string{"pulumi", "config", "set"}
)

const installPage = "docs/installation-configuration.md"

// pageCommands returns the commands of the installation page's bash blocks, split in words.
func pageCommands(t *testing.T, root string) [][]string {
	t.Helper()
	blocks, err := mdblocks.Read(filepath.Join(root, installPage), "bash")
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, b := range blocks {
		for _, line := range strings.Split(strings.TrimSpace(b.Code), "\n") {
			out = append(out, strings.Fields(line))
		}
	}
	return out
}

// pageCommand returns the one command of the installation page that starts with prefix.
func pageCommand(t *testing.T, root string, prefix []string) []string {
	t.Helper()
	var found [][]string
	for _, c := range pageCommands(t, root) {
		if len(c) > len(prefix) && slices.Equal(c[:len(prefix)], prefix) {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s has %d `%s` commands, want 1", installPage, len(found), strings.Join(prefix, " "))
	}
	return found[0]
}

func TestInstallPageCommandsAreRun(t *testing.T) {
	t.Parallel()
	d := built(t)
	for _, c := range pageCommands(t, d.root) {
		known := false
		for _, p := range [][]string{npmInstall, pipInstall, goGet, pluginInstall, configSet} {
			known = known || (len(c) > len(p) && slices.Equal(c[:len(p)], p))
		}
		if !known {
			t.Errorf("%s: no test runs `%s`: teach tests/release (or tests/programs) to", installPage, strings.Join(c, " "))
		}
	}
	// The page installs the plugin of this release.
	c := pageCommand(t, d.root, pluginInstall)
	if want := []string{"resource", d.schema.Name, d.schema.Version, "--server", d.schema.PluginDownloadURL}; !slices.Equal(c[3:], want) {
		t.Errorf("%s: `%s`, want the arguments %v (schema.json's name, version and pluginDownloadURL)", installPage, strings.Join(c, " "), want)
	}
}

// TestInstallNode runs the page's `npm install <package>` in a scratch project outside the
// repository with the package name swapped for the tarball `make dist` packed (npm resolves its
// dependencies from the registry, or the npm cache the tests' npm ci filled). The installed
// package must load and export the components, carry the release's version and plugin download
// URL, and a TypeScript program using it must type-check against the typings it ships.
func TestInstallNode(t *testing.T) {
	t.Parallel()
	d := built(t)
	cmd := pageCommand(t, d.root, npmInstall)
	name := cmd[2]
	tgz := d.file(t, "*.tgz")
	scratch := t.TempDir()
	if err := os.WriteFile(filepath.Join(scratch, "package.json"), []byte(`{"name": "scratch", "private": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, scratch, nil, cmd[0], append(append([]string{cmd[1]}, tgz), "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error")...)

	pkgDir := filepath.Join(scratch, "node_modules", filepath.FromSlash(name))
	var pkg struct {
		Name, Version, License string
		Pulumi                 struct{ Name, Version, Server string }
	}
	raw, err := os.ReadFile(filepath.Join(pkgDir, "package.json"))
	if err != nil {
		t.Fatalf("npm install %s installed no %s: %v", filepath.Base(tgz), name, err)
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

// TestInstallPython runs the page's `pip install <package>` into a scratch virtual environment
// outside the repository, once with the wheel and once with the sdist `make dist` built. The
// scratch environment sees .venv's packages (a .pth file), so pip installs the package alone
// (--no-deps; --ignore-installed, as .venv has the SDK from sdk/python; the sdist's build
// requirements come from PyPI or pip's cache) and `pip check` proves .venv's pulumi satisfies its
// requirements. The installed package must import, export the components and carry the
// release's version, licence, description and plugin download URL.
func TestInstallPython(t *testing.T) {
	t.Parallel()
	d := built(t)
	cmd := pageCommand(t, d.root, pipInstall)
	name := cmd[2]
	site, err := filepath.Glob(filepath.Join(d.root, ".venv", "lib", "python3*", "site-packages"))
	if err != nil || len(site) != 1 {
		t.Fatalf(".venv has no site-packages (%v); run tools/bootstrap.sh python", err)
	}
	for _, artifact := range []string{"*.whl", "*.tar.gz"} {
		path := d.file(t, strings.ReplaceAll(name, "-", "_")+"-*"+artifact[1:])
		t.Run(artifact[2:], func(t *testing.T) {
			t.Parallel()
			venv := t.TempDir()
			run(t, venv, nil, "python3", "-m", "venv", venv)
			scratchSite, err := filepath.Glob(filepath.Join(venv, "lib", "python3*", "site-packages"))
			if err != nil || len(scratchSite) != 1 {
				t.Fatalf("scratch venv has no site-packages: %v", err)
			}
			if err := os.WriteFile(filepath.Join(scratchSite[0], "tests-venv.pth"), []byte(site[0]+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			pip := filepath.Join(venv, "bin", cmd[0])
			run(t, venv, nil, pip, cmd[1], "--quiet", "--disable-pip-version-check", "--no-deps", "--ignore-installed", path)
			run(t, venv, nil, pip, "check", "--disable-pip-version-check")
			run(t, venv, nil, filepath.Join(venv, "bin", "python"), "-c", `
import importlib, importlib.metadata as md, importlib.resources as res, json, sys
name, version, server, license = sys.argv[1:]
mod = importlib.import_module(name)
missing = [r for r in ("ProducerService", "ConsumerEndpoint", "DnsBinding") if not isinstance(getattr(mod, r, None), type)]
assert not missing, f"does not export {missing}"
assert mod.__file__.startswith(sys.prefix), f"imported {mod.__file__}, not the scratch install"
meta = md.metadata(name)
assert meta["Version"] == version, meta["Version"]
assert meta["License"] == license, meta["License"]
assert "Private Service Connect" in (meta.get_payload() or ""), "no long description (the README)"
assert any(f.name == "LICENSE" for f in md.files(name)), "no LICENSE"
plugin = json.loads(res.files(name).joinpath("pulumi-plugin.json").read_text())
assert plugin == {"resource": True, "name": "`+d.schema.Name+`", "version": version, "server": server}, plugin
`, name, d.schema.Version, d.schema.PluginDownloadURL, d.schema.License)
		})
	}
}

// TestInstallGo runs the page's `go get <package>` in a scratch module outside the repository,
// with the Go SDK's module replaced by sdk/go (it is not published here) and the Go module cache
// as the proxy, then vets a program that uses it: the SDK is a module of its own, whose
// requirements are enough. The program needs nothing but the SDK, so its build list is the SDK's
// own (which tools/check-sdks.sh vets, keeping the Go cache warm); the docs' Go example, which
// also uses pulumi-gcp, is compiled and run by tests/programs TestRegistryDocs.
func TestInstallGo(t *testing.T) {
	t.Parallel()
	d := built(t)
	cmd := pageCommand(t, d.root, goGet)
	pkg := cmd[2]
	module := strings.TrimSuffix(pkg, "/"+filepath.Base(pkg))
	modCache := strings.TrimSpace(run(t, d.root, nil, "go", "env", "GOMODCACHE"))
	env := []string{"GOFLAGS=-mod=mod", "GOPROXY=file://" + filepath.Join(modCache, "cache", "download"), "GOSUMDB=off", "GOWORK=off"}
	scratch := t.TempDir()
	run(t, scratch, env, "go", "mod", "init", "example.com/consumer")
	run(t, scratch, env, "go", "mod", "edit", "-replace", module+"="+filepath.Join(d.root, "sdk", "go"))
	run(t, scratch, env, cmd[0], cmd[1:]...)
	program := `package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"` + pkg + `"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		endpoint, err := ` + filepath.Base(pkg) + `.NewConsumerEndpoint(ctx, "payments", &` + filepath.Base(pkg) + `.ConsumerEndpointArgs{
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
	run(t, scratch, env, "go", "vet", ".")
}
