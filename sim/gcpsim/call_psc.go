package gcpsim

import (
	"net/netip"
)

// endpointIP finds the PSC endpoint that holds the destination in the client's VPC (EP-IP): a
// VPC routes an internal address only to what holds it there, so an address no endpoint of
// the client's network holds is never answered.
func (c *call) endpointIP() (*refusal, error) {
	for _, ep := range c.st.pscEndpoints(c.network.ID) {
		if ep.out().str("ipAddress") != c.dest.String() {
			continue
		}
		c.endpoint = ep
		holder := ep.ID
		for _, id := range ep.Uses {
			if r := c.st.lookup(id); r != nil && r.Type == addressToken {
				holder = id
			}
		}
		c.hopAt(LinkEndpointIP, holder, "%s is the address of PSC endpoint %s", c.dest, ep.Name)
		return nil, nil
	}
	return refuse(LinkEndpointIP, "EP-IP", ErrTimeout, "no Private Service Connect endpoint of %s has the address %s", c.network.ID, c.dest), nil
}

// pscEndpoint: a client of another region reaches the endpoint only with its global access on
// (EP-GLOBAL-ACCESS); only an ACCEPTED connection carries traffic (EP-STATUS). Neither refusal
// is answered: the client times out.
func (c *call) pscEndpoint() (*refusal, error) {
	ep := c.endpoint
	c.hop(LinkEndpoint, ep, "%s in %s, connection %s", ep.Name, ep.Region, firstNonEmpty(ep.out().str("pscConnectionStatus"), "unset"))
	if ep.Region != c.req.Region {
		if global, _ := ep.out().boolean("allowPscGlobalAccess"); !global {
			return refuse(LinkEndpoint, "EP-GLOBAL-ACCESS", ErrTimeout, "the client is in %s and endpoint %s in %s without allowPscGlobalAccess", c.req.Region, ep.ID, ep.Region), nil
		}
	}
	if status := ep.out().str("pscConnectionStatus"); status != StatusAccepted {
		return refuse(LinkEndpoint, "EP-STATUS", ErrTimeout, "endpoint %s's connection is %s, not ACCEPTED: it carries no traffic", ep.ID, firstNonEmpty(status, "unset")), nil
	}
	return nil, nil
}

// attachment: the endpoint's service attachment (deleting it closes the endpoint, SA-CLOSED).
func (c *call) attachment() (*refusal, error) {
	c.att = c.lookup(c.endpoint, c.endpoint.out().str("target"), "serviceAttachments")
	if c.att == nil {
		return refuse(LinkAttachment, "SA-CLOSED", ErrTimeout, "endpoint %s targets %s, which does not exist", c.endpoint.ID, c.endpoint.out().str("target")), nil
	}
	c.hop(LinkAttachment, c.att, "%s", c.att.out().str("connectionPreference"))
	return nil, nil
}

// natSubnet: the producer sees the call from the endpoint's address in the attachment's NAT
// subnets (PSC-NAT-SOURCE), not from the client.
func (c *call) natSubnet() (*refusal, error) {
	sub, ip, ok := c.st.natAddress(c.att, c.endpoint)
	if !ok {
		return refuse(LinkNAT, "SA-NAT-CAPACITY", ErrTimeout, "the NAT subnets of %s hold no address for endpoint %s", c.att.ID, c.endpoint.ID), nil
	}
	c.nat = ip
	c.res.NATSource = ip.String()
	c.hop(LinkNAT, sub, "the producer sees the call from %s", ip)
	return nil, nil
}

// natAddress is the NAT address an ACCEPTED endpoint takes (PSC-NAT-SOURCE, an assumption of
// the simulator): the attachment's accepted endpoints, oldest first, take the usable addresses
// of its NAT subnets in the order of natSubnets, the lowest first.
func (st *State) natAddress(att, ep *Record) (*Record, netip.Addr, bool) {
	index, found := -1, false
	for _, e := range (&tx{st: st}).endpointsOf(att.ID) {
		if e.out().str("pscConnectionStatus") != StatusAccepted {
			continue
		}
		index++
		if found = e.ID == ep.ID; found {
			break
		}
	}
	if !found {
		return nil, netip.Addr{}, false
	}
	for _, link := range att.out().strs("natSubnets") {
		sub := st.lookup(trimRefPrefix(link))
		if sub == nil {
			continue
		}
		p := subnetPrefix(sub)
		if n := usableAddresses(p); index >= n {
			index -= n
			continue
		}
		return sub, nthAddr(p, 2+index), true
	}
	return nil, netip.Addr{}, false
}
