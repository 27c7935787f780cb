package psc

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// validate checks every input that is known now and returns all problems at once.
func (a *DnsBindingArgs) validate(name string) error {
	var p problems
	p.add("name", checkComponentName(name))
	if a.Project != "" {
		p.add("project", checkProject(a.Project))
	}
	if err := checkHostname(a.Hostname); err != nil {
		p.add("hostname", err)
	} else if domains, ok := knownArray(a.AutomaticDnsDomains); ok {
		p.add("hostname", automaticDNSClaim(a.Hostname, domains))
	}
	a.validateIPAddresses(&p)
	if a.Ttl != nil && (*a.Ttl < 1 || *a.Ttl > 86400) {
		p.addf("ttl", "must be between 1 and 86400 seconds, got %d", *a.Ttl)
	}
	if a.Protocol != "" && !slices.Contains(chain.Protocols, a.Protocol) {
		p.addf("protocol", "must be HTTPS or HTTP, got %q", a.Protocol)
	} else if producer, ok := knownString(a.ProducerProtocol); ok {
		a.protocolProblems(&p, producer)
	}
	checkLabels(&p, a.Labels)
	if a.ExistingZoneName != "" {
		if len(a.Labels) > 0 {
			p.addf("labels", "apply only to a zone the component creates, not with existingZoneName (a record set takes no labels)")
		}
		if !resourceNameRe.MatchString(a.ExistingZoneName) {
			p.addf("existingZoneName", "must be a managed zone name (lowercase letters, digits and hyphens), got %q", a.ExistingZoneName)
		}
		if a.ZoneDnsName != "" {
			p.addf("zoneDnsName", "applies only to a zone the component creates, not with existingZoneName")
		}
		return p.err()
	}
	if noNetworks(a.Networks) {
		p.addf("networks", "is required when the component creates the zone: a private zone resolves only in the networks it lists")
	}
	if arr, ok := a.Networks.(pulumi.StringArray); ok {
		for i, n := range arr {
			checkKnown(&p, fmt.Sprintf("networks[%d]", i), n, checkNetworkRef)
		}
	}
	if a.ZoneDnsName != "" {
		if err := checkDNSZoneName(a.ZoneDnsName); err != nil {
			p.add("zoneDnsName", err)
		} else if a.Hostname != "" && !inZone(a.Hostname, a.ZoneDnsName) {
			p.addf("hostname", "%q is not inside the zone %s", a.Hostname, a.ZoneDnsName)
		}
	}
	return p.err()
}

// noNetworks reports whether networks is missing or a known empty list.
func noNetworks(n pulumi.StringArrayInput) bool {
	if n == nil {
		return true
	}
	arr, ok := n.(pulumi.StringArray)
	return ok && len(arr) == 0
}

// inZone reports whether host (no trailing dot) is the zone's apex or a name under it.
func inZone(host, zone string) bool {
	fqdn := host + "."
	return fqdn == zone || strings.HasSuffix(fqdn, "."+zone)
}
