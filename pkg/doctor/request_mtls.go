package doctor

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// The client validation modes of a server TLS policy (MTLS-MODE, docs/gcp-rules.md).
const (
	mtlsRejectInvalid = "REJECT_INVALID"
	mtlsAllowInvalid  = "ALLOW_INVALID_OR_MISSING_CLIENT_CERT"
)

// clientCertProblems are the bad values of the client certificate and key (--cert, --key): both
// or neither, the certificate PEM, and the key its own, the proof of possession the load balancer
// checks in every mode (MTLS-MODE).
func (r Request) clientCertProblems() []RequestProblem {
	switch {
	case r.ClientCert == "" && r.ClientKey == "":
		return nil
	case r.ClientCert == "":
		return []RequestProblem{{Flag: "--cert", Message: "a client key (--key) needs its certificate"}}
	case r.ClientKey == "":
		return []RequestProblem{{Flag: "--key", Message: "a client certificate (--cert) needs its private key"}}
	}
	if _, err := pemCertificates(r.ClientCert); err != nil {
		return []RequestProblem{{Flag: "--cert", Message: err.Error()}}
	}
	if _, err := tls.X509KeyPair([]byte(r.ClientCert), []byte(r.ClientKey)); err != nil {
		return []RequestProblem{{Flag: "--key", Message: "is not the PEM private key of the --cert certificate"}}
	}
	return nil
}

// clientCertificate: over HTTPS, a proxy with a server TLS policy asks for the client's
// certificate in the handshake (MTLS-VERIFY): with REJECT_INVALID a client without one, or with one
// that is not a client certificate chaining to the trust config's anchors, fails the handshake;
// with ALLOW_INVALID_OR_MISSING_CLIENT_CERT the call goes on either way.
func (a *asked) clientCertificate() *refusal {
	if !a.url.https {
		return nil
	}
	ref := str(a.proxy.Outputs, "serverTlsPolicy")
	if ref == "" {
		return nil
	}
	policy := live(a.producer, chain.ServerTlsPolicyType, ref)
	if policy == nil {
		return dropped(chain.LinkCertificate, "MTLS-VERIFY", ErrTLS, "run `pulumi up` in the producer stack to recreate it",
			"the HTTPS proxy's server TLS policy %s is not in the producer stack", chain.RelativeName(ref))
	}
	m := sub(policy.Outputs, "mtlsPolicy")
	mode := str(m, "clientValidationMode")
	trustRef := str(m, "clientValidationTrustConfig")
	trust := live(a.producer, chain.TrustConfigType, trustRef)
	if trust == nil && mode == mtlsRejectInvalid {
		return dropped(chain.LinkCertificate, "MTLS-VERIFY", ErrTLS, "run `pulumi up` in the producer stack to recreate it",
			"server TLS policy %s validates clients against trust config %s, which is not in the producer stack", id(policy), chain.RelativeName(trustRef))
	}
	why := "the client sent no certificate"
	if a.req.ClientCert != "" {
		anchors, known := a.trustAnchors(trust)
		if !known {
			a.hop(chain.LinkCertificate, policy.ID, "asks for a client certificate (%s)", mode)
			a.assume(chain.LinkCertificate, "`curl --cert CERT --key KEY` from a client",
				"the client's certificate chains to trust config %s, whose anchors the producer stack keeps secret and no component output gives", id(trust))
			return nil
		}
		why = ""
		if err := verifyClient(a.req.ClientCert, anchors, a.now); err != nil {
			why = "its certificate " + err.Error()
		}
	}
	switch {
	case why == "":
		a.hop(chain.LinkCertificate, policy.ID, "asks for a client certificate (%s); the client's chains to trust config %s", mode, id(trust))
	case mode == mtlsRejectInvalid:
		return dropped(chain.LinkCertificate, "MTLS-VERIFY", ErrTLS,
			"give the client a certificate (curl --cert/--key, doctor --cert/--key) issued by a CA of the producer's tls.clientAuth.trustAnchorsPem, with the clientAuth extended key usage, valid now",
			"server TLS policy %s requires a valid client certificate (REJECT_INVALID) and %s: the TLS handshake fails", id(policy), why)
	default:
		a.hop(chain.LinkCertificate, policy.ID, "asks for a client certificate (%s): %s, and the load balancer passes the request on anyway", mode, why)
	}
	return nil
}

// trustAnchors are the trust anchors and intermediates of a trust config: from its outputs when
// the stack keeps them readable, else from its ProducerService's clientTrustAnchorsPem output (the
// trust config's PEMs are secrets, MTLS-TRUST-PEM). known is false when neither gives them.
func (a *asked) trustAnchors(trust *Resource) (anchors trustPEMs, known bool) {
	for _, store := range objs(trust.Outputs, "trustStores") {
		for _, t := range objs(store, "trustAnchors") {
			anchors.roots = append(anchors.roots, str(t, "pemCertificate"))
		}
		for _, i := range objs(store, "intermediateCas") {
			anchors.intermediates = append(anchors.intermediates, str(i, "pemCertificate"))
		}
	}
	if len(anchors.roots) > 0 && !slices.ContainsFunc(anchors.roots, func(s string) bool { return !strings.Contains(s, "-----BEGIN") }) {
		return anchors, true
	}
	for _, c := range a.producer.ofType(chain.ProducerServiceType) {
		if strings.HasPrefix(trust.Name(), c.Name()+"-") {
			if roots := strs(c.Outputs, "clientTrustAnchorsPem"); len(roots) > 0 {
				return trustPEMs{roots: roots}, true
			}
		}
	}
	return trustPEMs{}, false
}

// trustPEMs are a trust store's PEM certificates.
type trustPEMs struct{ roots, intermediates []string }

// verifyClient is the load balancer's check of a client's certificate chain (PEM, the leaf
// first): a client certificate (not a CA, extended key usage clientAuth, MTLS-CERT-REQ), valid
// now, chaining through the store's intermediates and the client's own to one of its roots.
func verifyClient(chainPEM string, store trustPEMs, now time.Time) error {
	certs, _ := pemCertificates(chainPEM) // Validate parsed it
	leaf := certs[0]
	switch {
	case leaf.IsCA:
		return fmt.Errorf("is a CA certificate, not a client's")
	case len(leaf.ExtKeyUsage) > 0 && !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageClientAuth) && !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageAny):
		return fmt.Errorf("lacks the clientAuth extended key usage")
	case now.After(leaf.NotAfter):
		return fmt.Errorf("expired at %s", leaf.NotAfter.UTC().Format(time.RFC3339))
	case now.Before(leaf.NotBefore):
		return fmt.Errorf("is not valid before %s", leaf.NotBefore.UTC().Format(time.RFC3339))
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	for _, p := range store.roots {
		if cs, err := pemCertificates(p); err == nil {
			for _, c := range cs {
				roots.AddCert(c)
			}
		}
	}
	for _, p := range store.intermediates {
		if cs, err := pemCertificates(p); err == nil {
			for _, c := range cs {
				inter.AddCert(c)
			}
		}
	}
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		return fmt.Errorf("does not chain to a trust anchor of the producer's tls.clientAuth: %v", err)
	}
	return nil
}
