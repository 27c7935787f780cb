package psc

import (
	"fmt"
	"slices"
	"strings"
)

// validateRegions checks the regions input (producer_regions.go) and refuses what the
// cross-region load balancer does not take; the subnets of each region are checked with the
// others (validateSubnets).
func (a *ProducerServiceArgs) validateRegions(p *problems) {
	b := a.BackendService
	if len(a.Regions) == 0 {
		if b != nil && b.DisableOutlierDetection {
			p.addf("backendService.disableOutlierDetection", "applies only with regions, whose cross-region load balancer has outlier detection on by default; the regional load balancer has none unless backendService.outlierDetection sets it")
		}
		return
	}
	keys := a.regionKeys()
	if len(keys) == 1 {
		p.addf("regions", "lists one region, %s: use the top-level subnets for one region, or list two or more", keys[0])
	}
	checkRegionKeys(p, keys, regionPath)
	for _, r := range keys {
		e := a.Regions[r]
		if e.ExistingServiceName != "" && !resourceNameRe.MatchString(e.ExistingServiceName) {
			p.addf(regionPath(r)+".existingServiceName", "must be a Cloud Run service name (lowercase letters, digits and hyphens), got %q", e.ExistingServiceName)
		}
		if e.ExistingServiceName != "" && e.VpcEgress != nil {
			p.addf(regionPath(r)+".vpcEgress", "applies only to a service the component creates, not to the region's existingServiceName")
		}
		e.VpcEgress.validate(p, regionPath(r)+".vpcEgress")
		checkDomainNames(p, regionPath(r)+".domainNames", e.DomainNames)
		checkAttachmentName(p, regionPath(r)+".serviceAttachmentName", e.ServiceAttachmentName)
	}
	if a.Region != "" {
		a.checkPrimaryRegion(p)
		a.checkAttachmentNamesUnique(p)
	}
	a.refuseWithRegions(p)
	a.validateRegionsTLS(p)
	if b != nil && b.DisableOutlierDetection && b.OutlierDetection != nil {
		p.addf("backendService.disableOutlierDetection", "turns outlier detection off, so backendService.outlierDetection would be ignored: give one of them")
	}
	if slices.ContainsFunc(keys, func(r string) bool { return a.Regions[r].ExistingServiceName != "" }) {
		for i, in := range a.CloudRun.Invokers {
			if _, known := knownOrNil(in); !known {
				p.addf(fmt.Sprintf("cloudRun.invokers[%d]", i), "must be known when the program runs when a region names its existingServiceName: on a service the component does not own, each invoker is its own grant named by its member; give the member as a plain string")
			}
		}
	}
}

// checkPrimaryRegion checks that the primary region, region (given, or the provider's), is a key
// of regions.
func (a *ProducerServiceArgs) checkPrimaryRegion(p *problems) {
	if _, ok := a.Regions[a.Region]; !ok && len(a.Regions) > 0 {
		p.addf("region", "%q is the primary region (given, or the gcp provider's), which must be one of the regions offered: %s; set region to one of them",
			a.Region, strings.Join(a.regionKeys(), ", "))
	}
}

// refuseWithRegions refuses the inputs the cross-region load balancer does not take, each naming
// why (COMP-REGIONS, XLB-NO-ARMOR, XLB-GLOBAL-ACCESS, docs/gcp-rules.md).
func (a *ProducerServiceArgs) refuseWithRegions(p *problems) {
	if b := a.BackendService; b != nil && given(b.SecurityPolicy) {
		p.addf("backendService.securityPolicy", "cannot be used with regions: Cloud Armor covers the regional internal Application Load Balancer, not the cross-region one (https://cloud.google.com/armor/docs/security-policy-overview); remove it")
	}
	if a.AllowGlobalAccess {
		p.addf("allowGlobalAccess", "cannot be used with regions: the cross-region load balancer's forwarding rules are reachable from every region of the VPC already; remove it")
	}
	if len(a.DomainNames) > 0 && !a.regionalChain() {
		p.addf("domainNames", "cannot be used with regions without the top-level subnets: it is the regional load balancer's attachment's (beside the top-level subnets it stays that attachment's only); give each region's attachment its own, regions[REGION].domainNames")
	}
	if a.CloudRun.ExistingServiceName != "" {
		p.addf("cloudRun.existingServiceName", "cannot be used with regions: name the existing service of each region with regions[REGION].existingServiceName")
	}
	if a.CloudRun.VpcEgress != nil {
		p.addf("cloudRun.vpcEgress", "cannot be used with regions: give each region its own, regions[REGION].vpcEgress (Direct VPC egress subnets and Serverless VPC Access connectors are regional, and one setting would serve the services of every region)")
	}
	if a.ServiceAttachmentName != "" && !a.regionalChain() {
		p.addf("serviceAttachmentName", "names the attachment of the regional load balancer, which regions without the top-level subnets does not build; name each region's attachment with regions[REGION].serviceAttachmentName instead")
	}
}

// validateRegionsTLS checks the Certificate Manager certificates given with regions: the
// cross-region load balancer's global HTTPS proxy takes global certificates (XLB-CERTS,
// docs/gcp-rules.md); in the migration state the regional proxy keeps the regional ones, so both
// kinds are needed, and each entry must be known to go to its proxy.
func (a *ProducerServiceArgs) validateRegionsTLS(p *problems) {
	t := a.Tls
	if t == nil || len(t.CertificateManagerCertificates) == 0 || !a.regionalChain() {
		return
	}
	var global, regional bool
	for i, in := range t.CertificateManagerCertificates {
		c, known := knownOrNil(in)
		switch {
		case !known:
			p.addf(fmt.Sprintf("tls.certificateManagerCertificates[%d]", i), "must be known when the program runs while both load balancers stand (the top-level subnets beside regions): it goes to the regional proxy or the cross-region one by its location")
		case certManagerLocation(c) == "global":
			global = true
		default:
			regional = true
		}
	}
	if !global {
		p.addf("tls.certificateManagerCertificates", "needs a global certificate (projects/P/locations/global/certificates/N, scope ALL_REGIONS) for the cross-region load balancer beside the regional ones")
	}
	if !regional {
		p.addf("tls.certificateManagerCertificates", "needs a certificate in region %s for the regional load balancer that the top-level subnets keep, beside the global ones", a.Region)
	}
}

// certManagerLocation is the location of a Certificate Manager certificate ID ("" when it is not
// one).
func certManagerLocation(c string) string {
	if m := certManagerRe.FindStringSubmatch(c); m != nil {
		return m[1]
	}
	return ""
}

// validateCloudRun checks the top-level cloudRun: with regions whose every entry names its
// existing service, cloudRun creates none and needs no image.
func (a *ProducerServiceArgs) validateCloudRun(p *problems) {
	cr := a.CloudRun
	if a.crossRegion() && !given(cr.Image) && cr.ExistingServiceName == "" && !slices.ContainsFunc(a.regionKeys(),
		func(r string) bool { return a.Regions[r].ExistingServiceName == "" }) {
		cr.ExistingServiceName = "existing" // checked per region
	}
	cr.validate(p, "cloudRun")
}
