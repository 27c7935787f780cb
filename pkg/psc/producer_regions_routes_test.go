package psc

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// regionRoutes are two created routes: /admin on the hostname, with an invoker, and every path of
// reports.internal.
func regionRoutes() []RouteArgs {
	return []RouteArgs{
		{Key: "admin", PathPrefix: "/admin", CloudRun: CloudRunArgs{
			Image:    pulumi.String("europe-docker.pkg.dev/p/r/admin:1.0"),
			Invokers: pulumi.ToStringArray([]string{"serviceAccount:ops@consumer-prj.iam.gserviceaccount.com"}),
		}},
		{Key: "reports", Hosts: []string{"reports.internal"}, CloudRun: CloudRunArgs{
			Image: pulumi.String("europe-docker.pkg.dev/p/r/reports:1.0"),
		}},
	}
}

// routing is a URL map's routing with the backend services named by their last path segment:
// its default route action, each host's path matcher.
func routing(t *testing.T, um registered) (resource.PropertyValue, map[string]resource.PropertyMap) {
	t.Helper()
	matchers := map[string]resource.PropertyMap{}
	for _, m := range input(um, "pathMatchers").ArrayValue() {
		matchers[m.ObjectValue()["name"].StringValue()] = m.ObjectValue()
	}
	byHost := map[string]resource.PropertyMap{}
	for _, h := range input(um, "hostRules").ArrayValue() {
		o := h.ObjectValue()
		host := o["hosts"].ArrayValue()[0].StringValue()
		if byHost[host] = matchers[o["pathMatcher"].StringValue()]; byHost[host] == nil {
			t.Errorf("host %s names path matcher %v, which is not defined", host, o["pathMatcher"])
		}
	}
	return input(um, "defaultRouteAction"), byHost
}

// backendNames replaces every self link of a backend service in v by its name, and maps it.
func backendNames(v resource.PropertyValue, rename func(string) string) resource.PropertyValue {
	switch {
	case v.IsString() && strings.Contains(v.StringValue(), "/backendServices/"):
		return resource.NewStringProperty(rename(backendName(v)))
	case v.IsArray():
		var out []resource.PropertyValue
		for _, e := range v.ArrayValue() {
			out = append(out, backendNames(e, rename))
		}
		return resource.NewArrayProperty(out)
	case v.IsObject():
		out := resource.PropertyMap{}
		for k, e := range v.ObjectValue() {
			out[k] = backendNames(e, rename)
		}
		return resource.NewObjectProperty(out)
	}
	return v
}

// With regions, each route gets a Cloud Run service and serverless NEG in every region (the
// primary region's service keeps the single-region name) and one global backend service with
// every region's NEG and the main backend's outlier detection; the global URL map routes the
// routes' hosts and prefixes to those backends exactly as the regional URL map of the same routes
// routes them to the regional ones.
func TestProducerRegionsRoutes(t *testing.T) {
	t.Parallel()
	regions := []string{testRegion, "us-east1"}
	f := newFakeCloud()
	args := regionsProducer(regions...)
	args.Routes = regionRoutes()
	names := runRouted(t, f, args)
	got := f.CountByType()
	if got[typeService] != 6 || got[typeNEG] != 6 || got[chain.BackendServiceType] != 3 || got[chain.URLMapType] != 1 ||
		got[typeBackend] != 0 || got[typeURLMap] != 0 {
		t.Errorf("counts = %v, want 6 Cloud Run services and NEGs (3 services × 2 regions), 3 global backend services, one global URL map, nothing regional", got)
	}
	if names["admin"] != "payments-run-admin" || names["reports"] != "payments-run-reports" || len(names) != 2 {
		t.Errorf("routeServiceNames = %v, want the primary region's services", names)
	}
	mainOD := input(f.Named(t, "payments-global-backend"), "outlierDetection")
	for _, key := range []string{"admin", "reports"} {
		backend := f.Named(t, "payments-global-backend-"+key)
		if backend.Type != chain.BackendServiceType || str(backend, "loadBalancingScheme") != "INTERNAL_MANAGED" {
			t.Errorf("backend of %s = %s %v, want a global INTERNAL_MANAGED backend service", key, backend.Type, backend.Inputs)
		}
		if od := input(backend, "outlierDetection"); !od.IsObject() || !od.DeepEquals(mainOD) {
			t.Errorf("outlierDetection of %s = %v, want the main backend's %v", key, od, mainOD)
		}
		var groups []string
		for _, b := range input(backend, "backends").ArrayValue() {
			groups = append(groups, b.ObjectValue()["group"].StringValue())
		}
		if len(groups) != len(regions) {
			t.Errorf("backend of %s has groups %v, want one NEG per region", key, groups)
		}
		for _, r := range regions {
			negName := "payments-" + r + "-neg-" + key
			if !slices.ContainsFunc(groups, func(g string) bool { return strings.HasSuffix(g, "/regions/"+r+"/networkEndpointGroups/"+negName) }) {
				t.Errorf("backend of %s lacks %s: %v", key, negName, groups)
			}
			wantRun := "payments-" + r + "-run-" + key
			if r == testRegion {
				wantRun = "payments-run-" + key // the single-region name, shared with the regional chain
			}
			neg := f.Named(t, negName)
			if svc := input(neg, "cloudRun").ObjectValue()["service"].StringValue(); svc != wantRun || str(neg, "region") != r {
				t.Errorf("%s serves %q in %s, want %s in %s", negName, svc, str(neg, "region"), wantRun, r)
			}
			run := f.Named(t, wantRun)
			if str(run, "location") != r || str(run, "ingress") != "INGRESS_TRAFFIC_INTERNAL_ONLY" {
				t.Errorf("%s in %q with ingress %q, want %s, internal only", wantRun, str(run, "location"), str(run, "ingress"), r)
			}
		}
	}
	if aud := strs(input(f.Named(t, "payments-us-east1-run-reports"), "customAudiences")); !slices.Equal(aud, []string{"http://reports.internal"}) {
		t.Errorf("reports audiences in us-east1 = %v, want the route's host", aud)
	}
	for _, name := range []string{"payments-invokers-admin", "payments-us-east1-invokers-admin"} {
		if m := strs(input(f.Named(t, name), "members")); !slices.Equal(m, []string{"serviceAccount:ops@consumer-prj.iam.gserviceaccount.com"}) {
			t.Errorf("%s members = %v", name, m)
		}
	}

	global := f.Named(t, "payments-global-urlmap")
	if input(global, "defaultService").HasValue() {
		t.Errorf("with routes the global URL map's default must not be a service, got %v", input(global, "defaultService"))
	}
	def, hosts := routing(t, global)
	assertAbort404(t, "global defaultRouteAction", def)
	main := hosts["payment-api.internal"]
	if main == nil || backendName(main["defaultService"]) != "payments-global-backend" {
		t.Fatalf("hostname's path matcher = %v, want the main global backend as its default", main)
	}
	rules := main["pathRules"].ArrayValue()
	if len(rules) != 1 || backendName(rules[0].ObjectValue()["service"]) != "payments-global-backend-admin" ||
		!slices.Equal(strs(rules[0].ObjectValue()["paths"]), []string{"/admin", "/admin/*"}) {
		t.Errorf("hostname's path rules = %v, want /admin and /admin/* to payments-global-backend-admin", rules)
	}
	if r := hosts["reports.internal"]; r == nil || backendName(r["defaultService"]) != "payments-global-backend-reports" || r.HasValue("pathRules") {
		t.Errorf("reports.internal's path matcher = %v, want the reports global backend for every path", r)
	}

	// The same routing as the regional URL map of the same routes: one home (routeURLMapArgs).
	single := newFakeCloud()
	one := producerArgs()
	one.Routes = regionRoutes()
	runRouted(t, single, one)
	regional := single.One(t, typeURLMap)
	toGlobal := func(n string) string { return strings.Replace(n, "payments-backend", "payments-global-backend", 1) }
	for _, k := range []string{"defaultRouteAction", "hostRules", "pathMatchers"} {
		want := backendNames(input(regional, k), toGlobal)
		if got := backendNames(input(global, k), func(n string) string { return n }); !got.DeepEquals(want) {
			t.Errorf("global URL map %s = %v, want the regional one's with the global backends, %v", k, got, want)
		}
	}
}

// The migration state with routes: the regional chain keeps each route's NEG and regional backend
// beside the cross-region chain, and both serve the primary region's one Cloud Run service per
// route.
func TestProducerRegionsRoutesMigrationState(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	args := producerArgs()
	args.Regions = map[string]ProducerRegionArgs{testRegion: regionArgs(testRegion), "us-east1": regionArgs("us-east1")}
	args.Routes = regionRoutes()
	runRouted(t, f, args)
	got := f.CountByType()
	if got[typeService] != 6 || got[typeNEG] != 9 || got[typeBackend] != 3 || got[chain.BackendServiceType] != 3 ||
		got[typeURLMap] != 1 || got[chain.URLMapType] != 1 {
		t.Errorf("counts = %v, want 6 services, 9 NEGs (3 regional, 6 cross-region), 3 regional and 3 global backends, both URL maps", got)
	}
	for _, key := range []string{"admin", "reports"} {
		for _, neg := range []string{"payments-neg-" + key, "payments-" + testRegion + "-neg-" + key} {
			if svc := input(f.Named(t, neg), "cloudRun").ObjectValue()["service"].StringValue(); svc != "payments-run-"+key {
				t.Errorf("%s serves %q, want payments-run-%s, which both chains share", neg, svc, key)
			}
		}
		if g := input(f.Named(t, "payments-backend-"+key), "backends").ArrayValue(); len(g) != 1 ||
			!strings.HasSuffix(g[0].ObjectValue()["group"].StringValue(), "/payments-neg-"+key) {
			t.Errorf("regional backend of %s = %v, want its regional NEG", key, g)
		}
	}
	_, regional := routing(t, f.One(t, typeURLMap))
	if r := regional["reports.internal"]; r == nil || backendName(r["defaultService"]) != "payments-backend-reports" {
		t.Errorf("the regional URL map sends reports.internal to %v, want the regional reports backend", r)
	}
	_, global := routing(t, f.One(t, chain.URLMapType))
	if r := global["reports.internal"]; r == nil || backendName(r["defaultService"]) != "payments-global-backend-reports" {
		t.Errorf("the global URL map sends reports.internal to %v, want the global reports backend", r)
	}
}

// What a route cannot say for every region is refused naming the route's input, nothing created:
// an existing service, a regional vpcEgress, a key too long for the service of another region
// (checked once the primary region is known).
func TestProducerRegionsRoutesRefused(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		edit func(rs []RouteArgs) []RouteArgs
		want []string
	}{
		"regional inputs": {func(rs []RouteArgs) []RouteArgs {
			rs[0].CloudRun = CloudRunArgs{ExistingServiceName: "admin-run"}
			rs[1].CloudRun.VpcEgress = &VpcEgressArgs{Connector: pulumi.String("projects/p/locations/europe-west1/connectors/c")}
			return rs
		}, []string{"routes[0].cloudRun.existingServiceName: cannot be used with regions",
			"routes[1].cloudRun.vpcEgress: cannot be used with regions"}},
		"key too long in another region": {func(rs []RouteArgs) []RouteArgs {
			return append(rs, RouteArgs{Key: "k" + strings.Repeat("x", 19), PathPrefix: "/long",
				CloudRun: CloudRunArgs{Image: pulumi.String("europe-docker.pkg.dev/p/r/long:1")}})
		}, []string{"routes[2].key: must be at most 19 characters so that the route's Cloud Run service payments-us-east1-run-kxxxxxxxxxxxxxxxxxxx-1a2b3c4 fits Cloud Run's 49, got 20"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			args := regionsProducer(testRegion, "us-east1")
			args.Routes = tc.edit(regionRoutes())
			f := newFakeCloud()
			err := f.Run(func(ctx *pulumi.Context) error {
				_, err := NewProducerService(ctx, "payments", args)
				return err
			})
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), "routes: cannot be used with regions") {
				t.Errorf("routes themselves are refused with regions:\n%v", err)
			}
			if n := len(f.Custom("")); n != 0 {
				t.Errorf("%d resources created, want none", n)
			}
			a := args.withDefaults()
			assertProblemsNameInputs(t, &a, func() error { return a.validate("payments") })
		})
	}
}
