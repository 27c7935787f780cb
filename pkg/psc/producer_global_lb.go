package psc

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// crossRegionChain creates the cross-region internal Application Load Balancer of regions: per
// region its subnets, Cloud Run service (the primary region's is run, the one the regional chain
// shares) and serverless NEG; one global INTERNAL_MANAGED backend service with every region's NEG
// and outlier detection (producer_outlier.go), a global URL map and target proxy; then per region
// a global forwarding rule in the region's subnet and the service attachment that publishes it
// (SA-GLOBAL-TARGET, docs/gcp-rules.md). capacities are the regions' NAT capacities, in
// the order of regionKeys.
func (b *producerBuilder) crossRegionChain(run cloudRunService, routeRuns []cloudRunService, capacities []int) ([]published, *certs, error) {
	a := &b.args
	keys := a.regionKeys()
	out := make([]published, len(keys))
	var groups compute.BackendServiceBackendArray
	routeGroups := make([]compute.BackendServiceBackendArray, len(a.Routes))
	for i, r := range keys {
		nets, err := b.subnets(a.regionSubnets(r))
		if err != nil {
			return nil, nil, err
		}
		spec := a.regionRun(r)
		regionRun := run
		if r != a.Region {
			if regionRun, err = b.cloudRun(spec); err != nil {
				return nil, nil, err
			}
		}
		neg, err := b.serverlessNEG(r+"-neg", r, spec, regionRun)
		if err != nil {
			return nil, nil, err
		}
		// Serverless NEGs take no health check and no capacity settings (BS-SERVERLESS-HC,
		// BS-SERVERLESS-MODE).
		groups = append(groups, &compute.BackendServiceBackendArgs{Group: neg.SelfLink})
		out[i] = published{region: r, run: regionRun, nets: nets, capacity: capacities[i]}
		for j := range a.Routes {
			neg, err := b.regionRouteNEG(j, r, routeRuns[j])
			if err != nil {
				return nil, nil, err
			}
			routeGroups[j] = append(routeGroups[j], &compute.BackendServiceBackendArgs{Group: neg.SelfLink})
		}
	}
	backend, err := b.globalBackend("global-backend", "cross-region internal Application Load Balancer", groups)
	if err != nil {
		return nil, nil, err
	}
	var routes []routeBackend
	for j, r := range a.Routes {
		s := a.routeSpec(j)
		rb, err := b.globalBackend("global-backend-"+r.Key, "cross-region internal Application Load Balancer for "+s.path, routeGroups[j])
		if err != nil {
			return nil, nil, err
		}
		routes = append(routes, routeBackend{route: r, hosts: s.hosts, prefix: routePrefix(r), backend: rb})
	}
	urlMapArgs := b.globalURLMapArgs(backend, routes)
	urlMapArgs.Description = b.describe("URL map of the cross-region internal Application Load Balancer")
	urlMap, err := compute.NewURLMap(b.ctx, b.child("global-urlmap"), urlMapArgs, b.opts()...)
	if err != nil {
		return nil, nil, fmt.Errorf("global URL map: %w", err)
	}
	proxy, certs, err := b.globalProxy(urlMap.SelfLink)
	if err != nil {
		return nil, nil, err
	}
	for i := range out {
		if err := b.publishRegion(&out[i], proxy); err != nil {
			return nil, nil, err
		}
	}
	return out, &certs, nil
}

// regionRouteNEG creates the serverless NEG in region of routes[j]'s Cloud Run service there
// (<name>-R-neg-<key>): the primary region's is run, the service the regional chain shares
// (<name>-run-<key>); another region's is created there (<name>-R-run-<key>).
func (b *producerBuilder) regionRouteNEG(j int, region string, run cloudRunService) (*compute.RegionNetworkEndpointGroup, error) {
	s := b.args.regionRouteSpec(j, region)
	if region != b.args.Region {
		var err error
		if run, err = b.cloudRun(s); err != nil {
			return nil, err
		}
	}
	return b.serverlessNEG(region+"-neg"+s.suffix, region, s, run)
}

// globalURLMapArgs routes everything to the backend, with a host rule for the private hostname;
// with routes, the same host rules and path matchers as the regional URL map's (routeURLMapArgs,
// the one home of the routing), written in the global URL map's types.
func (b *producerBuilder) globalURLMapArgs(backend pulumi.StringOutput, routes []routeBackend) *compute.URLMapArgs {
	args := &compute.URLMapArgs{Project: b.project()}
	if len(routes) > 0 {
		regional := b.routeURLMapArgs(backend, routes)
		args.DefaultRouteAction = asGlobal[*compute.RegionUrlMapDefaultRouteAction, *compute.URLMapDefaultRouteAction](
			regional.DefaultRouteAction.ToRegionUrlMapDefaultRouteActionPtrOutput()).(compute.URLMapDefaultRouteActionPtrOutput)
		args.HostRules = asGlobal[[]compute.RegionUrlMapHostRule, []compute.URLMapHostRule](
			regional.HostRules.ToRegionUrlMapHostRuleArrayOutput()).(compute.URLMapHostRuleArrayOutput)
		args.PathMatchers = asGlobal[[]compute.RegionUrlMapPathMatcher, []compute.URLMapPathMatcher](
			regional.PathMatchers.ToRegionUrlMapPathMatcherArrayOutput()).(compute.URLMapPathMatcherArrayOutput)
		return args
	}
	args.DefaultService = backend
	if h := b.args.Hostname; h != "" {
		args.HostRules = compute.URLMapHostRuleArray{&compute.URLMapHostRuleArgs{
			Hosts: pulumi.StringArray{pulumi.String(h)}, PathMatcher: pulumi.String(mainPathMatcher),
		}}
		args.PathMatchers = compute.URLMapPathMatcherArray{&compute.URLMapPathMatcherArgs{
			Name: pulumi.String(mainPathMatcher), DefaultService: backend,
		}}
	}
	return args
}

// globalBackend creates a global backend service of the cross-region load balancer, the child
// role serving what, with the backend controls and outlier detection, and returns its self link.
func (b *producerBuilder) globalBackend(role, what string, groups compute.BackendServiceBackendArray) (pulumi.StringOutput, error) {
	a := &b.args
	protocol, _ := a.protocolAndPort()
	args := &compute.BackendServiceArgs{
		Project:             b.project(),
		LoadBalancingScheme: pulumi.String(schemeInternalManaged),
		Protocol:            pulumi.String(protocol),
		Backends:            groups,
		Description:         b.describe("global backend service of the " + what + ", one serverless NEG per region"),
	}
	if o := a.crossRegionOutlierDetection(); o != nil {
		od, err := plainInput[compute.BackendServiceOutlierDetection](o)
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		args.OutlierDetection = od.(compute.BackendServiceOutlierDetectionOutput)
	}
	if c := a.BackendService; c != nil {
		if c.LogConfig != nil {
			lc, err := plainInput[compute.BackendServiceLogConfig](c.LogConfig)
			if err != nil {
				return pulumi.StringOutput{}, err
			}
			args.LogConfig = lc.(compute.BackendServiceLogConfigOutput)
		}
		if c.TimeoutSec != nil {
			args.TimeoutSec = pulumi.IntPtr(*c.TimeoutSec)
		}
	}
	backend, err := compute.NewBackendService(b.ctx, b.child(role), args, b.opts()...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("global backend service %s: %w", role, err)
	}
	return backend.SelfLink, nil
}

// publishRegion creates a region's forwarding rule of the cross-region load balancer, in its load
// balancer subnet, and the service attachment that publishes it.
func (b *producerBuilder) publishRegion(r *published, proxy pulumi.StringOutput) error {
	a := &b.args
	_, port := a.protocolAndPort()
	var opts []pulumi.ResourceOption
	if r.nets.proxyOnlyRes != nil {
		// The rule does not reference the region's GLOBAL_MANAGED_PROXY subnet, yet Google
		// requires it to exist first (XLB-PROXY-ONLY).
		opts = append(opts, pulumi.DependsOn([]pulumi.Resource{r.nets.proxyOnlyRes}))
	}
	args := &compute.GlobalForwardingRuleArgs{
		Project:             b.project(),
		LoadBalancingScheme: pulumi.String(schemeInternalManaged),
		IpProtocol:          pulumi.String("TCP"),
		PortRange:           pulumi.String(fmt.Sprint(port)),
		Target:              proxy,
		Network:             qualifiedNetwork(a.Network, a.NetworkProject),
		Subnetwork:          r.nets.loadBalancer,
		Labels:              childLabels(a.Labels),
		Description:         b.describe("forwarding rule in " + r.region + " of the cross-region internal Application Load Balancer, the target of the service attachment there"),
	}
	if ip := a.Regions[r.region].LoadBalancerIp; ip != "" {
		args.IpAddress = pulumi.String(ip)
	}
	rule, err := compute.NewGlobalForwardingRule(b.ctx, b.child(r.region+"-lb-rule"), args, b.opts(opts...)...)
	if err != nil {
		return fmt.Errorf("forwarding rule in %s: %w", r.region, err)
	}
	r.ip = rule.IpAddress
	e := a.Regions[r.region]
	r.attachment, err = b.attachment(attachmentSpec{role: r.region + "-attachment", region: r.region,
		name: e.ServiceAttachmentName, domains: e.DomainNames, target: rule.SelfLink, nat: r.nets.nat})
	return err
}
