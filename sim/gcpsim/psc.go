package gcpsim

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"
)

const serviceAttachmentToken = "gcp:compute/serviceAttachment:ServiceAttachment"

// PSC connection statuses.
const (
	StatusAccepted       = "ACCEPTED"
	StatusPending        = "PENDING"
	StatusRejected       = "REJECTED"
	StatusClosed         = "CLOSED"
	StatusNeedsAttention = "NEEDS_ATTENTION"
)

var _ = register(&kind{
	token:      serviceAttachmentToken,
	collection: "serviceAttachments",
	noun:       "service_attachment",
	scope:      scopeRegional,
	autoName:   true,
	nameRule:   computeName,
	required:   []string{"connectionPreference", "enableProxyProtocol", "natSubnets", "targetService", "consumerAcceptLists[].connectionLimit"},
	apiEnums:   map[string][]string{"connectionPreference": {"ACCEPT_AUTOMATIC", "ACCEPT_MANUAL"}},
	// enableProxyProtocol is not ForceNew in this provider version: it is sent in every PATCH.
	forceNew: []string{"name", "project", "region", "targetService", "domainNames"},
	computed: []string{"selfLink", "connectedEndpoints", "fingerprint"},
	defaults: map[string]any{"sendPropagatedConnectionLimitIfZero": false},
	apiDefaults: map[string]any{"propagatedConnectionLimit": defaultPropagatedConnectionLimit, "reconcileConnections": false,
		"consumerAcceptLists": []any{}, "consumerRejectLists": []any{}, "domainNames": []any{}},
	sets: []string{"consumerAcceptLists"},
	// SA-PROPAGATED-ZERO: the encoder sends a 0 only with the flag; otherwise the API's 250 stands.
	zeroSentIf: map[string]string{"propagatedConnectionLimit": "sendPropagatedConnectionLimitIfZero"},
	// SA-NAT-LIST-ORDER: lists in this provider version, returned in the API's order.
	apiOrder: []string{"natSubnets", "consumerRejectLists"},
	// SA-ACCEPT-SET: this version's set hash omits connectionLimit, so a limit-only change shows
	// no diff (fixed upstream in magic-modules#17677).
	setHash: map[string][]string{"consumerAcceptLists": {"projectIdOrNum", "networkUrl"}},
	suppress: map[string]string{"natSubnets": suppressSelfLinkOrName, "targetService": suppressSelfLinkOrName,
		"region": suppressSelfLinkOrName},
	check:    checkServiceAttachment,
	apiCheck: checkServiceAttachmentAPI,
	apply:    applyServiceAttachment,
	refresh: func(t *tx, r *Record) {
		r.Outputs["connectedEndpoints"] = t.connectedEndpoints(r.ID)
	},
	afterDel: closeEndpoints,
})

// acceptEntryKey returns the kind ("projectIdOrNum" or "networkUrl") and value of an
// accept-list entry, or "" when it has none or both.
func acceptEntryKey(e obj) (kind, value string) {
	hasProject, hasNetwork := e.has("projectIdOrNum"), e.has("networkUrl")
	switch {
	case hasProject && !hasNetwork:
		return "projectIdOrNum", e.str("projectIdOrNum")
	case hasNetwork && !hasProject:
		return "networkUrl", e.str("networkUrl")
	}
	return "", ""
}

// defaultPropagatedConnectionLimit is the API's default (SA-PROPAGATED-ZERO).
const defaultPropagatedConnectionLimit = 250

// checkServiceAttachment is what the provider checks at plan time: natSubnets is required, and
// an empty list counts as unset (SA-NAT-REQUIRED).
func checkServiceAttachment(in obj, f *failures) {
	if in.known("natSubnets") && len(in.list("natSubnets")) == 0 {
		f.add("natSubnets", "Missing required property 'natSubnets': at least one NAT subnet (purpose PRIVATE_SERVICE_CONNECT) is required")
	}
}

// checkServiceAttachmentAPI is what the API refuses in a service attachment request.
func checkServiceAttachmentAPI(in obj, f *failures) {
	checkConsumerLists(in, f)
	if in.str("connectionPreference") == "ACCEPT_AUTOMATIC" && (len(in.list("consumerAcceptLists")) > 0 || len(in.list("consumerRejectLists")) > 0) {
		f.add("connectionPreference", "Incorrect combination of connection preference with accept and/or reject list") // SA-AUTOMATIC-LISTS
	}
	for i, d := range in.strs("domainNames") { // SA-DOMAIN-DOT
		if !strings.HasSuffix(d, ".") {
			f.add(fmt.Sprintf("domainNames[%d]", i), "Domain name %q must end with a dot.", d)
		}
	}
	if n, ok := in.num("propagatedConnectionLimit"); ok && n < 0 {
		f.add("propagatedConnectionLimit", "propagatedConnectionLimit must not be negative, got %v.", n)
	}
}

// consumerKind is the kind of consumer a project or network reference names.
func consumerKind(ref string) string {
	if strings.Contains(ref, "/networks/") {
		return "networkUrl"
	}
	return "projectIdOrNum"
}

// checkConsumerLists holds the accept entries to one of projectIdOrNum and networkUrl with a
// limit (SA-ACCEPT-ENTRY, SA-CONN-LIMIT), and both lists to one kind of consumer (SA-LIST-KIND).
// A consumer in both lists is allowed: the reject wins (SA-BOTH-LISTS).
func checkConsumerLists(in obj, f *failures) {
	first, firstAt := "", ""
	see := func(kind, at string) {
		switch {
		case first == "":
			first, firstAt = kind, at
		case kind != first:
			f.add(at, "Consumer accept and reject lists must hold one type of consumer: %s is a %s, %s a %s.", at, kind, firstAt, first)
		}
	}
	for i, e := range in.objs("consumerAcceptLists") {
		prefix := fmt.Sprintf("consumerAcceptLists[%d]", i)
		kind, _ := acceptEntryKey(e)
		if kind == "" && !e.unknown("projectIdOrNum") && !e.unknown("networkUrl") {
			f.add(prefix, "Exactly one of projectIdOrNum and networkUrl must be set.")
		}
		if kind != "" {
			see(kind, prefix)
		}
		if limit, ok := e.num("connectionLimit"); e.known("connectionLimit") && (!ok || limit < 1) {
			// The provider omits a 0 limit from the request (IsEmptyValue).
			f.add(prefix+".connectionLimit", "The connection limit must be at least 1.")
		}
	}
	for i, r := range in.strs("consumerRejectLists") {
		see(consumerKind(r), fmt.Sprintf("consumerRejectLists[%d]", i))
	}
	// SA-LIST-SIZE.
	if n := len(in.objs("consumerAcceptLists")); n > maxAcceptList {
		f.add("consumerAcceptLists", "A consumer accept list holds at most %d values, got %d.", maxAcceptList, n)
	}
	if n := len(in.strs("consumerRejectLists")); n > maxRejectList {
		f.add("consumerRejectLists", "A consumer reject list holds at most %d values, got %d.", maxRejectList, n)
	}
}

// The sizes of the consumer lists Google accepts (SA-LIST-SIZE).
const (
	maxAcceptList = 5000
	maxRejectList = 64
)

// consumerKey normalises a project or network reference for comparison.
func consumerKey(s string) string { return trimRefPrefix(s) }

func applyServiceAttachment(o *op) error {
	target := o.in.str("targetService")
	rule, err := o.resolve("targetService", target, "forwardingRules", true)
	if err != nil {
		return err
	}
	if rule.Type == globalForwardingRuleToken {
		// SA-GLOBAL-TARGET: a global rule serves the attachment of its subnetwork's region.
		if region, _ := ruleProxies(rule); region != o.rec.Region {
			return errInvalidField("targetService", target, fmt.Sprintf("The global forwarding rule's subnetwork is in region '%s'; a service attachment must be in the region of its target service's subnetwork ('%s').", region, o.rec.Region))
		}
	} else if rule.Region != o.rec.Region {
		return errInvalidField("targetService", target, fmt.Sprintf("The forwarding rule is in region '%s'; a service attachment must be in the region of its target service ('%s').", rule.Region, o.rec.Region))
	}
	if isPSCTarget(rule.out().str("target")) || rule.out().str("loadBalancingScheme") == "" {
		return errInvalidField("targetService", target, "The target service must be a producer load balancer forwarding rule, not a Private Service Connect endpoint.")
	}
	ruleTarget := rule.out().str("target")
	if strings.Contains(ruleTarget, "targetHttpProxies/") || strings.Contains(ruleTarget, "targetHttpsProxies/") {
		if on, _ := o.in.boolean("enableProxyProtocol"); on {
			return errInvalidField("enableProxyProtocol", "true", "PROXY protocol is not supported for a service attachment whose target service is an Application Load Balancer; set enableProxyProtocol to false.")
		}
	}
	o.use(rule)
	o.out()["targetService"] = selfLinkOf(rule.ID)
	if err := o.useNATSubnets(); err != nil {
		return err
	}
	if o.old != nil && o.old.out().str("connectionPreference") == "ACCEPT_MANUAL" && o.in.str("connectionPreference") == "ACCEPT_AUTOMATIC" {
		// SA-AUTOMATIC-LISTS: the provider sends both consumer lists in every PATCH, even
		// empty, and the API refuses them beside a switch to ACCEPT_AUTOMATIC
		// (terraform-provider-google#17153).
		return errInvalidField("connectionPreference", "ACCEPT_AUTOMATIC", "Incorrect combination of connection preference with accept and/or reject list")
	}
	o.apiOrderLists()
	o.out()["fingerprint"] = o.fingerprint()
	if o.old != nil {
		reconcileAll, _ := o.in.boolean("reconcileConnections")
		o.t.reconcile(o.rec, reconcileAll)
	}
	return nil
}

// useNATSubnets checks the NAT subnets: PRIVATE_SERVICE_CONNECT purpose, same region, and
// not already the NAT subnet of another attachment.
func (o *op) useNATSubnets() error {
	links := []any{}
	for i, value := range o.in.strs("natSubnets") {
		field := fmt.Sprintf("natSubnets[%d]", i)
		sub, err := o.resolve(field, value, "subnetworks", true)
		if err != nil {
			return err
		}
		if err := o.sharedVPC(field, value, sub); err != nil {
			return err
		}
		if purpose := subnetPurpose(sub); purpose != purposePSC {
			return errInvalidField(field, value, fmt.Sprintf("The subnetwork has purpose %s; NAT subnets of a service attachment must have purpose PRIVATE_SERVICE_CONNECT.", purpose))
		}
		if sub.Region != o.rec.Region {
			return errInvalidField(field, value, fmt.Sprintf("The NAT subnetwork is in region '%s'; it must be in the service attachment's region '%s'.", sub.Region, o.rec.Region))
		}
		for _, u := range o.t.usersOf(sub.ID) {
			if u.ID != o.rec.ID && u.Type == serviceAttachmentToken {
				return errInvalidField(field, value, fmt.Sprintf("The NAT subnetwork is already used by service attachment '%s'; a NAT subnet cannot be shared by two service attachments.", u.ID))
			}
		}
		o.use(sub)
		links = append(links, selfLinkOf(sub.ID))
	}
	o.out()["natSubnets"] = links
	return nil
}

// natCapacity is the number of endpoints the attachment's NAT subnets can serve: one NAT
// address per connected endpoint.
func (t *tx) natCapacity(att *Record) int {
	n := 0
	for _, link := range att.out().strs("natSubnets") {
		if sub := t.get(trimRefPrefix(link)); sub != nil {
			n += usableAddresses(subnetPrefix(sub))
		}
	}
	return n
}

// endpointsOf returns the live (not CLOSED) PSC endpoints of an attachment, oldest first.
func (t *tx) endpointsOf(attID string) []*Record {
	var out []*Record
	for _, r := range t.st.byType(forwardingRuleToken) {
		if slices.Contains(r.Links, attID) && r.out().str("pscConnectionStatus") != StatusClosed {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out
}

func (t *tx) connectedEndpoints(attID string) []any {
	eps := []any{}
	for _, ep := range t.endpointsOf(attID) {
		eps = append(eps, map[string]any{
			"endpoint":                  selfLinkOf(ep.ID),
			"status":                    ep.out().str("pscConnectionStatus"),
			"pscConnectionId":           ep.out().str("pscConnectionId"),
			"consumerNetwork":           ep.out().str("network"),
			"propagatedConnectionCount": 0.0,
		})
	}
	return eps
}

// admission decides the status of endpoints connecting to one attachment, tracking the
// accept-list connection limits and the NAT addresses in use.
type admission struct {
	att      obj
	accepted map[int]int // accepted endpoints per accept-list entry
	natUsed  int
	natCap   int
}

func (t *tx) newAdmission(att *Record) *admission {
	return &admission{att: att.out(), accepted: map[int]int{}, natCap: t.natCapacity(att)}
}

// matches reports whether a consumer reference (project ID or number, or network URL)
// names the endpoint.
func matchesConsumer(ref string, ep *Record) bool {
	ref = consumerKey(ref)
	if ref == ep.Project || ref == fmt.Sprint(ProjectNumber(ep.Project)) {
		return true
	}
	return ref != "" && ref == trimRefPrefix(ep.out().str("network"))
}

func (a *admission) entryFor(ep *Record) int {
	for i, e := range a.att.objs("consumerAcceptLists") {
		if _, v := acceptEntryKey(e); matchesConsumer(v, ep) {
			return i
		}
	}
	return -1
}

func (a *admission) rejected(ep *Record) bool {
	for _, r := range a.att.strs("consumerRejectLists") {
		if matchesConsumer(r, ep) {
			return true
		}
	}
	return false
}

// hold accounts for an endpoint that keeps its status.
func (a *admission) hold(ep *Record) {
	if ep.out().str("pscConnectionStatus") == StatusAccepted {
		a.natUsed++
		if i := a.entryFor(ep); i >= 0 {
			a.accepted[i]++
		}
	}
}

// decide returns the status of an endpoint being (re)evaluated and accounts for it.
func (a *admission) decide(ep *Record) string {
	if a.rejected(ep) {
		return StatusRejected
	}
	entry := -1
	if a.att.str("connectionPreference") != "ACCEPT_AUTOMATIC" {
		entry = a.entryFor(ep)
		if entry < 0 {
			return StatusPending
		}
		limit, _ := a.att.objs("consumerAcceptLists")[entry].num("connectionLimit")
		if a.accepted[entry] >= int(limit) {
			return StatusPending
		}
	}
	if a.natUsed >= a.natCap {
		return StatusNeedsAttention
	}
	a.natUsed++
	if entry >= 0 {
		a.accepted[entry]++
	}
	return StatusAccepted
}

// reconcile re-evaluates the endpoints of an attachment after its policy changed.
// PENDING and NEEDS_ATTENTION endpoints are always re-evaluated; ACCEPTED and REJECTED
// ones only when reconcileConnections is true.
func (t *tx) reconcile(att *Record, all bool) {
	eps := t.endpointsOf(att.ID)
	a := t.newAdmission(att)
	var open []*Record
	for _, ep := range eps {
		status := ep.out().str("pscConnectionStatus")
		if all || status == StatusPending || status == StatusNeedsAttention {
			open = append(open, ep)
			continue
		}
		a.hold(ep)
	}
	for _, ep := range open {
		if status := a.decide(ep); status != ep.out().str("pscConnectionStatus") {
			ep.Outputs["pscConnectionStatus"] = status
			ep.UpdatedAt = t.st.now
			t.st.event("psc-"+strings.ToLower(status), ep)
		}
	}
}

// closeEndpoints marks the endpoints of a deleted attachment CLOSED; they never recover.
func closeEndpoints(t *tx, att *Record) {
	for _, ep := range t.endpointsOf(att.ID) {
		ep.Outputs["pscConnectionStatus"] = StatusClosed
		ep.UpdatedAt = t.st.now
		t.st.event("psc-closed", ep)
	}
}

// applyPSCEndpoint connects a consumer forwarding rule to a service attachment, possibly
// in another project created by another stack, and sets its connection status.
func applyPSCEndpoint(o *op) error {
	_, sub, err := o.ruleNetwork("Private Service Connect endpoints")
	if err != nil {
		return err
	}
	target := o.in.str("target")
	att, err := o.resolve("target", target, "serviceAttachments", true)
	if err != nil {
		return err
	}
	if att.Region != o.rec.Region {
		return errInvalidField("target", target, fmt.Sprintf(
			"The service attachment is in region '%s'; a Private Service Connect endpoint must be in the same region as the service attachment (endpoint region '%s').",
			att.Region, o.rec.Region))
	}
	if o.old != nil && trimRefPrefix(o.old.out().str("target")) != att.ID {
		// EP-TARGET-CHANGE (assumption): an endpoint does not move to another attachment.
		return errInvalidField("target", target, "The target of a Private Service Connect endpoint cannot be changed; create a new endpoint.")
	}
	if err := o.assignRuleIP(sub); err != nil {
		return err
	}
	o.link(att.ID)
	o.out()["target"] = selfLinkOf(att.ID)
	o.keep("pscConnectionId", func() any { return o.number() })
	if o.old != nil && o.old.out().str("pscConnectionStatus") != "" {
		o.out()["pscConnectionStatus"] = o.old.out().str("pscConnectionStatus")
		return nil
	}
	a := o.t.newAdmission(att)
	for _, ep := range o.t.endpointsOf(att.ID) {
		a.hold(ep)
	}
	o.out()["pscConnectionStatus"] = a.decide(o.rec)
	return nil
}

// closedPscNeedsRecreate mirrors recreateClosedPsc: a CLOSED endpoint is replaced, which
// the diff shows on pscConnectionStatus.
func closedPscNeedsRecreate(news, state obj) string {
	if recreate, _ := news.boolean("recreateClosedPsc"); recreate && state.str("pscConnectionStatus") == StatusClosed {
		return "pscConnectionStatus"
	}
	return ""
}

// apiOrderLists stores the lists the API returns in an order of its own (SA-NAT-LIST-ORDER) in
// that order. TPG#25913 reports the order as non-deterministic and names no rule, so the
// simulator's is an assumption that a real run can only contradict, never confirm: stable for one
// set of elements, whatever order the program sent them in, and unrelated to names or creation
// order (an FNV hash of each element's relative path), so that neither a program nor a component
// can predict it. With more than one element, the provider's ordered diff then shows a change on
// the next preview whenever the program's order differs, as on Google Cloud.
func (o *op) apiOrderLists() {
	for _, key := range o.k.apiOrder {
		list, ok := o.out()[key].([]any)
		if !ok || len(list) < 2 {
			continue
		}
		ordered := slices.Clone(list)
		slices.SortStableFunc(ordered, func(a, b any) int {
			return cmp.Compare(apiOrderKey(a), apiOrderKey(b))
		})
		o.out()[key] = ordered
	}
}

func apiOrderKey(e any) uint32 {
	h := fnv.New32a()
	h.Write([]byte(trimRefPrefix(fmt.Sprint(e))))
	return h.Sum32()
}
