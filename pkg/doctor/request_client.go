package doctor

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// client places the caller (docs/gcp-rules.md CLIENT-NETWORK): a VM sits in a regular subnet of
// its VPC in its region, at an address of that subnet. When the consumer stack holds the network
// and its subnets, a client that is not there sends nothing; when it does not (the VPC is often
// another stack's), doctor assumes the client is where the request says, and warns.
func (a *asked) client() *refusal {
	name := firstNonEmpty(a.req.Network, "default")
	a.network = chain.RelativeName(name)
	if !strings.Contains(a.network, "/") {
		a.network = "projects/" + a.req.Project + "/global/networks/" + name
	}
	fix := "give the client's --project, --network, --region and --subnet or --source-ip as the VM has them (`gcloud compute instances describe VM`)"
	net := live(a.consumer, chain.NetworkType, a.network)
	var subnets []*Resource
	for _, s := range a.consumer.ofType(chain.SubnetworkType) {
		if !s.Gone && chain.RelativeName(str(s.Outputs, "network")) == a.network && regionOf(s) == a.req.Region && regularPurpose(str(s.Outputs, "purpose")) {
			subnets = append(subnets, s)
		}
	}
	slices.SortFunc(subnets, func(x, y *Resource) int { return strings.Compare(id(x), id(y)) })
	if net == nil || len(subnets) == 0 {
		where := "the consumer stack holds no regular subnet of it in " + a.req.Region
		if net == nil {
			where = "the consumer stack does not hold it"
		}
		a.networkHeld = net != nil
		a.assume(chain.LinkClient, "`gcloud compute networks subnets list --network "+chain.NameOf(a.network)+" --regions "+a.req.Region+"`",
			"the client's network %s has a regular subnet in %s holding its address (%s)", a.network, a.req.Region, where)
		if a.req.SourceIP != "" {
			a.source = netip.MustParseAddr(a.req.SourceIP) // Validate parsed it
		}
		a.hop(chain.LinkClient, a.network, "%s in %s, region %s (not held by the consumer stack)", sourceText(a.source), a.network, a.req.Region)
		return nil
	}
	a.networkHeld = true
	if a.req.Subnet != "" {
		want := chain.RelativeName(a.req.Subnet)
		if !strings.Contains(want, "/") {
			want = "projects/" + a.req.Project + "/regions/" + a.req.Region + "/subnetworks/" + want
		}
		i := slices.IndexFunc(subnets, func(s *Resource) bool { return id(s) == want })
		if i < 0 {
			return dropped(chain.LinkClient, "CLIENT-NETWORK", ErrInvalidClient, fix,
				"subnet %s is not a regular subnet of %s in region %s", want, a.network, a.req.Region)
		}
		subnets = subnets[i : i+1]
	}
	var subnet *Resource
	if a.req.SourceIP == "" {
		subnet = subnets[0]
		if p, err := netip.ParsePrefix(str(subnet.Outputs, "ipCidrRange")); err == nil {
			a.source = p.Masked().Addr().Next().Next() // the first address Google hands out
		}
	} else {
		a.source = netip.MustParseAddr(a.req.SourceIP)
		for _, s := range subnets {
			if covers(str(s.Outputs, "ipCidrRange"), a.source.String()) {
				subnet = s
				break
			}
		}
		if subnet == nil {
			return dropped(chain.LinkClient, "CLIENT-NETWORK", ErrInvalidClient, fix,
				"source %s is in no regular subnet of %s in region %s", a.source, a.network, a.req.Region)
		}
	}
	a.hop(chain.LinkClient, subnet.ID, "%s in %s, region %s", a.source, a.network, a.req.Region)
	return nil
}

// regularPurpose reports whether a subnet's purpose lets VMs use it (not a proxy-only or a PSC
// NAT subnet).
func regularPurpose(p string) bool { return p == "" || p == "PRIVATE" || p == "PRIVATE_RFC_1918" }

func sourceText(ip netip.Addr) string {
	if ip.IsValid() {
		return ip.String()
	}
	return "a client"
}
