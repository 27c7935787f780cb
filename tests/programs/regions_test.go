package programs

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/gosdk"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/secure"
)

// The regions programs (go/regions.go, gosdk/regions.go, ts/regions.ts, python/regions.py, and the
// YAML projects yaml/regions-producer and yaml/regions-consumer): a producer in two regions and a
// consumer with an endpoint in each, in two stacks.

// regionsLangs are the two programs' languages, side by side: producers[i] and consumers[i] are
// the same language's.
func regionsLangs() (producers, consumers []lang) {
	versions := func(export string, sdk, native pulumi.RunFunc) []lang {
		ls := langs("regions", sdk, native)
		dir := "tests/programs/"
		ls[0].new = func(env *harness.Env, project string) *harness.Stack {
			return env.NodeStack(project, "prod", dir+"ts/regions.ts", export)
		}
		ls[1].new = func(env *harness.Env, project string) *harness.Stack {
			return env.PythonStack(project, "prod", dir+"python/regions.py", export)
		}
		return ls
	}
	return versions("regionsProducer", gosdk.RegionsProducer, gonative.RegionsProducer),
		versions("regionsConsumer", gosdk.RegionsConsumer, gonative.RegionsConsumer)
}

// secondRegion is the producer's and the consumer's other region.
const secondRegion = "europe-west4"

// regionsWorld is one language's two stacks and what the drill needs to call through them.
type regionsWorld struct {
	env        *harness.Env
	prod, cons *harness.Stack
	cert       string
}

// newRegionsWorld configures the language's producer and consumer stacks (not yet deployed).
func newRegionsWorld(t *testing.T, env *harness.Env, producer, consumer lang) *regionsWorld {
	cert, key := psctest.SelfSignedCert(t, hostname)
	w := &regionsWorld{env: env, cert: cert}
	w.prod = producer.new(env, "regions-producer")
	w.prod.Configure(producerProject, region, map[string]string{
		"otherRegion": secondRegion, "consumerProject": consumerProject, "invoker": caller, "tlsCertificate": cert,
	})
	w.prod.SetConfig("tlsPrivateKey", key, true)
	w.cons = consumer.new(env, "regions-consumer")
	w.cons.Configure(consumerProject, region, map[string]string{"otherRegion": secondRegion, "producerStack": w.prod.Ref()})
	return w
}

// call is the invoker's call to https://payment-api.internal/ from a VM of the consumer's client
// subnet in region, trusting the producer's certificate.
func (w *regionsWorld) call(t *testing.T, network, region string) gcpsim.CallResult {
	t.Helper()
	return w.callPath(t, network, region, "/")
}

// callPath is call for path.
func (w *regionsWorld) callPath(t *testing.T, network, region, path string) gcpsim.CallResult {
	t.Helper()
	res, err := w.env.For(t).SimSnapshot().Call(gcpsim.ClientRequest{Project: consumerProject, Network: network,
		Region: region, Identity: caller, URL: "https://" + hostname + path, CABundle: w.cert}, time.Now())
	if err != nil {
		t.Fatalf("call from %s: %v", region, err)
	}
	return res
}

// assertServed checks that a call from client's region got 200 from the service in served.
func (w *regionsWorld) assertServed(t *testing.T, network, client, served, why string) {
	t.Helper()
	res := w.call(t, network, client)
	if !res.OK() || res.ServedRegion != served {
		hops, _ := json.Marshal(res.Hops)
		t.Errorf("%s: a client in %s got status %d, error %q at %q (%s: %s), served by %q; want 200 from %s\nhops: %s",
			why, client, res.Status, res.Error, res.Link, res.Rule, res.Reason, res.ServedRegion, served, hops)
	}
}

// assertRefused checks that a call from client's region did not reach a service, and where it
// stopped.
func (w *regionsWorld) assertRefused(t *testing.T, network, client string, want callWant, why string) {
	t.Helper()
	res := w.call(t, network, client)
	if res.Status != want.status || res.Error != want.err || res.Link != want.link || res.Rule != want.rule {
		t.Errorf("%s: a client in %s got status %d, error %q at %q (%s: %s); want status %d, error %q at %q (%s)",
			why, client, res.Status, res.Error, res.Link, res.Rule, res.Reason, want.status, want.err, want.link, want.rule)
	}
}

// statuses reads the consumer's pscConnectionStatuses output.
func statuses(t *testing.T, s *harness.Summary) map[string]string {
	t.Helper()
	return outputMap(t, s, "pscConnectionStatuses")
}

// outputMap reads a stack output that maps names to strings.
func outputMap(t *testing.T, s *harness.Summary, name string) map[string]string {
	t.Helper()
	v, err := s.Output(name)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, x := range v.(map[string]any) {
		out[k], _ = x.(string)
	}
	return out
}

// assertAccepted checks that the consumer has an ACCEPTED endpoint in each of regions and no other.
func assertAccepted(t *testing.T, s *harness.Summary, regions ...string) {
	t.Helper()
	got := statuses(t, s)
	want := map[string]string{}
	for _, r := range regions {
		want[r] = gcpsim.StatusAccepted
	}
	if !maps.Equal(got, want) {
		t.Errorf("pscConnectionStatuses = %v, want %v", got, want)
	}
}

// endpointTargets returns, by region, the service attachment each of the consumer's PSC forwarding
// rules targets in the simulator.
func endpointTargets(t *testing.T, env *harness.Env) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range env.For(t).SimSnapshot().Sorted() {
		if r.Type != chain.ForwardingRuleType {
			continue
		}
		target, _ := r.Outputs["target"].(string)
		if strings.Contains(target, "serviceAttachments/") {
			out[chain.RegionOf(r.ID)] = target
		}
	}
	return out
}

// TestRegions deploys the producer in two regions and the consumer in both, in every language,
// then runs the failover drill: each client is served by its own region; with the primary
// region's Cloud Run down, its clients are served by the other region (outlier detection, on by
// default); with the primary region's proxies down, its clients' calls fail (the consumer's DNS
// cannot fail over a PSC endpoint) while the other region's still succeed; back up, each region
// serves its own again; with outlier detection turned off, a Cloud Run outage is a 503.
func TestRegions(t *testing.T) {
	producers, consumers := regionsLangs()
	run(t, producers, func(t *testing.T, env *harness.Env, l lang) {
		i := slices.IndexFunc(producers, func(p lang) bool { return p.name == l.name })
		regionsDrill(t, env, l, consumers[i])
	})
}

// TestRegionsYAML is TestRegions for the Pulumi YAML projects yaml/regions-producer and
// yaml/regions-consumer, through the YAML language host and the provider plugin.
func TestRegionsYAML(t *testing.T) {
	yaml := lang{"yaml", true, func(env *harness.Env, project string) *harness.Stack {
		return env.YAMLStack("tests/programs/yaml/"+project, "prod")
	}}
	run(t, []lang{yaml}, func(t *testing.T, env *harness.Env, l lang) { regionsDrill(t, env, l, l) })
}

// regionsDrill is TestRegions for one language's producer and consumer: up, both endpoints
// ACCEPTED, converged and secure, the failover drill, destroy.
func regionsDrill(t *testing.T, env *harness.Env, producer, consumer lang) {
	w := newRegionsWorld(t, env, producer, consumer)
	if producer.name == "go" {
		w.prod.SetConfig("globalSslPolicy", "true", false)
	}
	up := w.prod.Up()
	if producer.name == "go" {
		assertRegionsParity(t, env, up)
	}
	uris := up.OutputString(t, "serviceAttachmentUris")
	for _, r := range []string{region, secondRegion} {
		if !strings.Contains(uris, "/regions/"+r+"/serviceAttachments/") {
			t.Errorf("serviceAttachmentUris %s has no attachment in %s", uris, r)
		}
	}
	cup := w.cons.Up()
	assertAccepted(t, cup, region, secondRegion)
	for r, target := range endpointTargets(t, env) {
		if chain.RegionOf(target) != r {
			t.Errorf("the endpoint in %s targets %s, an attachment of another region", r, target)
		}
	}
	converged(t, w.prod)
	converged(t, w.cons)
	secure.Assert(t, env, w.prod, w.cons)
	secure.AssertPolicy(t, env, w.prod)
	secure.AssertPolicy(t, env, w.cons)

	network := cup.OutputString(t, "consumerNetwork")
	for _, r := range []string{region, secondRegion} {
		w.assertServed(t, network, r, r, "both regions up")
	}
	restore := env.For(t).SetOutage(region, gcpsim.Outage{CloudRun: true})
	w.assertServed(t, network, region, secondRegion, region+"'s Cloud Run down, outlier detection on")
	w.assertServed(t, network, secondRegion, secondRegion, region+"'s Cloud Run down")
	restore()
	w.assertServed(t, network, region, region, region+"'s Cloud Run back")
	restore = env.For(t).SetOutage(region, gcpsim.Outage{Proxies: true})
	w.assertRefused(t, network, region, callWant{err: gcpsim.ErrTimeout, link: gcpsim.LinkForwardingRule, rule: "SIM-OUTAGE"},
		region+"'s proxies down")
	w.assertServed(t, network, secondRegion, secondRegion, region+"'s proxies down")
	restore()
	w.assertServed(t, network, region, region, region+"'s proxies back")

	w.prod.SetConfig("disableOutlierDetection", "true", false)
	w.prod.Up()
	restore = env.For(t).SetOutage(region, gcpsim.Outage{CloudRun: true})
	w.assertRefused(t, network, region, callWant{status: 503, link: gcpsim.LinkCloudRun, rule: "SIM-OUTAGE"},
		region+"'s Cloud Run down, outlier detection off")
	restore()
	destroyed(t, env, w.cons, w.prod)
}

// TestRegionsRoutes deploys the Go producer in two regions with a route (hostname's /admin to a
// Cloud Run service of its own in each region) and runs the drill on the route's path: each
// client's /admin is served by the route's service in its own region, the rest by the main
// service; with the primary region's Cloud Run down, the primary region's clients get /admin from
// the route's service in the other region (the route's global backend has the main one's outlier
// detection); back up, from their own region again.
func TestRegionsRoutes(t *testing.T) {
	producers, consumers := regionsLangs()
	run(t, pick(producers, "go"), func(t *testing.T, env *harness.Env, l lang) {
		w := newRegionsWorld(t, env, l, pick(consumers, "go")[0])
		w.prod.SetConfig("adminRoute", "true", false)
		up := w.prod.Up()
		if n := up.Count(harness.OpCreate, chain.BackendServiceType); n != 2 {
			t.Errorf("%d global backend services created, want 2 (the main one and the admin route's)", n)
		}
		cup := w.cons.Up()
		assertAccepted(t, cup, region, secondRegion)
		converged(t, w.prod)
		network := cup.OutputString(t, "consumerNetwork")
		admin := func(client, served, why string) {
			t.Helper()
			res := w.callPath(t, network, client, "/admin/users")
			if !res.OK() || res.ServedRegion != served || !strings.Contains(res.CloudRun, "-run-admin") {
				hops, _ := json.Marshal(res.Hops)
				t.Errorf("%s: /admin/users from %s got status %d, error %q at %q (%s: %s), served by %q in %q; want 200 from the admin route's service in %s\nhops: %s",
					why, client, res.Status, res.Error, res.Link, res.Rule, res.Reason, res.CloudRun, res.ServedRegion, served, hops)
			}
		}
		for _, r := range []string{region, secondRegion} {
			admin(r, r, "both regions up")
			if res := w.call(t, network, r); !res.OK() || strings.Contains(res.CloudRun, "-run-admin") || res.ServedRegion != r {
				t.Errorf("/ from %s = %d served by %q in %q, want 200 from the main service in %s", r, res.Status, res.CloudRun, res.ServedRegion, r)
			}
		}
		restore := env.For(t).SetOutage(region, gcpsim.Outage{CloudRun: true})
		admin(region, secondRegion, region+"'s Cloud Run down, outlier detection on")
		admin(secondRegion, secondRegion, region+"'s Cloud Run down")
		restore()
		admin(region, region, region+"'s Cloud Run back")
		destroyed(t, env, w.cons, w.prod)
	})
}

// assertRegionsParity checks, in the simulator, what go/regions.go gives the cross-region chain
// beyond the other languages: each region's attachment publishes its own domain
// (regions[R].domainNames), and the global HTTPS proxy holds the global SSL policy
// (XLB-SSL-POLICY).
func assertRegionsParity(t *testing.T, env *harness.Env, up *harness.Summary) {
	t.Helper()
	domains := map[string]any{}
	policies := 0
	for _, r := range env.For(t).SimSnapshot().Sorted() {
		switch r.Type {
		case chain.ServiceAttachmentType:
			domains[r.Region] = r.Outputs["domainNames"]
		case chain.TargetHttpsProxyType:
			if p, _ := r.Outputs["sslPolicy"].(string); strings.Contains(p, "/global/sslPolicies/") {
				policies++
			} else {
				t.Errorf("the global HTTPS proxy's sslPolicy is %q, want the global SSL policy", p)
			}
		}
	}
	for _, region := range []string{region, secondRegion} {
		if got, _ := json.Marshal(domains[region]); string(got) != `["`+region+`.payments.example.com."]` {
			t.Errorf("the attachment in %s publishes domainNames %s, want its region's", region, got)
		}
	}
	if policies != 1 {
		t.Errorf("%d global HTTPS proxies with an SSL policy, want 1", policies)
	}
	// The output a consumer picks its attachment's domains from holds what each attachment publishes.
	want, _ := json.Marshal(domains)
	got, err := up.Output("domainNamesByRegion")
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := json.Marshal(got); string(g) != string(want) {
		t.Errorf("domainNamesByRegion = %s, want what each attachment publishes, %s", g, want)
	}
}

// attachmentConnections returns the consumer connections the simulator holds on each service
// attachment of the producer, by the attachment's ID.
func attachmentConnections(t *testing.T, env *harness.Env) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, r := range env.For(t).SimSnapshot().Sorted() {
		if r.Type != chain.ServiceAttachmentType {
			continue
		}
		eps, _ := r.Outputs["connectedEndpoints"].([]any)
		out[r.ID] = len(eps)
	}
	return out
}

// assertNoReplacement fails t for every step of s that replaces or deletes a resource.
func assertNoReplacement(t *testing.T, s *harness.Summary, why string) {
	t.Helper()
	for _, st := range s.Steps {
		if st.Op != harness.OpSame && st.Op != harness.OpRead && st.Op != harness.OpCreate && st.Op != harness.OpUpdate {
			t.Errorf("%s: %s %s %s", why, s.Operation, st.Op, st.URN)
		}
	}
}

// assertSimAccepted checks, in the simulated cloud, that the consumer's endpoints are ACCEPTED in
// each of regions and that there are no others.
func assertSimAccepted(t *testing.T, env *harness.Env, why string, regions ...string) {
	t.Helper()
	got, want := map[string]string{}, map[string]string{}
	for _, r := range env.For(t).SimSnapshot().Sorted() {
		if target, _ := r.Outputs["target"].(string); r.Type == chain.ForwardingRuleType && strings.Contains(target, "serviceAttachments/") {
			got[chain.RegionOf(r.ID)], _ = r.Outputs["pscConnectionStatus"].(string)
		}
	}
	for _, r := range regions {
		want[r] = gcpsim.StatusAccepted
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s: the endpoints' status in the simulator is %v, want %v", why, got, want)
	}
}

// TestRegionsMigration moves a deployed single-region producer to two regions as docs/regions.md
// says, with its consumer connected throughout: the cross-region chain comes up beside the
// regional one (nothing of it replaced or deleted), the consumer's next up moves its endpoint to
// its region's new attachment and adds one in the other region, and once the old attachment has
// no connection left, removing the top-level subnets deletes the regional chain. The consumer's
// endpoints are ACCEPTED after every step, and its clients are served.
func TestRegionsMigration(t *testing.T) {
	producers, consumers := regionsLangs()
	run(t, pick(producers, "go"), func(t *testing.T, env *harness.Env, l lang) {
		w := newRegionsWorld(t, env, l, pick(consumers, "go")[0])
		w.prod.SetConfig("form", "regional", false)
		w.prod.Up()
		w.cons.SetConfig("endpoints", "primary", false)
		cup := w.cons.Up()
		assertAccepted(t, cup, region)
		network := cup.OutputString(t, "consumerNetwork")
		w.assertServed(t, network, region, region, "single region")
		before := endpointTargets(t, env)[region]
		ipBefore := outputMap(t, cup, "ipAddresses")[region]

		w.prod.SetConfig("form", "both", false)
		assertNoReplacement(t, w.prod.Up(), "adding regions beside the regional chain")
		assertSimAccepted(t, env, "the regional chain kept beside the new one", region)
		if got := endpointTargets(t, env)[region]; got != before {
			t.Errorf("the endpoint moved to %s before its consumer's up", got)
		}

		w.cons.SetConfig("endpoints", "", false)
		moved := w.cons.Up()
		assertAccepted(t, moved, region, secondRegion)
		if ip := outputMap(t, moved, "ipAddresses")[region]; ip != ipBefore || ip == "" {
			t.Errorf("the endpoint in %s changed its address when it moved to the new attachment: %q, before %q", region, ip, ipBefore)
		}
		targets := endpointTargets(t, env)
		if targets[region] == before || chain.RegionOf(targets[region]) != region {
			t.Errorf("after the consumer's up its endpoint in %s targets %s, want the new attachment of %s (the old: %s)",
				region, targets[region], region, before)
		}
		found := false
		for id, n := range attachmentConnections(t, env) {
			if strings.HasSuffix(before, id) || strings.HasSuffix(id, before) {
				found = true
				if n != 0 {
					t.Errorf("the regional attachment %s still holds %d connections after the consumer moved", id, n)
				}
			}
		}
		if !found {
			t.Errorf("the regional attachment %s is gone before the top-level subnets were removed", before)
		}
		for _, r := range []string{region, secondRegion} {
			w.assertServed(t, network, r, r, "both chains")
		}

		w.prod.SetConfig("form", "", false)
		up := w.prod.Up()
		if up.Count(harness.OpDelete, chain.ServiceAttachmentType) != 1 || up.Count(harness.OpCreate, "") != 0 {
			t.Errorf("removing the top-level subnets: %v, want the regional attachment deleted and nothing created", up.ByType())
		}
		noChanges(t, w.cons.Preview(), "the consumer's preview once the regional chain is gone")
		assertSimAccepted(t, env, "after the regional chain is gone", region, secondRegion)
		for _, r := range []string{region, secondRegion} {
			w.assertServed(t, network, r, r, "after the migration")
		}
		destroyed(t, env, w.cons, w.prod)
	})
}
