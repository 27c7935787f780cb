package programs

import (
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
)

// The protocol programs (go/protocol.go), natively: against an HTTPS producer, a consumer whose
// DnsBinding is given the endpoint's producerProtocol, and no protocol, says https:// in its
// url. A consumer that sets protocol: HTTP is refused at preview naming protocol, and its up
// creates no zone and no record.
func TestDnsBindingURLFollowsTheProducersProtocol(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP())
	cert, key := psctest.SelfSignedCert(t, hostname)
	prod := env.GoStack("protocol-producer", "prod", gonative.ProtocolProducer)
	prod.Configure(producerProject, region, map[string]string{"consumerProject": consumerProject, "tlsCertificate": cert})
	prod.SetConfig("tlsPrivateKey", key, true)
	if got := prod.Up().OutputString(t, "protocol"); got != chain.HTTPS {
		t.Fatalf("the producer's protocol output = %q, want HTTPS", got)
	}

	wrong := env.GoStack("protocol-consumer", "wrong", gonative.ProtocolConsumer)
	wrong.Configure(consumerProject, region, map[string]string{"producerStack": prod.Ref(), "protocol": chain.HTTP})
	refusal := `invalid DnsBinding "payments-dns"`
	for _, op := range []harness.Operation{harness.Preview, harness.Up} {
		sum, err := wrong.Try(op)
		if err == nil || !strings.Contains(err.Error(), refusal) || !strings.Contains(err.Error(), "protocol: HTTP disagrees with producerProtocol HTTPS") {
			t.Errorf("%s with protocol HTTP against the HTTPS producer: %v, want it refused naming protocol\n%s", op, err, sum)
		}
	}
	for _, r := range env.SimList() {
		if r.Type == chain.ManagedZoneType || r.Type == chain.RecordSetType {
			t.Errorf("the refused DnsBinding created %s %s", r.Type, r.ID)
		}
	}
	wrong.Destroy()

	cons := env.GoStack("protocol-consumer", "prod", gonative.ProtocolConsumer)
	cons.Configure(consumerProject, region, map[string]string{"producerStack": prod.Ref()})
	up := cons.Up()
	if got := up.OutputString(t, "producerProtocol"); got != chain.HTTPS {
		t.Errorf("the endpoint's producerProtocol = %q, want HTTPS, read from the producer's stack", got)
	}
	if got := up.OutputString(t, "url"); got != "https://"+hostname {
		t.Errorf("url = %q, want https://%s: the DnsBinding takes the HTTPS producer's scheme without protocol", got, hostname)
	}
	converged(t, cons)
	destroyed(t, env, cons, prod)
}
