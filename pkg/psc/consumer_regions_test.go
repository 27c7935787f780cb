package psc

import (
	"maps"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// A producer in two regions, as its stack exports it: one attachment per region, and the single
// output naming the primary region's.
const testAttachmentUS = "projects/producer-prj/regions/us-east1/serviceAttachments/payments-attachment"

func twoRegionStack() map[string]any {
	return map[string]any{
		"serviceAttachmentUri":  testAttachment,
		"serviceAttachmentUris": map[string]any{testRegion: testAttachment, "us-east1": testAttachmentUS},
	}
}

// regionsCloud is newFakeCloud with the consumer subnet apps also in us-east1 and asia-east1.
func regionsCloud(stack map[string]any) *fakeCloud {
	f := newFakeCloud()
	for _, r := range []string{"us-east1", "asia-east1"} {
		f.Subnets = append(f.Subnets, psctest.Subnet{Project: "consumer-prj", Region: r, Name: "apps", Network: consumerVPC, IpCidrRange: "192.168.10.0/24"})
	}
	f.Stacks["acme/payments/prod"] = stack
	return f
}

// runRegionsConsumer runs, in regionsCloud(stack), a ConsumerEndpoint of stackConsumerArgs changed
// by mutate, and returns the cloud and the program's error.
func runRegionsConsumer(stack map[string]any, mutate func(*ConsumerEndpointArgs)) (*fakeCloud, error) {
	f := regionsCloud(stack)
	err := f.Run(func(ctx *pulumi.Context) error {
		args := stackConsumerArgs()
		mutate(args)
		_, err := NewConsumerEndpoint(ctx, "payments", args)
		return err
	})
	return f, err
}

// subnetIn is the consumer subnet apps of region r, as a self link.
func subnetIn(r string) pulumi.StringInput {
	return pulumi.String("https://www.googleapis.com/compute/v1/projects/consumer-prj/regions/" + r + "/subnetworks/apps")
}

// stackConsumerArgs is consumerArgs reading the attachment from acme/payments/prod's default output.
func stackConsumerArgs() *ConsumerEndpointArgs {
	a := consumerArgs()
	a.ServiceAttachment = nil
	a.ProducerStack = "acme/payments/prod"
	return a
}

func TestConsumerPicksTheAttachmentOfItsRegion(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		mutate     func(a *ConsumerEndpointArgs)
		wantRegion string
		wantTarget string
	}{
		{"region input", func(a *ConsumerEndpointArgs) { a.Region, a.Subnetwork = "us-east1", pulumi.String("apps") }, "us-east1", testAttachmentUS},
		{"subnetwork's region", func(a *ConsumerEndpointArgs) { a.Subnetwork = subnetIn("us-east1") }, "us-east1", testAttachmentUS},
		{"subnetwork's region, from another resource", func(a *ConsumerEndpointArgs) {
			a.Subnetwork = subnetIn("us-east1").ToStringOutput()
		}, "us-east1", testAttachmentUS},
		{"the provider's region for a bare subnet name", func(a *ConsumerEndpointArgs) { a.Subnetwork = pulumi.String("apps") }, testRegion, testAttachment},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := regionsCloud(twoRegionStack())
			var region, uri string
			err := f.Run(func(ctx *pulumi.Context) error {
				args := stackConsumerArgs()
				tc.mutate(args)
				c, err := NewConsumerEndpoint(ctx, "payments", args)
				if err != nil {
					return err
				}
				region, uri = psctest.Await[string](t, c.Region), psctest.Await[string](t, c.ServiceAttachmentUri)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			rule := f.One(t, typeRule)
			if got := str(rule, "target"); got != tc.wantTarget {
				t.Errorf("target = %q, want %q", got, tc.wantTarget)
			}
			if got := str(rule, "region"); got != tc.wantRegion {
				t.Errorf("forwarding rule region = %q, want %q", got, tc.wantRegion)
			}
			if got := str(f.One(t, typeAddress), "region"); got != tc.wantRegion {
				t.Errorf("address region = %q, want %q", got, tc.wantRegion)
			}
			if region != tc.wantRegion || uri != tc.wantTarget {
				t.Errorf("outputs region %q uri %q, want %q %q", region, uri, tc.wantRegion, tc.wantTarget)
			}
		})
	}
}

// A consumer with an endpoint in each of the producer's regions: two ConsumerEndpoints of one
// stack, each with its own children, each connected to its region's attachment.
func TestConsumerEndpointPerRegion(t *testing.T) {
	t.Parallel()
	f := regionsCloud(twoRegionStack())
	err := f.Run(func(ctx *pulumi.Context) error {
		for name, r := range map[string]string{"payments-ew1": testRegion, "payments-use1": "us-east1"} {
			args := stackConsumerArgs()
			args.Subnetwork = subnetIn(r)
			if _, err := NewConsumerEndpoint(ctx, name, args); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]string{}
	for _, r := range f.All() {
		if r.Type == typeRule {
			targets[r.Name] = str(r, "region") + " " + str(r, "target")
		}
	}
	want := map[string]string{"payments-ew1-endpoint": testRegion + " " + testAttachment, "payments-use1-endpoint": "us-east1 " + testAttachmentUS}
	if !maps.Equal(targets, want) {
		t.Errorf("endpoints = %v, want %v", targets, want)
	}
	assertChildrenOf(t, f, ConsumerEndpointType, "payments-ew1", "payments-use1")
}

// A region the producer does not serve is refused naming the input that chose it and the regions
// the producer offers, also when the value comes from the producer's stack.
func TestConsumerRegionTheProducerDoesNotServe(t *testing.T) {
	t.Parallel()
	const offers = `producerStack "acme/payments/prod" offers europe-west1, us-east1 (its serviceAttachmentUris output)`
	cases := []struct {
		name   string
		stack  map[string]any
		mutate func(a *ConsumerEndpointArgs)
		want   string
	}{
		{"region input", twoRegionStack(), func(a *ConsumerEndpointArgs) {
			a.Region, a.Subnetwork = "asia-east1", pulumi.String("apps")
		}, "region: asia-east1 is not a region the producer serves; " + offers},
		{"subnetwork's region", twoRegionStack(), func(a *ConsumerEndpointArgs) { a.Subnetwork = subnetIn("asia-east1") },
			"subnetwork: is in region asia-east1, which is not a region the producer serves; " + offers},
		{"the provider's region", map[string]any{"serviceAttachmentUri": testAttachmentUS,
			"serviceAttachmentUris": map[string]any{"us-east1": testAttachmentUS}}, func(a *ConsumerEndpointArgs) { a.Subnetwork = pulumi.String("apps") },
			`region: the endpoint went to europe-west1, the region of the component's gcp provider (subnetwork "apps" names no region), which is not a region the producer serves; producerStack "acme/payments/prod" offers us-east1`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := runRegionsConsumer(tc.stack, tc.mutate)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
			for _, r := range f.All() {
				if r.Type == typeRule {
					t.Errorf("a forwarding rule was registered despite the refusal: %v", r.Inputs)
				}
			}
		})
	}
}

// Without a region from any input or the provider, a producer in one region is picked as a single
// URI would be; one in several is refused naming region.
func TestConsumerWithoutAnyRegion(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		uris map[string]any
		want string // "" when the single region is picked
	}{
		"one region":      {map[string]any{"us-east1": testAttachmentUS}, ""},
		"several regions": {twoRegionStack()["serviceAttachmentUris"].(map[string]any), "region: the producer serves europe-west1, us-east1, and neither region, subnetwork nor the component's gcp provider says which is the endpoint's"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := regionsCloud(map[string]any{"serviceAttachmentUri": testAttachmentUS, "serviceAttachmentUris": tc.uris})
			delete(f.Config, "gcp:region")
			err := f.Run(func(ctx *pulumi.Context) error {
				args := stackConsumerArgs()
				args.Subnetwork = pulumi.String("apps")
				_, err := NewConsumerEndpoint(ctx, "payments", args)
				return err
			})
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("want %q, got %v", tc.want, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := str(f.One(t, typeRule), "target"); got != testAttachmentUS {
				t.Errorf("target = %q, want the producer's one attachment", got)
			}
		})
	}
}

// An explicit producerStackOutput is read as a single URI, as before, even beside the map.
func TestConsumerExplicitStackOutputIgnoresTheMap(t *testing.T) {
	t.Parallel()
	stack := twoRegionStack()
	stack["primary"] = testAttachment
	f := regionsCloud(stack)
	err := f.Run(func(ctx *pulumi.Context) error {
		args := stackConsumerArgs()
		args.ProducerStackOutput = "primary"
		args.Subnetwork = pulumi.String("apps")
		_, err := NewConsumerEndpoint(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := str(f.One(t, typeRule), "target"); got != testAttachment {
		t.Errorf("target = %q, want the output named", got)
	}
}

// The map's entries get the URI checks a single output gets, and what is read from the stack is
// never echoed (it may be secret); a secret map keeps the endpoint's target secret.
func TestConsumerAttachmentMapEntries(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-token-9f8e"
	cases := []struct {
		name string
		uris any
		want string
	}{
		{"not a map", "projects/" + secret, `producerStack (output "serviceAttachmentUris" of "acme/payments/prod"): must be a map of region to service attachment URI, got a string`},
		{"empty", map[string]any{}, `serviceAttachmentUris" of "acme/payments/prod"): is empty: the producer serves no region`},
		{"entry not a string", map[string]any{testRegion: map[string]any{"token": secret}},
			`producerStack (output "serviceAttachmentUris" of "acme/payments/prod")["europe-west1"]: must be a service attachment URI, got a map[string]interface {}`},
		{"entry empty", map[string]any{testRegion: ""}, `["europe-west1"]: must be a service attachment URI, got an empty string`},
		{"entry malformed", map[string]any{testRegion: "projects/" + secret}, `["europe-west1"]: must be a service attachment URI projects/PROJECT/regions/REGION/serviceAttachments/NAME, got a value that is not shown`},
		{"entry of another region", map[string]any{testRegion: "projects/" + secret + "/regions/us-east1/serviceAttachments/x"},
			`["europe-west1"]: names a service attachment in another region than its key`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := regionsCloud(map[string]any{"serviceAttachmentUri": testAttachment, "serviceAttachmentUris": tc.uris})
			err := f.Run(func(ctx *pulumi.Context) error {
				_, err := NewConsumerEndpoint(ctx, "payments", stackConsumerArgs())
				return err
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error containing %q, got %v", tc.want, err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error echoes the value read from the stack: %v", err)
			}
		})
	}
	t.Run("secret map", func(t *testing.T) {
		t.Parallel()
		uris := resource.MakeSecret(resource.NewProperty(resource.NewPropertyMapFromMap(twoRegionStack()["serviceAttachmentUris"].(map[string]any))))
		f := regionsCloud(map[string]any{"serviceAttachmentUri": testAttachment, "serviceAttachmentUris": uris})
		err := f.Run(func(ctx *pulumi.Context) error {
			args := stackConsumerArgs()
			args.Subnetwork = subnetIn("us-east1")
			_, err := NewConsumerEndpoint(ctx, "payments", args)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		target := f.One(t, typeRule).Inputs["target"]
		if !target.ContainsSecrets() {
			t.Errorf("target = %v, want it secret as the stack output it was read from", target)
		}
	})
}
