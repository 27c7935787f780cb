package programs

import (
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
)

// The private-TLS programs (gonative.PrivateTlsProducer and PrivateTlsConsumer): a producer on
// payment-api.internal whose certificate a CA Service root CA the component created issues
// (tls.private.createCa), a consumer reading its stack. The consumer's caCertificatePem output,
// read from the producer's stack, is what a caller trusts: with it the call succeeds, without it
// (or with another CA) the client refuses the certificate.
func TestPrivateTLS(t *testing.T) {
	producers := pick(langs("privatetls", nil, gonative.PrivateTlsProducer), "go")
	consumers := pick(langs("privatetls", nil, gonative.PrivateTlsConsumer), "go")
	run(t, producers, func(t *testing.T, env *harness.Env, l lang) {
		prod := l.new(env, "privatetls-producer")
		prod.Configure(producerProject, region, map[string]string{"consumerProject": consumerProject, "invoker": caller,
			"caDeletionProtection": "false"})
		pup := prod.Up()
		bundle := pup.OutputString(t, "caCertificatePem")
		if !strings.Contains(bundle, "BEGIN CERTIFICATE") {
			t.Fatalf("the producer's caCertificatePem is %q, want the root CA's PEM", bundle)
		}
		cons := consumers[0].new(env, "privatetls-consumer")
		cons.Configure(consumerProject, region, map[string]string{"otherRegion": secondRegion, "producerStack": prod.Ref(),
			"endpoints": "primary"})
		cup := cons.Up()
		if got := cup.OutputString(t, "caCertificatePem"); got != bundle {
			t.Errorf("the consumer's caCertificatePem is %q, want the producer's", got)
		}
		converged(t, prod)
		converged(t, cons)
		base := gcpsim.ClientRequest{Project: consumerProject, Network: cup.OutputString(t, "consumerNetwork"), Region: region,
			Identity: caller, URL: "https://" + hostname + "/", CABundle: bundle}
		assertCall(t, env, "trusting the consumer's caCertificatePem", base, callWant{status: 200})
		untrusting := base
		untrusting.CABundle = ""
		assertCall(t, env, "without a CA bundle", untrusting, callWant{err: gcpsim.ErrTLS, link: gcpsim.LinkCertificate,
			rule: "TLS-VERIFY", reason: "no CA bundle"})
		other, _ := psctest.SelfSignedCert(t, hostname)
		untrusting.CABundle = other
		assertCall(t, env, "trusting another CA", untrusting, callWant{err: gcpsim.ErrTLS, link: gcpsim.LinkCertificate,
			rule: "TLS-VERIFY", reason: "does not chain to the client's CA bundle"})
		destroyed(t, env, cons, prod)
	})
}
