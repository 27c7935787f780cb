package doctor

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// The producer's load balancer in a call: the attachment's rule, its proxy, the URL map's route,
// the backend service, the serverless NEG and the Cloud Run service it names (the certificate is
// request_tls.go's, the Cloud Armor policy request_armor.go's).

const producerUp = "run `pulumi up` on the producer stack"

// lbRule: the attachment's target is an INTERNAL_MANAGED rule (FR-LB) whose region has an
// ACTIVE proxy-only subnet (FR-PROXY-ONLY-FIRST), reachable from the client's region
// (EP-GLOBAL-ACCESS), listening on the URL's port (FR-PORT-LISTENER).
func (a *asked) lbRule() *refusal {
	ref := str(a.att.Outputs, "targetService")
	a.rule = live(a.producer, chain.ForwardingRuleType, ref)
	if a.rule == nil {
		return dropped(chain.LinkLBRule, "SA-TARGET", ErrTimeout, producerUp, "attachment %s targets %s, which the producer stack does not hold", id(a.att), chain.RelativeName(ref))
	}
	o := a.rule.Outputs
	a.hop(chain.LinkLBRule, a.rule.ID, "%s:%s", str(o, "ipAddress"), str(o, "portRange"))
	region := regionOf(a.rule)
	if s := str(o, "loadBalancingScheme"); s != chain.InternalManaged {
		return dropped(chain.LinkLBRule, "FR-LB", ErrTimeout, producerUp, "load balancer rule %s has scheme %q, not INTERNAL_MANAGED", id(a.rule), s)
	}
	held, active, purpose := false, false, chain.ProxyOnlyPurpose(a.rule.Type)
	for _, s := range a.producer.ofType(chain.SubnetworkType) {
		so := s.Outputs
		if !s.Gone && str(so, "purpose") == purpose && regionOf(s) == region && chain.RelativeName(str(so, "network")) == chain.RelativeName(str(o, "network")) {
			held, active = true, active || str(so, "role") == "ACTIVE"
		}
	}
	switch {
	case !held:
		a.assume(chain.LinkLBRule, "`gcloud compute networks subnets list --filter=purpose="+purpose+" --regions "+region+"`",
			"an ACTIVE proxy-only subnet outside the producer stack runs the load balancer's proxies in %s", region)
	case !active:
		return dropped(chain.LinkLBRule, "FR-PROXY-ONLY-FIRST", ErrTimeout, "promote the proxy-only subnet to ACTIVE, or "+producerUp,
			"no ACTIVE proxy-only subnet in %s runs the load balancer's proxies", region)
	}
	// The cross-region load balancer's rules are reachable from every region of the VPC
	// (https://cloud.google.com/load-balancing/docs/l7-internal: no allowGlobalAccess switch).
	if region != a.req.Region && a.rule.Type != chain.GlobalForwardingRuleType && !boolean(o, "allowGlobalAccess") {
		return dropped(chain.LinkLBRule, "EP-GLOBAL-ACCESS", ErrTimeout,
			"the producer turns on global access of its load balancer (allowGlobalAccess) and runs `pulumi up`, or the client calls from "+region,
			"the client is in %s and the producer's load balancer %s in %s has no global access", a.req.Region, id(a.rule), region)
	}
	lo, hi, _ := strings.Cut(str(o, "portRange"), "-")
	if hi == "" {
		hi = lo
	}
	l, err1 := strconv.Atoi(lo)
	h, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil || a.url.port < l || a.url.port > h {
		return dropped(chain.LinkLBRule, "FR-PORT-LISTENER", ErrTimeout, fmt.Sprintf("call port %s (%s)", str(o, "portRange"), schemeOfPort(str(o, "portRange"))),
			"the load balancer listens on port %s; the call goes to port %d", str(o, "portRange"), a.url.port)
	}
	return nil
}

func schemeOfPort(p string) string {
	if p == "443" {
		return "https://"
	}
	return "http:// or https:// with the port"
}

// targetProxy: the rule's proxy speaks TLS (HTTPS) or plain HTTP, and so must the client
// (LB-LISTENER-PROTOCOL).
func (a *asked) targetProxy() *refusal {
	ref := str(a.rule.Outputs, "target")
	a.https = strings.Contains(ref, "/targetHttpsProxies/")
	token := chain.RegionTargetHttpProxyType
	if a.https {
		token = chain.RegionTargetHttpsProxyType
	}
	a.proxy = live(a.producer, token, ref)
	if a.proxy == nil {
		return dropped(chain.LinkProxy, "FR-LB", ErrTimeout, producerUp, "load balancer rule %s targets %s, which the producer stack does not hold", id(a.rule), chain.RelativeName(ref))
	}
	kind := map[bool]string{true: "HTTPS", false: "HTTP"}[a.https]
	a.hop(chain.LinkProxy, a.proxy.ID, "%s", kind)
	switch {
	case a.url.https && !a.https:
		return dropped(chain.LinkProxy, "LB-LISTENER-PROTOCOL", ErrTLS, "call http://"+a.url.host+a.url.path,
			"the client starts TLS and HTTP proxy %s answers in plain HTTP", id(a.proxy))
	case !a.url.https && a.https:
		return dropped(chain.LinkProxy, "LB-LISTENER-PROTOCOL", ErrConnectionReset, "call https://"+a.url.host+a.url.path,
			"the client sends plain HTTP and HTTPS proxy %s expects a TLS handshake", id(a.proxy))
	}
	return nil
}

// urlMap routes the call by host and path (URLMAP-MATCH): to a backend service, or to an answer
// of the load balancer itself (a redirect, an abort), which ends the call; nowhere to send it is
// a 503 (LB-BACKEND-503).
func (a *asked) urlMap() *refusal {
	ref := str(a.proxy.Outputs, "urlMap")
	um := live(a.producer, chain.RegionUrlMapType, ref)
	if um == nil {
		return answered(chain.LinkURLMap, "LB-BACKEND-503", 503, producerUp, "proxy %s names URL map %s, which the producer stack does not hold", id(a.proxy), chain.RelativeName(ref))
	}
	where := a.url.host + a.url.path
	status, service, via := route(um.Outputs, a.url.host, a.url.path)
	switch {
	case status != 0:
		a.hop(chain.LinkURLMap, um.ID, "%s answered %d by the load balancer", where, status)
		return answered(chain.LinkURLMap, "URLMAP-MATCH", status, "call a path the producer's `routes` serve (or add one) and run `pulumi up` on the producer",
			"URL map %s answers %s with %d itself (%s)", id(um), where, status, via)
	case service == "":
		a.hop(chain.LinkURLMap, um.ID, "%s routed to no backend service", where)
		return answered(chain.LinkURLMap, "LB-BACKEND-503", 503, producerUp, "URL map %s routes %s to no backend service", id(um), where)
	}
	a.hop(chain.LinkURLMap, um.ID, "%s → %s (%s)", where, chain.NameOf(service), via)
	a.backend = live(a.producer, chain.RegionBackendServiceType, service)
	if a.backend == nil {
		return answered(chain.LinkBackend, "LB-BACKEND-503", 503, producerUp, "URL map %s routes %s to backend service %s, which the producer stack does not hold", id(um), where, chain.RelativeName(service))
	}
	a.hop(chain.LinkBackend, a.backend.ID, "%d backend(s)", len(objs(a.backend.Outputs, "backends")))
	return nil
}

// serverless: the backend service's serverless NEG and the Cloud Run service it names; anything
// missing leaves the load balancer nowhere to send the call (LB-BACKEND-503).
func (a *asked) serverless() *refusal {
	backends := objs(a.backend.Outputs, "backends")
	if len(backends) == 0 {
		return answered(chain.LinkBackend, "LB-BACKEND-503", 503, producerUp+": the serverless NEG is attached again", "backend service %s has no backends", id(a.backend))
	}
	ref := str(localBackend(a.producer, backends, regionOf(a.rule)), "group")
	neg := live(a.producer, chain.RegionNetworkEndpointGroupType, ref)
	if neg == nil {
		return answered(chain.LinkNEG, "LB-BACKEND-503", 503, producerUp, "backend service %s names NEG %s, which the producer stack does not hold", id(a.backend), chain.RelativeName(ref))
	}
	name := str(sub(neg.Outputs, "cloudRun"), "service")
	kind := firstNonEmpty(str(neg.Outputs, "networkEndpointType"), "SERVERLESS")
	a.hop(chain.LinkNEG, neg.ID, "%s, Cloud Run service %q", kind, name)
	switch {
	case kind != "SERVERLESS":
		return answered(chain.LinkNEG, "LB-BACKEND-503", 503, producerUp, "NEG %s is %s, not SERVERLESS", id(neg), kind)
	case name == "":
		return answered(chain.LinkNEG, "LB-BACKEND-503", 503, producerUp, "serverless NEG %s names no Cloud Run service", id(neg))
	}
	project, region := firstNonEmpty(str(neg.Outputs, "project"), chain.ProjectOf(neg.ID)), regionOf(neg)
	want := "projects/" + project + "/locations/" + region + "/services/" + name
	for _, s := range a.producer.ofType(chain.CloudRunServiceType) {
		if !s.Gone && id(s) == want {
			a.service = s
		}
	}
	if a.service == nil {
		return answered(chain.LinkCloudRun, "LB-BACKEND-503", 503,
			"create the service, or point `cloudRun.existingServiceName` at one that exists, and run `pulumi up` on the producer",
			"NEG %s names Cloud Run service %s, which the producer stack does not hold", id(neg), want)
	}
	return nil
}

// route is where a URL map sends host and path: a status the load balancer answers itself, or
// the backend service, and which field decided. The host rule with the most specific pattern
// (an exact host, then the longest *.suffix, then *) picks a path matcher, whose longest matching
// path rule ("/p" exactly, "/p/*" as a prefix) wins, else its default; without a host rule, the
// URL map's default.
func route(um map[string]any, host, path string) (status int, service, via string) {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	matcher, score := "", -1
	for _, h := range objs(um, "hostRules") {
		for _, p := range strs(h, "hosts") {
			p = strings.ToLower(p)
			if i := strings.IndexByte(p, ':'); i >= 0 {
				p = p[:i]
			}
			s := -1
			switch {
			case p == host:
				s = 1 << 20
			case p == "*":
				s = 0
			case strings.HasPrefix(p, "*") && len(host) > len(p)-1 && strings.HasSuffix(host, p[1:]):
				s = len(p)
			}
			if s > score {
				matcher, score = str(h, "pathMatcher"), s
			}
		}
	}
	if score >= 0 {
		for _, m := range objs(um, "pathMatchers") {
			if str(m, "name") != matcher {
				continue
			}
			var best map[string]any
			longest := -1
			for _, r := range objs(m, "pathRules") {
				for _, p := range strs(r, "paths") {
					hit := p == path || strings.HasSuffix(p, "/*") && strings.HasPrefix(path, p[:len(p)-1])
					if hit && len(p) > longest {
						best, longest = r, len(p)
					}
				}
			}
			if best != nil {
				status, service = action(best, "service", "routeAction")
				return status, service, "path rule " + strings.Join(strs(best, "paths"), ", ") + " of path matcher " + matcher
			}
			status, service = defaults(m)
			return status, service, "default of path matcher " + matcher
		}
	}
	status, service = defaults(um)
	return status, service, "the URL map's default"
}

// defaults is what the default of a URL map or a path matcher does.
func defaults(o map[string]any) (int, string) {
	if r := sub(o, "defaultUrlRedirect"); r != nil {
		codes := map[string]int{"FOUND": 302, "SEE_OTHER": 303, "TEMPORARY_REDIRECT": 307, "PERMANENT_REDIRECT": 308}
		if c, ok := codes[str(r, "redirectResponseCode")]; ok {
			return c, ""
		}
		return 301, "" // MOVED_PERMANENTLY_DEFAULT
	}
	return action(o, "defaultService", "defaultRouteAction")
}

// action is what a rule holding a service field and a route action does: an abort of every
// request answers its status; else the service; else the heaviest weighted backend service.
func action(o map[string]any, serviceField, actionField string) (int, string) {
	ra := sub(o, actionField)
	abort := sub(sub(ra, "faultInjectionPolicy"), "abort")
	if pct, ok := num(abort, "percentage"); ok && pct >= 100 {
		if s, ok := num(abort, "httpStatus"); ok {
			return int(s), ""
		}
	}
	if s := str(o, serviceField); s != "" {
		return 0, s
	}
	service, heaviest := "", -1.0
	for _, w := range objs(ra, "weightedBackendServices") {
		if v, _ := num(w, "weight"); v > heaviest {
			service, heaviest = str(w, "backendService"), v
		}
	}
	return 0, service
}
