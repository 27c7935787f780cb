package psc

import (
	"net/netip"
	"strings"
	"testing"
)

func TestParseServiceAttachmentURI(t *testing.T) {
	t.Parallel()
	want := AttachmentRef{Project: "producer-prj", Region: "europe-west1", Name: "payments"}
	cases := []struct {
		in      string
		wantErr string
	}{
		{"projects/producer-prj/regions/europe-west1/serviceAttachments/payments", ""},
		{"https://www.googleapis.com/compute/v1/projects/producer-prj/regions/europe-west1/serviceAttachments/payments", ""},
		{"https://www.googleapis.com/compute/beta/projects/producer-prj/regions/europe-west1/serviceAttachments/payments", ""},
		{" projects/producer-prj/regions/europe-west1/serviceAttachments/payments ", ""},
		{"projects/producer-prj/regions/europe-west1/forwardingRules/payments", "must be a service attachment URI"},
		{"projects/producer-prj/global/serviceAttachments/payments", "must be a service attachment URI"},
		{"projects/P/regions/europe-west1/serviceAttachments/payments", "project in"},
		{"projects/producer-prj/regions/west/serviceAttachments/payments", "region in"},
		{"projects/producer-prj/regions/europe-west1/serviceAttachments/Payments", "name in"},
		{"", "must be a service attachment URI"},
	}
	for _, tc := range cases {
		got, err := ParseServiceAttachmentURI(tc.in)
		if tc.wantErr == "" {
			if err != nil || got != want {
				t.Errorf("ParseServiceAttachmentURI(%q) = %v, %v; want %v", tc.in, got, err, want)
			}
			if got.URI() != "projects/producer-prj/regions/europe-west1/serviceAttachments/payments" {
				t.Errorf("URI() = %q", got.URI())
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("ParseServiceAttachmentURI(%q) error = %v, want %q", tc.in, err, tc.wantErr)
		}
	}
}

func TestSubnetMath(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cidr   string
		usable int
		err    string
	}{
		{"10.0.0.0/24", 252, ""},
		{"10.0.0.0/29", 4, ""},
		{"10.20.0.0/28", 12, ""},
		{"10.0.0.0/30", 0, "/29 or larger"},
		{"10.0.0.1/24", 0, "did you mean 10.0.0.0/24"},
		{"fd00::/64", 0, "IPv4"},
		{"10.0.0.0", 0, "CIDR notation"},
	}
	for _, tc := range cases {
		p, err := parseSubnetCIDR(tc.cidr)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseSubnetCIDR(%q) error = %v, want %q", tc.cidr, err, tc.err)
			}
			continue
		}
		if err != nil || usableAddresses(p) != tc.usable {
			t.Errorf("usableAddresses(%q) = %d, %v; want %d", tc.cidr, usableAddresses(p), err, tc.usable)
		}
	}
}

func TestCheckHostIn(t *testing.T) {
	t.Parallel()
	p := netip.MustParsePrefix("10.0.0.0/24")
	for ip, want := range map[string]string{
		"10.0.0.2": "", "10.0.0.253": "", "10.0.0.0": "reserved", "10.0.0.1": "reserved",
		"10.0.0.254": "reserved", "10.0.0.255": "reserved", "10.0.1.5": "not inside",
	} {
		err := checkHostIn(netip.MustParseAddr(ip), p)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("checkHostIn(%s) = %v, want %q", ip, err, want)
		}
	}
}

func TestNameChecks(t *testing.T) {
	t.Parallel()
	ok := func(err error) bool { return err == nil }
	checks := []struct {
		name string
		fn   func(string) error
		in   string
		want bool
	}{
		{"component", checkComponentName, "payments", true},
		{"component", checkComponentName, "payments-v2", true},
		{"component", checkComponentName, "Payments", false},
		{"component", checkComponentName, "2payments", false},
		{"component", checkComponentName, "payments-", false},
		{"project", checkProject, "consumer-prj", true},
		{"project", checkProject, "123456789012", true},
		{"project", checkProject, "abc", false},
		{"region", checkRegion, "europe-west1", true},
		{"region", checkRegion, "northamerica-northeast2", true},
		{"region", checkRegion, "europe-west1-b", false},
		{"network", checkNetworkURL, "projects/p-123456/global/networks/vpc", true},
		{"network", checkNetworkURL, "https://www.googleapis.com/compute/v1/projects/p-123456/global/networks/vpc", true},
		{"network", checkNetworkURL, "vpc", false},
		{"hostname", checkHostname, "payment-api.internal", true},
		{"hostname", checkHostname, "a.b.corp.example.com", true},
		{"hostname", checkHostname, "-bad.internal", false},
		{"zone", checkDNSZoneName, "internal.", true},
		{"zone", checkDNSZoneName, "internal", false},
	}
	for _, c := range checks {
		if got := ok(c.fn(c.in)); got != c.want {
			t.Errorf("%s check of %q: valid = %v, want %v (%v)", c.name, c.in, got, c.want, c.fn(c.in))
		}
	}
	if got := parentDomain("payment-api.corp.internal"); got != "corp.internal." {
		t.Errorf("parentDomain = %q", got)
	}
}

// FuzzParseServiceAttachmentURI checks that the parser never panics and that whatever it accepts
// round-trips through URI().
func FuzzParseServiceAttachmentURI(f *testing.F) {
	f.Add("projects/producer-prj/regions/europe-west1/serviceAttachments/payments")
	f.Add("https://www.googleapis.com/compute/v1/projects/p/regions/r/serviceAttachments/n")
	f.Add("projects//regions//serviceAttachments/")
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseServiceAttachmentURI(s)
		if err != nil {
			return
		}
		again, err := ParseServiceAttachmentURI(ref.URI())
		if err != nil || again != ref {
			t.Fatalf("%q parsed to %v, which does not round-trip: %v %v", s, ref, again, err)
		}
	})
}

// FuzzParseSubnetCIDR checks that accepted ranges are canonical IPv4 prefixes with usable room.
func FuzzParseSubnetCIDR(f *testing.F) {
	f.Add("10.0.0.0/24")
	f.Add("10.0.0.1/33")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseSubnetCIDR(s)
		if err != nil {
			return
		}
		if !p.Addr().Is4() || p.Masked() != p || usableAddresses(p) < 4 {
			t.Fatalf("%q accepted as %v", s, p)
		}
	})
}
