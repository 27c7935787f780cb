package psc

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/dns"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// DnsBindingType is the type token of the DnsBinding component.
const DnsBindingType = chain.DnsBindingType

const defaultTTL = 300

// defaultDNSProtocol is the scheme of the url output when neither protocol nor producerProtocol
// says: the producer's default, HTTP (a ProducerService serves HTTPS only when given tls).
const defaultDNSProtocol = chain.HTTP

// DnsBindingArgs are the inputs of a DnsBinding.
type DnsBindingArgs struct {
	Project   string             `pulumi:"project,optional"`
	Hostname  string             `pulumi:"hostname"`
	IpAddress pulumi.StringInput `pulumi:"ipAddress,optional"`
	// IpAddresses are endpoint IPs by region, for a geo routing policy (dns_geo.go).
	IpAddresses      map[string]pulumi.StringInput `pulumi:"ipAddresses,optional"`
	Networks         pulumi.StringArrayInput       `pulumi:"networks,optional"`
	ZoneDnsName      string                        `pulumi:"zoneDnsName,optional"`
	ExistingZoneName string                        `pulumi:"existingZoneName,optional"`
	Ttl              *int                          `pulumi:"ttl,optional"`
	Protocol         string                        `pulumi:"protocol,optional"`
	Labels           map[string]string             `pulumi:"labels,optional"`
	// AutomaticDnsDomains are the domains PSC's automatic DNS claims in the bound networks.
	AutomaticDnsDomains pulumi.StringArrayInput `pulumi:"automaticDnsDomains,optional"`
	ProducerProtocol    pulumi.StringInput      `pulumi:"producerProtocol,optional"`
}

// Annotate documents DnsBindingArgs for the schema.
func (d *DnsBindingArgs) Annotate(a infer.Annotator) {
	a.Describe(&d.Project, "Project of the DNS zone; by default the project of the component's gcp provider (the "+
		"gcp:project configuration for the default provider).")
	a.Describe(&d.Hostname, "Private hostname consumers call, such as payment-api.internal, without the trailing "+
		"dot; for HTTPS it must match the producer's certificate.")
	a.Describe(&d.IpAddress, "IP the hostname resolves to, usually a ConsumerEndpoint's ipAddress. Give exactly one "+
		"of ipAddress and ipAddresses.")
	a.Describe(&d.IpAddresses, "Endpoint IPs by region, for a consumer with a ConsumerEndpoint in each of two or more "+
		"regions: the key is the endpoint's region (its region output), the value its ipAddress. The record then has a "+
		"geolocation routing policy: a client's query is answered with the IP of its own region, or of the nearest "+
		"region listed. Cloud DNS health-checks only internal load balancers and external endpoints, not PSC "+
		"endpoints, so this name does not fail over: when a region's endpoint or the producer's attachment there is "+
		"down, its clients still get its IP (the producer's cross-region load balancer fails over behind a working "+
		"attachment). Clients in a region without an endpoint get the nearest one's IP, which they reach only when "+
		"that endpoint sets allowGlobalAccess.")
	a.Describe(&d.Networks, "VPC networks (self links or ids) that can resolve the private zone; required when "+
		"the component creates the zone. Each entry may be an Output, such as a VPC's selfLink.")
	a.Describe(&d.ZoneDnsName, "DNS name of the zone to create, ending with a dot: the hostname itself by default "+
		"(payment-api.internal.), so that the zone claims only that name in the bound networks. A zone for a parent "+
		"domain such as internal. would answer for every *.internal name there, and a second DnsBinding under it "+
		"would collide.")
	a.Describe(&d.ExistingZoneName, "Name of an existing private managed zone to add the record to, instead of "+
		"creating one.")
	a.Describe(&d.Ttl, "TTL of the A record in seconds, 1 to 86400 (300 when unset; an explicit 0 is refused).")
	a.SetDefault(&d.Ttl, defaultTTL)
	a.Describe(&d.Protocol, "HTTP or HTTPS: the scheme of the url output. When not given, the producer's protocol "+
		"from producerProtocol, else HTTP (what a ProducerService without tls serves). Given with producerProtocol, it "+
		"must be the same: a protocol the producer does not serve is refused.")
	a.Describe(&d.ProducerProtocol, "The protocol the producer serves, HTTP or HTTPS: pass the ConsumerEndpoint's "+
		"producerProtocol output, which it reads from the producer's stack. The url then takes its scheme without "+
		"protocol being given; a protocol that differs is refused, naming protocol, before any child is created (at "+
		"preview for a value read from a stack). Empty says nothing (an endpoint given serviceAttachment, or a "+
		"producer stack without a protocol output).")
	a.Describe(&d.Labels, labelsDescription+" Only a zone the component creates takes them.")
	a.Describe(&d.AutomaticDnsDomains, "The domains that Private Service Connect's automatic DNS claims in the "+
		"consumer VPC: pass the ConsumerEndpoint's automaticDnsDomains output. The binding refuses a hostname under "+
		"any of them (at preview when known, else before the record is created), since Google's Service Directory "+
		"zone already answers there; set noAutomateDnsZone on the endpoint to let the binding own the name.")
}

// DnsBinding is a private Cloud DNS name for a PSC endpoint, so consumers call
// https://payment-api.internal instead of an IP.
type DnsBinding struct {
	pulumi.ResourceState

	Fqdn          pulumi.StringOutput      `pulumi:"fqdn"`
	ZoneName      pulumi.StringOutput      `pulumi:"zoneName"`
	Url           pulumi.StringOutput      `pulumi:"url"`
	Regions       pulumi.StringArrayOutput `pulumi:"regions"`
	HealthChecked pulumi.BoolOutput        `pulumi:"healthChecked"`
}

// Annotate documents the DnsBinding outputs for the schema.
func (d *DnsBinding) Annotate(a infer.Annotator) {
	a.Describe(d, "A private Cloud DNS zone, visible only to the given networks, and an A record that points the "+
		"private hostname at a PSC endpoint, or, with ipAddresses, at each client's nearest endpoint by region "+
		"(a geolocation routing policy, without health checks).")
	a.Describe(&d.Fqdn, "Fully qualified record name, with the trailing dot.")
	a.Describe(&d.ZoneName, "Name of the managed zone that holds the record.")
	a.Describe(&d.Url, "URL consumers call, such as https://payment-api.internal.")
	a.Describe(&d.Regions, "The regions of ipAddresses, sorted, that the record's geolocation routing policy answers "+
		"for; empty with a single ipAddress.")
	a.Describe(&d.HealthChecked, "Whether Cloud DNS health-checks the IPs the name resolves to, so that it fails over: "+
		"false, since Cloud DNS health-checks only internal load balancers and external endpoints and a PSC endpoint "+
		"is neither. cloudrun-psc doctor warns from it that the name does not fail over.")
}

// NewDnsBinding validates args, then creates the zone (unless an existing one is named) and the
// record as children of the component.
func NewDnsBinding(ctx *pulumi.Context, name string, args *DnsBindingArgs, opts ...pulumi.ResourceOption,
) (*DnsBinding, error) {
	if args == nil {
		return nil, fmt.Errorf("DnsBinding %q: args are required", name)
	}
	a := args.withDefaults()
	if err := invalidInput("DnsBinding", name, a.validate(name)); err != nil {
		return nil, err
	}
	// A producerProtocol read from another resource or stack is checked once it resolves, still
	// before any child is registered (a StackReference's is known at preview).
	url := a.checkedURL(name)
	if err := awaitChecked(ctx, url); err != nil {
		return nil, err
	}
	comp := &DnsBinding{}
	if err := ctx.RegisterComponentResource(DnsBindingType, name, comp, opts...); err != nil {
		return nil, err
	}
	if err := providerDefaults(ctx, comp, &a.Project, nil); err != nil {
		return nil, fmt.Errorf("DnsBinding %q: %w", name, err)
	}
	opts = []pulumi.ResourceOption{pulumi.Parent(comp), describedOnce()}
	var project pulumi.StringPtrInput
	if a.Project != "" {
		project = pulumi.StringPtr(a.Project)
	}

	zoneName := pulumi.String(a.ExistingZoneName).ToStringOutput()
	if a.ExistingZoneName == "" {
		networks, err := claimZone(ctx, name, a.Project, a.ZoneDnsName, a.Networks)
		if err != nil {
			return nil, invalidInput("DnsBinding", name, err)
		}
		zone, err := dns.NewManagedZone(ctx, name+"-zone", &dns.ManagedZoneArgs{
			Project:     project,
			DnsName:     pulumi.String(a.ZoneDnsName),
			Visibility:  pulumi.String("private"),
			Labels:      childLabels(a.Labels),
			Description: description("DnsBinding", name, "private name of a Private Service Connect endpoint"),
			PrivateVisibilityConfig: &dns.ManagedZonePrivateVisibilityConfigArgs{
				Networks: networks.ApplyT(visibleNetworks).(dns.ManagedZonePrivateVisibilityConfigNetworkArrayOutput),
			},
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("DnsBinding %q: managed zone: %w", name, err)
		}
		zoneName = zone.Name
	}

	fqdn := a.Hostname + "."
	record := &dns.RecordSetArgs{
		Project:     project,
		ManagedZone: zoneName,
		Name:        checkedHostname(a.Hostname, a.AutomaticDnsDomains),
		Type:        pulumi.String("A"),
		Ttl:         pulumi.Int(*a.Ttl),
	}
	if len(a.IpAddresses) > 0 {
		record.RoutingPolicy = a.geoPolicy()
	} else {
		record.Rrdatas = pulumi.StringArray{checkedIP(a.IpAddress, "ipAddress")}
	}
	if _, err := dns.NewRecordSet(ctx, name+"-record", record, opts...); err != nil {
		return nil, fmt.Errorf("DnsBinding %q: record: %w", name, err)
	}

	comp.Fqdn = pulumi.String(fqdn).ToStringOutput()
	comp.ZoneName = zoneName
	comp.Url = url
	comp.Regions = pulumi.ToStringArray(a.regions()).ToStringArrayOutput()
	comp.HealthChecked = pulumi.Bool(pscEndpointHealthChecked).ToBoolOutput()
	if err := registerOutputs(ctx, comp); err != nil {
		return nil, fmt.Errorf("DnsBinding %q: outputs: %w", name, err)
	}
	return comp, nil
}

// withDefaults returns a copy of the args with every default applied.
// The project comes from the component's provider, once it is registered (providerDefaults).
func (args *DnsBindingArgs) withDefaults() DnsBindingArgs {
	a := *args
	if a.Ttl == nil {
		a.Ttl = pulumi.IntRef(defaultTTL)
	}
	if a.ZoneDnsName == "" && a.ExistingZoneName == "" && checkHostname(a.Hostname) == nil {
		a.ZoneDnsName = a.Hostname + "."
	}
	return a
}

// visibleNetworks turns network references into the zone's private visibility list.
func visibleNetworks(networks []string) []dns.ManagedZonePrivateVisibilityConfigNetwork {
	out := make([]dns.ManagedZonePrivateVisibilityConfigNetwork, 0, len(networks))
	for _, n := range networks {
		out = append(out, dns.ManagedZonePrivateVisibilityConfigNetwork{NetworkUrl: n})
	}
	return out
}

// checkedIP fails, naming the input at path, when an IP given as an Output is not an IPv4 address.
func checkedIP(ip pulumi.StringInput, path string) pulumi.StringOutput {
	return ip.ToStringOutput().ApplyT(func(s string) (string, error) {
		if _, err := parseIPv4(s); err != nil {
			return "", fmt.Errorf("%s: %w", path, hidden(err, s))
		}
		return s, nil
	}).(pulumi.StringOutput)
}
