package psc

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	cpuRe          = regexp.MustCompile(`^([0-9]+(\.[0-9]+)?|[0-9]+m)$`)
	memoryRe       = regexp.MustCompile(`^[0-9]+(Mi|Gi)$`)
	memberPrefixes = []string{"user:", "serviceAccount:", "group:", "domain:", "principal:", "principalSet:"}
	imageRe        = regexp.MustCompile(imageRegistry + imagePath + `(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`)
)

// A container image reference: an optional registry host (and port), a path of lowercase
// components separated by slashes, an optional tag and an optional digest.
const (
	imageHostLabel = `[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?`
	imageRegistry  = `^(?:` + imageHostLabel + `(?:\.` + imageHostLabel + `)*(?::[0-9]+)?/)?`
	imagePathPart  = `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`
	imagePath      = imagePathPart + `(?:/` + imagePathPart + `)*`
)

// validate checks the Cloud Run inputs at path (cloudRun, or a route's): exactly one of an
// image and an existing service, the service's name, sizes and quantities, its invokers, caller
// authentication and VPC egress.
func (c *CloudRunArgs) validate(p *problems, path string) {
	existing, image := c.ExistingServiceName != "", given(c.Image)
	switch {
	case existing == image:
		p.addf(path, "give exactly one of existingServiceName and image")
	case image:
		if ref, ok := knownString(c.Image); ok && !imageRe.MatchString(ref) {
			p.addf(path+".image", "must be a container image reference such as europe-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE:TAG (a lowercase path, then an optional :tag and @sha256:digest), got %q", ref)
		}
	case existing:
		if !resourceNameRe.MatchString(c.ExistingServiceName) {
			p.addf(path+".existingServiceName", "must be a Cloud Run service name (lowercase letters, digits and hyphens), got %q",
				c.ExistingServiceName)
		}
		if c.VpcEgress != nil || c.DisableDefaultUrl || len(c.CustomAudiences) > 0 || c.Env != nil || c.ServiceName != "" {
			p.addf(path, "vpcEgress, disableDefaultUrl, customAudiences, env and serviceName apply only to a service the component creates, not to existingServiceName")
		}
	}
	checkNameOverride(p, path+".serviceName", c.ServiceName, maxCloudRunServiceName, "Cloud Run service name")
	if c.Port != nil && (*c.Port < 1 || *c.Port > 65535) {
		p.addf(path+".port", "must be between 1 and 65535, got %d", *c.Port)
	}
	if c.MinInstances < 0 {
		p.addf(path+".minInstances", "must be 0 or more, got %d", c.MinInstances)
	}
	if c.MaxInstances < 0 || (c.MaxInstances > 0 && c.MaxInstances < c.MinInstances) {
		p.addf(path+".maxInstances", "must be 0 (Cloud Run's default) or at least minInstances (%d), got %d",
			c.MinInstances, c.MaxInstances)
	}
	if !cpuRe.MatchString(c.Cpu) {
		p.addf(path+".cpu", "must be a CPU quantity such as 1, 2 or 500m, got %q", c.Cpu)
	}
	if !memoryRe.MatchString(c.Memory) {
		p.addf(path+".memory", "must be a memory quantity such as 512Mi or 2Gi, got %q", c.Memory)
	}
	for i, in := range c.Invokers {
		path := fmt.Sprintf("%s.invokers[%d]", path, i)
		m, known := knownOrNil(in)
		switch {
		case known:
			p.add(path, checkInvoker(m))
		case existing:
			p.addf(path, "must be known when the program runs with existingServiceName: on a service the component does not own, each invoker is its own grant named by its member (an Output has no value to name it by yet); give the member as a plain string, or let the component create the service")
		}
	}
	checkKnown(p, path+".serviceAccount", c.ServiceAccount, checkServiceAccount)
	c.validateCallerAuth(p, path)
	c.VpcEgress.validate(p, path+".vpcEgress")
}

// validate checks VPC egress at path: Direct VPC egress (network and subnetwork) or a connector,
// and the egress setting.
func (v *VpcEgressArgs) validate(p *problems, path string) {
	if v == nil {
		return
	}
	checkKnown(p, path+".network", v.Network, checkNetworkRef)
	checkKnown(p, path+".subnetwork", v.Subnetwork, checkSubnetShape)
	checkKnown(p, path+".connector", v.Connector, checkConnector)
	direct := given(v.Network) || given(v.Subnetwork)
	switch {
	case direct == given(v.Connector):
		p.addf(path, "give either network and subnetwork (Direct VPC egress) or connector, not both and not neither")
	case direct && (!given(v.Network) || !given(v.Subnetwork)):
		p.addf(path, "Direct VPC egress needs both network and subnetwork")
	case given(v.Connector) && len(v.NetworkTags) > 0:
		p.addf(path+".networkTags", "apply only to Direct VPC egress, not to a connector")
	}
	if v.Egress != "PRIVATE_RANGES_ONLY" && v.Egress != "ALL_TRAFFIC" {
		p.addf(path+".egress", "must be PRIVATE_RANGES_ONLY or ALL_TRAFFIC, got %q", v.Egress)
	}
}

// checkInvoker checks an IAM member; public members must go through allowUnauthenticated, so that
// making the service public is always an explicit, visible choice.
func checkInvoker(m string) error {
	if m == "allUsers" || m == "allAuthenticatedUsers" {
		return fmt.Errorf("%s makes the service public: set cloudRun.allowUnauthenticated instead, as an explicit opt-in", m)
	}
	for _, prefix := range memberPrefixes {
		if strings.HasPrefix(m, prefix) && len(m) > len(prefix) {
			return nil
		}
	}
	return fmt.Errorf("must be an IAM member such as serviceAccount:caller@project.iam.gserviceaccount.com or user:alice@example.com, got %q", m)
}
