package psc

import (
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// checkRegionKeys checks the keys of a map input keyed by region, path(key) naming each entry:
// each is a Compute Engine region (CLIENT-REGION, docs/gcp-rules.md) spelled as Compute Engine
// names it, not one of its zones, and no region is listed twice in two spellings.
func checkRegionKeys(p *problems, keys []string, path func(string) string) {
	seen := map[string]string{}
	for _, r := range keys {
		spelled := chain.RegionSpelling(r)
		if zr, zone := chain.ZoneRegion(spelled); zone {
			p.addf(path(r), "%q is a zone, not a region: key the entry by its region, %s", r, zr)
		} else if !chain.IsRegion(r) {
			if chain.IsRegion(spelled) {
				p.addf(path(r), "%q must be written as Compute Engine names the region: %s", r, spelled)
			} else {
				p.addf(path(r), "%q is not a Compute Engine region, such as europe-west1 (https://cloud.google.com/compute/docs/regions-zones)", r)
			}
		}
		if other, twice := seen[spelled]; twice {
			p.addf(path(r), "is the region of %s too: list each region once", path(other))
		} else {
			seen[spelled] = r
		}
	}
}
