package psc

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Several Cloud Run services behind one attachment (ProducerServiceArgs.Routes). The top-level
// cloudRun stays the single-service form: without routes it serves every request. With routes it
// serves hostname's paths that no route claims, each route serves its hosts and path prefix with a
// Cloud Run service, serverless NEG and backend service of its own, and a request that matches
// nothing gets 404 from the URL map itself (URLMAP-404-ABORT, docs/gcp-rules.md).

// RouteArgs sends the requests for some hosts and a path prefix to a Cloud Run service of its own.
type RouteArgs struct {
	Key        string       `pulumi:"key"`
	Hosts      []string     `pulumi:"hosts,optional"`
	PathPrefix string       `pulumi:"pathPrefix,optional"`
	CloudRun   CloudRunArgs `pulumi:"cloudRun"`
}

// Annotate documents RouteArgs for the schema.
func (r *RouteArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "Route")
	a.Describe(r, "Requests for some hosts under a path prefix, sent to a Cloud Run service of their own (created or "+
		"existing) through its own serverless NEG and backend service.")
	a.Describe(&r.Key, "Stable key of the route: lowercase letters, digits and hyphens, starting with a letter. Its "+
		"children are named by it (<name>-run-<key>, <name>-neg-<key>, <name>-backend-<key>; with regions also "+
		"<name>-R-run-<key> in each region R but the primary, <name>-R-neg-<key> and <name>-global-backend-<key>), so "+
		"removing or reordering routes never touches the others; changing a key replaces its children.")
	a.Describe(&r.Hosts, "Hosts the route serves: DNS names such as reports.internal, * (every host) or *.DOMAIN. "+
		"Defaults to the component's hostname. A created service accepts an ID token for https://HOST (http:// for "+
		"HTTP) of each named host; over HTTPS a self-managed certificate must cover each named host.")
	a.Describe(&r.PathPrefix, "Path prefix the route serves, / (every path, the default) or a prefix such as /admin, "+
		"which matches /admin and everything under /admin/ but not /administrator; no trailing slash, *, ? or #. The "+
		"longest matching prefix wins, whatever the order of the routes. The pair of a host and / on hostname is the "+
		"top-level cloudRun's.")
	a.Describe(&r.CloudRun, "The route's Cloud Run service, as the top-level cloudRun: the same defaults, invoker "+
		"rules (invokers, callerAuth) and checks; allowUnauthenticated is not offered on routes.")
}

// mainPathMatcher is the URL map's path matcher of the component's hostname.
const mainPathMatcher = "private-host"

// routeBackend is a route's backend service and the Cloud Run service behind it.
type routeBackend struct {
	route   RouteArgs
	hosts   []string
	prefix  string
	backend pulumi.StringOutput
}

// routeSpec is the Cloud Run service of routes[i], to create or use.
func (a *ProducerServiceArgs) routeSpec(i int) runSpec {
	r := a.Routes[i]
	return runSpec{cr: r.CloudRun, path: fmt.Sprintf("routes[%d].cloudRun", i), suffix: "-" + r.Key, hosts: a.routeHosts(r)}
}

// regionRouteSpec is the Cloud Run service of routes[i] in one of regions: the primary region's is
// routeSpec's (<name>-run-<key>), another region's is prefixed with the region (<name>-R-run-<key>),
// as regionRun names the top-level service's.
func (a *ProducerServiceArgs) regionRouteSpec(i int, region string) runSpec {
	s := a.routeSpec(i)
	if region != a.Region {
		s.prefix, s.region = region+"-", region
	}
	return s
}

// routeHosts are the hosts a route serves: its own, or the component's hostname.
func (a *ProducerServiceArgs) routeHosts(r RouteArgs) []string {
	if len(r.Hosts) > 0 {
		return r.Hosts
	}
	if a.Hostname == "" {
		return nil
	}
	return []string{a.Hostname}
}

// routePrefix is a route's path prefix, / when unset.
func routePrefix(r RouteArgs) string {
	if r.PathPrefix == "" {
		return "/"
	}
	return r.PathPrefix
}

// routeRuns creates each route's Cloud Run service in the primary region (or names its existing
// one) with its invoker grants: the services the regional chain and the cross-region chain share,
// as they share the top-level one (<name>-run-<key>).
func (b *producerBuilder) routeRuns() ([]cloudRunService, error) {
	var out []cloudRunService
	for i := range b.args.Routes {
		run, err := b.cloudRun(b.args.routeSpec(i))
		if err != nil {
			return nil, err
		}
		out = append(out, run)
	}
	return out, nil
}

// routes creates each route's serverless NEG and regional backend service in front of its
// service, runs[i].
func (b *producerBuilder) routes(runs []cloudRunService) ([]routeBackend, error) {
	var out []routeBackend
	for i, r := range b.args.Routes {
		s := b.args.routeSpec(i)
		backend, err := b.backendService(s, runs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, routeBackend{route: r, hosts: s.hosts, prefix: routePrefix(r), backend: backend})
	}
	return out, nil
}

// routeOutputs maps each route's key to the name of its Cloud Run service in the primary region,
// runs[i].
func routeOutputs(routes []RouteArgs, runs []cloudRunService) pulumi.StringMapOutput {
	m := pulumi.StringMap{}
	for i, r := range routes {
		m[r.Key] = runs[i].name
	}
	return m.ToStringMapOutput()
}

// routeTarget is one path prefix of one host and the backend service that serves it.
type routeTarget struct {
	prefix  string
	backend pulumi.StringOutput
}

// routeURLMapArgs routes each host to a path matcher: the component's hostname to the main
// backend for the paths no route claims, each route's prefix (and everything under it) to the
// route's backend. A host whose / no route claims, and a request for a host no rule names, get
// 404: a route action that aborts every request (URLMAP-404-ABORT).
func (b *producerBuilder) routeURLMapArgs(main pulumi.StringOutput, routes []routeBackend) *compute.RegionUrlMapArgs {
	byHost := map[string][]routeTarget{b.args.Hostname: {{prefix: "/", backend: main}}}
	for _, r := range routes {
		for _, h := range r.hosts {
			byHost[h] = append(byHost[h], routeTarget{prefix: r.prefix, backend: r.backend})
		}
	}
	args := &compute.RegionUrlMapArgs{
		Project: b.project(),
		Region:  pulumi.String(b.args.Region),
		DefaultRouteAction: &compute.RegionUrlMapDefaultRouteActionArgs{
			// The provider wants one of defaultService, defaultUrlRedirect and
			// defaultRouteAction.weightedBackendServices (ExactlyOneOf): the abort answers before
			// the named backend is reached.
			WeightedBackendServices: compute.RegionUrlMapDefaultRouteActionWeightedBackendServiceArray{
				&compute.RegionUrlMapDefaultRouteActionWeightedBackendServiceArgs{BackendService: main, Weight: pulumi.Int(100)},
			},
			FaultInjectionPolicy: &compute.RegionUrlMapDefaultRouteActionFaultInjectionPolicyArgs{
				Abort: &compute.RegionUrlMapDefaultRouteActionFaultInjectionPolicyAbortArgs{
					HttpStatus: pulumi.Int(notFoundStatus), Percentage: pulumi.Float64(100),
				},
			},
		},
	}
	hosts := make([]string, 0, len(byHost))
	for h := range byHost {
		hosts = append(hosts, h)
	}
	slices.Sort(hosts)
	rules, matchers := compute.RegionUrlMapHostRuleArray{}, compute.RegionUrlMapPathMatcherArray{}
	for _, h := range hosts {
		name := pathMatcherName(h, b.args.Hostname)
		rules = append(rules, &compute.RegionUrlMapHostRuleArgs{
			Hosts:       pulumi.StringArray{pulumi.String(h)},
			PathMatcher: pulumi.String(name),
		})
		matchers = append(matchers, pathMatcher(name, byHost[h]))
	}
	args.HostRules, args.PathMatchers = rules, matchers
	return args
}

// notFoundStatus is what a request that matches no route gets.
const notFoundStatus = 404

// pathMatcher sends each prefix, and everything under it, to its backend; / is the matcher's
// default, and without one the matcher refuses with 404.
func pathMatcher(name string, targets []routeTarget) *compute.RegionUrlMapPathMatcherArgs {
	slices.SortFunc(targets, func(x, y routeTarget) int { return strings.Compare(x.prefix, y.prefix) })
	m := &compute.RegionUrlMapPathMatcherArgs{Name: pulumi.String(name)}
	rules := compute.RegionUrlMapPathMatcherPathRuleArray{}
	for _, t := range targets {
		if t.prefix == "/" {
			m.DefaultService = t.backend
			continue
		}
		rules = append(rules, &compute.RegionUrlMapPathMatcherPathRuleArgs{
			Paths:   pulumi.StringArray{pulumi.String(t.prefix), pulumi.String(t.prefix + "/*")},
			Service: t.backend,
		})
	}
	if len(rules) > 0 {
		m.PathRules = rules
	}
	if m.DefaultService == nil {
		m.DefaultRouteAction = &compute.RegionUrlMapPathMatcherDefaultRouteActionArgs{
			WeightedBackendServices: compute.RegionUrlMapPathMatcherDefaultRouteActionWeightedBackendServiceArray{
				&compute.RegionUrlMapPathMatcherDefaultRouteActionWeightedBackendServiceArgs{BackendService: targets[0].backend, Weight: pulumi.Int(100)},
			},
			FaultInjectionPolicy: &compute.RegionUrlMapPathMatcherDefaultRouteActionFaultInjectionPolicyArgs{
				Abort: &compute.RegionUrlMapPathMatcherDefaultRouteActionFaultInjectionPolicyAbortArgs{
					HttpStatus: pulumi.Int(notFoundStatus), Percentage: pulumi.Float64(100),
				},
			},
		}
	}
	return m
}

// pathMatcherName names a host's path matcher: the hostname's keeps the single-service form's
// name, another host's is derived from the host, so adding a host renames no other matcher.
func pathMatcherName(host, hostname string) string {
	if host == hostname {
		return mainPathMatcher
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(host))
	return fmt.Sprintf("host-%08x", h.Sum32())
}
