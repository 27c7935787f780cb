package chain

import "strings"

// The PSC connection statuses, as the consumer's forwarding rule (pscConnectionStatus) and the
// service attachment (connectedEndpoints[].status) report them: the Compute Engine API's
// PscConnectionStatus enum
// (https://cloud.google.com/compute/docs/reference/rest/v1/forwardingRules, pscConnectionStatus).
const (
	Accepted       = "ACCEPTED"
	Pending        = "PENDING"
	Rejected       = "REJECTED"
	NeedsAttention = "NEEDS_ATTENTION"
	Closed         = "CLOSED"
)

// RefreshOutputs is the command that brings what changed in the cloud into a stack's component
// outputs: a ConsumerEndpoint's pscConnectionStatus once the producer accepts (or rejects) it,
// and a ProducerService's connectedEndpoints. A component's outputs are computed when the program
// runs, from its children's state: a plain `pulumi refresh` updates the children's state but runs
// no program, and a plain `pulumi up` reads nothing from the cloud for a child without a diff
// (tests/e2e/refresh_test.go). Every text that tells a user which command to run for them names
// this one.
const RefreshOutputs = "pulumi refresh --run-program"

// ConnectionStatus is a PSC connection status with what it means for the consumer's requests:
// whether they are served and, when not, why and what to do.
type ConnectionStatus struct {
	Name    string
	Serving bool
	// ConsumerActs is true when the consumer's own `pulumi up` fixes the status (CLOSED: the
	// endpoint is recreated); otherwise the producer acts, on the consumer's project.
	ConsumerActs bool
	// cause and fix name the consumer as {consumer}.
	cause, fix string
}

// Cause says why a connection in this status carries no requests, naming consumer (a project,
// or words such as "this consumer"); "" for ACCEPTED.
func (s ConnectionStatus) Cause(consumer string) string {
	return strings.ReplaceAll(s.cause, "{consumer}", consumer)
}

// Fix says what makes the connection serve, naming consumer; "" for ACCEPTED.
func (s ConnectionStatus) Fix(consumer string) string {
	return strings.ReplaceAll(s.fix, "{consumer}", consumer)
}

// ConnectionStatuses are the statuses cloudrun-psc explains, ACCEPTED first.
var ConnectionStatuses = []ConnectionStatus{
	{Name: Accepted, Serving: true},
	{Name: Pending,
		cause: "the producer has not accepted {consumer}: it is not on the service attachment's accept list, or it " +
			"already has as many endpoints as its connectionLimit allows",
		fix: "the producer adds {consumer} to `consumers` (or `consumerStacks`), or raises its `connectionLimit` " +
			"(together with another change of the accept list: pulumi-gcp v8 sends no change of a limit alone, " +
			"SA-ACCEPT-SET), and runs `pulumi up`; then `" + RefreshOutputs + "` on the consumer"},
	{Name: Rejected,
		cause: "{consumer} is on the reject list of the producer's service attachment (a reject wins over an accept)",
		fix:   "the producer removes {consumer} from `rejectedConsumers` and runs `pulumi up`; then `" + RefreshOutputs + "` on the consumer"},
	{Name: NeedsAttention,
		cause: "the producer's PSC NAT subnets have no free address for {consumer} (each accepted connection holds one)",
		fix: "the producer widens `natSubnet.ipCidrRange` to a range that holds the current one (an in-place update) " +
			"or adds a NAT subnet with `additionalNatSubnets`, and runs `pulumi up` (no connection is disturbed); " +
			"then `" + RefreshOutputs + "` on the consumer"},
	{Name: Closed, ConsumerActs: true,
		cause: "the producer's service attachment was deleted, so the connection of {consumer} closed; a CLOSED " +
			"endpoint never reconnects",
		fix: "once the producer has published the service again, run `pulumi up` on the consumer {consumer} (with " +
			"the new service attachment URI if it changed; `producerStack` follows it): the endpoint is recreated " +
			"(recreateClosedPsc)"},
}

// StatusOf is the status of that name. Another name (STATUS_UNSPECIFIED, a status newer than
// this package) is a status that serves nothing, with a generic cause and fix.
func StatusOf(name string) ConnectionStatus {
	for _, s := range ConnectionStatuses {
		if s.Name == name {
			return s
		}
	}
	return ConnectionStatus{Name: name,
		cause: "the connection status of {consumer} is " + name + ", which cloudrun-psc does not know",
		fix: "run `" + RefreshOutputs + "` on the consumer stack; if it stays, ask the producer to run " +
			"`cloudrun-psc doctor --producer-stack …` on theirs"}
}
