package psc

import (
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// routedArgs is producerArgs with two routes: /admin on the hostname to a created service with an
// invoker, and reports.internal to an existing service.
func routedArgs() *ProducerServiceArgs {
	a := producerArgs()
	a.Routes = []RouteArgs{
		{Key: "admin", PathPrefix: "/admin", CloudRun: CloudRunArgs{
			Image:    pulumi.String("europe-docker.pkg.dev/p/r/admin:1.0"),
			Invokers: pulumi.ToStringArray([]string{"serviceAccount:ops@consumer-prj.iam.gserviceaccount.com"}),
		}},
		{Key: "reports", Hosts: []string{"reports.internal"}, CloudRun: CloudRunArgs{
			ExistingServiceName: "reports-run",
			Invokers:            pulumi.ToStringArray([]string{"serviceAccount:bi@consumer-prj.iam.gserviceaccount.com"}),
		}},
	}
	return a
}

// runRouted runs a producer of args and returns its routeServiceNames.
func runRouted(t *testing.T, f *fakeCloud, args *ProducerServiceArgs) map[string]string {
	t.Helper()
	var names map[string]string
	err := f.Run(func(ctx *pulumi.Context) error {
		p, err := NewProducerService(ctx, "payments", args)
		if err != nil {
			return err
		}
		names = psctest.Await[map[string]string](t, p.RouteServiceNames)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// backendName is the child name a backend self link in the fake cloud ends with.
func backendName(v resource.PropertyValue) string {
	s := v.StringValue()
	return s[strings.LastIndex(s, "/")+1:]
}

// Each route gets its own Cloud Run service (when created), NEG and backend service, named by its
// key; the URL map routes hostname's /admin to the admin backend, reports.internal to the existing
// reports service, hostname's other paths to the main service, and everything else to a 404 abort.
func TestProducerRoutes(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	names := runRouted(t, f, routedArgs())
	got := f.CountByType()
	if got[typeService] != 2 || got[typeNEG] != 3 || got[typeBackend] != 3 || got[typeURLMap] != 1 {
		t.Errorf("counts = %v, want 2 created services (the reports one exists), 3 NEGs, 3 backend services, 1 URL map", got)
	}
	for _, n := range []string{"payments-neg", "payments-neg-admin", "payments-neg-reports", "payments-backend",
		"payments-backend-admin", "payments-backend-reports", "payments-run", "payments-run-admin"} {
		f.Named(t, n)
	}
	if names["admin"] != "payments-run-admin" || names["reports"] != "reports-run" || len(names) != 2 {
		t.Errorf("routeServiceNames = %v, want admin → payments-run-admin, reports → reports-run", names)
	}
	if svc := input(f.Named(t, "payments-neg-reports"), "cloudRun").ObjectValue()["service"].StringValue(); svc != "reports-run" {
		t.Errorf("reports NEG's service = %q, want the existing reports-run", svc)
	}
	admin := f.Named(t, "payments-run-admin")
	if aud := input(admin, "customAudiences").ArrayValue(); len(aud) != 1 || aud[0].StringValue() != "http://payment-api.internal" {
		t.Errorf("admin audiences = %v, want the hostname's URL (the route serves hostname)", aud)
	}
	if str(admin, "ingress") != "INGRESS_TRAFFIC_INTERNAL_ONLY" {
		t.Errorf("admin ingress = %q, want internal only", str(admin, "ingress"))
	}
	binding := f.Named(t, "payments-invokers-admin")
	if m := input(binding, "members").ArrayValue(); len(m) != 1 || m[0].StringValue() != "serviceAccount:ops@consumer-prj.iam.gserviceaccount.com" {
		t.Errorf("admin invokers = %v", m)
	}
	f.Named(t, "payments-invoker-reports-serviceAccount:bi@consumer-prj.iam.gserviceaccount.com")

	um := f.One(t, typeURLMap)
	if input(um, "defaultService").HasValue() {
		t.Errorf("with routes the URL map's default must not be a service, got %v", input(um, "defaultService"))
	}
	assertAbort404(t, "defaultRouteAction", input(um, "defaultRouteAction"))
	matchers := map[string]resource.PropertyMap{}
	for _, m := range input(um, "pathMatchers").ArrayValue() {
		matchers[m.ObjectValue()["name"].StringValue()] = m.ObjectValue()
	}
	hosts := map[string]string{}
	for _, h := range input(um, "hostRules").ArrayValue() {
		o := h.ObjectValue()
		hosts[o["hosts"].ArrayValue()[0].StringValue()] = o["pathMatcher"].StringValue()
	}
	main := matchers[hosts["payment-api.internal"]]
	if main == nil || backendName(main["defaultService"]) != "payments-backend" {
		t.Fatalf("hostname's path matcher = %v, want the main backend as its default", main)
	}
	rules := main["pathRules"].ArrayValue()
	if len(rules) != 1 || backendName(rules[0].ObjectValue()["service"]) != "payments-backend-admin" {
		t.Fatalf("hostname's path rules = %v, want one to the admin backend", rules)
	}
	var paths []string
	for _, p := range rules[0].ObjectValue()["paths"].ArrayValue() {
		paths = append(paths, p.StringValue())
	}
	if strings.Join(paths, " ") != "/admin /admin/*" {
		t.Errorf("admin paths = %v, want /admin and /admin/*", paths)
	}
	reports := matchers[hosts["reports.internal"]]
	if reports == nil || backendName(reports["defaultService"]) != "payments-backend-reports" || reports.HasValue("pathRules") {
		t.Errorf("reports.internal's path matcher = %v, want the reports backend for every path", reports)
	}
	if len(hosts) != 2 {
		t.Errorf("host rules = %v, want hostname and reports.internal only", hosts)
	}
}

// assertAbort404 checks a route action that answers every request with 404.
func assertAbort404(t *testing.T, what string, v resource.PropertyValue) {
	t.Helper()
	if !v.IsObject() {
		t.Fatalf("%s = %v, want a 404 route action", what, v)
	}
	abort := v.ObjectValue()["faultInjectionPolicy"].ObjectValue()["abort"].ObjectValue()
	if abort["httpStatus"].NumberValue() != 404 || abort["percentage"].NumberValue() != 100 {
		t.Errorf("%s abort = %v, want httpStatus 404 at 100 percent", what, abort)
	}
	if w := v.ObjectValue()["weightedBackendServices"].ArrayValue(); len(w) != 1 {
		t.Errorf("%s weightedBackendServices = %v, want the one the provider requires", what, w)
	}
}

// A host whose routes all have a prefix refuses its other paths with 404; a route's own hosts
// are its ID-token audiences (a wildcard names none); the single-service form keeps its default
// service.
func TestProducerRoutePrefixOnlyHostRefusesTheRest(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		a := producerArgs()
		a.Routes = []RouteArgs{{Key: "v2", Hosts: []string{"api.internal", "*.api.internal"}, PathPrefix: "/v2",
			CloudRun: CloudRunArgs{Image: pulumi.String("europe-docker.pkg.dev/p/r/v2:1")}}}
		_, err := NewProducerService(ctx, "payments", a)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	um := f.One(t, typeURLMap)
	n := 0
	for _, m := range input(um, "pathMatchers").ArrayValue() {
		o := m.ObjectValue()
		if o["name"].StringValue() == mainPathMatcher {
			continue
		}
		n++
		if o.HasValue("defaultService") {
			t.Errorf("matcher %v has a default service; only /v2 is routed there", o["name"])
		}
		assertAbort404(t, o["name"].StringValue()+".defaultRouteAction", o["defaultRouteAction"])
	}
	if n != 2 {
		t.Errorf("%d matchers for api.internal and *.api.internal, want 2", n)
	}
	aud := input(f.Named(t, "payments-run-v2"), "customAudiences").ArrayValue()
	if len(aud) != 1 || aud[0].StringValue() != "http://api.internal" {
		t.Errorf("v2 audiences = %v, want http://api.internal only", aud)
	}

	single := newFakeCloud()
	if err := single.Run(func(ctx *pulumi.Context) error {
		_, err := NewProducerService(ctx, "payments", producerArgs())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	um = single.One(t, typeURLMap)
	if backendName(input(um, "defaultService")) != "payments-backend" || input(um, "defaultRouteAction").HasValue() {
		t.Errorf("single-service URL map = %v, want the main backend as default", um.Inputs)
	}
}

// Removing a route removes only its children: the others keep their names.
func TestProducerRemovingARouteKeepsTheOthers(t *testing.T) {
	t.Parallel()
	names := func(a *ProducerServiceArgs) map[string]bool {
		f := newFakeCloud()
		if err := f.Run(func(ctx *pulumi.Context) error {
			_, err := NewProducerService(ctx, "payments", a)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, r := range f.All() {
			out[r.Type+" "+r.Name] = true
		}
		return out
	}
	before := names(routedArgs())
	a := routedArgs()
	a.Routes = a.Routes[1:]
	after := names(a)
	for k := range after {
		if !before[k] {
			t.Errorf("%s appeared after removing the admin route", k)
		}
	}
	var gone []string
	for k := range before {
		if !after[k] {
			gone = append(gone, k)
		}
	}
	for _, k := range gone {
		if !strings.HasSuffix(k, "-admin") {
			t.Errorf("%s disappeared with the admin route", k)
		}
	}
	if len(gone) != 4 {
		t.Errorf("gone = %v, want the admin service, invokers, NEG and backend", gone)
	}
}
