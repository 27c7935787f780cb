package gcpsim

import (
	"context"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
)

// The disagreements an audit of the simulator against the provider's source found over Google's
// API, one test each, named by the docs/gcp-rules.md rule.

// SA-AUTOMATIC-LISTS: the provider sends both consumer lists in every PATCH, even empty, so a
// switch from ACCEPT_MANUAL to ACCEPT_AUTOMATIC is refused even when the program clears them.
func TestAuditAutomaticSwitchRefusedEvenWithListsCleared(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	ids := h.producer()
	in := attachmentInputs(ids, nil)
	id, _ := h.mustCreate(serviceAttachmentToken, "att", in)
	cleared := attachmentInputs(ids, map[string]any{"connectionPreference": "ACCEPT_AUTOMATIC", "consumerAcceptLists": []any{}, "consumerRejectLists": []any{}})
	_, err := h.update(serviceAttachmentToken, id, in, cleared)
	wantErr(t, err, "googleapi: Error 400: Invalid value for field 'resource.connectionPreference': 'ACCEPT_AUTOMATIC'. Incorrect combination of connection preference with accept and/or reject list, invalid")
	// A new attachment that accepts everyone without lists is fine.
	if _, _, err := h.create(serviceAttachmentToken, "auto", attachmentInputs(ids, map[string]any{
		"name": "auto", "connectionPreference": "ACCEPT_AUTOMATIC", "consumerAcceptLists": []any{}, "natSubnets": []any{h.natSubnet("nat2", "10.0.3.0/29")},
	})); err != nil {
		t.Fatalf("an ACCEPT_AUTOMATIC attachment without lists: %v", err)
	}
}

func (h *harness) natSubnet(name, cidr string) string {
	h.t.Helper()
	id, _ := h.mustCreate(subnetworkToken, name, map[string]any{"name": name, "network": "vpc", "ipCidrRange": cidr, "purpose": "PRIVATE_SERVICE_CONNECT"})
	return id
}

// SA-PROPAGATED-ZERO: 0 is not sent unless sendPropagatedConnectionLimitIfZero, so the API's
// default 250 is stored, and the provider diffs the program's 0 against it on every preview (an
// update that changes nothing); with the flag, 0 is sent, stored and diffs no more.
func TestAuditPropagatedConnectionLimitZero(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	ids := h.producer()
	in := attachmentInputs(ids, map[string]any{"propagatedConnectionLimit": 0.0})
	id, out := h.mustCreate(serviceAttachmentToken, "att", in)
	if got, _ := out.num("propagatedConnectionLimit"); got != 250 {
		t.Errorf("propagatedConnectionLimit 0 without the flag: got %v, want the API default 250", got)
	}
	diff := func(olds, state, news map[string]any) map[string]p.PropertyDiff {
		t.Helper()
		resp, err := h.sim.Diff(context.Background(), p.DiffRequest{ID: id, Urn: urnOf(serviceAttachmentToken, "att"),
			State: props(state), OldInputs: props(olds), Inputs: props(news)})
		if err != nil {
			t.Fatal(err)
		}
		return resp.DetailedDiff
	}
	changed := func(d map[string]p.PropertyDiff, key string) bool { _, ok := d[key]; return ok }
	if d := diff(in, out, in); d["propagatedConnectionLimit"].Kind != p.Update || len(d) != 1 {
		t.Errorf("unchanged inputs with 0 not sent: diff %+v, want an update of propagatedConnectionLimit (0 against the 250 read back)", d)
	}
	flagged := with(in, "sendPropagatedConnectionLimitIfZero", true)
	if d := diff(in, out, flagged); d["propagatedConnectionLimit"].Kind != p.Update || !changed(d, "sendPropagatedConnectionLimitIfZero") {
		t.Errorf("setting the flag: diff %+v, want an update of propagatedConnectionLimit and a change of the flag", d)
	}
	out, err := h.update(serviceAttachmentToken, id, in, flagged)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := out.num("propagatedConnectionLimit"); !ok || got != 0 {
		t.Errorf("update with sendPropagatedConnectionLimitIfZero: propagatedConnectionLimit %v, want 0", got)
	}
	if d := diff(flagged, out, flagged); len(d) != 0 {
		t.Errorf("0 sent and stored: diff %+v, want none", d)
	}
	_, out = h.mustCreate(serviceAttachmentToken, "att2", attachmentInputs(ids, map[string]any{
		"name": "att2", "natSubnets": []any{h.natSubnet("nat2", "10.0.3.0/29")},
		"propagatedConnectionLimit": 0.0, "sendPropagatedConnectionLimitIfZero": true,
	}))
	if got, ok := out.num("propagatedConnectionLimit"); !ok || got != 0 {
		t.Errorf("propagatedConnectionLimit 0 with sendPropagatedConnectionLimitIfZero: got %v, want 0", got)
	}
}

// RUN-BETA-LAUNCH-STAGE: defaultUriDisabled needs launchStage BETA, as the provider's own test
// sets it.
func TestAuditDefaultURIDisabledNeedsBeta(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	svc := func(name string, extra map[string]any) map[string]any {
		in := map[string]any{"name": name, "location": region, "deletionProtection": false, "defaultUriDisabled": true, "template": container()}
		for k, v := range extra {
			in[k] = v
		}
		return in
	}
	if _, failures := h.check(cloudRunServiceToken, "ga", svc("ga", nil)); len(failures) > 0 {
		t.Fatalf("the provider does not check the launch stage at plan time, Check failed: %v", failures)
	}
	_, _, err := h.create(cloudRunServiceToken, "ga", svc("ga", nil))
	wantErr(t, err, "The feature 'default URI disabled' is not supported in the declared launch stage on resource ga. The launch stage annotation should be specified at least as BETA.")
	if _, _, err := h.create(cloudRunServiceToken, "beta", svc("beta", map[string]any{"launchStage": "BETA"})); err != nil {
		t.Fatalf("with launchStage BETA: %v", err)
	}
}

// SA-BOTH-LISTS: a consumer in both lists is allowed by Google, and rejected.
func TestAuditConsumerInBothListsIsRejected(t *testing.T) {
	t.Parallel()
	w := newPSCWorld(t, map[string]any{"consumerRejectLists": []any{consumerProject}})
	ep, _ := w.cons.endpoint("ep", w.network, w.subnet, w.attLink)
	if got := w.status(t, ep); got != StatusRejected {
		t.Fatalf("status = %s, want REJECTED: the reject list wins", got)
	}
}

// BS-SERVERLESS-MODE: the provider's default balancingMode UTILIZATION is accepted on a
// serverless NEG backend; RATE and capacityScaler are refused, by the API, not at preview.
func TestAuditServerlessBalancingMode(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	ids := h.producer()
	backend := func(name string, b map[string]any) map[string]any {
		b["group"] = selfLinkOf(ids["neg"])
		return map[string]any{"name": name, "loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP", "backends": []any{b}}
	}
	for _, in := range []map[string]any{backend("util", map[string]any{"balancingMode": "UTILIZATION"}), backend("rate", map[string]any{"balancingMode": "RATE"}), backend("cap", map[string]any{"capacityScaler": 1.0})} {
		if _, failures := h.check(backendServiceToken, in["name"].(string), in); len(failures) > 0 {
			t.Errorf("%s: Check refused a backend setting only the API refuses: %v", in["name"], failures)
		}
	}
	_, out := h.mustCreate(backendServiceToken, "util", backend("util", map[string]any{"balancingMode": "UTILIZATION"}))
	if got := out.objs("backends")[0].str("balancingMode"); got != "UTILIZATION" {
		t.Errorf("balancingMode = %q, want UTILIZATION", got)
	}
	_, out = h.mustCreate(backendServiceToken, "unset", backend("unset", map[string]any{}))
	if got := out.objs("backends")[0].str("balancingMode"); got != "UTILIZATION" {
		t.Errorf("unset balancingMode = %q, want the provider's default UTILIZATION", got)
	}
	_, _, err := h.create(backendServiceToken, "rate", backend("rate", map[string]any{"balancingMode": "RATE"}))
	wantErr(t, err, "Invalid value for field 'resource.backends[0].balancingMode': 'RATE'. Balancing mode and capacity settings are not supported with Serverless network endpoint group backends.")
	_, _, err = h.create(backendServiceToken, "cap", backend("cap", map[string]any{"capacityScaler": 1.0}))
	wantErr(t, err, "Invalid value for field 'resource.backends[0].capacityScaler'")
}

// SA-RECONCILE-REMOVED is in TestPSCAcceptListChangeWithReconcile.

// SA-ACCEPT-SET: the provider's set hash of consumerAcceptLists reads projectIdOrNum and
// networkUrl only, so in this version a connectionLimit-only change is no change at all.
func TestAuditAcceptListLimitOnlyChangeShowsNoDiff(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	olds := attachment(map[string]any{"consumerAcceptLists": []any{
		map[string]any{"projectIdOrNum": "a", "connectionLimit": 1.0}, map[string]any{"projectIdOrNum": "b", "connectionLimit": 1.0}}})
	diff := func(news map[string]any) p.DiffResponse {
		t.Helper()
		resp, err := h.sim.Diff(context.Background(), p.DiffRequest{ID: "att", Urn: urnOf(serviceAttachmentToken, "att"), State: props(olds), OldInputs: props(olds), Inputs: props(news)})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if resp := diff(with(olds, "consumerAcceptLists", []any{
		map[string]any{"projectIdOrNum": "b", "connectionLimit": 5.0}, map[string]any{"projectIdOrNum": "a", "connectionLimit": 1.0}})); resp.HasChanges {
		t.Errorf("reordered entries and a new limit: diff %+v, want none", resp.DetailedDiff)
	}
	if resp := diff(with(olds, "consumerAcceptLists", acceptList("c", 1))); resp.DetailedDiff["consumerAcceptLists"].Kind != p.Update {
		t.Errorf("another consumer: diff %+v, want consumerAcceptLists updated", resp.DetailedDiff)
	}
}

// EP-IP-SUPPRESS: the provider keeps the IP in state and suppresses the diff between it and an
// address reference, so neither program form replaces the endpoint.
func TestAuditEndpointIPAddressSuppression(t *testing.T) {
	t.Parallel()
	w := newPSCWorld(t, nil)
	id, state := w.cons.endpoint("ep", w.network, w.subnet, w.attLink)
	ip := state.str("ipAddress")
	oldInputs := map[string]any{"name": "ep", "loadBalancingScheme": "", "target": w.attLink, "network": w.network,
		"ipAddress": "https://www.googleapis.com/compute/v1/projects/cons-p/regions/europe-west1/addresses/ep-ip", "recreateClosedPsc": true}
	diff := func(olds, news map[string]any) p.DiffResponse {
		t.Helper()
		resp, err := w.cons.sim.Diff(context.Background(), p.DiffRequest{ID: id, Urn: urnOf(forwardingRuleToken, "ep"),
			State: props(state), OldInputs: props(olds), Inputs: props(news)})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	withIP := with(oldInputs, "ipAddress", ip)
	if resp := diff(oldInputs, withIP); resp.HasChanges {
		t.Errorf("the program now gives the IP the state holds, instead of the address reference: diff %+v, want none", resp.DetailedDiff)
	}
	if resp := diff(withIP, oldInputs); resp.HasChanges {
		t.Errorf("the program gives an address reference where state holds the IP: diff %+v, want none (InternalIpDiffSuppress)", resp.DetailedDiff)
	}
	if resp := diff(withIP, with(withIP, "ipAddress", "10.0.0.99")); resp.DetailedDiff["ipAddress"].Kind != p.UpdateReplace {
		t.Errorf("another IP: diff %+v, want ipAddress replaced", resp.DetailedDiff)
	}
}
