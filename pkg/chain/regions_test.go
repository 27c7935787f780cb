package chain

import "testing"

func TestZoneRegion(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"europe-west1-b": "europe-west1", "us-east1-c": "us-east1", "europe-west1": "",
		"mars-north1-a": "", "europe-west1-bb": "", "europe-west1-B": "", "-b": "", "": ""} {
		got, ok := ZoneRegion(in)
		if got != want || ok != (want != "") {
			t.Errorf("ZoneRegion(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestRegionSpelling(t *testing.T) {
	t.Parallel()
	if RegionSpelling(" Europe-West1 ") != RegionSpelling("europe-west1") || RegionSpelling("us-east1") == RegionSpelling("us-east4") {
		t.Error("RegionSpelling must equate case and space variants of one region only")
	}
}
