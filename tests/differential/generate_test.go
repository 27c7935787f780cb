package differential

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// world is one configuration being built: a copy of the baseline's state, the client's request
// and the instant of the call.
type world struct {
	b   *baseline
	st  *gcpsim.State
	req gcpsim.ClientRequest
	now time.Time
	rng *rand.Rand
}

// option is one value of a dimension: its name and how it changes the baseline.
type option struct {
	name  string
	apply func(w *world)
}

// dimension is one thing the configurations vary; its first option is the baseline's.
type dimension struct {
	name    string
	options []option
}

// configuration is a generated world and the options that made it.
type configuration struct {
	name string
	w    *world
}

// generate builds configuration n of the seeded sequence: up to three dimensions, drawn at
// random, take another option than the baseline's, so that calls get as far along the chain as
// they stop early, and the causes combine.
func (b *baseline) generate(t *testing.T, seed uint64, n int) configuration {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	var st gcpsim.State
	if err := json.Unmarshal(b.state, &st); err != nil {
		t.Fatal(err)
	}
	w := &world{b: b, st: &st, now: b.now, rng: rng, req: gcpsim.ClientRequest{Project: consumerProject, Network: "cvpc", Region: region,
		SourceIP: "10.0.0.50", Identity: "serviceAccount:" + callerSA, URL: "https://" + host + "/admin/x", CABundle: b.ca}}
	changed := map[int]bool{}
	for range []int{0, 1, 1, 2, 2, 3}[rng.IntN(6)] {
		changed[rng.IntN(len(dimensions))] = true
	}
	var names []string
	for i, d := range dimensions {
		o := d.options[0]
		if changed[i] {
			o = d.options[1+rng.IntN(len(d.options)-1)]
			names = append(names, d.name+"="+o.name)
		}
		if o.apply != nil {
			o.apply(w)
		}
	}
	w.consistent()
	return configuration{name: strings.Join(names, " "), w: w}
}

// consistent drops what the request cannot combine (ClientRequest.Validate): an audience needs a
// token of an identity.
func (w *world) consistent() {
	if w.req.Identity == "" || w.req.NoToken {
		w.req.Audience = ""
	}
}

// rec is the record of a role of the baseline.
func (w *world) rec(role string) *gcpsim.Record {
	r := w.st.Resources[w.b.ids[role]]
	if r == nil {
		panic("no " + role)
	}
	return r
}

func (w *world) out(role string) map[string]any { return w.rec(role).Outputs }

// put stores a resource as a provider would hold it.
func (w *world) put(token, id string, outputs map[string]any, uses ...string) *gcpsim.Record {
	parts := strings.Split(id, "/")
	reg := ""
	if parts[2] == "regions" || parts[2] == "locations" {
		reg = parts[3]
	}
	w.st.Resources[id] = &gcpsim.Record{Type: token, ID: id, Project: parts[1], Region: reg, Name: parts[len(parts)-1],
		Inputs: map[string]any{}, Outputs: outputs, Uses: uses, CreatedAt: w.b.now, UpdatedAt: w.b.now}
	return w.st.Resources[id]
}

// earlierEndpoints connects n endpoints of the consumer to the attachment before the baseline's,
// each in status s: accepted ones take the NAT addresses first (PSC-NAT-SOURCE).
func earlierEndpoints(n int, s string) func(w *world) {
	return func(w *world) {
		ep := w.rec("ep")
		for i := range n {
			id := fmt.Sprintf("projects/%s/regions/%s/forwardingRules/early-%d", consumerProject, region, i)
			out := map[string]any{"name": fmt.Sprintf("early-%d", i), "target": ep.Outputs["target"], "network": ep.Outputs["network"],
				"ipAddress": fmt.Sprintf("10.0.0.%d", 200+i), "pscConnectionStatus": s, "pscConnectionId": fmt.Sprint(900 + i),
				"loadBalancingScheme": "", "selfLink": selfLink(id), "region": region}
			r := w.put(chain.ForwardingRuleType, id, out, ep.Uses...)
			r.Links = ep.Links
			r.CreatedAt = ep.CreatedAt.Add(-time.Duration(n-i) * time.Minute)
		}
	}
}

func (w *world) del(role string) { delete(w.st.Resources, w.b.ids[role]) }

// setURL changes one part of the request's URL: its scheme and port, its host or its path.
func (w *world) setURL(scheme, hostPort, path string) {
	old := strings.SplitN(strings.TrimPrefix(strings.TrimPrefix(w.req.URL, "https://"), "http://"), "/", 2)
	oldScheme := "https://"
	if strings.HasPrefix(w.req.URL, "http://") {
		oldScheme = "http://"
	}
	w.req.URL = or(scheme, oldScheme) + or(hostPort, old[0]) + or(path, "/"+old[1])
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

const armorID = "projects/" + producerProject + "/regions/" + region + "/securityPolicies/armor"

// armor gives the backend service a Cloud Armor policy of these rules.
func armor(rules ...map[string]any) func(w *world) {
	return func(w *world) {
		list := []any{}
		for _, r := range rules {
			list = append(list, r)
		}
		w.put(chain.RegionSecurityPolicyType, armorID, map[string]any{"name": "armor", "type": "CLOUD_ARMOR", "rules": list,
			"selfLink": selfLink(armorID)})
		w.out("backend")["securityPolicy"] = selfLink(armorID)
	}
}

func srcRule(priority float64, action string, preview bool, ranges ...any) map[string]any {
	return map[string]any{"priority": priority, "action": action, "preview": preview,
		"match": map[string]any{"versionedExpr": "SRC_IPS_V1", "config": map[string]any{"srcIpRanges": ranges}}}
}

func exprRule(priority float64, action, expr string) map[string]any {
	return map[string]any{"priority": priority, "action": action, "match": map[string]any{"expr": map[string]any{"expression": expr}}}
}

// firewallRules adds n egress rules of the consumer VPC, each field drawn at random, and draws
// the client VM's tags and service account.
func firewallRules(n int) func(w *world) {
	return func(w *world) {
		pick := func(options ...any) any { return options[w.rng.IntN(len(options))] }
		for i := range n {
			id := fmt.Sprintf("projects/%s/global/firewalls/egress-%d", consumerProject, i)
			out := map[string]any{"name": fmt.Sprintf("egress-%d", i), "direction": "EGRESS", "network": selfLink(w.b.ids["cvpc"]),
				"priority": pick(900.0, 1000.0, 1100.0), "disabled": w.rng.IntN(10) == 0, "selfLink": selfLink(id)}
			rule := map[string]any{"protocol": pick("tcp", "all", "udp", "6")}
			if ports := pick(nil, []any{"443"}, []any{"80"}, []any{"8000-9000"}, []any{"1-1000"}); ports != nil {
				rule["ports"] = ports
			}
			out[pick("allows", "denies").(string)] = []any{rule}
			for field, values := range map[string][]any{
				"targetTags":            {nil, []any{"web"}},
				"targetServiceAccounts": {nil, []any{callerSA}},
				"destinationRanges":     {nil, []any{w.b.ids["ep-ip"] + "/32"}, []any{"10.0.0.0/8"}, []any{"192.168.0.0/16"}},
				"sourceRanges":          {nil, []any{"10.0.0.0/24"}, []any{"10.1.0.0/24"}},
			} {
				if v := pick(values...); v != nil {
					out[field] = v
				}
			}
			w.put(chain.FirewallType, id, out, w.b.ids["cvpc"])
		}
		if w.rng.IntN(2) == 0 {
			w.req.Tags = []string{"web"}
		}
		if w.rng.IntN(2) == 0 {
			w.req.ServiceAccount = callerSA
		}
	}
}

// member sets the invoker grant's member.
func member(m string) func(w *world) { return func(w *world) { w.out("invoker")["member"] = m } }

// targetHTTP points the attachment at the HTTP load balancer.
func targetHTTP(w *world) {
	w.out("att")["targetService"] = strings.Replace(w.out("att")["targetService"].(string), "/frs", "/fr", 1)
}

// routes gives the URL map the component's routes form: host rules for the hostname to a path
// matcher whose path rules name the backend service, each default a 404 abort.
func routes(paths ...any) func(w *world) {
	return func(w *world) {
		um := w.out("urlmap")
		bs := selfLink(w.b.ids["backend"])
		abort := map[string]any{"faultInjectionPolicy": map[string]any{"abort": map[string]any{"httpStatus": 404.0, "percentage": 100.0}}}
		delete(um, "defaultService")
		um["defaultRouteAction"] = abort
		um["hostRules"] = []any{map[string]any{"hosts": []any{host}, "pathMatcher": "routes"}}
		um["pathMatchers"] = []any{map[string]any{"name": "routes", "defaultRouteAction": abort,
			"pathRules": []any{map[string]any{"paths": paths, "service": bs}}}}
	}
}

func status(s string) func(w *world) {
	return func(w *world) { w.out("ep")["pscConnectionStatus"] = s }
}

// dimensions are what the configurations vary, in the order a call meets them.
var dimensions = []dimension{
	{"client", []option{
		{"europe-west1", nil},
		{"no-source-ip", func(w *world) { w.req.SourceIP = "" }},
		{"us-central1", func(w *world) { w.req.Region, w.req.SourceIP = otherRegion, "10.1.0.50" }},
		{"us-central1+endpoint-global", func(w *world) {
			w.req.Region, w.req.SourceIP = otherRegion, "10.1.0.50"
			w.out("ep")["allowPscGlobalAccess"] = true
		}},
		{"us-central1+both-global", func(w *world) {
			w.req.Region, w.req.SourceIP = otherRegion, ""
			w.out("ep")["allowPscGlobalAccess"] = true
			w.out("rules")["allowGlobalAccess"] = true
			w.out("rule")["allowGlobalAccess"] = true
		}},
		{"source-outside", func(w *world) { w.req.SourceIP = "10.7.0.1" }},
		{"subnet-named", func(w *world) { w.req.Subnet, w.req.SourceIP = "cvpc-sub", "" }},
		{"subnet-of-other-region", func(w *world) { w.req.Subnet = "projects/cons-p/regions/us-central1/subnetworks/cvpc-us" }},
	}},
	{"dns", []option{
		{"zone", nil},
		{"none", func(w *world) { w.del("zone"); w.del("record") }},
		{"wrong-ip", func(w *world) { w.out("record")["rrdatas"] = []any{"10.0.0.99"} }},
		{"not-bound", func(w *world) {
			w.out("zone")["privateVisibilityConfig"] = map[string]any{"networks": []any{map[string]any{"networkUrl": selfLink(w.b.ids["network"])}}}
		}},
		{"more-specific-empty", func(w *world) {
			w.out("zone")["dnsName"] = "internal."
			id := "projects/" + consumerProject + "/managedZones/specific"
			w.put(chain.ManagedZoneType, id, map[string]any{"name": "specific", "dnsName": host + ".", "visibility": "private",
				"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": selfLink(w.b.ids["cvpc"])}}}}, w.b.ids["cvpc"])
		}},
		{"less-specific-elsewhere", func(w *world) {
			zid := "projects/" + consumerProject + "/managedZones/broad"
			w.put(chain.ManagedZoneType, zid, map[string]any{"name": "broad", "dnsName": "internal.", "visibility": "private",
				"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": selfLink(w.b.ids["cvpc"])}}}}, w.b.ids["cvpc"])
			w.put(chain.RecordSetType, zid+"/rrsets/"+host+"./A", map[string]any{"managedZone": "broad", "name": host + ".", "type": "A",
				"rrdatas": []any{"10.0.0.98"}}, zid)
		}},
		{"address-url", func(w *world) { w.setURL("", w.b.ids["ep-ip"], "") }},
		{"wildcard", func(w *world) {
			w.out("record")["name"] = "*." + host + "."
			w.setURL("", "api."+host, "")
		}},
		{"psc-automatic", func(w *world) {
			w.del("zone")
			w.del("record")
			w.out("att")["domainNames"] = []any{"internal."}
			w.setURL("", "ep.internal", "")
		}},
	}},
	{"firewall", []option{
		{"none", nil},
		{"one-rule", firewallRules(1)},
		{"two-rules", firewallRules(2)},
		{"three-rules", firewallRules(3)},
	}},
	{"connection", []option{
		{chain.Accepted, nil},
		{chain.Pending, status(chain.Pending)},
		{chain.Rejected, status(chain.Rejected)},
		{chain.Closed, status(chain.Closed)},
		{chain.NeedsAttention, status(chain.NeedsAttention)},
	}},
	{"nat", []option{
		{"first-connection", nil},
		{"after-one-accepted", earlierEndpoints(1, chain.Accepted)},
		{"after-two-pending", earlierEndpoints(2, chain.Pending)},
		{"nat-full", earlierEndpoints(4, chain.Accepted)},
		{"second-nat-subnet", func(w *world) {
			earlierEndpoints(4, chain.Accepted)(w)
			id := "projects/" + producerProject + "/regions/" + region + "/subnetworks/nat2"
			w.put(chain.SubnetworkType, id, map[string]any{"name": "nat2", "ipCidrRange": "10.0.3.0/29", "purpose": "PRIVATE_SERVICE_CONNECT",
				"network": selfLink(w.b.ids["network"]), "region": region, "selfLink": selfLink(id)}, w.b.ids["network"])
			w.out("att")["natSubnets"] = append(w.out("att")["natSubnets"].([]any), selfLink(id))
		}},
	}},
	{"url", []option{
		{"as-given", nil},
		{"uppercase-host", func(w *world) { w.req.URL = strings.Replace(w.req.URL, host, "Payment-API.Internal", 1) }},
		{"trailing-dot", func(w *world) { w.req.URL = strings.Replace(w.req.URL, host, host+".", 1) }},
		{"query", func(w *world) { w.req.URL += "?q=1" }},
		{"explicit-default-port", func(w *world) { w.req.URL = strings.Replace(w.req.URL, host, host+":443", 1) }},
	}},
	{"load-balancer", []option{
		{"https", nil},
		{"http-url-to-https", func(w *world) { w.setURL("http://", "", "") }},
		{"http", func(w *world) { targetHTTP(w); w.setURL("http://", "", "") }},
		{"https-url-to-http", targetHTTP},
		{"tls-to-http-listener", func(w *world) { targetHTTP(w); w.setURL("https://", host+":80", "") }},
		{"plain-to-https-listener", func(w *world) { w.setURL("http://", host+":443", "") }},
		{"other-port", func(w *world) { w.setURL("https://", host+":8443", "") }},
		{"proxy-only-backup", func(w *world) { w.out("proxy-only")["role"] = "BACKUP" }},
	}},
	// The certificate is the one the ProducerService made (tls.certificatePem): a proxy holds one.
	// A second certificate of another stack, whose PEM the stacks keep secret, is an assumption
	// doctor names (pkg/doctor TestAskSecretCertificate), not a verdict to compare.
	{"certificate", []option{
		{"covers", nil},
		{"other-host", func(w *world) { w.out("proxys")["sslCertificates"] = []any{selfLink(w.b.ids["cert-other-host"])} }},
		{"wildcard", func(w *world) { w.out("proxys")["sslCertificates"] = []any{selfLink(w.b.ids["cert-wildcard"])} }},
		{"other-ca", func(w *world) { w.out("proxys")["sslCertificates"] = []any{selfLink(w.b.ids["cert-other-ca"])} }},
		{"expired", func(w *world) { w.now = certExpiry.Add(24 * time.Hour) }},
		{"not-yet-valid", func(w *world) { w.now = time.Date(2019, 6, 1, 0, 0, 0, 0, time.UTC) }},
	}},
	{"trust", []option{
		{"test-ca", nil},
		{"other-ca", func(w *world) { w.req.CABundle = w.b.other }},
		{"no-bundle", func(w *world) { w.req.CABundle = "" }},
		{"insecure", func(w *world) { w.req.CABundle, w.req.Insecure = "", true }},
	}},
	mtlsDimension, // mtls_test.go
	{"url-map", []option{
		{"default-service", nil},
		{"routes-admin", routes("/admin/*")},
		{"routes-v1", routes("/v1/*")},
		{"routes-exact", routes("/admin/x", "/health")},
		{"redirect", func(w *world) {
			delete(w.out("urlmap"), "defaultService")
			w.out("urlmap")["defaultUrlRedirect"] = map[string]any{"redirectResponseCode": "FOUND", "httpsRedirect": true}
		}},
		{"dangling-backend", func(w *world) {
			w.out("urlmap")["defaultService"] = selfLink("projects/" + producerProject + "/regions/" + region + "/backendServices/gone")
		}},
		{"path-root", func(w *world) { w.setURL("", "", "/") }},
	}},
	{"cloud-armor", []option{
		{"none", nil},
		{"deny-nat-range", armor(srcRule(100, "deny(403)", false, "10.0.2.0/29"))},
		{"deny-all-preview", armor(srcRule(100, "deny(403)", true, "*"))},
		{"allow-nat-before-deny-all", armor(srcRule(10, "allow", false, "10.0.2.0/29"), srcRule(100, "deny(403)", false, "*"))},
		{"deny-expression", armor(exprRule(100, "deny(404)", "inIpRange(origin.ip, '10.0.2.0/29')"))},
		{"deny-other-range", armor(srcRule(100, "deny(403)", false, "192.168.0.0/16"))},
		{"deny-assumed-address", armor(srcRule(100, "deny(502)", false, "10.0.2.2/32"))},
	}},
	{"backend", []option{
		{"serverless-neg", nil},
		{"no-backends", func(w *world) { w.out("backend")["backends"] = []any{} }},
		{"neg-not-serverless", func(w *world) { w.out("neg")["networkEndpointType"] = "GCE_VM_IP_PORT" }},
		{"neg-names-missing-service", func(w *world) { w.out("neg")["cloudRun"] = map[string]any{"service": "missing"} }},
	}},
	{"cloud-run", []option{
		{"ready-internal", nil},
		{"ingress-all", func(w *world) { w.out("run")["ingress"] = "INGRESS_TRAFFIC_ALL" }},
		{"ingress-lb", func(w *world) { w.out("run")["ingress"] = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" }},
		{"ingress-none", func(w *world) { w.out("run")["ingress"] = "INGRESS_TRAFFIC_NONE" }},
		{"not-ready", func(w *world) {
			w.out("run")["terminalConditions"] = []any{map[string]any{"type": "Ready", "state": "CONDITION_FAILED"}}
		}},
		{"no-ready-revision", func(w *world) { w.out("run")["latestReadyRevision"] = "" }},
	}},
	{"grant", []option{
		{"service", nil},
		{"none", func(w *world) { w.del("invoker") }},
		{"allUsers", member("allUsers")},
		{"invokerIamDisabled", func(w *world) { w.out("run")["invokerIamDisabled"] = true }},
		{"allAuthenticatedUsers", member("allAuthenticatedUsers")},
		{"admin-role", func(w *world) { w.out("invoker")["role"] = "roles/run.admin" }},
		{"viewer-role", func(w *world) { w.out("invoker")["role"] = "roles/run.viewer" }},
		{"another-principal", member("serviceAccount:other@cons-p.iam.gserviceaccount.com")},
		{"domain", member("domain:example.com")},
		{"conditional", func(w *world) {
			w.out("invoker")["condition"] = map[string]any{"title": "t", "expression": "request.time < timestamp('2031-01-01T00:00:00Z')"}
		}},
		{"binding", func(w *world) {
			w.del("invoker")
			id := w.b.ids["run"] + "/roles/run.invoker"
			w.put(chain.CloudRunServiceIamBindingType, id, map[string]any{"name": w.b.ids["run"], "role": "roles/run.invoker",
				"members": []any{"serviceAccount:" + callerSA, "user:bob@example.com"}}, w.b.ids["run"])
		}},
	}},
	{"identity", []option{
		{"caller", nil},
		{"none", func(w *world) { w.req.Identity = "" }},
		{"other-service-account", func(w *world) { w.req.Identity = "serviceAccount:other@cons-p.iam.gserviceaccount.com" }},
		{"user", func(w *world) { w.req.Identity = "user:bob@example.com" }},
		{"no-token", func(w *world) { w.req.NoToken = true }},
	}},
	{"audience", []option{
		{"url-origin", nil},
		{"custom", func(w *world) { w.req.Audience = "https://" + host }},
		{"service-url", func(w *world) { w.req.Audience, _ = w.out("run")["uri"].(string) }},
		{"service-url-slash", func(w *world) { u, _ := w.out("run")["uri"].(string); w.req.Audience = u + "/" }},
		{"wrong", func(w *world) { w.req.Audience = "https://wrong.example" }},
		{"custom-slash", func(w *world) { w.req.Audience = "https://" + host + "/" }},
	}},
	{"custom-audiences", []option{
		{"private-url", nil},
		{"none", func(w *world) { delete(w.out("run"), "customAudiences") }},
		{"other", func(w *world) { w.out("run")["customAudiences"] = []any{"https://other.internal"} }},
	}},
}
