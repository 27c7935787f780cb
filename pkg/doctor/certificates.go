package doctor

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// checkCertificate: an HTTPS proxy has certificates, each present, Google-managed ones ACTIVE,
// unexpired, and covering the hostname clients use.
func (w *walk) checkCertificate() {
	switch {
	case w.proxy == nil:
		w.unreached()
		return
	case !w.https:
		w.skip("the load balancer serves HTTP")
		return
	}
	certs := strs(w.proxy.Outputs, "sslCertificates")
	if len(certs) == 0 && len(strs(w.proxy.Outputs, "certificateManagerCertificates")) == 0 {
		w.broken(w.proxy, "the HTTPS proxy has no certificate", "run `pulumi up` on the producer stack (tls.certificatePem and tls.privateKeyPem)")
		return
	}
	if !w.managedCertificatesActive() || w.privateCertificatesTrusted() { // certificates_private.go
		return
	}
	for _, ref := range certs {
		c := w.follow(map[string]any{"sslCertificates": ref}, "sslCertificates", chain.RegionSslCertificateType)
		if c == nil {
			return
		}
		expiry, err := time.Parse(time.RFC3339, str(c.Outputs, "expireTime"))
		if err == nil && !w.now.Before(expiry) {
			w.broken(c, "the certificate expired at "+expiry.Format(time.RFC3339)+": clients refuse the TLS handshake",
				"give the producer a renewed certificate in `tls.certificatePem`/`tls.privateKeyPem` and run `pulumi up` (the rotation does not interrupt traffic)")
			return
		}
	}
	if w.hostname == "" {
		w.ok(w.proxy, "%d certificate(s), unexpired", len(certs))
		return
	}
	cert := w.certificatePEM()
	if cert == nil {
		w.ok(w.proxy, "%d certificate(s), unexpired (hostname coverage not checked: no public certificate output)", len(certs))
		return
	}
	if err := cert.VerifyHostname(w.hostname); err != nil {
		w.broken(w.proxy, fmt.Sprintf("the certificate is for %s, not for %s: clients refuse it", strings.Join(certNames(cert), ", "), w.hostname),
			"give the producer a certificate whose SAN covers "+w.hostname+" (or use the hostname it covers in the DnsBinding) and run `pulumi up`")
		return
	}
	w.ok(w.proxy, "covers %s, expires %s", w.hostname, cert.NotAfter.UTC().Format(time.RFC3339))
}

// managedCertificatesActive reports whether every Google-managed certificate of the proxy that
// the producer stack holds (tls.managed) is ACTIVE, and marks the link broken at the first that
// is not: PROVISIONING until Google has verified its DNS authorization records. Certificate
// Manager certificates of other stacks are not read.
func (w *walk) managedCertificatesActive() bool {
	for _, ref := range strs(w.proxy.Outputs, "certificateManagerCertificates") {
		c := w.producer.find(chain.CertificateManagerCertificateType, ref)
		switch {
		case c == nil:
			continue
		case c.Gone:
			w.broken(c, c.Name()+" ("+chain.RelativeName(c.ID)+") was deleted outside Pulumi",
				"run `pulumi up` on the producer stack: the component recreates it (PROVISIONING until Google verifies its DNS authorization again)")
			return false
		}
		managed, _ := c.Outputs["managed"].(map[string]any)
		if state := str(managed, "state"); state != "" && state != "ACTIVE" && issuedByCA(c) != "" {
			w.broken(c, fmt.Sprintf("the CA Service-issued certificate %s is %s: clients get no valid certificate%s", c.Name(), state, notIssuedCause(w.producer, c)), notIssuedFix) // certificates_private.go
			return false
		}
		if state := str(managed, "state"); state != "" && state != "ACTIVE" {
			w.broken(c, fmt.Sprintf("the Google-managed certificate %s is %s: Google has not verified its DNS authorization records, so clients get no valid certificate", c.Name(), state),
				"publish each record of the producer's dnsAuthorizationRecords output (name, type CNAME, data) in the domain's public DNS zone; Google issues the certificate within minutes to an hour of the record resolving")
			return false
		}
	}
	return true
}

// certificatePEM is the producer's public certificate (the component's certificatePem output).
func (w *walk) certificatePEM() *x509.Certificate {
	p := w.component()
	if p == nil {
		return nil
	}
	block, _ := pem.Decode([]byte(str(p.Outputs, "certificatePem")))
	if block == nil {
		return nil
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil
	}
	return cert
}

func certNames(c *x509.Certificate) []string {
	if len(c.DNSNames) > 0 {
		return c.DNSNames
	}
	return []string{c.Subject.CommonName}
}
