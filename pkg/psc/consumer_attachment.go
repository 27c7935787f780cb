package psc

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// endpointRegion is the region of the endpoint's address and forwarding rule: region when
// given; otherwise the region the subnetwork's self link or ID names, or, for a subnetwork given
// by bare name, the region of the component's gcp provider (where the provider looks the name up;
// the gcp:region configuration for the default provider). Only when neither says does it wait
// for the attachment URI and take its region.
func (a *ConsumerEndpointArgs) endpointRegion(configured string, attachment pulumi.StringOutput) pulumi.StringOutput {
	if a.Region != "" {
		return pulumi.String(a.Region).ToStringOutput()
	}
	subnet := a.Subnetwork.ToStringOutput()
	if configured != "" {
		return subnet.ApplyT(func(link string) string {
			r, _ := a.regionSource(link, configured)
			return r
		}).(pulumi.StringOutput)
	}
	return pulumi.All(subnet, attachment).ApplyT(func(v []any) string {
		if r, _ := a.regionSource(v[0].(string), ""); r != "" {
			return r
		}
		ref, _ := ParseServiceAttachmentURI(v[1].(string)) // a bad URI fails the target's check
		return ref.Region
	}).(pulumi.StringOutput)
}

// regionSource is the endpoint's region and what chose it, in the order the component applies:
// the region input ("region"), else the region subnet names ("subnetwork"), else configured, the
// region of the component's gcp provider ("provider"); "" when none of them says.
func (a *ConsumerEndpointArgs) regionSource(subnet, configured string) (region, source string) {
	switch {
	case a.Region != "":
		return a.Region, "region"
	case subnetRegion(subnet) != "":
		return subnetRegion(subnet), "subnetwork"
	case configured != "":
		return configured, "provider"
	}
	return "", ""
}

// regionProblem says, naming the input that chose it, why the endpoint's region is wrong: ""
// when it is the attachment's.
func (a *ConsumerEndpointArgs) regionProblem(region, subnet, attachmentRegion string) (path, problem string) {
	_, source := a.regionSource(subnet, "")
	switch {
	case region == attachmentRegion:
		return "", ""
	case source == "region":
		return "region", fmt.Sprintf("%s differs from the service attachment's region %s; a PSC endpoint must be in the attachment's region",
			region, attachmentRegion)
	case source == "subnetwork":
		return "subnetwork", fmt.Sprintf("is in region %s, but the service attachment is in %s; a PSC endpoint and its subnet must be in the attachment's region",
			region, attachmentRegion)
	default:
		return "region", fmt.Sprintf("the endpoint went to %s, the region of the component's gcp provider (subnetwork %q names no region), but the service attachment is in %s; set region or give subnetwork as a self link",
			region, subnet, attachmentRegion)
	}
}

// attachmentInput names the input the attachment URI came from, for error messages.
func (a *ConsumerEndpointArgs) attachmentInput() string {
	if a.ProducerStack != "" {
		return fmt.Sprintf("producerStack (output %q of %q)", a.ProducerStackOutput, a.ProducerStack)
	}
	return "serviceAttachment"
}

// targetAttachment is the service attachment the endpoint targets, as given: its URI (not yet
// checked when it is an Output), the producer's domainNames and its protocol ("" when not read
// from its stack, protocol.go).
type targetAttachment struct {
	uri      pulumi.StringOutput
	domains  pulumi.StringArrayOutput
	protocol pulumi.StringOutput
	caBundle pulumi.StringOutput // the producer stack's caCertificatePem, "" without one (consumer_trust.go)
}

// attachment returns the attachment URI and the producer's domainNames, given directly or read
// from the producer's stack (with its protocol) (a StackReference child; the entry of the endpoint's region when the
// stack maps regions to attachments, see consumer_regions.go).
func (b *consumerBuilder) attachment() (targetAttachment, error) {
	a := &b.args
	none := pulumi.String("").ToStringOutput()
	t := targetAttachment{domains: pulumi.ToStringArray(nil).ToStringArrayOutput(), protocol: none, caBundle: none}
	if a.ProducerDomainNames != nil {
		t.domains = a.ProducerDomainNames.ToStringArrayOutput()
	}
	if a.ProducerStack == "" {
		t.uri = a.ServiceAttachment.ToStringOutput()
		return t, nil
	}
	ref, err := stackReference(b.ctx, b.comp, b.child("producer"), "producerStack", a.ProducerStack)
	if err != nil {
		return targetAttachment{}, err
	}
	t.protocol = stackProtocol(ref, a.ProducerStack)
	t.uri = b.stackAttachmentURI(ref)
	if a.ProducerDomainNames == nil {
		t.domains = stackDomainNames(ref, a.ProducerStack, t.uri)
	}
	t.caBundle = stackCABundle(ref, a.ProducerStack)
	return t, nil
}

// checkedURI is the attachment's canonical URI, failing, naming the input that chose it, when
// the URI is malformed or the endpoint's region is not the attachment's.
func (a *ConsumerEndpointArgs) checkedURI(attachment, region pulumi.StringOutput) pulumi.StringOutput {
	return pulumi.All(attachment, region, a.Subnetwork).ApplyT(func(v []any) (string, error) {
		ref, err := ParseServiceAttachmentURI(v[0].(string))
		if err != nil {
			return "", fmt.Errorf("%s: %w", a.attachmentInput(), hidden(err, v[0].(string)))
		}
		if path, problem := a.regionProblem(v[1].(string), v[2].(string), ref.Region); problem != "" {
			return "", fmt.Errorf("%s: %s", path, problem)
		}
		return ref.URI(), nil
	}).(pulumi.StringOutput)
}
