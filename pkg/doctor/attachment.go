package doctor

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// The attachment segment: the service attachment the endpoint targets, its accept and reject
// lists and connection limits, and its NAT subnets.

// checkAttachment: the attachment exists, is the one the endpoint targets, and lists its
// connection.
func (w *walk) checkAttachment() {
	atts := w.producer.ofType(chain.ServiceAttachmentType)
	if len(atts) == 0 {
		w.broken(nil, "the producer stack "+w.producer.Stack+" holds no service attachment", "run `pulumi up` on the producer stack")
		w.stop()
		return
	}
	att := w.start
	if att == nil && w.endpoint != nil { // the attachment of the path's endpoint, deleted or not
		att = w.producer.find(chain.ServiceAttachmentType, str(w.endpoint.Outputs, "target"))
	}
	att = cmp.Or(att, atts[0])
	ep := w.liveEndpoint()
	if ep != nil {
		target := chain.RelativeName(str(ep.Outputs, "target"))
		if att = w.producer.find(chain.ServiceAttachmentType, target); att == nil {
			var ids []string
			for _, a := range atts {
				ids = append(ids, chain.RelativeName(a.ID))
			}
			which := "the producer's attachment " + ids[0]
			if len(ids) > 1 {
				which = "any of the producer's attachments " + strings.Join(ids, ", ")
			}
			w.broken(ep, fmt.Sprintf("the endpoint targets %s, which is not %s", target, which),
				"run `pulumi up` on the consumer with the producer's current `serviceAttachmentUri` (`serviceAttachmentUris` by region for a producer in several; `producerStack` follows it)")
			w.stop()
			return
		}
	}
	if att.Gone {
		w.broken(att, "the service attachment "+att.Name()+" was deleted outside Pulumi; its endpoints are CLOSED",
			"run `pulumi up` on the producer stack, then on each consumer (their endpoints are recreated)")
		w.stop()
		return
	}
	w.attachment = att
	conns := objs(att.Outputs, "connectedEndpoints")
	if ep != nil && w.connection(ep, conns) == nil {
		w.broken(att, "the attachment lists no connection from endpoint "+chain.RelativeName(ep.ID),
			"run `"+chain.RefreshOutputs+"` on both stacks; if the endpoint stays unlisted, recreate it with `pulumi up` on the consumer")
		return
	}
	w.ok(att, "%d connected endpoint(s): %s", len(conns), connectionSummary(conns))
}

// connection is the attachment's entry for an endpoint.
func (w *walk) connection(ep *Resource, conns []map[string]any) map[string]any {
	for _, c := range conns {
		if chain.RelativeName(str(c, "endpoint")) == chain.RelativeName(ep.ID) ||
			str(c, "pscConnectionId") != "" && str(c, "pscConnectionId") == str(ep.Outputs, "pscConnectionId") {
			return c
		}
	}
	return nil
}

func connectionSummary(conns []map[string]any) string {
	count := map[string]int{}
	var order []string
	for _, c := range conns {
		s := str(c, "status")
		if count[s] == 0 {
			order = append(order, s)
		}
		count[s]++
	}
	parts := []string{}
	for _, s := range order {
		parts = append(parts, fmt.Sprintf("%d %s", count[s], s))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// consumerOf is the consumer of a connected endpoint: its project, from its self link.
func consumerOf(endpoint string) string { return cmp.Or(chain.ProjectOf(endpoint), endpoint) }

// stuck lists the consumers of connections in one status.
func stuck(conns []map[string]any, status string) []string {
	var out []string
	for _, c := range conns {
		if consumer := consumerOf(str(c, "endpoint")); str(c, "status") == status && !slices.Contains(out, consumer) {
			out = append(out, consumer)
		}
	}
	return out
}

// checkAcceptList: the walked endpoint's consumer is accepted, not rejected and within its limit;
// from the producer's side alone, no consumer waits for acceptance.
func (w *walk) checkAcceptList() {
	if w.attachment == nil {
		w.unreached()
		return
	}
	att := w.attachment.Outputs
	conns := objs(att, "connectedEndpoints")
	consumer, network := "", ""
	if ep := w.liveEndpoint(); ep != nil {
		consumer, network = str(ep.Outputs, "project"), chain.RelativeName(str(ep.Outputs, "network"))
	}
	names := func(ref string) bool {
		ref = chain.RelativeName(ref)
		return ref == consumer || network != "" && ref == network
	}
	if consumer != "" && slices.ContainsFunc(strs(att, "consumerRejectLists"), names) {
		rejected := chain.StatusOf(chain.Rejected)
		w.broken(w.attachment, rejected.Cause("consumer "+consumer), rejected.Fix(consumer))
		return
	}
	if str(att, "connectionPreference") == "ACCEPT_AUTOMATIC" {
		w.ok(w.attachment, "ACCEPT_AUTOMATIC: every consumer is accepted")
		return
	}
	if consumer != "" {
		w.consumerEntry(conns, consumer, names)
		return
	}
	// Producer side alone: name the consumers waiting for acceptance.
	if pending := stuck(conns, chain.Pending); len(pending) > 0 {
		w.broken(w.attachment, "consumer(s) "+strings.Join(pending, ", ")+" are PENDING: not on the accept list, or over their connectionLimit",
			chain.StatusOf(chain.Pending).Fix(strings.Join(pending, ", ")))
		return
	}
	w.ok(w.attachment, "%d accepted consumer(s), no connection PENDING", len(objs(att, "consumerAcceptLists")))
}

// consumerEntry checks the accept-list entry of the walked endpoint's consumer and its limit.
func (w *walk) consumerEntry(conns []map[string]any, consumer string, names func(string) bool) {
	for _, e := range objs(w.attachment.Outputs, "consumerAcceptLists") {
		if !names(str(e, "projectIdOrNum")) && !names(str(e, "networkUrl")) {
			continue
		}
		limit, _ := num(e, "connectionLimit")
		accepted := 0
		for _, c := range conns {
			if str(c, "status") == chain.Accepted && consumerOf(str(c, "endpoint")) == consumer {
				accepted++
			}
		}
		if str(w.endpoint.Outputs, "pscConnectionStatus") == chain.Pending && accepted >= int(limit) {
			w.broken(w.attachment, fmt.Sprintf("consumer %s has %d accepted connection(s), its connectionLimit is %v: new endpoints stay PENDING", consumer, accepted, limit),
				fmt.Sprintf("the producer raises `connectionLimit` for %s and runs `pulumi up`; then `%s` on the consumer", consumer, chain.RefreshOutputs))
			return
		}
		w.ok(w.attachment, "%s accepted, %d of %v connection(s) used", consumer, accepted, limit)
		return
	}
	w.broken(w.attachment, "consumer "+consumer+" is not on the attachment's accept list, so its endpoint stays PENDING",
		"the producer adds "+consumer+" to `consumers` (or the consumer's stack to `consumerStacks`) and runs `pulumi up`; then `"+chain.RefreshOutputs+"` on the consumer")
}

// NATUsage counts the NAT addresses of an attachment's subnets: used (one per accepted
// connection) and capacity (the usable addresses of the subnets the side holds); missing names
// the NAT subnets the side does not hold, or holds deleted.
func NATUsage(side *Side, att *Resource) (used, capacity int, missing []string) {
	for _, c := range objs(att.Outputs, "connectedEndpoints") {
		if chain.HoldsNATAddress(str(c, "status")) {
			used++
		}
	}
	var ranges []netip.Prefix
	for _, link := range strs(att.Outputs, "natSubnets") {
		s := side.find(chain.SubnetworkType, link)
		if s == nil || s.Gone {
			missing = append(missing, chain.RelativeName(link))
			continue
		}
		p, _ := netip.ParsePrefix(str(s.Outputs, "ipCidrRange"))
		ranges = append(ranges, p)
	}
	return used, chain.NATCapacity(ranges...), missing
}

// checkNAT: the attachment's NAT subnets exist and have an address for every connection.
func (w *walk) checkNAT() {
	if w.attachment == nil {
		w.unreached()
		return
	}
	used, capacity, missing := NATUsage(w.producer, w.attachment)
	if len(missing) > 0 {
		w.broken(w.attachment, "NAT subnet(s) "+strings.Join(missing, ", ")+" of the attachment are gone",
			"run `pulumi up` on the producer stack: the component recreates its NAT subnets")
		return
	}
	waiting := stuck(objs(w.attachment.Outputs, "connectedEndpoints"), chain.NeedsAttention)
	ep := w.liveEndpoint()
	if len(waiting) > 0 || used >= capacity && capacity > 0 && ep != nil && str(ep.Outputs, "pscConnectionStatus") == chain.NeedsAttention {
		w.broken(w.attachment, fmt.Sprintf("the NAT subnets are full: %d of %d addresses used; consumer(s) %s are NEEDS_ATTENTION", used, capacity, strings.Join(waiting, ", ")),
			chain.StatusOf(chain.NeedsAttention).Fix(strings.Join(waiting, ", ")))
		return
	}
	w.ok(w.attachment, "%d of %d NAT addresses used, %d free", used, capacity, chain.NATFree(capacity, used))
}
