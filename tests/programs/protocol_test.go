package programs

import (
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/examples/go/programs"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// The Go example programs (examples/go/programs), natively, in two stacks: the producer serving
// HTTPS exports its protocol, and the consumer, which reads the producer's stack and passes its
// DnsBinding the endpoint's producerProtocol, says https:// in its url without protocol being
// configured. A consumer configured with protocol HTTP is refused at preview naming protocol, and
// its up creates no zone and no record.
func TestDnsBindingURLFollowsTheProducersProtocol(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP())
	cert, key := psctest.SelfSignedCert(t, hostname)
	prod := env.GoStack("payments-producer", "prod", programs.Producer)
	prod.Configure(producerProject, region, map[string]string{"consumerProjects": harness.JSONList(consumerProject), "tlsCertificate": cert})
	prod.SetConfig("tlsPrivateKey", key, true)
	if got := prod.Up().OutputString(t, "protocol"); got != chain.HTTPS {
		t.Fatalf("the producer's protocol output = %q, want HTTPS", got)
	}

	wrong := env.GoStack("payments-consumer", "wrong", programs.Consumer)
	wrong.Configure(consumerProject, region, map[string]string{"producerStack": prod.Ref(), "protocol": chain.HTTP})
	for _, op := range []harness.Operation{harness.Preview, harness.Up} {
		sum, err := wrong.Try(op)
		if err == nil || !strings.Contains(err.Error(), `invalid DnsBinding "payments-dns"`) ||
			!strings.Contains(err.Error(), "protocol: HTTP disagrees with producerProtocol HTTPS") {
			t.Errorf("%s with protocol HTTP against the HTTPS producer: %v, want it refused naming protocol\n%s", op, err, sum)
		}
	}
	for _, r := range env.SimList() {
		if r.Type == chain.ManagedZoneType || r.Type == chain.RecordSetType {
			t.Errorf("the refused DnsBinding created %s %s", r.Type, r.ID)
		}
	}
	wrong.Destroy()

	cons := env.GoStack("payments-consumer", "prod", programs.Consumer)
	cons.Configure(consumerProject, region, map[string]string{"producerStack": prod.Ref()})
	if got := cons.Up().OutputString(t, "url"); got != "https://"+hostname {
		t.Errorf("url = %q, want https://%s: the DnsBinding takes the HTTPS producer's scheme without protocol", got, hostname)
	}
	converged(t, cons)
	destroyed(t, env, cons, prod)
}
