package psc

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A producer in several regions publishes one service attachment per region, and a PSC endpoint
// must be in its attachment's region (EP-REGION, docs/gcp-rules.md). Its stack therefore exports
// attachmentUrisOutput, a map from each region it serves to that region's attachment URI (also
// for a single region: {region: uri}), beside the single serviceAttachmentUri. A ConsumerEndpoint
// reading the default output of producerStack picks from that map the entry of its own region;
// a stack without the map (a producer of an earlier release) is read as before.

// attachmentUrisOutput is the producer stack's output mapping each region it serves to that
// region's service attachment URI.
const attachmentUrisOutput = "serviceAttachmentUris"

// stackAttachmentURI is the attachment URI the endpoint reads from the producer's stack: the
// entry of the endpoint's region in attachmentUrisOutput when producerStackOutput is the default
// and the stack has that map, else the string output producerStackOutput as it is. Secrecy of
// what is read carries over to the URI.
func (b *consumerBuilder) stackAttachmentURI(ref *pulumi.StackReference) pulumi.StringOutput {
	a := &b.args
	if a.ProducerStackOutput != defaultProducerOutput {
		return stackString(ref, "producerStack", a.ProducerStack, a.ProducerStackOutput)
	}
	// Whether the stack has the map is read from its outputs' keys, whose secrecy must not spread
	// to the URI: asked for a key it lacks, a StackReference answers unknown during a preview, so
	// that reading the map of a stack without it would show the endpoint replaced at every
	// preview. The subnetwork is waited for only to pick from the map: a stack without it is read
	// as before.
	return pulumi.Unsecret(ref.Outputs).ApplyT(func(v any) (pulumi.StringOutput, error) {
		outputs, _ := v.(map[string]any)
		if _, has := outputs[attachmentUrisOutput]; !has {
			return stackString(ref, "producerStack", a.ProducerStack, defaultProducerOutput), nil
		}
		return pulumi.All(ref.GetOutput(pulumi.String(attachmentUrisOutput)), a.Subnetwork.ToStringOutput()).ApplyT(
			func(w []any) (string, error) { return a.pickAttachment(w[0], w[1].(string), b.providerRegion) },
		).(pulumi.StringOutput), nil
	}).(pulumi.StringOutput)
}

// pickAttachment returns the URI of the endpoint's region in uris, the producer stack's
// attachmentUrisOutput. The endpoint's region is the region input, else the region subnetwork
// names, else configured (the component's gcp provider's region); with none of them, a producer
// in one region is picked as a single URI would be. A region the producer does not serve is
// refused naming the input that chose it and the regions offered. The map's keys (region names)
// may be quoted; its values never are, since a stack output may be secret.
func (a *ConsumerEndpointArgs) pickAttachment(uris any, subnet, configured string) (string, error) {
	in := fmt.Sprintf("producerStack (output %q of %q)", attachmentUrisOutput, a.ProducerStack)
	m, ok := uris.(map[string]any)
	if !ok {
		return "", fmt.Errorf("%s: must be a map of region to service attachment URI, got a %T", in, uris)
	}
	if len(m) == 0 {
		return "", fmt.Errorf("%s: is empty: the producer serves no region", in)
	}
	offered := slices.Sorted(maps.Keys(m))
	// why is the subject of the refusal: the region, and what chose it when not the region input.
	region, path := a.regionSource(subnet, configured)
	why := region
	switch path {
	case "region":
	case "subnetwork":
		why = "is in region " + region + ", which"
	case "provider":
		path = "region"
		why = fmt.Sprintf("the endpoint went to %s, the region of the component's gcp provider (subnetwork %q names no region), which", configured, subnet)
	case "":
		if len(m) == 1 {
			region, path = offered[0], "region"
			break
		}
		return "", fmt.Errorf("region: the producer serves %s, and neither region, subnetwork nor the component's gcp provider "+
			"says which is the endpoint's: set region, or give subnetwork as a self link", strings.Join(offered, ", "))
	}
	raw, ok := m[region]
	if !ok {
		return "", fmt.Errorf("%s: %s is not a region the producer serves; producerStack %q offers %s (its %s output): "+
			"a PSC endpoint must be in the region of the service attachment it connects to", path, why, a.ProducerStack,
			strings.Join(offered, ", "), attachmentUrisOutput)
	}
	entry := fmt.Sprintf("%s[%q]", in, region)
	s, ok := raw.(string)
	if !ok || s == "" {
		return "", fmt.Errorf("%s: must be a service attachment URI, got %s", entry, describeValue(raw))
	}
	ref, err := ParseServiceAttachmentURI(s)
	if err != nil {
		return "", fmt.Errorf("%s: %w", entry, hidden(err, s))
	}
	if ref.Region != region {
		return "", fmt.Errorf("%s: names a service attachment in another region than its key", entry)
	}
	return s, nil
}

// describeValue names what a value read from another stack is without showing it (it may be
// secret): its type, or that it is an empty string.
func describeValue(v any) string {
	if v == "" {
		return "an empty string"
	}
	return fmt.Sprintf("a %T", v)
}
