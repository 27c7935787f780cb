package doctor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// The consumer's side of the chain: the DNS record, the endpoint's address, the endpoint and its
// connection status (the egress rule is firewall.go's).

// checkClient: the client is a request's, not a stack's: the walk has none.
func (w *walk) checkClient() {
	w.skip("a client is a request's: `doctor --request URL` with the client's flags follows one call")
}

// checkDNSRecord: the A record of the name clients use points at the endpoint, in a private zone
// visible from the endpoint's network.
func (w *walk) checkDNSRecord() {
	if w.noEndpointHere() {
		return
	}
	ip := str(w.endpoint.Outputs, "ipAddress")
	rec := w.record()
	switch {
	case rec == nil:
		w.skip("the consumer stack holds no DNS record (no DnsBinding): clients must use the endpoint IP " + ip)
		return
	case rec.Gone:
		w.broken(rec, "the A record "+rec.Name()+" was deleted outside Pulumi: the name no longer resolves",
			"run `pulumi up` on the consumer stack: the DnsBinding recreates the record")
		return
	}
	name := str(rec.Outputs, "name")
	w.hostname = firstNonEmpty(strings.TrimSuffix(name, "."), w.hostname)
	w.checkURLProtocol(name)
	// With a geolocation policy (dnsrecord.go), the item of the endpoint's region answers its clients.
	region := regionOf(w.endpoint)
	got, exact := answerFor(rec.Outputs, region)
	fix := "run `pulumi up` on the consumer stack: the DnsBinding's ipAddress takes the endpoint's ipAddress (do not edit the record by hand)"
	all := recordAddresses(rec.Outputs)
	if unknown := w.notEndpoints(all); len(unknown) > 0 && slices.Contains(all, ip) {
		w.warn(rec, fmt.Sprintf("%s also answers with %s, the IP of no endpoint of the consumer stack (its endpoints: %s): clients given it reach nothing, unless it is an endpoint outside the stack",
			name, strings.Join(unknown, ", "), strings.Join(w.endpointIPs(), ", ")), "give the DnsBinding only the IPs of its ConsumerEndpoint (ipAddress, or ipAddresses by region) and run `pulumi up` on the consumer stack")
	}
	switch {
	case len(all) == 0:
		w.broken(rec, name+" answers with no address, not with the endpoint's IP "+ip, fix)
		return
	case !slices.Contains(all, ip):
		w.broken(rec, fmt.Sprintf("%s resolves to %s, not to the endpoint's IP %s", name, strings.Join(all, ", "), ip), fix)
		return
	case !exact:
		w.warn(rec, fmt.Sprintf("%s has no geolocation item for %s: clients there resolve to the nearest region's endpoint, not to %s", name, region, ip),
			"give the DnsBinding the endpoint of "+region+" and run `pulumi up` on the consumer stack")
	case len(got.addresses) == 0:
		w.broken(rec, fmt.Sprintf("%s answers clients in %s with no address, not with the endpoint's IP %s", name, region, ip), fix)
		return
	case !slices.Contains(got.addresses, ip):
		w.broken(rec, fmt.Sprintf("%s resolves to %s for clients in %s, not to the endpoint's IP %s", name, strings.Join(got.addresses, ", "), region, ip), fix)
		return
	}
	zone := w.zoneOf(rec)
	network := chain.RelativeName(str(w.endpoint.Outputs, "network"))
	if zone == nil || zone.Gone {
		w.broken(rec, "the private zone of "+name+" is gone", "run `pulumi up` on the consumer stack: the DnsBinding recreates its zone")
		return
	}
	visible := false
	for _, n := range objs(sub(zone.Outputs, "privateVisibilityConfig"), "networks") {
		visible = visible || chain.RelativeName(str(n, "networkUrl")) == network
	}
	if !visible {
		w.broken(zone, fmt.Sprintf("the private zone %s is not visible from the endpoint's network %s, so clients there do not resolve %s",
			str(zone.Outputs, "name"), network, name), "add the network to the DnsBinding's networks and run `pulumi up` on the consumer stack")
		return
	}
	if w.twinZones(zone, network, name) {
		return
	}
	if got.location != "" {
		w.ok(rec, "%s → %s for clients in %s (geolocation policy, private zone %s)", name, ip, region, str(zone.Outputs, "name"))
		return
	}
	w.ok(rec, "%s → %s (private zone %s)", name, ip, str(zone.Outputs, "name"))
}

// record is the chain's A record (or a record the refresh found deleted), nil without one.
func (w *walk) record() *Resource {
	for _, r := range w.consumer.ofType(chain.RecordSetType) {
		if str(r.Outputs, "type") == "A" || r.Gone {
			return r
		}
	}
	return nil
}

// endpointIPs are the IPs of the consumer stack's live endpoints, those of other chains too (a
// geolocation record names the endpoint of each region, which may be another ConsumerEndpoint's).
func (w *walk) endpointIPs() []string {
	var out []string
	for _, ep := range pscEndpoints(w.all) {
		if ip := str(ep.Outputs, "ipAddress"); !ep.Gone && ip != "" && !slices.Contains(out, ip) {
			out = append(out, ip)
		}
	}
	return out
}

// notEndpoints are the addresses that are the IP of no live endpoint of the consumer stack.
func (w *walk) notEndpoints(addresses []string) []string {
	ips := w.endpointIPs()
	var out []string
	for _, a := range addresses {
		if !slices.Contains(ips, a) {
			out = append(out, a)
		}
	}
	return out
}

// twinZones: no other private zone of the consumer stack (another chain's DnsBinding) answers
// the record's name in the endpoint's network (dnszones.go). Zones that answer with other
// addresses break the name, since a client gets one zone's answer; zones that agree are a
// warning. It reports whether the link is broken.
func (w *walk) twinZones(zone *Resource, network, name string) bool {
	twins := twinZones(w.all, zone, network)
	if len(twins) == 0 {
		return false
	}
	mine := zoneAnswers(w.all, zone, name)
	zones := []string{str(zone.Outputs, "name") + " (" + strings.Join(mine, ", ") + ")"}
	differ := false
	for _, z := range twins {
		theirs := zoneAnswers(w.all, z, name)
		differ = differ || !slices.Equal(mine, theirs)
		answer := strings.Join(theirs, ", ")
		if answer == "" {
			answer = "no A record for the name"
		}
		zones = append(zones, str(z.Outputs, "name")+" ("+answer+")")
	}
	cause := fmt.Sprintf("%d private zones of the DNS name %s are bound to the network %s: %s", len(zones), str(zone.Outputs, "dnsName"), network, strings.Join(zones, ", "))
	fix := "keep one DnsBinding for " + strings.TrimSuffix(name, ".") + " per network: remove the others (or bind them to other networks) and run `pulumi up` on the consumer stack"
	if differ {
		w.broken(zone, cause+"; clients get one zone's answer, which the stacks do not say", fix)
		return true
	}
	w.warn(zone, cause+"; they agree today, but each DnsBinding changes its own", fix)
	return false
}

// zoneOf is the managed zone that holds a record.
func (w *walk) zoneOf(rec *Resource) *Resource {
	zone := chain.NameOf(str(rec.Outputs, "managedZone"))
	for _, z := range w.consumer.ofType(chain.ManagedZoneType) {
		if str(z.Outputs, "name") == zone || chain.NameOf(z.ID) == zone {
			return z
		}
	}
	return nil
}

// checkEndpointIP: the endpoint's address is reserved.
func (w *walk) checkEndpointIP() {
	if w.noEndpointHere() {
		return
	}
	ip := str(w.endpoint.Outputs, "ipAddress")
	for _, a := range w.consumer.ofType(chain.AddressType) {
		if a.Gone && !w.endpoint.Gone && str(a.Outputs, "address") == ip {
			w.broken(a, "the endpoint's reserved address "+a.Name()+" ("+ip+") was released",
				"run `pulumi up` on the consumer stack: the address is reserved again")
			return
		}
		if str(a.Outputs, "address") == ip && !a.Gone {
			w.ok(a, "%s reserved in %s", ip, chain.NameOf(str(a.Outputs, "subnetwork")))
			return
		}
	}
	if w.endpoint.Gone {
		w.skip("the endpoint is gone (endpoint)")
		return
	}
	w.ok(w.endpoint, "%s (not reserved by this stack)", ip)
}

// checkEndpoint: the endpoint exists and its connection is ACCEPTED.
func (w *walk) checkEndpoint() {
	ep := w.endpoint
	switch {
	case ep == nil && w.elsewhere:
		w.skip(notOnPath)
		return
	case ep == nil:
		w.broken(nil, "the consumer stack "+w.consumer.Stack+" holds no Private Service Connect endpoint",
			"create a ConsumerEndpoint in the consumer stack and run `pulumi up`")
		return
	case ep.Gone:
		w.broken(ep, "the endpoint "+ep.Name()+" was deleted outside Pulumi", "run `pulumi up` on the consumer stack: the endpoint is recreated")
		return
	}
	status := chain.StatusOf(str(ep.Outputs, "pscConnectionStatus"))
	if status.Serving {
		w.ok(ep, "%s %s (connection %s) by %s", str(ep.Outputs, "ipAddress"), status.Name, str(ep.Outputs, "pscConnectionId"),
			chain.RelativeName(str(ep.Outputs, "target")))
		return
	}
	consumer := str(ep.Outputs, "project")
	w.broken(ep, "the connection status is "+status.Name+": "+status.Cause(consumer), status.Fix(consumer))
}
