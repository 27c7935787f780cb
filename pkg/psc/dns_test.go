package psc

import (
	"slices"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func dnsArgs() *DnsBindingArgs {
	return &DnsBindingArgs{
		Hostname:  "payment-api.internal",
		IpAddress: pulumi.String("192.168.10.50"),
		Networks:  pulumi.StringArray{pulumi.String("projects/consumer-prj/global/networks/consumer-vpc")},
	}
}

func TestDnsBindingGraph(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	outs := map[string]any{}
	err := f.Run(func(ctx *pulumi.Context) error {
		d, err := NewDnsBinding(ctx, "payments", dnsArgs())
		if err != nil {
			return err
		}
		outs["fqdn"] = psctest.Await[string](t, d.Fqdn)
		outs["url"] = psctest.Await[string](t, d.Url)
		outs["zone"] = psctest.Await[string](t, d.ZoneName)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	zone := f.One(t, typeZone)
	// A zone for the hostname itself, not its parent domain: a private zone for internal. would
	// claim every *.internal name in the VPC (catalogue DNS-ZONE-PER-HOSTNAME).
	if str(zone, "visibility") != "private" || str(zone, "dnsName") != "payment-api.internal." {
		t.Errorf("zone = %v, want a private zone for payment-api.internal.", zone.Inputs)
	}
	nets := input(zone, "privateVisibilityConfig").ObjectValue()["networks"].ArrayValue()
	if len(nets) != 1 || nets[0].ObjectValue()["networkUrl"].StringValue() != "projects/consumer-prj/global/networks/consumer-vpc" {
		t.Errorf("zone visibility = %v, want the consumer VPC only", nets)
	}
	rec := f.One(t, typeRecord)
	if str(rec, "name") != "payment-api.internal." || str(rec, "type") != "A" || input(rec, "ttl").NumberValue() != 300 {
		t.Errorf("record = %v, want an A record payment-api.internal. with TTL 300", rec.Inputs)
	}
	if got := input(rec, "rrdatas").ArrayValue()[0].StringValue(); got != "192.168.10.50" {
		t.Errorf("record points at %q, want the endpoint IP", got)
	}
	if str(rec, "managedZone") != "payments-zone" {
		t.Errorf("record zone = %q, want the created zone", str(rec, "managedZone"))
	}
	// HTTP by default, as the producer without tls serves.
	if outs["fqdn"] != "payment-api.internal." || outs["url"] != "http://payment-api.internal" || outs["zone"] != "payments-zone" {
		t.Errorf("outputs = %v", outs)
	}
	assertChildrenOf(t, f, DnsBindingType, "payments")
}

func TestDnsBindingExistingZone(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		a := dnsArgs()
		a.Networks = nil
		a.ExistingZoneName = "corp-internal"
		a.Protocol = "HTTP"
		a.Ttl = pulumi.IntRef(60)
		d, err := NewDnsBinding(ctx, "payments", a)
		if err != nil {
			return err
		}
		if got := psctest.Await[string](t, d.Url); got != "http://payment-api.internal" {
			t.Errorf("url = %q", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.Custom(typeZone)); n != 0 {
		t.Errorf("an existing zone must not be created, got %d", n)
	}
	rec := f.One(t, typeRecord)
	if str(rec, "managedZone") != "corp-internal" || input(rec, "ttl").NumberValue() != 60 {
		t.Errorf("record = %v", rec.Inputs)
	}
}

// The endpoint's allocated IP flows into the DNS record: the usual consumer program.
func TestConsumerIPFlowsIntoDnsRecord(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		ep, err := NewConsumerEndpoint(ctx, "payments", consumerArgs())
		if err != nil {
			return err
		}
		a := dnsArgs()
		a.IpAddress = ep.IpAddress
		_, err = NewDnsBinding(ctx, "payments-dns", a)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := input(f.One(t, typeRecord), "rrdatas").ArrayValue()[0].StringValue(); got != "192.168.10.7" {
		t.Errorf("record points at %q, want the endpoint's allocated IP 192.168.10.7", got)
	}
}

func TestDnsBindingValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(a *DnsBindingArgs)
		want   string
	}{
		{"single label", func(a *DnsBindingArgs) { a.Hostname = "payments" }, "hostname: must have at least two labels"},
		{"uppercase", func(a *DnsBindingArgs) { a.Hostname = "Payments.internal" }, `hostname: label "Payments"`},
		{"trailing dot", func(a *DnsBindingArgs) { a.Hostname = "payments.internal." }, "hostname: write the hostname without a trailing dot"},
		{"no ip", func(a *DnsBindingArgs) { a.IpAddress = nil }, "ipAddress: is required"},
		{"bad ip", func(a *DnsBindingArgs) { a.IpAddress = pulumi.String("fe80::1") }, "ipAddress: must be an IPv4 address"},
		{"no networks", func(a *DnsBindingArgs) { a.Networks = pulumi.StringArray{} }, "networks: is required when the component creates the zone"},
		{"zone without dot", func(a *DnsBindingArgs) { a.ZoneDnsName = "internal" }, "zoneDnsName: must end with a dot"},
		{"host outside zone", func(a *DnsBindingArgs) { a.ZoneDnsName = "corp.example." }, `hostname: "payment-api.internal" is not inside the zone corp.example.`},
		{"ttl", func(a *DnsBindingArgs) { a.Ttl = pulumi.IntRef(-1) }, "ttl: must be between 1 and 86400"},
		{"protocol", func(a *DnsBindingArgs) { a.Protocol = "ftp" }, "protocol: must be HTTPS or HTTP"},
		{"zone name with existing", func(a *DnsBindingArgs) {
			a.ExistingZoneName = "corp"
			a.ZoneDnsName = "internal."
		}, "zoneDnsName: applies only to a zone the component creates"},
		{"bad existing zone", func(a *DnsBindingArgs) { a.ExistingZoneName = "Corp Zone" }, "existingZoneName: must be a managed zone name"},
		{"labels on an existing zone", func(a *DnsBindingArgs) {
			a.ExistingZoneName, a.ZoneDnsName, a.Labels = "corp", "", map[string]string{"team": "payments"}
		}, "labels: apply only to a zone the component creates"},
		{"label value", func(a *DnsBindingArgs) { a.Labels = map[string]string{"team": strings.Repeat("x", 64)} }, `labels["team"]: a label value`},
		{"network shape", func(a *DnsBindingArgs) {
			a.Networks = pulumi.StringArray{pulumi.String("projects/c/networks/vpc")}
		}, "networks[0]: must be a VPC network"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := dnsArgs()
			tc.mutate(args)
			f := newFakeCloud()
			err := f.Run(func(ctx *pulumi.Context) error {
				_, err := NewDnsBinding(ctx, "payments", args)
				return err
			})
			assertRefused(t, f, err, `invalid DnsBinding "payments"`, tc.want)
		})
	}
}

func TestDnsBindingBadIPFromOutputFails(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		a := dnsArgs()
		a.IpAddress = pulumi.String("not-an-ip").ToStringOutput()
		_, err := NewDnsBinding(ctx, "payments", a)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "ipAddress: must be an IPv4 address") {
		t.Fatalf("want an ipAddress error when the output resolves, got %v", err)
	}
}

// Two services published under *.internal and bound in one VPC get a zone each, neither of which
// covers the other's name.
func TestTwoDnsBindingsInOneVPC(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		for _, host := range []string{"payment-api.internal", "ledger-api.internal"} {
			a := dnsArgs()
			a.Hostname = host
			if _, err := NewDnsBinding(ctx, strings.TrimSuffix(host, "-api.internal"), a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var zones []string
	for _, r := range f.Custom(typeZone) {
		zones = append(zones, str(r, "dnsName"))
	}
	slices.Sort(zones)
	if want := []string{"ledger-api.internal.", "payment-api.internal."}; !slices.Equal(zones, want) {
		t.Errorf("zones = %v, want one per hostname %v", zones, want)
	}
}
