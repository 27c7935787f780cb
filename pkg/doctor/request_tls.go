package doctor

import (
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// presented is a certificate an HTTPS proxy can present: a PEM chain, a Google-managed
// certificate issued by a public CA for its domains, or a certificate whose PEM the stack keeps
// secret (unknown), of which doctor knows only the expiry.
type presented struct {
	resource string
	chain    []*x509.Certificate
	managed  []string // the domains of a Google-managed certificate
	unknown  bool
	expiry   time.Time           // of an unknown certificate, from its expireTime output; zero when not given
	issuer   []*x509.Certificate // the CA chain of a CA Service-issued certificate (certificates_private.go)
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
	cert := a.sni(certs)
	a.hop(chain.LinkCertificate, cert.resource, "presents %s", cert.describe())
	if a.req.Insecure {
		return nil
	}
	if cert.unknown {
		if !cert.expiry.IsZero() && !a.now.Before(cert.expiry) {
			return dropped(chain.LinkCertificate, "TLS-VERIFY", ErrTLS, "give the producer a renewed certificate in `tls` and run `pulumi up`",
				"the client refuses certificate %s: it expired at %s", cert.resource, cert.expiry.UTC().Format(time.RFC3339))
		}
		a.assume(chain.LinkCertificate, "`openssl s_client -connect "+a.dest.String()+":"+fmt.Sprint(a.url.port)+" -servername "+a.url.host+"` from a client",
			"certificate %s, whose PEM the producer stack keeps secret and no component output gives, names %s and chains to the client's trust", cert.resource, a.url.host)
		return nil
	}
	if err := a.accepts(cert); err != nil {
		return dropped(chain.LinkCertificate, "TLS-VERIFY", ErrTLS, err.fix, "the client refuses certificate %s: %s", cert.resource, err.cause)
	}
	return nil
}

// sni is the certificate the proxy presents: the first that names the host the client asks for
// (SNI), else, when doctor cannot read some, the first of those (assumed), else the first; a
// client calling an address sends no SNI and gets the first.
func (a *asked) sni(certs []presented) presented {
	if a.url.ip.IsValid() {
		return certs[0]
	}
	for _, c := range certs {
		if !c.unknown && c.names(a.url.host) == nil {
			return c
		}
	}
	for _, c := range certs {
		if c.unknown {
			return c
		}
	}
	return certs[0]
}

// componentPEM is the certificate of a ProducerService's own RegionSslCertificate (or
// Certificate Manager certificate): the component's certificatePem output (the stack keeps the
// certificate's own output secret).
func (a *asked) componentPEM(cert *Resource) string {
	parts := strings.SplitN(cert.URN, "::", 4) // urn:pulumi:STACK, PROJECT, PARENT$...$TYPE, NAME
	if len(parts) < 4 {
		return ""
	}
	types := strings.Split(parts[2], "$")
	if !slices.Contains(types[:len(types)-1], chain.ProducerServiceType) {
		return ""
	}
	name := cert.Name()
	for _, c := range a.producer.ofType(chain.ProducerServiceType) {
		if strings.HasPrefix(name, c.Name()+"-") {
			return str(c.Outputs, "certificatePem")
		}
	}
	return ""
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
		text := str(c.Outputs, "certificate")
		if !strings.Contains(text, "-----BEGIN") {
			text = a.componentPEM(c)
		}
		if text == "" {
			expiry, _ := time.Parse(time.RFC3339, str(c.Outputs, "expireTime"))
			out = append(out, presented{resource: id(c), unknown: true, expiry: expiry})
			continue
		}
		pems, err := pemCertificates(text)
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
			if issuedByCA(c) != "" {
				out = append(out, a.issued(c, strs(m, "domains")))
				continue
			}
			out = append(out, presented{resource: id(c), managed: strs(m, "domains")})
			continue
		}
		sm := sub(c.Outputs, "selfManaged")
		text := firstNonEmpty(str(sm, "pemCertificate"), str(sm, "certificatePem"))
		if !strings.Contains(text, "-----BEGIN") {
			text = firstNonEmpty(a.componentPEM(c), text) // the cross-region chain's <name>-global-cert
		}
		pems, err := pemCertificates(text)
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
	if p.unknown {
		return "a certificate whose PEM the stack keeps secret"
	}
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
	if p.issuer != nil {
		return a.acceptsIssued(p)
	}
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
