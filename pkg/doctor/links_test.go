package doctor

import (
	"slices"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// consumerSide is a healthy consumer of producerSide's attachment: an ACCEPTED endpoint with its
// reserved address, a DNS record in a private zone visible from its network, and an egress rule.
func consumerSide() *Side {
	res := func(token, id string, out map[string]any) *Resource {
		out["selfLink"] = "https://www.googleapis.com/compute/v1/" + id
		return &Resource{URN: "urn:" + id, Type: token, ID: id, Custom: true, Outputs: out}
	}
	network := "https://www.googleapis.com/compute/v1/projects/c/global/networks/vpc"
	return &Side{Stack: "org/cons/dev", Resources: []*Resource{
		res(chain.AddressType, "projects/c/regions/r/addresses/ip", map[string]any{"address": "192.168.0.5",
			"subnetwork": "projects/c/regions/r/subnetworks/apps"}),
		res(chain.ForwardingRuleType, "projects/c/regions/r/forwardingRules/ep", map[string]any{"ipAddress": "192.168.0.5",
			"target": "projects/p/regions/r/serviceAttachments/sa", "network": network, "project": "c",
			"pscConnectionStatus": "ACCEPTED", "pscConnectionId": "42"}),
		res(chain.ManagedZoneType, "projects/c/managedZones/zone", map[string]any{"name": "zone",
			"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": network}}}}),
		res(chain.RecordSetType, "projects/c/managedZones/zone/rrsets/api.internal./A", map[string]any{"name": "api.internal.",
			"type": "A", "managedZone": "zone", "rrdatas": []any{"192.168.0.5"}}),
		res(chain.FirewallType, "projects/c/global/firewalls/egress", map[string]any{"name": "egress", "direction": "EGRESS",
			"destinationRanges": []any{"192.168.0.5/32"}, "sourceRanges": []any{"192.168.0.0/24"},
			"allows": []any{map[string]any{"protocol": "tcp", "ports": []any{"443"}}}}),
	}}
}

// healthyWorld is a producer and its consumer, every link ok.
func healthyWorld(t *testing.T) (producer, consumer *Side) {
	producer = producerSide(t, "api.internal")
	for _, r := range producer.Resources {
		if r.Type == chain.ServiceAttachmentType {
			r.Outputs["connectedEndpoints"] = []any{map[string]any{"endpoint": "projects/c/regions/r/forwardingRules/ep",
				"status": "ACCEPTED", "pscConnectionId": "42"}}
		}
	}
	producer.Resources = append(producer.Resources, &Resource{URN: "urn:proxy-subnet", Type: chain.SubnetworkType,
		ID: "projects/p/regions/r/subnetworks/proxy", Custom: true, Outputs: map[string]any{"purpose": "REGIONAL_MANAGED_PROXY",
			"role": "ACTIVE", "network": "projects/p/global/networks/n", "region": "r"}})
	return producer, consumerSide()
}

// of is the first resource of a type in a side.
func of(s *Side, token string) *Resource {
	i := slices.IndexFunc(s.Resources, func(r *Resource) bool { return r.Type == token })
	if i < 0 {
		panic("no " + token)
	}
	return s.Resources[i]
}

// drop removes the resources of a type from a side (the stack does not hold them).
func drop(s *Side, token string) {
	s.Resources = slices.DeleteFunc(s.Resources, func(r *Resource) bool { return r.Type == token })
}

// Every report lists every link of the chain once, in the chain's order: healthy, with one side
// alone, and broken at each link in turn, however the break stops the walk.
func TestEveryReportListsEveryLinkOnceInOrder(t *testing.T) {
	set := func(token string, fields map[string]any) func(p, c *Side) {
		return func(p, c *Side) {
			side := p
			if slices.ContainsFunc(c.Resources, func(r *Resource) bool { return r.Type == token }) {
				side = c
			}
			for k, v := range fields {
				of(side, token).Outputs[k] = v
			}
		}
	}
	gone := func(token string) func(p, c *Side) {
		return func(p, c *Side) {
			for _, s := range []*Side{p, c} {
				if slices.ContainsFunc(s.Resources, func(r *Resource) bool { return r.Type == token }) {
					of(s, token).Gone = true
				}
			}
		}
	}
	for _, tc := range []struct {
		name   string
		broken string // the link the change breaks ("" for none)
		change func(p, c *Side)
	}{
		{"healthy", "", func(p, c *Side) {}},
		{"dns record elsewhere", chain.LinkDNS, set(chain.RecordSetType, map[string]any{"rrdatas": []any{"192.168.0.99"}})},
		{"dns record deleted", chain.LinkDNS, gone(chain.RecordSetType)},
		{"no dns record", "", func(p, c *Side) { drop(c, chain.RecordSetType) }},
		{"firewall disabled", chain.LinkFirewall, set(chain.FirewallType, map[string]any{"disabled": true})},
		{"firewall deleted", chain.LinkFirewall, gone(chain.FirewallType)},
		{"address released", chain.LinkEndpointIP, gone(chain.AddressType)},
		{"endpoint pending", chain.LinkEndpoint, set(chain.ForwardingRuleType, map[string]any{"pscConnectionStatus": "PENDING"})},
		{"endpoint deleted", chain.LinkEndpoint, func(p, c *Side) { of(c, chain.ForwardingRuleType).Gone = true }},
		{"no endpoint", chain.LinkEndpoint, func(p, c *Side) { drop(c, chain.ForwardingRuleType) }},
		{"attachment deleted", chain.LinkAttachment, gone(chain.ServiceAttachmentType)},
		{"no attachment", chain.LinkAttachment, func(p, c *Side) { drop(p, chain.ServiceAttachmentType) }},
		{"endpoint targets another attachment", chain.LinkAttachment,
			set(chain.ForwardingRuleType, map[string]any{"target": "projects/p/regions/r/serviceAttachments/other"})},
		{"not on the accept list", chain.LinkAcceptList, set(chain.ServiceAttachmentType, map[string]any{"consumerAcceptLists": []any{}})},
		{"rejected", chain.LinkAcceptList, set(chain.ServiceAttachmentType, map[string]any{"consumerRejectLists": []any{"c"}})},
		{"nat subnet deleted", chain.LinkNAT, func(p, c *Side) {
			for _, r := range p.Resources {
				r.Gone = r.Gone || r.Type == chain.SubnetworkType && r.Outputs["purpose"] == "PRIVATE_SERVICE_CONNECT"
			}
		}},
		{"lb rule deleted", chain.LinkLBRule, func(p, c *Side) { of(p, chain.ForwardingRuleType).Gone = true }},
		{"lb rule external, proxy-only subnet backup", chain.LinkLBRule, func(p, c *Side) {
			of(p, chain.ForwardingRuleType).Outputs["loadBalancingScheme"] = "EXTERNAL_MANAGED"
			for _, r := range p.Resources {
				if r.Outputs["purpose"] == "REGIONAL_MANAGED_PROXY" {
					r.Outputs["role"] = "BACKUP"
				}
			}
		}},
		{"proxy deleted", chain.LinkProxy, gone(chain.RegionTargetHttpsProxyType)},
		{"certificate expired", chain.LinkCertificate,
			set(chain.RegionSslCertificateType, map[string]any{"expireTime": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)})},
		{"no certificate", chain.LinkCertificate, set(chain.RegionTargetHttpsProxyType, map[string]any{"sslCertificates": []any{}})},
		{"url map deleted", chain.LinkURLMap, gone(chain.RegionUrlMapType)},
		{"backend deleted", chain.LinkBackend, gone(chain.RegionBackendServiceType)},
		{"backend without backends", chain.LinkBackend, set(chain.RegionBackendServiceType, map[string]any{"backends": []any{}})},
		{"neg deleted", chain.LinkNEG, gone(chain.RegionNetworkEndpointGroupType)},
		{"neg names no service", chain.LinkNEG, set(chain.RegionNetworkEndpointGroupType, map[string]any{"cloudRun": map[string]any{}})},
		{"neg not serverless", chain.LinkNEG, set(chain.RegionNetworkEndpointGroupType, map[string]any{"networkEndpointType": "GCE_VM_IP_PORT"})},
		{"cloud run deleted", chain.LinkCloudRun, gone(chain.CloudRunServiceType)},
		{"cloud run refuses, not ready, no revision", chain.LinkCloudRun, set(chain.CloudRunServiceType, map[string]any{
			"ingress": "INGRESS_TRAFFIC_NONE", "latestReadyRevision": "",
			"terminalConditions": []any{map[string]any{"type": "Ready", "state": "CONDITION_FAILED"}}})},
	} {
		for _, sides := range []string{"both", "producer", "consumer"} {
			producer, consumer := healthyWorld(t)
			tc.change(producer, consumer)
			switch sides {
			case "producer":
				consumer = nil
			case "consumer":
				producer = nil
			}
			rep := Diagnose(producer, consumer, time.Now())
			var names []string
			for _, l := range rep.Links {
				names = append(names, l.Name)
			}
			if !slices.Equal(names, chain.LinkNames()) {
				t.Errorf("%s, %s: the report lists %v, want every link once in order %v", tc.name, sides, names, chain.LinkNames())
			}
			if sides != "both" {
				continue
			}
			broken := map[string]bool{}
			for _, l := range rep.Broken() {
				broken[l.Name] = true
			}
			if (tc.broken == "") != rep.Healthy || tc.broken != "" && (!broken[tc.broken] || len(broken) > 2) {
				t.Errorf("%s: healthy %v, broken %+v; want %q broken", tc.name, rep.Healthy, rep.Broken(), tc.broken)
			}
		}
	}
}
