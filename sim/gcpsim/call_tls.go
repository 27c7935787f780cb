package gcpsim

import (
	"crypto/x509"
	"fmt"
	"strings"
	"time"
)

// servedCert is a certificate an HTTPS proxy can present.
type servedCert struct {
	resource string
	chain    []*x509.Certificate // a self-managed certificate's PEM: the leaf first
	// managed is set for a Google-managed certificate, with its domains: issued by a public CA
	// the simulator holds no PEM of.
	managed bool
	domains []string
	issued  bool // issued by a CA Service pool through an issuance config (privateca.go)
}

// certificate: over HTTPS the proxy presents the certificate whose names match the host the
// client asks for (SNI), else its first one, and the client accepts it only when it is valid now,
// names the host and chains to what the client trusts (TLS-VERIFY); a Google-managed one still
// PROVISIONING is not served at all (CM-PROVISIONING). Plain HTTP presents nothing.
func (c *call) certificate() (*refusal, error) {
	if !c.url.https {
		return nil, nil
	}
	certs, unserved := c.servedCerts()
	if len(certs) == 0 {
		rule := "TLS-VERIFY"
		if strings.Contains(unserved, CertProvisioning) {
			rule = "CM-PROVISIONING"
		}
		c.hop(LinkCertificate, c.proxy, "no certificate to present")
		return refuse(LinkCertificate, rule, ErrTLS, "HTTPS proxy %s has no certificate to present%s", c.proxy.ID, unserved), nil
	}
	cert := certs[0]
	if !c.url.ip.IsValid() { // an address sends no SNI: the first certificate
		for _, cand := range certs {
			if cand.covers(c.url.host) == nil {
				cert = cand
				break
			}
		}
	}
	c.hopAt(LinkCertificate, cert.resource, "presents %s", cert.describe())
	if c.req.Insecure {
		return nil, nil
	}
	if err := c.verify(cert); err != nil {
		return refuse(LinkCertificate, "TLS-VERIFY", ErrTLS, "the client refuses certificate %s: %v", cert.resource, err), nil
	}
	return nil, nil
}

// servedCerts are the proxy's certificates that can be presented, in the proxy's order, and why
// the others cannot.
func (c *call) servedCerts() ([]servedCert, string) {
	var out []servedCert
	var why []string
	for _, value := range c.proxy.out().strs("sslCertificates") {
		r := c.lookup(c.proxy, value, "sslCertificates")
		if r == nil {
			why = append(why, value+" does not exist")
			continue
		}
		chain, err := parsePEMCertificates(r.out().str("certificate"))
		if err != nil {
			why = append(why, r.ID+" "+err.Error())
			continue
		}
		out = append(out, servedCert{resource: r.ID, chain: chain})
	}
	for _, value := range c.proxy.out().strs("certificateManagerCertificates") {
		r := c.lookup(c.proxy, value, "certificates")
		if r == nil {
			why = append(why, value+" does not exist")
			continue
		}
		if m := r.out().sub("managed"); m != nil {
			view := *r
			view.Outputs = r.out().clone()
			c.st.setManagedState(&view)
			if state := view.out().sub("managed").str("state"); state != CertActive {
				why = append(why, r.ID+" is "+state)
				continue
			}
			if m.str("issuanceConfig") != "" { // issued by a CA Service pool (privateca.go)
				chain, err := c.st.issuedChain(r, c.now)
				if err != nil {
					why = append(why, r.ID+" "+err.Error())
					continue
				}
				out = append(out, servedCert{resource: r.ID, chain: chain, issued: true})
				continue
			}
			out = append(out, servedCert{resource: r.ID, managed: true, domains: m.strs("domains")})
			continue
		}
		sm := r.out().sub("selfManaged")
		chain, err := parsePEMCertificates(firstNonEmpty(sm.str("pemCertificate"), sm.str("certificatePem")))
		if err != nil {
			why = append(why, r.ID+" "+err.Error())
			continue
		}
		out = append(out, servedCert{resource: r.ID, chain: chain})
	}
	if len(why) == 0 {
		return out, ""
	}
	return out, " (" + strings.Join(why, "; ") + ")"
}

// covers returns why the certificate does not name host, or nil.
func (s servedCert) covers(host string) error {
	if !s.managed {
		return s.chain[0].VerifyHostname(host)
	}
	for _, d := range s.domains {
		d = strings.ToLower(d)
		if d == host || (strings.HasPrefix(d, "*.") && strings.Count(host, ".") == strings.Count(d, ".") && strings.HasSuffix(host, d[1:])) {
			return nil
		}
	}
	return fmt.Errorf("certificate is valid for %s, not %s", strings.Join(s.domains, ", "), host)
}

func (s servedCert) describe() string {
	if s.managed {
		return "Google-managed certificate for " + strings.Join(s.domains, ", ")
	}
	leaf := s.chain[0]
	names := leaf.DNSNames
	for _, ip := range leaf.IPAddresses {
		names = append(names, ip.String())
	}
	return fmt.Sprintf("certificate for %s, valid until %s", strings.Join(names, ", "), leaf.NotAfter.UTC().Format(time.RFC3339))
}

// verify is the client's check of a presented certificate: valid now, names the host, and
// chains to its trust: the CA bundle it was given, else the simulator's default trust, which
// holds the public CAs of Google-managed certificates only.
func (c *call) verify(s servedCert) error {
	if s.managed {
		if c.req.CABundle != "" {
			return fmt.Errorf("it is issued by a public CA, and the client trusts only its CA bundle")
		}
		return s.covers(c.url.host)
	}
	leaf := s.chain[0]
	switch {
	case c.now.After(leaf.NotAfter):
		return fmt.Errorf("it expired at %s", leaf.NotAfter.UTC().Format(time.RFC3339))
	case c.now.Before(leaf.NotBefore):
		return fmt.Errorf("it is not valid before %s", leaf.NotBefore.UTC().Format(time.RFC3339))
	}
	if err := s.covers(c.url.host); err != nil {
		return err
	}
	if c.req.CABundle == "" && s.issued {
		return fmt.Errorf("it is issued by the private CA %s and the client has no CA bundle that trusts it", leaf.Issuer.CommonName)
	}
	if c.req.CABundle == "" {
		return fmt.Errorf("it is self-managed and the client has no CA bundle that trusts it (the simulator's default trust holds only Google-managed certificates' public CAs)")
	}
	roots, intermediates := x509.NewCertPool(), x509.NewCertPool()
	bundle, _ := parsePEMCertificates(c.req.CABundle) // Validate parsed it
	for _, r := range bundle {
		roots.AddCert(r)
	}
	for _, i := range s.chain[1:] {
		intermediates.AddCert(i)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, CurrentTime: c.now}); err != nil {
		return fmt.Errorf("it does not chain to the client's CA bundle: %v", err)
	}
	return nil
}
