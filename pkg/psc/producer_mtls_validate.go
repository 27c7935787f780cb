package psc

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"
	"time"
)

// maxTrustPEM is the most bytes one PEM certificate of a trust config may take (MTLS-TRUST-PEM).
const maxTrustPEM = 5 * 1024

// validateClientAuth checks tls.clientAuth: at least one trust anchor, each anchor and
// intermediate one PEM CA certificate, and a mode Google offers. Mutual TLS needs HTTPS, which
// tls is: it cannot be asked for over HTTP.
func (a *ProducerServiceArgs) validateClientAuth(p *problems) {
	c := a.clientAuth()
	if c == nil {
		return
	}
	if len(c.TrustAnchorsPem) == 0 {
		p.addf("tls.clientAuth.trustAnchorsPem", "is required: at least one PEM certificate of a CA whose client certificates the load balancer accepts (MTLS-TRUST-ANCHORS)")
	}
	for i, in := range c.TrustAnchorsPem {
		if s, ok := knownOrNil(in); ok {
			p.add(fmt.Sprintf("tls.clientAuth.trustAnchorsPem[%d]", i), checkCACertificate(s))
		}
	}
	for i, in := range c.IntermediateCasPem {
		if s, ok := knownOrNil(in); ok {
			p.add(fmt.Sprintf("tls.clientAuth.intermediateCasPem[%d]", i), checkCACertificate(s))
		}
	}
	if c.Mode != "" && !slices.Contains(clientAuthModes, c.Mode) {
		p.addf("tls.clientAuth.mode", "must be one of %s (the modes Google offers, MTLS-MODE), got %q", strings.Join(clientAuthModes, ", "), c.Mode)
	}
}

// checkCACertificate checks that text is one PEM certificate of at most 5 kB, of a CA (basic
// constraints CA=true) that may sign certificates, valid now (MTLS-TRUST-PEM, MTLS-CERT-REQ).
func checkCACertificate(text string) error {
	block, rest := pem.Decode([]byte(text))
	if block == nil || block.Type != "CERTIFICATE" {
		return fmt.Errorf("must be a PEM certificate (-----BEGIN CERTIFICATE-----)")
	}
	if more, _ := pem.Decode(rest); more != nil {
		return fmt.Errorf("must hold one certificate: give each CA as its own entry")
	}
	if n := len(pem.EncodeToMemory(block)); n > maxTrustPEM {
		return fmt.Errorf("is %d bytes; a trust config takes PEM certificates of at most %d bytes", n, maxTrustPEM)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return fmt.Errorf("cannot be parsed: %w", err)
	}
	switch {
	case !cert.BasicConstraintsValid || !cert.IsCA:
		return fmt.Errorf("is not a CA certificate (its basic constraints lack CA=true): give the CA that issues the clients' certificates, not a client's own")
	case cert.KeyUsage != 0 && cert.KeyUsage&x509.KeyUsageCertSign == 0:
		return fmt.Errorf("is a CA certificate whose key usage lacks keyCertSign: it cannot sign client certificates")
	case time.Now().After(cert.NotAfter):
		return fmt.Errorf("expired on %s", cert.NotAfter.UTC().Format(time.DateOnly))
	}
	return nil
}
