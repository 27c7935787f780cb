package gcpsim

import (
	"crypto/x509"
	"fmt"
	"slices"
	"time"
)

// clientCertificate: over HTTPS, a proxy with a server TLS policy asks the client for its
// certificate in the same handshake (MTLS-VERIFY). With REJECT_INVALID a client without one, or
// with one that is not a valid client certificate chaining to the trust config's anchors, fails
// the handshake; with ALLOW_INVALID_OR_MISSING_CLIENT_CERT the call goes on to the URL map either
// way (MTLS-MODE). The client's key was checked against its certificate when the request was
// validated: the proof of possession every mode requires.
func (c *call) clientCertificate() (*refusal, error) {
	if !c.url.https {
		return nil, nil
	}
	ref := c.proxy.out().str("serverTlsPolicy")
	if ref == "" {
		return nil, nil
	}
	policy := c.lookup(c.proxy, ref, "serverTlsPolicies")
	if policy == nil {
		return refuse(LinkCertificate, "MTLS-VERIFY", ErrTLS, "the HTTPS proxy's server TLS policy %s does not exist", ref), nil
	}
	m := policy.out().sub("mtlsPolicy")
	mode := m.str("clientValidationMode")
	trust := c.lookup(policy, m.str("clientValidationTrustConfig"), "trustConfigs")
	if trust == nil && mode == mtlsRejectInvalid {
		return refuse(LinkCertificate, "MTLS-VERIFY", ErrTLS, "server TLS policy %s validates clients against trust config %q, which does not exist",
			policy.ID, m.str("clientValidationTrustConfig")), nil
	}
	why := "the client sent no certificate"
	if c.req.ClientCert != "" {
		why = ""
		if err := verifyClientCert(c.req.ClientCert, trust, c.now); err != nil {
			why = "its certificate " + err.Error()
		}
	}
	switch {
	case why == "":
		c.hopAt(LinkCertificate, policy.ID, "asks for a client certificate (%s); the client's chains to trust config %s", mode, trust.ID)
	case mode == mtlsRejectInvalid:
		return refuse(LinkCertificate, "MTLS-VERIFY", ErrTLS, "server TLS policy %s requires a valid client certificate (REJECT_INVALID) and %s: the TLS handshake fails",
			policy.ID, why), nil
	default:
		c.hopAt(LinkCertificate, policy.ID, "asks for a client certificate (%s): %s, and the load balancer passes the request on anyway", mode, why)
	}
	return nil, nil
}

// verifyClientCert is the load balancer's check of a client's certificate chain (PEM, the leaf
// first) against a trust config: a client certificate (not a CA, extended key usage clientAuth,
// MTLS-CERT-REQ), valid now, chaining through the trust config's intermediates and the client's
// own to one of its trust anchors.
func verifyClientCert(chainPEM string, trust *Record, now time.Time) error {
	chain, _ := parsePEMCertificates(chainPEM) // Validate parsed it
	leaf := chain[0]
	switch {
	case leaf.IsCA:
		return fmt.Errorf("is a CA certificate, not a client's")
	case len(leaf.ExtKeyUsage) > 0 && !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageClientAuth) && !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageAny):
		return fmt.Errorf("lacks the clientAuth extended key usage")
	case now.After(leaf.NotAfter):
		return fmt.Errorf("expired at %s", leaf.NotAfter.UTC().Format(time.RFC3339))
	case now.Before(leaf.NotBefore):
		return fmt.Errorf("is not valid before %s", leaf.NotBefore.UTC().Format(time.RFC3339))
	case trust == nil:
		return fmt.Errorf("cannot be validated: the policy has no trust config")
	}
	roots, intermediates := x509.NewCertPool(), x509.NewCertPool()
	for _, store := range trust.out().objs("trustStores") {
		for _, a := range store.objs("trustAnchors") {
			if cert, err := parseOnePEM(a.str("pemCertificate")); err == nil {
				roots.AddCert(cert)
			}
		}
		for _, i := range store.objs("intermediateCas") {
			if cert, err := parseOnePEM(i.str("pemCertificate")); err == nil {
				intermediates.AddCert(cert)
			}
		}
	}
	for _, i := range chain[1:] {
		intermediates.AddCert(i)
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	if err != nil {
		return fmt.Errorf("does not chain to a trust anchor of trust config %s: %v", trust.ID, err)
	}
	return nil
}
