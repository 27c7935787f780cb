package psc

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A consumer of a producer with domainNames publishes the domains PSC's automatic DNS claims for
// it, read from the producer's stack when wired by producerStack, none with noAutomateDnsZone.
func TestConsumerAutomaticDnsDomains(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		stack    map[string]any
		mutate   func(a *ConsumerEndpointArgs)
		want     []string
		wantFail string
	}{
		{name: "from the producer stack", stack: map[string]any{"serviceAttachmentUri": testAttachment, "domainNames": []any{"europe-west1.p.acme.com."}},
			want: []string{"europe-west1.p.acme.com."}},
		{name: "a producer stack without domainNames", stack: map[string]any{"serviceAttachmentUri": testAttachment}, want: []string{}},
		{name: "given beats the stack", stack: map[string]any{"serviceAttachmentUri": testAttachment, "domainNames": []any{"europe-west1.p.acme.com."}},
			mutate: func(a *ConsumerEndpointArgs) { a.ProducerDomainNames = pulumi.ToStringArray([]string{"p.acme.com."}) }, want: []string{"p.acme.com."}},
		{name: "noAutomateDnsZone claims none", stack: map[string]any{"serviceAttachmentUri": testAttachment, "domainNames": []any{"europe-west1.p.acme.com."}},
			mutate: func(a *ConsumerEndpointArgs) { a.NoAutomateDnsZone = true }, want: []string{}},
		{name: "given with serviceAttachment", mutate: func(a *ConsumerEndpointArgs) {
			a.ProducerDomainNames = pulumi.StringArray{pulumi.String("p.acme.com.").ToStringOutput()}
		}, want: []string{"p.acme.com."}},
		{name: "the region's entry of a producer in several regions", stack: regionDomainsStack(map[string]any{
			testRegion: []any{"eu.p.acme.com."}, "us-east1": []any{"us.p.acme.com."}}),
			mutate: func(a *ConsumerEndpointArgs) { a.Subnetwork = subnetIn("us-east1") }, want: []string{"us.p.acme.com."}},
		{name: "a region without domains", stack: regionDomainsStack(map[string]any{testRegion: []any{"eu.p.acme.com."}}),
			mutate: func(a *ConsumerEndpointArgs) { a.Subnetwork = subnetIn("us-east1") }, want: []string{}},
		{name: "a map of the wrong type", stack: regionDomainsStack(map[string]any{"us-east1": "us.p.acme.com."}),
			mutate:   func(a *ConsumerEndpointArgs) { a.Subnetwork = subnetIn("us-east1") },
			wantFail: `producerStack: stack "acme/payments/prod" output "domainNamesByRegion"["us-east1"] must be a list of DNS domains, got a string`},
		{name: "a stack output of the wrong type", stack: map[string]any{"serviceAttachmentUri": testAttachment, "domainNames": "p.acme.com."},
			wantFail: `producerStack: stack "acme/payments/prod" output "domainNames" must be a list of DNS domains, got a string`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := endpointOutput[[]string](t, tc.stack, tc.mutate, tc.wantFail,
				func(ep *ConsumerEndpoint) pulumi.Output { return ep.AutomaticDnsDomains })
			if tc.wantFail == "" && !slices.Equal(got, tc.want) {
				t.Errorf("automaticDnsDomains = %v, want %v", got, tc.want)
			}
		})
	}
}

// A DnsBinding refuses a hostname that PSC's automatic DNS claims: at preview when the domains are
// known, nothing created; when they come from the endpoint in the same program, once they resolve.
func TestDnsBindingRefusesAnAutomaticDnsName(t *testing.T) {
	t.Parallel()
	claim := `hostname: "payment-api.europe-west1.p.acme.com" is under europe-west1.p.acme.com., which Private Service Connect's automatic DNS claims`
	t.Run("known", func(t *testing.T) {
		t.Parallel()
		f := newFakeCloud()
		err := f.Run(func(ctx *pulumi.Context) error {
			a := dnsArgs()
			a.Hostname = "payment-api.europe-west1.p.acme.com"
			a.AutomaticDnsDomains = pulumi.ToStringArray([]string{"other.example.", "europe-west1.p.acme.com."})
			_, err := NewDnsBinding(ctx, "payments", a)
			return err
		})
		assertRefused(t, f, err, `invalid DnsBinding "payments"`, claim, "automaticDnsDomains[1]", "set noAutomateDnsZone")
	})
	t.Run("from the endpoint", func(t *testing.T) {
		t.Parallel()
		f := newFakeCloud()
		f.Stacks["acme/payments/prod"] = map[string]any{"serviceAttachmentUri": testAttachment, "domainNames": []any{"europe-west1.p.acme.com."}}
		err := f.Run(func(ctx *pulumi.Context) error {
			args := consumerArgs()
			args.ServiceAttachment, args.ProducerStack = nil, "acme/payments/prod"
			ep, err := NewConsumerEndpoint(ctx, "payments", args)
			if err != nil {
				return err
			}
			a := dnsArgs()
			a.Hostname, a.IpAddress, a.AutomaticDnsDomains = "payment-api.europe-west1.p.acme.com", ep.IpAddress, ep.AutomaticDnsDomains
			_, err = NewDnsBinding(ctx, "payments-dns", a)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), claim) {
			t.Fatalf("want %q once the endpoint's domains resolve, got %v", claim, err)
		}
		if n := len(f.Custom(typeRecord)); n != 0 {
			t.Errorf("a refused hostname created %d record sets", n)
		}
	})
	for _, host := range []string{"payment-api.internal", "p.acme.com.evil.internal"} {
		t.Run("outside "+host, func(t *testing.T) {
			t.Parallel()
			f := newFakeCloud()
			err := f.Run(func(ctx *pulumi.Context) error {
				a := dnsArgs()
				a.Hostname = host
				a.AutomaticDnsDomains = pulumi.ToStringArray([]string{"europe-west1.p.acme.com.", "acme.com"}).ToStringArrayOutput()
				_, err := NewDnsBinding(ctx, "payments", a)
				return err
			})
			if err != nil {
				t.Fatalf("a hostname outside the automatic domains must pass: %v", err)
			}
			if got := str(f.One(t, typeRecord), "name"); got != host+"." {
				t.Errorf("record name = %q, want %s.", got, host)
			}
		})
	}
}

// regionDomainsStack is twoRegionStack with the primary region's domainNames and domainNamesByRegion.
func regionDomainsStack(byRegion map[string]any) map[string]any {
	stack := twoRegionStack()
	stack["domainNames"] = []any{"eu.p.acme.com."}
	stack["domainNamesByRegion"] = byRegion
	return stack
}
