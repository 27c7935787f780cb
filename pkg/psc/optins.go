package psc

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// The explicit opt-ins that widen access are recorded as the component's inputs, in the engine's
// view of the component (what a policy pack analyzes, at preview and from the state): only they,
// never a secret. policy/ acknowledges them as opt-ins rather than reporting the children they
// produce (the allUsers binding, the ACCEPT_AUTOMATIC attachment) as violations.

// optIns returns the producer's opt-ins under their input names.
func (a *ProducerServiceArgs) optIns() pulumi.Map {
	return pulumi.Map{
		"cloudRun":           pulumi.Map{"allowUnauthenticated": pulumi.Bool(a.CloudRun.AllowUnauthenticated)},
		"acceptAllConsumers": pulumi.Bool(a.AcceptAllConsumers),
	}
}

// optIns returns the endpoint's opt-ins under their input names.
func (a *ConsumerEndpointArgs) optIns() pulumi.Map {
	return pulumi.Map{"allowGlobalAccess": pulumi.Bool(a.AllowGlobalAccess)}
}
