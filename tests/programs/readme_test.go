package programs

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/mdblocks"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/readme"
)

// TestReadmeSnippets runs the fenced Go, TypeScript, Python and YAML blocks of the README and of
// the docs pages that hold snippets (snippetPages, pages_test.go), so that a snippet that no
// longer runs fails CI. Each block is recognised by what it builds (a producer, a consumer, or
// the ignore-the-image recipe of docs/recipes.md) and wrapped in the least scaffolding it needs:
//
//   - every language: the program function (Go: a pulumi.RunFunc ending in `return nil`; TS: an
//     exported function, with the snippet's imports hoisted and @pulumi/pulumi, @pulumi/gcp and
//     @cloudrun-psc/pulumi imported; Python: a function, with pulumi, pulumi_gcp as gcp and
//     pulumi_cloudrun_psc as cloudrunpsc imported; YAML: a project whose resources the snippet
//     extends), and the stack name acme/payments-producer/prod becomes
//     organization/payments-producer/prod, as a file backend has the one organisation;
//   - a producer: the VPC `vpc` (created) and `image` (configuration) when it uses them;
//   - a consumer: the consumer VPC `vpc` and its subnet `apps`; its producerStack is the Python
//     producer snippet's stack, which accepts bank-consumer-prj, the consumers' project;
//   - the recipe: the VPC `vpc` and the producer inputs `args` (the Go producer snippet's, with
//     the image from configuration), and the attachment URI exported.
//
// Go cannot be compiled and run by the engine here (the toolchain has no Go language host), so
// the wrapped Go snippets are generated into readme/snippets.go, compiled into this test and run
// as inline programs; the test fails when that file differs from what the pages generate
// (regenerate it with -update). The producers and consumers are deployed and destroyed (the
// consumers must connect, ACCEPTED), the recipes previewed.
var update = flag.Bool("update", false, "rewrite readme/snippets.go from snippetPages and docs/snippets.go from docs/_index.md")

// block is one fenced code block of a page of snippetPages.
type block struct {
	mdblocks.Block
	page string // the page, relative to the repository's root
}

// where is the block's page and line, for messages.
func (b block) where() string { return fmt.Sprintf("%s:%d", b.page, b.Line) }

// snippetBlocks returns the fenced blocks of snippetPages, page by page, in the languages the
// test runs.
func snippetBlocks(t *testing.T, root string) []block {
	t.Helper()
	var out []block
	for _, page := range snippetPages {
		blocks, err := mdblocks.Read(filepath.Join(root, page), snippetLangs...)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range blocks {
			out = append(out, block{b, page})
		}
	}
	return out
}

// kind is what a snippet builds: "recipe", "consumer" or "producer" ("" when none).
func (b block) kind() string {
	switch c := b.Code; {
	case strings.Contains(c, "IgnoreChanges") || strings.Contains(c, "ignoreChanges") || strings.Contains(c, "ignore_changes"):
		return "recipe"
	case strings.Contains(c, "ConsumerEndpoint"):
		return "consumer"
	case strings.Contains(c, "ProducerService"):
		return "producer"
	}
	return ""
}

// snippets keys the blocks lang-kind (lang-kind-2 for a second one), failing t for a block the
// test cannot wrap.
func snippets(t *testing.T, blocks []block) map[string]block {
	t.Helper()
	out := map[string]block{}
	for _, b := range blocks {
		k := b.kind()
		if k == "" {
			t.Errorf("%s: a ```%s block that builds no producer, consumer or recipe: teach readme_test.go to wrap it", b.where(), b.Lang)
			continue
		}
		key := b.Lang + "-" + k
		for i := 2; out[key].Code != ""; i++ {
			key = fmt.Sprintf("%s-%s-%d", b.Lang, k, i)
		}
		b.Code = strings.ReplaceAll(b.Code, "acme/payments-producer/prod", "organization/payments-producer/prod")
		out[key] = b
	}
	return out
}

// Scaffolding, per language and kind: what goes before and after the snippet.
const (
	goConsumerVPC = `vpc, err := compute.NewNetwork(ctx, "consumer-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
if err != nil {
	return err
}
apps, err := compute.NewSubnetwork(ctx, "apps", &compute.SubnetworkArgs{
	Network: vpc.SelfLink, Region: pulumi.String(config.Require(ctx, "gcp:region")), IpCidrRange: pulumi.String("192.168.10.0/24"),
})
if err != nil {
	return err
}
`
	goRecipeArgs = `vpc, err := compute.NewNetwork(ctx, "producer-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
if err != nil {
	return err
}
args := &psc.ProducerServiceArgs{
	Network:            vpc.SelfLink,
	CloudRun:           psc.CloudRunArgs{Image: pulumi.String(config.Require(ctx, "image"))},
	Hostname:           "payment-api.internal",
	LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: "10.10.0.0/24"},
	ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: "10.129.0.0/23"},
	NatSubnet:          psc.SubnetArgs{IpCidrRange: "10.20.0.0/24"},
	Consumers:          []psc.ConsumerAcceptArgs{{ProjectIdOrNum: pulumi.String("bank-consumer-prj")}},
}
`
	goRecipeExport = `ctx.Export("serviceAttachmentUri", svc.ServiceAttachmentUri)
`
	tsConsumerVPC = `const vpc = new gcp.compute.Network("consumer-vpc", { autoCreateSubnetworks: false });
const apps = new gcp.compute.Subnetwork("apps", {
    network: vpc.selfLink, region: new pulumi.Config("gcp").require("region"), ipCidrRange: "192.168.10.0/24",
});
`
	tsRecipeArgs = `const vpc = new gcp.compute.Network("producer-vpc", { autoCreateSubnetworks: false });
const args: cloudrunpsc.ProducerServiceArgs = {
    network: vpc.selfLink, cloudRun: { image: config.require("image") }, hostname: "payment-api.internal",
    loadBalancerSubnet: { ipCidrRange: "10.10.0.0/24" }, proxyOnlySubnet: { ipCidrRange: "10.129.0.0/23" },
    natSubnet: { ipCidrRange: "10.20.0.0/24" }, consumers: [{ projectIdOrNum: "bank-consumer-prj" }],
};
`
	tsRecipeExport = `return { serviceAttachmentUri: svc.serviceAttachmentUri };
`
	pyProducerVPC = `vpc = gcp.compute.Network("producer-vpc", auto_create_subnetworks=False)
image = config.require("image")
`
	pyRecipeArgs = pyProducerVPC + `args = dict(network=vpc.self_link, cloud_run={"image": image}, hostname="payment-api.internal",
    load_balancer_subnet={"ip_cidr_range": "10.10.0.0/24"}, proxy_only_subnet={"ip_cidr_range": "10.129.0.0/23"},
    nat_subnet={"ip_cidr_range": "10.20.0.0/24"}, consumers=[{"project_id_or_num": "bank-consumer-prj"}])
`
	pyRecipeExport = `pulumi.export("serviceAttachmentUri", svc.service_attachment_uri)
`
	yamlConsumerProject = `name: readme-yaml-consumer
runtime: yaml
resources:
  vpc:
    type: gcp:compute:Network
    properties: { autoCreateSubnetworks: false }
  apps:
    type: gcp:compute:Subnetwork
    properties: { network: "${vpc.selfLink}", region: "${gcp:region}", ipCidrRange: 192.168.10.0/24 }
`
)

// scaffold returns what goes before and after a snippet of the given key.
func scaffold(key string) (before, after string) {
	switch key {
	case "go-consumer":
		return goConsumerVPC, ""
	case "go-recipe":
		return goRecipeArgs, goRecipeExport
	case "ts-consumer":
		return tsConsumerVPC, ""
	case "ts-recipe":
		return tsRecipeArgs, tsRecipeExport
	case "python-producer":
		return pyProducerVPC, ""
	case "python-recipe":
		return pyRecipeArgs, pyRecipeExport
	}
	return "", ""
}

// goSource is readme/snippets.go as the pages' Go snippets generate it.
func goSource(t *testing.T, snips map[string]block) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString(`// Code generated by TestReadmeSnippets (tests/programs/readme_test.go) from snippetPages; DO NOT EDIT.
// snippetPages (tests/programs/pages_test.go) lists the README and the docs/ pages it reads.
// Regenerate it with: (cd tests && go test ./programs -run TestReadmeSnippets -update)

// Package readme holds the Go snippets of the README and docs/, each wrapped in the scaffolding
// it needs, for TestReadmeSnippets to run as inline programs.
package readme

import (
	"context"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// The snippets need not use every import.
var (
	_ = context.Background
	_ = compute.NewNetwork
	_ = config.Require
	_ = psc.NewProducerService
)

// Programs are the wrapped snippets, by language-kind key.
var Programs = map[string]pulumi.RunFunc{
`)
	for _, key := range slices.Sorted(maps.Keys(snips)) {
		if !strings.HasPrefix(key, "go-") {
			continue
		}
		before, after := scaffold(key)
		fmt.Fprintf(&b, "\t%q: func(ctx *pulumi.Context) error {\n%s%s%s\t\treturn nil\n\t},\n",
			key, before, snips[key].Code, after)
	}
	b.WriteString("}\n")
	src, err := format.Source([]byte(b.String()))
	if err != nil {
		t.Fatalf("the pages' Go snippets, wrapped, are not Go: %v\n%s", err, b.String())
	}
	return src
}

// tsModule is a TypeScript snippet wrapped as a module exporting the function program.
func tsModule(key, code string) string {
	imports := []string{
		`import * as pulumi from "@pulumi/pulumi";`, `import * as gcp from "@pulumi/gcp";`,
		`import * as cloudrunpsc from "@cloudrun-psc/pulumi";`,
	}
	var body []string
	for _, line := range strings.Split(code, "\n") {
		if strings.HasPrefix(line, "import ") {
			if !slices.Contains(imports, line) {
				imports = append(imports, line)
			}
			continue
		}
		body = append(body, line)
	}
	before, after := scaffold(key)
	return strings.Join(imports, "\n") + "\n\nexport function program() {\n    const config = new pulumi.Config();\n" +
		indent(before+strings.Join(body, "\n")+after, "    ") + "}\n"
}

// pyModule is a Python snippet wrapped as a module defining the function program.
func pyModule(key, code string) string {
	before, after := scaffold(key)
	return "import pulumi\nimport pulumi_gcp as gcp\nimport pulumi_cloudrun_psc as cloudrunpsc\n\n\ndef program():\n" +
		"    config = pulumi.Config()\n" + indent(before+code+after, "    ")
}

func indent(s, by string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = by + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// snippetStack makes the stack of a wrapped snippet, writing the TS, Python or YAML wrapping
// into the world.
func snippetStack(t *testing.T, env *harness.Env, key string, b block) *harness.Stack {
	t.Helper()
	project := "readme-" + key
	if key == "python-producer" {
		project = "payments-producer" // the stack the consumer snippets read
	}
	write := func(name, content string) string {
		dir := filepath.Join(env.Dir, "readme", key)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	switch b.Lang {
	case "go":
		prog, ok := readme.Programs[key]
		if !ok {
			t.Fatalf("readme/snippets.go has no %s: regenerate it with -update", key)
		}
		return env.GoStack(project, "prod", prog)
	case "ts":
		return env.NodeStack(project, "prod", write("snippet.ts", tsModule(key, b.Code)), "program")
	case "python":
		return env.PythonStack(project, "prod", write("snippet.py", pyModule(key, b.Code)), "program")
	case "yaml":
		if key != "yaml-consumer" {
			t.Fatalf("%s: no YAML wrapping for %s", b.where(), key)
		}
		return env.YAMLStack(filepath.Dir(write("Pulumi.yaml", yamlConsumerProject+b.Code)), "prod")
	}
	t.Fatalf("no wrapping for %s", key)
	return nil
}

func TestReadmeSnippets(t *testing.T) {
	t.Parallel()
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	snips := snippets(t, snippetBlocks(t, root))
	for _, want := range []string{"go-producer", "go-consumer", "ts-consumer", "python-producer", "yaml-consumer", "go-recipe", "ts-recipe", "python-recipe"} {
		if _, ok := snips[want]; !ok {
			t.Errorf("%v hold no %s snippet (found %v)", snippetPages, want, slices.Sorted(maps.Keys(snips)))
		}
	}
	generated := filepath.Join(root, "tests", "programs", "readme", "snippets.go")
	src := goSource(t, snips)
	if *update {
		if err := os.WriteFile(generated, src, 0o644); err != nil {
			t.Fatal(err)
		}
	} else if have, err := os.ReadFile(generated); err != nil {
		t.Fatal(err)
	} else if !bytes.Equal(have, src) {
		t.Fatalf("tests/programs/readme/snippets.go is not what the Go snippets of %v generate: "+
			"regenerate it with (cd tests && go test ./programs -run TestReadmeSnippets -update)", snippetPages)
	}
	if t.Failed() {
		return
	}

	env := harness.New(t, harness.GCP(), harness.CloudrunPSC(sdkVersion))
	// stack makes (or selects) the stack of a snippet for the test env reports to.
	stack := func(env *harness.Env, key string) *harness.Stack {
		st := snippetStack(t, env, key, snips[key])
		project := producerProject
		if snips[key].kind() == "consumer" {
			project = consumerProject
		}
		st.SetConfig("gcp:project", project, false)
		st.SetConfig("gcp:region", region, false)
		st.SetConfig("image", "us-docker.pkg.dev/cloudrun/container/hello", false)
		return st
	}
	// Producers first (deployed; the recipes previewed), then the consumers, which read the
	// Python producer's stack; each phase in parallel.
	phase := func(name string, kinds ...string) {
		t.Run(name, func(t *testing.T) {
			for _, key := range slices.Sorted(maps.Keys(snips)) {
				if !slices.Contains(kinds, snips[key].kind()) {
					continue
				}
				t.Run(key, func(t *testing.T) {
					t.Parallel()
					st := stack(env.For(t), key)
					st.Preview()
					if snips[key].kind() != "recipe" {
						st.Up()
					}
				})
			}
		})
	}
	phase("producers", "producer", "recipe")
	if t.Failed() {
		return
	}
	phase("consumers", "consumer")
	accepted := 0
	for _, r := range env.SimList() {
		if r.Type == chain.ForwardingRuleType && r.Fields["pscConnectionStatus"] == "ACCEPTED" {
			accepted++
		}
	}
	if want := countKind(snips, "consumer"); accepted != want {
		t.Errorf("%d PSC endpoints are ACCEPTED, want one per consumer snippet (%d): the producer snippet accepts their project", accepted, want)
	}
	var order []*harness.Stack
	for _, kind := range []string{"consumer", "producer"} {
		for _, key := range slices.Sorted(maps.Keys(snips)) {
			if snips[key].kind() == kind {
				order = append(order, stack(env, key))
			}
		}
	}
	destroyed(t, env, order...)
}

func countKind(snips map[string]block, kind string) int {
	n := 0
	for _, b := range snips {
		if b.kind() == kind {
			n++
		}
	}
	return n
}
