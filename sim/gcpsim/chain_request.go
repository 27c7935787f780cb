package gcpsim

import (
	"errors"
	"fmt"
	"time"
)

// Request is one HTTP request sent to a PSC endpoint, followed through its serving chain by host
// and path (URLMAP-MATCH, docs/gcp-rules.md): the connectivity emulation's answer to "which
// Cloud Run service serves https://HOST/PATH through this endpoint?".
type Request struct {
	Host string `json:"host"`
	Path string `json:"path"`
}

// RequestResult is where a Request ends: a Cloud Run service, a status the load balancer answers
// itself (404 from a route action that aborts every request, a redirect), or a broken link.
type RequestResult struct {
	Endpoint string `json:"endpoint"`
	Request
	// Status is the load balancer's own answer (0 when a backend serves the request).
	Status         int      `json:"status,omitempty"`
	BackendService string   `json:"backendService,omitempty"`
	CloudRun       string   `json:"cloudRun,omitempty"` // the service's ID
	Link           string   `json:"link,omitempty"`     // the first broken link, if any
	Reason         string   `json:"reason,omitempty"`
	Path           []string `json:"chain"`
}

// SendRequest follows req from the PSC endpoint (its ID) through the chain to the backend its
// URL map matches, and from there to Cloud Run.
func (st *State) SendRequest(endpoint string, req Request, now time.Time) (RequestResult, error) {
	ep := st.lookup(endpoint)
	if ep == nil || ep.Type != forwardingRuleToken || !isPSCTarget(ep.out().str("target")) {
		return RequestResult{}, fmt.Errorf("%s is not a PSC endpoint", endpoint)
	}
	res := RequestResult{Endpoint: ep.ID, Request: req}
	c := &chainEval{st: st, now: now, req: &req}
	if err := c.endpoint(ep); err != nil {
		var b *brokenLink
		if !errors.As(err, &b) {
			b = &brokenLink{link: LinkEndpoint, reason: err.Error()}
		}
		res.Link, res.Reason = b.link, b.reason
	}
	res.Path = c.path
	res.Status = c.status
	if c.matched != nil {
		res.BackendService = c.matched.ID
	}
	if c.run != nil && res.Link == "" {
		res.CloudRun = c.run.ID
	}
	return res, nil
}

// requestURLMap follows the request to the one backend service the URL map matches, or records
// the status the URL map answers itself.
func (c *chainEval) requestURLMap(um *Record) error {
	m := matchRequest(um.out(), c.req.Host, c.req.Path)
	if m.status != 0 {
		c.status = m.status
		return nil
	}
	if m.service == "" {
		return broken(LinkBackend, "URL map %s routes %s%s to no backend service", um.ID, c.req.Host, c.req.Path)
	}
	bs, err := c.follow(LinkBackend, um, m.field, m.service, "backendServices")
	if err != nil {
		return err
	}
	c.matched = bs
	return c.backend(bs)
}
