package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/examples/go/programs"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sdk/go/cloudrunpsc"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// The cross-language tests: every stack whose program is not Go-native reaches the components
// through a generated SDK and the provider plugin (bin/pulumi-resource-cloudrun-psc), which the
// world installs at the SDKs' version.
const sdkVersion = "0.1.0"

// sdkConsumer is the consumer example (programs.Consumer) written against the generated Go SDK
// instead of pkg/psc: the endpoint and the DNS binding are remote components served by the
// provider plugin. Configuration: serviceAttachment (the attachment URI as a plain string) or
// producerStack.
func sdkConsumer(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	vpc, err := compute.NewNetwork(ctx, "consumer-vpc", &compute.NetworkArgs{
		AutoCreateSubnetworks: pulumi.Bool(false),
	})
	if err != nil {
		return err
	}
	apps, err := compute.NewSubnetwork(ctx, "apps", &compute.SubnetworkArgs{
		Network:     vpc.SelfLink,
		Region:      pulumi.String(config.Require(ctx, "gcp:region")),
		IpCidrRange: pulumi.String("192.168.10.0/24"),
	})
	if err != nil {
		return err
	}
	args := &cloudrunpsc.ConsumerEndpointArgs{
		Network:           vpc.SelfLink,
		Subnetwork:        apps.SelfLink,
		NoAutomateDnsZone: pulumi.BoolRef(true),
	}
	if uri := cfg.Get("serviceAttachment"); uri != "" {
		args.ServiceAttachment = pulumi.String(uri)
	}
	if stack := cfg.Get("producerStack"); stack != "" {
		args.ProducerStack = pulumi.StringRef(stack)
	}
	endpoint, err := cloudrunpsc.NewConsumerEndpoint(ctx, "payments", args)
	if err != nil {
		return err
	}
	name, err := cloudrunpsc.NewDnsBinding(ctx, "payments-dns", &cloudrunpsc.DnsBindingArgs{
		Hostname:  "payment-api.internal",
		IpAddress: endpoint.IpAddress,
		Networks:  pulumi.StringArray{vpc.SelfLink},
		Protocol:  pulumi.StringRef("HTTP"),
	})
	if err != nil {
		return err
	}
	ctx.Export("ipAddress", endpoint.IpAddress)
	ctx.Export("pscConnectionStatus", endpoint.PscConnectionStatus)
	ctx.Export("consumerProject", endpoint.ConsumerProject)
	ctx.Export("serviceAttachmentUri", endpoint.ServiceAttachmentUri)
	ctx.Export("url", name.Url)
	return nil
}

// Python producer (examples/python/producer through the generated Python SDK) → Go consumer
// through the generated Go SDK, with the attachment URI passed as a plain string.
func TestPythonProducerGoSDKConsumer(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP(), harness.CloudrunPSC(sdkVersion))
	prod := env.PythonStack("payments-producer", "dev", "examples/python/producer/producer.py", "producer")
	prod.Configure(producerProject, region, map[string]string{"consumerProjects": `["` + consumerProject + `"]`})
	uri := deployProducer(t, prod)

	cons := env.GoStack("payments-consumer", "dev", sdkConsumer)
	cons.Configure(consumerProject, region, map[string]string{"serviceAttachment": uri})
	up := deploy(t, cons, consumerPlan)
	assertAcceptedByConfig(t, up, uri)
	assertConverged(t, prod)
	assertConverged(t, cons)
	assertSecureByDefault(t, env, prod, cons)
	destroyAll(t, env, cons, prod)
}

// TypeScript producer (examples/ts/producer through the generated Node SDK) → Python consumer
// (examples/python/consumer through the generated Python SDK): the consumer reads the attachment
// URI from the producer's stack, and the producer accepts its project by configuration. With the
// tests above, every example program is deployed.
func TestTypeScriptProducerPythonConsumer(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP(), harness.CloudrunPSC(sdkVersion))
	prod := env.NodeStack("payments-producer", "dev", exampleModule(t, env, "examples/ts/producer/producer.ts"), "producer")
	prod.Configure(producerProject, region, map[string]string{"consumerProjects": `["` + consumerProject + `"]`})
	uri := deployProducer(t, prod)

	cons := env.PythonStack("payments-consumer", "dev", "examples/python/consumer/consumer.py", "consumer")
	cons.Configure(consumerProject, region, map[string]string{"producerStack": prod.Ref()})
	up := deploy(t, cons, consumerPlan)
	assertAcceptedByConfig(t, up, uri)
	assertSecureByDefault(t, env, prod, cons)
	destroyAll(t, env, cons, prod)
}

// exampleModule copies an example program module into the world and returns the copy's path. The
// copy resolves its imports (@pulumi/pulumi, @pulumi/gcp, @cloudrun-psc/pulumi) from the
// toolchain that tools/bootstrap.sh installs (tests/node_modules, on the NODE_PATH the harness
// sets), never from an examples/*/node_modules a developer may have installed beside the
// example: a second copy of @pulumi/pulumi would not share the driver's runtime.
func exampleModule(t *testing.T, env *harness.Env, path string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(env.Root, path))
	if err != nil {
		t.Fatalf("example program: %v", err)
	}
	dir := filepath.Join(env.Dir, "programs", filepath.Dir(path))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, filepath.Base(path))
	if err := os.WriteFile(dst, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// Go producer (native) → TypeScript consumer (examples/ts/consumer through the generated Node SDK)
// in both directions: the consumer reads the attachment URI from the producer's stack, then the
// producer reads the consumer's project from the consumer's stack and accepts it.
func TestGoProducerTypeScriptConsumer(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP(), harness.CloudrunPSC(sdkVersion))
	prod := env.GoStack("payments-producer", "dev", programs.Producer)
	cons := env.NodeStack("payments-consumer", "dev", exampleModule(t, env, "examples/ts/consumer/consumer.ts"), "consumer")
	prod.Configure(producerProject, region, nil)
	cons.Configure(consumerProject, region, map[string]string{"producerStack": prod.Ref()})
	uri := deployProducer(t, prod)

	// Nobody is accepted yet: the endpoint is PENDING and the component says why.
	consUp := deploy(t, cons, consumerPlan)
	if got := consUp.OutputString(t, "consumerProject"); got != consumerProject {
		t.Errorf("consumerProject = %q, want %q", got, consumerProject)
	}
	pendingThenAccepted(t, env, prod, cons, consUp, uri)
}

// Go producer (native) → YAML consumer (examples/yaml/consumer) through the CLI and the YAML
// language host, which reads the components' schema from the provider plugin; the consumer reads
// the attachment URI through a StackReference, and the producer accepts its project by
// configuration.
func TestGoProducerYAMLConsumer(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP(), harness.CloudrunPSC(sdkVersion))
	prod := env.GoStack("payments-producer", "dev", programs.Producer)
	prod.Configure(producerProject, region, map[string]string{"consumerProjects": `["` + consumerProject + `"]`})
	uri := deployProducer(t, prod)

	cons := env.YAMLStack("examples/yaml/consumer", "dev")
	if cons.Project != "payments-consumer" {
		t.Fatalf("examples/yaml/consumer is project %q, want payments-consumer", cons.Project)
	}
	cons.Configure(consumerProject, region, map[string]string{"producerStack": prod.Ref()})
	up := deploy(t, cons, consumerPlan)
	assertAcceptedByConfig(t, up, uri)
	if warnedWith(up, "PSC connection status") {
		t.Errorf("an ACCEPTED endpoint must not warn: %v", up.Warnings())
	}
	assertConverged(t, prod)
	assertConverged(t, cons)
	assertSecureByDefault(t, env, prod, cons)
	destroyAll(t, env, cons, prod)
}
