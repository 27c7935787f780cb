package gcpsim

import (
	"fmt"
	"net/netip"
)

// parseCIDR parses an IPv4 range as GCP accepts it: a network address and a prefix
// length, with no host bits set.
func parseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 CIDR range", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("%q has host bits set (did you mean %s?)", s, p.Masked())
	}
	return p, nil
}

// rangeSize is the number of addresses in an IPv4 prefix.
func rangeSize(p netip.Prefix) int { return 1 << (32 - p.Bits()) }

// usableAddresses is the number of addresses GCP can hand out in a subnet: it reserves the
// network and gateway addresses and the last two addresses of every primary range.
func usableAddresses(p netip.Prefix) int {
	if n := rangeSize(p) - 4; n > 0 {
		return n
	}
	return 0
}

// nthAddr returns the address at offset i from the start of p.
func nthAddr(p netip.Prefix, i int) netip.Addr {
	b := p.Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v += uint32(i)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func gatewayOf(p netip.Prefix) netip.Addr { return nthAddr(p, 1) }

// isReservedAddr reports whether ip is one of the four addresses GCP keeps in a subnet.
func isReservedAddr(p netip.Prefix, ip netip.Addr) bool {
	n := rangeSize(p)
	for _, off := range []int{0, 1, n - 2, n - 1} {
		if nthAddr(p, off) == ip {
			return true
		}
	}
	return false
}

// nextFreeAddr returns the lowest usable address of p that is not taken in used (address
// to holder, as usedIPs returns it).
func nextFreeAddr(p netip.Prefix, used map[netip.Addr]string) (netip.Addr, bool) {
	for i := 2; i < rangeSize(p)-2; i++ {
		if ip := nthAddr(p, i); used[ip] == "" {
			return ip, true
		}
	}
	return netip.Addr{}, false
}

// autoModeRange is the range an auto mode VPC reserves for its automatically created
// subnets.
var autoModeRange = netip.MustParsePrefix("10.128.0.0/9")
