package doctor

import (
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// The load balancer segment, from the attachment's target service to the serverless NEG (the
// proxy's certificates are certificates.go's). A link whose resource exists but is wrong is
// reported and the walk goes on, so that one run names every broken link; a missing resource
// stops it, and the links after it are skipped.

// checkLBRule: the attachment's target is an INTERNAL_MANAGED rule with an ACTIVE proxy-only subnet.
func (w *walk) checkLBRule() {
	if w.attachment == nil {
		w.unreached()
		return
	}
	rule := w.follow(w.attachment, "targetService", chain.ForwardingRuleType)
	if rule == nil {
		w.stop()
		return
	}
	w.rule = rule
	if scheme := str(rule.Outputs, "loadBalancingScheme"); scheme != chain.InternalManaged {
		w.broken(rule, "the load balancer rule has scheme "+scheme+", not INTERNAL_MANAGED", "run `pulumi up` on the producer stack")
	}
	w.proxyOnlySubnet(rule)
	if rule.Type == chain.GlobalForwardingRuleType {
		w.ok(rule, "%s INTERNAL_MANAGED, cross-region (global rule in %s), proxy-only subnet ACTIVE", str(rule.Outputs, "ipAddress"), regionOf(rule))
		return
	}
	w.ok(rule, "%s INTERNAL_MANAGED, proxy-only subnet ACTIVE", str(rule.Outputs, "ipAddress"))
}

// proxyOnlySubnet: the proxy-only subnet of the rule's network and region, of the purpose its
// kind of load balancer needs (chain.ProxyOnlyPurpose), is there and ACTIVE.
func (w *walk) proxyOnlySubnet(rule *Resource) {
	network, region, purpose := chain.RelativeName(str(rule.Outputs, "network")), regionOf(rule), chain.ProxyOnlyPurpose(rule.Type)
	for _, s := range w.producer.ofType(chain.SubnetworkType) {
		o := s.Outputs
		if str(o, "purpose") == purpose && chain.RelativeName(str(o, "network")) == network && regionOf(s) == region {
			switch {
			case s.Gone:
				w.broken(s, "the proxy-only subnet "+s.Name()+" was deleted: the load balancer's proxies have nowhere to run",
					"run `pulumi up` on the producer stack: the component recreates its proxy-only subnet")
			case str(o, "role") != "ACTIVE":
				w.broken(s, "the proxy-only subnet "+s.Name()+" is "+str(o, "role")+", not ACTIVE",
					"promote it to ACTIVE, or run `pulumi up` on the producer stack")
			}
			return
		}
	}
	// One made by another stack (proxyOnlySubnet.existing) is not read: assume it serves.
}

// checkProxy: the rule's target proxy exists.
func (w *walk) checkProxy() {
	if w.rule == nil {
		w.unreached()
		return
	}
	token, https := chain.RegionTargetHttpProxyType, strings.Contains(str(w.rule.Outputs, "target"), "/targetHttpsProxies/")
	if https {
		token = chain.RegionTargetHttpsProxyType
	}
	if w.proxy = w.follow(w.rule, "target", token); w.proxy == nil {
		w.stop()
		return
	}
	w.https = https
	w.ok(w.proxy, "%s", map[bool]string{true: "HTTPS", false: "HTTP"}[https])
}

// checkURLMap: the proxy's URL map exists; it picks the backend service that serves the hostname.
func (w *walk) checkURLMap() {
	if w.proxy == nil {
		w.unreached()
		return
	}
	um := w.follow(w.proxy, "urlMap", chain.RegionUrlMapType)
	if um == nil {
		w.stop()
		return
	}
	route, note := servingRoute(um.Outputs, w.hostname)
	w.route = route
	w.ok(um, "%s", note)
}

// checkBackend: the backend service that serves the hostname exists and has a backend.
func (w *walk) checkBackend() {
	if w.route == nil {
		w.unreached()
		return
	}
	bs := w.follow(w.route, "defaultService", chain.RegionBackendServiceType)
	if bs == nil {
		w.stop()
		return
	}
	w.backend = bs
	backends := objs(bs.Outputs, "backends")
	if len(backends) == 0 {
		w.broken(bs, "the backend service has no backends, so the load balancer answers 503", "run `pulumi up` on the producer stack: the serverless NEG is attached again")
		w.stop()
		return
	}
	region := regionOf(w.rule)
	w.group = localBackend(w.producer, backends, region)
	if len(backends) > 1 {
		w.ok(bs, "%d backend(s) in %s; this path: %s", len(backends), strings.Join(negRegions(w.producer, bs), ", "), region)
		return
	}
	w.ok(bs, "%d backend(s)", len(backends))
}

// localBackend is the backend that serves a request the proxies of region take: the cross-region
// backend service has a serverless NEG per region and prefers the one of the proxy's own region
// (https://cloud.google.com/load-balancing/docs/l7-internal/setting-up-l7-cross-reg-serverless;
// failing over to another region is the simulator's to follow); the regional one has one.
func localBackend(producer *Side, backends []map[string]any, region string) map[string]any {
	for _, b := range backends {
		if negRegion(producer, str(b, "group")) == region {
			return b
		}
	}
	return backends[0]
}

// checkSecurityPolicy: the Cloud Armor policy the backend service names, if any, is one the
// producer stack holds. Its rules decide per request, on the PSC NAT address the producer sees
// (docs/gcp-rules.md ARMOR-EVAL): `doctor --request` evaluates them for one call.
func (w *walk) checkSecurityPolicy() {
	if w.backend == nil {
		w.unreached()
		return
	}
	ref := str(w.backend.Outputs, "securityPolicy")
	if ref == "" {
		w.ok(w.backend, "no Cloud Armor policy on the backend service")
		return
	}
	pol := w.producer.find(chain.RegionSecurityPolicyType, ref)
	switch {
	case pol == nil:
		w.warn(w.backend, "the backend service names Cloud Armor policy "+chain.RelativeName(ref)+", which the producer stack does not hold: its rules are not read",
			"check the policy's rules with `gcloud compute security-policies describe "+chain.NameOf(ref)+"`, or manage it in the producer stack")
	case pol.Gone:
		w.broken(pol, "the Cloud Armor policy "+pol.Name()+" was deleted outside Pulumi: the load balancer answers 503",
			"run `pulumi up` on the producer stack: the policy is recreated")
	default:
		w.ok(pol, "%d rule(s); `doctor --request URL` evaluates them for a call", len(objs(pol.Outputs, "rules")))
	}
}

// checkNEG: the backend's network endpoint group exists, is SERVERLESS and names a Cloud Run service.
func (w *walk) checkNEG() {
	if w.group == nil {
		w.unreached()
		return
	}
	neg := w.follow(w.group, "group", chain.RegionNetworkEndpointGroupType)
	if neg == nil {
		w.stop()
		return
	}
	service := str(sub(neg.Outputs, "cloudRun"), "service")
	if t := str(neg.Outputs, "networkEndpointType"); t != "SERVERLESS" {
		w.broken(neg, "the network endpoint group is "+t+", not SERVERLESS", "run `pulumi up` on the producer stack")
	}
	if service == "" {
		w.broken(neg, "the serverless NEG names no Cloud Run service", "run `pulumi up` on the producer stack")
		w.stop()
		return
	}
	w.neg, w.service = neg, service
	w.ok(neg, "SERVERLESS → Cloud Run %s", service)
}
