package handwritten

import (
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/dns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/spec"
)

// Regions builds the two-region graph (bench/spec/regions.go) by hand with pulumi-gcp: the
// resources a ProducerService with two regions, a ConsumerEndpoint per region and a DnsBinding
// with a geo routing policy create, with the same names and inputs, and only the waits Google
// Cloud requires: what each resource reads, and each region's global forwarding rule waits for
// that region's GLOBAL_MANAGED_PROXY subnet (XLB-PROXY-ONLY, docs/gcp-rules.md). The benchmarks
// compare it with bench/components/go/regions.go.
func Regions(ctx *pulumi.Context) error {
	nets, err := spec.NewRegionNetworks(ctx)
	if err != nil {
		return err
	}
	uris, err := regionsProducer(ctx, nets.Producer)
	if err != nil {
		return err
	}
	var geos dns.RecordSetRoutingPolicyGeoArray
	for _, r := range spec.Regions {
		ip, err := endpoint(ctx, spec.RegionEndpointName(r.Region), r.Region, nets.Consumer, nets.Apps[r.Region], uris[r.Region])
		if err != nil {
			return err
		}
		// DNS-GEO: each client gets its own region's endpoint (regions in order, as the component).
		geos = append(geos, &dns.RecordSetRoutingPolicyGeoArgs{Location: pulumi.String(r.Region), Rrdatas: pulumi.StringArray{ip}})
	}
	zone, err := privateZone(ctx, spec.RegionsDNSName, spec.Hostname, nets.Consumer)
	if err != nil {
		return err
	}
	if _, err := dns.NewRecordSet(ctx, spec.RegionsDNSName+"-record", &dns.RecordSetArgs{
		Project:       pulumi.String(spec.ConsumerProject),
		ManagedZone:   zone.Name,
		Name:          pulumi.String(spec.Hostname + "."),
		Type:          pulumi.String("A"),
		Ttl:           pulumi.Int(300),
		RoutingPolicy: &dns.RecordSetRoutingPolicyArgs{Geos: geos},
	}); err != nil {
		return err
	}
	exported := pulumi.StringMap{}
	for r, uri := range uris {
		exported[r] = uri
	}
	ctx.Export("serviceAttachmentUris", exported)
	return nil
}

// regionsProducer creates the cross-region internal Application Load Balancer of the published
// service and its attachment in each region, and returns the attachments' URIs by region.
func regionsProducer(ctx *pulumi.Context, vpc *compute.Network) (map[string]pulumi.StringOutput, error) {
	project := pulumi.StringPtr(spec.ProducerProject)
	type regional struct{ lb, proxyOnly, nat *compute.Subnetwork }
	subnets := map[string]regional{}
	var backends compute.BackendServiceBackendArray
	for i, r := range spec.Regions {
		subnet := func(role, cidr, purpose, subnetRole string) (*compute.Subnetwork, error) {
			return producerSubnet(ctx, vpc, r.Region, r.Region+"-"+role, cidr, purpose, subnetRole)
		}
		var s regional
		var err error
		if s.lb, err = subnet("lb-subnet", r.LBRange, "", ""); err != nil {
			return nil, err
		}
		if s.proxyOnly, err = subnet("proxy-subnet", r.ProxyOnlyRange, "GLOBAL_MANAGED_PROXY", "ACTIVE"); err != nil {
			return nil, err
		}
		if s.nat, err = subnet("nat-subnet", r.NATRange, "PRIVATE_SERVICE_CONNECT", ""); err != nil {
			return nil, err
		}
		subnets[r.Region] = s
		runRole := r.Region + "-run" // the primary region's service keeps the single-region name
		if i == 0 {
			runRole = "run"
		}
		neg, err := serverless(ctx, r.Region, runRole, r.Region+"-neg")
		if err != nil {
			return nil, err
		}
		backends = append(backends, &compute.BackendServiceBackendArgs{Group: neg.SelfLink})
	}
	// XLB-FAILOVER: a region's proxies send requests to another region's NEG only with outlier
	// detection on; the values are the component's (COMP-FAILOVER-OUTLIER).
	backend, err := compute.NewBackendService(ctx, name("global-backend"), &compute.BackendServiceArgs{
		Project:             project,
		LoadBalancingScheme: pulumi.String("INTERNAL_MANAGED"),
		Protocol:            pulumi.String("HTTP"),
		Backends:            backends,
		OutlierDetection: &compute.BackendServiceOutlierDetectionArgs{
			ConsecutiveErrors:                  pulumi.Int(5),
			EnforcingConsecutiveErrors:         pulumi.Int(100),
			ConsecutiveGatewayFailure:          pulumi.Int(5),
			EnforcingConsecutiveGatewayFailure: pulumi.Int(100),
			Interval:                           &compute.BackendServiceOutlierDetectionIntervalArgs{Seconds: pulumi.Int(10), Nanos: pulumi.Int(0)},
			BaseEjectionTime:                   &compute.BackendServiceOutlierDetectionBaseEjectionTimeArgs{Seconds: pulumi.Int(30), Nanos: pulumi.Int(0)},
			MaxEjectionPercent:                 pulumi.Int(50),
		},
	})
	if err != nil {
		return nil, err
	}
	urlMap, err := compute.NewURLMap(ctx, name("global-urlmap"), &compute.URLMapArgs{
		Project:        project,
		DefaultService: backend.SelfLink,
		HostRules: compute.URLMapHostRuleArray{&compute.URLMapHostRuleArgs{
			Hosts:       pulumi.StringArray{pulumi.String(spec.Hostname)},
			PathMatcher: pulumi.String("private-host"),
		}},
		PathMatchers: compute.URLMapPathMatcherArray{&compute.URLMapPathMatcherArgs{
			Name:           pulumi.String("private-host"),
			DefaultService: backend.SelfLink,
		}},
	})
	if err != nil {
		return nil, err
	}
	proxy, err := compute.NewTargetHttpProxy(ctx, name("global-proxy"), &compute.TargetHttpProxyArgs{
		Project: project,
		UrlMap:  urlMap.SelfLink,
	})
	if err != nil {
		return nil, err
	}
	uris := map[string]pulumi.StringOutput{}
	for _, r := range spec.Regions {
		s := subnets[r.Region]
		// XLB-PROXY-ONLY: the region's GLOBAL_MANAGED_PROXY subnet must exist before the rule,
		// which does not reference it.
		rule, err := compute.NewGlobalForwardingRule(ctx, name(r.Region+"-lb-rule"), &compute.GlobalForwardingRuleArgs{
			Project:             project,
			LoadBalancingScheme: pulumi.String("INTERNAL_MANAGED"),
			IpProtocol:          pulumi.String("TCP"),
			PortRange:           pulumi.String("80"),
			Target:              proxy.SelfLink,
			Network:             vpc.SelfLink,
			Subnetwork:          s.lb.SelfLink,
			Labels:              managedBy,
		}, pulumi.DependsOn([]pulumi.Resource{s.proxyOnly}))
		if err != nil {
			return nil, err
		}
		// SA-GLOBAL-TARGET: the region's attachment publishes its global forwarding rule.
		if uris[r.Region], err = attachment(ctx, r.Region+"-attachment", r.Region, rule.SelfLink, s.nat, 1); err != nil {
			return nil, err
		}
	}
	return uris, nil
}
