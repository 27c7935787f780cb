package psc

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

func TestSubnetRegion(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"https://www.googleapis.com/compute/v1/projects/consumer-prj/regions/europe-west1/subnetworks/apps": "europe-west1",
		"projects/consumer-prj/regions/us-east1/subnetworks/apps":                                           "us-east1",
		"regions/us-east1/subnetworks/apps":                                                                 "us-east1",
		"apps":                                                                                              "",
		"":                                                                                                  "",
		"projects/consumer-prj/global/networks/consumer-vpc":     "",
		"projects/consumer-prj/regions/us-east1/subnetworks/a/b": "",
		"projects/consumer-prj/regions/us-east1/addresses/apps":  "",
	}
	for ref, want := range cases {
		if got := subnetRegion(ref); got != want {
			t.Errorf("subnetRegion(%q) = %q, want %q", ref, got, want)
		}
	}
}

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
		if err != nil || chain.UsableAddresses(p) != tc.usable {
			t.Errorf("chain.UsableAddresses(%q) = %d, %v; want %d", tc.cidr, chain.UsableAddresses(p), err, tc.usable)
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
}

// FuzzParseServiceAttachmentURI checks that the parser never panics and that whatever it accepts
// round-trips: its canonical form re-formats to the same string, and the canonical form and the
// self link parse to the same parts.
func FuzzParseServiceAttachmentURI(f *testing.F) {
	f.Add("projects/producer-prj/regions/europe-west1/serviceAttachments/payments")
	f.Add("https://www.googleapis.com/compute/v1/projects/p/regions/r/serviceAttachments/n")
	f.Add(" https://www.googleapis.com/compute/beta/projects/producer-prj/regions/europe-west1/serviceAttachments/payments-1a2b3c4 ")
	f.Add("projects//regions//serviceAttachments/")
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseServiceAttachmentURI(s)
		if err != nil {
			return
		}
		if trimmed := strings.TrimSpace(s); trimComputePrefix(trimmed) == trimmed && ref.URI() != trimmed {
			t.Fatalf("%q parsed to %v, whose URI %q differs", s, ref, ref.URI())
		}
		for _, form := range []string{ref.URI(), computeAPIPrefix + "v1/" + ref.URI()} {
			again, err := ParseServiceAttachmentURI(form)
			if err != nil || again != ref {
				t.Fatalf("%q parsed to %v, but %q parses to %v, %v", s, ref, form, again, err)
			}
		}
	})
}

// FuzzParseSubnetCIDR checks the CIDR and IP parsers and the subnet arithmetic: accepted ranges
// and addresses re-format to the string given, a subnet holds at least four usable addresses, its
// last address is its broadcast address, and a fixed IP is accepted only inside the range and off
// Google Cloud's four reserved addresses.
func FuzzParseSubnetCIDR(f *testing.F) {
	f.Add("10.0.0.0/24", "10.0.0.2")
	f.Add("10.0.0.1/33", "10.0.0.1")
	f.Add("0.0.0.0/0", "255.255.255.254")
	f.Add("192.168.10.0/29", "192.168.10.6")
	f.Add("10.0.0.0/32", "::ffff:10.0.0.0")
	f.Fuzz(func(t *testing.T, cidr, ip string) {
		if r, err := parseIPv4Range(cidr); err == nil && (r.String() != cidr || !r.Addr().Is4()) {
			t.Fatalf("range %q accepted as %v", cidr, r)
		}
		addr, ipErr := parseIPv4(ip)
		if ipErr == nil && (addr.String() != ip || !addr.Is4()) {
			t.Fatalf("IP %q accepted as %v", ip, addr)
		}
		p, err := parseSubnetCIDR(cidr)
		if err != nil {
			return
		}
		if !p.Addr().Is4() || p.Masked() != p || p.String() != cidr || chain.UsableAddresses(p) < 4 {
			t.Fatalf("subnet %q accepted as %v with %d usable addresses", cidr, p, chain.UsableAddresses(p))
		}
		last := chain.ReservedAddresses(p)[3]
		if !p.Contains(last) || (last.Next().IsValid() && p.Contains(last.Next())) {
			t.Fatalf("the last reserved address of %v, %v, is not its broadcast address", p, last)
		}
		if first := p.Addr().Next().Next(); checkHostIn(first, p) != nil {
			t.Fatalf("the first usable address %v of %v is refused: %v", first, p, checkHostIn(first, p))
		}
		if ipErr != nil {
			return
		}
		reserved := addr == p.Addr() || addr == p.Addr().Next() || addr == last || addr == last.Prev()
		if ok := checkHostIn(addr, p) == nil; ok != (p.Contains(addr) && !reserved) {
			t.Fatalf("checkHostIn(%v, %v) = %v, want %v", addr, p, checkHostIn(addr, p), !ok)
		}
	})
}

// FuzzNameChecks runs every name and reference check on one string and checks how they agree: a
// valid hostname makes a valid zone and lies inside its parent zone, a valid network URL is valid
// as a self link too, and a valid component name gives every child a Google Cloud name that fits
// its limit once Pulumi auto-names it.
func FuzzNameChecks(f *testing.F) {
	for _, seed := range []string{
		"payments", "payment-api.internal", "internal.", "europe-west1", "consumer-prj", "123456789012",
		"projects/p-123456/global/networks/vpc", "https://www.googleapis.com/compute/v1/projects/p/global/networks/vpc",
		"serviceAccount:caller@consumer-prj.iam.gserviceaccount.com", "allUsers", strings.Repeat("a", 37),
	} {
		f.Add(seed)
	}
	// Children named <component>-<role>, by the limit their Google Cloud names have.
	producerRoles := map[string]int{"lb-subnet": 63, "proxy-subnet": 63, "nat-subnet": 63, "neg": 63, "backend": 63,
		"urlmap": 63, "proxy": 63, "cert": 63, "lb-rule": 63, "attachment": 63, "run": 49, additionalNatRole("a"): 63}
	otherRoles := map[string]int{"ip": 63, "endpoint": 63, "egress": 63, "zone": 63}
	const autoNameSuffix = "-1a2b3c4"
	f.Fuzz(func(t *testing.T, s string) {
		for _, check := range []func(string) error{checkRegion, checkProject, checkInvoker} {
			_ = check(s)
		}
		if checkHostname(s) == nil {
			zone := s + "." // the default zone of a DnsBinding
			if checkDNSZoneName(s+".") != nil || checkDNSZoneName(zone) != nil || !inZone(s, zone) {
				t.Fatalf("hostname %q is valid but its zone %q is not, or does not hold it", s, zone)
			}
		}
		if checkNetworkURL(s) == nil {
			if link := computeAPIPrefix + "v1/" + trimComputePrefix(s); checkNetworkURL(link) != nil {
				t.Fatalf("network %q is valid but its self link %q is not", s, link)
			}
		}
		// The references the existing-subnet lookups resolve: what parses re-parses the same.
		if ref, err := parseSubnetRef(s, "p-123456", "europe-west1"); err == nil {
			if again, err := parseSubnetRef(ref.String(), "", ""); err != nil || again != ref {
				t.Fatalf("subnet %q parsed to %v, but its path parses to %v, %v", s, ref, again, err)
			}
		}
		if link, ok := networkSelfLink(s, "p-123456"); ok {
			if again, ok := networkSelfLink(link, ""); !ok || again != link || checkNetworkURL(link) != nil {
				t.Fatalf("network %q resolved to %q, which does not resolve to itself", s, link)
			}
		}
		for _, c := range []struct {
			check func(string) error
			roles map[string]int
		}{{checkProducerName, producerRoles}, {checkComponentName, otherRoles}} {
			if c.check(s) != nil {
				continue
			}
			for role, limit := range c.roles {
				child := s + "-" + role + autoNameSuffix
				if len(child) > limit || !resourceNameRe.MatchString(child) {
					t.Fatalf("name %q is valid but its child %q does not fit Google Cloud's %d-character names", s, child, limit)
				}
				if isSubnet := strings.HasSuffix(role, "-subnet") || strings.Contains(role, "nat-subnet-"); isSubnet != ownSubnetRe(s).MatchString(child) {
					t.Fatalf("child %q of %q: taken for the component's own subnet = %v, want %v", child, s, !isSubnet, isSubnet)
				}
			}
		}
	})
}

func TestSubnetAndNetworkReferences(t *testing.T) {
	t.Parallel()
	want := subnetRef{Project: "p-123456", Region: "europe-west1", Name: "apps"}
	for _, in := range []string{"apps", "regions/europe-west1/subnetworks/apps", "projects/p-123456/regions/europe-west1/subnetworks/apps",
		"https://www.googleapis.com/compute/v1/projects/p-123456/regions/europe-west1/subnetworks/apps",
		"https://compute.googleapis.com/compute/beta/projects/p-123456/regions/europe-west1/subnetworks/apps"} {
		if got, err := parseSubnetRef(in, "p-123456", "europe-west1"); err != nil || got != want {
			t.Errorf("parseSubnetRef(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if got, _ := parseSubnetRef("projects/q-123456/regions/us-east1/subnetworks/x", "p-123456", "europe-west1"); got.String() != "projects/q-123456/regions/us-east1/subnetworks/x" {
		t.Errorf("a full path keeps its own project and region, got %v", got)
	}
	for _, bad := range []string{"projects/p/global/networks/n", "Apps", "regions/r/subnetworks/"} {
		if _, err := parseSubnetRef(bad, "p-123456", "europe-west1"); err == nil {
			t.Errorf("parseSubnetRef(%q) must fail", bad)
		}
	}
	const link = "https://www.googleapis.com/compute/v1/projects/p-123456/global/networks/vpc"
	for _, in := range []string{"vpc", "global/networks/vpc", "projects/p-123456/global/networks/vpc", link} {
		if got, ok := networkSelfLink(in, "p-123456"); !ok || got != link {
			t.Errorf("networkSelfLink(%q) = %q, %v; want %q", in, got, ok, link)
		}
	}
	if _, ok := networkSelfLink("vpc", ""); ok {
		t.Error("a bare network name without a project cannot be resolved")
	}
	if _, ok := networkSelfLink("projects/p/regions/r/subnetworks/s", "p-123456"); ok {
		t.Error("a subnet is not a network")
	}
}
