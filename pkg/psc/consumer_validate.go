package psc

import (
	"fmt"
)

// validate checks every input that is known now and returns all problems at once.
func (a *ConsumerEndpointArgs) validate(name string) error {
	var p problems
	p.add("name", checkComponentName(name))
	if a.Project != "" {
		p.add("project", checkProject(a.Project))
	}
	if a.Region != "" {
		p.add("region", checkRegion(a.Region))
	}
	if !given(a.Network) {
		p.addf("network", "is required: the consumer VPC")
	}
	if !given(a.Subnetwork) {
		p.addf("subnetwork", "is required: a regular subnet of the consumer VPC in the attachment's region")
	}
	checkKnown(&p, "network", a.Network, checkNetworkRef)
	checkKnown(&p, "subnetwork", a.Subnetwork, checkSubnetShape)
	checkNetworkProject(&p, a.NetworkProject, a.Network)
	if a.ProducerStack != "" {
		p.add("producerStack", checkStackName(a.ProducerStack))
		p.add("producerStackOutput", checkOutputName(a.ProducerStackOutput))
	}
	if a.IpAddress != "" {
		_, err := parseIPv4(a.IpAddress)
		p.add("ipAddress", err)
	}
	a.validateAttachment(&p)
	checkLabels(&p, a.Labels)
	checkNameOverride(&p, "endpointName", a.EndpointName, maxComputeName, "forwarding rule name")
	if domains, ok := knownArray(a.ProducerDomainNames); ok {
		for i, d := range domains {
			p.add(fmt.Sprintf("producerDomainNames[%d]", i), checkDNSZoneName(d))
		}
	}
	if sd := a.ServiceDirectoryRegistrations; sd != nil {
		p.add("serviceDirectoryRegistrations.namespace", checkDirectoryName(sd.Namespace, "namespace"))
		p.add("serviceDirectoryRegistrations.service", checkDirectoryName(sd.Service, "service"))
	}
	if f := a.Firewall; f != nil {
		if len(f.ClientRanges) == 0 && len(f.ClientTags) == 0 {
			p.addf("firewall", "give clientRanges, clientTags or both: the clients allowed to reach the endpoint")
		}
		for i, in := range f.ClientRanges {
			if r, ok := knownOrNil(in); ok {
				p.add(fmt.Sprintf("firewall.clientRanges[%d]", i), checkClientRange(r))
			}
		}
		for i, in := range f.ClientTags {
			if t, ok := knownOrNil(in); ok {
				p.add(fmt.Sprintf("firewall.clientTags[%d]", i), checkNetworkTag(t))
			}
		}
		for i, port := range f.Ports {
			if port < 1 || port > 65535 {
				p.addf(fmt.Sprintf("firewall.ports[%d]", i), "must be between 1 and 65535, got %d", port)
			}
		}
		if f.Priority != nil && (*f.Priority < 0 || *f.Priority > 65535) {
			p.addf("firewall.priority", "must be between 0 and 65535, got %d", *f.Priority)
		}
	}
	return p.err()
}

// validateAttachment checks the exactly-one-of between serviceAttachment and producerStack, a
// plain attachment URI, and that an explicit region matches the attachment's.
func (a *ConsumerEndpointArgs) validateAttachment(p *problems) {
	byURI, byStack := given(a.ServiceAttachment), a.ProducerStack != ""
	if byURI == byStack {
		p.addf("serviceAttachment", "give exactly one of serviceAttachment (the URI) and producerStack (read it from the producer's stack)")
		return
	}
	uri, known := knownString(a.ServiceAttachment)
	if !byURI || !known {
		return
	}
	ref, err := ParseServiceAttachmentURI(uri)
	if err != nil {
		p.add("serviceAttachment", err)
		return
	}
	if a.Region != "" && a.Region != ref.Region {
		p.addf("region", "%s differs from the service attachment's region %s; a PSC endpoint must be in the attachment's region",
			a.Region, ref.Region)
	}
}

// validateExisting checks, through pulumi-gcp lookups, a subnetwork given as a plain value: it
// exists in the endpoint's region (the service attachment's, when known now) and in the consumer
// VPC, it is a regular subnet, and it holds a fixed ipAddress.
func (a *ConsumerEndpointArgs) validateExisting(l lookup) error {
	link, ok := knownString(a.Subnetwork)
	if !ok || link == "" {
		return nil
	}
	region := a.Region
	if uri, ok := knownString(a.ServiceAttachment); ok && region == "" {
		ref, _ := ParseServiceAttachmentURI(uri) // already validated
		region = ref.Region
	}
	vpc := ""
	if network, ok := knownString(a.Network); ok {
		vpc, _ = networkSelfLink(network, hostProject(a.NetworkProject, a.Project))
	}
	var p problems
	subnet, err := l.existingSubnet(link, place{hostProject(a.NetworkProject, a.Project), region, vpc, "the service attachment's region, where the endpoint must be"}, regularPurpose)
	p.add("subnetwork", err)
	checkHostInExisting(&p, "ipAddress", a.IpAddress, subnet)
	return p.err()
}

// checkClientRange checks a firewall source range.
func checkClientRange(r string) error {
	_, err := parseIPv4Range(r)
	return err
}

// checkNetworkTag checks a network tag.
func checkNetworkTag(t string) error {
	if !resourceNameRe.MatchString(t) {
		return fmt.Errorf("must be a network tag (lowercase letters, digits and hyphens), got %q", t)
	}
	return nil
}

// checkDirectoryName checks a Service Directory namespace or service name ("" is unset).
func checkDirectoryName(s, what string) error {
	if s != "" && (!resourceNameRe.MatchString(s) || len(s) > 63) {
		return fmt.Errorf("must be a Service Directory %s: at most 63 lowercase letters, digits and hyphens, starting with a letter, got %q", what, s)
	}
	return nil
}
