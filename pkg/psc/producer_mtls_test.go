package psc

import (
	"encoding/pem"
	"maps"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// mtlsArgs is producerArgs over HTTPS with a self-managed certificate and tls.clientAuth trusting
// the given anchors.
func mtlsArgs(t *testing.T, anchors ...string) *ProducerServiceArgs {
	t.Helper()
	certPEM, keyPEM := psctest.SelfSignedCert(t, "payment-api.internal")
	args := producerArgs()
	args.Tls = &TlsArgs{CertificatePem: pulumi.String(certPEM), PrivateKeyPem: pulumi.String(keyPEM),
		ClientAuth: &ClientAuthArgs{}}
	for _, a := range anchors {
		args.Tls.ClientAuth.TrustAnchorsPem = append(args.Tls.ClientAuth.TrustAnchorsPem, pulumi.String(a))
	}
	return args
}

// tls.clientAuth creates, in the producer's region, a trust config holding the anchors and
// intermediates and a REJECT_INVALID server TLS policy on it, which the HTTPS proxy takes by ID;
// both are autonamed and replaced create-before-delete, as the proxy holds them (MTLS-IN-USE).
func TestProducerMutualTLS(t *testing.T) {
	t.Parallel()
	root, other := psctest.NewCA(t, "clients root"), psctest.NewCA(t, "clients intermediate")
	args := mtlsArgs(t, root.CertPEM)
	args.Tls.ClientAuth.IntermediateCasPem = []pulumi.StringInput{pulumi.String(other.CertPEM)}
	f := newFakeCloud()
	var anchorsOut []string
	if err := f.Run(func(ctx *pulumi.Context) error {
		p, err := NewProducerService(ctx, "payments", args)
		if err == nil {
			anchorsOut = psctest.Await[[]string](t, p.ClientTrustAnchorsPem)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(anchorsOut) != 1 || anchorsOut[0] != root.CertPEM {
		t.Errorf("clientTrustAnchorsPem = %q, want the root", anchorsOut)
	}

	trust := f.One(t, chain.TrustConfigType)
	if str(trust, "location") != testRegion || str(trust, "project") != testProject {
		t.Errorf("trust config in %s/%s, want %s/%s", str(trust, "project"), str(trust, "location"), testProject, testRegion)
	}
	stores := input(trust, "trustStores").ArrayValue()
	if len(stores) != 1 {
		t.Fatalf("trustStores = %v, want one store", stores)
	}
	store := stores[0].ObjectValue()
	anchors, inters := store["trustAnchors"].ArrayValue(), store["intermediateCas"].ArrayValue()
	if len(anchors) != 1 || anchors[0].ObjectValue()["pemCertificate"].StringValue() != root.CertPEM {
		t.Errorf("trustAnchors = %v, want the root", anchors)
	}
	if len(inters) != 1 || inters[0].ObjectValue()["pemCertificate"].StringValue() != other.CertPEM {
		t.Errorf("intermediateCas = %v, want the intermediate", inters)
	}
	policy := f.One(t, chain.ServerTlsPolicyType)
	if str(policy, "location") != testRegion {
		t.Errorf("server TLS policy in %q, want the producer's region %s (MTLS-LOCATION)", str(policy, "location"), testRegion)
	}
	m := input(policy, "mtlsPolicy").ObjectValue()
	wantTrust := "projects/" + testProject + "/locations/" + testRegion + "/trustConfigs/payments-trust-config"
	if m["clientValidationMode"].StringValue() != "REJECT_INVALID" || m["clientValidationTrustConfig"].StringValue() != wantTrust {
		t.Errorf("mtlsPolicy = %v, want REJECT_INVALID on %s", m, wantTrust)
	}
	if v := input(policy, "allowOpen"); v.IsBool() && v.BoolValue() {
		t.Errorf("a load balancer's server TLS policy must not allow plaintext (MTLS-ALLOW-OPEN)")
	}
	wantPolicy := "projects/" + testProject + "/locations/" + testRegion + "/serverTlsPolicies/payments-client-tls"
	if got := str(f.One(t, typeHTTPSProxy), "serverTlsPolicy"); got != wantPolicy {
		t.Errorf("proxy serverTlsPolicy = %q, want %q", got, wantPolicy)
	}
	for _, r := range []registered{trust, policy} {
		if dbr := r.DeleteBeforeReplace; dbr == nil || *dbr || !input(r, "name").IsNull() {
			t.Errorf("%s must be autonamed and created before the old one is deleted", r.Type)
		}
	}
	for _, r := range []registered{trust, policy} {
		if !strings.HasSuffix(r.Parent, "::"+ProducerServiceType+"::payments") {
			t.Errorf("%s has parent %q, want the component", r.Name, r.Parent)
		}
	}
}

// Without tls.clientAuth the proxy has no server TLS policy and nothing of mutual TLS is created.
func TestProducerWithoutMutualTLS(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	args := mtlsArgs(t)
	args.Tls.ClientAuth = nil
	runProducer(t, f, args)
	if n := len(f.Custom(chain.TrustConfigType)) + len(f.Custom(chain.ServerTlsPolicyType)); n != 0 {
		t.Errorf("no clientAuth, yet %d mutual TLS children", n)
	}
	if v := input(f.One(t, typeHTTPSProxy), "serverTlsPolicy"); !v.IsNull() {
		t.Errorf("proxy serverTlsPolicy = %v, want unset", v)
	}
}

// With regions, the cross-region load balancer's global proxy takes a global policy on a global
// trust config (MTLS-LOCATION); no regional one is created.
func TestProducerMutualTLSRegions(t *testing.T) {
	t.Parallel()
	root := psctest.NewCA(t, "clients root")
	args := regionsProducer(testRegion, "us-east1")
	certPEM, keyPEM := psctest.SelfSignedCert(t, "payment-api.internal")
	args.Tls = &TlsArgs{CertificatePem: pulumi.String(certPEM), PrivateKeyPem: pulumi.String(keyPEM),
		ClientAuth: &ClientAuthArgs{TrustAnchorsPem: []pulumi.StringInput{pulumi.String(root.CertPEM)}}}
	f := newFakeCloud()
	runProducer(t, f, args)
	trust, policy := f.One(t, chain.TrustConfigType), f.One(t, chain.ServerTlsPolicyType)
	if str(trust, "location") != "global" || str(policy, "location") != "global" {
		t.Errorf("trust config in %q, policy in %q, want both global", str(trust, "location"), str(policy, "location"))
	}
	want := "projects/" + testProject + "/locations/global/serverTlsPolicies/payments-global-client-tls"
	if got := str(f.One(t, chain.TargetHttpsProxyType), "serverTlsPolicy"); got != want {
		t.Errorf("global proxy serverTlsPolicy = %q, want %q", got, want)
	}
}

// ALLOW_INVALID_OR_MISSING_CLIENT_CERT reaches the policy, is recorded among the component's
// inputs for the policy pack, and is warned of (chain.ClientAuthAllowInvalid).
func TestProducerMutualTLSAllowInvalidIsAnOptIn(t *testing.T) {
	t.Parallel()
	root := psctest.NewCA(t, "clients root")
	args := mtlsArgs(t, root.CertPEM)
	args.Tls.ClientAuth.Mode = clientAuthAllowInvalid
	f := newFakeCloud()
	runProducer(t, f, args)
	if m := input(f.One(t, chain.ServerTlsPolicyType), "mtlsPolicy").ObjectValue(); m["clientValidationMode"].StringValue() != clientAuthAllowInvalid {
		t.Errorf("clientValidationMode = %v, want %s", m["clientValidationMode"], clientAuthAllowInvalid)
	}
	inputs, err := optInInputs(ProducerServiceType, args.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	warnings := optInWarnings(ProducerServiceType, inputs)
	if len(warnings) != 1 || !strings.HasPrefix(warnings[0], "tls.clientAuth.mode ALLOW_INVALID_OR_MISSING_CLIENT_CERT lets clients without a certificate") {
		t.Errorf("warnings = %q, want the clientAuth opt-in", warnings)
	}
	args.Tls.ClientAuth.Mode = ""
	inputs, err = optInInputs(ProducerServiceType, args.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	if w := optInWarnings(ProducerServiceType, inputs); len(w) != 0 {
		t.Errorf("the default mode is no opt-in, got %q", w)
	}
}

// Bad tls.clientAuth is refused at preview, every problem named by its input, nothing created.
func TestProducerMutualTLSValidation(t *testing.T) {
	t.Parallel()
	root := psctest.NewCA(t, "clients root")
	leafPEM, _ := root.ClientCert(t, "a client")
	certPEM, _ := psctest.SelfSignedCert(t, "payment-api.internal")
	for _, tc := range []struct {
		name   string
		mutate func(c *ClientAuthArgs)
		want   []string
	}{
		{"no anchors", func(c *ClientAuthArgs) { c.TrustAnchorsPem = nil },
			[]string{"tls.clientAuth.trustAnchorsPem: is required"}},
		{"not PEM", func(c *ClientAuthArgs) { c.TrustAnchorsPem = []pulumi.StringInput{pulumi.String("root")} },
			[]string{"tls.clientAuth.trustAnchorsPem[0]: must be a PEM certificate"}},
		{"a client's certificate", func(c *ClientAuthArgs) { c.TrustAnchorsPem = []pulumi.StringInput{pulumi.String(leafPEM)} },
			[]string{"tls.clientAuth.trustAnchorsPem[0]: is not a CA certificate"}},
		{"a server certificate", func(c *ClientAuthArgs) {
			c.IntermediateCasPem = []pulumi.StringInput{pulumi.String(certPEM)}
		}, []string{"tls.clientAuth.intermediateCasPem[0]: is not a CA certificate"}},
		{"two in one entry", func(c *ClientAuthArgs) {
			c.TrustAnchorsPem = []pulumi.StringInput{pulumi.String(root.CertPEM + root.CertPEM)}
		}, []string{"tls.clientAuth.trustAnchorsPem[0]: must hold one certificate"}},
		{"too large", func(c *ClientAuthArgs) {
			block, _ := pem.Decode([]byte(root.CertPEM))
			block.Headers = map[string]string{"Comment": strings.Repeat("x", maxTrustPEM)}
			c.TrustAnchorsPem = []pulumi.StringInput{pulumi.String(pem.EncodeToMemory(block))}
		}, []string{"tls.clientAuth.trustAnchorsPem[0]: is ", "bytes; a trust config takes PEM certificates of at most 5120 bytes"}},
		{"mode", func(c *ClientAuthArgs) { c.Mode = "OPTIONAL" },
			[]string{`tls.clientAuth.mode: must be one of REJECT_INVALID, ALLOW_INVALID_OR_MISSING_CLIENT_CERT (the modes Google offers, MTLS-MODE), got "OPTIONAL"`}},
		{"all at once", func(c *ClientAuthArgs) { c.TrustAnchorsPem, c.Mode = nil, "NONE" },
			[]string{"tls.clientAuth.trustAnchorsPem: is required", "tls.clientAuth.mode: must be one of"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := mtlsArgs(t, root.CertPEM)
			tc.mutate(args.Tls.ClientAuth)
			f := newFakeCloud()
			err := f.Run(func(ctx *pulumi.Context) error {
				_, err := NewProducerService(ctx, "payments", args)
				return err
			})
			assertRefused(t, f, err, append([]string{`invalid ProducerService "payments"`}, tc.want...)...)
		})
	}
}

// An anchor given as an Output (from another stack, unknown at preview) is checked when it
// resolves, and the failure names the input.
func TestProducerMutualTLSAnchorOutputCheckedWhenKnown(t *testing.T) {
	t.Parallel()
	certPEM, _ := psctest.SelfSignedCert(t, "payment-api.internal")
	args := mtlsArgs(t)
	args.Tls.ClientAuth.TrustAnchorsPem = []pulumi.StringInput{pulumi.String(certPEM).ToStringOutput()}
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "tls.clientAuth.trustAnchorsPem[0]: is not a CA certificate") {
		t.Errorf("err = %v, want the anchor refused when it resolves", err)
	}
}

// In the migration state (the top-level subnets beside regions) each proxy takes a policy of its
// own place: the regional one in the region, the global one global (MTLS-LOCATION).
func TestProducerMutualTLSMigrationState(t *testing.T) {
	t.Parallel()
	root := psctest.NewCA(t, "clients root")
	args := mtlsArgs(t, root.CertPEM)
	args.Regions = map[string]ProducerRegionArgs{testRegion: regionArgs(testRegion), "us-east1": regionArgs("us-east1")}
	f := newFakeCloud()
	runProducer(t, f, args)
	locations := map[string]string{}
	for _, p := range f.Custom(chain.ServerTlsPolicyType) {
		locations[p.Name] = str(p, "location")
	}
	if want := map[string]string{"payments-client-tls": testRegion, "payments-global-client-tls": "global"}; !maps.Equal(locations, want) {
		t.Errorf("server TLS policies %v, want %v", locations, want)
	}
	if n := len(f.Custom(chain.TrustConfigType)); n != 2 {
		t.Errorf("%d trust configs, want one per policy", n)
	}
	regional := str(f.One(t, typeHTTPSProxy), "serverTlsPolicy")
	global := str(f.One(t, chain.TargetHttpsProxyType), "serverTlsPolicy")
	if !strings.Contains(regional, "/locations/"+testRegion+"/") || !strings.Contains(global, "/locations/global/") {
		t.Errorf("regional proxy takes %q, global proxy %q", regional, global)
	}
}
