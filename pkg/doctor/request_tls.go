package doctor

import (
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// presented is a certificate an HTTPS proxy can present: a PEM chain, or a Google-managed
// certificate issued by a public CA for its domains.
type presented struct {
	resource string
	chain    []*x509.Certificate
	managed  []string // the domains of a Google-managed certificate
}

// certificate: over HTTPS the proxy presents the certificate that names the host the client
// asks for (SNI), else its first; a client without -k accepts it only while it is valid, names
// the host and chains to what the client trusts: its CA bundle, else the public CAs, which
// issue Google-managed certificates only (TLS-VERIFY). A Google-managed certificate not yet
// ACTIVE is not presented (CM-PROVISIONING).
func (a *asked) certificate() *refusal {
	if !a.url.https {
		return nil
	}
	certs, why := a.presentable()
	if len(certs) == 0 {
		rule := "TLS-VERIFY"
		if strings.Contains(why, "PROVISIONING") {
			rule = "CM-PROVISIONING"
		}
		a.hop(chain.LinkCertificate, a.proxy.ID, "no certificate to present")
		return dropped(chain.LinkCertificate, rule, ErrTLS, "give the producer a certificate (`tls`) and run `pulumi up`; a managed one needs its DNS authorization records published",
			"HTTPS proxy %s has no certificate to present%s", id(a.proxy), why)
	}
	cert := certs[0]
	if !a.url.ip.IsValid() {
		for _, c := range certs {
			if c.names(a.url.host) == nil {
				cert = c
				break
			}
		}
	}
	a.hop(chain.LinkCertificate, cert.resource, "presents %s", cert.describe())
	if a.req.Insecure {
		return nil
	}
	if err := a.accepts(cert); err != nil {
		return dropped(chain.LinkCertificate, "TLS-VERIFY", ErrTLS, err.fix, "the client refuses certificate %s: %s", cert.resource, err.cause)
	}
	return nil
}

// presentable are the proxy's certificates the producer stack holds in a presentable state, and
// why the others are not.
func (a *asked) presentable() ([]presented, string) {
	var out []presented
	var why []string
	for _, ref := range strs(a.proxy.Outputs, "sslCertificates") {
		c := live(a.producer, chain.RegionSslCertificateType, ref)
		if c == nil {
			why = append(why, chain.RelativeName(ref)+" is not in the producer stack")
			continue
		}
		pems, err := pemCertificates(str(c.Outputs, "certificate"))
		if err != nil {
			why = append(why, id(c)+": "+err.Error())
			continue
		}
		out = append(out, presented{resource: id(c), chain: pems})
	}
	for _, ref := range strs(a.proxy.Outputs, "certificateManagerCertificates") {
		c := live(a.producer, chain.CertificateManagerCertificateType, ref)
		if c == nil {
			why = append(why, chain.RelativeName(ref)+" is not in the producer stack")
			continue
		}
		if m := sub(c.Outputs, "managed"); m != nil {
			if s := str(m, "state"); s != "ACTIVE" {
				why = append(why, id(c)+" is "+firstNonEmpty(s, "PROVISIONING"))
				continue
			}
			out = append(out, presented{resource: id(c), managed: strs(m, "domains")})
			continue
		}
		sm := sub(c.Outputs, "selfManaged")
		pems, err := pemCertificates(firstNonEmpty(str(sm, "pemCertificate"), str(sm, "certificatePem")))
		if err != nil {
			why = append(why, id(c)+": "+err.Error())
			continue
		}
		out = append(out, presented{resource: id(c), chain: pems})
	}
	if len(why) == 0 {
		return out, ""
	}
	return out, " (" + strings.Join(why, "; ") + ")"
}

// names returns why the certificate does not name host, or nil.
func (p presented) names(host string) error {
	if p.managed == nil {
		return p.chain[0].VerifyHostname(host)
	}
	for _, d := range p.managed {
		d = strings.ToLower(d)
		if d == host {
			return nil
		}
		if rest, ok := strings.CutPrefix(d, "*."); ok {
			if _, parent, _ := strings.Cut(host, "."); parent == rest {
				return nil
			}
		}
	}
	return fmt.Errorf("it is for %s, not %s", strings.Join(p.managed, ", "), host)
}

func (p presented) describe() string {
	if p.managed != nil {
		return "a Google-managed certificate for " + strings.Join(p.managed, ", ")
	}
	leaf := p.chain[0]
	names := append([]string{}, leaf.DNSNames...)
	for _, ip := range leaf.IPAddresses {
		names = append(names, ip.String())
	}
	return fmt.Sprintf("a certificate for %s, valid until %s", strings.Join(names, ", "), leaf.NotAfter.UTC().Format(time.RFC3339))
}

type tlsRefusal struct{ cause, fix string }

// accepts is the client's check of the presented certificate.
func (a *asked) accepts(p presented) *tlsRefusal {
	renew := "give the producer a certificate for " + a.url.host + ", valid now, in `tls` and run `pulumi up` (clients keep their connections)"
	if p.managed != nil {
		if a.req.CABundle != "" {
			return &tlsRefusal{"it is issued by a public CA and the client trusts only its --cacert bundle", "drop --cacert: the client's default trust holds the public CAs"}
		}
		if err := p.names(a.url.host); err != nil {
			return &tlsRefusal{err.Error(), renew}
		}
		return nil
	}
	leaf := p.chain[0]
	switch {
	case a.now.After(leaf.NotAfter):
		return &tlsRefusal{"it expired at " + leaf.NotAfter.UTC().Format(time.RFC3339), renew}
	case a.now.Before(leaf.NotBefore):
		return &tlsRefusal{"it is not valid before " + leaf.NotBefore.UTC().Format(time.RFC3339), renew}
	}
	if err := leaf.VerifyHostname(a.url.host); err != nil {
		return &tlsRefusal{err.Error(), renew}
	}
	if a.req.CABundle == "" {
		return &tlsRefusal{"it is self-managed, so no public CA issued it, and the client has no CA bundle",
			"give the client the CA that issued it (curl --cacert, doctor --cacert), or -k to skip the check"}
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	bundle, _ := pemCertificates(a.req.CABundle) // Validate parsed it
	for _, c := range bundle {
		roots.AddCert(c)
	}
	for _, c := range p.chain[1:] {
		inter.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: a.now}); err != nil {
		return &tlsRefusal{"it does not chain to the client's CA bundle: " + err.Error(), "give the client (--cacert) the CA that issued the producer's certificate"}
	}
	return nil
}
