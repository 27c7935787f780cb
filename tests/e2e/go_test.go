package e2e

import (
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/examples/go/programs"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// The Go examples end to end, in both directions: the consumer reads the attachment URI from the
// producer's stack, then the producer reads the consumer's project from the consumer's stack.
func TestGoProducerAndConsumerBothDirections(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP())
	prod := env.GoStack("payments-producer", "dev", programs.Producer)
	cons := env.GoStack("payments-consumer", "dev", programs.Consumer)
	// The producer goes first, accepting nobody yet: its accept list will come from the
	// consumer's stack, which does not exist yet.
	prod.Configure(producerProject, region, nil)
	cons.Configure(consumerProject, region, map[string]string{"producerStack": prod.Ref()})
	uri := deployProducer(t, prod)

	// Nobody is accepted yet: the endpoint is PENDING and the component says why.
	consUp := deploy(t, cons, consumerPlan)
	pendingThenAccepted(t, env, prod, cons, consUp, uri)
}

// The consumer takes the attachment URI as a plain string, and the producer accepts it by
// project from its configuration.
func TestGoConsumerWithPlainURI(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP())
	prod := env.GoStack("payments-producer", "dev", programs.Producer)
	prod.Configure(producerProject, region, map[string]string{"consumerProjects": `["` + consumerProject + `"]`})
	uri := deploy(t, prod, producerPlan).OutputString(t, "serviceAttachmentUri")

	cons := env.GoStack("payments-consumer", "dev", programs.Consumer)
	cons.Configure(consumerProject, region, map[string]string{"serviceAttachment": uri})
	up := deploy(t, cons, consumerPlan)
	if got := up.OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
		t.Errorf("status = %q, want ACCEPTED", got)
	}
	if ip := up.OutputString(t, "ipAddress"); !strings.HasPrefix(ip, "192.168.10.") {
		t.Errorf("endpoint IP %q is not from the consumer subnet 192.168.10.0/24", ip)
	}
	assertConverged(t, cons)
	assertSecureByDefault(t, env, prod, cons)
	destroyAll(t, env, cons, prod)
}
