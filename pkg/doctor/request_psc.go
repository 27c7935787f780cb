package doctor

import (
	"net/netip"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// The Private Service Connect segment of a call: the endpoint that holds the destination, its
// region and connection status, the producer's attachment and the NAT address it sees.

// endpoints are the consumer's PSC endpoints in the client's network.
func (a *asked) endpoints() []*Resource {
	var out []*Resource
	for _, r := range a.consumer.ofType(chain.ForwardingRuleType) {
		if !r.Gone && strings.Contains(str(r.Outputs, "target"), "/serviceAttachments/") && chain.RelativeName(str(r.Outputs, "network")) == a.network {
			out = append(out, r)
		}
	}
	return out
}

// endpointIP: in its VPC, the destination is the address of a PSC endpoint (EP-IP); an address
// no endpoint holds is not answered.
func (a *asked) endpointIP() *refusal {
	for _, ep := range a.endpoints() {
		if str(ep.Outputs, "ipAddress") != a.dest.String() {
			continue
		}
		a.endpoint = ep
		holder := ep.ID
		for _, addr := range a.consumer.ofType(chain.AddressType) {
			if !addr.Gone && str(addr.Outputs, "address") == a.dest.String() {
				holder = addr.ID
			}
		}
		a.hop(chain.LinkEndpointIP, holder, "%s is the address of PSC endpoint %s", a.dest, chain.NameOf(ep.ID))
		return nil
	}
	a.assume(chain.LinkEndpointIP, "`gcloud compute forwarding-rules list --filter=\"IPAddress="+a.dest.String()+"\"`",
		"no endpoint outside the consumer stack holds %s in %s", a.dest, a.network)
	return dropped(chain.LinkEndpointIP, "EP-IP", ErrTimeout,
		"call the endpoint's address or the name the DnsBinding gives it, from its network",
		"no Private Service Connect endpoint of the consumer stack in %s has the address %s", a.network, a.dest)
}

// pscEndpoint: a client of another region reaches the endpoint only with its global access on
// (EP-GLOBAL-ACCESS); only an ACCEPTED connection carries traffic (EP-STATUS).
func (a *asked) pscEndpoint() *refusal {
	ep := a.endpoint
	status := chain.StatusOf(str(ep.Outputs, "pscConnectionStatus"))
	a.hop(chain.LinkEndpoint, ep.ID, "%s in %s, connection %s", chain.NameOf(ep.ID), regionOf(ep), firstNonEmpty(str(ep.Outputs, "pscConnectionStatus"), "unset"))
	if r := regionOf(ep); r != a.req.Region && !boolean(ep.Outputs, "allowPscGlobalAccess") {
		return dropped(chain.LinkEndpoint, "EP-GLOBAL-ACCESS", ErrTimeout,
			"call from a client in "+r+", or set the ConsumerEndpoint's `globalAccess` and run `pulumi up` on the consumer",
			"the client is in %s and endpoint %s in %s has no global access (allowPscGlobalAccess)", a.req.Region, id(ep), r)
	}
	if !status.Serving {
		consumer := firstNonEmpty(str(ep.Outputs, "project"), chain.ProjectOf(ep.ID))
		return dropped(chain.LinkEndpoint, "EP-STATUS", ErrTimeout, status.Fix(consumer),
			"endpoint %s's connection is %s: %s", id(ep), firstNonEmpty(str(ep.Outputs, "pscConnectionStatus"), "unset"), status.Cause("consumer "+consumer))
	}
	return nil
}

// attachment: the producer's service attachment the endpoint targets (deleting it closes the
// connection, SA-CLOSED).
func (a *asked) attachment() *refusal {
	ref := str(a.endpoint.Outputs, "target")
	a.att = live(a.producer, chain.ServiceAttachmentType, ref)
	if a.att == nil {
		return dropped(chain.LinkAttachment, "SA-CLOSED", ErrTimeout,
			"run `pulumi up` on the producer stack, then on the consumer with its current `serviceAttachmentUri` (`producerStack` follows it)",
			"endpoint %s targets %s, which the producer stack does not hold", id(a.endpoint), chain.RelativeName(ref))
	}
	a.hop(chain.LinkAttachment, a.att.ID, "%s", str(a.att.Outputs, "connectionPreference"))
	return nil
}

// natAddress: the producer sees the call from an address of the attachment's NAT subnets
// (PSC-NAT-SOURCE). Google does not report which: doctor takes the one the accepted
// connections would take in the order the attachment lists them, the lowest usable address
// first, and says so when the address decides (request_armor.go).
func (a *asked) natAddress() *refusal {
	index, found := -1, false
	for _, c := range objs(a.att.Outputs, "connectedEndpoints") {
		if !chain.HoldsNATAddress(str(c, "status")) {
			continue
		}
		index++
		if chain.RelativeName(str(c, "endpoint")) == id(a.endpoint) {
			found = true
			break
		}
	}
	var sub *Resource
	for _, link := range strs(a.att.Outputs, "natSubnets") {
		s := live(a.producer, chain.SubnetworkType, link)
		if s == nil {
			continue
		}
		p, err := netip.ParsePrefix(str(s.Outputs, "ipCidrRange"))
		if err != nil {
			continue
		}
		p = p.Masked()
		a.natRanges = append(a.natRanges, p)
		if n := chain.UsableAddresses(p); found && !a.nat.IsValid() && index < n {
			a.nat, sub = nth(p.Addr(), 2+index), s
		} else if found && !a.nat.IsValid() {
			index -= n
		}
	}
	if !a.nat.IsValid() {
		return dropped(chain.LinkNAT, "SA-NAT-CAPACITY", ErrTimeout, chain.StatusOf(chain.NeedsAttention).Fix(chain.ProjectOf(a.endpoint.ID)),
			"the NAT subnets of %s hold no address for endpoint %s", id(a.att), id(a.endpoint))
	}
	a.hop(chain.LinkNAT, sub.ID, "the producer sees the call from %s", a.nat)
	return nil
}

// nth is the address n after ip.
func nth(ip netip.Addr, n int) netip.Addr {
	for range n {
		ip = ip.Next()
	}
	return ip
}
