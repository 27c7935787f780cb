package gcpsim

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
)

// maxCNAMEChain bounds the CNAMEs a lookup follows (DNS-RESOLVE).
const maxCNAMEChain = 8

// dnsZone is a zone the client's VPC resolves names in: a Cloud DNS private zone bound to the
// network, or the Service Directory zone of PSC's automatic DNS (PSC-AUTO-DNS).
type dnsZone struct {
	dnsName  string // with the final dot, lowercase
	resource string // the zone's ID, or the domain's first endpoint for a Service Directory zone
	kind     string // "private zone" or "Service Directory zone"
	// unsupported names a zone kind the simulator does not resolve in (forwarding, peering).
	unsupported string
	records     map[string]dnsRecord // "NAME TYPE" → record
}

type dnsRecord struct {
	resource string
	rrdatas  []string
	geos     []obj // a geo routing policy's items (DNS-GEO), when the record has one
}

// resolve turns the URL's host into the destination address (DNS-RESOLVE): an address is
// used as it is; a name is looked up in the zones of the client's VPC.
func (c *call) resolve() (*refusal, error) {
	if c.url.ip.IsValid() {
		c.dest = c.url.ip
		c.res.Destination = c.dest.String()
		return nil, nil
	}
	zones := c.st.vpcZones(c.network.ID)
	name := c.url.host + "."
	for range maxCNAMEChain {
		zone := mostSpecificZone(zones, name)
		if zone == nil {
			return refuse(LinkDNS, "DNS-RESOLVE", ErrNXDomain, "no private zone bound to %s answers for %s (the simulator resolves no internet names)", c.network.ID, name), nil
		}
		if zone.unsupported != "" {
			return nil, fmt.Errorf("gcpsim: %s resolves in %s %s, a %s zone, which the simulator does not emulate", name, zone.kind, zone.resource, zone.unsupported)
		}
		if twins := sameNameZones(zones, zone); len(twins) > 1 {
			return nil, fmt.Errorf("gcpsim: %s is answered by %d private zones of that DNS name bound to %s (%s): Google documents that the most specific zone answers, not which of two of the same name does, and the simulator does not guess (DNS-TWIN-ZONES)",
				name, len(twins), c.network.ID, strings.Join(twins, ", "))
		}
		rec, rtype := zone.lookup(name)
		switch rtype {
		case "":
			rule := "DNS-RESOLVE"
			if zone.kind == sdZoneKind {
				rule = "PSC-AUTO-DNS"
			}
			return refuse(LinkDNS, rule, ErrNXDomain, "%s %s (%s) holds no A record for %s", zone.kind, zone.resource, zone.dnsName, name), nil
		case "CNAME":
			name = strings.ToLower(rec.rrdatas[0])
			continue
		}
		if len(rec.geos) > 0 {
			rec.rrdatas = c.geoAnswer(rec)
		}
		for _, d := range rec.rrdatas {
			if ip, err := netip.ParseAddr(d); err == nil && ip.Is4() {
				c.dest = ip
				c.res.Destination = ip.String()
				c.hopAt(LinkDNS, rec.resource, "%s A %s in %s %s", name, ip, zone.kind, zone.resource)
				return nil, nil
			}
		}
		return refuse(LinkDNS, "DNS-RESOLVE", ErrNXDomain, "the A record of %s in %s holds no IPv4 address", name, zone.resource), nil
	}
	return refuse(LinkDNS, "DNS-RESOLVE", ErrNXDomain, "more than %d CNAMEs from %s", maxCNAMEChain, c.url.host), nil
}

const (
	privateZoneKind = "private zone"
	sdZoneKind      = "Service Directory zone"
)

// vpcZones are the zones a VPC resolves in: the private Cloud DNS zones bound to it, and the
// Service Directory zones of its PSC endpoints' automatic DNS.
func (st *State) vpcZones(networkID string) []*dnsZone {
	var zones []*dnsZone
	for _, z := range st.byType(managedZoneToken) {
		out := z.out()
		if !strings.EqualFold(out.str("visibility"), "private") || !zoneBindsNetwork(z, networkID) {
			continue
		}
		zone := &dnsZone{dnsName: strings.ToLower(out.str("dnsName")), resource: z.ID, kind: privateZoneKind, records: map[string]dnsRecord{}}
		switch {
		case out.has("forwardingConfig"):
			zone.unsupported = "forwarding"
		case out.has("peeringConfig"):
			zone.unsupported = "peering"
		}
		for _, r := range st.byType(recordSetToken) {
			if !slices.Contains(r.Uses, z.ID) {
				continue
			}
			policy := r.out().sub("routingPolicy")
			if policy != nil && !policy.has("geos") {
				zone.unsupported = "routing-policy (wrr or primaryBackup)"
			}
			key := strings.ToLower(r.out().str("name")) + " " + r.out().str("type")
			zone.records[key] = dnsRecord{resource: r.ID, rrdatas: r.out().strs("rrdatas"), geos: policy.objs("geos")}
		}
		zones = append(zones, zone)
	}
	return append(zones, st.automaticZones(networkID)...)
}

// automaticZones are PSC's automatic DNS zones in a VPC (PSC-AUTO-DNS): for every domain of the
// attachment of each endpoint in the network that does not set noAutomateDnsZone, a Service
// Directory zone holding <endpoint name>.<domain> A <endpoint address>.
func (st *State) automaticZones(networkID string) []*dnsZone {
	byDomain := map[string]*dnsZone{}
	for _, ep := range st.pscEndpoints(networkID) {
		if skip, _ := ep.out().boolean("noAutomateDnsZone"); skip {
			continue
		}
		att := st.lookup(trimRefPrefix(ep.out().str("target")))
		if att == nil {
			continue
		}
		for _, domain := range att.out().strs("domainNames") {
			domain = strings.ToLower(domain)
			zone := byDomain[domain]
			if zone == nil {
				zone = &dnsZone{dnsName: domain, resource: ep.ID, kind: sdZoneKind, records: map[string]dnsRecord{}}
				byDomain[domain] = zone
			}
			zone.records[strings.ToLower(ep.Name)+"."+domain+" A"] = dnsRecord{resource: ep.ID, rrdatas: []string{ep.out().str("ipAddress")}}
		}
	}
	var zones []*dnsZone
	for _, d := range sortedKeys(byDomain) {
		zones = append(zones, byDomain[d])
	}
	return zones
}

// pscEndpoints are the PSC endpoints (forwarding rules whose target is a service attachment) of
// a network, by ID.
func (st *State) pscEndpoints(networkID string) []*Record {
	var out []*Record
	for _, r := range st.byType(forwardingRuleToken) {
		if isPSCTarget(r.out().str("target")) && trimRefPrefix(r.out().str("network")) == networkID {
			out = append(out, r)
		}
	}
	return out
}

// zoneBindsNetwork reports whether a private zone lists the network among its networks.
func zoneBindsNetwork(z *Record, networkID string) bool {
	for _, n := range z.out().sub("privateVisibilityConfig").objs("networks") {
		if r, ok := parseRef(n.str("networkUrl"), ref{Project: z.Project, Collection: "networks"}); ok && r.path() == networkID {
			return true
		}
	}
	return false
}

// mostSpecificZone is the zone with the longest DNS name that holds name; a Cloud DNS private
// zone before a Service Directory zone of the same name (DNS-RESOLVE).
func mostSpecificZone(zones []*dnsZone, name string) *dnsZone {
	var match []*dnsZone
	for _, z := range zones {
		if name == z.dnsName || strings.HasSuffix(name, "."+z.dnsName) {
			match = append(match, z)
		}
	}
	if len(match) == 0 {
		return nil
	}
	sort.SliceStable(match, func(i, j int) bool {
		if len(match[i].dnsName) != len(match[j].dnsName) {
			return len(match[i].dnsName) > len(match[j].dnsName)
		}
		return match[i].kind == privateZoneKind && match[j].kind != privateZoneKind
	})
	return match[0]
}

// sameNameZones are the private zones of zones with zone's DNS name, by ID (DNS-TWIN-ZONES).
func sameNameZones(zones []*dnsZone, zone *dnsZone) []string {
	var out []string
	for _, z := range zones {
		if z.kind == privateZoneKind && zone.kind == privateZoneKind && z.dnsName == zone.dnsName {
			out = append(out, z.resource)
		}
	}
	sort.Strings(out)
	return out
}

// lookup finds name's A or CNAME record in the zone, else the closest wildcard (*.parent) within
// the zone that holds one; "" when there is none.
func (z *dnsZone) lookup(name string) (dnsRecord, string) {
	for _, candidate := range wildcardCandidates(name, z.dnsName) {
		for _, t := range []string{"A", "CNAME"} {
			if rec, ok := z.records[candidate+" "+t]; ok && (len(rec.rrdatas) > 0 || len(rec.geos) > 0) {
				return rec, t
			}
		}
	}
	return dnsRecord{}, ""
}

// wildcardCandidates are name itself, then *.P for each parent P of name down to the zone's
// DNS name, closest first.
func wildcardCandidates(name, zone string) []string {
	out := []string{name}
	for n := name; n != zone; {
		_, parent, ok := strings.Cut(n, ".")
		if !ok || parent == "" || (parent != zone && !strings.HasSuffix(parent, "."+zone)) {
			break
		}
		out = append(out, "*."+parent)
		n = parent
	}
	return out
}
