package doctor

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// privateCertificate turns a producer side's proxy into one serving a CA Service-issued
// certificate for api.internal (tls.private.createCa), issued by a CA whose PEM is caPEM, and
// gives the consumer side a ConsumerEndpoint holding bundle as its caCertificatePem.
func privateCertificate(p, c *Side, proxyID, caPEM, bundle string) {
	const (
		pool   = "projects/p/locations/r/caPools/api-ca-pool"
		config = "projects/p/locations/r/certificateIssuanceConfigs/api-issuance"
		cert   = "projects/p/locations/r/certificates/api-private-cert"
	)
	get(p, proxyID).Outputs["sslCertificates"] = []any{}
	get(p, proxyID).Outputs["certificateManagerCertificates"] = []any{cert}
	p.Resources = append(p.Resources,
		&Resource{URN: "urn:cert", Type: chain.CertificateManagerCertificateType, ID: cert, Custom: true, Outputs: map[string]any{
			"managed": map[string]any{"domains": []any{"api.internal"}, "issuanceConfig": config, "state": "ACTIVE"}}},
		&Resource{URN: "urn:config", Type: chain.CertificateIssuanceConfigType, ID: config, Custom: true, Outputs: map[string]any{
			"certificateAuthorityConfig": map[string]any{"certificateAuthorityServiceConfig": map[string]any{"caPool": pool}}}},
		&Resource{URN: "urn:ca", Type: chain.CertificateAuthorityType, ID: pool + "/certificateAuthorities/api-ca", Custom: true,
			Outputs: map[string]any{"state": "ENABLED", "pemCaCertificates": []any{caPEM}}})
	c.Resources = append(c.Resources, &Resource{URN: "urn:endpoint", Type: chain.ConsumerEndpointType,
		Outputs: map[string]any{"caCertificatePem": bundle}})
}

// The certificate link of a CA Service-issued certificate is healthy while the consumer's CA
// bundle holds the issuing CA, and broken, naming the CA and the fix, when it does not.
func TestDoctorPrivateCertificateTrust(t *testing.T) {
	ca, _ := psctest.SelfSignedCert(t, "api root CA")
	other, _ := psctest.SelfSignedCert(t, "another CA")
	for _, tc := range []struct {
		bundle, want string
	}{
		{ca, "chains to the consumer's CA bundle"},
		{other, "which the consumer's CA bundle (its ConsumerEndpoint's caCertificatePem) does not hold"},
		{"", "the consumer stack holds no ConsumerEndpoint with a caCertificatePem"},
	} {
		p, c := healthyWorld(t)
		privateCertificate(p, c, "targetHttpsProxies/px", ca, tc.bundle)
		rep := Diagnose(p, c, time.Now())
		var link *Link
		for i := range rep.Links {
			if rep.Links[i].Name == chain.LinkCertificate {
				link = &rep.Links[i]
			}
		}
		text := ""
		if link != nil {
			text = link.Detail
			for _, pr := range link.Problems {
				text += " " + pr.Cause
			}
		}
		if !strings.Contains(text, tc.want) {
			t.Errorf("bundle %.20q: certificate link %+v, want %q", tc.bundle, link, tc.want)
		}
		if broken := tc.bundle == other; broken == rep.Healthy {
			t.Errorf("bundle %.20q: healthy %v", tc.bundle, rep.Healthy)
		}
	}
}

// The request emulation trusts a CA Service-issued certificate only through a --cacert bundle
// that holds its CA.
func TestAskPrivateCertificate(t *testing.T) {
	ca, _ := psctest.SelfSignedCert(t, "api root CA")
	other, _ := psctest.SelfSignedCert(t, "another CA")
	for _, tc := range []struct {
		bundle string
		ok     bool
		cause  string
	}{
		{ca, true, ""},
		{"", false, "has no --cacert bundle that trusts it"},
		{other, false, "does not chain to the client's CA bundle"},
	} {
		p, c, req := callWorld(t)
		privateCertificate(p, c, "targetHttpsProxies/px", ca, ca)
		req.CABundle = tc.bundle
		a := ask(t, p, c, req, time.Now())
		if a.OK() != tc.ok || !tc.ok && (a.Error != ErrTLS || a.Rule != "TLS-VERIFY" || !strings.Contains(a.Cause, tc.cause)) {
			t.Errorf("bundle %.20q: %s (%s) %s", tc.bundle, a.Outcome(), a.Rule, a.Cause)
		}
	}
}

// A CA Service-issued certificate that is not ACTIVE breaks the certificate link, naming the
// missing grant to Certificate Manager's service agent when the producer stack holds the pool and
// no such grant (CM-ISSUANCE-IAM), else Google's provisioning issue.
func TestDoctorPrivateCertificateNotIssued(t *testing.T) {
	ca, _ := psctest.SelfSignedCert(t, "api root CA")
	const pool = "projects/p/locations/r/caPools/api-ca-pool"
	for _, tc := range []struct {
		name, want string
		grant      bool
	}{
		{"no grant", "holds no roles/privateca.certificateRequester on the CA pool " + pool, false},
		{"granted", "the CA pool has no enabled certificate authority", true},
	} {
		p, c := healthyWorld(t)
		privateCertificate(p, c, "targetHttpsProxies/px", ca, ca)
		cert := p.find(chain.CertificateManagerCertificateType, "projects/p/locations/r/certificates/api-private-cert")
		cert.Outputs["managed"].(map[string]any)["state"] = "PROVISIONING"
		cert.Outputs["managed"].(map[string]any)["provisioningIssue"] = []any{map[string]any{"reason": "AUTHORIZATION_ISSUE", "details": "the CA pool has no enabled certificate authority"}}
		p.Resources = append(p.Resources, &Resource{URN: "urn:pool", Type: chain.CaPoolType, ID: pool, Custom: true, Outputs: map[string]any{}})
		if tc.grant {
			p.Resources = append(p.Resources, &Resource{URN: "urn:grant", Type: chain.CaPoolIamMemberType, ID: pool + "/r/m", Custom: true, Outputs: map[string]any{
				"caPool": pool, "role": "roles/privateca.certificateRequester", "member": "serviceAccount:service-1@gcp-sa-certificatemanager.iam.gserviceaccount.com"}})
		}
		rep := Diagnose(p, c, time.Now())
		text := ""
		for _, l := range rep.Links {
			if l.Name == chain.LinkCertificate {
				for _, pr := range l.Problems {
					text += pr.Cause + " "
				}
			}
		}
		if rep.Healthy || !strings.Contains(text, tc.want) {
			t.Errorf("%s: healthy %v, certificate problems %q, want %q", tc.name, rep.Healthy, text, tc.want)
		}
		if tc.grant && strings.Contains(text, "holds no roles/privateca.certificateRequester") {
			t.Errorf("%s: blames the grant although the producer stack holds it: %q", tc.name, text)
		}
	}
}
