package psc

import (
	"errors"
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
	// Mutual TLS (producer_mtls.go).
	ClientTrustAnchorsPem pulumi.StringArrayOutput `pulumi:"clientTrustAnchorsPem"`
	CaCertificatePem      pulumi.StringOutput      `pulumi:"caCertificatePem"`
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
	// Every region's attachment and load balancer IP (producer_regions.go).
	ServiceAttachmentUris pulumi.StringMapOutput      `pulumi:"serviceAttachmentUris"`
	LoadBalancerIps       pulumi.StringMapOutput      `pulumi:"loadBalancerIps"`
	Regions               pulumi.StringArrayOutput    `pulumi:"regions"`
	DomainNamesByRegion   pulumi.StringArrayMapOutput `pulumi:"domainNamesByRegion"`
}

// Annotate documents the ProducerService outputs for the schema.
func (p *ProducerService) Annotate(a infer.Annotator) {
	a.Describe(p, "A Cloud Run service published privately through Private Service Connect: Cloud Run with "+
		"internal ingress, a serverless NEG, a regional internal Application Load Balancer and a PSC service "+
		"attachment that accepts only the listed consumers.")
	a.Describe(&p.ServiceAttachmentUri, "Service attachment URI projects/P/regions/R/serviceAttachments/N to hand to "+
		"consumers; with regions, the primary region's (the regional load balancer's in the migration state), as are "+
		"loadBalancerIp, natSubnet, proxyOnlySubnet, region and cloudRunServiceName.")
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
		"connection ID and propagated connections. Read when the program runs: endpoints that connected since show "+
		"after "+chain.RefreshOutputs+" (a plain pulumi refresh updates only the attachment's state).")
	a.Describe(&p.NatAddressesUsed, "NAT addresses in use: one per ACCEPTED endpoint.")
	a.Describe(&p.NatAddressesFree, "NAT addresses still free: natCapacity minus natAddressesUsed.")
	a.Describe(&p.ConnectionWarning, "Names the consumers whose endpoints are PENDING or NEEDS_ATTENTION and the fix "+
		"(also logged as a warning); empty when none waits.")
	a.Describe(&p.RouteServiceNames, "The Cloud Run service of each route, by the route's key (empty without routes).")
	a.Describe(&p.CertificatePem, "Public PEM certificate of a self-managed TLS certificate, for consumers to "+
		"trust (empty otherwise).")
	a.Describe(&p.ClientTrustAnchorsPem, "PEM certificates of the CAs whose client certificates the load balancer "+
		"accepts (tls.clientAuth.trustAnchorsPem), public like certificatePem; empty without mutual TLS.")
	a.Describe(&p.CaCertificatePem, "PEM chain of the root CA the component created for tls.private.createCa, the trust "+
		"bundle consumers need to call it over HTTPS: export it as the stack output caCertificatePem, which a "+
		"ConsumerEndpoint with producerStack reads (empty otherwise).")
	a.Describe(&p.DomainNames, "The attachment's domainNames, for which Private Service Connect's automatic DNS creates "+
		"zones in consumers' VPCs; export it as the stack output domainNames, which a ConsumerEndpoint with "+
		"producerStack reads when the stack has no domainNamesByRegion. With regions it is the attachment of the single "+
		"outputs' (the regional one while the top-level subnets stand, else the primary region's): export "+
		"domainNamesByRegion too, so that a consumer of another region's attachment finds that region's.")
	a.Describe(&p.ManagedCertificate, "ID (projects/P/locations/REGION/certificates/N) of the Google-managed "+
		"certificate created for tls.managed (empty otherwise).")
	a.Describe(&p.DnsAuthorizationRecords, "The DNS records that authorize the Google-managed certificate (tls.managed), "+
		"one per authorized domain: publish each (name, type, data) in the domain's public DNS zone. Until they "+
		"resolve the certificate stays PROVISIONING; once they do, Google issues it and renews it for as long as they "+
		"stay. Empty without tls.managed.")
	a.Describe(&p.DomainNamesByRegion, "The domainNames of each region's attachment, by region, as serviceAttachmentUris "+
		"holds their URIs; export it as the stack output domainNamesByRegion, from which a ConsumerEndpoint with "+
		"producerStack takes the entry of the attachment it connects to (before domainNames).")
	a.Describe(&p.ServiceAttachmentUris, "The service attachment URI of each region, by region: with regions, every "+
		"region's attachment of the cross-region load balancer (also in the migration state, where "+
		"serviceAttachmentUri stays the regional one); without, {region: serviceAttachmentUri}. A ConsumerEndpoint "+
		"with producerStack picks its own region's from the stack output serviceAttachmentUris.")
	a.Describe(&p.LoadBalancerIps, "The internal IP of the load balancer's forwarding rule in each region, by region, "+
		"as serviceAttachmentUris.")
	a.Describe(&p.Regions, "The regions the service is published in, sorted.")
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
	capacities, err := a.validatePlaced(name, newLookup(ctx, comp))
	b := &producerBuilder{children: children{ctx: ctx, component: "ProducerService", name: name, parent: comp, projectID: a.Project},
		args: a, comp: comp, natCapacities: capacities}
	if err := invalidInput("ProducerService", name, errors.Join(err, b.readAcceptList())); err != nil {
		return nil, err
	}
	for i, set := range a.subnetSets() {
		if w := a.natLimitWarning(capacities[i]); w != "" {
			if set.path != "" {
				w = "in " + set.region + ", " + w
			}
			_ = ctx.Log.Warn(w, &pulumi.LogArgs{Resource: comp})
		}
	}
	if a.crossRegion() && a.crossRegionOutlierDetection() == nil {
		_ = ctx.Log.Warn(noOutlierDetectionWarning, &pulumi.LogArgs{Resource: comp})
	}
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
	args ProducerServiceArgs
	comp *ProducerService
	// natCapacities are the NAT capacities of the subnet sets (subnetSets), as far as their ranges
	// are known at preview (validateExisting).
	natCapacities   []int
	accept          *compute.ServiceAttachmentConsumerAcceptListArray // every attachment's, built once
	warnedListOrder bool
	privateCA       *privateCA // the pool of tls.private, created once (producer_privateca.go)
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

// published is one service attachment and what stands behind it in its region.
type published struct {
	region     string
	run        cloudRunService
	ip         pulumi.StringOutput
	nets       producerSubnets
	attachment *compute.ServiceAttachment
	capacity   int
}

// build creates the chain in the order it serves a request backwards: the subnets, the Cloud Run
// service, the load balancer in front of it, and the service attachment that publishes it; then
// it sets the component's outputs. The regional chain is built without regions, or beside them in
// the migration state; the cross-region chain with regions (crossRegionChain).
func (b *producerBuilder) build() error {
	a := &b.args
	var regional *published
	var run cloudRunService
	var routeRuns []cloudRunService
	var lbCerts certs
	var err error
	if a.regionalChain() {
		nets, err := b.subnets(a.topSubnets())
		if err != nil {
			return err
		}
		if run, err = b.cloudRun(b.mainRun()); err != nil {
			return err
		}
		if routeRuns, err = b.routeRuns(); err != nil {
			return err
		}
		routes, err := b.routes(routeRuns)
		if err != nil {
			return err
		}
		lb, err := b.loadBalancer(nets, run, routes)
		if err != nil {
			return err
		}
		attachment, err := b.attachment(attachmentSpec{role: "attachment", region: a.Region, name: a.ServiceAttachmentName, domains: a.DomainNames,
			target: lb.rule.SelfLink, nat: nets.nat})
		if err != nil {
			return err
		}
		regional = &published{region: a.Region, run: run, ip: lb.rule.IpAddress, nets: nets, attachment: attachment,
			capacity: b.natCapacities[0]}
		lbCerts = lb.certs
		b.comp.RouteServiceNames = routeOutputs(a.Routes, routeRuns)
	} else {
		if run, err = b.cloudRun(b.mainRun()); err != nil {
			return err
		}
		if routeRuns, err = b.routeRuns(); err != nil {
			return err
		}
		b.comp.RouteServiceNames = routeOutputs(a.Routes, routeRuns)
	}
	var regions []published
	var xrCerts *certs
	if a.crossRegion() {
		capacities := b.natCapacities[len(b.natCapacities)-len(a.Regions):]
		regions, xrCerts, err = b.crossRegionChain(run, routeRuns, capacities)
		if err != nil {
			return err
		}
	}
	b.setOutputs(regional, regions, lbCerts, xrCerts)
	return nil
}

// setOutputs fills the component's outputs from its children: the single ones from the regional
// chain when it stands, else from the primary region's; the maps from every region's attachment.
func (b *producerBuilder) setOutputs(regional *published, regions []published, lbCerts certs, xrCerts *certs) {
	a := &b.args
	protocol, port := a.protocolAndPort()
	c := b.comp
	first, certs, all := regional, lbCerts, regions
	if regional == nil {
		for i := range regions {
			if regions[i].region == a.Region {
				first = &regions[i]
			}
		}
		certs = *xrCerts
	} else {
		all = append([]published{*regional}, regions...)
	}
	if xrCerts != nil && regional != nil {
		certs.dnsRecords = pulumix.Apply2(lbCerts.dnsRecords, xrCerts.dnsRecords,
			func(x, y []DnsAuthorizationRecord) []DnsAuthorizationRecord {
				return append(append([]DnsAuthorizationRecord{}, x...), y...)
			})
	}
	attachment := first.attachment
	c.ServiceAttachmentUri = attachmentURI(attachment)
	c.ServiceAttachmentSelfLink = attachment.SelfLink
	c.LoadBalancerIp = first.ip
	c.Hostname = pulumi.String(a.Hostname).ToStringOutput()
	c.Protocol = pulumi.String(protocol).ToStringOutput()
	c.Port = pulumi.Int(port).ToIntOutput()
	c.CloudRunServiceName = first.run.name
	c.CloudRunUri = first.run.uri
	c.Region = attachment.Region
	c.Project = attachment.Project
	c.NatSubnet = first.nets.nat[0].ToStringOutput()
	c.ProxyOnlySubnet = first.nets.proxyOnly
	c.CertificatePem = certs.certificatePem
	c.ClientTrustAnchorsPem = a.clientTrustAnchors()
	c.CaCertificatePem = certs.caCertificatePem
	c.ManagedCertificate = certs.managedCertificate
	c.DnsAuthorizationRecords = certs.dnsRecords
	served := regions
	if len(served) == 0 {
		served = []published{*regional}
	}
	uris, ips, names, domains := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringArray{}, pulumi.StringArrayMap{}
	for _, r := range served {
		uris[r.region], ips[r.region] = attachmentURI(r.attachment), r.ip
		domains[r.region] = r.attachment.DomainNames
		names = append(names, pulumi.String(r.region))
	}
	c.ServiceAttachmentUris, c.LoadBalancerIps, c.Regions = uris.ToStringMapOutput(), ips.ToStringMapOutput(), names.ToStringArrayOutput()
	c.DomainNamesByRegion = domains.ToStringArrayMapOutput()
	capacity := 0
	var parts []connections
	for _, r := range all {
		capacity += r.capacity
		parts = append(parts, b.connections(r.attachment, r.region, r.capacity))
	}
	c.NatCapacity = pulumi.Int(capacity).ToIntOutput()
	conns := allConnections(parts)
	c.ConnectedEndpoints = conns.endpoints
	c.NatAddressesUsed = conns.natUsed
	c.NatAddressesFree = conns.natFree
	c.ConnectionWarning = conns.warning
	c.DomainNames = attachment.DomainNames
}

// attachmentURI is the URI consumers connect to: projects/P/regions/R/serviceAttachments/N.
func attachmentURI(sa *compute.ServiceAttachment) pulumi.StringOutput {
	return pulumi.Sprintf("projects/%s/regions/%s/serviceAttachments/%s", sa.Project, sa.Region, sa.Name)
}
