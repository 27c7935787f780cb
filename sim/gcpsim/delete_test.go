package gcpsim

import "testing"

// TestDeleteInUse: deleting a resource another one uses fails as in GCP, so a wrong
// destroy order fails in tests as it does in production.
func TestDeleteInUse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, role, token, want string
	}{
		{"neg used by backend service", "neg", negToken, "googleapi: Error 400: The network_endpoint_group resource 'projects/prod-p/regions/europe-west1/networkEndpointGroups/neg' is already being used by 'projects/prod-p/regions/europe-west1/backendServices/bs', resourceInUseByAnotherResource"},
		{"backend service used by url map", "backend", backendServiceToken, "The backend_service resource 'projects/prod-p/regions/europe-west1/backendServices/bs' is already being used by 'projects/prod-p/regions/europe-west1/urlMaps/um'"},
		{"url map used by proxy", "urlmap", urlMapToken, "The url_map resource 'projects/prod-p/regions/europe-west1/urlMaps/um' is already being used by 'projects/prod-p/regions/europe-west1/targetHttpProxies/px'"},
		{"proxy used by forwarding rule", "proxy", httpProxyToken, "The target_http_proxy resource 'projects/prod-p/regions/europe-west1/targetHttpProxies/px' is already being used by 'projects/prod-p/regions/europe-west1/forwardingRules/fr'"},
		{"forwarding rule used by attachment", "rule", forwardingRuleToken, "The forwarding_rule resource 'projects/prod-p/regions/europe-west1/forwardingRules/fr' is already being used by 'projects/prod-p/regions/europe-west1/serviceAttachments/att'"},
		{"nat subnet used by attachment", "nat", subnetworkToken, "The subnetwork resource 'projects/prod-p/regions/europe-west1/subnetworks/nat' is already being used by 'projects/prod-p/regions/europe-west1/serviceAttachments/att'"},
		{"lb subnet used by forwarding rule", "lb", subnetworkToken, "The subnetwork resource 'projects/prod-p/regions/europe-west1/subnetworks/lb' is already being used by 'projects/prod-p/regions/europe-west1/forwardingRules/fr'"},
		{"network with subnets", "network", networkToken, "The network resource 'projects/prod-p/global/networks/vpc' is already being used by 'projects/prod-p/regions/europe-west1/forwardingRules/fr'"},
		{"cloud run with deletion protection", "protected", cloudRunServiceToken, "cannot destroy service without setting deletionProtection=false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, producerProject)
			ids := h.producer()
			h.mustCreate(serviceAttachmentToken, "att", attachmentInputs(ids, nil))
			ids["protected"], _ = h.mustCreate(cloudRunServiceToken, "p", map[string]any{"name": "protected", "location": region, "template": container()})
			before := h.count()
			wantErr(t, h.del(tt.token, ids[tt.role]), tt.want)
			if h.count() != before {
				t.Error("a refused delete removed something")
			}
		})
	}
}

func TestDeleteInUseOnTheConsumerSide(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		run  func(h *harness, network, subnet, addr string) error
		want string
	}{
		{"subnet used by address", func(h *harness, _, subnet, _ string) error { return h.del(subnetworkToken, subnet) },
			"The subnetwork resource 'projects/cons-p/regions/europe-west1/subnetworks/cvpc-sub' is already being used by 'projects/cons-p/regions/europe-west1/addresses/a'"},
		{"network with firewall", func(h *harness, network, subnet, addr string) error {
			for _, step := range []struct{ tok, id string }{{addressToken, addr}, {subnetworkToken, subnet}} {
				if err := h.del(step.tok, step.id); err != nil {
					return err
				}
			}
			return h.del(networkToken, network)
		}, "The network resource 'projects/cons-p/global/networks/cvpc' is already being used by 'projects/cons-p/global/firewalls/fw'"},
		{"zone with records", func(h *harness, _, _, _ string) error {
			return h.del(managedZoneToken, "projects/cons-p/managedZones/z")
		},
			"googleapi: Error 400: The resource named 'z' cannot be deleted because it is not empty, containerNotEmpty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, consumerProject)
			network, subnet := h.consumer("cvpc")
			addr, _ := h.mustCreate(addressToken, "a", map[string]any{"name": "a", "addressType": "INTERNAL", "subnetwork": subnet})
			h.mustCreate(firewallToken, "fw", map[string]any{"name": "fw", "network": network, "sourceRanges": []any{"10.0.0.0/8"}, "allows": []any{map[string]any{"protocol": "tcp", "ports": []any{"443"}}}})
			h.mustCreate(managedZoneToken, "z", map[string]any{"name": "z", "dnsName": "svc.internal.", "visibility": "private",
				"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": network}}}})
			h.mustCreate(recordSetToken, "r", map[string]any{"managedZone": "z", "name": "api.svc.internal.", "type": "A", "ttl": 300.0, "rrdatas": []any{"10.0.0.2"}})
			wantErr(t, tt.run(h, network, subnet, addr), tt.want)
		})
	}
}

// TestDestroyInReverseOrderLeavesNothing deletes the producer chain in dependency order.
func TestDestroyInReverseOrderLeavesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	ids := h.producer()
	ids["att"], _ = h.mustCreate(serviceAttachmentToken, "att", attachmentInputs(ids, nil))
	order := []struct{ role, token string }{
		{"att", serviceAttachmentToken}, {"rule", forwardingRuleToken}, {"proxy", httpProxyToken}, {"urlmap", urlMapToken},
		{"backend", backendServiceToken}, {"neg", negToken}, {"run", cloudRunServiceToken}, {"nat", subnetworkToken},
		{"proxy-only", subnetworkToken}, {"lb", subnetworkToken}, {"network", networkToken},
	}
	for _, step := range order {
		if err := h.del(step.token, ids[step.role]); err != nil {
			t.Fatalf("deleting %s: %v", step.role, err)
		}
	}
	if n := h.count(); n != 0 {
		t.Fatalf("%d resources left", n)
	}
}

func TestZoneForceDestroyTakesItsRecords(t *testing.T) {
	t.Parallel()
	h := newHarness(t, consumerProject)
	network, _ := h.consumer("cvpc")
	zone, out := h.mustCreate(managedZoneToken, "z", map[string]any{"name": "z", "dnsName": "svc.internal.", "visibility": "private", "forceDestroy": true,
		"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": network}}}})
	if got := out.strs("nameServers"); len(got) != 1 || got[0] != "ns-gcp-private.googledomains.com." {
		t.Errorf("nameServers = %v", got)
	}
	id, _ := h.mustCreate(recordSetToken, "r", map[string]any{"managedZone": zone, "name": "api.svc.internal.", "type": "A", "rrdatas": []any{"10.0.0.2"}})
	if id != "projects/cons-p/managedZones/z/rrsets/api.svc.internal./A" {
		t.Errorf("record set id = %q", id)
	}
	if err := h.del(managedZoneToken, zone); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.read(recordSetToken, id); got != "" {
		t.Error("the record set survived its force-destroyed zone")
	}
}
