package gcpsim

import (
	"fmt"
	"testing"
)

func container() map[string]any {
	return map[string]any{"containers": []any{map[string]any{"image": "gcr.io/p/i"}}}
}

const negLink = "https://www.googleapis.com/compute/v1/projects/prod-p/regions/europe-west1/networkEndpointGroups/neg"

// TestCheckRules holds one row per plan-time rule, what the provider refuses before calling the
// API (docs/gcp-rules.md): the failure must name the property.
func TestCheckRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, token string
		in          map[string]any
		prop, want  string
	}{
		{"GEN-ENUM", subnetworkToken, map[string]any{"network": "n", "ipCidrRange": "10.0.0.0/24", "role": "PRIMARY"}, "role", `expected role to be one of`},
		{"GEN-REQUIRED", subnetworkToken, map[string]any{"ipCidrRange": "10.0.0.0/24"}, "network", "Missing required property 'network'"},
		{"SUBNET-CIDR-SYNTAX", subnetworkToken, map[string]any{"network": "n", "ipCidrRange": "10.0.0.0/33"}, "ipCidrRange", "is not a valid IP CIDR range"},
		{"GEN-NAME-PLAN", networkToken, map[string]any{"name": "My_VPC"}, "name", "must match the regular expression"},
		{"FW-ALLOW-DENY", firewallToken, map[string]any{"network": "n", "sourceRanges": []any{"10.0.0.0/8"}}, "allows", "one of `allows,denies` must be specified"},
		{"FW-ALLOW-DENY both", firewallToken, map[string]any{"network": "n", "sourceRanges": []any{"10.0.0.0/8"}, "allows": []any{map[string]any{"protocol": "tcp"}},
			"denies": []any{map[string]any{"protocol": "udp"}}}, "denies", "only one of `allows,denies` can be specified"},
		{"FW-TAGS-ACCOUNTS", firewallToken, map[string]any{"network": "n", "sourceTags": []any{"web"}, "targetServiceAccounts": []any{"sa@p.iam.gserviceaccount.com"},
			"allows": []any{map[string]any{"protocol": "tcp"}}}, "sourceTags", "conflicts with targetServiceAccounts"},
		{"FW-PRIORITY", firewallToken, map[string]any{"network": "n", "sourceRanges": []any{"10.0.0.0/8"}, "allows": []any{map[string]any{"protocol": "tcp"}}, "priority": 70000.0}, "priority", "expected priority to be in the range (0 - 65535)"},
		{"FW-SOURCE", firewallToken, map[string]any{"network": "n", "allows": []any{map[string]any{"protocol": "tcp"}}}, "sourceRanges", "one of sourceTags, sourceRanges, or sourceServiceAccounts must be defined"},
		{"RUN-INGRESS", cloudRunServiceToken, map[string]any{"location": region, "template": container(), "ingress": "INGRESS_TRAFFIC_NONE"}, "ingress", `expected ingress to be one of ["INGRESS_TRAFFIC_ALL" "INGRESS_TRAFFIC_INTERNAL_ONLY"`},
		{"RUN-IMAGE", cloudRunServiceToken, map[string]any{"location": region, "template": map[string]any{"containers": []any{map[string]any{}}}}, "template.containers[0].image", "Missing required property 'image'"},
		{"GEN-REQUIRED template", cloudRunServiceToken, map[string]any{"location": region}, "template", "Missing required property 'template'"},
		{"URLMAP-DEFAULT none", urlMapToken, map[string]any{}, "defaultService", "one of `defaultRouteAction.weightedBackendServices,defaultService,defaultUrlRedirect` must be specified"},
		{"URLMAP-DEFAULT abort alone", urlMapToken, map[string]any{"defaultRouteAction": abort404(nil)}, "defaultService", "must be specified"},
		{"URLMAP-DEFAULT two", urlMapToken, map[string]any{"defaultService": "bs", "defaultRouteAction": abort404([]any{map[string]any{"backendService": "bs", "weight": 100.0}})}, "defaultService", "only one of"},
		{"URLMAP-DEFAULT redirect and action", urlMapToken, map[string]any{"defaultUrlRedirect": map[string]any{"stripQuery": false}, "defaultRouteAction": map[string]any{"timeout": map[string]any{"seconds": "1"}}}, "defaultUrlRedirect", "conflicts with defaultRouteAction"},
		{"URLMAP-ABORT status", urlMapToken, map[string]any{"defaultService": "bs", "pathMatchers": []any{map[string]any{"name": "pm", "defaultRouteAction": map[string]any{
			"faultInjectionPolicy": map[string]any{"abort": map[string]any{"httpStatus": 600.0, "percentage": 100.0}}}}}}, "pathMatchers[0].defaultRouteAction.faultInjectionPolicy.abort.httpStatus", "expected httpStatus to be in the range (200 - 599)"},
		{"IAM-MEMBER", cloudRunIamMemberToken, map[string]any{"name": "s", "role": "roles/run.invoker", "member": "jane@example.com"}, "member", `invalid value "jane@example.com" for member`},
		{"IAM-MEMBER binding", cloudRunIamBindingToken, map[string]any{"name": "s", "role": "roles/run.invoker", "members": []any{"user:a@example.com", "jane@example.com"}}, "members[1]", `invalid value "jane@example.com" for member`},
		{"IAM-MEMBER deleted", cloudRunIamMemberToken, map[string]any{"name": "s", "role": "roles/run.invoker", "member": "deleted:user:a@b.c"}, "member", "deleted principals"},
		{"NEG-ONE-SOURCE", negToken, map[string]any{"region": region, "cloudRun": map[string]any{"service": "s"}, "appEngine": map[string]any{}}, "cloudRun", "conflicts with appEngine"},
		{"NEG-SOURCE-REQUIRED service", negToken, map[string]any{"region": region, "cloudRun": map[string]any{"tag": "x"}}, "cloudRun.service", "one of `cloudRun.service,cloudRun.urlMask` must be specified"},
		{"GEN-ENUM backend scheme", backendServiceToken, map[string]any{"loadBalancingScheme": "INTERNAL_SELF"}, "loadBalancingScheme", "expected loadBalancingScheme to be one of"},
		{"GEN-ENUM balancing mode", backendServiceToken, map[string]any{"backends": []any{map[string]any{"group": negLink, "balancingMode": "RATES"}}}, "backends[0].balancingMode", "expected backends[0].balancingMode to be one of"},
		{"GEN-REQUIRED backend group", backendServiceToken, map[string]any{"backends": []any{map[string]any{}}}, "backends[0].group", "Missing required property 'group'"},
		{"PROXY-CERTS both", httpsProxyToken, map[string]any{"urlMap": "um", "sslCertificates": []any{"c"}, "certificateManagerCertificates": []any{"projects/p/locations/r/certificates/c"}}, "certificateManagerCertificates", "conflicts with sslCertificates"},
		{"GEN-ENUM tls", sslPolicyToken, map[string]any{"minTlsVersion": "TLS_1_3"}, "minTlsVersion", "expected minTlsVersion to be one of"},
		{"GEN-REQUIRED key", sslCertificateToken, map[string]any{"certificate": "x"}, "privateKey", "Missing required property 'privateKey'"},
		{"GEN-ENUM scheme", forwardingRuleToken, map[string]any{"loadBalancingScheme": "INTERNAL_SELF_MANAGED"}, "loadBalancingScheme", "expected loadBalancingScheme to be one of"},
		{"SA-PROXY-PROTOCOL required", serviceAttachmentToken, map[string]any{"targetService": "fr", "natSubnets": []any{"nat"}, "connectionPreference": "ACCEPT_MANUAL"}, "enableProxyProtocol", "Missing required property 'enableProxyProtocol'"},
		{"SA-CONN-LIMIT missing", serviceAttachmentToken, attachment(map[string]any{"consumerAcceptLists": []any{map[string]any{"projectIdOrNum": "a"}}}), "consumerAcceptLists[0].connectionLimit", "Missing required property 'connectionLimit'"},
		{"SA-NAT-REQUIRED", serviceAttachmentToken, attachment(map[string]any{"natSubnets": []any{}}), "natSubnets", "at least one NAT subnet"},
		{"GEN-ENUM visibility", managedZoneToken, map[string]any{"dnsName": "example.com.", "visibility": "Private"}, "visibility", "expected visibility to be one of"},
		{"DNS-ZONE-DESCRIPTION", managedZoneToken, map[string]any{"dnsName": "example.com.", "description": ""}, "description", "to not be an empty string"},
		{"DNS-RECORD-DOT", recordSetToken, map[string]any{"managedZone": "z", "name": "a.example.com", "type": "A", "rrdatas": []any{"10.0.0.2"}}, "name", "must end with a dot"},
		{"DNS-RRDATAS", recordSetToken, map[string]any{"managedZone": "z", "name": "a.example.com.", "type": "A"}, "rrdatas", "one of `routingPolicy,rrdatas` must be specified"},
	}
	h := newHarness(t, producerProject)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, failures := h.check(tt.token, "r", tt.in)
			wantFailure(t, failures, tt.prop, tt.want)
		})
	}
}

func attachment(extra map[string]any) map[string]any {
	in := map[string]any{"targetService": "fr", "natSubnets": []any{"nat"}, "enableProxyProtocol": false, "connectionPreference": "ACCEPT_MANUAL"}
	for k, v := range extra {
		in[k] = v
	}
	return in
}

// acceptEntries is an accept list of n projects.
func acceptEntries(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"projectIdOrNum": fmt.Sprintf("p-%05d", i), "connectionLimit": 1.0}
	}
	return out
}

// rejectEntries is a reject list of n projects.
func rejectEntries(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = fmt.Sprintf("r-%05d", i)
	}
	return out
}

// TestAPIRules holds one row per static rule the API applies and the provider does not: Check
// (the preview) accepts the input, and the create or update request is refused with a googleapi
// error naming the field.
func TestAPIRules(t *testing.T) {
	t.Parallel()
	psc := "projects/p/regions/r/serviceAttachments/a"
	tests := []struct {
		name, token string
		in          map[string]any
		field, want string
	}{
		{"GEN-API-ENUM purpose", subnetworkToken, map[string]any{"network": "n", "ipCidrRange": "10.0.0.0/24", "purpose": "LB"}, "purpose", "expected purpose to be one of"},
		{"SUBNET-CIDR-CANONICAL host bits", subnetworkToken, map[string]any{"network": "n", "ipCidrRange": "10.0.0.1/24"}, "ipCidrRange", "has host bits set (did you mean 10.0.0.0/24?)"},
		{"SUBNET-CIDR-CANONICAL /29", subnetworkToken, map[string]any{"network": "n", "ipCidrRange": "10.0.0.0/30"}, "ipCidrRange", "must be /29 or larger"},
		{"SUBNET-PROXY-SIZE", subnetworkToken, map[string]any{"network": "n", "ipCidrRange": "10.0.0.0/27", "purpose": "REGIONAL_MANAGED_PROXY", "role": "ACTIVE"}, "ipCidrRange", "must be /26 or larger"},
		{"SUBNET-PROXY-ROLE missing", subnetworkToken, map[string]any{"network": "n", "ipCidrRange": "10.0.0.0/23", "purpose": "REGIONAL_MANAGED_PROXY"}, "role", "A role (ACTIVE or BACKUP) is required"},
		{"SUBNET-PROXY-ROLE regular", subnetworkToken, map[string]any{"network": "n", "ipCidrRange": "10.0.0.0/24", "purpose": "PRIVATE", "role": "ACTIVE"}, "role", "A role can only be set"},
		{"GEN-NAME-API", urlMapToken, map[string]any{"name": "My_Map", "defaultService": "bs"}, "name", "must match the regular expression"},
		{"RUN-NAME", cloudRunServiceToken, map[string]any{"name": "a-service-name-that-is-longer-than-forty-nine-chars", "location": region, "template": container()}, "name", "must match the regular expression"},
		{"NET-MTU", networkToken, map[string]any{"mtu": 9000.0}, "mtu", "between 1300 and 8896"},
		{"FW-PROTOCOL", firewallToken, map[string]any{"network": "n", "sourceRanges": []any{"10.0.0.0/8"}, "allows": []any{map[string]any{"protocol": "http"}}}, "allows[0].protocol", "Invalid IP protocol"},
		{"FW-RANGES", firewallToken, map[string]any{"network": "n", "sourceRanges": []any{"10.0.0/8"}, "allows": []any{map[string]any{"protocol": "tcp"}}}, "sourceRanges[0]", "not a valid CIDR range"},
		{"ADDR-INTERNAL-SUBNET", addressToken, map[string]any{"addressType": "INTERNAL"}, "subnetwork", "subnetwork is required for an INTERNAL address"},
		{"ADDR-FIXED-IP literal", addressToken, map[string]any{"addressType": "INTERNAL", "subnetwork": "s", "address": "10.0.0.300"}, "address", "is not an IPv4 address"},
		{"RUN-CONTAINERS", cloudRunServiceToken, map[string]any{"location": region, "template": map[string]any{}}, "template.containers", "at least one container"},
		{"RUN-BETA-LAUNCH-STAGE", cloudRunServiceToken, map[string]any{"name": "svc", "location": region, "template": container(), "defaultUriDisabled": true}, "launchStage", "The feature 'default URI disabled' is not supported in the declared launch stage on resource svc"},
		{"IAM-ROLE", cloudRunIamMemberToken, map[string]any{"name": "s", "role": "run.invoker", "member": "user:a@b.c"}, "role", "Role run.invoker is not supported"},
		{"NEG-SOURCE-REQUIRED", negToken, map[string]any{"region": region}, "cloudRun", "needs one of cloudRun"},
		{"URLMAP-MATCHERS undefined", urlMapToken, map[string]any{"defaultService": "bs", "hostRules": []any{map[string]any{"hosts": []any{"a"}, "pathMatcher": "pm"}}}, "hostRules[0].pathMatcher", `path matcher "pm" is not defined`},
		{"URLMAP-MATCHERS twice", urlMapToken, map[string]any{"defaultService": "bs", "pathMatchers": []any{map[string]any{"name": "pm", "defaultService": "bs"}, map[string]any{"name": "pm", "defaultService": "bs"}}}, "pathMatchers[1].name", `path matcher "pm" is defined twice`},
		{"URLMAP-MATCHERS both rule kinds", urlMapToken, map[string]any{"defaultService": "bs", "pathMatchers": []any{map[string]any{"name": "pm", "defaultService": "bs",
			"pathRules": []any{map[string]any{"paths": []any{"/a"}, "service": "bs"}}, "routeRules": []any{map[string]any{"priority": 1.0, "service": "bs"}}}}}, "pathMatchers[0]", "only one of pathRules or routeRules"},
		{"URLMAP-HOSTS", urlMapToken, map[string]any{"defaultService": "bs", "pathMatchers": []any{map[string]any{"name": "pm", "defaultService": "bs"}},
			"hostRules": []any{map[string]any{"hosts": []any{"a*.internal"}, "pathMatcher": "pm"}}}, "hostRules[0].hosts", "Host must be a valid hostname"},
		{"URLMAP-PATHS slash", urlMapToken, urlMapWithPath("admin"), "pathMatchers[0].pathRules[0].paths", `path "admin" must start with /`},
		{"URLMAP-PATHS star", urlMapToken, urlMapWithPath("/a*/b"), "pathMatchers[0].pathRules[0].paths", "may hold * only at its end"},
		{"URLMAP-PATHS query", urlMapToken, urlMapWithPath("/a?b"), "pathMatchers[0].pathRules[0].paths", "must not contain ? or #"},
		{"PROXY-CERTS none", httpsProxyToken, map[string]any{"urlMap": "um"}, "sslCertificates", "needs sslCertificates (regional compute certificates) or certificateManagerCertificates"},
		{"PROXY-CERTS map", httpsProxyToken, map[string]any{"urlMap": "um", "certificateManagerCertificates": []any{"projects/p/locations/global/certificateMaps/m"}}, "certificateManagerCertificates[0]", "certificate maps do not apply to regional proxies"},
		{"SSL policy custom", sslPolicyToken, map[string]any{"profile": "CUSTOM"}, "customFeatures", "customFeatures is required when profile is CUSTOM"},
		{"EP-SCHEME unset", forwardingRuleToken, map[string]any{"target": psc, "network": "n", "ipAddress": "a"}, "loadBalancingScheme", "must have an empty load balancing scheme, not EXTERNAL"},
		{"EP-NETWORK", forwardingRuleToken, map[string]any{"target": psc, "ipAddress": "a", "loadBalancingScheme": ""}, "network", "network is required for a Private Service Connect endpoint"},
		{"FR-LB subnetwork", forwardingRuleToken, map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED", "target": "regions/r/targetHttpProxies/p", "network": "n", "portRange": "80"}, "subnetwork", "subnetwork is required for an INTERNAL_MANAGED forwarding rule"},
		{"FR-LB protocol", forwardingRuleToken, map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED", "target": "regions/r/targetHttpProxies/p", "network": "n", "subnetwork": "s", "portRange": "80", "ipProtocol": "UDP"}, "ipProtocol", "ipProtocol must be TCP"},
		{"FR-LB port", forwardingRuleToken, map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED", "target": "regions/r/targetHttpProxies/p", "network": "n", "subnetwork": "s", "portRange": "80-90"}, "portRange", "must be a single port"},
		{"SA-PREFERENCE", serviceAttachmentToken, attachment(map[string]any{"connectionPreference": "MANUAL"}), "connectionPreference", "expected connectionPreference to be one of"},
		{"SA-LIST-KIND accept", serviceAttachmentToken, attachment(map[string]any{"consumerAcceptLists": []any{
			map[string]any{"projectIdOrNum": "a", "connectionLimit": 1.0},
			map[string]any{"networkUrl": "projects/b/global/networks/n", "connectionLimit": 1.0}}}), "consumerAcceptLists[1]", "must hold one type of consumer"},
		{"SA-LIST-KIND reject", serviceAttachmentToken, attachment(map[string]any{"consumerRejectLists": []any{"a", "projects/b/global/networks/n"}}), "consumerRejectLists[1]", "must hold one type of consumer"},
		{"SA-LIST-KIND across lists", serviceAttachmentToken, attachment(map[string]any{"consumerAcceptLists": []any{
			map[string]any{"projectIdOrNum": "a", "connectionLimit": 1.0}}, "consumerRejectLists": []any{"projects/b/global/networks/n"}}), "consumerRejectLists[0]", "must hold one type of consumer"},
		{"SA-ACCEPT-ENTRY", serviceAttachmentToken, attachment(map[string]any{"consumerAcceptLists": []any{
			map[string]any{"projectIdOrNum": "a", "networkUrl": "n", "connectionLimit": 1.0}}}), "consumerAcceptLists[0]", "Exactly one of projectIdOrNum and networkUrl"},
		{"SA-CONN-LIMIT zero", serviceAttachmentToken, attachment(map[string]any{"consumerAcceptLists": []any{
			map[string]any{"projectIdOrNum": "a", "connectionLimit": 0.0}}}), "consumerAcceptLists[0].connectionLimit", "at least 1"},
		{"SA-AUTOMATIC-LISTS", serviceAttachmentToken, attachment(map[string]any{"connectionPreference": "ACCEPT_AUTOMATIC", "consumerAcceptLists": []any{
			map[string]any{"projectIdOrNum": "a", "connectionLimit": 1.0}}}), "connectionPreference", "Incorrect combination of connection preference with accept and/or reject list"},
		{"SA-LIST-SIZE accept", serviceAttachmentToken, attachment(map[string]any{"consumerAcceptLists": acceptEntries(5001)}),
			"consumerAcceptLists", "A consumer accept list holds at most 5000 values, got 5001"},
		{"SA-LIST-SIZE reject", serviceAttachmentToken, attachment(map[string]any{"consumerRejectLists": rejectEntries(65)}),
			"consumerRejectLists", "A consumer reject list holds at most 64 values, got 65"},
		{"SA-DOMAIN-DOT", serviceAttachmentToken, attachment(map[string]any{"domainNames": []any{"example.com"}}), "domainNames[0]", `Domain name "example.com" must end with a dot`},
		{"DNS-ZONE-DOT", managedZoneToken, map[string]any{"dnsName": "example.com"}, "dnsName", `DNS name "example.com" must end with a dot`},
		{"DNS-PRIVATE-NETWORKS", managedZoneToken, map[string]any{"dnsName": "example.com.", "visibility": "private"}, "privateVisibilityConfig", "a private zone needs privateVisibilityConfig with at least one network"},
		{"DNS-RECORD-DATA", recordSetToken, map[string]any{"managedZone": "z", "name": "a.example.com.", "type": "A", "rrdatas": []any{"host"}}, "rrdatas[0]", "an A record needs IPv4 addresses"},
		{"DNS-RECORD-TYPE", recordSetToken, map[string]any{"managedZone": "z", "name": "a.example.com.", "type": "ALIAS", "rrdatas": []any{"x"}}, "type", "expected type to be one of"},
	}
	h := newHarness(t, producerProject)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, failures := h.check(tt.token, "r", tt.in)
			for _, f := range failures {
				if f.Property == tt.field {
					t.Errorf("Check refused %s at preview (%s); the provider leaves it to the API", tt.field, f.Reason)
				}
			}
			wantErr(t, apiRefusal(tt.token, tt.in), "resource."+tt.field)
			wantErr(t, apiRefusal(tt.token, tt.in), tt.want)
		})
	}
}

// apiRefusal is the simulator's answer to a request the provider sends for in: the inputs and
// the provider's defaults, checked against the API's static rules.
func apiRefusal(token string, in map[string]any) error {
	k := kinds[token]
	req := obj(in).clone()
	k.applyRequestDefaults(req)
	return k.validateAPI(req)
}

// TestCheckSkipsUnknowns: a preview with unknown inputs must not fail on them.
func TestCheckSkipsUnknowns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		token string
		in    map[string]any
	}{
		{subnetworkToken, map[string]any{"network": unknown, "ipCidrRange": unknown, "purpose": unknown}},
		{serviceAttachmentToken, map[string]any{"targetService": unknown, "natSubnets": unknown, "enableProxyProtocol": false, "connectionPreference": "ACCEPT_MANUAL", "consumerAcceptLists": unknown}},
		{forwardingRuleToken, map[string]any{"target": unknown, "network": unknown, "ipAddress": unknown}},
		{managedZoneToken, map[string]any{"dnsName": "x.", "visibility": "private", "privateVisibilityConfig": unknown}},
		{backendServiceToken, map[string]any{"backends": []any{map[string]any{"group": unknown}}}},
		{httpsProxyToken, map[string]any{"urlMap": unknown, "sslCertificates": unknown}},
		// GEN-ONE-OF: an unknown member may be the one set; an unknown block may hold it.
		{firewallToken, map[string]any{"network": "n", "sourceRanges": []any{"10.0.0.0/8"}, "allows": unknown}},
		{urlMapToken, map[string]any{"defaultRouteAction": unknown}},
		{recordSetToken, map[string]any{"managedZone": "z", "name": "a.example.com.", "type": "A", "routingPolicy": unknown}},
		{cmCertificateToken, map[string]any{"selfManaged": map[string]any{"pemCertificate": unknown, "pemPrivateKey": "k"}}},
	}
	h := newHarness(t, producerProject)
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			t.Parallel()
			if _, failures := h.check(tt.token, "r", tt.in); len(failures) > 0 {
				t.Errorf("unknown inputs failed Check: %v", failures)
			}
		})
	}
}

// TestCheckEmptyListIsUnset: for ConflictsWith and the one-of groups an empty list is not set
// (GEN-CONFLICTS), and a block is validated only when present.
func TestCheckEmptyListIsUnset(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	for _, tt := range []struct {
		token string
		in    map[string]any
	}{
		{httpsProxyToken, map[string]any{"urlMap": "um", "sslCertificates": []any{}, "certificateManagerCertificates": []any{"projects/p/locations/r/certificates/c"}}},
		{firewallToken, map[string]any{"network": "n", "sourceRanges": []any{"10.0.0.0/8"}, "allows": []any{map[string]any{"protocol": "tcp"}}, "denies": []any{}}},
		{backendServiceToken, map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED"}},
	} {
		if _, failures := h.check(tt.token, "r", tt.in); len(failures) > 0 {
			t.Errorf("%s %v failed Check: %v", tt.token, tt.in, failures)
		}
	}
}

// urlMapWithPath is a URL map whose one path rule has the path p.
func urlMapWithPath(p string) map[string]any {
	return map[string]any{"defaultService": "bs", "pathMatchers": []any{map[string]any{"name": "pm", "defaultService": "bs",
		"pathRules": []any{map[string]any{"paths": []any{p}, "service": "bs"}}}}}
}

// abort404 is a route action that answers every request with 404, beside the weighted backend
// services given (nil for none).
func abort404(weighted []any) map[string]any {
	a := map[string]any{"faultInjectionPolicy": map[string]any{"abort": map[string]any{"httpStatus": 404.0, "percentage": 100.0}}}
	if weighted != nil {
		a["weightedBackendServices"] = weighted
	}
	return a
}
