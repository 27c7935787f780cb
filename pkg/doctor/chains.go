package doctor

import (
	"slices"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// A stack may hold several chains: two ProducerServices, two ConsumerEndpoints, two DnsBindings.
// doctor walks each chain on its own, over the resources of its components: a ConsumerEndpoint
// with the ProducerService whose attachment its endpoints target, and a DnsBinding with the
// endpoint(s) whose IPs its record answers (every address of the record, rrdatas or routing
// policy items, compared as a set). A resource outside every component (a VPC, a firewall rule)
// belongs to every chain of its stack.

// chainOf is one chain to walk: the part of each stack that is its own.
type chainOf struct {
	name               string // the components by URN name, "" when the stacks hold at most one of each
	producer, consumer *Side
	elsewhere          bool // the consumer stack has endpoints, none of them on this chain
}

// group is a component and the resources it owns of one type (attachments, endpoints, records).
type group struct {
	comp *Resource // nil for the resources outside every component of its kind
	kids []*Resource
}

// chains are the chains to walk, in the stacks' order: one per endpoint (a ConsumerEndpoint's
// forwarding rules) and DnsBinding that answers it (or without one), then one per producer no
// endpoint of the consumer stack targets. A DnsBinding whose record answers no endpoint (edited,
// say) is walked with the first endpoint no other DnsBinding answers, else the first endpoint,
// so that its link says what it answers instead. With at most one component of each kind, one
// chain over the whole stacks, as doctor always walked.
func chains(producer, consumer *Side) []chainOf {
	prods := producer.ofType(chain.ProducerServiceType)
	eps := consumer.ofType(chain.ConsumerEndpointType)
	bindings := consumer.ofType(chain.DnsBindingType)
	if len(prods) <= 1 && len(eps) <= 1 && len(bindings) <= 1 {
		return []chainOf{{name: chainName(first(prods), first(eps), first(bindings)), producer: producer, consumer: consumer}}
	}
	pg := groups(producer, prods, chain.ServiceAttachmentType, func(*Resource) bool { return true })
	eg := groups(consumer, eps, chain.ForwardingRuleType, isPSCEndpoint)
	dg := groups(consumer, bindings, chain.RecordSetType, func(r *Resource) bool { return str(r.Outputs, "type") == "A" || r.Gone })
	named := make([][]*Resource, len(eg)) // the DnsBindings of each endpoint group
	var unmatched, alone []*Resource
	for _, d := range dg {
		if d.comp == nil {
			continue
		}
		matched := false
		for i, e := range eg {
			if answersEndpoints(d, e) {
				named[i], matched = append(named[i], d.comp), true
			}
		}
		if !matched {
			unmatched = append(unmatched, d.comp)
		}
	}
	for _, d := range unmatched {
		i := slices.IndexFunc(named, func(ds []*Resource) bool { return len(ds) == 0 })
		switch {
		case len(eg) == 0:
			alone = append(alone, d)
			continue
		case i < 0:
			i = 0
		}
		named[i] = append(named[i], d)
	}
	var out []chainOf
	walked := map[*Resource]bool{} // the producers an endpoint's chain walks
	for i, e := range eg {
		p := targeted(pg, e)
		if p != nil {
			walked[p.comp] = true
		}
		ds := named[i]
		if len(ds) == 0 {
			ds = []*Resource{nil}
		}
		for _, d := range ds {
			out = append(out, chainOf{name: chainName(compOf(p), e.comp, d), producer: producerPart(producer, p), consumer: only(consumer, e.comp, d)})
		}
	}
	for _, d := range alone { // a consumer stack without endpoints: its links say so
		out = append(out, chainOf{name: chainName(nil, nil, d), consumer: only(consumer, nil, d)})
	}
	for i := range pg {
		if p := &pg[i]; p.comp != nil && !walked[p.comp] {
			c := chainOf{name: chainName(p.comp, nil, nil), producer: producerPart(producer, p), elsewhere: len(eg) > 0}
			if consumer != nil {
				c.consumer = only(consumer, nil, nil)
			}
			out = append(out, c)
		}
	}
	return out
}

func first(rs []*Resource) *Resource {
	if len(rs) == 0 {
		return nil
	}
	return rs[0]
}

func compOf(g *group) *Resource {
	if g == nil {
		return nil
	}
	return g.comp
}

// chainName names a chain by its components' URN names.
func chainName(p, e, d *Resource) string {
	var parts []string
	for _, c := range []struct {
		kind string
		r    *Resource
	}{{"ProducerService", p}, {"ConsumerEndpoint", e}, {"DnsBinding", d}} {
		if c.r != nil {
			parts = append(parts, c.kind+" "+c.r.Name())
		}
	}
	return strings.Join(parts, " → ")
}

// groups are the resources of token that pass keep, by the component among comps that owns them;
// a last group (comp nil) holds those no component owns, when there are some.
func groups(side *Side, comps []*Resource, token string, keep func(*Resource) bool) []group {
	byComp := map[*Resource]*group{}
	out := make([]group, len(comps))
	for i, c := range comps {
		out[i].comp = c
		byComp[c] = &out[i]
	}
	var loose group
	owners := side.owners(comps)
	for _, r := range side.ofType(token) {
		if !keep(r) {
			continue
		}
		if g := byComp[owners[r]]; g != nil {
			g.kids = append(g.kids, r)
		} else {
			loose.kids = append(loose.kids, r)
		}
	}
	if len(loose.kids) > 0 {
		out = append(out, loose)
	}
	return out
}

// owners maps each resource of the side to the component among comps that it is, or descends
// from (by its parent URNs); a resource of no component is not in the map.
func (s *Side) owners(comps []*Resource) map[*Resource]*Resource {
	if s == nil {
		return nil
	}
	byURN := map[string]*Resource{}
	for _, x := range s.Resources {
		byURN[x.URN] = x
	}
	out := map[*Resource]*Resource{}
	for _, r := range s.Resources {
		for x, hops := r, 0; x != nil && hops <= len(s.Resources); x, hops = byURN[x.Parent], hops+1 {
			if slices.Contains(comps, x) {
				out[r] = x
				break
			}
		}
	}
	return out
}

// targeted is the producer whose attachments the endpoints of e target: the first that holds
// one; else, with one producer, that one (the attachment link then says the target is wrong);
// else nil, and the chain reads the whole producer stack.
func targeted(pg []group, e group) *group {
	for i := range pg {
		for _, att := range pg[i].kids {
			for _, ep := range e.kids {
				if chain.RelativeName(str(ep.Outputs, "target")) == chain.RelativeName(att.ID) {
					return &pg[i]
				}
			}
		}
	}
	if len(pg) == 1 {
		return &pg[0]
	}
	return nil
}

// answersEndpoints reports whether a DnsBinding's record answers with an IP of an endpoint of e: the
// record's addresses (rrdatas, or every item of its routing policy) and the endpoints' IPs
// compared as sets.
func answersEndpoints(d, e group) bool {
	for _, rec := range d.kids {
		addresses := recordAddresses(rec.Outputs)
		for _, ep := range e.kids {
			if ip := str(ep.Outputs, "ipAddress"); ip != "" && slices.Contains(addresses, ip) {
				return true
			}
		}
	}
	return false
}

// producerPart is the producer stack without the resources of its other ProducerServices; the
// whole stack when p is nil or the stack is not read.
func producerPart(producer *Side, p *group) *Side {
	if producer == nil || p == nil || p.comp == nil {
		return producer
	}
	comps := producer.ofType(chain.ProducerServiceType)
	return producer.without(comps, p.comp)
}

// only is the consumer stack without the resources of its ConsumerEndpoints other than e and its
// DnsBindings other than d (nil keeps none of that kind).
func only(consumer *Side, e, d *Resource) *Side {
	if consumer == nil {
		return nil
	}
	comps := append(consumer.ofType(chain.ConsumerEndpointType), consumer.ofType(chain.DnsBindingType)...)
	var keep []*Resource
	for _, c := range []*Resource{e, d} {
		if c != nil {
			keep = append(keep, c)
		}
	}
	return consumer.without(comps, keep...)
}

// without is the side less the resources owned by the components of comps not in keep.
func (s *Side) without(comps []*Resource, keep ...*Resource) *Side {
	out := &Side{Stack: s.Stack}
	owners := s.owners(comps)
	for _, r := range s.Resources {
		if o := owners[r]; o == nil || slices.Contains(keep, o) {
			out.Resources = append(out.Resources, r)
		}
	}
	return out
}
