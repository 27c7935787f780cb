package psc

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Every child that takes a description gets one that names the component that made it and what it
// is for, so that the console, gcloud and audit logs show where a resource comes from. It is
// written when the child is created and never changed after (ignoreChanges on description, for
// every child): on addresses, forwarding rules, NEGs, target proxies, SSL certificates and
// subnets a description change forces a replacement (`description` is ForceNew there, see the
// fidelity table), so an upgrade that adds descriptions, or a rename of the component with an
// alias, would otherwise replace the load balancer's forwarding rule, and with it the service
// attachment every consumer is connected to; on the other children it would be an update that
// changes nothing that matters. Children created before descriptions existed keep none until
// they are replaced for another reason.

// description is the description of a component's child.
func description(component, name, role string) pulumi.StringPtrInput {
	return pulumi.StringPtr(fmt.Sprintf("%s %q (cloudrun-psc): %s.", component, name, role))
}

// describedOnce keeps the description a child was created with.
func describedOnce() pulumi.ResourceOption {
	return pulumi.IgnoreChanges([]string{"description"})
}
