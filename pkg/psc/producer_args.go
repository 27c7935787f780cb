package psc

import (
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

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
	schemeInternalManaged  = chain.InternalManaged
	purposeProxyOnly       = chain.RegionalProxyPurpose
	purposePSC             = "PRIVATE_SERVICE_CONNECT"
	acceptManual           = "ACCEPT_MANUAL"
	acceptAutomatic        = "ACCEPT_AUTOMATIC"
	invokerRole            = "roles/run.invoker"
	callerAuthIAM          = "iam"
	callerAuthNetwork      = "network"
)

// SubnetArgs names a subnet the component either creates (ipCidrRange) or uses as it is (selfLink).
type SubnetArgs struct {
	IpCidrRange string             `pulumi:"ipCidrRange,optional"`
	SelfLink    pulumi.StringInput `pulumi:"selfLink,optional"`
	Key         string             `pulumi:"key,optional"`
}

// Annotate documents SubnetArgs for the schema.
func (s *SubnetArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "Subnet")
	a.Describe(s, "A subnet that the component either creates from a CIDR range in the given VPC or uses as it is. "+
		"Give exactly one of ipCidrRange and selfLink.")
	a.Describe(&s.IpCidrRange, "IPv4 range of a subnet to create, such as 10.10.0.0/24, written from its network address.")
	a.Describe(&s.SelfLink, "Self link of an existing subnet to use instead of creating one.")
	a.Describe(&s.Key, "Stable key of an additionalNatSubnets entry the component creates, required there and used "+
		"nowhere else: lowercase letters, digits and hyphens, starting with a letter. The subnet is the child "+
		"<name>-nat-<key>, so removing or reordering entries never touches the others; changing a key replaces "+
		"its subnet.")
}

// created reports whether the component creates this subnet.
func (s SubnetArgs) created() bool { return s.IpCidrRange != "" }

// VpcEgressArgs routes a created Cloud Run service's outbound traffic into a VPC.
type VpcEgressArgs struct {
	Network     pulumi.StringInput   `pulumi:"network,optional"`
	Subnetwork  pulumi.StringInput   `pulumi:"subnetwork,optional"`
	NetworkTags []pulumi.StringInput `pulumi:"networkTags,optional"`
	Connector   pulumi.StringInput   `pulumi:"connector,optional"`
	Egress      string               `pulumi:"egress,optional"`
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
}

// CloudRunArgs describes the Cloud Run service behind the load balancer.
type CloudRunArgs struct {
	ExistingServiceName  string                `pulumi:"existingServiceName,optional"`
	Image                pulumi.StringInput    `pulumi:"image,optional"`
	Port                 *int                  `pulumi:"port,optional"`
	Env                  pulumi.StringMapInput `pulumi:"env,optional"`
	ServiceAccount       pulumi.StringInput    `pulumi:"serviceAccount,optional"`
	MinInstances         int                   `pulumi:"minInstances,optional"`
	MaxInstances         int                   `pulumi:"maxInstances,optional"`
	Cpu                  string                `pulumi:"cpu,optional"`
	Memory               string                `pulumi:"memory,optional"`
	Invokers             []pulumi.StringInput  `pulumi:"invokers,optional"`
	AllowUnauthenticated bool                  `pulumi:"allowUnauthenticated,optional"`
	CustomAudiences      []pulumi.StringInput  `pulumi:"customAudiences,optional"`
	DisableDefaultUrl    bool                  `pulumi:"disableDefaultUrl,optional"`
	DeletionProtection   bool                  `pulumi:"deletionProtection,optional"`
	VpcEgress            *VpcEgressArgs        `pulumi:"vpcEgress,optional"`
	CallerAuth           string                `pulumi:"callerAuth,optional"`
	OrganizationDomain   string                `pulumi:"organizationDomain,optional"`
	ServiceName          string                `pulumi:"serviceName,optional"`
}

// Annotate documents CloudRunArgs for the schema.
func (c *CloudRunArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "CloudRun")
	a.Describe(c, "The Cloud Run service to publish: an existing one (existingServiceName) or one created from an "+
		"image. A created service only accepts internal traffic (ingress INGRESS_TRAFFIC_INTERNAL_ONLY).")
	a.Describe(&c.ExistingServiceName, "Name of an existing Cloud Run service in the same project and region to put "+
		"behind the load balancer, instead of creating one; give exactly one of existingServiceName and image.")
	a.Describe(&c.Image, "Container image of the Cloud Run service to create.")
	a.Describe(&c.Port, "Port the container listens on, 1 to 65535 (8080 when unset; an explicit 0 is refused).")
	a.Describe(&c.Env, "Environment variables of the container. Prefer Secret Manager for secrets; a secret value "+
		"given here stays secret in Pulumi state.")
	a.Describe(&c.ServiceAccount, "Service account email the service runs as (the project's default compute "+
		"account when unset, which is usually broader than needed).")
	a.Describe(&c.MinInstances, "Minimum number of instances kept warm (0 by default).")
	a.Describe(&c.MaxInstances, "Maximum number of instances (Cloud Run's default when 0).")
	a.Describe(&c.Cpu, "CPU limit of each instance, such as 1 or 2 (1 by default).")
	a.Describe(&c.Memory, "Memory limit of each instance, such as 512Mi or 2Gi (512Mi by default).")
	a.Describe(&c.Invokers, "IAM members granted roles/run.invoker on the service, such as "+
		"serviceAccount:caller@consumer-project.iam.gserviceaccount.com; each may be an Output (a created service "+
		"account's member, say), checked when it resolves. Callers send an ID token whose audience is the private "+
		"URL. On a service the component creates, the list is one authoritative binding of roles/run.invoker "+
		"(with allUsers when allowUnauthenticated is set), updated in place: reordering or removing entries never "+
		"revokes a member that stays, and grants of that role made outside this list are removed. On an "+
		"existingServiceName, each member is its own additive grant named by the member, so there the members "+
		"must be known when the program runs.")
	a.Describe(&c.AllowUnauthenticated, "Grant roles/run.invoker to allUsers. Off by default: with it, anyone who "+
		"can reach the private endpoint can call the service without an identity. An explicit opt-in.")
	a.Describe(&c.CustomAudiences, "Extra ID-token audiences the service accepts, besides the private URL "+
		"derived from hostname.")
	a.Describe(&c.DisableDefaultUrl, "Disable the service's run.app URL so that every call goes through the "+
		"private load balancer.")
	a.Describe(&c.DeletionProtection, "Keep Google Cloud from deleting the created service (false by default; "+
		"Pulumi's protect option is the usual guard).")
	a.Describe(&c.VpcEgress, "Route the created service's outbound traffic into a VPC.")
	a.Describe(&c.CallerAuth, "How callers are authenticated: iam (the default) or network. iam keeps Cloud Run's "+
		"invoker IAM check on: callers send an ID token for the private URL (or a customAudiences entry) and must be "+
		"granted roles/run.invoker through invokers. network sets invokerIamDisabled on the service the component "+
		"creates, so Cloud Run checks no identity and the private path (internal ingress, the attachment's accept "+
		"list, the consumer's VPC and firewall) is the only gate: any client that can reach the endpoint can call the "+
		"service. Choose network when the consumer's principals cannot be granted at all, as under the Domain "+
		"Restricted Sharing organisation policy (iam.allowedPolicyMemberDomains) of another organisation; it is an "+
		"explicit opt-in that warns at preview, takes no invokers, allowUnauthenticated or customAudiences, and "+
		"applies only to a service the component creates.")
	a.Describe(&c.OrganizationDomain, "Primary domain of the producer project's organisation, such as acme.com, if "+
		"known: with callerAuth iam, every user:, group: or domain: invoker of another domain gets a warning at "+
		"preview, because Domain Restricted Sharing (iam.allowedPolicyMemberDomains) refuses such grants (\"do not "+
		"belong to a permitted customer\"). Service accounts belong to their project's organisation, which their "+
		"email does not show, so they are not checked.")
	a.Describe(&c.ServiceName, "Name of the Cloud Run service to create, as its run.app URL, logs and console show it, "+
		"instead of the autoname <component>-run-<suffix>; at most 49 characters. Changing it replaces the service "+
		"(the old one is deleted first, so requests fail until the new one is ready).")
}

// withDefaults returns the VPC egress with its default egress applied (nil stays nil).
func (v *VpcEgressArgs) withDefaults() *VpcEgressArgs {
	if v == nil || v.Egress != "" {
		return v
	}
	e := *v
	e.Egress = defaultVpcEgress
	return &e
}

// withDefaults returns the Cloud Run inputs with their defaults applied.
func (c CloudRunArgs) withDefaults() CloudRunArgs {
	if c.Port == nil {
		c.Port = pulumi.IntRef(defaultContainerPort)
	}
	if c.Cpu == "" {
		c.Cpu = defaultCPU
	}
	if c.Memory == "" {
		c.Memory = defaultMemory
	}
	c.VpcEgress = c.VpcEgress.withDefaults()
	if c.CallerAuth == "" {
		c.CallerAuth = callerAuthIAM
	}
	return c
}

// networkAuth reports whether Cloud Run's invoker IAM check is off (callerAuth network).
func (c *CloudRunArgs) networkAuth() bool { return c.CallerAuth == callerAuthNetwork }

// TlsArgs turns the load balancer into HTTPS.
type TlsArgs struct {
	CertificatePem                 pulumi.StringInput      `pulumi:"certificatePem,optional"`
	PrivateKeyPem                  pulumi.StringInput      `pulumi:"privateKeyPem,optional" provider:"secret"`
	CertificateManagerCertificates []pulumi.StringInput    `pulumi:"certificateManagerCertificates,optional"`
	SslPolicy                      pulumi.StringInput      `pulumi:"sslPolicy,optional"`
	Managed                        *ManagedCertificateArgs `pulumi:"managed,optional"`
	ClientAuth                     *ClientAuthArgs         `pulumi:"clientAuth,optional"`
	Private                        *PrivateCertificateArgs `pulumi:"private,optional"`
}

// Annotate documents TlsArgs for the schema.
func (t *TlsArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "Tls")
	a.Describe(t, "HTTPS on the internal load balancer, with exactly one of: a self-managed certificate "+
		"(certificatePem and privateKeyPem), existing regional Certificate Manager certificates "+
		"(certificateManagerCertificates), a Google-managed certificate the component creates and Google renews "+
		"(managed), or one issued by a CA Service pool for a private name and renewed by Google (private).")
	a.Describe(&t.CertificatePem, "PEM certificate chain of a self-managed certificate; it must cover hostname. "+
		"Given as a secret (from secret configuration, say), it stays secret on the certificate and in the "+
		"certificatePem output.")
	a.Describe(&t.PrivateKeyPem, "PEM private key of the self-managed certificate. Always stored as a secret.")
	a.Describe(&t.CertificateManagerCertificates, "Regional Certificate Manager certificates "+
		"(projects/P/locations/REGION/certificates/N) in the producer's region, instead of a self-managed one.")
	a.Describe(&t.SslPolicy, "SSL policy of the HTTPS proxy (minimum TLS version and features): a regional one "+
		"(projects/P/regions/R/sslPolicies/N) without regions, a global one (projects/P/global/sslPolicies/N) for the "+
		"cross-region load balancer of regions, or a name, which each proxy resolves in its own scope. In the "+
		"migration state (the top-level subnets beside regions) both proxies stand: give a name, and have a regional "+
		"and a global policy of that name.")
	a.Describe(&t.Managed, "Create a Google-managed Certificate Manager certificate for hostname (or the given "+
		"domains) with DNS authorization, which Google renews before it expires: {} is enough with a public hostname. "+
		"Publish the dnsAuthorizationRecords output in the domain's public DNS; the certificate stays PROVISIONING "+
		"until they resolve.")
	a.Describe(&t.ClientAuth, "Require client certificates (mutual TLS) that chain to the given CAs; see ClientAuth.")
	a.Describe(&t.Private, "Have the certificate for hostname (and the routes' hosts) issued by a CA Service pool "+
		"through a Certificate Manager issuance config, and renewed by Google: for private names such as "+
		"payment-api.internal. {createCa: {}} creates the pool and root CA too; the caCertificatePem output is what "+
		"consumers trust.")
}

// selfManaged reports whether the TLS inputs describe a self-managed certificate.
func (t *TlsArgs) selfManaged() bool { return t != nil && given(t.CertificatePem) }

// ConsumerAcceptArgs accepts one consumer of the service attachment.
type ConsumerAcceptArgs struct {
	ProjectIdOrNum  pulumi.StringInput `pulumi:"projectIdOrNum,optional"`
	NetworkUrl      pulumi.StringInput `pulumi:"networkUrl,optional"`
	ConnectionLimit *int               `pulumi:"connectionLimit,optional"`
}

// Annotate documents ConsumerAcceptArgs for the schema.
func (c *ConsumerAcceptArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "ConsumerAccept")
	a.Describe(c, "A consumer allowed to connect: a project or a VPC network, not both. All entries of one "+
		"attachment must be of the same kind.")
	a.Describe(&c.ProjectIdOrNum, "Consumer project id or number.")
	a.Describe(&c.NetworkUrl, "Consumer VPC network, projects/P/global/networks/N.")
	a.Describe(&c.ConnectionLimit, "Most endpoints this consumer may connect (10 by default).")
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
	a.Describe(&c.ConnectionLimit, "Most endpoints this consumer may connect (10 by default).")
}

// byNetwork reports whether the entry accepts a network rather than a project.
func (c ConsumerStackArgs) byNetwork() bool { return c.Output == consumerNetworkOutput }

// ProducerServiceArgs are the inputs of a ProducerService. The top-level subnets are plain structs,
// so that a Go program gives them as values, and optional in the schema (schema:"optional", which
// the provider applies, provider/optional.go): required without regions, which validate checks.
type ProducerServiceArgs struct {
	Project                   string               `pulumi:"project,optional"`
	Region                    string               `pulumi:"region,optional"`
	Network                   pulumi.StringInput   `pulumi:"network"`
	NetworkProject            string               `pulumi:"networkProject,optional"`
	CloudRun                  CloudRunArgs         `pulumi:"cloudRun"`
	Hostname                  string               `pulumi:"hostname,optional"`
	Tls                       *TlsArgs             `pulumi:"tls,optional"`
	LoadBalancerSubnet        SubnetArgs           `pulumi:"loadBalancerSubnet" schema:"optional"`
	LoadBalancerIp            string               `pulumi:"loadBalancerIp,optional"`
	ProxyOnlySubnet           SubnetArgs           `pulumi:"proxyOnlySubnet" schema:"optional"`
	NatSubnet                 SubnetArgs           `pulumi:"natSubnet" schema:"optional"`
	AdditionalNatSubnets      []SubnetArgs         `pulumi:"additionalNatSubnets,optional"`
	Consumers                 []ConsumerAcceptArgs `pulumi:"consumers,optional"`
	ConsumerStacks            []ConsumerStackArgs  `pulumi:"consumerStacks,optional"`
	RejectedConsumers         []pulumi.StringInput `pulumi:"rejectedConsumers,optional"`
	AcceptAllConsumers        bool                 `pulumi:"acceptAllConsumers,optional"`
	ReconcileConnections      *bool                `pulumi:"reconcileConnections,optional"`
	DomainNames               []string             `pulumi:"domainNames,optional"`
	PropagatedConnectionLimit *int                 `pulumi:"propagatedConnectionLimit,optional"`
	BackendService            *BackendServiceArgs  `pulumi:"backendService,optional"`
	AllowGlobalAccess         bool                 `pulumi:"allowGlobalAccess,optional"`
	Labels                    map[string]string    `pulumi:"labels,optional"`
	ServiceAttachmentName     string               `pulumi:"serviceAttachmentName,optional"`
	Routes                    []RouteArgs          `pulumi:"routes,optional"`
	// The cross-region form (producer_regions.go).
	Regions map[string]ProducerRegionArgs `pulumi:"regions,optional"`
}

// republishes warns, in the description of each input whose change replaces the load balancer's
// forwarding rule, that the service attachment is then replaced too.
const republishes = "Changing it later replaces the load balancer rule and so the service attachment: " +
	"a new serviceAttachmentUri, and every connected endpoint is CLOSED until its consumer runs pulumi up " +
	"(a consumer that reads the URI from this stack follows it; one given the URI as a string needs the new one)."

// topLevelSubnet says, in the description of each top-level subnet input, when it is required.
const topLevelSubnet = "Required without regions; with regions, giving the top-level subnets keeps the regional load " +
	"balancer beside the cross-region one (the migration state) until they are removed. "

// Annotate documents ProducerServiceArgs for the schema.
func (p *ProducerServiceArgs) Annotate(a infer.Annotator) {
	a.Describe(&p.Project, "Producer project; by default the project of the component's gcp provider (the "+
		"gcp:project configuration for the default provider).")
	a.Describe(&p.Region, "Region of every producer resource; by default the region of the component's gcp "+
		"provider (the gcp:region configuration for the default provider). With regions, the primary region: one of "+
		"its keys, whose Cloud Run service is <name>-run and whose attachment fills the single outputs.")
	a.Describe(&p.Network, "Producer VPC network (name or self link) that holds the load balancer and the subnets.")
	a.Describe(&p.NetworkProject, networkProjectDescription+" The load balancer, its proxy-only and NAT subnets' "+
		"users, the attachment and Cloud Run stay in project.")
	a.Describe(&p.CloudRun, "The Cloud Run service to publish.")
	a.Describe(&p.Hostname, "Private hostname consumers call, such as payment-api.internal: the load balancer's host "+
		"rule, the service's ID-token audience, and the name the TLS certificate must cover.")
	a.Describe(&p.Tls, "Serve HTTPS on port 443 instead of HTTP on port 80. "+republishes)
	a.Describe(&p.LoadBalancerSubnet, "Regular subnet that holds the load balancer's forwarding rule. "+topLevelSubnet+republishes)
	a.Describe(&p.LoadBalancerIp, "Fixed internal IP of the load balancer, inside loadBalancerSubnet; allocated when "+
		"unset. "+republishes)
	a.Describe(&p.ProxyOnlySubnet, "Proxy-only subnet (purpose REGIONAL_MANAGED_PROXY, role ACTIVE) of the VPC and "+
		"region, /26 or larger; a VPC has only one per region, so use selfLink when it exists. "+topLevelSubnet)
	a.Describe(&p.NatSubnet, "PSC NAT subnet (purpose PRIVATE_SERVICE_CONNECT) used only by this attachment; each "+
		"connected endpoint takes one of its addresses. "+topLevelSubnet)
	a.Describe(&p.AdditionalNatSubnets, "More PSC NAT subnets for the attachment. Add one when natCapacity runs out "+
		"(consumers see NEEDS_ATTENTION): the attachment is updated in place, existing connections are not "+
		"disturbed, and waiting ones are admitted. Each entry the component creates needs a key, which names its "+
		"subnet: removing an entry deletes only its subnet (once no endpoint uses it).")
	a.Describe(&p.Consumers, "Consumers accepted by the service attachment.")
	a.Describe(&p.ConsumerStacks, "Consumers accepted by the service attachment, read from their stacks' outputs.")
	a.Describe(&p.RejectedConsumers, "Consumer projects or networks always rejected.")
	a.Describe(&p.AcceptAllConsumers, "Accept every consumer automatically (ACCEPT_AUTOMATIC). Off by default: "+
		"connections are accepted only for listed consumers (ACCEPT_MANUAL). An explicit opt-in. Changing it later "+
		"replaces the service attachment (the API refuses the switch in place): a new serviceAttachmentUri, and "+
		"every connected endpoint is CLOSED until its consumer runs pulumi up.")
	a.Describe(&p.ReconcileConnections, "Apply accept- and reject-list changes to existing connections too, so "+
		"removing a consumer revokes it (true by default).")
	a.Describe(&p.DomainNames, "DNS domains (ending with a dot) that PSC configures in consumers' VPCs; needs "+
		"proven domain ownership and cannot change later.")
	a.Describe(&p.PropagatedConnectionLimit, "Most propagated connections per consumer (Google's default 250 when unset).")
	a.Describe(&p.BackendService, "Controls of the load balancer's backend service (with regions, of the global one too): a Cloud Armor policy, "+
		"request logging, outlier detection and the backend timeout. Unset, the backend service has none of them "+
		"(Google's defaults: no policy, no logging, a 30 s timeout).")
	a.Describe(&p.AllowGlobalAccess, "Let clients in every region of the producer VPC reach the load balancer "+
		"(allowGlobalAccess on its forwarding rule). Off by default: only clients in the load balancer's region "+
		"(and PSC consumers, whom the attachment serves either way) reach it. An explicit opt-in that warns at preview.")
	a.Describe(&p.Labels, labelsDescription)
	a.Describe(&p.ServiceAttachmentName, "Name of the service attachment, which every consumer sees in its URI "+
		"(projects/P/regions/R/serviceAttachments/NAME), instead of the autoname <component>-attachment-<suffix>; at "+
		"most 63 characters. Changing it replaces the attachment: a new URI, every connected endpoint CLOSED until "+
		"its consumer is updated.")
	a.Describe(&p.Routes, "Several Cloud Run services behind the one attachment, routed by host and path prefix. "+
		"Unset, the single-service form: cloudRun serves every request. With routes, hostname is required; cloudRun "+
		"serves hostname's paths that no route claims, each route serves its hosts and prefix with its own service, "+
		"serverless NEG and backend service (with the backendService controls), and every other request (a host or "+
		"path no route names) gets 404 from the load balancer itself, not any service. Each route's key names its "+
		"children, so removing a route deletes only its own. Works with regions: each route gets its Cloud Run service "+
		"and serverless NEG in every region and one global backend service with the same outlier detection, so a "+
		"route's paths fail over between regions as the top-level service's do (a route's existingServiceName and "+
		"vpcEgress are refused there).")
	a.Describe(&p.Regions, regionsDescription)
}

// withDefaults returns a copy of the args with every default applied; infer does not apply schema
// defaults to components, so the constructor does.
// Project and region come from the component's provider, once it is registered
// (providerDefaults).
func (args *ProducerServiceArgs) withDefaults() ProducerServiceArgs {
	a := *args
	a.CloudRun = a.CloudRun.withDefaults()
	a.Routes = append([]RouteArgs(nil), a.Routes...)
	for i := range a.Routes {
		a.Routes[i].CloudRun = a.Routes[i].CloudRun.withDefaults()
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
	if a.Regions != nil {
		regions := make(map[string]ProducerRegionArgs, len(a.Regions))
		for r, e := range a.Regions {
			e.VpcEgress = e.VpcEgress.withDefaults()
			regions[r] = e
		}
		a.Regions = regions
	}
	a.BackendService = a.BackendService.withDefaults()
	return a
}

// https reports whether the load balancer serves HTTPS.
func (args *ProducerServiceArgs) https() bool { return args.Tls != nil }

// protocolAndPort returns the load balancer's protocol and frontend port.
func (args *ProducerServiceArgs) protocolAndPort() (string, int) {
	if args.https() {
		return chain.HTTPS, 443
	}
	return chain.HTTP, 80
}
