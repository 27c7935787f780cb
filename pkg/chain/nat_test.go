package chain

import (
	"net/netip"
	"strings"
	"testing"
)

func TestAddresses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cidr     string
		usable   int
		reserved string
	}{
		{"10.0.0.0/24", 252, "10.0.0.0 10.0.0.1 10.0.0.254 10.0.0.255"},
		{"10.0.0.0/29", 4, "10.0.0.0 10.0.0.1 10.0.0.6 10.0.0.7"},
		{"192.168.10.0/16", 65532, "192.168.0.0 192.168.0.1 192.168.255.254 192.168.255.255"},
		{"10.0.0.0/30", 0, "10.0.0.0 10.0.0.1 10.0.0.2 10.0.0.3"},
		{"10.0.0.0/32", 0, ""},
		{"fd00::/64", 0, ""},
	} {
		t.Run(tc.cidr, func(t *testing.T) {
			t.Parallel()
			p := netip.MustParsePrefix(tc.cidr)
			var reserved []string
			for _, a := range ReservedAddresses(p) {
				reserved = append(reserved, a.String())
			}
			if got := UsableAddresses(p); got != tc.usable || strings.Join(reserved, " ") != tc.reserved {
				t.Errorf("UsableAddresses = %d, ReservedAddresses = %v; want %d, %s", got, reserved, tc.usable, tc.reserved)
			}
		})
	}
	if got := UsableAddresses(netip.Prefix{}); got != 0 {
		t.Errorf("UsableAddresses of the zero prefix = %d", got)
	}
}

func TestNAT(t *testing.T) {
	t.Parallel()
	if got := NATCapacity(netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("10.1.0.0/29"), netip.Prefix{}); got != 256 {
		t.Errorf("NATCapacity = %d, want 252 + 4", got)
	}
	for status, holds := range map[string]bool{Accepted: true, Pending: false, NeedsAttention: false, Rejected: false, Closed: false} {
		if HoldsNATAddress(status) != holds {
			t.Errorf("HoldsNATAddress(%s) = %v", status, !holds)
		}
	}
	for _, tc := range [][3]int{{252, 1, 251}, {4, 4, 0}, {4, 6, 0}, {0, 0, 0}} {
		if got := NATFree(tc[0], tc[1]); got != tc[2] {
			t.Errorf("NATFree(%d, %d) = %d, want %d", tc[0], tc[1], got, tc[2])
		}
	}
}
