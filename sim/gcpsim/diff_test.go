package gcpsim

import (
	"context"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	sub := map[string]any{"name": "s", "network": "vpc", "ipCidrRange": "10.0.0.0/24", "purpose": "PRIVATE"}
	fr := map[string]any{"name": "ep", "loadBalancingScheme": "", "target": "projects/p/regions/r/serviceAttachments/a", "network": "n", "ipAddress": "ip", "labels": map[string]any{"a": "b"}}
	att := map[string]any{"name": "att", "targetService": "fr", "natSubnets": []any{"nat"}, "enableProxyProtocol": false, "connectionPreference": "ACCEPT_MANUAL", "domainNames": []any{"a.example."}}
	tests := []struct {
		name       string
		token      string
		olds, news map[string]any
		key        string
		kind       p.DiffKind
	}{
		{"subnet expansion updates", subnetworkToken, sub, with(sub, "ipCidrRange", "10.0.0.0/23"), "ipCidrRange", p.Update},
		{"subnet shrink replaces", subnetworkToken, sub, with(sub, "ipCidrRange", "10.0.0.0/25"), "ipCidrRange", p.UpdateReplace},
		{"subnet move replaces", subnetworkToken, sub, with(sub, "ipCidrRange", "10.1.0.0/24"), "ipCidrRange", p.UpdateReplace},
		{"subnet purpose updates (SUBNET-PURPOSE: the API decides)", subnetworkToken, sub, with(sub, "purpose", "PRIVATE_SERVICE_CONNECT"), "purpose", p.Update},
		{"subnet network replaces", subnetworkToken, sub, with(sub, "network", "other"), "network", p.UpdateReplace},
		{"subnet region added replaces", subnetworkToken, sub, with(sub, "region", "us-east1"), "region", p.AddReplace},
		{"subnet role updates", subnetworkToken, with(sub, "role", "BACKUP"), with(sub, "role", "ACTIVE"), "role", p.Update},
		{"rename replaces", networkToken, map[string]any{"name": "a"}, map[string]any{"name": "b"}, "name", p.UpdateReplace},
		{"rule target updates (FR-TARGET-UPDATE: setTarget)", forwardingRuleToken, fr, with(fr, "target", "projects/p/regions/r/serviceAttachments/b"), "target", p.Update},
		{"rule ip replaces", forwardingRuleToken, fr, with(fr, "ipAddress", "ip2"), "ipAddress", p.UpdateReplace},
		{"rule scheme replaces", forwardingRuleToken, fr, with(fr, "loadBalancingScheme", "INTERNAL"), "loadBalancingScheme", p.UpdateReplace},
		{"rule labels update", forwardingRuleToken, fr, with(fr, "labels", map[string]any{"a": "c"}), "labels", p.Update},
		{"rule global access update", forwardingRuleToken, fr, with(fr, "allowPscGlobalAccess", true), "allowPscGlobalAccess", p.Add},
		{"unknown target updates", forwardingRuleToken, fr, with(fr, "target", unknown), "target", p.Update},
		{"attachment target replaces", serviceAttachmentToken, att, with(att, "targetService", "fr2"), "targetService", p.UpdateReplace},
		{"attachment domains replace", serviceAttachmentToken, att, with(att, "domainNames", []any{"b.example."}), "domainNames", p.UpdateReplace},
		{"attachment accept list updates", serviceAttachmentToken, att, with(att, "consumerAcceptLists", acceptList("c", 1)), "consumerAcceptLists", p.Add},
		{"attachment nat subnets update", serviceAttachmentToken, att, with(att, "natSubnets", []any{"nat", "nat2"}), "natSubnets", p.Update},
		{"neg cloud run replaces", negToken, map[string]any{"name": "n", "region": "r", "cloudRun": map[string]any{"service": "a"}}, map[string]any{"name": "n", "region": "r", "cloudRun": map[string]any{"service": "b"}}, "cloudRun", p.UpdateReplace},
		{"cloud run template updates", cloudRunServiceToken, map[string]any{"name": "s", "location": "r", "template": container()}, map[string]any{"name": "s", "location": "r", "template": map[string]any{"containers": []any{map[string]any{"image": "v2"}}}}, "template", p.Update},
		{"zone dns name replaces", managedZoneToken, map[string]any{"name": "z", "dnsName": "a."}, map[string]any{"name": "z", "dnsName": "b."}, "dnsName", p.UpdateReplace},
		{"record data updates", recordSetToken, map[string]any{"managedZone": "z", "name": "a.", "type": "A", "rrdatas": []any{"10.0.0.2"}}, map[string]any{"managedZone": "z", "name": "a.", "type": "A", "rrdatas": []any{"10.0.0.3"}}, "rrdatas", p.Update},
		{"backend scheme replaces", backendServiceToken, map[string]any{"name": "b", "loadBalancingScheme": "INTERNAL"}, map[string]any{"name": "b", "loadBalancingScheme": "INTERNAL_MANAGED"}, "loadBalancingScheme", p.UpdateReplace},
	}
	h := newHarness(t, producerProject)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := h.sim.Diff(context.Background(), p.DiffRequest{ID: "id", Urn: urnOf(tt.token, "r"), State: props(tt.olds), OldInputs: props(tt.olds), Inputs: props(tt.news)})
			if err != nil {
				t.Fatal(err)
			}
			if !resp.HasChanges || resp.DeleteBeforeReplace {
				t.Errorf("HasChanges %v DeleteBeforeReplace %v", resp.HasChanges, resp.DeleteBeforeReplace)
			}
			if got := resp.DetailedDiff[tt.key]; got.Kind != tt.kind || len(resp.DetailedDiff) != 1 {
				t.Errorf("diff = %+v, want only %s: %s", resp.DetailedDiff, tt.key, tt.kind)
			}
		})
	}
}

func TestDiffNoChangesAndIgnoreChanges(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	in := map[string]any{"name": "s", "network": "vpc", "ipCidrRange": "10.0.0.0/24"}
	resp, err := h.sim.Diff(context.Background(), p.DiffRequest{Urn: urnOf(subnetworkToken, "s"), OldInputs: props(in), Inputs: props(in)})
	if err != nil || resp.HasChanges {
		t.Fatalf("identical inputs: %+v %v", resp, err)
	}
	news := map[string]any{"name": "s", "network": "vpc", "ipCidrRange": "10.0.0.0/25"}
	resp, err = h.sim.Diff(context.Background(), p.DiffRequest{Urn: urnOf(subnetworkToken, "s"), OldInputs: props(in), Inputs: props(news), IgnoreChanges: []string{"ipCidrRange"}})
	if err != nil || resp.HasChanges {
		t.Fatalf("ignored change: %+v %v", resp, err)
	}
}

// TestUpdateKeepsStableOutputs: an in-place update keeps IDs and allocated addresses.
func TestUpdateKeepsStableOutputs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, consumerProject)
	_, subnet := h.consumer("cvpc")
	in := map[string]any{"name": "a", "addressType": "INTERNAL", "subnetwork": subnet, "labels": map[string]any{"v": "1"}}
	id, before := h.mustCreate(addressToken, "a", in)
	h.mustCreate(addressToken, "b", map[string]any{"name": "b", "addressType": "INTERNAL", "subnetwork": subnet})
	after, err := h.update(addressToken, id, in, map[string]any{"name": "a", "addressType": "INTERNAL", "subnetwork": subnet, "labels": map[string]any{"v": "2"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"address", "creationTimestamp", "selfLink"} {
		if !plainEqual(before[key], after[key]) {
			t.Errorf("%s changed from %v to %v", key, before[key], after[key])
		}
	}
	if after.sub("effectiveLabels").str("v") != "2" {
		t.Errorf("labels not updated: %v", after["effectiveLabels"])
	}
}

func TestPreviewUpdateKeepsKnownOutputs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	in := map[string]any{"name": "vpc"}
	id, out := h.mustCreate(networkToken, "vpc", in)
	resp, err := h.sim.Update(context.Background(), p.UpdateRequest{ID: id, Urn: urnOf(networkToken, "vpc"), State: props(out), OldInputs: props(in),
		Inputs: props(map[string]any{"name": "vpc", "routingMode": "GLOBAL"}), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Properties.Get("selfLink"); got.IsComputed() || got.AsString() != out.str("selfLink") {
		t.Errorf("selfLink during update preview = %v", got)
	}
	if got := resp.Properties.Get("routingMode").AsString(); got != "GLOBAL" {
		t.Errorf("routingMode = %q", got)
	}
	_, stored := h.read(networkToken, id)
	if stored.str("routingMode") != "REGIONAL" {
		t.Error("a preview update changed the stored resource")
	}
}
