package gcpsim

import (
	"fmt"
	"net/netip"
	"strings"
)

// isPSCTarget reports whether a forwarding rule target is a service attachment, which
// makes the rule a Private Service Connect endpoint.
func isPSCTarget(target string) bool { return strings.Contains(target, "serviceAttachments/") }

var forwardingRuleKind = register(&kind{
	token:      forwardingRuleToken,
	collection: "forwardingRules",
	noun:       "forwarding_rule",
	scope:      scopeRegional,
	autoName:   true,
	nameRule:   computeName,
	enums: map[string][]string{
		"loadBalancingScheme": {"EXTERNAL", "EXTERNAL_MANAGED", "INTERNAL", "INTERNAL_MANAGED"},
		"ipProtocol":          {"TCP", "UDP", "ESP", "AH", "SCTP", "ICMP", "L3_DEFAULT"},
		"networkTier":         {"PREMIUM", "STANDARD"},
		"ipVersion":           {"IPV4", "IPV6"},
	},
	secrets: labelSecrets,
	// target is not ForceNew: the provider changes it in place with setTarget (FR-TARGET-UPDATE).
	forceNew: []string{"name", "project", "region", "ipAddress", "network", "subnetwork", "loadBalancingScheme",
		"ipProtocol", "portRange", "ports", "allPorts", "backendService", "description", "ipVersion", "networkTier",
		"serviceLabel", "isMirroringCollector", "sourceIpRanges", "noAutomateDnsZone", "ipCollection", "serviceDirectoryRegistrations"},
	computed: []string{"ipAddress", "selfLink", "pscConnectionId", "pscConnectionStatus", "forwardingRuleId", "creationTimestamp",
		"labelFingerprint", "baseForwardingRule", "effectiveLabels", "pulumiLabels", "serviceName"},
	defaults:    map[string]any{"loadBalancingScheme": "EXTERNAL", "recreateClosedPsc": false},
	apiDefaults: map[string]any{"labels": map[string]any{}, "networkTier": "PREMIUM"},
	sets:        []string{"ports"},
	suppress: map[string]string{"ipAddress": suppressInternalIP, "ipProtocol": suppressCase, "backendService": suppressSelfLinkOrName,
		"ipCollection": "IpCollectionDiffSuppress", "network": suppressSelfLinkOrName, "portRange": suppressPortRange,
		"region": suppressSelfLinkOrName, "subnetwork": suppressSelfLinkOrName, "target": "CompareSelfLinkRelativePathsIgnoreProjectId"},
	apiCheck:       checkForwardingRule,
	apply:          applyForwardingRule,
	replaceOnState: closedPscNeedsRecreate,
	latencyKey: func(in obj) string {
		if isPSCTarget(in.str("target")) {
			return "PSC"
		}
		return ""
	},
})

// checkForwardingRule is what the API refuses in a forwarding rule request: the provider checks
// none of it (FR-LB, EP-SCHEME, EP-NETWORK).
func checkForwardingRule(in obj, f *failures) {
	checkLabels(in, f)
	checkGlobalAccess(in, f)
	if in.known("target") && isPSCTarget(in.str("target")) {
		checkPSCEndpoint(in, f)
		return
	}
	if in.str("loadBalancingScheme") != schemeInternalManaged {
		return
	}
	checkALBRule(in, f, "regional")
}

// checkALBRule is the API's refusal of an INTERNAL_MANAGED forwarding rule of an internal
// Application Load Balancer, scope "regional" or "global" (FR-LB, XLB-RULE): it needs a target
// proxy of its scope, a network, a subnetwork and one TCP port.
func checkALBRule(in obj, f *failures, scope string) {
	lb := map[string]string{"regional": "regional internal Application Load Balancer", "global": "cross-region internal Application Load Balancer"}[scope]
	for _, req := range []string{"target", "network", "subnetwork", "portRange"} {
		if !in.has(req) {
			f.add(req, "%s is required for an INTERNAL_MANAGED forwarding rule (%s)", req, lb)
		}
	}
	if in.known("ipProtocol") && in.str("ipProtocol") != "TCP" {
		f.add("ipProtocol", "ipProtocol must be TCP for an INTERNAL_MANAGED forwarding rule, got %q", in.str("ipProtocol"))
	}
	if t := in.str("target"); in.known("target") && !strings.Contains(t, "targetHttpProxies/") && !strings.Contains(t, "targetHttpsProxies/") {
		f.add("target", "target of an INTERNAL_MANAGED forwarding rule must be a %s target HTTP or HTTPS proxy, got %q", scope, t)
	}
	if in.known("portRange") {
		if lo, hi, ok := parsePortRange(in.str("portRange")); !ok || lo != hi {
			f.add("portRange", "portRange of an Application Load Balancer forwarding rule must be a single port such as 80 or 443, got %q", in.str("portRange"))
		}
	}
}

// checkGlobalAccess is the API's refusal of allowGlobalAccess outside internal load balancers
// (FR-GLOBAL-ACCESS): a PSC endpoint takes allowPscGlobalAccess instead.
func checkGlobalAccess(in obj, f *failures) {
	on, _ := in.boolean("allowGlobalAccess")
	if !on {
		return
	}
	scheme := in.str("loadBalancingScheme")
	if (in.known("target") && isPSCTarget(in.str("target"))) || (scheme != "INTERNAL" && scheme != schemeInternalManaged) {
		f.add("allowGlobalAccess", "allowGlobalAccess applies only to forwarding rules of internal load balancers (loadBalancingScheme INTERNAL or INTERNAL_MANAGED); a Private Service Connect endpoint uses allowPscGlobalAccess.")
	}
}

func checkPSCEndpoint(in obj, f *failures) {
	switch {
	case in.known("loadBalancingScheme") && in.str("loadBalancingScheme") != "":
		// The provider's default is EXTERNAL, sent when the program leaves the scheme unset.
		f.add("loadBalancingScheme", `A forwarding rule whose target is a service attachment must have an empty load balancing scheme, not %s.`, in.str("loadBalancingScheme"))
	}
	if !in.has("network") {
		f.add("network", "network is required for a Private Service Connect endpoint")
	}
	if !in.has("ipAddress") && !in.has("subnetwork") {
		f.add("ipAddress", "a Private Service Connect endpoint needs ipAddress (an INTERNAL compute.Address) or a subnetwork to allocate one from")
	}
	for _, field := range []string{"backendService", "portRange", "ports", "allPorts"} {
		if in.known(field) {
			f.add(field, "%s cannot be set on a Private Service Connect endpoint", field)
		}
	}
}

func parsePortRange(s string) (lo, hi int, ok bool) {
	a, b, found := strings.Cut(s, "-")
	if !found {
		b = a
	}
	if _, err := fmt.Sscan(a, &lo); err != nil {
		return 0, 0, false
	}
	if _, err := fmt.Sscan(b, &hi); err != nil {
		return 0, 0, false
	}
	return lo, hi, lo >= 1 && hi <= 65535 && lo <= hi
}

// ruleOutputs sets the outputs every forwarding rule, regional or global, computes.
func (o *op) ruleOutputs() {
	out := o.out()
	o.keepNumericID("forwardingRuleId")
	out["labelFingerprint"] = o.fingerprint()
	o.mirrorLabels()
	out["baseForwardingRule"] = ""
	out.setDefault("pscConnectionStatus", "")
	out.setDefault("pscConnectionId", "")
}

func applyForwardingRule(o *op) error {
	o.ruleOutputs()
	o.out()["serviceName"] = ""
	if isPSCTarget(o.in.str("target")) {
		return applyPSCEndpoint(o)
	}
	if o.in.str("loadBalancingScheme") == schemeInternalManaged {
		return applyLBForwardingRule(o)
	}
	return errBadRequest("invalid", "gcpsim: only INTERNAL_MANAGED forwarding rules and Private Service Connect endpoints are emulated (loadBalancingScheme %q, target %q)",
		firstNonEmpty(o.in.str("loadBalancingScheme"), "EXTERNAL"), o.in.str("target"))
}

// ruleNetwork resolves the network and subnet of a forwarding rule and checks they match.
func (o *op) ruleNetwork(use string) (netw, sub *Record, err error) {
	netw, err = o.resolve("network", o.in.str("network"), "networks", false)
	if err != nil {
		return nil, nil, err
	}
	if err := o.sharedVPC("network", o.in.str("network"), netw); err != nil {
		return nil, nil, err
	}
	o.use(netw)
	o.out()["network"] = selfLinkOf(netw.ID)
	if !o.in.known("subnetwork") {
		return netw, nil, nil
	}
	sub, err = o.regularSubnet("subnetwork", o.in.str("subnetwork"), use)
	if err != nil {
		return nil, nil, err
	}
	if sub.out().str("network") != selfLinkOf(netw.ID) {
		return nil, nil, errInvalidField("subnetwork", o.in.str("subnetwork"), fmt.Sprintf("The subnetwork does not belong to network '%s'.", netw.Name))
	}
	o.use(sub)
	o.out()["subnetwork"] = selfLinkOf(sub.ID)
	return netw, sub, nil
}

func applyLBForwardingRule(o *op) error {
	netw, sub, err := o.ruleNetwork("forwarding rules")
	if err != nil {
		return err
	}
	if err := o.requireProxyOnlySubnet(netw); err != nil {
		return err
	}
	target := o.in.str("target")
	r, ok := parseRef(target, o.ref("targetHttpProxies", true))
	if !ok || (r.Collection != "targetHttpProxies" && r.Collection != "targetHttpsProxies") {
		return errInvalidField("target", target, "The target of an INTERNAL_MANAGED forwarding rule must be a regional target HTTP(S) proxy.")
	}
	proxy, err := o.resolve("target", target, r.Collection, true)
	if err != nil {
		return err
	}
	if proxy.Region != o.rec.Region {
		return errInvalidField("target", target, fmt.Sprintf("The target proxy is in region '%s'; it must be in the forwarding rule's region '%s'.", proxy.Region, o.rec.Region))
	}
	if err := o.checkChainScheme(proxy); err != nil {
		return err
	}
	o.use(proxy)
	o.out()["target"] = selfLinkOf(proxy.ID)
	return o.assignRuleIP(sub)
}

// requireProxyOnlySubnet enforces that an ACTIVE proxy-only subnet exists in the rule's VPC
// and region before the rule is created.
func (o *op) requireProxyOnlySubnet(netw *Record) error {
	return o.requireProxyOnlySubnetOf(netw, o.rec.Region, purposeProxyOnly)
}

// requireProxyOnlySubnetOf enforces that an ACTIVE proxy-only subnet of purpose exists in the
// rule's VPC and region: REGIONAL_MANAGED_PROXY for a regional rule (FR-PROXY-ONLY-FIRST),
// GLOBAL_MANAGED_PROXY for a global one (XLB-PROXY-ONLY).
func (o *op) requireProxyOnlySubnetOf(netw *Record, region, purpose string) error {
	if o.t.hasActiveProxyOnlyOf(netw.ID, region, purpose) {
		return nil
	}
	return errInvalidField("target", o.in.str("target"), fmt.Sprintf(
		"An active proxy-only subnetwork (purpose %s, role ACTIVE) is required in region '%s' of network '%s' before an INTERNAL_MANAGED forwarding rule can be created.",
		purpose, region, netw.Name))
}

// hasActiveProxyOnly reports whether the network has an ACTIVE REGIONAL_MANAGED_PROXY subnet in
// region.
func (t *tx) hasActiveProxyOnly(networkID, region string) bool {
	return t.hasActiveProxyOnlyOf(networkID, region, purposeProxyOnly)
}

// hasActiveProxyOnlyOf reports whether the network has an ACTIVE proxy-only subnet of purpose in
// region.
func (t *tx) hasActiveProxyOnlyOf(networkID, region, purpose string) bool {
	for _, s := range t.subnetsOf(networkID) {
		if s.Region == region && subnetPurpose(s) == purpose && s.out().str("role") == "ACTIVE" {
			return true
		}
	}
	return false
}

// ruleProxies are the region and the proxy-only purpose of the Envoy proxies that serve an
// INTERNAL_MANAGED rule: a regional rule's own region and REGIONAL_MANAGED_PROXY, or for a global
// rule the region of its subnetwork and GLOBAL_MANAGED_PROXY (XLB-PROXY-ONLY).
func ruleProxies(rule *Record) (region, purpose string) {
	if rule.Type == globalForwardingRuleToken {
		if r, ok := parseRef(rule.out().str("subnetwork"), ref{Collection: "subnetworks"}); ok {
			region = r.Region
		}
		return region, purposeGlobalProxyOnly
	}
	return rule.Region, purposeProxyOnly
}

// ruleServed reports whether the proxies of an INTERNAL_MANAGED rule exist: an ACTIVE proxy-only
// subnet of their purpose in the rule's VPC and region.
func (st *State) ruleServed(rule *Record) bool {
	region, purpose := ruleProxies(rule)
	return (&tx{st: st}).hasActiveProxyOnlyOf(trimRefPrefix(rule.out().str("network")), region, purpose)
}

// checkChainScheme requires the backend services behind the proxy to use the rule's scheme.
func (o *op) checkChainScheme(proxy *Record) error {
	for _, umID := range proxy.Uses {
		um := o.t.get(umID)
		if um == nil || (um.Type != urlMapToken && um.Type != globalURLMapToken) {
			continue
		}
		for _, bsID := range um.Uses {
			bs := o.t.get(bsID)
			if bs == nil {
				continue
			}
			if scheme := bs.out().str("loadBalancingScheme"); scheme != schemeInternalManaged {
				return errInvalidField("loadBalancingScheme", schemeInternalManaged, fmt.Sprintf(
					"Backend service '%s' behind the target proxy uses load balancing scheme %s; it must be INTERNAL_MANAGED like the forwarding rule.", bs.Name, scheme))
			}
		}
	}
	return nil
}

// assignRuleIP sets ipAddress from a literal, an address resource, or the subnet. A literal
// that is the IP of a reserved address in the rule's project and region takes that address
// (EP-IP-NUMBER), as the API does (Compute API reference, ForwardingRule.IPAddress: "an IP address that references
// an existing static (reserved) IP address resource", given "as an IP address number").
func (o *op) assignRuleIP(sub *Record) error {
	requested := o.in.str("ipAddress")
	if requested != "" {
		if _, err := netip.ParseAddr(requested); err != nil {
			return o.useAddressResource(requested, sub)
		}
		if addr := o.reservedAddress(requested, sub); addr != nil {
			return o.useAddressResource(addr.ID, sub)
		}
	}
	if sub == nil {
		return errInvalidField("ipAddress", requested, "An internal forwarding rule needs a subnetwork to take its IP address from.")
	}
	ip, err := o.allocateIP(sub, "ipAddress", requested)
	if err != nil {
		return err
	}
	o.out()["ipAddress"] = ip
	return nil
}

// reservedAddress is the address resource of the rule's project, region and subnetwork (any, when
// the rule names none) that holds ip, or nil. Two VPCs of one project may reserve the same IP.
func (o *op) reservedAddress(ip string, sub *Record) *Record {
	for _, r := range o.t.st.byType(addressToken) {
		if r.Project == o.rec.Project && r.Region == o.ruleRegion(sub) && r.out().str("address") == ip &&
			(sub == nil || r.out().str("subnetwork") == selfLinkOf(sub.ID)) {
			return r
		}
	}
	return nil
}

// ruleRegion is the region a forwarding rule's address is in: its own, or for a global rule
// that of its subnetwork (XLB-RULE).
func (o *op) ruleRegion(sub *Record) string {
	if o.rec.Region == "" && sub != nil {
		return sub.Region
	}
	return o.rec.Region
}

// useAddressResource takes the rule's IP from a reserved compute address.
func (o *op) useAddressResource(value string, sub *Record) error {
	addr, err := o.resolve("ipAddress", value, "addresses", true)
	if err != nil {
		return err
	}
	if region := o.ruleRegion(sub); addr.Region != region {
		return errInvalidField("ipAddress", value, fmt.Sprintf("The address is in region '%s'; it must be in the forwarding rule's region '%s'.", addr.Region, region))
	}
	if addr.out().str("addressType") != "INTERNAL" {
		return errInvalidField("ipAddress", value, "An internal forwarding rule needs an INTERNAL address.")
	}
	if sub != nil && addr.out().str("subnetwork") != selfLinkOf(sub.ID) {
		return errInvalidField("ipAddress", value, fmt.Sprintf("The address belongs to subnetwork '%s', not to the forwarding rule's subnetwork '%s'.", lastSegment(addr.out().str("subnetwork")), sub.Name))
	}
	for _, u := range o.t.usersOf(addr.ID) {
		if u.ID != o.rec.ID && u.Type == forwardingRuleToken {
			return errIPInUse(addr.out().str("address"), u.ID)
		}
	}
	o.use(addr)
	o.out()["ipAddress"] = addr.out().str("address")
	return nil
}
