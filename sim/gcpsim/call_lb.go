package gcpsim

import "strings"

// lbRule: the attachment's target, an INTERNAL_MANAGED rule (FR-LB) with its ACTIVE proxy-only
// subnet (FR-PROXY-ONLY-FIRST), reachable from the client's region (EP-GLOBAL-ACCESS), listening
// on the URL's port (FR-PORT-LISTENER). Each refusal leaves the client without an answer.
func (c *call) lbRule() (*refusal, error) {
	c.rule = c.lookup(c.att, c.att.out().str("targetService"), "forwardingRules")
	if c.rule == nil {
		return refuse(LinkForwardingRule, "SA-TARGET", ErrTimeout, "attachment %s targets %s, which does not exist", c.att.ID, c.att.out().str("targetService")), nil
	}
	out := c.rule.out()
	c.hop(LinkForwardingRule, c.rule, "%s:%s", out.str("ipAddress"), out.str("portRange"))
	switch {
	case out.str("loadBalancingScheme") != schemeInternalManaged:
		return refuse(LinkForwardingRule, "FR-LB", ErrTimeout, "%s has load balancing scheme %q, not INTERNAL_MANAGED", c.rule.ID, out.str("loadBalancingScheme")), nil
	case !c.st.ruleServed(c.rule):
		region, purpose := ruleProxies(c.rule)
		return refuse(LinkForwardingRule, "FR-PROXY-ONLY-FIRST", ErrTimeout, "no ACTIVE proxy-only subnet (%s) in region %s of %s runs the load balancer's proxies", purpose, region, out.str("network")), nil
	}
	if region, _ := ruleProxies(c.rule); c.st.OutageOf(region).Proxies {
		return refuse(LinkForwardingRule, "SIM-OUTAGE", ErrTimeout, "the load balancer's proxies in region %s are down (outage): %s is not answered", region, c.rule.ID), nil
	}
	// The cross-region internal ALB's rules are reachable from every region (XLB-GLOBAL-ACCESS).
	if c.rule.Type != globalForwardingRuleToken && c.rule.Region != c.req.Region {
		if global, _ := out.boolean("allowGlobalAccess"); !global {
			return refuse(LinkForwardingRule, "EP-GLOBAL-ACCESS", ErrTimeout, "the client is in %s and the producer's load balancer %s in %s without allowGlobalAccess", c.req.Region, c.rule.ID, c.rule.Region), nil
		}
	}
	if lo, hi, ok := parsePortRange(out.str("portRange")); !ok || c.url.port < lo || c.url.port > hi {
		return refuse(LinkForwardingRule, "FR-PORT-LISTENER", ErrTimeout, "the load balancer listens on port %s, the call goes to port %d", out.str("portRange"), c.url.port), nil
	}
	return nil, nil
}

// targetProxy: the rule's proxy speaks TLS (HTTPS) or plain HTTP, and the client must speak the
// same (LB-LISTENER-PROTOCOL).
func (c *call) targetProxy() (*refusal, error) {
	target := c.rule.out().str("target")
	collection := "targetHttpProxies"
	if strings.Contains(target, "targetHttpsProxies/") {
		collection = "targetHttpsProxies"
	}
	c.proxy = c.lookup(c.rule, target, collection)
	if c.proxy == nil {
		return refuse(LinkProxy, "FR-LB", ErrTimeout, "load balancer rule %s targets %s, which does not exist", c.rule.ID, target), nil
	}
	https := collection == "targetHttpsProxies"
	c.hop(LinkProxy, c.proxy, "%s", map[bool]string{true: "HTTPS", false: "HTTP"}[https])
	switch {
	case c.url.https && !https:
		return refuse(LinkProxy, "LB-LISTENER-PROTOCOL", ErrTLS, "the client starts TLS, and HTTP proxy %s answers in plain HTTP", c.proxy.ID), nil
	case !c.url.https && https:
		return refuse(LinkProxy, "LB-LISTENER-PROTOCOL", ErrConnectionReset, "the client sends plain HTTP, and HTTPS proxy %s expects a TLS handshake", c.proxy.ID), nil
	}
	return nil, nil
}

// urlMap routes the call by host and path (URLMAP-MATCH): to a backend service, or to the load
// balancer's own answer (a fault-injection abort, a redirect), which ends the call there.
func (c *call) urlMap() (*refusal, error) {
	um := c.lookup(c.proxy, c.proxy.out().str("urlMap"), "urlMaps")
	if um == nil {
		return answer(LinkURLMap, "LB-BACKEND-503", 503, "proxy %s names URL map %s, which does not exist", c.proxy.ID, c.proxy.out().str("urlMap")), nil
	}
	m := matchRequest(um.out(), c.url.host, c.url.path)
	switch {
	case m.status != 0:
		c.hop(LinkURLMap, um, "%s%s answered %d by the load balancer", c.url.host, c.url.path, m.status)
		return answer(LinkURLMap, "URLMAP-MATCH", m.status, "URL map %s answers %s%s with %d itself (no route to a service)", um.ID, c.url.host, c.url.path, m.status), nil
	case m.service == "":
		c.hop(LinkURLMap, um, "%s%s routed to no backend service", c.url.host, c.url.path)
		return answer(LinkURLMap, "LB-BACKEND-503", 503, "URL map %s routes %s%s to no backend service", um.ID, c.url.host, c.url.path), nil
	}
	c.hop(LinkURLMap, um, "%s%s → %s", c.url.host, c.url.path, m.field)
	c.backend = c.lookup(um, m.service, "backendServices")
	if c.backend == nil {
		return answer(LinkBackend, "LB-BACKEND-503", 503, "%s of URL map %s names backend service %s, which does not exist", m.field, um.ID, m.service), nil
	}
	c.hop(LinkBackend, c.backend, "%d backend(s)", len(c.backend.out().objs("backends")))
	return nil, nil
}

// serverless: the backend service's serverless NEG and the Cloud Run service it names; what is
// missing or of another kind leaves the load balancer without a backend (LB-BACKEND-503). A
// global backend service picks among its NEGs by region (XLB-FAILOVER).
func (c *call) serverless() (*refusal, error) {
	backends := c.backend.out().objs("backends")
	if len(backends) == 0 {
		return answer(LinkBackend, "LB-BACKEND-503", 503, "backend service %s has no backends", c.backend.ID), nil
	}
	if c.backend.Type == globalBackendServiceToken {
		return c.crossRegion(backends)
	}
	svc, r := c.negService(backends[0].str("group"), "")
	if r != nil {
		return r, nil
	}
	c.serve(svc)
	return nil, nil
}

func (c *call) serve(svc *Record) {
	c.res.CloudRun, c.res.ServedRegion = svc.ID, svc.Region
}

// negService follows a backend group to its serverless NEG and Cloud Run service, recording the
// NEG's hop (with why it was chosen, when there was a choice).
func (c *call) negService(group, why string) (*Record, *refusal) {
	neg := c.lookup(c.backend, group, "networkEndpointGroups")
	if neg == nil {
		return nil, answer(LinkNEG, "LB-BACKEND-503", 503, "backend service %s names NEG %s, which does not exist", c.backend.ID, group)
	}
	name := neg.out().sub("cloudRun").str("service")
	c.hop(LinkNEG, neg, "%s in %s, Cloud Run service %q%s", negType(neg), neg.Region, name, why)
	switch {
	case negType(neg) != "SERVERLESS":
		return nil, answer(LinkNEG, "LB-BACKEND-503", 503, "NEG %s is of type %s, not SERVERLESS", neg.ID, negType(neg))
	case name == "":
		return nil, answer(LinkNEG, "LB-BACKEND-503", 503, "serverless NEG %s names no Cloud Run service", neg.ID)
	}
	svc := c.lookup(neg, name, "services")
	if svc == nil {
		path := ref{Project: neg.Project, Region: neg.Region, Collection: "services", Name: name}.path()
		return nil, answer(LinkCloudRun, "LB-BACKEND-503", 503, "NEG %s names Cloud Run service %s, which does not exist", neg.ID, path)
	}
	return svc, nil
}

// crossRegion is the NEG a cross-region internal ALB's Envoy picks (XLB-FAILOVER, Google's
// setting-up-l7-cross-reg-serverless): the NEG of the Envoy's own region (the region of the
// forwarding rule's subnetwork) is preferred; another region serves only when outlier detection
// is enabled on the backend service and the local NEG is unhealthy. Without a NEG in the Envoy's
// region, Google spreads the traffic evenly over the NEGs: the simulator takes the first healthy
// one by region name (an assumption, for a deterministic answer).
func (c *call) crossRegion(backends []obj) (*refusal, error) {
	envoy, _ := ruleProxies(c.rule)
	byRegion := map[string]string{}
	for _, b := range backends {
		if neg := c.lookup(c.backend, b.str("group"), "networkEndpointGroups"); neg != nil {
			byRegion[neg.Region] = b.str("group")
		}
	}
	local, hasLocal := byRegion[envoy]
	outlier := c.backend.out().has("outlierDetection")
	if hasLocal {
		svc, r := c.negService(local, " (the Envoy's region)")
		if r == nil && c.healthy(svc) {
			c.serve(svc)
			return nil, nil
		}
		if !outlier {
			if r != nil {
				return r, nil
			}
			c.serve(svc) // the unhealthy local service answers (XLB-FAILOVER: no failover)
			return nil, nil
		}
	}
	for _, region := range sortedKeys(byRegion) {
		if region == envoy {
			continue
		}
		why := " (spread: no NEG in the Envoy's region " + envoy + ")"
		if hasLocal {
			why = " (failover: the NEG of " + envoy + " is unhealthy and outlier detection is on)"
		}
		n := len(c.res.Hops)
		if svc, r := c.negService(byRegion[region], why); r == nil && c.healthy(svc) {
			c.serve(svc)
			return nil, nil
		}
		c.res.Hops = c.res.Hops[:n] // an unhealthy candidate is not taken
	}
	if hasLocal {
		return answer(LinkNEG, "XLB-FAILOVER", 503, "the NEG of %s is unhealthy and no other region's NEG of backend service %s is healthy", envoy, c.backend.ID), nil
	}
	svc, r := c.negService(byRegion[sortedKeys(byRegion)[0]], " (spread: no healthy NEG)")
	if r != nil {
		return r, nil
	}
	c.serve(svc)
	return nil, nil
}

// healthy reports whether a Cloud Run service answers the load balancer: its region is not down
// (SIM-OUTAGE) and it is Ready with a ready revision (RUN-NOT-READY), as outlier detection sees it.
func (c *call) healthy(svc *Record) bool {
	return !c.st.OutageOf(svc.Region).CloudRun && readyState(svc.out()) == "CONDITION_SUCCEEDED" && svc.out().str("latestReadyRevision") != ""
}
