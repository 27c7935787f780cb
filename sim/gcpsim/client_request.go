package gcpsim

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// ClientRequest is one HTTP(S) call from a client in a VPC, as State.Call (call.go) follows it:
// who calls (the client's project, network, region and address, its VM's network tags and
// service account for the firewall), as whom (a principal and the ID token it sends), what
// (the URL) and what it trusts (a CA bundle, as curl's --cacert, or nothing checked, as -k).
type ClientRequest struct {
	// Project is the client's project: bare network and subnet names resolve in it.
	Project string `json:"project"`
	// Network is the client's VPC: a name (in Project), projects/P/global/networks/N or a self
	// link. Empty: "default", as gcloud creates VMs there.
	Network string `json:"network,omitempty"`
	// Region is the client's region, where its subnet is.
	Region string `json:"region"`
	// Subnet is the client's subnet (a name in Project and Region, a path or a self link); empty:
	// the subnet of SourceIP, or else the first subnet (by ID) of Network in Region.
	Subnet string `json:"subnet,omitempty"`
	// SourceIP is the client's address; empty: the first usable address of its subnet.
	SourceIP string `json:"sourceIp,omitempty"`
	// Tags are the network tags of the client's VM and ServiceAccount its service account's
	// email: the targets firewall rules match (FW-EGRESS-EVAL).
	Tags           []string `json:"tags,omitempty"`
	ServiceAccount string   `json:"serviceAccount,omitempty"`
	// Identity is the calling principal, "serviceAccount:EMAIL" or "user:EMAIL"; empty: the
	// call carries no identity and no token.
	Identity string `json:"identity,omitempty"`
	// NoToken sends no ID token even though Identity is set.
	NoToken bool `json:"noToken,omitempty"`
	// Audience is the ID token's audience; empty: the URL's origin (scheme://host[:port]), as
	// Google's ID-token clients are usually given the URL they call.
	Audience string `json:"audience,omitempty"`
	// URL is what the client calls: http:// or https://, a DNS name or an IPv4 address.
	URL string `json:"url"`
	// CABundle is the PEM of the certificates the client trusts, replacing its default trust
	// as curl's --cacert does; empty: the default trust, which in the simulator holds only the
	// public CAs of Google-managed certificates (TLS-VERIFY).
	CABundle string `json:"caBundle,omitempty"`
	// Insecure skips the verification of the server's certificate, as curl's -k.
	Insecure bool `json:"insecure,omitempty"`
	// ClientCert is the PEM certificate chain (the leaf first) the client presents when the
	// server asks for one (mutual TLS, MTLS-VERIFY), as curl's --cert; ClientKey its PEM private
	// key, as curl's --key: the client proves it holds the key.
	ClientCert string `json:"clientCert,omitempty"`
	ClientKey  string `json:"clientKey,omitempty"`
}

// RequestProblem is one invalid field of a ClientRequest, named by its JSON name.
type RequestProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// InvalidRequestError lists every invalid field of a ClientRequest.
type InvalidRequestError struct{ Problems []RequestProblem }

func (e *InvalidRequestError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Message
	}
	return "invalid client request: " + strings.Join(parts, "; ")
}

var (
	// A principal that can hold an ID token is a service account (its email at
	// gserviceaccount.com) or a user (IAM-MEMBER's forms; groups and domains sign no tokens).
	serviceAccountEmail = regexp.MustCompile(`^[a-z0-9][-a-z0-9_.]*@[a-z0-9][-a-z0-9.]*\.gserviceaccount\.com$`)
	userEmail           = regexp.MustCompile(`^[^@\s:]+@[^@\s:]+\.[^@\s:]+$`)
	dnsName             = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
)

// Validate returns every problem of the request at once (an *InvalidRequestError), or nil. It
// checks the form of each field; whether the client's network, subnet and address exist is the
// call's first link (LinkClient).
func (r ClientRequest) Validate() error {
	var ps []RequestProblem
	add := func(field, format string, args ...any) {
		ps = append(ps, RequestProblem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if r.Project == "" {
		add("project", "the client's project is required")
	}
	switch {
	case r.Region == "":
		add("region", "the client's region is required")
	case !IsRegion(r.Region):
		add("region", "%q is not a Google Cloud region (for example europe-west1; https://cloud.google.com/compute/docs/regions-zones)", r.Region)
	}
	if r.SourceIP != "" {
		if ip, err := netip.ParseAddr(r.SourceIP); err != nil || !ip.Is4() {
			add("sourceIp", "%q is not an IPv4 address", r.SourceIP)
		}
	}
	for i, tag := range r.Tags {
		if !computeName.MatchString(tag) {
			add(fmt.Sprintf("tags[%d]", i), "%q is not a network tag (lowercase letters, digits and hyphens, starting with a letter, at most 63 characters)", tag)
		}
	}
	if r.ServiceAccount != "" && !serviceAccountEmail.MatchString(r.ServiceAccount) {
		add("serviceAccount", "%q is not a service account email (NAME@PROJECT.iam.gserviceaccount.com)", r.ServiceAccount)
	}
	if r.Identity != "" {
		if err := checkPrincipal(r.Identity); err != "" {
			add("identity", "%s", err)
		}
	}
	switch {
	case r.Audience != "" && r.Identity == "":
		add("audience", "an audience needs an identity to sign the ID token")
	case r.Audience != "" && r.NoToken:
		add("audience", "an audience and no token contradict each other")
	}
	if _, err := parseCallURL(r.URL); err != nil {
		add("url", "%v", err)
	}
	if r.CABundle != "" {
		if _, err := parsePEMCertificates(r.CABundle); err != nil {
			add("caBundle", "%v", err)
		}
	}
	for _, p := range r.clientCertProblems() { // client_request_mtls.go
		add(p.Field, "%s", p.Message)
	}
	if len(ps) > 0 {
		return &InvalidRequestError{Problems: ps}
	}
	return nil
}

// checkPrincipal returns why p is not a principal that signs ID tokens, or "".
func checkPrincipal(p string) string {
	kind, email, ok := strings.Cut(p, ":")
	switch {
	case !ok:
		return fmt.Sprintf("%q is not a principal: write serviceAccount:NAME@PROJECT.iam.gserviceaccount.com or user:NAME@DOMAIN", p)
	case kind == "serviceAccount" && !serviceAccountEmail.MatchString(email):
		return fmt.Sprintf("%q is not a service account email (NAME@PROJECT.iam.gserviceaccount.com)", email)
	case kind == "user" && !userEmail.MatchString(email):
		return fmt.Sprintf("%q is not a user's email", email)
	case kind != "serviceAccount" && kind != "user":
		return fmt.Sprintf("%q: only a serviceAccount: or user: principal signs an ID token (a group or domain calls through its members)", p)
	}
	return ""
}

// callURL is a parsed ClientRequest URL.
type callURL struct {
	https bool
	host  string     // lowercased, without the port
	ip    netip.Addr // valid when host is an IPv4 literal (no DNS lookup)
	port  int        // explicit, or 443 / 80 by scheme
	path  string     // the path and query, "/" at least
	// explicitPort is set when the URL names a port that is not its scheme's default.
	explicitPort bool
}

// origin is scheme://host[:port], the default ID-token audience.
func (u callURL) origin() string {
	s := "http://"
	if u.https {
		s = "https://"
	}
	if u.explicitPort {
		return s + net.JoinHostPort(u.host, strconv.Itoa(u.port))
	}
	return s + u.host
}

// parseCallURL accepts an http:// or https:// URL whose host is a DNS name or an IPv4 address.
func parseCallURL(raw string) (callURL, error) {
	if raw == "" {
		return callURL{}, fmt.Errorf("the URL to call is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return callURL{}, fmt.Errorf("%q is not a URL: %v", raw, err)
	}
	out := callURL{host: strings.ToLower(u.Hostname()), path: u.EscapedPath()}
	switch u.Scheme {
	case "https":
		out.https, out.port = true, 443
	case "http":
		out.port = 80
	default:
		return callURL{}, fmt.Errorf("%q is not an HTTP(S) URL: the scheme must be http or https", raw)
	}
	if u.User != nil {
		return callURL{}, fmt.Errorf("%q carries credentials: pass the identity instead", raw)
	}
	if out.host == "" {
		return callURL{}, fmt.Errorf("%q names no host", raw)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return callURL{}, fmt.Errorf("%q has an invalid port %q", raw, p)
		}
		out.explicitPort = n != out.port
		out.port = n
	}
	if ip, err := netip.ParseAddr(out.host); err == nil {
		if !ip.Is4() {
			return callURL{}, fmt.Errorf("%q: only IPv4 addresses are emulated", raw)
		}
		out.ip = ip
	} else if !dnsName.MatchString(strings.TrimSuffix(out.host, ".")) {
		return callURL{}, fmt.Errorf("%q: %q is not a DNS name", raw, out.host)
	}
	out.host = strings.TrimSuffix(out.host, ".")
	if out.path == "" {
		out.path = "/"
	}
	if u.RawQuery != "" {
		out.path += "?" + u.RawQuery
	}
	return out, nil
}

// parsePEMCertificates parses every CERTIFICATE block of a PEM text, in order.
func parsePEMCertificates(text string) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := []byte(text)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d does not parse: %v", len(certs)+1, err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("holds no PEM certificate")
	}
	return certs, nil
}
