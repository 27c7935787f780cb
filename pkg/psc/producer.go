package psc

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// ProducerServiceType is the type token of the ProducerService component.
const ProducerServiceType = chain.ProducerServiceType

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
	// A Google-managed certificate (producer_managedcert.go).
	ManagedCertificate      pulumi.StringOutput                      `pulumi:"managedCertificate"`
	DnsAuthorizationRecords pulumix.Output[[]DnsAuthorizationRecord] `pulumi:"dnsAuthorizationRecords"`
	// Visibility of the attachment's connections (producer_connections.go).
	ConnectedEndpoints pulumix.Output[[]ConnectedEndpoint] `pulumi:"connectedEndpoints"`
	NatAddressesUsed   pulumi.IntOutput                    `pulumi:"natAddressesUsed"`
	NatAddressesFree   pulumi.IntOutput                    `pulumi:"natAddressesFree"`
	ConnectionWarning  pulumi.StringOutput                 `pulumi:"connectionWarning"`
	DomainNames        pulumi.StringArrayOutput            `pulumi:"domainNames"`
	RouteServiceNames  pulumi.StringMapOutput              `pulumi:"routeServiceNames"`
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
		"the subnets the component creates and existing ones given by a plain selfLink (their range is looked up at "+
		"preview); a selfLink given as an Output, unknown at preview, counts 0.")
	a.Describe(&p.ConnectedEndpoints, "The consumer endpoints connected to the service attachment, as it reports them: "+
		"endpoint, consumer project and network, status (ACCEPTED, PENDING, REJECTED, NEEDS_ATTENTION, CLOSED), PSC "+
		"connection ID and propagated connections. Updated by pulumi up, or pulumi refresh --run-program.")
	a.Describe(&p.NatAddressesUsed, "NAT addresses in use: one per ACCEPTED endpoint.")
	a.Describe(&p.NatAddressesFree, "NAT addresses still free: natCapacity minus natAddressesUsed.")
	a.Describe(&p.ConnectionWarning, "Names the consumers whose endpoints are PENDING or NEEDS_ATTENTION and the fix "+
		"(also logged as a warning); empty when none waits.")
	a.Describe(&p.RouteServiceNames, "The Cloud Run service of each route, by the route's key (empty without routes).")
	a.Describe(&p.CertificatePem, "Public PEM certificate of a self-managed TLS certificate, for consumers to "+
		"trust (empty otherwise).")
	a.Describe(&p.DomainNames, "The attachment's domainNames, for which Private Service Connect's automatic DNS creates "+
		"zones in consumers' VPCs; export it as the stack output domainNames, which a ConsumerEndpoint with "+
		"producerStack reads.")
	a.Describe(&p.ManagedCertificate, "ID (projects/P/locations/REGION/certificates/N) of the Google-managed "+
		"certificate created for tls.managed (empty otherwise).")
	a.Describe(&p.DnsAuthorizationRecords, "The DNS records that authorize the Google-managed certificate (tls.managed), "+
		"one per authorized domain: publish each (name, type, data) in the domain's public DNS zone. Until they "+
		"resolve the certificate stays PROVISIONING; once they do, Google issues it and renews it for as long as they "+
		"stay. Empty without tls.managed.")
}

// NewProducerService validates args, then creates the producer chain as children of the component.
func NewProducerService(ctx *pulumi.Context, name string, args *ProducerServiceArgs,
	opts ...pulumi.ResourceOption,
) (*ProducerService, error) {
	if args == nil {
		return nil, fmt.Errorf("ProducerService %q: args are required", name)
	}
	a := args.withDefaults()
	if err := invalidInput("ProducerService", name, a.validate(name)); err != nil {
		return nil, err
	}
	comp := &ProducerService{}
	if err := registerComponent(ctx, ProducerServiceType, name, a, comp, opts...); err != nil {
		return nil, fmt.Errorf("ProducerService %q: %w", name, err)
	}
	// The provider's project and region, and existing subnets, are read with the component's
	// providers, so only once it is registered.
	if err := providerDefaults(ctx, comp, &a.Project, &a.Region); err != nil {
		return nil, fmt.Errorf("ProducerService %q: %w", name, err)
	}
	capacity, err := a.validatePlaced(name, newLookup(ctx, comp))
	if err := invalidInput("ProducerService", name, err); err != nil {
		return nil, err
	}
	if w := a.natLimitWarning(capacity); w != "" {
		_ = ctx.Log.Warn(w, &pulumi.LogArgs{Resource: comp})
	}
	b := &producerBuilder{children: children{ctx: ctx, component: "ProducerService", name: name, parent: comp, projectID: a.Project},
		args: a, comp: comp, natCapacity: capacity}
	if err := b.build(); err != nil {
		return nil, fmt.Errorf("ProducerService %q: %w", name, err)
	}
	if err := registerOutputs(ctx, comp); err != nil {
		return nil, fmt.Errorf("ProducerService %q: outputs: %w", name, err)
	}
	return comp, nil
}

// producerBuilder creates the children of one ProducerService.
type producerBuilder struct {
	children
	args        ProducerServiceArgs
	comp        *ProducerService
	natCapacity int // of the NAT subnets whose range is known at preview (validateExisting)
}

// replacedInUse are the options of the children that are replaced while the next link of the
// chain uses them, and that GCP refuses to edit or delete while in use (GEN-IN-USE, docs/gcp-rules.md): the
// serverless NEG (held by the backend service; a new Cloud Run service behind the load balancer
// replaces it) and the TLS certificate (held by the proxy; a rotation replaces it). They get no
// explicit name: the provider autonames them with a random suffix, a replacement takes a fresh
// one, and a replacement is create-before-delete (a name the program gave would make the provider
// delete first, which GCP refuses). The new resource is created, the user repointed, and only
// then the old one deleted, so the serving chain never breaks.
func (b *producerBuilder) replacedInUse() []pulumi.ResourceOption {
	return b.opts(pulumi.DeleteBeforeReplace(false))
}

// build creates the chain in the order it serves a request backwards: the subnets, the Cloud Run
// service, the load balancer in front of it, and the service attachment that publishes it; then
// it sets the component's outputs.
func (b *producerBuilder) build() error {
	nets, err := b.subnets()
	if err != nil {
		return err
	}
	run, err := b.cloudRun(b.mainRun())
	if err != nil {
		return err
	}
	routes, err := b.routes()
	if err != nil {
		return err
	}
	lb, err := b.loadBalancer(nets, run, routes)
	if err != nil {
		return err
	}
	attachment, err := b.attachment(lb.rule.SelfLink, nets.nat)
	if err != nil {
		return err
	}
	b.setOutputs(nets, run, lb, attachment)
	b.comp.RouteServiceNames = routeOutputs(routes)
	return nil
}

// setOutputs fills the component's outputs from its children.
func (b *producerBuilder) setOutputs(nets producerSubnets, run cloudRunService, lb loadBalancer,
	attachment *compute.ServiceAttachment,
) {
	a := &b.args
	protocol, port := a.protocolAndPort()
	c := b.comp
	c.ServiceAttachmentUri = pulumi.Sprintf("projects/%s/regions/%s/serviceAttachments/%s",
		attachment.Project, attachment.Region, attachment.Name)
	c.ServiceAttachmentSelfLink = attachment.SelfLink
	c.LoadBalancerIp = lb.rule.IpAddress
	c.Hostname = pulumi.String(a.Hostname).ToStringOutput()
	c.Protocol = pulumi.String(protocol).ToStringOutput()
	c.Port = pulumi.Int(port).ToIntOutput()
	c.CloudRunServiceName = run.name
	c.CloudRunUri = run.uri
	c.Region = attachment.Region
	c.Project = attachment.Project
	c.NatSubnet = nets.nat[0].ToStringOutput()
	c.ProxyOnlySubnet = nets.proxyOnly
	c.NatCapacity = pulumi.Int(b.natCapacity).ToIntOutput()
	c.CertificatePem = lb.certificatePem
	c.ManagedCertificate = lb.managedCertificate
	c.DnsAuthorizationRecords = lb.dnsRecords
	conns := b.connections(attachment)
	c.ConnectedEndpoints = conns.endpoints
	c.NatAddressesUsed = conns.natUsed
	c.NatAddressesFree = conns.natFree
	c.ConnectionWarning = conns.warning
	c.DomainNames = attachment.DomainNames
}
