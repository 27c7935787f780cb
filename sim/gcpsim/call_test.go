package gcpsim

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	callerSA  = "caller@cons-p.iam.gserviceaccount.com"
	callerURL = "https://payment-api.internal/admin/x"
	// certExpiry is when the world's server certificate expires.
	certExpiry = "2035-01-01T00:00:00Z"
)

// callWorld is the deployment the tutorial builds, through the provider as engines would: an
// HTTPS producer (a certificate for payment-api.internal from the test CA) whose Cloud Run
// service accepts the private URL as an audience and grants the caller's service account the
// invoker role, its attachment, and a consumer VPC (subnets in two regions) with an accepted
// endpoint and the private zone payment-api.internal. pointing at it.
type callWorld struct {
	prod, cons *harness
	ca         *testCA
	ids        map[string]string
	now        time.Time
}

func newCallWorld(t *testing.T) *callWorld {
	t.Helper()
	prod := newHarness(t, producerProject)
	w := &callWorld{prod: prod, ca: newTestCA(t), ids: prod.producer(), now: time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)}
	expiry, _ := time.Parse(time.RFC3339, certExpiry)
	cert, key := issue(t, w.ca, expiry, "payment-api.internal")
	w.ids["cert"], _ = prod.mustCreate(sslCertificateToken, "cert", map[string]any{"name": "cert", "certificate": cert, "privateKey": key})
	w.ids["proxys"], _ = prod.mustCreate(httpsProxyToken, "pxs", map[string]any{"name": "pxs", "urlMap": w.ids["urlmap"], "sslCertificates": []any{selfLinkOf(w.ids["cert"])}})
	w.ids["rules"], _ = prod.mustCreate(forwardingRuleToken, "frs", map[string]any{"name": "frs", "loadBalancingScheme": "INTERNAL_MANAGED", "portRange": "443",
		"network": w.ids["network"], "subnetwork": w.ids["lb"], "target": selfLinkOf(w.ids["proxys"])})
	w.ids["att"], _ = prod.mustCreate(serviceAttachmentToken, "att", attachmentInputs(map[string]string{"rule": w.ids["rules"], "nat": w.ids["nat"]}, nil))
	w.ids["invoker"], _ = prod.mustCreate(cloudRunIamMemberToken, "invoker", map[string]any{"name": w.ids["run"], "location": region, "role": "roles/run.invoker", "member": "serviceAccount:" + callerSA})
	w.cons = attach(t, prod.dir, consumerProject)
	w.ids["cvpc"], w.ids["csub"] = w.cons.consumer("cvpc")
	w.ids["csub-us"], _ = w.cons.mustCreate(subnetworkToken, "cvpc-us", map[string]any{"name": "cvpc-us", "network": w.ids["cvpc"], "region": otherRegion, "ipCidrRange": "10.1.0.0/24"})
	var ep obj
	w.ids["ep"], ep = w.cons.endpoint("ep", w.ids["cvpc"], w.ids["csub"], selfLinkOf(w.ids["att"]))
	w.ids["ep-ip"] = ep.str("ipAddress")
	w.ids["zone"], _ = w.cons.mustCreate(managedZoneToken, "zone", map[string]any{"name": "zone", "dnsName": "payment-api.internal.", "visibility": "private",
		"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": w.ids["cvpc"]}}}})
	w.ids["record"], _ = w.cons.mustCreate(recordSetToken, "record", map[string]any{"managedZone": "zone", "name": "payment-api.internal.", "type": "A", "rrdatas": []any{w.ids["ep-ip"]}})
	// The component's audience: the private URL (the service is created with it).
	if err := prod.sim.Store().Update(func(st *State) error {
		st.Resources[w.ids["run"]].Outputs["customAudiences"] = []any{"https://payment-api.internal"}
		st.Changed(w.ids["run"])
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *callWorld) snapshot(t *testing.T) *State {
	t.Helper()
	return w.prod.snapshot()
}

// call makes the world's request on a copy of the state, each changed by its function (if any),
// at now (the world's time when zero).
func (w *callWorld) call(t *testing.T, state func(*State), change func(*ClientRequest), now time.Time) CallResult {
	t.Helper()
	st := w.snapshot(t)
	if state != nil {
		state(st)
	}
	req := w.request()
	if change != nil {
		change(&req)
	}
	if now.IsZero() {
		now = w.now
	}
	r, err := st.Call(req, now)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// request is the tutorial's call: the caller's service account on a VM in the consumer VPC,
// trusting the test CA.
func (w *callWorld) request() ClientRequest {
	return ClientRequest{Project: consumerProject, Network: "cvpc", Region: region, SourceIP: "10.0.0.50",
		Identity: "serviceAccount:" + callerSA, URL: callerURL, CABundle: w.ca.pem}
}

// put stores a resource directly in a snapshot.
func put(st *State, token, id string, outputs map[string]any, uses ...string) {
	parts := strings.Split(id, "/")
	region := ""
	if parts[2] == "regions" || parts[2] == "locations" {
		region = parts[3]
	}
	st.Resources[id] = &Record{Type: token, ID: id, Project: parts[1], Region: region, Name: lastSegment(id), Outputs: outputs, Uses: uses}
}

// egressRule stores an EGRESS firewall rule of the consumer VPC.
func (w *callWorld) egressRule(st *State, name string, fields map[string]any) {
	out := map[string]any{"direction": "EGRESS", "network": selfLinkOf(w.ids["cvpc"]), "priority": 1000.0}
	for k, v := range fields {
		out[k] = v
	}
	put(st, firewallToken, "projects/cons-p/global/firewalls/"+name, out, w.ids["cvpc"])
}

var denyAll = []any{map[string]any{"protocol": "all"}}

// The tutorial's call succeeds, through every link in order, and the producer sees it from the
// PSC NAT address.
func TestCallSucceeds(t *testing.T) {
	t.Parallel()
	w := newCallWorld(t)
	r, err := w.snapshot(t).Call(w.request(), w.now)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Error != "" || r.Rule != "" || r.CloudRun != w.ids["run"] {
		t.Fatalf("call = %+v, want 200 from %s", r, w.ids["run"])
	}
	var links []string
	for _, h := range r.Hops {
		links = append(links, h.Link)
	}
	want := []string{LinkClient, LinkDNS, LinkFirewall, LinkEndpointIP, LinkEndpoint, LinkAttachment, LinkNAT,
		LinkForwardingRule, LinkProxy, LinkCertificate, LinkURLMap, LinkBackend, LinkNEG, LinkCloudRun}
	if !slices.Equal(links, want) {
		t.Errorf("hops %v\nwant %v", links, want)
	}
	if r.Source != "10.0.0.50" || r.Destination != w.ids["ep-ip"] || r.NATSource != "10.0.2.2" {
		t.Errorf("source %s, destination %s, NAT source %s; want 10.0.0.50, %s, 10.0.2.2", r.Source, r.Destination, r.NATSource, w.ids["ep-ip"])
	}
	if r.Hops[1].Resource != w.ids["record"] || r.Hops[2].Resource != "implied-allow-egress" || r.Hops[9].Resource != w.ids["cert"] {
		t.Errorf("hops resolved to %+v", r.Hops)
	}
}

// One case per refusing link and status, each on its own copy of the world: what it changes in
// the state and in the request, and the status or error, link and rule the client gets.
func TestCallRefusals(t *testing.T) {
	t.Parallel()
	w := newCallWorld(t)
	out := func(st *State, role string) obj { return st.Resources[w.ids[role]].out() }
	set := func(role, key string, v any) func(*State) { return func(st *State) { out(st, role)[key] = v } }
	gone := func(roles ...string) func(*State) {
		return func(st *State) {
			for _, r := range roles {
				delete(st.Resources, w.ids[r])
			}
		}
	}
	other, otherKey := issue(t, newTestCA(t), time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC), "payment-api.internal")
	_ = otherKey
	tests := []struct {
		name   string
		state  func(*State)
		req    func(*ClientRequest)
		now    time.Time
		status int
		err    string
		link   string
		rule   string
		reason string
	}{
		// client
		{name: "unknown network", req: func(r *ClientRequest) { r.Network = "nope" },
			err: ErrInvalidClient, link: LinkClient, rule: "CLIENT-NETWORK", reason: "projects/cons-p/global/networks/nope does not exist"},
		{name: "source outside the subnets", req: func(r *ClientRequest) { r.SourceIP = "192.168.1.5" },
			err: ErrInvalidClient, link: LinkClient, rule: "CLIENT-NETWORK", reason: "source 192.168.1.5 is in no regular subnet"},
		{name: "no subnet in the region", req: func(r *ClientRequest) { r.Region, r.SourceIP = "asia-east1", "" },
			err: ErrInvalidClient, link: LinkClient, rule: "CLIENT-NETWORK", reason: "no regular subnet in region asia-east1"},
		{name: "subnet of another region", req: func(r *ClientRequest) { r.Subnet = w.ids["csub-us"] },
			err: ErrInvalidClient, link: LinkClient, rule: "CLIENT-NETWORK", reason: "is not a regular subnet of"},
		// dns-record
		{name: "no private zone", state: gone("record", "zone"),
			err: ErrNXDomain, link: LinkDNS, rule: "DNS-RESOLVE", reason: "no private zone bound to projects/cons-p/global/networks/cvpc answers for payment-api.internal."},
		{name: "zone bound to another network", state: func(st *State) {
			out(st, "zone")["privateVisibilityConfig"] = map[string]any{"networks": []any{map[string]any{"networkUrl": "projects/cons-p/global/networks/other"}}}
		}, err: ErrNXDomain, link: LinkDNS, rule: "DNS-RESOLVE"},
		{name: "the zone has no record for the name", state: gone("record"),
			err: ErrNXDomain, link: LinkDNS, rule: "DNS-RESOLVE", reason: "holds no A record for payment-api.internal."},
		{name: "a parent zone does not answer for a more specific one", state: func(st *State) {
			put(st, managedZoneToken, "projects/cons-p/managedZones/internal", map[string]any{"dnsName": "internal.", "visibility": "private",
				"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": w.ids["cvpc"]}}}})
			put(st, recordSetToken, "projects/cons-p/managedZones/internal/rrsets/payment-api.internal./A", map[string]any{"name": "payment-api.internal.", "type": "A", "rrdatas": []any{"10.0.0.99"}}, "projects/cons-p/managedZones/internal")
			delete(st.Resources, w.ids["record"])
		}, err: ErrNXDomain, link: LinkDNS, rule: "DNS-RESOLVE", reason: "private zone projects/cons-p/managedZones/zone (payment-api.internal.)"},
		// egress-firewall
		{name: "egress denied", state: func(st *State) { w.egressRule(st, "deny-all", map[string]any{"denies": denyAll}) },
			err: ErrTimeout, link: LinkFirewall, rule: "FW-EGRESS-EVAL", reason: "projects/cons-p/global/firewalls/deny-all (priority 1000) denies tcp:443"},
		{name: "a deny wins over an allow of the same priority", state: func(st *State) {
			w.egressRule(st, "allow-443", map[string]any{"allows": []any{map[string]any{"protocol": "tcp", "ports": []any{"443"}}}})
			w.egressRule(st, "zdeny", map[string]any{"denies": denyAll})
		}, err: ErrTimeout, link: LinkFirewall, rule: "FW-EGRESS-EVAL", reason: "zdeny"},
		{name: "a deny of the client's tag", state: func(st *State) {
			w.egressRule(st, "deny-tagged", map[string]any{"denies": denyAll, "targetTags": []any{"blocked"}})
		}, req: func(r *ClientRequest) { r.Tags = []string{"web", "blocked"} }, err: ErrTimeout, link: LinkFirewall, rule: "FW-EGRESS-EVAL"},
		{name: "a deny of the client's service account", state: func(st *State) {
			w.egressRule(st, "deny-sa", map[string]any{"denies": []any{map[string]any{"protocol": "tcp", "ports": []any{"400-500"}}}, "targetServiceAccounts": []any{callerSA}})
		}, req: func(r *ClientRequest) { r.ServiceAccount = callerSA }, err: ErrTimeout, link: LinkFirewall, rule: "FW-EGRESS-EVAL"},
		{name: "a deny of the endpoint's range", state: func(st *State) {
			w.egressRule(st, "deny-range", map[string]any{"denies": denyAll, "destinationRanges": []any{"10.0.0.0/28"}})
		}, err: ErrTimeout, link: LinkFirewall, rule: "FW-EGRESS-EVAL"},
		// endpoint-ip
		{name: "the record names no endpoint", state: set("record", "rrdatas", []any{"10.0.0.99"}),
			err: ErrTimeout, link: LinkEndpointIP, rule: "EP-IP", reason: "has the address 10.0.0.99"},
		{name: "an address of another network", req: func(r *ClientRequest) {
			r.Network, r.Subnet, r.URL = "cvpc2", "cvpc2-sub", "https://"+w.ids["ep-ip"]+"/"
		},
			state: func(st *State) {
				put(st, networkToken, "projects/cons-p/global/networks/cvpc2", map[string]any{})
				put(st, subnetworkToken, "projects/cons-p/regions/europe-west1/subnetworks/cvpc2-sub", map[string]any{"ipCidrRange": "10.0.0.0/24"}, "projects/cons-p/global/networks/cvpc2")
			}, err: ErrTimeout, link: LinkEndpointIP, rule: "EP-IP"},
		// endpoint
		{name: "another region without global access", req: func(r *ClientRequest) { r.Region, r.SourceIP = otherRegion, "10.1.0.5" },
			err: ErrTimeout, link: LinkEndpoint, rule: "EP-GLOBAL-ACCESS", reason: "without allowPscGlobalAccess"},
		{name: "endpoint pending", state: set("ep", "pscConnectionStatus", StatusPending), err: ErrTimeout, link: LinkEndpoint, rule: "EP-STATUS", reason: "PENDING"},
		{name: "endpoint rejected", state: set("ep", "pscConnectionStatus", StatusRejected), err: ErrTimeout, link: LinkEndpoint, rule: "EP-STATUS", reason: "REJECTED"},
		{name: "endpoint needs attention", state: set("ep", "pscConnectionStatus", StatusNeedsAttention), err: ErrTimeout, link: LinkEndpoint, rule: "EP-STATUS", reason: "NEEDS_ATTENTION"},
		{name: "endpoint closed", state: set("ep", "pscConnectionStatus", StatusClosed), err: ErrTimeout, link: LinkEndpoint, rule: "EP-STATUS", reason: "CLOSED"},
		// attachment, nat
		{name: "attachment gone", state: gone("att"), err: ErrTimeout, link: LinkAttachment, rule: "SA-CLOSED"},
		{name: "NAT subnet gone", state: gone("nat"), err: ErrTimeout, link: LinkNAT, rule: "SA-NAT-CAPACITY"},
		// lb-rule
		{name: "plain HTTP to the HTTPS load balancer", req: func(r *ClientRequest) { r.URL = "http://payment-api.internal/admin/x" },
			err: ErrTimeout, link: LinkForwardingRule, rule: "FR-PORT-LISTENER", reason: "listens on port 443, the call goes to port 80"},
		{name: "proxy-only subnet gone", state: gone("proxy-only"), err: ErrTimeout, link: LinkForwardingRule, rule: "FR-PROXY-ONLY-FIRST"},
		{name: "another region without the load balancer's global access", state: set("ep", "allowPscGlobalAccess", true),
			req: func(r *ClientRequest) { r.Region, r.SourceIP = otherRegion, "10.1.0.5" }, err: ErrTimeout, link: LinkForwardingRule, rule: "EP-GLOBAL-ACCESS", reason: "without allowGlobalAccess"},
		// proxy
		{name: "plain HTTP on the TLS port", req: func(r *ClientRequest) { r.URL = "http://payment-api.internal:443/" },
			err: ErrConnectionReset, link: LinkProxy, rule: "LB-LISTENER-PROTOCOL"},
		{name: "TLS to the HTTP load balancer", state: set("att", "targetService", selfLinkOf(w.ids["rule"])), req: func(r *ClientRequest) { r.URL = "https://payment-api.internal:80/" },
			err: ErrTLS, link: LinkProxy, rule: "LB-LISTENER-PROTOCOL"},
		// certificate
		{name: "certificate expired", now: time.Date(2035, 1, 2, 0, 0, 0, 0, time.UTC), err: ErrTLS, link: LinkCertificate, rule: "TLS-VERIFY", reason: "expired at 2035-01-01T00:00:00Z"},
		{name: "certificate for another name", req: func(r *ClientRequest) { r.URL = "https://" + w.ids["ep-ip"] + "/" },
			err: ErrTLS, link: LinkCertificate, rule: "TLS-VERIFY", reason: "doesn't contain any IP SANs"},
		{name: "no CA bundle for a private CA", req: func(r *ClientRequest) { r.CABundle = "" }, err: ErrTLS, link: LinkCertificate, rule: "TLS-VERIFY", reason: "no CA bundle"},
		{name: "another CA in the bundle", req: func(r *ClientRequest) { r.CABundle = other }, err: ErrTLS, link: LinkCertificate, rule: "TLS-VERIFY", reason: "does not chain"},
		{name: "managed certificate provisioning", state: func(st *State) {
			put(st, cmCertificateToken, "projects/prod-p/locations/europe-west1/certificates/cm", map[string]any{"managed": map[string]any{
				"domains": []any{"payment-api.internal"}, "dnsAuthorizations": []any{"projects/prod-p/locations/europe-west1/dnsAuthorizations/a"}}})
			put(st, dnsAuthToken, "projects/prod-p/locations/europe-west1/dnsAuthorizations/a", map[string]any{"domain": "payment-api.internal",
				"dnsResourceRecords": []any{map[string]any{"name": "_acme-challenge.payment-api.internal.", "type": "CNAME", "data": "x.authorize.certificatemanager.goog."}}})
			out(st, "proxys")["sslCertificates"] = []any{}
			out(st, "proxys")["certificateManagerCertificates"] = []any{"projects/prod-p/locations/europe-west1/certificates/cm"}
		}, err: ErrTLS, link: LinkCertificate, rule: "CM-PROVISIONING", reason: "is PROVISIONING"},
		// url-map
		{name: "the URL map's 404", state: func(st *State) {
			st.Resources[w.ids["urlmap"]].Outputs = routedURLMap(w.ids["backend"], w.ids["backend"], w.ids["backend"])
		}, req: func(r *ClientRequest) { r.URL, r.Insecure = "https://"+w.ids["ep-ip"]+"/", true }, status: 404, link: LinkURLMap, rule: "URLMAP-MATCH"},
		// backend, neg, cloud-run: the load balancer has no backend to send to
		{name: "backend without backends", state: set("backend", "backends", []any{}), status: 503, link: LinkBackend, rule: "LB-BACKEND-503"},
		{name: "NEG not serverless", state: set("neg", "networkEndpointType", "INTERNET_FQDN_PORT"), status: 503, link: LinkNEG, rule: "LB-BACKEND-503"},
		{name: "Cloud Run service gone", state: gone("run"), status: 503, link: LinkCloudRun, rule: "LB-BACKEND-503", reason: "services/hello, which does not exist"},
		// security-policy
		{name: "Cloud Armor denies the NAT range", state: func(st *State) {
			w.armorPolicy(st, map[string]any{"action": "deny(403)", "priority": 1000.0, "match": srcRanges("10.0.2.0/29")})
		}, status: 403, link: LinkSecurityPolicy, rule: "ARMOR-EVAL", reason: "denies 10.0.2.2"},
		{name: "Cloud Armor expression answers 404", state: func(st *State) {
			w.armorPolicy(st, map[string]any{"action": "deny(404)", "priority": 10.0, "match": map[string]any{"expr": map[string]any{"expression": "inIpRange(origin.ip, '10.0.2.0/24') && !(origin.ip == '10.0.2.9')"}}})
		}, status: 404, link: LinkSecurityPolicy, rule: "ARMOR-EVAL"},
		// cloud-run
		{name: "ingress none", state: set("run", "ingress", "INGRESS_TRAFFIC_NONE"), status: 404, link: LinkCloudRun, rule: "RUN-INGRESS-404"},
		{name: "service not ready", state: set("run", "terminalConditions", []any{map[string]any{"type": "Ready", "state": "CONDITION_FAILED"}}), status: 503, link: LinkCloudRun, rule: "RUN-NOT-READY"},
		{name: "no ready revision", state: set("run", "latestReadyRevision", ""), status: 503, link: LinkCloudRun, rule: "RUN-NOT-READY"},
		{name: "no identity", req: func(r *ClientRequest) { r.Identity = "" }, status: 403, link: LinkCloudRun, rule: "RUN-IAM-NO-TOKEN"},
		{name: "no token", req: func(r *ClientRequest) { r.NoToken = true }, status: 403, link: LinkCloudRun, rule: "RUN-IAM-NO-TOKEN"},
		{name: "wrong audience", req: func(r *ClientRequest) { r.Audience = "https://payment-api.internal/admin" }, status: 401, link: LinkCloudRun, rule: "RUN-IAM-AUDIENCE"},
		{name: "the address as audience", req: func(r *ClientRequest) { r.URL, r.Insecure = "https://"+w.ids["ep-ip"]+"/", true }, status: 401, link: LinkCloudRun, rule: "RUN-IAM-AUDIENCE"},
		{name: "no custom audience", state: set("run", "customAudiences", []any{}), status: 401, link: LinkCloudRun, rule: "RUN-IAM-AUDIENCE", reason: `audience "https://payment-api.internal"`},
		{name: "identity without the invoker role", req: func(r *ClientRequest) { r.Identity = "serviceAccount:other@cons-p.iam.gserviceaccount.com" },
			status: 403, link: LinkCloudRun, rule: "RUN-IAM-INVOKER"},
		{name: "a grant under a condition", state: set("invoker", "condition", map[string]any{"title": "t", "expression": "request.time < timestamp('2020-01-01T00:00:00Z')"}),
			status: 403, link: LinkCloudRun, rule: "RUN-IAM-INVOKER"},
		{name: "a user of another domain", state: set("invoker", "member", "domain:example.com"), req: func(r *ClientRequest) { r.Identity = "user:eve@example.org" },
			status: 403, link: LinkCloudRun, rule: "RUN-IAM-INVOKER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := w.call(t, tt.state, tt.req, tt.now)
			if r.Status != tt.status || r.Error != tt.err || r.Link != tt.link || r.Rule != tt.rule || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("got status %d, error %q, link %q, rule %q, reason %q\nwant status %d, error %q, link %q, rule %q, reason containing %q",
					r.Status, r.Error, r.Link, r.Rule, r.Reason, tt.status, tt.err, tt.link, tt.rule, tt.reason)
			}
			if n := len(r.Hops); n == 0 || r.Hops[n-1].Link != tt.link {
				t.Errorf("the last hop of %+v is not the refusing link %s", r.Hops, tt.link)
			}
		})
	}
}

// What lets a call through that looks as if it should not: each case changes the world and
// the call still reaches Cloud Run.
func TestCallPasses(t *testing.T) {
	t.Parallel()
	w := newCallWorld(t)
	out := func(st *State, role string) obj { return st.Resources[w.ids[role]].out() }
	set := func(role, key string, v any) func(*State) { return func(st *State) { out(st, role)[key] = v } }
	selfSignedCert, selfSignedKey := issue(t, nil, time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC), "payment-api.internal")
	_ = selfSignedKey
	tests := []struct {
		name  string
		state func(*State)
		req   func(*ClientRequest)
	}{
		{name: "an allow of higher priority before a deny", state: func(st *State) {
			w.egressRule(st, "allow-443", map[string]any{"priority": 900.0, "allows": []any{map[string]any{"protocol": "tcp", "ports": []any{"443"}}}})
			w.egressRule(st, "deny-all", map[string]any{"denies": denyAll})
		}},
		{name: "a deny of a tag the client does not carry", state: func(st *State) {
			w.egressRule(st, "deny-tagged", map[string]any{"denies": denyAll, "targetTags": []any{"blocked"}})
		}, req: func(r *ClientRequest) { r.Tags = []string{"web"} }},
		{name: "a disabled deny", state: func(st *State) { w.egressRule(st, "deny-all", map[string]any{"denies": denyAll, "disabled": true}) }},
		{name: "a deny of another port and range", state: func(st *State) {
			w.egressRule(st, "deny-80", map[string]any{"denies": []any{map[string]any{"protocol": "tcp", "ports": []any{"80"}}}})
			w.egressRule(st, "deny-range", map[string]any{"denies": denyAll, "destinationRanges": []any{"192.168.0.0/16"}})
			w.egressRule(st, "deny-ingress", map[string]any{"denies": denyAll, "direction": "INGRESS"})
		}},
		{name: "the most specific zone answers", state: func(st *State) {
			put(st, managedZoneToken, "projects/cons-p/managedZones/internal", map[string]any{"dnsName": "internal.", "visibility": "private",
				"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": w.ids["cvpc"]}}}})
			put(st, recordSetToken, "projects/cons-p/managedZones/internal/rrsets/payment-api.internal./A", map[string]any{"name": "payment-api.internal.", "type": "A", "rrdatas": []any{"10.0.0.99"}}, "projects/cons-p/managedZones/internal")
		}},
		{name: "a wildcard record behind a CNAME", state: func(st *State) {
			out(st, "record")["type"], out(st, "record")["rrdatas"] = "CNAME", []any{"lb.payment-api.internal."}
			put(st, recordSetToken, w.ids["zone"]+"/rrsets/*.payment-api.internal./A", map[string]any{"name": "*.payment-api.internal.", "type": "A", "rrdatas": []any{w.ids["ep-ip"]}}, w.ids["zone"])
		}},
		{name: "PSC automatic DNS", state: func(st *State) {
			delete(st.Resources, w.ids["zone"])
			delete(st.Resources, w.ids["record"])
			out(st, "att")["domainNames"] = []any{"payments.example.com."}
		}, req: func(r *ClientRequest) {
			r.URL, r.Insecure, r.Audience = "https://ep.payments.example.com/", true, "https://payment-api.internal"
		}},
		{name: "global access on both sides", state: func(st *State) {
			out(st, "ep")["allowPscGlobalAccess"] = true
			out(st, "rules")["allowGlobalAccess"] = true
		}, req: func(r *ClientRequest) { r.Region, r.SourceIP = otherRegion, "10.1.0.5" }},
		{name: "the client's subnet named, its first address", req: func(r *ClientRequest) { r.Subnet, r.SourceIP = "cvpc-sub", "" }},
		{name: "plain HTTP to the HTTP load balancer", state: set("att", "targetService", selfLinkOf(w.ids["rule"])), req: func(r *ClientRequest) {
			r.URL, r.Audience = "http://payment-api.internal/", "https://payment-api.internal"
		}},
		{name: "a self-signed certificate in the bundle", state: set("cert", "certificate", selfSignedCert), req: func(r *ClientRequest) { r.CABundle = selfSignedCert }},
		{name: "insecure without a bundle", req: func(r *ClientRequest) { r.CABundle, r.Insecure = "", true }},
		{name: "the certificate that names the host, not the first", state: func(st *State) {
			otherCert, _ := issue(t, w.ca, time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC), "reports.internal")
			put(st, sslCertificateToken, "projects/prod-p/regions/europe-west1/sslCertificates/reports", map[string]any{"certificate": otherCert})
			out(st, "proxys")["sslCertificates"] = []any{"projects/prod-p/regions/europe-west1/sslCertificates/reports", selfLinkOf(w.ids["cert"])}
		}},
		{name: "an active Google-managed certificate, default trust", state: func(st *State) {
			put(st, cmCertificateToken, "projects/prod-p/locations/europe-west1/certificates/cm", map[string]any{"managed": map[string]any{"domains": []any{"*.internal"}}})
			out(st, "proxys")["sslCertificates"] = []any{}
			out(st, "proxys")["certificateManagerCertificates"] = []any{"projects/prod-p/locations/europe-west1/certificates/cm"}
		}, req: func(r *ClientRequest) { r.CABundle = "" }},
		{name: "Cloud Armor denies the client's own address, which the producer never sees", state: func(st *State) {
			w.armorPolicy(st, map[string]any{"action": "deny(403)", "priority": 1000.0, "match": srcRanges("10.0.0.50/32")})
		}},
		{name: "Cloud Armor allows before it denies, and a rule in preview is not enforced", state: func(st *State) {
			w.armorPolicy(st,
				map[string]any{"action": "deny(403)", "priority": 2147483647.0, "match": srcRanges("*")},
				map[string]any{"action": "deny(502)", "priority": 10.0, "preview": true, "match": srcRanges("*")},
				map[string]any{"action": "allow", "priority": 100.0, "match": map[string]any{"expr": map[string]any{"expression": "origin.ip == '10.0.2.2' || false"}}})
		}},
		{name: "ingress all", state: set("run", "ingress", "INGRESS_TRAFFIC_ALL")},
		{name: "ingress internal and Cloud Load Balancing", state: set("run", "ingress", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER")},
		{name: "the run.app URL as audience", req: func(r *ClientRequest) { r.Audience = cloudRunURI(w, r) + "/" }},
		{name: "invoker IAM disabled", state: set("run", "invokerIamDisabled", true), req: func(r *ClientRequest) { r.Identity = "" }},
		{name: "allUsers", state: set("invoker", "member", "allUsers"), req: func(r *ClientRequest) { r.Identity = "" }},
		{name: "allAuthenticatedUsers", state: set("invoker", "member", "allAuthenticatedUsers"), req: func(r *ClientRequest) { r.Identity = "user:alice@example.org" }},
		{name: "a user of the granted domain", state: set("invoker", "member", "domain:example.com"), req: func(r *ClientRequest) { r.Identity = "user:alice@example.com" }},
		{name: "a binding of the admin role", state: func(st *State) {
			delete(st.Resources, w.ids["invoker"])
			put(st, cloudRunIamBindingToken, w.ids["run"]+" roles/run.admin", map[string]any{"name": w.ids["run"], "role": "roles/run.admin", "members": []any{"serviceAccount:" + callerSA}})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := w.call(t, tt.state, tt.req, time.Time{})
			if !r.OK() || r.CloudRun != w.ids["run"] {
				t.Fatalf("call = status %d, error %q at %s (%s): %s; want 200", r.Status, r.Error, r.Link, r.Rule, r.Reason)
			}
		})
	}
}

// cloudRunURI is the world's service URL, as the simulator gives it.
func cloudRunURI(w *callWorld, _ *ClientRequest) string {
	return "https://hello-" + runHash(producerProject, "hello") + "-" + regionCode(region) + ".a.run.app"
}

// armorPolicy stores a Cloud Armor policy with rules and sets it on the world's backend service.
func (w *callWorld) armorPolicy(st *State, rules ...map[string]any) {
	id := "projects/prod-p/regions/europe-west1/securityPolicies/armor"
	list := make([]any, len(rules))
	for i, r := range rules {
		list[i] = r
	}
	put(st, securityPolicyToken, id, map[string]any{"type": "CLOUD_ARMOR", "rules": list})
	st.Resources[w.ids["backend"]].Outputs["securityPolicy"] = selfLinkOf(id)
}

func srcRanges(ranges ...string) map[string]any {
	list := make([]any, len(ranges))
	for i, r := range ranges {
		list[i] = r
	}
	return map[string]any{"versionedExpr": "SRC_IPS_V1", "config": map[string]any{"srcIpRanges": list}}
}

// A state the simulator cannot evaluate is an error, never a guess.
func TestCallRefusesToGuess(t *testing.T) {
	t.Parallel()
	w := newCallWorld(t)
	tests := []struct {
		name  string
		state func(*State)
		want  string
	}{
		{"an expression outside the subset", func(st *State) {
			w.armorPolicy(st, map[string]any{"action": "deny(403)", "priority": 1.0, "match": map[string]any{"expr": map[string]any{"expression": "request.headers['x'] == 'y'"}}})
		}, `expression "request.headers['x'] == 'y'" is not in the subset`},
		{"a redirect action", func(st *State) {
			w.armorPolicy(st, map[string]any{"action": "redirect", "priority": 1.0, "match": srcRanges("*")})
		}, `action "redirect" is not emulated`},
		{"a forwarding zone", func(st *State) {
			st.Resources[w.ids["zone"]].Outputs["forwardingConfig"] = map[string]any{"targetNameServers": []any{map[string]any{"ipv4Address": "10.9.9.9"}}}
		}, "a forwarding zone, which the simulator does not emulate"},
		{"two private zones of one name bound to the network", func(st *State) {
			zone := strings.TrimSuffix(w.ids["zone"], "/zone") + "/zone-again"
			put(st, managedZoneToken, zone, map[string]any{"name": "zone-again", "dnsName": "payment-api.internal.", "visibility": "private",
				"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": w.ids["cvpc"]}}}})
			put(st, recordSetToken, zone+"/rrsets/payment-api.internal./A", map[string]any{"managedZone": "zone-again", "name": "payment-api.internal.",
				"type": "A", "rrdatas": []any{"10.9.9.9"}}, zone)
		}, "payment-api.internal. is answered by 2 private zones of that DNS name bound to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := w.snapshot(t)
			tt.state(st)
			_, err := st.Call(w.request(), w.now)
			wantErr(t, err, tt.want)
		})
	}
}

// Every problem of a request is reported at once, each naming its field.
func TestClientRequestValidate(t *testing.T) {
	t.Parallel()
	bad := ClientRequest{Region: "mars-1", SourceIP: "10.0.0", Tags: []string{"Web"}, ServiceAccount: "vm",
		Identity: "caller@p.iam.gserviceaccount.com", NoToken: true, Audience: "x", URL: "ftp://payment-api.internal/", CABundle: "not pem"}
	err := bad.Validate()
	var inv *InvalidRequestError
	if !asInvalid(err, &inv) {
		t.Fatalf("Validate = %v, want an *InvalidRequestError", err)
	}
	want := map[string]string{
		"project": "required", "region": `"mars-1" is not a Google Cloud region`, "sourceIp": "not an IPv4 address",
		"tags[0]": "not a network tag", "serviceAccount": "not a service account email",
		"identity": "is not a principal: write serviceAccount:", "audience": "contradict", "url": "is not an HTTP(S) URL", "caBundle": "holds no PEM certificate",
	}
	got := map[string]string{}
	for _, p := range inv.Problems {
		got[p.Field] = p.Message
	}
	for field, msg := range want {
		if !strings.Contains(got[field], msg) {
			t.Errorf("%s: %q, want it to contain %q", field, got[field], msg)
		}
	}
	if len(got) != len(want) {
		t.Errorf("problems %v, want exactly the fields of %v", got, want)
	}
	for _, tt := range []struct{ identity, url, want string }{
		{"group:team@example.com", "https://a.internal/", "only a serviceAccount: or user: principal"},
		{"serviceAccount:someone@example.com", "https://a.internal/", "not a service account email"},
		{"user:nobody", "https://a.internal/", "not a user's email"},
		{"user:a@b.c", "https://[::1]/", "only IPv4"},
		{"user:a@b.c", "https://a_b.internal/", "is not a DNS name"},
		{"user:a@b.c", "https://u:p@a.internal/", "carries credentials"},
		{"user:a@b.c", "payment-api.internal", "not an HTTP(S) URL"},
	} {
		r := ClientRequest{Project: "p", Region: region, Identity: tt.identity, URL: tt.url}
		wantErr(t, r.Validate(), tt.want)
	}
	ok := ClientRequest{Project: "p", Region: region, Identity: "user:a@b.c", URL: "http://10.0.0.5:8080/x?y=1"}
	if err := ok.Validate(); err != nil {
		t.Errorf("a valid request: %v", err)
	}
	if u, _ := parseCallURL(ok.URL); u.origin() != "http://10.0.0.5:8080" || u.path != "/x?y=1" || u.port != 8080 {
		t.Errorf("parsed %+v, origin %s", u, u.origin())
	}
	if _, err := (&State{Resources: map[string]*Record{}}).Call(bad, time.Now()); !asInvalid(err, &inv) {
		t.Errorf("Call of an invalid request = %v, want the validation error", err)
	}
}

func asInvalid(err error, target **InvalidRequestError) bool {
	e, ok := err.(*InvalidRequestError)
	if ok {
		*target = e
	}
	return ok
}

// Every rule a call can name is a row of docs/gcp-rules.md.
func TestCallRulesAreCatalogued(t *testing.T) {
	t.Parallel()
	catalogue, err := os.ReadFile("../../docs/gcp-rules.md")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("call*.go")
	if err != nil {
		t.Fatal(err)
	}
	cited := regexp.MustCompile(`(?:refuse|answer)\(Link\w+, "([A-Z0-9-]+)"|rule(?: :)?= "([A-Z0-9-]+)"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range cited.FindAllStringSubmatch(string(src), -1) {
			id := m[1] + m[2]
			n++
			if !strings.Contains(string(catalogue), "\n| "+id+" |") {
				t.Errorf("%s cites rule %s, which docs/gcp-rules.md does not list", f, id)
			}
		}
	}
	if n < 20 {
		t.Errorf("found %d rule citations in call*.go; the pattern no longer matches the code", n)
	}
}
