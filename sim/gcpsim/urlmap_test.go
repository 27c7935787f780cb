package gcpsim

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// routedURLMap is a URL map as ProducerService writes it with routes: hostname's /admin to the
// admin backend and its other paths to the main one, reports.internal (and *.reports.internal)
// to the reports backend, and everything else refused with 404.
func routedURLMap(main, admin, reports string) map[string]any {
	return map[string]any{
		"name":               "um",
		"defaultRouteAction": abort404([]any{map[string]any{"backendService": main, "weight": 100.0}}),
		"hostRules": []any{
			map[string]any{"hosts": []any{"payment-api.internal"}, "pathMatcher": "private-host"},
			map[string]any{"hosts": []any{"reports.internal"}, "pathMatcher": "reports"},
			map[string]any{"hosts": []any{"*.reports.internal"}, "pathMatcher": "reports-v2"},
		},
		"pathMatchers": []any{
			map[string]any{"name": "private-host", "defaultService": main, "pathRules": []any{
				map[string]any{"paths": []any{"/admin", "/admin/*"}, "service": admin},
				map[string]any{"paths": []any{"/admin/public/*"}, "service": main},
			}},
			map[string]any{"name": "reports", "defaultService": reports},
			map[string]any{"name": "reports-v2", "defaultRouteAction": abort404([]any{map[string]any{"backendService": reports, "weight": 100.0}}),
				"pathRules": []any{map[string]any{"paths": []any{"/v2", "/v2/*"}, "service": reports}}},
		},
	}
}

// URLMAP-MATCH: an exact host before a pattern, the longest path rule whatever the order, the
// path matcher's default, and the URL map's 404 default for hosts no rule names.
func TestMatchRequest(t *testing.T) {
	t.Parallel()
	um := obj(routedURLMap("main", "admin", "reports"))
	tests := []struct {
		host, path, service string
		status              int
	}{
		{"payment-api.internal", "/", "main", 0},
		{"payment-api.internal", "/pay?x=1", "main", 0},
		{"payment-api.internal", "/admin", "admin", 0},
		{"payment-api.internal", "/admin/users", "admin", 0},
		{"payment-api.internal", "/administrator", "main", 0},
		{"payment-api.internal", "/admin/public/logo.png", "main", 0},
		{"PAYMENT-API.internal:443", "/admin", "admin", 0},
		{"reports.internal", "/anything", "reports", 0},
		{"eu.reports.internal", "/v2/q", "reports", 0},
		{"eu.reports.internal", "/v1", "", 404},
		{"evil.internal", "/", "", 404},
		{"", "/admin", "", 404},
	}
	for _, tt := range tests {
		got := matchRequest(um, tt.host, tt.path)
		if got.service != tt.service || got.status != tt.status {
			t.Errorf("%s%s → %+v, want service %q status %d", tt.host, tt.path, got, tt.service, tt.status)
		}
	}
	if m := matchRequest(obj(map[string]any{"defaultUrlRedirect": map[string]any{"stripQuery": false}}), "a", "/"); m.status != 301 {
		t.Errorf("a default redirect answers %d, want 301", m.status)
	}
}

// With several backends behind one URL map the chain stays intact and covers every backend; a
// request follows its host and path to the one backend and Cloud Run service that serve it, or
// gets the URL map's 404; a broken route breaks only the requests that take it.
func TestChainRoutesRequests(t *testing.T) {
	t.Parallel()
	w := newChainWorld(t)
	h := w.prod
	runID, _ := h.mustCreate(cloudRunServiceToken, "admin-run", map[string]any{"name": "admin", "location": region, "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY", "deletionProtection": false,
		"template": map[string]any{"containers": []any{map[string]any{"image": "europe-docker.pkg.dev/p/r/admin:1"}}}})
	negID, _ := h.mustCreate(negToken, "neg-admin", map[string]any{"name": "neg-admin", "region": region, "networkEndpointType": "SERVERLESS", "cloudRun": map[string]any{"service": "admin"}})
	adminBS, _ := h.mustCreate(backendServiceToken, "bs-admin", map[string]any{"name": "bs-admin", "loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP", "backends": []any{map[string]any{"group": selfLinkOf(negID)}}})
	old := map[string]any{"name": "um", "defaultService": w.ids["backend"]}
	if _, err := h.update(urlMapToken, w.ids["urlmap"], old, routedURLMap(w.ids["backend"], adminBS, w.ids["backend"])); err != nil {
		t.Fatal(err)
	}
	st := w.snapshot(t)
	s := only(t, st.EvaluateChains(time.Now()))
	if !s.Intact || !slices.Contains(s.Path, adminBS) || !slices.Contains(s.Path, w.ids["backend"]) || !slices.Contains(s.Path, runID) {
		t.Fatalf("chain of a routed URL map: %+v, want intact through both backends", s)
	}
	send := func(st *State, host, path string) RequestResult {
		t.Helper()
		r, err := st.SendRequest(w.ids["ep"], Request{Host: host, Path: path}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := send(st, "payment-api.internal", "/admin/x"); r.CloudRun != runID || r.BackendService != adminBS || r.Status != 0 {
		t.Errorf("/admin/x → %+v, want the admin service", r)
	}
	if r := send(st, "payment-api.internal", "/"); r.CloudRun != w.ids["run"] || slices.Contains(r.Path, adminBS) {
		t.Errorf("/ → %+v, want the main service only", r)
	}
	if r := send(st, "other.internal", "/"); r.Status != 404 || r.CloudRun != "" || r.BackendService != "" {
		t.Errorf("an unknown host → %+v, want 404 from the URL map", r)
	}
	// The admin service gone: its requests break at Cloud Run, the main service's do not.
	if err := h.sim.Store().Update(func(st *State) error { delete(st.Resources, runID); return nil }); err != nil {
		t.Fatal(err)
	}
	st = w.snapshot(t)
	if r := send(st, "payment-api.internal", "/admin"); r.Link != LinkCloudRun || !strings.Contains(r.Reason, "does not exist") {
		t.Errorf("/admin with its service deleted → %+v, want a broken cloud-run link", r)
	}
	if r := send(st, "payment-api.internal", "/pay"); r.Link != "" || r.CloudRun != w.ids["run"] {
		t.Errorf("/pay with the admin service deleted → %+v, want the main service", r)
	}
	if s := only(t, st.EvaluateChains(time.Now())); s.Intact {
		t.Errorf("the whole chain with one route's service deleted: %+v, want broken", s)
	}
	if _, err := st.SendRequest(w.ids["rules"], Request{}, time.Now()); err == nil {
		t.Errorf("a request to a load balancer rule, not an endpoint, must be refused")
	}
}
