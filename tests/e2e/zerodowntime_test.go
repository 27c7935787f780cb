package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/examples/go/programs"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// Resource types the zero-downtime scenarios replace or update.
const (
	tCert       = chain.RegionSslCertificateType
	tHTTPSProxy = chain.RegionTargetHttpsProxyType
)

const (
	blueImage  = "europe-docker.pkg.dev/acme/payments/api:1.4.2"
	newImage   = "europe-docker.pkg.dev/acme/payments/api:1.5.0"
	greenImage = "europe-docker.pkg.dev/acme/payments/api:2.0.0-green"
)

// zdProducer is an HTTPS producer whose inputs a test changes between ups: the image, the TLS
// certificate, the accepted consumer projects, and which Cloud Run service the load balancer
// serves (the one the component creates, or existingService). Beside it stands a second
// service with a fixed name, green, that the NEG can be switched to.
type zdProducer struct {
	http                   bool // serve HTTP instead, without a certificate
	image, certPEM, keyPEM string
	existingService        string
	consumers              []string
	green                  string
}

func (z *zdProducer) program(ctx *pulumi.Context) error {
	vpc, err := compute.NewNetwork(ctx, "producer-vpc", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
	if err != nil {
		return err
	}
	green, err := cloudrunv2.NewService(ctx, "green", &cloudrunv2.ServiceArgs{
		Name:               pulumi.String(z.green),
		Location:           pulumi.String(region),
		Ingress:            pulumi.String("INGRESS_TRAFFIC_INTERNAL_ONLY"),
		DeletionProtection: pulumi.Bool(false),
		Template: &cloudrunv2.ServiceTemplateArgs{Containers: cloudrunv2.ServiceTemplateContainerArray{
			&cloudrunv2.ServiceTemplateContainerArgs{Image: pulumi.String(greenImage)},
		}},
	})
	if err != nil {
		return err
	}
	args := &psc.ProducerServiceArgs{
		Network:            vpc.SelfLink,
		CloudRun:           psc.CloudRunArgs{Image: pulumi.String(z.image)},
		Hostname:           "payment-api.internal",
		Tls:                &psc.TlsArgs{CertificatePem: pulumi.String(z.certPEM), PrivateKeyPem: pulumi.ToSecret(pulumi.String(z.keyPEM)).(pulumi.StringOutput)},
		LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: "10.10.0.0/24"},
		ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: "10.129.0.0/23"},
		NatSubnet:          psc.SubnetArgs{IpCidrRange: "10.20.0.0/24"},
	}
	if z.http {
		args.Tls = nil
	}
	if z.existingService != "" {
		args.CloudRun = psc.CloudRunArgs{ExistingServiceName: z.existingService}
	}
	for _, p := range z.consumers {
		args.Consumers = append(args.Consumers, psc.ConsumerAcceptArgs{ProjectIdOrNum: pulumi.String(p)})
	}
	// existingServiceName is a plain string: the dependency on green is stated, so that the
	// NEG is created only once the service it names exists.
	svc, err := psc.NewProducerService(ctx, "payments", args, pulumi.DependsOn([]pulumi.Resource{green}))
	if err != nil {
		return err
	}
	ctx.Export("serviceAttachmentUri", svc.ServiceAttachmentUri)
	return nil
}

// chainSamples returns the serving-chain samples of the endpoints in a consumer project: the
// last one taken before the timeline held mark samples (none if there is none), and every one
// taken since.
func chainSamples(t *testing.T, env *harness.Env, project string, mark int) (before, after []gcpsim.ChainSample) {
	t.Helper()
	for i, s := range timeline(t, env) {
		switch {
		case !strings.HasPrefix(s.Endpoint, "projects/"+project+"/"):
		case i < mark:
			before = []gcpsim.ChainSample{s}
		default:
			after = append(after, s)
		}
	}
	return before, after
}

func timeline(t *testing.T, env *harness.Env) []gcpsim.ChainSample {
	t.Helper()
	store, err := gcpsim.OpenStore(env.SimState)
	if err != nil {
		t.Fatal(err)
	}
	samples, err := store.ChainTimeline()
	if err != nil {
		t.Fatal(err)
	}
	return samples
}

// brokenSamples returns the samples whose chain was broken.
func brokenSamples(samples []gcpsim.ChainSample) []gcpsim.ChainSample {
	var out []gcpsim.ChainSample
	for _, s := range samples {
		if !s.Intact {
			out = append(out, s)
		}
	}
	return out
}

// assertIntact fails unless the chain was intact at every sample.
func assertIntact(t *testing.T, scenario string, samples []gcpsim.ChainSample) {
	t.Helper()
	for _, s := range brokenSamples(samples) {
		t.Errorf("%s: chain of %s broken at %s after %q: %s", scenario, s.Endpoint, s.Link, s.After, s.Reason)
	}
}

// linkOf returns the ID in a sample's path from the given API collection ("" when none).
func linkOf(s gcpsim.ChainSample, collection string) string {
	for _, id := range s.Path {
		if strings.Contains(id, "/"+collection+"/") {
			return id
		}
	}
	return ""
}

// update runs one scenario: change the producer, up the stacks given, and return the samples
// of the first consumer's chain from the last one before the change through every mutation
// since, failing unless there is one before and at least one after.
func update(t *testing.T, env *harness.Env, change func(), stacks ...*harness.Stack) ([]gcpsim.ChainSample, []*harness.Summary) {
	t.Helper()
	mark := len(timeline(t, env))
	change()
	var ups []*harness.Summary
	for _, st := range stacks {
		ups = append(ups, st.Up())
	}
	before, after := chainSamples(t, env, consumerProject, mark)
	if len(before) != 1 || len(after) == 0 {
		t.Fatalf("the chain was sampled %d times before the update and %d times since; want once before and at least once since", len(before), len(after))
	}
	return append(before, after...), ups
}

// One deployment (an HTTPS producer and an accepted consumer) goes through four updates in
// sequence; the serving chain of the consumer's endpoint must stay intact at every mutation of
// each, and each update must really happen. A last, deliberately delete-first replacement
// proves that the recorder sees a break.
func TestZeroDowntimeUpdates(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP())
	certPEM, keyPEM := psctest.SelfSignedCert(t, "payment-api.internal")
	z := &zdProducer{image: blueImage, certPEM: certPEM, keyPEM: keyPEM, consumers: []string{consumerProject}, green: "payments-green"}
	prod := env.GoStack("payments-producer", "dev", z.program)
	prod.Configure(producerProject, region, nil)
	uri := prod.Up().OutputString(t, "serviceAttachmentUri")
	cons := env.GoStack("payments-consumer", "dev", programs.Consumer)
	cons.Configure(consumerProject, region, map[string]string{"serviceAttachment": uri, "protocol": "HTTPS"})
	if got := cons.Up().OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
		t.Fatalf("consumer status = %q, want ACCEPTED", got)
	}

	t.Run("image", func(t *testing.T) {
		samples, ups := update(t, env, func() { z.image = newImage }, prod)
		assertIntact(t, "image change", samples)
		if n := ups[0].Count(harness.OpUpdate, tService); n != 1 || ups[0].Count(harness.OpReplace, "") != 0 {
			t.Errorf("an image change must update the service in place and replace nothing: %v", ups[0].ByType())
		}
		first, last := samples[0], samples[len(samples)-1]
		if !slices.Equal(first.Images, []string{blueImage}) || !slices.Equal(last.Images, []string{newImage}) {
			t.Errorf("images served before %v and after %v, want %s then %s", first.Images, last.Images, blueImage, newImage)
		}
	})

	t.Run("certificate rotation", func(t *testing.T) {
		newCert, newKey := psctest.SelfSignedCert(t, "payment-api.internal")
		samples, ups := update(t, env, func() { z.certPEM, z.keyPEM = newCert, newKey }, prod)
		assertIntact(t, "certificate rotation", samples)
		if ups[0].Count(harness.OpReplace, tCert) != 1 || ups[0].Count(harness.OpUpdate, tHTTPSProxy) != 1 {
			t.Errorf("a rotation must replace the certificate and update the proxy: %v", ups[0].ByType())
		}
		before, after := linkOf(samples[0], "sslCertificates"), linkOf(samples[len(samples)-1], "sslCertificates")
		if before == "" || before == after {
			t.Errorf("certificate in the chain before %q, after %q: want a new one", before, after)
		}
		if slices.ContainsFunc(env.SimList(), func(r harness.SimResource) bool { return r.ID == before }) {
			t.Errorf("the old certificate %s is still there", before)
		}
	})

	t.Run("new consumer", func(t *testing.T) {
		second := env.GoStack("payments-consumer", "second", programs.Consumer)
		second.Configure("consumer-b-prj", region, map[string]string{"serviceAttachment": uri, "protocol": "HTTPS"})
		samples, ups := update(t, env, func() { z.consumers = append(z.consumers, "consumer-b-prj") }, prod, second)
		assertIntact(t, "new consumer", samples)
		if got := ups[1].OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
			t.Errorf("new consumer status = %q, want ACCEPTED", got)
		}
		if _, s := chainSamples(t, env, "consumer-b-prj", 0); len(s) == 0 || !s[len(s)-1].Intact {
			t.Errorf("the new consumer's chain: %+v", s)
		}
	})

	t.Run("NEG replacement", func(t *testing.T) {
		// Serving another Cloud Run service changes the NEG's cloudRun.service, which GCP
		// cannot edit: the NEG is replaced while the backend service uses it.
		samples, ups := update(t, env, func() { z.existingService = z.green }, prod)
		assertIntact(t, "NEG replacement", samples)
		if ups[0].Count(harness.OpReplace, tNEG) != 1 {
			t.Errorf("switching the service must replace the NEG: %v", ups[0].ByType())
		}
		first, last := samples[0], samples[len(samples)-1]
		before, after := linkOf(first, "networkEndpointGroups"), linkOf(last, "networkEndpointGroups")
		if before == "" || after == "" || before == after {
			t.Errorf("NEG in the chain before %q, after %q: want a new one", before, after)
		}
		if got := linkOf(last, "services"); !strings.HasSuffix(got, "/services/"+z.green) || !slices.Equal(last.Images, []string{greenImage}) {
			t.Errorf("the chain ends at %s serving %v, want %s serving %s", got, last.Images, z.green, greenImage)
		}
		if slices.ContainsFunc(env.SimList(), func(r harness.SimResource) bool { return r.ID == before }) {
			t.Errorf("the old NEG %s is still there", before)
		}
	})

	t.Run("negative control: a fixed-name service renamed is deleted first", func(t *testing.T) {
		// Renaming the served service replaces it; with a name the program gave, the provider
		// deletes the old service before creating the new one, as pulumi-gcp does, and nothing
		// stops Cloud Run from deleting a service a NEG names. The chain must break until the
		// NEG serves the new service.
		old := z.green
		samples, _ := update(t, env, func() { z.green = "payments-green-2"; z.existingService = z.green }, prod)
		bad := brokenSamples(samples)
		if len(bad) == 0 {
			t.Fatalf("deleting the served service before replacing it must break the chain; samples: %+v", samples)
		}
		if s := bad[0]; s.Link != gcpsim.LinkCloudRun || !strings.Contains(s.Reason, "does not exist") ||
			s.After != "delete "+tService+" projects/"+producerProject+"/locations/"+region+"/services/"+old {
			t.Errorf("first break: %+v", s)
		}
		if last := samples[len(samples)-1]; !last.Intact || !strings.HasSuffix(linkOf(last, "services"), "/services/"+z.green) {
			t.Errorf("after the replacement the chain must be intact again, serving %s: %+v", z.green, last)
		}
	})

	destroyAll(t, env, env.GoStack("payments-consumer", "second", programs.Consumer), cons, prod)
}

// Switching the producer between HTTP and HTTPS replaces its load balancer rule and so its
// service attachment: a new URI, and every connected endpoint CLOSED, as the inputs' docs say.
// This is the expected disruption, recorded as such; a consumer that reads the URI from the
// producer's stack recovers with one up (its endpoint is recreated against the new attachment).
func TestRepublishingClosesEndpointsUntilConsumersUp(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP())
	certPEM, keyPEM := psctest.SelfSignedCert(t, "payment-api.internal")
	z := &zdProducer{http: true, image: blueImage, certPEM: certPEM, keyPEM: keyPEM, consumers: []string{consumerProject}, green: "payments-green"}
	prod := env.GoStack("payments-producer", "dev", z.program)
	prod.Configure(producerProject, region, nil)
	oldURI := prod.Up().OutputString(t, "serviceAttachmentUri")
	cons := env.GoStack("payments-consumer", "dev", programs.Consumer)
	cons.Configure(consumerProject, region, map[string]string{"producerStack": prod.Ref()})
	if got := cons.Up().OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
		t.Fatalf("consumer status = %q, want ACCEPTED", got)
	}

	samples, ups := update(t, env, func() { z.http = false }, prod)
	newURI := ups[0].OutputString(t, "serviceAttachmentUri")
	if newURI == oldURI || ups[0].Count(harness.OpReplace, tAttachment) != 1 || ups[0].Count(harness.OpReplace, tRule) != 1 {
		t.Errorf("HTTP to HTTPS must replace the rule and the attachment (URI %s -> %s): %v", oldURI, newURI, ups[0].ByType())
	}
	if len(brokenSamples(samples)) == 0 {
		t.Errorf("republishing must break the consumer's chain until it reconnects; samples: %+v", samples)
	}
	if status := endpointStatus(t, env); status != "CLOSED" {
		t.Errorf("the endpoint of the replaced attachment is %q, want CLOSED", status)
	}

	recovered := cons.Up()
	if got := recovered.OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
		t.Errorf("after the consumer's up the status is %q, want ACCEPTED", got)
	}
	if recovered.Count(harness.OpReplace, tRule) != 1 {
		t.Errorf("the consumer's up must recreate the endpoint rule: %v", recovered.ByType())
	}
	if _, after := chainSamples(t, env, consumerProject, 0); len(after) == 0 || !after[len(after)-1].Intact {
		t.Errorf("the consumer's chain must be intact once it is up again: %+v", after)
	}
	destroyAll(t, env, cons, prod)
}

// endpointStatus is the PSC status the simulator holds for the one consumer endpoint.
func endpointStatus(t *testing.T, env *harness.Env) string {
	t.Helper()
	for _, r := range env.SimList() {
		if r.Type == tRule && strings.HasPrefix(r.ID, "projects/"+consumerProject+"/") {
			return r.Fields["pscConnectionStatus"]
		}
	}
	t.Fatal("no consumer endpoint in the simulator")
	return ""
}
