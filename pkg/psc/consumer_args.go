package psc

import (
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

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
	a.Describe(&c.Region, "Region of the endpoint, which must be the service attachment's: by default the region "+
		"subnetwork names (a self link or path), else the region of the component's gcp provider, else the "+
		"attachment's. With producerStack, it picks the producer's attachment for this region (see producerStack).")
	a.Describe(&c.Network, "Consumer VPC network (name or self link).")
	a.Describe(&c.NetworkProject, networkProjectDescription+" The endpoint's address and forwarding rule stay in "+
		"project, whose consumerProject output the producer accepts.")
	a.Describe(&c.Subnetwork, "Regular subnet of the consumer VPC, in the attachment's region, that the endpoint IP "+
		"comes from; given as a self link or path, its region is the endpoint's unless region is set.")
	a.Describe(&c.IpAddress, "Fixed endpoint IP inside subnetwork; allocated when unset.")
	a.Describe(&c.ServiceAttachment, "Producer's service attachment URI, projects/P/regions/R/serviceAttachments/N. "+
		"Give exactly one of serviceAttachment and producerStack.")
	a.Describe(&c.ProducerStack, "Fully qualified name of the producer's stack, whose output producerStackOutput "+
		"holds the attachment URI, read through a StackReference. With the default producerStackOutput, when the stack "+
		"has a serviceAttachmentUris output (a ProducerService's map of region to attachment URI), the endpoint takes "+
		"the attachment of its own region (region, else subnetwork's region, else the gcp provider's); a region the "+
		"producer does not serve is refused at preview, naming the input that chose it and the regions offered. "+
		"Give one ConsumerEndpoint per region for an endpoint in each.")
	a.Describe(&c.ProducerStackOutput, "Output of producerStack that holds the attachment URI (serviceAttachmentUri by "+
		"default, read from the stack's serviceAttachmentUris map by region when it has one); any other output is read as "+
		"a single URI.")
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
