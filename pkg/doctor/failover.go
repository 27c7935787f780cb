package doctor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// What a region's outage does to the path: the warnings of the whole path (Report.Problems). A
// regional internal Application Load Balancer serves from its one region; the cross-region one
// sends a request to another region's serverless NEG "only if outlier detection is enabled and
// the local NEG is unhealthy"
// (https://cloud.google.com/load-balancing/docs/l7-internal/setting-up-l7-cross-reg-serverless).
// On the consumer's side, the name clients call fails over only where Cloud DNS health-checks
// its targets: internal load balancers and external endpoints, not Private Service Connect
// endpoints (https://cloud.google.com/dns/docs/routing-policies-overview).

// failover warns where the producer or the consumer cannot survive a region's outage.
func failover(producer, consumer *Side) []Problem {
	return append(producerFailover(producer), consumerFailover(consumer)...)
}

// survive is what the producer does to serve from several regions.
const survive = "list two or more `regions` in the ProducerService (the cross-region internal load balancer, with outlier detection) and run `pulumi up`; consumers then move to the attachment of their region (`serviceAttachmentUris`) with `pulumi up`"

// producerFailover: each INTERNAL_MANAGED backend service of the producer serves from two regions
// or more, with outlier detection.
func producerFailover(producer *Side) []Problem {
	var services []*Resource
	for _, t := range chain.Variants(chain.RegionBackendServiceType) {
		services = append(services, producer.ofType(t)...)
	}
	crossRegion := slices.ContainsFunc(services, func(r *Resource) bool { return r.Type == chain.BackendServiceType && !r.Gone })
	var out []Problem
	for _, bs := range services {
		if s := str(bs.Outputs, "loadBalancingScheme"); bs.Gone || s != "" && s != chain.InternalManaged {
			continue
		}
		regions := negRegions(producer, bs)
		where := strings.Join(regions, ", ")
		warn := func(cause, fix string) {
			out = append(out, Problem{Link: chain.LinkBackend, Status: Warning, Resource: resID(bs), Cause: cause, Fix: fix})
		}
		switch {
		case bs.Type == chain.RegionBackendServiceType && crossRegion:
			warn("no failover for the consumers of the regional chain, which the migration keeps beside the cross-region one: its load balancer serves from "+where+" alone",
				"move each consumer to the attachment of its region (`serviceAttachmentUris`; `pulumi up` on the consumer), then remove the top-level subnets once the regional attachment's `connectedEndpoints` is empty")
		case bs.Type == chain.RegionBackendServiceType:
			warn("no failover: the producer's regional internal load balancer serves from "+where+" alone, so an outage of that region takes the service down for every consumer", survive)
		case len(regions) < 2:
			warn("no failover: the cross-region backend service has serverless NEGs in "+where+" only", survive)
		case len(sub(bs.Outputs, "outlierDetection")) == 0:
			warn("no failover: the backend service serves from "+where+" without outlier detection, and the load balancer sends a request to another region's NEG only if outlier detection is on and the local NEG is unhealthy: a region whose Cloud Run service fails keeps failing its requests",
				"remove `backendService.disableOutlierDetection` from the ProducerService and run `pulumi up` on the producer")
		}
	}
	return out
}

// negRegions are the regions of a backend service's NEGs, sorted.
func negRegions(producer *Side, bs *Resource) []string {
	var out []string
	for _, b := range objs(bs.Outputs, "backends") {
		if region := negRegion(producer, str(b, "group")); region != "" && !slices.Contains(out, region) {
			out = append(out, region)
		}
	}
	slices.Sort(out)
	return out
}

// negRegion is the region of the NEG a backend names.
func negRegion(producer *Side, ref string) string {
	if neg := producer.find(chain.RegionNetworkEndpointGroupType, ref); neg != nil {
		return regionOf(neg)
	}
	return chain.RegionOf(ref)
}

// consumerFailover: the consumer's A records fail over when its endpoints are in several
// regions, or the record names several.
func consumerFailover(consumer *Side) []Problem {
	var live []*Resource
	for _, ep := range pscEndpoints(consumer) {
		if !ep.Gone {
			live = append(live, ep)
		}
	}
	regions := regionsOf(live)
	var out []Problem
	for _, rec := range consumer.ofType(chain.RecordSetType) {
		o := rec.Outputs
		if rec.Gone || str(o, "type") != "A" {
			continue
		}
		name, addresses := str(o, "name"), recordAddresses(o)
		var named []*Resource
		for _, ep := range live {
			if slices.Contains(addresses, str(ep.Outputs, "ipAddress")) {
				named = append(named, ep)
			}
		}
		if len(named) == 0 {
			continue // not an endpoint's name
		}
		checked := slices.ContainsFunc(answers(o), func(a answer) bool { return a.checked })
		warn := func(cause, fix string) {
			out = append(out, Problem{Link: chain.LinkDNS, Status: Warning, Resource: resID(rec), Cause: cause, Fix: fix})
		}
		switch {
		case len(sub(o, "routingPolicy")) == 0 && len(regions) > 1:
			warn(fmt.Sprintf("no failover: %s is a plain A record (%s), and the consumer's endpoints are in %s: clients of every region resolve to the endpoint in %s, and an outage of that region takes the name down for all of them",
				name, strings.Join(addresses, ", "), strings.Join(regions, ", "), strings.Join(regionsOf(named), ", ")),
				"give the DnsBinding the endpoint of each region (a geolocation routing policy: each client resolves to its own region's endpoint) and run `pulumi up` on the consumer")
		case len(named) > 1 && !checked:
			warn(fmt.Sprintf("no DNS failover: %s answers with %d endpoints (%s) and Cloud DNS health-checks none of them (it checks internal load balancers and external endpoints, not Private Service Connect endpoints): clients keep resolving to the endpoint of a region that is down",
				name, len(named), strings.Join(addresses, ", ")),
				"the producer's cross-region load balancer still fails over behind each endpoint when a region's Cloud Run service fails; for an outage of an endpoint's own region, give the endpoints `globalAccess` so that its clients can be pointed at another region's endpoint")
		}
	}
	return out
}
