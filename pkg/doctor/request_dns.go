package doctor

import (
	"net/netip"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// zone is a DNS zone the client's VPC resolves in: a private zone of the consumer stack bound to
// the network, or PSC's automatic zone of an endpoint's attachment domain (PSC-AUTO-DNS).
type zone struct {
	name      string // the DNS name, lowercase, with the final dot
	resource  string
	automatic bool
	other     string            // a kind doctor does not follow (forwarding, peering)
	records   map[string]record // "name. TYPE"
}

type record struct {
	resource string
	data     []string
	assumed  string // the item of a routing policy doctor takes for the client's region, when it is not that region's
}

// resolve looks the URL's host up in the client's VPC (DNS-RESOLVE): the bound zone with the
// most specific name answers for it, a private zone before an automatic one of the same name;
// without an A record there (or a CNAME to one), the name does not resolve. An address is used
// as it is. Zones of other stacks are not seen, and doctor says so.
func (a *asked) resolve() *refusal {
	if a.url.ip.IsValid() {
		a.dest = a.url.ip
		return nil
	}
	other := func() {
		a.assume(chain.LinkDNS, "`gcloud dns managed-zones list` in the consumer's project",
			"no private zone outside the consumer stack, bound to %s, answers for %s more specifically", a.network, a.url.host)
	}
	zones := a.zones()
	name := a.url.host + "."
	for range 8 {
		z := mostSpecific(zones, name)
		if z == nil {
			other()
			return dropped(chain.LinkDNS, "DNS-RESOLVE", ErrNXDomain,
				"bind a private zone holding "+name+" to "+a.network+" (a DnsBinding with this network) and run `pulumi up` on the consumer",
				"no private zone of the consumer stack bound to %s answers for %s", a.network, name)
		}
		if z.other != "" {
			other()
			a.assume(chain.LinkDNS, "`gcloud dns managed-zones describe "+chain.NameOf(z.resource)+"`",
				"%s answers for %s through %s, which doctor does not follow: assumed to resolve it to the endpoint", z.resource, name, z.other)
			return nil
		}
		rec, kind := z.find(name)
		switch kind {
		case "":
			rule := "DNS-RESOLVE"
			if z.automatic {
				rule = "PSC-AUTO-DNS"
			}
			return dropped(chain.LinkDNS, rule, ErrNXDomain,
				"add an A record for "+name+" to the endpoint's address (the DnsBinding's hostname) and run `pulumi up` on the consumer",
				"zone %s (%s) answers for %s and holds no A record for it", z.resource, z.name, name)
		case "CNAME":
			name = strings.ToLower(rec.data[0])
			continue
		}
		for _, d := range rec.data {
			if ip, err := netip.ParseAddr(d); err == nil && ip.Is4() {
				a.dest = ip
				if !z.automatic {
					other()
					a.twins(zones, z, name)
				}
				if rec.assumed != "" {
					a.assume(chain.LinkDNS, "`dig "+name+"` from a client in "+a.req.Region,
						"the record's routing policy has no item for %s; Cloud DNS answers with the nearest geolocation item (or a weighted one), taken to be item %s", a.req.Region, rec.assumed)
				}
				a.hop(chain.LinkDNS, rec.resource, "%s A %s (zone %s)", name, ip, z.name)
				return nil
			}
		}
		return dropped(chain.LinkDNS, "DNS-RESOLVE", ErrNXDomain, "give the record the endpoint's IPv4 address and run `pulumi up` on the consumer",
			"the A record of %s holds no IPv4 address", name)
	}
	return dropped(chain.LinkDNS, "DNS-RESOLVE", ErrNXDomain, "point the name at the endpoint's address with an A record",
		"%s is a chain of more than 8 CNAMEs", a.url.host)
}

// twins names, among the assumptions, the other private zones of z's DNS name bound to the
// client's network (dnszones.go): the call follows z, the first in the stack.
func (a *asked) twins(zones []*zone, z *zone, name string) {
	var others []string
	for _, o := range zones {
		if o != z && !o.automatic && o.name == z.name {
			answer := "no A record for it"
			if r, kind := o.find(name); kind != "" {
				answer = kind + " " + strings.Join(r.data, ", ")
			}
			others = append(others, o.resource+" ("+answer+")")
		}
	}
	if len(others) > 0 {
		a.assume(chain.LinkDNS, "`gcloud dns managed-zones list --filter=\"dnsName="+z.name+"\"` and `dig "+name+"` from the client",
			"%s answers for %s, but so do %s, bound to %s too: the call follows %s, the first in the stack; keep one DnsBinding per name and network",
			z.resource, name, strings.Join(others, ", "), a.network, z.resource)
	}
}

// zones are the zones of the consumer stack bound to the client's network, then PSC's automatic
// zones of the network's endpoints (those without noAutomateDnsZone) for their attachments'
// domainNames.
func (a *asked) zones() []*zone {
	var out []*zone
	for _, mz := range a.consumer.ofType(chain.ManagedZoneType) {
		o := mz.Outputs
		if mz.Gone || !strings.EqualFold(str(o, "visibility"), "private") || !bindsNetwork(o, a.network) {
			continue
		}
		z := &zone{name: strings.ToLower(str(o, "dnsName")), resource: id(mz), records: map[string]record{}}
		switch {
		case len(sub(o, "forwardingConfig")) > 0:
			z.other = "forwarding"
		case len(sub(o, "peeringConfig")) > 0:
			z.other = "peering"
		}
		for _, rs := range a.consumer.ofType(chain.RecordSetType) {
			if rs.Gone || chain.NameOf(str(rs.Outputs, "managedZone")) != str(o, "name") {
				continue
			}
			// A routing policy answers the client's region (dnsrecord.go).
			ans, exact := answerFor(rs.Outputs, a.req.Region)
			rec := record{resource: id(rs), data: ans.addresses}
			if !exact {
				rec.assumed = firstNonEmpty(ans.location, "the first")
			}
			z.records[strings.ToLower(str(rs.Outputs, "name"))+" "+str(rs.Outputs, "type")] = rec
		}
		out = append(out, z)
	}
	auto := map[string]*zone{}
	var order []string
	for _, ep := range a.endpoints() {
		if boolean(ep.Outputs, "noAutomateDnsZone") {
			continue
		}
		att := live(a.producer, chain.ServiceAttachmentType, str(ep.Outputs, "target"))
		if att == nil {
			continue
		}
		for _, d := range strs(att.Outputs, "domainNames") {
			d = strings.ToLower(d)
			if auto[d] == nil {
				auto[d] = &zone{name: d, resource: id(ep), automatic: true, records: map[string]record{}}
				order = append(order, d)
			}
			auto[d].records[strings.ToLower(firstNonEmpty(str(ep.Outputs, "name"), chain.NameOf(ep.ID)))+"."+d+" A"] =
				record{resource: id(ep), data: []string{str(ep.Outputs, "ipAddress")}}
		}
	}
	for _, d := range order {
		out = append(out, auto[d])
	}
	return out
}

func bindsNetwork(zone map[string]any, network string) bool {
	for _, n := range objs(sub(zone, "privateVisibilityConfig"), "networks") {
		if chain.RelativeName(str(n, "networkUrl")) == network {
			return true
		}
	}
	return false
}

// mostSpecific is the zone with the longest name that holds name; a private zone before an
// automatic one of the same name.
func mostSpecific(zones []*zone, name string) *zone {
	var best *zone
	for _, z := range zones {
		if name != z.name && !strings.HasSuffix(name, "."+z.name) {
			continue
		}
		if best == nil || len(z.name) > len(best.name) || len(z.name) == len(best.name) && best.automatic && !z.automatic {
			best = z
		}
	}
	return best
}

// find is name's A or CNAME record in the zone, else the nearest wildcard record above it.
func (z *zone) find(name string) (record, string) {
	for n := name; ; {
		for _, kind := range []string{"A", "CNAME"} {
			key := n + " " + kind
			if n != name {
				key = "*." + n + " " + kind
			}
			if r, ok := z.records[key]; ok && len(r.data) > 0 {
				return r, kind
			}
		}
		if n == z.name {
			return record{}, ""
		}
		_, parent, _ := strings.Cut(n, ".")
		if parent == "" || len(parent) < len(z.name) {
			return record{}, ""
		}
		n = parent
	}
}
