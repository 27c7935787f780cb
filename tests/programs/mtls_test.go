package programs

import (
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/secure"
)

// The mutual TLS program (ts/mtls.ts, python/mtls.py and the YAML project yaml/mtls through the generated SDK and the provider plugin,
// gonative.MTLS natively): an HTTPS producer that requires client certificates from the consumer
// organisation's CA (tls.clientAuth), then the same with ALLOW_INVALID_OR_MISSING_CLIENT_CERT.
var mtlsLangs = append(pick(langs("mtls", nil, gonative.MTLS), "ts", "python", "go"),
	lang{"yaml", true, func(env *harness.Env, project string) *harness.Stack {
		return env.YAMLStack("tests/programs/yaml/"+project, "prod")
	}})

func TestMutualTLS(t *testing.T) {
	run(t, mtlsLangs, func(t *testing.T, env *harness.Env, l lang) {
		cert, key := psctest.SelfSignedCert(t, hostname)
		clients := psctest.NewCA(t, "bank clients")
		good, goodKey := clients.ClientCert(t, "orders")
		stranger, strangerKey := psctest.NewCA(t, "someone else").ClientCert(t, "stranger")
		st := l.new(env, "mtls")
		configure(st, map[string]string{"invoker": caller, "clientCa": clients.CertPEM})
		st.SetConfig("tlsCertificate", cert, false)
		st.SetConfig("tlsPrivateKey", key, true)
		up := st.Up()
		secure.AssertPolicy(t, env, st)
		for _, typ := range []string{chain.TrustConfigType, chain.ServerTlsPolicyType} {
			rs := simRecords(t, env, typ)
			if len(rs) != 1 || rs[0].Project != producerProject || rs[0].Region != region {
				t.Fatalf("the simulator holds %v of %s, want one in %s/%s", rs, typ, producerProject, region)
			}
		}
		base := gcpsim.ClientRequest{Project: consumerProject, Network: up.OutputString(t, "consumerNetwork"), Region: region,
			Identity: caller, URL: "https://" + hostname + "/", CABundle: cert}
		withCert := func(c, k string) func(r *gcpsim.ClientRequest) {
			return func(r *gcpsim.ClientRequest) { r.ClientCert, r.ClientKey = c, k }
		}
		ok := callWant{status: 200}
		call := func(c callCase) {
			req := base
			if c.req != nil {
				c.req(&req)
			}
			assertCall(t, env, c.name, req, c.want)
			assertDoctor(t, env, st, c.name, req, c.want)
		}
		for _, c := range []callCase{
			{"no client certificate", nil, callWant{0, gcpsim.ErrTLS, gcpsim.LinkCertificate, "MTLS-VERIFY", "the client sent no certificate"}},
			{"another CA's client certificate", withCert(stranger, strangerKey),
				callWant{0, gcpsim.ErrTLS, gcpsim.LinkCertificate, "MTLS-VERIFY", "does not chain to a trust anchor"}},
			{"the bank's client certificate", withCert(good, goodKey), ok},
		} {
			call(c)
		}
		converged(t, st)

		// The opt-in: the policy is replaced (its mode is ForceNew) before the old one goes, and
		// every client gets through to the service.
		st.SetConfig("clientAuthMode", "ALLOW_INVALID_OR_MISSING_CLIENT_CERT", false)
		p := st.Preview()
		if n := p.Count(harness.OpReplace, chain.ServerTlsPolicyType); n != 1 {
			t.Errorf("changing the mode plans %d replacements of the server TLS policy, want 1", n)
		}
		st.Up()
		secure.AssertPolicy(t, env, st)
		for _, c := range []callCase{
			{"no client certificate, allowed", nil, ok},
			{"another CA's, allowed", withCert(stranger, strangerKey), ok},
		} {
			call(c)
		}
		converged(t, st)
		destroyed(t, env, st)
	})
}
