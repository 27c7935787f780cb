package gcpsim

import (
	"strings"
	"testing"
)

// refCollections are the collections the simulator resolves references to.
var refCollections = []string{
	"networks", "subnetworks", "addresses", "forwardingRules", "serviceAttachments", "targetHttpProxies",
	"targetHttpsProxies", "backendServices", "networkEndpointGroups", "sslCertificates", "services", "managedZones",
}

// FuzzParseRef fuzzes reference parsing and resolution: any string, against the defaults of a
// referring resource (its project, region and the collection expected). Nothing may panic; an
// accepted reference names one resource completely, its canonical path parses back to it, a
// Compute Engine self link does too, and resolving the string finds exactly the resource stored
// under that path (and fails, with the API's error, whenever the collection is not the expected
// one).
func FuzzParseRef(f *testing.F) {
	f.Add("apps", "cons-p", "europe-west1", uint8(1), true)
	f.Add("https://www.googleapis.com/compute/v1/projects/prod-p/global/networks/vpc", "cons-p", "", uint8(0), false)
	f.Add("projects/prod-p/regions/europe-west1/serviceAttachments/payments", "cons-p", "europe-west1", uint8(4), true)
	f.Add("regions/us-central1/subnetworks/apps", "cons-p", "europe-west1", uint8(1), true)
	f.Add("projects/p/locations/europe-west1/services/run", "p", "europe-west1", uint8(10), true)
	f.Add("projects/p/global/services/run", "p", "", uint8(10), false)
	f.Add("projects/p/regions/europe-west1/managedZones/zone", "p", "", uint8(11), false)
	f.Add("//dns.googleapis.com/projects/p/managedZones/zone", "p", "", uint8(11), false)
	f.Fuzz(func(t *testing.T, s, project, region string, c uint8, regional bool) {
		collection := refCollections[int(c)%len(refCollections)]
		def := ref{Project: project, Collection: collection}
		if regional {
			def.Region = region
		}
		r, ok := parseRef(s, def)
		if !ok || strings.Contains(project+region, "/") {
			// A default with a slash is no name the API would give: properties need sane defaults.
			return
		}
		if r.Project == "" || r.Collection == "" || r.Name == "" {
			t.Fatalf("%q accepted as an incomplete reference %+v", s, r)
		}
		path := r.path()
		if again, ok := parseRef(path, ref{}); !ok || again != r {
			t.Fatalf("%q parsed to %+v, whose path %q parses to %+v, %v", s, r, path, again, ok)
		}
		if link := selfLinkOf(path); link != "" {
			if again, ok := parseRef(link, ref{}); !ok || again != r || normalizeID(link) != path || lastSegment(link) != r.Name {
				t.Fatalf("%q parsed to %+v, whose self link %q parses to %+v, %v", s, r, link, again, ok)
			}
		}

		st := &State{Resources: map[string]*Record{path: {ID: path, Name: r.Name}}}
		o := &op{t: &tx{st: st}, rec: &Record{Project: def.Project, Region: def.Region}}
		got, err := o.resolve("field", s, collection, regional)
		switch {
		case r.Collection == collection && (err != nil || got != st.Resources[path]):
			t.Fatalf("%q names %s but resolves to %v, %v", s, path, got, err)
		case r.Collection != collection && (err == nil || !strings.Contains(err.Error(), "does not reference a "+collection)):
			t.Fatalf("%q names a %s, yet resolving it as a %s gives %v, %v", s, r.Collection, collection, got, err)
		}
	})
}
