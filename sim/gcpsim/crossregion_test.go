package gcpsim

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// crossWorld is a producer in two regions behind the cross-region internal Application Load
// Balancer (per region: a load balancer subnet, a GLOBAL_MANAGED_PROXY subnet, a NAT subnet, a
// Cloud Run service and its serverless NEG, a global forwarding rule and a service attachment;
// one global backend service with outlier detection, URL map and HTTP proxy), and a consumer VPC
// with an accepted endpoint in each region.
type crossWorld struct {
	prod, cons *harness
	ids        map[string]string // by role, "<role>/<region>" for the per-region ones
}

var crossRegions = []string{region, otherRegion}

func newCrossWorld(t *testing.T) *crossWorld {
	t.Helper()
	prod := newHarness(t, producerProject)
	w := &crossWorld{prod: prod, ids: map[string]string{}}
	w.ids["network"], _ = prod.mustCreate(networkToken, "vpc", map[string]any{"name": "vpc", "autoCreateSubnetworks": false})
	var backends []any
	for i, r := range crossRegions {
		n := string(rune('0' + i))
		w.ids["lb/"+r], _ = prod.mustCreate(subnetworkToken, "lb-"+r, map[string]any{"name": "lb", "region": r, "network": w.ids["network"], "ipCidrRange": "10." + n + ".0.0/24"})
		w.ids["proxy-only/"+r], _ = prod.mustCreate(subnetworkToken, "proxy-"+r, map[string]any{"name": "proxy-only", "region": r, "network": w.ids["network"],
			"ipCidrRange": "10." + n + ".1.0/26", "purpose": purposeGlobalProxyOnly, "role": "ACTIVE"})
		w.ids["nat/"+r], _ = prod.mustCreate(subnetworkToken, "nat-"+r, map[string]any{"name": "nat", "region": r, "network": w.ids["network"], "ipCidrRange": "10." + n + ".2.0/29", "purpose": purposePSC})
		w.ids["run/"+r], _ = prod.mustCreate(cloudRunServiceToken, "run-"+r, map[string]any{"name": "hello", "location": r, "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY",
			"deletionProtection": false, "invokerIamDisabled": true,
			"template": map[string]any{"containers": []any{map[string]any{"image": "us-docker.pkg.dev/cloudrun/container/hello"}}}})
		w.ids["neg/"+r], _ = prod.mustCreate(negToken, "neg-"+r, map[string]any{"name": "neg", "region": r, "cloudRun": map[string]any{"service": "hello"}})
		backends = append(backends, map[string]any{"group": selfLinkOf(w.ids["neg/"+r])})
	}
	w.ids["backend"], _ = prod.mustCreate(globalBackendServiceToken, "bs", map[string]any{"name": "bs", "loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP",
		"backends": backends, "outlierDetection": map[string]any{"consecutiveErrors": 5.0}})
	w.ids["urlmap"], _ = prod.mustCreate(globalURLMapToken, "um", map[string]any{"name": "um", "defaultService": w.ids["backend"]})
	w.ids["proxy"], _ = prod.mustCreate(globalHTTPProxyToken, "px", map[string]any{"name": "px", "urlMap": w.ids["urlmap"]})
	w.cons = attach(t, prod.dir, consumerProject)
	w.ids["cvpc"], _ = w.cons.mustCreate(networkToken, "cvpc", map[string]any{"name": "cvpc", "autoCreateSubnetworks": false})
	for i, r := range crossRegions {
		n := string(rune('0' + i))
		w.ids["rule/"+r], _ = prod.mustCreate(globalForwardingRuleToken, "fr-"+r, map[string]any{"name": "fr-" + r, "loadBalancingScheme": "INTERNAL_MANAGED",
			"portRange": "80", "network": w.ids["network"], "subnetwork": selfLinkOf(w.ids["lb/"+r]), "target": selfLinkOf(w.ids["proxy"])})
		w.ids["att/"+r], _ = prod.mustCreate(serviceAttachmentToken, "att-"+r, attachmentInputs(map[string]string{"rule": selfLinkOf(w.ids["rule/"+r]), "nat": w.ids["nat/"+r]},
			map[string]any{"region": r}))
		w.ids["csub/"+r], _ = w.cons.mustCreate(subnetworkToken, "csub-"+r, map[string]any{"name": "csub", "region": r, "network": w.ids["cvpc"], "ipCidrRange": "10." + n + ".0.0/24"})
		addr, _ := w.cons.mustCreate(addressToken, "ep-ip-"+r, map[string]any{"name": "ep-ip", "region": r, "addressType": "INTERNAL", "subnetwork": w.ids["csub/"+r]})
		var ep obj
		w.ids["ep/"+r], ep = w.cons.mustCreate(forwardingRuleToken, "ep-"+r, map[string]any{"name": "ep", "region": r, "loadBalancingScheme": "",
			"target": selfLinkOf(w.ids["att/"+r]), "network": w.ids["cvpc"], "ipAddress": selfLinkOf(addr)})
		if ep.str("pscConnectionStatus") != StatusAccepted {
			t.Fatalf("endpoint in %s is %s, want ACCEPTED", r, ep.str("pscConnectionStatus"))
		}
		w.ids["ep-ip/"+r] = ep.str("ipAddress")
	}
	return w
}

// call is a client in region r calling that region's endpoint by address, on a copy of the
// state changed by state (if any).
func (w *crossWorld) call(t *testing.T, r string, state func(*State)) CallResult {
	t.Helper()
	return w.callPath(t, r, "/", state)
}

func down(t *testing.T, r string, o Outage) func(*State) {
	return func(st *State) {
		if err := st.SetOutage(r, o); err != nil {
			t.Fatal(err)
		}
	}
}

// The drill, link by link as Google documents the cross-region internal ALB with Cloud Run
// (XLB-FAILOVER, SIM-OUTAGE): each region's endpoint is served by its own region; with Cloud Run
// down in one region, outlier detection sends its calls to the other region, and without outlier
// detection they get 503; brought back, the region serves its calls again; with the region's
// proxies down, its endpoint is not answered while the other region's still is.
func TestCrossRegionFailover(t *testing.T) {
	t.Parallel()
	w := newCrossWorld(t)
	for _, r := range crossRegions {
		if res := w.call(t, r, nil); !res.OK() || res.ServedRegion != r || res.CloudRun != w.ids["run/"+r] {
			t.Errorf("call from %s = %+v, want 200 served in %s", r, res, r)
		}
	}
	failover := w.call(t, region, down(t, region, Outage{CloudRun: true}))
	if !failover.OK() || failover.ServedRegion != otherRegion || failover.CloudRun != w.ids["run/"+otherRegion] {
		t.Fatalf("Cloud Run down in %s with outlier detection: %+v, want 200 served in %s", region, failover, otherRegion)
	}
	var negHops []string
	for _, h := range failover.Hops {
		if h.Link == LinkNEG {
			negHops = append(negHops, h.Resource+": "+h.Detail)
		}
	}
	if len(negHops) != 2 || !strings.Contains(negHops[0], w.ids["neg/"+region]) || !strings.Contains(negHops[1], "failover") {
		t.Errorf("NEG hops %q, want the local NEG then the failover NEG", negHops)
	}
	noOutlier := w.call(t, region, func(st *State) {
		down(t, region, Outage{CloudRun: true})(st)
		delete(st.Resources[w.ids["backend"]].Outputs, "outlierDetection")
	})
	if noOutlier.Status != 503 || noOutlier.Rule != "SIM-OUTAGE" || noOutlier.ServedRegion != region {
		t.Errorf("Cloud Run down in %s without outlier detection: %+v, want 503 (SIM-OUTAGE) from %s", region, noOutlier, region)
	}
	both := w.call(t, region, func(st *State) {
		down(t, region, Outage{CloudRun: true})(st)
		down(t, otherRegion, Outage{CloudRun: true})(st)
	})
	if both.Status != 503 || both.Rule != "XLB-FAILOVER" {
		t.Errorf("Cloud Run down in both regions: %+v, want 503 (XLB-FAILOVER)", both)
	}
	back := w.call(t, region, func(st *State) {
		down(t, region, Outage{CloudRun: true})(st)
		down(t, region, Outage{})(st)
	})
	if !back.OK() || back.ServedRegion != region {
		t.Errorf("region back: %+v, want 200 served in %s", back, region)
	}
	proxiesDown := down(t, region, Outage{Proxies: true})
	if res := w.call(t, region, proxiesDown); res.Error != ErrTimeout || res.Link != LinkForwardingRule || res.Rule != "SIM-OUTAGE" {
		t.Errorf("proxies down in %s, call from there: %+v, want a timeout at the lb-rule (SIM-OUTAGE)", region, res)
	}
	if res := w.call(t, otherRegion, proxiesDown); !res.OK() || res.ServedRegion != otherRegion {
		t.Errorf("proxies down in %s, call from %s: %+v, want 200 served in %s", region, otherRegion, res, otherRegion)
	}
}

// An outage is kept in the shared state and cleared by the zero Outage; a region that is not one
// is refused.
func TestOutageState(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	if err := h.sim.Store().SetOutage(region, Outage{Proxies: true}); err != nil {
		t.Fatal(err)
	}
	if got := h.snapshot().OutageOf(region); got != (Outage{Proxies: true}) {
		t.Errorf("outage of %s = %+v after SetOutage", region, got)
	}
	if err := h.sim.Store().SetOutage(region, Outage{}); err != nil {
		t.Fatal(err)
	}
	if got := h.snapshot().DownRegions(); len(got) != 0 {
		t.Errorf("regions down after clearing = %v", got)
	}
	wantErr(t, h.sim.Store().SetOutage("europe-west1-b", Outage{CloudRun: true}), `"europe-west1-b" is not a Google Cloud region`)
}

// The API's refusals of the cross-region load balancer's resources (XLB-*, SA-GLOBAL-TARGET,
// BS-SERVERLESS-*, GEN-IN-USE), each with the message the API gives.
func TestCrossRegionRules(t *testing.T) {
	t.Parallel()
	w := newCrossWorld(t)
	h := w.prod
	negs := []any{map[string]any{"group": selfLinkOf(w.ids["neg/"+region])}}
	bs := map[string]any{"name": "bs2", "loadBalancingScheme": "INTERNAL_MANAGED", "backends": negs}
	create := func(token string, in map[string]any) error {
		t.Helper()
		_, _, err := h.create(token, "x", in)
		return err
	}
	h.mustCreate(negToken, "neg2", map[string]any{"name": "neg2", "region": region, "cloudRun": map[string]any{"service": "hello"}})
	h.mustCreate(backendServiceToken, "rbs", map[string]any{"name": "rbs", "region": region, "loadBalancingScheme": "INTERNAL_MANAGED", "backends": []any{map[string]any{"group": "neg2"}}})
	tests := []struct {
		name, token string
		in          map[string]any
		want        string
	}{
		{"EXTERNAL backend service", globalBackendServiceToken, with(bs, "loadBalancingScheme", nil), "only INTERNAL_MANAGED global backend services"},
		{"Cloud Armor", globalBackendServiceToken, with(bs, "securityPolicy", "edge"), "Cloud Armor security policies are not supported by the cross-region internal Application Load Balancer"},
		{"two NEGs of one region", globalBackendServiceToken, with(bs, "backends", append(negs, map[string]any{"group": "projects/prod-p/regions/" + region + "/networkEndpointGroups/neg2"})),
			"only one serverless network endpoint group per region"},
		{"health check", globalBackendServiceToken, with(bs, "healthChecks", []any{"projects/prod-p/global/healthChecks/hc"}), "cannot have a healthcheck with Serverless network endpoint group backends"},
		{"capacity", globalBackendServiceToken, with(bs, "backends", []any{map[string]any{"group": selfLinkOf(w.ids["neg/"+region]), "capacityScaler": 0.5}}),
			"Balancing mode and capacity settings are not supported"},
		{"regional backend service in a global URL map", globalURLMapToken, map[string]any{"name": "um2", "defaultService": "projects/prod-p/regions/" + region + "/backendServices/rbs"},
			"a global URL map can only use global backend services"},
		{"global SSL certificate", globalHTTPSProxyToken, map[string]any{"name": "pxs", "urlMap": w.ids["urlmap"], "sslCertificates": []any{"projects/prod-p/global/sslCertificates/c"}},
			"global SSL certificates are not emulated"},
		{"regional Certificate Manager certificate", globalHTTPSProxyToken, map[string]any{"name": "pxs", "urlMap": w.ids["urlmap"],
			"certificateManagerCertificates": []any{"projects/prod-p/locations/" + region + "/certificates/c"}}, "must be a global Certificate Manager certificate"},
		{"regional proxy", globalForwardingRuleToken, map[string]any{"name": "fr2", "loadBalancingScheme": "INTERNAL_MANAGED", "portRange": "80", "network": w.ids["network"],
			"subnetwork": selfLinkOf(w.ids["lb/"+region]), "target": "projects/prod-p/regions/" + region + "/targetHttpProxies/px"}, "must be a global target HTTP(S) proxy"},
		{"attachment of another region", serviceAttachmentToken, attachmentInputs(map[string]string{"rule": selfLinkOf(w.ids["rule/"+region]), "nat": w.ids["nat/"+otherRegion]},
			map[string]any{"name": "att2", "region": otherRegion}), "The global forwarding rule's subnetwork is in region '" + region + "'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantErr(t, create(tt.token, tt.in), tt.want) })
	}
	// XLB-PROXY-ONLY: a region with a REGIONAL_MANAGED_PROXY subnet only does not serve a global rule.
	lb3, _ := h.mustCreate(subnetworkToken, "lb3", map[string]any{"name": "lb3", "region": "europe-west4", "network": w.ids["network"], "ipCidrRange": "10.5.0.0/24"})
	h.mustCreate(subnetworkToken, "rp3", map[string]any{"name": "rp3", "region": "europe-west4", "network": w.ids["network"], "ipCidrRange": "10.5.1.0/26",
		"purpose": purposeProxyOnly, "role": "ACTIVE"})
	wantErr(t, create(globalForwardingRuleToken, map[string]any{"name": "fr3", "loadBalancingScheme": "INTERNAL_MANAGED", "portRange": "80", "network": w.ids["network"],
		"subnetwork": selfLinkOf(lb3), "target": selfLinkOf(w.ids["proxy"])}),
		"An active proxy-only subnetwork (purpose GLOBAL_MANAGED_PROXY, role ACTIVE) is required in region 'europe-west4'")
	// XLB-CERTS: a certificate of scope DEFAULT does not serve the cross-region load balancer.
	cert, _ := h.mustCreate(cmCertificateToken, "cert", map[string]any{"name": "cert", "selfManaged": map[string]any{"pemCertificate": "x", "pemPrivateKey": "y"}})
	pxs, _ := h.mustCreate(globalHTTPSProxyToken, "pxs", map[string]any{"name": "pxs", "urlMap": w.ids["urlmap"], "certificateManagerCertificates": []any{cert}})
	wantErr(t, create(globalForwardingRuleToken, map[string]any{"name": "fr4", "loadBalancingScheme": "INTERNAL_MANAGED", "portRange": "443", "network": w.ids["network"],
		"subnetwork": selfLinkOf(w.ids["lb/"+region]), "target": selfLinkOf(pxs)}), "has scope DEFAULT; the cross-region internal Application Load Balancer serves only certificates of scope ALL_REGIONS")
	// XLB-RULE at plan: the provider requires target.
	_, failures := h.check(globalForwardingRuleToken, "fr5", map[string]any{"name": "fr5"})
	wantFailure(t, failures, "target", "target")
	// GEN-IN-USE: the global chain is deleted from the rules down.
	wantErr(t, h.del(globalBackendServiceToken, w.ids["backend"]), "is already being used by")
	wantErr(t, h.del(globalForwardingRuleToken, w.ids["rule/"+region]), "is already being used by")
	wantErr(t, h.del(subnetworkToken, w.ids["lb/"+region]), "is already being used by")
}

// A geo routing policy answers a client with the item of its region, else the nearest (the same
// geography), and health-checked internal load balancers answer only while they are up (DNS-GEO).
func TestGeoDNS(t *testing.T) {
	t.Parallel()
	w := newCrossWorld(t)
	h := w.prod
	h.mustCreate(subnetworkToken, "client-ew4", map[string]any{"name": "client", "region": "europe-west4", "network": w.ids["network"], "ipCidrRange": "10.6.0.0/24"})
	h.mustCreate(managedZoneToken, "zone", map[string]any{"name": "zone", "dnsName": "svc.internal.", "visibility": "private",
		"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": w.ids["network"]}}}})
	ip := func(r string) string {
		_, out := h.read(globalForwardingRuleToken, w.ids["rule/"+r])
		return out.str("ipAddress")
	}
	var plain, checked []any
	for _, r := range crossRegions {
		plain = append(plain, map[string]any{"location": r, "rrdatas": []any{ip(r)}})
		checked = append(checked, map[string]any{"location": r, "healthCheckedTargets": map[string]any{"internalLoadBalancers": []any{map[string]any{
			"loadBalancerType": "globalL7ilb", "ipAddress": ip(r), "port": "80", "ipProtocol": "tcp", "networkUrl": w.ids["network"], "project": producerProject}}}})
	}
	h.mustCreate(recordSetToken, "plain", map[string]any{"managedZone": "zone", "name": "plain.svc.internal.", "type": "A", "routingPolicy": map[string]any{"geos": plain}})
	h.mustCreate(recordSetToken, "checked", map[string]any{"managedZone": "zone", "name": "checked.svc.internal.", "type": "A", "routingPolicy": map[string]any{"geos": checked}})
	resolve := func(host, client string, state func(*State)) string {
		t.Helper()
		st := h.snapshot()
		if state != nil {
			state(st)
		}
		res, err := st.Call(ClientRequest{Project: producerProject, Network: "vpc", Region: client, URL: "http://" + host + "/"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return res.Destination
	}
	for _, tt := range []struct{ host, client, want string }{
		{"plain.svc.internal", region, ip(region)},
		{"plain.svc.internal", otherRegion, ip(otherRegion)},
		{"plain.svc.internal", "europe-west4", ip(region)},
		{"checked.svc.internal", otherRegion, ip(otherRegion)},
	} {
		if got := resolve(tt.host, tt.client, nil); got != tt.want {
			t.Errorf("%s from %s resolves to %q, want %q", tt.host, tt.client, got, tt.want)
		}
	}
	if got := resolve("checked.svc.internal", otherRegion, down(t, otherRegion, Outage{Proxies: true})); got != ip(region) {
		t.Errorf("with the proxies of %s down, checked.svc.internal from there resolves to %q, want the next nearest %q", otherRegion, got, ip(region))
	}
	if got := resolve("plain.svc.internal", otherRegion, down(t, otherRegion, Outage{Proxies: true})); got != ip(otherRegion) {
		t.Errorf("a geo item without health checks answers whatever is down: got %q, want %q", got, ip(otherRegion))
	}
}

// XLB-SSL-POLICY: the cross-region load balancer's global HTTPS proxy takes a global SSL policy,
// resolved as the provider sends it (a regional link by its name in global scope), which must
// exist and is held by the proxy.
func TestCrossRegionSSLPolicy(t *testing.T) {
	t.Parallel()
	w := newCrossWorld(t)
	h := w.prod
	cert, _ := h.mustCreate(cmCertificateToken, "cert", map[string]any{"name": "cert", "scope": "ALL_REGIONS",
		"selfManaged": map[string]any{"pemCertificate": "x", "pemPrivateKey": "y"}})
	_, failures := h.check(globalSSLPolicyToken, "bad", map[string]any{"name": "bad", "minTlsVersion": "TLS_1_3"})
	wantFailure(t, failures, "minTlsVersion", "expected minTlsVersion to be one of")
	_, _, err := h.create(globalSSLPolicyToken, "custom", map[string]any{"name": "custom", "profile": "CUSTOM"})
	wantErr(t, err, "customFeatures is required when profile is CUSTOM")
	pol, out := h.mustCreate(globalSSLPolicyToken, "pol", map[string]any{"name": "tls12", "profile": "RESTRICTED", "minTlsVersion": "TLS_1_2"})
	if pol != "projects/"+producerProject+"/global/sslPolicies/tls12" || out.str("selfLink") != computeBase+pol || len(out.list("enabledFeatures")) == 0 {
		t.Fatalf("global SSL policy %s = %v, want global with its profile's features", pol, out)
	}
	proxy := func(name string, policy any) error {
		_, _, err := h.create(globalHTTPSProxyToken, name, map[string]any{"name": name, "urlMap": w.ids["urlmap"],
			"certificateManagerCertificates": []any{cert}, "sslPolicy": policy})
		return err
	}
	for i, ref := range []string{"tls12", pol, computeBase + pol,
		// The provider sends a regional link to a global proxy as the global policy of its name.
		"projects/" + producerProject + "/regions/" + region + "/sslPolicies/tls12"} {
		if err := proxy(fmt.Sprintf("pxs%d", i), ref); err != nil {
			t.Errorf("sslPolicy %q: %v", ref, err)
		}
	}
	wantErr(t, proxy("pxs-missing", "tls13"), "The resource 'projects/"+producerProject+"/global/sslPolicies/tls13' was not found")
	// A regional policy of the name does not serve a global proxy.
	h.mustCreate(sslPolicyToken, "rpol", map[string]any{"name": "regional-only", "region": region})
	wantErr(t, proxy("pxs-regional", "projects/"+producerProject+"/regions/"+region+"/sslPolicies/regional-only"),
		"The resource 'projects/"+producerProject+"/global/sslPolicies/regional-only' was not found")
	wantErr(t, h.del(globalSSLPolicyToken, pol), "is already being used by")
}
