package gcpsim

import (
	"context"
	"strconv"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

const (
	producerProject = "prod-p"
	consumerProject = "cons-p"
	region          = "europe-west1"
	otherRegion     = "us-central1"
)

// harness drives one provider instance (one engine's plugin process) in tests.
type harness struct {
	t   testing.TB
	sim *Simulator
	dir string
}

// newHarness starts a provider on a fresh state directory, configured for project.
func newHarness(t testing.TB, project string) *harness {
	t.Helper()
	return attach(t, t.TempDir(), project)
}

// attach starts another provider instance on an existing state directory.
func attach(t testing.TB, dir, project string, opts ...func(*Options)) *harness {
	t.Helper()
	o := Options{StateDir: dir}
	for _, f := range opts {
		f(&o)
	}
	sim, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	cfg := property.NewMap(map[string]property.Value{"project": property.New(project), "region": property.New(region)})
	if err := sim.Configure(context.Background(), p.ConfigureRequest{Args: cfg}); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, sim: sim, dir: dir}
}

func urnOf(token, name string) resource.URN {
	return resource.NewURN("dev", "test", "", tokens.Type(token), name)
}

// check runs Check and returns the checked inputs and failures.
func (h *harness) check(token, name string, in map[string]any) (property.Map, []p.CheckFailure) {
	h.t.Helper()
	resp, err := h.sim.Check(context.Background(), p.CheckRequest{Urn: urnOf(token, name), Inputs: props(in)})
	if err != nil {
		h.t.Fatalf("Check %s: %v", token, err)
	}
	return resp.Inputs, resp.Failures
}

// create runs Check (which must pass) and Create, as the engine does.
func (h *harness) create(token, name string, in map[string]any) (string, obj, error) {
	h.t.Helper()
	inputs, failures := h.check(token, name, in)
	if len(failures) > 0 {
		h.t.Fatalf("Check %s %s failed: %v", token, name, failures)
	}
	resp, err := h.sim.Create(context.Background(), p.CreateRequest{Urn: urnOf(token, name), Properties: inputs})
	if err != nil {
		return "", nil, err
	}
	return resp.ID, mapToPlain(resp.Properties), nil
}

func (h *harness) mustCreate(token, name string, in map[string]any) (string, obj) {
	h.t.Helper()
	id, out, err := h.create(token, name, in)
	if err != nil {
		h.t.Fatalf("Create %s %s: %v", token, name, err)
	}
	return id, out
}

func (h *harness) update(token, id string, olds, news map[string]any) (obj, error) {
	h.t.Helper()
	resp, err := h.sim.Update(context.Background(), p.UpdateRequest{
		ID: id, Urn: urnOf(token, "x"), State: props(olds), OldInputs: props(olds), Inputs: props(news),
	})
	if err != nil {
		return nil, err
	}
	return mapToPlain(resp.Properties), nil
}

func (h *harness) read(token, id string) (string, obj) {
	h.t.Helper()
	resp, err := h.sim.Read(context.Background(), readReq(token, id))
	if err != nil {
		h.t.Fatalf("Read %s: %v", id, err)
	}
	return resp.ID, mapToPlain(resp.Properties)
}

func (h *harness) del(token, id string) error {
	h.t.Helper()
	return h.sim.Delete(context.Background(), p.DeleteRequest{ID: id, Urn: urnOf(token, "x")})
}

func (h *harness) count() int {
	h.t.Helper()
	n := 0
	if err := h.sim.Store().View(func(st *State) error { n = len(st.Resources); return nil }); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// snapshot reads the shared state afresh: a test may break its own copy.
func (h *harness) snapshot() *State {
	h.t.Helper()
	st, err := h.sim.Store().Snapshot()
	if err != nil {
		h.t.Fatal(err)
	}
	return st
}

func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q\ndoes not contain %q", err, want)
	}
}

func wantFailure(t *testing.T, failures []p.CheckFailure, prop, reason string) {
	t.Helper()
	for _, f := range failures {
		if f.Property == prop && strings.Contains(f.Reason, reason) {
			return
		}
	}
	t.Fatalf("no failure on %q containing %q; got %v", prop, reason, failures)
}

// producer builds the producer's VPC and the whole serving chain up to (not including)
// the service attachment, and returns the IDs by role.
func (h *harness) producer() map[string]string {
	h.t.Helper()
	ids := map[string]string{}
	ids["network"], _ = h.mustCreate(networkToken, "vpc", map[string]any{"name": "vpc", "autoCreateSubnetworks": false})
	ids["lb"], _ = h.mustCreate(subnetworkToken, "lb", map[string]any{"name": "lb", "network": ids["network"], "ipCidrRange": "10.0.0.0/24"})
	ids["proxy-only"], _ = h.mustCreate(subnetworkToken, "proxy", map[string]any{"name": "proxy-only", "network": ids["network"], "ipCidrRange": "10.0.1.0/26", "purpose": "REGIONAL_MANAGED_PROXY", "role": "ACTIVE"})
	ids["nat"], _ = h.mustCreate(subnetworkToken, "nat", map[string]any{"name": "nat", "network": "vpc", "ipCidrRange": "10.0.2.0/29", "purpose": "PRIVATE_SERVICE_CONNECT"})
	ids["run"], _ = h.mustCreate(cloudRunServiceToken, "run", map[string]any{"name": "hello", "location": region, "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY", "deletionProtection": false,
		"template": map[string]any{"containers": []any{map[string]any{"image": "us-docker.pkg.dev/cloudrun/container/hello"}}}})
	ids["neg"], _ = h.mustCreate(negToken, "neg", map[string]any{"name": "neg", "region": region, "networkEndpointType": "SERVERLESS", "cloudRun": map[string]any{"service": "hello"}})
	ids["backend"], _ = h.mustCreate(backendServiceToken, "bs", map[string]any{"name": "bs", "loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP", "backends": []any{map[string]any{"group": selfLinkOf(ids["neg"])}}})
	ids["urlmap"], _ = h.mustCreate(urlMapToken, "um", map[string]any{"name": "um", "defaultService": ids["backend"]})
	ids["proxy"], _ = h.mustCreate(httpProxyToken, "px", map[string]any{"name": "px", "urlMap": ids["urlmap"]})
	ids["rule"], _ = h.mustCreate(forwardingRuleToken, "fr", map[string]any{"name": "fr", "loadBalancingScheme": "INTERNAL_MANAGED", "ipProtocol": "TCP", "portRange": "80",
		"network": ids["network"], "subnetwork": ids["lb"], "target": selfLinkOf(ids["proxy"])})
	return ids
}

// attachmentInputs are valid ACCEPT_MANUAL attachment inputs accepting the consumer project.
func attachmentInputs(ids map[string]string, extra map[string]any) map[string]any {
	in := map[string]any{
		"name": "att", "targetService": ids["rule"], "natSubnets": []any{ids["nat"]}, "enableProxyProtocol": false,
		"connectionPreference": "ACCEPT_MANUAL",
		"consumerAcceptLists":  []any{map[string]any{"projectIdOrNum": consumerProject, "connectionLimit": 10.0}},
	}
	for k, v := range extra {
		in[k] = v
	}
	return in
}

// consumer builds the consumer VPC (same ranges as the producer: PSC does not care) and
// returns the network and subnet IDs.
func (h *harness) consumer(name string) (network, subnet string) {
	h.t.Helper()
	network, _ = h.mustCreate(networkToken, name, map[string]any{"name": name, "autoCreateSubnetworks": false})
	subnet, _ = h.mustCreate(subnetworkToken, name+"-sub", map[string]any{"name": name + "-sub", "network": network, "ipCidrRange": "10.0.0.0/24"})
	return network, subnet
}

// endpoint creates a PSC endpoint (address + forwarding rule) to the attachment.
func (h *harness) endpoint(name, network, subnet, attachment string) (string, obj) {
	h.t.Helper()
	addr, _ := h.mustCreate(addressToken, name+"-ip", map[string]any{"name": name + "-ip", "addressType": "INTERNAL", "subnetwork": subnet})
	return h.mustCreate(forwardingRuleToken, name, map[string]any{"name": name, "loadBalancingScheme": "", "target": attachment,
		"network": network, "ipAddress": selfLinkOf(addr), "recreateClosedPsc": true})
}

// with returns a copy of base with key set to v (removed when v is nil).
func with(base map[string]any, key string, v any) map[string]any {
	out := map[string]any{}
	for k, x := range base {
		out[k] = x
	}
	if v == nil {
		delete(out, key)
	} else {
		out[key] = v
	}
	return out
}

func readReq(token, id string) p.ReadRequest { return p.ReadRequest{ID: id, Urn: urnOf(token, "x")} }

func formatInt(n int64) string { return strconv.FormatInt(n, 10) }
