package doctor

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// The links of the chain, in the order a request crosses them. The README's Troubleshooting
// table lists the same names.
const (
	LinkDNS         = "dns-record"      // the private zone and A record that name the endpoint
	LinkEndpointIP  = "endpoint-ip"     // the endpoint's reserved internal address
	LinkEndpoint    = "endpoint"        // the consumer's PSC forwarding rule and its connection status
	LinkAttachment  = "attachment"      // the producer's service attachment
	LinkAcceptList  = "accept-list"     // the attachment's accept and reject lists and connection limits
	LinkNAT         = "nat"             // the attachment's PSC NAT subnets: one address per connection
	LinkLBRule      = "lb-rule"         // the INTERNAL_MANAGED forwarding rule and its proxy-only subnet
	LinkProxy       = "proxy"           // the regional target HTTP(S) proxy
	LinkCertificate = "certificate"     // the HTTPS proxy's certificates: present, unexpired, cover the hostname
	LinkURLMap      = "url-map"         // the regional URL map
	LinkBackend     = "backend"         // the regional backend service
	LinkNEG         = "neg"             // the serverless network endpoint group
	LinkCloudRun    = "cloud-run"       // the Cloud Run service: exists, ready, ingress, invokers, audiences
	LinkFirewall    = "egress-firewall" // the consumer's egress firewall rule to the endpoint
)

// Statuses of a link. A warning names a likely cause doctor cannot confirm from the stacks (a
// grant outside them, say); it does not make the path unhealthy.
const (
	OK      = "ok"
	Warning = "warning"
	Broken  = "broken"
	Skipped = "skipped"
)

const (
	tForwardingRule = "gcp:compute/forwardingRule:ForwardingRule"
	tAddress        = "gcp:compute/address:Address"
	tRecordSet      = "gcp:dns/recordSet:RecordSet"
	tManagedZone    = "gcp:dns/managedZone:ManagedZone"
	tFirewall       = "gcp:compute/firewall:Firewall"
	tAttachment     = "gcp:compute/serviceAttachment:ServiceAttachment"
	tSubnetwork     = "gcp:compute/subnetwork:Subnetwork"
	tHTTPProxy      = "gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy"
	tHTTPSProxy     = "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy"
	tCertificate    = "gcp:compute/regionSslCertificate:RegionSslCertificate"
	tCMCertificate  = "gcp:certificatemanager/certificate:Certificate"
	tURLMap         = "gcp:compute/regionUrlMap:RegionUrlMap"
	tBackend        = "gcp:compute/regionBackendService:RegionBackendService"
	tNEG            = "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup"
	tCloudRun       = "gcp:cloudrunv2/service:Service"
	tInvokers       = "gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding"
	tInvoker        = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
	tProducer       = "cloudrun-psc:index:ProducerService"
)

// Link is the verdict on one link of the chain.
type Link struct {
	Name     string `json:"link"`
	Status   string `json:"status"`
	Resource string `json:"resource,omitempty"` // the resource the link resolved to
	Detail   string `json:"detail,omitempty"`   // what was found, for an ok link; why not checked, for a skipped one
	Cause    string `json:"cause,omitempty"`    // why it is broken (or may be, for a warning)
	Fix      string `json:"fix,omitempty"`      // what to do
}

// Report is doctor's verdict on a path.
type Report struct {
	Producer string `json:"producerStack,omitempty"`
	Consumer string `json:"consumerStack,omitempty"`
	Healthy  bool   `json:"healthy"`
	Links    []Link `json:"links"`
}

// Broken returns the broken links.
func (r *Report) Broken() []Link {
	var out []Link
	for _, l := range r.Links {
		if l.Status == Broken {
			out = append(out, l)
		}
	}
	return out
}

// walk holds what the walk has resolved so far; a nil resource means the link before it is
// broken or was not read, and the links that need it are skipped.
type walk struct {
	producer, consumer *Side
	now                time.Time
	links              []Link

	endpoint   *Resource // the consumer's PSC forwarding rule
	attachment *Resource
	hostname   string // the name consumers use (DNS record, else the producer's hostname)
	port       int    // 443 for HTTPS, 80 for HTTP, 0 when unknown
}

func (w *walk) ok(name string, r *Resource, format string, args ...any) {
	w.links = append(w.links, Link{Name: name, Status: OK, Resource: resID(r), Detail: fmt.Sprintf(format, args...)})
}

func (w *walk) broken(name string, r *Resource, cause, fix string) {
	w.links = append(w.links, Link{Name: name, Status: Broken, Resource: resID(r), Cause: cause, Fix: fix})
}

// Broken returns the links found broken so far.
func (w *walk) Broken() []Link { return (&Report{Links: w.links}).Broken() }

func (w *walk) warn(name string, r *Resource, cause, fix string) {
	w.links = append(w.links, Link{Name: name, Status: Warning, Resource: resID(r), Cause: cause, Fix: fix})
}

func (w *walk) skip(name, why string) {
	w.links = append(w.links, Link{Name: name, Status: Skipped, Detail: why})
}

func resID(r *Resource) string {
	if r == nil {
		return ""
	}
	return refKey(r.ID)
}

// Diagnose walks the chain over a consumer side, a producer side, or both (either may be nil)
// at time now.
func Diagnose(producer, consumer *Side, now time.Time) *Report {
	w := &walk{producer: producer, consumer: consumer, now: now}
	if p := w.component(); p != nil {
		w.hostname = str(p.Outputs, "hostname")
		if n, ok := num(p.Outputs, "port"); ok {
			w.port = int(n)
		}
	}
	if consumer != nil {
		w.consumerLinks()
	}
	w.attachmentLinks()
	w.loadBalancerLinks()
	if consumer != nil {
		w.firewall()
	}
	rep := &Report{Links: w.links, Healthy: true}
	if producer != nil {
		rep.Producer = producer.Stack
	}
	if consumer != nil {
		rep.Consumer = consumer.Stack
	}
	rep.Healthy = len(rep.Broken()) == 0
	return rep
}

// component is the producer's ProducerService, for its hostname, port and certificate.
func (w *walk) component() *Resource {
	if c := w.producer.ofType(tProducer); len(c) > 0 {
		return c[0]
	}
	return nil
}

// pscEndpoints are the consumer's forwarding rules whose target is a service attachment.
func (w *walk) pscEndpoints() []*Resource {
	var out []*Resource
	for _, r := range w.consumer.ofType(tForwardingRule) {
		if strings.Contains(str(r.Outputs, "target"), "/serviceAttachments/") || r.Gone {
			out = append(out, r)
		}
	}
	return out
}

// consumerLinks: the DNS record, the endpoint's address, the endpoint and its status.
func (w *walk) consumerLinks() {
	eps := w.pscEndpoints()
	records := w.consumer.ofType(tRecordSet)
	if len(eps) == 0 {
		w.broken(LinkEndpoint, nil, "the consumer stack "+w.consumer.Stack+" holds no Private Service Connect endpoint",
			"create a ConsumerEndpoint in the consumer stack and run `pulumi up`")
		return
	}
	w.endpoint = w.pick(eps, records)
	w.dns(records)
	w.endpointIP()
	w.endpointStatus()
}

// pick is the endpoint clients use: the one a DNS record names, else the one an egress rule
// opens, else the first.
func (w *walk) pick(eps, records []*Resource) *Resource {
	for _, rec := range records {
		for _, ep := range eps {
			if slices.Contains(strs(rec.Outputs, "rrdatas"), str(ep.Outputs, "ipAddress")) {
				return ep
			}
		}
	}
	for _, f := range w.consumer.ofType(tFirewall) {
		for _, ep := range eps {
			if slices.ContainsFunc(strs(f.Outputs, "destinationRanges"), func(r string) bool { return covers(r, str(ep.Outputs, "ipAddress")) }) {
				return ep
			}
		}
	}
	return eps[0]
}

func (w *walk) dns(records []*Resource) {
	ip := str(w.endpoint.Outputs, "ipAddress")
	var rec *Resource
	for _, r := range records {
		if str(r.Outputs, "type") == "A" || r.Gone {
			rec = r
			break
		}
	}
	switch {
	case rec == nil:
		w.skip(LinkDNS, "the consumer stack holds no DNS record (no DnsBinding): clients must use the endpoint IP "+ip)
		return
	case rec.Gone:
		w.broken(LinkDNS, rec, "the A record "+rec.Name()+" was deleted outside Pulumi: the name no longer resolves",
			"run `pulumi up` on the consumer stack: the DnsBinding recreates the record")
		return
	}
	name := str(rec.Outputs, "name")
	w.hostname = firstNonEmpty(strings.TrimSuffix(name, "."), w.hostname)
	if got := strs(rec.Outputs, "rrdatas"); !slices.Contains(got, ip) {
		w.broken(LinkDNS, rec, fmt.Sprintf("%s resolves to %s, not to the endpoint's IP %s", name, strings.Join(got, ", "), ip),
			"run `pulumi up` on the consumer stack: the DnsBinding's ipAddress takes the endpoint's ipAddress (do not edit the record by hand)")
		return
	}
	zone := w.zoneOf(rec)
	network := refKey(str(w.endpoint.Outputs, "network"))
	if zone == nil || zone.Gone {
		w.broken(LinkDNS, rec, "the private zone of "+name+" is gone", "run `pulumi up` on the consumer stack: the DnsBinding recreates its zone")
		return
	}
	visible := false
	for _, n := range objs(sub(zone.Outputs, "privateVisibilityConfig"), "networks") {
		visible = visible || refKey(str(n, "networkUrl")) == network
	}
	if !visible {
		w.broken(LinkDNS, zone, fmt.Sprintf("the private zone %s is not visible from the endpoint's network %s, so clients there do not resolve %s",
			str(zone.Outputs, "name"), network, name), "add the network to the DnsBinding's networks and run `pulumi up` on the consumer stack")
		return
	}
	w.ok(LinkDNS, rec, "%s → %s (private zone %s)", name, ip, str(zone.Outputs, "name"))
}

// zoneOf is the managed zone that holds a record.
func (w *walk) zoneOf(rec *Resource) *Resource {
	zone := lastSegment(str(rec.Outputs, "managedZone"))
	for _, z := range w.consumer.ofType(tManagedZone) {
		if str(z.Outputs, "name") == zone || lastSegment(z.ID) == zone {
			return z
		}
	}
	return nil
}

func (w *walk) endpointIP() {
	ip := str(w.endpoint.Outputs, "ipAddress")
	for _, a := range w.consumer.ofType(tAddress) {
		if a.Gone && w.endpoint.Gone == false && str(a.Outputs, "address") == ip {
			w.broken(LinkEndpointIP, a, "the endpoint's reserved address "+a.Name()+" ("+ip+") was released",
				"run `pulumi up` on the consumer stack: the address is reserved again")
			return
		}
		if str(a.Outputs, "address") == ip && !a.Gone {
			w.ok(LinkEndpointIP, a, "%s reserved in %s", ip, lastSegment(str(a.Outputs, "subnetwork")))
			return
		}
	}
	if w.endpoint.Gone {
		w.skip(LinkEndpointIP, "the endpoint is gone")
		return
	}
	w.ok(LinkEndpointIP, w.endpoint, "%s (not reserved by this stack)", ip)
}

// statusFix is the cause and fix of each connection status that carries no traffic.
var statusFix = map[string][2]string{
	"PENDING": {"the producer has not accepted consumer %s: it is not on the attachment's accept list, or it reached its connectionLimit",
		"the producer adds %s to `consumers` (or `consumerStacks`), or raises `connectionLimit`, and runs `pulumi up`; then `pulumi refresh` on the consumer"},
	"REJECTED": {"consumer %s is on the attachment's reject list (a reject wins over an accept)",
		"the producer removes %s from `rejectedConsumers` and runs `pulumi up`"},
	"NEEDS_ATTENTION": {"the producer's PSC NAT subnets have no free address for consumer %s (one per connected endpoint)",
		"the producer adds a NAT subnet with `additionalNatSubnets` and runs `pulumi up` (no connection is disturbed); then `pulumi refresh` on the consumer %s"},
	"CLOSED": {"the producer's service attachment was deleted, so the connection of %s closed; a CLOSED endpoint never reconnects",
		"once the producer is published again, run `pulumi up` on the consumer %s: the endpoint is recreated (recreateClosedPsc)"},
}

func (w *walk) endpointStatus() {
	ep := w.endpoint
	if ep.Gone {
		w.broken(LinkEndpoint, ep, "the endpoint "+ep.Name()+" was deleted outside Pulumi", "run `pulumi up` on the consumer stack: the endpoint is recreated")
		w.endpoint = nil
		return
	}
	status := str(ep.Outputs, "pscConnectionStatus")
	consumer := str(ep.Outputs, "project")
	if status == "ACCEPTED" {
		w.ok(LinkEndpoint, ep, "%s ACCEPTED (connection %s) by %s", str(ep.Outputs, "ipAddress"), str(ep.Outputs, "pscConnectionId"), refKey(str(ep.Outputs, "target")))
		return
	}
	f, known := statusFix[status]
	if !known {
		w.broken(LinkEndpoint, ep, fmt.Sprintf("the connection status is %q, not ACCEPTED", status),
			"run `pulumi refresh` on the consumer stack; if it stays, ask the producer to run `cloudrun-psc doctor` on theirs")
		return
	}
	w.broken(LinkEndpoint, ep, "the connection status is "+status+": "+fmt.Sprintf(f[0], consumer), fmt.Sprintf(f[1], consumer))
}

// attachmentLinks: the attachment the endpoint targets, its lists and limits, its NAT.
func (w *walk) attachmentLinks() {
	if w.producer == nil {
		why := "the attachment is in the producer's project: ask the producer to run `cloudrun-psc doctor --producer-stack …`, or pass both stacks"
		for _, l := range []string{LinkAttachment, LinkAcceptList, LinkNAT} {
			w.skip(l, why)
		}
		return
	}
	atts := w.producer.ofType(tAttachment)
	if len(atts) == 0 {
		w.broken(LinkAttachment, nil, "the producer stack "+w.producer.Stack+" holds no service attachment", "run `pulumi up` on the producer stack")
		return
	}
	att := atts[0]
	if w.endpoint != nil {
		target := refKey(str(w.endpoint.Outputs, "target"))
		if found := w.producer.find(tAttachment, target); found != nil {
			att = found
		} else {
			w.broken(LinkAttachment, w.endpoint, fmt.Sprintf("the endpoint targets %s, which is not the producer's attachment %s", target, refKey(att.ID)),
				"run `pulumi up` on the consumer with the producer's current `serviceAttachmentUri` (`producerStack` follows it)")
			return
		}
	}
	if att.Gone {
		w.broken(LinkAttachment, att, "the service attachment "+att.Name()+" was deleted outside Pulumi; its endpoints are CLOSED",
			"run `pulumi up` on the producer stack, then on each consumer (their endpoints are recreated)")
		return
	}
	w.attachment = att
	conns := objs(att.Outputs, "connectedEndpoints")
	if w.endpoint != nil && w.connection(conns) == nil {
		w.broken(LinkAttachment, att, "the attachment lists no connection from endpoint "+refKey(w.endpoint.ID),
			"run `pulumi refresh` on both stacks; if the endpoint stays unlisted, recreate it with `pulumi up` on the consumer")
	} else {
		w.ok(LinkAttachment, att, "%d connected endpoint(s): %s", len(conns), connectionSummary(conns))
	}
	w.acceptList(conns)
	w.nat(conns)
}

// connection is the attachment's entry for the walked endpoint.
func (w *walk) connection(conns []map[string]any) map[string]any {
	for _, c := range conns {
		if refKey(str(c, "endpoint")) == refKey(w.endpoint.ID) ||
			str(c, "pscConnectionId") != "" && str(c, "pscConnectionId") == str(w.endpoint.Outputs, "pscConnectionId") {
			return c
		}
	}
	return nil
}

func connectionSummary(conns []map[string]any) string {
	count := map[string]int{}
	var order []string
	for _, c := range conns {
		s := str(c, "status")
		if count[s] == 0 {
			order = append(order, s)
		}
		count[s]++
	}
	parts := []string{}
	for _, s := range order {
		parts = append(parts, fmt.Sprintf("%d %s", count[s], s))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// ConsumerOf is the project of a connected endpoint, from its self link.
func ConsumerOf(endpoint string) string {
	parts := strings.Split(refKey(endpoint), "/")
	if len(parts) > 1 && parts[0] == "projects" {
		return parts[1]
	}
	return endpoint
}

// stuck lists the consumers of connections in one status.
func stuck(conns []map[string]any, status string) []string {
	var out []string
	for _, c := range conns {
		if str(c, "status") == status && !slices.Contains(out, ConsumerOf(str(c, "endpoint"))) {
			out = append(out, ConsumerOf(str(c, "endpoint")))
		}
	}
	return out
}

func (w *walk) acceptList(conns []map[string]any) {
	att := w.attachment.Outputs
	consumer := ""
	if w.endpoint != nil {
		consumer = str(w.endpoint.Outputs, "project")
	}
	network := ""
	if w.endpoint != nil {
		network = refKey(str(w.endpoint.Outputs, "network"))
	}
	names := func(ref string) bool {
		ref = refKey(ref)
		return ref == consumer || network != "" && ref == network
	}
	if consumer != "" {
		for _, r := range strs(att, "consumerRejectLists") {
			if names(r) {
				w.broken(LinkAcceptList, w.attachment, "consumer "+consumer+" is on the reject list (a reject wins over an accept)",
					"the producer removes "+consumer+" from `rejectedConsumers` and runs `pulumi up`")
				return
			}
		}
	}
	if str(att, "connectionPreference") == "ACCEPT_AUTOMATIC" {
		w.ok(LinkAcceptList, w.attachment, "ACCEPT_AUTOMATIC: every consumer is accepted")
		return
	}
	if consumer != "" {
		w.consumerEntry(conns, consumer, names)
		return
	}
	// Producer side alone: name the consumers waiting for acceptance.
	if pending := stuck(conns, "PENDING"); len(pending) > 0 {
		w.broken(LinkAcceptList, w.attachment, "consumer(s) "+strings.Join(pending, ", ")+" are PENDING: not on the accept list, or over their connectionLimit",
			"add them to `consumers` (or `consumerStacks`), or raise `connectionLimit`, and run `pulumi up`; then they run `pulumi refresh`")
		return
	}
	w.ok(LinkAcceptList, w.attachment, "%d accepted consumer(s), no connection PENDING", len(objs(att, "consumerAcceptLists")))
}

// consumerEntry checks the accept-list entry of the walked endpoint's consumer and its limit.
func (w *walk) consumerEntry(conns []map[string]any, consumer string, names func(string) bool) {
	for _, e := range objs(w.attachment.Outputs, "consumerAcceptLists") {
		if !names(str(e, "projectIdOrNum")) && !names(str(e, "networkUrl")) {
			continue
		}
		limit, _ := num(e, "connectionLimit")
		accepted := 0
		for _, c := range conns {
			if str(c, "status") == "ACCEPTED" && ConsumerOf(str(c, "endpoint")) == consumer {
				accepted++
			}
		}
		if str(w.endpoint.Outputs, "pscConnectionStatus") == "PENDING" && accepted >= int(limit) {
			w.broken(LinkAcceptList, w.attachment, fmt.Sprintf("consumer %s has %d accepted connection(s), its connectionLimit is %v: new endpoints stay PENDING", consumer, accepted, limit),
				fmt.Sprintf("the producer raises `connectionLimit` for %s and runs `pulumi up`; then `pulumi refresh` on the consumer", consumer))
			return
		}
		w.ok(LinkAcceptList, w.attachment, "%s accepted, %d of %v connection(s) used", consumer, accepted, limit)
		return
	}
	w.broken(LinkAcceptList, w.attachment, "consumer "+consumer+" is not on the attachment's accept list, so its endpoint stays PENDING",
		"the producer adds "+consumer+" to `consumers` (or the consumer's stack to `consumerStacks`) and runs `pulumi up`; then `pulumi refresh` on the consumer")
}

// NATUsage counts the NAT addresses of an attachment's subnets: used (one per accepted
// connection) and capacity (the usable addresses of the subnets; -1 when a subnet is not in the
// side).
func NATUsage(side *Side, att *Resource) (used, capacity int, missing []string) {
	for _, c := range objs(att.Outputs, "connectedEndpoints") {
		if str(c, "status") == "ACCEPTED" {
			used++
		}
	}
	for _, link := range strs(att.Outputs, "natSubnets") {
		s := side.find(tSubnetwork, link)
		if s == nil || s.Gone {
			missing = append(missing, refKey(link))
			continue
		}
		capacity += usable(str(s.Outputs, "ipCidrRange"))
	}
	return used, capacity, missing
}

// usable is the number of NAT addresses of a range: all but the four Google Cloud reserves.
func usable(cidr string) int {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() {
		return 0
	}
	if n := 1<<(32-p.Bits()) - 4; n > 0 {
		return n
	}
	return 0
}

func (w *walk) nat(conns []map[string]any) {
	used, capacity, missing := NATUsage(w.producer, w.attachment)
	if len(missing) > 0 {
		w.broken(LinkNAT, w.attachment, "NAT subnet(s) "+strings.Join(missing, ", ")+" of the attachment are gone",
			"run `pulumi up` on the producer stack: the component recreates its NAT subnets")
		return
	}
	if waiting := stuck(conns, "NEEDS_ATTENTION"); len(waiting) > 0 || used >= capacity && capacity > 0 && w.endpoint != nil && str(w.endpoint.Outputs, "pscConnectionStatus") == "NEEDS_ATTENTION" {
		w.broken(LinkNAT, w.attachment, fmt.Sprintf("the NAT subnets are full: %d of %d addresses used; consumer(s) %s are NEEDS_ATTENTION", used, capacity, strings.Join(waiting, ", ")),
			"the producer adds a NAT subnet with `additionalNatSubnets` and runs `pulumi up` (no connection is disturbed); then `pulumi refresh` on the consumers")
		return
	}
	w.ok(LinkNAT, w.attachment, "%d of %d NAT addresses used, %d free", used, capacity, capacity-used)
}

// loadBalancerLinks: from the attachment's target service to the Cloud Run service.
func (w *walk) loadBalancerLinks() {
	rest := []string{LinkLBRule, LinkProxy, LinkCertificate, LinkURLMap, LinkBackend, LinkNEG, LinkCloudRun}
	if w.producer == nil {
		for _, l := range rest {
			w.skip(l, "the load balancer and Cloud Run are in the producer's project: pass --producer-stack")
		}
		return
	}
	if w.attachment == nil {
		for _, l := range rest {
			w.skip(l, "the attachment is not resolved")
		}
		return
	}
	// A link whose resource exists but is wrong is reported and the walk goes on, so that one
	// run names every broken link; a missing resource ends the walk.
	rule := w.follow(LinkLBRule, w.attachment, "targetService", tForwardingRule)
	if rule == nil {
		w.skipRest(rest[1:])
		return
	}
	before := len(w.Broken())
	if scheme := str(rule.Outputs, "loadBalancingScheme"); scheme != "INTERNAL_MANAGED" {
		w.broken(LinkLBRule, rule, "the load balancer rule has scheme "+scheme+", not INTERNAL_MANAGED", "run `pulumi up` on the producer stack")
	}
	w.proxyOnlySubnet(rule)
	if len(w.Broken()) == before {
		w.ok(LinkLBRule, rule, "%s INTERNAL_MANAGED, proxy-only subnet ACTIVE", str(rule.Outputs, "ipAddress"))
	}
	token, https := tHTTPProxy, strings.Contains(str(rule.Outputs, "target"), "/targetHttpsProxies/")
	if https {
		token = tHTTPSProxy
	}
	proxy := w.follow(LinkProxy, rule, "target", token)
	if proxy == nil {
		w.skipRest(rest[2:])
		return
	}
	w.ok(LinkProxy, proxy, "%s", map[bool]string{true: "HTTPS", false: "HTTP"}[https])
	if https {
		w.certificates(proxy)
	} else {
		w.skip(LinkCertificate, "the load balancer serves HTTP")
	}
	um := w.follow(LinkURLMap, proxy, "urlMap", tURLMap)
	if um == nil {
		w.skipRest(rest[4:])
		return
	}
	route, note := servingRoute(um.Outputs, w.hostname)
	w.ok(LinkURLMap, um, "%s", note)
	bs := w.follow(LinkBackend, route, "defaultService", tBackend)
	if bs == nil {
		w.skipRest(rest[5:])
		return
	}
	backends := objs(bs.Outputs, "backends")
	if len(backends) == 0 {
		w.broken(LinkBackend, bs, "the backend service has no backends, so the load balancer answers 503", "run `pulumi up` on the producer stack: the serverless NEG is attached again")
		w.skipRest(rest[6:])
		return
	}
	w.ok(LinkBackend, bs, "%d backend(s)", len(backends))
	neg := w.follow(LinkNEG, backends[0], "group", tNEG)
	if neg == nil {
		w.skipRest(rest[6:])
		return
	}
	service := str(sub(neg.Outputs, "cloudRun"), "service")
	if t := str(neg.Outputs, "networkEndpointType"); t != "SERVERLESS" {
		w.broken(LinkNEG, neg, "the network endpoint group is "+t+", not SERVERLESS", "run `pulumi up` on the producer stack")
	}
	if service == "" {
		w.broken(LinkNEG, neg, "the serverless NEG names no Cloud Run service", "run `pulumi up` on the producer stack")
		w.skipRest(rest[6:])
		return
	}
	if str(neg.Outputs, "networkEndpointType") == "SERVERLESS" {
		w.ok(LinkNEG, neg, "SERVERLESS → Cloud Run %s", service)
	}
	w.cloudRun(neg, service)
}

func (w *walk) skipRest(links []string) {
	for _, l := range links {
		w.skip(l, "an earlier link is broken")
	}
}

// follow resolves a reference field of from (a resource or a nested object) to a resource of
// the producer; a missing or dangling reference breaks link.
func (w *walk) follow(link string, from any, field, token string) *Resource {
	var out map[string]any
	var owner *Resource
	switch f := from.(type) {
	case *Resource:
		out, owner = f.Outputs, f
	case map[string]any:
		out = f
	}
	ref := str(out, field)
	if ref == "" {
		w.broken(link, owner, field+" is not set", "run `pulumi up` on the producer stack")
		return nil
	}
	r := w.producer.find(token, ref)
	switch {
	case r == nil:
		w.broken(link, owner, fmt.Sprintf("%s refers to %s, which this stack does not hold", field, refKey(ref)),
			"run `pulumi up` on the producer stack: the component points "+field+" at its own resource again")
	case r.Gone:
		w.broken(link, r, r.Name()+" ("+refKey(r.ID)+") was deleted outside Pulumi",
			"run `pulumi up` on the producer stack: the component recreates it")
		return nil
	}
	return r
}

func (w *walk) proxyOnlySubnet(rule *Resource) {
	network, region := refKey(str(rule.Outputs, "network")), str(rule.Outputs, "region")
	for _, s := range w.producer.ofType(tSubnetwork) {
		o := s.Outputs
		if str(o, "purpose") == "REGIONAL_MANAGED_PROXY" && refKey(str(o, "network")) == network && str(o, "region") == region {
			switch {
			case s.Gone:
				w.broken(LinkLBRule, s, "the proxy-only subnet "+s.Name()+" was deleted: the load balancer's proxies have nowhere to run",
					"run `pulumi up` on the producer stack: the component recreates its proxy-only subnet")
			case str(o, "role") != "ACTIVE":
				w.broken(LinkLBRule, s, "the proxy-only subnet "+s.Name()+" is "+str(o, "role")+", not ACTIVE",
					"promote it to ACTIVE, or run `pulumi up` on the producer stack")
			}
			return
		}
	}
	// One made by another stack (proxyOnlySubnet.existing) is not read: assume it serves.
}

func (w *walk) certificates(proxy *Resource) {
	certs := strs(proxy.Outputs, "sslCertificates")
	if len(certs) == 0 && len(strs(proxy.Outputs, "certificateManagerCertificates")) == 0 {
		w.broken(LinkCertificate, proxy, "the HTTPS proxy has no certificate", "run `pulumi up` on the producer stack (tls.certificatePem and tls.privateKeyPem)")
		return
	}
	if !w.managedCertificatesActive(proxy) {
		return
	}
	for _, ref := range certs {
		c := w.follow(LinkCertificate, map[string]any{"sslCertificates": ref}, "sslCertificates", tCertificate)
		if c == nil {
			return
		}
		expiry, err := time.Parse(time.RFC3339, str(c.Outputs, "expireTime"))
		if err == nil && !w.now.Before(expiry) {
			w.broken(LinkCertificate, c, "the certificate expired at "+expiry.Format(time.RFC3339)+": clients refuse the TLS handshake",
				"give the producer a renewed certificate in `tls.certificatePem`/`tls.privateKeyPem` and run `pulumi up` (the rotation does not interrupt traffic)")
			return
		}
	}
	if w.hostname == "" {
		w.ok(LinkCertificate, proxy, "%d certificate(s), unexpired", len(certs))
		return
	}
	cert := w.certificatePEM()
	if cert == nil {
		w.ok(LinkCertificate, proxy, "%d certificate(s), unexpired (hostname coverage not checked: no public certificate output)", len(certs))
		return
	}
	if err := cert.VerifyHostname(w.hostname); err != nil {
		w.broken(LinkCertificate, proxy, fmt.Sprintf("the certificate is for %s, not for %s: clients refuse it", strings.Join(certNames(cert), ", "), w.hostname),
			"give the producer a certificate whose SAN covers "+w.hostname+" (or use the hostname it covers in the DnsBinding) and run `pulumi up`")
		return
	}
	w.ok(LinkCertificate, proxy, "covers %s, expires %s", w.hostname, cert.NotAfter.UTC().Format(time.RFC3339))
}

// managedCertificatesActive reports whether every Google-managed certificate of the proxy that
// the producer stack holds (tls.managed) is ACTIVE, and marks the link broken at the first that
// is not: PROVISIONING until Google has verified its DNS authorization records. Certificate
// Manager certificates of other stacks are not read.
func (w *walk) managedCertificatesActive(proxy *Resource) bool {
	for _, ref := range strs(proxy.Outputs, "certificateManagerCertificates") {
		c := w.producer.find(tCMCertificate, ref)
		switch {
		case c == nil:
			continue
		case c.Gone:
			w.broken(LinkCertificate, c, c.Name()+" ("+refKey(c.ID)+") was deleted outside Pulumi",
				"run `pulumi up` on the producer stack: the component recreates it (PROVISIONING until Google verifies its DNS authorization again)")
			return false
		}
		managed, _ := c.Outputs["managed"].(map[string]any)
		if state := str(managed, "state"); state != "" && state != "ACTIVE" {
			w.broken(LinkCertificate, c, fmt.Sprintf("the Google-managed certificate %s is %s: Google has not verified its DNS authorization records, so clients get no valid certificate", c.Name(), state),
				"publish each record of the producer's dnsAuthorizationRecords output (name, type CNAME, data) in the domain's public DNS zone; Google issues the certificate within minutes to an hour of the record resolving")
			return false
		}
	}
	return true
}

// certificatePEM is the producer's public certificate (the component's certificatePem output).
func (w *walk) certificatePEM() *x509.Certificate {
	p := w.component()
	if p == nil {
		return nil
	}
	block, _ := pem.Decode([]byte(str(p.Outputs, "certificatePem")))
	if block == nil {
		return nil
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil
	}
	return cert
}

func certNames(c *x509.Certificate) []string {
	if len(c.DNSNames) > 0 {
		return c.DNSNames
	}
	return []string{c.Subject.CommonName}
}

func (w *walk) cloudRun(neg *Resource, service string) {
	var svc *Resource
	for _, s := range w.producer.ofType(tCloudRun) {
		if str(s.Outputs, "name") == service || lastSegment(s.ID) == service {
			svc = s
		}
	}
	region := str(neg.Outputs, "region")
	switch {
	case svc == nil:
		w.broken(LinkCloudRun, neg, "the NEG names Cloud Run service "+service+", which this stack does not hold (an existing service: check it exists in "+region+")",
			"create the service, or point `cloudRun.existingServiceName` at one that exists, and run `pulumi up`")
		return
	case svc.Gone:
		w.broken(LinkCloudRun, svc, "the Cloud Run service "+service+" was deleted outside Pulumi: the load balancer answers 404/503",
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
	before := len(w.Broken())
	if str(o, "ingress") == "INGRESS_TRAFFIC_NONE" {
		w.broken(LinkCloudRun, svc, "Cloud Run service "+service+" has ingress INGRESS_TRAFFIC_NONE: it refuses the load balancer's requests",
			"run `pulumi up` on the producer stack: the component sets ingress INGRESS_TRAFFIC_INTERNAL_ONLY again")
	}
	if ready != "" && ready != "CONDITION_SUCCEEDED" {
		w.broken(LinkCloudRun, svc, "Cloud Run service "+service+" is not ready (Ready is "+ready+")", fix)
	}
	if str(o, "latestReadyRevision") == "" {
		w.broken(LinkCloudRun, svc, "Cloud Run service "+service+" has no ready revision", fix)
	}
	if sub(o, "template") != nil && images == 0 {
		w.broken(LinkCloudRun, svc, "Cloud Run service "+service+" serves no container image", fix)
	}
	w.invokers(svc, service, len(w.Broken()) == before)
}

// invokers: someone may invoke the service (or invoker IAM is off), and its audiences accept
// tokens minted for the hostname.
func (w *walk) invokers(svc *Resource, service string, serving bool) {
	o := svc.Outputs
	detail := "ingress " + str(o, "ingress") + ", ready"
	if !boolean(o, "invokerIamDisabled") {
		var members []string
		gone := false
		for _, b := range append(w.producer.ofType(tInvokers), w.producer.ofType(tInvoker)...) {
			if str(b.Outputs, "role") != "roles/run.invoker" || lastSegment(str(b.Outputs, "name")) != service {
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
			w.broken(LinkCloudRun, svc, "no one holds roles/run.invoker on "+service+" (its invoker binding was deleted outside Pulumi) and invoker IAM is on: every request gets 403",
				"run `pulumi up` on the producer: the binding of `cloudRun.invokers` is recreated")
			serving = false
		case len(members) == 0:
			w.warn(LinkCloudRun, svc, "this stack grants roles/run.invoker on "+service+" to no one and invoker IAM is on: unless callers hold the role on the project, every request gets 403",
				"list the callers in `cloudRun.invokers` (they send an ID token for the private URL) and run `pulumi up` on the producer")
			serving = false
		default:
			detail += ", invokers " + strings.Join(members, ", ")
		}
	} else {
		detail += ", invoker IAM disabled"
	}
	if auds := strs(o, "customAudiences"); len(auds) > 0 && w.hostname != "" && !slices.ContainsFunc(auds, func(a string) bool {
		return strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(a, "https://"), "http://"), "/") == w.hostname
	}) {
		w.broken(LinkCloudRun, svc, "the service's audiences ("+strings.Join(auds, ", ")+") do not include https://"+w.hostname+": ID tokens minted for the name clients use are refused",
			"add https://"+w.hostname+" to `cloudRun.customAudiences` and run `pulumi up` on the producer")
		serving = false
	}
	if serving {
		w.ok(LinkCloudRun, svc, "%s", detail)
	}
}

// firewall: the consumer's egress rule to the endpoint, when the stack manages one.
func (w *walk) firewall() {
	if w.endpoint == nil {
		w.skip(LinkFirewall, "the endpoint is not resolved")
		return
	}
	ip := str(w.endpoint.Outputs, "ipAddress")
	for _, f := range w.consumer.ofType(tFirewall) {
		o := f.Outputs
		if f.Gone {
			w.broken(LinkFirewall, f, "the egress rule "+f.Name()+" to the endpoint was deleted: under a deny-all egress policy clients cannot reach "+ip,
				"run `pulumi up` on the consumer stack: the endpoint's firewall rule is recreated")
			return
		}
		if str(o, "direction") != "EGRESS" || !slices.ContainsFunc(strs(o, "destinationRanges"), func(r string) bool { return covers(r, ip) }) {
			continue
		}
		if boolean(o, "disabled") {
			w.broken(LinkFirewall, f, "the egress rule "+str(o, "name")+" to "+ip+" is disabled", "enable it (`pulumi up` on the consumer stack restores it)")
			return
		}
		if w.port != 0 && !allowsPort(o, w.port) {
			w.broken(LinkFirewall, f, fmt.Sprintf("the egress rule %s allows %s, not tcp:%d, the port the producer serves", str(o, "name"), portsText(o), w.port),
				fmt.Sprintf("set the ConsumerEndpoint's `firewall.ports` to [%d] and run `pulumi up` on the consumer", w.port))
			return
		}
		w.ok(LinkFirewall, f, "allows %s to %s from %s", portsText(o), ip, strings.Join(strs(o, "sourceRanges"), ", "))
		return
	}
	w.skip(LinkFirewall, "the consumer stack manages no egress rule to "+ip+" (the VPC's own rules apply)")
}

func covers(cidr, ip string) bool {
	p, err := netip.ParsePrefix(cidr)
	a, err2 := netip.ParseAddr(ip)
	return err == nil && err2 == nil && p.Contains(a)
}

func allowsPort(fw map[string]any, port int) bool {
	for _, a := range objs(fw, "allows") {
		if p := str(a, "protocol"); p != "tcp" && p != "all" {
			continue
		}
		ports := strs(a, "ports")
		if len(ports) == 0 {
			return true
		}
		for _, p := range ports {
			lo, hi, _ := strings.Cut(p, "-")
			if hi == "" {
				hi = lo
			}
			var l, h int
			fmt.Sscan(lo, &l)
			fmt.Sscan(hi, &h)
			if port >= l && port <= h {
				return true
			}
		}
	}
	return false
}

func portsText(fw map[string]any) string {
	var parts []string
	for _, a := range objs(fw, "allows") {
		ports := strs(a, "ports")
		if len(ports) == 0 {
			parts = append(parts, str(a, "protocol"))
		}
		for _, p := range ports {
			parts = append(parts, str(a, "protocol")+":"+p)
		}
	}
	return strings.Join(parts, ", ")
}
