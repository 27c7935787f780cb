package psc

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// A ConsumerEndpoint that reads the producer's stack publishes the producer's protocol from the
// stack's protocol output; none without one, or with serviceAttachment; a protocol output that
// is not HTTP or HTTPS fails naming producerStack.
func TestConsumerProducerProtocol(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		stack    map[string]any // nil: serviceAttachment
		want     string
		wantFail string
	}{
		{name: "HTTPS from the producer stack", stack: map[string]any{"serviceAttachmentUri": testAttachment, "protocol": "HTTPS"}, want: "HTTPS"},
		{name: "HTTP from the producer stack", stack: map[string]any{"serviceAttachmentUri": testAttachment, "protocol": "HTTP"}, want: "HTTP"},
		{name: "a producer stack without protocol", stack: map[string]any{"serviceAttachmentUri": testAttachment}, want: ""},
		{name: "serviceAttachment", want: ""},
		{name: "a protocol output of the wrong type", stack: map[string]any{"serviceAttachmentUri": testAttachment, "protocol": 443.0},
			wantFail: `producerStack: stack "acme/payments/prod" output "protocol" must be HTTP or HTTPS, got a float64`},
		{name: "a protocol output neither HTTP nor HTTPS", stack: map[string]any{"serviceAttachmentUri": testAttachment, "protocol": "https"},
			wantFail: `producerStack: stack "acme/payments/prod" output "protocol" must be HTTP or HTTPS`},
		// What is read from another stack may be secret: the refusal says what is wrong, not the value.
		{name: "a refused protocol output is not echoed", stack: map[string]any{"serviceAttachmentUri": testAttachment, "protocol": "s3cr3t-token-9f8e"},
			wantFail: `output "protocol" must be HTTP or HTTPS, got a value that is not shown (it may be secret)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := endpointOutput[string](t, tc.stack, nil, tc.wantFail,
				func(ep *ConsumerEndpoint) pulumi.Output { return ep.ProducerProtocol })
			if tc.wantFail == "" && got != tc.want {
				t.Errorf("producerProtocol = %q, want %q", got, tc.want)
			}
		})
	}
}

// A DnsBinding given the endpoint's producerProtocol says the producer's scheme in its url
// without protocol being copied; an explicit protocol still works, alone or agreeing.
func TestDnsBindingLearnsTheProducerProtocol(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		protocol string
		producer pulumi.StringInput
		want     string
	}{
		{name: "HTTPS from the producer", producer: pulumi.String("HTTPS"), want: "https://payment-api.internal"},
		{name: "HTTPS from the producer, as an Output", producer: pulumi.String("HTTPS").ToStringOutput(), want: "https://payment-api.internal"},
		{name: "HTTP from the producer", producer: pulumi.String("HTTP").ToStringOutput(), want: "http://payment-api.internal"},
		{name: "an unknown producer protocol: HTTP", producer: pulumi.String("").ToStringOutput(), want: "http://payment-api.internal"},
		{name: "an unknown producer protocol and protocol", protocol: "HTTPS", producer: pulumi.String("").ToStringOutput(), want: "https://payment-api.internal"},
		{name: "protocol alone", protocol: "HTTPS", want: "https://payment-api.internal"},
		{name: "neither: HTTP", want: "http://payment-api.internal"},
		{name: "both agree", protocol: "HTTPS", producer: pulumi.String("HTTPS").ToStringOutput(), want: "https://payment-api.internal"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeCloud()
			var got string
			err := f.Run(func(ctx *pulumi.Context) error {
				a := dnsArgs()
				a.Protocol, a.ProducerProtocol = tc.protocol, tc.producer
				d, err := NewDnsBinding(ctx, "payments", a)
				if err != nil {
					return err
				}
				got = psctest.Await[string](t, d.Url)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("url = %q, want %q", got, tc.want)
			}
			if n := len(f.Custom(typeRecord)); n != 1 {
				t.Errorf("%d record sets, want 1", n)
			}
		})
	}
	t.Run("from the endpoint that read the producer stack", func(t *testing.T) {
		t.Parallel()
		f := newFakeCloud()
		url, err := bindingFromEndpoint(t, f, "")
		if err != nil {
			t.Fatal(err)
		}
		if url != "https://payment-api.internal" {
			t.Errorf("url = %q, want https://payment-api.internal, the HTTPS producer's", url)
		}
	})
}

// bindingFromEndpoint runs, in f, a ConsumerEndpoint that reads an HTTPS producer's stack and a
// DnsBinding given the endpoint's producerProtocol and protocol, and returns the binding's url.
func bindingFromEndpoint(t *testing.T, f *fakeCloud, protocol string) (url string, err error) {
	f.Stacks[producerStackName] = map[string]any{"serviceAttachmentUri": testAttachment, "protocol": "HTTPS"}
	err = f.Run(func(ctx *pulumi.Context) error {
		args := consumerArgs()
		args.ServiceAttachment, args.ProducerStack = nil, producerStackName
		ep, err := NewConsumerEndpoint(ctx, "payments", args)
		if err != nil {
			return err
		}
		a := dnsArgs()
		a.IpAddress, a.ProducerProtocol, a.Protocol = ep.IpAddress, ep.ProducerProtocol, protocol
		d, err := NewDnsBinding(ctx, "payments-dns", a)
		if err != nil {
			return err
		}
		if protocol == "" {
			url = psctest.Await[string](t, d.Url)
		}
		return nil
	})
	return url, err
}

// A protocol that disagrees with the producer's is refused naming protocol: at preview, before
// anything is registered, when producerProtocol is a plain value; once it resolves, with neither
// the zone nor the record created, when it comes from the endpoint. A producerProtocol that is
// neither HTTP nor HTTPS is refused naming producerProtocol.
func TestDnsBindingRefusesAProtocolTheProducerDoesNotServe(t *testing.T) {
	t.Parallel()
	disagree := `protocol: HTTP disagrees with producerProtocol HTTPS`
	t.Run("known", func(t *testing.T) {
		t.Parallel()
		f := newFakeCloud()
		err := f.Run(func(ctx *pulumi.Context) error {
			a := dnsArgs()
			a.Protocol, a.ProducerProtocol, a.Ttl = "HTTP", pulumi.String("HTTPS"), pulumi.IntRef(0)
			_, err := NewDnsBinding(ctx, "payments", a)
			return err
		})
		assertRefused(t, f, err, `invalid DnsBinding "payments"`, disagree, "ttl: must be between 1 and 86400")
	})
	t.Run("not HTTP or HTTPS", func(t *testing.T) {
		t.Parallel()
		f := newFakeCloud()
		err := f.Run(func(ctx *pulumi.Context) error {
			a := dnsArgs()
			a.ProducerProtocol = pulumi.String("TCP")
			_, err := NewDnsBinding(ctx, "payments", a)
			return err
		})
		assertRefused(t, f, err, `invalid DnsBinding "payments"`, `producerProtocol: must be HTTP or HTTPS (or empty), got "TCP"`)
	})
	t.Run("from the endpoint", func(t *testing.T) {
		t.Parallel()
		f := newFakeCloud()
		_, err := bindingFromEndpoint(t, f, "HTTP")
		if err == nil || !strings.Contains(err.Error(), `invalid DnsBinding "payments-dns"`) || !strings.Contains(err.Error(), disagree) {
			t.Fatalf("want %q once the endpoint's producerProtocol resolves, got %v", disagree, err)
		}
		if n := len(f.Custom(typeRecord)) + len(f.Custom(typeZone)); n != 0 {
			t.Errorf("a refused protocol created %d zones and record sets", n)
		}
	})
}
