package doctor

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// A certificate issued by CA Service through an issuance config (tls.private) is trusted by the
// callers that hold its CA: the consumer's ConsumerEndpoint exposes the producer stack's
// caCertificatePem as its own, which doctor compares with the CA that issues the certificate,
// an enabled CA of the issuance config's pool in the producer's stack.

// issuedByCA returns the issuance config of a Certificate Manager certificate, "" for any other.
func issuedByCA(c *Resource) string {
	managed, _ := c.Outputs["managed"].(map[string]any)
	return str(managed, "issuanceConfig")
}

// notIssuedFix is the fix for a CA Service-issued certificate that is not ACTIVE.
const notIssuedFix = "check that the issuance config's CA pool has an ENABLED certificate authority and that Certificate Manager's service agent (service-PROJECT_NUMBER" + chain.CertManagerAgentDomain + ") has " + chain.CaRequesterRole + " on the pool: with createCa, run `pulumi up` on the producer stack (the component grants it); with caPool, ask the pool's owner to grant it"

// notIssuedCause is why a CA Service-issued certificate is not ACTIVE, as far as doctor sees it
// (CM-ISSUANCE-IAM, CM-ISSUANCE-CA): the producer stack holds the issuance config's pool but no
// grant of an issuer role to Certificate Manager's service agent on it, else Google's
// provisioning issue of the certificate; "" when neither says.
func notIssuedCause(producer *Side, cert *Resource) string {
	pool := issuancePool(producer, issuedByCA(cert))
	if pool != "" && producer.find(chain.CaPoolType, pool) != nil && !requesterGranted(producer, pool) {
		return ": Certificate Manager's service agent (service-PROJECT_NUMBER" + chain.CertManagerAgentDomain +
			") holds no " + chain.CaRequesterRole + " on the CA pool " + pool + " (the producer stack has no such grant)"
	}
	managed, _ := cert.Outputs["managed"].(map[string]any)
	issues, _ := managed["provisioningIssue"].([]any)
	for _, i := range issues {
		if m, _ := i.(map[string]any); str(m, "details") != "" {
			return " (" + str(m, "details") + ")"
		}
	}
	return ""
}

// requesterGranted reports whether the producer stack grants Certificate Manager's service agent an
// issuer role on a pool.
func requesterGranted(producer *Side, pool string) bool {
	for _, m := range producer.ofType(chain.CaPoolIamMemberType) {
		if chain.RelativeName(str(m.Outputs, "caPool")) == pool && slices.Contains(chain.CaIssuerRoles, str(m.Outputs, "role")) &&
			strings.HasSuffix(strings.ToLower(str(m.Outputs, "member")), chain.CertManagerAgentDomain) {
			return true
		}
	}
	return false
}

// issuancePool is the CA pool an issuance config of the producer stack names, "" when the stack
// does not hold the config.
func issuancePool(producer *Side, issuance string) string {
	config := producer.find(chain.CertificateIssuanceConfigType, issuance)
	if config == nil {
		return ""
	}
	cac, _ := config.Outputs["certificateAuthorityConfig"].(map[string]any)
	cas, _ := cac["certificateAuthorityServiceConfig"].(map[string]any)
	return chain.RelativeName(str(cas, "caPool"))
}

// privateCertificatesTrusted checks each certificate of the proxy that CA Service issues: when the
// producer stack holds its pool's enabled CA and the consumer stack holds a CA bundle (a
// ConsumerEndpoint's caCertificatePem), the bundle must hold that CA, else callers trusting it
// refuse the handshake. It returns whether such a certificate was found (and the link said), and
// marks the link broken at the first that is not trusted.
func (w *walk) privateCertificatesTrusted() bool {
	found := false
	for _, ref := range strs(w.proxy.Outputs, "certificateManagerCertificates") {
		c := w.producer.find(chain.CertificateManagerCertificateType, ref)
		if c == nil || issuedByCA(c) == "" {
			continue
		}
		found = true
		ca := issuingCA(w.producer, issuedByCA(c))
		bundle := w.consumerBundle()
		switch {
		case ca == nil || bundle == "":
			w.ok(c, "issued by CA Service for %s (the CA the consumer trusts is not checked: %s)", strings.Join(strs(c.Outputs["managed"].(map[string]any), "domains"), ", "), w.whyUnchecked(ca))
		case !bundleHolds(bundle, strs(ca.Outputs, "pemCaCertificates")):
			w.broken(c, fmt.Sprintf("the certificate %s is issued by CA %s, which the consumer's CA bundle (its ConsumerEndpoint's caCertificatePem) does not hold: callers trusting that bundle refuse the TLS handshake", c.Name(), chain.RelativeName(ca.ID)),
				"run `pulumi up` on the consumer stack so that its ConsumerEndpoint reads the producer stack's caCertificatePem again, and give callers that bundle")
			return true
		default:
			w.ok(c, "issued by CA Service for %s, chains to the consumer's CA bundle (%s)", strings.Join(strs(c.Outputs["managed"].(map[string]any), "domains"), ", "), chain.RelativeName(ca.ID))
		}
	}
	return found
}

// whyUnchecked says which stack lacks what the trust check needs.
func (w *walk) whyUnchecked(ca *Resource) string {
	if ca == nil {
		return "the producer stack holds no enabled CA of the issuance config's pool"
	}
	return "the consumer stack holds no ConsumerEndpoint with a caCertificatePem"
}

// issuingCA is the enabled CA, in the producer's stack, of the pool an issuance config names.
func issuingCA(producer *Side, issuance string) *Resource {
	pool := issuancePool(producer, issuance)
	for _, ca := range producer.ofType(chain.CertificateAuthorityType) {
		if pool != "" && strings.HasPrefix(chain.RelativeName(ca.ID), pool+"/certificateAuthorities/") && str(ca.Outputs, "state") == "ENABLED" {
			return ca
		}
	}
	return nil
}

// consumerBundle is the first non-empty caCertificatePem of the consumer's ConsumerEndpoints.
func (w *walk) consumerBundle() string {
	for _, c := range w.consumer.ofType(chain.ConsumerEndpointType) {
		if b := str(c.Outputs, "caCertificatePem"); b != "" {
			return b
		}
	}
	return ""
}

// bundleHolds reports whether a PEM bundle holds one of the CA certificates.
func bundleHolds(bundle string, cas []string) bool {
	held, err := pemCertificates(bundle)
	if err != nil {
		return false
	}
	for _, pem := range cas {
		certs, err := pemCertificates(pem)
		if err != nil {
			continue
		}
		for _, c := range certs {
			for _, h := range held {
				if bytes.Equal(c.Raw, h.Raw) {
					return true
				}
			}
		}
	}
	return false
}

// issued is how the request emulation sees a CA Service-issued certificate: its domains, and the
// chain of its CA when the producer stack holds it (else a certificate doctor cannot check, as
// one whose PEM is secret).
func (a *asked) issued(c *Resource, domains []string) presented {
	ca := issuingCA(a.producer, issuedByCA(c))
	if ca == nil {
		return presented{resource: id(c), unknown: true}
	}
	chain, err := pemCertificates(strings.Join(strs(ca.Outputs, "pemCaCertificates"), ""))
	if err != nil || len(chain) == 0 {
		return presented{resource: id(c), unknown: true}
	}
	return presented{resource: id(c), managed: domains, issuer: chain}
}

// acceptsIssued is the client's check of a CA Service-issued certificate: it names the host and
// its CA is in the client's --cacert bundle (Google renews it before it expires, CM-ISSUANCE-FIELDS).
func (a *asked) acceptsIssued(p presented) *tlsRefusal {
	trust := "give the client the consumer's caCertificatePem output (the producer's CA chain) as its --cacert bundle"
	if err := p.names(a.url.host); err != nil {
		return &tlsRefusal{err.Error(), "add " + a.url.host + " to the producer's hostname or routes' hosts and run `pulumi up`"}
	}
	if a.req.CABundle == "" {
		return &tlsRefusal{"it is issued by the private CA " + p.issuer[0].Subject.CommonName + " and the client has no --cacert bundle that trusts it", trust}
	}
	held, _ := pemCertificates(a.req.CABundle)
	for _, h := range held {
		for _, c := range p.issuer {
			if bytes.Equal(h.Raw, c.Raw) {
				return nil
			}
		}
	}
	return &tlsRefusal{"it does not chain to the client's CA bundle: it is issued by the private CA " + p.issuer[0].Subject.CommonName, trust}
}
