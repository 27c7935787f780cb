package gcpsim

import (
	"fmt"
)

const globalForwardingRuleToken = "gcp:compute/globalForwardingRule:GlobalForwardingRule"

// The global forwarding rule: terraform-provider-google-beta v6.49.2
// resource_compute_global_forwarding_rule.go. Its target is Required and changed in place (like the
// regional rule's, FR-TARGET-UPDATE), and its scheme is not ForceNew. The simulator emulates the
// INTERNAL_MANAGED rule of the cross-region internal Application Load Balancer: one per region,
// in a subnetwork of that region (XLB-RULE).
var _ = register(&kind{
	token:      globalForwardingRuleToken,
	collection: "forwardingRules",
	noun:       "forwarding_rule",
	scope:      scopeGlobal,
	autoName:   true,
	nameRule:   computeName,
	required:   []string{"target"},
	enums: map[string][]string{
		"ipProtocol": {"TCP", "UDP", "ESP", "AH", "SCTP", "ICMP"},
		"externalManagedBackendBucketMigrationState": {"PREPARE", "TEST_BY_PERCENTAGE", "TEST_ALL_TRAFFIC"},
		"ipVersion":                             {"IPV4", "IPV6"},
		"loadBalancingScheme":                   {"EXTERNAL", "EXTERNAL_MANAGED", "INTERNAL_MANAGED", "INTERNAL_SELF_MANAGED"},
		"metadataFilters[].filterMatchCriteria": {"MATCH_ANY", "MATCH_ALL"},
		"networkTier":                           {"PREMIUM", "STANDARD"},
	},
	secrets: labelSecrets,
	forceNew: []string{"name", "project", "ipAddress", "ipProtocol", "allowPscGlobalAccess", "description", "ipVersion",
		"metadataFilters", "network", "networkTier", "noAutomateDnsZone", "portRange", "serviceDirectoryRegistrations",
		"sourceIpRanges", "subnetwork"},
	computed: []string{"ipAddress", "selfLink", "pscConnectionId", "pscConnectionStatus", "forwardingRuleId",
		"labelFingerprint", "baseForwardingRule", "effectiveLabels", "pulumiLabels"},
	defaults:    map[string]any{"loadBalancingScheme": "EXTERNAL"},
	apiDefaults: map[string]any{"labels": map[string]any{}},
	suppress: map[string]string{"ipAddress": suppressInternalIP, "ipProtocol": suppressCase, "network": suppressSelfLinkOrName,
		"portRange": suppressPortRange, "subnetwork": suppressSelfLinkOrName, "target": suppressRelativePaths},
	apiCheck: func(in obj, f *failures) {
		checkLabels(in, f)
		if in.str("loadBalancingScheme") == schemeInternalManaged {
			checkALBRule(in, f, "global")
		}
	},
	apply: applyGlobalForwardingRule,
})

// applyGlobalForwardingRule places an INTERNAL_MANAGED global rule in its subnetwork's region:
// that region of the VPC needs an ACTIVE GLOBAL_MANAGED_PROXY subnet (XLB-PROXY-ONLY), the
// target is a global target proxy whose backend services are INTERNAL_MANAGED, whose Certificate
// Manager certificates have scope ALL_REGIONS (XLB-CERTS), and the address comes from the
// subnetwork. Other schemes are not emulated.
func applyGlobalForwardingRule(o *op) error {
	o.ruleOutputs()
	if scheme := o.in.str("loadBalancingScheme"); scheme != schemeInternalManaged {
		return errBadRequest("invalid", "gcpsim: only INTERNAL_MANAGED global forwarding rules (cross-region internal Application Load Balancer) are emulated, not %s", firstNonEmpty(scheme, "EXTERNAL"))
	}
	netw, sub, err := o.ruleNetwork("forwarding rules")
	if err != nil {
		return err
	}
	if err := o.requireProxyOnlySubnetOf(netw, sub.Region, purposeGlobalProxyOnly); err != nil {
		return err
	}
	target := o.in.str("target")
	r, ok := parseRef(target, o.ref("targetHttpProxies", false))
	if !ok || (r.Collection != "targetHttpProxies" && r.Collection != "targetHttpsProxies") || r.Region != "" {
		return errInvalidField("target", target, "The target of an INTERNAL_MANAGED global forwarding rule must be a global target HTTP(S) proxy.")
	}
	proxy, err := o.t.lookup(r)
	if err != nil {
		return err
	}
	if err := o.checkChainScheme(proxy); err != nil {
		return err
	}
	for i, c := range proxy.out().strs("certificateManagerCertificates") {
		cert := o.t.get(trimRefPrefix(c))
		if cert != nil && cert.out().str("scope") != "ALL_REGIONS" {
			return errInvalidField("target", target, fmt.Sprintf(
				"Certificate Manager certificate '%s' (certificateManagerCertificates[%d] of the target proxy) has scope %s; the cross-region internal Application Load Balancer serves only certificates of scope ALL_REGIONS.",
				cert.ID, i, firstNonEmpty(cert.out().str("scope"), "DEFAULT")))
		}
	}
	o.use(proxy)
	o.out()["target"] = selfLinkOf(proxy.ID)
	return o.assignRuleIP(sub)
}
