package psc

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Shared VPC: a side's VPC may be a Shared VPC network of a host project,
// networkProject, while its load balancer, attachment and endpoint stay in the service project
// (project). Subnets the component creates go to the host project, existing subnets and the VPC
// are looked up there, and bare names resolve there (catalogue XPN-SERVICE-PROJECT: the service
// project must be attached to the host).

const networkProjectDescription = "Project that holds the VPC when it is a Shared VPC network of a host project " +
	"(the service project, project, must be attached to it): subnets the component creates go there, " +
	"existing subnets and the network are looked up there, and a network or subnet given by bare name is " +
	"taken to be there. By default, project."

var networkProjectRe = regexp.MustCompile(`^projects/([^/]+)/`)

// hostProject returns the project that holds the VPC: networkProject, or project.
func hostProject(networkProject, project string) string {
	if networkProject != "" {
		return networkProject
	}
	return project
}

// checkNetworkProject checks networkProject and that a network given by path is in it.
func checkNetworkProject(p *problems, networkProject string, network pulumi.StringInput) {
	if networkProject == "" {
		return
	}
	p.add("networkProject", checkProject(networkProject))
	if n, ok := knownString(network); ok {
		if m := networkProjectRe.FindStringSubmatch(trimComputePrefix(n)); m != nil && m[1] != networkProject {
			p.addf("network", "is in project %s, but networkProject is %s: a Shared VPC network is in its host project", m[1], networkProject)
		}
	}
}

// qualifiedNetwork is the network input for children in another project than the VPC's: a
// bare name or global path becomes the host project's self link; anything else stays as given.
func qualifiedNetwork(network pulumi.StringInput, networkProject string) pulumi.StringInput {
	if n, ok := knownString(network); ok && networkProject != "" {
		if link, ok := networkSelfLink(n, networkProject); ok {
			return pulumi.String(link)
		}
	}
	return network
}

// qualifiedSubnet is qualifiedNetwork for a subnet: a bare name becomes the host project's path.
func qualifiedSubnet(subnet pulumi.StringInput, networkProject, region string) pulumi.StringInput {
	if s, ok := knownString(subnet); ok && networkProject != "" && resourceNameRe.MatchString(s) {
		return pulumi.String(fmt.Sprintf("projects/%s/regions/%s/subnetworks/%s", networkProject, region, s))
	}
	return subnet
}
