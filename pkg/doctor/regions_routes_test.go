package doctor

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// withAdminRoute gives regionsWorld's producer a route as the ProducerService builds it with
// regions (COMP-REGIONS-ROUTES): the global URL map answers 404 by default, sends api.internal to
// the main global backend and its /admin to the route's global backend, which has a serverless
// NEG in each region and outlier detection; it returns the route's backend service.
func withAdminRoute(producer *Side) *Resource {
	const g = "projects/p/global/"
	abort := map[string]any{"weightedBackendServices": []any{map[string]any{"backendService": g + "backendServices/pay-global-backend", "weight": 100.0}},
		"faultInjectionPolicy": map[string]any{"abort": map[string]any{"httpStatus": 404.0, "percentage": 100.0}}}
	um := of(producer, chain.URLMapType)
	um.Outputs = map[string]any{"selfLink": um.Outputs["selfLink"], "defaultRouteAction": abort,
		"hostRules": []any{map[string]any{"hosts": []any{"api.internal"}, "pathMatcher": "private-host"}},
		"pathMatchers": []any{map[string]any{"name": "private-host", "defaultService": g + "backendServices/pay-global-backend",
			"pathRules": []any{map[string]any{"paths": []any{"/admin", "/admin/*"}, "service": g + "backendServices/pay-global-backend-admin"}}}}}
	var groups []any
	for _, r := range twoRegions {
		groups = append(groups, map[string]any{"group": "projects/p/regions/" + r + "/networkEndpointGroups/pay-" + r + "-neg-admin"})
	}
	id := g + "backendServices/pay-global-backend-admin"
	admin := &Resource{URN: "urn:pulumi:dev::prod::" + chain.BackendServiceType + "::pay-global-backend-admin", Type: chain.BackendServiceType,
		ID: id, Custom: true, Outputs: map[string]any{"selfLink": "https://www.googleapis.com/compute/v1/" + id,
			"loadBalancingScheme": "INTERNAL_MANAGED", "outlierDetection": map[string]any{"consecutiveErrors": 5.0}, "backends": groups}}
	producer.Resources = append(producer.Resources, admin)
	return admin
}

// A producer in two regions with a route: each region's chain is still walked to the hostname's
// backend (the default service of its path matcher), and the route's global backend, with a NEG
// in each region and outlier detection, draws no failover warning; without outlier detection it
// does, naming it.
func TestRegionsWithRoute(t *testing.T) {
	producer, consumer, _ := regionsWorld(t)
	withAdminRoute(producer)
	rep := Diagnose(producer, consumer, time.Now())
	if !rep.Healthy || len(rep.Links) != 2*len(chain.Links) {
		t.Fatalf("healthy %v, %d links; want healthy, %d links: broken %+v", rep.Healthy, len(rep.Links), 2*len(chain.Links), rep.Broken())
	}
	for _, l := range rep.Links {
		if l.Name == chain.LinkBackend && !strings.HasSuffix(l.Resource, "/pay-global-backend") {
			t.Errorf("%s: the hostname's backend link resolved to %s, want pay-global-backend", l.Region, l.Resource)
		}
	}
	if got := failovers(Diagnose(producer, nil, time.Now())); len(got) != 0 {
		t.Errorf("a route with a NEG per region and outlier detection: %q, want no warning", got)
	}
	producer, _, _ = regionsWorld(t)
	delete(withAdminRoute(producer).Outputs, "outlierDetection")
	rep = Diagnose(producer, nil, time.Now())
	got := failovers(rep)
	if len(got) != 1 || !strings.Contains(got[0], "without outlier detection") || !strings.HasSuffix(rep.Problems[0].Resource, "pay-global-backend-admin") {
		t.Errorf("the route's backend without outlier detection: %q (%+v), want one warning on pay-global-backend-admin", got, rep.Problems)
	}
}
