package psc

import (
	"cmp"
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// endpoint is the consumer's Private Service Connect endpoint: its address and forwarding rule,
// the region they are in and the attachment URI the rule targets.
type endpoint struct {
	address *compute.Address
	rule    *compute.ForwardingRule
	region  pulumi.StringOutput
	uri     pulumi.StringOutput
}

// endpoint creates the endpoint's internal address and its forwarding rule to the attachment.
func (b *consumerBuilder) endpoint(attachment targetAttachment) (endpoint, error) {
	a := &b.args
	// The endpoint lives in the attachment's region (EP-REGION, docs/gcp-rules.md). The address takes that
	// region without reading the attachment URI (see endpointRegion), so that it waits only for
	// its subnet, not for an attachment the same stack creates; the forwarding rule's target
	// checks that the two regions agree, checked now for plain inputs and when Outputs resolve.
	ep := endpoint{region: a.endpointRegion(b.providerRegion, attachment.uri)}
	ep.uri = a.checkedURI(attachment.uri, ep.region)

	// With a Shared VPC, a subnet given by bare name is the host project's.
	subnet := qualifiedSubnet(a.Subnetwork, a.NetworkProject, cmp.Or(a.Region, b.providerRegion))
	addrArgs := &compute.AddressArgs{
		Project:     b.project(),
		Region:      ep.region,
		AddressType: pulumi.String("INTERNAL"),
		Subnetwork:  subnet,
		Labels:      childLabels(a.Labels),
		Description: b.describe("internal IP of the Private Service Connect endpoint"),
	}
	if a.IpAddress != "" {
		addrArgs.Address = pulumi.String(a.IpAddress)
	}
	var err error
	if ep.address, err = compute.NewAddress(b.ctx, b.child("ip"), addrArgs, b.opts()...); err != nil {
		return endpoint{}, fmt.Errorf("endpoint address: %w", err)
	}

	// loadBalancingScheme must be "" for a PSC endpoint: the provider otherwise defaults to
	// EXTERNAL (EP-SCHEME). A CLOSED endpoint never recovers, so recreate it. The address can
	// be held by one forwarding rule only, so a replacement (a CLOSED endpoint, a new target) must
	// delete the old rule first: created first, the new rule fails with IP_IN_USE_BY_ANOTHER_RESOURCE.
	// ipAddress is the IP string: the provider stores the IP and suppresses the diff between an IP
	// and a reference to the address, so with a self link a new fixed IP would never replace the
	// rule, and deleting the old address would fail while the rule holds it.
	ep.rule, err = compute.NewForwardingRule(b.ctx, b.child("endpoint"), &compute.ForwardingRuleArgs{
		Project:                       b.project(),
		Region:                        ep.region,
		Name:                          optionalString(a.EndpointName),
		LoadBalancingScheme:           pulumi.String(""),
		Target:                        ep.uri,
		IpAddress:                     ep.address.Address, // the IP, not the address's self link: see above
		Network:                       qualifiedNetwork(a.Network, a.NetworkProject),
		Subnetwork:                    subnet,
		RecreateClosedPsc:             pulumi.Bool(true),
		AllowPscGlobalAccess:          pulumi.Bool(a.AllowGlobalAccess),
		NoAutomateDnsZone:             pulumi.Bool(a.NoAutomateDnsZone),
		Labels:                        childLabels(a.Labels),
		ServiceDirectoryRegistrations: a.serviceDirectoryArgs(),
		Description:                   b.describe("Private Service Connect endpoint"),
	}, b.opts(pulumi.ReplaceOnChanges([]string{"target", "ipAddress"}), pulumi.DeleteBeforeReplace(true))...)
	if err != nil {
		return endpoint{}, fmt.Errorf("endpoint forwarding rule: %w", err)
	}
	return ep, nil
}

// serviceDirectoryArgs is the endpoint's Service Directory registration (nil when not asked for).
func (a *ConsumerEndpointArgs) serviceDirectoryArgs() compute.ForwardingRuleServiceDirectoryRegistrationsPtrInput {
	sd := a.ServiceDirectoryRegistrations
	if sd == nil {
		return nil
	}
	return &compute.ForwardingRuleServiceDirectoryRegistrationsArgs{Namespace: optionalString(sd.Namespace), Service: optionalString(sd.Service)}
}

// statusWarning says why an endpoint of project in a PSC connection status other than ACCEPTED
// carries no requests and what to do ("" for ACCEPTED and for a status not known yet).
func statusWarning(status, project string) string {
	s := chain.StatusOf(status)
	if status == "" || s.Serving {
		return ""
	}
	// Where the producer acts, name the output that tells the producer which project to accept.
	named := project
	if !s.ConsumerActs {
		named = project + " (this endpoint's `consumerProject` output)"
	}
	return fmt.Sprintf("PSC connection status is %s: %s. Fix: %s", status, s.Cause(project), s.Fix(named))
}
