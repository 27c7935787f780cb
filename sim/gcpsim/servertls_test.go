package gcpsim

import (
	"context"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
)

// Mutual TLS: trust configs, server TLS policies, their use by HTTPS proxies (docs/gcp-rules.md
// MTLS-*), and the client certificate in a call (MTLS-VERIFY).

// clientCert issues a client certificate for name from ca with the extended key usage, valid
// until notAfter, and returns it and its key.
func clientCert(t *testing.T, ca *testCA, notAfter time.Time, name string, usage x509.ExtKeyUsage) (certPEM, keyPEM string) {
	t.Helper()
	return issueFor(t, ca, notAfter, usage, name)
}

// trustConfig returns the inputs of a trust config in location holding anchors.
func trustConfig(location string, anchors ...string) map[string]any {
	var list []any
	for _, a := range anchors {
		list = append(list, map[string]any{"pemCertificate": a})
	}
	return map[string]any{"name": "tc", "location": location, "trustStores": []any{map[string]any{"trustAnchors": list}}}
}

// serverTLSPolicy returns the inputs of a server TLS policy in location with mode and trust config.
func serverTLSPolicy(location, mode, trust string) map[string]any {
	return map[string]any{"name": "stp", "location": location, "mtlsPolicy": map[string]any{"clientValidationMode": mode, "clientValidationTrustConfig": trust}}
}

// MTLS-TRUST-PEM, MTLS-MODE, MTLS-LOCATION, MTLS-TRUST-REF, MTLS-IN-USE: what the API refuses in
// trust configs and policies, and what holds what.
func TestServerTLSPolicyRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	ca := newTestCA(t)
	_, failures := h.check(trustConfigToken, "tc", map[string]any{"name": "tc"})
	wantFailure(t, failures, "location", "Missing required property 'location'")
	_, _, err := h.create(trustConfigToken, "bad", trustConfig(region, "not a certificate"))
	wantErr(t, err, "is not PEM")
	_, _, err = h.create(trustConfigToken, "big", trustConfig(region, ca.pem+strings.Repeat(" ", maxTrustPEMBytes)))
	wantErr(t, err, "each may occupy up to 5kB")
	trust, _ := h.mustCreate(trustConfigToken, "tc", trustConfig(region, ca.pem))
	if want := "projects/" + producerProject + "/locations/" + region + "/trustConfigs/tc"; trust != want {
		t.Errorf("trust config ID = %q, want %q", trust, want)
	}
	_, failures = h.check(serverTLSPolicyToken, "stp", serverTLSPolicy(region, "OPTIONAL", trust))
	wantFailure(t, failures, "mtlsPolicy.clientValidationMode", "to be one of")
	for _, tc := range []struct {
		in   map[string]any
		want string
	}{
		{serverTLSPolicy(region, mtlsUnspecified, trust), "CLIENT_VALIDATION_MODE_UNSPECIFIED is not allowed"},
		{serverTLSPolicy(region, mtlsRejectInvalid, ""), "REJECT_INVALID requires a reference to a non-empty TrustConfig"},
		{serverTLSPolicy("global", mtlsRejectInvalid, trust), "a server TLS policy in 'global' needs one of its own location"},
		{serverTLSPolicy(region, mtlsRejectInvalid, "projects/"+producerProject+"/locations/"+region+"/trustConfigs/gone"), "was not found"},
	} {
		_, _, err := h.create(serverTLSPolicyToken, "stp", tc.in)
		wantErr(t, err, tc.want)
	}
	byNumber := "projects/" + formatInt(ProjectNumber(producerProject)) + "/locations/" + region + "/trustConfigs/tc"
	policy, out := h.mustCreate(serverTLSPolicyToken, "stp", serverTLSPolicy(region, mtlsRejectInvalid, byNumber))
	if out.str("location") != region {
		t.Errorf("policy location = %q", out.str("location"))
	}
	wantErr(t, h.del(trustConfigToken, trust), "resourceInUseByAnotherResource") // MTLS-IN-USE

	ids := h.producer()
	cert, key := selfSigned(t)
	certID, _ := h.mustCreate(sslCertificateToken, "cert", map[string]any{"name": "cert", "certificate": cert, "privateKey": key})
	proxy := func(policy string) map[string]any {
		return map[string]any{"name": "pxs", "urlMap": ids["urlmap"], "sslCertificates": []any{selfLinkOf(certID)}, "serverTlsPolicy": policy}
	}
	gtrust, _ := h.mustCreate(trustConfigToken, "gtc", with(trustConfig("global", ca.pem), "name", "gtc"))
	gpolicy, _ := h.mustCreate(serverTLSPolicyToken, "gstp", with(serverTLSPolicy("global", mtlsRejectInvalid, gtrust), "name", "gstp"))
	_, _, err = h.create(httpsProxyToken, "pxs", proxy(gpolicy))
	wantErr(t, err, "this target HTTPS proxy takes one in '"+region+"'") // MTLS-LOCATION
	px, _ := h.mustCreate(httpsProxyToken, "pxs", proxy(policy))
	wantErr(t, h.del(serverTLSPolicyToken, policy), "resourceInUseByAnotherResource")
	if err := h.del(httpsProxyToken, px); err != nil {
		t.Fatal(err)
	}
	if err := h.del(serverTLSPolicyToken, policy); err != nil {
		t.Errorf("a policy no proxy holds is deleted: %v", err)
	}
}

// mtlsWorld is the call world whose HTTPS proxy requires client certificates from ca in mode.
func mtlsWorld(t *testing.T, mode string) (*callWorld, *testCA) {
	t.Helper()
	w := newCallWorld(t)
	clients := newTestCA(t)
	trust, _ := w.prod.mustCreate(trustConfigToken, "tc", trustConfig(region, clients.pem))
	policy, _ := w.prod.mustCreate(serverTLSPolicyToken, "stp", serverTLSPolicy(region, mode, trust))
	w.ids["policy"] = policy
	old := map[string]any{"name": "pxs", "urlMap": w.ids["urlmap"], "sslCertificates": []any{selfLinkOf(w.ids["cert"])}}
	if _, err := w.prod.update(httpsProxyToken, w.ids["proxys"], old, with(old, "serverTlsPolicy", policy)); err != nil {
		t.Fatal(err)
	}
	return w, clients
}

// MTLS-VERIFY: with REJECT_INVALID, a client without a certificate, or with one the trust config
// does not vouch for, fails the handshake at the certificate link; one the client CA issued gets
// through. -k does not stand in for a client certificate.
func TestCallMutualTLSRejectInvalid(t *testing.T) {
	t.Parallel()
	w, clients := mtlsWorld(t, mtlsRejectInvalid)
	good, goodKey := clientCert(t, clients, time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC), "caller", x509.ExtKeyUsageClientAuth)
	stranger, strangerKey := clientCert(t, newTestCA(t), time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC), "stranger", x509.ExtKeyUsageClientAuth)
	expired, expiredKey := clientCert(t, clients, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), "late", x509.ExtKeyUsageClientAuth)
	server, serverKey := clientCert(t, clients, time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC), "server", x509.ExtKeyUsageServerAuth)
	for _, tc := range []struct {
		name      string
		cert, key string
		insecure  bool
		want      string
	}{
		{"no certificate", "", "", false, "the client sent no certificate"},
		{"no certificate with -k", "", "", true, "the client sent no certificate"},
		{"another CA's", stranger, strangerKey, false, "does not chain to a trust anchor of trust config"},
		{"expired", expired, expiredKey, false, "expired at 2030-01-01T00:00:00Z"},
		{"a server certificate", server, serverKey, false, "lacks the clientAuth extended key usage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := w.call(t, nil, func(req *ClientRequest) { req.ClientCert, req.ClientKey, req.Insecure = tc.cert, tc.key, tc.insecure }, time.Time{})
			if r.Error != ErrTLS || r.Link != LinkCertificate || r.Rule != "MTLS-VERIFY" || !strings.Contains(r.Reason, tc.want) ||
				!strings.Contains(r.Reason, "REJECT_INVALID") {
				t.Errorf("call = %+v, want a TLS failure at %s by MTLS-VERIFY saying %q", r, LinkCertificate, tc.want)
			}
		})
	}
	r := w.call(t, nil, func(req *ClientRequest) { req.ClientCert, req.ClientKey = good, goodKey }, time.Time{})
	if !r.OK() {
		t.Fatalf("call with the client CA's certificate = %+v, want 200", r)
	}
	found := false
	for _, h := range r.Hops {
		found = found || (h.Link == LinkCertificate && h.Resource == w.ids["policy"])
	}
	if !found {
		t.Errorf("hops %+v name no server TLS policy at the certificate link", r.Hops)
	}
	r = w.call(t, func(st *State) { delete(st.Resources, w.ids["policy"]) }, func(req *ClientRequest) { req.ClientCert, req.ClientKey = good, goodKey }, time.Time{})
	if r.Error != ErrTLS || r.Rule != "MTLS-VERIFY" || !strings.Contains(r.Reason, "does not exist") {
		t.Errorf("call with the policy gone = %+v, want a TLS failure", r)
	}
}

// MTLS-MODE: ALLOW_INVALID_OR_MISSING_CLIENT_CERT lets a client without a certificate, or with an
// invalid one, through to the service.
func TestCallMutualTLSAllowInvalid(t *testing.T) {
	t.Parallel()
	w, _ := mtlsWorld(t, mtlsAllowInvalid)
	stranger, strangerKey := clientCert(t, newTestCA(t), time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC), "stranger", x509.ExtKeyUsageClientAuth)
	for _, change := range []func(*ClientRequest){nil, func(req *ClientRequest) { req.ClientCert, req.ClientKey = stranger, strangerKey }} {
		if r := w.call(t, nil, change, time.Time{}); !r.OK() {
			t.Errorf("call = %+v, want 200: the mode lets every client through", r)
		}
	}
}

// A client certificate comes with its key, and the key must be its own (the proof of possession).
func TestClientRequestClientCertificate(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	cert, key := clientCert(t, ca, time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC), "caller", x509.ExtKeyUsageClientAuth)
	_, otherKey := clientCert(t, ca, time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC), "other", x509.ExtKeyUsageClientAuth)
	base := ClientRequest{Project: consumerProject, Region: region, URL: callerURL}
	for _, tc := range []struct {
		cert, key, field, want string
	}{
		{cert, "", "clientKey", "needs its private key"},
		{"", key, "clientCert", "needs its certificate"},
		{"junk", key, "clientCert", "holds no PEM certificate"},
		{cert, otherKey, "clientKey", "is not the PEM private key of the client certificate"},
	} {
		req := base
		req.ClientCert, req.ClientKey = tc.cert, tc.key
		err := req.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.field+": ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate = %v, want %s: %s", err, tc.field, tc.want)
		}
	}
	req := base
	req.ClientCert, req.ClientKey = cert, key
	if err := req.Validate(); err != nil {
		t.Errorf("a certificate with its key: %v", err)
	}
}

// MTLS-FORCENEW: a nested ForceNew field replaces the policy; the location and labels change in
// place.
func TestServerTLSPolicyDiff(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	olds := serverTLSPolicy(region, mtlsRejectInvalid, "projects/p/locations/"+region+"/trustConfigs/a")
	for _, tc := range []struct {
		news map[string]any
		key  string
		kind p.DiffKind
	}{
		{serverTLSPolicy(region, mtlsAllowInvalid, "projects/p/locations/"+region+"/trustConfigs/a"), "mtlsPolicy", p.UpdateReplace},
		{serverTLSPolicy(region, mtlsRejectInvalid, "projects/p/locations/"+region+"/trustConfigs/b"), "mtlsPolicy", p.UpdateReplace},
		{with(olds, "labels", map[string]any{"a": "b"}), "labels", p.Add},
		{with(olds, "location", "global"), "location", p.Update},
	} {
		resp, err := h.sim.Diff(context.Background(), p.DiffRequest{ID: "id", Urn: urnOf(serverTLSPolicyToken, "r"), State: props(olds), OldInputs: props(olds), Inputs: props(tc.news)})
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.DetailedDiff[tc.key].Kind; got != tc.kind {
			t.Errorf("diff of %s = %v, want %v (%v)", tc.key, got, tc.kind, resp.DetailedDiff)
		}
	}
}
