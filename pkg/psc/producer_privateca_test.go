package psc

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

const (
	typeCaPool   = chain.CaPoolType
	typeCA       = chain.CertificateAuthorityType
	typeIssuance = chain.CertificateIssuanceConfigType
	typeAgent    = chain.ServiceIdentityType
	typeGrant    = chain.CaPoolIamMemberType
	testPool     = "projects/pki-prj/locations/" + testRegion + "/caPools/internal"
)

// privateProducer runs a producer with tls.private and returns its caCertificatePem output.
func privateProducer(t *testing.T, f *fakeCloud, args *ProducerServiceArgs) string {
	t.Helper()
	var chainPEM string
	err := f.Run(func(ctx *pulumi.Context) error {
		p, err := NewProducerService(ctx, "payments", args)
		if err != nil {
			return err
		}
		chainPEM = psctest.Await[string](t, p.CaCertificatePem)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return chainPEM
}

func withCreateCa(a *ProducerServiceArgs) *ProducerServiceArgs {
	a.Tls = &TlsArgs{Private: &PrivateCertificateArgs{CreateCa: &CreateCaArgs{}}}
	return a
}

// tls.private.createCa creates an Enterprise pool and an enabled, deletion-protected root CA in
// the producer's project and region, a regional issuance config on the pool that waits for the
// CA, Certificate Manager's service agent with roles/privateca.certificateRequester on the pool
// (CM-ISSUANCE-IAM), and a certificate, waiting for that grant, for the hostname issued through it, which the regional proxy serves; the
// CA's chain is the caCertificatePem output.
func TestProducerPrivateCreateCa(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	args := withCreateCa(producerArgs())
	args.Labels = map[string]string{"team": "payments"}
	got := privateProducer(t, f, args)
	if got != psctest.FakeCACertificate {
		t.Errorf("caCertificatePem = %q, want the CA's chain", got)
	}
	pool := f.One(t, typeCaPool)
	for k, want := range map[string]string{"location": testRegion, "project": testProject, "tier": "ENTERPRISE"} {
		if s := str(pool, k); s != want {
			t.Errorf("pool %s = %q, want %q", k, s, want)
		}
	}
	ca := f.One(t, typeCA)
	if str(ca, "pool") != pool.Name || str(ca, "location") != testRegion || str(ca, "type") != "SELF_SIGNED" ||
		str(ca, "desiredState") != "ENABLED" || str(ca, "certificateAuthorityId") != "payments-ca" {
		t.Errorf("CA = %v, want an enabled self-signed CA payments-ca in the pool", ca.Inputs)
	}
	if !input(ca, "deletionProtection").BoolValue() || input(ca, "skipGracePeriod").BoolValue() || input(ca, "ignoreActiveCertificatesOnDeletion").BoolValue() {
		t.Errorf("CA deletion fields = %v, want protected, with its grace period, by default", ca.Inputs)
	}
	x509 := input(ca, "config").ObjectValue()["x509Config"].ObjectValue()
	if !x509["caOptions"].ObjectValue()["isCa"].BoolValue() {
		t.Errorf("CA x509Config = %v, want isCa", x509)
	}
	issuance := f.One(t, typeIssuance)
	poolID := "projects/" + testProject + "/locations/" + testRegion + "/caPools/" + pool.Name
	cas := input(issuance, "certificateAuthorityConfig").ObjectValue()["certificateAuthorityServiceConfig"].ObjectValue()
	if str(issuance, "location") != testRegion || cas["caPool"].StringValue() != poolID ||
		str(issuance, "lifetime") != "2592000s" || input(issuance, "rotationWindowPercentage").NumberValue() != 66 ||
		str(issuance, "keyAlgorithm") != "ECDSA_P256" {
		t.Errorf("issuance config = %v, want a regional one on %s", issuance.Inputs, poolID)
	}
	if !slices.Contains(issuance.Dependencies, urnOf(t, f, ca.Name)) {
		t.Errorf("issuance config depends on %v, want the CA (the pool needs an enabled CA)", issuance.Dependencies)
	}
	cert := f.One(t, typeManagedCert)
	managed := input(cert, "managed").ObjectValue()
	issuanceID := "projects/" + testProject + "/locations/" + testRegion + "/certificateIssuanceConfigs/" + issuance.Name
	if str(cert, "location") != testRegion || managed["issuanceConfig"].StringValue() != issuanceID ||
		!slices.Equal(strs(managed["domains"]), []string{"payment-api.internal"}) || managed.HasValue("dnsAuthorizations") {
		t.Errorf("certificate = %v, want a regional one for payment-api.internal issued through %s", cert.Inputs, issuanceID)
	}
	agent, grant := f.One(t, typeAgent), f.One(t, typeGrant)
	if str(agent, "service") != "certificatemanager.googleapis.com" || str(agent, "project") != testProject {
		t.Errorf("service identity = %v, want Certificate Manager's in the producer's project", agent.Inputs)
	}
	if str(grant, "caPool") != poolID || str(grant, "role") != "roles/privateca.certificateRequester" ||
		str(grant, "member") != "serviceAccount:service-123456789@gcp-sa-certificatemanager.iam.gserviceaccount.com" {
		t.Errorf("pool grant = %v, want certificateRequester on %s for the Certificate Manager agent (CM-ISSUANCE-IAM)", grant.Inputs, poolID)
	}
	if !slices.Contains(cert.Dependencies, urnOf(t, f, grant.Name)) {
		t.Errorf("certificate depends on %v, want the grant (CM-ISSUANCE-IAM)", cert.Dependencies)
	}
	proxy := f.One(t, chain.RegionTargetHttpsProxyType)
	wantCert := "projects/" + testProject + "/locations/" + testRegion + "/certificates/" + cert.Name
	if got := strs(input(proxy, "certificateManagerCertificates")); !slices.Equal(got, []string{wantCert}) {
		t.Errorf("proxy certificates = %v, want [%s]", got, wantCert)
	}
	for _, r := range []registered{pool, ca, issuance, cert} {
		if !input(r, "labels").IsObject() || input(r, "labels").ObjectValue()["team"].StringValue() != "payments" {
			t.Errorf("%s labels = %v, want the component's", r.Name, input(r, "labels"))
		}
	}
	if n := len(f.Custom(typeDnsAuth)); n != 0 {
		t.Errorf("%d DNS authorizations, want none with an issuance config", n)
	}
}

// createCa.deletionProtection false lets destroy delete the CA at once, and its pool after it.
func TestProducerPrivateCreateCaUnprotected(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	args := withCreateCa(producerArgs())
	args.Tls.Private.CreateCa.DeletionProtection = pulumi.BoolRef(false)
	args.Tls.Private.CreateCa.Organization = "Acme Payments"
	privateProducer(t, f, args)
	ca := f.One(t, typeCA)
	if input(ca, "deletionProtection").BoolValue() || !input(ca, "skipGracePeriod").BoolValue() || !input(ca, "ignoreActiveCertificatesOnDeletion").BoolValue() {
		t.Errorf("CA deletion fields = %v, want deletable at once", ca.Inputs)
	}
	subject := input(ca, "config").ObjectValue()["subjectConfig"].ObjectValue()["subject"].ObjectValue()
	if subject["organization"].StringValue() != "Acme Payments" || subject["commonName"].StringValue() != "payments root CA" {
		t.Errorf("CA subject = %v", subject)
	}
}

// tls.private.caPool issues from an existing pool: nothing of CA Service is created and the pool's
// IAM policy is left to its owner (CM-ISSUANCE-IAM), the
// certificate covers the routes' hosts too, and caCertificatePem is empty.
func TestProducerPrivateExistingPool(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	args := producerArgs()
	args.Tls = &TlsArgs{Private: &PrivateCertificateArgs{CaPool: pulumi.String(testPool)}}
	args.Routes = []RouteArgs{
		{Key: "admin", Hosts: []string{"admin.internal", "*"}, CloudRun: CloudRunArgs{Image: pulumi.String("europe-docker.pkg.dev/p/r/admin:1")}},
	}
	if got := privateProducer(t, f, args); got != "" {
		t.Errorf("caCertificatePem = %q, want empty with an existing pool", got)
	}
	if n := len(f.Custom(typeCaPool)) + len(f.Custom(typeCA)) + len(f.Custom(typeGrant)) + len(f.Custom(typeAgent)); n != 0 {
		t.Errorf("%d CA Service resources or grants created, want none (the pool's owner grants, CM-ISSUANCE-IAM)", n)
	}
	cas := input(f.One(t, typeIssuance), "certificateAuthorityConfig").ObjectValue()["certificateAuthorityServiceConfig"].ObjectValue()
	if cas["caPool"].StringValue() != testPool {
		t.Errorf("issuance caPool = %v, want %s", cas["caPool"], testPool)
	}
	domains := strs(input(f.One(t, typeManagedCert), "managed").ObjectValue()["domains"])
	if !slices.Equal(domains, []string{"payment-api.internal", "admin.internal"}) {
		t.Errorf("certificate domains = %v, want hostname and the route's named host", domains)
	}
}

// With regions, the cross-region proxy serves a global ALL_REGIONS certificate issued through a
// global issuance config (CM-ISSUANCE-GLOBAL), from the pool created in the primary region; a
// pool in another region is accepted there.
func TestProducerRegionsPrivate(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	args := withCreateCa(regionsProducer(testRegion, "us-east1"))
	if got := privateProducer(t, f, args); got != psctest.FakeCACertificate {
		t.Errorf("caCertificatePem = %q", got)
	}
	if str(f.One(t, typeCaPool), "location") != testRegion {
		t.Errorf("pool not in the primary region")
	}
	issuance, cert := f.One(t, typeIssuance), f.One(t, typeManagedCert)
	if issuance.Name != "payments-global-issuance" || str(issuance, "location") != "global" {
		t.Errorf("issuance config %s in %q, want payments-global-issuance in global", issuance.Name, str(issuance, "location"))
	}
	if cert.Name != "payments-global-private-cert" || str(cert, "location") != "global" || str(cert, "scope") != "ALL_REGIONS" {
		t.Errorf("certificate %s = %v, want a global ALL_REGIONS one", cert.Name, cert.Inputs)
	}
	proxy := f.One(t, chain.TargetHttpsProxyType)
	if got := strs(input(proxy, "certificateManagerCertificates")); len(got) != 1 || got[0] != "projects/"+testProject+"/locations/global/certificates/payments-global-private-cert" {
		t.Errorf("global proxy certificates = %v", got)
	}

	f = newFakeCloud()
	args = regionsProducer(testRegion, "us-east1")
	args.Tls = &TlsArgs{Private: &PrivateCertificateArgs{CaPool: pulumi.String("projects/pki-prj/locations/asia-east1/caPools/internal")}}
	privateProducer(t, f, args)
}

// Bad tls.private input is refused at preview, naming the input, with nothing created.
func TestProducerPrivateValidation(t *testing.T) {
	t.Parallel()
	certPEM, keyPEM := psctest.SelfSignedCert(t, "payment-api.internal")
	private := func(p *PrivateCertificateArgs) func(a *ProducerServiceArgs) {
		return func(a *ProducerServiceArgs) { a.Tls = &TlsArgs{Private: p} }
	}
	cases := []producerCase{
		{"neither", private(&PrivateCertificateArgs{}), []string{"tls.private: give exactly one of caPool"}},
		{"both", private(&PrivateCertificateArgs{CaPool: pulumi.String(testPool), CreateCa: &CreateCaArgs{}}), []string{"tls.private: give exactly one of caPool"}},
		{"malformed pool", private(&PrivateCertificateArgs{CaPool: pulumi.String("internal")}),
			[]string{`tls.private.caPool: must be the full ID of a CA Service pool, projects/PROJECT/locations/REGION/caPools/NAME, got "internal"`}},
		{"pool in another region", func(a *ProducerServiceArgs) {
			a.Region = testRegion
			a.Tls = &TlsArgs{Private: &PrivateCertificateArgs{CaPool: pulumi.String("projects/pki-prj/locations/us-east1/caPools/internal")}}
		},
			[]string{"tls.private.caPool: is in us-east1, but the regional load balancer is in " + testRegion}},
		{"with a PEM pair", func(a *ProducerServiceArgs) {
			a.Tls = &TlsArgs{CertificatePem: pulumi.String(certPEM), PrivateKeyPem: pulumi.String(keyPEM), Private: &PrivateCertificateArgs{CreateCa: &CreateCaArgs{}}}
		}, []string{"tls: give exactly one of", "or private (a certificate a CA Service pool issues)"}},
		{"with managed", func(a *ProducerServiceArgs) {
			a.Tls = &TlsArgs{Managed: &ManagedCertificateArgs{}, Private: &PrivateCertificateArgs{CreateCa: &CreateCaArgs{}}}
		}, []string{"tls: give exactly one of"}},
		{"no hostname", func(a *ProducerServiceArgs) {
			a.Hostname = ""
			a.Tls = &TlsArgs{Private: &PrivateCertificateArgs{CreateCa: &CreateCaArgs{}}}
		}, []string{"hostname: is required with tls.private"}},
	}
	runRefusedCases(t, cases)
}

// The pool's region is checked against the provider's region when the producer gives none, once
// the component knows it; nothing is created.
func TestProducerPrivatePoolRegionFromProvider(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	args := producerArgs()
	args.Region = ""
	args.Tls = &TlsArgs{Private: &PrivateCertificateArgs{CaPool: pulumi.String("projects/pki-prj/locations/us-east1/caPools/internal")}}
	err := f.Run(func(ctx *pulumi.Context) error {
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	assertRefusedAfterLookup(t, f, err, "tls.private.caPool: is in us-east1, but the regional load balancer is in "+testRegion)
}
