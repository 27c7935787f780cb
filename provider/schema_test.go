package provider

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	pschema "github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// regenerate is how schema.json is made; the test failures quote it.
const regenerate = "go build -ldflags \"-X github.com/cloudrun-psc/pulumi-cloudrun-psc/provider.Version=$VERSION\" " +
	"-o bin/pulumi-resource-cloudrun-psc ./provider/cmd/pulumi-resource-cloudrun-psc && " +
	"provider/scripts/schema.sh bin/pulumi-resource-cloudrun-psc > schema.json"

// served returns the schema the provider serves, as a raw JSON document.
func served(t *testing.T) []byte {
	t.Helper()
	prov, err := New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := integration.NewServer(context.Background(), Name, semver.MustParse("0.1.0"), integration.WithProvider(prov))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.GetSchema(p.GetSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return []byte(resp.Schema)
}

func servedSpec(t *testing.T) pschema.PackageSpec {
	t.Helper()
	var spec pschema.PackageSpec
	if err := json.Unmarshal(served(t), &spec); err != nil {
		t.Fatal(err)
	}
	return spec
}

func TestSchemaJSONIsFresh(t *testing.T) {
	t.Parallel()
	committed, err := os.ReadFile(filepath.Join("..", "schema.json"))
	if err != nil {
		t.Fatalf("%v; generate it: %s", err, regenerate)
	}
	var want, got map[string]any
	if err := json.Unmarshal(committed, &want); err != nil {
		t.Fatalf("schema.json: %v", err)
	}
	if err := json.Unmarshal(served(t), &got); err != nil {
		t.Fatal(err)
	}
	if v, _ := want["version"].(string); v == "" {
		t.Errorf("schema.json has no version; the SDKs are versioned by it")
	}
	delete(want, "version")
	delete(got, "version")
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("schema.json differs from the schema the provider serves; regenerate it: %s", regenerate)
	}
}

func TestSchemaHoldsExactlyTheComponents(t *testing.T) {
	t.Parallel()
	spec := servedSpec(t)
	var tokens []string
	for tk, res := range spec.Resources {
		tokens = append(tokens, tk)
		if !res.IsComponent {
			t.Errorf("%s is not marked isComponent", tk)
		}
	}
	sort.Strings(tokens)
	want := []string{psc.ConsumerEndpointType, psc.DnsBindingType, psc.ProducerServiceType}
	if !slices.Equal(tokens, want) {
		t.Errorf("resource tokens = %v, want %v", tokens, want)
	}
	if !slices.Equal(Tokens, want) {
		t.Errorf("provider.Tokens = %v, want %v", Tokens, want)
	}
	if len(spec.Functions) != 0 {
		t.Errorf("the schema has functions: %v", spec.Functions)
	}
	for tk := range spec.Types {
		if !strings.HasPrefix(tk, Name+":index:") || strings.HasSuffix(tk, "Args") {
			t.Errorf("type token %s: want %s:index:<Name> without an Args suffix", tk, Name)
		}
	}
}

func TestSchemaPackageMetadata(t *testing.T) {
	t.Parallel()
	spec := servedSpec(t)
	if spec.Name != Name || spec.License != "Apache-2.0" || spec.DisplayName == "" || spec.Description == "" ||
		spec.Homepage == "" || spec.Repository == "" || len(spec.Keywords) == 0 {
		t.Errorf("incomplete package metadata: name %q license %q displayName %q homepage %q repository %q keywords %v",
			spec.Name, spec.License, spec.DisplayName, spec.Homepage, spec.Repository, spec.Keywords)
	}
	lang := map[string]map[string]any{}
	for l, raw := range spec.Language {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("language.%s: %v", l, err)
		}
		lang[l] = m
	}
	for _, c := range []struct{ lang, key, want string }{
		{"nodejs", "packageName", NodePackage},
		{"python", "packageName", PythonPackage},
		{"go", "importBasePath", GoImportPath},
	} {
		if got := lang[c.lang][c.key]; got != c.want {
			t.Errorf("language.%s.%s = %v, want %q", c.lang, c.key, got, c.want)
		}
	}
}

// TestSchemaRegistryFields: the fields the engine and the Pulumi Registry read to find the plugin
// and its source. pluginDownloadURL is what the SDKs hand the engine, so that a TypeScript or
// Python program installs the plugin on its own: a github:// URL naming the repository the schema
// declares, whose releases hold the `make dist` archives (tests/release proves the names).
func TestSchemaRegistryFields(t *testing.T) {
	t.Parallel()
	spec := servedSpec(t)
	if spec.Publisher == "" {
		t.Errorf("the schema has no publisher")
	}
	repo := strings.TrimPrefix(spec.Repository, "https://github.com/")
	if repo == spec.Repository || strings.Count(repo, "/") != 1 {
		t.Fatalf("repository %q is not a https://github.com/<owner>/<name> URL", spec.Repository)
	}
	if want := "github://api.github.com/" + repo; spec.PluginDownloadURL != want {
		t.Errorf("pluginDownloadURL = %q, want %q (the releases of the repository %s)", spec.PluginDownloadURL, want, spec.Repository)
	}
}

// Every property of every resource and type carries a full-sentence description.
func TestSchemaDescriptions(t *testing.T) {
	t.Parallel()
	spec := servedSpec(t)
	check := func(where string, props map[string]pschema.PropertySpec) {
		if len(props) == 0 {
			t.Errorf("%s: no properties", where)
		}
		for name, prop := range props {
			d := strings.TrimSpace(prop.Description)
			if d == "" || !strings.HasSuffix(d, ".") {
				t.Errorf("%s.%s: description %q does not end with a period", where, name, d)
			}
		}
	}
	for tk, res := range spec.Resources {
		check(tk+" inputs", res.InputProperties)
		check(tk+" outputs", res.Properties)
		if !strings.HasSuffix(strings.SplitN(res.Description, "\n", 2)[0], ".") {
			t.Errorf("%s: the description does not start with a sentence: %q", tk, res.Description)
		}
	}
	for tk, typ := range spec.Types {
		check(tk, typ.Properties)
		if typ.Description == "" {
			t.Errorf("%s: no description", tk)
		}
	}
}

// Each component's description carries its example in every language the SDKs serve.
func TestSchemaExamples(t *testing.T) {
	t.Parallel()
	spec := servedSpec(t)
	for _, tk := range Tokens {
		d := spec.Resources[tk].Description
		for _, want := range []string{
			"{{% examples %}}", "{{% example %}}", "{{% /example %}}", "{{% /examples %}}",
			"```typescript\n", "```python\n", "```go\n", "```yaml\n",
			"new cloudrunpsc." + tokenName(tk) + "(",      // TypeScript
			"import pulumi_cloudrun_psc as cloudrunpsc\n", // Python
			"cloudrunpsc.New" + tokenName(tk) + "(ctx",    // Go
			"type: " + tk, // YAML
		} {
			if !strings.Contains(d, want) {
				t.Errorf("%s: description lacks %q", tk, want)
			}
		}
	}
}

func TestSchemaMarksSecrets(t *testing.T) {
	t.Parallel()
	spec := servedSpec(t)
	tls, ok := spec.Types[Name+":index:Tls"]
	if !ok {
		t.Fatalf("no type %s:index:Tls", Name)
	}
	if !tls.Properties["privateKeyPem"].Secret {
		t.Errorf("tls.privateKeyPem is not marked secret")
	}
	if tls.Properties["certificatePem"].Secret {
		t.Errorf("tls.certificatePem (public) is marked secret")
	}
}

// The version comes from -ldflags, the way the release build sets it: the binary reports it
// through GetPluginInfo and in the schema it serves.
func TestVersionIsInjectedAtBuildTime(t *testing.T) {
	t.Parallel()
	if Version == "" {
		t.Fatal("Version is empty without -ldflags")
	}
	const injected = "9.8.7-test"
	bin := filepath.Join(t.TempDir(), "pulumi-resource-cloudrun-psc")
	build := exec.Command("go", "build", "-o", bin,
		"-ldflags", "-X github.com/cloudrun-psc/pulumi-cloudrun-psc/provider.Version="+injected,
		"./cmd/pulumi-resource-cloudrun-psc")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// Without an engine address the plugin serves gRPC and prints its port.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	port, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the plugin's port: %v", err)
	}
	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := pulumirpc.NewResourceProviderClient(conn)

	info, err := client.GetPluginInfo(ctx, &emptypb.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	if info.GetVersion() != injected {
		t.Errorf("GetPluginInfo version = %q, want %q", info.GetVersion(), injected)
	}
	resp, err := client.GetSchema(ctx, &pulumirpc.GetSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var spec struct{ Name, Version string }
	if err := json.Unmarshal([]byte(resp.GetSchema()), &spec); err != nil {
		t.Fatal(err)
	}
	if spec.Name != Name || spec.Version != injected {
		t.Errorf("schema name %q version %q, want %q %q", spec.Name, spec.Version, Name, injected)
	}
}

// Every input whose Go field takes no Output (a string, a number, a list or struct of them) is
// plain in the served schema, at every depth, so the SDKs refuse an Output where the component
// needs the value when it runs; every field that takes Outputs is not plain, nor is anything
// inside it.
func TestSchemaMarksPlainExactlyTheFieldsThatTakeNoOutputs(t *testing.T) {
	t.Parallel()
	spec := servedSpec(t)
	input, output := reflect.TypeFor[pulumi.Input](), reflect.TypeFor[pulumi.Output]()
	takesOutputs := func(gt reflect.Type) bool {
		return gt.Implements(input) || gt.Implements(output) ||
			reflect.PointerTo(gt).Implements(input) || reflect.PointerTo(gt).Implements(output)
	}
	counts := map[bool]int{}
	var check func(path string, ts pschema.TypeSpec, gt reflect.Type, inOutput bool)
	var checkStruct func(prefix string, props map[string]pschema.PropertySpec, gt reflect.Type)
	check = func(path string, ts pschema.TypeSpec, gt reflect.Type, inOutput bool) {
		for gt.Kind() == reflect.Pointer {
			gt = gt.Elem()
		}
		takes := inOutput || takesOutputs(gt)
		counts[takes]++
		switch {
		case takes && ts.Plain:
			t.Errorf("%s takes Outputs (Go %s) but is plain in the schema", path, gt)
		case !takes && !ts.Plain:
			t.Errorf("%s is Go %s, which takes no Output, but is not plain in the schema", path, gt)
		}
		switch {
		case ts.Items != nil && gt.Kind() == reflect.Slice:
			check(path+"[]", *ts.Items, gt.Elem(), takes)
		case ts.Items != nil: // an Input array such as pulumi.StringArrayInput: its items are Inputs too
			check(path+"[]", *ts.Items, reflect.TypeFor[pulumi.StringInput](), true)
		case ts.AdditionalProperties != nil && gt.Kind() == reflect.Map:
			check(path+".*", *ts.AdditionalProperties, gt.Elem(), takes)
		case ts.AdditionalProperties != nil:
			check(path+".*", *ts.AdditionalProperties, reflect.TypeFor[pulumi.StringInput](), true)
		case ts.Ref != "" && gt.Kind() == reflect.Struct:
			typ, ok := spec.Types[strings.TrimPrefix(ts.Ref, "#/types/")]
			if !ok {
				t.Errorf("%s refers to a missing type %s", path, ts.Ref)
				return
			}
			checkStruct(path+".", typ.Properties, gt)
		}
	}
	checkStruct = func(prefix string, props map[string]pschema.PropertySpec, gt reflect.Type) {
		for _, f := range reflect.VisibleFields(gt) {
			tag, ok := f.Tag.Lookup("pulumi")
			if !ok {
				continue
			}
			name := strings.Split(tag, ",")[0]
			prop, ok := props[name]
			if !ok {
				t.Errorf("%s%s is not in the schema", prefix, name)
				continue
			}
			if f.Tag.Get("schema") == "optional" {
				// An optional struct input stays an Input in the SDKs (optional.go); its fields
				// keep their own plainness.
				if prop.Plain {
					t.Errorf("%s%s is optional (schema:\"optional\") but plain in the schema", prefix, name)
				}
				prop.TypeSpec.Plain = true
			}
			check(prefix+name, prop.TypeSpec, f.Type, false)
		}
	}
	for token, gt := range map[string]reflect.Type{
		psc.ProducerServiceType:  reflect.TypeFor[psc.ProducerServiceArgs](),
		psc.ConsumerEndpointType: reflect.TypeFor[psc.ConsumerEndpointArgs](),
		psc.DnsBindingType:       reflect.TypeFor[psc.DnsBindingArgs](),
	} {
		checkStruct(tokenName(token)+".", spec.Resources[token].InputProperties, gt)
	}
	if counts[false] < 40 || counts[true] < 20 {
		t.Errorf("checked %d plain and %d Input properties; the walk missed the nested types", counts[false], counts[true])
	}
}
