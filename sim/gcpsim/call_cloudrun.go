package gcpsim

import (
	"slices"
	"strings"
)

// invokerRoles grant run.routes.invoke on a service (RUN-IAM-INVOKER).
var invokerRoles = []string{"roles/run.invoker", "roles/run.admin"}

// cloudRun: the service admits traffic from an internal Application Load Balancer (every ingress
// setting does; RUN-INGRESS-404), is ready with a ready revision (RUN-NOT-READY), and, unless its
// invoker IAM check is disabled (RUN-INVOKER-IAM-DISABLED), receives an ID token (RUN-IAM-NO-TOKEN)
// for its URL or one of its custom audiences (RUN-IAM-AUDIENCE) from a principal that holds an
// invoker role on it (RUN-IAM-INVOKER).
func (c *call) cloudRun() (*refusal, error) {
	svc := c.st.lookup(c.res.CloudRun)
	out := svc.out()
	ingress := firstNonEmpty(out.str("ingress"), "INGRESS_TRAFFIC_ALL")
	c.hop(LinkCloudRun, svc, "ingress %s", ingress)
	if c.st.OutageOf(svc.Region).CloudRun {
		return answer(LinkCloudRun, "SIM-OUTAGE", 503, "Cloud Run in region %s is down (outage): service %s does not answer", svc.Region, svc.ID), nil
	}
	if !slices.Contains(cloudRunIngress, ingress) {
		return answer(LinkCloudRun, "RUN-INGRESS-404", 404, "Cloud Run service %s has ingress %s, which admits no load balancer traffic", svc.ID, ingress), nil
	}
	if state := readyState(out); state != "CONDITION_SUCCEEDED" || out.str("latestReadyRevision") == "" {
		return answer(LinkCloudRun, "RUN-NOT-READY", 503, "Cloud Run service %s is not ready (Ready condition %s, ready revision %q)", svc.ID, firstNonEmpty(state, "missing"), out.str("latestReadyRevision")), nil
	}
	if off, _ := out.boolean("invokerIamDisabled"); off {
		return nil, nil
	}
	grants := c.st.invokers(svc.ID)
	if slices.Contains(grants, "allUsers") {
		return nil, nil
	}
	if c.req.Identity == "" || c.req.NoToken {
		return answer(LinkCloudRun, "RUN-IAM-NO-TOKEN", 403, "Cloud Run service %s checks invoker IAM and the call carries no ID token", svc.ID), nil
	}
	audience := firstNonEmpty(c.req.Audience, c.url.origin())
	if !acceptsAudience(out, audience) {
		return answer(LinkCloudRun, "RUN-IAM-AUDIENCE", 401, "the ID token's audience %q is neither the URL of Cloud Run service %s (%s) nor one of its custom audiences %v", audience, svc.ID, out.str("uri"), out.strs("customAudiences")), nil
	}
	if !holdsGrant(grants, c.req.Identity) {
		return answer(LinkCloudRun, "RUN-IAM-INVOKER", 403, "%s holds no invoker role (roles/run.invoker) on Cloud Run service %s", c.req.Identity, svc.ID), nil
	}
	return nil, nil
}

// invokers are the members that hold an invoker role on the service through the
// ServiceIamMember and ServiceIamBinding resources of the state; a grant with an IAM condition is
// not counted (the simulator does not evaluate conditions).
func (st *State) invokers(serviceID string) []string {
	var members []string
	for _, token := range []string{cloudRunIamMemberToken, cloudRunIamBindingToken} {
		for _, r := range st.byType(token) {
			out := r.out()
			if trimRefPrefix(out.str("name")) != serviceID || !slices.Contains(invokerRoles, out.str("role")) || out.has("condition") {
				continue
			}
			members = append(members, out.strs("members")...)
			if m := out.str("member"); m != "" {
				members = append(members, m)
			}
		}
	}
	return members
}

// acceptsAudience reports whether Cloud Run accepts an ID token for audience: one of the
// service's URLs (with or without a final slash) or exactly one of its custom audiences.
func acceptsAudience(svc obj, audience string) bool {
	urls := append([]string{svc.str("uri")}, svc.strs("urls")...)
	for _, u := range urls {
		if u != "" && strings.TrimSuffix(audience, "/") == u {
			return true
		}
	}
	return slices.Contains(svc.strs("customAudiences"), audience)
}

// holdsGrant reports whether a principal is among the members: itself (emails compare without
// case), allAuthenticatedUsers, or domain:D for a user of D. Group membership is not emulated.
func holdsGrant(members []string, principal string) bool {
	kind, email, _ := strings.Cut(principal, ":")
	for _, m := range members {
		switch {
		case m == "allAuthenticatedUsers", strings.EqualFold(m, principal):
			return true
		case kind == "user" && strings.HasPrefix(m, "domain:"):
			if _, domain, ok := strings.Cut(email, "@"); ok && strings.EqualFold(domain, strings.TrimPrefix(m, "domain:")) {
				return true
			}
		}
	}
	return false
}
