package gcpsim

import (
	"strings"
	"testing"
	"time"
)

// withRoute gives the cross-region world a route: an "admin" Cloud Run service and serverless NEG
// in each region behind a global backend service of its own (with outlier detection), and a
// global URL map whose path matcher sends /admin and everything under it there, the rest to the
// main backend service, and what no host rule names to a 404 abort (URLMAP-MATCH,
// URLMAP-404-ABORT). The clients call the endpoints by address, which the host rule * matches.
func withRoute(t *testing.T, w *crossWorld) {
	t.Helper()
	var backends []any
	for _, r := range crossRegions {
		w.ids["admin-run/"+r], _ = w.prod.mustCreate(cloudRunServiceToken, "admin-run-"+r, map[string]any{"name": "admin", "location": r,
			"ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY", "deletionProtection": false, "invokerIamDisabled": true,
			"template": map[string]any{"containers": []any{map[string]any{"image": "us-docker.pkg.dev/cloudrun/container/hello"}}}})
		w.ids["admin-neg/"+r], _ = w.prod.mustCreate(negToken, "admin-neg-"+r, map[string]any{"name": "neg-admin", "region": r,
			"cloudRun": map[string]any{"service": "admin"}})
		backends = append(backends, map[string]any{"group": selfLinkOf(w.ids["admin-neg/"+r])})
	}
	w.ids["admin-backend"], _ = w.prod.mustCreate(globalBackendServiceToken, "bs-admin", map[string]any{"name": "bs-admin",
		"loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP", "backends": backends, "outlierDetection": map[string]any{"consecutiveErrors": 5.0}})
	abort := func(backend string) map[string]any {
		return map[string]any{
			"weightedBackendServices": []any{map[string]any{"backendService": backend, "weight": 100.0}},
			"faultInjectionPolicy":    map[string]any{"abort": map[string]any{"httpStatus": 404.0, "percentage": 100.0}},
		}
	}
	olds := map[string]any{"name": "um", "defaultService": w.ids["backend"]}
	news := map[string]any{"name": "um", "defaultRouteAction": abort(w.ids["backend"]),
		"hostRules": []any{map[string]any{"hosts": []any{"*"}, "pathMatcher": "private-host"}},
		"pathMatchers": []any{
			map[string]any{"name": "private-host", "defaultService": w.ids["backend"],
				"pathRules": []any{map[string]any{"paths": []any{"/admin", "/admin/*"}, "service": w.ids["admin-backend"]}}},
		}}
	if _, err := w.prod.update(globalURLMapToken, w.ids["urlmap"], olds, news); err != nil {
		t.Fatalf("update of the global URL map with a route: %v", err)
	}
}

// callPath is a client in region r calling path on that region's endpoint by address, on a copy
// of the state changed by state (if any).
func (w *crossWorld) callPath(t *testing.T, r, path string, state func(*State)) CallResult {
	t.Helper()
	st := w.prod.snapshot()
	if state != nil {
		state(st)
	}
	res, err := st.Call(ClientRequest{Project: consumerProject, Network: "cvpc", Region: r,
		URL: "http://" + w.ids["ep-ip/"+r] + path}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// A route on the global URL map: its path goes to its own global backend service and is served
// by its service in the client's region, the rest by the main service; with Cloud Run down in one
// region, the route's NEGs fail over to the other region exactly as the main backend's do
// (XLB-FAILOVER), and without outlier detection on the route's backend its calls get 503 there.
func TestCrossRegionRouteFailover(t *testing.T) {
	t.Parallel()
	w := newCrossWorld(t)
	withRoute(t, w)
	for _, r := range crossRegions {
		if res := w.callPath(t, r, "/admin/users", nil); !res.OK() || res.CloudRun != w.ids["admin-run/"+r] || res.ServedRegion != r {
			t.Errorf("/admin/users from %s = %+v, want 200 from the admin service in %s", r, res, r)
		}
		if res := w.callPath(t, r, "/pay", nil); !res.OK() || res.CloudRun != w.ids["run/"+r] {
			t.Errorf("/pay from %s = %+v, want 200 from the main service in %s", r, res, r)
		}
	}
	failover := w.callPath(t, region, "/admin", down(t, region, Outage{CloudRun: true}))
	if !failover.OK() || failover.ServedRegion != otherRegion || failover.CloudRun != w.ids["admin-run/"+otherRegion] {
		t.Fatalf("Cloud Run down in %s, /admin: %+v, want 200 from the admin service in %s", region, failover, otherRegion)
	}
	var hops []string
	for _, h := range failover.Hops {
		if h.Link == LinkURLMap || h.Link == LinkBackend || h.Link == LinkNEG {
			hops = append(hops, h.Resource+": "+h.Detail)
		}
	}
	if len(hops) != 4 || !strings.Contains(hops[0], "pathRules[0]") || !strings.Contains(hops[1], w.ids["admin-backend"]) ||
		!strings.Contains(hops[2], w.ids["admin-neg/"+region]) || !strings.Contains(hops[3], "failover") {
		t.Errorf("hops %q, want the path rule, the route's backend, its local NEG, then its failover NEG", hops)
	}
	noOutlier := w.callPath(t, region, "/admin", func(s *State) {
		down(t, region, Outage{CloudRun: true})(s)
		delete(s.Resources[w.ids["admin-backend"]].Outputs, "outlierDetection")
	})
	if noOutlier.Status != 503 || noOutlier.ServedRegion != region {
		t.Errorf("Cloud Run down in %s, route backend without outlier detection: %+v, want 503 from %s", region, noOutlier, region)
	}
	back := w.callPath(t, region, "/admin", func(s *State) {
		down(t, region, Outage{CloudRun: true})(s)
		down(t, region, Outage{})(s)
	})
	if !back.OK() || back.CloudRun != w.ids["admin-run/"+region] {
		t.Errorf("region back, /admin: %+v, want 200 from the admin service in %s", back, region)
	}
}
