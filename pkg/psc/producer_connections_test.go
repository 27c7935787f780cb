package psc

import (
	"strings"
	"testing"
)

func TestConnectionWarningNamesTheWaitingConsumers(t *testing.T) {
	eps := []ConnectedEndpoint{
		{Endpoint: "projects/a/regions/r/forwardingRules/ep", ConsumerProject: "a", Status: "ACCEPTED"},
		{Endpoint: "projects/b/regions/r/forwardingRules/ep", ConsumerProject: "b", Status: "PENDING"},
		{Endpoint: "projects/c/regions/r/forwardingRules/ep", ConsumerProject: "c", Status: "NEEDS_ATTENTION"},
	}
	w := connectionWarning(eps, 4)
	for _, want := range []string{"PENDING: b (projects/b/regions/r/forwardingRules/ep): the producer has not accepted b",
		"Fix: the producer adds b to `consumers`",
		"NEEDS_ATTENTION: c (projects/c/regions/r/forwardingRules/ep): the producer's PSC NAT subnets have no free address for c (each accepted connection holds one); they hold 4 addresses",
		"`additionalNatSubnets`"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q\nwant it to contain %q", w, want)
		}
	}
	if strings.Contains(w, "projects/a/") {
		t.Errorf("warning names the ACCEPTED consumer: %q", w)
	}
	if w := connectionWarning(eps[:1], 4); w != "" {
		t.Errorf("no consumer waits, warning %q", w)
	}
}
