package gcpsim

import (
	"strings"
	"testing"
	"time"
)

// Certificate Manager: DNS authorizations, Google-managed certificates and their use by a
// regional HTTPS proxy (docs/gcp-rules.md CM-*).

// dnsAuth creates a regional DNS authorization of domain and returns its ID and outputs.
func (h *harness) dnsAuth(name, domain string) (string, obj) {
	h.t.Helper()
	return h.mustCreate(dnsAuthToken, name, map[string]any{"name": name, "location": region, "domain": domain})
}

// managedCert returns the inputs of a regional managed certificate.
func managedCert(domains []any, auths ...any) map[string]any {
	return map[string]any{"name": "mcert", "location": region, "managed": map[string]any{"domains": domains, "dnsAuthorizations": auths}}
}

// CM-DNSAUTH-TYPE, CM-DNSAUTH-RECORD: a regional authorization defaults to PER_PROJECT_RECORD, a
// global one to FIXED_RECORD; each returns the CNAME to publish, the same after an update.
func TestDNSAuthorizationRecord(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	id, out := h.dnsAuth("auth", "payments.example.com")
	if want := "projects/" + producerProject + "/locations/" + region + "/dnsAuthorizations/auth"; id != want {
		t.Errorf("ID = %q, want %q", id, want)
	}
	if out.str("type") != "PER_PROJECT_RECORD" {
		t.Errorf("regional type = %q, want PER_PROJECT_RECORD", out.str("type"))
	}
	rr := out.objs("dnsResourceRecords")
	if len(rr) != 1 || rr[0].str("type") != "CNAME" || !strings.HasPrefix(rr[0].str("name"), "_acme-challenge_") ||
		!strings.HasSuffix(rr[0].str("name"), ".payments.example.com.") || !strings.HasSuffix(rr[0].str("data"), ".authorize.certificatemanager.goog.") {
		t.Fatalf("dnsResourceRecords = %v", out["dnsResourceRecords"])
	}
	in := map[string]any{"name": "auth", "location": region, "domain": "payments.example.com"}
	updated, err := h.update(dnsAuthToken, id, in, with(in, "description", "now described"))
	if err != nil {
		t.Fatal(err)
	}
	if updated.objs("dnsResourceRecords")[0].str("data") != rr[0].str("data") {
		t.Errorf("an update changed the record to publish")
	}
	gid, global := h.mustCreate(dnsAuthToken, "gauth", map[string]any{"name": "gauth", "domain": "payments.example.com"})
	if !strings.Contains(gid, "/locations/global/") || global.str("type") != "FIXED_RECORD" ||
		global.objs("dnsResourceRecords")[0].str("name") != "_acme-challenge.payments.example.com." {
		t.Errorf("global authorization %s: %v", gid, global)
	}
	_, _, err = h.create(dnsAuthToken, "wild", map[string]any{"name": "wild", "location": region, "domain": "*.example.com"})
	wantErr(t, err, "without a wildcard") // CM-DNSAUTH-DOMAIN
	_, failures := h.check(dnsAuthToken, "x", map[string]any{"location": region, "domain": "a.example.com", "type": "TXT"})
	wantFailure(t, failures, "type", "expected type to be one of")
}

// CM-CERT-ONE-OF at plan; CM-MANAGED-AUTH and CM-AUTH-COVERS at the API; a certificate holds its
// authorizations (GEN-IN-USE).
func TestManagedCertificateRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	auth, _ := h.dnsAuth("auth", "example.com")
	far, _ := h.mustCreate(dnsAuthToken, "far", map[string]any{"name": "far", "location": "us-east1", "domain": "example.com"})
	_, failures := h.check(cmCertificateToken, "c", map[string]any{"location": region})
	wantFailure(t, failures, "managed", "one of `managed,selfManaged` must be specified")
	for _, tc := range []struct {
		in   map[string]any
		want string
	}{
		{managedCert([]any{"example.com"}), "A regional Google-managed certificate needs dnsAuthorizations"},
		{with(managedCert([]any{"*.example.com"}), "location", nil), "load balancer authorization does not support wildcards"},
		{managedCert([]any{}, auth), "needs at least one domain"},
		{managedCert([]any{"example.com", "api.other.com"}, auth), "No DNS authorization of the certificate covers the domain 'api.other.com'"},
		{managedCert([]any{"a.b.example.com"}, auth), "covers the domain 'a.b.example.com'"},
		{managedCert([]any{"example.com"}, far), "a certificate in '" + region + "' needs authorizations of its own location"},
		{managedCert([]any{"example.com"}, "projects/"+producerProject+"/locations/"+region+"/dnsAuthorizations/gone"), "was not found"},
	} {
		_, _, err := h.create(cmCertificateToken, "mcert", tc.in)
		wantErr(t, err, tc.want)
	}
	id, out := h.mustCreate(cmCertificateToken, "mcert", managedCert([]any{"example.com", "*.example.com"}, auth))
	if want := "projects/" + producerProject + "/locations/" + region + "/certificates/mcert"; id != want {
		t.Errorf("ID = %q, want %q", id, want)
	}
	if out.str("scope") != "DEFAULT" {
		t.Errorf("scope = %q, want the provider's default DEFAULT", out.str("scope"))
	}
	wantErr(t, h.del(dnsAuthToken, auth), "resourceInUseByAnotherResource")
}

// CM-PROVISIONING: a managed certificate is PROVISIONING, its domains AUTHORIZING, until the
// authorization's CNAME is in a public zone; then ACTIVE on the next read. A private zone's
// record does not count.
func TestManagedCertificateProvisioning(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	auth, aout := h.dnsAuth("auth", "payments.example.com")
	rr := aout.objs("dnsResourceRecords")[0]
	id, out := h.mustCreate(cmCertificateToken, "mcert", managedCert([]any{"payments.example.com"}, auth))
	m := out.sub("managed")
	if m.str("state") != CertProvisioning || m.objs("authorizationAttemptInfos")[0].str("state") != "AUTHORIZING" ||
		!strings.Contains(m.objs("authorizationAttemptInfos")[0].str("details"), rr.str("name")) {
		t.Fatalf("before the record: managed = %v", m)
	}
	publish := func(zone, visibility string) {
		in := map[string]any{"name": zone, "dnsName": "example.com.", "visibility": visibility}
		if visibility == "private" {
			network, _ := h.mustCreate(networkToken, zone+"-vpc", map[string]any{"name": zone + "-vpc", "autoCreateSubnetworks": false})
			in["privateVisibilityConfig"] = map[string]any{"networks": []any{map[string]any{"networkUrl": network}}}
		}
		h.mustCreate(managedZoneToken, zone, in)
		h.mustCreate(recordSetToken, zone+"-rr", map[string]any{"managedZone": zone, "name": rr.str("name"), "type": "CNAME", "rrdatas": []any{rr.str("data")}})
	}
	state := func() string {
		_, got := h.read(cmCertificateToken, id)
		return got.sub("managed").str("state")
	}
	publish("private", "private")
	if s := state(); s != CertProvisioning {
		t.Errorf("with the record in a private zone: %s, want PROVISIONING", s)
	}
	publish("public", "public")
	if s := state(); s != CertActive {
		t.Errorf("with the record published: %s, want ACTIVE", s)
	}
}

// PROXY-CERTS: a regional HTTPS proxy takes an existing certificate of its region by ID or URL
// and holds it; the chain is intact once the managed certificate is ACTIVE.
func TestProxyManagedCertificateChain(t *testing.T) {
	t.Parallel()
	w := newChainWorld(t)
	h := w.prod
	auth, aout := h.dnsAuth("auth", "payments.example.com")
	cert, _ := h.mustCreate(cmCertificateToken, "mcert", managedCert([]any{"payments.example.com"}, auth))
	px := map[string]any{"name": "pxs", "urlMap": w.ids["urlmap"], "sslCertificates": []any{selfLinkOf(w.ids["cert"])}}
	cm := with(with(px, "sslCertificates", nil), "certificateManagerCertificates", []any{"projects/" + producerProject + "/locations/" + region + "/certificates/gone"})
	_, err := h.update(httpsProxyToken, w.ids["proxys"], px, cm)
	wantErr(t, err, "was not found")
	if _, err := h.update(httpsProxyToken, w.ids["proxys"], px, with(cm, "certificateManagerCertificates", []any{"//certificatemanager.googleapis.com/" + cert})); err != nil {
		t.Fatalf("a certificate by its URL: %v", err)
	}
	wantErr(t, h.del(cmCertificateToken, cert), "resourceInUseByAnotherResource")
	st := w.snapshot(t)
	s := only(t, st.EvaluateChains(time.Now()))
	if s.Intact || s.Link != LinkCertificate || !strings.Contains(s.Reason, "is PROVISIONING") {
		t.Errorf("chain with a PROVISIONING certificate: %+v", s)
	}
	rr := aout.objs("dnsResourceRecords")[0]
	h.mustCreate(managedZoneToken, "public", map[string]any{"name": "public", "dnsName": "example.com."})
	h.mustCreate(recordSetToken, "rr", map[string]any{"managedZone": "public", "name": rr.str("name"), "type": "CNAME", "rrdatas": []any{rr.str("data")}})
	if s := only(t, w.snapshot(t).EvaluateChains(time.Now())); !s.Intact {
		t.Errorf("chain with the certificate ACTIVE: %+v", s)
	}
}
