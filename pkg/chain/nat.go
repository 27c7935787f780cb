package chain

import "net/netip"

// The address arithmetic of subnets and PSC NAT capacity (docs/gcp-rules.md ADDR-FIXED-IP,
// SA-NAT-CAPACITY).

// ReservedAddresses are the four addresses of an IPv4 subnet range that Google Cloud keeps: the
// network address, the default gateway, the second-to-last and the broadcast address.
func ReservedAddresses(p netip.Prefix) []netip.Addr {
	p = p.Masked()
	if !p.Addr().Is4() || p.Bits() > 30 {
		return nil
	}
	last := broadcast(p)
	return []netip.Addr{p.Addr(), p.Addr().Next(), last.Prev(), last}
}

// UsableAddresses is how many addresses of an IPv4 subnet range resources can take: all but the
// four reserved; 0 for a range that is not IPv4 or holds no more than those.
func UsableAddresses(p netip.Prefix) int {
	if !p.IsValid() || !p.Addr().Is4() || p.Bits() > 29 {
		return 0
	}
	return 1<<(32-p.Bits()) - 4
}

// NATCapacity is how many PSC connections NAT subnets of these ranges hold: each accepted
// connection takes one usable address.
func NATCapacity(ranges ...netip.Prefix) int {
	n := 0
	for _, p := range ranges {
		n += UsableAddresses(p)
	}
	return n
}

// HoldsNATAddress reports whether a connection in this status holds a NAT address: an ACCEPTED
// one does; a NEEDS_ATTENTION one waits for one.
func HoldsNATAddress(status string) bool { return status == Accepted }

// NATFree is how many NAT addresses of capacity are free while used are held (never below 0).
func NATFree(capacity, used int) int { return max(capacity-used, 0) }

// broadcast is the last address of an IPv4 prefix.
func broadcast(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := (uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
