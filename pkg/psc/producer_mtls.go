package psc

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/certificatemanager"
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/networksecurity"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Mutual TLS: the HTTPS proxy asks each client for a certificate in the TLS handshake and checks
// it against a Certificate Manager trust config, through a server TLS policy attached to the proxy
// (MTLS-ARCH, docs/gcp-rules.md). The regional load balancer's proxy takes a policy and a trust
// config of its region, the cross-region one's global proxy global ones (MTLS-LOCATION).

// The client validation modes Google offers (MTLS-MODE): the default refuses a client without a
// certificate that chains to the trust anchors in the handshake; the other lets every client
// through to the backend (an explicit opt-in, chain.ClientAuthAllowInvalid).
const (
	clientAuthRejectInvalid = "REJECT_INVALID"
	clientAuthAllowInvalid  = "ALLOW_INVALID_OR_MISSING_CLIENT_CERT"
)

// clientAuthModes are the modes tls.clientAuth.mode takes, the default first.
var clientAuthModes = []string{clientAuthRejectInvalid, clientAuthAllowInvalid}

// ClientAuthArgs make the HTTPS load balancer require client certificates (mutual TLS).
type ClientAuthArgs struct {
	TrustAnchorsPem    []pulumi.StringInput `pulumi:"trustAnchorsPem"`
	IntermediateCasPem []pulumi.StringInput `pulumi:"intermediateCasPem,optional"`
	Mode               string               `pulumi:"mode,optional"`
}

// Annotate documents ClientAuthArgs for the schema.
func (c *ClientAuthArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "ClientAuth")
	a.Describe(c, "Mutual TLS: the load balancer asks every client for a certificate in the TLS handshake and "+
		"checks that it chains to trustAnchorsPem, through a Certificate Manager trust config and a server TLS "+
		"policy on the HTTPS proxy (in the producer's region, or global with regions).")
	a.Describe(&c.TrustAnchorsPem, "PEM certificates of the CAs (roots) whose client certificates are accepted, one "+
		"CA per entry; at least one. Add the new CA beside the old one to move clients to a new PKI without downtime.")
	a.Describe(&c.IntermediateCasPem, "PEM certificates of intermediate CAs that help chain a client's certificate to "+
		"a trust anchor, for clients that do not send their full chain.")
	a.Describe(&c.Mode, "REJECT_INVALID (the default) fails the TLS handshake of a client without a certificate that "+
		"chains to the trust anchors. ALLOW_INVALID_OR_MISSING_CLIENT_CERT lets every client through to the service, "+
		"which must then check the certificate itself: an explicit opt-in, warned of.")
}

// mode is the client validation mode, the default when unset.
func (c *ClientAuthArgs) mode() string {
	if c.Mode == "" {
		return clientAuthRejectInvalid
	}
	return c.Mode
}

// clientAuth returns tls.clientAuth, or nil when mutual TLS is not asked for.
func (a *ProducerServiceArgs) clientAuth() *ClientAuthArgs {
	if a.Tls == nil {
		return nil
	}
	return a.Tls.ClientAuth
}

// clientTrustAnchors are the trust anchors of tls.clientAuth, for the clientTrustAnchorsPem output
// (the trust config keeps them as secrets, MTLS-TRUST-PEM, which doctor cannot read); none without.
func (a *ProducerServiceArgs) clientTrustAnchors() pulumi.StringArrayOutput {
	out := pulumi.StringArray{}
	if c := a.clientAuth(); c != nil {
		out = append(out, c.TrustAnchorsPem...)
	}
	return out.ToStringArrayOutput()
}

// mtlsPlace is where a proxy's trust config and server TLS policy are created: the regional
// proxy's region, or global for the cross-region load balancer's proxy (MTLS-LOCATION), with
// the roles of the two children.
type mtlsPlace struct {
	location, trustRole, policyRole string
}

// regionalMTLSPlace is the producer's region, for the regional load balancer's HTTPS proxy.
func (a *ProducerServiceArgs) regionalMTLSPlace() mtlsPlace {
	return mtlsPlace{location: a.Region, trustRole: "trust-config", policyRole: "client-tls"}
}

// globalMTLSPlace is the global location, for the cross-region load balancer's HTTPS proxy.
var globalMTLSPlace = mtlsPlace{location: "global", trustRole: "global-trust-config", policyRole: "global-client-tls"}

// serverTLSPolicy creates, with tls.clientAuth, the trust config of the trust anchors and the
// server TLS policy that validates clients against it at a place, and returns the policy's ID for
// the HTTPS proxy's serverTlsPolicy; nil without tls.clientAuth. Both are autonamed and replaced
// create-before-delete: the proxy holds the policy and the policy the trust config
// (MTLS-IN-USE), and the policy's mode and trust config are ForceNew (MTLS-POLICY-FORCENEW).
func (b *producerBuilder) serverTLSPolicy(at mtlsPlace) (pulumi.StringPtrInput, error) {
	a := &b.args
	c := a.clientAuth()
	if c == nil {
		return nil, nil
	}
	var anchors certificatemanager.TrustConfigTrustStoreTrustAnchorArray
	var intermediates certificatemanager.TrustConfigTrustStoreIntermediateCaArray
	for i, in := range c.TrustAnchorsPem {
		anchors = append(anchors, &certificatemanager.TrustConfigTrustStoreTrustAnchorArgs{
			PemCertificate: checkedString(in, fmt.Sprintf("tls.clientAuth.trustAnchorsPem[%d]", i), checkCACertificate).ToStringOutput().ToStringPtrOutput(),
		})
	}
	for i, in := range c.IntermediateCasPem {
		intermediates = append(intermediates, &certificatemanager.TrustConfigTrustStoreIntermediateCaArgs{
			PemCertificate: checkedString(in, fmt.Sprintf("tls.clientAuth.intermediateCasPem[%d]", i), checkCACertificate).ToStringOutput().ToStringPtrOutput(),
		})
	}
	store := &certificatemanager.TrustConfigTrustStoreArgs{TrustAnchors: anchors}
	if len(intermediates) > 0 {
		store.IntermediateCas = intermediates
	}
	trust, err := certificatemanager.NewTrustConfig(b.ctx, b.child(at.trustRole), &certificatemanager.TrustConfigArgs{
		Project:     b.project(),
		Location:    pulumi.String(at.location),
		TrustStores: certificatemanager.TrustConfigTrustStoreArray{store},
		Description: b.describe("trust config of the CAs whose client certificates the load balancer accepts (mutual TLS)"),
		Labels:      childLabels(a.Labels),
	}, b.replacedInUse()...)
	if err != nil {
		return nil, fmt.Errorf("mutual TLS trust config in %s: %w", at.location, err)
	}
	policy, err := networksecurity.NewServerTlsPolicy(b.ctx, b.child(at.policyRole), &networksecurity.ServerTlsPolicyArgs{
		Project:  b.project(),
		Location: pulumi.String(at.location),
		// allowOpen is for Traffic Director only and must be false for a load balancer's policy
		// (MTLS-ALLOW-OPEN); unset is false.
		MtlsPolicy: &networksecurity.ServerTlsPolicyMtlsPolicyArgs{
			ClientValidationMode:        pulumi.String(c.mode()),
			ClientValidationTrustConfig: trust.ID().ToStringOutput().ToStringPtrOutput(),
		},
		Description: b.describe("server TLS policy that requires client certificates (mutual TLS)"),
		Labels:      childLabels(a.Labels),
	}, b.replacedInUse()...)
	if err != nil {
		return nil, fmt.Errorf("mutual TLS server TLS policy in %s: %w", at.location, err)
	}
	return policy.ID().ToStringOutput().ToStringPtrOutput(), nil
}
