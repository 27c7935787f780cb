package gcpsim

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// chainWorld is an HTTPS producer (self-managed certificate), its service attachment and one
// accepted consumer endpoint, all through the provider as engines would create them.
type chainWorld struct {
	prod, cons *harness
	ids        map[string]string // producer IDs by role, plus "cert", "proxys", "rules", "att", "ep"
}

func newChainWorld(t *testing.T) *chainWorld {
	t.Helper()
	prod := newHarness(t, producerProject)
	w := &chainWorld{prod: prod, ids: prod.producer()}
	cert, key := selfSigned(t)
	w.ids["cert"], _ = prod.mustCreate(sslCertificateToken, "cert", map[string]any{"name": "cert", "certificate": cert, "privateKey": key})
	w.ids["proxys"], _ = prod.mustCreate(httpsProxyToken, "pxs", map[string]any{"name": "pxs", "urlMap": w.ids["urlmap"], "sslCertificates": []any{selfLinkOf(w.ids["cert"])}})
	w.ids["rules"], _ = prod.mustCreate(forwardingRuleToken, "frs", map[string]any{"name": "frs", "loadBalancingScheme": "INTERNAL_MANAGED", "portRange": "443",
		"network": w.ids["network"], "subnetwork": w.ids["lb"], "target": selfLinkOf(w.ids["proxys"])})
	w.ids["att"], _ = prod.mustCreate(serviceAttachmentToken, "att", attachmentInputs(map[string]string{"rule": w.ids["rules"], "nat": w.ids["nat"]}, nil))
	w.cons = attach(t, prod.dir, consumerProject)
	network, subnet := w.cons.consumer("cvpc")
	w.ids["ep"], _ = w.cons.endpoint("ep", network, subnet, selfLinkOf(w.ids["att"]))
	return w
}

// snapshot reads the shared state afresh: each case breaks its own copy.
func (w *chainWorld) snapshot(t *testing.T) *State {
	t.Helper()
	return w.prod.snapshot()
}

// only returns the single chain sample of st, failing when there is not exactly one.
func only(t *testing.T, samples []ChainSample) ChainSample {
	t.Helper()
	if len(samples) != 1 {
		t.Fatalf("want one chain sample, got %d: %+v", len(samples), samples)
	}
	return samples[0]
}

func TestChainIntact(t *testing.T) {
	t.Parallel()
	w := newChainWorld(t)
	s := only(t, w.snapshot(t).EvaluateChains(time.Now()))
	if !s.Intact || s.Link != "" || s.Reason != "" {
		t.Fatalf("chain of a fresh deployment: %+v", s)
	}
	want := []string{w.ids["ep"], w.ids["att"], w.ids["rules"], w.ids["proxys"], w.ids["cert"], w.ids["urlmap"], w.ids["backend"], w.ids["neg"], w.ids["run"]}
	if !slices.Equal(s.Path, want) {
		t.Errorf("path = %v\nwant %v", s.Path, want)
	}
	if !slices.Equal(s.Images, []string{"us-docker.pkg.dev/cloudrun/container/hello"}) {
		t.Errorf("images = %v", s.Images)
	}
}

// Every way the chain breaks, each on its own copy of the same deployment: the first broken
// link and its reason.
func TestChainBreaks(t *testing.T) {
	t.Parallel()
	w := newChainWorld(t)
	out := func(st *State, role string) obj { return st.Resources[w.ids[role]].out() }
	gone := func(role string) func(*State) { return func(st *State) { delete(st.Resources, w.ids[role]) } }
	set := func(role, key string, v any) func(*State) { return func(st *State) { out(st, role)[key] = v } }
	tests := []struct {
		name   string
		breaks func(*State)
		link   string
		reason string
	}{
		{"endpoint pending", set("ep", "pscConnectionStatus", StatusPending), LinkEndpoint, "pscConnectionStatus is PENDING, not ACCEPTED"},
		{"endpoint closed", set("ep", "pscConnectionStatus", StatusClosed), LinkEndpoint, "pscConnectionStatus is CLOSED"},
		{"endpoint needs attention", set("ep", "pscConnectionStatus", StatusNeedsAttention), LinkEndpoint, "NEEDS_ATTENTION"},
		{"endpoint rejected", set("ep", "pscConnectionStatus", StatusRejected), LinkEndpoint, "REJECTED"},
		{"attachment deleted", gone("att"), LinkAttachment, "refers to projects/prod-p/regions/europe-west1/serviceAttachments/att, which does not exist"},
		{"endpoint target malformed", set("ep", "target", "projects/prod-p/serviceAttachments/att"), LinkAttachment, "not a reference to serviceAttachments"},
		{"attachment targets a missing rule", set("att", "targetService", "projects/prod-p/regions/europe-west1/forwardingRules/nope"), LinkForwardingRule, "forwardingRules/nope, which does not exist"},
		{"forwarding rule deleted", gone("rules"), LinkForwardingRule, "does not exist"},
		{"forwarding rule not internal managed", set("rules", "loadBalancingScheme", "EXTERNAL_MANAGED"), LinkForwardingRule, `scheme "EXTERNAL_MANAGED", not INTERNAL_MANAGED`},
		{"proxy-only subnet deleted", gone("proxy-only"), LinkForwardingRule, "no ACTIVE proxy-only subnet"},
		{"proxy-only subnet only BACKUP", set("proxy-only", "role", "BACKUP"), LinkForwardingRule, "no ACTIVE proxy-only subnet"},
		{"proxy deleted", gone("proxys"), LinkProxy, "targetHttpsProxies/pxs, which does not exist"},
		{"rule has no target", set("rules", "target", ""), LinkProxy, "sets no target"},
		{"HTTPS proxy without certificates", set("proxys", "sslCertificates", []any{}), LinkCertificate, "has no certificate"},
		{"certificate deleted", gone("cert"), LinkCertificate, "sslCertificates/cert, which does not exist"},
		{"certificate expired", set("cert", "expireTime", "2001-01-01T00:00:00Z"), LinkCertificate, "expired at 2001-01-01T00:00:00Z"},
		{"certificate without expiry", set("cert", "expireTime", "soon"), LinkCertificate, `no valid expireTime ("soon")`},
		{"URL map deleted", gone("urlmap"), LinkURLMap, "urlMaps/um, which does not exist"},
		{"URL map only redirects", func(st *State) {
			delete(out(st, "urlmap"), "defaultService")
			out(st, "urlmap")["defaultUrlRedirect"] = map[string]any{"hostRedirect": "example.com"}
		}, LinkBackend, "routes to no backend service"},
		{"backend deleted", gone("backend"), LinkBackend, "backendServices/bs, which does not exist"},
		{"a host rule routes to a missing backend", set("urlmap", "pathMatchers", []any{map[string]any{"name": "pm", "defaultService": "gone-bs"}}), LinkBackend, "pathMatchers[0].defaultService of projects/prod-p/regions/europe-west1/urlMaps/um refers to projects/prod-p/regions/europe-west1/backendServices/gone-bs"},
		{"backend without backends", set("backend", "backends", []any{}), LinkBackend, "has no backends"},
		{"NEG deleted", gone("neg"), LinkNEG, "networkEndpointGroups/neg, which does not exist"},
		{"NEG not serverless", set("neg", "networkEndpointType", "INTERNET_FQDN_PORT"), LinkNEG, "of type INTERNET_FQDN_PORT, not SERVERLESS"},
		{"NEG names no service", set("neg", "cloudRun", map[string]any{"urlMask": "<service>.example.com"}), LinkNEG, "names no Cloud Run service"},
		{"Cloud Run service deleted", gone("run"), LinkCloudRun, "projects/prod-p/locations/europe-west1/services/hello, which does not exist"},
		{"Cloud Run ingress none", set("run", "ingress", "INGRESS_TRAFFIC_NONE"), LinkCloudRun, "ingress INGRESS_TRAFFIC_NONE"},
		{"Cloud Run not ready", set("run", "terminalConditions", []any{map[string]any{"type": "Ready", "state": "CONDITION_FAILED"}}), LinkCloudRun, "not ready (Ready condition CONDITION_FAILED)"},
		{"Cloud Run without Ready condition", set("run", "terminalConditions", []any{}), LinkCloudRun, "Ready condition missing"},
		{"Cloud Run without ready revision", set("run", "latestReadyRevision", ""), LinkCloudRun, "has no ready revision"},
		{"Cloud Run without image", set("run", "template", map[string]any{"containers": []any{map[string]any{}}}), LinkCloudRun, "serves no container image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := w.snapshot(t)
			tt.breaks(st)
			s := only(t, st.EvaluateChains(time.Now()))
			if s.Intact || s.Link != tt.link || !strings.Contains(s.Reason, tt.reason) {
				t.Errorf("intact %v, link %q, reason %q\nwant link %q, reason containing %q", s.Intact, s.Link, s.Reason, tt.link, tt.reason)
			}
			if len(s.Path) == 0 || s.Path[0] != w.ids["ep"] {
				t.Errorf("path %v must start at the endpoint", s.Path)
			}
		})
	}
}

// A certificate counts until the instant it expires: the sample's time decides.
func TestChainCertificateExpiresAtSampleTime(t *testing.T) {
	t.Parallel()
	w := newChainWorld(t)
	st := w.snapshot(t)
	expiry := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) // selfSigned's NotAfter
	if s := only(t, st.EvaluateChains(expiry.Add(-time.Second))); !s.Intact {
		t.Errorf("a second before expiry: %+v", s)
	}
	if s := only(t, st.EvaluateChains(expiry)); s.Intact || s.Link != LinkCertificate {
		t.Errorf("at expiry: %+v", s)
	}
}

// A Certificate Manager certificate the proxy names must exist: one deleted out of band breaks
// the chain at the certificate (TestProxyManagedCertificateChain covers a managed one's state).
func TestChainCertificateManagerCertificateMissing(t *testing.T) {
	t.Parallel()
	w := newChainWorld(t)
	st := w.snapshot(t)
	px := st.Resources[w.ids["proxys"]].out()
	px["sslCertificates"] = []any{}
	px["certificateManagerCertificates"] = []any{"projects/prod-p/locations/europe-west1/certificates/c"}
	if s := only(t, st.EvaluateChains(time.Now())); s.Intact || s.Link != LinkCertificate || !strings.Contains(s.Reason, "which does not exist") {
		t.Errorf("chain with a missing Certificate Manager certificate: %+v", s)
	}
}

// The timeline gets one sample per endpoint after every successful mutation that can change its
// chain, written in the transaction that made it, and none after a refused one.
func TestChainTimelineRecordsEveryMutation(t *testing.T) {
	t.Parallel()
	w := newChainWorld(t)
	store := w.prod.sim.Store()
	timeline := func() []ChainSample {
		t.Helper()
		samples, err := store.ChainTimeline()
		if err != nil {
			t.Fatal(err)
		}
		return samples
	}
	before := timeline()
	if len(before) != 1 || !before[0].Intact || before[0].Endpoint != w.ids["ep"] ||
		!strings.HasPrefix(before[0].After, "create "+forwardingRuleToken+" "+w.ids["ep"]) {
		t.Fatalf("the endpoint's creation must be the first sample, got %+v", before)
	}

	// GCP refuses to delete a NEG a backend service uses: no mutation, no sample.
	wantErr(t, w.prod.del(negToken, w.ids["neg"]), "resourceInUseByAnotherResource")
	if n := len(timeline()); n != 1 {
		t.Fatalf("a refused delete added samples: %d", n)
	}

	// Nothing stops a Cloud Run service a NEG names from being deleted: the chain breaks,
	// and recreating the service mends it.
	runIn := map[string]any{"name": "hello", "location": region, "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY", "deletionProtection": false,
		"template": map[string]any{"containers": []any{map[string]any{"image": "europe-docker.pkg.dev/acme/hello:2"}}}}
	if err := w.prod.del(cloudRunServiceToken, w.ids["run"]); err != nil {
		t.Fatal(err)
	}
	w.prod.mustCreate(cloudRunServiceToken, "run", runIn)
	got := timeline()[1:]
	if len(got) != 2 {
		t.Fatalf("want a sample after the delete and one after the create, got %+v", got)
	}
	if s := got[0]; s.Intact || s.Link != LinkCloudRun || s.After != "delete "+cloudRunServiceToken+" "+w.ids["run"] {
		t.Errorf("after deleting the service: %+v", s)
	}
	if s := got[1]; !s.Intact || !slices.Equal(s.Images, []string{"europe-docker.pkg.dev/acme/hello:2"}) || got[1].Time.Before(got[0].Time) {
		t.Errorf("after recreating the service: %+v", s)
	}

	// A second endpoint: a mutation of a resource both chains reach samples both.
	network, subnet := w.cons.consumer("cvpc2")
	w.cons.endpoint("ep2", network, subnet, selfLinkOf(w.ids["att"]))
	n := len(timeline())
	if _, err := w.prod.update(cloudRunServiceToken, w.ids["run"], runIn, runIn); err != nil {
		t.Fatal(err)
	}
	last := timeline()[n:]
	if len(last) != 2 || last[0].Endpoint == last[1].Endpoint || !last[0].Intact || !last[1].Intact {
		t.Errorf("one update with two endpoints: %+v", last)
	}
}
