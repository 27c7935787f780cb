// Package acceptance deploys the Go producer and consumer examples through the real Pulumi engine
// and checks what a user would: the deployment converges (an empty preview, a refresh that changes
// nothing, an empty preview again), the endpoint is ACCEPTED, and, on Google Cloud, a VM in the
// consumer's VPC calls the service through the endpoint with an ID token.
//
// The same test runs on two targets. By default (`make test`) it runs on the GCP simulator, and
// everything but the data-plane probe runs. With CLOUDRUN_PSC_GCP=1 (`make e2e-gcp`, never in CI) it
// runs on Google Cloud, with the real pulumi-gcp plugin, in two projects named by the environment
// (see target.go and docs/maintaining.md).
package acceptance

import (
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/examples/go/programs"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

func TestAcceptance(t *testing.T) {
	tg := targetFromEnv(t)
	env := harness.New(t, tg.plugin)
	if tg.real {
		harness.OperationTimeout = tg.timeout
	}
	stack := tg.stack

	prod := env.GoStack("payments-producer", stack, programs.Producer)
	tg.configure(prod, tg.producerProject)
	prod.SetConfig("consumerProjects", harness.JSONList(tg.consumerProject), false)
	prod.SetConfig("invokers", harness.JSONList(tg.invoker), false)
	cons := env.GoStack("payments-consumer", stack, programs.Consumer)
	tg.configure(cons, tg.consumerProject)
	// Destroy whatever was created, even when a step below fails: on Google Cloud, a leftover
	// costs money (docs/maintaining.md says how to find one by hand).
	t.Cleanup(func() {
		for _, st := range []*harness.Stack{cons, prod} {
			if _, err := st.Try(harness.Destroy); err != nil {
				t.Errorf("destroying %s: %v (clean up by hand, see docs/maintaining.md)", st.Ref(), err)
			}
		}
		if !tg.real {
			if n := env.SimCount(); n != 0 {
				t.Errorf("the simulator holds %d resources after both destroys, want 0", n)
			}
		}
	})

	prodUp := prod.Up()
	uri := stringOutput(t, prodUp, "serviceAttachmentUri")
	if !strings.Contains(uri, "/serviceAttachments/") || !strings.Contains(uri, tg.producerProject) {
		t.Fatalf("serviceAttachmentUri = %q, want an attachment of project %s", uri, tg.producerProject)
	}
	assertSettled(t, prod)

	cons.SetConfig("serviceAttachment", uri, false)
	consUp := cons.Up()
	if got := stringOutput(t, consUp, "pscConnectionStatus"); got != "ACCEPTED" {
		t.Errorf("pscConnectionStatus = %q, want ACCEPTED (warnings: %v)", got, consUp.Warnings())
	}
	url := stringOutput(t, consUp, "url")
	if url != "http://payment-api.internal" {
		t.Errorf("url = %q, want http://payment-api.internal", url)
	}
	assertSettled(t, cons)

	if !tg.real {
		t.Log("simulator target: the data-plane probe runs on Google Cloud only (make e2e-gcp)")
		return
	}
	probe(t, env, tg, probeSpec{
		subnetwork: stringOutput(t, consUp, "subnetwork"),
		url:        url,
	})
}

// assertSettled checks that a deployed stack converged: the preview plans nothing, a refresh reads
// back what the state holds, and the preview after it plans nothing either.
func assertSettled(t *testing.T, st *harness.Stack) {
	t.Helper()
	for _, s := range []*harness.Summary{st.Preview(), st.Refresh(), st.Preview()} {
		if s.HasChanges() {
			t.Errorf("%s: %s after up reports changes:\n%s", st.Ref(), s.Operation, s)
		}
	}
}

func stringOutput(t *testing.T, s *harness.Summary, name string) string {
	t.Helper()
	v, err := s.Output(name)
	if err != nil {
		t.Fatal(err)
	}
	str, ok := v.(string)
	if !ok {
		t.Fatalf("output %s = %v (%T), want a string", name, v, v)
	}
	return str
}
