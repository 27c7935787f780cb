package doctor

import (
	"maps"
	"slices"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// path is where one walk of the chain starts. A producer in several regions has an attachment
// per region, each on the global forwarding rule of its region, and a consumer may have an
// endpoint per region: doctor walks each region's chain, from the endpoint the region's clients
// use to the attachment it targets and on to that region's NEG and Cloud Run service; an
// attachment no endpoint of the consumer stack targets (or every one, with the producer alone)
// is walked from the attachment.
type path struct {
	region     string
	endpoint   *Resource // the endpoint the region's clients use; nil on an attachment's path
	attachment *Resource // the attachment the path starts at when it has no endpoint
	elsewhere  bool      // the consumer stack has endpoints, none on this path
}

// paths are the walks to make, ordered by region: one per region of the consumer's endpoints,
// then one per attachment of the producer in a region no endpoint is in (every attachment, with
// the producer alone). There is always one, if only an empty one, so every report lists every
// link. elsewhere says that the consumer stack has endpoints on another chain (chains.go).
func paths(producer, consumer *Side, elsewhere bool) []path {
	var out []path
	eps := pscEndpoints(consumer)
	byRegion := map[string][]*Resource{}
	for _, ep := range eps {
		byRegion[regionOf(ep)] = append(byRegion[regionOf(ep)], ep)
	}
	for _, region := range slices.Sorted(maps.Keys(byRegion)) {
		out = append(out, path{region: region, endpoint: pick(consumer, byRegion[region])})
	}
	for _, att := range producer.ofType(chain.ServiceAttachmentType) {
		if _, walked := byRegion[regionOf(att)]; !walked || consumer == nil {
			out = append(out, path{region: regionOf(att), attachment: att, elsewhere: len(eps) > 0 || elsewhere})
		}
	}
	slices.SortStableFunc(out, func(a, b path) int { return strings.Compare(a.region, b.region) })
	if len(out) == 0 {
		out = append(out, path{elsewhere: elsewhere})
	}
	return out
}

// pscEndpoints are the consumer's forwarding rules whose target is a service attachment.
func pscEndpoints(consumer *Side) []*Resource {
	var out []*Resource
	for _, r := range consumer.ofType(chain.ForwardingRuleType) {
		if isPSCEndpoint(r) {
			out = append(out, r)
		}
	}
	return out
}

// isPSCEndpoint reports whether a forwarding rule is a Private Service Connect endpoint: its
// target is a service attachment (or it is gone, its target unknown).
func isPSCEndpoint(r *Resource) bool {
	return strings.Contains(str(r.Outputs, "target"), "/serviceAttachments/") || r.Gone
}

// pick is the endpoint clients use: the one a DNS record names, else the one an egress rule
// opens, else the first.
func pick(consumer *Side, eps []*Resource) *Resource {
	for _, rec := range consumer.ofType(chain.RecordSetType) {
		for _, ep := range eps {
			if slices.Contains(recordAddresses(rec.Outputs), str(ep.Outputs, "ipAddress")) {
				return ep
			}
		}
	}
	for _, f := range consumer.ofType(chain.FirewallType) {
		for _, ep := range eps {
			if slices.ContainsFunc(strs(f.Outputs, "destinationRanges"), func(r string) bool { return covers(r, str(ep.Outputs, "ipAddress")) }) {
				return ep
			}
		}
	}
	return eps[0]
}

// regionsOf are the distinct regions of resources, sorted.
func regionsOf(rs []*Resource) []string {
	var out []string
	for _, r := range rs {
		if reg := regionOf(r); reg != "" && !slices.Contains(out, reg) {
			out = append(out, reg)
		}
	}
	slices.Sort(out)
	return out
}
