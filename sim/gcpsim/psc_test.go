package gcpsim

import (
	"context"
	"fmt"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
)

// pscWorld is a producer stack and a consumer stack: two provider instances (two
// engines) sharing one state directory.
type pscWorld struct {
	prod, cons       *harness
	ids              map[string]string
	attID, attLink   string
	network, subnet  string
	attachmentInputs map[string]any
}

func newPSCWorld(t *testing.T, extra map[string]any) *pscWorld {
	t.Helper()
	prod := newHarness(t, producerProject)
	w := &pscWorld{prod: prod, ids: prod.producer()}
	w.attachmentInputs = attachmentInputs(w.ids, extra)
	w.attID, _ = prod.mustCreate(serviceAttachmentToken, "att", w.attachmentInputs)
	w.attLink = selfLinkOf(w.attID)
	w.cons = attach(t, prod.dir, consumerProject)
	w.network, w.subnet = w.cons.consumer("cvpc")
	return w
}

func (w *pscWorld) status(t *testing.T, id string) string {
	t.Helper()
	_, out := w.cons.read(forwardingRuleToken, id)
	return out.str("pscConnectionStatus")
}

func (w *pscWorld) updateAttachment(t *testing.T, extra map[string]any) {
	t.Helper()
	news := attachmentInputs(w.ids, extra)
	if _, err := w.prod.update(serviceAttachmentToken, w.attID, w.attachmentInputs, news); err != nil {
		t.Fatalf("updating the attachment: %v", err)
	}
	w.attachmentInputs = news
}

func acceptList(project string, limit float64) []any {
	return []any{map[string]any{"projectIdOrNum": project, "connectionLimit": limit}}
}

func TestPSCEndpointAcceptedAcrossStacks(t *testing.T) {
	t.Parallel()
	w := newPSCWorld(t, nil)
	epID, ep := w.cons.endpoint("ep", w.network, w.subnet, w.attLink)
	if ep.str("pscConnectionStatus") != StatusAccepted || ep.str("pscConnectionId") == "" || ep.str("ipAddress") != "10.0.0.2" {
		t.Fatalf("endpoint outputs: status %q id %q ip %q", ep.str("pscConnectionStatus"), ep.str("pscConnectionId"), ep.str("ipAddress"))
	}
	_, att := w.prod.read(serviceAttachmentToken, w.attID)
	eps := att.objs("connectedEndpoints")
	if len(eps) != 1 || eps[0].str("status") != StatusAccepted || eps[0].str("endpoint") != selfLinkOf(epID) ||
		eps[0].str("consumerNetwork") != selfLinkOf(w.network) || eps[0].str("pscConnectionId") != ep.str("pscConnectionId") {
		t.Fatalf("connectedEndpoints = %v", eps)
	}
}

func TestPSCStatusFromPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		extra map[string]any
		want  string
	}{
		{"project not accepted", map[string]any{"consumerAcceptLists": acceptList("someone-else", 5)}, StatusPending},
		{"project number accepted", map[string]any{"consumerAcceptLists": acceptList(formatInt(ProjectNumber(consumerProject)), 5)}, StatusAccepted},
		{"network accepted", map[string]any{"consumerAcceptLists": []any{map[string]any{"networkUrl": "projects/cons-p/global/networks/cvpc", "connectionLimit": 5.0}}}, StatusAccepted},
		{"other network", map[string]any{"consumerAcceptLists": []any{map[string]any{"networkUrl": "projects/cons-p/global/networks/other", "connectionLimit": 5.0}}}, StatusPending},
		{"rejected", map[string]any{"consumerAcceptLists": acceptList("x", 1), "consumerRejectLists": []any{consumerProject}}, StatusRejected},
		{"automatic", map[string]any{"connectionPreference": "ACCEPT_AUTOMATIC", "consumerAcceptLists": []any{}}, StatusAccepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newPSCWorld(t, tt.extra)
			_, ep := w.cons.endpoint("ep", w.network, w.subnet, w.attLink)
			if got := ep.str("pscConnectionStatus"); got != tt.want {
				t.Fatalf("status = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPSCConnectionLimitKeepsExtraEndpointsPending(t *testing.T) {
	t.Parallel()
	w := newPSCWorld(t, map[string]any{"consumerAcceptLists": acceptList(consumerProject, 1)})
	first, _ := w.cons.endpoint("ep1", w.network, w.subnet, w.attLink)
	second, _ := w.cons.endpoint("ep2", w.network, w.subnet, w.attLink)
	if a, b := w.status(t, first), w.status(t, second); a != StatusAccepted || b != StatusPending {
		t.Fatalf("statuses = %s, %s; want ACCEPTED, PENDING", a, b)
	}
	// Raising the limit admits the pending endpoint: list changes affect PENDING endpoints.
	w.updateAttachment(t, map[string]any{"consumerAcceptLists": acceptList(consumerProject, 2)})
	if got := w.status(t, second); got != StatusAccepted {
		t.Fatalf("after raising the limit: %s, want ACCEPTED", got)
	}
}

// TestPSCAcceptListChangeWithReconcile: with reconcileConnections on, list changes re-evaluate
// accepted endpoints too (SA-RECONCILE): accepting a consumer admits it, dropping it from the
// accept list makes it PENDING again (SA-RECONCILE-REMOVED), rejecting it makes it REJECTED.
func TestPSCAcceptListChangeWithReconcile(t *testing.T) {
	t.Parallel()
	w := newPSCWorld(t, map[string]any{"consumerAcceptLists": acceptList("nobody", 1), "reconcileConnections": true})
	ep, _ := w.cons.endpoint("ep", w.network, w.subnet, w.attLink)
	if got := w.status(t, ep); got != StatusPending {
		t.Fatalf("before: %s, want PENDING", got)
	}
	steps := []struct {
		step   string
		policy map[string]any
		want   string
	}{
		{"accepting the consumer", map[string]any{"consumerAcceptLists": acceptList(consumerProject, 1)}, StatusAccepted},
		{"dropping it from the accept list", map[string]any{"consumerAcceptLists": acceptList("nobody", 1)}, StatusPending},
		{"accepting it again", map[string]any{"consumerAcceptLists": acceptList(consumerProject, 1)}, StatusAccepted},
		{"rejecting it", map[string]any{"consumerAcceptLists": acceptList("nobody", 1), "consumerRejectLists": []any{consumerProject}}, StatusRejected},
	}
	for _, s := range steps {
		s.policy["reconcileConnections"] = true
		w.updateAttachment(t, s.policy)
		if got := w.status(t, ep); got != s.want {
			t.Fatalf("after %s: %s, want %s (seen by the consumer's refresh)", s.step, got, s.want)
		}
	}
}

func TestPSCWithoutReconcileAcceptedEndpointsStay(t *testing.T) {
	t.Parallel()
	w := newPSCWorld(t, nil)
	ep, _ := w.cons.endpoint("ep", w.network, w.subnet, w.attLink)
	w.updateAttachment(t, map[string]any{"consumerAcceptLists": acceptList("nobody", 1), "consumerRejectLists": []any{consumerProject}})
	if got := w.status(t, ep); got != StatusAccepted {
		t.Fatalf("status = %s; without reconcileConnections an ACCEPTED endpoint stays ACCEPTED", got)
	}
	late, _ := w.cons.endpoint("late", w.network, w.subnet, w.attLink)
	if got := w.status(t, late); got != StatusRejected {
		t.Fatalf("new endpoint = %s, want REJECTED by the new policy", got)
	}
}

func TestPSCNATExhaustionNeedsAttention(t *testing.T) {
	t.Parallel()
	// The /29 NAT subnet has 8 - 4 reserved = 4 usable addresses: one per endpoint.
	w := newPSCWorld(t, map[string]any{"connectionPreference": "ACCEPT_AUTOMATIC", "consumerAcceptLists": []any{}})
	var ids []string
	for _, name := range []string{"e1", "e2", "e3", "e4", "e5"} {
		id, _ := w.cons.endpoint(name, w.network, w.subnet, w.attLink)
		ids = append(ids, id)
	}
	if got := w.status(t, ids[4]); got != StatusNeedsAttention {
		t.Fatalf("fifth endpoint = %s, want NEEDS_ATTENTION", got)
	}
	// Adding a NAT subnet later fixes it without disrupting the others.
	nat2, _ := w.prod.mustCreate(subnetworkToken, "nat2", map[string]any{"name": "nat2", "network": w.ids["network"], "ipCidrRange": "10.0.3.0/29", "purpose": "PRIVATE_SERVICE_CONNECT"})
	w.updateAttachment(t, map[string]any{"connectionPreference": "ACCEPT_AUTOMATIC", "consumerAcceptLists": []any{}, "natSubnets": []any{w.ids["nat"], nat2}})
	for i, id := range ids {
		if got := w.status(t, id); got != StatusAccepted {
			t.Errorf("endpoint %d = %s after adding a NAT subnet, want ACCEPTED", i+1, got)
		}
	}
}

func TestPSCDeletingTheAttachmentClosesEndpoints(t *testing.T) {
	t.Parallel()
	w := newPSCWorld(t, nil)
	ep, _ := w.cons.endpoint("ep", w.network, w.subnet, w.attLink)
	if err := w.prod.del(serviceAttachmentToken, w.attID); err != nil {
		t.Fatalf("an attachment with endpoints can be deleted: %v", err)
	}
	if got := w.status(t, ep); got != StatusClosed {
		t.Fatalf("status = %s, want CLOSED", got)
	}
	// recreateClosedPsc makes the next update replace the endpoint.
	_, state := w.cons.read(forwardingRuleToken, ep)
	inputs := map[string]any{"name": "ep", "loadBalancingScheme": "", "target": w.attLink, "network": w.network, "ipAddress": "x", "recreateClosedPsc": true}
	diff, err := w.cons.sim.Diff(context.Background(), p.DiffRequest{ID: ep, Urn: urnOf(forwardingRuleToken, "ep"),
		State: props(state), OldInputs: props(inputs), Inputs: props(inputs)})
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := diff.DetailedDiff["pscConnectionStatus"]; !ok || d.Kind != p.UpdateReplace {
		t.Fatalf("diff of a CLOSED endpoint with recreateClosedPsc = %+v, want a replacement", diff)
	}
}

func TestPSCEndpointIPDoesNotCareAboutProducerRanges(t *testing.T) {
	t.Parallel()
	// Producer and consumer both use 10.0.0.0/24: PSC does not care about overlaps.
	w := newPSCWorld(t, nil)
	_, ep := w.cons.endpoint("ep", w.network, w.subnet, w.attLink)
	_, rule := w.prod.read(forwardingRuleToken, w.ids["rule"])
	if ep.str("ipAddress") != rule.str("ipAddress") {
		t.Fatalf("want the same IP on both sides, got %s and %s", ep.str("ipAddress"), rule.str("ipAddress"))
	}
}

func TestConnectionsByNameOrURI(t *testing.T) {
	t.Parallel()
	w := newPSCWorld(t, nil)
	w.cons.endpoint("ep", w.network, w.subnet, w.attLink)
	st, err := w.prod.sim.Store().Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"att", w.attID, w.attLink} {
		conns, err := st.Connections(ref)
		if err != nil || len(conns) != 1 || conns[0].Status != StatusAccepted || conns[0].Project != consumerProject || conns[0].IPAddress != "10.0.0.2" {
			t.Errorf("Connections(%q) = %+v, %v", ref, conns, err)
		}
	}
}

// SA-NAT-LIST-ORDER (TPG#25913): the API returns natSubnets and consumerRejectLists in an order
// of its own, the same whichever order the program sent, and the provider diffs its ordered list
// against it: with two NAT subnets, one of the two orders a program can send shows a change on
// the next preview, forever, and the other none.
func TestPSCListsComeBackInTheAPIsOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	ids := h.producer()
	nat2, _ := h.mustCreate(subnetworkToken, "nat2", map[string]any{"name": "nat2", "network": "vpc", "ipCidrRange": "10.0.3.0/29", "purpose": "PRIVATE_SERVICE_CONNECT"})
	orders := [][]any{{ids["nat"], nat2}, {nat2, ids["nat"]}}
	rejects := [][]any{{"reject-a", "reject-b"}, {"reject-b", "reject-a"}}
	var returned []any
	lastID := ""
	diffs := map[string]int{}
	for i, nats := range orders {
		in := attachmentInputs(ids, map[string]any{"name": fmt.Sprintf("att%d", i), "natSubnets": nats, "consumerAcceptLists": []any{},
			"consumerRejectLists": rejects[i]})
		if i == 1 {
			// The NAT subnets of the first attachment are taken: a second attachment needs its own.
			if err := h.del(serviceAttachmentToken, lastID); err != nil {
				t.Fatal(err)
			}
		}
		id, out := h.mustCreate(serviceAttachmentToken, fmt.Sprintf("att%d", i), in)
		lastID = id
		got := out.list("natSubnets")
		if returned != nil && fmt.Sprint(got) != fmt.Sprint(returned) {
			t.Errorf("the API returned natSubnets as %v for one order and %v for the other: it must keep one order for one set", returned, got)
		}
		returned = got
		resp, err := h.sim.Diff(context.Background(), p.DiffRequest{ID: id, Urn: urnOf(serviceAttachmentToken, fmt.Sprintf("att%d", i)),
			State: props(out), OldInputs: props(in), Inputs: props(in)})
		if err != nil {
			t.Fatal(err)
		}
		for key := range resp.DetailedDiff {
			diffs[key]++
		}
	}
	if diffs["natSubnets"] != 1 || diffs["consumerRejectLists"] != 1 || len(diffs) != 2 {
		t.Errorf("of the two orders, exactly one must diff on natSubnets and on consumerRejectLists; diffs: %v", diffs)
	}
}
