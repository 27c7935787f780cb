package psc

import (
	"maps"
	"slices"
	"strconv"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/dns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A DnsBinding for a consumer with an endpoint in each of several regions (ipAddresses, keyed by
// region) answers with a geolocation routing policy (DNS-GEO, docs/gcp-rules.md): Cloud DNS
// answers a private zone's query with the item of the region the query comes from, or of the
// nearest region listed. The policy has no health-checked targets: Cloud DNS health-checks only
// internal load balancers (regionalL4ilb, regionalL7ilb, globalL7ilb) and external endpoints
// (DNS-HEALTH-PSC), and a PSC endpoint, a forwarding rule whose target is a service
// attachment, is neither. So the name does not fail over; the producer's cross-region load
// balancer does, behind an attachment that still answers.

// pscEndpointHealthChecked says whether Cloud DNS can health-check a PSC endpoint: it cannot
// (DNS-HEALTH-PSC). The DnsBinding publishes it as healthChecked for doctor.
const pscEndpointHealthChecked = false

// regions are the regions of ipAddresses, sorted; none with a single ipAddress.
func (a *DnsBindingArgs) regions() []string {
	return slices.Sorted(maps.Keys(a.IpAddresses))
}

// geoPolicy is the record's routing policy: one geo item per region, in region order, each
// answering with that region's endpoint IP (checked when it resolves, naming its input).
func (a *DnsBindingArgs) geoPolicy() *dns.RecordSetRoutingPolicyArgs {
	var items dns.RecordSetRoutingPolicyGeoArray
	for _, r := range a.regions() {
		items = append(items, &dns.RecordSetRoutingPolicyGeoArgs{
			Location: pulumi.String(r),
			Rrdatas:  pulumi.StringArray{checkedIP(a.IpAddresses[r], ipAddressesPath(r))},
		})
	}
	return &dns.RecordSetRoutingPolicyArgs{Geos: items}
}

// ipAddressesPath is the input path of one region's IP.
func ipAddressesPath(region string) string { return "ipAddresses[" + strconv.Quote(region) + "]" }

// validateIPAddresses checks that exactly one of ipAddress and ipAddresses is given, and each
// entry of ipAddresses: two or more regions, each a Compute Engine region listed once
// (checkRegionKeys), IPv4 addresses known now, no IP for two regions.
func (a *DnsBindingArgs) validateIPAddresses(p *problems) {
	single, byRegion := given(a.IpAddress), len(a.IpAddresses) > 0
	switch {
	case single && byRegion:
		p.addf("ipAddresses", "give exactly one of ipAddress (one endpoint) and ipAddresses (an endpoint per region)")
	case !single && !byRegion:
		p.addf("ipAddress", "is required: the IP the hostname resolves to, usually a ConsumerEndpoint's ipAddress "+
			"(or ipAddresses, an endpoint's IP per region)")
	case single:
		if ip, ok := knownString(a.IpAddress); ok {
			_, err := parseIPv4(ip)
			p.add("ipAddress", err)
		}
		return
	}
	if byRegion && len(a.IpAddresses) == 1 {
		p.addf("ipAddresses", "lists one region: give its endpoint's IP as ipAddress, or list two or more regions")
	}
	checkRegionKeys(p, a.regions(), ipAddressesPath)
	seen := map[string]string{} // IP -> the first region listing it
	for _, r := range a.regions() {
		path := ipAddressesPath(r)
		if !given(a.IpAddresses[r]) {
			p.addf(path, "is required: the IP of the region's ConsumerEndpoint (its ipAddress output)")
			continue
		}
		ip, ok := knownString(a.IpAddresses[r])
		if !ok {
			continue
		}
		if _, err := parseIPv4(ip); err != nil {
			p.add(path, err)
			continue
		}
		if first, dup := seen[ip]; dup {
			p.addf(path, "%s is also the IP of %s: each region's entry is the IP of that region's own endpoint", ip, first)
		}
		seen[ip] = r
	}
}
