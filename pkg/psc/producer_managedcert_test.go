package psc

import (
	"slices"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	typeDnsAuth     = chain.DnsAuthorizationType
	typeManagedCert = chain.CertificateManagerCertificateType
)

// managedProducer runs a producer with tls.managed on a public hostname and returns its
// dnsAuthorizationRecords and managedCertificate outputs.
func managedProducer(t *testing.T, f *fakeCloud, hostname string, domains ...string) ([]DnsAuthorizationRecord, string) {
	t.Helper()
	args := producerArgs()
	args.Hostname = hostname
	args.Labels = map[string]string{"team": "payments"}
	args.Tls = &TlsArgs{Managed: &ManagedCertificateArgs{Domains: domains}}
	return certificateOutputs(t, f, args)
}

// certificateOutputs runs a producer and returns its dnsAuthorizationRecords and
// managedCertificate outputs.
func certificateOutputs(t *testing.T, f *fakeCloud, args *ProducerServiceArgs) ([]DnsAuthorizationRecord, string) {
	t.Helper()
	var records []DnsAuthorizationRecord
	var cert string
	err := f.Run(func(ctx *pulumi.Context) error {
		p, err := NewProducerService(ctx, "payments", args)
		if err != nil {
			return err
		}
		records = psctest.Await[[]DnsAuthorizationRecord](t, p.DnsAuthorizationRecords)
		cert = psctest.Await[string](t, p.ManagedCertificate)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return records, cert
}

// tls.managed {} creates a PER_PROJECT_RECORD DNS authorization for the hostname and a managed
// certificate using it, both in the producer's region and project, attaches the certificate by ID
// to the HTTPS proxy, and reports the record to publish.
func TestProducerManagedCertificate(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	records, certID := managedProducer(t, f, "payments.example.com")
	auth := f.One(t, typeDnsAuth)
	for k, want := range map[string]string{"location": testRegion, "project": testProject, "domain": "payments.example.com", "type": "PER_PROJECT_RECORD"} {
		if got := str(auth, k); got != want {
			t.Errorf("DNS authorization %s = %q, want %q", k, got, want)
		}
	}
	if got := input(auth, "labels").ObjectValue(); got["managed-by"].StringValue() != "cloudrun-psc" || got["team"].StringValue() != "payments" {
		t.Errorf("DNS authorization labels = %v", got)
	}
	cert := f.One(t, typeManagedCert)
	if str(cert, "location") != testRegion || str(cert, "project") != testProject {
		t.Errorf("certificate in %s/%s, want %s/%s", str(cert, "project"), str(cert, "location"), testProject, testRegion)
	}
	managed := input(cert, "managed").ObjectValue()
	if d := managed["domains"].ArrayValue(); len(d) != 1 || d[0].StringValue() != "payments.example.com" {
		t.Errorf("managed.domains = %v, want [hostname]", d)
	}
	wantAuth := "projects/" + testProject + "/locations/" + testRegion + "/dnsAuthorizations/" + auth.Name
	if a := managed["dnsAuthorizations"].ArrayValue(); len(a) != 1 || a[0].StringValue() != wantAuth {
		t.Errorf("managed.dnsAuthorizations = %v, want [%s]", a, wantAuth)
	}
	if dbr := cert.DeleteBeforeReplace; dbr == nil || *dbr || !input(cert, "name").IsNull() {
		t.Errorf("the managed certificate must be autonamed and created before the old one is deleted (deleteBeforeReplace %v, name %v)", dbr, input(cert, "name"))
	}
	wantCert := "projects/" + testProject + "/locations/" + testRegion + "/certificates/payments-mcert"
	proxy := f.One(t, typeHTTPSProxy)
	if got := input(proxy, "certificateManagerCertificates").ArrayValue(); len(got) != 1 || got[0].StringValue() != wantCert {
		t.Errorf("proxy certificateManagerCertificates = %v, want [%s]", got, wantCert)
	}
	if !input(proxy, "sslCertificates").IsNull() || len(f.Custom(typeCert)) != 0 {
		t.Errorf("a managed certificate needs no self-managed one")
	}
	if certID != wantCert {
		t.Errorf("managedCertificate output = %q, want %q", certID, wantCert)
	}
	if len(records) != 1 || records[0].Domain != "payments.example.com" || records[0].Type != "CNAME" ||
		!strings.HasSuffix(records[0].Name, ".payments.example.com.") || records[0].Data == "" {
		t.Errorf("dnsAuthorizationRecords = %+v, want the authorization's CNAME for payments.example.com", records)
	}
}

// A domain and its wildcard share one authorization (of the parent), each other domain has its
// own, keyed by the domain so that adding one leaves the others' child names alone.
func TestProducerManagedCertificateWildcard(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	records, _ := managedProducer(t, f, "api.example.com", "example.com", "*.example.com", "payments.example.org")
	// The fake cloud records registrations as they arrive, which the SDK makes concurrently.
	auths := f.Custom(typeDnsAuth)
	slices.SortFunc(auths, func(a, b registered) int { return strings.Compare(str(a, "domain"), str(b, "domain")) })
	if len(auths) != 2 || str(auths[0], "domain") != "example.com" || str(auths[1], "domain") != "payments.example.org" {
		t.Fatalf("DNS authorizations = %v, want example.com and payments.example.org", auths)
	}
	if auths[0].Name != "payments-dnsauth-"+domainKey("example.com") {
		t.Errorf("authorization child %q, want keyed by its domain", auths[0].Name)
	}
	d := input(f.One(t, typeManagedCert), "managed").ObjectValue()["domains"].ArrayValue()
	if len(d) != 3 || d[1].StringValue() != "*.example.com" {
		t.Errorf("managed.domains = %v, want the three given", d)
	}
	if len(records) != 2 || records[0].Domain != "example.com" || records[1].Domain != "payments.example.org" {
		t.Errorf("dnsAuthorizationRecords = %+v, want one per authorization", records)
	}
}

// Without tls.managed there is no managed certificate and the outputs are empty.
func TestProducerWithoutManagedCertificate(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	records, cert := certificateOutputs(t, f, producerArgs())
	if len(records) != 0 || cert != "" || len(f.Custom(typeDnsAuth))+len(f.Custom(typeManagedCert)) != 0 {
		t.Errorf("HTTP producer: records %v, certificate %q, want none", records, cert)
	}
}

func TestManagedDomainCoverage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		domain, host string
		want         bool
	}{
		{"api.example.com", "api.example.com", true},
		{"*.example.com", "api.example.com", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "a.b.example.com", false},
		{"example.com", "api.example.com", false},
	} {
		if got := covers(tc.domain, tc.host); got != tc.want {
			t.Errorf("covers(%q, %q) = %v, want %v", tc.domain, tc.host, got, tc.want)
		}
	}
}
