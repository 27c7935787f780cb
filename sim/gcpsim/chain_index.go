package gcpsim

import (
	"sort"
	"time"
)

// anyType is the type a scan of every record (State.Sorted) depends on: any change.
const anyType = "*"

// chainReads is what one evaluation of an endpoint's chain read: the records it looked up by ID
// (found or not: creating a missing one may mend the chain), the types it scanned, and the
// earliest certificate expiry it found still ahead (zero when none), after which the same state
// evaluates differently.
type chainReads struct {
	ids      map[string]bool
	types    map[string]bool
	deadline time.Time
}

// chainIndex tells which endpoints' chains a change can affect: by record ID and type, the
// endpoints whose last evaluation read it. A mutation samples those endpoints only, so that an
// operation's chain samples cost the same however many endpoints the state holds.
type chainIndex struct {
	deps   map[string]*chainReads
	byID   map[string]map[string]bool
	byType map[string]map[string]bool
	// next is the earliest deadline of deps (zero when none).
	next time.Time
}

// changeSet is what a transaction, or the journal entries of other processes, changed: the IDs
// of the records created, changed or deleted, and their types before and after.
type changeSet struct {
	ids, types map[string]bool
}

func newChangeSet() *changeSet {
	return &changeSet{ids: map[string]bool{}, types: map[string]bool{}}
}

func (c *changeSet) add(id string, records ...*Record) {
	c.ids[id] = true
	for _, r := range records {
		if r != nil {
			c.types[r.Type] = true
		}
	}
}

// isPSCEndpoint reports whether r is a forwarding rule whose target is a service attachment:
// the records whose chains are sampled (EvaluateChains).
func isPSCEndpoint(r *Record) bool {
	return r != nil && r.Type == forwardingRuleToken && isPSCTarget(r.out().str("target"))
}

// buildChainIndex evaluates every endpoint's chain in st once, to learn what each reads.
func buildChainIndex(st *State) *chainIndex {
	x := &chainIndex{deps: map[string]*chainReads{}, byID: map[string]map[string]bool{}, byType: map[string]map[string]bool{}}
	for _, r := range st.byType(forwardingRuleToken) {
		if isPSCEndpoint(r) {
			x.evaluate(st, r)
		}
	}
	return x
}

// evaluate samples one endpoint's chain at st.now and records what it read.
func (x *chainIndex) evaluate(st *State, ep *Record) ChainSample {
	x.forget(ep.ID)
	reads := &chainReads{ids: map[string]bool{ep.ID: true}, types: map[string]bool{}}
	st.reads = reads
	sample := st.evaluateChain(ep, st.now)
	st.reads = nil
	x.deps[ep.ID] = reads
	if d := reads.deadline; !d.IsZero() && (x.next.IsZero() || d.Before(x.next)) {
		x.next = d
	}
	for id := range reads.ids {
		addTo(x.byID, id, ep.ID)
	}
	for t := range reads.types {
		addTo(x.byType, t, ep.ID)
	}
	return sample
}

func addTo(m map[string]map[string]bool, key, ep string) {
	if m[key] == nil {
		m[key] = map[string]bool{}
	}
	m[key][ep] = true
}

// forget drops what the endpoint's last evaluation read.
func (x *chainIndex) forget(ep string) {
	reads := x.deps[ep]
	if reads == nil {
		return
	}
	for id := range reads.ids {
		delete(x.byID[id], ep)
		if len(x.byID[id]) == 0 {
			delete(x.byID, id)
		}
	}
	for t := range reads.types {
		delete(x.byType[t], ep)
		if len(x.byType[t]) == 0 {
			delete(x.byType, t)
		}
	}
	delete(x.deps, ep)
}

// affected returns, ordered by ID, the endpoints of st whose chains the changes can have
// changed: the endpoints changed themselves, those whose last evaluation read a changed record
// or scanned a changed type, and, with expired, those past a certificate expiry they saw ahead.
// It forgets the endpoints that are no longer endpoints.
func (x *chainIndex) affected(st *State, c *changeSet, expired bool) []*Record {
	eps := map[string]bool{}
	for id := range c.ids {
		eps[id] = true
		for ep := range x.byID[id] {
			eps[ep] = true
		}
	}
	for t := range c.types {
		for ep := range x.byType[t] {
			eps[ep] = true
		}
	}
	for ep := range x.byType[anyType] {
		eps[ep] = true
	}
	if expired && !x.next.IsZero() && !st.now.Before(x.next) {
		x.next = time.Time{}
		for ep, reads := range x.deps {
			if d := reads.deadline; !d.IsZero() && !st.now.Before(d) {
				eps[ep] = true
			} else if !d.IsZero() && (x.next.IsZero() || d.Before(x.next)) {
				x.next = d
			}
		}
	}
	var out []*Record
	for id := range eps {
		if r := st.Resources[id]; isPSCEndpoint(r) {
			out = append(out, r)
		} else {
			x.forget(id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// sampleChains samples the chains a committed transaction can have changed, after its first
// mutation; a transaction that records no mutation (an out-of-band edit) samples none, but
// the index learns what the chains it changed now read.
func (s *Store) sampleChains(st *State, c *changeSet) []ChainSample {
	after := ""
	if len(st.events) > 0 {
		e := st.events[0]
		after = e.Op + " " + e.Type + " " + e.ID
	}
	var out []ChainSample
	for _, ep := range s.chains.affected(st, c, true) {
		sample := s.chains.evaluate(st, ep)
		if after != "" {
			sample.After = after
			out = append(out, sample)
		}
	}
	return out
}
