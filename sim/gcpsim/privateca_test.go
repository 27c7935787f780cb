package gcpsim

import (
	"crypto/x509"
	"fmt"
	"strings"
	"testing"
	"time"
)

// CA Service and issuance configs (docs/gcp-rules.md CAS-*, CM-ISSUANCE-*).

// privatePKI creates a pool, a root CA in it (desiredState given, or ENABLED), Certificate
// Manager's service agent and its grant on the pool, and a regional issuance config on the pool, and returns the CA's and the config's IDs and the CA's outputs.
func (h *harness) privatePKI(desiredState string) (caID, configID string, ca obj) {
	h.t.Helper()
	poolID, _ := h.mustCreate(caPoolToken, "pool", map[string]any{"name": "pool", "location": region, "tier": "ENTERPRISE"})
	caIn := map[string]any{"location": region, "pool": "pool", "certificateAuthorityId": "root", "deletionProtection": false,
		"config":  map[string]any{"subjectConfig": map[string]any{"subject": map[string]any{"commonName": "payments root CA", "organization": "Acme"}}},
		"keySpec": map[string]any{"algorithm": "EC_P384_SHA384"}}
	if desiredState != "" {
		caIn["desiredState"] = desiredState
	}
	caID, ca = h.mustCreate(caToken, "root", caIn)
	h.grantRequester(poolID)
	configID, _ = h.mustCreate(issuanceConfigToken, "issuance", map[string]any{"name": "issuance", "location": region,
		"certificateAuthorityConfig": map[string]any{"certificateAuthorityServiceConfig": map[string]any{"caPool": poolID}},
		"lifetime":                   "2592000s", "rotationWindowPercentage": 66, "keyAlgorithm": "ECDSA_P256"})
	return caID, configID, ca
}

// CAS-CA-STATE, CAS-CA-CHAIN, CM-ISSUANCE-CA: an enabled root CA reports its self-signed
// certificate; a managed certificate issued through a config on its pool is ACTIVE and serves a
// leaf for its domains that chains to that certificate, in the current rotation window.
func TestIssuedCertificateChainsToTheCA(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	caID, configID, ca := h.privatePKI("")
	if want := "projects/" + producerProject + "/locations/" + region + "/caPools/pool/certificateAuthorities/root"; caID != want {
		t.Errorf("CA ID = %q, want %q", caID, want)
	}
	roots, err := parsePEMCertificates(strings.Join(ca.strs("pemCaCertificates"), ""))
	if err != nil || len(roots) != 1 || !roots[0].IsCA || roots[0].Subject.CommonName != "payments root CA" || ca.str("state") != caEnabled {
		t.Fatalf("CA outputs = %v (%v)", ca, err)
	}
	certID, cert := h.mustCreate(cmCertificateToken, "pcert", map[string]any{"name": "pcert", "location": region,
		"managed": map[string]any{"domains": []any{"payment-api.internal"}, "issuanceConfig": configID}})
	if cert.sub("managed").str("state") != CertActive {
		t.Fatalf("certificate state = %v, want ACTIVE", cert["managed"])
	}
	st := h.snapshot()
	pool := x509.NewCertPool()
	pool.AddCert(roots[0])
	for _, at := range []time.Duration{0, 25 * 24 * time.Hour, 400 * 24 * time.Hour} {
		now := st.Resources[certID].CreatedAt.Add(at)
		chain, err := st.issuedChain(st.Resources[certID], now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := chain[0].Verify(x509.VerifyOptions{Roots: pool, DNSName: "payment-api.internal", CurrentTime: now}); err != nil {
			t.Errorf("served leaf at +%s does not verify against the CA: %v", at, err)
		}
	}
	_, _, other := newHarness(t, producerProject).privatePKI("")
	otherRoots, _ := parsePEMCertificates(strings.Join(other.strs("pemCaCertificates"), ""))
	if string(otherRoots[0].Raw) == string(roots[0].Raw) {
		t.Errorf("two CAs have the same certificate")
	}
}

// CM-ISSUANCE-CA: a certificate issued from a pool without an enabled CA stays PROVISIONING.
func TestIssuedCertificateWaitsForAnEnabledCA(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	_, configID, ca := h.privatePKI(caStaged)
	if ca.str("state") != caStaged {
		t.Fatalf("CA state = %q, want STAGED", ca.str("state"))
	}
	_, cert := h.mustCreate(cmCertificateToken, "pcert", map[string]any{"name": "pcert", "location": region,
		"managed": map[string]any{"domains": []any{"payment-api.internal"}, "issuanceConfig": configID}})
	m := cert.sub("managed")
	if m.str("state") != CertProvisioning || !strings.Contains(m.objs("provisioningIssue")[0].str("details"), "has no enabled certificate authority") {
		t.Errorf("certificate = %v, want PROVISIONING for want of an enabled CA", m)
	}
}

// grantRequester creates Certificate Manager's service agent of the producer's project and grants
// it roles/privateca.certificateRequester on a pool, and returns the grant's ID.
func (h *harness) grantRequester(poolID string) string {
	h.t.Helper()
	_, agent := h.mustCreate(serviceIdentityToken, "cm-agent", map[string]any{"service": "certificatemanager.googleapis.com"})
	id, _ := h.mustCreate(caPoolIamMemberToken, "requester", map[string]any{"caPool": poolID,
		"role": "roles/privateca.certificateRequester", "member": agent.str("member")})
	return id
}

// CM-ISSUANCE-IAM: the service identity is service-PROJECT_NUMBER@gcp-sa-certificatemanager; a
// certificate issued from a pool on which that agent holds no issuer role stays PROVISIONING,
// serves no leaf, and becomes ACTIVE once the grant exists; a grant to another principal or of
// another role does not count, and deleting the grant stops issuance again.
func TestIssuedCertificateWaitsForTheServiceAgentsGrant(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	poolID, _ := h.mustCreate(caPoolToken, "pool", map[string]any{"name": "pool", "location": region, "tier": "ENTERPRISE"})
	h.mustCreate(caToken, "root", map[string]any{"location": region, "pool": "pool", "certificateAuthorityId": "root",
		"deletionProtection": false, "config": map[string]any{}, "keySpec": map[string]any{"algorithm": "EC_P384_SHA384"}})
	configID, _ := h.mustCreate(issuanceConfigToken, "issuance", map[string]any{"name": "issuance", "location": region,
		"certificateAuthorityConfig": map[string]any{"certificateAuthorityServiceConfig": map[string]any{"caPool": poolID}},
		"lifetime":                   "2592000s", "rotationWindowPercentage": 66, "keyAlgorithm": "ECDSA_P256"})
	h.mustCreate(caPoolIamMemberToken, "other", map[string]any{"caPool": poolID,
		"role": "roles/privateca.certificateRequester", "member": "serviceAccount:someone@" + producerProject + ".iam.gserviceaccount.com"})
	h.mustCreate(caPoolIamMemberToken, "auditor", map[string]any{"caPool": poolID,
		"role": "roles/privateca.auditor", "member": certManagerAgent(producerProject)})
	certID, cert := h.mustCreate(cmCertificateToken, "pcert", map[string]any{"name": "pcert", "location": region,
		"managed": map[string]any{"domains": []any{"payment-api.internal"}, "issuanceConfig": configID}})
	m := cert.sub("managed")
	if m.str("state") != CertProvisioning || !strings.Contains(m.objs("provisioningIssue")[0].str("details"), "roles/privateca.certificateRequester") {
		t.Fatalf("certificate = %v, want PROVISIONING for want of the service agent's grant", m)
	}
	st := h.snapshot()
	if _, err := st.issuedChain(st.Resources[certID], st.Resources[certID].CreatedAt); err == nil {
		t.Errorf("a certificate without the grant serves a leaf")
	}
	grant := h.grantRequester(poolID)
	agent := h.snapshot().Resources["projects/"+producerProject+"/services/certificatemanager.googleapis.com"]
	if want := fmt.Sprintf("service-%d@gcp-sa-certificatemanager.iam.gserviceaccount.com", ProjectNumber(producerProject)); agent == nil || agent.out().str("email") != want {
		t.Fatalf("service identity = %v, want email %s", agent, want)
	}
	st = h.snapshot()
	st.setManagedState(st.Resources[certID])
	if state := st.Resources[certID].out().sub("managed").str("state"); state != CertActive {
		t.Errorf("certificate after the grant is %s, want ACTIVE", state)
	}
	if err := h.del(caPoolIamMemberToken, grant); err != nil {
		t.Fatal(err)
	}
	st = h.snapshot()
	st.setManagedState(st.Resources[certID])
	if state := st.Resources[certID].out().sub("managed").str("state"); state != CertProvisioning {
		t.Errorf("certificate after the grant's deletion is %s, want PROVISIONING", state)
	}
}

// CM-ISSUANCE-FIELDS, CM-ISSUANCE-POOL, CAS-CA-DELETE: the API's limits on an issuance config; a
// pool is held by its CA and its issuance configs; a protected CA is not deleted.
func TestIssuanceConfigRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	base := func(lifetime string, pct int) map[string]any {
		return map[string]any{"name": "x", "location": region, "keyAlgorithm": "ECDSA_P256", "lifetime": lifetime, "rotationWindowPercentage": pct,
			"certificateAuthorityConfig": map[string]any{"certificateAuthorityServiceConfig": map[string]any{"caPool": "projects/" + producerProject + "/locations/" + region + "/caPools/none"}}}
	}
	_, _, err := h.create(issuanceConfigToken, "x", base("86400s", 50))
	wantErr(t, err, "from 1814400s (21 days) to 2592000s (30 days)")
	_, _, err = h.create(issuanceConfigToken, "x", base("2592000s", 95))
	wantErr(t, err, "at least 7 days before expiry")
	_, _, err = h.create(issuanceConfigToken, "x", base("2592000s", 66))
	wantErr(t, err, "caPools/none")

	caID, configID, _ := h.privatePKI("")
	poolID := "projects/" + producerProject + "/locations/" + region + "/caPools/pool"
	wantErr(t, h.del(caPoolToken, poolID), "")
	if err := h.del(issuanceConfigToken, configID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, h.del(caPoolToken, poolID), "")
	caIn := map[string]any{"location": region, "pool": "pool", "certificateAuthorityId": "protected",
		"config": map[string]any{}, "keySpec": map[string]any{"algorithm": "EC_P384_SHA384"}}
	protected, _ := h.mustCreate(caToken, "protected", caIn)
	wantErr(t, h.del(caToken, protected), "deletion_protection=false")
	if err := h.del(caToken, caID); err != nil {
		t.Fatal(err)
	}
}
