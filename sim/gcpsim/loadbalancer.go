package gcpsim

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"
	"time"
)

const (
	negToken            = "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup"
	backendServiceToken = "gcp:compute/regionBackendService:RegionBackendService"
	urlMapToken         = "gcp:compute/regionUrlMap:RegionUrlMap"
	httpProxyToken      = "gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy"
	httpsProxyToken     = "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy"
	sslCertificateToken = "gcp:compute/regionSslCertificate:RegionSslCertificate"
	sslPolicyToken      = "gcp:compute/regionSslPolicy:RegionSslPolicy"
	forwardingRuleToken = "gcp:compute/forwardingRule:ForwardingRule"

	schemeInternalManaged = "INTERNAL_MANAGED"
)

var serverlessSources = []string{"cloudRun", "appEngine", "cloudFunction", "serverlessDeployment"}

var _ = register(&kind{
	token:      negToken,
	collection: "networkEndpointGroups",
	noun:       "network_endpoint_group",
	scope:      scopeRegional,
	autoName:   true,
	nameRule:   computeName,
	nameAtPlan: true,
	required:   []string{"region"},
	enums: map[string][]string{
		"networkEndpointType": {"SERVERLESS", "PRIVATE_SERVICE_CONNECT", "INTERNET_IP_PORT", "INTERNET_FQDN_PORT", "GCE_VM_IP_PORTMAP"},
	},
	conflicts: map[string][]string{ // NEG-ONE-SOURCE
		"appEngine":            {"cloudFunction", "cloudRun", "serverlessDeployment"},
		"cloudFunction":        {"appEngine", "cloudRun", "serverlessDeployment"},
		"cloudRun":             {"appEngine", "cloudFunction", "serverlessDeployment"},
		"serverlessDeployment": {"appEngine", "cloudFunction", "cloudRun"},
	},
	atLeastOneOf: [][]string{{"cloudFunction.function", "cloudFunction.urlMask"}, {"cloudRun.service", "cloudRun.urlMask"}}, // NEG-SOURCE-REQUIRED
	forceNew: []string{"name", "project", "region", "description", "networkEndpointType", "cloudRun", "appEngine",
		"cloudFunction", "serverlessDeployment", "pscTargetService", "pscData", "network", "subnetwork"},
	computed: []string{"selfLink"},
	defaults: map[string]any{"networkEndpointType": "SERVERLESS"},
	suppress: map[string]string{"region": suppressSelfLinkOrName, "network": suppressSelfLinkOrName, "subnetwork": suppressSelfLinkOrName},
	apiCheck: checkNEGAPI,
	apply:    applyNEG,
})

// checkNEGAPI is what the API refuses in a serverless NEG request (NEG-SOURCE-REQUIRED).
func checkNEGAPI(in obj, f *failures) {
	if in.str("networkEndpointType") != "SERVERLESS" {
		return
	}
	if countKnown(in, serverlessSources) == 0 {
		f.add("cloudRun", "A SERVERLESS network endpoint group needs one of %s.", strings.Join(serverlessSources, ", "))
	}
}

func countKnown(in obj, fields []string) int {
	n := 0
	for _, field := range fields {
		n += btoi(in.known(field))
	}
	return n
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// applyNEG requires the Cloud Run service of a serverless NEG to exist in the NEG's region.
func applyNEG(o *op) error {
	cr := o.in.sub("cloudRun")
	if cr == nil || !cr.known("service") {
		return nil
	}
	name := cr.str("service")
	path := ref{Project: o.rec.Project, Region: o.rec.Region, Collection: "services", Name: name}.path()
	if svc := o.t.get(path); svc != nil {
		o.link(svc.ID)
		return nil
	}
	for _, svc := range o.t.st.byType(cloudRunServiceToken) {
		if svc.Project == o.rec.Project && svc.Name == name {
			return errInvalidField("cloudRun.service", name, fmt.Sprintf(
				"Cloud Run service '%s' is in region '%s', but the serverless network endpoint group is in region '%s'; they must be in the same region.",
				name, svc.Region, o.rec.Region))
		}
	}
	return errNotFound(path)
}

func negType(r *Record) string {
	return firstNonEmpty(r.out().str("networkEndpointType"), "SERVERLESS")
}

// capacityFields are the backend capacity settings the API rejects for serverless NEG backends
// (BS-SERVERLESS-MODE). balancingMode is not among them: the provider sends UTILIZATION by
// default, which the API accepts; it refuses the other modes.
var capacityFields = []string{"capacityScaler", "maxUtilization", "maxRate", "maxRatePerEndpoint",
	"maxRatePerInstance", "maxConnections", "maxConnectionsPerEndpoint", "maxConnectionsPerInstance"}

const balancingUtilization = "UTILIZATION"

var regionBackendServiceKind = register(&kind{
	token:      backendServiceToken,
	collection: "backendServices",
	noun:       "backend_service",
	scope:      scopeRegional,
	autoName:   true,
	nameRule:   computeName,
	required:   []string{"backends[].group", "outlierDetection.baseEjectionTime.seconds", "outlierDetection.interval.seconds"},
	enums: map[string][]string{
		"logConfig.optionalMode":   {"INCLUDE_ALL_OPTIONAL", "EXCLUDE_ALL_OPTIONAL", "CUSTOM"},
		"loadBalancingScheme":      {"EXTERNAL", "EXTERNAL_MANAGED", "INTERNAL", "INTERNAL_MANAGED"},
		"protocol":                 {"HTTP", "HTTPS", "HTTP2", "TCP", "SSL", "UDP", "GRPC", "UNSPECIFIED", "H2C"},
		"sessionAffinity":          {"NONE", "CLIENT_IP", "CLIENT_IP_PORT_PROTO", "CLIENT_IP_PROTO", "GENERATED_COOKIE", "HEADER_FIELD", "HTTP_COOKIE", "CLIENT_IP_NO_DESTINATION", "STRONG_COOKIE_AFFINITY"},
		"localityLbPolicy":         {"ROUND_ROBIN", "LEAST_REQUEST", "RING_HASH", "RANDOM", "ORIGINAL_DESTINATION", "MAGLEV", "WEIGHTED_MAGLEV", "WEIGHTED_ROUND_ROBIN"},
		"ipAddressSelectionPolicy": {"IPV4_ONLY", "PREFER_IPV6", "IPV6_ONLY"},
		"backends[].balancingMode": {"UTILIZATION", "RATE", "CONNECTION", "CUSTOM_METRICS"},
		"cdnPolicy.cacheMode":      {"USE_ORIGIN_HEADERS", "FORCE_CACHE_ALL", "CACHE_ALL_STATIC"},
		"connectionTrackingPolicy.connectionPersistenceOnUnhealthyBackends": {"DEFAULT_FOR_PROTOCOL", "NEVER_PERSIST", "ALWAYS_PERSIST"},
		"connectionTrackingPolicy.trackingMode":                             {"PER_CONNECTION", "PER_SESSION"},
		"haPolicy.fastIpMove":                                               {"DISABLED", "GARP_RA"},
		"subsetting.policy":                                                 {"CONSISTENT_HASH_SUBSETTING"},
	},
	conflicts: map[string][]string{"haPolicy": {"connectionTrackingPolicy", "failoverPolicy", "healthChecks", "sessionAffinity"}},
	// BS-AT-LEAST-ONE: an empty block is refused at plan.
	atLeastOneOf: [][]string{
		{"cdnPolicy.cacheKeyPolicy", "cdnPolicy.signedUrlCacheMaxAgeSec"},
		{"cdnPolicy.cacheKeyPolicy.includeHost", "cdnPolicy.cacheKeyPolicy.includeNamedCookies", "cdnPolicy.cacheKeyPolicy.includeProtocol",
			"cdnPolicy.cacheKeyPolicy.includeQueryString", "cdnPolicy.cacheKeyPolicy.queryStringBlacklists", "cdnPolicy.cacheKeyPolicy.queryStringWhitelists"},
		{"circuitBreakers.connectTimeout", "circuitBreakers.maxConnections", "circuitBreakers.maxPendingRequests", "circuitBreakers.maxRequests",
			"circuitBreakers.maxRequestsPerConnection", "circuitBreakers.maxRetries"},
		{"consistentHash.httpCookie", "consistentHash.httpHeaderName", "consistentHash.minimumRingSize"},
		{"consistentHash.httpCookie.name", "consistentHash.httpCookie.path", "consistentHash.httpCookie.ttl"},
		{"failoverPolicy.disableConnectionDrainOnFailover", "failoverPolicy.dropTrafficIfUnhealthy", "failoverPolicy.failoverRatio"},
		{"logConfig.enable", "logConfig.optionalMode", "logConfig.sampleRate"},
		{"outlierDetection.baseEjectionTime", "outlierDetection.consecutiveErrors", "outlierDetection.consecutiveGatewayFailure",
			"outlierDetection.enforcingConsecutiveErrors", "outlierDetection.enforcingConsecutiveGatewayFailure", "outlierDetection.enforcingSuccessRate",
			"outlierDetection.interval", "outlierDetection.maxEjectionPercent", "outlierDetection.successRateMinimumHosts",
			"outlierDetection.successRateRequestVolume", "outlierDetection.successRateStdevFactor"},
		{"strongSessionAffinityCookie.name", "strongSessionAffinityCookie.path", "strongSessionAffinityCookie.ttl"},
	},
	secrets:  []string{"iap.oauth2ClientSecret", "iap.oauth2ClientSecretSha256"},
	forceNew: []string{"name", "project", "loadBalancingScheme"},
	computed: []string{"selfLink", "fingerprint", "generatedId", "creationTimestamp"},
	defaults: map[string]any{"loadBalancingScheme": "INTERNAL", "connectionDrainingTimeoutSec": 300, "backends[].balancingMode": balancingUtilization,
		"logConfig.sampleRate": 1.0},
	apiDefaults: map[string]any{"sessionAffinity": "NONE", "timeoutSec": 30, "portName": "http"},
	sets:        []string{"backends", "healthChecks"},
	suppress: map[string]string{"network": suppressSelfLinkOrName, "region": suppressSelfLinkOrName, "securityPolicy": suppressSelfLinkOrName,
		"logConfig.sampleRate": "suppressWhenDisabled"},
	apiCheck: checkBackendServiceAPI,
	apply:    applyBackendService,
})

// checkBackendServiceAPI is what the API refuses that the provider does not check: a log sample
// rate outside [0, 1] and a timeout outside 1 to 2147483647 seconds (BS-LOG-SAMPLE-RATE,
// BS-TIMEOUT).
func checkBackendServiceAPI(in obj, f *failures) {
	if r, ok := in.sub("logConfig").num("sampleRate"); ok && (r < 0 || r > 1) {
		f.add("logConfig.sampleRate", "The log sample rate must be between 0.0 and 1.0, got %v.", r)
	}
	if t, ok := in.num("timeoutSec"); ok && (t < 1 || t > 2147483647) {
		f.add("timeoutSec", "The backend service timeout must be between 1 and 2147483647 seconds, got %v.", t)
	}
}

// eachBackendGroup resolves every backend group of a backend service, runs fn on it and holds
// it.
func (o *op) eachBackendGroup(fn func(i int, field, group string, b obj, neg *Record) error) error {
	for i, b := range o.in.objs("backends") {
		field := fmt.Sprintf("backends[%d].group", i)
		group := b.str("group")
		neg, err := o.resolve(field, group, "networkEndpointGroups", true)
		if err != nil {
			return err
		}
		if err := fn(i, field, group, b, neg); err != nil {
			return err
		}
		o.use(neg)
	}
	return nil
}

func applyBackendService(o *op) error {
	err := o.eachBackendGroup(func(i int, field, group string, b obj, neg *Record) error {
		if neg.Region != o.rec.Region {
			return errInvalidField(field, group, fmt.Sprintf("The network endpoint group is in region '%s'; a regional backend service in '%s' can only use groups of its region.", neg.Region, o.rec.Region))
		}
		if negType(neg) == "SERVERLESS" {
			return rejectServerlessSettings(o.in, b, i)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := o.useSecurityPolicy(); err != nil {
		return err
	}
	o.keepNumericID("generatedId")
	o.out()["fingerprint"] = o.fingerprint()
	return nil
}

// rejectServerlessSettings is the API's refusal of health checks (BS-SERVERLESS-HC) and of
// capacity settings other than the default UTILIZATION mode (BS-SERVERLESS-MODE) on a backend
// service with a serverless NEG backend.
func rejectServerlessSettings(in, backend obj, i int) error {
	if in.has("healthChecks") {
		return errInvalidField("healthChecks", fmt.Sprint(in["healthChecks"]), "A backend service cannot have a healthcheck with Serverless network endpoint group backends.")
	}
	if mode := backend.str("balancingMode"); mode != "" && mode != balancingUtilization {
		return errInvalidField(fmt.Sprintf("backends[%d].balancingMode", i), mode, "Balancing mode and capacity settings are not supported with Serverless network endpoint group backends.")
	}
	for _, field := range capacityFields {
		if backend.has(field) {
			return errInvalidField(fmt.Sprintf("backends[%d].%s", i, field), fmt.Sprint(backend[field]), "Balancing mode and capacity settings are not supported with Serverless network endpoint group backends.")
		}
	}
	return nil
}

var regionURLMapKind = register(&kind{
	token:      urlMapToken,
	collection: "urlMaps",
	noun:       "url_map",
	scope:      scopeRegional,
	autoName:   true,
	nameRule:   computeName,
	forceNew:   []string{"name", "project"},
	computed:   []string{"selfLink", "mapId", "fingerprint", "creationTimestamp"},
	sets:       []string{"hostRules"},
	suppress:   map[string]string{"defaultService": suppressSelfLinkOrName, "region": suppressSelfLinkOrName},
	enums: map[string][]string{
		"defaultUrlRedirect.redirectResponseCode":                                        urlRedirectCodes,
		"pathMatchers[].defaultUrlRedirect.redirectResponseCode":                         urlRedirectCodes,
		"pathMatchers[].pathRules[].urlRedirect.redirectResponseCode":                    urlRedirectCodes,
		"pathMatchers[].routeRules[].urlRedirect.redirectResponseCode":                   urlRedirectCodes,
		"pathMatchers[].routeRules[].matchRules[].metadataFilters[].filterMatchCriteria": {"MATCH_ALL", "MATCH_ANY"},
	},
	conflicts:    map[string][]string{"defaultRouteAction": {"defaultUrlRedirect"}, "defaultUrlRedirect": {"defaultRouteAction"}},
	exactlyOneOf: [][]string{urlMapDefaults},
	atLeastOneOf: urlMapRouteActionGroups,
	check:        checkURLMapPlan,
	apiCheck:     checkURLMapAPI,
	apply:        applyURLMap,
})

// urlMapServices lists every backend service an URL map routes to, with its field path.
func urlMapServices(in obj) map[string]string {
	refs := map[string]string{}
	add := func(field, v string) {
		if v != "" {
			refs[field] = v
		}
	}
	weighted := func(at string, action obj) {
		for i, w := range action.objs("weightedBackendServices") {
			add(fmt.Sprintf("%s.weightedBackendServices[%d].backendService", at, i), w.str("backendService"))
		}
	}
	add("defaultService", in.str("defaultService"))
	weighted("defaultRouteAction", in.sub("defaultRouteAction"))
	for i, m := range in.objs("pathMatchers") {
		at := fmt.Sprintf("pathMatchers[%d]", i)
		add(at+".defaultService", m.str("defaultService"))
		weighted(at+".defaultRouteAction", m.sub("defaultRouteAction"))
		for j, r := range m.objs("pathRules") {
			add(fmt.Sprintf("%s.pathRules[%d].service", at, j), r.str("service"))
			weighted(fmt.Sprintf("%s.pathRules[%d].routeAction", at, j), r.sub("routeAction"))
		}
		for j, r := range m.objs("routeRules") {
			add(fmt.Sprintf("%s.routeRules[%d].service", at, j), r.str("service"))
			weighted(fmt.Sprintf("%s.routeRules[%d].routeAction", at, j), r.sub("routeAction"))
		}
	}
	return refs
}

func applyURLMap(o *op) error {
	refs := urlMapServices(o.in)
	for _, field := range sortedKeys(refs) {
		bs, err := o.resolve(field, refs[field], "backendServices", true)
		if err != nil {
			return err
		}
		if bs.Region != o.rec.Region {
			if o.rec.Region == "" {
				return errInvalidField(field, refs[field], fmt.Sprintf("The backend service is in region '%s'; a global URL map can only use global backend services.", bs.Region))
			}
			return errInvalidField(field, refs[field], fmt.Sprintf("The backend service is in region '%s'; a regional URL map in '%s' can only use backend services of its region.", bs.Region, o.rec.Region))
		}
		o.use(bs)
	}
	o.keepNumericID("mapId")
	o.out()["fingerprint"] = o.fingerprint()
	return nil
}

var regionHTTPProxyKind = register(&kind{
	token:      httpProxyToken,
	collection: "targetHttpProxies",
	noun:       "target_http_proxy",
	scope:      scopeRegional,
	autoName:   true,
	nameRule:   computeName,
	required:   []string{"urlMap"},
	forceNew:   []string{"name", "project", "region", "description", "httpKeepAliveTimeoutSec"},
	computed:   []string{"selfLink", "proxyId", "creationTimestamp"},
	suppress:   map[string]string{"urlMap": suppressSelfLinkOrName, "region": suppressSelfLinkOrName},
	apply:      applyProxy,
})

var regionHTTPSProxyKind = register(&kind{
	token:      httpsProxyToken,
	collection: "targetHttpsProxies",
	noun:       "target_https_proxy",
	scope:      scopeRegional,
	autoName:   true,
	nameRule:   computeName,
	required:   []string{"urlMap"},
	forceNew:   []string{"name", "project", "region", "description", "httpKeepAliveTimeoutSec"},
	computed:   []string{"selfLink", "proxyId", "creationTimestamp"},
	suppress: map[string]string{"urlMap": suppressSelfLinkOrName, "region": suppressSelfLinkOrName,
		"certificateManagerCertificates": suppressResourceNames, "serverTlsPolicy": suppressSelfLinkOrName,
		"sslCertificates": suppressSelfLinkOrName, "sslPolicy": suppressSelfLinkOrName},
	conflicts: map[string][]string{ // PROXY-CERTS
		"certificateManagerCertificates": {"sslCertificates"}, "sslCertificates": {"certificateManagerCertificates"}},
	apiCheck: checkHTTPSProxyAPI,
	apply:    applyProxy,
})

// checkHTTPSProxyAPI is what the API refuses in a regional HTTPS proxy request (PROXY-CERTS).
func checkHTTPSProxyAPI(in obj, f *failures) {
	hasSelf, hasCM := len(in.list("sslCertificates")) > 0, len(in.list("certificateManagerCertificates")) > 0
	if !hasSelf && !hasCM {
		f.add("sslCertificates", "A regional target HTTPS proxy needs sslCertificates (regional compute certificates) or certificateManagerCertificates.")
	}
	if n := len(in.list("sslCertificates")); n > 15 {
		f.add("sslCertificates", "At most 15 SSL certificates, got %d.", n)
	}
	for i, c := range in.strs("certificateManagerCertificates") {
		if !strings.Contains(c, "/certificates/") || !strings.Contains(c, "locations/") {
			f.add(fmt.Sprintf("certificateManagerCertificates[%d]", i), "%q must be a Certificate Manager certificate: projects/P/locations/REGION/certificates/NAME (certificate maps do not apply to regional proxies).", c)
		}
	}
}

func applyProxy(o *op) error {
	um, err := o.resolve("urlMap", o.in.str("urlMap"), "urlMaps", true)
	if err != nil {
		return err
	}
	if um.Region != o.rec.Region {
		return errInvalidField("urlMap", o.in.str("urlMap"), fmt.Sprintf("The URL map is in %s; it must be in the proxy's %s.", placeOf(um.Region), placeOf(o.rec.Region)))
	}
	o.use(um)
	o.out()["urlMap"] = selfLinkOf(um.ID)
	for i, c := range o.in.strs("sslCertificates") {
		field := fmt.Sprintf("sslCertificates[%d]", i)
		if err := o.useRegional(field, c, "sslCertificates"); err != nil {
			return err
		}
	}
	if err := o.useCMCertificates(); err != nil {
		return err
	}
	if err := o.useServerTLSPolicy(); err != nil { // servertls.go
		return err
	}
	if o.in.known("sslPolicy") {
		use := func() error { return o.useRegional("sslPolicy", o.in.str("sslPolicy"), "sslPolicies") }
		if o.rec.Region == "" {
			use = o.useGlobalSSLPolicy
		}
		if err := use(); err != nil {
			return err
		}
	}
	o.keepNumericID("proxyId")
	return nil
}

// placeOf names where a resource is: "region 'R'", or "global scope" for a global one.
func placeOf(region string) string {
	if region == "" {
		return "global scope"
	}
	return fmt.Sprintf("region '%s'", region)
}

// useRegional resolves a reference that must be a regional resource of the same region.
func (o *op) useRegional(field, value, collection string) error {
	r, ok := parseRef(value, o.ref(collection, true))
	if ok && r.Region == "" && r.Collection == collection {
		return errInvalidField(field, value, fmt.Sprintf("A regional resource needs regional %s; '%s' is global.", collection, value))
	}
	rec, err := o.resolve(field, value, collection, true)
	if err != nil {
		return err
	}
	if rec.Region != o.rec.Region {
		return errInvalidField(field, value, fmt.Sprintf("The referenced resource is in region '%s'; it must be in region '%s'.", rec.Region, o.rec.Region))
	}
	o.use(rec)
	return nil
}

var _ = register(&kind{
	token:      sslCertificateToken,
	collection: "sslCertificates",
	noun:       "ssl_certificate",
	scope:      scopeRegional,
	autoName:   true,
	nameRule:   computeName,
	nameAtPlan: true,
	required:   []string{"certificate", "privateKey"},
	forceNew:   []string{"name", "namePrefix", "project", "region", "description", "certificate", "privateKey"},
	computed:   []string{"selfLink", "certificateId", "expireTime", "creationTimestamp"},
	conflicts:  map[string][]string{"namePrefix": {"name"}},
	secrets:    []string{"certificate", "privateKey"},
	suppress:   map[string]string{"privateKey": "sha256DiffSuppress", "region": suppressSelfLinkOrName},
	apply:      applySSLCertificate,
})

func applySSLCertificate(o *op) error {
	certPEM, keyPEM := o.in.str("certificate"), o.in.str("privateKey")
	block, _ := pem.Decode([]byte(certPEM))
	if block == nil || block.Type != "CERTIFICATE" {
		return errBadRequest("sslCertificateCouldNotParseCert", "The SSL certificate could not be parsed.")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return errBadRequest("sslCertificateCouldNotParseCert", "The SSL certificate could not be parsed.")
	}
	if _, err := tls.X509KeyPair([]byte(certPEM), []byte(keyPEM)); err != nil {
		if strings.Contains(err.Error(), "does not match") {
			return errBadRequest("sslCertificateKeyMismatch", "The SSL key does not match the certificate.")
		}
		return errBadRequest("sslCertificateCouldNotParseKey", "The SSL key could not be parsed.")
	}
	o.out()["expireTime"] = cert.NotAfter.UTC().Format(time.RFC3339)
	o.keepNumericID("certificateId")
	return nil
}

var sslProfiles = map[string][]string{
	"COMPATIBLE": {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384"},
	"MODERN":     {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
	"RESTRICTED": {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
}

var regionSSLPolicyKind = register(&kind{
	token:      sslPolicyToken,
	collection: "sslPolicies",
	noun:       "ssl_policy",
	scope:      scopeRegional,
	autoName:   true,
	nameRule:   computeName,
	enums: map[string][]string{
		"profile":       {"COMPATIBLE", "MODERN", "RESTRICTED", "CUSTOM"},
		"minTlsVersion": {"TLS_1_0", "TLS_1_1", "TLS_1_2"},
	},
	forceNew: []string{"name", "project", "region", "description"},
	computed: []string{"selfLink", "enabledFeatures", "fingerprint", "creationTimestamp"},
	defaults: map[string]any{"profile": "COMPATIBLE", "minTlsVersion": "TLS_1_0"},
	sets:     []string{"customFeatures", "enabledFeatures"},
	suppress: map[string]string{"region": suppressSelfLinkOrName},
	apiCheck: func(in obj, f *failures) {
		custom := in.str("profile") == "CUSTOM"
		if custom && !in.has("customFeatures") {
			f.add("customFeatures", "customFeatures is required when profile is CUSTOM")
		}
		if !custom && in.known("profile") && len(in.list("customFeatures")) > 0 {
			f.add("customFeatures", "customFeatures can only be set when profile is CUSTOM")
		}
	},
	apply: func(o *op) error {
		features := o.in.strs("customFeatures")
		if p := o.out().str("profile"); p != "CUSTOM" {
			features = sslProfiles[p]
		}
		o.out()["enabledFeatures"] = normalize(slices.Clone(features))
		o.out()["fingerprint"] = o.fingerprint()
		return nil
	},
})
