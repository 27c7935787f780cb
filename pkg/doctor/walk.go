package doctor

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// check examines the link being walked and gives its verdict (walk.ok, broken, warn, skip).
type check func(*walk)

// checks are what doctor checks at each link of chain.Links, one concern per file: the
// consumer's side (consumer.go, firewall.go), the attachment (attachment.go), the load balancer
// (loadbalancer.go, certificates.go) and Cloud Run (cloudrun.go). A link without a check is
// reported skipped, never dropped.
var checks = map[string]check{
	chain.LinkClient:         (*walk).checkClient,
	chain.LinkDNS:            (*walk).checkDNSRecord,
	chain.LinkFirewall:       (*walk).checkEgressFirewall,
	chain.LinkEndpointIP:     (*walk).checkEndpointIP,
	chain.LinkEndpoint:       (*walk).checkEndpoint,
	chain.LinkAttachment:     (*walk).checkAttachment,
	chain.LinkAcceptList:     (*walk).checkAcceptList,
	chain.LinkNAT:            (*walk).checkNAT,
	chain.LinkLBRule:         (*walk).checkLBRule,
	chain.LinkProxy:          (*walk).checkProxy,
	chain.LinkCertificate:    (*walk).checkCertificate,
	chain.LinkURLMap:         (*walk).checkURLMap,
	chain.LinkBackend:        (*walk).checkBackend,
	chain.LinkSecurityPolicy: (*walk).checkSecurityPolicy,
	chain.LinkNEG:            (*walk).checkNEG,
	chain.LinkCloudRun:       (*walk).checkCloudRun,
}

// notRead says why the links of a side whose stack was not given are not checked.
var notRead = map[chain.Side]string{
	chain.Consumer: "in the consumer's project: pass --consumer-stack, or ask the consumer to run doctor on theirs",
	chain.Producer: "in the producer's project: pass --producer-stack, or ask the producer to run doctor on theirs",
}

// walk holds what the walk has resolved so far. A nil resource means the link that resolves it
// is broken or was not reached, and the links that need it are skipped.
type walk struct {
	producer, consumer *Side
	all                *Side // the whole consumer stack, for what another chain's components do to this one (dnszones.go)
	now                time.Time
	link               *Link // the link being checked

	hostname string // the name consumers use (DNS record, else the producer's hostname)
	port     int    // 443 for HTTPS, 80 for HTTP, 0 when unknown
	stopped  string // the producer link past which the chain could not be followed

	endpoint   *Resource // the consumer's PSC forwarding rule clients use (Gone when deleted)
	start      *Resource // the attachment the walk starts at when no endpoint of the consumer targets it
	elsewhere  bool      // the consumer stack has endpoints, none on this walk's path
	attachment *Resource
	rule       *Resource      // the load balancer's forwarding rule
	proxy      *Resource      // its target proxy
	https      bool           // whether the proxy is HTTPS
	route      map[string]any // the URL map field whose defaultService serves the hostname
	backend    *Resource      // the backend service that serves the hostname
	group      map[string]any // the backend service's backend that names the NEG
	neg        *Resource
	service    string // the Cloud Run service the NEG names
}

// Diagnose walks the chains of a consumer side, a producer side, or both (either may be nil) at
// time now: each chain of the stacks (chains.go: one per ProducerService, ConsumerEndpoint and
// DnsBinding that belong together), every link of chain.Links, in order, once per path (paths.go:
// one per region when the producer or the consumer is in several); then what the chain risks
// (failover.go). With several chains each link and problem names its chain.
func Diagnose(producer, consumer *Side, now time.Time) *Report {
	rep := &Report{}
	cs := chains(producer, consumer)
	for _, c := range cs {
		links, problems := c.diagnose(consumer, now)
		verdict := Chain{Name: c.name, Healthy: true}
		for i := range links {
			if len(cs) > 1 {
				links[i].Chain = c.name
			}
			if links[i].Status == Broken {
				verdict.Healthy = false
				verdict.Broken = append(verdict.Broken, strings.TrimPrefix(links[i].Region+" ", " ")+links[i].Name)
			}
		}
		for _, p := range problems {
			if !slices.ContainsFunc(rep.Problems, p.same) {
				if len(cs) > 1 {
					p.Chain = c.name
				}
				rep.Problems = append(rep.Problems, p)
			}
		}
		rep.Links = append(rep.Links, links...)
		rep.Chains = append(rep.Chains, verdict)
	}
	if producer != nil {
		rep.Producer = producer.Stack
	}
	if consumer != nil {
		rep.Consumer = consumer.Stack
	}
	rep.Healthy = len(rep.Broken()) == 0
	return rep
}

// diagnose walks one chain of the consumer stack all: its links once per path, and what its
// path risks.
func (c chainOf) diagnose(all *Side, now time.Time) ([]Link, []Problem) {
	var links []Link
	ps := paths(c.producer, c.consumer, c.elsewhere)
	for _, p := range ps {
		w := &walk{producer: c.producer, consumer: c.consumer, all: all, now: now, endpoint: p.endpoint, start: p.attachment, elsewhere: p.elsewhere}
		w.resolve()
		for _, l := range chain.Links {
			w.link = &Link{Name: l.Name}
			if len(ps) > 1 {
				w.link.Region = p.region
			}
			check, known := checks[l.Name]
			switch {
			case w.side(l.Side) == nil:
				w.skip(notRead[l.Side])
			case !known:
				w.skip("doctor does not check this link yet")
			default:
				check(w)
			}
			if w.link.Status == "" {
				w.skip("doctor found nothing to report")
			}
			links = append(links, *w.link)
		}
	}
	return links, failover(c.producer, all) // a record may name the endpoints of several chains
}

// resolve reads what the walk needs before its first link: the producer's hostname and port.
func (w *walk) resolve() {
	if p := w.component(); p != nil {
		w.hostname = str(p.Outputs, "hostname")
		if n, ok := num(p.Outputs, "port"); ok {
			w.port = int(n)
		}
	}
}

func (w *walk) side(s chain.Side) *Side {
	if s == chain.Consumer {
		return w.consumer
	}
	return w.producer
}

// component is the producer's ProducerService, for its hostname, port and certificate.
func (w *walk) component() *Resource {
	if c := w.producer.ofType(chain.ProducerServiceType); len(c) > 0 {
		return c[0]
	}
	return nil
}

// ok says what the link resolved to; it is not said of a link that has a problem.
func (w *walk) ok(r *Resource, format string, args ...any) {
	if w.link.Status == "" || w.link.Status == OK {
		w.link.Status, w.link.Resource, w.link.Detail = OK, resID(r), fmt.Sprintf(format, args...)
	}
}

// broken records a problem that breaks the link.
func (w *walk) broken(r *Resource, cause, fix string) {
	w.link.add(Problem{Status: Broken, Resource: resID(r), Cause: cause, Fix: fix})
}

// warn records a likely problem doctor cannot confirm from the stacks.
func (w *walk) warn(r *Resource, cause, fix string) {
	w.link.add(Problem{Status: Warning, Resource: resID(r), Cause: cause, Fix: fix})
}

// skip says why the link is not checked.
func (w *walk) skip(why string) {
	if w.link.Status == "" {
		w.link.Status, w.link.Detail = Skipped, why
	}
}

// stop records that the producer's chain cannot be followed past the link being checked.
func (w *walk) stop() {
	if w.stopped == "" {
		w.stopped = w.link.Name
	}
}

// unreached skips a link the walk did not reach, naming where it stopped.
func (w *walk) unreached() {
	why := "an earlier link is broken"
	if w.stopped != "" {
		why += " (" + w.stopped + ")"
	}
	w.skip(why)
}

func resID(r *Resource) string {
	if r == nil {
		return ""
	}
	return chain.RelativeName(r.ID)
}

// follow resolves a reference field of from (a resource or a nested object) to a resource of
// the producer; a missing or dangling reference breaks the link, and nil is returned for a
// missing or deleted resource.
func (w *walk) follow(from any, field, token string) *Resource {
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
		w.broken(owner, field+" is not set", "run `pulumi up` on the producer stack")
		return nil
	}
	r := w.producer.find(token, ref)
	switch {
	case r == nil:
		w.broken(owner, fmt.Sprintf("%s refers to %s, which this stack does not hold", field, chain.RelativeName(ref)),
			"run `pulumi up` on the producer stack: the component points "+field+" at its own resource again")
	case r.Gone:
		w.broken(r, r.Name()+" ("+chain.RelativeName(r.ID)+") was deleted outside Pulumi",
			"run `pulumi up` on the producer stack: the component recreates it")
		return nil
	}
	return r
}

// noEndpoint is why a consumer link that needs the endpoint is not checked without one.
const noEndpoint = "the consumer stack holds no Private Service Connect endpoint (endpoint)"

// notOnPath is why the consumer's links are not checked on the path of an attachment none of
// its endpoints targets.
const notOnPath = "no endpoint of the consumer stack targets this region's attachment"

// noEndpointHere skips a consumer link that needs the endpoint when the walk has none, and says
// whether it did.
func (w *walk) noEndpointHere() bool {
	switch {
	case w.endpoint != nil:
		return false
	case w.elsewhere:
		w.skip(notOnPath)
	default:
		w.skip(noEndpoint)
	}
	return true
}

// liveEndpoint is the endpoint clients use, nil when there is none or it was deleted.
func (w *walk) liveEndpoint() *Resource {
	if w.endpoint == nil || w.endpoint.Gone {
		return nil
	}
	return w.endpoint
}
