package doctor

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

const caller = "serviceAccount:caller@c.iam.gserviceaccount.com"

// callWorld is the tutorial's deployment as two stacks hold it: an HTTPS producer in
// europe-west1 whose Cloud Run service grants the caller the invoker role and takes the private
// URL as an audience, and a consumer VPC with an accepted endpoint, its address, an egress rule
// and the private zone api.internal.; with the request that succeeds through it.
func callWorld(t *testing.T) (producer, consumer *Side, req Request) {
	t.Helper()
	cert, _ := psctest.SelfSignedCert(t, "api.internal")
	res := func(token, id string, out map[string]any) *Resource {
		out["selfLink"] = "https://www.googleapis.com/compute/v1/" + id
		return &Resource{URN: "urn:" + id, Type: token, ID: id, Custom: true, Outputs: out}
	}
	const r = "europe-west1"
	pre := "projects/p/regions/" + r + "/"
	cnet := "https://www.googleapis.com/compute/v1/projects/c/global/networks/vpc"
	producer = &Side{Stack: "org/prod/dev", Resources: []*Resource{
		res(chain.ServiceAttachmentType, pre+"serviceAttachments/sa", map[string]any{"targetService": pre + "forwardingRules/lb",
			"connectionPreference": "ACCEPT_MANUAL", "natSubnets": []any{pre + "subnetworks/nat"},
			"consumerAcceptLists": []any{map[string]any{"projectIdOrNum": "c", "connectionLimit": 10.0}},
			"connectedEndpoints":  []any{map[string]any{"endpoint": "projects/c/regions/" + r + "/forwardingRules/ep", "status": "ACCEPTED"}}}),
		res(chain.SubnetworkType, pre+"subnetworks/nat", map[string]any{"ipCidrRange": "10.9.0.0/29", "purpose": "PRIVATE_SERVICE_CONNECT", "region": r}),
		res(chain.SubnetworkType, pre+"subnetworks/proxy", map[string]any{"ipCidrRange": "10.9.1.0/26", "purpose": "REGIONAL_MANAGED_PROXY",
			"role": "ACTIVE", "region": r, "network": "projects/p/global/networks/n"}),
		res(chain.ForwardingRuleType, pre+"forwardingRules/lb", map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED", "portRange": "443",
			"target": pre + "targetHttpsProxies/px", "network": "projects/p/global/networks/n", "region": r, "ipAddress": "10.9.2.5"}),
		res(chain.RegionTargetHttpsProxyType, pre+"targetHttpsProxies/px", map[string]any{"urlMap": pre + "urlMaps/um",
			"sslCertificates": []any{pre + "sslCertificates/cert"}}),
		res(chain.RegionSslCertificateType, pre+"sslCertificates/cert", map[string]any{"certificate": cert}),
		res(chain.RegionUrlMapType, pre+"urlMaps/um", map[string]any{"defaultService": pre + "backendServices/bs"}),
		res(chain.RegionBackendServiceType, pre+"backendServices/bs", map[string]any{"backends": []any{map[string]any{"group": pre + "networkEndpointGroups/neg"}}}),
		res(chain.RegionNetworkEndpointGroupType, pre+"networkEndpointGroups/neg", map[string]any{"networkEndpointType": "SERVERLESS",
			"cloudRun": map[string]any{"service": "run"}, "region": r}),
		res(chain.CloudRunServiceType, "projects/p/locations/"+r+"/services/run", map[string]any{"name": "run", "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY",
			"uri": "https://run-abc-ew.a.run.app", "customAudiences": []any{"https://api.internal"}, "latestReadyRevision": "rev",
			"terminalConditions": []any{map[string]any{"type": "Ready", "state": "CONDITION_SUCCEEDED"}}}),
		res(chain.CloudRunServiceIamMemberType, "projects/p/locations/"+r+"/services/run/roles/run.invoker/"+caller, map[string]any{
			"name": "projects/p/locations/" + r + "/services/run", "role": "roles/run.invoker", "member": caller}),
	}}
	consumer = &Side{Stack: "org/cons/dev", Resources: []*Resource{
		res(chain.NetworkType, "projects/c/global/networks/vpc", map[string]any{"name": "vpc"}),
		res(chain.SubnetworkType, "projects/c/regions/"+r+"/subnetworks/apps", map[string]any{"ipCidrRange": "10.0.0.0/24", "network": cnet, "region": r}),
		res(chain.SubnetworkType, "projects/c/regions/us-central1/subnetworks/apps-us", map[string]any{"ipCidrRange": "10.1.0.0/24", "network": cnet, "region": "us-central1"}),
		res(chain.AddressType, "projects/c/regions/"+r+"/addresses/ip", map[string]any{"address": "10.0.0.5"}),
		res(chain.ForwardingRuleType, "projects/c/regions/"+r+"/forwardingRules/ep", map[string]any{"ipAddress": "10.0.0.5",
			"target": pre + "serviceAttachments/sa", "network": cnet, "project": "c", "region": r, "pscConnectionStatus": "ACCEPTED"}),
		res(chain.ManagedZoneType, "projects/c/managedZones/zone", map[string]any{"name": "zone", "dnsName": "api.internal.", "visibility": "private",
			"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": cnet}}}}),
		res(chain.RecordSetType, "projects/c/managedZones/zone/rrsets/api.internal./A", map[string]any{"name": "api.internal.",
			"type": "A", "managedZone": "zone", "rrdatas": []any{"10.0.0.5"}}),
		res(chain.FirewallType, "projects/c/global/firewalls/egress", map[string]any{"name": "egress", "direction": "EGRESS", "network": cnet,
			"priority": 1000.0, "destinationRanges": []any{"10.0.0.5/32"}, "allows": []any{map[string]any{"protocol": "tcp", "ports": []any{"443"}}}}),
	}}
	req = Request{URL: "https://api.internal/admin/x", Project: "c", Network: "vpc", Region: r, SourceIP: "10.0.0.50", Identity: caller, CABundle: cert}
	return producer, consumer, req
}

// get is the resource of a side with this ID.
func get(s *Side, id string) *Resource {
	for _, r := range s.Resources {
		if r.ID == id || strings.HasSuffix(r.ID, "/"+id) {
			return r
		}
	}
	panic("no " + id)
}

func ask(t *testing.T, p, c *Side, req Request, now time.Time) *Answer {
	t.Helper()
	a, err := Ask(p, c, req, now)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The tutorial's call is answered 200, through every link it crosses in chain.Links order; what
// the stacks do not show (other egress rules and zones, project-level grants are not needed
// here) is named, not taken as proof.
func TestAskSucceeds(t *testing.T) {
	p, c, req := callWorld(t)
	a := ask(t, p, c, req, time.Now())
	if !a.OK() || a.Link != "" {
		t.Fatalf("answer %s at %s: %s", a.Outcome(), a.Link, a.Cause)
	}
	var links []string
	for _, h := range a.Hops {
		links = append(links, h.Link)
	}
	want := []string{chain.LinkClient, chain.LinkDNS, chain.LinkFirewall, chain.LinkEndpointIP, chain.LinkEndpoint, chain.LinkAttachment,
		chain.LinkNAT, chain.LinkLBRule, chain.LinkProxy, chain.LinkCertificate, chain.LinkURLMap, chain.LinkBackend, chain.LinkNEG, chain.LinkCloudRun}
	if !slices.Equal(links, want) {
		t.Errorf("hops %v, want %v", links, want)
	}
	if a.Hops[6].Detail != "the producer sees the call from 10.9.0.2" {
		t.Errorf("nat hop %+v", a.Hops[6])
	}
	var assumed []string
	for _, w := range a.Warnings {
		assumed = append(assumed, w.Link)
	}
	if !slices.Equal(assumed, []string{chain.LinkDNS, chain.LinkFirewall}) {
		t.Errorf("assumptions at %v, want dns-record and egress-firewall: %+v", assumed, a.Warnings)
	}
}

// Each link refuses the call it should, with the status or error, the rule and a fix.
func TestAskRefuses(t *testing.T) {
	cnet := "projects/c/global/networks/vpc"
	for _, tt := range []struct {
		name    string
		change  func(p, c *Side, req *Request) time.Time
		outcome string
		link    string
		rule    string
	}{
		{"source outside the subnets", func(p, c *Side, req *Request) time.Time { req.SourceIP = "10.7.0.1"; return time.Time{} },
			ErrInvalidClient, chain.LinkClient, "CLIENT-NETWORK"},
		{"no zone for the name", func(p, c *Side, req *Request) time.Time { req.URL = "https://api.other/"; return time.Time{} },
			ErrNXDomain, chain.LinkDNS, "DNS-RESOLVE"},
		{"a more specific empty zone", func(p, c *Side, req *Request) time.Time {
			c.Resources = append(c.Resources, &Resource{Type: chain.ManagedZoneType, ID: "projects/c/managedZones/admin", Outputs: map[string]any{
				"name": "admin", "dnsName": "api.internal.", "visibility": "private",
				"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": cnet}}}}})
			get(c, "managedZones/zone").Outputs["dnsName"] = "internal."
			return time.Time{}
		}, ErrNXDomain, chain.LinkDNS, "DNS-RESOLVE"},
		{"egress denied first", func(p, c *Side, req *Request) time.Time {
			c.Resources = append(c.Resources, &Resource{Type: chain.FirewallType, ID: "projects/c/global/firewalls/deny", Outputs: map[string]any{
				"direction": "EGRESS", "network": cnet, "priority": 1000.0, "denies": []any{map[string]any{"protocol": "all"}}}})
			return time.Time{}
		}, ErrTimeout, chain.LinkFirewall, "FW-EGRESS-EVAL"},
		{"an address no endpoint holds", func(p, c *Side, req *Request) time.Time { req.URL = "https://10.0.0.6/"; return time.Time{} },
			ErrTimeout, chain.LinkEndpointIP, "EP-IP"},
		{"another region without global access", func(p, c *Side, req *Request) time.Time {
			req.Region, req.SourceIP = "us-central1", "10.1.0.9"
			return time.Time{}
		}, ErrTimeout, chain.LinkEndpoint, "EP-GLOBAL-ACCESS"},
		{"connection pending", func(p, c *Side, req *Request) time.Time {
			get(c, "forwardingRules/ep").Outputs["pscConnectionStatus"] = "PENDING"
			return time.Time{}
		}, ErrTimeout, chain.LinkEndpoint, "EP-STATUS"},
		{"attachment gone", func(p, c *Side, req *Request) time.Time {
			get(p, "serviceAttachments/sa").Gone = true
			return time.Time{}
		},
			ErrTimeout, chain.LinkAttachment, "SA-CLOSED"},
		{"another port", func(p, c *Side, req *Request) time.Time { req.URL = "https://api.internal:8443/"; return time.Time{} },
			ErrTimeout, chain.LinkLBRule, "FR-PORT-LISTENER"},
		{"plain HTTP to an HTTPS listener", func(p, c *Side, req *Request) time.Time {
			get(p, "forwardingRules/lb").Outputs["portRange"] = "80"
			c.Resources = slices.DeleteFunc(c.Resources, func(r *Resource) bool { return r.Type == chain.FirewallType })
			req.URL = "http://api.internal/"
			return time.Time{}
		}, ErrConnectionReset, chain.LinkProxy, "LB-LISTENER-PROTOCOL"},
		{"expired certificate", func(p, c *Side, req *Request) time.Time { return time.Now().Add(48 * time.Hour) },
			ErrTLS, chain.LinkCertificate, "TLS-VERIFY"},
		{"no CA bundle", func(p, c *Side, req *Request) time.Time { req.CABundle = ""; return time.Time{} },
			ErrTLS, chain.LinkCertificate, "TLS-VERIFY"},
		{"a route answers 404", func(p, c *Side, req *Request) time.Time {
			o := get(p, "urlMaps/um").Outputs
			delete(o, "defaultService")
			o["defaultRouteAction"] = map[string]any{"faultInjectionPolicy": map[string]any{"abort": map[string]any{"httpStatus": 404.0, "percentage": 100.0}}}
			o["hostRules"] = []any{map[string]any{"hosts": []any{"api.internal"}, "pathMatcher": "m"}}
			o["pathMatchers"] = []any{map[string]any{"name": "m", "defaultRouteAction": o["defaultRouteAction"],
				"pathRules": []any{map[string]any{"paths": []any{"/v1/*"}, "service": "projects/p/regions/europe-west1/backendServices/bs"}}}}
			return time.Time{}
		}, "404", chain.LinkURLMap, "URLMAP-MATCH"},
		{"Cloud Armor denies the NAT range", func(p, c *Side, req *Request) time.Time {
			get(p, "backendServices/bs").Outputs["securityPolicy"] = "projects/p/regions/europe-west1/securityPolicies/armor"
			p.Resources = append(p.Resources, &Resource{Type: chain.RegionSecurityPolicyType, ID: "projects/p/regions/europe-west1/securityPolicies/armor",
				Outputs: map[string]any{"rules": []any{map[string]any{"priority": 100.0, "action": "deny(403)",
					"match": map[string]any{"versionedExpr": "SRC_IPS_V1", "config": map[string]any{"srcIpRanges": []any{"10.9.0.0/29"}}}}}}})
			return time.Time{}
		}, "403", chain.LinkSecurityPolicy, "ARMOR-EVAL"},
		{"no backends", func(p, c *Side, req *Request) time.Time {
			get(p, "backendServices/bs").Outputs["backends"] = []any{}
			return time.Time{}
		},
			"503", chain.LinkBackend, "LB-BACKEND-503"},
		{"ingress none", func(p, c *Side, req *Request) time.Time {
			get(p, "services/run").Outputs["ingress"] = "INGRESS_TRAFFIC_NONE"
			return time.Time{}
		}, "404", chain.LinkCloudRun, "RUN-INGRESS-404"},
		{"not ready", func(p, c *Side, req *Request) time.Time {
			get(p, "services/run").Outputs["terminalConditions"] = []any{map[string]any{"type": "Ready", "state": "CONDITION_FAILED"}}
			return time.Time{}
		}, "503", chain.LinkCloudRun, "RUN-NOT-READY"},
		{"no token", func(p, c *Side, req *Request) time.Time { req.NoToken = true; return time.Time{} }, "403", chain.LinkCloudRun, "RUN-IAM-NO-TOKEN"},
		{"another audience", func(p, c *Side, req *Request) time.Time { req.Audience = "https://elsewhere"; return time.Time{} },
			"401", chain.LinkCloudRun, "RUN-IAM-AUDIENCE"},
		{"no grant", func(p, c *Side, req *Request) time.Time { req.Identity = "user:eve@example.com"; return time.Time{} },
			"403", chain.LinkCloudRun, "RUN-IAM-INVOKER"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, c, req := callWorld(t)
			now := tt.change(p, c, &req)
			if now.IsZero() {
				now = time.Now()
			}
			a := ask(t, p, c, req, now)
			if a.Outcome() != tt.outcome || a.Link != tt.link || a.Rule != tt.rule || a.Cause == "" || a.Fix == "" {
				t.Errorf("got %s at %s (%s): %s / %s; want %s at %s (%s)", a.Outcome(), a.Link, a.Rule, a.Cause, a.Fix, tt.outcome, tt.link, tt.rule)
			}
			if last := a.Hops[len(a.Hops)-1]; last.Link != tt.link {
				t.Errorf("last hop %s, want the refusing link %s", last.Link, tt.link)
			}
		})
	}
}

// A grant doctor cannot see is an assumption it names, not a success: with no grant to the
// caller in the producer stack, the answer is 403 and the warning names the project-level grant.
func TestAskNamesWhatItCannotSee(t *testing.T) {
	p, c, req := callWorld(t)
	p.Resources = slices.DeleteFunc(p.Resources, func(r *Resource) bool { return r.Type == chain.CloudRunServiceIamMemberType })
	a := ask(t, p, c, req, time.Now())
	i := slices.IndexFunc(a.Warnings, func(w Assumption) bool { return w.Link == chain.LinkCloudRun })
	if a.Status != 403 || i < 0 || !strings.Contains(a.Warnings[i].Assumption, "no invoker role on project p") ||
		!strings.Contains(a.Warnings[i].Check, "gcloud projects get-iam-policy p") {
		t.Errorf("answer %s, warnings %+v", a.Outcome(), a.Warnings)
	}
	// A single-address Cloud Armor rule: the NAT address decides, and doctor says which it assumed.
	p, c, req = callWorld(t)
	get(p, "backendServices/bs").Outputs["securityPolicy"] = "projects/p/regions/europe-west1/securityPolicies/armor"
	p.Resources = append(p.Resources, &Resource{Type: chain.RegionSecurityPolicyType, ID: "projects/p/regions/europe-west1/securityPolicies/armor",
		Outputs: map[string]any{"rules": []any{map[string]any{"priority": 100.0, "action": "deny(403)",
			"match": map[string]any{"expr": map[string]any{"expression": "origin.ip == '10.9.0.3'"}}}}}})
	a = ask(t, p, c, req, time.Now())
	if !a.OK() || !slices.ContainsFunc(a.Warnings, func(w Assumption) bool {
		return w.Link == chain.LinkSecurityPolicy && strings.Contains(w.Assumption, "got NAT address 10.9.0.2")
	}) {
		t.Errorf("answer %s, warnings %+v", a.Outcome(), a.Warnings)
	}
	// A consumer stack that does not hold the client's VPC: the client's place is assumed.
	p, c, req = callWorld(t)
	c.Resources = slices.DeleteFunc(c.Resources, func(r *Resource) bool { return r.Type == chain.NetworkType || r.Type == chain.SubnetworkType })
	a = ask(t, p, c, req, time.Now())
	if !a.OK() || a.Warnings[0].Link != chain.LinkClient {
		t.Errorf("answer %s, warnings %+v", a.Outcome(), a.Warnings)
	}
}

// Bad values are refused, each naming its flag, all at once.
func TestRequestValidate(t *testing.T) {
	err := Request{URL: "ftp://x/", Region: "mars-1", Identity: "bob", Audience: "a", NoToken: true, SourceIP: "::1", Tags: []string{"A"},
		ServiceAccount: "x@gmail.com", CABundle: "junk"}.Validate()
	var re *RequestError
	if !errors.As(err, &re) {
		t.Fatalf("Validate = %v", err)
	}
	var flags []string
	for _, p := range re.Problems {
		flags = append(flags, p.Flag)
	}
	want := []string{"--request", "--project", "--region", "--source-ip", "--tags", "--service-account", "--identity", "--audience", "--cacert"}
	if !slices.Equal(flags, want) {
		t.Errorf("flags %v, want %v (%v)", flags, want, err)
	}
	if err := (Request{URL: "https://a/", Project: "c", Region: "europe-west1", Identity: "serviceAccount:bad", Impersonated: true}).Validate(); err == nil ||
		!strings.Contains(err.Error(), "--impersonate-service-account: \"bad\" is not a service account email") {
		t.Errorf("impersonated: %v", err)
	}
	for _, u := range []string{"https://user:pw@a/", "http://", "https://a:99999/", "https://[::1]/", "https://a_b/", "mailto:x@y"} {
		if err := (Request{URL: u, Project: "c", Region: "europe-west1"}).Validate(); err == nil || !strings.HasPrefix(err.Error(), "invalid request: --request:") {
			t.Errorf("URL %q: %v", u, err)
		}
	}
	if _, err := Ask(nil, nil, Request{URL: "https://a/", Project: "c", Region: "europe-west1"}, time.Now()); err == nil {
		t.Error("Ask without stacks: no error")
	}
}

// The text lists every link of chain.Links once, the refusing one with its cause, rule and fix,
// each assumption under its link, and the verdict; JSON carries the same answer.
func TestAnswerOutput(t *testing.T) {
	p, c, req := callWorld(t)
	req.Identity = "user:eve@example.com"
	a := ask(t, p, c, req, time.Now())
	var text bytes.Buffer
	if err := a.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	listed := map[string]int{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") {
			listed[f[1]]++
		}
	}
	for _, l := range chain.Links {
		if listed[l.Name] != 1 {
			t.Errorf("link %s listed %d times:\n%s", l.Name, listed[l.Name], out)
		}
	}
	if len(listed) != len(chain.Links) {
		t.Errorf("lines for %v, want the links of chain.Links", listed)
	}
	for _, w := range []string{"REFUSED cloud-run", "rule:  RUN-IAM-INVOKER", "WARN assumes: user:eve@example.com holds no invoker role on project p",
		"answer: 403, refused at cloud-run (RUN-IAM-INVOKER)", "-       security-policy  no Cloud Armor policy on the backend service"} {
		if !strings.Contains(out, w) {
			t.Errorf("text lacks %q:\n%s", w, out)
		}
	}
	var js bytes.Buffer
	if err := a.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Answer
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Status != 403 || back.Rule != "RUN-IAM-INVOKER" || back.Request.CABundle != "" {
		t.Errorf("JSON %s: %v", js.String(), err)
	}
}

// The stack keeps a RegionSslCertificate's PEM secret: doctor reads the certificate from the
// ProducerService's certificatePem output when the component made it, and otherwise knows only
// its expiry, assuming the rest and saying so.
func TestAskSecretCertificate(t *testing.T) {
	other, _ := psctest.SelfSignedCert(t, "api.internal")
	secret := func(p *Side, child bool) {
		c := get(p, "sslCertificates/cert")
		c.Outputs["certificate"] = "[secret]"
		c.Outputs["expireTime"] = time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		if child {
			c.URN = "urn:pulumi:dev::prod::" + chain.ProducerServiceType + "$" + chain.RegionSslCertificateType + "::api-cert"
		}
	}
	// The component's output: the client's other CA does not trust it.
	p, c, req := callWorld(t)
	cert := get(p, "sslCertificates/cert")
	p.Resources = append(p.Resources, &Resource{URN: "urn:pulumi:dev::prod::" + chain.ProducerServiceType + "::api", Type: chain.ProducerServiceType,
		Outputs: map[string]any{"certificatePem": cert.Outputs["certificate"]}})
	secret(p, true)
	req.CABundle = other
	if a := ask(t, p, c, req, time.Now()); a.Error != ErrTLS || a.Rule != "TLS-VERIFY" || !strings.Contains(a.Cause, "does not chain") {
		t.Errorf("component's certificate: %s (%s) %s", a.Outcome(), a.Rule, a.Cause)
	}
	// No component: assumed, and said; expired by its expireTime: refused.
	p, c, req = callWorld(t)
	secret(p, false)
	req.CABundle = other
	a := ask(t, p, c, req, time.Now())
	if !a.OK() || !slices.ContainsFunc(a.Warnings, func(w Assumption) bool {
		return w.Link == chain.LinkCertificate && strings.Contains(w.Assumption, "keeps secret")
	}) {
		t.Errorf("secret certificate: %s, warnings %+v", a.Outcome(), a.Warnings)
	}
	if a := ask(t, p, c, req, time.Now().Add(2*time.Hour)); a.Error != ErrTLS || !strings.Contains(a.Cause, "expired") {
		t.Errorf("expired secret certificate: %s %s", a.Outcome(), a.Cause)
	}
}

// A region output written as a self link names the same region.
func TestAskRegionSelfLink(t *testing.T) {
	p, c, req := callWorld(t)
	get(c, "forwardingRules/ep").Outputs["region"] = "https://www.googleapis.com/compute/v1/projects/c/regions/europe-west1"
	get(p, "forwardingRules/lb").Outputs["region"] = "https://www.googleapis.com/compute/v1/projects/p/regions/europe-west1"
	if a := ask(t, p, c, req, time.Now()); !a.OK() {
		t.Errorf("answer %s at %s: %s", a.Outcome(), a.Link, a.Cause)
	}
}
