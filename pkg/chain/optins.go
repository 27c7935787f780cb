package chain

import (
	"fmt"
	"strings"
)

// The explicit opt-ins: the inputs of a cloudrun-psc component that widen access beyond its secure
// default. This list is their one home. pkg/psc records each among the component's inputs in the
// engine's view (what a policy pack analyzes) and warns with Says when it is set; the policy pack
// acknowledges each with an advisory explicit-opt-in and lets the child it produces pass
// (policy/optins.ts is generated from OptIns and checked fresh by TestPolicyOptInsFresh);
// tests/secure allows that child in a world whose component sets it.

// A Finding is what a secure-by-default rule would report on a child that an opt-in produces on
// purpose: with the opt-in set, it is acknowledged on the component instead.
type Finding string

const (
	// PublicInvoker is an IAM grant of roles/run.invoker to allUsers (policy rule
	// cloudrun-no-public-invoker).
	PublicInvoker Finding = "public-invoker"
	// InvokerIAMDisabled is a Cloud Run service with invokerIamDisabled (policy rule
	// cloudrun-no-public-invoker).
	InvokerIAMDisabled Finding = "invoker-iam-disabled"
	// AcceptAutomatic is a service attachment whose connectionPreference is ACCEPT_AUTOMATIC
	// (policy rule attachment-accept-manual).
	AcceptAutomatic Finding = "accept-automatic"
)

// Findings are every Finding an opt-in may explain.
var Findings = []Finding{PublicInvoker, InvokerIAMDisabled, AcceptAutomatic}

// An OptIn is one explicit opt-in of a component.
type OptIn struct {
	// Component is the type token of the component that takes it.
	Component string
	// Input is the input's path; "[]" after a name stands for every element of that list
	// (routes[].cloudRun.callerAuth).
	Input string
	// Value is the input's value that opts in: true for a switch, the value of an enum.
	Value any
	// Widens says what the opt-in lets through, as one clause that follows the input's name (Says):
	// the component's warning and the policy pack's acknowledgement.
	Widens string
	// Child is the child property the opt-in produces.
	Child string
	// Explains is the finding Child would be without the opt-in; "" when no rule concerns it.
	Explains Finding
}

// onlyGate is what stands between a caller and a service whose invoker IAM check is off.
const onlyGate = "the attachment's accept list, the consumers' networks and their firewalls are the only gate"

// The opt-ins, by what they set.
var (
	AllowUnauthenticated = OptIn{
		Component: ProducerServiceType, Input: "cloudRun.allowUnauthenticated", Value: true,
		Widens: "grants roles/run.invoker to allUsers: anyone who can reach the private endpoint can call the " +
			"service without an identity",
		Child: "allUsers among the members of the Cloud Run service's roles/run.invoker grant", Explains: PublicInvoker,
	}
	CallerAuthNetwork = OptIn{
		Component: ProducerServiceType, Input: "cloudRun.callerAuth", Value: "network",
		Widens: "sets invokerIamDisabled on the Cloud Run service: Cloud Run checks no identity, so any client that " +
			"can reach the private endpoint can call the service; " + onlyGate,
		Child: "invokerIamDisabled on the Cloud Run service", Explains: InvokerIAMDisabled,
	}
	RouteCallerAuthNetwork = OptIn{
		Component: ProducerServiceType, Input: "routes[].cloudRun.callerAuth", Value: "network",
		Widens: "sets invokerIamDisabled on the route's Cloud Run service: Cloud Run checks no identity, so any " +
			"client that can reach the private endpoint can call it at the route's hosts and path; " + onlyGate,
		Child: "invokerIamDisabled on the route's Cloud Run service", Explains: InvokerIAMDisabled,
	}
	AcceptAllConsumers = OptIn{
		Component: ProducerServiceType, Input: "acceptAllConsumers", Value: true,
		Widens: "sets the service attachment to ACCEPT_AUTOMATIC: any project that knows its URI can connect an " +
			"endpoint without being listed",
		Child: "connectionPreference ACCEPT_AUTOMATIC on the service attachment", Explains: AcceptAutomatic,
	}
	ProducerGlobalAccess = OptIn{
		Component: ProducerServiceType, Input: "allowGlobalAccess", Value: true,
		Widens: "lets clients in every region of the producer VPC reach the load balancer, not only those in its " +
			"region",
		Child: "allowGlobalAccess on the load balancer's forwarding rule",
	}
	ClientAuthAllowInvalid = OptIn{
		Component: ProducerServiceType, Input: "tls.clientAuth.mode", Value: "ALLOW_INVALID_OR_MISSING_CLIENT_CERT",
		Widens: "lets clients without a certificate, or with one that does not chain to the trust anchors, through " +
			"the load balancer's mutual TLS to the service (MTLS-MODE): the service must check the client " +
			"certificate itself",
		Child: "clientValidationMode ALLOW_INVALID_OR_MISSING_CLIENT_CERT on the server TLS policy",
	}
	EndpointGlobalAccess = OptIn{
		Component: ConsumerEndpointType, Input: "allowGlobalAccess", Value: true,
		Widens: "lets clients in every region of the consumer VPC reach the endpoint, not only those in its region",
		Child:  "allowPscGlobalAccess on the endpoint's forwarding rule",
	}
)

// OptIns are every explicit opt-in.
var OptIns = []OptIn{
	AllowUnauthenticated, CallerAuthNetwork, RouteCallerAuthNetwork, AcceptAllConsumers, ProducerGlobalAccess,
	ClientAuthAllowInvalid, EndpointGlobalAccess,
}

// Of returns the opt-ins of the component of type token component.
func Of(component string) []OptIn {
	var out []OptIn
	for _, o := range OptIns {
		if o.Component == component {
			out = append(out, o)
		}
	}
	return out
}

// Name is how the opt-in set at path (its Input, each "[]" an index) is named: the path, followed
// by the value unless it is a switch (cloudRun.callerAuth network).
func (o OptIn) Name(path string) string {
	if o.Value == true {
		return path
	}
	return fmt.Sprintf("%s %v", path, o.Value)
}

// Says is what the component warns and the policy pack acknowledges about the opt-in set at path.
func (o OptIn) Says(path string) string { return o.Name(path) + " " + o.Widens }

// SetIn returns the paths at which inputs (a component's inputs as maps and lists, the engine's
// view decoded from JSON) set the opt-in, each "[]" of Input made the element's index.
func (o OptIn) SetIn(inputs map[string]any) []string {
	var out []string
	var walk func(v any, path string, rest []string)
	walk = func(v any, path string, rest []string) {
		if len(rest) == 0 {
			if v == o.Value {
				out = append(out, path)
			}
			return
		}
		m, _ := v.(map[string]any)
		name, list := strings.CutSuffix(rest[0], "[]")
		p := name
		if path != "" {
			p = path + "." + name
		}
		if !list {
			walk(m[name], p, rest[1:])
			return
		}
		elems, _ := m[name].([]any)
		for i, e := range elems {
			walk(e, fmt.Sprintf("%s[%d]", p, i), rest[1:])
		}
	}
	walk(inputs, "", strings.Split(o.Input, "."))
	return out
}
