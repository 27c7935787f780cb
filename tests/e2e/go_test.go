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
	configure(prod, producerProject, nil)
	configure(cons, consumerProject, map[string]string{"producerStack": prod.Ref()})
	up := deploy(t, prod, producerPlan)
	uri := output(t, up, "serviceAttachmentUri")
	if !strings.HasPrefix(uri, "projects/producer-prj/regions/europe-west1/serviceAttachments/payments-attachment") {
		t.Errorf("serviceAttachmentUri = %q", uri)
	}

	// Nobody is accepted yet: the endpoint is PENDING and the component says why.
	consUp := deploy(t, cons, consumerPlan)
	if got := output(t, consUp, "pscConnectionStatus"); got != "PENDING" {
		t.Errorf("status before acceptance = %q, want PENDING", got)
	}
	if !warnedWith(consUp, "PENDING", "consumerProject") {
		t.Errorf("a PENDING endpoint must warn and name the fix, warnings: %v", consUp.Warnings())
	}
	if got := output(t, consUp, "serviceAttachmentUri"); got != uri {
		t.Errorf("consumer connected to %q, want %q", got, uri)
	}

	// The producer accepts the consumer's stack; reconcileConnections moves the endpoint to
	// ACCEPTED, which the consumer sees on refresh.
	configure(prod, producerProject, map[string]string{"consumerStacks": `["` + cons.Ref() + `"]`})
	if p := prod.Preview(); p.Count(harness.OpUpdate, tAttachment) != 1 || p.Count(harness.OpReplace, "") != 0 {
		t.Errorf("accepting a consumer must update the attachment in place, plan: %v", p.ByType())
	}
	prod.Up()
	cons.Refresh()
	consUp = cons.Up()
	if got := output(t, consUp, "pscConnectionStatus"); got != "ACCEPTED" {
		t.Errorf("status after acceptance = %q, want ACCEPTED", got)
	}
	if warnedWith(consUp, "PSC connection status") {
		t.Errorf("an ACCEPTED endpoint must not warn: %v", consUp.Warnings())
	}
	if got := output(t, consUp, "url"); got != "http://payment-api.internal" {
		t.Errorf("url = %q", got)
	}
	assertConverged(t, prod)
	assertConverged(t, cons)
	destroyAll(t, env, cons, prod)
}

// The consumer takes the attachment URI as a plain string, and the producer accepts it by
// project from its configuration.
func TestGoConsumerWithPlainURI(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP())
	prod := env.GoStack("payments-producer", "dev", programs.Producer)
	configure(prod, producerProject, map[string]string{"consumerProjects": `["` + consumerProject + `"]`})
	uri := output(t, deploy(t, prod, producerPlan), "serviceAttachmentUri")

	cons := env.GoStack("payments-consumer", "dev", programs.Consumer)
	configure(cons, consumerProject, map[string]string{"serviceAttachment": uri})
	up := deploy(t, cons, consumerPlan)
	if got := output(t, up, "pscConnectionStatus"); got != "ACCEPTED" {
		t.Errorf("status = %q, want ACCEPTED", got)
	}
	if ip := output(t, up, "ipAddress"); !strings.HasPrefix(ip, "192.168.10.") {
		t.Errorf("endpoint IP %q is not from the consumer subnet 192.168.10.0/24", ip)
	}
	assertConverged(t, cons)
	destroyAll(t, env, cons, prod)
}
