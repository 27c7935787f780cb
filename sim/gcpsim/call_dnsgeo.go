package gcpsim

import (
	"slices"
	"sort"
	"strings"
)

// geoAnswer is what a geo routing policy answers a client of the simulator (DNS-GEO): for a
// private zone Cloud DNS takes the source region of the query, the client's region; the item of
// that location answers, else the nearest. The simulator has no map of distances: the nearest is
// an item of the same geography (the region name's first part: europe, us, asia, …), then any,
// each by location name (an assumption). Health-checked targets answer with the addresses of the
// internal load balancers that are up: one whose region's proxies are down (SIM-OUTAGE) or whose
// proxy-only subnet is missing is left out, and an item with none left passes the query to the
// next nearest item, as Cloud DNS fails over between geo items with health checks. No item left:
// no address.
func (c *call) geoAnswer(rec dnsRecord) []string {
	items := slices.Clone(rec.geos)
	region := c.req.Region
	geography := func(loc string) string { g, _, _ := strings.Cut(loc, "-"); return g }
	rank := func(loc string) int {
		switch {
		case loc == region:
			return 0
		case geography(loc) == geography(region):
			return 1
		}
		return 2
	}
	sort.SliceStable(items, func(i, j int) bool {
		li, lj := items[i].str("location"), items[j].str("location")
		if rank(li) != rank(lj) {
			return rank(li) < rank(lj)
		}
		return li < lj
	})
	for _, item := range items {
		if !item.has("healthCheckedTargets") {
			return item.strs("rrdatas")
		}
		var up []string
		for _, lb := range item.sub("healthCheckedTargets").objs("internalLoadBalancers") {
			if c.lbUp(lb) {
				up = append(up, lb.str("ipAddress"))
			}
		}
		if len(up) > 0 {
			return up
		}
	}
	return nil
}

// lbUp reports whether Cloud DNS's health check finds an internal load balancer target serving:
// its forwarding rule (regional, or global for globalL7ilb) exists with ACTIVE proxies that are
// not down.
func (c *call) lbUp(lb obj) bool {
	global := lb.str("loadBalancerType") == "globalL7ilb"
	for _, rule := range c.st.Sorted() {
		if rule.Type != map[bool]string{true: globalForwardingRuleToken, false: forwardingRuleToken}[global] ||
			rule.Project != lb.str("project") || rule.out().str("ipAddress") != lb.str("ipAddress") ||
			(!global && rule.Region != lb.str("region")) {
			continue
		}
		region, _ := ruleProxies(rule)
		return c.st.ruleServed(rule) && !c.st.OutageOf(region).Proxies
	}
	return false
}
