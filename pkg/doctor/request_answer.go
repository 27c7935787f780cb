package doctor

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// The network errors a client can get instead of an HTTP status (Answer.Error).
const (
	ErrInvalidClient   = "invalid-client"   // the client is not where the request places it: nothing is sent
	ErrNXDomain        = "nxdomain"         // the URL's name does not resolve in the client's VPC
	ErrTimeout         = "timeout"          // the packets are dropped: nothing answers
	ErrConnectionReset = "connection-reset" // plain HTTP to a TLS listener: the connection is closed
	ErrTLS             = "tls-failure"      // the handshake fails or the client refuses the certificate
)

// Answer is what doctor expects a client to get for a Request, from the two stacks' state: the
// HTTP status (Status) or the network error (Error), the links the call crosses (Hops), and,
// when it does not reach a Cloud Run service that serves it, the first link that refuses it
// (Link), the rule of docs/gcp-rules.md that says so (Rule), why (Cause) and what to do (Fix).
// Warnings name what the answer assumes and the stacks do not show.
type Answer struct {
	Producer string       `json:"producerStack"`
	Consumer string       `json:"consumerStack"`
	Request  Request      `json:"request"`
	Status   int          `json:"status,omitempty"`
	Error    string       `json:"error,omitempty"`
	Link     string       `json:"link,omitempty"`
	Rule     string       `json:"rule,omitempty"`
	Cause    string       `json:"cause,omitempty"`
	Fix      string       `json:"fix,omitempty"`
	Hops     []Hop        `json:"hops"`
	Warnings []Assumption `json:"warnings,omitempty"`
}

// Hop is one link the call reaches: the resource it resolves to and what is found there.
type Hop struct {
	Link     string `json:"link"`
	Resource string `json:"resource,omitempty"`
	Detail   string `json:"detail,omitempty"`
}

// Assumption is what doctor cannot see from the stacks at one link, and how to check it.
type Assumption struct {
	Link       string `json:"link"`
	Assumption string `json:"assumption"`
	Check      string `json:"check"`
}

// OK reports whether a Cloud Run service answers the call.
func (a *Answer) OK() bool { return a.Status == 200 && a.Link == "" }

// refusal ends a call at a link: a network error or an HTTP status, with its rule, cause and fix.
type refusal struct {
	link, rule, err string
	status          int
	cause, fix      string
}

// asked is one Request followed through the two stacks.
type asked struct {
	producer, consumer *Side
	req                Request
	url                target
	now                time.Time
	ans                *Answer

	network            string // the client's VPC, a relative name
	networkHeld        bool   // whether the consumer stack holds it
	source, dest       netip.Addr
	endpoint, att      *Resource
	nat                netip.Addr
	natRanges          []netip.Prefix
	rule, proxy        *Resource
	https              bool
	backend, service   *Resource
	policy             *Resource
	negProject, region string
}

// askSteps follow chain.Links in the order a call crosses them (request_*.go): each records its
// hop and returns the refusal that ends the call, or nil to go on. The accept list has no step of
// its own: its verdict is the endpoint's connection status (endpoint).
var askSteps = []func(*asked) *refusal{
	(*asked).client,            // request_client.go
	(*asked).resolve,           // request_dns.go
	(*asked).egress,            // request_firewall.go
	(*asked).endpointIP,        // request_psc.go
	(*asked).pscEndpoint,       // request_psc.go
	(*asked).attachment,        // request_psc.go
	(*asked).natAddress,        // request_psc.go
	(*asked).lbRule,            // request_lb.go
	(*asked).targetProxy,       // request_lb.go
	(*asked).certificate,       // request_tls.go
	(*asked).clientCertificate, // request_mtls.go
	(*asked).urlMap,            // request_lb.go
	(*asked).securityPolicy,    // request_armor.go
	(*asked).serverless,        // request_lb.go
	(*asked).cloudRun,          // request_cloudrun.go
}

// Ask follows req from the client through the consumer's and the producer's stacks at time
// now, as Google Cloud would decide it, and says what the client gets. Both stacks are needed:
// the call crosses both. It fails only for an invalid request (a *RequestError).
func Ask(producer, consumer *Side, req Request, now time.Time) (*Answer, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if producer == nil || consumer == nil {
		return nil, fmt.Errorf("a request crosses both stacks: give --producer-stack and --consumer-stack")
	}
	u, _ := parseTarget(req.URL)
	a := &asked{producer: producer, consumer: consumer, req: req, url: u, now: now,
		ans: &Answer{Producer: producer.Stack, Consumer: consumer.Stack, Request: req, Hops: []Hop{}}}
	for _, step := range askSteps {
		if r := step(a); r != nil {
			if n := len(a.ans.Hops); n == 0 || a.ans.Hops[n-1].Link != r.link {
				a.ans.Hops = append(a.ans.Hops, Hop{Link: r.link})
			}
			a.ans.Status, a.ans.Error, a.ans.Link, a.ans.Rule, a.ans.Cause, a.ans.Fix = r.status, r.err, r.link, r.rule, r.cause, r.fix
			return a.ans, nil
		}
	}
	a.ans.Status = 200
	return a.ans, nil
}

// hop records that the call reaches link at resource r (an ID, or a name such as an implied rule).
func (a *asked) hop(link, r, format string, args ...any) {
	a.ans.Hops = append(a.ans.Hops, Hop{Link: link, Resource: chain.RelativeName(r), Detail: fmt.Sprintf(format, args...)})
}

// assume records what the answer takes for granted at link.
func (a *asked) assume(link, check, format string, args ...any) {
	a.ans.Warnings = append(a.ans.Warnings, Assumption{Link: link, Assumption: fmt.Sprintf(format, args...), Check: check})
}

// dropped ends the call with a network error.
func dropped(link, rule, errKind, fix, format string, args ...any) *refusal {
	return &refusal{link: link, rule: rule, err: errKind, cause: fmt.Sprintf(format, args...), fix: fix}
}

// answered ends the call with an HTTP status that is not the service's answer.
func answered(link, rule string, status int, fix, format string, args ...any) *refusal {
	return &refusal{link: link, rule: rule, status: status, cause: fmt.Sprintf(format, args...), fix: fix}
}

// id is a resource's relative name, "" for nil.
func id(r *Resource) string {
	if r == nil {
		return ""
	}
	return chain.RelativeName(r.ID)
}

// live resolves a reference to a resource of a side that the refresh found; nil otherwise.
func live(s *Side, token, ref string) *Resource {
	if r := s.find(token, ref); r != nil && !r.Gone {
		return r
	}
	return nil
}
