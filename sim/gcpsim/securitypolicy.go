package gcpsim

import "fmt"

const securityPolicyToken = "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy"

// A regional Cloud Armor security policy, which a regional backend service references
// (BS-SECURITY-POLICY). Only the policy itself is emulated; its rules are stored, not evaluated.
var _ = register(&kind{
	token:      securityPolicyToken,
	collection: "securityPolicies",
	noun:       "security_policy",
	scope:      scopeRegional,
	autoName:   true,
	nameRule:   computeName,
	enums:      map[string][]string{"type": {"CLOUD_ARMOR", "CLOUD_ARMOR_EDGE", "CLOUD_ARMOR_NETWORK"}},
	forceNew:   []string{"name", "project", "region", "type"},
	computed:   []string{"selfLink", "selfLinkWithPolicyId", "policyId", "fingerprint"},
	suppress:   map[string]string{"region": suppressSelfLinkOrName},
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
