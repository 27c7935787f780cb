package psc

import (
	"maps"
	"slices"
	"strconv"

	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// A ProducerService in several regions (ProducerServiceArgs.Regions): with two or more regions it
// builds the cross-region internal Application Load Balancer (producer_global_lb.go), a Cloud Run
// service, serverless NEG, forwarding rule and service attachment per region behind one global
// backend service. The top-level subnets, when given beside regions, keep the regional chain
// (producer_lb.go) standing: the migration state.

// purposeGlobalProxyOnly is the purpose of the proxy-only subnet of a cross-region internal
// Application Load Balancer, one per VPC and region (XLB-PROXY-ONLY, docs/gcp-rules.md).
const purposeGlobalProxyOnly = chain.GlobalProxyPurpose

// ProducerRegionArgs is one region of a ProducerService in several regions.
type ProducerRegionArgs struct {
	LoadBalancerSubnet   SubnetArgs     `pulumi:"loadBalancerSubnet"`
	ProxyOnlySubnet      SubnetArgs     `pulumi:"proxyOnlySubnet"`
	NatSubnet            SubnetArgs     `pulumi:"natSubnet"`
	AdditionalNatSubnets []SubnetArgs   `pulumi:"additionalNatSubnets,optional"`
	LoadBalancerIp       string         `pulumi:"loadBalancerIp,optional"`
	ExistingServiceName  string         `pulumi:"existingServiceName,optional"`
	VpcEgress            *VpcEgressArgs `pulumi:"vpcEgress,optional"`
	// The region's service attachment (producer_attachment.go).
	DomainNames           []string `pulumi:"domainNames,optional"`
	ServiceAttachmentName string   `pulumi:"serviceAttachmentName,optional"`
}

// Annotate documents ProducerRegionArgs for the schema.
func (r *ProducerRegionArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "ProducerRegion")
	a.Describe(r, "One region of a ProducerService in several regions: its subnets, the forwarding rule of the "+
		"cross-region load balancer there, its service attachment and its Cloud Run service.")
	a.Describe(&r.LoadBalancerSubnet, "Regular subnet of the region that holds the load balancer's forwarding rule "+
		"there (<name>-R-lb-rule).")
	a.Describe(&r.ProxyOnlySubnet, "Proxy-only subnet of the VPC in the region for cross-region load balancers "+
		"(purpose GLOBAL_MANAGED_PROXY, role ACTIVE), /26 or larger; a VPC has only one per region, so use selfLink "+
		"when it exists. It is not the REGIONAL_MANAGED_PROXY subnet of a regional load balancer.")
	a.Describe(&r.NatSubnet, "PSC NAT subnet (purpose PRIVATE_SERVICE_CONNECT) of the region's service attachment; each "+
		"endpoint connected to that attachment takes one of its addresses.")
	a.Describe(&r.AdditionalNatSubnets, "More PSC NAT subnets for the region's attachment, each with a key, as the "+
		"top-level additionalNatSubnets (children <name>-R-nat-<key>).")
	a.Describe(&r.LoadBalancerIp, "Fixed internal IP of the region's forwarding rule, inside its loadBalancerSubnet; "+
		"allocated when unset.")
	a.Describe(&r.ExistingServiceName, "An existing Cloud Run service in this region to put behind the load balancer "+
		"instead of one the component creates from cloudRun.")
	a.Describe(&r.VpcEgress, "Outbound traffic of the Cloud Run service the component creates in this region into a "+
		"VPC, as cloudRun.vpcEgress does in one region: a subnet or connector of this region (cloudRun.vpcEgress is "+
		"refused with regions, as one subnet or connector cannot serve every region). Unset, the region's service "+
		"has none.")
	a.Describe(&r.DomainNames, "DNS domains (ending with a dot) that the region's service attachment publishes for "+
		"PSC's automatic DNS in the VPCs of the consumers connected to it, as the top-level domainNames does for the "+
		"regional attachment; give each region its own (such as eu.payments.example.com.), as a consumer connected to "+
		"two regions gets the zones of both. Needs proven domain ownership and cannot change later. The domainNames output "+
		"is the primary region's: a ConsumerEndpoint of another region gives that region's as its producerDomainNames.")
	a.Describe(&r.ServiceAttachmentName, "Name of the region's service attachment, which the consumers of the region "+
		"see in its URI (projects/P/regions/R/serviceAttachments/NAME), instead of the autoname "+
		"<component>-R-attachment-<suffix>; at most 63 characters. Names are unique in a project's region: in the "+
		"migration state the primary region's must differ from serviceAttachmentName. Changing it replaces the "+
		"attachment: a new URI, every connected endpoint CLOSED until its consumer is updated.")
}

// regionsDescription documents the regions input.
const regionsDescription = "The regions of a producer that survives a regional outage, keyed by region (such as " +
	"europe-west1): two or more build a cross-region internal Application Load Balancer, with a Cloud Run service, " +
	"serverless NEG, forwarding rule and service attachment per region behind one global backend service whose " +
	"outlier detection (on by default) sends requests to another region when the local one fails. Each region's " +
	"attachment accepts the same consumers; a consumer connects to the attachment of its own region " +
	"(serviceAttachmentUris). The primary region (region) keeps the Cloud Run service <name>-run. Given beside the " +
	"top-level subnets, the regional load balancer stays too (the migration state) until they are removed. " +
	"Refused with regions: backendService.securityPolicy (Cloud Armor does not cover the cross-region internal load " +
	"balancer), allowGlobalAccess (its forwarding rules are reachable from every region), " +
	"cloudRun.existingServiceName and cloudRun.vpcEgress (give them per region); domainNames and " +
	"serviceAttachmentName stay the regional attachment's, so they are refused once the top-level subnets go (give " +
	"each region's attachment its own, regions[R].domainNames and regions[R].serviceAttachmentName); tls.sslPolicy " +
	"is a global SSL policy for the cross-region load balancer's global proxy."

// crossRegion reports whether the args ask for the cross-region load balancer.
func (a *ProducerServiceArgs) crossRegion() bool { return len(a.Regions) > 1 }

// topLevelSubnetsGiven reports whether any of the top-level subnets is given.
func (a *ProducerServiceArgs) topLevelSubnetsGiven() bool {
	return subnetGiven(a.LoadBalancerSubnet) || subnetGiven(a.ProxyOnlySubnet) || subnetGiven(a.NatSubnet) ||
		len(a.AdditionalNatSubnets) > 0
}

// subnetGiven reports whether a subnet input is given at all.
func subnetGiven(s SubnetArgs) bool { return s.created() || given(s.SelfLink) }

// regionalChain reports whether the component builds the regional load balancer: without regions,
// or beside them while the top-level subnets are given (the migration state).
func (a *ProducerServiceArgs) regionalChain() bool {
	return len(a.Regions) == 0 || a.topLevelSubnetsGiven()
}

// regionKeys returns the keys of regions, sorted.
func (a *ProducerServiceArgs) regionKeys() []string { return slices.Sorted(maps.Keys(a.Regions)) }

// regionPath is the input path of a region's entry, as Pulumi writes a map key.
func regionPath(region string) string { return "regions[" + strconv.Quote(region) + "]" }

// subnetSet is the subnets of one load balancer in one region: the top-level ones (the regional
// chain) or one region's of regions (the cross-region chain).
type subnetSet struct {
	region     string // "" until the provider's region is known, for the top-level set
	path       string // prefix of its inputs' paths: "" or `regions["R"].`
	role       string // prefix of its children's roles: "" or "R-"
	lb         SubnetArgs
	proxy      SubnetArgs
	nat        SubnetArgs
	extra      []SubnetArgs
	lbIP       string
	proxyUse   string  // the proxy-only subnet's purpose
	proxyCheck purpose // what an existing proxy-only subnet must be
}

// topSubnets is the set of the top-level subnets.
func (a *ProducerServiceArgs) topSubnets() subnetSet {
	return subnetSet{region: a.Region, lb: a.LoadBalancerSubnet, proxy: a.ProxyOnlySubnet, nat: a.NatSubnet,
		extra: a.AdditionalNatSubnets, lbIP: a.LoadBalancerIp, proxyUse: purposeProxyOnly, proxyCheck: proxyOnlyPurpose}
}

// regionSubnets is the set of the subnets of regions[region].
func (a *ProducerServiceArgs) regionSubnets(region string) subnetSet {
	r := a.Regions[region]
	return subnetSet{region: region, path: regionPath(region) + ".", role: region + "-", lb: r.LoadBalancerSubnet,
		proxy: r.ProxyOnlySubnet, nat: r.NatSubnet, extra: r.AdditionalNatSubnets, lbIP: r.LoadBalancerIp,
		proxyUse: purposeGlobalProxyOnly, proxyCheck: globalProxyOnlyPurpose}
}

// subnetSets are the sets the component creates or uses: the top-level one when it builds the
// regional chain, then each region's in order.
func (a *ProducerServiceArgs) subnetSets() []subnetSet {
	var sets []subnetSet
	if a.regionalChain() {
		sets = append(sets, a.topSubnets())
	}
	for _, r := range a.regionKeys() {
		sets = append(sets, a.regionSubnets(r))
	}
	return sets
}

// inputs returns the set's load balancer, proxy-only, NAT and additional NAT subnet inputs, in
// that order.
func (s subnetSet) inputs() []*subnetInput {
	all := []*subnetInput{
		{path: s.path + "loadBalancerSubnet", role: s.role + "lb-subnet", args: s.lb, purpose: regularPurpose},
		{path: s.path + "proxyOnlySubnet", role: s.role + "proxy-subnet", args: s.proxy, purpose: s.proxyCheck},
		{path: s.path + "natSubnet", role: s.role + "nat-subnet", args: s.nat, purpose: natPurpose},
	}
	for i, e := range s.extra {
		all = append(all, &subnetInput{path: s.path + "additionalNatSubnets[" + strconv.Itoa(i) + "]",
			role: s.role + additionalNatRole(e.Key), args: e, purpose: natPurpose})
	}
	return all
}

// regionRun is the Cloud Run service of a region: the top-level cloudRun, or the region's existing
// service. The primary region's keeps the child names of the single-region form (<name>-run);
// another region's are prefixed with the region (<name>-R-run).
func (a *ProducerServiceArgs) regionRun(region string) runSpec {
	cr := a.CloudRun
	if e := a.Regions[region].ExistingServiceName; e != "" {
		cr.ExistingServiceName, cr.Image = e, nil
	}
	cr.VpcEgress = a.Regions[region].VpcEgress
	s := runSpec{cr: cr, path: "cloudRun", hosts: a.mainHosts(), region: region}
	if region != a.Region {
		s.prefix = region + "-"
	}
	return s
}

// mainHosts are the hosts the top-level cloudRun serves by name: the hostname, if any.
func (a *ProducerServiceArgs) mainHosts() []string {
	if a.Hostname == "" {
		return nil
	}
	return []string{a.Hostname}
}
