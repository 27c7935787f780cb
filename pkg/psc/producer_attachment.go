package psc

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// attachmentSpec is one service attachment the component creates: the regional load balancer's,
// or a region's of the cross-region one.
type attachmentSpec struct {
	role   string // child role: attachment, or R-attachment
	region string
	name   string // the explicit name; "" for an autoname
	// domains are the attachment's domainNames: the top-level ones for the regional load
	// balancer's attachment, regions[R].domainNames for a region's.
	domains []string
	target  pulumi.StringOutput
	nat     pulumi.StringArray
}

// attachment publishes a load balancer's forwarding rule with a PSC service attachment. Every
// attachment of the component takes the same consumers (acceptList, built once).
func (b *producerBuilder) attachment(spec attachmentSpec) (*compute.ServiceAttachment, error) {
	a := &b.args
	natSubnets := spec.nat
	args := &compute.ServiceAttachmentArgs{
		Project:              b.project(),
		Region:               pulumi.String(spec.region),
		Name:                 optionalString(spec.name),
		Description:          b.describe("Private Service Connect service attachment that publishes the service to the accepted consumers"),
		TargetService:        spec.target,
		NatSubnets:           natSubnets,
		EnableProxyProtocol:  pulumi.Bool(false), // required by the API; true breaks an ALB producer
		ConnectionPreference: pulumi.String(acceptManual),
		ReconcileConnections: pulumi.BoolPtr(*a.ReconcileConnections),
	}
	if a.AcceptAllConsumers {
		args.ConnectionPreference = pulumi.String(acceptAutomatic) // an opt-in, warned of by registerComponent
	} else {
		args.ConsumerAcceptLists = *b.accept // built by readAcceptList before any child
		args.ConsumerRejectLists = checkedStrings(a.RejectedConsumers, "rejectedConsumers", checkRejected)
	}
	if (len(natSubnets) > 1 || len(a.RejectedConsumers) > 1) && !b.warnedListOrder {
		b.warnedListOrder = true
		_ = b.ctx.Log.Warn(listOrderWarning, &pulumi.LogArgs{Resource: b.comp})
	}
	if len(spec.domains) > 0 {
		args.DomainNames = pulumi.ToStringArray(spec.domains)
	}
	if l := a.PropagatedConnectionLimit; l != nil {
		args.PropagatedConnectionLimit = pulumi.IntPtr(*l)
		if *l == 0 {
			// The provider leaves a 0 out of the request unless told to send it, and Google's
			// default of 250 would stand (catalogue SA-PROPAGATED-ZERO).
			args.SendPropagatedConnectionLimitIfZero = pulumi.BoolPtr(true)
		}
	}
	// A NAT subnet serves one attachment at a time, so a replacement of the attachment (its target,
	// the load balancer rule, is replaced by a switch between HTTP and HTTPS or a new subnet or IP)
	// deletes the old one first: created first, the new one is refused for using its NAT subnets.
	// The connected endpoints are CLOSED either way; they reconnect when their stacks are updated.
	// Switching acceptAllConsumers replaces it too: the API refuses the switch in place, as the
	// provider sends both consumer lists with every update (catalogue SA-AUTOMATIC-LISTS).
	sa, err := compute.NewServiceAttachment(b.ctx, b.child(spec.role), args,
		b.opts(pulumi.DeleteBeforeReplace(true), pulumi.ReplaceOnChanges([]string{"connectionPreference"}))...)
	if err != nil {
		return nil, fmt.Errorf("service attachment in %s: %w", spec.region, err)
	}
	return sa, nil
}

// listOrderWarning explains the update a preview can show on an attachment with more than one NAT
// subnet or rejected consumer (catalogue SA-NAT-LIST-ORDER).
const listOrderWarning = "the service attachment has more than one NAT subnet or rejected consumer: pulumi-gcp v8 " +
	"compares these lists by position and Google returns them in an order of its own " +
	"(hashicorp/terraform-provider-google#25913), so a preview can show an update of natSubnets or " +
	"consumerRejectLists that changes nothing; applying it is safe (the same set is sent, no connection is touched). " +
	"To grow NAT capacity without it, widen natSubnet to a range that contains the current one (an in-place update)"

// readAcceptList builds every attachment's accept list once, before any child is registered:
// reading consumerStacks registers their StackReferences, and what the stacks hold is checked now
// (it is known at preview as at up), so that a refusal comes with the component's others and an
// up that skips the preview stops before creating anything. Nothing to build when the attachments
// accept every consumer.
func (b *producerBuilder) readAcceptList() error {
	if b.args.AcceptAllConsumers {
		return nil
	}
	accept, fromStacks, err := b.acceptList()
	if err != nil {
		return err
	}
	b.accept = &accept
	var errs []error
	for _, out := range fromStacks {
		errs = append(errs, awaitChecked(b.ctx, out))
	}
	return errors.Join(errs...)
}

// acceptList builds the accept list from the listed consumers and the consumer stacks; a stack
// named twice is read once. fromStacks are the checked values read from the stacks, once each.
func (b *producerBuilder) acceptList() (list compute.ServiceAttachmentConsumerAcceptListArray, fromStacks []pulumi.StringOutput, err error) {
	a := &b.args
	rejected := knownStrings(a.RejectedConsumers)
	for i, c := range a.Consumers {
		entry := &compute.ServiceAttachmentConsumerAcceptListArgs{ConnectionLimit: pulumi.Int(*c.ConnectionLimit)}
		path := fmt.Sprintf("consumers[%d]", i)
		if given(c.NetworkUrl) {
			entry.NetworkUrl = checkedString(c.NetworkUrl, path+".networkUrl", notRejected(checkNetworkURL, rejected)).ToStringOutput().ToStringPtrOutput()
		} else {
			entry.ProjectIdOrNum = checkedString(c.ProjectIdOrNum, path+".projectIdOrNum", notRejected(checkProject, rejected)).ToStringOutput().ToStringPtrOutput()
		}
		list = append(list, entry)
	}
	refs := map[string]pulumi.StringOutput{}
	for i, cs := range a.ConsumerStacks {
		key := cs.Stack + "#" + cs.Output
		out, ok := refs[key]
		if !ok {
			input := fmt.Sprintf("consumerStacks[%d]", i)
			ref, err := stackOutput(b.ctx, b.comp, b.child("consumer-"+cs.Stack+"-"+cs.Output), input, cs.Stack, cs.Output)
			if err != nil {
				return nil, nil, err
			}
			out = checkStackConsumer(ref, input, cs, rejected)
			refs[key] = out
			fromStacks = append(fromStacks, out)
		}
		entry := &compute.ServiceAttachmentConsumerAcceptListArgs{ConnectionLimit: pulumi.Int(*cs.ConnectionLimit)}
		if cs.byNetwork() {
			entry.NetworkUrl = out.ToStringPtrOutput()
		} else {
			entry.ProjectIdOrNum = out.ToStringPtrOutput()
		}
		list = append(list, entry)
	}
	return list, fromStacks, nil
}

// notRejected checks a consumer given as an Output when it resolves: its shape, and that it is
// not also in rejectedConsumers (as far as those are known now).
func notRejected(check func(string) error, rejected []string) func(string) error {
	return func(s string) error {
		if err := check(s); err != nil {
			return err
		}
		if slices.Contains(rejected, s) || slices.Contains(rejected, trimComputePrefix(s)) {
			return fmt.Errorf("%q is also in rejectedConsumers; a rejected consumer stays rejected, remove it from one list", s)
		}
		return nil
	}
}
