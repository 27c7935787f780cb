package psc

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// ConsumerEndpointType is the type token of the ConsumerEndpoint component.
const ConsumerEndpointType = chain.ConsumerEndpointType

// ConsumerEndpoint is a Private Service Connect endpoint in the consumer's VPC: an internal address
// and a forwarding rule that targets the producer's service attachment.
type ConsumerEndpoint struct {
	pulumi.ResourceState

	IpAddress              pulumi.StringOutput      `pulumi:"ipAddress"`
	ForwardingRuleSelfLink pulumi.StringOutput      `pulumi:"forwardingRuleSelfLink"`
	PscConnectionId        pulumi.StringOutput      `pulumi:"pscConnectionId"`
	PscConnectionStatus    pulumi.StringOutput      `pulumi:"pscConnectionStatus"`
	ConsumerProject        pulumi.StringOutput      `pulumi:"consumerProject"`
	ConsumerNetwork        pulumi.StringOutput      `pulumi:"consumerNetwork"`
	ServiceAttachmentUri   pulumi.StringOutput      `pulumi:"serviceAttachmentUri"`
	Region                 pulumi.StringOutput      `pulumi:"region"`
	AutomaticDnsDomains    pulumi.StringArrayOutput `pulumi:"automaticDnsDomains"`
	ProducerProtocol       pulumi.StringOutput      `pulumi:"producerProtocol"`
	CaCertificatePem       pulumi.StringOutput      `pulumi:"caCertificatePem"`
}

// Annotate documents the ConsumerEndpoint outputs for the schema.
func (c *ConsumerEndpoint) Annotate(a infer.Annotator) {
	a.Describe(c, "A Private Service Connect endpoint in the consumer's VPC: an internal IP address and a "+
		"forwarding rule that targets a producer's service attachment.")
	a.Describe(&c.IpAddress, "Internal IP of the endpoint that consumers call.")
	a.Describe(&c.ForwardingRuleSelfLink, "Self link of the endpoint's forwarding rule.")
	a.Describe(&c.PscConnectionId, "PSC connection id the producer sees.")
	a.Describe(&c.PscConnectionStatus, "Connection status: ACCEPTED, PENDING, REJECTED, CLOSED or NEEDS_ATTENTION; "+
		"a warning names the likely cause when it is not ACCEPTED. It is read when the program runs: after the producer "+
		"accepts (or rejects) this consumer, "+chain.RefreshOutputs+" updates it (a plain pulumi refresh updates only "+
		"the forwarding rule's state, and a plain pulumi up does not read the rule again).")
	a.Describe(&c.ConsumerProject, "Consumer project, to add to the producer's accept list.")
	a.Describe(&c.ConsumerNetwork, "Self link of the consumer VPC, to add to the producer's accept list by network.")
	a.Describe(&c.ServiceAttachmentUri, "The service attachment the endpoint connects to.")
	a.Describe(&c.Region, "Region of the endpoint.")
	a.Describe(&c.AutomaticDnsDomains, "The producer's domainNames that Private Service Connect's automatic DNS "+
		"claims in the consumer VPC for this endpoint (a record <endpoint>.<domain> in a Service Directory zone): "+
		"none with noAutomateDnsZone. Pass it to a DnsBinding's automaticDnsDomains, which then refuses a hostname "+
		"under them.")
	a.Describe(&c.ProducerProtocol, "The protocol the producer serves, HTTP or HTTPS, read from producerStack's "+
		"protocol output (a ProducerService's protocol, which the producer's stack exports); empty with "+
		"serviceAttachment or when that stack has no protocol output. Pass it to a DnsBinding's producerProtocol, "+
		"whose url then takes its scheme.")
	a.Describe(&c.CaCertificatePem, "The CA chain the producer's HTTPS certificate chains to, read from producerStack's "+
		"caCertificatePem output (a ProducerService with tls.private.createCa exports it): give it to the callers as "+
		"their trust bundle, such as curl --cacert. Empty without producerStack or when that stack has no such output.")
}

// NewConsumerEndpoint validates args, then creates the endpoint as children of the component.
func NewConsumerEndpoint(ctx *pulumi.Context, name string, args *ConsumerEndpointArgs,
	opts ...pulumi.ResourceOption,
) (*ConsumerEndpoint, error) {
	if args == nil {
		return nil, fmt.Errorf("ConsumerEndpoint %q: args are required", name)
	}
	a := args.withDefaults()
	if err := invalidInput("ConsumerEndpoint", name, a.validate(name)); err != nil {
		return nil, err
	}
	comp := &ConsumerEndpoint{}
	if err := registerComponent(ctx, ConsumerEndpointType, name, a, comp, opts...); err != nil {
		return nil, fmt.Errorf("ConsumerEndpoint %q: %w", name, err)
	}
	// The provider's project and region, and the subnetwork, are read with the component's
	// providers, so only once it is registered. The region stays unset when not given: it is the
	// attachment's, and the provider's only stands in for a subnetwork given by bare name.
	var providerRegion string
	if err := providerDefaults(ctx, comp, &a.Project, &providerRegion); err != nil {
		return nil, fmt.Errorf("ConsumerEndpoint %q: %w", name, err)
	}
	b := &consumerBuilder{children: children{ctx: ctx, component: "ConsumerEndpoint", name: name, parent: comp, projectID: a.Project},
		args: a, comp: comp, providerRegion: providerRegion}
	// The attachment is read (from the producer's stack when named so) before the checks, which
	// include what the stack holds, and before any child.
	attachment, err := b.attachment()
	if err != nil {
		return nil, fmt.Errorf("ConsumerEndpoint %q: %w", name, err)
	}
	checked := errors.Join(b.checkStackAttachment(attachment), a.validateExisting(newLookup(ctx, comp)))
	if err := invalidInput("ConsumerEndpoint", name, checked); err != nil {
		return nil, err
	}
	if err := b.build(attachment); err != nil {
		return nil, fmt.Errorf("ConsumerEndpoint %q: %w", name, err)
	}
	if err := registerOutputs(ctx, comp); err != nil {
		return nil, fmt.Errorf("ConsumerEndpoint %q: outputs: %w", name, err)
	}
	return comp, nil
}

// consumerBuilder creates the children of one ConsumerEndpoint.
type consumerBuilder struct {
	children
	args           ConsumerEndpointArgs
	comp           *ConsumerEndpoint
	providerRegion string // of the component's gcp provider; stands in for a subnetwork's
}

// build creates the endpoint in the order a request reaches it backwards, from the attachment it
// targets (read and checked before): the endpoint's address and forwarding
// rule, and the egress rule that lets the clients reach it; then it sets the component's outputs.
func (b *consumerBuilder) build(attachment targetAttachment) error {
	ep, err := b.endpoint(attachment)
	if err != nil {
		return err
	}
	if b.args.Firewall != nil {
		if err := b.firewall(ep.address.Address); err != nil {
			return err
		}
	}
	b.setOutputs(attachment, ep)
	return nil
}

// setOutputs fills the component's outputs from its children.
func (b *consumerBuilder) setOutputs(attachment targetAttachment, ep endpoint) {
	c := b.comp
	c.IpAddress = ep.address.Address
	c.ForwardingRuleSelfLink = ep.rule.SelfLink
	c.PscConnectionId = ep.rule.PscConnectionId
	c.PscConnectionStatus = pulumi.All(ep.rule.PscConnectionStatus, ep.address.Project).ApplyT(func(v []any) string {
		status, project := v[0].(string), v[1].(string)
		if w := statusWarning(status, project); w != "" {
			_ = b.ctx.Log.Warn(w, &pulumi.LogArgs{Resource: c})
		}
		return status
	}).(pulumi.StringOutput)
	c.ConsumerProject = ep.address.Project
	c.ConsumerNetwork = ep.rule.Network
	c.ServiceAttachmentUri = ep.uri
	c.Region = ep.region
	c.AutomaticDnsDomains = automaticDNSDomains(b.args.NoAutomateDnsZone, attachment.domains)
	c.ProducerProtocol = attachment.protocol
	c.CaCertificatePem = attachment.caBundle
}
