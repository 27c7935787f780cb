package psc

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// certManagerRe is a Certificate Manager certificate's ID, whose location is the first group.
var certManagerRe = regexp.MustCompile(`^projects/[^/]+/locations/([^/]+)/certificates/[^/]+$`)

// validateTLS checks that TLS inputs are complete, consistent and cover the hostname.
func (a *ProducerServiceArgs) validateTLS(p *problems) {
	t := a.Tls
	if t == nil {
		return
	}
	checkKnown(p, "tls.sslPolicy", t.SslPolicy, a.checkSSLPolicy)
	selfManaged := given(t.CertificatePem) || given(t.PrivateKeyPem)
	existing := len(t.CertificateManagerCertificates) > 0
	switch n := countTrue(selfManaged, existing, t.Managed != nil, t.Private != nil); {
	case n != 1:
		p.addf("tls", "give exactly one of certificatePem and privateKeyPem (a self-managed certificate), certificateManagerCertificates (existing Certificate Manager certificates), managed (a Google-managed certificate the component creates) or private (a certificate a CA Service pool issues)")
		return
	case selfManaged && !given(t.CertificatePem):
		p.addf("tls.certificatePem", "is required with tls.privateKeyPem")
		return
	case selfManaged && !given(t.PrivateKeyPem):
		p.addf("tls.privateKeyPem", "is required with tls.certificatePem")
		return
	case t.Managed != nil:
		a.validateManaged(p)
		return
	case t.Private != nil:
		a.validatePrivate(p)
		return
	}
	if cert, ok := knownString(t.CertificatePem); ok && selfManaged {
		p.add("tls.certificatePem", checkCertificate(cert, a.Hostname, time.Now()))
		if key, ok := knownString(t.PrivateKeyPem); ok {
			p.add("tls.privateKeyPem", checkKeyPair(cert, key))
		}
	}
	for i, in := range t.CertificateManagerCertificates {
		if c, ok := knownOrNil(in); ok {
			p.add(fmt.Sprintf("tls.certificateManagerCertificates[%d]", i), a.checkCertManagerCert(c))
		}
	}
}

// countTrue counts the true values.
func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// certManagerRegion checks that a well-formed regional Certificate Manager certificate is in the
// producer's region.
func (a *ProducerServiceArgs) certManagerRegion(c string) error {
	if r := chain.RegionOf(c); certManagerRe.MatchString(c) && r != "" && r != a.Region {
		return fmt.Errorf("is in %s but the load balancer is in %s", r, a.Region)
	}
	return nil
}

// checkCertManagerCert checks the shape of a Certificate Manager certificate and its kind: regional
// for the regional load balancer, global for the cross-region one (both in the migration state,
// validateRegionsTLS); validatePlaced checks a regional one's region once the producer's is known.
func (a *ProducerServiceArgs) checkCertManagerCert(c string) error {
	m := certManagerRe.FindStringSubmatch(c)
	switch {
	case m == nil:
		return fmt.Errorf("must be projects/PROJECT/locations/REGION/certificates/NAME, got %q", c)
	case m[1] == "global" && !a.crossRegion():
		return fmt.Errorf("a regional load balancer needs a regional certificate in the load balancer's region, not a global one (certificate maps and global certificates do not apply to regional proxies)")
	case m[1] != "global" && a.crossRegion() && !a.regionalChain():
		return fmt.Errorf("is a regional certificate, but the cross-region load balancer of regions takes global ones (projects/PROJECT/locations/global/certificates/NAME, scope ALL_REGIONS)")
	}
	return nil
}

// checkSSLPolicy checks tls.sslPolicy against the HTTPS proxies that take it (XLB-SSL-POLICY,
// docs/gcp-rules.md): the regional load balancer's proxy takes a regional SSL policy, the
// cross-region one's global proxy a global one. The provider resolves a name in its proxy's scope,
// and turns a self link of the other scope into a reference by its name in its own, so such a
// link would silently name another policy: it is refused. While both proxies stand (the
// migration state) only a name serves both, resolved once as a regional and once as a global
// policy.
func (a *ProducerServiceArgs) checkSSLPolicy(s string) error {
	path := trimComputePrefix(s)
	regional, global := regionalPolicyRe.MatchString(path), globalPolicyRe.MatchString(path)
	both := a.crossRegion() && a.regionalChain()
	switch {
	case !regional && !global && !resourceNameRe.MatchString(path):
		return fmt.Errorf("must be an SSL policy: projects/PROJECT/regions/REGION/sslPolicies/NAME (regional), projects/PROJECT/global/sslPolicies/NAME (global), its self link or its name, got %q", s)
	case global && !a.crossRegion():
		return fmt.Errorf("is a global SSL policy, but the regional internal Application Load Balancer's proxy takes a regional one, projects/PROJECT/regions/REGION/sslPolicies/NAME (global SSL policies serve the cross-region load balancer of regions)")
	case regional && a.crossRegion() && !a.regionalChain():
		return fmt.Errorf("is a regional SSL policy, but the cross-region load balancer of regions takes a global one, projects/PROJECT/global/sslPolicies/NAME (the provider would send the global policy of the same name instead)")
	case (regional || global) && both:
		return fmt.Errorf("must be the policy's name while both load balancers stand (the top-level subnets beside regions): the regional proxy takes a regional SSL policy and the cross-region one a global one, and each resolves a name in its own scope; create a global SSL policy with the regional one's name (or the reverse) and give that name")
	}
	return nil
}

// checkCertificate parses a PEM certificate chain and checks that its leaf covers hostname and
// has not expired.
func checkCertificate(certPEM, hostname string, now time.Time) error {
	block, _ := pem.Decode([]byte(certPEM))
	if block == nil || block.Type != "CERTIFICATE" {
		return fmt.Errorf("must be a PEM certificate (-----BEGIN CERTIFICATE-----)")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return fmt.Errorf("cannot be parsed: %w", err)
	}
	if now.After(cert.NotAfter) {
		return fmt.Errorf("expired on %s", cert.NotAfter.UTC().Format(time.DateOnly))
	}
	if hostname != "" {
		if err := cert.VerifyHostname(hostname); err != nil {
			return fmt.Errorf("does not cover hostname %q (names: %s): clients calling https://%s would reject it",
				hostname, strings.Join(cert.DNSNames, ", "), hostname)
		}
	}
	return nil
}

// checkKeyPair checks that a PEM private key belongs to the certificate, without echoing the key.
func checkKeyPair(certPEM, keyPEM string) error {
	if _, err := tls.X509KeyPair([]byte(certPEM), []byte(keyPEM)); err != nil {
		return fmt.Errorf("is not a PEM private key matching tls.certificatePem")
	}
	return nil
}

// checkedCertificate returns the TLS certificate, failing, naming the input, when a certificate
// given as an Output resolves to one that does not parse, has expired or does not cover
// hostname. A secret certificate stays secret.
func checkedCertificate(t *TlsArgs, hostname string) pulumi.StringOutput {
	if cert, ok := knownString(t.CertificatePem); ok {
		return pulumi.String(cert).ToStringOutput()
	}
	return t.CertificatePem.ToStringOutput().ApplyT(func(cert string) (string, error) {
		if err := checkCertificate(cert, hostname, time.Now()); err != nil {
			return "", fmt.Errorf("tls.certificatePem: %w", err)
		}
		return cert, nil
	}).(pulumi.StringOutput)
}

// checkedPrivateKey returns the TLS private key as a secret that fails, naming the input, when it
// does not match the certificate (checked when a key or certificate given as an Output resolves).
func checkedPrivateKey(t *TlsArgs) pulumi.StringOutput {
	key := pulumi.All(t.CertificatePem, t.PrivateKeyPem).ApplyT(func(v []any) (string, error) {
		cert, k := v[0].(string), v[1].(string)
		if err := checkKeyPair(cert, k); err != nil {
			return "", fmt.Errorf("tls.privateKeyPem: %w", err)
		}
		return k, nil
	}).(pulumi.StringOutput)
	return pulumi.ToSecret(key).(pulumi.StringOutput)
}
