package gcpsim

import (
	"net/netip"
	"testing"
)

// FuzzIPAM fuzzes the simulator's CIDR parsing and address allocation: an accepted range
// re-formats to the string given and has no host bits; its four reserved addresses are reserved;
// the next free address lies inside the range, off the reserved ones and off the one in use; and
// none is found only when the range has no usable address left.
func FuzzIPAM(f *testing.F) {
	f.Add("10.0.0.0/24", "10.0.0.2")
	f.Add("10.0.0.0/29", "10.0.0.5")
	f.Add("10.0.0.0/30", "10.0.0.2")
	f.Add("0.0.0.0/0", "0.0.0.2")
	f.Add("10.0.0.0/32", "10.0.0.0")
	f.Add("10.0.0.1/24", "x")
	f.Fuzz(func(t *testing.T, cidr, inUse string) {
		p, err := parseCIDR(cidr)
		if err != nil {
			return
		}
		if !p.Addr().Is4() || p.Masked() != p || p.String() != cidr {
			t.Fatalf("%q accepted as %v", cidr, p)
		}
		n := rangeSize(p)
		if want := max(n-4, 0); usableAddresses(p) != want {
			t.Fatalf("usableAddresses(%v) = %d, want %d", p, usableAddresses(p), want)
		}
		if n >= 4 {
			for _, off := range []int{0, 1, n - 2, n - 1} {
				if ip := nthAddr(p, off); !p.Contains(ip) || !isReservedAddr(p, ip) {
					t.Fatalf("address %d of %v (%v) must be inside and reserved", off, p, ip)
				}
			}
		}
		used := map[netip.Addr]string{}
		taken, _ := netip.ParseAddr(inUse)
		if taken.IsValid() {
			used[taken] = "someone"
		}
		ip, ok := nextFreeAddr(p, used)
		switch {
		case ok && (!p.Contains(ip) || isReservedAddr(p, ip) || used[ip] != ""):
			t.Fatalf("nextFreeAddr(%v, %v) = %v: outside, reserved or in use", p, inUse, ip)
		case !ok && usableAddresses(p) > 1, !ok && usableAddresses(p) == 1 && nthAddr(p, 2) != taken:
			t.Fatalf("nextFreeAddr(%v, %v) found nothing in a range with room", p, inUse)
		}
	})
}
