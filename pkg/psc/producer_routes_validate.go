package psc

import (
	"fmt"
	"strings"
	"time"
)

// validateRoutes checks the routes: each has a key that names its children within Cloud Run's
// 49 characters, unique; hosts Google's host rules take (a DNS name, * or *.DOMAIN), each once;
// a path prefix Google's path rules take (it starts with /, with no *, ? or #) and no trailing
// slash; no host and prefix served twice, nor hostname's / (the top-level cloudRun's); a Cloud Run
// block checked as the top-level one; and, over HTTPS with a self-managed certificate known now,
// every host named covered by it.
func (a *ProducerServiceArgs) validateRoutes(p *problems, name string) {
	if len(a.Routes) == 0 {
		return
	}
	if a.Hostname == "" {
		p.addf("routes", "need hostname: the top-level cloudRun serves hostname's paths that no route claims (and a route without hosts serves hostname), and every request no route matches gets 404")
	}
	keys := map[string]string{}
	served := map[string]string{}
	if a.Hostname != "" {
		served[a.Hostname+" /"] = "the top-level cloudRun"
	}
	maxKey := routeKeyRoom(name, "")
	serviceNames := map[string]string{}
	if a.CloudRun.ServiceName != "" {
		serviceNames[a.CloudRun.ServiceName] = "cloudRun.serviceName"
	}
	for i, r := range a.Routes {
		path := fmt.Sprintf("routes[%d]", i)
		switch {
		case r.Key == "":
			p.addf(path+".key", "is required: a stable name for the route's children, such as %q, so that removing another route never replaces them", "admin")
		case !resourceNameRe.MatchString(r.Key):
			p.addf(path+".key", "must start with a lowercase letter and contain only lowercase letters, digits and hyphens, got %q", r.Key)
		case len(r.Key) > maxKey:
			p.addf(path+".key", "must be at most %d characters so that the route's Cloud Run service %s-run-%s-1a2b3c4 fits Cloud Run's 49, got %d",
				max(maxKey, 0), name, r.Key, len(r.Key))
		case keys[r.Key] != "":
			p.addf(path+".key", "%q is also the key of %s; keys name the routes' children and must differ", r.Key, keys[r.Key])
		default:
			keys[r.Key] = path
		}
		seen := map[string]bool{}
		for j, h := range r.Hosts {
			hp := fmt.Sprintf("%s.hosts[%d]", path, j)
			if err := checkRouteHost(h); err != nil {
				p.add(hp, err)
				continue
			}
			if seen[h] {
				p.addf(hp, "lists %q twice", h)
			}
			seen[h] = true
		}
		prefixOK := true
		if r.PathPrefix != "" {
			if err := checkPathPrefix(r.PathPrefix); err != nil {
				p.add(path+".pathPrefix", err)
				prefixOK = false
			}
		}
		if prefixOK {
			for _, h := range a.routeHosts(r) {
				k := h + " " + routePrefix(r)
				if other, ok := served[k]; ok {
					p.addf(path, "host %s and path prefix %s are already served by %s; each host and prefix goes to one service", h, routePrefix(r), other)
					continue
				}
				served[k] = path
			}
		}
		cr := r.CloudRun
		cr.validate(p, path+".cloudRun")
		if n := cr.ServiceName; n != "" {
			if other, ok := serviceNames[n]; ok {
				p.addf(path+".cloudRun.serviceName", "%q is also the name at %s; two Cloud Run services in one region cannot share a name", n, other)
			}
			serviceNames[n] = path + ".cloudRun.serviceName"
		}
		if cr.AllowUnauthenticated {
			p.addf(path+".cloudRun.allowUnauthenticated", "is not offered on routes: list the callers in invokers, or publish the public service as the top-level cloudRun")
		}
		a.checkRouteCertificate(p, path, r)
		a.checkRouteRegions(p, path, cr)
	}
}

// checkRouteRegions refuses, with regions, what a route's Cloud Run block cannot say for every
// region (COMP-REGIONS, docs/gcp-rules.md): the component creates the route's service in each
// region, so there is no one existing service to name, and a vpcEgress subnet or connector is
// regional.
func (a *ProducerServiceArgs) checkRouteRegions(p *problems, path string, cr CloudRunArgs) {
	if len(a.Regions) == 0 {
		return
	}
	if cr.ExistingServiceName != "" {
		p.addf(path+".cloudRun.existingServiceName", "cannot be used with regions: the component creates the route's Cloud Run service in each region from routes[].cloudRun (image), as a single name cannot name a service in every region; give the image instead, or publish existing services from a ProducerService of one region")
	}
	if cr.VpcEgress != nil {
		p.addf(path+".cloudRun.vpcEgress", "cannot be used with regions: Direct VPC egress subnets and Serverless VPC Access connectors are regional, and the route's service runs in every region; remove it")
	}
}

// routeKeyRoom is how long a route's key may be for its Cloud Run service <name>-<prefix>run-<key>
// and Pulumi's 8-character suffix to fit Cloud Run's 49 characters.
func routeKeyRoom(name, prefix string) int {
	return maxCloudRunServiceName - len(name) - len(prefix) - len("-run-") - len("-1a2b3c4")
}

// checkRouteKeysInRegions checks, once the primary region is known (validatePlaced), that each
// route's Cloud Run service in every other region, <name>-R-run-<key>, fits Cloud Run's 49
// characters; the primary region's is checked with the key (validateRoutes).
func (a *ProducerServiceArgs) checkRouteKeysInRegions(p *problems, name string) {
	longest := ""
	for _, r := range a.regionKeys() {
		if r != a.Region && len(r)+1 > len(longest) {
			longest = r + "-"
		}
	}
	room := routeKeyRoom(name, longest)
	for i, r := range a.Routes {
		if longest != "" && len(r.Key) > room && len(r.Key) <= routeKeyRoom(name, "") {
			p.addf(fmt.Sprintf("routes[%d].key", i), "must be at most %d characters so that the route's Cloud Run service %s-%srun-%s-1a2b3c4 fits Cloud Run's 49, got %d",
				max(room, 0), name, longest, r.Key, len(r.Key))
		}
	}
}

// checkRouteHost checks a host rule's host: a DNS name, *, or *. and a DNS name (Google's
// hostRules[].hosts).
func checkRouteHost(h string) error {
	if h == "*" {
		return nil
	}
	name := strings.TrimPrefix(h, "*.")
	if err := checkHostname(name); err != nil {
		return fmt.Errorf("must be a DNS name such as reports.internal, * (every host) or *.DOMAIN, got %q", h)
	}
	return nil
}

// checkPathPrefix checks a route's path prefix: it starts with /, holds no *, ? or # (Google's
// path rules refuse them but for a final /*, which the component adds), no empty segment, and no
// trailing slash (the prefix /a serves /a and /a/...).
func checkPathPrefix(s string) error {
	switch {
	case !strings.HasPrefix(s, "/"):
		return fmt.Errorf("must start with /, such as /admin, got %q", s)
	case strings.ContainsAny(s, "*?#"):
		return fmt.Errorf("must not contain *, ? or #: the prefix already serves everything under it, got %q", s)
	case s != "/" && strings.HasSuffix(s, "/"):
		return fmt.Errorf("write it without the trailing slash, %q, which serves %s and everything under %s/, got %q",
			strings.TrimRight(s, "/"), strings.TrimRight(s, "/"), strings.TrimRight(s, "/"), s)
	case strings.Contains(s, "//"):
		return fmt.Errorf("must not contain an empty segment (//), got %q", s)
	}
	return nil
}

// checkRouteCertificate checks, over HTTPS with a self-managed certificate known now, that the
// certificate covers every host the route names (a wildcard host is not checked).
func (a *ProducerServiceArgs) checkRouteCertificate(p *problems, path string, r RouteArgs) {
	if !a.Tls.selfManaged() {
		return
	}
	cert, ok := knownString(a.Tls.CertificatePem)
	if !ok {
		return
	}
	for j, h := range r.Hosts {
		if checkRouteHost(h) != nil || strings.Contains(h, "*") {
			continue
		}
		if err := checkCertificate(cert, h, time.Now()); err != nil && strings.HasPrefix(err.Error(), "does not cover") {
			p.addf(fmt.Sprintf("%s.hosts[%d]", path, j), "is not covered by tls.certificatePem: clients calling https://%s would reject it; use a certificate whose SAN covers it", h)
		}
	}
}
