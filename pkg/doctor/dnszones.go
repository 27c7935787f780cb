package doctor

import (
	"slices"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// Two private zones of one DNS name bound to one network (two DnsBindings for one hostname and
// VPC): both claim the name for the network's clients, and Cloud DNS answers from one of them
// (the most specific zone answers; between zones of the same name Google does not say which,
// DNS-TWIN-ZONES). doctor reports the pair on the dns-record link of each chain, and `--request`
// names them among its assumptions.

// twinZones are the other live private zones of the consumer stack with zone's DNS name bound
// to network, in stack order.
func twinZones(consumer *Side, zone *Resource, network string) []*Resource {
	name := strings.ToLower(str(zone.Outputs, "dnsName"))
	var out []*Resource
	for _, z := range consumer.ofType(chain.ManagedZoneType) {
		o := z.Outputs
		if z == zone || z.Gone || z.ID == zone.ID || !strings.EqualFold(str(o, "visibility"), "private") ||
			strings.ToLower(str(o, "dnsName")) != name || !bindsNetwork(o, network) {
			continue
		}
		out = append(out, z)
	}
	return out
}

// zoneAnswers are the addresses the A records of a zone give for name.
func zoneAnswers(consumer *Side, zone *Resource, name string) []string {
	var out []string
	for _, rs := range consumer.ofType(chain.RecordSetType) {
		if rs.Gone || str(rs.Outputs, "type") != "A" || !strings.EqualFold(str(rs.Outputs, "name"), name) ||
			chain.NameOf(str(rs.Outputs, "managedZone")) != str(zone.Outputs, "name") {
			continue
		}
		for _, ip := range recordAddresses(rs.Outputs) {
			if !slices.Contains(out, ip) {
				out = append(out, ip)
			}
		}
	}
	slices.Sort(out)
	return out
}
