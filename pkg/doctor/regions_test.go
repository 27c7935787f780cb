package doctor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// The two regions of regionsWorld: europe-west1 is the producer's primary region.
var twoRegions = []string{"europe-west1", "us-central1"}

// runName is the Cloud Run service of a region: <name>-run in the primary region, <name>-R-run
// in the others.
func runName(region string) string {
	if region == twoRegions[0] {
		return "pay-run"
	}
	return "pay-" + region + "-run"
}

// regionsWorld is a producer "pay" in two regions behind the cross-region internal load balancer
// (HTTPS, a Certificate Manager certificate, outlier detection on) and a consumer with an
// ACCEPTED endpoint in each region, named by one record with a geolocation policy, with the
// request a client in us-central1 makes.
func regionsWorld(t *testing.T) (producer, consumer *Side, req Request) {
	t.Helper()
	cert, _ := psctest.SelfSignedCert(t, "api.internal")
	res := func(token, id string, out map[string]any) *Resource {
		out["selfLink"] = "https://www.googleapis.com/compute/v1/" + id
		return &Resource{URN: "urn:pulumi:dev::prod::" + token + "::" + chain.NameOf(id), Type: token, ID: id, Custom: true, Outputs: out}
	}
	const g = "projects/p/global/"
	pnet, cnet := "projects/p/global/networks/n", "https://www.googleapis.com/compute/v1/projects/c/global/networks/vpc"
	producer = &Side{Stack: "org/prod/dev", Resources: []*Resource{
		{URN: "urn:comp", Type: chain.ProducerServiceType, Outputs: map[string]any{"hostname": "api.internal", "port": 443.0, "certificatePem": cert,
			"regions": []any{twoRegions[0], twoRegions[1]}}},
		res(chain.TargetHttpsProxyType, g+"targetHttpsProxies/pay-global-proxy", map[string]any{"urlMap": g + "urlMaps/pay-global-urlmap",
			"certificateManagerCertificates": []any{"projects/p/locations/global/certificates/pay-global-cert"}}),
		res(chain.CertificateManagerCertificateType, "projects/p/locations/global/certificates/pay-global-cert", map[string]any{
			"scope": "ALL_REGIONS", "selfManaged": map[string]any{"pemCertificate": cert}}),
		res(chain.URLMapType, g+"urlMaps/pay-global-urlmap", map[string]any{"defaultService": g + "backendServices/pay-global-backend"}),
		res(chain.BackendServiceType, g+"backendServices/pay-global-backend", map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED",
			"outlierDetection": map[string]any{"consecutiveErrors": 5.0},
			"backends": []any{
				map[string]any{"group": "projects/p/regions/" + twoRegions[0] + "/networkEndpointGroups/pay-" + twoRegions[0] + "-neg"},
				map[string]any{"group": "projects/p/regions/" + twoRegions[1] + "/networkEndpointGroups/pay-" + twoRegions[1] + "-neg"}}}),
	}}
	consumer = &Side{Stack: "org/cons/dev", Resources: []*Resource{
		res(chain.NetworkType, "projects/c/global/networks/vpc", map[string]any{"name": "vpc"}),
		res(chain.ManagedZoneType, "projects/c/managedZones/zone", map[string]any{"name": "zone", "dnsName": "api.internal.", "visibility": "private",
			"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": cnet}}}}),
	}}
	var geos []any
	for i, r := range twoRegions {
		pre, cpre := "projects/p/regions/"+r+"/", "projects/c/regions/"+r+"/"
		ep, ip := cpre+"forwardingRules/pay-endpoint", fmt.Sprintf("192.168.%d.5", i)
		producer.Resources = append(producer.Resources,
			res(chain.ServiceAttachmentType, pre+"serviceAttachments/pay-"+r+"-attachment", map[string]any{
				"targetService": g + "forwardingRules/pay-" + r + "-lb-rule", "connectionPreference": "ACCEPT_MANUAL",
				"natSubnets":          []any{pre + "subnetworks/pay-" + r + "-nat-subnet"},
				"consumerAcceptLists": []any{map[string]any{"projectIdOrNum": "c", "connectionLimit": 10.0}},
				"connectedEndpoints":  []any{map[string]any{"endpoint": ep, "status": "ACCEPTED", "pscConnectionId": fmt.Sprint(40 + i)}}}),
			res(chain.SubnetworkType, pre+"subnetworks/pay-"+r+"-nat-subnet", map[string]any{"ipCidrRange": fmt.Sprintf("10.%d.9.0/29", i),
				"purpose": "PRIVATE_SERVICE_CONNECT", "region": r, "network": pnet}),
			res(chain.SubnetworkType, pre+"subnetworks/pay-"+r+"-proxy-subnet", map[string]any{"ipCidrRange": fmt.Sprintf("10.%d.8.0/26", i),
				"purpose": chain.GlobalProxyPurpose, "role": "ACTIVE", "region": r, "network": pnet}),
			res(chain.GlobalForwardingRuleType, g+"forwardingRules/pay-"+r+"-lb-rule", map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED",
				"target": g + "targetHttpsProxies/pay-global-proxy", "network": pnet, "portRange": "443",
				"subnetwork": "https://www.googleapis.com/compute/v1/" + pre + "subnetworks/pay-" + r + "-lb-subnet", "ipAddress": fmt.Sprintf("10.%d.0.5", i)}),
			res(chain.RegionNetworkEndpointGroupType, pre+"networkEndpointGroups/pay-"+r+"-neg", map[string]any{"networkEndpointType": "SERVERLESS",
				"cloudRun": map[string]any{"service": runName(r)}, "region": r}),
			res(chain.CloudRunServiceType, "projects/p/locations/"+r+"/services/"+runName(r), map[string]any{"name": runName(r),
				"ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY", "latestReadyRevision": "rev", "invokerIamDisabled": true,
				"terminalConditions": []any{map[string]any{"type": "Ready", "state": "CONDITION_SUCCEEDED"}}}),
		)
		consumer.Resources = append(consumer.Resources,
			res(chain.SubnetworkType, cpre+"subnetworks/apps", map[string]any{"ipCidrRange": fmt.Sprintf("192.168.%d.0/24", i), "network": cnet, "region": r}),
			res(chain.AddressType, cpre+"addresses/pay-ip", map[string]any{"address": ip, "subnetwork": cpre + "subnetworks/apps"}),
			res(chain.ForwardingRuleType, ep, map[string]any{"ipAddress": ip, "region": r,
				"target": pre + "serviceAttachments/pay-" + r + "-attachment", "network": cnet, "project": "c",
				"pscConnectionStatus": "ACCEPTED", "pscConnectionId": fmt.Sprint(40 + i)}),
		)
		geos = append(geos, map[string]any{"location": r, "rrdatas": []any{ip}})
	}
	consumer.Resources = append(consumer.Resources, res(chain.RecordSetType, "projects/c/managedZones/zone/rrsets/api.internal./A",
		map[string]any{"name": "api.internal.", "type": "A", "managedZone": "zone", "routingPolicy": map[string]any{"geos": geos}}))
	req = Request{URL: "https://api.internal/", Project: "c", Network: "vpc", Region: twoRegions[1], CABundle: cert}
	return producer, consumer, req
}

// inRegion are a report's links of one region's chain.
func inRegion(rep *Report, region string) []Link {
	var out []Link
	for _, l := range rep.Links {
		if l.Region == region {
			out = append(out, l)
		}
	}
	return out
}

// A producer and a consumer in two regions: each region's chain is walked, every link of
// chain.Links once per region in order, from the region's endpoint through its attachment and
// global forwarding rule, the shared global proxy, URL map and backend service, to the region's
// own NEG and Cloud Run service.
func TestWalksEveryRegionsChain(t *testing.T) {
	producer, consumer, _ := regionsWorld(t)
	rep := Diagnose(producer, consumer, time.Now())
	if !rep.Healthy || len(rep.Links) != 2*len(chain.Links) {
		t.Fatalf("healthy %v, %d links; want healthy, %d links: broken %+v", rep.Healthy, len(rep.Links), 2*len(chain.Links), rep.Broken())
	}
	for _, r := range twoRegions {
		links := inRegion(rep, r)
		var names []string
		got := map[string]Link{}
		for _, l := range links {
			names = append(names, l.Name)
			got[l.Name] = l
			if l.Status != OK && l.Status != Skipped {
				t.Errorf("%s %s: %s %+v", r, l.Name, l.Status, l.Problems)
			}
		}
		if !slices.Equal(names, chain.LinkNames()) {
			t.Errorf("%s: links %v, want every link once in order", r, names)
		}
		for link, want := range map[string]string{
			chain.LinkDNS:         "managedZones/zone/rrsets/api.internal./A",
			chain.LinkEndpoint:    "projects/c/regions/" + r + "/forwardingRules/pay-endpoint",
			chain.LinkAttachment:  "projects/p/regions/" + r + "/serviceAttachments/pay-" + r + "-attachment",
			chain.LinkLBRule:      "projects/p/global/forwardingRules/pay-" + r + "-lb-rule",
			chain.LinkProxy:       "projects/p/global/targetHttpsProxies/pay-global-proxy",
			chain.LinkCertificate: "projects/p/global/targetHttpsProxies/pay-global-proxy",
			chain.LinkURLMap:      "projects/p/global/urlMaps/pay-global-urlmap",
			chain.LinkBackend:     "projects/p/global/backendServices/pay-global-backend",
			chain.LinkNEG:         "projects/p/regions/" + r + "/networkEndpointGroups/pay-" + r + "-neg",
			chain.LinkCloudRun:    "projects/p/locations/" + r + "/services/" + runName(r),
		} {
			if l := got[link]; l.Status != OK || !strings.HasSuffix(l.Resource, want) {
				t.Errorf("%s %s: %s at %q (%s), want ok at %s", r, link, l.Status, l.Resource, l.Detail, want)
			}
		}
		if d := got[chain.LinkDNS].Detail; !strings.Contains(d, "for clients in "+r) {
			t.Errorf("%s dns-record: %q, want the geolocation item of the region", r, d)
		}
		if d := got[chain.LinkLBRule].Detail; !strings.Contains(d, "cross-region (global rule in "+r+")") {
			t.Errorf("%s lb-rule: %q", r, d)
		}
		if d := got[chain.LinkBackend].Detail; d != "2 backend(s) in europe-west1, us-central1; this path: "+r {
			t.Errorf("%s backend: %q", r, d)
		}
	}
}

// A break in one region is reported in that region's chain only; the producer alone and a
// consumer with an endpoint in one region are walked in both regions.
func TestOneRegionBroken(t *testing.T) {
	producer, consumer, _ := regionsWorld(t)
	get(producer, "services/"+runName(twoRegions[1])).Gone = true
	get(producer, "subnetworks/pay-"+twoRegions[0]+"-proxy-subnet").Outputs["role"] = "BACKUP"
	rep := Diagnose(producer, consumer, time.Now())
	var broken []string
	for _, l := range rep.Broken() {
		broken = append(broken, l.Region+" "+l.Name)
	}
	if want := []string{"europe-west1 lb-rule", "us-central1 cloud-run"}; !slices.Equal(broken, want) {
		t.Errorf("broken %v, want %v", broken, want)
	}

	// A deleted endpoint's path goes on at the attachment it targeted, not the first one.
	producer, consumer, _ = regionsWorld(t)
	get(consumer, "us-central1/forwardingRules/pay-endpoint").Gone = true
	rep = Diagnose(producer, consumer, time.Now())
	if l := inRegion(rep, twoRegions[1])[5]; l.Name != chain.LinkAttachment || !strings.HasSuffix(l.Resource, "pay-us-central1-attachment") {
		t.Errorf("deleted endpoint in us-central1: attachment link %+v", l)
	}

	// The producer alone: both regions' chains, the consumer's links not read.
	producer, consumer, _ = regionsWorld(t)
	rep = Diagnose(producer, nil, time.Now())
	for _, r := range twoRegions {
		links := inRegion(rep, r)
		if len(links) != len(chain.Links) || links[4].Status != Skipped || links[5].Status != OK || links[len(links)-1].Status != OK {
			t.Errorf("producer alone, %s: %+v", r, links)
		}
	}
	// A consumer with an endpoint in europe-west1 only: us-central1 is walked from its attachment.
	consumer.Resources = slices.DeleteFunc(consumer.Resources, func(r *Resource) bool { return strings.HasPrefix(r.ID, "projects/c/regions/us-central1/") })
	rep = Diagnose(producer, consumer, time.Now())
	for _, l := range inRegion(rep, twoRegions[1]) {
		side := chain.Links[slices.Index(chain.LinkNames(), l.Name)].Side
		if side == chain.Consumer && l.Name != chain.LinkClient && (l.Status != Skipped || l.Detail != notOnPath) ||
			side == chain.Producer && l.Status != OK && l.Status != Skipped {
			t.Errorf("consumer in europe-west1 only, us-central1 %s: %s %q %+v", l.Name, l.Status, l.Detail, l.Problems)
		}
	}
	if !rep.Healthy {
		t.Errorf("consumer in europe-west1 only: broken %+v", rep.Broken())
	}
}

// failovers are a report's path-wide warnings, as link: cause.
func failovers(rep *Report) []string {
	var out []string
	for _, p := range rep.Problems {
		if p.Status != Warning || p.Fix == "" {
			out = append(out, "not a warning with a fix: "+p.Cause)
		}
		out = append(out, p.Link+": "+p.Cause)
	}
	return out
}

// The producer warns when it has no failover: one region (the regional load balancer, or a
// cross-region one with NEGs in one region), outlier detection off, or the regional chain a
// migration keeps; in two regions with outlier detection, it does not.
func TestProducerFailoverWarnings(t *testing.T) {
	two, _, _ := regionsWorld(t)
	if got := failovers(Diagnose(two, nil, time.Now())); len(got) != 0 {
		t.Errorf("two regions with outlier detection: %q, want no warning", got)
	}
	for _, tc := range []struct {
		name   string
		side   func() *Side
		warned string
	}{
		{"one region", func() *Side { return producerSide(t, "api.internal") },
			"backend: no failover: the producer's regional internal load balancer serves from r alone"},
		{"outlier detection off", func() *Side {
			p, _, _ := regionsWorld(t)
			delete(of(p, chain.BackendServiceType).Outputs, "outlierDetection")
			return p
		}, "backend: no failover: the backend service serves from europe-west1, us-central1 without outlier detection"},
		{"cross-region in one region", func() *Side {
			p, _, _ := regionsWorld(t)
			bs := of(p, chain.BackendServiceType)
			bs.Outputs["backends"] = bs.Outputs["backends"].([]any)[:1]
			return p
		}, "backend: no failover: the cross-region backend service has serverless NEGs in europe-west1 only"},
		{"migration", func() *Side {
			p, _, _ := regionsWorld(t)
			p.Resources = append(p.Resources, of(producerSide(t, "api.internal"), chain.RegionBackendServiceType))
			return p
		}, "backend: no failover for the consumers of the regional chain, which the migration keeps beside the cross-region one"},
	} {
		got := failovers(Diagnose(tc.side(), nil, time.Now()))
		if len(got) != 1 || !strings.HasPrefix(got[0], tc.warned) {
			t.Errorf("%s: %q, want one warning %q", tc.name, got, tc.warned)
		}
	}
}

// The consumer warns when its name cannot fail over: a plain A record with endpoints in several
// regions, or a record naming several endpoints none of which Cloud DNS health-checks; not with
// health-checked targets, nor for one region's endpoint.
func TestConsumerFailoverWarnings(t *testing.T) {
	if got := failovers(Diagnose(nil, consumerSide(), time.Now())); len(got) != 0 {
		t.Errorf("one region: %q, want no warning", got)
	}
	for _, tc := range []struct {
		name   string
		record map[string]any // the record's outputs replaced
		warned string         // "" for none
	}{
		{"geolocation, no health check", nil,
			"dns-record: no DNS failover: api.internal. answers with 2 endpoints (192.168.0.5, 192.168.1.5) and Cloud DNS health-checks none of them"},
		{"plain A record", map[string]any{"routingPolicy": nil, "rrdatas": []any{"192.168.0.5"}},
			"dns-record: no failover: api.internal. is a plain A record (192.168.0.5), and the consumer's endpoints are in europe-west1, us-central1: clients of every region resolve to the endpoint in europe-west1"},
		{"health-checked", map[string]any{"routingPolicy": map[string]any{"primaryBackup": map[string]any{
			"primary":    map[string]any{"internalLoadBalancers": []any{map[string]any{"ipAddress": "192.168.0.5"}}},
			"backupGeos": []any{map[string]any{"location": "us-central1", "rrdatas": []any{"192.168.1.5"}}}}}}, ""},
	} {
		_, consumer, _ := regionsWorld(t)
		for k, v := range tc.record {
			of(consumer, chain.RecordSetType).Outputs[k] = v
		}
		got := failovers(Diagnose(nil, consumer, time.Now()))
		if tc.warned == "" && len(got) != 0 || tc.warned != "" && (len(got) != 1 || !strings.HasPrefix(got[0], tc.warned)) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.warned)
		}
	}
}

// The text names each region's chain and the failover warnings; the JSON gives each link its
// region and the warnings as problems with their status.
func TestRegionsOutput(t *testing.T) {
	producer, consumer, _ := regionsWorld(t)
	delete(of(producer, chain.BackendServiceType).Outputs, "outlierDetection")
	rep := Diagnose(producer, consumer, time.Now())
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	for _, want := range []string{"\nregion europe-west1\n  -       client ", "\n\nregion us-central1\n  -       client ",
		"\nfailover (a region's outage)\n  WARN    backend          projects/p/global/backendServices/pay-global-backend\n          cause: no failover",
		"  WARN    dns-record       projects/c/managedZones/zone/rrsets/api.internal./A\n", "healthy: no link checked is broken"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	t.Logf("\n%s", out)
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Links    []map[string]any `json:"links"`
		Problems []map[string]any `json:"problems"`
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Links) != 2*len(chain.Links) || back.Links[0]["region"] != "europe-west1" || back.Links[len(back.Links)-1]["region"] != "us-central1" {
		t.Errorf("JSON links: %d, first %v, last %v", len(back.Links), back.Links[0], back.Links[len(back.Links)-1])
	}
	if len(back.Problems) != 2 || back.Problems[0]["status"] != Warning || back.Problems[0]["link"] != chain.LinkBackend || back.Problems[1]["link"] != chain.LinkDNS {
		t.Errorf("JSON problems: %v", back.Problems)
	}
	// One region: no region on the links, as before.
	p, c := healthyWorld(t)
	if l := Diagnose(p, c, time.Now()).Links[0]; l.Region != "" {
		t.Errorf("one region: link region %q", l.Region)
	}
}

// A call from a client in us-central1 follows its region's chain: the geolocation item of its
// region, its endpoint and attachment, the global forwarding rule of its region, and its
// region's NEG and Cloud Run service.
func TestAskFollowsTheClientsRegion(t *testing.T) {
	producer, consumer, req := regionsWorld(t)
	for _, region := range twoRegions {
		req.Region = region
		a := ask(t, producer, consumer, req, time.Now())
		if !a.OK() {
			t.Fatalf("from %s: %s at %s: %s", region, a.Outcome(), a.Link, a.Cause)
		}
		hops := map[string]string{}
		for _, h := range a.Hops {
			hops[h.Link] = h.Resource
		}
		for link, want := range map[string]string{
			chain.LinkEndpoint:   "projects/c/regions/" + region + "/forwardingRules/pay-endpoint",
			chain.LinkAttachment: "projects/p/regions/" + region + "/serviceAttachments/pay-" + region + "-attachment",
			chain.LinkLBRule:     "projects/p/global/forwardingRules/pay-" + region + "-lb-rule",
			chain.LinkProxy:      "projects/p/global/targetHttpsProxies/pay-global-proxy",
			chain.LinkBackend:    "projects/p/global/backendServices/pay-global-backend",
			chain.LinkNEG:        "projects/p/regions/" + region + "/networkEndpointGroups/pay-" + region + "-neg",
		} {
			if hops[link] != want {
				t.Errorf("from %s: %s at %q, want %s", region, link, hops[link], want)
			}
		}
	}
	// A region the record has no item for: the answer names the item it assumes.
	req.Region = "asia-east1"
	consumer.Resources = append(consumer.Resources, &Resource{URN: "urn:asia", Type: chain.SubnetworkType, ID: "projects/c/regions/asia-east1/subnetworks/apps",
		Custom: true, Outputs: map[string]any{"ipCidrRange": "192.168.7.0/24", "network": "projects/c/global/networks/vpc", "region": "asia-east1"}})
	a := ask(t, producer, consumer, req, time.Now())
	if !slices.ContainsFunc(a.Warnings, func(w Assumption) bool {
		return w.Link == chain.LinkDNS && strings.Contains(w.Assumption, "no item for asia-east1")
	}) {
		t.Errorf("from asia-east1: warnings %+v, want the routing policy's item assumed", a.Warnings)
	}
}
