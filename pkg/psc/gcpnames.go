package psc

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// Google Cloud naming rules used by the validators.
var (
	resourceNameRe = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
	projectIDRe    = regexp.MustCompile(`^[a-z][-a-z0-9]{4,28}[a-z0-9]$`)
	projectNumRe   = regexp.MustCompile(`^[0-9]{1,20}$`)
	regionRe       = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+$`)
	dnsLabelRe     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	networkPathRe  = regexp.MustCompile(`^projects/([^/]+)/global/networks/([^/]+)$`)
	attachmentRe   = regexp.MustCompile(`^projects/([^/]+)/regions/([^/]+)/serviceAttachments/([^/]+)$`)
	subnetPathRe   = regexp.MustCompile(`^(?:projects/([^/]+)/)?regions/([^/]+)/subnetworks/([^/]+)$`)
)

// The longest component names: each leaves room for the longest child role (`<name>-<role>`) and
// Pulumi's 8-character auto-name suffix (-1a2b3c4) inside Google Cloud's name limits.
const (
	// maxComponentNameLen fits the 63-character limit of Compute Engine and Cloud DNS names.
	maxComponentNameLen = 40
	// maxProducerNameLen fits the ProducerService's Cloud Run service, <name>-run-1a2b3c4, in
	// Cloud Run's 49-character limit for service names.
	maxProducerNameLen = 49 - len("-run") - 8
)

// computeAPIPrefix is the host part of a Compute Engine self link as Google Cloud writes it,
// before the API version; computeAPIPrefixes adds the other host it accepts.
const computeAPIPrefix = "https://www.googleapis.com/compute/"

var computeAPIPrefixes = []string{computeAPIPrefix, "https://compute.googleapis.com/compute/"}

// computeV1 is the prefix of the self links Google Cloud returns.
const computeV1 = computeAPIPrefix + "v1/"

// checkComponentName checks that children named `<name>-<role>` are valid Google Cloud names.
func checkComponentName(name string) error {
	return checkNameFits(name, maxComponentNameLen, "Google Cloud's 63-character limit")
}

// checkProducerName checks a ProducerService's name, whose Cloud Run service has the tightest limit.
func checkProducerName(name string) error {
	return checkNameFits(name, maxProducerNameLen, "Cloud Run's 49-character limit for service names")
}

func checkNameFits(name string, maxLen int, limit string) error {
	if len(name) > maxLen {
		return fmt.Errorf("must be at most %d characters so that child resource names fit %s, got %d",
			maxLen, limit, len(name))
	}
	if !resourceNameRe.MatchString(name) {
		return fmt.Errorf("must start with a lowercase letter and contain only lowercase letters, digits and hyphens (Google Cloud resource names), got %q", name)
	}
	return nil
}

// checkRegion checks the shape of a region name such as europe-west1.
func checkRegion(region string) error {
	if !regionRe.MatchString(region) {
		return fmt.Errorf("must be a Google Cloud region such as europe-west1, got %q", region)
	}
	return nil
}

// checkProject checks a project id (my-project-123) or a project number (123456789012).
func checkProject(project string) error {
	if projectIDRe.MatchString(project) || projectNumRe.MatchString(project) {
		return nil
	}
	return fmt.Errorf("must be a project id (6 to 30 lowercase letters, digits and hyphens, starting with a letter) or a project number, got %q", project)
}

// trimComputePrefix turns a Compute Engine self link into its relative path
// (projects/P/...); relative paths are returned unchanged.
func trimComputePrefix(ref string) string {
	for _, prefix := range computeAPIPrefixes {
		if rest, ok := strings.CutPrefix(ref, prefix); ok {
			if _, path, ok := strings.Cut(rest, "/"); ok {
				return path
			}
			return rest
		}
	}
	return ref
}

// networkSelfLink returns the self link Google Cloud reports for a VPC given as a self link, a
// path or a bare name (in project), and false when it cannot tell.
func networkSelfLink(network, project string) (string, bool) {
	path := trimComputePrefix(network)
	switch {
	case networkPathRe.MatchString(path):
	case project == "":
		return "", false
	case strings.HasPrefix(path, "global/networks/"):
		path = "projects/" + project + "/" + path
	case resourceNameRe.MatchString(path):
		path = "projects/" + project + "/global/networks/" + path
	}
	if !networkPathRe.MatchString(path) {
		return "", false
	}
	return computeV1 + path, true
}

// subnetRef names a subnet.
type subnetRef struct {
	Project, Region, Name string
}

func (r subnetRef) String() string {
	return fmt.Sprintf("projects/%s/regions/%s/subnetworks/%s", r.Project, r.Region, r.Name)
}

// parseSubnetRef parses a subnet reference in a form Google Cloud accepts: a self link, a path
// (projects/P/regions/R/subnetworks/N or regions/R/subnetworks/N) or a bare name; project and
// region fill in what the reference leaves out ("" when unknown).
func parseSubnetRef(s, project, region string) (subnetRef, error) {
	if m := subnetPathRe.FindStringSubmatch(trimComputePrefix(s)); m != nil {
		if m[1] != "" {
			project = m[1]
		}
		return subnetRef{Project: project, Region: m[2], Name: m[3]}, nil
	}
	if resourceNameRe.MatchString(s) {
		return subnetRef{Project: project, Region: region, Name: s}, nil
	}
	return subnetRef{}, fmt.Errorf("must be a subnet self link such as projects/PROJECT/regions/REGION/subnetworks/NAME (or a subnet name), got %q", s)
}

// checkNetworkURL checks a VPC reference of the form projects/P/global/networks/N or its self link,
// which is what a PSC accept list's networkUrl takes.
func checkNetworkURL(url string) error {
	if !networkPathRe.MatchString(trimComputePrefix(url)) {
		return fmt.Errorf("must be a network URL projects/PROJECT/global/networks/NAME (or its self link), got %q", url)
	}
	return nil
}

// AttachmentRef is a parsed service attachment URI.
type AttachmentRef struct {
	Project string
	Region  string
	Name    string
}

// URI returns the canonical form projects/P/regions/R/serviceAttachments/N.
func (a AttachmentRef) URI() string {
	return fmt.Sprintf("projects/%s/regions/%s/serviceAttachments/%s", a.Project, a.Region, a.Name)
}

// ParseServiceAttachmentURI accepts projects/P/regions/R/serviceAttachments/N or the same path as a
// Compute Engine self link, and returns its parts.
func ParseServiceAttachmentURI(uri string) (AttachmentRef, error) {
	m := attachmentRe.FindStringSubmatch(trimComputePrefix(strings.TrimSpace(uri)))
	if m == nil {
		return AttachmentRef{}, fmt.Errorf("must be a service attachment URI projects/PROJECT/regions/REGION/serviceAttachments/NAME, got %q", uri)
	}
	ref := AttachmentRef{Project: m[1], Region: m[2], Name: m[3]}
	if err := checkProject(ref.Project); err != nil {
		return AttachmentRef{}, fmt.Errorf("project in %q %w", uri, err)
	}
	if err := checkRegion(ref.Region); err != nil {
		return AttachmentRef{}, fmt.Errorf("region in %q %w", uri, err)
	}
	if !resourceNameRe.MatchString(ref.Name) {
		return AttachmentRef{}, fmt.Errorf("name in %q is not a valid Google Cloud resource name", uri)
	}
	return ref, nil
}

// subnetRegion returns the region a subnet reference names: the R of a self link or a path
// (projects/P/regions/R/subnetworks/N, regions/R/subnetworks/N); "" for a bare name.
func subnetRegion(ref string) string {
	r, err := parseSubnetRef(strings.TrimSpace(ref), "", "")
	if err != nil {
		return ""
	}
	return r.Region
}

// checkHostname checks a private DNS hostname such as payment-api.internal: at least two labels,
// lowercase, each label valid, written without the trailing dot.
func checkHostname(host string) error {
	if strings.HasSuffix(host, ".") {
		return fmt.Errorf("write the hostname without a trailing dot, got %q", host)
	}
	if len(host) > 253 {
		return fmt.Errorf("must be at most 253 characters, got %d", len(host))
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return fmt.Errorf("must have at least two labels (such as payment-api.internal), got %q", host)
	}
	for _, l := range labels {
		if !dnsLabelRe.MatchString(l) {
			return fmt.Errorf("label %q of %q must be 1 to 63 lowercase letters, digits or hyphens, not starting or ending with a hyphen", l, host)
		}
	}
	return nil
}

// checkDNSZoneName checks a DNS zone suffix such as internal. or corp.example.com. (trailing dot).
func checkDNSZoneName(zone string) error {
	if !strings.HasSuffix(zone, ".") {
		return fmt.Errorf("must end with a dot (DNS names are absolute), got %q", zone)
	}
	for _, l := range strings.Split(strings.TrimSuffix(zone, "."), ".") {
		if !dnsLabelRe.MatchString(l) {
			return fmt.Errorf("label %q of %q must be 1 to 63 lowercase letters, digits or hyphens", l, zone)
		}
	}
	return nil
}

// parseIPv4Range parses an IPv4 range in CIDR notation written from its network address.
func parseIPv4Range(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("must be an IPv4 range in CIDR notation such as 10.0.0.0/24, got %q", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("must start at its network address (did you mean %s?), got %q", p.Masked(), s)
	}
	return p, nil
}

// parseSubnetCIDR parses a subnet's IPv4 range: written from its network address, as Google
// Cloud requires, and no smaller than /29.
func parseSubnetCIDR(s string) (netip.Prefix, error) {
	p, err := parseIPv4Range(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if p.Bits() > 29 {
		return netip.Prefix{}, fmt.Errorf("must be /29 or larger (Google Cloud's smallest IPv4 subnet), got %q", s)
	}
	return p, nil
}

// checkHostIn checks that ip is an address of p that Google Cloud lets a resource use (ADDR-FIXED-IP).
func checkHostIn(ip netip.Addr, p netip.Prefix) error {
	if !p.Contains(ip) {
		return fmt.Errorf("%s is not inside the subnet range %s", ip, p)
	}
	if slices.Contains(chain.ReservedAddresses(p), ip) {
		return fmt.Errorf("%s is reserved by Google Cloud in %s (network, gateway, second-to-last and broadcast addresses)", ip, p)
	}
	return nil
}

// parseIPv4 parses a fixed internal IPv4 address.
func parseIPv4(s string) (netip.Addr, error) {
	ip, err := netip.ParseAddr(s)
	if err != nil || !ip.Is4() {
		return netip.Addr{}, fmt.Errorf("must be an IPv4 address such as 10.0.0.10, got %q", s)
	}
	return ip, nil
}
