package gcpsim

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

const (
	networkToken    = "gcp:compute/network:Network"
	subnetworkToken = "gcp:compute/subnetwork:Subnetwork"
	firewallToken   = "gcp:compute/firewall:Firewall"
	addressToken    = "gcp:compute/address:Address"
)

// Subnet purposes.
const (
	purposePrivate         = "PRIVATE"
	purposeProxyOnly       = "REGIONAL_MANAGED_PROXY"
	purposeGlobalProxyOnly = "GLOBAL_MANAGED_PROXY"
	purposePSC             = "PRIVATE_SERVICE_CONNECT"
	minProxyOnlyPrefix     = 26
	maxSubnetPrefixBits    = 29
)

var _ = register(&kind{
	token:      networkToken,
	collection: "networks",
	noun:       "network",
	scope:      scopeGlobal,
	autoName:   true,
	nameRule:   computeName,
	nameAtPlan: true,
	enums: map[string][]string{
		"routingMode":                           {"REGIONAL", "GLOBAL"},
		"networkFirewallPolicyEnforcementOrder": {"BEFORE_CLASSIC_FIREWALL", "AFTER_CLASSIC_FIREWALL"},
		"bgpBestPathSelectionMode":              {"LEGACY", "STANDARD"},
		"bgpInterRegionCost":                    {"DEFAULT", "ADD_COST_TO_MED"},
	},
	forceNew: []string{"name", "project", "autoCreateSubnetworks", "description", "enableUlaInternalIpv6", "internalIpv6Range", "networkProfile", "params"},
	computed: []string{"selfLink", "networkId", "numericId", "gatewayIpv4"},
	defaults: map[string]any{"autoCreateSubnetworks": true, "deleteDefaultRoutesOnCreate": false, "networkFirewallPolicyEnforcementOrder": "AFTER_CLASSIC_FIREWALL"},
	apiDefaults: map[string]any{
		"routingMode": "REGIONAL", "mtu": 1460, "bgpAlwaysCompareMed": false, "bgpBestPathSelectionMode": "LEGACY",
	},
	suppress: map[string]string{"networkProfile": suppressRelativePaths},
	apiCheck: func(in obj, f *failures) {
		if mtu, ok := in.num("mtu"); ok && (mtu < 1300 || mtu > 8896) { // NET-MTU
			f.add("mtu", "The MTU must be between 1300 and 8896 bytes, got %v.", mtu)
		}
	},
	apply: func(o *op) error {
		o.keep("networkId", func() any { return o.number() })
		o.out()["numericId"] = o.out()["networkId"]
		o.out()["gatewayIpv4"] = ""
		return nil
	},
})

var _ = register(&kind{
	token:       subnetworkToken,
	collection:  "subnetworks",
	noun:        "subnetwork",
	scope:       scopeRegional,
	autoName:    true,
	nameRule:    computeName,
	nameAtPlan:  true,
	required:    []string{"network"},
	apiRequired: []string{"ipCidrRange"},
	enums: map[string][]string{
		"role":           {"ACTIVE", "BACKUP"},
		"stackType":      {"IPV4_ONLY", "IPV4_IPV6", "IPV6_ONLY"},
		"ipv6AccessType": {"EXTERNAL", "INTERNAL"},
		"logConfig.aggregationInterval": {"INTERVAL_5_SEC", "INTERVAL_30_SEC", "INTERVAL_1_MIN", "INTERVAL_5_MIN",
			"INTERVAL_10_MIN", "INTERVAL_15_MIN"},
		"logConfig.metadata": {"EXCLUDE_ALL_METADATA", "INCLUDE_ALL_METADATA", "CUSTOM_METADATA"},
	},
	atLeastOneOf: [][]string{{"logConfig.aggregationInterval", "logConfig.filterExpr", "logConfig.flowSampling", "logConfig.metadata"}},
	apiEnums: map[string][]string{
		"purpose": {"PRIVATE", "PRIVATE_RFC_1918", "REGIONAL_MANAGED_PROXY", "GLOBAL_MANAGED_PROXY", "PRIVATE_SERVICE_CONNECT", "PRIVATE_NAT", "INTERNAL_HTTPS_LOAD_BALANCER", "PEER_MIGRATION"},
	},
	forceNew:  []string{"name", "project", "region", "network", "description", "enableFlowLogs", "externalIpv6Prefix", "ipCollection", "reservedInternalRange", "params"},
	replaceIf: subnetRangeShrinks,
	computed:  []string{"selfLink", "gatewayAddress", "fingerprint", "subnetworkId", "creationTimestamp", "state"},
	apiDefaults: map[string]any{"purpose": purposePrivate, "stackType": "IPV4_ONLY", "privateIpGoogleAccess": false, "enableFlowLogs": false,
		"secondaryIpRanges": []any{}, "allowSubnetCidrRoutesOverlap": false},
	suppress: map[string]string{"network": suppressSelfLinkOrName, "region": suppressSelfLinkOrName,
		"reservedInternalRange": suppressSelfLinkOrName, "logConfig": "subnetworkLogConfigDiffSuppress"},
	check:      checkSubnetwork,
	apiCheck:   checkSubnetworkAPI,
	apply:      applySubnetwork,
	latencyKey: func(in obj) string { return in.str("purpose") },
})

// subnetRangeShrinks replaces a subnet when its primary range changes other than by
// expansion, which is the only in-place change GCP allows (SUBNET-EXPAND).
func subnetRangeShrinks(key string, old, new any) bool {
	if key != "ipCidrRange" {
		return false
	}
	o, errO := parseCIDR(fmt.Sprint(old))
	n, errN := parseCIDR(fmt.Sprint(new))
	if errO != nil || errN != nil {
		return true
	}
	return !(n.Bits() <= o.Bits() && n.Contains(o.Addr()))
}

func isProxyOnly(purpose string) bool {
	return purpose == purposeProxyOnly || purpose == "GLOBAL_MANAGED_PROXY" || purpose == "INTERNAL_HTTPS_LOAD_BALANCER"
}

// isRegularPurpose reports whether a subnet can hold VMs, addresses and forwarding rules.
func isRegularPurpose(purpose string) bool {
	return purpose == "" || purpose == purposePrivate || purpose == "PRIVATE_RFC_1918"
}

// checkSubnetwork is what the provider checks at plan time: the range parses as CIDR
// (SUBNET-CIDR-SYNTAX; host bits are the API's concern).
func checkSubnetwork(in obj, f *failures) {
	if in.known("ipCidrRange") {
		if _, err := netip.ParsePrefix(in.str("ipCidrRange")); err != nil {
			f.add("ipCidrRange", "%q is not a valid IP CIDR range: %v", in.str("ipCidrRange"), err)
		}
	}
}

// checkSubnetworkAPI is what the API refuses in a subnet request.
func checkSubnetworkAPI(in obj, f *failures) {
	purpose := in.str("purpose")
	if in.known("ipCidrRange") {
		if pfx, err := parseCIDR(in.str("ipCidrRange")); err != nil { // SUBNET-CIDR-CANONICAL
			f.add("ipCidrRange", "%v", err)
		} else if pfx.Bits() > maxSubnetPrefixBits {
			f.add("ipCidrRange", "The primary range of a subnetwork must be /%d or larger, got %s.", maxSubnetPrefixBits, pfx)
		} else if isProxyOnly(purpose) && pfx.Bits() > minProxyOnlyPrefix { // SUBNET-PROXY-SIZE
			f.add("ipCidrRange", "A proxy-only subnetwork (purpose %s) must be /%d or larger (/23 recommended), got %s.", purpose, minProxyOnlyPrefix, pfx)
		}
	}
	switch { // SUBNET-PROXY-ROLE
	case isProxyOnly(purpose) && !in.has("role"):
		f.add("role", "A role (ACTIVE or BACKUP) is required for a subnetwork with purpose %s.", purpose)
	case !isProxyOnly(purpose) && in.has("role"):
		f.add("role", "A role can only be set for a subnetwork with purpose REGIONAL_MANAGED_PROXY or GLOBAL_MANAGED_PROXY, not %s.", firstNonEmpty(purpose, purposePrivate))
	}
}

// subnetsOf returns the subnets of a network, ordered by ID.
func (t *tx) subnetsOf(networkID string) []*Record {
	var out []*Record
	for _, r := range t.st.byType(subnetworkToken) {
		if slices.Contains(r.Uses, networkID) {
			out = append(out, r)
		}
	}
	return out
}

func subnetPrefix(r *Record) netip.Prefix {
	p, _ := parseCIDR(r.out().str("ipCidrRange"))
	return p
}

func subnetPurpose(r *Record) string { return firstNonEmpty(r.out().str("purpose"), purposePrivate) }

func applySubnetwork(o *op) error {
	netw, err := o.resolve("network", o.in.str("network"), "networks", false)
	if err != nil {
		return err
	}
	o.use(netw)
	o.out()["network"] = selfLinkOf(netw.ID)
	cidr := o.in.str("ipCidrRange")
	pfx, err := parseCIDR(cidr)
	if err != nil {
		return errInvalidField("ipCidrRange", cidr, err.Error())
	}
	if auto, _ := netw.out().boolean("autoCreateSubnetworks"); auto && pfx.Overlaps(autoModeRange) {
		return errBadRequest("invalid", "Invalid IPCidrRange: %s conflicts with the range %s reserved by auto mode network '%s'.", cidr, autoModeRange, netw.Name)
	}
	for _, other := range o.t.subnetsOf(netw.ID) {
		if other.ID != o.rec.ID && subnetPrefix(other).Overlaps(pfx) {
			return errBadRequest("invalid", "Invalid IPCidrRange: %s conflicts with existing subnetwork '%s' in region '%s'.", cidr, other.Name, other.Region)
		}
	}
	if err := o.checkActiveProxyOnly(netw); err != nil {
		return err
	}
	if o.old != nil {
		if err := o.checkPurposeChange(); err != nil {
			return err
		}
		if err := o.checkRangeStillHoldsAddresses(pfx); err != nil {
			return err
		}
	}
	o.out()["state"] = "READY"
	o.out()["gatewayAddress"] = gatewayOf(pfx).String()
	o.keepNumericID("subnetworkId")
	o.out()["fingerprint"] = o.fingerprint()
	return nil
}

// checkPurposeChange refuses a purpose change other than the documented migration of a
// proxy-only subnet to REGIONAL_MANAGED_PROXY (SUBNET-PURPOSE): the provider sends purpose in
// place, and the API decides.
func (o *op) checkPurposeChange() error {
	from, to := subnetPurpose(o.old), firstNonEmpty(o.in.str("purpose"), purposePrivate)
	if from == to || (from == "INTERNAL_HTTPS_LOAD_BALANCER" && to == purposeProxyOnly) {
		return nil
	}
	return errInvalidField("purpose", to, fmt.Sprintf("The purpose of subnetwork '%s' cannot be changed from %s to %s.", o.rec.Name, from, to))
}

// checkActiveProxyOnly enforces one ACTIVE proxy-only subnet per VPC and region
// (SUBNET-PROXY-ONE-ACTIVE).
func (o *op) checkActiveProxyOnly(netw *Record) error {
	purpose := o.in.str("purpose")
	if !isProxyOnly(purpose) || o.in.str("role") != "ACTIVE" {
		return nil
	}
	for _, other := range o.t.subnetsOf(netw.ID) {
		if other.ID == o.rec.ID || other.Region != o.rec.Region || subnetPurpose(other) != purpose {
			continue
		}
		if other.out().str("role") == "ACTIVE" {
			return errInvalidField("role", "ACTIVE", fmt.Sprintf(
				"An ACTIVE subnetwork with purpose %s already exists in region '%s' of network '%s': '%s'. Only one can be active per VPC and region.",
				purpose, o.rec.Region, netw.Name, other.Name))
		}
	}
	return nil
}

func (o *op) checkRangeStillHoldsAddresses(pfx netip.Prefix) error {
	for ip := range o.t.usedIPs(o.rec.ID, "") {
		if !pfx.Contains(ip) {
			return errInvalidField("ipCidrRange", pfx.String(), fmt.Sprintf("The new range does not contain address %s in use in the subnetwork.", ip))
		}
	}
	return nil
}

// usedIPs returns the addresses taken in a subnet by addresses and forwarding rules,
// ignoring the resource except.
func (t *tx) usedIPs(subnetID, except string) map[netip.Addr]string {
	used := map[netip.Addr]string{}
	for _, r := range t.st.matching(func(r *Record) bool { return r.ID != except && slices.Contains(r.Uses, subnetID) }) {
		for _, key := range []string{"address", "ipAddress"} {
			if ip, err := netip.ParseAddr(r.out().str(key)); err == nil {
				if _, taken := used[ip]; !taken {
					used[ip] = r.ID
				}
			}
		}
	}
	return used
}

// regularSubnet resolves a subnet that must be of a regular purpose and in the resource's
// region, as endpoint addresses and load balancer forwarding rules need.
func (o *op) regularSubnet(field, value, use string) (*Record, error) {
	sub, err := o.resolve(field, value, "subnetworks", true)
	if err != nil {
		return nil, err
	}
	if err := o.sharedVPC(field, value, sub); err != nil {
		return nil, err
	}
	if o.rec.Region != "" && sub.Region != o.rec.Region { // a global resource takes its region from the subnet
		return nil, errInvalidField(field, value, fmt.Sprintf("The subnetwork is in region '%s', but the resource is in region '%s'; they must be in the same region.", sub.Region, o.rec.Region))
	}
	if purpose := subnetPurpose(sub); !isRegularPurpose(purpose) {
		return nil, errInvalidField(field, value, fmt.Sprintf("A subnetwork with purpose %s cannot host %s; use a regular subnetwork (purpose PRIVATE).", purpose, use))
	}
	return sub, nil
}

// allocateIP validates a requested address or picks the next free one in the subnet.
func (o *op) allocateIP(sub *Record, field, requested string) (string, error) {
	pfx := subnetPrefix(sub)
	used := o.t.usedIPs(sub.ID, o.rec.ID)
	if requested == "" {
		if o.old != nil {
			if prev := o.old.out().str(field); prev != "" {
				return prev, nil
			}
		}
		ip, ok := nextFreeAddr(pfx, used)
		if !ok {
			return "", errBadRequest("ipSpaceExhausted", "IP space of '%s' is exhausted.", sub.ID)
		}
		return ip.String(), nil
	}
	ip, err := netip.ParseAddr(requested)
	if err != nil || !ip.Is4() {
		return "", errInvalidField(field, requested, "Not a valid IPv4 address.")
	}
	if !pfx.Contains(ip) {
		return "", errInvalidField(field, requested, fmt.Sprintf("Requested internal IP address is outside the range %s of subnetwork '%s'.", pfx, sub.Name))
	}
	if isReservedAddr(pfx, ip) {
		return "", errInvalidField(field, requested, fmt.Sprintf("Requested internal IP address is reserved in subnetwork '%s' (network, gateway and the last two addresses are reserved).", sub.Name))
	}
	if holder, taken := used[ip]; taken {
		return "", errIPInUse(requested, holder)
	}
	return requested, nil
}

var _ = register(&kind{
	token:      firewallToken,
	collection: "firewalls",
	noun:       "firewall",
	scope:      scopeGlobal,
	autoName:   true,
	nameRule:   computeName,
	nameAtPlan: true,
	required:   []string{"network"},
	enums:      map[string][]string{"direction": {"INGRESS", "EGRESS"}, "logConfig.metadata": {"EXCLUDE_ALL_METADATA", "INCLUDE_ALL_METADATA"}},
	conflicts: map[string][]string{
		"sourceServiceAccounts": {"sourceTags", "targetTags"},
		"sourceTags":            {"sourceServiceAccounts", "targetServiceAccounts"},
		"targetServiceAccounts": {"sourceTags", "targetTags"},
		"targetTags":            {"sourceServiceAccounts", "targetServiceAccounts"},
	},
	exactlyOneOf: [][]string{{"allows", "denies"}}, // FW-ALLOW-DENY
	forceNew:     []string{"name", "project", "direction", "params"},
	computed:     []string{"selfLink", "creationTimestamp"},
	defaults:     map[string]any{"priority": 1000},
	apiDefaults:  map[string]any{"direction": "INGRESS", "disabled": false},
	sets:         []string{"allows", "denies", "destinationRanges", "sourceRanges", "sourceServiceAccounts", "sourceTags", "targetServiceAccounts", "targetTags"},
	suppress: map[string]string{"network": suppressSelfLinkOrName, "logConfig": "diffSuppressEnableLogging",
		"sourceRanges": "diffSuppressSourceRanges"},
	check:    checkFirewall,
	apiCheck: checkFirewallAPI,
	apply: func(o *op) error {
		netw, err := o.resolve("network", o.in.str("network"), "networks", false)
		if err != nil {
			return err
		}
		o.use(netw)
		o.out()["network"] = selfLinkOf(netw.ID)
		return nil
	},
})

var firewallProtocols = []string{"tcp", "udp", "icmp", "esp", "ah", "sctp", "ipip", "all"}

// checkFirewall is what the provider checks at plan time beyond the field properties.
func checkFirewall(in obj, f *failures) {
	if prio, ok := in.num("priority"); ok && (prio < 0 || prio > 65535) { // FW-PRIORITY
		f.add("priority", "expected priority to be in the range (0 - 65535), got %v", prio)
	}
	if in.str("direction") != "EGRESS" && !in.has("sourceTags") && !in.has("sourceRanges") && !in.has("sourceServiceAccounts") { // FW-SOURCE
		f.add("sourceRanges", "one of sourceTags, sourceRanges, or sourceServiceAccounts must be defined")
	}
}

// checkFirewallAPI is what the API refuses in a firewall request (FW-PROTOCOL, FW-RANGES).
func checkFirewallAPI(in obj, f *failures) {
	for _, field := range []string{"allows", "denies"} {
		for i, r := range in.objs(field) {
			if proto := r.str("protocol"); r.known("protocol") && !slices.Contains(firewallProtocols, strings.ToLower(proto)) && !isNumber(proto) {
				f.add(fmt.Sprintf("%s[%d].protocol", field, i), "Invalid IP protocol %q: a protocol name (%s) or an IP protocol number.", proto, strings.Join(firewallProtocols, ", "))
			}
		}
	}
	for _, field := range []string{"sourceRanges", "destinationRanges"} {
		for i, r := range in.strs(field) {
			if _, err := netip.ParsePrefix(r); err != nil {
				if _, errIP := netip.ParseAddr(r); errIP != nil {
					f.add(fmt.Sprintf("%s[%d]", field, i), "%q is not a valid CIDR range or IP address.", r)
				}
			}
		}
	}
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

var _ = register(&kind{
	token:      addressToken,
	collection: "addresses",
	noun:       "address",
	scope:      scopeRegional,
	autoName:   true,
	nameRule:   computeName,
	nameAtPlan: true,
	enums: map[string][]string{
		"addressType":      {"INTERNAL", "EXTERNAL"},
		"networkTier":      {"PREMIUM", "STANDARD"},
		"ipVersion":        {"IPV4", "IPV6"},
		"ipv6EndpointType": {"VM", "NETLB"},
	},
	secrets: labelSecrets,
	apiEnums: map[string][]string{
		"purpose": {"GCE_ENDPOINT", "SHARED_LOADBALANCER_VIP", "VPC_PEERING", "IPSEC_INTERCONNECT", "PRIVATE_SERVICE_CONNECT", "SERVERLESS", "DNS_RESOLVER", "IPV6_ONLY"},
	},
	forceNew:    []string{"name", "project", "region", "address", "addressType", "description", "ipVersion", "network", "networkTier", "prefixLength", "purpose", "subnetwork", "ipv6EndpointType"},
	computed:    []string{"address", "selfLink", "users", "creationTimestamp", "labelFingerprint", "effectiveLabels", "pulumiLabels"},
	defaults:    map[string]any{"addressType": "EXTERNAL"},
	apiDefaults: map[string]any{"networkTier": "PREMIUM", "prefixLength": 0, "labels": map[string]any{}},
	suppress: map[string]string{"ipVersion": `EmptyOrDefaultStringSuppress("IPV4")`, "network": suppressSelfLinkOrName,
		"region": suppressSelfLinkOrName, "subnetwork": suppressSelfLinkOrName},
	apiCheck: checkAddress,
	apply:    applyAddress,
	refresh: func(t *tx, r *Record) {
		users := []any{}
		for _, u := range t.usersOf(r.ID) {
			users = append(users, u.SelfLink())
		}
		r.Outputs["users"] = users
	},
})

// checkAddress is what the API refuses in an address request (ADDR-INTERNAL-SUBNET).
func checkAddress(in obj, f *failures) {
	checkLabels(in, f)
	internal := in.str("addressType") == "INTERNAL"
	if internal && !in.has("subnetwork") && in.str("purpose") != "VPC_PEERING" {
		f.add("subnetwork", "subnetwork is required for an INTERNAL address: the address is allocated from that subnet's range")
	}
	if !internal && in.known("subnetwork") {
		f.add("subnetwork", "subnetwork can only be set for an INTERNAL address")
	}
	if in.known("address") {
		if ip, err := netip.ParseAddr(in.str("address")); err != nil || !ip.Is4() {
			f.add("address", "%q is not an IPv4 address", in.str("address"))
		}
	}
}

func applyAddress(o *op) error {
	out := o.out()
	out["labelFingerprint"] = o.fingerprint()
	o.mirrorLabels()
	out["users"] = []any{}
	if out.str("addressType") != "INTERNAL" {
		o.keep("address", func() any { return fakePublicIP(o.t.st.nextNumber()) })
		return nil
	}
	out.setDefault("purpose", "GCE_ENDPOINT")
	sub, err := o.regularSubnet("subnetwork", o.in.str("subnetwork"), "addresses")
	if err != nil {
		return err
	}
	ip, err := o.allocateIP(sub, "address", o.in.str("address"))
	if err != nil {
		return err
	}
	o.use(sub)
	out["address"] = ip
	out["subnetwork"] = selfLinkOf(sub.ID)
	out["network"] = sub.out().str("network")
	return nil
}

// fakePublicIP derives a stable, documentation-free external address from a serial number.
func fakePublicIP(n int64) string {
	return fmt.Sprintf("34.%d.%d.%d", (n>>16)&0xff, (n>>8)&0xff, n&0xff|1)
}
