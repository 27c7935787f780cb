package gcpsim

import (
	"fmt"
	"testing"
)

// scaleWorld is the bench's scale graph (bench/spec) in the simulator: one producer whose
// attachment accepts the consumer project, and a consumer VPC whose endpoints each have an
// address, a PSC forwarding rule, a private zone and an A record.
type scaleWorld struct {
	prod, cons      *harness
	att, cvpc, csub string
	n               int
}

func newScaleWorld(tb testing.TB) *scaleWorld {
	tb.Helper()
	prod := newHarness(tb, producerProject)
	ids := prod.producer()
	att, _ := prod.mustCreate(serviceAttachmentToken, "att", attachmentInputs(ids, map[string]any{
		"consumerAcceptLists": []any{map[string]any{"projectIdOrNum": consumerProject, "connectionLimit": 5000.0}},
	}))
	w := &scaleWorld{prod: prod, att: att, cons: attach(tb, prod.dir, consumerProject)}
	w.cvpc, _ = w.cons.mustCreate(networkToken, "cvpc", map[string]any{"name": "cvpc", "autoCreateSubnetworks": false})
	w.csub, _ = w.cons.mustCreate(subnetworkToken, "cvpc-sub", map[string]any{"name": "cvpc-sub", "network": w.cvpc, "ipCidrRange": "10.0.0.0/16"})
	return w
}

// addEndpoint creates the next endpoint with its zone and record: four resources.
func (w *scaleWorld) addEndpoint() {
	name := fmt.Sprintf("ep%d", w.n)
	w.n++
	_, ep := w.cons.endpoint(name, w.cvpc, w.csub, selfLinkOf(w.att))
	zone := name + "-zone"
	w.cons.mustCreate(managedZoneToken, zone, map[string]any{"name": zone, "dnsName": name + ".internal.", "visibility": "private",
		"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": w.cvpc}}}})
	w.cons.mustCreate(recordSetToken, name+"-record", map[string]any{"managedZone": zone, "name": name + ".internal.", "type": "A", "rrdatas": []any{ep.str("ipAddress")}})
}

// BenchmarkScaleEndpoints adds endpoints (four resources each) to a world that grows with b.N,
// as an `up` of the bench's scale section does: run with -cpuprofile to see where an
// operation's time goes when the simulator holds many resources.
func BenchmarkScaleEndpoints(b *testing.B) {
	check := afterCommit
	afterCommit = nil // the check reads the whole state after every Update
	defer func() { afterCommit = check }()
	w := newScaleWorld(b)
	for b.Loop() {
		w.addEndpoint()
	}
}

// A mutation samples the chains it can change, not every chain: creating an address no chain
// reads samples none, and creating an endpoint samples that endpoint only, whether the state
// holds 2 endpoints or 20.
func TestMutationSamplesOnlyTheChainsItAffects(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2, 20} {
		w := newScaleWorld(t)
		for range n {
			w.addEndpoint()
		}
		timeline := func() int {
			samples, err := w.cons.sim.Store().ChainTimeline()
			if err != nil {
				t.Fatal(err)
			}
			return len(samples)
		}
		before := timeline()
		w.cons.mustCreate(addressToken, "spare", map[string]any{"name": "spare", "addressType": "INTERNAL", "subnetwork": w.csub})
		if got := timeline() - before; got != 0 {
			t.Errorf("with %d endpoints, creating an address no chain reads took %d samples, want 0", n, got)
		}
		before = timeline()
		w.addEndpoint()
		if got := timeline() - before; got != 1 {
			t.Errorf("with %d endpoints, creating one more (address, rule, zone, record) took %d samples, want 1", n, got)
		}
	}
}
