package psc

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/certificatemanager"
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// globalProxy creates the cross-region load balancer's global target HTTP or HTTPS proxy and
// returns its self link and what its certificates give the outputs. Its HTTPS proxy takes
// Certificate Manager certificates in location global with scope ALL_REGIONS, not Compute Engine
// SSL certificates (XLB-CERTS, docs/gcp-rules.md): a self-managed PEM pair becomes one, a
// managed certificate is created there, and existing ones must be global (validateRegionsTLS).
// Its SSL policy, tls.sslPolicy, is a global one (XLB-SSL-POLICY).
func (b *producerBuilder) globalProxy(urlMap pulumi.StringOutput) (pulumi.StringOutput, certs, error) {
	a := &b.args
	c := noCerts()
	describe := b.describe("target proxy of the cross-region internal Application Load Balancer")
	if !a.https() {
		p, err := compute.NewTargetHttpProxy(b.ctx, b.child("global-proxy"), &compute.TargetHttpProxyArgs{
			Project: b.project(), UrlMap: urlMap, Description: describe,
		}, b.opts()...)
		if err != nil {
			return pulumi.StringOutput{}, c, fmt.Errorf("global HTTP proxy: %w", err)
		}
		return p.SelfLink, c, nil
	}
	var list pulumi.StringArray
	switch {
	case a.Tls.selfManaged():
		certificate := checkedCertificate(a.Tls, a.Hostname)
		cert, err := certificatemanager.NewCertificate(b.ctx, b.child(globalCertPlace.certRole), &certificatemanager.CertificateArgs{
			Project:  b.project(),
			Location: pulumi.String(globalCertPlace.location),
			Scope:    pulumi.String(globalCertPlace.scope),
			SelfManaged: &certificatemanager.CertificateSelfManagedArgs{
				PemCertificate: certificate,
				PemPrivateKey:  checkedPrivateKey(a.Tls),
			},
			Description: b.describe("self-managed TLS certificate of the cross-region internal Application Load Balancer"),
			Labels:      childLabels(a.Labels),
		}, b.replacedInUse()...)
		if err != nil {
			return pulumi.StringOutput{}, c, fmt.Errorf("global TLS certificate: %w", err)
		}
		list = pulumi.StringArray{cert.ID().ToStringOutput()}
		c.certificatePem = certificate
	case a.Tls.Managed != nil:
		id, records, err := b.managedCertificate(globalCertPlace)
		if err != nil {
			return pulumi.StringOutput{}, c, err
		}
		list = pulumi.StringArray{id}
		c.managedCertificate, c.dnsRecords = id, records
	case a.Tls.Private != nil:
		id, chain, err := b.privateCertificate(globalCertPlace)
		if err != nil {
			return pulumi.StringOutput{}, c, err
		}
		list = pulumi.StringArray{id}
		c.caCertificatePem = chain
	default:
		list = checkedStrings(a.certManagerCertificates(true), "tls.certificateManagerCertificates", a.checkCertManagerCert)
	}
	args := &compute.TargetHttpsProxyArgs{
		Project: b.project(), UrlMap: urlMap, CertificateManagerCertificates: list, Description: describe,
	}
	if given(a.Tls.SslPolicy) {
		// A global SSL policy, or a name the provider resolves in global scope (XLB-SSL-POLICY,
		// checkSSLPolicy).
		args.SslPolicy = a.Tls.SslPolicy.ToStringOutput().ToStringPtrOutput()
	}
	policy, err := b.serverTLSPolicy(globalMTLSPlace)
	if err != nil {
		return pulumi.StringOutput{}, c, err
	}
	args.ServerTlsPolicy = policy
	p, err := compute.NewTargetHttpsProxy(b.ctx, b.child("global-proxy"), args, b.opts()...)
	if err != nil {
		return pulumi.StringOutput{}, c, fmt.Errorf("global HTTPS proxy: %w", err)
	}
	return p.SelfLink, c, nil
}

// certManagerCertificates are the tls.certificateManagerCertificates of one load balancer's proxy:
// all of them, but in the migration state, where both proxies stand, the global ones for the
// cross-region proxy (global) and the others for the regional one (validateRegionsTLS requires
// them known then).
func (a *ProducerServiceArgs) certManagerCertificates(global bool) []pulumi.StringInput {
	all := a.Tls.CertificateManagerCertificates
	if !a.crossRegion() || !a.regionalChain() {
		return all
	}
	var out []pulumi.StringInput
	for _, in := range all {
		if c, _ := knownOrNil(in); (certManagerLocation(c) == "global") == global {
			out = append(out, in)
		}
	}
	return out
}
