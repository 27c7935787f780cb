package psc

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// The single-region features that work with regions too: an SSL policy on the cross-region
// load balancer's global proxy (XLB-SSL-POLICY), and each region's attachment with its own
// domainNames and name.

// migrationArgs is a producer in two regions beside the top-level subnets: the migration state.
func migrationArgs() *ProducerServiceArgs {
	a := producerArgs()
	a.Regions = map[string]ProducerRegionArgs{testRegion: regionArgs(testRegion), "us-east1": regionArgs("us-east1")}
	return a
}

// withRegion edits the entry of regions for region.
func withRegion(a *ProducerServiceArgs, region string, edit func(r *ProducerRegionArgs)) {
	r := a.Regions[region]
	edit(&r)
	a.Regions[region] = r
}

// withTLS gives args a self-managed certificate and the SSL policy policy.
func withTLS(t *testing.T, a *ProducerServiceArgs, policy pulumi.StringInput) {
	cert, key := psctest.SelfSignedCert(t, "payment-api.internal")
	a.Tls = &TlsArgs{CertificatePem: pulumi.String(cert), PrivateKeyPem: pulumi.String(key), SslPolicy: policy}
}

func TestProducerRegionsSSLPolicy(t *testing.T) {
	t.Parallel()
	const global = "projects/producer-prj/global/sslPolicies/tls12"
	for name, policy := range map[string]pulumi.StringInput{
		"global self link": pulumi.String("https://www.googleapis.com/compute/v1/" + global),
		"global path":      pulumi.String(global),
		"name":             pulumi.String("tls12"),
		"unknown":          pulumi.String(global).ToStringOutput(), // an Output goes to the provider as it resolves
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			args := regionsProducer(testRegion, "us-east1")
			withTLS(t, args, policy)
			f := newFakeCloud()
			runProducer(t, f, args)
			got := str(f.One(t, chain.TargetHttpsProxyType), "sslPolicy")
			if !strings.HasSuffix(got, "tls12") || strings.Contains(got, "/regions/") {
				t.Errorf("global proxy sslPolicy = %q, want the global policy given", got)
			}
			if n := len(f.Custom(typeHTTPSProxy)); n != 0 {
				t.Errorf("%d regional HTTPS proxies, want none", n)
			}
		})
	}

	// In the migration state a name goes to both proxies, each resolving it in its own scope.
	both := migrationArgs()
	withTLS(t, both, pulumi.String("tls12"))
	f := newFakeCloud()
	runProducer(t, f, both)
	if g, r := str(f.One(t, chain.TargetHttpsProxyType), "sslPolicy"), str(f.One(t, typeHTTPSProxy), "sslPolicy"); g != "tls12" || r != "tls12" {
		t.Errorf("sslPolicy of the global proxy %q, of the regional one %q: want the name on both", g, r)
	}

	// Without regions the regional proxy takes a regional policy, as before.
	single := producerArgs()
	withTLS(t, single, pulumi.String("projects/producer-prj/regions/europe-west1/sslPolicies/tls12"))
	f = newFakeCloud()
	runProducer(t, f, single)
	if r := str(f.One(t, typeHTTPSProxy), "sslPolicy"); r != "projects/producer-prj/regions/europe-west1/sslPolicies/tls12" {
		t.Errorf("regional proxy sslPolicy = %q", r)
	}
}

func TestProducerRegionsAttachments(t *testing.T) {
	t.Parallel()
	args := regionsProducer(testRegion, "us-east1")
	withRegion(args, testRegion, func(r *ProducerRegionArgs) {
		r.DomainNames, r.ServiceAttachmentName = []string{"eu.payments.example.com."}, "payments-psc"
	})
	withRegion(args, "us-east1", func(r *ProducerRegionArgs) {
		// The same name in another region: names are unique per region (GEN-NAME-UNIQUE).
		r.DomainNames, r.ServiceAttachmentName = []string{"us.payments.example.com."}, "payments-psc"
	})
	f := newFakeCloud()
	out := runProducer(t, f, args)
	for region, domain := range map[string]string{testRegion: "eu.payments.example.com.", "us-east1": "us.payments.example.com."} {
		sa := f.Named(t, "payments-"+region+"-attachment")
		if d := strs(input(sa, "domainNames")); str(sa, "name") != "payments-psc" || len(d) != 1 || d[0] != domain {
			t.Errorf("attachment of %s: name %q, domainNames %v; want payments-psc and [%s]", region, str(sa, "name"), d, domain)
		}
		if want := "projects/producer-prj/regions/" + region + "/serviceAttachments/payments-psc"; out.uris[region] != want {
			t.Errorf("serviceAttachmentUris[%s] = %q, want %q", region, out.uris[region], want)
		}
	}

	// In the migration state the top-level ones stay the regional attachment's, each region's
	// attachment takes its own.
	both := migrationArgs()
	both.DomainNames, both.ServiceAttachmentName = []string{"payments.example.com."}, "payments-psc"
	withRegion(both, testRegion, func(r *ProducerRegionArgs) {
		r.DomainNames, r.ServiceAttachmentName = []string{"eu.payments.example.com."}, "payments-eu"
	})
	f = newFakeCloud()
	runProducer(t, f, both)
	sa := f.Named(t, "payments-attachment")
	if d := strs(input(sa, "domainNames")); str(sa, "name") != "payments-psc" || len(d) != 1 || d[0] != "payments.example.com." {
		t.Errorf("regional attachment: name %q, domainNames %v; want the top-level ones", str(sa, "name"), d)
	}
	sa = f.Named(t, "payments-europe-west1-attachment")
	if d := strs(input(sa, "domainNames")); str(sa, "name") != "payments-eu" || len(d) != 1 || d[0] != "eu.payments.example.com." {
		t.Errorf("attachment of europe-west1: name %q, domainNames %v; want the region's", str(sa, "name"), d)
	}
	if sa := f.Named(t, "payments-us-east1-attachment"); str(sa, "name") != "" || !input(sa, "domainNames").IsNull() {
		t.Errorf("attachment of us-east1: name %q, domainNames %v; want neither", str(sa, "name"), input(sa, "domainNames"))
	}
}

// Each refusal names its input, all at once, and nothing is created.
func TestProducerRegionsParityRefused(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		args func(t *testing.T) *ProducerServiceArgs
		want []string
	}{
		"regional ssl policy with regions": {func(t *testing.T) *ProducerServiceArgs {
			a := regionsProducer(testRegion, "us-east1")
			withTLS(t, a, pulumi.String("projects/producer-prj/regions/europe-west1/sslPolicies/tls12"))
			return a
		}, []string{"tls.sslPolicy: is a regional SSL policy, but the cross-region load balancer of regions takes a global one"}},
		"global ssl policy without regions": {func(t *testing.T) *ProducerServiceArgs {
			a := producerArgs()
			withTLS(t, a, pulumi.String("https://www.googleapis.com/compute/v1/projects/producer-prj/global/sslPolicies/tls12"))
			return a
		}, []string{"tls.sslPolicy: is a global SSL policy, but the regional internal Application Load Balancer's proxy takes a regional one"}},
		"ssl policy link in the migration state": {func(t *testing.T) *ProducerServiceArgs {
			a := migrationArgs()
			withTLS(t, a, pulumi.String("projects/producer-prj/global/sslPolicies/tls12"))
			return a
		}, []string{"tls.sslPolicy: must be the policy's name while both load balancers stand"}},
		"top-level domainNames and name without the top-level subnets": {func(t *testing.T) *ProducerServiceArgs {
			a := regionsProducer(testRegion, "us-east1")
			a.DomainNames, a.ServiceAttachmentName = []string{"payments.example.com."}, "payments-psc"
			return a
		}, []string{"domainNames: cannot be used with regions without the top-level subnets", "regions[REGION].domainNames",
			"serviceAttachmentName: names the attachment of the regional load balancer", "regions[REGION].serviceAttachmentName"}},
		"bad region attachment inputs": {func(t *testing.T) *ProducerServiceArgs {
			a := regionsProducer(testRegion, "us-east1")
			withRegion(a, "us-east1", func(r *ProducerRegionArgs) {
				r.DomainNames, r.ServiceAttachmentName = []string{"us.payments.example.com", "Bad_Label.example.com."}, "Payments_PSC"
			})
			withRegion(a, testRegion, func(r *ProducerRegionArgs) { r.ServiceAttachmentName = strings.Repeat("a", 64) })
			return a
		}, []string{`regions["us-east1"].domainNames: lists 2 domains, but a service attachment takes at most one`,
			`regions["us-east1"].domainNames[0]: must end with a dot`, `regions["us-east1"].domainNames[1]: label "Bad_Label"`,
			`regions["us-east1"].serviceAttachmentName: must be a service attachment name`,
			`regions["europe-west1"].serviceAttachmentName: must be at most 63 characters (service attachment name), got 64`}},
		"primary region's attachment named as the regional one": {func(t *testing.T) *ProducerServiceArgs {
			a := migrationArgs()
			a.ServiceAttachmentName = "payments-psc"
			withRegion(a, testRegion, func(r *ProducerRegionArgs) { r.ServiceAttachmentName = "payments-psc" })
			withRegion(a, "us-east1", func(r *ProducerRegionArgs) { r.ServiceAttachmentName = "payments-psc" }) // another region: allowed
			return a
		}, []string{`regions["europe-west1"].serviceAttachmentName: is serviceAttachmentName too`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			args := tc.args(t)
			f := newFakeCloud()
			err := f.Run(func(ctx *pulumi.Context) error {
				_, err := NewProducerService(ctx, "payments", args)
				return err
			})
			assertRefusedAfterLookup(t, f, err, tc.want...)
			if strings.Contains(err.Error(), `regions["us-east1"].serviceAttachmentName: is`) {
				t.Errorf("a name shared with another region's attachment is refused:\n%v", err)
			}
			a := args.withDefaults()
			assertProblemsNameInputs(t, &a, func() error { return a.validate("payments") })
		})
	}
}
