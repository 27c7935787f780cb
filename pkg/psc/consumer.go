package psc

import (
	"cmp"
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ConsumerEndpointType is the type token of the ConsumerEndpoint component.
const ConsumerEndpointType = "cloudrun-psc:index:ConsumerEndpoint"

const (
	defaultProducerOutput   = "serviceAttachmentUri"
	defaultFirewallPriority = 1000
)

// EndpointFirewallArgs opens egress from consumer clients to the endpoint.
type EndpointFirewallArgs struct {
	ClientRanges []pulumi.StringInput `pulumi:"clientRanges,optional"`
	ClientTags   []pulumi.StringInput `pulumi:"clientTags,optional"`
	Ports        []int                `pulumi:"ports,optional"`
	Priority     *int                 `pulumi:"priority,optional"`
}

// Annotate documents EndpointFirewallArgs for the schema.
func (f *EndpointFirewallArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "EndpointFirewall")
	a.Describe(f, "An egress firewall rule in the consumer VPC that lets the given clients reach the endpoint IP, "+
		"for VPCs whose egress is denied by default. Give clientRanges, clientTags or both.")
	a.Describe(&f.ClientRanges, "Source IPv4 ranges of the clients allowed to reach the endpoint.")
	a.Describe(&f.ClientTags, "Network tags of the client VMs allowed to reach the endpoint.")
	a.Describe(&f.Ports, "TCP ports allowed to the endpoint (80 and 443 by default).")
	a.Describe(&f.Priority, "Priority of the rule, 0 to 65535; lower wins, and 0 is the highest (1000 when unset).")
}

// ConsumerEndpointArgs are the inputs of a ConsumerEndpoint.
type ConsumerEndpointArgs struct {
	Project                       string                            `pulumi:"project,optional"`
	Region                        string                            `pulumi:"region,optional"`
	Network                       pulumi.StringInput                `pulumi:"network"`
	NetworkProject                string                            `pulumi:"networkProject,optional"`
	Subnetwork                    pulumi.StringInput                `pulumi:"subnetwork"`
	IpAddress                     string                            `pulumi:"ipAddress,optional"`
	ServiceAttachment             pulumi.StringInput                `pulumi:"serviceAttachment,optional"`
	ProducerStack                 string                            `pulumi:"producerStack,optional"`
	ProducerStackOutput           string                            `pulumi:"producerStackOutput,optional"`
	AllowGlobalAccess             bool                              `pulumi:"allowGlobalAccess,optional"`
	NoAutomateDnsZone             bool                              `pulumi:"noAutomateDnsZone,optional"`
	Firewall                      *EndpointFirewallArgs             `pulumi:"firewall,optional"`
	ServiceDirectoryRegistrations *ServiceDirectoryRegistrationArgs `pulumi:"serviceDirectoryRegistrations,optional"`
	Labels                        map[string]string                 `pulumi:"labels,optional"`
	ProducerDomainNames           pulumi.StringArrayInput           `pulumi:"producerDomainNames,optional"`
	EndpointName                  string                            `pulumi:"endpointName,optional"`
}

// ServiceDirectoryRegistrationArgs registers the endpoint in Service Directory.
type ServiceDirectoryRegistrationArgs struct {
	Namespace string `pulumi:"namespace,optional"`
	Service   string `pulumi:"service,optional"`
}

// Annotate documents ServiceDirectoryRegistrationArgs for the schema.
func (s *ServiceDirectoryRegistrationArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "ServiceDirectoryRegistration")
	a.Describe(s, "Where the endpoint is registered in Service Directory, in the endpoint's region: the registration "+
		"through which Private Service Connect's automatic DNS answers for the producer's domainNames. "+
		"Set once: changing it replaces the endpoint (a new PSC connection).")
	a.Describe(&s.Namespace, "Service Directory namespace (lowercase letters, digits and hyphens, at most 63, "+
		"starting with a letter); Google picks one when unset.")
	a.Describe(&s.Service, "Service Directory service (same form; at most 63); the endpoint's name when unset.")
}

// Annotate documents ConsumerEndpointArgs for the schema.
func (c *ConsumerEndpointArgs) Annotate(a infer.Annotator) {
	a.Describe(&c.Project, "Consumer project; by default the project of the component's gcp provider (the "+
		"gcp:project configuration for the default provider).")
	a.Describe(&c.Region, "Region of the endpoint; the service attachment's region by default, and it must be that region.")
	a.Describe(&c.Network, "Consumer VPC network (name or self link).")
	a.Describe(&c.NetworkProject, networkProjectDescription+" The endpoint's address and forwarding rule stay in "+
		"project, whose consumerProject output the producer accepts.")
	a.Describe(&c.Subnetwork, "Regular subnet of the consumer VPC, in the attachment's region, that the endpoint IP comes from.")
	a.Describe(&c.IpAddress, "Fixed endpoint IP inside subnetwork; allocated when unset.")
	a.Describe(&c.ServiceAttachment, "Producer's service attachment URI, projects/P/regions/R/serviceAttachments/N. "+
		"Give exactly one of serviceAttachment and producerStack.")
	a.Describe(&c.ProducerStack, "Fully qualified name of the producer's stack, whose output producerStackOutput "+
		"holds the attachment URI, read through a StackReference.")
	a.Describe(&c.ProducerStackOutput, "Output of producerStack that holds the attachment URI (serviceAttachmentUri by default).")
	a.SetDefault(&c.ProducerStackOutput, defaultProducerOutput)
	a.Describe(&c.AllowGlobalAccess, "Let clients in other regions of the consumer VPC reach the endpoint "+
		"(allowPscGlobalAccess on its forwarding rule). Off by default: only clients in the endpoint's region reach it. "+
		"An explicit opt-in that warns at preview.")
	a.Describe(&c.NoAutomateDnsZone, "Do not let PSC create its automatic DNS zone for the producer's domainNames; "+
		"set it when a DnsBinding owns the name.")
	a.Describe(&c.Firewall, "Egress firewall rule that lets consumer clients reach the endpoint.")
	a.Describe(&c.ServiceDirectoryRegistrations, "Register the endpoint in Service Directory (a namespace and "+
		"service of your choice), the way Google's automatic DNS for published services works: with the producer's "+
		"domainNames, PSC creates a private DNS zone for them in the consumer VPC unless noAutomateDnsZone is set. "+
		"Do not also give a DnsBinding a hostname under those domains: set noAutomateDnsZone when a DnsBinding "+
		"owns the name. Changing it replaces the endpoint.")
	a.Describe(&c.Labels, labelsDescription)
	a.Describe(&c.ProducerDomainNames, "The producer's domainNames (its domainNames output), for which Private "+
		"Service Connect's automatic DNS creates a zone in the consumer VPC; published again as automaticDnsDomains "+
		"for a DnsBinding to check against. With producerStack it is read from that stack's domainNames output "+
		"when not given; with serviceAttachment, none when not given.")
	a.Describe(&c.EndpointName, "Name of the endpoint's forwarding rule, instead of the autoname "+
		"<component>-endpoint-<suffix>: the name the producer sees among its connected endpoints and the first label "+
		"of the record PSC's automatic DNS creates (<endpointName>.<domain>); at most 63 characters. Changing it "+
		"replaces the endpoint (a new PSC connection).")
}

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
}

// Annotate documents the ConsumerEndpoint outputs for the schema.
func (c *ConsumerEndpoint) Annotate(a infer.Annotator) {
	a.Describe(c, "A Private Service Connect endpoint in the consumer's VPC: an internal IP address and a "+
		"forwarding rule that targets a producer's service attachment.")
	a.Describe(&c.IpAddress, "Internal IP of the endpoint that consumers call.")
	a.Describe(&c.ForwardingRuleSelfLink, "Self link of the endpoint's forwarding rule.")
	a.Describe(&c.PscConnectionId, "PSC connection id the producer sees.")
	a.Describe(&c.PscConnectionStatus, "Connection status: ACCEPTED, PENDING, REJECTED, CLOSED or NEEDS_ATTENTION; "+
		"a warning names the likely cause when it is not ACCEPTED, and pulumi refresh updates it.")
	a.Describe(&c.ConsumerProject, "Consumer project, to add to the producer's accept list.")
	a.Describe(&c.ConsumerNetwork, "Self link of the consumer VPC, to add to the producer's accept list by network.")
	a.Describe(&c.ServiceAttachmentUri, "The service attachment the endpoint connects to.")
	a.Describe(&c.Region, "Region of the endpoint.")
	a.Describe(&c.AutomaticDnsDomains, "The producer's domainNames that Private Service Connect's automatic DNS "+
		"claims in the consumer VPC for this endpoint (a record <endpoint>.<domain> in a Service Directory zone): "+
		"none with noAutomateDnsZone. Pass it to a DnsBinding's automaticDnsDomains, which then refuses a hostname "+
		"under them.")
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
	if err := invalidInput("ConsumerEndpoint", name, a.validateExisting(newLookup(ctx, comp))); err != nil {
		return nil, err
	}
	if err := buildConsumer(ctx, name, a, comp, providerRegion); err != nil {
		return nil, fmt.Errorf("ConsumerEndpoint %q: %w", name, err)
	}
	if err := registerOutputs(ctx, comp); err != nil {
		return nil, fmt.Errorf("ConsumerEndpoint %q: outputs: %w", name, err)
	}
	return comp, nil
}

// withDefaults returns a copy of the args with every default applied.
// The project comes from the component's provider, once it is registered (providerDefaults).
func (args *ConsumerEndpointArgs) withDefaults() ConsumerEndpointArgs {
	a := *args
	if a.ProducerStack != "" && a.ProducerStackOutput == "" {
		a.ProducerStackOutput = defaultProducerOutput
	}
	if f := a.Firewall; f != nil {
		c := *f
		if len(c.Ports) == 0 {
			c.Ports = []int{80, 443}
		}
		if c.Priority == nil {
			c.Priority = pulumi.IntRef(defaultFirewallPriority)
		}
		a.Firewall = &c
	}
	return a
}

func buildConsumer(ctx *pulumi.Context, name string, a ConsumerEndpointArgs, comp *ConsumerEndpoint, providerRegion string) error {
	opts := []pulumi.ResourceOption{pulumi.Parent(comp), describedOnce()}
	var project pulumi.StringPtrInput
	if a.Project != "" {
		project = pulumi.StringPtr(a.Project)
	}

	attachment, producerDomains, err := a.producer(ctx, name, comp)
	if err != nil {
		return err
	}
	// The endpoint lives in the attachment's region (EP-REGION, docs/gcp-rules.md). The address takes that
	// region without reading the attachment URI (see endpointRegion), so that it waits only for
	// its subnet, not for an attachment the same stack creates; the forwarding rule's target
	// checks that the two regions agree, checked now for plain inputs and when Outputs resolve.
	region := a.endpointRegion(providerRegion, attachment)
	uri := pulumi.All(attachment, region, a.Subnetwork).ApplyT(func(v []any) (string, error) {
		ref, err := ParseServiceAttachmentURI(v[0].(string))
		if err != nil {
			return "", fmt.Errorf("%s: %w", a.attachmentInput(), hidden(err, v[0].(string)))
		}
		if path, problem := a.regionProblem(v[1].(string), v[2].(string), ref.Region); problem != "" {
			return "", fmt.Errorf("%s: %s", path, problem)
		}
		return ref.URI(), nil
	}).(pulumi.StringOutput)

	// With a Shared VPC, a subnet given by bare name is the host project's.
	subnet := qualifiedSubnet(a.Subnetwork, a.NetworkProject, cmp.Or(a.Region, providerRegion))
	addrArgs := &compute.AddressArgs{
		Project:     project,
		Region:      region,
		AddressType: pulumi.String("INTERNAL"),
		Subnetwork:  subnet,
		Labels:      childLabels(a.Labels),
		Description: description("ConsumerEndpoint", name, "internal IP of the Private Service Connect endpoint"),
	}
	if a.IpAddress != "" {
		addrArgs.Address = pulumi.String(a.IpAddress)
	}
	addr, err := compute.NewAddress(ctx, name+"-ip", addrArgs, opts...)
	if err != nil {
		return fmt.Errorf("endpoint address: %w", err)
	}

	// loadBalancingScheme must be "" for a PSC endpoint: the provider otherwise defaults to
	// EXTERNAL (EP-SCHEME). A CLOSED endpoint never recovers, so recreate it. The address can
	// be held by one forwarding rule only, so a replacement (a CLOSED endpoint, a new target) must
	// delete the old rule first: created first, the new rule fails with IP_IN_USE_BY_ANOTHER_RESOURCE.
	// ipAddress is the IP string: the provider stores the IP and suppresses the diff between an IP
	// and a reference to the address, so with a self link a new fixed IP would never replace the
	// rule, and deleting the old address would fail while the rule holds it.
	rule, err := compute.NewForwardingRule(ctx, name+"-endpoint", &compute.ForwardingRuleArgs{
		Project:                       project,
		Region:                        region,
		Name:                          optionalString(a.EndpointName),
		LoadBalancingScheme:           pulumi.String(""),
		Target:                        uri,
		IpAddress:                     addr.Address, // the IP, not the address's self link: see below
		Network:                       qualifiedNetwork(a.Network, a.NetworkProject),
		Subnetwork:                    subnet,
		RecreateClosedPsc:             pulumi.Bool(true),
		AllowPscGlobalAccess:          pulumi.Bool(a.AllowGlobalAccess),
		NoAutomateDnsZone:             pulumi.Bool(a.NoAutomateDnsZone),
		Labels:                        childLabels(a.Labels),
		ServiceDirectoryRegistrations: a.serviceDirectoryArgs(),
		Description:                   description("ConsumerEndpoint", name, "Private Service Connect endpoint"),
	}, append(opts, pulumi.ReplaceOnChanges([]string{"target", "ipAddress"}), pulumi.DeleteBeforeReplace(true))...)
	if err != nil {
		return fmt.Errorf("endpoint forwarding rule: %w", err)
	}

	if a.Firewall != nil {
		if err := endpointFirewall(ctx, name, a, addr.Address, project, opts); err != nil {
			return err
		}
	}

	comp.IpAddress = addr.Address
	comp.ForwardingRuleSelfLink = rule.SelfLink
	comp.PscConnectionId = rule.PscConnectionId
	comp.PscConnectionStatus = rule.PscConnectionStatus.ApplyT(func(status string) string {
		if advice := statusAdvice(status); advice != "" {
			_ = ctx.Log.Warn(fmt.Sprintf("PSC connection status is %s: %s", status, advice),
				&pulumi.LogArgs{Resource: comp})
		}
		return status
	}).(pulumi.StringOutput)
	comp.ConsumerProject = addr.Project
	comp.ConsumerNetwork = rule.Network
	comp.ServiceAttachmentUri = uri
	comp.Region = region
	comp.AutomaticDnsDomains = automaticDNSDomains(a.NoAutomateDnsZone, producerDomains)
	return nil
}

// serviceDirectoryArgs is the endpoint's Service Directory registration (nil when not asked for).
func (a *ConsumerEndpointArgs) serviceDirectoryArgs() compute.ForwardingRuleServiceDirectoryRegistrationsPtrInput {
	sd := a.ServiceDirectoryRegistrations
	if sd == nil {
		return nil
	}
	return &compute.ForwardingRuleServiceDirectoryRegistrationsArgs{Namespace: optionalString(sd.Namespace), Service: optionalString(sd.Service)}
}

// optionalString is a plain optional string as an input: "" stays unset.
func optionalString(s string) pulumi.StringPtrInput {
	if s == "" {
		return nil
	}
	return pulumi.StringPtr(s)
}

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
			if r := subnetRegion(link); r != "" {
				return r
			}
			return configured
		}).(pulumi.StringOutput)
	}
	return pulumi.All(subnet, attachment).ApplyT(func(v []any) string {
		if r := subnetRegion(v[0].(string)); r != "" {
			return r
		}
		ref, _ := ParseServiceAttachmentURI(v[1].(string)) // a bad URI fails the target's check
		return ref.Region
	}).(pulumi.StringOutput)
}

// regionProblem says, naming the input that chose it, why the endpoint's region is wrong: ""
// when it is the attachment's.
func (a *ConsumerEndpointArgs) regionProblem(region, subnet, attachmentRegion string) (path, problem string) {
	switch {
	case region == attachmentRegion:
		return "", ""
	case a.Region != "":
		return "region", fmt.Sprintf("%s differs from the service attachment's region %s; a PSC endpoint must be in the attachment's region",
			region, attachmentRegion)
	case subnetRegion(subnet) != "":
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

// producer returns the attachment URI and the producer's domainNames, given directly or read from the
// producer's stack.
func (a *ConsumerEndpointArgs) producer(ctx *pulumi.Context, name string, comp *ConsumerEndpoint,
) (pulumi.StringOutput, pulumi.StringArrayOutput, error) {
	domains := pulumi.ToStringArray(nil).ToStringArrayOutput()
	if a.ProducerDomainNames != nil {
		domains = a.ProducerDomainNames.ToStringArrayOutput()
	}
	if a.ProducerStack == "" {
		return a.ServiceAttachment.ToStringOutput(), domains, nil
	}
	ref, err := stackReference(ctx, comp, name+"-producer", "producerStack", a.ProducerStack)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringArrayOutput{}, err
	}
	if a.ProducerDomainNames == nil {
		domains = stackDomainNames(ref, a.ProducerStack)
	}
	return stackString(ref, "producerStack", a.ProducerStack, a.ProducerStackOutput), domains, nil
}

// endpointFirewall creates the egress rule that lets the given clients reach the endpoint IP.
func endpointFirewall(ctx *pulumi.Context, name string, a ConsumerEndpointArgs, ip pulumi.StringOutput,
	project pulumi.StringPtrInput, opts []pulumi.ResourceOption,
) error {
	f := a.Firewall
	ports := make(pulumi.StringArray, 0, len(f.Ports))
	for _, p := range f.Ports {
		ports = append(ports, pulumi.String(fmt.Sprint(p)))
	}
	if a.NetworkProject != "" {
		project = pulumi.StringPtr(a.NetworkProject) // a Shared VPC's firewall rules are the host's
	}
	args := &compute.FirewallArgs{
		Project:           project,
		Network:           qualifiedNetwork(a.Network, a.NetworkProject),
		Direction:         pulumi.String("EGRESS"),
		Priority:          pulumi.Int(*f.Priority),
		DestinationRanges: pulumi.StringArray{pulumi.Sprintf("%s/32", ip)},
		Allows:            compute.FirewallAllowArray{&compute.FirewallAllowArgs{Protocol: pulumi.String("tcp"), Ports: ports}},
		Description:       description("ConsumerEndpoint", name, "egress from the clients to the Private Service Connect endpoint"),
	}
	if len(f.ClientRanges) > 0 {
		args.SourceRanges = checkedStrings(f.ClientRanges, "firewall.clientRanges", checkClientRange)
	}
	if len(f.ClientTags) > 0 {
		args.TargetTags = checkedStrings(f.ClientTags, "firewall.clientTags", checkNetworkTag)
	}
	if _, err := compute.NewFirewall(ctx, name+"-egress", args, opts...); err != nil {
		return fmt.Errorf("egress firewall rule: %w", err)
	}
	return nil
}

// statusAdvice names the likely cause of a PSC connection status other than ACCEPTED ("" for
// ACCEPTED and for a status not known yet).
func statusAdvice(status string) string {
	switch status {
	case "", "ACCEPTED":
		return ""
	case "PENDING":
		return "the producer has not accepted this consumer yet, or this consumer already has as many endpoints as " +
			"its connectionLimit allows. Ask them to add this endpoint's consumerProject (or consumerNetwork) to the " +
			"ProducerService's consumers or consumerStacks, or to raise its connectionLimit (pulumi-gcp v8 sends a " +
			"change of connectionLimit alone to Google Cloud only together with another change of the accept list), " +
			"then run pulumi refresh here"
	case "REJECTED":
		return "the producer rejected this consumer: it is in their rejectedConsumers (a reject wins over an " +
			"accept); ask them to remove it there"
	case "CLOSED":
		return "the producer's service attachment was deleted, and a CLOSED endpoint never reconnects. Once the " +
			"producer has published the service again, run pulumi up here (with the new serviceAttachment URI if it " +
			"changed; producerStack follows it): the endpoint is recreated (recreateClosedPsc)"
	case "NEEDS_ATTENTION":
		return "the producer's PSC NAT subnets have no free address for this connection (each connected endpoint " +
			"takes one). The producer must add a NAT subnet (ProducerService additionalNatSubnets), which disturbs no " +
			"existing connection; then run pulumi refresh here"
	default:
		return "an unexpected status; check the producer's service attachment"
	}
}
