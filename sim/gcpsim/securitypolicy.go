package gcpsim

import "fmt"

const securityPolicyToken = "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy"

// The operators of a WAF exclusion's field matchers, and the keys a rate limit is enforced on.
var (
	wafExclusionOperators = []string{"CONTAINS", "ENDS_WITH", "EQUALS", "EQUALS_ANY", "STARTS_WITH"}
	rateLimitKeys         = []string{"ALL", "IP", "HTTP_HEADER", "XFF_IP", "HTTP_COOKIE", "HTTP_PATH", "SNI", "REGION_CODE",
		"TLS_JA3_FINGERPRINT", "TLS_JA4_FINGERPRINT", "USER_IP"}
)

// A regional Cloud Armor security policy, which a regional backend service references
// (BS-SECURITY-POLICY). Only the policy itself is emulated; its rules are stored, not evaluated.
var _ = register(&kind{
	token:      securityPolicyToken,
	collection: "securityPolicies",
	noun:       "security_policy",
	scope:      scopeRegional,
	autoName:   true,
	nameRule:   computeName,
	enums: map[string][]string{
		"type":                              {"CLOUD_ARMOR", "CLOUD_ARMOR_EDGE", "CLOUD_ARMOR_NETWORK"},
		"advancedOptionsConfig.jsonParsing": {"DISABLED", "STANDARD", "STANDARD_WITH_GRAPHQL"},
		"advancedOptionsConfig.logLevel":    {"NORMAL", "VERBOSE"},
		"advancedOptionsConfig.requestBodyInspectionSize":                           {"8KB", "16KB", "32KB", "48KB", "64KB"},
		"ddosProtectionConfig.ddosProtection":                                       {"ADVANCED", "ADVANCED_PREVIEW", "STANDARD"},
		"rules[].match.versionedExpr":                                               {"SRC_IPS_V1"},
		"rules[].preconfiguredWafConfig.exclusions[].requestCookies[].operator":     wafExclusionOperators,
		"rules[].preconfiguredWafConfig.exclusions[].requestHeaders[].operator":     wafExclusionOperators,
		"rules[].preconfiguredWafConfig.exclusions[].requestQueryParams[].operator": wafExclusionOperators,
		"rules[].preconfiguredWafConfig.exclusions[].requestUris[].operator":        wafExclusionOperators,
		"rules[].rateLimitOptions.enforceOnKey":                                     rateLimitKeys,
		"rules[].rateLimitOptions.enforceOnKeyConfigs[].enforceOnKeyType":           rateLimitKeys,
		"userDefinedFields[].base":                                                  {"IPV4", "IPV6", "TCP", "UDP"},
	},
	forceNew: []string{"name", "project", "region", "type"},
	computed: []string{"selfLink", "selfLinkWithPolicyId", "policyId", "fingerprint"},
	suppress: map[string]string{"region": suppressSelfLinkOrName},
	apply: func(o *op) error {
		o.keepNumericID("policyId")
		o.out()["selfLinkWithPolicyId"] = fmt.Sprintf("%s/%v", selfLinkOf(o.rec.ID), o.out()["policyId"])
		o.out()["fingerprint"] = o.fingerprint()
		return nil
	},
})

// useSecurityPolicy resolves a backend service's securityPolicy (BS-SECURITY-POLICY): a regional
// policy of the backend service's region, of type CLOUD_ARMOR (a backend security policy).
func (o *op) useSecurityPolicy() error {
	if !o.in.known("securityPolicy") || o.in.str("securityPolicy") == "" {
		return nil
	}
	value := o.in.str("securityPolicy")
	if err := o.useRegional("securityPolicy", value, "securityPolicies"); err != nil {
		return err
	}
	policy, _ := o.resolve("securityPolicy", value, "securityPolicies", true)
	if t := firstNonEmpty(policy.out().str("type"), "CLOUD_ARMOR"); t != "CLOUD_ARMOR" {
		return errInvalidField("securityPolicy", value, fmt.Sprintf("A backend service takes a security policy of type CLOUD_ARMOR; '%s' is of type %s.", policy.Name, t))
	}
	o.out()["securityPolicy"] = selfLinkOf(policy.ID)
	return nil
}
