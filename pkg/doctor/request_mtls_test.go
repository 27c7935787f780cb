package doctor

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// mtlsWorld is callWorld whose HTTPS proxy requires client certificates from ca in mode, through
// a server TLS policy and a trust config the producer stack holds (readable anchors).
func mtlsWorld(t *testing.T, ca *psctest.CA, mode string) (producer, consumer *Side, req Request) {
	t.Helper()
	p, c, req := callWorld(t)
	const loc = "projects/p/locations/europe-west1/"
	get(p, "targetHttpsProxies/px").Outputs["serverTlsPolicy"] = loc + "serverTlsPolicies/api-client-tls"
	p.Resources = append(p.Resources,
		&Resource{URN: "urn:pulumi:dev::prod::" + chain.ProducerServiceType + "$" + chain.ServerTlsPolicyType + "::api-client-tls",
			Type: chain.ServerTlsPolicyType, ID: loc + "serverTlsPolicies/api-client-tls", Custom: true,
			Outputs: map[string]any{"mtlsPolicy": map[string]any{"clientValidationMode": mode, "clientValidationTrustConfig": loc + "trustConfigs/api-trust-config"}}},
		&Resource{URN: "urn:pulumi:dev::prod::" + chain.ProducerServiceType + "$" + chain.TrustConfigType + "::api-trust-config",
			Type: chain.TrustConfigType, ID: loc + "trustConfigs/api-trust-config", Custom: true,
			Outputs: map[string]any{"trustStores": []any{map[string]any{"trustAnchors": []any{map[string]any{"pemCertificate": ca.CertPEM}}}}}})
	return p, c, req
}

// MTLS-VERIFY, as the simulator decides it: with REJECT_INVALID no client certificate, or one of
// another CA, fails the handshake at the certificate link; the trusted CA's passes; with
// ALLOW_INVALID_OR_MISSING_CLIENT_CERT every client passes.
func TestAskMutualTLS(t *testing.T) {
	ca := psctest.NewCA(t, "clients")
	good, goodKey := ca.ClientCert(t, "orders")
	stranger, strangerKey := psctest.NewCA(t, "other").ClientCert(t, "stranger")
	for _, tc := range []struct {
		name, mode, cert, key string
		ok                    bool
		cause                 string
	}{
		{"no certificate", mtlsRejectInvalid, "", "", false, "the client sent no certificate"},
		{"another CA's", mtlsRejectInvalid, stranger, strangerKey, false, "does not chain to a trust anchor"},
		{"the trusted CA's", mtlsRejectInvalid, good, goodKey, true, ""},
		{"no certificate, allowed", mtlsAllowInvalid, "", "", true, ""},
		{"another CA's, allowed", mtlsAllowInvalid, stranger, strangerKey, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, c, req := mtlsWorld(t, ca, tc.mode)
			req.ClientCert, req.ClientKey = tc.cert, tc.key
			a := ask(t, p, c, req, time.Now())
			if tc.ok {
				if !a.OK() {
					t.Errorf("answer %s at %s (%s): %s, want 200", a.Outcome(), a.Link, a.Rule, a.Cause)
				}
				return
			}
			if a.Error != ErrTLS || a.Link != chain.LinkCertificate || a.Rule != "MTLS-VERIFY" || !strings.Contains(a.Cause, tc.cause) || a.Fix == "" {
				t.Errorf("answer %s at %s (%s): %s; fix %q; want a TLS failure by MTLS-VERIFY saying %q", a.Outcome(), a.Link, a.Rule, a.Cause, a.Fix, tc.cause)
			}
		})
	}
}

// The trust config's anchors are secrets in the stack: doctor reads them from the component's
// clientTrustAnchorsPem output, and without a component assumes and says so.
func TestAskMutualTLSSecretAnchors(t *testing.T) {
	ca := psctest.NewCA(t, "clients")
	stranger, strangerKey := psctest.NewCA(t, "other").ClientCert(t, "stranger")
	hide := func(p *Side) {
		get(p, "trustConfigs/api-trust-config").Outputs["trustStores"] = []any{map[string]any{"trustAnchors": []any{map[string]any{"pemCertificate": "[secret]"}}}}
	}
	p, c, req := mtlsWorld(t, ca, mtlsRejectInvalid)
	hide(p)
	p.Resources = append(p.Resources, &Resource{URN: "urn:pulumi:dev::prod::" + chain.ProducerServiceType + "::api", Type: chain.ProducerServiceType,
		Outputs: map[string]any{"clientTrustAnchorsPem": []any{ca.CertPEM}}})
	req.ClientCert, req.ClientKey = stranger, strangerKey
	if a := ask(t, p, c, req, time.Now()); a.Rule != "MTLS-VERIFY" || !strings.Contains(a.Cause, "does not chain") {
		t.Errorf("anchors from the component: %s (%s) %s", a.Outcome(), a.Rule, a.Cause)
	}
	p, c, req = mtlsWorld(t, ca, mtlsRejectInvalid)
	hide(p)
	req.ClientCert, req.ClientKey = stranger, strangerKey
	a := ask(t, p, c, req, time.Now())
	if !a.OK() || !slices.ContainsFunc(a.Warnings, func(w Assumption) bool {
		return w.Link == chain.LinkCertificate && strings.Contains(w.Assumption, "keeps secret")
	}) {
		t.Errorf("secret anchors: %s, warnings %+v", a.Outcome(), a.Warnings)
	}
}

// --cert and --key go together, and the key is the certificate's.
func TestRequestClientCertificate(t *testing.T) {
	ca := psctest.NewCA(t, "clients")
	cert, key := ca.ClientCert(t, "orders")
	_, other := ca.ClientCert(t, "other")
	_, _, req := callWorld(t)
	for _, tc := range []struct{ cert, key, want string }{
		{cert, "", "--key: a client certificate (--cert) needs its private key"},
		{"", key, "--cert: a client key (--key) needs its certificate"},
		{cert, other, "--key: is not the PEM private key of the --cert certificate"},
	} {
		r := req
		r.ClientCert, r.ClientKey = tc.cert, tc.key
		if err := r.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate = %v, want %q", err, tc.want)
		}
	}
}
