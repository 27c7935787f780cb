package doctor

import "slices"

// A DNS record's answers. A plain record answers every client with its rrdatas; a record with a
// routing policy (google_dns_record_set.routing_policy: exactly one of wrr, geo, primary_backup)
// answers from its items: a geolocation policy with the item of the client's region, else the
// nearest item; Cloud DNS health-checks only internal load balancers and external endpoints, and
// fails over only among those (https://cloud.google.com/dns/docs/routing-policies-overview).

// answer is one item of a routing policy (or the plain record, with no location).
type answer struct {
	location  string   // the region of a geo item; "" otherwise
	addresses []string // the addresses it answers with
	checked   bool     // whether Cloud DNS health-checks its targets
}

// answers are a record's items: the plain record's one, or its routing policy's.
func answers(rec map[string]any) []answer {
	pol := sub(rec, "routingPolicy")
	if len(pol) == 0 {
		return []answer{{addresses: strs(rec, "rrdatas")}}
	}
	var out []answer
	for _, g := range objs(pol, "geos") {
		out = append(out, item(g, str(g, "location")))
	}
	for _, w := range objs(pol, "wrrs") {
		out = append(out, item(w, ""))
	}
	if pb := sub(pol, "primaryBackup"); len(pb) > 0 {
		out = append(out, item(map[string]any{"healthCheckedTargets": sub(pb, "primary")}, ""))
		for _, g := range objs(pb, "backupGeos") {
			out = append(out, item(g, str(g, "location")))
		}
	}
	return out
}

// item is one geo, wrr or backup item: its rrdatas, or the addresses of its health-checked
// internal load balancers.
func item(o map[string]any, location string) answer {
	a := answer{location: location, addresses: strs(o, "rrdatas")}
	targets := sub(o, "healthCheckedTargets")
	for _, lb := range objs(targets, "internalLoadBalancers") {
		a.addresses, a.checked = append(a.addresses, str(lb, "ipAddress")), true
	}
	if eps := strs(targets, "externalEndpoints"); len(eps) > 0 {
		a.addresses, a.checked = append(a.addresses, eps...), true
	}
	return a
}

// recordAddresses are every address a record may answer with.
func recordAddresses(rec map[string]any) []string {
	var out []string
	for _, a := range answers(rec) {
		for _, ip := range a.addresses {
			if !slices.Contains(out, ip) {
				out = append(out, ip)
			}
		}
	}
	return out
}

// answerFor is what a record answers clients of region: its rrdatas (exact), the geo item of the
// region when the record has one (exact), else its first item: Cloud DNS answers with the
// nearest geo item or one weighted item, which doctor does not compute.
func answerFor(rec map[string]any, region string) (a answer, exact bool) {
	all := answers(rec)
	for _, x := range all {
		if x.location != "" && x.location == region {
			return x, true
		}
	}
	if len(all) == 0 {
		return answer{}, false
	}
	return all[0], len(sub(rec, "routingPolicy")) == 0
}
