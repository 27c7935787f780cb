package gcpsim

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// chainFile is the serving-chain timeline kept beside events.jsonl.
const chainFile = "chain.jsonl"

// The links of a request's path, in the order it crosses them, named as cloudrun-psc doctor names
// them (pkg/chain/links.go) so that the two answers compare; the simulator keeps its own copy of
// the names, as it imports nothing from the library. A ChainSample names the first broken one of
// the links from LinkEndpoint on; a CallResult (call.go) the first that refuses a client's call.
const (
	LinkClient         = "client"          // the calling client: its project, network, subnet and region
	LinkDNS            = "dns-record"      // the name's resolution in the client's VPC
	LinkFirewall       = "egress-firewall" // the client VPC's egress firewall rules
	LinkEndpointIP     = "endpoint-ip"     // the PSC endpoint that holds the destination address
	LinkEndpoint       = "endpoint"        // the consumer's PSC forwarding rule
	LinkAttachment     = "attachment"      // the producer's service attachment
	LinkNAT            = "nat"             // the attachment's PSC NAT subnets: the source the producer sees
	LinkForwardingRule = "lb-rule"         // the INTERNAL_MANAGED load balancer rule
	LinkProxy          = "proxy"           // the regional target HTTP(S) proxy
	LinkCertificate    = "certificate"     // the HTTPS proxy's certificates
	LinkURLMap         = "url-map"         // the regional URL map
	LinkBackend        = "backend"         // the regional backend services it routes to
	LinkSecurityPolicy = "security-policy" // the backend service's Cloud Armor policy
	LinkNEG            = "neg"             // the serverless NEGs behind them
	LinkCloudRun       = "cloud-run"       // the Cloud Run services the NEGs name
)

// ChainSample is the state of one PSC endpoint's serving chain right after one mutation of
// the shared state that can change it (chain_index.go): intact when every link resolves to an
// existing resource in a serving state, else the first broken link and why.
type ChainSample struct {
	Time time.Time `json:"time"`
	// After is the mutation that preceded the sample: "OP TYPE ID".
	After    string `json:"after"`
	Endpoint string `json:"endpoint"` // the endpoint's ID
	Intact   bool   `json:"intact"`
	Link     string `json:"link,omitempty"`   // the first broken link (one of the Link constants)
	Reason   string `json:"reason,omitempty"` // why it is broken
	// Path lists the IDs of the resources the chain resolved to, endpoint first, up to the
	// broken link.
	Path []string `json:"path"`
	// Images are the container images of the Cloud Run services the chain reaches.
	Images []string `json:"images,omitempty"`
}

// brokenLink is the evaluator's verdict on a broken chain.
type brokenLink struct{ link, reason string }

func (b *brokenLink) Error() string { return b.link + ": " + b.reason }

func broken(link, format string, args ...any) error {
	return &brokenLink{link: link, reason: fmt.Sprintf(format, args...)}
}

// chainEval follows one endpoint's chain through a state at one instant.
type chainEval struct {
	st     *State
	now    time.Time
	path   []string
	images []string
	// When req is set, the URL map is followed for this request only (chain_request.go): status
	// is the load balancer's own answer, matched the backend service and run the Cloud Run
	// service it reached.
	req          *Request
	status       int
	matched, run *Record
}

// EvaluateChains evaluates the serving chain of every PSC endpoint (a forwarding rule whose
// target is a service attachment) at time now, ordered by endpoint ID.
func (st *State) EvaluateChains(now time.Time) []ChainSample {
	var out []ChainSample
	for _, r := range st.byType(forwardingRuleToken) {
		if isPSCTarget(r.out().str("target")) {
			out = append(out, st.evaluateChain(r, now))
		}
	}
	return out
}

func (st *State) evaluateChain(ep *Record, now time.Time) ChainSample {
	c := &chainEval{st: st, now: now}
	s := ChainSample{Time: now, Endpoint: ep.ID, Intact: true}
	if err := c.endpoint(ep); err != nil {
		var b *brokenLink
		if !errors.As(err, &b) {
			b = &brokenLink{link: LinkEndpoint, reason: err.Error()}
		}
		s.Intact, s.Link, s.Reason = false, b.link, b.reason
	}
	s.Path, s.Images = c.path, c.images
	return s
}

// follow resolves the reference value of from to a resource of collection; an empty,
// malformed or dangling reference breaks link.
func (c *chainEval) follow(link string, from *Record, field, value, collection string) (*Record, error) {
	if value == "" {
		return nil, broken(link, "%s sets no %s", from.ID, field)
	}
	r, ok := parseRef(value, ref{Project: from.Project, Region: from.Region, Collection: collection})
	if !ok || r.Collection != collection {
		return nil, broken(link, "%s of %s is %q, not a reference to %s", field, from.ID, value, collection)
	}
	rec := c.st.lookup(r.path())
	if rec == nil {
		return nil, broken(link, "%s of %s refers to %s, which does not exist", field, from.ID, r.path())
	}
	if !slices.Contains(c.path, rec.ID) {
		c.path = append(c.path, rec.ID)
	}
	return rec, nil
}

// endpoint: the PSC connection must be ACCEPTED (PENDING, REJECTED, CLOSED and
// NEEDS_ATTENTION endpoints carry no traffic).
func (c *chainEval) endpoint(ep *Record) error {
	c.path = append(c.path, ep.ID)
	if status := ep.out().str("pscConnectionStatus"); status != StatusAccepted {
		return broken(LinkEndpoint, "pscConnectionStatus is %s, not ACCEPTED", firstNonEmpty(status, "unset"))
	}
	att, err := c.follow(LinkAttachment, ep, "target", ep.out().str("target"), "serviceAttachments")
	if err != nil {
		return err
	}
	rule, err := c.follow(LinkForwardingRule, att, "targetService", att.out().str("targetService"), "forwardingRules")
	if err != nil {
		return err
	}
	return c.forwardingRule(rule)
}

// forwardingRule: an INTERNAL_MANAGED rule, with an ACTIVE proxy-only subnet in its VPC and
// region (the proxies run there), whose target is a regional HTTP(S) proxy.
func (c *chainEval) forwardingRule(rule *Record) error {
	if scheme := rule.out().str("loadBalancingScheme"); scheme != schemeInternalManaged {
		return broken(LinkForwardingRule, "%s has load balancing scheme %q, not INTERNAL_MANAGED", rule.ID, scheme)
	}
	if !c.st.ruleServed(rule) {
		region, purpose := ruleProxies(rule)
		return broken(LinkForwardingRule, "no ACTIVE proxy-only subnet (%s) in region %s of %s", purpose, region, rule.out().str("network"))
	}
	target := rule.out().str("target")
	collection := "targetHttpProxies"
	if strings.Contains(target, "targetHttpsProxies/") {
		collection = "targetHttpsProxies"
	}
	proxy, err := c.follow(LinkProxy, rule, "target", target, collection)
	if err != nil {
		return err
	}
	if collection == "targetHttpsProxies" {
		if err := c.certificates(proxy); err != nil {
			return err
		}
	}
	urlMap, err := c.follow(LinkURLMap, proxy, "urlMap", proxy.out().str("urlMap"), "urlMaps")
	if err != nil {
		return err
	}
	return c.urlMap(urlMap)
}

// certificates: an HTTPS proxy needs at least one certificate; every self-managed one must
// exist and not be expired, every Certificate Manager one must exist and, when Google-managed,
// be ACTIVE (a PROVISIONING one serves no valid certificate, CM-PROVISIONING).
func (c *chainEval) certificates(proxy *Record) error {
	certs := proxy.out().strs("sslCertificates")
	managed := proxy.out().strs("certificateManagerCertificates")
	if len(certs) == 0 && len(managed) == 0 {
		return broken(LinkCertificate, "HTTPS proxy %s has no certificate", proxy.ID)
	}
	for i, value := range managed {
		cert, err := c.follow(LinkCertificate, proxy, fmt.Sprintf("certificateManagerCertificates[%d]", i), value, "certificates")
		if err != nil {
			return err
		}
		view := *cert
		view.Outputs = cert.out().clone()
		c.st.setManagedState(&view)
		if m := view.out().sub("managed"); m != nil && m.str("state") != CertActive {
			return broken(LinkCertificate, "managed certificate %s is %s: its DNS authorization records are not published", cert.ID, m.str("state"))
		}
	}
	for i, value := range certs {
		cert, err := c.follow(LinkCertificate, proxy, fmt.Sprintf("sslCertificates[%d]", i), value, "sslCertificates")
		if err != nil {
			return err
		}
		expiry, err := time.Parse(time.RFC3339, cert.out().str("expireTime"))
		if err != nil {
			return broken(LinkCertificate, "certificate %s has no valid expireTime (%q)", cert.ID, cert.out().str("expireTime"))
		}
		if !c.now.Before(expiry) {
			return broken(LinkCertificate, "certificate %s expired at %s", cert.ID, expiry.Format(time.RFC3339))
		}
		if r := c.st.reads; r != nil && (r.deadline.IsZero() || expiry.Before(r.deadline)) {
			r.deadline = expiry
		}
	}
	return nil
}

// urlMap: every backend service the URL map routes to must serve; one routed to by several
// rules is evaluated once.
func (c *chainEval) urlMap(um *Record) error {
	if c.req != nil {
		return c.requestURLMap(um)
	}
	refs := urlMapServices(um.out())
	if len(refs) == 0 {
		return broken(LinkBackend, "URL map %s routes to no backend service", um.ID)
	}
	done := map[string]bool{}
	for _, field := range sortedKeys(refs) {
		bs, err := c.follow(LinkBackend, um, field, refs[field], "backendServices")
		if err != nil {
			return err
		}
		if done[bs.ID] {
			continue
		}
		done[bs.ID] = true
		if err := c.backend(bs); err != nil {
			return err
		}
	}
	return nil
}

// backend: at least one backend, each a serverless NEG that reaches a serving Cloud Run
// service.
func (c *chainEval) backend(bs *Record) error {
	backends := bs.out().objs("backends")
	if len(backends) == 0 {
		return broken(LinkBackend, "backend service %s has no backends", bs.ID)
	}
	for i, b := range backends {
		neg, err := c.follow(LinkNEG, bs, fmt.Sprintf("backends[%d].group", i), b.str("group"), "networkEndpointGroups")
		if err != nil {
			return err
		}
		if err := c.neg(neg); err != nil {
			return err
		}
	}
	return nil
}

func (c *chainEval) neg(neg *Record) error {
	if t := negType(neg); t != "SERVERLESS" {
		return broken(LinkNEG, "network endpoint group %s is of type %s, not SERVERLESS", neg.ID, t)
	}
	name := neg.out().sub("cloudRun").str("service")
	if name == "" {
		return broken(LinkNEG, "serverless network endpoint group %s names no Cloud Run service", neg.ID)
	}
	svc, err := c.follow(LinkCloudRun, neg, "cloudRun.service", name, "services")
	if err != nil {
		return err
	}
	return c.cloudRun(svc)
}

// cloudRun: the service admits load balancer traffic, is Ready, and serves a ready revision
// with a container image.
func (c *chainEval) cloudRun(svc *Record) error {
	c.run = svc
	out := svc.out()
	if out.str("ingress") == "INGRESS_TRAFFIC_NONE" {
		return broken(LinkCloudRun, "Cloud Run service %s has ingress INGRESS_TRAFFIC_NONE", svc.ID)
	}
	if state := readyState(out); state != "CONDITION_SUCCEEDED" {
		return broken(LinkCloudRun, "Cloud Run service %s is not ready (Ready condition %s)", svc.ID, firstNonEmpty(state, "missing"))
	}
	if out.str("latestReadyRevision") == "" {
		return broken(LinkCloudRun, "Cloud Run service %s has no ready revision", svc.ID)
	}
	var images []string
	for _, ctr := range out.sub("template").objs("containers") {
		if img := ctr.str("image"); img != "" {
			images = append(images, img)
		}
	}
	if len(images) == 0 {
		return broken(LinkCloudRun, "Cloud Run service %s serves no container image", svc.ID)
	}
	c.images = append(c.images, images...)
	return nil
}

// readyState is the state of the service's Ready terminal condition.
func readyState(out obj) string {
	for _, cond := range out.objs("terminalConditions") {
		if cond.str("type") == "Ready" {
			return cond.str("state")
		}
	}
	return ""
}

// appendChainSamples appends the chain samples of a mutating transaction to chain.jsonl,
// still under the state lock, so the timeline is in the order of the mutations.
func (s *Store) appendChainSamples(samples []ChainSample) error {
	return appendJSONL(s, chainFile, samples)
}

// ChainTimeline reads the serving-chain samples, in the order the mutations happened.
func (s *Store) ChainTimeline() ([]ChainSample, error) {
	return readJSONL[ChainSample](s, chainFile)
}
