package gcpsim

import (
	"fmt"
	"net/netip"
	"strings"
)

const (
	managedZoneToken = "gcp:dns/managedZone:ManagedZone"
	recordSetToken   = "gcp:dns/recordSet:RecordSet"
)

var _ = register(&kind{
	token:      managedZoneToken,
	collection: "managedZones",
	noun:       "managed_zone",
	scope:      scopeProject,
	autoName:   true,
	nameRule:   computeName,
	required:   []string{"dnsName", "privateVisibilityConfig.networks[].networkUrl"},
	enums: map[string][]string{
		"visibility": {"public", "private"},
		"dnssecConfig.defaultKeySpecs[].algorithm":            {"ecdsap256sha256", "ecdsap384sha384", "rsasha1", "rsasha256", "rsasha512"},
		"dnssecConfig.defaultKeySpecs[].keyType":              {"keySigning", "zoneSigning"},
		"dnssecConfig.nonExistence":                           {"nsec", "nsec3"},
		"dnssecConfig.state":                                  {"off", "on", "transfer"},
		"forwardingConfig.targetNameServers[].forwardingPath": {"default", "private"},
	},
	atLeastOneOf: [][]string{{"dnssecConfig.defaultKeySpecs", "dnssecConfig.kind", "dnssecConfig.nonExistence", "dnssecConfig.state"}},
	secrets:      labelSecrets,
	forceNew:     []string{"name", "project", "dnsName", "visibility"},
	computed:     []string{"managedZoneId", "nameServers", "creationTime", "effectiveLabels", "pulumiLabels"},
	defaults:     map[string]any{"visibility": "public", "description": "Managed by Pulumi", "forceDestroy": false},
	apiDefaults:  map[string]any{"labels": map[string]any{}},
	sets:         []string{"privateVisibilityConfig.networks"},
	suppress:     map[string]string{"visibility": suppressCase},
	check: func(in obj, f *failures) {
		if in.known("description") && in.str("description") == "" { // DNS-ZONE-DESCRIPTION
			f.add("description", "expected \"description\" to not be an empty string")
		}
	},
	apiCheck:  checkManagedZone,
	apply:     applyManagedZone,
	canDelete: zoneEmpty,
})

// checkManagedZone is what the API refuses in a zone request (DNS-ZONE-DOT,
// DNS-PRIVATE-NETWORKS).
func checkManagedZone(in obj, f *failures) {
	checkLabels(in, f)
	if in.known("dnsName") && !strings.HasSuffix(in.str("dnsName"), ".") {
		f.add("dnsName", "DNS name %q must end with a dot", in.str("dnsName"))
	}
	if in.str("visibility") != "private" {
		if in.known("privateVisibilityConfig") && in.known("visibility") {
			f.add("privateVisibilityConfig", "privateVisibilityConfig can only be set when visibility is private")
		}
		return
	}
	pvc := in.sub("privateVisibilityConfig")
	if in.unknown("privateVisibilityConfig") || (pvc != nil && pvc.unknown("networks")) {
		return
	}
	if pvc == nil || len(pvc.list("networks")) == 0 {
		f.add("privateVisibilityConfig", "a private zone needs privateVisibilityConfig with at least one network: it is visible only to the networks listed there")
	}
}

func applyManagedZone(o *op) error {
	out := o.out()
	for i, n := range o.in.sub("privateVisibilityConfig").objs("networks") {
		field := fmt.Sprintf("privateVisibilityConfig.networks[%d].networkUrl", i)
		netw, err := o.resolve(field, n.str("networkUrl"), "networks", false)
		if err != nil {
			return err
		}
		o.use(netw)
	}
	o.keep("managedZoneId", func() any { return o.number() })
	o.keep("creationTime", func() any { return o.timestamp() })
	if out.str("visibility") == "private" {
		out["nameServers"] = []any{"ns-gcp-private.googledomains.com."}
	} else {
		shard := o.number()
		shard = shard[len(shard)-1:]
		out["nameServers"] = []any{
			"ns-cloud-a" + shard + ".googledomains.com.", "ns-cloud-b" + shard + ".googledomains.com.",
			"ns-cloud-c" + shard + ".googledomains.com.", "ns-cloud-d" + shard + ".googledomains.com.",
		}
	}
	o.mirrorLabels()
	return nil
}

// zoneEmpty refuses to delete a zone that still holds record sets, unless forceDestroy
// is set, in which case the records go with it.
func zoneEmpty(t *tx, zone *Record) error {
	records := t.usersOf(zone.ID)
	if len(records) == 0 {
		return nil
	}
	if force, _ := zone.out().boolean("forceDestroy"); force {
		for _, r := range records {
			delete(t.st.Resources, r.ID)
			t.st.event("delete", r)
		}
		return nil
	}
	return errBadRequest("containerNotEmpty", "The resource named '%s' cannot be deleted because it is not empty", zone.Name)
}

var recordTypes = []string{"A", "AAAA", "CAA", "CNAME", "DNSKEY", "DS", "HTTPS", "IPSECKEY", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV", "SSHFP", "SVCB", "TLSA", "TXT"}

var _ = register(&kind{
	token:      recordSetToken,
	collection: "rrsets",
	noun:       "rrset",
	scope:      scopeCustom,
	required:   []string{"managedZone", "name", "type"},
	apiEnums:   map[string][]string{"type": recordTypes},
	enums: dnsHealthCheckedTargetEnums("routingPolicy.wrrs[].healthCheckedTargets", "routingPolicy.geos[].healthCheckedTargets",
		"routingPolicy.primaryBackup.primary", "routingPolicy.primaryBackup.backupGeos[].healthCheckedTargets"),
	conflicts: map[string][]string{
		"routingPolicy.enableGeoFencing": {"routingPolicy.primaryBackup", "routingPolicy.wrrs"},
		"routingPolicy.primaryBackup":    {"routingPolicy.enableGeoFencing"},
		"routingPolicy.wrrs":             {"routingPolicy.enableGeoFencing"},
	},
	exactlyOneOf: [][]string{{"routingPolicy", "rrdatas"}, {"routingPolicy.geos", "routingPolicy.primaryBackup", "routingPolicy.wrrs"}}, // DNS-RRDATAS
	// type is not ForceNew: the provider changes a record's type in place.
	forceNew: []string{"name", "project", "managedZone"},
	suppress: map[string]string{"managedZone": suppressSelfLinkOrName, "rrdatas": "rrdatasDnsDiffSuppress"},
	check:    checkRecordSet,
	apiCheck: checkRecordSetAPI,
	id: func(o *op) (string, error) {
		zone, err := o.zone()
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s/rrsets/%s/%s", zone.ID, o.in.str("name"), o.in.str("type")), nil
	},
	apply: func(o *op) error {
		zone, err := o.zone()
		if err != nil {
			return err
		}
		dnsName, name := zone.out().str("dnsName"), o.in.str("name")
		if name != dnsName && !strings.HasSuffix(name, "."+dnsName) {
			return errBadRequest("invalid", "The resource 'entity.change.additions[%s][%s]' named '%s (%s)' is not within the zone '%s' (DNS name %s)", name, o.in.str("type"), name, o.in.str("type"), zone.Name, dnsName)
		}
		o.use(zone)
		o.out()["managedZone"] = zone.Name
		return nil
	},
})

func (o *op) zone() (*Record, error) {
	value := o.in.str("managedZone")
	r, ok := parseRef(value, ref{Project: o.rec.Project, Collection: "managedZones"})
	if !ok || r.Collection != "managedZones" {
		return nil, errInvalidField("managedZone", value, "Expected a managed zone name or projects/P/managedZones/Z.")
	}
	return o.t.lookup(r)
}

// dnsHealthCheckedTargetEnums are the enums of a routing policy's health-checked targets, which the
// provider declares once (healthCheckedTargetSchema) and uses at each path given.
func dnsHealthCheckedTargetEnums(paths ...string) map[string][]string {
	enums := map[string][]string{}
	for _, p := range paths {
		enums[p+".internalLoadBalancers[].loadBalancerType"] = []string{"regionalL4ilb", "regionalL7ilb", "globalL7ilb"}
		enums[p+".internalLoadBalancers[].ipProtocol"] = []string{"tcp", "udp"}
	}
	return enums
}

// checkRecordSet is what the provider checks at plan time beyond the field properties
// (DNS-RECORD-DOT).
func checkRecordSet(in obj, f *failures) {
	if in.known("name") && !strings.HasSuffix(in.str("name"), ".") {
		f.add("name", "DNS name %q must end with a dot", in.str("name"))
	}
}

// checkRecordSetAPI is what the API refuses in a record request (DNS-RECORD-DATA).
func checkRecordSetAPI(in obj, f *failures) {
	if ttl, ok := in.num("ttl"); ok && ttl < 0 {
		f.add("ttl", "ttl must not be negative, got %v", ttl)
	}
	if in.str("type") != "A" {
		return
	}
	for i, d := range in.strs("rrdatas") {
		if ip, err := netip.ParseAddr(d); err != nil || !ip.Is4() {
			f.add(fmt.Sprintf("rrdatas[%d]", i), "an A record needs IPv4 addresses, got %q", d)
		}
	}
}
