package chain

import (
	"slices"
	"strings"
)

// Regions are Google Cloud's Compute Engine regions, as
// https://cloud.google.com/compute/docs/regions-zones lists them (docs/gcp-rules.md
// CLIENT-REGION). Google adds regions: a new one belongs here when it is published.
var Regions = []string{
	"africa-south1",
	"asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3",
	"asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2",
	"australia-southeast1", "australia-southeast2",
	"europe-central2", "europe-north1", "europe-north2", "europe-southwest1",
	"europe-west1", "europe-west2", "europe-west3", "europe-west4", "europe-west6",
	"europe-west8", "europe-west9", "europe-west10", "europe-west12",
	"me-central1", "me-central2", "me-west1",
	"northamerica-northeast1", "northamerica-northeast2", "northamerica-south1",
	"southamerica-east1", "southamerica-west1",
	"us-central1", "us-east1", "us-east4", "us-east5", "us-south1",
	"us-west1", "us-west2", "us-west3", "us-west4",
}

// IsRegion reports whether region is a Compute Engine region.
func IsRegion(region string) bool { return slices.Contains(Regions, region) }

// ZoneRegion returns the region of a Compute Engine zone name such as europe-west1-b (a region,
// a hyphen and one lowercase letter), and whether zone is one: a zone given where a region is
// wanted is refused with the region it is in.
func ZoneRegion(zone string) (string, bool) {
	i := strings.LastIndex(zone, "-")
	if i < 0 || len(zone)-i != 2 || zone[i+1] < 'a' || zone[i+1] > 'z' || !IsRegion(zone[:i]) {
		return "", false
	}
	return zone[:i], true
}

// RegionSpelling is the form in which two spellings of one region (case, surrounding spaces)
// compare equal: Compute Engine names regions in lowercase.
func RegionSpelling(region string) string { return strings.ToLower(strings.TrimSpace(region)) }
