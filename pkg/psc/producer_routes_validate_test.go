package psc

import (
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Each wrong value of the routes input is refused at preview, naming its path, with nothing
// created.
func TestProducerRouteValidation(t *testing.T) {
	t.Parallel()
	certPEM, keyPEM := psctest.SelfSignedCert(t, "payment-api.internal")
	image := pulumi.String("europe-docker.pkg.dev/p/r/admin:1")
	route := func(key string, hosts []string, prefix string) RouteArgs {
		return RouteArgs{Key: key, Hosts: hosts, PathPrefix: prefix, CloudRun: CloudRunArgs{Image: image}}
	}
	cases := []producerCase{
		{"no hostname", func(a *ProducerServiceArgs) {
			a.Hostname = ""
			a.Routes = []RouteArgs{route("admin", []string{"admin.internal"}, "")}
		}, []string{"routes: need hostname"}},
		{"no key", func(a *ProducerServiceArgs) { a.Routes = []RouteArgs{route("", nil, "/admin")} }, []string{"routes[0].key: is required"}},
		{"bad key", func(a *ProducerServiceArgs) { a.Routes = []RouteArgs{route("Admin", nil, "/admin")} }, []string{"routes[0].key: must start with a lowercase letter"}},
		{"long key", func(a *ProducerServiceArgs) { a.Routes = []RouteArgs{route(strings.Repeat("a", 30), nil, "/admin")} },
			[]string{"routes[0].key: must be at most 28 characters"}},
		{"duplicate key", func(a *ProducerServiceArgs) {
			a.Routes = []RouteArgs{route("admin", nil, "/admin"), route("admin", nil, "/ops")}
		}, []string{`routes[1].key: "admin" is also the key of routes[0]`}},
		{"bad host", func(a *ProducerServiceArgs) { a.Routes = []RouteArgs{route("admin", []string{"Admin_Host"}, "")} },
			[]string{"routes[0].hosts[0]: must be a DNS name such as reports.internal, * (every host) or *.DOMAIN"}},
		{"bad wildcard", func(a *ProducerServiceArgs) { a.Routes = []RouteArgs{route("admin", []string{"a*.internal"}, "")} },
			[]string{"routes[0].hosts[0]: must be a DNS name"}},
		{"host twice", func(a *ProducerServiceArgs) {
			a.Routes = []RouteArgs{route("admin", []string{"admin.internal", "admin.internal"}, "")}
		}, []string{`routes[0].hosts[1]: lists "admin.internal" twice`}},
		{"prefix without slash", func(a *ProducerServiceArgs) { a.Routes = []RouteArgs{route("admin", nil, "admin")} },
			[]string{"routes[0].pathPrefix: must start with /"}},
		{"prefix with star", func(a *ProducerServiceArgs) { a.Routes = []RouteArgs{route("admin", nil, "/admin/*")} },
			[]string{"routes[0].pathPrefix: must not contain *, ? or #"}},
		{"prefix trailing slash", func(a *ProducerServiceArgs) { a.Routes = []RouteArgs{route("admin", nil, "/admin/")} },
			[]string{`routes[0].pathPrefix: write it without the trailing slash, "/admin"`}},
		{"prefix empty segment", func(a *ProducerServiceArgs) { a.Routes = []RouteArgs{route("admin", nil, "/a//b")} },
			[]string{"routes[0].pathPrefix: must not contain an empty segment"}},
		{"hostname root is the main service's", func(a *ProducerServiceArgs) { a.Routes = []RouteArgs{route("admin", nil, "")} },
			[]string{"routes[0]: host payment-api.internal and path prefix / are already served by the top-level cloudRun"}},
		{"same host and prefix twice", func(a *ProducerServiceArgs) {
			a.Routes = []RouteArgs{route("admin", nil, "/admin"), route("ops", []string{"payment-api.internal"}, "/admin")}
		}, []string{"routes[1]: host payment-api.internal and path prefix /admin are already served by routes[0]"}},
		{"a route's service named like the main one", func(a *ProducerServiceArgs) {
			a.CloudRun.ServiceName = "payments-api"
			r := route("admin", nil, "/admin")
			r.CloudRun.ServiceName = "payments-api"
			a.Routes = []RouteArgs{r}
		}, []string{`routes[0].cloudRun.serviceName: "payments-api" is also the name at cloudRun.serviceName`}},
		{"route service name checked", func(a *ProducerServiceArgs) {
			r := route("admin", nil, "/admin")
			r.CloudRun.ServiceName = "Admin"
			a.Routes = []RouteArgs{r}
		}, []string{"routes[0].cloudRun.serviceName: must be a Cloud Run service name"}},
		{"route cloud run checked", func(a *ProducerServiceArgs) {
			r := route("admin", nil, "/admin")
			r.CloudRun.Cpu, r.CloudRun.Invokers = "lots", pulumi.ToStringArray([]string{"allUsers"})
			a.Routes = []RouteArgs{r}
		}, []string{"routes[0].cloudRun.cpu: must be a CPU quantity", "routes[0].cloudRun.invokers[0]: allUsers makes the service public"}},
		{"route neither image nor service", func(a *ProducerServiceArgs) { a.Routes = []RouteArgs{{Key: "admin", PathPrefix: "/admin"}} },
			[]string{"routes[0].cloudRun: give exactly one of existingServiceName and image"}},
		{"route allowUnauthenticated", func(a *ProducerServiceArgs) {
			r := route("admin", nil, "/admin")
			r.CloudRun.AllowUnauthenticated = true
			a.Routes = []RouteArgs{r}
		}, []string{"routes[0].cloudRun.allowUnauthenticated: is not offered on routes"}},
		{"route network auth with invokers", func(a *ProducerServiceArgs) {
			r := route("admin", nil, "/admin")
			r.CloudRun.CallerAuth, r.CloudRun.Invokers = "network", pulumi.ToStringArray([]string{"user:a@acme.com"})
			a.Routes = []RouteArgs{r}
		}, []string{"routes[0].cloudRun.invokers: apply only with callerAuth iam"}},
		{"route host not covered by the certificate", func(a *ProducerServiceArgs) {
			a.Tls = &TlsArgs{CertificatePem: pulumi.String(certPEM), PrivateKeyPem: pulumi.String(keyPEM)}
			a.Routes = []RouteArgs{route("reports", []string{"reports.internal"}, "")}
		}, []string{"routes[0].hosts[0]: is not covered by tls.certificatePem"}},
	}
	runRefusedCases(t, cases)
}

// Route validation never panics, and every problem it reports names an input; a valid route
// passes.
func FuzzRouteValidate(f *testing.F) {
	f.Add("admin", "admin.internal", "/admin", "reports", "*.reports.internal", "")
	f.Add("Admin", "a*.internal", "admin/", "admin", "*", "/a//b")
	f.Fuzz(func(t *testing.T, key, host, prefix, key2, host2, prefix2 string) {
		a := producerArgs()
		image := pulumi.String("europe-docker.pkg.dev/p/r/admin:1")
		a.Routes = []RouteArgs{
			{Key: key, Hosts: []string{host}, PathPrefix: prefix, CloudRun: CloudRunArgs{Image: image}},
			{Key: key2, Hosts: []string{host2}, PathPrefix: prefix2, CloudRun: CloudRunArgs{Image: image}},
		}
		d := a.withDefaults()
		err := d.validate("payments")
		assertProblemsNameInputs(t, d, func() error { return d.validate("payments") })
		if key == "admin" && host == "admin.internal" && prefix == "/admin" && key2 == "reports" && host2 == "*.reports.internal" && prefix2 == "" && err != nil {
			t.Fatalf("a valid pair of routes was refused: %v", err)
		}
	})
}
