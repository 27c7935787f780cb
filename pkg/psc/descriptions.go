package psc

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Every child that takes a description gets one that names the component that made it and what it
// is for, so that the console, gcloud and audit logs show where a resource comes from. Where the
// provider updates a description in place (Cloud Run services, backend services, URL maps,
// service attachments, firewall rules, DNS zones, Certificate Manager resources), it follows a
// rename of the component. Where a description change forces a replacement (addresses, forwarding
// rules, NEGs, target proxies, SSL certificates, subnets: `description` is ForceNew there,
// docs/gcp-rules.md GEN-DESCRIPTION), it is written when the child is created and never changed:
// otherwise an upgrade that adds it, or a component rename, would replace the load balancer's
// forwarding rule, and with it the service attachment every consumer is connected to.

// description is the description of a component's child.
func description(component, name, role string) pulumi.StringPtrInput {
	return pulumi.StringPtr(fmt.Sprintf("%s of the cloudrun-psc %s %q.", role, component, name))
}

// describedOnce keeps the description a ForceNew-description child was created with.
func describedOnce() pulumi.ResourceOption {
	return pulumi.IgnoreChanges([]string{"description"})
}
