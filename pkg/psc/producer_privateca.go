package psc

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/certificateauthority"
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/certificatemanager"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The issuance config the component creates (CM-ISSUANCE-FIELDS, docs/gcp-rules.md): the longest
// lifetime Google allows, renewed after two thirds of it (day 20 of 30: at least 7 days after
// issuance and 7 before expiry, as the rotation window must be), with an ECDSA P-256 key.
const (
	issuanceLifetime       = "2592000s" // 30 days
	issuanceRotationWindow = 66
	issuanceKeyAlgorithm   = "ECDSA_P256"
)

// The pool and root CA the component creates for tls.private.createCa (CAS-POOL-TIER, CAS-CA-ROOT):
// the Enterprise tier, which keeps a record of every certificate it issues and can revoke them, and
// a self-signed CA with an ECDSA P-384 key that may sign server certificates only.
const (
	caPoolTier       = "ENTERPRISE"
	caKeyAlgorithm   = "EC_P384_SHA384"
	caDefaultOrgName = "cloudrun-psc"
)

// PrivateCertificateArgs asks for a certificate issued by a CA Service pool through a Certificate
// Manager issuance config.
type PrivateCertificateArgs struct {
	CaPool   pulumi.StringInput `pulumi:"caPool,optional"`
	CreateCa *CreateCaArgs      `pulumi:"createCa,optional"`
}

// Annotate documents PrivateCertificateArgs for the schema.
func (p *PrivateCertificateArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "PrivateCertificate")
	a.Describe(p, "A Google-managed Certificate Manager certificate for hostname and the routes' hosts, issued by a "+
		"Certificate Authority Service pool through a certificate issuance config and renewed by Google (30-day "+
		"certificates renewed after 20 days), for private names such as payment-api.internal that no public CA "+
		"serves. Give exactly one of caPool (an existing pool) and createCa (a pool and root CA the component creates). "+
		"The caCertificatePem output is the chain consumers must trust (a ConsumerEndpoint with producerStack reads it "+
		"from the stack output caCertificatePem). Certificate Manager's service agent "+
		"(service-PROJECT_NUMBER@gcp-sa-certificatemanager.iam.gserviceaccount.com) needs "+
		"roles/privateca.certificateRequester on the pool: with createCa the component grants it; with caPool the pool's "+
		"owner must, and until then the certificate stays PROVISIONING.")
	a.Describe(&p.CaPool, "Full ID of an existing CA Service pool with an enabled CA, projects/P/locations/REGION/caPools/N. "+
		"Without regions it must be in the producer's region, where the component creates the regional issuance config; "+
		"with regions (a global issuance config) any region. The certificate stays PROVISIONING while the pool has no "+
		"enabled CA. caCertificatePem is empty with caPool: give consumers the pool's CA certificates yourself "+
		"(gcloud privateca pools get-ca-certs). The component does not change the pool's IAM policy: its owner grants "+
		"roles/privateca.certificateRequester on it to the producer project's Certificate Manager service agent "+
		"(gcloud beta services identity create --service=certificatemanager.googleapis.com creates it and prints its email); "+
		"until then the certificate stays PROVISIONING.")
	a.Describe(&p.CreateCa, "Create a CA Service pool (Enterprise tier) and an enabled self-signed root CA in the "+
		"producer's project and region, create Certificate Manager's service agent and grant it "+
		"roles/privateca.certificateRequester on the pool, and issue the certificate from it: {} is enough.")
}

// CreateCaArgs configures the pool and root CA the component creates.
type CreateCaArgs struct {
	Organization       string `pulumi:"organization,optional"`
	DeletionProtection *bool  `pulumi:"deletionProtection,optional"`
}

// Annotate documents CreateCaArgs for the schema.
func (c *CreateCaArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "CreateCa")
	a.Describe(c, "The pool and root CA the component creates for tls.private.")
	a.Describe(&c.Organization, "Organization (O) of the root CA's subject; cloudrun-psc by default. The common "+
		"name is the component's name followed by \" root CA\".")
	a.Describe(&c.DeletionProtection, "Keep the root CA from being deleted: true by default, as a CA whose "+
		"certificates consumers trust must not go by accident, so destroying the component (or replacing the CA) "+
		"fails at the CA until this is set to false and applied. With false, destroy deletes the CA at once, without "+
		"the 30-day grace period in which a deleted CA can be restored, and although certificates it issued are still "+
		"unexpired, so that its pool can be deleted too (a pool holding a CA pending deletion cannot be).")
}

// deletionProtected reports whether the created root CA is protected (true by default).
func (c *CreateCaArgs) deletionProtected() bool {
	return c.DeletionProtection == nil || *c.DeletionProtection
}

// privateDomains are the names the private certificate covers: hostname, then the routes' hosts
// other than "*" (a certificate cannot name every host), each once.
func (a *ProducerServiceArgs) privateDomains() []string {
	var out []string
	if a.Hostname != "" {
		out = append(out, a.Hostname)
	}
	for _, r := range a.Routes {
		for _, h := range a.routeHosts(r) {
			if h != "*" && h != "" && !slices.Contains(out, h) {
				out = append(out, h)
			}
		}
	}
	return out
}

// privateCA is the pool a private certificate is issued from and the CA chain consumers trust.
type privateCA struct {
	pool    pulumi.StringOutput
	caChain pulumi.StringOutput // "" with an existing pool
	ca      pulumi.Resource     // the created CA, which the issuance config waits for; nil with an existing pool
	grant   pulumi.Resource     // the service agent's grant on the created pool, which the certificates wait for; nil with an existing pool
}

// certificateAuthority returns the pool of tls.private: the existing one, or a pool and an enabled
// root CA created once in the producer's project and region (both load balancers of the migration
// state share them).
func (b *producerBuilder) certificateAuthority() (*privateCA, error) {
	if b.privateCA != nil {
		return b.privateCA, nil
	}
	a := &b.args
	priv := a.Tls.Private
	if priv.CreateCa == nil {
		pool := checkedStrings([]pulumi.StringInput{priv.CaPool}, "tls.private.caPool", a.checkCaPool)[0].ToStringOutput()
		b.privateCA = &privateCA{pool: pool, caChain: pulumi.String("").ToStringOutput()}
		return b.privateCA, nil
	}
	pool, err := certificateauthority.NewCaPool(b.ctx, b.child("ca-pool"), &certificateauthority.CaPoolArgs{
		Project:  b.project(),
		Location: pulumi.String(a.Region),
		Tier:     pulumi.String(caPoolTier),
		Labels:   childLabels(a.Labels),
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("CA pool: %w", err)
	}
	protected := priv.CreateCa.deletionProtected()
	org := priv.CreateCa.Organization
	if org == "" {
		org = caDefaultOrgName
	}
	ca, err := certificateauthority.NewAuthority(b.ctx, b.child("ca"), &certificateauthority.AuthorityArgs{
		Project:                b.project(),
		Location:               pool.Location,
		Pool:                   pool.Name,
		CertificateAuthorityId: pulumi.String(b.child("ca")),
		Type:                   pulumi.String("SELF_SIGNED"),
		DesiredState:           pulumi.String("ENABLED"),
		Config: &certificateauthority.AuthorityConfigArgs{
			SubjectConfig: &certificateauthority.AuthorityConfigSubjectConfigArgs{
				Subject: &certificateauthority.AuthorityConfigSubjectConfigSubjectArgs{
					Organization: pulumi.String(org),
					CommonName:   pulumi.String(b.name + " root CA"),
				},
			},
			X509Config: &certificateauthority.AuthorityConfigX509ConfigArgs{
				CaOptions: &certificateauthority.AuthorityConfigX509ConfigCaOptionsArgs{IsCa: pulumi.Bool(true)},
				KeyUsage: &certificateauthority.AuthorityConfigX509ConfigKeyUsageArgs{
					BaseKeyUsage: &certificateauthority.AuthorityConfigX509ConfigKeyUsageBaseKeyUsageArgs{
						CertSign: pulumi.Bool(true),
						CrlSign:  pulumi.Bool(true),
					},
					ExtendedKeyUsage: &certificateauthority.AuthorityConfigX509ConfigKeyUsageExtendedKeyUsageArgs{
						ServerAuth: pulumi.Bool(true),
					},
				},
			},
		},
		KeySpec:                            &certificateauthority.AuthorityKeySpecArgs{Algorithm: pulumi.String(caKeyAlgorithm)},
		DeletionProtection:                 pulumi.Bool(protected),
		SkipGracePeriod:                    pulumi.Bool(!protected),
		IgnoreActiveCertificatesOnDeletion: pulumi.Bool(!protected),
		Labels:                             childLabels(a.Labels),
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("root CA: %w", err)
	}
	// A self-signed CA's chain is its own certificate (CAS-CA-CHAIN).
	chain := ca.PemCaCertificates.ApplyT(func(pems []string) string {
		return strings.Join(pems, "")
	}).(pulumi.StringOutput)
	grant, err := b.grantCertificateRequester(pool) // producer_privateca_iam.go
	if err != nil {
		return nil, err
	}
	b.privateCA = &privateCA{pool: pool.ID().ToStringOutput(), caChain: chain, ca: ca, grant: grant}
	return b.privateCA, nil
}

// privateCertificate creates the issuance config and the certificate it issues at a place (the
// producer's region for the regional proxy, global with scope ALL_REGIONS for the cross-region one,
// CM-ISSUANCE-LOCATIONS), and returns the certificate's ID and the CA chain.
func (b *producerBuilder) privateCertificate(at certPlace) (pulumi.StringOutput, pulumi.StringOutput, error) {
	a := &b.args
	ca, err := b.certificateAuthority()
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, err
	}
	var wait []pulumi.ResourceOption
	if ca.ca != nil {
		// The pool needs an enabled CA before Certificate Manager can issue from it (CAS-POOL-ENABLED).
		wait = append(wait, pulumi.DependsOn([]pulumi.Resource{ca.ca}))
	}
	prefix := "" // the regional proxy's children, or the cross-region one's
	if at.location == globalCertPlace.location {
		prefix = "global-"
	}
	issuance, err := certificatemanager.NewCertificateIssuanceConfig(b.ctx, b.child(prefix+"issuance"), &certificatemanager.CertificateIssuanceConfigArgs{
		Project:  b.project(),
		Location: pulumi.String(at.location),
		CertificateAuthorityConfig: &certificatemanager.CertificateIssuanceConfigCertificateAuthorityConfigArgs{
			CertificateAuthorityServiceConfig: &certificatemanager.CertificateIssuanceConfigCertificateAuthorityConfigCertificateAuthorityServiceConfigArgs{
				CaPool: ca.pool,
			},
		},
		Lifetime:                 pulumi.String(issuanceLifetime),
		RotationWindowPercentage: pulumi.Int(issuanceRotationWindow),
		KeyAlgorithm:             pulumi.String(issuanceKeyAlgorithm),
		Description:              b.describe("certificate issuance config of the internal Application Load Balancer's private certificate"),
		Labels:                   childLabels(a.Labels),
	}, b.opts(wait...)...)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, fmt.Errorf("certificate issuance config: %w", err)
	}
	certOpts := b.replacedInUse()
	if ca.grant != nil {
		// Issued only once the service agent may request certificates from the pool (CM-ISSUANCE-IAM).
		certOpts = append(certOpts, pulumi.DependsOn([]pulumi.Resource{ca.grant}))
	}
	// Like a managed certificate, replaced create-before-delete so that the proxy is repointed
	// before the old one goes (CM-CERT-FORCENEW).
	cert, err := certificatemanager.NewCertificate(b.ctx, b.child(prefix+"private-cert"), &certificatemanager.CertificateArgs{
		Project:     b.project(),
		Location:    pulumi.String(at.location),
		Scope:       optionalString(at.scope),
		Description: b.describe("CA Service-issued certificate of the internal Application Load Balancer"),
		Labels:      childLabels(a.Labels),
		Managed: &certificatemanager.CertificateManagedArgs{
			Domains:        pulumi.ToStringArray(a.privateDomains()),
			IssuanceConfig: issuance.ID().ToStringOutput(),
		},
	}, certOpts...)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, fmt.Errorf("private certificate: %w", err)
	}
	return cert.ID().ToStringOutput(), ca.caChain, nil
}
