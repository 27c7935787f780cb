package psc

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// geoDnsArgs is dnsArgs with an endpoint IP per region instead of one IP.
func geoDnsArgs() *DnsBindingArgs {
	a := dnsArgs()
	a.IpAddress = nil
	a.IpAddresses = map[string]pulumi.StringInput{"us-east1": pulumi.String("192.168.20.50"), testRegion: pulumi.String("192.168.10.50")}
	return a
}

// dnsOutputs are the regions and healthChecked outputs of a binding.
type dnsOutputs struct {
	regions       []string
	healthChecked bool
}

// runDNS runs a program that makes a DnsBinding with args, after what before creates, and
// returns the fake cloud and the binding's outputs.
func runDNS(t *testing.T, args *DnsBindingArgs, before func(ctx *pulumi.Context, a *DnsBindingArgs) error) (*fakeCloud, dnsOutputs) {
	t.Helper()
	f := newFakeCloud()
	var o dnsOutputs
	err := f.Run(func(ctx *pulumi.Context) error {
		if before != nil {
			if err := before(ctx, args); err != nil {
				return err
			}
		}
		d, err := NewDnsBinding(ctx, "payments", args)
		if err != nil {
			return err
		}
		o.regions = psctest.Await[[]string](t, d.Regions)
		o.healthChecked = psctest.Await[bool](t, d.HealthChecked)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f, o
}

// With an IP per region the record answers each client's region with its endpoint (a geo routing
// policy, DNS-GEO) and holds no health-checked target, which Cloud DNS does not offer for a PSC
// endpoint (DNS-HEALTH-PSC); the outputs say so for doctor.
func TestDnsBindingGeoRecord(t *testing.T) {
	t.Parallel()
	f, outs := runDNS(t, geoDnsArgs(), func(ctx *pulumi.Context, a *DnsBindingArgs) error {
		ew1, err := NewConsumerEndpoint(ctx, "payments-ew1", consumerArgs())
		if err != nil {
			return err
		}
		a.IpAddresses[testRegion] = ew1.IpAddress // an Output, as in a consumer program
		return nil
	})
	rec := f.One(t, typeRecord)
	if str(rec, "name") != "payment-api.internal." || str(rec, "type") != "A" || input(rec, "ttl").NumberValue() != 300 {
		t.Errorf("record = %v, want an A record payment-api.internal. with TTL 300", rec.Inputs)
	}
	if v := input(rec, "rrdatas"); !v.IsNull() {
		t.Errorf("rrdatas = %v, want none beside a routing policy (exactly one of the two, DNS-RRDATAS)", v)
	}
	policy := input(rec, "routingPolicy").ObjectValue()
	for _, k := range []string{"wrrs", "primaryBackup", "healthCheck"} {
		if _, ok := policy[resourceKey(k)]; ok {
			t.Errorf("routingPolicy has %s, want geo only: %v", k, policy)
		}
	}
	if v, ok := policy["enableGeoFencing"]; ok && v.IsBool() && v.BoolValue() {
		t.Errorf("enableGeoFencing = true, want a client of a region without an endpoint answered with the nearest")
	}
	var got []string
	for _, item := range policy["geos"].ArrayValue() {
		o := item.ObjectValue()
		if _, ok := o["healthCheckedTargets"]; ok {
			t.Errorf("geo item %v has healthCheckedTargets: Cloud DNS does not health-check a PSC endpoint", o)
		}
		var ips []string
		for _, ip := range o["rrdatas"].ArrayValue() {
			ips = append(ips, ip.StringValue())
		}
		got = append(got, o["location"].StringValue()+"="+strings.Join(ips, ","))
	}
	if want := []string{"europe-west1=192.168.10.7", "us-east1=192.168.20.50"}; !slices.Equal(got, want) {
		t.Errorf("geo items = %v, want %v", got, want)
	}
	if !slices.Equal(outs.regions, []string{testRegion, "us-east1"}) || outs.healthChecked {
		t.Errorf("outputs regions %v healthChecked %v, want both regions and false", outs.regions, outs.healthChecked)
	}
}

// A single IP keeps today's record: rrdatas, no routing policy, no regions; not health-checked either.
func TestDnsBindingSingleIPHasNoRegions(t *testing.T) {
	t.Parallel()
	f, outs := runDNS(t, dnsArgs(), nil)
	if v := input(f.One(t, typeRecord), "routingPolicy"); !v.IsNull() {
		t.Errorf("routingPolicy = %v, want none for a single IP", v)
	}
	if len(outs.regions) != 0 || outs.healthChecked {
		t.Errorf("outputs regions %v healthChecked %v, want none and false", outs.regions, outs.healthChecked)
	}
}

func TestDnsBindingGeoValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(a *DnsBindingArgs)
		want   []string
	}{
		{"both", func(a *DnsBindingArgs) { a.IpAddress = pulumi.String("192.168.10.50") },
			[]string{"ipAddresses: give exactly one of ipAddress (one endpoint) and ipAddresses (an endpoint per region)"}},
		{"neither", func(a *DnsBindingArgs) { a.IpAddresses = nil }, []string{"ipAddress: is required"}},
		{"one region", func(a *DnsBindingArgs) { delete(a.IpAddresses, "us-east1") },
			[]string{"ipAddresses: lists one region: give its endpoint's IP as ipAddress, or list two or more regions"}},
		{"zone", func(a *DnsBindingArgs) { a.IpAddresses["us-east1-b"] = pulumi.String("192.168.30.50") },
			[]string{`ipAddresses["us-east1-b"]: "us-east1-b" is a zone, not a region: key the entry by its region, us-east1`}},
		{"unknown region", func(a *DnsBindingArgs) { a.IpAddresses["moon-east1"] = pulumi.String("192.168.30.50") },
			[]string{`ipAddresses["moon-east1"]: "moon-east1" is not a Compute Engine region`}},
		{"region listed twice", func(a *DnsBindingArgs) { a.IpAddresses["Europe-West1"] = pulumi.String("192.168.30.50") },
			[]string{`ipAddresses["Europe-West1"]: "Europe-West1" must be written as Compute Engine names the region: europe-west1`,
				`ipAddresses["europe-west1"]: is the region of ipAddresses["Europe-West1"] too: list each region once`}},
		{"bad ip and empty ip, all at once", func(a *DnsBindingArgs) {
			a.IpAddresses["us-east1"] = pulumi.String("fe80::1")
			a.IpAddresses[testRegion] = pulumi.String("")
		}, []string{`ipAddresses["us-east1"]: must be an IPv4 address`, `ipAddresses["europe-west1"]: is required`}},
		{"one IP for two regions", func(a *DnsBindingArgs) { a.IpAddresses["us-east1"] = pulumi.String("192.168.10.50") },
			[]string{`ipAddresses["us-east1"]: 192.168.10.50 is also the IP of europe-west1`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := geoDnsArgs()
			tc.mutate(args)
			f := newFakeCloud()
			err := f.Run(func(ctx *pulumi.Context) error {
				_, err := NewDnsBinding(ctx, "payments", args)
				return err
			})
			assertRefused(t, f, err, append([]string{`invalid DnsBinding "payments"`}, tc.want...)...)
		})
	}
}

// A region's IP from another resource is checked when it resolves, naming its entry, without
// echoing it (it may be secret).
func TestDnsBindingGeoBadIPFromOutputFails(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-9f8e"
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		a := geoDnsArgs()
		a.IpAddresses["us-east1"] = pulumi.ToSecret(pulumi.String(secret)).(pulumi.StringOutput)
		_, err := NewDnsBinding(ctx, "payments", a)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), `ipAddresses["us-east1"]: must be an IPv4 address`) {
		t.Fatalf("want the entry named when it resolves, got %v", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the error echoes the value: %v", err)
	}
}
