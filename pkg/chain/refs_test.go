package chain

import (
	"testing"
)

func TestReferences(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ref, relative, project, region, name string
	}{
		{"https://www.googleapis.com/compute/v1/projects/cons-1/regions/europe-west1/forwardingRules/ep",
			"projects/cons-1/regions/europe-west1/forwardingRules/ep", "cons-1", "europe-west1", "ep"},
		{"https://compute.googleapis.com/compute/beta/projects/p/global/networks/vpc", "projects/p/global/networks/vpc", "p", "", "vpc"},
		{"//certificatemanager.googleapis.com/projects/p/locations/us-east1/certificates/c",
			"projects/p/locations/us-east1/certificates/c", "p", "us-east1", "c"},
		{"https://certificatemanager.googleapis.com/v1/projects/p/locations/global/certificates/c",
			"projects/p/locations/global/certificates/c", "p", "", "c"},
		{"projects/p/locations/europe-west1/services/run", "projects/p/locations/europe-west1/services/run", "p", "europe-west1", "run"},
		{"projects/regions/regions/r/subnetworks/n", "projects/regions/regions/r/subnetworks/n", "regions", "r", "n"},
		{"regions/r/subnetworks/n", "regions/r/subnetworks/n", "", "r", "n"},
		{"projects/p/managedZones/z", "projects/p/managedZones/z", "p", "", "z"},
		{"https://example.com/projects/p/global/networks/n", "https://example.com/projects/p/global/networks/n", "", "", "n"},
		{"consumer-prj", "consumer-prj", "", "", "consumer-prj"},
		{"", "", "", "", ""},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			t.Parallel()
			if got := RelativeName(tc.ref); got != tc.relative {
				t.Errorf("RelativeName = %q, want %q", got, tc.relative)
			}
			if got := ProjectOf(tc.ref); got != tc.project {
				t.Errorf("ProjectOf = %q, want %q", got, tc.project)
			}
			if got := RegionOf(tc.ref); got != tc.region {
				t.Errorf("RegionOf = %q, want %q", got, tc.region)
			}
			if got := NameOf(tc.ref); got != tc.name {
				t.Errorf("NameOf = %q, want %q", got, tc.name)
			}
		})
	}
}
