package gcpsim

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// The global load-balancing types of the cross-region internal Application Load Balancer
// (XLB-* rules in docs/gcp-rules.md): a global backend service whose serverless NEGs sit in
// several regions, a global URL map, global target proxies and one global forwarding rule per
// region. They share the regional kinds' rules where Google applies the same ones; their field
// properties follow the provider's global resources (fidelity.tsv).
const (
	globalBackendServiceToken = "gcp:compute/backendService:BackendService"
	globalURLMapToken         = "gcp:compute/uRLMap:URLMap"
	globalHTTPProxyToken      = "gcp:compute/targetHttpProxy:TargetHttpProxy"
	globalHTTPSProxyToken     = "gcp:compute/targetHttpsProxy:TargetHttpsProxy"
	globalSSLPolicyToken      = "gcp:compute/sSLPolicy:SSLPolicy"
)

// derive registers a global kind made from a regional one: the same collection, noun and rules,
// its maps and lists copied so that edit changes only the derived kind, and without the regional
// kind's "region" input.
func derive(base *kind, token string, edit func(k *kind)) *kind {
	k := *base
	k.token, k.scope = token, scopeGlobal
	without := func(list []string) []string {
		return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == "region" })
	}
	k.required, k.apiRequired, k.forceNew, k.sets, k.computed, k.secrets =
		without(base.required), without(base.apiRequired), without(base.forceNew), slices.Clone(base.sets),
		slices.Clone(base.computed), slices.Clone(base.secrets)
	k.enums, k.apiEnums, k.conflicts = maps.Clone(base.enums), maps.Clone(base.apiEnums), maps.Clone(base.conflicts)
	k.defaults, k.apiDefaults, k.suppress = maps.Clone(base.defaults), maps.Clone(base.apiDefaults), maps.Clone(base.suppress)
	delete(k.suppress, "region")
	k.exactlyOneOf, k.atLeastOneOf = slices.Clone(base.exactlyOneOf), slices.Clone(base.atLeastOneOf)
	edit(&k)
	return register(&k)
}

// The global backend service: terraform-provider-google-beta v6.49.2
// resource_compute_backend_service.go. Its scheme is not ForceNew and defaults to EXTERNAL; its
// backends send capacityScaler 1.0 by default.
var _ = derive(regionBackendServiceKind, globalBackendServiceToken, func(k *kind) {
	for _, f := range []string{"haPolicy.fastIpMove", "connectionTrackingPolicy.connectionPersistenceOnUnhealthyBackends",
		"connectionTrackingPolicy.trackingMode", "subsetting.policy"} {
		delete(k.enums, f)
	}
	k.enums["loadBalancingScheme"] = []string{"EXTERNAL", "INTERNAL_SELF_MANAGED", "INTERNAL_MANAGED", "EXTERNAL_MANAGED"}
	k.enums["sessionAffinity"] = []string{"NONE", "CLIENT_IP", "CLIENT_IP_PORT_PROTO", "CLIENT_IP_PROTO", "GENERATED_COOKIE",
		"HEADER_FIELD", "HTTP_COOKIE", "STRONG_COOKIE_AFFINITY"}
	k.enums["backends[].preference"] = []string{"PREFERRED", "DEFAULT"}
	k.enums["compressionMode"] = []string{"AUTOMATIC", "DISABLED"}
	k.enums["externalManagedMigrationState"] = []string{"PREPARE", "TEST_BY_PERCENTAGE", "TEST_ALL_TRAFFIC"}
	k.enums["localityLbPolicies[].policy.name"] = []string{"ROUND_ROBIN", "LEAST_REQUEST", "RING_HASH", "RANDOM", "ORIGINAL_DESTINATION", "MAGLEV"}
	k.enums["networkPassThroughLbTrafficPolicy.zonalAffinity.spillover"] = []string{"ZONAL_AFFINITY_DISABLED",
		"ZONAL_AFFINITY_SPILL_CROSS_ZONE", "ZONAL_AFFINITY_STAY_WITHIN_ZONE"}
	k.conflicts = nil
	groups := [][]string{}
	for _, g := range k.atLeastOneOf {
		switch {
		case strings.HasPrefix(g[0], "failoverPolicy."), strings.HasPrefix(g[0], "logConfig."):
			continue
		case g[0] == "cdnPolicy.cacheKeyPolicy.includeHost":
			g = append(slices.Clone(g), "cdnPolicy.cacheKeyPolicy.includeHttpHeaders")
		}
		groups = append(groups, g)
	}
	// The provider's logConfig groups differ by field: optionalMode lists itself, enable and
	// sampleRate do not (resource_compute_backend_service.go:978, :990, :1002).
	k.atLeastOneOf = append(groups, []string{"logConfig.enable", "logConfig.optionalMode", "logConfig.sampleRate"},
		[]string{"logConfig.enable", "logConfig.sampleRate"})
	k.secrets = append(k.secrets, "securitySettings.awsV4Authentication.accessKey")
	k.forceNew = []string{"name", "project"}
	k.defaults["loadBalancingScheme"] = "EXTERNAL"
	k.defaults["backends[].capacityScaler"] = 1.0
	k.sets = append(k.sets, "customRequestHeaders", "customResponseHeaders")
	delete(k.suppress, "network")
	k.suppress["edgeSecurityPolicy"] = suppressSelfLinkOrName
	k.apply = applyGlobalBackendService
})

// applyGlobalBackendService: only the cross-region internal ALB's INTERNAL_MANAGED scheme is
// emulated (XLB-SCHEME); its backends may be serverless NEGs of any region, at most one per
// region (XLB-NEG-PER-REGION), without health checks or capacity settings (BS-SERVERLESS-HC,
// BS-SERVERLESS-MODE; the capacityScaler 1.0 the provider always sends is accepted); Cloud Armor
// is not available to it (XLB-NO-ARMOR).
func applyGlobalBackendService(o *op) error {
	if scheme := o.in.str("loadBalancingScheme"); scheme != schemeInternalManaged {
		return errBadRequest("invalid", "gcpsim: only INTERNAL_MANAGED global backend services (cross-region internal Application Load Balancer) are emulated, not %s", firstNonEmpty(scheme, "EXTERNAL"))
	}
	if o.in.known("securityPolicy") && o.in.str("securityPolicy") != "" {
		return errInvalidField("securityPolicy", o.in.str("securityPolicy"), "Cloud Armor security policies are not supported by the cross-region internal Application Load Balancer (backend services with load balancing scheme INTERNAL_MANAGED that are global).")
	}
	regions := map[string]string{}
	err := o.eachBackendGroup(func(i int, field, group string, b obj, neg *Record) error {
		if negType(neg) != "SERVERLESS" {
			return nil
		}
		if prev, dup := regions[neg.Region]; dup {
			return errInvalidField(field, group, fmt.Sprintf("A backend service can have only one serverless network endpoint group per region: '%s' and '%s' are both in region '%s'.", prev, neg.Name, neg.Region))
		}
		regions[neg.Region] = neg.Name
		if c, ok := b.num("capacityScaler"); ok && c == 1 {
			b = b.clone()
			delete(b, "capacityScaler")
		}
		return rejectServerlessSettings(o.in, b, i)
	})
	if err != nil {
		return err
	}
	o.keepNumericID("generatedId")
	o.out()["fingerprint"] = o.fingerprint()
	return nil
}

// The global URL map: resource_compute_url_map.go, the regional map's fields and groups plus a
// headerAction that must not be empty.
var _ = derive(regionURLMapKind, globalURLMapToken, func(k *kind) {
	k.atLeastOneOf = append(k.atLeastOneOf, []string{"headerAction.requestHeadersToAdd", "headerAction.requestHeadersToRemove",
		"headerAction.responseHeadersToAdd", "headerAction.responseHeadersToRemove"})
})

// The global target proxies: resource_compute_target_http(s)_proxy.go, with a fingerprint and a
// proxyBind the API sets; the HTTPS one adds quicOverride and tlsEarlyData.
var _ = derive(regionHTTPProxyKind, globalHTTPProxyToken, globalProxyFields)

var _ = derive(regionHTTPSProxyKind, globalHTTPSProxyToken, func(k *kind) {
	globalProxyFields(k)
	k.forceNew = append(k.forceNew, "tlsEarlyData")
	k.computed = append(k.computed, "tlsEarlyData")
	k.enums = map[string][]string{"quicOverride": {"NONE", "ENABLE", "DISABLE"}, "tlsEarlyData": {"STRICT", "PERMISSIVE", "UNRESTRICTED", "DISABLED"}}
	k.defaults = map[string]any{"quicOverride": "NONE"}
	delete(k.suppress, "sslCertificates")
	k.apiCheck = checkGlobalHTTPSProxyAPI
})

func globalProxyFields(k *kind) {
	k.forceNew = append(k.forceNew, "proxyBind")
	k.computed = append(k.computed, "fingerprint", "proxyBind")
}

// checkGlobalHTTPSProxyAPI is what the API refuses in a global HTTPS proxy request: a proxy
// needs certificates (PROXY-CERTS). The simulator emulates the Certificate Manager certificates
// the cross-region internal ALB takes (XLB-CERTS), not global compute SSL certificates or
// certificate maps, which only external load balancers use.
func checkGlobalHTTPSProxyAPI(in obj, f *failures) {
	switch {
	case len(in.list("sslCertificates")) > 0:
		f.add("sslCertificates", "gcpsim: global SSL certificates are not emulated; the cross-region internal Application Load Balancer takes Certificate Manager certificates (certificateManagerCertificates).")
	case in.known("certificateMap") && in.str("certificateMap") != "":
		f.add("certificateMap", "gcpsim: certificate maps are not emulated; they serve external load balancers, and the cross-region internal Application Load Balancer takes certificateManagerCertificates.")
	case len(in.list("certificateManagerCertificates")) == 0:
		f.add("certificateManagerCertificates", "A target HTTPS proxy needs sslCertificates, a certificateMap or certificateManagerCertificates.")
	}
	for i, c := range in.strs("certificateManagerCertificates") {
		if !strings.Contains(c, "/certificates/") || !strings.Contains(c, "locations/global/") {
			f.add(fmt.Sprintf("certificateManagerCertificates[%d]", i), "%q must be a global Certificate Manager certificate: projects/P/locations/global/certificates/NAME.", c)
		}
	}
}

// The global SSL policy: resource_compute_ssl_policy.go, the regional policy's fields, rules and
// profiles without its region (XLB-SSL-POLICY).
var _ = derive(regionSSLPolicyKind, globalSSLPolicyToken, func(*kind) {})

// globalPolicyLink is what the provider's ParseGlobalFieldValue keeps of a reference: a
// projects/P/global/sslPolicies/N path anywhere in it.
var globalPolicyLink = regexp.MustCompile(`projects/(.+)/global/sslPolicies/(.+)`)

// useGlobalSSLPolicy resolves a global target HTTPS proxy's sslPolicy as the provider sends it
// (XLB-SSL-POLICY): a global policy's path as given, any other value (a name, a regional policy's
// self link) as the global policy of its last segment's name in the proxy's project; that policy
// must exist (GEN-404) and is held by the proxy (GEN-IN-USE).
func (o *op) useGlobalSSLPolicy() error {
	value := o.in.str("sslPolicy")
	path := fmt.Sprintf("projects/%s/global/sslPolicies/%s", o.rec.Project, lastSegment(value))
	if m := globalPolicyLink.FindStringSubmatch(value); m != nil {
		path = fmt.Sprintf("projects/%s/global/sslPolicies/%s", m[1], m[2])
	}
	rec, err := o.resolve("sslPolicy", path, "sslPolicies", false)
	if err != nil {
		return err
	}
	o.use(rec)
	return nil
}
