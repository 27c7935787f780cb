package gcpsim

import (
	"os"
	"slices"
	"strings"
)

// IAM-DRS: under the Domain Restricted Sharing organisation policy
// (constraints/iam.allowedPolicyMemberDomains) an IAM grant to a principal of an organisation the
// policy does not allow is refused. The simulator has no organisations: GCPSIM_DRS names the
// projects under the policy and the domains each allows, PROJECT=DOMAIN[|DOMAIN...], comma-
// separated. A user: or group: member belongs to its email's domain, a domain: member to its
// domain, a service account to the first domain of its project's entry (unknown, and so allowed,
// for a project without one); allUsers and allAuthenticatedUsers belong to no customer and are
// refused too.

// drsDomains returns the domains a project's DRS policy allows (nil: the project has none).
func drsDomains(project string) []string {
	for _, entry := range strings.Split(os.Getenv("GCPSIM_DRS"), ",") {
		p, domains, ok := strings.Cut(strings.TrimSpace(entry), "=")
		if ok && p == project {
			return strings.Split(domains, "|")
		}
	}
	return nil
}

// memberCustomer is the domain a member belongs to ("" when unknown, which DRS lets through).
func memberCustomer(m string) string {
	if m == "allUsers" || m == "allAuthenticatedUsers" {
		return m
	}
	kind, id, _ := strings.Cut(m, ":")
	switch kind {
	case "user", "group":
		_, d, _ := strings.Cut(id, "@")
		return strings.ToLower(d)
	case "domain":
		return strings.ToLower(id)
	case "serviceAccount":
		_, host, _ := strings.Cut(id, "@")
		if project, ok := strings.CutSuffix(host, ".iam.gserviceaccount.com"); ok {
			if d := drsDomains(project); len(d) > 0 {
				return d[0]
			}
		}
	}
	return ""
}

// checkDRS refuses, as the API does, a grant in a project under DRS to a member of another
// customer.
func checkDRS(project string, members []string) error {
	allowed := drsDomains(project)
	if allowed == nil {
		return nil
	}
	for _, m := range members {
		if c := memberCustomer(m); c != "" && !slices.Contains(allowed, c) {
			return errBadRequest("failedPrecondition", "One or more users named in the policy do not belong to a permitted customer, perhaps due to an organization policy.")
		}
	}
	return nil
}
