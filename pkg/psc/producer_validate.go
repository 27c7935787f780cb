package psc

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

var (
	cpuRe          = regexp.MustCompile(`^([0-9]+(\.[0-9]+)?|[0-9]+m)$`)
	memoryRe       = regexp.MustCompile(`^[0-9]+(Mi|Gi)$`)
	certManagerRe  = regexp.MustCompile(`^projects/[^/]+/locations/([^/]+)/certificates/[^/]+$`)
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

// validate checks every input that is known now and returns all problems at once. Inputs that are
// Outputs (unknown at preview, or read from other stacks) are checked when they resolve.
func (a *ProducerServiceArgs) validate(name string) error {
	var p problems
	p.add("name", checkProducerName(name))
	if a.Project != "" {
		p.add("project", checkProject(a.Project))
	}
	if a.Region != "" {
		p.add("region", checkRegion(a.Region))
	}
	if !given(a.Network) {
		p.addf("network", "is required: the producer VPC that holds the load balancer")
	}
	checkKnown(&p, "network", a.Network, checkNetworkRef)
	checkNetworkProject(&p, a.NetworkProject, a.Network)
	if a.Hostname != "" {
		p.add("hostname", checkHostname(a.Hostname))
	}
	a.CloudRun.validate(&p, "cloudRun")
	a.validateSubnets(&p)
	a.validateSubnetKeys(&p, name)
	a.validateTLS(&p)
	a.validateConsumers(&p)
	for i, d := range a.DomainNames {
		p.add(fmt.Sprintf("domainNames[%d]", i), checkDNSZoneName(d))
	}
	if l := a.PropagatedConnectionLimit; l != nil && *l < 0 {
		p.addf("propagatedConnectionLimit", "must be 0 or more, got %d", *l)
	}
	a.BackendService.validate(&p)
	a.validateRoutes(&p, name)
	checkLabels(&p, a.Labels)
	checkNameOverride(&p, "serviceAttachmentName", a.ServiceAttachmentName, maxComputeName, "service attachment name")
	return p.err()
}

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
	if v := c.VpcEgress; v != nil {
		checkKnown(p, path+".vpcEgress.network", v.Network, checkNetworkRef)
		checkKnown(p, path+".vpcEgress.subnetwork", v.Subnetwork, checkSubnetShape)
		checkKnown(p, path+".vpcEgress.connector", v.Connector, checkConnector)
		direct := given(v.Network) || given(v.Subnetwork)
		switch {
		case direct == given(v.Connector):
			p.addf(path+".vpcEgress", "give either network and subnetwork (Direct VPC egress) or connector, not both and not neither")
		case direct && (!given(v.Network) || !given(v.Subnetwork)):
			p.addf(path+".vpcEgress", "Direct VPC egress needs both network and subnetwork")
		case given(v.Connector) && len(v.NetworkTags) > 0:
			p.addf(path+".vpcEgress.networkTags", "apply only to Direct VPC egress, not to a connector")
		}
		if v.Egress != "PRIVATE_RANGES_ONLY" && v.Egress != "ALL_TRAFFIC" {
			p.addf(path+".vpcEgress.egress", "must be PRIVATE_RANGES_ONLY or ALL_TRAFFIC, got %q", v.Egress)
		}
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

// subnetInput is one of a producer's subnet inputs.
type subnetInput struct {
	path    string
	role    string // of the child subnet the component creates (ownSubnetDescription)
	args    SubnetArgs
	purpose purpose // what the role needs of an existing subnet
	prefix  netip.Prefix
}

// subnetInputs returns the load balancer, proxy-only, NAT and additional NAT subnet inputs, in
// that order.
func (a *ProducerServiceArgs) subnetInputs() []*subnetInput {
	all := []*subnetInput{
		{path: "loadBalancerSubnet", role: "lb-subnet", args: a.LoadBalancerSubnet, purpose: regularPurpose},
		{path: "proxyOnlySubnet", role: "proxy-subnet", args: a.ProxyOnlySubnet, purpose: proxyOnlyPurpose},
		{path: "natSubnet", role: "nat-subnet", args: a.NatSubnet, purpose: natPurpose},
	}
	for i, s := range a.AdditionalNatSubnets {
		all = append(all, &subnetInput{path: fmt.Sprintf("additionalNatSubnets[%d]", i), role: additionalNatRole(s.Key), args: s, purpose: natPurpose})
	}
	return all
}

// validateSubnets checks each subnet's exactly-one-of, its range, the proxy-only subnet's size,
// overlaps between the ranges the component creates, that the NAT subnets to create have an
// address for every accepted consumer, and a fixed load balancer IP.
func (a *ProducerServiceArgs) validateSubnets(p *problems) {
	all := a.subnetInputs()
	for _, s := range all {
		if s.args.created() == given(s.args.SelfLink) {
			p.addf(s.path, "give exactly one of ipCidrRange (create the subnet) and selfLink (use an existing one)")
			continue
		}
		if !s.args.created() {
			continue
		}
		prefix, err := parseSubnetCIDR(s.args.IpCidrRange)
		if err != nil {
			p.add(s.path+".ipCidrRange", err)
			continue
		}
		s.prefix = prefix
	}
	if pr := all[1].prefix; pr.IsValid() && pr.Bits() > 26 {
		p.addf("proxyOnlySubnet.ipCidrRange", "a proxy-only subnet must be /26 or larger (/23 recommended), got %s", pr)
	}
	for i, s := range all {
		for _, t := range all[i+1:] {
			if s.prefix.IsValid() && t.prefix.IsValid() && s.prefix.Overlaps(t.prefix) {
				p.addf(t.path+".ipCidrRange", "%s overlaps %s.ipCidrRange %s (subnet ranges in one VPC must not overlap)",
					t.prefix, s.path, s.prefix)
			}
		}
	}
	a.checkNatCapacity(p, all[2:])
	if a.LoadBalancerIp != "" {
		ip, err := parseIPv4(a.LoadBalancerIp)
		switch {
		case err != nil:
			p.add("loadBalancerIp", err)
		case all[0].prefix.IsValid():
			p.add("loadBalancerIp", checkHostIn(ip, all[0].prefix))
		}
	}
}

// validateSubnetKeys checks the keys that name the additional NAT subnets the component creates:
// each has one, unique, that keeps the child's auto-named subnet name within Google Cloud's 63
// characters; no other subnet input takes a key.
func (a *ProducerServiceArgs) validateSubnetKeys(p *problems, name string) {
	seen := map[string]string{}
	maxLen := 63 - len(name) - len("-"+additionalNatRole("")) - len("-1a2b3c4")
	for _, s := range a.subnetInputs() {
		key := s.args.Key
		keyed := strings.HasPrefix(s.path, "additionalNatSubnets[") && s.args.created()
		switch {
		case !keyed && key != "":
			p.addf(s.path+".key", "applies only to additionalNatSubnets entries the component creates (with ipCidrRange)")
		case !keyed:
		case key == "":
			p.addf(s.path+".key", "is required for a NAT subnet the component creates: a stable name for its subnet, such as %q, so that removing another entry never replaces it",
				"b")
		case !resourceNameRe.MatchString(key):
			p.addf(s.path+".key", "must start with a lowercase letter and contain only lowercase letters, digits and hyphens, got %q", key)
		case len(key) > maxLen:
			p.addf(s.path+".key", "must be at most %d characters so that the subnet's name %s-%s-1a2b3c4 fits Google Cloud's 63, got %d",
				max(maxLen, 0), name, additionalNatRole(key), len(key))
		case seen[key] != "":
			p.addf(s.path+".key", "%q is also the key of %s; keys name the subnets and must differ", key, seen[key])
		default:
			seen[key] = s.path
		}
	}
}

// checkNatCapacity checks that the NAT subnets have an address for every accepted consumer (each
// connected endpoint takes one), once every range is known: the ranges to create, and those of
// existing subnets once looked up (validateExisting).
func (a *ProducerServiceArgs) checkNatCapacity(p *problems, nats []*subnetInput) {
	if a.AcceptAllConsumers {
		return
	}
	var ranges []string
	capacity := 0
	for _, s := range nats {
		if !s.prefix.IsValid() {
			return
		}
		ranges = append(ranges, s.prefix.String())
		capacity += usableAddresses(s.prefix)
	}
	if n := len(a.Consumers) + len(a.ConsumerStacks); n > capacity {
		verb := "holds"
		if len(ranges) > 1 {
			verb = "hold"
		}
		path := "natSubnet.ipCidrRange"
		if !nats[0].args.created() {
			path = "natSubnet.selfLink"
		}
		p.addf(path, "%s %s %d endpoint connections (one NAT address each), fewer than the %d accepted consumers: use a larger range or add additionalNatSubnets",
			strings.Join(ranges, " and "), verb, capacity, n)
	}
}

// natCapacity is how many endpoints the NAT subnets whose range is known can serve: those the
// component creates, and existing ones once looked up.
func natCapacity(nats []*subnetInput) int {
	n := 0
	for _, s := range nats {
		if s.prefix.IsValid() {
			n += usableAddresses(s.prefix)
		}
	}
	return n
}

// natLimitWarning says, when the accept list allows more endpoints (the sum of its
// connectionLimits) than the NAT subnets hold, that the ones beyond will need attention; "" when
// they fit, or with acceptAllConsumers (no limits to add up).
func (a *ProducerServiceArgs) natLimitWarning(capacity int) string {
	if a.AcceptAllConsumers {
		return ""
	}
	allowed := 0
	for _, c := range a.Consumers {
		allowed += *c.ConnectionLimit
	}
	for _, c := range a.ConsumerStacks {
		allowed += *c.ConnectionLimit
	}
	if allowed <= capacity {
		return ""
	}
	return fmt.Sprintf("the NAT subnets hold %d endpoint connections (one NAT address each), fewer than the %d the accept "+
		"list allows (the sum of its connectionLimits): endpoints beyond %d will be NEEDS_ATTENTION until additionalNatSubnets adds room",
		capacity, allowed, capacity)
}

// validateExisting checks, through pulumi-gcp lookups, the inputs that name existing subnets or a
// VPC by a plain value: an existing subnet exists in the producer's region and VPC with the
// purpose its role needs (and holds a fixed load balancer IP), the ranges to create overlap no
// other subnet of the VPC in the region, and a proxy-only subnet to create would not be a second
// active one there. The subnets this component created in an earlier update are not "other"
// subnets, so a second preview does not trip over them: a subnet is this component's own for an
// input when its description is the marker the component gives that input's subnet
// (ownSubnetDescription), which survives renames, aliases, autonaming and transforms, or, for a
// subnet created before the marker (no description), when its name is a default child name. With the existing NAT subnets' ranges, it
// checks the NAT capacity, and returns it (natCapacity).
func (a *ProducerServiceArgs) validateExisting(name string, l lookup) (int, error) {
	var p problems
	vpc := ""
	if network, ok := knownString(a.Network); ok {
		vpc, _ = networkSelfLink(network, hostProject(a.NetworkProject, a.Project))
	}
	all := a.subnetInputs()
	existingNat := false
	for _, s := range all {
		link, ok := knownString(s.args.SelfLink)
		if s.args.created() {
			s.prefix, _ = parseSubnetCIDR(s.args.IpCidrRange)
		}
		if s.args.created() || !ok || link == "" {
			continue
		}
		prefix, err := l.existingSubnet(link, place{hostProject(a.NetworkProject, a.Project), a.Region, vpc, "the region of every producer resource"}, s.purpose)
		p.add(s.path+".selfLink", err)
		s.prefix = prefix
		existingNat = existingNat || s.purpose == natPurpose
		if s.path == "loadBalancerSubnet" {
			checkHostInExisting(&p, "loadBalancerIp", a.LoadBalancerIp, prefix)
		}
	}
	if existingNat { // the NAT subnets to create alone were checked by validateSubnets
		a.checkNatCapacity(&p, all[2:])
	}
	capacity := natCapacity(all[2:])
	if vpc == "" {
		return capacity, p.err()
	}
	legacy := ownSubnetRe(name)
	ownFor := func(role string) func(compute.GetSubnetworksSubnetwork) bool {
		marker := ownSubnetDescription(l.ctx, role)
		return func(s compute.GetSubnetworksSubnetwork) bool {
			return s.Description == marker || (s.Description == "" && legacy.MatchString(s.Name))
		}
	}
	list := func(filter string) []compute.GetSubnetworksSubnetwork {
		found, err := l.subnets(hostProject(a.NetworkProject, a.Project), a.Region, filter)
		p.add("network", err)
		return found
	}
	inVPC := fmt.Sprintf(`(network = "%s")`, vpc)
	existing := list(inVPC)
	for _, s := range all {
		prefix, err := parseSubnetCIDR(s.args.IpCidrRange)
		if !s.args.created() || err != nil {
			continue
		}
		own := ownFor(s.role)
		for _, e := range existing {
			if other, err := netip.ParsePrefix(e.IpCidrRange); err == nil && !own(e) && other.Overlaps(prefix) {
				p.addf(s.path+".ipCidrRange", "%s overlaps %s, the range of the VPC's subnet %s in %s (subnet ranges in one VPC must not overlap)",
					prefix, other, e.Name, a.Region)
			}
		}
	}
	if a.ProxyOnlySubnet.created() {
		for _, e := range slices.DeleteFunc(list(inVPC+" "+proxyOnlyPurpose.filter), ownFor("proxy-subnet")) {
			p.addf("proxyOnlySubnet.ipCidrRange", "the VPC already has an active proxy-only subnet in %s, %s, and Google Cloud allows one per VPC and region: set proxyOnlySubnet.selfLink to %s instead of creating a second one",
				a.Region, e.Name, e.SelfLink)
		}
	}
	return capacity, p.err()
}

// validateTLS checks that TLS inputs are complete, consistent and cover the hostname.
func (a *ProducerServiceArgs) validateTLS(p *problems) {
	t := a.Tls
	if t == nil {
		return
	}
	checkKnown(p, "tls.sslPolicy", t.SslPolicy, checkSSLPolicy)
	selfManaged := given(t.CertificatePem) || given(t.PrivateKeyPem)
	existing := len(t.CertificateManagerCertificates) > 0
	switch n := countTrue(selfManaged, existing, t.Managed != nil); {
	case n != 1:
		p.addf("tls", "give exactly one of certificatePem and privateKeyPem (a self-managed certificate), certificateManagerCertificates (existing Certificate Manager certificates) or managed (a Google-managed certificate the component creates)")
		return
	case selfManaged && !given(t.CertificatePem):
		p.addf("tls.certificatePem", "is required with tls.privateKeyPem")
		return
	case selfManaged && !given(t.PrivateKeyPem):
		p.addf("tls.privateKeyPem", "is required with tls.certificatePem")
		return
	case t.Managed != nil:
		a.validateManaged(p)
		return
	}
	if cert, ok := knownString(t.CertificatePem); ok && selfManaged {
		p.add("tls.certificatePem", checkCertificate(cert, a.Hostname, time.Now()))
		if key, ok := knownString(t.PrivateKeyPem); ok {
			p.add("tls.privateKeyPem", checkKeyPair(cert, key))
		}
	}
	for i, in := range t.CertificateManagerCertificates {
		if c, ok := knownOrNil(in); ok {
			p.add(fmt.Sprintf("tls.certificateManagerCertificates[%d]", i), a.checkCertManagerCert(c))
		}
	}
}

// countTrue counts the true values.
func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// validatePlaced checks, once the project and region are known (given, or the component's
// provider's), what depends on them: that there is a region, that Certificate Manager
// certificates are in it, and the existing subnets and VPC (validateExisting).
// It returns the NAT capacity (natCapacity) as the lookups found it.
func (a *ProducerServiceArgs) validatePlaced(name string, l lookup) (int, error) {
	var p problems
	if a.Region == "" {
		p.addf("region", "is required: set it, or give the component's gcp provider a region (the gcp:region configuration for the default provider)")
		return 0, p.err()
	}
	if t := a.Tls; t != nil {
		for i, in := range t.CertificateManagerCertificates {
			if c, ok := knownOrNil(in); ok {
				p.add(fmt.Sprintf("tls.certificateManagerCertificates[%d]", i), a.certManagerRegion(c))
			}
		}
	}
	if b := a.BackendService; b != nil {
		checkKnown(&p, "backendService.securityPolicy", b.SecurityPolicy, a.securityPolicyRegion)
	}
	capacity, err := a.validateExisting(name, l)
	if err != nil {
		p.errs = append(p.errs, err)
	}
	return capacity, p.err()
}

// certManagerRegion checks that a well-formed regional Certificate Manager certificate is in the
// producer's region.
func (a *ProducerServiceArgs) certManagerRegion(c string) error {
	if m := certManagerRe.FindStringSubmatch(c); m != nil && m[1] != "global" && m[1] != a.Region {
		return fmt.Errorf("is in %s but the load balancer is in %s", m[1], a.Region)
	}
	return nil
}

// checkCertManagerCert checks the shape of a Certificate Manager certificate and that it is regional;
// validatePlaced checks its region once the producer's is known.
func (a *ProducerServiceArgs) checkCertManagerCert(c string) error {
	m := certManagerRe.FindStringSubmatch(c)
	switch {
	case m == nil:
		return fmt.Errorf("must be projects/PROJECT/locations/REGION/certificates/NAME, got %q", c)
	case m[1] == "global":
		return fmt.Errorf("a regional load balancer needs a regional certificate in the load balancer's region, not a global one (certificate maps and global certificates do not apply to regional proxies)")
	}
	return nil
}

// checkCertificate parses a PEM certificate chain and checks that its leaf covers hostname and
// has not expired.
func checkCertificate(certPEM, hostname string, now time.Time) error {
	block, _ := pem.Decode([]byte(certPEM))
	if block == nil || block.Type != "CERTIFICATE" {
		return fmt.Errorf("must be a PEM certificate (-----BEGIN CERTIFICATE-----)")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return fmt.Errorf("cannot be parsed: %w", err)
	}
	if now.After(cert.NotAfter) {
		return fmt.Errorf("expired on %s", cert.NotAfter.UTC().Format(time.DateOnly))
	}
	if hostname != "" {
		if err := cert.VerifyHostname(hostname); err != nil {
			return fmt.Errorf("does not cover hostname %q (names: %s): clients calling https://%s would reject it",
				hostname, strings.Join(cert.DNSNames, ", "), hostname)
		}
	}
	return nil
}

// checkKeyPair checks that a PEM private key belongs to the certificate, without echoing the key.
func checkKeyPair(certPEM, keyPEM string) error {
	if _, err := tls.X509KeyPair([]byte(certPEM), []byte(keyPEM)); err != nil {
		return fmt.Errorf("is not a PEM private key matching tls.certificatePem")
	}
	return nil
}

// checkedCertificate returns the TLS certificate, failing, naming the input, when a certificate
// given as an Output resolves to one that does not parse, has expired or does not cover
// hostname. A secret certificate stays secret.
func checkedCertificate(t *TlsArgs, hostname string) pulumi.StringOutput {
	if cert, ok := knownString(t.CertificatePem); ok {
		return pulumi.String(cert).ToStringOutput()
	}
	return t.CertificatePem.ToStringOutput().ApplyT(func(cert string) (string, error) {
		if err := checkCertificate(cert, hostname, time.Now()); err != nil {
			return "", fmt.Errorf("tls.certificatePem: %w", err)
		}
		return cert, nil
	}).(pulumi.StringOutput)
}

// checkedPrivateKey returns the TLS private key as a secret that fails, naming the input, when it
// does not match the certificate (checked when a key or certificate given as an Output resolves).
func checkedPrivateKey(t *TlsArgs) pulumi.StringOutput {
	key := pulumi.All(t.CertificatePem, t.PrivateKeyPem).ApplyT(func(v []any) (string, error) {
		cert, k := v[0].(string), v[1].(string)
		if err := checkKeyPair(cert, k); err != nil {
			return "", fmt.Errorf("tls.privateKeyPem: %w", err)
		}
		return k, nil
	}).(pulumi.StringOutput)
	return pulumi.ToSecret(key).(pulumi.StringOutput)
}

// validateConsumers checks the accept and reject lists: one kind of entry, valid values, limits of
// at least one, nobody both accepted and rejected, and no lists with automatic acceptance.
func (a *ProducerServiceArgs) validateConsumers(p *problems) {
	if a.AcceptAllConsumers {
		if len(a.Consumers) > 0 || len(a.ConsumerStacks) > 0 || len(a.RejectedConsumers) > 0 {
			p.addf("acceptAllConsumers", "cannot be combined with consumers, consumerStacks or rejectedConsumers: Google Cloud rejects accept and reject lists with ACCEPT_AUTOMATIC")
		}
		return
	}
	kinds := map[string][]string{}
	accepted := map[string]string{}
	for i, c := range a.Consumers {
		path := fmt.Sprintf("consumers[%d]", i)
		switch {
		case given(c.ProjectIdOrNum) == given(c.NetworkUrl):
			p.addf(path, "give exactly one of projectIdOrNum and networkUrl")
			continue
		case given(c.ProjectIdOrNum):
			kinds["projectIdOrNum"] = append(kinds["projectIdOrNum"], path)
			if v, ok := knownString(c.ProjectIdOrNum); ok {
				p.add(path+".projectIdOrNum", checkProject(v))
				accepted[v] = path
			}
		default:
			kinds["networkUrl"] = append(kinds["networkUrl"], path)
			if v, ok := knownString(c.NetworkUrl); ok {
				p.add(path+".networkUrl", checkNetworkURL(v))
				accepted[trimComputePrefix(v)] = path
			}
		}
		checkConnectionLimit(p, path, c.ConnectionLimit)
	}
	for i, cs := range a.ConsumerStacks {
		path := fmt.Sprintf("consumerStacks[%d]", i)
		if cs.Stack == "" {
			p.addf(path+".stack", "is required")
		} else {
			p.add(path+".stack", checkStackName(cs.Stack))
		}
		if cs.Output == "" || strings.ContainsAny(cs.Output, " /") {
			p.addf(path+".output", "must be a stack output name such as consumerProject or consumerNetwork, got %q", cs.Output)
		}
		checkConnectionLimit(p, path, cs.ConnectionLimit)
		kind := "projectIdOrNum"
		if cs.byNetwork() {
			kind = "networkUrl"
		}
		kinds[kind] = append(kinds[kind], path)
	}
	if len(kinds) > 1 {
		p.addf("consumers", "all accept-list entries must be of one kind, projects or networks: projects at %s, networks at %s",
			strings.Join(kinds["projectIdOrNum"], ", "), strings.Join(kinds["networkUrl"], ", "))
	}
	for i, in := range a.RejectedConsumers {
		path := fmt.Sprintf("rejectedConsumers[%d]", i)
		r, ok := knownOrNil(in)
		if !ok {
			continue
		}
		p.add(path, checkRejected(r))
		if at, ok := accepted[trimComputePrefix(r)]; ok {
			p.addf(path, "%q is also accepted at %s; a rejected consumer stays rejected, remove it from one list", r, at)
		}
	}
	if dup := firstDuplicate(knownStrings(a.RejectedConsumers)); dup != "" {
		p.addf("rejectedConsumers", "lists %q twice", dup)
	}
}

// checkRejected checks a rejected consumer: a network URL or a project.
func checkRejected(r string) error {
	if strings.Contains(r, "/") {
		return checkNetworkURL(r)
	}
	return checkProject(r)
}

// checkConnectionLimit checks an accept-list entry's limit (nil means the default).
func checkConnectionLimit(p *problems, path string, limit *int) {
	if limit != nil && *limit < 1 {
		p.addf(path+".connectionLimit", "must be at least 1, got %d", *limit)
	}
}

// checkStackConsumer checks, when it resolves, a consumer read from another stack.
func checkStackConsumer(v pulumi.StringOutput, input string, cs ConsumerStackArgs, rejected []string) pulumi.StringOutput {
	return v.ApplyT(func(s string) (string, error) {
		check := checkProject
		if cs.byNetwork() {
			check = checkNetworkURL
		}
		if err := check(s); err != nil {
			return "", fmt.Errorf("%s: output %q of stack %q %w", input, cs.Output, cs.Stack, hidden(err, s))
		}
		if slices.Contains(rejected, s) {
			return "", fmt.Errorf("%s: %q from stack %q is also in rejectedConsumers; remove it from one list", input, s, cs.Stack)
		}
		return s, nil
	}).(pulumi.StringOutput)
}

// firstDuplicate returns the first value that appears twice, or "".
func firstDuplicate(values []string) string {
	seen := map[string]bool{}
	for _, v := range values {
		if seen[v] {
			return v
		}
		seen[v] = true
	}
	return ""
}
