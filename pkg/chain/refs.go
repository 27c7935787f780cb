package chain

import "strings"

// References. Google Cloud names a resource by its relative name, projects/P/.../KIND/NAME, and
// writes it inside a self link (https://www.googleapis.com/compute/v1/projects/P/...), a full
// resource name (//certificatemanager.googleapis.com/projects/P/...) or an API URL
// (https://certificatemanager.googleapis.com/v1/projects/P/...); pulumi-gcp's IDs are mostly the
// relative name itself.

// RelativeName is the projects/P/... part of a reference written by a Google API (a self link, a
// full resource name, an API URL), or the reference unchanged when it is none of those.
func RelativeName(ref string) string {
	rest, ok := strings.CutPrefix(ref, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(ref, "//")
	}
	if !ok {
		return ref
	}
	host, path, _ := strings.Cut(rest, "/")
	if host != "googleapis.com" && !strings.HasSuffix(host, ".googleapis.com") {
		return ref
	}
	if strings.HasPrefix(path, "projects/") {
		return path
	}
	if _, name, ok := strings.Cut(path, "/projects/"); ok {
		return "projects/" + name
	}
	return ref
}

// ProjectOf is the project a reference names (the P of projects/P/...), or "" when it names none.
func ProjectOf(ref string) string {
	return segmentAfter(RelativeName(ref), "projects")
}

// RegionOf is the region a reference names (the R of regions/R/... or locations/R/...), or ""
// when it names none. A global resource (global/...) names none.
func RegionOf(ref string) string {
	name := RelativeName(ref)
	if r := segmentAfter(name, "regions"); r != "" {
		return r
	}
	if r := segmentAfter(name, "locations"); r != "global" {
		return r
	}
	return ""
}

// NameOf is the resource's own name: the last segment of a reference.
func NameOf(ref string) string { return ref[strings.LastIndex(ref, "/")+1:] }

// segmentAfter is the ID that follows a collection in a relative name, read as collection/ID
// pairs (a lone "global" stands between them): "" when the name has no such collection.
func segmentAfter(name, collection string) string {
	parts := strings.Split(name, "/")
	for i := 0; i+1 < len(parts); i += 2 {
		if parts[i] == "global" {
			i--
			continue
		}
		if parts[i] == collection {
			return parts[i+1]
		}
	}
	return ""
}
