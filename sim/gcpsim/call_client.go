package gcpsim

import (
	"net/netip"
	"slices"
)

// client places the caller (CLIENT-NETWORK): its network exists, and its address is in one of
// that network's regular subnets in its region (the subnet it names, when it names one). A
// client that is not where the request says sends nothing.
func (c *call) client() (*refusal, error) {
	name := firstNonEmpty(c.req.Network, "default")
	r, ok := parseRef(name, ref{Project: c.req.Project, Collection: "networks"})
	if !ok || r.Collection != "networks" {
		return refuse(LinkClient, "CLIENT-NETWORK", ErrInvalidClient, "network %q is not a VPC network reference", name), nil
	}
	c.network = c.st.lookup(r.path())
	if c.network == nil {
		return refuse(LinkClient, "CLIENT-NETWORK", ErrInvalidClient, "the client's network %s does not exist", r.path()), nil
	}
	subnets := c.st.regularSubnets(c.network.ID, c.req.Region)
	if c.req.Subnet != "" {
		s, ok := parseRef(c.req.Subnet, ref{Project: c.req.Project, Region: c.req.Region, Collection: "subnetworks"})
		sub := c.st.lookup(s.path())
		switch {
		case !ok || s.Collection != "subnetworks" || sub == nil:
			return refuse(LinkClient, "CLIENT-NETWORK", ErrInvalidClient, "the client's subnet %q does not exist", c.req.Subnet), nil
		case !slices.ContainsFunc(subnets, func(s *Record) bool { return s.ID == sub.ID }):
			return refuse(LinkClient, "CLIENT-NETWORK", ErrInvalidClient, "subnet %s is not a regular subnet of %s in region %s", sub.ID, c.network.ID, c.req.Region), nil
		}
		subnets = []*Record{sub}
	}
	if len(subnets) == 0 {
		return refuse(LinkClient, "CLIENT-NETWORK", ErrInvalidClient, "network %s has no regular subnet in region %s for the client", c.network.ID, c.req.Region), nil
	}
	if c.req.SourceIP == "" {
		c.subnet = subnets[0]
		c.source = nthAddr(subnetPrefix(c.subnet), 2) // the first address GCP hands out
	} else {
		c.source = netip.MustParseAddr(c.req.SourceIP) // Validate parsed it
		for _, s := range subnets {
			if p := subnetPrefix(s); p.Contains(c.source) {
				c.subnet = s
				break
			}
		}
		if c.subnet == nil {
			return refuse(LinkClient, "CLIENT-NETWORK", ErrInvalidClient, "source %s is in no regular subnet of %s in region %s", c.source, c.network.ID, c.req.Region), nil
		}
	}
	c.res.Source = c.source.String()
	c.hop(LinkClient, c.subnet, "%s in %s, region %s", c.source, c.network.ID, c.req.Region)
	return nil, nil
}
