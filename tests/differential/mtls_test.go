package differential

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// Mutual TLS (MTLS-VERIFY): the HTTPS proxy's server TLS policy and its trust config, as the
// ProducerService "api" makes them (tls.clientAuth), and the client certificate the request
// presents.

// mtlsPKI is the consumer organisation's client CA, a certificate it issued with its key, one of
// another CA, and one of the client CA without the clientAuth usage.
var mtlsPKI = func() (p struct{ ca, cert, key, stranger, strangerKey, server, serverKey string }) {
	newCA := func(name string) (*x509.Certificate, *ecdsa.PrivateKey, string) {
		key := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)}
		der := must(x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key))
		return must(x509.ParseCertificate(der)), key, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	}
	issue := func(ca *x509.Certificate, caKey *ecdsa.PrivateKey, usage x509.ExtKeyUsage) (string, string) {
		key := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "orders"},
			NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: certExpiry, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
		der := must(x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey))
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
			string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(key))}))
	}
	ca, caKey, caPEM := newCA("bank clients")
	other, otherKey, _ := newCA("someone else")
	p.ca = caPEM
	p.cert, p.key = issue(ca, caKey, x509.ExtKeyUsageClientAuth)
	p.stranger, p.strangerKey = issue(other, otherKey, x509.ExtKeyUsageClientAuth)
	p.server, p.serverKey = issue(ca, caKey, x509.ExtKeyUsageServerAuth)
	return p
}()

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// The names of the component's mutual TLS children, in the producer's project and region.
var (
	mtlsPolicyID = "projects/" + producerProject + "/locations/" + region + "/serverTlsPolicies/api-client-tls"
	mtlsTrustID  = "projects/" + producerProject + "/locations/" + region + "/trustConfigs/api-trust-config"
)

// clientAuth puts the server TLS policy of mode (and its trust config of the client CA, unless
// the policy's trust config is gone) on the HTTPS proxy, and has the client present cert.
func clientAuth(mode string, trust bool, cert, key string) func(w *world) {
	return func(w *world) {
		if trust {
			w.put(chain.TrustConfigType, mtlsTrustID, map[string]any{"location": region, "trustStores": []any{
				map[string]any{"trustAnchors": []any{map[string]any{"pemCertificate": mtlsPKI.ca}}}}})
		}
		uses := []string{}
		if trust {
			uses = append(uses, mtlsTrustID)
		}
		w.put(chain.ServerTlsPolicyType, mtlsPolicyID, map[string]any{"location": region, "mtlsPolicy": map[string]any{
			"clientValidationMode": mode, "clientValidationTrustConfig": mtlsTrustID}}, uses...)
		w.out("proxys")["serverTlsPolicy"] = mtlsPolicyID
		w.rec("proxys").Uses = append(w.rec("proxys").Uses, mtlsPolicyID)
		w.req.ClientCert, w.req.ClientKey = cert, key
	}
}

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
	{"none-with-client-cert", func(w *world) { w.req.ClientCert, w.req.ClientKey = mtlsPKI.cert, mtlsPKI.key }},
	{"reject-no-cert", clientAuth("REJECT_INVALID", true, "", "")},
	{"reject-trusted-cert", clientAuth("REJECT_INVALID", true, mtlsPKI.cert, mtlsPKI.key)},
	{"reject-other-ca", clientAuth("REJECT_INVALID", true, mtlsPKI.stranger, mtlsPKI.strangerKey)},
	{"reject-server-cert", clientAuth("REJECT_INVALID", true, mtlsPKI.server, mtlsPKI.serverKey)},
	{"reject-trust-config-gone", clientAuth("REJECT_INVALID", false, mtlsPKI.cert, mtlsPKI.key)},
	{"allow-no-cert", clientAuth("ALLOW_INVALID_OR_MISSING_CLIENT_CERT", true, "", "")},
	{"allow-other-ca", clientAuth("ALLOW_INVALID_OR_MISSING_CLIENT_CERT", true, mtlsPKI.stranger, mtlsPKI.strangerKey)},
}}
