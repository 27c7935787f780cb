package psc

import "fmt"

// validate checks every input that is known now and returns all problems at once. Inputs that are
// Outputs (unknown at preview, or read from other stacks) are checked when they resolve.
func (a *ProducerServiceArgs) validate(name string) error {
	var p problems
	p.add("name", checkProducerName(name))
	if a.Project != "" {
		p.add("project", checkProject(a.Project))
	}
	if a.Region != "" {
		p.add("region", checkRegion(a.Region))
	}
	if !given(a.Network) {
		p.addf("network", "is required: the producer VPC that holds the load balancer")
	}
	checkKnown(&p, "network", a.Network, checkNetworkRef)
	checkNetworkProject(&p, a.NetworkProject, a.Network)
	if a.Hostname != "" {
		p.add("hostname", checkHostname(a.Hostname))
	}
	a.validateCloudRun(&p)
	a.validateRegions(&p)
	a.validateSubnets(&p)
	a.validateSubnetKeys(&p, name)
	a.validateTLS(&p)
	a.validateClientAuth(&p)
	a.validateConsumers(&p)
	checkDomainNames(&p, "domainNames", a.DomainNames)
	if l := a.PropagatedConnectionLimit; l != nil && *l < 0 {
		p.addf("propagatedConnectionLimit", "must be 0 or more, got %d", *l)
	}
	a.BackendService.validate(&p)
	a.validateRoutes(&p, name)
	checkLabels(&p, a.Labels)
	checkAttachmentName(&p, "serviceAttachmentName", a.ServiceAttachmentName)
	return p.err()
}

// validatePlaced checks, once the project and region are known (given, or the component's
// provider's), what depends on them: that there is a region, that Certificate Manager
// certificates are in it, and the existing subnets and VPC (validateExisting).
// It returns the NAT capacity (natCapacity) of each subnet set as the lookups found it.
func (a *ProducerServiceArgs) validatePlaced(name string, l lookup) ([]int, error) {
	var p problems
	if a.Region == "" {
		p.addf("region", "is required: set it, or give the component's gcp provider a region (the gcp:region configuration for the default provider)")
		return nil, p.err()
	}
	a.checkPrimaryRegion(&p)
	a.checkRouteKeysInRegions(&p, name)
	a.checkAttachmentNamesUnique(&p)
	a.validatePrivatePlaced(&p)
	if t := a.Tls; t != nil {
		for i, in := range t.CertificateManagerCertificates {
			if c, ok := knownOrNil(in); ok {
				p.add(fmt.Sprintf("tls.certificateManagerCertificates[%d]", i), a.certManagerRegion(c))
			}
		}
	}
	if b := a.BackendService; b != nil {
		checkKnown(&p, "backendService.securityPolicy", b.SecurityPolicy, a.securityPolicyRegion)
	}
	capacity, err := a.validateExisting(name, l)
	if err != nil {
		p.errs = append(p.errs, err)
	}
	return capacity, p.err()
}
