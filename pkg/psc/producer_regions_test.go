package psc

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// regionRanges are the subnet ranges of each region the tests use (a /24 load balancer subnet, a
// /26 proxy-only subnet and a /28 NAT subnet in 10.R.0.0/16).
var regionRanges = map[string]int{testRegion: 110, "us-east1": 120, "asia-southeast1": 130}

// regionArgs is a region with created subnets in its own ranges.
func regionArgs(region string) ProducerRegionArgs {
	n := regionRanges[region]
	return ProducerRegionArgs{
		LoadBalancerSubnet: SubnetArgs{IpCidrRange: fmt.Sprintf("10.%d.0.0/24", n)},
		ProxyOnlySubnet:    SubnetArgs{IpCidrRange: fmt.Sprintf("10.%d.1.0/26", n)},
		NatSubnet:          SubnetArgs{IpCidrRange: fmt.Sprintf("10.%d.2.0/28", n)},
	}
}

// regionsProducer is producerArgs served from the given regions instead of the top-level subnets.
func regionsProducer(regions ...string) *ProducerServiceArgs {
	a := producerArgs()
	a.LoadBalancerSubnet, a.ProxyOnlySubnet, a.NatSubnet = SubnetArgs{}, SubnetArgs{}, SubnetArgs{}
	a.Regions = map[string]ProducerRegionArgs{}
	for _, r := range regions {
		a.Regions[r] = regionArgs(r)
	}
	return a
}

// producerOutputs are the outputs of a ProducerService the regions tests read.
type producerOutputs struct {
	uri, ip, natSubnet, region, runName string
	uris, ips                           map[string]string
	regions                             []string
	capacity                            int
	endpoints                           []ConnectedEndpoint
}

// runProducer runs a producer of args on f and returns its outputs.
func runProducer(t *testing.T, f *fakeCloud, args *ProducerServiceArgs) producerOutputs {
	t.Helper()
	var o producerOutputs
	err := f.Run(func(ctx *pulumi.Context) error {
		p, err := NewProducerService(ctx, "payments", args)
		if err != nil {
			return err
		}
		o.uri = psctest.Await[string](t, p.ServiceAttachmentUri)
		o.ip = psctest.Await[string](t, p.LoadBalancerIp)
		o.natSubnet = psctest.Await[string](t, p.NatSubnet)
		o.region = psctest.Await[string](t, p.Region)
		o.runName = psctest.Await[string](t, p.CloudRunServiceName)
		o.uris = psctest.Await[map[string]string](t, p.ServiceAttachmentUris)
		o.ips = psctest.Await[map[string]string](t, p.LoadBalancerIps)
		o.regions = psctest.Await[[]string](t, p.Regions)
		o.capacity = psctest.Await[int](t, p.NatCapacity)
		eps := make(chan []ConnectedEndpoint, 1)
		pulumix.Apply(p.ConnectedEndpoints, func(v []ConnectedEndpoint) int { eps <- v; return 0 })
		o.endpoints = <-eps
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// strs reads a list of strings input.
func strs(v resource.PropertyValue) []string {
	var out []string
	if v.IsArray() {
		for _, e := range v.ArrayValue() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

// assertCrossRegionChain checks the cross-region chain of regions (the first the primary): per
// region its subnets, NEG in that region, global rule in its subnet after its proxy-only subnet,
// and attachment on that rule; one global backend with every NEG and the failover outlier
// detection, URL map and proxy.
func assertCrossRegionChain(t *testing.T, f *fakeCloud, regions []string) {
	t.Helper()
	backend := f.One(t, chain.BackendServiceType)
	if str(backend, "loadBalancingScheme") != "INTERNAL_MANAGED" || str(backend, "protocol") != "HTTP" {
		t.Errorf("global backend = %v, want INTERNAL_MANAGED HTTP", backend.Inputs)
	}
	if backend.Name != "payments-global-backend" {
		t.Errorf("global backend named %q", backend.Name)
	}
	var groups []string
	for _, b := range input(backend, "backends").ArrayValue() {
		groups = append(groups, b.ObjectValue()["group"].StringValue())
		for _, k := range []string{"balancingMode", "capacityScaler"} {
			if _, ok := b.ObjectValue()[resourceKey(k)]; ok {
				t.Errorf("a serverless backend must not set %s", k)
			}
		}
	}
	od := input(backend, "outlierDetection").ObjectValue()
	for k, want := range map[string]float64{"consecutiveErrors": 5, "enforcingConsecutiveErrors": 100, "consecutiveGatewayFailure": 5,
		"enforcingConsecutiveGatewayFailure": 100, "maxEjectionPercent": 50} {
		if got := od[resourceKey(k)]; !got.IsNumber() || got.NumberValue() != want {
			t.Errorf("outlierDetection.%s = %v, want %v", k, got, want)
		}
	}
	if s := od["interval"].ObjectValue()["seconds"]; s.NumberValue() != 10 {
		t.Errorf("outlierDetection.interval = %v, want 10 s", od["interval"])
	}
	if s := od["baseEjectionTime"].ObjectValue()["seconds"]; s.NumberValue() != 30 {
		t.Errorf("outlierDetection.baseEjectionTime = %v, want 30 s", od["baseEjectionTime"])
	}
	urlMap := f.One(t, chain.URLMapType)
	if urlMap.Name != "payments-global-urlmap" || !strings.HasSuffix(str(urlMap, "defaultService"), "/global/backendServices/payments-global-backend") {
		t.Errorf("URL map %s defaultService = %q, want the global backend", urlMap.Name, str(urlMap, "defaultService"))
	}
	proxy := f.One(t, chain.TargetHttpProxyType)
	if proxy.Name != "payments-global-proxy" || !strings.HasSuffix(str(proxy, "urlMap"), "/global/urlMaps/payments-global-urlmap") {
		t.Errorf("proxy %s urlMap = %q", proxy.Name, str(proxy, "urlMap"))
	}
	for _, r := range regions {
		neg := f.Named(t, "payments-"+r+"-neg")
		if neg.Type != typeNEG || str(neg, "region") != r || str(neg, "networkEndpointType") != "SERVERLESS" {
			t.Errorf("NEG of %s = %s %v, want a SERVERLESS NEG in %s", r, neg.Type, neg.Inputs, r)
		}
		wantRun := "payments-" + r + "-run"
		if r == regions[0] {
			wantRun = "payments-run" // the primary region's is the single-region form's
		}
		if got := input(neg, "cloudRun").ObjectValue()["service"].StringValue(); got != wantRun {
			t.Errorf("NEG of %s serves %q, want %q", r, got, wantRun)
		}
		if run := f.Named(t, wantRun); str(run, "location") != r {
			t.Errorf("Cloud Run service %s in %q, want %s", wantRun, str(run, "location"), r)
		}
		if !slices.ContainsFunc(groups, func(g string) bool {
			return strings.HasSuffix(g, "/regions/"+r+"/networkEndpointGroups/payments-"+r+"-neg")
		}) {
			t.Errorf("the global backend's groups %v lack the NEG of %s", groups, r)
		}
		rule := f.Named(t, "payments-"+r+"-lb-rule")
		if rule.Type != chain.GlobalForwardingRuleType || str(rule, "loadBalancingScheme") != "INTERNAL_MANAGED" ||
			str(rule, "portRange") != "80" || !strings.HasSuffix(str(rule, "target"), "/global/targetHttpProxies/payments-global-proxy") {
			t.Errorf("rule of %s = %s %v, want an INTERNAL_MANAGED global rule on the global proxy", r, rule.Type, rule.Inputs)
		}
		if !strings.HasSuffix(str(rule, "subnetwork"), "/regions/"+r+"/subnetworks/payments-"+r+"-lb-subnet") {
			t.Errorf("rule of %s in subnetwork %q, want the region's load balancer subnet", r, str(rule, "subnetwork"))
		}
		if proxySubnet := urnOf(t, f, "payments-"+r+"-proxy-subnet"); !slices.Contains(rule.Dependencies, proxySubnet) {
			t.Errorf("rule of %s must depend on %s, depends on %v", r, proxySubnet, rule.Dependencies)
		}
		ps := f.Named(t, "payments-"+r+"-proxy-subnet")
		if str(ps, "purpose") != "GLOBAL_MANAGED_PROXY" || str(ps, "role") != "ACTIVE" || str(ps, "region") != r {
			t.Errorf("proxy-only subnet of %s = %v, want an ACTIVE GLOBAL_MANAGED_PROXY subnet there", r, ps.Inputs)
		}
		nat := f.Named(t, "payments-"+r+"-nat-subnet")
		if str(nat, "purpose") != "PRIVATE_SERVICE_CONNECT" || str(nat, "region") != r {
			t.Errorf("NAT subnet of %s = %v", r, nat.Inputs)
		}
		sa := f.Named(t, "payments-"+r+"-attachment")
		if str(sa, "region") != r || !strings.HasSuffix(str(sa, "targetService"), "/global/forwardingRules/payments-"+r+"-lb-rule") {
			t.Errorf("attachment of %s in %q targets %q, want its region's global rule", r, str(sa, "region"), str(sa, "targetService"))
		}
		if got := strs(input(sa, "natSubnets")); len(got) != 1 || !strings.HasSuffix(got[0], "/regions/"+r+"/subnetworks/payments-"+r+"-nat-subnet") {
			t.Errorf("attachment of %s natSubnets = %v, want the region's NAT subnet", r, got)
		}
		accept := input(sa, "consumerAcceptLists").ArrayValue()
		if str(sa, "connectionPreference") != "ACCEPT_MANUAL" || len(accept) != 1 || accept[0].ObjectValue()["projectIdOrNum"].StringValue() != "consumer-prj" {
			t.Errorf("attachment of %s accepts %v (%s), want consumer-prj by hand", r, accept, str(sa, "connectionPreference"))
		}
	}
	if len(groups) != len(regions) {
		t.Errorf("the global backend has %d groups, want one per region (%d)", len(groups), len(regions))
	}
}

func TestProducerTwoRegions(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	out := runProducer(t, f, regionsProducer(testRegion, "us-east1"))
	want := map[string]int{typeSubnet: 6, typeService: 2, typeNEG: 2, chain.BackendServiceType: 1, chain.URLMapType: 1,
		chain.TargetHttpProxyType: 1, chain.GlobalForwardingRuleType: 2, typeAttachment: 2}
	if got := f.CountByType(); !mapsEqual(got, want) {
		t.Errorf("resource counts = %v, want %v (no regional load balancer)", got, want)
	}
	assertCrossRegionChain(t, f, []string{testRegion, "us-east1"})
	wantURIs := map[string]string{
		testRegion: "projects/producer-prj/regions/europe-west1/serviceAttachments/payments-europe-west1-attachment",
		"us-east1": "projects/producer-prj/regions/us-east1/serviceAttachments/payments-us-east1-attachment",
	}
	if !maps.Equal(out.uris, wantURIs) {
		t.Errorf("serviceAttachmentUris = %v, want %v", out.uris, wantURIs)
	}
	if out.uri != wantURIs[testRegion] || out.region != testRegion || out.runName != "payments-run" {
		t.Errorf("single outputs = %s %s %s, want the primary region's", out.uri, out.region, out.runName)
	}
	if len(out.ips) != 2 || out.ip != out.ips[testRegion] {
		t.Errorf("loadBalancerIps = %v, loadBalancerIp = %s", out.ips, out.ip)
	}
	if !slices.Equal(out.regions, []string{testRegion, "us-east1"}) {
		t.Errorf("regions = %v", out.regions)
	}
	if out.capacity != 2*12 || !strings.HasSuffix(out.natSubnet, "/regions/europe-west1/subnetworks/payments-europe-west1-nat-subnet") {
		t.Errorf("natCapacity = %d (want both /28s, 24), natSubnet = %s", out.capacity, out.natSubnet)
	}
}

func TestProducerThreeRegions(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	args := regionsProducer(testRegion, "us-east1", "asia-southeast1")
	args.Regions["asia-southeast1"] = func(r ProducerRegionArgs) ProducerRegionArgs {
		r.ExistingServiceName, r.LoadBalancerIp = "payments-asia", "10.130.0.7"
		r.AdditionalNatSubnets = []SubnetArgs{{IpCidrRange: "10.130.3.0/29", Key: "b"}}
		return r
	}(args.Regions["asia-southeast1"])
	out := runProducer(t, f, args)
	if got := f.CountByType(); got[typeAttachment] != 3 || got[chain.GlobalForwardingRuleType] != 3 || got[typeNEG] != 3 ||
		got[typeService] != 2 || got[chain.BackendServiceType] != 1 || got[typeSubnet] != 10 {
		t.Errorf("resource counts = %v, want 3 attachments, rules and NEGs, 2 created services (one region names its own), 10 subnets", got)
	}
	neg := f.Named(t, "payments-asia-southeast1-neg")
	if got := input(neg, "cloudRun").ObjectValue()["service"].StringValue(); got != "payments-asia" || str(neg, "region") != "asia-southeast1" {
		t.Errorf("NEG of asia-southeast1 serves %q in %s, want its existing service", got, str(neg, "region"))
	}
	if rule := f.Named(t, "payments-asia-southeast1-lb-rule"); str(rule, "ipAddress") != "10.130.0.7" {
		t.Errorf("rule of asia-southeast1 ipAddress = %q, want its loadBalancerIp", str(rule, "ipAddress"))
	}
	if nat := strs(input(f.Named(t, "payments-asia-southeast1-attachment"), "natSubnets")); len(nat) != 2 ||
		!strings.HasSuffix(nat[1], "/payments-asia-southeast1-nat-b") {
		t.Errorf("natSubnets of asia-southeast1 = %v, want its two", nat)
	}
	for _, r := range []string{testRegion, "us-east1", "asia-southeast1"} {
		sa := f.Named(t, "payments-"+r+"-attachment")
		if !strings.HasSuffix(str(sa, "targetService"), "/forwardingRules/payments-"+r+"-lb-rule") {
			t.Errorf("attachment of %s targets %q", r, str(sa, "targetService"))
		}
	}
	if len(out.uris) != 3 || len(out.regions) != 3 || out.capacity != 12+12+12+4 {
		t.Errorf("uris %v, regions %v, natCapacity %d", out.uris, out.regions, out.capacity)
	}
	if len(out.endpoints) != 0 {
		t.Errorf("connectedEndpoints = %v, want none", out.endpoints)
	}
}

// The migration state: the regional chain keeps its children, names and inputs beside the
// cross-region one, and the single outputs stay the regional chain's.
func TestProducerRegionsMigrationState(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	args := producerArgs()
	args.Regions = map[string]ProducerRegionArgs{testRegion: regionArgs(testRegion), "us-east1": regionArgs("us-east1")}
	args.DomainNames, args.ServiceAttachmentName = []string{"payments.example.com."}, "payments-psc"
	out := runProducer(t, f, args)
	want := map[string]int{typeSubnet: 9, typeService: 2, typeNEG: 3, typeBackend: 1, typeURLMap: 1, typeHTTPProxy: 1, typeRule: 1,
		chain.BackendServiceType: 1, chain.URLMapType: 1, chain.TargetHttpProxyType: 1, chain.GlobalForwardingRuleType: 2, typeAttachment: 3}
	if got := f.CountByType(); !mapsEqual(got, want) {
		t.Errorf("resource counts = %v, want %v (both chains)", got, want)
	}
	assertCrossRegionChain(t, f, []string{testRegion, "us-east1"})
	for _, name := range []string{"payments-lb-subnet", "payments-proxy-subnet", "payments-nat-subnet", "payments-neg", "payments-backend",
		"payments-urlmap", "payments-proxy", "payments-lb-rule", "payments-attachment"} {
		f.Named(t, name)
	}
	if got := str(f.Named(t, "payments-proxy-subnet"), "purpose"); got != "REGIONAL_MANAGED_PROXY" {
		t.Errorf("the regional chain's proxy-only subnet purpose = %q", got)
	}
	if sa := f.Named(t, "payments-attachment"); !strings.HasSuffix(str(sa, "targetService"), "/regions/europe-west1/forwardingRules/payments-lb-rule") {
		t.Errorf("the regional attachment targets %q, want the regional rule", str(sa, "targetService"))
	}
	if got := input(f.Named(t, "payments-neg"), "cloudRun").ObjectValue()["service"].StringValue(); got != "payments-run" {
		t.Errorf("the regional NEG serves %q, want payments-run, which both chains share", got)
	}
	// domainNames and serviceAttachmentName stay the regional attachment's.
	if sa := f.Named(t, "payments-attachment"); str(sa, "name") != "payments-psc" || len(strs(input(sa, "domainNames"))) != 1 {
		t.Errorf("the regional attachment's name %q, domainNames %v: want them kept", str(sa, "name"), input(sa, "domainNames"))
	}
	if sa := f.Named(t, "payments-us-east1-attachment"); str(sa, "name") != "" || !input(sa, "domainNames").IsNull() {
		t.Errorf("a region's attachment has name %q, domainNames %v: want neither", str(sa, "name"), input(sa, "domainNames"))
	}
	if !strings.HasSuffix(out.uri, "/serviceAttachments/payments-psc") || out.ip != "10.10.0.9" {
		t.Errorf("serviceAttachmentUri %s, loadBalancerIp %s: want the regional chain's", out.uri, out.ip)
	}
	if _, regional := out.uris[testRegion]; !regional || strings.HasSuffix(out.uris[testRegion], "/payments-attachment") || len(out.uris) != 2 {
		t.Errorf("serviceAttachmentUris = %v, want the cross-region attachments only", out.uris)
	}
	if out.capacity != 3*12 {
		t.Errorf("natCapacity = %d, want the three attachments' NAT subnets, 36", out.capacity)
	}
}

// Outlier detection: on by default with regions, backendService.outlierDetection overrides it
// field by field, disableOutlierDetection removes it.
func TestProducerRegionsOutlierDetection(t *testing.T) {
	t.Parallel()
	override := regionsProducer(testRegion, "us-east1")
	override.BackendService = &BackendServiceArgs{OutlierDetection: &OutlierDetectionArgs{ConsecutiveGatewayFailure: pulumi.IntRef(2)},
		TimeoutSec: pulumi.IntRef(40), LogConfig: &BackendLogConfigArgs{SampleRate: pulumi.Float64Ref(0.25)}}
	f := newFakeCloud()
	runProducer(t, f, override)
	backend := f.One(t, chain.BackendServiceType)
	od := input(backend, "outlierDetection").ObjectValue()
	if od["consecutiveGatewayFailure"].NumberValue() != 2 || od["consecutiveErrors"].NumberValue() != 5 || od["maxEjectionPercent"].NumberValue() != 50 {
		t.Errorf("outlierDetection = %v, want consecutiveGatewayFailure 2 over the defaults", od)
	}
	if lc := input(backend, "logConfig").ObjectValue(); !lc["enable"].BoolValue() || lc["sampleRate"].NumberValue() != 0.25 ||
		input(backend, "timeoutSec").NumberValue() != 40 {
		t.Errorf("logConfig %v, timeoutSec %v: want the backendService controls", lc, input(backend, "timeoutSec"))
	}

	off := regionsProducer(testRegion, "us-east1")
	off.BackendService = &BackendServiceArgs{DisableOutlierDetection: true}
	if a := off.withDefaults(); a.crossRegionOutlierDetection() != nil {
		t.Errorf("disableOutlierDetection leaves outlier detection %v", a.crossRegionOutlierDetection())
	}
	f = newFakeCloud()
	runProducer(t, f, off)
	if od := input(f.One(t, chain.BackendServiceType), "outlierDetection"); !od.IsNull() {
		t.Errorf("outlierDetection = %v with disableOutlierDetection, want none", od)
	}
}

// TLS with regions: the global proxy takes Certificate Manager certificates of scope ALL_REGIONS
// in location global: a PEM pair becomes one, a managed certificate is created there.
func TestProducerRegionsTLS(t *testing.T) {
	t.Parallel()
	cert, key := psctest.SelfSignedCert(t, "payment-api.internal")
	args := regionsProducer(testRegion, "us-east1")
	args.Tls = &TlsArgs{CertificatePem: pulumi.String(cert), PrivateKeyPem: pulumi.String(key)}
	f := newFakeCloud()
	runProducer(t, f, args)
	c := f.One(t, chain.CertificateManagerCertificateType)
	if c.Name != "payments-global-cert" || str(c, "location") != "global" || str(c, "scope") != "ALL_REGIONS" ||
		!strings.Contains(input(c, "selfManaged").ObjectValue()["pemCertificate"].StringValue(), "BEGIN CERTIFICATE") {
		t.Errorf("certificate %s = %v, want a self-managed global ALL_REGIONS one", c.Name, c.Inputs)
	}
	proxy := f.One(t, chain.TargetHttpsProxyType)
	if got := strs(input(proxy, "certificateManagerCertificates")); len(got) != 1 || got[0] != "projects/producer-prj/locations/global/certificates/payments-global-cert" {
		t.Errorf("global proxy certificates = %v", got)
	}
	if n := len(f.Custom(typeCert)); n != 0 {
		t.Errorf("%d Compute Engine SSL certificates, want none", n)
	}
	if rule := f.Named(t, "payments-us-east1-lb-rule"); str(rule, "portRange") != "443" {
		t.Errorf("rule portRange = %q, want 443", str(rule, "portRange"))
	}

	managed := regionsProducer(testRegion, "us-east1")
	managed.Hostname = "payments.example.com"
	managed.Tls = &TlsArgs{Managed: &ManagedCertificateArgs{}}
	f = newFakeCloud()
	runProducer(t, f, managed)
	c = f.One(t, chain.CertificateManagerCertificateType)
	auth := f.One(t, chain.DnsAuthorizationType)
	if str(c, "location") != "global" || str(c, "scope") != "ALL_REGIONS" || str(auth, "location") != "global" ||
		!strings.HasPrefix(auth.Name, "payments-global-dnsauth-") {
		t.Errorf("managed certificate %v, DNS authorization %s %v: want both global, the certificate ALL_REGIONS", c.Inputs, auth.Name, auth.Inputs)
	}

	existing := regionsProducer(testRegion, "us-east1")
	existing.Tls = &TlsArgs{CertificateManagerCertificates: pulumi.ToStringArray([]string{"projects/producer-prj/locations/global/certificates/api"})}
	f = newFakeCloud()
	runProducer(t, f, existing)
	if got := strs(input(f.One(t, chain.TargetHttpsProxyType), "certificateManagerCertificates")); len(got) != 1 || !strings.HasSuffix(got[0], "/global/certificates/api") {
		t.Errorf("global proxy certificates = %v, want the global one given", got)
	}

	// In the migration state each proxy takes its kind.
	both := producerArgs()
	both.Regions = map[string]ProducerRegionArgs{testRegion: regionArgs(testRegion), "us-east1": regionArgs("us-east1")}
	both.Tls = &TlsArgs{CertificateManagerCertificates: pulumi.ToStringArray([]string{
		"projects/producer-prj/locations/global/certificates/api", "projects/producer-prj/locations/europe-west1/certificates/api"})}
	f = newFakeCloud()
	runProducer(t, f, both)
	if got := strs(input(f.One(t, chain.TargetHttpsProxyType), "certificateManagerCertificates")); len(got) != 1 || !strings.Contains(got[0], "/global/") {
		t.Errorf("global proxy certificates = %v, want the global one", got)
	}
	if got := strs(input(f.One(t, typeHTTPSProxy), "certificateManagerCertificates")); len(got) != 1 || !strings.Contains(got[0], "/europe-west1/") {
		t.Errorf("regional proxy certificates = %v, want the regional one", got)
	}
}

// Every refusal of regions is reported at preview naming its input, all at once, and nothing is
// created.
func TestProducerRegionsRefused(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		edit func(a *ProducerServiceArgs)
		want []string
	}{
		"one region": {func(a *ProducerServiceArgs) { delete(a.Regions, "us-east1") },
			[]string{"regions: lists one region, europe-west1: use the top-level subnets for one region, or list two or more"}},
		"a zone": {func(a *ProducerServiceArgs) {
			a.Regions["us-east1-b"] = a.Regions["us-east1"]
			delete(a.Regions, "us-east1")
		},
			[]string{`regions["us-east1-b"]: "us-east1-b" is a zone, not a region: key the entry by its region, us-east1`}},
		"not a region": {func(a *ProducerServiceArgs) {
			a.Regions["mars-north1"] = a.Regions["us-east1"]
			delete(a.Regions, "us-east1")
		},
			[]string{`regions["mars-north1"]: "mars-north1" is not a Compute Engine region`}},
		"twice": {func(a *ProducerServiceArgs) { a.Regions["Us-East1"] = regionArgs("asia-southeast1") },
			[]string{`regions["Us-East1"]: "Us-East1" must be written as Compute Engine names the region: us-east1`,
				`regions["us-east1"]: is the region of regions["Us-East1"] too: list each region once`}},
		"overlap across regions": {func(a *ProducerServiceArgs) {
			r := a.Regions["us-east1"]
			r.NatSubnet = SubnetArgs{IpCidrRange: "10.110.2.0/28"}
			a.Regions["us-east1"] = r
		}, []string{`regions["us-east1"].natSubnet.ipCidrRange: 10.110.2.0/28 overlaps regions["europe-west1"].natSubnet.ipCidrRange 10.110.2.0/28`}},
		"overlap with the top-level subnets": {func(a *ProducerServiceArgs) {
			a.LoadBalancerSubnet, a.ProxyOnlySubnet, a.NatSubnet = SubnetArgs{IpCidrRange: "10.120.0.0/24"}, SubnetArgs{IpCidrRange: "10.129.0.0/23"}, SubnetArgs{IpCidrRange: "10.20.0.0/28"}
		}, []string{`regions["us-east1"].loadBalancerSubnet.ipCidrRange: 10.120.0.0/24 overlaps loadBalancerSubnet.ipCidrRange 10.120.0.0/24`}},
		"primary not a key": {func(a *ProducerServiceArgs) { a.Region = "asia-southeast1" },
			[]string{`region: "asia-southeast1" is the primary region (given, or the gcp provider's), which must be one of the regions offered: europe-west1, us-east1`}},
		"primary from the provider": {func(a *ProducerServiceArgs) {
			a.Regions["asia-southeast1"] = regionArgs("asia-southeast1")
			delete(a.Regions, testRegion)
		}, []string{`region: "europe-west1" is the primary region (given, or the gcp provider's), which must be one of the regions offered: asia-southeast1, us-east1`}},
		"region subnets missing": {func(a *ProducerServiceArgs) {
			r := a.Regions["us-east1"]
			r.ProxyOnlySubnet = SubnetArgs{}
			a.Regions["us-east1"] = r
		}, []string{`regions["us-east1"].proxyOnlySubnet: give exactly one of ipCidrRange (create the subnet) and selfLink (use an existing one)`}},
		"refused inputs": {func(a *ProducerServiceArgs) {
			a.BackendService = &BackendServiceArgs{SecurityPolicy: pulumi.String("armor")}
			a.AllowGlobalAccess = true
			a.DomainNames = []string{"payments.example.com."}
			a.CloudRun.VpcEgress = &VpcEgressArgs{Connector: pulumi.String("projects/p/locations/europe-west1/connectors/c")}
			a.ServiceAttachmentName = "payments-psc"
		}, []string{"backendService.securityPolicy: cannot be used with regions", "allowGlobalAccess: cannot be used with regions",
			"domainNames: cannot be used with regions", "cloudRun.vpcEgress: cannot be used with regions",
			"serviceAttachmentName: names the attachment of the regional load balancer"}},
		"existing service at the top": {func(a *ProducerServiceArgs) { a.CloudRun = CloudRunArgs{ExistingServiceName: "payments"} },
			[]string{"cloudRun.existingServiceName: cannot be used with regions: name the existing service of each region"}},
		"regional certificate": {func(a *ProducerServiceArgs) {
			a.Tls = &TlsArgs{CertificateManagerCertificates: pulumi.ToStringArray([]string{"projects/p/locations/europe-west1/certificates/c"})}
		}, []string{"tls.certificateManagerCertificates[0]: is a regional certificate, but the cross-region load balancer of regions takes global ones"}},
		"migration state without a global certificate": {func(a *ProducerServiceArgs) {
			a.LoadBalancerSubnet, a.ProxyOnlySubnet, a.NatSubnet = SubnetArgs{IpCidrRange: "10.10.0.0/24"}, SubnetArgs{IpCidrRange: "10.129.0.0/23"}, SubnetArgs{IpCidrRange: "10.20.0.0/28"}
			a.Tls = &TlsArgs{CertificateManagerCertificates: pulumi.ToStringArray([]string{"projects/p/locations/europe-west1/certificates/c"})}
		}, []string{"tls.certificateManagerCertificates: needs a global certificate"}},
		"outlier detection both ways": {func(a *ProducerServiceArgs) {
			a.BackendService = &BackendServiceArgs{DisableOutlierDetection: true, OutlierDetection: &OutlierDetectionArgs{ConsecutiveErrors: pulumi.IntRef(3)}}
		}, []string{"backendService.disableOutlierDetection: turns outlier detection off, so backendService.outlierDetection would be ignored"}},
		"disable without regions": {func(a *ProducerServiceArgs) {
			a.Regions = nil
			a.LoadBalancerSubnet, a.ProxyOnlySubnet, a.NatSubnet = SubnetArgs{IpCidrRange: "10.10.0.0/24"}, SubnetArgs{IpCidrRange: "10.129.0.0/23"}, SubnetArgs{IpCidrRange: "10.20.0.0/28"}
			a.BackendService = &BackendServiceArgs{DisableOutlierDetection: true}
		}, []string{"backendService.disableOutlierDetection: applies only with regions"}},
		"no subnets at all": {func(a *ProducerServiceArgs) { a.Regions = nil },
			[]string{"loadBalancerSubnet: give exactly one of", "proxyOnlySubnet: give exactly one of", "natSubnet: give exactly one of"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			args := regionsProducer(testRegion, "us-east1")
			tc.edit(args)
			f := newFakeCloud()
			err := f.Run(func(ctx *pulumi.Context) error {
				_, err := NewProducerService(ctx, "payments", args)
				return err
			})
			if err == nil {
				t.Fatalf("accepted, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if n := len(f.Custom("")); n != 0 {
				t.Errorf("%d resources created, want none", n)
			}
			a := args.withDefaults()
			assertProblemsNameInputs(t, &a, func() error { return a.validate("payments") })
		})
	}
}

// Existing subnets of a region are looked up in that region, and a second GLOBAL_MANAGED_PROXY
// subnet there is refused.
func TestProducerRegionsExistingSubnets(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	f.Subnets = append(f.Subnets,
		psctest.Subnet{Project: testProject, Region: "us-east1", Name: "lb", Network: producerVPC, IpCidrRange: "10.120.0.0/24"},
		psctest.Subnet{Project: testProject, Region: "us-east1", Name: "gproxy", Network: producerVPC, IpCidrRange: "10.121.0.0/26",
			Purpose: "GLOBAL_MANAGED_PROXY", Role: "ACTIVE"})
	args := regionsProducer(testRegion, "us-east1")
	r := args.Regions["us-east1"]
	r.LoadBalancerSubnet = SubnetArgs{SelfLink: pulumi.String("projects/producer-prj/regions/europe-west1/subnetworks/lb")}
	r.ProxyOnlySubnet = SubnetArgs{IpCidrRange: "10.120.64.0/26"}
	args.Regions["us-east1"] = r
	err := f.Run(func(ctx *pulumi.Context) error {
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	for _, w := range []string{
		`regions["us-east1"].loadBalancerSubnet.selfLink: projects/producer-prj/regions/europe-west1/subnetworks/lb is in region europe-west1, not in us-east1, the region of its regions entry`,
		`regions["us-east1"].proxyOnlySubnet.ipCidrRange: the VPC already has an active proxy-only subnet in us-east1, gproxy`,
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}

// TestProducerRegionsVpcEgress: each region's created Cloud Run service routes its outbound
// traffic through that region's own vpcEgress (a subnet or connector is regional), with the
// default egress; a region without one has none; the top-level cloudRun.vpcEgress and a region's
// vpcEgress beside its existing service are refused, naming the input.
func TestProducerRegionsVpcEgress(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	args := regionsProducer(testRegion, "us-east1", "asia-southeast1")
	for r, subnet := range map[string]string{testRegion: "apps-ew1", "us-east1": "apps-ue1"} {
		e := args.Regions[r]
		e.VpcEgress = &VpcEgressArgs{Network: pulumi.String("producer-vpc"), Subnetwork: pulumi.String(subnet)}
		args.Regions[r] = e
	}
	runProducer(t, f, args)
	got := map[string]string{}
	for _, s := range f.Custom(typeService) {
		region := psctest.Str(s, "location")
		access := psctest.Input(s, "template").ObjectValue()["vpcAccess"]
		if access.IsNull() {
			got[region] = "none"
			continue
		}
		a := access.ObjectValue()
		got[region] = a["networkInterfaces"].ArrayValue()[0].ObjectValue()["subnetwork"].StringValue() + " " + a["egress"].StringValue()
	}
	want := map[string]string{testRegion: "apps-ew1 PRIVATE_RANGES_ONLY", "us-east1": "apps-ue1 PRIVATE_RANGES_ONLY", "asia-southeast1": "none"}
	if !maps.Equal(got, want) {
		t.Errorf("the services' VPC egress by region = %v, want %v", got, want)
	}

	refused := regionsProducer(testRegion, "us-east1")
	refused.CloudRun.VpcEgress = &VpcEgressArgs{Connector: pulumi.String("projects/p/locations/europe-west1/connectors/c")}
	e := refused.Regions["us-east1"]
	e.ExistingServiceName = "payments-us"
	e.VpcEgress = &VpcEgressArgs{Network: pulumi.String("producer-vpc")}
	refused.Regions["us-east1"] = e
	f = newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		_, err := NewProducerService(ctx, "payments", refused)
		return err
	})
	for _, w := range []string{
		`cloudRun.vpcEgress: cannot be used with regions: give each region its own, regions[REGION].vpcEgress`,
		`regions["us-east1"].vpcEgress: applies only to a service the component creates, not to the region's existingServiceName`,
		`regions["us-east1"].vpcEgress: Direct VPC egress needs both network and subnetwork`,
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v, want %q", err, w)
		}
	}
	if n := len(f.All()); n != 0 {
		t.Errorf("a refused producer registered %d resources", n)
	}
}
