package chain

// The cross-region internal Application Load Balancer is the regional one's chain built of global
// resources: a global forwarding rule per region (in that region's subnet), one global target
// proxy, URL map and backend service, and the same serverless NEGs, one per region
// (https://cloud.google.com/load-balancing/docs/l7-internal/setting-up-l7-cross-reg-serverless).
// A reference says which it names: projects/P/global/... or projects/P/regions/R/....

// globalOf pairs each regional load-balancing type of the chain with its cross-region
// counterpart.
var globalOf = map[string]string{
	ForwardingRuleType:         GlobalForwardingRuleType,
	RegionTargetHttpProxyType:  TargetHttpProxyType,
	RegionTargetHttpsProxyType: TargetHttpsProxyType,
	RegionUrlMapType:           URLMapType,
	RegionBackendServiceType:   BackendServiceType,
}

// Variants are the types a resource of the chain named by its regional type may have: that type,
// and for a link of the load balancer its cross-region counterpart.
func Variants(regional string) []string {
	if g, ok := globalOf[regional]; ok {
		return []string{regional, g}
	}
	return []string{regional}
}

// InternalManaged is the load-balancing scheme of both internal Application Load Balancers, the
// regional one's rules and backend services and the cross-region one's
// (https://cloud.google.com/load-balancing/docs/l7-internal).
const InternalManaged = "INTERNAL_MANAGED"

// Proxy-only subnet purposes: the proxies of a regional internal Application Load Balancer run in
// a REGIONAL_MANAGED_PROXY subnet of the rule's region, those of a cross-region one in a
// GLOBAL_MANAGED_PROXY subnet of each region that has one of its forwarding rules
// (https://cloud.google.com/load-balancing/docs/proxy-only-subnets).
const (
	RegionalProxyPurpose = "REGIONAL_MANAGED_PROXY"
	GlobalProxyPurpose   = "GLOBAL_MANAGED_PROXY"
)

// ProxyOnlyPurpose is the purpose of the proxy-only subnet that runs the proxies of a forwarding
// rule of type ruleType.
func ProxyOnlyPurpose(ruleType string) string {
	if ruleType == GlobalForwardingRuleType {
		return GlobalProxyPurpose
	}
	return RegionalProxyPurpose
}
