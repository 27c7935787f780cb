package psc

// Name overrides for the children whose Google Cloud names people see: the Cloud Run service
// (its run.app URL, logs and console), the service attachment (the URI every consumer holds) and
// the consumer's endpoint rule (the record <name>.<domain> of PSC's automatic DNS). Every other
// child is autonamed `<component>-<role>-<suffix>` (or by the stack's pulumi:autonaming), so the
// component's name is the prefix of all of them. A name given here is used as it is: changing it
// replaces the child, and the provider then deletes the old one first (GEN-NAMED-DBR, docs/gcp-rules.md).

// Google Cloud's length limits for the names that can be overridden.
const (
	maxCloudRunServiceName = 49 // Cloud Run service names
	maxComputeName         = 63 // Compute Engine names (RFC 1035 labels)
)

// checkNameOverride checks an explicit child name against Google Cloud's resource name rules.
func checkNameOverride(p *problems, path, name string, maxLen int, what string) {
	if name == "" {
		return
	}
	if len(name) > maxLen {
		p.addf(path, "must be at most %d characters (%s), got %d", maxLen, what, len(name))
	}
	if !resourceNameRe.MatchString(name) {
		p.addf(path, "must be a %s: a lowercase letter, then lowercase letters, digits and hyphens, not ending with a hyphen; got %q", what, name)
	}
}
