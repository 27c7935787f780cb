package doctor

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

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// Request is one call doctor follows (Ask): a client in the consumer's VPC, as gcloud places a
// VM (project, network, region, subnet, address, network tags, service account), calling a URL
// as a principal with or without an ID token, trusting a CA bundle as curl's --cacert does.
type Request struct {
	// URL is what the client calls: http:// or https://, a DNS name or an IPv4 address.
	URL string `json:"url"`
	// Project is the client's project; Network its VPC (a name in Project, a path or a self link;
	// empty: "default", as gcloud creates VMs there); Region its region; Subnet its subnet (empty:
	// the subnet of SourceIP, else the first of Network in Region); SourceIP its address (empty:
	// the first address Google hands out in the subnet).
	Project  string `json:"project"`
	Network  string `json:"network,omitempty"`
	Region   string `json:"region"`
	Subnet   string `json:"subnet,omitempty"`
	SourceIP string `json:"sourceIp,omitempty"`
	// Tags and ServiceAccount are the client VM's network tags and service account email: the
	// targets egress firewall rules match (FW-EGRESS-EVAL).
	Tags           []string `json:"tags,omitempty"`
	ServiceAccount string   `json:"serviceAccount,omitempty"`
	// Identity is the calling principal, serviceAccount:EMAIL or user:EMAIL (empty: no identity,
	// no token); Impersonated says it was given as --impersonate-service-account EMAIL.
	Identity     string `json:"identity,omitempty"`
	Impersonated bool   `json:"-"`
	// NoToken sends no ID token; Audience is the token's audience (empty: the URL's origin).
	NoToken  bool   `json:"noToken,omitempty"`
	Audience string `json:"audience,omitempty"`
	// CABundle is the PEM the client trusts instead of the public CAs; Insecure skips the check
	// of the server's certificate (curl -k).
	CABundle string `json:"-"`
	Insecure bool   `json:"insecure,omitempty"`
	// ClientCert is the PEM certificate chain (the leaf first) the client presents when the
	// proxy requires mutual TLS, and ClientKey its private key, as curl's --cert and --key
	// (request_mtls.go).
	ClientCert string `json:"-"`
	ClientKey  string `json:"-"`
}

// RequestProblem is one bad value of a Request, named by the flag that sets it.
type RequestProblem struct {
	Flag    string `json:"flag"`
	Message string `json:"message"`
}

// RequestError lists every bad value of a Request at once.
type RequestError struct{ Problems []RequestProblem }

func (e *RequestError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Flag + ": " + p.Message
	}
	return "invalid request: " + strings.Join(lines, "; ")
}

var (
	// An ID token is signed for a service account (its email at gserviceaccount.com) or a user;
	// a group or a domain calls through its members (IAM-MEMBER).
	saEmail   = regexp.MustCompile(`^[a-z0-9][-a-z0-9_.]*@[a-z0-9][-a-z0-9.]*\.gserviceaccount\.com$`)
	userEmail = regexp.MustCompile(`^[^@\s:]+@[^@\s:]+\.[^@\s:]+$`)
	netTag    = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
	hostLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
)

// Validate returns every bad value of the request (a *RequestError naming each flag), or nil.
// Whether the client's network, subnet and address exist is the call's first link (client).
func (r Request) Validate() error {
	var ps []RequestProblem
	bad := func(flag, format string, args ...any) {
		ps = append(ps, RequestProblem{Flag: flag, Message: fmt.Sprintf(format, args...)})
	}
	if _, err := parseTarget(r.URL); err != nil {
		bad("--request", "%v", err)
	}
	if r.Project == "" {
		bad("--project", "the client's project is required")
	}
	switch {
	case r.Region == "":
		bad("--region", "the client's region is required")
	case !chain.IsRegion(r.Region):
		bad("--region", "%q is not a Google Cloud region (for example europe-west1; https://cloud.google.com/compute/docs/regions-zones)", r.Region)
	}
	if r.SourceIP != "" {
		if ip, err := netip.ParseAddr(r.SourceIP); err != nil || !ip.Is4() {
			bad("--source-ip", "%q is not an IPv4 address", r.SourceIP)
		}
	}
	for _, t := range r.Tags {
		if !netTag.MatchString(t) {
			bad("--tags", "%q is not a network tag (lowercase letters, digits and hyphens, starting with a letter, at most 63 characters)", t)
		}
	}
	if r.ServiceAccount != "" && !saEmail.MatchString(r.ServiceAccount) {
		bad("--service-account", "%q is not a service account email (NAME@PROJECT.iam.gserviceaccount.com)", r.ServiceAccount)
	}
	identityFlag := "--identity"
	if r.Impersonated {
		identityFlag = "--impersonate-service-account"
	}
	if r.Identity != "" {
		if why := notPrincipal(r.Identity); why != "" {
			bad(identityFlag, "%s", why)
		}
	}
	switch {
	case r.Audience != "" && r.Identity == "":
		bad("--audience", "an audience needs an identity to sign the ID token (--identity or --impersonate-service-account)")
	case r.Audience != "" && r.NoToken:
		bad("--audience", "an audience and --no-token contradict each other")
	}
	if r.CABundle != "" {
		if _, err := pemCertificates(r.CABundle); err != nil {
			bad("--cacert", "%v", err)
		}
	}
	ps = append(ps, r.clientCertProblems()...) // request_mtls.go
	if len(ps) > 0 {
		return &RequestError{Problems: ps}
	}
	return nil
}

// notPrincipal says why p is not a principal that signs ID tokens, or "".
func notPrincipal(p string) string {
	kind, email, ok := strings.Cut(p, ":")
	switch {
	case !ok:
		return fmt.Sprintf("%q is not a principal: write serviceAccount:NAME@PROJECT.iam.gserviceaccount.com or user:NAME@DOMAIN", p)
	case kind == "serviceAccount":
		if !saEmail.MatchString(email) {
			return fmt.Sprintf("%q is not a service account email (NAME@PROJECT.iam.gserviceaccount.com)", email)
		}
	case kind == "user":
		if !userEmail.MatchString(email) {
			return fmt.Sprintf("%q is not a user's email", email)
		}
	default:
		return fmt.Sprintf("%q: only a serviceAccount: or user: principal signs an ID token (a group or a domain calls through its members)", p)
	}
	return ""
}

// target is a Request's URL, parsed.
type target struct {
	https   bool
	host    string     // lowercase, without the port or a final dot
	ip      netip.Addr // set when the host is an IPv4 address: no name lookup, no SNI
	port    int
	path    string // without the query
	nonStd  bool   // the URL names a port that is not its scheme's
	display string
}

// origin is scheme://host[:port]: the audience Google's ID-token clients use by default.
func (t target) origin() string {
	scheme := map[bool]string{true: "https://", false: "http://"}[t.https]
	if t.nonStd {
		return scheme + net.JoinHostPort(t.host, strconv.Itoa(t.port))
	}
	return scheme + t.host
}

func parseTarget(raw string) (target, error) {
	if raw == "" {
		return target{}, fmt.Errorf("the URL to call is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, fmt.Errorf("%q is not a URL: %v", raw, err)
	}
	t := target{display: raw, host: strings.TrimSuffix(strings.ToLower(u.Hostname()), "."), path: u.EscapedPath()}
	switch u.Scheme {
	case "https":
		t.https, t.port = true, 443
	case "http":
		t.port = 80
	default:
		return target{}, fmt.Errorf("%q is not an HTTP(S) URL: write http://HOST/PATH or https://HOST/PATH", raw)
	}
	if u.User != nil {
		return target{}, fmt.Errorf("%q carries credentials: give the caller with --identity instead", raw)
	}
	if t.host == "" {
		return target{}, fmt.Errorf("%q names no host", raw)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return target{}, fmt.Errorf("%q: port %q is not a TCP port", raw, p)
		}
		t.nonStd, t.port = n != t.port, n
	}
	if ip, err := netip.ParseAddr(t.host); err == nil {
		if !ip.Is4() {
			return target{}, fmt.Errorf("%q: Private Service Connect endpoints for services have IPv4 addresses", raw)
		}
		t.ip = ip
	} else {
		for _, label := range strings.Split(t.host, ".") {
			if !hostLabel.MatchString(label) {
				return target{}, fmt.Errorf("%q: %q is not a DNS name", raw, t.host)
			}
		}
	}
	if t.path == "" {
		t.path = "/"
	}
	return t, nil
}

// pemCertificates parses every CERTIFICATE block of a PEM text.
func pemCertificates(text string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := []byte(text)
	for {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d of the bundle does not parse: %v", len(out)+1, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the bundle holds no PEM certificate")
	}
	return out, nil
}
