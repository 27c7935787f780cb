package psc

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The name overrides reach the children whose Google names people see, as explicit names (so the
// provider replaces them delete-first); everything else stays autonamed from the component's name.
func TestNameOverridesNameTheVisibleChildren(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		p := producerArgs()
		p.CloudRun.ServiceName = "payments-api"
		p.ServiceAttachmentName = "payments-psc"
		if _, err := NewProducerService(ctx, "payments", p); err != nil {
			return err
		}
		c := consumerArgs()
		c.EndpointName = "payments"
		_, err := NewConsumerEndpoint(ctx, "orders", c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []registered{f.One(t, typeService), f.One(t, typeAttachment), f.Named(t, "orders-endpoint")} {
		want := map[string]string{typeService: "payments-api", typeAttachment: "payments-psc", typeRule: "payments"}[r.Type]
		if got := str(r, "name"); got != want {
			t.Errorf("%s %s name = %q, want the override %q", r.Type, r.Name, got, want)
		}
	}
	for _, r := range f.Custom(typeNEG) {
		if !input(r, "name").IsNull() {
			t.Errorf("the NEG %s was named %v; only the overridden children take a name", r.Name, input(r, "name"))
		}
	}
}

func TestNameOverrideValidation(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 64)
	for _, tc := range []struct {
		name   string
		mutate func(p *ProducerServiceArgs, c *ConsumerEndpointArgs)
		want   string
	}{
		{"service name too long", func(p *ProducerServiceArgs, _ *ConsumerEndpointArgs) { p.CloudRun.ServiceName = long[:50] },
			"cloudRun.serviceName: must be at most 49 characters (Cloud Run service name), got 50"},
		{"service name shape", func(p *ProducerServiceArgs, _ *ConsumerEndpointArgs) { p.CloudRun.ServiceName = "Payments_API" },
			`cloudRun.serviceName: must be a Cloud Run service name: a lowercase letter`},
		{"service name on an existing service", func(p *ProducerServiceArgs, _ *ConsumerEndpointArgs) {
			p.CloudRun.Image, p.CloudRun.ExistingServiceName, p.CloudRun.ServiceName = nil, "payments", "payments-api"
		}, "serviceName apply only to a service the component creates"},
		{"attachment name too long", func(p *ProducerServiceArgs, _ *ConsumerEndpointArgs) { p.ServiceAttachmentName = long },
			"serviceAttachmentName: must be at most 63 characters (service attachment name), got 64"},
		{"attachment name ends with a hyphen", func(p *ProducerServiceArgs, _ *ConsumerEndpointArgs) { p.ServiceAttachmentName = "payments-" },
			`serviceAttachmentName: must be a service attachment name`},
		{"endpoint name shape", func(_ *ProducerServiceArgs, c *ConsumerEndpointArgs) { c.EndpointName = "1payments" },
			`endpointName: must be a forwarding rule name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, c := producerArgs(), consumerArgs()
			tc.mutate(p, c)
			f := newFakeCloud()
			err := f.Run(func(ctx *pulumi.Context) error {
				if strings.HasPrefix(tc.want, "endpointName") {
					_, err := NewConsumerEndpoint(ctx, "orders", c)
					return err
				}
				_, err := NewProducerService(ctx, "payments", p)
				return err
			})
			assertRefused(t, f, err, tc.want)
		})
	}
}
