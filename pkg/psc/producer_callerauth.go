package psc

import (
	"fmt"
	"strings"
)

// How a ProducerService's callers are authenticated (CloudRunArgs.CallerAuth): Cloud Run's invoker
// IAM check (iam, the default), or none, the private network path being the only gate (network,
// Cloud Run's invokerIamDisabled). Domain Restricted Sharing (iam.allowedPolicyMemberDomains)
// refuses IAM grants to principals of other organisations, so a cross-organisation consumer can
// then only be served with network (catalogue IAM-DRS).

// validateCallerAuth checks callerAuth and what it excludes.
func (c *CloudRunArgs) validateCallerAuth(p *problems, path string) {
	switch c.CallerAuth {
	case callerAuthIAM:
	case callerAuthNetwork:
		if c.ExistingServiceName != "" {
			p.addf(path+".callerAuth", "network applies only to a service the component creates (it sets invokerIamDisabled on it); for existingServiceName, set invokerIamDisabled on that service where it is defined")
		}
		if len(c.Invokers) > 0 {
			p.addf(path+".invokers", "apply only with callerAuth iam: with network, Cloud Run checks no identity, so grants would mislead; remove them or use callerAuth iam")
		}
		if c.AllowUnauthenticated {
			p.addf(path+".allowUnauthenticated", "applies only with callerAuth iam: network already lets every caller that reaches the endpoint in without an identity")
		}
		if len(c.CustomAudiences) > 0 {
			p.addf(path+".customAudiences", "apply only with callerAuth iam: with network no ID token is checked")
		}
	default:
		p.addf(path+".callerAuth", "must be iam (Cloud Run checks an ID token and roles/run.invoker, the default) or network (no identity check: the private path is the only gate), got %q", c.CallerAuth)
	}
	if c.OrganizationDomain != "" {
		if err := checkHostname(c.OrganizationDomain); err != nil || !strings.Contains(c.OrganizationDomain, ".") {
			p.addf(path+".organizationDomain", "must be a domain such as acme.com, got %q", c.OrganizationDomain)
		}
	}
}

// foreignInvokerWarnings warns, for each invoker known now of the cloudRun block at path whose
// domain is not the producer's organisation domain (when given), that Domain Restricted Sharing
// would refuse the grant.
func (c *CloudRunArgs) foreignInvokerWarnings(path string) []string {
	org := strings.ToLower(c.OrganizationDomain)
	if org == "" || c.networkAuth() {
		return nil
	}
	var out []string
	for i, in := range c.Invokers {
		m, ok := knownOrNil(in)
		if !ok {
			continue
		}
		d := memberDomain(m)
		if d == "" || d == org || strings.HasSuffix(d, "."+org) {
			continue
		}
		out = append(out, fmt.Sprintf("%s.invokers[%d] (%s) is of domain %s, not the producer organisation's %s: "+
			"under the Domain Restricted Sharing organisation policy (iam.allowedPolicyMemberDomains) Google refuses the "+
			"grant (\"do not belong to a permitted customer\"); see docs/troubleshooting.md, or use callerAuth network",
			path, i, m, d, org))
	}
	return out
}

// memberDomain is the domain of a user:, group: or domain: member ("" for other kinds, such as
// service accounts, whose organisation their email does not show).
func memberDomain(m string) string {
	kind, id, _ := strings.Cut(m, ":")
	switch kind {
	case "user", "group":
		if _, d, ok := strings.Cut(id, "@"); ok {
			return strings.ToLower(d)
		}
	case "domain":
		return strings.ToLower(id)
	}
	return ""
}
