package gcpsim

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strconv"
)

// Mutual TLS: Certificate Manager trust configs and the server TLS policies that point an HTTPS
// proxy at one (docs/gcp-rules.md, MTLS-*). A client's certificate is checked in the call
// (call_mtls.go).
const (
	trustConfigToken     = "gcp:certificatemanager/trustConfig:TrustConfig"
	serverTLSPolicyToken = "gcp:networksecurity/serverTlsPolicy:ServerTlsPolicy"
)

// The client validation modes of a server TLS policy (MTLS-MODE).
const (
	mtlsRejectInvalid = "REJECT_INVALID"
	mtlsAllowInvalid  = "ALLOW_INVALID_OR_MISSING_CLIENT_CERT"
	mtlsUnspecified   = "CLIENT_VALIDATION_MODE_UNSPECIFIED"
)

// maxTrustPEMBytes is the most bytes a trust config's PEM certificate may take (MTLS-TRUST-PEM).
const maxTrustPEMBytes = 5 * 1024

var _ = register(&kind{
	token:      trustConfigToken,
	collection: "trustConfigs",
	noun:       "trust_config",
	scope:      scopeLocation,
	autoName:   true,
	required:   []string{"location", "allowlistedCertificates[].pemCertificate"},
	forceNew:   []string{"name", "project", "location"},
	computed:   []string{"createTime", "updateTime", "effectiveLabels", "pulumiLabels"},
	secrets: append([]string{"trustStores[].trustAnchors[].pemCertificate", "trustStores[].intermediateCas[].pemCertificate"},
		labelSecrets...),
	apiCheck: checkTrustConfigAPI,
	apply:    func(o *op) error { o.mirrorLabels(); return nil },
})

// checkTrustConfigAPI is what the API refuses in a trust config: certificates that are not one
// parseable PEM certificate of at most 5 kB (MTLS-TRUST-PEM), labels (LABEL-FORMAT).
func checkTrustConfigAPI(in obj, f *failures) {
	checkLabels(in, f)
	check := func(field, text string) {
		if len(text) > maxTrustPEMBytes {
			f.add(field, "The PEM certificate is %d bytes; each may occupy up to 5kB.", len(text))
			return
		}
		if _, err := parseOnePEM(text); err != nil {
			f.add(field, "The PEM certificate %v.", err)
		}
	}
	for i, store := range in.objs("trustStores") {
		for _, part := range []string{"trustAnchors", "intermediateCas"} {
			for j, e := range store.objs(part) {
				if e.known("pemCertificate") {
					check(fmt.Sprintf("trustStores[%d].%s[%d].pemCertificate", i, part, j), e.str("pemCertificate"))
				}
			}
		}
	}
	for i, e := range in.objs("allowlistedCertificates") {
		if e.known("pemCertificate") {
			check(fmt.Sprintf("allowlistedCertificates[%d].pemCertificate", i), e.str("pemCertificate"))
		}
	}
}

// parseOnePEM parses the one certificate of a PEM text.
func parseOnePEM(text string) (*x509.Certificate, error) {
	block, rest := pem.Decode([]byte(text))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("is not PEM")
	}
	if more, _ := pem.Decode(rest); more != nil {
		return nil, fmt.Errorf("holds more than one certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}

var _ = register(&kind{
	token:      serverTLSPolicyToken,
	collection: "serverTlsPolicies",
	noun:       "server_tls_policy",
	scope:      scopeLocation,
	autoName:   true,
	enums:      map[string][]string{"mtlsPolicy.clientValidationMode": {mtlsUnspecified, mtlsAllowInvalid, mtlsRejectInvalid}},
	forceNew:   []string{"name", "project", "mtlsPolicy.clientValidationMode", "mtlsPolicy.clientValidationTrustConfig"},
	defaults:   map[string]any{"location": "global"},
	computed:   []string{"createTime", "updateTime", "effectiveLabels", "pulumiLabels"},
	secrets:    labelSecrets,
	apiCheck:   checkServerTLSPolicyAPI,
	apply:      applyServerTLSPolicy,
})

// checkServerTLSPolicyAPI is what the API refuses in a policy request alone (MTLS-MODE,
// LABEL-FORMAT): an unspecified mode, REJECT_INVALID without a trust config.
func checkServerTLSPolicyAPI(in obj, f *failures) {
	checkLabels(in, f)
	m := in.sub("mtlsPolicy")
	if m == nil {
		return
	}
	if m.known("clientValidationMode") && m.str("clientValidationMode") == mtlsUnspecified {
		f.add("mtlsPolicy.clientValidationMode", "CLIENT_VALIDATION_MODE_UNSPECIFIED is not allowed.")
	}
	if m.known("clientValidationMode") && m.str("clientValidationMode") == mtlsRejectInvalid && m.known("clientValidationTrustConfig") && m.str("clientValidationTrustConfig") == "" {
		f.add("mtlsPolicy.clientValidationTrustConfig", "REJECT_INVALID requires a reference to a non-empty TrustConfig in clientValidationTrustConfig.")
	}
}

// applyServerTLSPolicy resolves the policy's trust config: it exists in the policy's location
// and is held by the policy (MTLS-LOCATION, MTLS-IN-USE, MTLS-TRUST-REF).
func applyServerTLSPolicy(o *op) error {
	o.mirrorLabels()
	m := o.in.sub("mtlsPolicy")
	if m == nil || m.str("clientValidationTrustConfig") == "" {
		return nil
	}
	const field = "mtlsPolicy.clientValidationTrustConfig"
	value := m.str("clientValidationTrustConfig")
	trust, err := o.resolveTrustConfig(field, value)
	if err != nil {
		return err
	}
	if trust.Region != o.rec.Region {
		return errInvalidField(field, value, fmt.Sprintf("The trust config is in location '%s'; a server TLS policy in '%s' needs one of its own location.", trust.Region, o.rec.Region))
	}
	o.use(trust)
	return nil
}

// resolveTrustConfig finds a trust config given as projects/P/locations/L/trustConfigs/N, where P
// is the project's ID or number (MTLS-TRUST-REF).
func (o *op) resolveTrustConfig(field, value string) (*Record, error) {
	r, ok := parseRef(value, ref{Project: o.rec.Project, Region: o.rec.Region, Collection: "trustConfigs"})
	if !ok || r.Collection != "trustConfigs" {
		return nil, errInvalidField(field, value, "The value must be projects/PROJECT/locations/LOCATION/trustConfigs/NAME.")
	}
	if n, err := strconv.ParseInt(r.Project, 10, 64); err == nil && n == ProjectNumber(o.rec.Project) {
		r.Project = o.rec.Project
	}
	return o.t.lookup(r)
}

// allowOpen reports whether a policy accepts plaintext (MTLS-ALLOW-OPEN).
func allowOpen(p obj) bool {
	v, _ := p.boolean("allowOpen")
	return v
}

// useServerTLSPolicy resolves an HTTPS proxy's serverTlsPolicy: a policy of the proxy's region
// (global for a global proxy, MTLS-LOCATION) held by the proxy (MTLS-IN-USE), with a client
// validation mode and no Traffic Director fields (MTLS-MODE, MTLS-ALLOW-OPEN).
func (o *op) useServerTLSPolicy() error {
	const field = "serverTlsPolicy"
	if !o.in.known(field) || o.in.str(field) == "" {
		return nil
	}
	value := o.in.str(field)
	want := firstNonEmpty(o.rec.Region, "global")
	r, ok := parseRef(value, ref{Project: o.rec.Project, Region: want, Collection: "serverTlsPolicies"})
	if !ok || r.Collection != "serverTlsPolicies" {
		return errInvalidField(field, value, "The URL is malformed or does not reference a serverTlsPolicies.")
	}
	if r.Region != want {
		return errInvalidField(field, value, fmt.Sprintf("The server TLS policy is in location '%s'; this target HTTPS proxy takes one in '%s'.", r.Region, want))
	}
	policy, err := o.t.lookup(r)
	if err != nil {
		return err
	}
	p := policy.out()
	m := p.sub("mtlsPolicy")
	switch {
	case allowOpen(p):
		return errInvalidField(field, value, "A server TLS policy with allowOpen is for Traffic Director; an Application Load Balancer's must not allow plaintext.")
	case p.sub("serverCertificate") != nil || (m != nil && len(m.list("clientValidationCa")) > 0):
		return errInvalidField(field, value, "serverCertificate and mtlsPolicy.clientValidationCa are for Traffic Director; an Application Load Balancer's policy must leave them empty.")
	case m == nil || m.str("clientValidationMode") == "":
		return errInvalidField(field, value, "An Application Load Balancer's server TLS policy needs mtlsPolicy.clientValidationMode.")
	}
	o.use(policy)
	return nil
}
