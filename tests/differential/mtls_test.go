package differential

import (
	"crypto/x509"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// Mutual TLS (MTLS-VERIFY): the HTTPS proxy's server TLS policy and its trust config, as the
// ProducerService "api" makes them (tls.clientAuth), and the client certificate the request
// presents.

// mtlsPKI is the consumer organisation's client CA, a client certificate it issued with its key,
// one of another CA, and one of the client CA without the clientAuth usage.
type mtlsPKI struct{ ca, cert, key, stranger, strangerKey, server, serverKey string }

// newMTLSPKI issues the client certificates; other is a CA the client CA is not.
func newMTLSPKI(t *testing.T, other *testCA) mtlsPKI {
	t.Helper()
	clients := newCA(t, "bank clients")
	p := mtlsPKI{ca: clients.pem}
	p.cert, p.key = clients.issueFor(t, certExpiry, x509.ExtKeyUsageClientAuth, "orders")
	p.stranger, p.strangerKey = other.issueFor(t, certExpiry, x509.ExtKeyUsageClientAuth, "stranger")
	p.server, p.serverKey = clients.issueFor(t, certExpiry, x509.ExtKeyUsageServerAuth, "orders")
	return p
}

// The names of the component's mutual TLS children, in the producer's project and region.
var (
	mtlsPolicyID = "projects/" + producerProject + "/locations/" + region + "/serverTlsPolicies/api-client-tls"
	mtlsTrustID  = "projects/" + producerProject + "/locations/" + region + "/trustConfigs/api-trust-config"
)

// clientAuth puts the server TLS policy of mode (and its trust config of the client CA, unless
// the policy's trust config is gone) on the HTTPS proxy, and has the client present the
// certificate and key that pick chooses.
func clientAuth(mode string, trust bool, pick func(p mtlsPKI) (cert, key string)) func(w *world) {
	return func(w *world) {
		if trust {
			w.put(chain.TrustConfigType, mtlsTrustID, map[string]any{"location": region, "trustStores": []any{
				map[string]any{"trustAnchors": []any{map[string]any{"pemCertificate": w.b.mtls.ca}}}}})
		}
		uses := []string{}
		if trust {
			uses = append(uses, mtlsTrustID)
		}
		w.put(chain.ServerTlsPolicyType, mtlsPolicyID, map[string]any{"location": region, "mtlsPolicy": map[string]any{
			"clientValidationMode": mode, "clientValidationTrustConfig": mtlsTrustID}}, uses...)
		w.out("proxys")["serverTlsPolicy"] = mtlsPolicyID
		w.rec("proxys").Uses = append(w.rec("proxys").Uses, mtlsPolicyID)
		w.req.ClientCert, w.req.ClientKey = pick(w.b.mtls)
	}
}

// The client certificates an option presents.
func noCert(mtlsPKI) (string, string)            { return "", "" }
func trustedCert(p mtlsPKI) (string, string)     { return p.cert, p.key }
func strangerCert(p mtlsPKI) (string, string)    { return p.stranger, p.strangerKey }
func serverUsageCert(p mtlsPKI) (string, string) { return p.server, p.serverKey }

// clientTrustAnchors are the component's clientTrustAnchorsPem output: its trust config's anchors,
// which the trust config keeps as secrets.
func clientTrustAnchors(st *gcpsim.State) []any {
	out := []any{}
	if tc := st.Resources[mtlsTrustID]; tc != nil {
		for _, s := range tc.Outputs["trustStores"].([]any) {
			for _, a := range s.(map[string]any)["trustAnchors"].([]any) {
				out = append(out, a.(map[string]any)["pemCertificate"])
			}
		}
	}
	return out
}

// mtlsDimension varies the producer's tls.clientAuth and the client's certificate.
var mtlsDimension = dimension{"client-auth", []option{
	{"none", nil},
	{"none-with-client-cert", func(w *world) { w.req.ClientCert, w.req.ClientKey = trustedCert(w.b.mtls) }},
	{"reject-no-cert", clientAuth("REJECT_INVALID", true, noCert)},
	{"reject-trusted-cert", clientAuth("REJECT_INVALID", true, trustedCert)},
	{"reject-other-ca", clientAuth("REJECT_INVALID", true, strangerCert)},
	{"reject-server-cert", clientAuth("REJECT_INVALID", true, serverUsageCert)},
	{"reject-trust-config-gone", clientAuth("REJECT_INVALID", false, trustedCert)},
	{"allow-no-cert", clientAuth("ALLOW_INVALID_OR_MISSING_CLIENT_CERT", true, noCert)},
	{"allow-other-ca", clientAuth("ALLOW_INVALID_OR_MISSING_CLIENT_CERT", true, strangerCert)},
}}
