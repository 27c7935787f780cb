package doctor

import (
	"slices"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// cloudRun: the service admits the load balancer's traffic (every ingress setting but NONE
// does, RUN-INGRESS-404), is ready with a ready revision (RUN-NOT-READY), and, unless invoker IAM
// is off (RUN-INVOKER-IAM-DISABLED), gets an ID token (RUN-IAM-NO-TOKEN) for its URL or one of its
// custom audiences (RUN-IAM-AUDIENCE) from a principal holding roles/run.invoker or
// roles/run.admin on it (RUN-IAM-INVOKER). Grants on the project, through a group or under a
// condition are outside what the stacks show: doctor names them.
func (a *asked) cloudRun() *refusal {
	svc, o := a.service, a.service.Outputs
	name := chain.NameOf(svc.ID)
	ingress := firstNonEmpty(str(o, "ingress"), "INGRESS_TRAFFIC_ALL")
	a.hop(chain.LinkCloudRun, svc.ID, "ingress %s", ingress)
	if !slices.Contains([]string{"INGRESS_TRAFFIC_ALL", "INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"}, ingress) {
		return answered(chain.LinkCloudRun, "RUN-INGRESS-404", 404, "run `pulumi up` on the producer stack: the component sets ingress INGRESS_TRAFFIC_INTERNAL_ONLY",
			"Cloud Run service %s has ingress %s, which admits no load balancer traffic", id(svc), ingress)
	}
	ready := ""
	for _, c := range objs(o, "terminalConditions") {
		if str(c, "type") == "Ready" {
			ready = str(c, "state")
		}
	}
	if ready != "CONDITION_SUCCEEDED" || str(o, "latestReadyRevision") == "" {
		return answered(chain.LinkCloudRun, "RUN-NOT-READY", 503, "fix the revision (`gcloud run services describe "+name+"` shows why it fails) and run `pulumi up` on the producer",
			"Cloud Run service %s is not ready (Ready %s, ready revision %q)", id(svc), firstNonEmpty(ready, "missing"), str(o, "latestReadyRevision"))
	}
	if boolean(o, "invokerIamDisabled") {
		return nil
	}
	members, conditional := a.invokers(svc)
	if slices.Contains(members, "allUsers") {
		return nil
	}
	grant := "list the caller in the producer's `cloudRun.invokers` and run `pulumi up`"
	if len(conditional) > 0 {
		a.assume(chain.LinkCloudRun, "the conditions of those grants", "the conditional invoker grant(s) to %s on %s do not admit this call", strings.Join(conditional, ", "), name)
	}
	if a.req.Identity == "" || a.req.NoToken {
		return answered(chain.LinkCloudRun, "RUN-IAM-NO-TOKEN", 403,
			"send an ID token of an invoker (--identity or --impersonate-service-account; curl -H \"Authorization: Bearer $(gcloud auth print-identity-token --audiences "+a.url.origin()+")\")",
			"Cloud Run service %s checks invoker IAM and the call carries no ID token", id(svc))
	}
	audience := firstNonEmpty(a.req.Audience, a.url.origin())
	if !audienceAccepted(o, audience) {
		return answered(chain.LinkCloudRun, "RUN-IAM-AUDIENCE", 401,
			"mint the token for "+firstNonEmpty(str(o, "uri"), "the service's URL")+" or a custom audience (--audience), or add "+audience+" to the producer's `cloudRun.customAudiences` and run `pulumi up`",
			"the ID token's audience %q is neither the URL of %s (%s) nor one of its custom audiences %v", audience, id(svc), str(o, "uri"), strs(o, "customAudiences"))
	}
	if !admits(members, a.req.Identity) {
		project := chain.ProjectOf(svc.ID)
		a.assume(chain.LinkCloudRun, "`gcloud projects get-iam-policy "+project+"` and the groups "+a.req.Identity+" belongs to",
			"%s holds no invoker role on project %s nor through a group (neither stack shows project-level grants or group membership)", a.req.Identity, project)
		return answered(chain.LinkCloudRun, "RUN-IAM-INVOKER", 403, grant,
			"%s holds no invoker role (roles/run.invoker) on Cloud Run service %s", a.req.Identity, id(svc))
	}
	return nil
}

// invokers are the members the producer stack grants an invoker role on the service, and those
// granted one under a condition, which doctor does not evaluate.
func (a *asked) invokers(svc *Resource) (members, conditional []string) {
	for _, token := range []string{chain.CloudRunServiceIamMemberType, chain.CloudRunServiceIamBindingType} {
		for _, b := range a.producer.ofType(token) {
			o := b.Outputs
			if b.Gone || chain.RelativeName(str(o, "name")) != id(svc) && str(o, "name") != chain.NameOf(svc.ID) {
				continue
			}
			if r := str(o, "role"); r != "roles/run.invoker" && r != "roles/run.admin" {
				continue
			}
			granted := append(strs(o, "members"), str(o, "member"))
			granted = slices.DeleteFunc(granted, func(s string) bool { return s == "" })
			if len(sub(o, "condition")) > 0 {
				conditional = append(conditional, granted...)
				continue
			}
			members = append(members, granted...)
		}
	}
	return members, conditional
}

// audienceAccepted reports whether Cloud Run takes an ID token for audience: one of the
// service's URLs (a final slash aside) or exactly one of its custom audiences.
func audienceAccepted(svc map[string]any, audience string) bool {
	for _, u := range append([]string{str(svc, "uri")}, strs(svc, "urls")...) {
		if u != "" && strings.TrimSuffix(audience, "/") == u {
			return true
		}
	}
	return slices.Contains(strs(svc, "customAudiences"), audience)
}

// admits reports whether members admit principal: itself (an email compares without case),
// allAuthenticatedUsers, or, for a user, domain:D of the user's domain.
func admits(members []string, principal string) bool {
	kind, email, _ := strings.Cut(principal, ":")
	_, domain, _ := strings.Cut(email, "@")
	for _, m := range members {
		if m == "allAuthenticatedUsers" || strings.EqualFold(m, principal) ||
			kind == "user" && strings.EqualFold(m, "domain:"+domain) {
			return true
		}
	}
	return false
}
