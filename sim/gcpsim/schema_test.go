package gcpsim

import (
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/internal/schemagen"
)

var updateSchema = flag.Bool("update-schema", false, "regenerate schema.json from the pulumi-gcp SDK sources")

// sdkDir returns the sources of the pulumi-gcp Go SDK at Version, downloaded into the module cache
// when it lacks them: the simulator's build does not need pulumi-gcp (only its sources are read,
// and sim/go.mod does not require it), so on a cold cache nothing else has downloaded it. `go mod
// download` reaches the module proxy and checks the checksum database as any download does.
func sdkDir(t *testing.T) string {
	t.Helper()
	mod := "github.com/pulumi/pulumi-gcp/sdk/v8@v" + Version
	out, err := exec.Command("go", "mod", "download", "-json", mod).Output()
	var info struct{ Dir, Error string }
	if jsonErr := json.Unmarshal(out, &info); jsonErr != nil || info.Dir == "" {
		t.Fatalf("go mod download %s: %v %s (%v)", mod, err, info.Error, jsonErr)
	}
	return filepath.Join(info.Dir, "go", "gcp")
}

func generateSchema(t *testing.T) []byte {
	t.Helper()
	data, err := schemagen.Generate(schemagen.Options{
		SDKDir:  sdkDir(t),
		Version: Version,
		Tokens:  Types(),
		Secrets: SecretOutputs(),
		Providers: map[string]schemagen.PropertySpec{
			"project": {Type: "string", Description: "The default project for resources that do not set one."},
			"region":  {Type: "string", Description: "The default region for regional resources that do not set one."},
			"zone":    {Type: "string", Description: "The default zone (accepted and unused by the simulator)."},
		},
	})
	if err != nil {
		t.Fatalf("generating schema: %v", err)
	}
	return data
}

func TestSchemaIsFresh(t *testing.T) {
	t.Parallel()
	want := generateSchema(t)
	if *updateSchema {
		if err := os.WriteFile("schema.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(want) != schemaJSON {
		t.Fatal("schema.json is stale: run (cd sim && go test ./gcpsim -run TestSchemaIsFresh -update-schema)")
	}
}

func TestSchemaBindsWithEveryEmulatedType(t *testing.T) {
	t.Parallel()
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(Schema()), &spec); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	pkg, diags, err := schema.BindSpec(spec, schema.NewNullLoader(), schema.ValidationOptions{})
	if err != nil || diags.HasErrors() {
		t.Fatalf("binding schema: %v %v", err, diags)
	}
	if pkg.Name != Name || pkg.Version.String() != Version {
		t.Fatalf("package %s %s, want %s %s", pkg.Name, pkg.Version, Name, Version)
	}
	got := map[string]bool{}
	for _, r := range pkg.Resources {
		got[r.Token] = true
	}
	for _, tok := range Types() {
		if !got[tok] {
			t.Errorf("schema lacks %s", tok)
		}
	}
	if len(pkg.Resources) != len(Types()) {
		t.Errorf("schema has %d resources, the simulator emulates %d", len(pkg.Resources), len(Types()))
	}
	for _, prop := range []string{"project", "region"} {
		if _, ok := spec.Provider.InputProperties[prop]; !ok {
			t.Errorf("provider config lacks %s", prop)
		}
	}
}

func TestSchemaHasTheSDKPropertyNames(t *testing.T) {
	t.Parallel()
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(Schema()), &spec); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		token, input, output string
		required             bool
	}{
		{serviceAttachmentToken, "enableProxyProtocol", "connectedEndpoints", true},
		{forwardingRuleToken, "recreateClosedPsc", "pscConnectionStatus", false},
		{subnetworkToken, "network", "gatewayAddress", true},
		{managedZoneToken, "privateVisibilityConfig", "nameServers", false},
		{cloudRunServiceToken, "template", "uri", true},
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			t.Parallel()
			r := spec.Resources[tt.token]
			if _, ok := r.InputProperties[tt.input]; !ok {
				t.Errorf("input %s missing", tt.input)
			}
			if _, ok := r.Properties[tt.output]; !ok {
				t.Errorf("output %s missing", tt.output)
			}
			isRequired := false
			for _, req := range r.RequiredInputs {
				isRequired = isRequired || req == tt.input
			}
			if isRequired != tt.required {
				t.Errorf("input %s required = %v, want %v", tt.input, isRequired, tt.required)
			}
		})
	}
}
