package doctor

import "testing"

// With routes the URL map's default is a 404 route action: the hostname's path matcher names the
// backend that serves it. The single-service form, or a URL map whose default is cleared, is read
// from defaultService as before.
func TestServingRoute(t *testing.T) {
	t.Parallel()
	routed := map[string]any{
		"defaultRouteAction": map[string]any{"faultInjectionPolicy": map[string]any{"abort": map[string]any{"httpStatus": 404.0, "percentage": 100.0}}},
		"hostRules": []any{
			map[string]any{"hosts": []any{"reports.internal"}, "pathMatcher": "host-1"},
			map[string]any{"hosts": []any{"payment-api.internal"}, "pathMatcher": "private-host"},
		},
		"pathMatchers": []any{
			map[string]any{"name": "host-1", "defaultService": "projects/p/regions/r/backendServices/reports"},
			map[string]any{"name": "private-host", "defaultService": "projects/p/regions/r/backendServices/main"},
		},
	}
	field, note := servingRoute(routed, "payment-api.internal")
	if str(field, "defaultService") != "projects/p/regions/r/backendServices/main" || note != "2 host rule(s); payment-api.internal served by main, unmatched requests refused" {
		t.Errorf("routed: %v, %q", field, note)
	}
	single := map[string]any{"defaultService": "projects/p/regions/r/backendServices/bs"}
	if field, note := servingRoute(single, "payment-api.internal"); str(field, "defaultService") != "projects/p/regions/r/backendServices/bs" || note != "default service bs" {
		t.Errorf("single: %v, %q", field, note)
	}
	cleared := map[string]any{"hostRules": routed["hostRules"], "pathMatchers": routed["pathMatchers"]}
	if field, _ := servingRoute(cleared, "payment-api.internal"); str(field, "defaultService") != "" {
		t.Errorf("a cleared defaultService must stay unset for the backend link to report, got %v", field)
	}
}
