package gcpsim

import (
	"context"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

func TestProducerChainHasGoogleShapedOutputs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	ids := h.producer()
	attID, att := h.mustCreate(serviceAttachmentToken, "att", attachmentInputs(ids, nil))

	tests := []struct{ got, want string }{
		{attID, "projects/prod-p/regions/europe-west1/serviceAttachments/att"},
		{att.str("selfLink"), "https://www.googleapis.com/compute/v1/projects/prod-p/regions/europe-west1/serviceAttachments/att"},
		{ids["lb"], "projects/prod-p/regions/europe-west1/subnetworks/lb"},
		{ids["network"], "projects/prod-p/global/networks/vpc"},
		{ids["run"], "projects/prod-p/locations/europe-west1/services/hello"},
		{att.str("targetService"), "https://www.googleapis.com/compute/v1/projects/prod-p/regions/europe-west1/forwardingRules/fr"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	if n, _ := att.num("propagatedConnectionLimit"); n != 250 {
		t.Errorf("propagatedConnectionLimit = %v, want the default 250", n)
	}
	_, rule := h.read(forwardingRuleToken, ids["rule"])
	if rule.str("ipAddress") != "10.0.0.2" {
		t.Errorf("LB rule ipAddress = %q, want the first free address 10.0.0.2", rule.str("ipAddress"))
	}
	_, run := h.read(cloudRunServiceToken, ids["run"])
	if uri := run.str("uri"); uri != "https://hello-"+runHash(producerProject, "hello")+"-ew.a.run.app" {
		t.Errorf("Cloud Run uri = %q", uri)
	}
	_, sub := h.read(subnetworkToken, ids["lb"])
	if sub.str("gatewayAddress") != "10.0.0.1" {
		t.Errorf("gatewayAddress = %q, want 10.0.0.1", sub.str("gatewayAddress"))
	}
}

func TestAddressesAreAllocatedFromTheSubnet(t *testing.T) {
	t.Parallel()
	h := newHarness(t, consumerProject)
	network, subnet := h.consumer("vpc")
	_ = network
	var got []string
	for _, name := range []string{"a", "b", "c"} {
		_, out := h.mustCreate(addressToken, name, map[string]any{"name": name, "addressType": "INTERNAL", "subnetwork": subnet})
		got = append(got, out.str("address"))
	}
	_, fixed := h.mustCreate(addressToken, "d", map[string]any{"name": "d", "addressType": "INTERNAL", "subnetwork": subnet, "address": "10.0.0.200"})
	got = append(got, fixed.str("address"))
	want := []string{"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.200"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("addresses = %v, want %v", got, want)
		}
	}
}

func TestReferencesAreAcceptedInEveryForm(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, ref string }{
		{"self-link", "https://www.googleapis.com/compute/v1/projects/cons-p/global/networks/vpc"},
		{"compute-host", "https://compute.googleapis.com/compute/v1/projects/cons-p/global/networks/vpc"},
		{"partial", "projects/cons-p/global/networks/vpc"},
		{"global-path", "global/networks/vpc"},
		{"bare-name", "vpc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, consumerProject)
			h.mustCreate(networkToken, "vpc", map[string]any{"name": "vpc", "autoCreateSubnetworks": false})
			_, out := h.mustCreate(subnetworkToken, "s", map[string]any{"name": "s", "network": tt.ref, "ipCidrRange": "10.1.0.0/24"})
			if out.str("network") != "https://www.googleapis.com/compute/v1/projects/cons-p/global/networks/vpc" {
				t.Errorf("network output = %q", out.str("network"))
			}
		})
	}
}

func TestPreviewReturnsUnknownsAndStoresNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	inputs, failures := h.check(subnetworkToken, "s", map[string]any{"network": "vpc", "ipCidrRange": "10.0.0.0/24"})
	if len(failures) > 0 {
		t.Fatal(failures)
	}
	resp, err := h.sim.Create(context.Background(), p.CreateRequest{Urn: urnOf(subnetworkToken, "s"), Properties: inputs, DryRun: true})
	if err != nil {
		t.Fatalf("preview create: %v (a preview must not need the network to exist)", err)
	}
	if resp.ID != "" {
		t.Errorf("preview ID = %q, want empty", resp.ID)
	}
	for _, key := range []string{"selfLink", "gatewayAddress", "fingerprint"} {
		if !resp.Properties.Get(key).IsComputed() {
			t.Errorf("%s = %v, want unknown during preview", key, resp.Properties.Get(key))
		}
	}
	if got := resp.Properties.Get("ipCidrRange").AsString(); got != "10.0.0.0/24" {
		t.Errorf("ipCidrRange = %q, want the input", got)
	}
	if n := h.count(); n != 0 {
		t.Errorf("preview stored %d resources", n)
	}
}

func TestCheckAutonamesAndKeepsTheName(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	inputs, _ := h.check(networkToken, "vpc", map[string]any{})
	name := inputs.Get("name").AsString()
	if len(name) != len("vpc-")+7 || name[:4] != "vpc-" {
		t.Fatalf("autoname = %q, want vpc-<7 hex>", name)
	}
	resp, err := h.sim.Check(context.Background(), p.CheckRequest{Urn: urnOf(networkToken, "vpc"), State: inputs, Inputs: props(map[string]any{})})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Inputs.Get("name").AsString(); got != name {
		t.Errorf("second Check renamed %q to %q", name, got)
	}
}

func TestReadOfAGoneResourceReturnsNoID(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	id, _ := h.mustCreate(networkToken, "vpc", map[string]any{"name": "vpc"})
	if err := h.del(networkToken, id); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.read(networkToken, id); got != "" {
		t.Errorf("Read of a deleted network returned ID %q", got)
	}
}

func TestConfiguration(t *testing.T) {
	t.Parallel()
	sim, err := New(Options{StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	cfg := props(map[string]any{"project": "p1", "region": "r1", "credentials": "{}", "addTerraformAttributionLabel": true})
	if resp, err := sim.CheckConfig(context.Background(), p.CheckRequest{Inputs: cfg}); err != nil || len(resp.Failures) > 0 {
		t.Fatalf("CheckConfig rejected the real provider's keys: %v %v", err, resp.Failures)
	}
	if err := sim.Configure(context.Background(), p.ConfigureRequest{Args: cfg}); err != nil {
		t.Fatal(err)
	}
	if got := sim.config(); got != (Config{Project: "p1", Region: "r1"}) {
		t.Errorf("config = %+v", got)
	}
	diff, err := sim.DiffConfig(context.Background(), p.DiffRequest{OldInputs: cfg, Inputs: props(map[string]any{"project": "p2", "region": "r1"})})
	if err != nil || !diff.HasChanges || diff.DetailedDiff["project"].Kind != p.Update {
		t.Errorf("DiffConfig = %+v, %v; want an update of project", diff, err)
	}
}

func TestMissingProjectIsAnError(t *testing.T) {
	t.Parallel()
	sim, err := New(Options{StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, sim: sim}
	_, _, err = h.create(networkToken, "vpc", map[string]any{"name": "vpc"})
	wantErr(t, err, "project: required field is not set")
	// An explicit project on the resource is enough.
	if _, _, err := h.create(networkToken, "vpc", map[string]any{"name": "vpc", "project": "explicit"}); err != nil {
		t.Fatal(err)
	}
}

func TestWithoutStateDirOnlyResourceOperationsFail(t *testing.T) {
	t.Parallel()
	sim, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sim.GetSchema(context.Background(), p.GetSchemaRequest{}); err != nil {
		t.Errorf("GetSchema needs no state: %v", err)
	}
	_, err = sim.Create(context.Background(), p.CreateRequest{Urn: urnOf(networkToken, "n"), Properties: props(map[string]any{"name": "n", "project": "p"})})
	wantErr(t, err, "GCPSIM_STATE_DIR")
}

func TestUnknownTypeIsRejected(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	_, err := h.sim.Check(context.Background(), p.CheckRequest{Urn: urnOf("gcp:storage/bucket:Bucket", "b")})
	wantErr(t, err, `resource type "gcp:storage/bucket:Bucket" is not emulated`)
}

func TestNamePrefixAutonames(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	inputs, failures := h.check(sslCertificateToken, "cert", map[string]any{"namePrefix": "api-cert-", "certificate": "c", "privateKey": "k"})
	if len(failures) > 0 { // the name drawn from namePrefix is not in the configuration: no conflict (GEN-CONFLICTS)
		t.Errorf("namePrefix alone failed Check: %v", failures)
	}
	if name := inputs.Get("name").AsString(); len(name) != len("api-cert-")+7 || name[:9] != "api-cert-" {
		t.Fatalf("name = %q, want api-cert-<7 hex>", name)
	}
}

func TestInvokes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, consumerProject)
	tests := []struct {
		token, key, want string
		args             map[string]any
	}{
		{"gcp:organizations/getClientConfig:getClientConfig", "project", consumerProject, nil},
		{"gcp:organizations/getClientConfig:getClientConfig", "region", region, nil},
		{"gcp:organizations/getProject:getProject", "number", formatInt(ProjectNumber("other")), map[string]any{"projectId": "other"}},
	}
	for _, tt := range tests {
		resp, err := h.sim.Invoke(context.Background(), p.InvokeRequest{Token: tokens.Type(tt.token), Args: props(tt.args)})
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Return.Get(tt.key).AsString(); got != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.token, tt.key, got, tt.want)
		}
	}
	_, err := h.sim.Invoke(context.Background(), p.InvokeRequest{Token: "gcp:compute/getNetwork:getNetwork"})
	wantErr(t, err, `function "gcp:compute/getNetwork:getNetwork" is not emulated`)
}

// Two explicit providers are two plugin instances on one state: getClientConfig answers each
// with its own configured project, not the other's nor the stack's, so that a component reading
// it through its provider (parented invokes) places its children where that provider points.
func TestGetClientConfigIsPerProviderInstance(t *testing.T) {
	t.Parallel()
	a := newHarness(t, producerProject)
	b := attach(t, a.dir, consumerProject)
	for want, h := range map[string]*harness{producerProject: a, consumerProject: b} {
		resp, err := h.sim.Invoke(context.Background(), p.InvokeRequest{Token: "gcp:organizations/getClientConfig:getClientConfig"})
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Return.Get("project").AsString(); got != want {
			t.Errorf("getClientConfig project = %q, want %q, the instance's own configuration", got, want)
		}
	}
}
