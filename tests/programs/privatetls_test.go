package programs

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/secure"
)

// The private-TLS programs (ts/privatetls.ts and python/privatetls.py through the generated SDKs
// and the provider plugin, gonative.PrivateTlsProducer and PrivateTlsConsumer natively): a producer
// on payment-api.internal whose certificate a CA Service root CA the component created issues
// (tls.private.createCa), a consumer reading its stack. The consumer's caCertificatePem output,
// read from the producer's stack, is what a caller trusts: with it the call succeeds, without it
// (or with another CA) the client refuses the certificate.
func privateTLSLangs() (producers, consumers []lang) {
	versions := func(export string, native pulumi.RunFunc) []lang {
		ls := langs("privatetls", nil, native)
		ls[0].new = func(env *harness.Env, project string) *harness.Stack {
			return env.NodeStack(project, "prod", "tests/programs/ts/privatetls.ts", export)
		}
		ls[1].new = func(env *harness.Env, project string) *harness.Stack {
			return env.PythonStack(project, "prod", "tests/programs/python/privatetls.py", export)
		}
		return pick(ls, "ts", "python", "go")
	}
	return versions("privateTlsProducer", gonative.PrivateTlsProducer), versions("privateTlsConsumer", gonative.PrivateTlsConsumer)
}

func TestPrivateTLS(t *testing.T) {
	producers, consumers := privateTLSLangs()
	run(t, producers, func(t *testing.T, env *harness.Env, l lang) {
		privateTLSDrill(t, env, l, consumers[slices.IndexFunc(producers, func(p lang) bool { return p.name == l.name })])
	})
}

// TestPrivateTLSYAML is TestPrivateTLS for the Pulumi YAML projects yaml/privatetls-producer and
// yaml/privatetls-consumer, through the YAML language host and the provider plugin.
func TestPrivateTLSYAML(t *testing.T) {
	yaml := lang{"yaml", true, func(env *harness.Env, project string) *harness.Stack {
		return env.YAMLStack("tests/programs/yaml/"+project, "prod")
	}}
	run(t, []lang{yaml}, func(t *testing.T, env *harness.Env, l lang) { privateTLSDrill(t, env, l, l) })
}

// privateTLSDrill is TestPrivateTLS for one language's producer and consumer.
func privateTLSDrill(t *testing.T, env *harness.Env, l, consumer lang) {
	prod := l.new(env, "privatetls-producer")
	prod.Configure(producerProject, region, map[string]string{"consumerProject": consumerProject, "invoker": caller,
		"caDeletionProtection": "false"})
	pup := prod.Up()
	bundle := pup.OutputString(t, "caCertificatePem")
	if !strings.Contains(bundle, "BEGIN CERTIFICATE") {
		t.Fatalf("the producer's caCertificatePem is %q, want the root CA's PEM", bundle)
	}
	cons := consumer.new(env, "privatetls-consumer")
	cons.Configure(consumerProject, region, map[string]string{"otherRegion": secondRegion, "producerStack": prod.Ref(),
		"endpoints": "primary"})
	cup := cons.Up()
	if got := cup.OutputString(t, "caCertificatePem"); got != bundle {
		t.Errorf("the consumer's caCertificatePem is %q, want the producer's", got)
	}
	converged(t, prod)
	converged(t, cons)
	if l.name == "go" {
		// A CA-issued certificate renews itself: the pack has nothing to say, not even its
		// advisory internal-https-ca-issued (the state is the same in every language).
		if acks := secure.AssertPolicy(t, env, prod, cons); len(acks) != 0 {
			t.Errorf("the pack reports %v on a tls.private producer and its consumer, want nothing", acks)
		}
	}
	base := gcpsim.ClientRequest{Project: consumerProject, Network: cup.OutputString(t, "consumerNetwork"), Region: region,
		Identity: caller, URL: "https://" + hostname + "/", CABundle: bundle}
	assertCall(t, env, "trusting the consumer's caCertificatePem", base, callWant{status: 200})
	untrusting := base
	untrusting.CABundle = ""
	assertCall(t, env, "without a CA bundle", untrusting, callWant{err: gcpsim.ErrTLS, link: gcpsim.LinkCertificate,
		rule: "TLS-VERIFY", reason: "issued by the private CA payments root CA and the client has no CA bundle"})
	other, _ := psctest.SelfSignedCert(t, hostname)
	untrusting.CABundle = other
	assertCall(t, env, "trusting another CA", untrusting, callWant{err: gcpsim.ErrTLS, link: gcpsim.LinkCertificate,
		rule: "TLS-VERIFY", reason: "does not chain to the client's CA bundle"})
	destroyed(t, env, cons, prod)
}
