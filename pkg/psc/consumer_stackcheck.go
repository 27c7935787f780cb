package psc

import "errors"

// checkStackAttachment runs, before any child is registered, the checks that depend on what
// producerStack holds: the output is there and a string (or the map of regions, with an entry for
// the endpoint's region), it is a service attachment URI, and the endpoint's region is its; and
// the stack's protocol output, when it has one, is HTTP or HTTPS (protocol.go). A
// stack's outputs are known at preview as at up, so these refusals come at preview with the
// component's others, and an up that skips the preview stops before creating the address. Only
// a value the engine leaves unknown (an output the referenced stack does not have yet, during a
// preview) is left to the forwarding rule's target, which fails when it resolves.
//
// With serviceAttachment the URI is checked by validate when it is plain; as an Output (an
// attachment the same program creates) it is checked at the rule, so that the address does not
// wait for the attachment.
func (b *consumerBuilder) checkStackAttachment(attachment targetAttachment) error {
	a := &b.args
	if a.ProducerStack == "" {
		return nil
	}
	region := a.endpointRegion(b.providerRegion, attachment.uri)
	return errors.Join(awaitChecked(b.ctx, a.checkedURI(attachment.uri, region)), awaitChecked(b.ctx, attachment.protocol))
}
