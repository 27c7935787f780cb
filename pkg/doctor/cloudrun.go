package doctor

import (
	"slices"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// checkCloudRun: the service the NEG names exists, is ready, serves an image, takes internal traffic,
// and may be invoked with tokens minted for the hostname.
func (w *walk) checkCloudRun() {
	if w.neg == nil {
		w.unreached()
		return
	}
	service, region := w.service, regionOf(w.neg)
	var svc *Resource
	for _, s := range w.producer.ofType(chain.CloudRunServiceType) {
		// A producer in several regions may run services of one name, one per region.
		if (str(s.Outputs, "name") == service || chain.NameOf(s.ID) == service) && (region == "" || regionOf(s) == "" || regionOf(s) == region) {
			svc = s
		}
	}
	switch {
	case svc == nil:
		w.broken(w.neg, "the NEG names Cloud Run service "+service+", which this stack does not hold (an existing service: check it exists in "+region+")",
			"create the service, or point `cloudRun.existingServiceName` at one that exists, and run `pulumi up`")
		return
	case svc.Gone:
		w.broken(svc, "the Cloud Run service "+service+" was deleted outside Pulumi: the load balancer answers 404/503",
			"run `pulumi up` on the producer stack: the service is recreated")
		return
	}
	o := svc.Outputs
	ready := ""
	for _, c := range objs(o, "terminalConditions") {
		if str(c, "type") == "Ready" {
			ready = str(c, "state")
		}
	}
	images := 0
	for _, c := range objs(sub(o, "template"), "containers") {
		if str(c, "image") != "" {
			images++
		}
	}
	fix := "fix the revision (`pulumi up` on the producer with a working image; `gcloud run services describe " + service + "` shows why it fails)"
	if str(o, "ingress") == "INGRESS_TRAFFIC_NONE" {
		w.broken(svc, "Cloud Run service "+service+" has ingress INGRESS_TRAFFIC_NONE: it refuses the load balancer's requests",
			"run `pulumi up` on the producer stack: the component sets ingress INGRESS_TRAFFIC_INTERNAL_ONLY again")
	}
	if ready != "" && ready != "CONDITION_SUCCEEDED" {
		w.broken(svc, "Cloud Run service "+service+" is not ready (Ready is "+ready+")", fix)
	}
	if str(o, "latestReadyRevision") == "" {
		w.broken(svc, "Cloud Run service "+service+" has no ready revision", fix)
	}
	if sub(o, "template") != nil && images == 0 {
		w.broken(svc, "Cloud Run service "+service+" serves no container image", fix)
	}
	w.invokers(svc, service)
}

// invokers: someone may invoke the service (or invoker IAM is off), and its audiences accept
// tokens minted for the hostname.
func (w *walk) invokers(svc *Resource, service string) {
	o := svc.Outputs
	detail := "ingress " + str(o, "ingress") + ", ready"
	if !boolean(o, "invokerIamDisabled") {
		var members []string
		gone := false
		bindings := append(w.producer.ofType(chain.CloudRunServiceIamBindingType), w.producer.ofType(chain.CloudRunServiceIamMemberType)...)
		for _, b := range bindings {
			if str(b.Outputs, "role") != "roles/run.invoker" || chain.NameOf(str(b.Outputs, "name")) != service {
				continue
			}
			if b.Gone {
				gone = true
				continue
			}
			members = append(members, append(strs(b.Outputs, "members"), str(b.Outputs, "member"))...)
		}
		members = slices.DeleteFunc(members, func(s string) bool { return s == "" })
		switch {
		case len(members) == 0 && gone:
			w.broken(svc, "no one holds roles/run.invoker on "+service+" (its invoker binding was deleted outside Pulumi) and invoker IAM is on: every request gets 403",
				"run `pulumi up` on the producer: the binding of `cloudRun.invokers` is recreated")
		case len(members) == 0:
			w.warn(svc, "this stack grants roles/run.invoker on "+service+" to no one and invoker IAM is on: unless callers hold the role on the project, every request gets 403",
				"list the callers in `cloudRun.invokers` (they send an ID token for the private URL) and run `pulumi up` on the producer")
		default:
			detail += ", invokers " + strings.Join(members, ", ")
		}
	} else {
		detail += ", invoker IAM disabled"
	}
	if auds := strs(o, "customAudiences"); len(auds) > 0 && w.hostname != "" && !slices.ContainsFunc(auds, func(a string) bool {
		return strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(a, "https://"), "http://"), "/") == w.hostname
	}) {
		w.broken(svc, "the service's audiences ("+strings.Join(auds, ", ")+") do not include https://"+w.hostname+": ID tokens minted for the name clients use are refused",
			"add https://"+w.hostname+" to `cloudRun.customAudiences` and run `pulumi up` on the producer")
	}
	w.ok(svc, "%s", detail)
}
