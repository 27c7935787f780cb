package psc

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Two DnsBindings of one program for one hostname, each with its zone: refused when their zones
// would share a network (two zones of one name answering it there), whether the networks are
// known at preview or only once resolved, naming `networks` and the first binding, before the
// second zone is created; accepted in different networks.
func TestDnsBindingTwinZones(t *testing.T) {
	t.Parallel()
	const vpc, other = "projects/consumer-prj/global/networks/consumer-vpc", "projects/consumer-prj/global/networks/other-vpc"
	for _, tc := range []struct {
		name     string
		networks pulumi.StringArrayInput
		refused  bool
	}{
		{"the same network, known", pulumi.StringArray{pulumi.String("https://www.googleapis.com/compute/v1/" + vpc)}, true},
		{"the same network, resolved later", pulumi.StringArray{pulumi.String(vpc).ToStringOutput()}, true},
		{"another network", pulumi.StringArray{pulumi.String(other)}, false},
	} {
		f := newFakeCloud()
		err := f.Run(func(ctx *pulumi.Context) error {
			if _, err := NewDnsBinding(ctx, "payments", dnsArgs()); err != nil {
				return err
			}
			second := dnsArgs()
			second.IpAddress, second.Networks = pulumi.String("192.168.10.60"), tc.networks
			_, err := NewDnsBinding(ctx, "payments-again", second)
			return err
		})
		want := `networks: DnsBinding "payments" of this program already creates a private zone for payment-api.internal. bound to ` + vpc
		switch {
		case tc.refused && (err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `DnsBinding "payments-again"`)):
			t.Errorf("%s: error %v, want %q naming the second binding", tc.name, err, want)
		case tc.refused && len(f.Custom(typeZone)) != 1:
			t.Errorf("%s: %d zones created, want only the first binding's", tc.name, len(f.Custom(typeZone)))
		case !tc.refused && (err != nil || len(f.Custom(typeZone)) != 2):
			t.Errorf("%s: error %v, %d zones; want both bindings", tc.name, err, len(f.Custom(typeZone)))
		}
	}
}
