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
)

// chainsWorld is a producer stack with a ProducerService per name (HTTP, in europe-west1, each its own
// attachment, load balancer and Cloud Run service) and a consumer stack with, per name, a
// ConsumerEndpoint targeting that producer's attachment and a DnsBinding for <name>.internal
// answering its IP: every child parented by its component, as the engine reads them.
func chainsWorld(names ...string) (producer, consumer *Side) {
	producer, consumer = &Side{Stack: "org/prod/dev"}, &Side{Stack: "org/cons/dev"}
	comp := func(side *Side, token, name string, out map[string]any) string {
		urn := "urn:pulumi:dev::x::" + token + "::" + name
		side.Resources = append(side.Resources, &Resource{URN: urn, Type: token, Outputs: out})
		return urn
	}
	child := func(side *Side, parent, token, id string, out map[string]any) {
		out["selfLink"] = "https://www.googleapis.com/compute/v1/" + id
		side.Resources = append(side.Resources, &Resource{URN: "urn:pulumi:dev::x::" + token + "::" + chain.NameOf(id), Type: token, ID: id,
			Custom: true, Outputs: out, Parent: parent})
	}
	const pre, cpre = "projects/p/regions/europe-west1/", "projects/c/regions/europe-west1/"
	cnet := "projects/c/global/networks/vpc"
	consumer.Resources = append(consumer.Resources, &Resource{URN: "urn:vpc", Type: chain.NetworkType, ID: cnet, Custom: true,
		Outputs: map[string]any{"name": "vpc"}}, &Resource{URN: "urn:apps", Type: chain.SubnetworkType, ID: cpre + "subnetworks/apps", Custom: true,
		Outputs: map[string]any{"name": "apps", "ipCidrRange": "192.168.0.0/24", "network": cnet, "region": "europe-west1"}})
	for i, n := range names {
		p := comp(producer, chain.ProducerServiceType, n, map[string]any{"hostname": n + ".internal", "port": 80.0})
		sa, ep, ip := pre+"serviceAttachments/"+n+"-sa", cpre+"forwardingRules/"+n+"-ep", fmt.Sprintf("192.168.0.%d", 10+i)
		child(producer, p, chain.ServiceAttachmentType, sa, map[string]any{"targetService": pre + "forwardingRules/" + n + "-lb",
			"connectionPreference": "ACCEPT_AUTOMATIC", "natSubnets": []any{pre + "subnetworks/" + n + "-nat"},
			"connectedEndpoints": []any{map[string]any{"endpoint": ep, "status": "ACCEPTED", "pscConnectionId": fmt.Sprint(i + 1)}}})
		child(producer, p, chain.SubnetworkType, pre+"subnetworks/"+n+"-nat", map[string]any{"ipCidrRange": fmt.Sprintf("10.%d.0.0/29", i),
			"purpose": "PRIVATE_SERVICE_CONNECT"})
		child(producer, p, chain.ForwardingRuleType, pre+"forwardingRules/"+n+"-lb", map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED",
			"target": pre + "targetHttpProxies/" + n + "-px", "network": "projects/p/global/networks/n", "region": "europe-west1",
			"portRange": "80", "ipAddress": fmt.Sprintf("10.%d.1.5", i)})
		child(producer, p, chain.RegionTargetHttpProxyType, pre+"targetHttpProxies/"+n+"-px", map[string]any{"urlMap": pre + "urlMaps/" + n + "-um"})
		child(producer, p, chain.RegionUrlMapType, pre+"urlMaps/"+n+"-um", map[string]any{"defaultService": pre + "backendServices/" + n + "-bs"})
		child(producer, p, chain.RegionBackendServiceType, pre+"backendServices/"+n+"-bs", map[string]any{
			"backends": []any{map[string]any{"group": pre + "networkEndpointGroups/" + n + "-neg"}}})
		child(producer, p, chain.RegionNetworkEndpointGroupType, pre+"networkEndpointGroups/"+n+"-neg", map[string]any{
			"networkEndpointType": "SERVERLESS", "cloudRun": map[string]any{"service": n + "-run"}})
		child(producer, p, chain.CloudRunServiceType, "projects/p/locations/europe-west1/services/"+n+"-run", map[string]any{"name": n + "-run",
			"ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY", "latestReadyRevision": "rev", "invokerIamDisabled": true,
			"terminalConditions": []any{map[string]any{"type": "Ready", "state": "CONDITION_SUCCEEDED"}}})

		e := comp(consumer, chain.ConsumerEndpointType, n+"-endpoint", map[string]any{})
		child(consumer, e, chain.AddressType, cpre+"addresses/"+n+"-ip", map[string]any{"address": ip, "subnetwork": cpre + "subnetworks/apps"})
		child(consumer, e, chain.ForwardingRuleType, ep, map[string]any{"ipAddress": ip, "region": "europe-west1", "target": sa, "network": cnet,
			"project": "c", "pscConnectionStatus": "ACCEPTED", "pscConnectionId": fmt.Sprint(i + 1)})
		d := comp(consumer, chain.DnsBindingType, n+"-dns", map[string]any{})
		zone := "projects/c/managedZones/" + n + "-zone"
		child(consumer, d, chain.ManagedZoneType, zone, map[string]any{"name": n + "-zone", "dnsName": n + ".internal.", "visibility": "private",
			"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": cnet}}}})
		child(consumer, d, chain.RecordSetType, zone+"/rrsets/"+n+".internal./A", map[string]any{"name": n + ".internal.", "type": "A",
			"managedZone": n + "-zone", "rrdatas": []any{ip}})
	}
	return producer, consumer
}

// find is the resource of a side whose ID ends with suffix.
func find(t *testing.T, s *Side, suffix string) *Resource {
	t.Helper()
	for _, r := range s.Resources {
		if r.ID != "" && strings.HasSuffix(r.ID, suffix) {
			return r
		}
	}
	t.Fatalf("%s holds no resource %s", s.Stack, suffix)
	return nil
}

// brokenIn are the chains a report says are broken, with their broken links.
func brokenIn(rep *Report) map[string]string {
	out := map[string]string{}
	for _, c := range rep.Chains {
		if !c.Healthy {
			out[c.Name] = strings.Join(c.Broken, ", ")
		}
	}
	return out
}

const (
	chainA = "ProducerService a → ConsumerEndpoint a-endpoint → DnsBinding a-dns"
	chainB = "ProducerService b → ConsumerEndpoint b-endpoint → DnsBinding b-dns"
)

// Two ProducerServices and, in the consumer stack, two ConsumerEndpoints and two DnsBindings:
// doctor walks both chains, each link once per chain naming it, and a broken second chain makes
// the whole unhealthy, naming that chain, whichever side is broken.
func TestTwoChainsOneBroken(t *testing.T) {
	producer, consumer := chainsWorld("a", "b")
	rep := Diagnose(producer, consumer, time.Now())
	if !rep.Healthy || len(rep.Chains) != 2 || rep.Chains[0].Name != chainA || rep.Chains[1].Name != chainB {
		t.Fatalf("two healthy chains: healthy %v, chains %+v, broken %+v", rep.Healthy, rep.Chains, rep.Broken())
	}
	if len(rep.Links) != 2*len(chain.Links) {
		t.Errorf("%d links, want every link once per chain (%d)", len(rep.Links), 2*len(chain.Links))
	}
	for i, l := range rep.Links {
		want := []string{chainA, chainB}[i/len(chain.Links)]
		if l.Chain != want {
			t.Errorf("link %d (%s) names chain %q, want %q", i, l.Name, l.Chain, want)
		}
		if l.Name == chain.LinkEndpoint && !strings.Contains(l.Detail, "/serviceAttachments/"+strings.Fields(want)[1]+"-sa") {
			t.Errorf("chain %s: endpoint link %q, want its own producer's attachment", want, l.Detail)
		}
		if l.Name == chain.LinkDNS && !strings.HasPrefix(l.Detail, strings.Fields(want)[1]+".internal. → ") {
			t.Errorf("chain %s: dns link %q, want its own name", want, l.Detail)
		}
	}

	// A record that answers no endpoint is walked with the endpoint no other record answers.
	for _, tc := range []struct {
		name   string
		break_ func(producer, consumer *Side)
		chain  string
		link   string
	}{
		{"the second endpoint is PENDING", func(_, c *Side) { find(t, c, "b-ep").Outputs["pscConnectionStatus"] = "PENDING" }, chainB, chain.LinkEndpoint},
		{"the second Cloud Run service is not ready", func(p, _ *Side) {
			find(t, p, "b-run").Outputs["terminalConditions"] = []any{map[string]any{"type": "Ready", "state": "CONDITION_FAILED"}}
		}, chainB, chain.LinkCloudRun},
		{"the second record points elsewhere", func(_, c *Side) { find(t, c, "b.internal./A").Outputs["rrdatas"] = []any{"192.168.0.99"} }, chainB, chain.LinkDNS},
	} {
		producer, consumer := chainsWorld("a", "b")
		tc.break_(producer, consumer)
		rep := Diagnose(producer, consumer, time.Now())
		got := brokenIn(rep)
		if rep.Healthy || len(got) != 1 || got[tc.chain] != tc.link {
			t.Errorf("%s: healthy %v, broken chains %v; want only %q broken at %s", tc.name, rep.Healthy, got, tc.chain, tc.link)
		}
		var text bytes.Buffer
		if err := rep.WriteText(&text); err != nil {
			t.Fatal(err)
		}
		if out := text.String(); !strings.Contains(out, "chain "+chainA+"\n") || !strings.Contains(out, "broken:\n  chain "+tc.chain+": "+tc.link+"\n") ||
			strings.Contains(out, "healthy:") {
			t.Errorf("%s: the text names each chain under a heading and the broken one in the verdict:\n%s", tc.name, out)
		}
	}
}

// Each side alone: the producer's two chains, or the consumer's two, each named by its own
// components; the consumer's links of a producer no endpoint targets are skipped, not broken.
func TestTwoChainsOneSide(t *testing.T) {
	producer, consumer := chainsWorld("a", "b")
	rep := Diagnose(producer, nil, time.Now())
	if !rep.Healthy || len(rep.Chains) != 2 || rep.Chains[1].Name != "ProducerService b" {
		t.Errorf("producer alone: healthy %v, chains %+v", rep.Healthy, rep.Chains)
	}
	rep = Diagnose(nil, consumer, time.Now())
	if !rep.Healthy || len(rep.Chains) != 2 || rep.Chains[1].Name != "ConsumerEndpoint b-endpoint → DnsBinding b-dns" {
		t.Errorf("consumer alone: healthy %v, chains %+v", rep.Healthy, rep.Chains)
	}
	// The consumer of producer a only: b's chain is walked from its attachment.
	_, consumerA := chainsWorld("a")
	rep = Diagnose(producer, consumerA, time.Now())
	if !rep.Healthy || len(rep.Chains) != 2 || rep.Chains[1].Name != "ProducerService b" {
		t.Errorf("a consumer of one producer of two: healthy %v, chains %+v, broken %+v", rep.Healthy, rep.Chains, rep.Broken())
	}
	for _, l := range rep.Links {
		if l.Chain == "ProducerService b" && l.Name == chain.LinkEndpoint && (l.Status != Skipped || l.Detail != notOnPath) {
			t.Errorf("producer b's chain, endpoint link %+v: want skipped, %q", l, notOnPath)
		}
	}
}

// One geolocation DnsBinding for two ConsumerEndpoints, one per region: the record belongs to
// both chains, each walked with the item of its endpoint's region, and its two addresses are both
// endpoints' (no warning of an address that is no endpoint's); the name does not fail over.
func TestGeoBindingOfTwoEndpoints(t *testing.T) {
	producer, consumer := chainsWorld("a", "b")
	consumer.Resources = slices.DeleteFunc(consumer.Resources, func(r *Resource) bool {
		return strings.HasSuffix(r.URN, "::b-dns") || strings.HasSuffix(r.Parent, "::b-dns")
	})
	find(t, consumer, "b-ep").Outputs["region"] = "us-central1"
	rec := find(t, consumer, "a.internal./A")
	delete(rec.Outputs, "rrdatas")
	rec.Outputs["routingPolicy"] = map[string]any{"geos": []any{
		map[string]any{"location": "europe-west1", "rrdatas": []any{"192.168.0.10"}},
		map[string]any{"location": "us-central1", "rrdatas": []any{"192.168.0.11"}}}}
	rep := Diagnose(producer, consumer, time.Now())
	want := []string{chainA, "ProducerService b → ConsumerEndpoint b-endpoint → DnsBinding a-dns"}
	if !rep.Healthy || len(rep.Chains) != 2 || rep.Chains[0].Name != want[0] || rep.Chains[1].Name != want[1] {
		t.Fatalf("geo binding of two endpoints: healthy %v, chains %+v, broken %+v", rep.Healthy, rep.Chains, rep.Broken())
	}
	for _, l := range rep.Links {
		// (b's attachment stays in europe-west1: its chain walks that region from the attachment too.)
		if l.Name == chain.LinkDNS && l.Detail != notOnPath && (l.Status != OK || !strings.Contains(l.Detail, "for clients in")) {
			t.Errorf("chain %s: dns link %s %q %+v, want ok with the item of its region", l.Chain, l.Status, l.Detail, l.Problems)
		}
	}
	var dns []string
	for _, f := range failovers(rep) {
		if strings.HasPrefix(f, chain.LinkDNS+": ") {
			dns = append(dns, f)
		}
	}
	if len(dns) != 1 || !strings.Contains(dns[0], "no DNS failover: a.internal. answers with 2 endpoints") {
		t.Errorf("the name's failover warnings %q, want one", dns)
	}
}

// A record with several addresses is compared as a set with the endpoints' IPs, and doctor never
// prints an empty address: a routing policy whose items answer nothing says so.
func TestRecordAddressesAsSets(t *testing.T) {
	for _, tc := range []struct {
		name   string
		record map[string]any
		status string
		cause  string
	}{
		{"a geo item of the endpoint's region", map[string]any{"routingPolicy": map[string]any{"geos": []any{
			map[string]any{"location": "europe-west1", "rrdatas": []any{"192.168.0.10"}}}}}, OK, ""},
		{"no address at all", map[string]any{"routingPolicy": map[string]any{"geos": []any{
			map[string]any{"location": "europe-west1"}, map[string]any{"location": "q"}}}}, Broken, "a.internal. answers with no address, not with the endpoint's IP 192.168.0.10"},
		{"the region's item empty", map[string]any{"routingPolicy": map[string]any{"geos": []any{
			map[string]any{"location": "europe-west1"}, map[string]any{"location": "q", "rrdatas": []any{"192.168.0.10"}}}}},
			Broken, "a.internal. answers clients in europe-west1 with no address, not with the endpoint's IP 192.168.0.10"},
		{"an extra address", map[string]any{"rrdatas": []any{"192.168.0.10", "192.168.0.77"}}, Warning,
			"a.internal. also answers with 192.168.0.77, the IP of no endpoint of the consumer stack (its endpoints: 192.168.0.10)"},
	} {
		producer, consumer := chainsWorld("a")
		rec := find(t, consumer, "a.internal./A")
		delete(rec.Outputs, "rrdatas")
		for k, v := range tc.record {
			rec.Outputs[k] = v
		}
		rep := Diagnose(producer, consumer, time.Now())
		for _, l := range rep.Links {
			if l.Name != chain.LinkDNS {
				continue
			}
			cause := ""
			if len(l.Problems) > 0 {
				cause = l.Problems[0].Cause
			}
			if l.Status != tc.status || !strings.Contains(cause, tc.cause) || strings.Contains(cause, "to ,") || strings.Contains(cause, "to  ") {
				t.Errorf("%s: dns link %s %q %q; want %s %q", tc.name, l.Status, l.Detail, cause, tc.status, tc.cause)
			}
		}
	}
}

// --json lists every chain's verdict and tags each link with its chain; a single chain's links
// carry no chain, as before.
func TestChainsJSON(t *testing.T) {
	for _, tc := range []struct {
		names      []string
		chains     int
		linksNamed bool
	}{{[]string{"a"}, 1, false}, {[]string{"a", "b"}, 2, true}} {
		producer, consumer := chainsWorld(tc.names...)
		var out bytes.Buffer
		if err := Diagnose(producer, consumer, time.Now()).WriteJSON(&out); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Chains []map[string]any `json:"chains"`
			Links  []map[string]any `json:"links"`
		}
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		_, named := got.Links[0]["chain"]
		if len(got.Chains) != tc.chains || got.Chains[0]["healthy"] != true || named != tc.linksNamed {
			t.Errorf("%v: chains %v, first link %v", tc.names, got.Chains, got.Links[0])
		}
	}
}

// --request follows the chain of the URL's host: its name's record, that endpoint, its
// producer's attachment and service.
func TestRequestPicksTheChainByHost(t *testing.T) {
	producer, consumer := chainsWorld("a", "b")
	find(t, producer, "a-run").Outputs["terminalConditions"] = []any{map[string]any{"type": "Ready", "state": "CONDITION_FAILED"}}
	ans, err := Ask(producer, consumer, Request{URL: "http://b.internal/", Project: "c", Network: "vpc", Region: "europe-west1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var hops []string
	for _, h := range ans.Hops {
		hops = append(hops, h.Link+" "+chain.NameOf(h.Resource))
	}
	if !ans.OK() || !slices.Contains(hops, chain.LinkAttachment+" b-sa") || !slices.Contains(hops, chain.LinkCloudRun+" b-run") {
		t.Errorf("b.internal with a's service down: status %d %s %q, hops %v; want 200 through b's chain", ans.Status, ans.Error, ans.Cause, hops)
	}
}

// Two DnsBindings for one hostname in one VPC: two private zones of one DNS name bound to one
// network. doctor breaks the dns-record link of both chains, naming both zones and what each
// answers, when they answer differently (a warning when they agree); --request names the other
// zone among its assumptions.
func TestTwoZonesForOneName(t *testing.T) {
	producer, consumer := chainsWorld("a", "b")
	zoneB, recB := find(t, consumer, "b-zone"), find(t, consumer, "b.internal./A")
	zoneB.Outputs["dnsName"], recB.Outputs["name"] = "a.internal.", "a.internal."
	rep := Diagnose(producer, consumer, time.Now())
	got := brokenIn(rep)
	want := "2 private zones of the DNS name a.internal. are bound to the network projects/c/global/networks/vpc: "
	if got[chainA] != chain.LinkDNS || got[chainB] != chain.LinkDNS ||
		!names(rep, chain.LinkDNS, Broken, want+"a-zone (192.168.0.10), b-zone (192.168.0.11); clients get one zone's answer", "keep one DnsBinding for a.internal per network") ||
		!names(rep, chain.LinkDNS, Broken, want+"b-zone (192.168.0.11), a-zone (192.168.0.10)", "") {
		t.Errorf("two zones answering a.internal. differently: broken %v, %+v", got, rep.Broken())
	}
	ans, err := Ask(producer, consumer, Request{URL: "http://a.internal/", Project: "c", Network: "vpc", Region: "europe-west1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(ans.Warnings, func(w Assumption) bool {
		return w.Link == chain.LinkDNS && strings.Contains(w.Assumption, "but so do projects/c/managedZones/b-zone (A 192.168.0.11)")
	}) {
		t.Errorf("--request a.internal with two zones: warnings %+v, want the other zone named", ans.Warnings)
	}

	recB.Outputs["rrdatas"] = []any{"192.168.0.10"}
	rep = Diagnose(producer, consumer, time.Now())
	if !names(rep, chain.LinkDNS, Warning, want+"a-zone (192.168.0.10), b-zone (192.168.0.10); they agree today", "") {
		t.Errorf("two zones that agree: %+v", rep.Links)
	}
}
