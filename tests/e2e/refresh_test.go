package e2e

import (
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// documentedRefresh is the engine operation of the command the component descriptions, the
// connection statuses' fixes, doctor and the docs tell a user to run once the producer has
// acted (chain.RefreshOutputs), as the harness names it; an operation the harness does not know
// fails the test that runs it.
func documentedRefresh() harness.Operation {
	return harness.Operation(strings.TrimPrefix(chain.RefreshOutputs, "pulumi "))
}

// stateOutput is an output of the stack's one component of type token, as its state holds it.
func stateOutput(t *testing.T, st *harness.Stack, token, name string) any {
	t.Helper()
	for _, r := range st.Export().Resources {
		if string(r.Type) == token {
			return r.Outputs[name]
		}
	}
	t.Fatalf("%s holds no %s", st.Ref(), token)
	return nil
}

// A consumer the producer has not accepted is PENDING; the producer then accepts it, and the
// consumer runs the command the docs name, and nothing else: the ConsumerEndpoint's
// pscConnectionStatus output then reads ACCEPTED. A second consumer, accepted at the same time,
// runs what the docs used to name: a plain `pulumi up` reads nothing from the cloud (the
// forwarding rule has no diff, so its old outputs stay), and a plain `pulumi refresh` reads the
// rule's new status into the state but does not run the program, so the component's output,
// computed when the program runs, still reads PENDING; should the engine change either, the test
// says so.
func TestDocumentedCommandRefreshesTheConnectionStatus(t *testing.T) {
	t.Parallel()
	c := newChain(t) // the producer accepts no one yet
	c.deployProducer()
	documented := c.consumer("documented", map[string]string{"producerStack": c.prod.Ref()})
	plain := c.env.GoStack("payments-consumer", "plain", chainConsumer)
	plain.Configure(consumerProject, region, map[string]string{"producerStack": c.prod.Ref()})
	for _, st := range []*harness.Stack{documented, plain} {
		if got := st.Up().OutputString(t, "pscConnectionStatus"); got != chain.Pending {
			t.Fatalf("%s: status before the producer accepts = %q, want PENDING", st.Ref(), got)
		}
	}

	c.prod.Configure(producerProject, region, map[string]string{"consumerProjects": harness.JSONList(consumerProject)})
	c.prod.Up()

	sum, err := documented.Try(documentedRefresh())
	if err != nil {
		t.Fatalf("%s: %s: %v\n%s", documented.Ref(), chain.RefreshOutputs, err, sum)
	}
	if got := stateOutput(t, documented, tConsumer, "pscConnectionStatus"); got != chain.Accepted {
		t.Errorf("after the producer accepted and `%s` on the consumer, the ConsumerEndpoint's pscConnectionStatus = %v, want ACCEPTED",
			chain.RefreshOutputs, got)
	}
	if warnedWith(sum, "PSC connection status") {
		t.Errorf("`%s` on an ACCEPTED endpoint warned: %v", chain.RefreshOutputs, sum.Warnings())
	}

	plain.Up()
	if got := stateOutput(t, plain, tConsumer, "pscConnectionStatus"); got != chain.Pending {
		t.Errorf("after a plain `pulumi up` the ConsumerEndpoint's pscConnectionStatus = %v: the engine now reads "+
			"unchanged resources on up, which chain.RefreshOutputs and the docs may then name", got)
	}
	plain.Refresh()
	if got := ruleStatus(t, plain); got != chain.Accepted {
		t.Errorf("%s: a plain refresh left the endpoint's forwarding rule %s in the state, want ACCEPTED", plain.Ref(), got)
	}
	if got := stateOutput(t, plain, tConsumer, "pscConnectionStatus"); got != chain.Pending {
		t.Errorf("after a plain `pulumi refresh` the ConsumerEndpoint's pscConnectionStatus = %v: the engine now updates "+
			"component outputs on a plain refresh, which chain.RefreshOutputs and the docs may then name", got)
	}
	destroyAll(t, c.env, documented, plain, c.prod)
}
