package gcpsim

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// The network errors a client can see instead of an HTTP status (CallResult.Error).
const (
	ErrInvalidClient   = "invalid-client"   // the client is not where the request says (LinkClient): nothing is sent
	ErrNXDomain        = "nxdomain"         // the name does not resolve in the client's VPC
	ErrTimeout         = "timeout"          // the connection is never answered: the packets are dropped
	ErrConnectionReset = "connection-reset" // the server closes the connection (plain HTTP to a TLS listener)
	ErrTLS             = "tls-failure"      // the TLS handshake fails, or the client does not accept the certificate
)

// CallResult is where a client's call ends: the HTTP status it gets (Status, 200 when a Cloud
// Run service answers) or the network error instead (Error), the links it crossed (Hops), and,
// when it did not reach a service, the first link that refused it (Link), the rule that says so
// (Rule, an ID of docs/gcp-rules.md) and why (Reason).
type CallResult struct {
	Status int    `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
	Link   string `json:"link,omitempty"`
	Rule   string `json:"rule,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Hops are the links the call reached, in order; when it was refused, the last is Link.
	Hops []Hop `json:"hops"`
	// Source is the client's address, Destination the address the URL's host resolved to, and
	// NATSource the address the producer sees the call from (PSC-NAT-SOURCE), which Cloud Armor
	// evaluates; each empty until the call gets that far.
	Source      string `json:"source,omitempty"`
	Destination string `json:"destination,omitempty"`
	NATSource   string `json:"natSource,omitempty"`
	// CloudRun is the ID of the Cloud Run service the URL map routed the call to, once reached.
	CloudRun string `json:"cloudRun,omitempty"`
	// ServedRegion is the region of that Cloud Run service: with a cross-region load balancer,
	// the Envoy's own region, or the region it failed over to (XLB-FAILOVER).
	ServedRegion string `json:"servedRegion,omitempty"`
}

// OK reports whether a Cloud Run service answered the call.
func (r CallResult) OK() bool { return r.Status == 200 && r.Link == "" }

// Hop is one link a call reached: the resource it resolved to (an ID, or a name for what has no
// resource, such as an implied firewall rule) and what was found there.
type Hop struct {
	Link     string `json:"link"`
	Resource string `json:"resource,omitempty"`
	Detail   string `json:"detail,omitempty"`
}

// refusal is the first link that stops a call: a network error or an HTTP status.
type refusal struct {
	link, rule, err string
	status          int
	reason          string
}

func refuse(link, rule, errKind string, format string, args ...any) *refusal {
	return &refusal{link: link, rule: rule, err: errKind, reason: fmt.Sprintf(format, args...)}
}

func answer(link, rule string, status int, format string, args ...any) *refusal {
	return &refusal{link: link, rule: rule, status: status, reason: fmt.Sprintf(format, args...)}
}

// call is one ClientRequest followed through a state at one instant.
type call struct {
	st  *State
	now time.Time
	req ClientRequest
	url callURL
	res *CallResult

	network, subnet *Record
	source, dest    netip.Addr
	endpoint, att   *Record
	nat             netip.Addr
	rule, proxy     *Record
	backend         *Record
}

// callSteps are the links of a call in the order it crosses them (call_*.go); each records its
// hop and returns the refusal that ends the call, or nil to go on. Steps that do not apply to a
// call (DNS for an address, the certificate for plain HTTP) record nothing.
var callSteps = []func(*call) (*refusal, error){
	(*call).client,            // call_client.go
	(*call).resolve,           // call_dns.go
	(*call).firewall,          // call_firewall.go
	(*call).endpointIP,        // call_psc.go
	(*call).pscEndpoint,       // call_psc.go
	(*call).attachment,        // call_psc.go
	(*call).natSubnet,         // call_psc.go
	(*call).lbRule,            // call_lb.go
	(*call).targetProxy,       // call_lb.go
	(*call).certificate,       // call_tls.go
	(*call).clientCertificate, // call_mtls.go
	(*call).urlMap,            // call_lb.go
	(*call).armor,             // call_armor.go
	(*call).serverless,        // call_lb.go
	(*call).cloudRun,          // call_cloudrun.go
}

// Call follows a client's request (ClientRequest, validated first) through the state at time
// now, link by link as Google Cloud would decide it, and returns what the client sees. It fails
// only for an invalid request or for a state the simulator cannot evaluate (a Cloud Armor
// expression or a DNS zone kind it does not emulate); every refusal is a CallResult.
func (st *State) Call(req ClientRequest, now time.Time) (CallResult, error) {
	if err := req.Validate(); err != nil {
		return CallResult{}, err
	}
	u, _ := parseCallURL(req.URL)
	c := &call{st: st, now: now, req: req, url: u, res: &CallResult{Hops: []Hop{}}}
	for _, step := range callSteps {
		r, err := step(c)
		if err != nil {
			return CallResult{}, err
		}
		if r != nil {
			if n := len(c.res.Hops); n == 0 || c.res.Hops[n-1].Link != r.link {
				c.res.Hops = append(c.res.Hops, Hop{Link: r.link, Detail: r.reason})
			}
			c.res.Status, c.res.Error, c.res.Link, c.res.Rule, c.res.Reason = r.status, r.err, r.link, r.rule, r.reason
			return *c.res, nil
		}
	}
	c.res.Status = 200
	return *c.res, nil
}

// hop records that the call reached link at resource.
func (c *call) hop(link string, r *Record, format string, args ...any) {
	id := ""
	if r != nil {
		id = r.ID
	}
	c.hopAt(link, id, format, args...)
}

func (c *call) hopAt(link, resource, format string, args ...any) {
	c.res.Hops = append(c.res.Hops, Hop{Link: link, Resource: resource, Detail: fmt.Sprintf(format, args...)})
}

// lookup resolves a reference held by from (a self link, a path or a name in from's project and
// region) to a resource of collection, or nil.
func (c *call) lookup(from *Record, value, collection string) *Record {
	if value == "" {
		return nil
	}
	r, ok := parseRef(value, ref{Project: from.Project, Region: from.Region, Collection: collection})
	if !ok || r.Collection != collection {
		return nil
	}
	return c.st.lookup(r.path())
}

// regularSubnets are the client-capable subnets of a network in region, by ID.
func (st *State) regularSubnets(networkID, region string) []*Record {
	var out []*Record
	for _, s := range (&tx{st: st}).subnetsOf(networkID) {
		if s.Region == region && isRegularPurpose(subnetPurpose(s)) {
			out = append(out, s)
		}
	}
	return out
}

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}
