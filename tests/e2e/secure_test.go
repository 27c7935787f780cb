package e2e

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/examples/go/programs"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sdk/go/cloudrunpsc"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/secure"
)

// The secure-by-default invariants (tests/secure) are checked in every test that deploys an
// example, just before it destroys: assertSecureByDefault below. The two tests here cover what no
// example shows: an HTTPS producer's private key, and the explicit opt-ins.

// assertSecureByDefault checks that the world holds every secure-by-default invariant, with no
// opt-in allowed, and that each of stacks has a state file to check.
func assertSecureByDefault(t *testing.T, env *harness.Env, stacks ...*harness.Stack) {
	t.Helper()
	secure.Assert(t, env, stacks...)
}

// httpsProducer is a producer program with one HTTPS ProducerService built natively from pkg/psc
// and one served by the provider through the generated Go SDK, each in its own VPC. Neither marks
// the private key secret: the components must.
func httpsProducer(cert, key string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		nativeVPC, err := compute.NewNetwork(ctx, "native-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
		if err != nil {
			return err
		}
		if _, err := psc.NewProducerService(ctx, "native", &psc.ProducerServiceArgs{
			Network:            nativeVPC.SelfLink,
			CloudRun:           psc.CloudRunArgs{Image: pulumi.String("us-docker.pkg.dev/cloudrun/container/hello")},
			Hostname:           "payment-api.internal",
			Tls:                &psc.TlsArgs{CertificatePem: pulumi.String(cert), PrivateKeyPem: pulumi.String(key)},
			LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: "10.10.0.0/24"},
			ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: "10.129.0.0/23"},
			NatSubnet:          psc.SubnetArgs{IpCidrRange: "10.20.0.0/24"},
			Consumers:          []psc.ConsumerAcceptArgs{{ProjectIdOrNum: pulumi.String(consumerProject)}},
		}); err != nil {
			return err
		}
		sdkVPC, err := compute.NewNetwork(ctx, "sdk-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
		if err != nil {
			return err
		}
		_, err = cloudrunpsc.NewProducerService(ctx, "sdk", &cloudrunpsc.ProducerServiceArgs{
			Network:            sdkVPC.SelfLink,
			CloudRun:           cloudrunpsc.CloudRunArgs{Image: pulumi.String("us-docker.pkg.dev/cloudrun/container/hello")},
			Hostname:           pulumi.StringRef("payment-api.internal"),
			Tls:                &cloudrunpsc.TlsArgs{CertificatePem: pulumi.String(cert), PrivateKeyPem: pulumi.String(key)},
			LoadBalancerSubnet: cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.10.0.0/24")},
			ProxyOnlySubnet:    cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.129.0.0/23")},
			NatSubnet:          cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.20.0.0/24")},
			Consumers:          []cloudrunpsc.ConsumerAcceptArgs{{ProjectIdOrNum: pulumi.String(consumerProject)}},
		})
		return err
	}
}

// An HTTPS producer given its TLS private key as a plain string, natively and through the
// provider: the key reaches the simulator (as it reaches Google Cloud), yet no file of the state
// backend (state file, backups, history) holds it or its PEM body in plain text, every privateKey
// property there is a secret, and the simulator returns it in no output but the secret one.
func TestHTTPSPrivateKeyStaysSecret(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP(), harness.CloudrunPSC(sdkVersion))
	cert, key := psctest.SelfSignedCert(t, "payment-api.internal")
	prod := env.GoStack("payments-producer", "dev", httpsProducer(cert, key))
	prod.Configure(producerProject, region, nil)
	up := prod.Up()
	if n := up.Count(harness.OpCreate, chain.RegionSslCertificateType); n != 2 {
		t.Fatalf("created %d certificates, want 2 (native and SDK)", n)
	}

	rep := secure.Inspect(t, env, secure.Options{Secrets: []string{key}}, prod)
	for _, v := range rep.Violations {
		t.Errorf("secure by default: %s", v)
	}
	// Both certificates hold the key in the simulator, as Google Cloud holds it.
	if got := rep.Checked[secure.SecretsNotInOutputs]; got != 2 {
		t.Errorf("the simulator holds %d private keys, want 2", got)
	}
	// Each certificate's privateKey input and output in the state file, all secrets. Backups and
	// history hold more copies; at least the state file's four must be there.
	if got := rep.Checked[secure.KeySecretInState]; got < 4 {
		t.Errorf("found %d privateKey properties in the state backend, want at least 4 (inputs and outputs of two certificates)", got)
	}
	// The pack over the same state: the key is only where the schemas keep it secret.
	secure.AssertPolicy(t, env, prod)
	destroyAll(t, env, prod)
}

// optInProducer is the producer example's shape through the generated Go SDK with both explicit
// opt-ins set.
func optInProducer(ctx *pulumi.Context) error {
	vpc, err := compute.NewNetwork(ctx, "producer-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
	if err != nil {
		return err
	}
	svc, err := cloudrunpsc.NewProducerService(ctx, "payments", &cloudrunpsc.ProducerServiceArgs{
		Network:            vpc.SelfLink,
		CloudRun:           cloudrunpsc.CloudRunArgs{Image: pulumi.String("us-docker.pkg.dev/cloudrun/container/hello"), AllowUnauthenticated: pulumi.BoolRef(true)},
		Hostname:           pulumi.StringRef("payment-api.internal"),
		LoadBalancerSubnet: cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.10.0.0/24")},
		ProxyOnlySubnet:    cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.129.0.0/23")},
		NatSubnet:          cloudrunpsc.SubnetArgs{IpCidrRange: pulumi.StringRef("10.20.0.0/24")},
		AcceptAllConsumers: pulumi.BoolRef(true),
	})
	if err != nil {
		return err
	}
	ctx.Export("serviceAttachmentUri", svc.ServiceAttachmentUri)
	return nil
}

// The two opt-ins do what they document and say so: allowUnauthenticated grants roles/run.invoker
// to allUsers, acceptAllConsumers sets ACCEPT_AUTOMATIC so that an unlisted consumer is ACCEPTED,
// and each prints a warning. The invariant check flags exactly those two findings, and nothing
// else about the service changes: ingress stays internal, the load balancer internal.
func TestOptInsAreExplicitAndLoud(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP(), harness.CloudrunPSC(sdkVersion))
	prod := env.GoStack("payments-producer", "dev", optInProducer)
	prod.Configure(producerProject, region, nil)
	// Previewed and deployed with the policy pack at its defaults: the opt-ins are acknowledged
	// (advisory) and block nothing.
	prod.WithPolicyPack(env.PolicyPack(), "")
	preview := prod.Preview()
	up := prod.Up()
	for _, sum := range []*harness.Summary{preview, up} {
		if n := len(sum.Policy); n != 2 {
			t.Errorf("%s with the pack: %d policy reports, want the 2 opt-in acknowledgements: %v", sum.Operation, n, sum.Policy)
		}
		for _, v := range sum.Policy {
			if v.Policy != secure.OptInRule || v.Level != "advisory" {
				t.Errorf("%s with the pack: %s", sum.Operation, v)
			}
		}
	}
	if !warnedWith(up, "allowUnauthenticated", "allUsers") {
		t.Errorf("allowUnauthenticated must warn, warnings: %v", up.Warnings())
	}
	if !warnedWith(up, "acceptAllConsumers", "ACCEPT_AUTOMATIC") {
		t.Errorf("acceptAllConsumers must warn, warnings: %v", up.Warnings())
	}

	// A consumer the producer never listed connects and is accepted.
	cons := env.GoStack("payments-consumer", "dev", programs.Consumer)
	cons.Configure(consumerProject, region, map[string]string{"serviceAttachment": up.OutputString(t, "serviceAttachmentUri")})
	if got := cons.Up().OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
		t.Errorf("with acceptAllConsumers an unlisted consumer's endpoint is %q, want ACCEPTED", got)
	}

	rep := secure.Inspect(t, env, secure.Options{}, prod, cons)
	if n := len(rep.Of(secure.NoPublicInvoker)); n != 1 {
		t.Errorf("allowUnauthenticated must show as one public invoker, got %d: %v", n, rep.Violations)
	}
	if n := len(rep.Of(secure.AcceptManual)); n != 1 {
		t.Errorf("acceptAllConsumers must show as one ACCEPT_AUTOMATIC attachment, got %d: %v", n, rep.Violations)
	}
	if n := len(rep.Violations); n != 2 {
		t.Errorf("the opt-ins must change nothing else, got %d violations: %v", n, rep.Violations)
	}
	rep = secure.Inspect(t, env, secure.Options{AllowPublicInvoker: true, AllowAcceptAutomatic: true}, prod, cons)
	for _, v := range rep.Violations {
		t.Errorf("with the opt-ins allowed: %s", v)
	}

	// The policy pack over the deployed state: each opt-in is one advisory acknowledgement on the
	// ProducerService, and the allUsers binding and the ACCEPT_AUTOMATIC attachment it creates
	// break no mandatory rule.
	vs, failed := prod.AnalyzePolicy(env.PolicyPack(), "")
	var acks []string
	for _, v := range vs {
		if v.Policy == secure.OptInRule && v.Level == "advisory" && strings.HasSuffix(v.URN, "cloudrun-psc:index:ProducerService::payments") {
			acks = append(acks, v.Message)
			continue
		}
		t.Errorf("policy pack on the opt-in producer: %s", v)
	}
	if failed || len(acks) != 2 || !strings.Contains(strings.Join(acks, "\n"), "cloudRun.allowUnauthenticated") ||
		!strings.Contains(strings.Join(acks, "\n"), "acceptAllConsumers") {
		t.Errorf("the pack must acknowledge allowUnauthenticated and acceptAllConsumers, advisory (failed %v): %v", failed, acks)
	}
	secure.AssertPolicy(t, env, cons)
	destroyAll(t, env, cons, prod)
}
