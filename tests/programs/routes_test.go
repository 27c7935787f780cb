package programs

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/secure"
)

// The routes program (python/routes.py through the generated SDK and the
// provider plugin, gonative.Routes natively): the main service, a created admin service for
// /admin and an existing reports service for reports.internal behind one attachment.
var routesLangs = pick(langs("routes", nil, gonative.Routes), "python", "go")

const (
	tNEG    = chain.RegionNetworkEndpointGroupType
	tURLMap = chain.RegionUrlMapType
)

func TestRoutes(t *testing.T) {
	run(t, routesLangs, func(t *testing.T, env *harness.Env, l lang) {
		st := l.new(env, "routes")
		configure(st, map[string]string{"withAdmin": "true"})
		up := st.Up()
		if got := up.OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
			t.Errorf("pscConnectionStatus = %q, want ACCEPTED", got)
		}
		names := up.OutputString(t, "routeServiceNames")
		if !strings.Contains(names, "admin:payments-run-admin") || !strings.Contains(names, "reports:reports-api") {
			t.Errorf("routeServiceNames = %s, want admin → payments-run-admin-…, reports → reports-api", names)
		}
		// Three services (main, admin, the existing reports), three NEGs and backend services.
		for typ, want := range map[string]int{tService: 3, tNEG: 3, tBackend: 3, tURLMap: 1, tInvokers: 1} {
			if n := len(simRecords(t, env, typ)); n != want {
				t.Errorf("the simulator holds %d %s, want %d", n, typ, want)
			}
		}
		assertRoutedURLMap(t, env)
		requests := map[string]string{
			"payment-api.internal /admin/users": "payments-run-admin",
			"payment-api.internal /admin":       "payments-run-admin",
			"payment-api.internal /":            "payments-run-",
			"payment-api.internal /administer":  "payments-run-",
			"reports.internal /q/2026":          "reports-api",
			"other.internal /":                  "404",
			"reports.internal.evil /":           "404",
		}
		assertRequests(t, env, requests)
		converged(t, st)
		secure.AssertPolicy(t, env, st)

		// Removing the admin route deletes its own children, updates the URL map in place and
		// touches nothing else.
		st.SetConfig("withAdmin", "false", false)
		p := st.Preview()
		want := map[string]string{tService: harness.OpDelete, tInvokers: harness.OpDelete, tNEG: harness.OpDelete, tBackend: harness.OpDelete, tURLMap: harness.OpUpdate}
		for _, s := range p.Steps {
			if s.Op == harness.OpSame {
				continue
			}
			if w, ok := want[s.Type]; !ok || s.Op != w || (s.Type != tURLMap && !strings.HasSuffix(s.URN, "-admin")) {
				t.Errorf("removing the admin route plans %s %s, want only the admin route's children deleted and the URL map updated", s.Op, s.URN)
			}
		}
		if n := p.Count(harness.OpDelete, ""); n != 4 {
			t.Errorf("removing the admin route deletes %d resources, want 4 (service, invokers, NEG, backend service)", n)
		}
		st.Up()
		for typ, want := range map[string]int{tService: 2, tNEG: 2, tBackend: 2, tInvokers: 0} {
			if n := len(simRecords(t, env, typ)); n != want {
				t.Errorf("after removing the admin route the simulator holds %d %s, want %d", n, typ, want)
			}
		}
		requests["payment-api.internal /admin/users"], requests["payment-api.internal /admin"] = "payments-run-", "payments-run-"
		assertRequests(t, env, requests)
		converged(t, st)
		destroyed(t, env, st)
	})
}

// assertRoutedURLMap checks the URL map: no default service, a 404 abort as its default.
func assertRoutedURLMap(t *testing.T, env *harness.Env) {
	t.Helper()
	um := simRecords(t, env, tURLMap)[0]
	if s := fmt.Sprint(um.Outputs["defaultService"]); s != "" && s != "<nil>" {
		t.Errorf("the URL map's defaultService = %s, want none: with routes the default refuses", s)
	}
	action, _ := um.Outputs["defaultRouteAction"].(map[string]any)
	fault, _ := action["faultInjectionPolicy"].(map[string]any)
	abort, _ := fault["abort"].(map[string]any)
	if abort["httpStatus"] != 404.0 || abort["percentage"] != 100.0 {
		t.Errorf("the URL map's defaultRouteAction = %v, want an abort with 404 for 100 percent", action)
	}
	if rules, _ := um.Outputs["hostRules"].([]any); len(rules) != 2 {
		t.Errorf("host rules = %v, want payment-api.internal and reports.internal", um.Outputs["hostRules"])
	}
}

// assertRequests sends each "HOST PATH" through the consumer's endpoint in the simulator and
// checks where it ends: a Cloud Run service whose name starts with the value, or "404" from the
// load balancer.
func assertRequests(t *testing.T, env *harness.Env, requests map[string]string) {
	t.Helper()
	st := env.For(t).SimSnapshot()
	var endpoint string
	for _, r := range simRecords(t, env, tRule) {
		if r.Project == consumerProject {
			endpoint = r.ID
		}
	}
	for req, want := range requests {
		host, path, _ := strings.Cut(req, " ")
		res, err := st.SendRequest(endpoint, gcpsim.Request{Host: host, Path: path}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(res.Status)
		if res.Status == 0 {
			got = res.CloudRun[strings.LastIndex(res.CloudRun, "/")+1:]
		}
		switch {
		case res.Link != "":
			t.Errorf("%s: broken at %s: %s", req, res.Link, res.Reason)
		case want == "404" && got != "404", want != "404" && !strings.HasPrefix(got, want):
			t.Errorf("%s ends at %s, want %s", req, got, want)
		case want == "payments-run-" && strings.HasPrefix(got, "payments-run-admin"):
			t.Errorf("%s ends at the admin service %s, want the main one", req, got)
		}
	}
}
