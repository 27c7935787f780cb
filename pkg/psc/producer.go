package psc

import (
	"fmt"
	"net/netip"
	"sort"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ProducerServiceType is the type token of the ProducerService component.
const ProducerServiceType = "cloudrun-psc:index:ProducerService"

// Defaults the ProducerService applies; each is stated in the input's description.
const (
	defaultContainerPort   = 8080
	defaultCPU             = "1"
	defaultMemory          = "512Mi"
	defaultConnectionLimit = 10
	defaultVpcEgress       = "PRIVATE_RANGES_ONLY"
	defaultConsumerOutput  = "consumerProject"
	consumerNetworkOutput  = "consumerNetwork"
	ingressInternalOnly    = "INGRESS_TRAFFIC_INTERNAL_ONLY"
	schemeInternalManaged  = "INTERNAL_MANAGED"
	purposeProxyOnly       = "REGIONAL_MANAGED_PROXY"
	purposePSC             = "PRIVATE_SERVICE_CONNECT"
	acceptManual           = "ACCEPT_MANUAL"
	acceptAutomatic        = "ACCEPT_AUTOMATIC"
	invokerRole            = "roles/run.invoker"
)

// SubnetArgs names a subnet the component either creates (ipCidrRange) or uses as it is (selfLink).
type SubnetArgs struct {
	IpCidrRange string             `pulumi:"ipCidrRange,optional"`
	SelfLink    pulumi.StringInput `pulumi:"selfLink,optional"`
}

// Annotate documents SubnetArgs for the schema.
func (s *SubnetArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "Subnet")
	a.Describe(s, "A subnet that the component either creates from a CIDR range in the given VPC or uses as it is. "+
		"Give exactly one of ipCidrRange and selfLink.")
	a.Describe(&s.IpCidrRange, "IPv4 range of a subnet to create, such as 10.10.0.0/24, written from its network address.")
	a.Describe(&s.SelfLink, "Self link of an existing subnet to use instead of creating one.")
}

// created reports whether the component creates this subnet.
func (s SubnetArgs) created() bool { return s.IpCidrRange != "" }

// VpcEgressArgs routes a created Cloud Run service's outbound traffic into a VPC.
type VpcEgressArgs struct {
	Network     pulumi.StringInput `pulumi:"network,optional"`
	Subnetwork  pulumi.StringInput `pulumi:"subnetwork,optional"`
	NetworkTags []string           `pulumi:"networkTags,optional"`
	Connector   pulumi.StringInput `pulumi:"connector,optional"`
	Egress      string             `pulumi:"egress,optional"`
}

// Annotate documents VpcEgressArgs for the schema.
func (v *VpcEgressArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "VpcEgress")
	a.Describe(v, "Outbound traffic of the Cloud Run service into a VPC, for services that call private backends: "+
		"Direct VPC egress (network and subnetwork) or a Serverless VPC Access connector, not both.")
	a.Describe(&v.Network, "VPC network for Direct VPC egress.")
	a.Describe(&v.Subnetwork, "Subnet for Direct VPC egress; the service's instances take addresses from it.")
	a.Describe(&v.NetworkTags, "Network tags given to the service's instances for Direct VPC egress, for firewall rules.")
	a.Describe(&v.Connector, "Serverless VPC Access connector (projects/P/locations/R/connectors/N) instead of Direct VPC egress.")
	a.Describe(&v.Egress, "Which traffic goes through the VPC: PRIVATE_RANGES_ONLY (the default) or ALL_TRAFFIC.")
	a.SetDefault(&v.Egress, defaultVpcEgress)
}

// CloudRunArgs describes the Cloud Run service behind the load balancer.
type CloudRunArgs struct {
	ExistingServiceName  string                `pulumi:"existingServiceName,optional"`
	Image                pulumi.StringInput    `pulumi:"image,optional"`
	Port                 int                   `pulumi:"port,optional"`
	Env                  pulumi.StringMapInput `pulumi:"env,optional"`
	ServiceAccount       pulumi.StringInput    `pulumi:"serviceAccount,optional"`
	MinInstances         int                   `pulumi:"minInstances,optional"`
	MaxInstances         int                   `pulumi:"maxInstances,optional"`
	Cpu                  string                `pulumi:"cpu,optional"`
	Memory               string                `pulumi:"memory,optional"`
	Invokers             []string              `pulumi:"invokers,optional"`
	AllowUnauthenticated bool                  `pulumi:"allowUnauthenticated,optional"`
	CustomAudiences      []string              `pulumi:"customAudiences,optional"`
	DisableDefaultUrl    bool                  `pulumi:"disableDefaultUrl,optional"`
	DeletionProtection   bool                  `pulumi:"deletionProtection,optional"`
	VpcEgress            *VpcEgressArgs        `pulumi:"vpcEgress,optional"`
}

// Annotate documents CloudRunArgs for the schema.
func (c *CloudRunArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "CloudRun")
	a.Describe(c, "The Cloud Run service to publish: an existing one (existingServiceName) or one created from an "+
		"image. A created service only accepts internal traffic (ingress INGRESS_TRAFFIC_INTERNAL_ONLY).")
	a.Describe(&c.ExistingServiceName, "Name of an existing Cloud Run service in the same project and region to put "+
		"behind the load balancer, instead of creating one; give exactly one of existingServiceName and image.")
	a.Describe(&c.Image, "Container image of the Cloud Run service to create.")
	a.Describe(&c.Port, "Port the container listens on (8080 by default).")
	a.SetDefault(&c.Port, defaultContainerPort)
	a.Describe(&c.Env, "Environment variables of the container. Prefer Secret Manager for secrets; a secret value "+
		"given here stays secret in Pulumi state.")
	a.Describe(&c.ServiceAccount, "Service account email the service runs as (the project's default compute "+
		"account when unset, which is usually broader than needed).")
	a.Describe(&c.MinInstances, "Minimum number of instances kept warm (0 by default).")
	a.Describe(&c.MaxInstances, "Maximum number of instances (Cloud Run's default when 0).")
	a.Describe(&c.Cpu, "CPU limit of each instance, such as 1 or 2 (1 by default).")
	a.SetDefault(&c.Cpu, defaultCPU)
	a.Describe(&c.Memory, "Memory limit of each instance, such as 512Mi or 2Gi (512Mi by default).")
	a.SetDefault(&c.Memory, defaultMemory)
	a.Describe(&c.Invokers, "IAM members granted roles/run.invoker on the service, such as "+
		"serviceAccount:caller@consumer-project.iam.gserviceaccount.com. Callers send an ID token whose audience "+
		"is the private URL.")
	a.Describe(&c.AllowUnauthenticated, "Grant roles/run.invoker to allUsers. Off by default: with it, anyone who "+
		"can reach the private endpoint can call the service without an identity. An explicit opt-in.")
	a.Describe(&c.CustomAudiences, "Extra ID-token audiences the service accepts, besides the private URL "+
		"derived from hostname.")
	a.Describe(&c.DisableDefaultUrl, "Disable the service's run.app URL so that every call goes through the "+
		"private load balancer.")
	a.Describe(&c.DeletionProtection, "Keep Google Cloud from deleting the created service (false by default; "+
		"Pulumi's protect option is the usual guard).")
	a.Describe(&c.VpcEgress, "Route the created service's outbound traffic into a VPC.")
}

// TlsArgs turns the load balancer into HTTPS.
type TlsArgs struct {
	CertificatePem                 string             `pulumi:"certificatePem,optional"`
	PrivateKeyPem                  pulumi.StringInput `pulumi:"privateKeyPem,optional" provider:"secret"`
	CertificateManagerCertificates []string           `pulumi:"certificateManagerCertificates,optional"`
	SslPolicy                      string             `pulumi:"sslPolicy,optional"`
}

// Annotate documents TlsArgs for the schema.
func (t *TlsArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "Tls")
	a.Describe(t, "HTTPS on the internal load balancer: a self-managed certificate (certificatePem and "+
		"privateKeyPem) or regional Certificate Manager certificates, not both.")
	a.Describe(&t.CertificatePem, "PEM certificate chain of a self-managed certificate; it must cover hostname.")
	a.Describe(&t.PrivateKeyPem, "PEM private key of the self-managed certificate. Always stored as a secret.")
	a.Describe(&t.CertificateManagerCertificates, "Regional Certificate Manager certificates "+
		"(projects/P/locations/REGION/certificates/N) in the producer's region, instead of a self-managed one.")
	a.Describe(&t.SslPolicy, "Self link of a regional SSL policy for the HTTPS proxy.")
}

// selfManaged reports whether the TLS inputs describe a self-managed certificate.
func (t *TlsArgs) selfManaged() bool { return t != nil && t.CertificatePem != "" }

// ConsumerAcceptArgs accepts one consumer of the service attachment.
type ConsumerAcceptArgs struct {
	ProjectIdOrNum  string `pulumi:"projectIdOrNum,optional"`
	NetworkUrl      string `pulumi:"networkUrl,optional"`
	ConnectionLimit *int   `pulumi:"connectionLimit,optional"`
}

// Annotate documents ConsumerAcceptArgs for the schema.
func (c *ConsumerAcceptArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "ConsumerAccept")
	a.Describe(c, "A consumer allowed to connect: a project or a VPC network, not both. All entries of one "+
		"attachment must be of the same kind.")
	a.Describe(&c.ProjectIdOrNum, "Consumer project id or number.")
	a.Describe(&c.NetworkUrl, "Consumer VPC network, projects/P/global/networks/N.")
	a.Describe(&c.ConnectionLimit, "Most endpoints this consumer may connect (10 by default).")
	a.SetDefault(&c.ConnectionLimit, defaultConnectionLimit)
}

// ConsumerStackArgs accepts the consumer published by another Pulumi stack.
type ConsumerStackArgs struct {
	Stack           string `pulumi:"stack"`
	Output          string `pulumi:"output,optional"`
	ConnectionLimit *int   `pulumi:"connectionLimit,optional"`
}

// Annotate documents ConsumerStackArgs for the schema.
func (c *ConsumerStackArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "ConsumerStack")
	a.Describe(c, "A consumer read from another stack's outputs through a StackReference.")
	a.Describe(&c.Stack, "Fully qualified name of the consumer's stack, such as acme/payments-consumer/prod.")
	a.Describe(&c.Output, "Stack output to read: consumerProject (the default) accepts the project, "+
		"consumerNetwork accepts the network.")
	a.SetDefault(&c.Output, defaultConsumerOutput)
	a.Describe(&c.ConnectionLimit, "Most endpoints this consumer may connect (10 by default).")
	a.SetDefault(&c.ConnectionLimit, defaultConnectionLimit)
}

// byNetwork reports whether the entry accepts a network rather than a project.
func (c ConsumerStackArgs) byNetwork() bool { return c.Output == consumerNetworkOutput }

// ProducerServiceArgs are the inputs of a ProducerService.
type ProducerServiceArgs struct {
	Project                   string               `pulumi:"project,optional"`
	Region                    string               `pulumi:"region,optional"`
	Network                   pulumi.StringInput   `pulumi:"network"`
	CloudRun                  CloudRunArgs         `pulumi:"cloudRun"`
	Hostname                  string               `pulumi:"hostname,optional"`
	Tls                       *TlsArgs             `pulumi:"tls,optional"`
	LoadBalancerSubnet        SubnetArgs           `pulumi:"loadBalancerSubnet"`
	LoadBalancerIp            string               `pulumi:"loadBalancerIp,optional"`
	ProxyOnlySubnet           SubnetArgs           `pulumi:"proxyOnlySubnet"`
	NatSubnet                 SubnetArgs           `pulumi:"natSubnet"`
	AdditionalNatSubnets      []SubnetArgs         `pulumi:"additionalNatSubnets,optional"`
	Consumers                 []ConsumerAcceptArgs `pulumi:"consumers,optional"`
	ConsumerStacks            []ConsumerStackArgs  `pulumi:"consumerStacks,optional"`
	RejectedConsumers         []string             `pulumi:"rejectedConsumers,optional"`
	AcceptAllConsumers        bool                 `pulumi:"acceptAllConsumers,optional"`
	ReconcileConnections      *bool                `pulumi:"reconcileConnections,optional"`
	DomainNames               []string             `pulumi:"domainNames,optional"`
	PropagatedConnectionLimit *int                 `pulumi:"propagatedConnectionLimit,optional"`
}

// Annotate documents ProducerServiceArgs for the schema.
func (p *ProducerServiceArgs) Annotate(a infer.Annotator) {
	a.Describe(&p.Project, "Producer project; the gcp:project configuration by default.")
	a.Describe(&p.Region, "Region of every producer resource; the gcp:region configuration by default.")
	a.Describe(&p.Network, "Producer VPC network (name or self link) that holds the load balancer and the subnets.")
	a.Describe(&p.CloudRun, "The Cloud Run service to publish.")
	a.Describe(&p.Hostname, "Private hostname consumers call, such as payment-api.internal: the load balancer's host "+
		"rule, the service's ID-token audience, and the name the TLS certificate must cover.")
	a.Describe(&p.Tls, "Serve HTTPS on port 443 instead of HTTP on port 80.")
	a.Describe(&p.LoadBalancerSubnet, "Regular subnet that holds the load balancer's forwarding rule.")
	a.Describe(&p.LoadBalancerIp, "Fixed internal IP of the load balancer, inside loadBalancerSubnet; allocated when unset.")
	a.Describe(&p.ProxyOnlySubnet, "Proxy-only subnet (purpose REGIONAL_MANAGED_PROXY, role ACTIVE) of the VPC and "+
		"region, /26 or larger; a VPC has only one per region, so use selfLink when it exists.")
	a.Describe(&p.NatSubnet, "PSC NAT subnet (purpose PRIVATE_SERVICE_CONNECT) used only by this attachment; each "+
		"connected endpoint takes one of its addresses.")
	a.Describe(&p.AdditionalNatSubnets, "More PSC NAT subnets for the attachment. Add one when natCapacity runs out "+
		"(consumers see NEEDS_ATTENTION): the attachment is updated in place, existing connections are not "+
		"disturbed, and waiting ones are admitted. Append new entries at the end; each is named by its position.")
	a.Describe(&p.Consumers, "Consumers accepted by the service attachment.")
	a.Describe(&p.ConsumerStacks, "Consumers accepted by the service attachment, read from their stacks' outputs.")
	a.Describe(&p.RejectedConsumers, "Consumer projects or networks always rejected.")
	a.Describe(&p.AcceptAllConsumers, "Accept every consumer automatically (ACCEPT_AUTOMATIC). Off by default: "+
		"connections are accepted only for listed consumers (ACCEPT_MANUAL). An explicit opt-in.")
	a.Describe(&p.ReconcileConnections, "Apply accept- and reject-list changes to existing connections too, so "+
		"removing a consumer revokes it (true by default).")
	a.Describe(&p.DomainNames, "DNS domains (ending with a dot) that PSC configures in consumers' VPCs; needs "+
		"proven domain ownership and cannot change later.")
	a.Describe(&p.PropagatedConnectionLimit, "Most propagated connections per consumer (Google's default 250 when unset).")
}

// ProducerService publishes a Cloud Run service privately through Private Service Connect: Cloud Run
// (internal ingress) behind a serverless NEG and a regional internal Application Load Balancer,
// published by a PSC service attachment with manual acceptance.
type ProducerService struct {
	pulumi.ResourceState

	ServiceAttachmentUri      pulumi.StringOutput `pulumi:"serviceAttachmentUri"`
	ServiceAttachmentSelfLink pulumi.StringOutput `pulumi:"serviceAttachmentSelfLink"`
	LoadBalancerIp            pulumi.StringOutput `pulumi:"loadBalancerIp"`
	Hostname                  pulumi.StringOutput `pulumi:"hostname"`
	Protocol                  pulumi.StringOutput `pulumi:"protocol"`
	Port                      pulumi.IntOutput    `pulumi:"port"`
	CloudRunServiceName       pulumi.StringOutput `pulumi:"cloudRunServiceName"`
	CloudRunUri               pulumi.StringOutput `pulumi:"cloudRunUri"`
	Region                    pulumi.StringOutput `pulumi:"region"`
	Project                   pulumi.StringOutput `pulumi:"project"`
	NatSubnet                 pulumi.StringOutput `pulumi:"natSubnet"`
	ProxyOnlySubnet           pulumi.StringOutput `pulumi:"proxyOnlySubnet"`
	NatCapacity               pulumi.IntOutput    `pulumi:"natCapacity"`
	CertificatePem            pulumi.StringOutput `pulumi:"certificatePem"`
}

// Annotate documents the ProducerService outputs for the schema.
func (p *ProducerService) Annotate(a infer.Annotator) {
	a.Describe(p, "A Cloud Run service published privately through Private Service Connect: Cloud Run with "+
		"internal ingress, a serverless NEG, a regional internal Application Load Balancer and a PSC service "+
		"attachment that accepts only the listed consumers.")
	a.Describe(&p.ServiceAttachmentUri, "Service attachment URI projects/P/regions/R/serviceAttachments/N to hand to consumers.")
	a.Describe(&p.ServiceAttachmentSelfLink, "Self link of the service attachment.")
	a.Describe(&p.LoadBalancerIp, "Internal IP of the load balancer in the producer VPC.")
	a.Describe(&p.Hostname, "Private hostname the service answers to (empty when none was given).")
	a.Describe(&p.Protocol, "HTTP or HTTPS.")
	a.Describe(&p.Port, "Port consumers connect to: 80 for HTTP, 443 for HTTPS.")
	a.Describe(&p.CloudRunServiceName, "Name of the Cloud Run service behind the load balancer.")
	a.Describe(&p.CloudRunUri, "run.app URL of a created Cloud Run service (empty for an existing one); reachable "+
		"only from internal sources.")
	a.Describe(&p.Region, "Region of the producer resources.")
	a.Describe(&p.Project, "Producer project.")
	a.Describe(&p.NatSubnet, "Self link of the PSC NAT subnet.")
	a.Describe(&p.ProxyOnlySubnet, "Self link of the proxy-only subnet.")
	a.Describe(&p.NatCapacity, "How many endpoint connections the NAT subnets can hold (one address each), counting "+
		"the subnets the component creates; a subnet given by selfLink counts 0, as the component does not read its range.")
	a.Describe(&p.CertificatePem, "Public PEM certificate of a self-managed TLS certificate, for consumers to "+
		"trust (empty otherwise).")
}

// NewProducerService validates args, then creates the producer chain as children of the component.
func NewProducerService(ctx *pulumi.Context, name string, args *ProducerServiceArgs,
	opts ...pulumi.ResourceOption,
) (*ProducerService, error) {
	if args == nil {
		return nil, fmt.Errorf("ProducerService %q: args are required", name)
	}
	a := args.withDefaults(ctx)
	if err := invalidInput("ProducerService", name, a.validate(name)); err != nil {
		return nil, err
	}
	comp := &ProducerService{}
	if err := ctx.RegisterComponentResource(ProducerServiceType, name, comp, opts...); err != nil {
		return nil, err
	}
	// Existing subnets are looked up with the component's providers, so only once it is registered.
	if err := invalidInput("ProducerService", name, a.validateExisting(name, newLookup(ctx, comp))); err != nil {
		return nil, err
	}
	b := &producerBuilder{ctx: ctx, name: name, args: a, comp: comp}
	if err := b.build(); err != nil {
		return nil, fmt.Errorf("ProducerService %q: %w", name, err)
	}
	return comp, nil
}

// withDefaults returns a copy of the args with every default applied; infer does not apply schema
// defaults to components, so the constructor does.
func (args *ProducerServiceArgs) withDefaults(ctx *pulumi.Context) ProducerServiceArgs {
	a := *args
	a.Project = orDefault(ctx, a.Project, "gcp:project")
	a.Region = orDefault(ctx, a.Region, "gcp:region")
	if a.CloudRun.Port == 0 {
		a.CloudRun.Port = defaultContainerPort
	}
	if a.CloudRun.Cpu == "" {
		a.CloudRun.Cpu = defaultCPU
	}
	if a.CloudRun.Memory == "" {
		a.CloudRun.Memory = defaultMemory
	}
	if v := a.CloudRun.VpcEgress; v != nil && v.Egress == "" {
		c := *v
		c.Egress = defaultVpcEgress
		a.CloudRun.VpcEgress = &c
	}
	// An explicit connectionLimit of 0 stays 0, for validation to refuse; only an unset one
	// takes the default.
	a.Consumers = append([]ConsumerAcceptArgs(nil), a.Consumers...)
	for i := range a.Consumers {
		if a.Consumers[i].ConnectionLimit == nil {
			a.Consumers[i].ConnectionLimit = pulumi.IntRef(defaultConnectionLimit)
		}
	}
	a.ConsumerStacks = append([]ConsumerStackArgs(nil), a.ConsumerStacks...)
	for i := range a.ConsumerStacks {
		if a.ConsumerStacks[i].Output == "" {
			a.ConsumerStacks[i].Output = defaultConsumerOutput
		}
		if a.ConsumerStacks[i].ConnectionLimit == nil {
			a.ConsumerStacks[i].ConnectionLimit = pulumi.IntRef(defaultConnectionLimit)
		}
	}
	if a.ReconcileConnections == nil {
		a.ReconcileConnections = pulumi.BoolRef(true)
	}
	return a
}

// https reports whether the load balancer serves HTTPS.
func (args *ProducerServiceArgs) https() bool { return args.Tls != nil }

// protocolAndPort returns the load balancer's protocol and frontend port.
func (args *ProducerServiceArgs) protocolAndPort() (string, int) {
	if args.https() {
		return "HTTPS", 443
	}
	return "HTTP", 80
}

// producerBuilder creates the children of one ProducerService.
type producerBuilder struct {
	ctx  *pulumi.Context
	name string
	args ProducerServiceArgs
	comp *ProducerService
}

// opts are the options every child gets: the component as its parent, plus extra.
func (b *producerBuilder) opts(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(b.comp)}, extra...)
}

// replacedInUse are the options of the children that are replaced while the next link of the
// chain uses them, and that GCP refuses to edit or delete while in use (GCP-FACTS 2): the
// serverless NEG (held by the backend service; a new Cloud Run service behind the load balancer
// replaces it) and the TLS certificate (held by the proxy; a rotation replaces it). They get no
// explicit name: the provider autonames them with a random suffix, a replacement takes a fresh
// one, and a replacement is create-before-delete (a name the program gave would make the provider
// delete first, which GCP refuses). The new resource is created, the user repointed, and only
// then the old one deleted, so the serving chain never breaks.
func (b *producerBuilder) replacedInUse() []pulumi.ResourceOption {
	return b.opts(pulumi.DeleteBeforeReplace(false))
}

// child names a child resource `<component>-<role>`.
func (b *producerBuilder) child(role string) string { return b.name + "-" + role }

// project is the project input of every child (nil lets the provider use its default).
func (b *producerBuilder) project() pulumi.StringPtrInput {
	if b.args.Project == "" {
		return nil
	}
	return pulumi.StringPtr(b.args.Project)
}

func (b *producerBuilder) build() error {
	a := &b.args
	region := pulumi.String(a.Region)

	lbSubnet, err := b.subnet("lb-subnet", a.LoadBalancerSubnet, "")
	if err != nil {
		return err
	}
	proxySubnet, proxySubnetRes, err := b.subnetResource("proxy-subnet", a.ProxyOnlySubnet, purposeProxyOnly)
	if err != nil {
		return err
	}
	natSubnet, err := b.subnet("nat-subnet", a.NatSubnet, purposePSC)
	if err != nil {
		return err
	}
	natSubnets := pulumi.StringArray{natSubnet}
	for i, s := range a.AdditionalNatSubnets {
		link, err := b.subnet(additionalNatRole(i), s, purposePSC)
		if err != nil {
			return err
		}
		natSubnets = append(natSubnets, link)
	}

	serviceName, serviceURI, err := b.cloudRun()
	if err != nil {
		return err
	}

	neg, err := compute.NewRegionNetworkEndpointGroup(b.ctx, b.child("neg"), &compute.RegionNetworkEndpointGroupArgs{
		Project:             b.project(),
		Region:              region,
		NetworkEndpointType: pulumi.String("SERVERLESS"),
		CloudRun:            &compute.RegionNetworkEndpointGroupCloudRunArgs{Service: serviceName.ToStringPtrOutput()},
	}, b.replacedInUse()...)
	if err != nil {
		return fmt.Errorf("serverless NEG: %w", err)
	}

	protocol, port := a.protocolAndPort()
	// Serverless NEGs take no health check and no balancing mode or capacity scaler: the API
	// rejects them (GCP-FACTS 3).
	backend, err := compute.NewRegionBackendService(b.ctx, b.child("backend"), &compute.RegionBackendServiceArgs{
		Project:             b.project(),
		Region:              region,
		LoadBalancingScheme: pulumi.String(schemeInternalManaged),
		Protocol:            pulumi.String(protocol),
		Backends:            compute.RegionBackendServiceBackendArray{&compute.RegionBackendServiceBackendArgs{Group: neg.SelfLink}},
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("backend service: %w", err)
	}

	urlMap, err := compute.NewRegionUrlMap(b.ctx, b.child("urlmap"), b.urlMapArgs(backend.SelfLink), b.opts()...)
	if err != nil {
		return fmt.Errorf("URL map: %w", err)
	}

	proxy, certPem, err := b.proxy(urlMap.SelfLink)
	if err != nil {
		return err
	}

	ruleOpts := []pulumi.ResourceOption{}
	if proxySubnetRes != nil {
		// The forwarding rule does not reference the proxy-only subnet, yet Google requires it to
		// exist first (GCP-FACTS 4).
		ruleOpts = append(ruleOpts, pulumi.DependsOn([]pulumi.Resource{proxySubnetRes}))
	}
	ruleArgs := &compute.ForwardingRuleArgs{
		Project:             b.project(),
		Region:              region,
		LoadBalancingScheme: pulumi.String(schemeInternalManaged),
		IpProtocol:          pulumi.String("TCP"),
		PortRange:           pulumi.String(fmt.Sprint(port)),
		Target:              proxy,
		Network:             a.Network,
		Subnetwork:          lbSubnet,
	}
	if a.LoadBalancerIp != "" {
		ruleArgs.IpAddress = pulumi.String(a.LoadBalancerIp)
	}
	rule, err := compute.NewForwardingRule(b.ctx, b.child("lb-rule"), ruleArgs, b.opts(ruleOpts...)...)
	if err != nil {
		return fmt.Errorf("load balancer forwarding rule: %w", err)
	}

	attachment, err := b.attachment(rule.SelfLink, natSubnets)
	if err != nil {
		return err
	}

	c := b.comp
	c.ServiceAttachmentUri = pulumi.Sprintf("projects/%s/regions/%s/serviceAttachments/%s",
		attachment.Project, attachment.Region, attachment.Name)
	c.ServiceAttachmentSelfLink = attachment.SelfLink
	c.LoadBalancerIp = rule.IpAddress
	c.Hostname = pulumi.String(a.Hostname).ToStringOutput()
	c.Protocol = pulumi.String(protocol).ToStringOutput()
	c.Port = pulumi.Int(port).ToIntOutput()
	c.CloudRunServiceName = serviceName
	c.CloudRunUri = serviceURI
	c.Region = attachment.Region
	c.Project = attachment.Project
	c.NatSubnet = natSubnet
	c.ProxyOnlySubnet = proxySubnet
	c.NatCapacity = pulumi.Int(natCapacity(append([]SubnetArgs{a.NatSubnet}, a.AdditionalNatSubnets...))).ToIntOutput()
	c.CertificatePem = certPem
	return nil
}

// natCapacity is how many endpoints the created NAT subnets can serve; an existing one counts 0.
func natCapacity(subnets []SubnetArgs) int {
	n := 0
	for _, s := range subnets {
		if p, err := netip.ParsePrefix(s.IpCidrRange); s.created() && err == nil {
			n += usableAddresses(p)
		}
	}
	return n
}

// additionalNatRole names the child subnet of additionalNatSubnets[i]: nat-subnet-2 follows
// natSubnet's nat-subnet.
func additionalNatRole(i int) string { return fmt.Sprintf("nat-subnet-%d", i+2) }

// subnet returns the self link of a created or existing subnet.
func (b *producerBuilder) subnet(role string, s SubnetArgs, purpose string) (pulumi.StringOutput, error) {
	link, _, err := b.subnetResource(role, s, purpose)
	return link, err
}

// subnetResource creates the subnet when asked to and returns its self link and the resource
// (nil for an existing subnet).
func (b *producerBuilder) subnetResource(role string, s SubnetArgs, purpose string,
) (pulumi.StringOutput, pulumi.Resource, error) {
	if !s.created() {
		return s.SelfLink.ToStringOutput(), nil, nil
	}
	args := &compute.SubnetworkArgs{
		Project:     b.project(),
		Region:      pulumi.String(b.args.Region),
		Network:     b.args.Network,
		IpCidrRange: pulumi.String(s.IpCidrRange),
	}
	if purpose != "" {
		args.Purpose = pulumi.String(purpose)
	}
	if purpose == purposeProxyOnly {
		args.Role = pulumi.String("ACTIVE")
	}
	sub, err := compute.NewSubnetwork(b.ctx, b.child(role), args, b.opts()...)
	if err != nil {
		return pulumi.StringOutput{}, nil, fmt.Errorf("subnet %s: %w", role, err)
	}
	return sub.SelfLink, sub, nil
}

// cloudRun creates the Cloud Run service and its invoker bindings, or refers to an existing
// service; it returns the service name and its run.app URI (empty for an existing service).
func (b *producerBuilder) cloudRun() (pulumi.StringOutput, pulumi.StringOutput, error) {
	cr := b.args.CloudRun
	var name, uri pulumi.StringOutput
	if cr.ExistingServiceName != "" {
		name = pulumi.String(cr.ExistingServiceName).ToStringOutput()
		uri = pulumi.String("").ToStringOutput()
	} else {
		svc, err := cloudrunv2.NewService(b.ctx, b.child("run"), b.serviceArgs(), b.opts()...)
		if err != nil {
			return name, uri, fmt.Errorf("Cloud Run service: %w", err)
		}
		name, uri = svc.Name, svc.Uri
	}
	members := append([]string(nil), cr.Invokers...)
	if cr.AllowUnauthenticated {
		members = append(members, "allUsers")
	}
	for _, m := range members {
		_, err := cloudrunv2.NewServiceIamMember(b.ctx, b.child("invoker-"+m), &cloudrunv2.ServiceIamMemberArgs{
			Project:  b.project(),
			Location: pulumi.String(b.args.Region),
			Name:     name,
			Role:     pulumi.String(invokerRole),
			Member:   pulumi.String(m),
		}, b.opts()...)
		if err != nil {
			return name, uri, fmt.Errorf("invoker %s: %w", m, err)
		}
	}
	if cr.AllowUnauthenticated {
		_ = b.ctx.Log.Warn("allowUnauthenticated grants roles/run.invoker to allUsers: anyone who can reach the "+
			"private endpoint can call the service without an identity", &pulumi.LogArgs{Resource: b.comp})
	}
	return name, uri, nil
}

// serviceArgs describes the Cloud Run service to create: internal ingress, invoker IAM on, and the
// private URL as an accepted ID-token audience.
func (b *producerBuilder) serviceArgs() *cloudrunv2.ServiceArgs {
	cr := b.args.CloudRun
	container := &cloudrunv2.ServiceTemplateContainerArgs{
		Image: cr.Image,
		Ports: &cloudrunv2.ServiceTemplateContainerPortsArgs{ContainerPort: pulumi.Int(cr.Port)},
		Resources: &cloudrunv2.ServiceTemplateContainerResourcesArgs{
			Limits: pulumi.StringMap{"cpu": pulumi.String(cr.Cpu), "memory": pulumi.String(cr.Memory)},
		},
	}
	if cr.Env != nil {
		container.Envs = cr.Env.ToStringMapOutput().ApplyT(envList).(cloudrunv2.ServiceTemplateContainerEnvArrayOutput)
	}
	scaling := &cloudrunv2.ServiceTemplateScalingArgs{MinInstanceCount: pulumi.Int(cr.MinInstances)}
	if cr.MaxInstances > 0 {
		scaling.MaxInstanceCount = pulumi.Int(cr.MaxInstances)
	}
	template := &cloudrunv2.ServiceTemplateArgs{
		Containers: cloudrunv2.ServiceTemplateContainerArray{container},
		Scaling:    scaling,
	}
	if cr.ServiceAccount != nil {
		template.ServiceAccount = cr.ServiceAccount.ToStringOutput().ToStringPtrOutput()
	}
	if v := cr.VpcEgress; v != nil {
		access := &cloudrunv2.ServiceTemplateVpcAccessArgs{Egress: pulumi.String(v.Egress)}
		if v.Connector != nil {
			access.Connector = v.Connector.ToStringOutput().ToStringPtrOutput()
		} else {
			access.NetworkInterfaces = cloudrunv2.ServiceTemplateVpcAccessNetworkInterfaceArray{
				&cloudrunv2.ServiceTemplateVpcAccessNetworkInterfaceArgs{
					Network:    v.Network.ToStringOutput().ToStringPtrOutput(),
					Subnetwork: v.Subnetwork.ToStringOutput().ToStringPtrOutput(),
					Tags:       pulumi.ToStringArray(v.NetworkTags),
				},
			}
		}
		template.VpcAccess = access
	}
	args := &cloudrunv2.ServiceArgs{
		Project:            b.project(),
		Location:           pulumi.String(b.args.Region),
		Ingress:            pulumi.String(ingressInternalOnly),
		InvokerIamDisabled: pulumi.Bool(false),
		DeletionProtection: pulumi.Bool(cr.DeletionProtection),
		CustomAudiences:    pulumi.ToStringArray(b.audiences()),
		Template:           template,
	}
	if cr.DisableDefaultUrl {
		args.DefaultUriDisabled = pulumi.Bool(true)
	}
	return args
}

// audiences are the ID-token audiences the service accepts: the private URL, then the extra ones.
func (b *producerBuilder) audiences() []string {
	var out []string
	if h := b.args.Hostname; h != "" {
		scheme := "http"
		if b.args.https() {
			scheme = "https"
		}
		out = append(out, scheme+"://"+h)
	}
	return append(out, b.args.CloudRun.CustomAudiences...)
}

// envList turns an environment map into Cloud Run's ordered list (sorted by name, so the plan is
// stable).
func envList(m map[string]string) []cloudrunv2.ServiceTemplateContainerEnv {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]cloudrunv2.ServiceTemplateContainerEnv, 0, len(keys))
	for _, k := range keys {
		out = append(out, cloudrunv2.ServiceTemplateContainerEnv{Name: k, Value: pulumi.StringRef(m[k])})
	}
	return out
}

// urlMapArgs routes everything to the backend, with a host rule for the private hostname.
func (b *producerBuilder) urlMapArgs(backend pulumi.StringOutput) *compute.RegionUrlMapArgs {
	args := &compute.RegionUrlMapArgs{
		Project:        b.project(),
		Region:         pulumi.String(b.args.Region),
		DefaultService: backend,
	}
	if h := b.args.Hostname; h != "" {
		args.HostRules = compute.RegionUrlMapHostRuleArray{&compute.RegionUrlMapHostRuleArgs{
			Hosts:       pulumi.StringArray{pulumi.String(h)},
			PathMatcher: pulumi.String("private-host"),
		}}
		args.PathMatchers = compute.RegionUrlMapPathMatcherArray{&compute.RegionUrlMapPathMatcherArgs{
			Name:           pulumi.String("private-host"),
			DefaultService: backend,
		}}
	}
	return args
}

// proxy creates the HTTP or HTTPS target proxy (and a self-managed certificate when given) and
// returns the proxy's self link and the public certificate PEM ("" when not self-managed).
func (b *producerBuilder) proxy(urlMap pulumi.StringOutput) (pulumi.StringOutput, pulumi.StringOutput, error) {
	a := &b.args
	noCert := pulumi.String("").ToStringOutput()
	if !a.https() {
		p, err := compute.NewRegionTargetHttpProxy(b.ctx, b.child("proxy"), &compute.RegionTargetHttpProxyArgs{
			Project: b.project(),
			Region:  pulumi.String(a.Region),
			UrlMap:  urlMap,
		}, b.opts()...)
		if err != nil {
			return pulumi.StringOutput{}, noCert, fmt.Errorf("HTTP proxy: %w", err)
		}
		return p.SelfLink, noCert, nil
	}
	args := &compute.RegionTargetHttpsProxyArgs{
		Project: b.project(),
		Region:  pulumi.String(a.Region),
		UrlMap:  urlMap,
	}
	certPem := noCert
	if a.Tls.selfManaged() {
		cert, err := compute.NewRegionSslCertificate(b.ctx, b.child("cert"), &compute.RegionSslCertificateArgs{
			Project:     b.project(),
			Region:      pulumi.String(a.Region),
			Certificate: pulumi.String(a.Tls.CertificatePem),
			PrivateKey:  checkedPrivateKey(a.Tls),
		}, b.replacedInUse()...)
		if err != nil {
			return pulumi.StringOutput{}, noCert, fmt.Errorf("TLS certificate: %w", err)
		}
		args.SslCertificates = pulumi.StringArray{cert.SelfLink}
		certPem = pulumi.String(a.Tls.CertificatePem).ToStringOutput()
	} else {
		args.CertificateManagerCertificates = pulumi.ToStringArray(a.Tls.CertificateManagerCertificates)
	}
	if a.Tls.SslPolicy != "" {
		args.SslPolicy = pulumi.String(a.Tls.SslPolicy)
	}
	p, err := compute.NewRegionTargetHttpsProxy(b.ctx, b.child("proxy"), args, b.opts()...)
	if err != nil {
		return pulumi.StringOutput{}, noCert, fmt.Errorf("HTTPS proxy: %w", err)
	}
	return p.SelfLink, certPem, nil
}

// attachment publishes the load balancer with a PSC service attachment.
func (b *producerBuilder) attachment(target pulumi.StringOutput, natSubnets pulumi.StringArray) (*compute.ServiceAttachment, error) {
	a := &b.args
	args := &compute.ServiceAttachmentArgs{
		Project:              b.project(),
		Region:               pulumi.String(a.Region),
		TargetService:        target,
		NatSubnets:           natSubnets,
		EnableProxyProtocol:  pulumi.Bool(false), // required by the API; true breaks an ALB producer
		ConnectionPreference: pulumi.String(acceptManual),
		ReconcileConnections: pulumi.BoolPtr(*a.ReconcileConnections),
	}
	if a.AcceptAllConsumers {
		args.ConnectionPreference = pulumi.String(acceptAutomatic)
		_ = b.ctx.Log.Warn("acceptAllConsumers sets the service attachment to ACCEPT_AUTOMATIC: any project that knows "+
			"its URI can connect an endpoint without being listed", &pulumi.LogArgs{Resource: b.comp})
	} else {
		accept, err := b.acceptList()
		if err != nil {
			return nil, err
		}
		args.ConsumerAcceptLists = accept
		args.ConsumerRejectLists = pulumi.ToStringArray(a.RejectedConsumers)
	}
	if len(a.DomainNames) > 0 {
		args.DomainNames = pulumi.ToStringArray(a.DomainNames)
	}
	if a.PropagatedConnectionLimit != nil {
		args.PropagatedConnectionLimit = pulumi.IntPtr(*a.PropagatedConnectionLimit)
	}
	sa, err := compute.NewServiceAttachment(b.ctx, b.child("attachment"), args, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("service attachment: %w", err)
	}
	return sa, nil
}

// acceptList builds the accept list from the listed consumers and the consumer stacks; a stack
// named twice is read once.
func (b *producerBuilder) acceptList() (compute.ServiceAttachmentConsumerAcceptListArray, error) {
	a := &b.args
	var list compute.ServiceAttachmentConsumerAcceptListArray
	for _, c := range a.Consumers {
		entry := &compute.ServiceAttachmentConsumerAcceptListArgs{ConnectionLimit: pulumi.Int(*c.ConnectionLimit)}
		if c.NetworkUrl != "" {
			entry.NetworkUrl = pulumi.StringPtr(c.NetworkUrl)
		} else {
			entry.ProjectIdOrNum = pulumi.StringPtr(c.ProjectIdOrNum)
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
				return nil, err
			}
			out = checkStackConsumer(ref, input, cs, a.RejectedConsumers)
			refs[key] = out
		}
		entry := &compute.ServiceAttachmentConsumerAcceptListArgs{ConnectionLimit: pulumi.Int(*cs.ConnectionLimit)}
		if cs.byNetwork() {
			entry.NetworkUrl = out.ToStringPtrOutput()
		} else {
			entry.ProjectIdOrNum = out.ToStringPtrOutput()
		}
		list = append(list, entry)
	}
	return list, nil
}
