package psc

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"
)

// loadBalancer is the regional internal Application Load Balancer in front of Cloud Run: its
// forwarding rule, and its certificates: the public PEM of a self-managed certificate ("" otherwise),
// and the ID of a Google-managed one ("" otherwise) with the DNS records that authorize it.
type loadBalancer struct {
	rule *compute.ForwardingRule
	certs
}

// certs is what the HTTPS proxy's certificates give the component's outputs.
type certs struct {
	certificatePem     pulumi.StringOutput
	managedCertificate pulumi.StringOutput
	caCertificatePem   pulumi.StringOutput // the CA chain of a private certificate (producer_privateca.go)
	dnsRecords         pulumix.Output[[]DnsAuthorizationRecord]
}

// noCerts is what a proxy without certificates (HTTP) gives the outputs.
func noCerts() certs {
	none := pulumi.String("").ToStringOutput()
	return certs{certificatePem: none, managedCertificate: none, caCertificatePem: none, dnsRecords: noRecords()}
}

// loadBalancer creates the serverless NEG and backend service of the main service and of each
// route, the URL map, the proxy and the forwarding rule, each pointing at the one before.
func (b *producerBuilder) loadBalancer(nets producerSubnets, run cloudRunService, routes []routeBackend) (loadBalancer, error) {
	a := &b.args
	region := pulumi.String(a.Region)
	_, port := a.protocolAndPort()
	backend, err := b.backendService(b.mainRun(), run)
	if err != nil {
		return loadBalancer{}, err
	}
	urlMapArgs := b.urlMapArgs(backend, routes)
	urlMapArgs.Description = b.describe("URL map of the internal Application Load Balancer")
	urlMap, err := compute.NewRegionUrlMap(b.ctx, b.child("urlmap"), urlMapArgs, b.opts()...)
	if err != nil {
		return loadBalancer{}, fmt.Errorf("URL map: %w", err)
	}

	proxy, certs, err := b.proxy(urlMap.SelfLink)
	if err != nil {
		return loadBalancer{}, err
	}

	ruleOpts := []pulumi.ResourceOption{}
	if nets.proxyOnlyRes != nil {
		// The forwarding rule does not reference the proxy-only subnet, yet Google requires it to
		// exist first (FR-PROXY-ONLY-FIRST).
		ruleOpts = append(ruleOpts, pulumi.DependsOn([]pulumi.Resource{nets.proxyOnlyRes}))
	}
	ruleArgs := &compute.ForwardingRuleArgs{
		Project:             b.project(),
		Region:              region,
		LoadBalancingScheme: pulumi.String(schemeInternalManaged),
		IpProtocol:          pulumi.String("TCP"),
		PortRange:           pulumi.String(fmt.Sprint(port)),
		Target:              proxy,
		Network:             qualifiedNetwork(a.Network, a.NetworkProject),
		Subnetwork:          nets.loadBalancer,
		Labels:              childLabels(a.Labels),
		Description:         b.describe("forwarding rule of the internal Application Load Balancer, the target of the service attachment"),
	}
	if a.AllowGlobalAccess {
		// Changed in place (setting allowGlobalAccess is an update, not a replacement); an opt-in,
		// warned of by registerComponent.
		ruleArgs.AllowGlobalAccess = pulumi.Bool(true)
	}
	if a.LoadBalancerIp != "" {
		ruleArgs.IpAddress = pulumi.String(a.LoadBalancerIp)
	}
	rule, err := compute.NewForwardingRule(b.ctx, b.child("lb-rule"), ruleArgs, b.opts(ruleOpts...)...)
	if err != nil {
		return loadBalancer{}, fmt.Errorf("load balancer forwarding rule: %w", err)
	}
	return loadBalancer{rule: rule, certs: certs}, nil
}

// serverlessNEG creates the serverless NEG, the child of role in region, of one Cloud Run service.
func (b *producerBuilder) serverlessNEG(role, region string, s runSpec, run cloudRunService) (*compute.RegionNetworkEndpointGroup, error) {
	neg, err := compute.NewRegionNetworkEndpointGroup(b.ctx, b.child(role), &compute.RegionNetworkEndpointGroupArgs{
		Project:             b.project(),
		Region:              pulumi.String(region),
		NetworkEndpointType: pulumi.String("SERVERLESS"),
		CloudRun:            &compute.RegionNetworkEndpointGroupCloudRunArgs{Service: run.name.ToStringPtrOutput()},
		Description:         b.describe("serverless NEG of the Cloud Run service of " + s.path),
	}, b.replacedInUse()...)
	if err != nil {
		return nil, fmt.Errorf("%s: serverless NEG in %s: %w", s.path, region, err)
	}
	return neg, nil
}

// backendService creates the serverless NEG of one Cloud Run service and the regional backend
// service in front of it, with the backend controls, and returns the backend service's self link.
func (b *producerBuilder) backendService(s runSpec, run cloudRunService) (pulumi.StringOutput, error) {
	region := pulumi.String(b.args.Region)
	neg, err := b.serverlessNEG("neg"+s.suffix, b.args.Region, s, run)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	protocol, _ := b.args.protocolAndPort()
	// Serverless NEGs take no health check and no balancing mode or capacity scaler: the API
	// rejects them (BS-SERVERLESS-HC, BS-SERVERLESS-MODE).
	backendArgs := &compute.RegionBackendServiceArgs{
		Project:             b.project(),
		Region:              region,
		LoadBalancingScheme: pulumi.String(schemeInternalManaged),
		Protocol:            pulumi.String(protocol),
		Backends:            compute.RegionBackendServiceBackendArray{&compute.RegionBackendServiceBackendArgs{Group: neg.SelfLink}},
		Description:         b.describe("backend service of the Cloud Run service of " + s.path),
	}
	b.backendControls(backendArgs)
	backend, err := compute.NewRegionBackendService(b.ctx, b.child("backend"+s.suffix), backendArgs, b.opts()...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("%s: backend service: %w", s.path, err)
	}
	return backend.SelfLink, nil
}

// urlMapArgs routes everything to the backend, with a host rule for the private hostname; with
// routes, it routes by host and path and refuses the rest (routeURLMapArgs).
func (b *producerBuilder) urlMapArgs(backend pulumi.StringOutput, routes []routeBackend) *compute.RegionUrlMapArgs {
	if len(routes) > 0 {
		return b.routeURLMapArgs(backend, routes)
	}
	args := &compute.RegionUrlMapArgs{
		Project:        b.project(),
		Region:         pulumi.String(b.args.Region),
		DefaultService: backend,
	}
	if h := b.args.Hostname; h != "" {
		args.HostRules = compute.RegionUrlMapHostRuleArray{&compute.RegionUrlMapHostRuleArgs{
			Hosts:       pulumi.StringArray{pulumi.String(h)},
			PathMatcher: pulumi.String(mainPathMatcher),
		}}
		args.PathMatchers = compute.RegionUrlMapPathMatcherArray{&compute.RegionUrlMapPathMatcherArgs{
			Name:           pulumi.String(mainPathMatcher),
			DefaultService: backend,
		}}
	}
	return args
}

// proxy creates the HTTP or HTTPS target proxy (and a self-managed or Google-managed certificate
// when asked for) and returns the proxy's self link and what its certificates give the outputs.
func (b *producerBuilder) proxy(urlMap pulumi.StringOutput) (pulumi.StringOutput, certs, error) {
	a := &b.args
	c := noCerts()
	if !a.https() {
		p, err := compute.NewRegionTargetHttpProxy(b.ctx, b.child("proxy"), &compute.RegionTargetHttpProxyArgs{
			Project:     b.project(),
			Region:      pulumi.String(a.Region),
			UrlMap:      urlMap,
			Description: b.describe("HTTP target proxy of the internal Application Load Balancer"),
		}, b.opts()...)
		if err != nil {
			return pulumi.StringOutput{}, c, fmt.Errorf("HTTP proxy: %w", err)
		}
		return p.SelfLink, c, nil
	}
	args := &compute.RegionTargetHttpsProxyArgs{
		Project:     b.project(),
		Region:      pulumi.String(a.Region),
		UrlMap:      urlMap,
		Description: b.describe("HTTPS target proxy of the internal Application Load Balancer"),
	}
	switch {
	case a.Tls.selfManaged():
		certificate := checkedCertificate(a.Tls, a.Hostname)
		cert, err := compute.NewRegionSslCertificate(b.ctx, b.child("cert"), &compute.RegionSslCertificateArgs{
			Project:     b.project(),
			Region:      pulumi.String(a.Region),
			Certificate: certificate,
			PrivateKey:  checkedPrivateKey(a.Tls),
			Description: b.describe("self-managed TLS certificate of the internal Application Load Balancer"),
		}, b.replacedInUse()...)
		if err != nil {
			return pulumi.StringOutput{}, c, fmt.Errorf("TLS certificate: %w", err)
		}
		args.SslCertificates = pulumi.StringArray{cert.SelfLink}
		c.certificatePem = certificate
	case a.Tls.Managed != nil:
		id, records, err := b.managedCertificate(a.regionalCertPlace())
		if err != nil {
			return pulumi.StringOutput{}, c, err
		}
		// The proxy takes the certificate's ID, projects/P/locations/R/certificates/N, as it is
		// (PROXY-CERTS).
		args.CertificateManagerCertificates = pulumi.StringArray{id}
		c.managedCertificate, c.dnsRecords = id, records
	case a.Tls.Private != nil:
		id, chain, err := b.privateCertificate(a.regionalCertPlace())
		if err != nil {
			return pulumi.StringOutput{}, c, err
		}
		args.CertificateManagerCertificates = pulumi.StringArray{id}
		c.caCertificatePem = chain
	default:
		args.CertificateManagerCertificates = checkedStrings(a.certManagerCertificates(false),
			"tls.certificateManagerCertificates", func(c string) error {
				return errors.Join(a.checkCertManagerCert(c), a.certManagerRegion(c))
			})
	}
	if given(a.Tls.SslPolicy) {
		args.SslPolicy = a.Tls.SslPolicy.ToStringOutput().ToStringPtrOutput()
	}
	policy, err := b.serverTLSPolicy(a.regionalMTLSPlace())
	if err != nil {
		return pulumi.StringOutput{}, c, err
	}
	args.ServerTlsPolicy = policy
	p, err := compute.NewRegionTargetHttpsProxy(b.ctx, b.child("proxy"), args, b.opts()...)
	if err != nil {
		return pulumi.StringOutput{}, c, fmt.Errorf("HTTPS proxy: %w", err)
	}
	return p.SelfLink, c, nil
}
