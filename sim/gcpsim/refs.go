package gcpsim

import (
	"fmt"
	"slices"
	"strings"
)

// computeBase is the prefix of every Compute Engine self link.
const computeBase = "https://www.googleapis.com/compute/v1/"

// refPrefixes are the URL prefixes that GCP accepts in front of a resource path.
var refPrefixes = []string{
	"https://www.googleapis.com/compute/v1/",
	"https://www.googleapis.com/compute/beta/",
	"https://compute.googleapis.com/compute/v1/",
	"https://compute.googleapis.com/compute/beta/",
	"//compute.googleapis.com/",
	"https://run.googleapis.com/v2/",
	"//run.googleapis.com/",
	"https://dns.googleapis.com/dns/v1/",
	"//dns.googleapis.com/",
	"https://certificatemanager.googleapis.com/v1/",
	"//certificatemanager.googleapis.com/",
	"https://networksecurity.googleapis.com/v1/",
	"https://networksecurity.googleapis.com/v1beta1/",
	"//networksecurity.googleapis.com/",
}

// locationCollections are the collections their APIs keep under projects/P/locations/L: Cloud
// Run services, Certificate Manager certificates, DNS authorizations, trust configs and issuance
// configs, Network Security server TLS policies, and CA Service pools.
var locationCollections = []string{"services", "certificates", "dnsAuthorizations", "trustConfigs", "serverTlsPolicies",
	"certificateIssuanceConfigs", "caPools"}

// ref identifies a resource: a project, a region or location ("" when global), a
// collection ("subnetworks", "services", "managedZones"...) and a name.
type ref struct {
	Project    string
	Region     string
	Collection string
	Name       string
}

// path renders the canonical partial path that is also the resource's ID in the state.
func (r ref) path() string {
	switch {
	case r.Collection == "managedZones":
		return fmt.Sprintf("projects/%s/managedZones/%s", r.Project, r.Name)
	case slices.Contains(locationCollections, r.Collection):
		return fmt.Sprintf("projects/%s/locations/%s/%s/%s", r.Project, r.Region, r.Collection, r.Name)
	case r.Region == "":
		return fmt.Sprintf("projects/%s/global/%s/%s", r.Project, r.Collection, r.Name)
	default:
		return fmt.Sprintf("projects/%s/regions/%s/%s/%s", r.Project, r.Region, r.Collection, r.Name)
	}
}

func trimRefPrefix(s string) string {
	for _, p := range refPrefixes {
		if strings.HasPrefix(s, p) {
			return strings.TrimPrefix(s, p)
		}
	}
	return s
}

// parseRef parses a reference in any form GCP accepts: a full self link, a partial path
// starting with "projects/", "regions/" or "global/", or a bare name, which is completed
// from def (the referring resource's project, region and the expected collection).
func parseRef(s string, def ref) (ref, bool) {
	parts := strings.Split(trimRefPrefix(s), "/")
	for _, p := range parts {
		if p == "" {
			return ref{}, false
		}
	}
	r := def
	if len(parts) == 1 {
		r.Name = parts[0]
		return r, r.complete()
	}
	if len(parts) >= 2 && parts[0] == "projects" {
		r.Project = parts[1]
		parts = parts[2:]
	}
	switch {
	case len(parts) == 2 && parts[0] == "managedZones":
		r.Region, r.Collection, r.Name = "", parts[0], parts[1]
	case len(parts) == 3 && parts[0] == "global":
		r.Region, r.Collection, r.Name = "", parts[1], parts[2]
	case len(parts) == 4 && (parts[0] == "regions" || parts[0] == "locations"):
		r.Region, r.Collection, r.Name = parts[1], parts[2], parts[3]
	default:
		return ref{}, false
	}
	return r, r.complete()
}

// complete reports whether r names one resource, in the place its API keeps it: Cloud Run
// services and Certificate Manager resources in a location, managed zones in no region. Its path then parses back to r.
func (r ref) complete() bool {
	switch {
	case r.Project == "" || r.Collection == "" || r.Name == "":
		return false
	case slices.Contains(locationCollections, r.Collection):
		return r.Region != ""
	case r.Collection == "managedZones":
		return r.Region == ""
	}
	return true
}

// selfLinkOf returns the self link of a compute path, and "" for other APIs.
func selfLinkOf(path string) string {
	if strings.Contains(path, "/managedZones/") || strings.Contains(path, "/locations/") {
		return ""
	}
	return computeBase + path
}

// lastSegment returns the resource name at the end of a path or URL.
func lastSegment(s string) string {
	if i := strings.LastIndex(s, "/"); i >= 0 {
		return s[i+1:]
	}
	return s
}

// normalizeID accepts an ID or self link and returns the canonical path.
func normalizeID(id string) string { return trimRefPrefix(id) }
