package gcpsim

import "testing"

func container() map[string]any {
	return map[string]any{"containers": []any{map[string]any{"image": "gcr.io/p/i"}}}
}

const negLink = "https://www.googleapis.com/compute/v1/projects/prod-p/regions/europe-west1/networkEndpointGroups/neg"

// TestCheckRules holds one row per static rule: the failure must name the property.
func TestCheckRules(t *testing.T) {
	t.Parallel()
	att := func(extra map[string]any) map[string]any {
		in := map[string]any{"targetService": "fr", "natSubnets": []any{"nat"}, "enableProxyProtocol": false, "connectionPreference": "ACCEPT_MANUAL"}
		for k, v := range extra {
			in[k] = v
		}
		return in
	}
	tests := []struct {
		name, token string
		in          map[string]any
		prop, want  string
	}{
		{"invalid enum", subnetworkToken, map[string]any{"network": "n", "ipCidrRange": "10.0.0.0/24", "purpose": "LB"}, "purpose", `expected purpose to be one of`},
		{"missing required", subnetworkToken, map[string]any{"ipCidrRange": "10.0.0.0/24"}, "network", "Missing required property 'network'"},
		{"host bits", subnetworkToken, map[string]any{"network": "n", "ipCidrRange": "10.0.0.1/24"}, "ipCidrRange", "has host bits set (did you mean 10.0.0.0/24?)"},
		{"subnet too small", subnetworkToken, map[string]any{"network": "n", "ipCidrRange": "10.0.0.0/30"}, "ipCidrRange", "must be /29 or larger"},
		{"proxy-only below /26", subnetworkToken, map[string]any{"network": "n", "ipCidrRange": "10.0.0.0/27", "purpose": "REGIONAL_MANAGED_PROXY", "role": "ACTIVE"}, "ipCidrRange", "too small for a proxy-only subnet"},
		{"proxy-only without role", subnetworkToken, map[string]any{"network": "n", "ipCidrRange": "10.0.0.0/23", "purpose": "REGIONAL_MANAGED_PROXY"}, "role", "role (ACTIVE or BACKUP) is required"},
		{"role on a regular subnet", subnetworkToken, map[string]any{"network": "n", "ipCidrRange": "10.0.0.0/24", "purpose": "PRIVATE", "role": "ACTIVE"}, "role", "role can only be set when purpose is REGIONAL_MANAGED_PROXY"},
		{"name regex", networkToken, map[string]any{"name": "My_VPC"}, "name", "must match the regular expression"},
		{"mtu", networkToken, map[string]any{"mtu": 9000.0}, "mtu", "mtu must be between 1300 and 8896"},
		{"firewall without rules", firewallToken, map[string]any{"network": "n"}, "allows", "one of allows or denies must be set"},
		{"firewall protocol", firewallToken, map[string]any{"network": "n", "allows": []any{map[string]any{"protocol": "http"}}}, "allows[0].protocol", "expected protocol to be one of"},
		{"internal address without subnet", addressToken, map[string]any{"addressType": "INTERNAL"}, "subnetwork", "subnetwork is required for an INTERNAL address"},
		{"address literal", addressToken, map[string]any{"addressType": "INTERNAL", "subnetwork": "s", "address": "10.0.0.300"}, "address", "is not an IPv4 address"},
		{"cloud run ingress", cloudRunServiceToken, map[string]any{"location": region, "template": container(), "ingress": "internal"}, "ingress", `expected ingress to be one of ["INGRESS_TRAFFIC_ALL" "INGRESS_TRAFFIC_INTERNAL_ONLY"`},
		{"cloud run image", cloudRunServiceToken, map[string]any{"location": region, "template": map[string]any{"containers": []any{map[string]any{}}}}, "template.containers[0].image", "Missing required property 'image'"},
		{"cloud run template", cloudRunServiceToken, map[string]any{"location": region}, "template", "Missing required property 'template'"},
		{"iam member", cloudRunIamMemberToken, map[string]any{"name": "s", "role": "roles/run.invoker", "member": "jane@example.com"}, "member", "must be allUsers, allAuthenticatedUsers or start with"},
		{"iam binding member", cloudRunIamBindingToken, map[string]any{"name": "s", "role": "roles/run.invoker", "members": []any{"user:a@example.com", "jane@example.com"}}, "members[1]", "must be allUsers, allAuthenticatedUsers or start with"},
		{"neg without source", negToken, map[string]any{"region": region, "networkEndpointType": "SERVERLESS"}, "cloudRun", "needs exactly one of cloudRun"},
		{"neg cloudRun without service", negToken, map[string]any{"region": region, "cloudRun": map[string]any{"tag": "x"}}, "cloudRun.service", "cloudRun needs service"},
		{"health check on serverless", backendServiceToken, map[string]any{"backends": []any{map[string]any{"group": negLink}}, "healthChecks": "hc"}, "healthChecks", "healthChecks cannot be set on a backend service with serverless network endpoint group backends"},
		{"balancing mode on serverless", backendServiceToken, map[string]any{"backends": []any{map[string]any{"group": negLink, "balancingMode": "UTILIZATION"}}}, "backends[0].balancingMode", "balancingMode cannot be set on a serverless network endpoint group backend"},
		{"capacity scaler on serverless", backendServiceToken, map[string]any{"backends": []any{map[string]any{"group": negLink, "capacityScaler": 1.0}}}, "backends[0].capacityScaler", "capacityScaler cannot be set on a serverless"},
		{"backend scheme", backendServiceToken, map[string]any{"loadBalancingScheme": "INTERNAL_SELF"}, "loadBalancingScheme", "expected loadBalancingScheme to be one of"},
		{"url map default", urlMapToken, map[string]any{}, "defaultService", "one of defaultService, defaultUrlRedirect or defaultRouteAction must be set"},
		{"url map path matcher", urlMapToken, map[string]any{"defaultService": "bs", "hostRules": []any{map[string]any{"hosts": []any{"a"}, "pathMatcher": "pm"}}}, "hostRules[0].pathMatcher", `path matcher "pm" is not defined`},
		{"https proxy without certificate", httpsProxyToken, map[string]any{"urlMap": "um"}, "sslCertificates", "needs sslCertificates (regional compute certificates) or certificateManagerCertificates"},
		{"https proxy certificate map", httpsProxyToken, map[string]any{"urlMap": "um", "certificateManagerCertificates": []any{"projects/p/locations/global/certificateMaps/m"}}, "certificateManagerCertificates[0]", "certificate maps do not apply to regional proxies"},
		{"ssl policy custom", sslPolicyToken, map[string]any{"profile": "CUSTOM"}, "customFeatures", "customFeatures is required when profile is CUSTOM"},
		{"ssl certificate key", sslCertificateToken, map[string]any{"certificate": "x"}, "privateKey", "Missing required property 'privateKey'"},
		{"psc scheme unset", forwardingRuleToken, map[string]any{"target": "projects/p/regions/r/serviceAttachments/a", "network": "n", "ipAddress": "a"}, "loadBalancingScheme", `must be set to "" for a Private Service Connect endpoint`},
		{"psc scheme external", forwardingRuleToken, map[string]any{"target": "projects/p/regions/r/serviceAttachments/a", "network": "n", "ipAddress": "a", "loadBalancingScheme": "EXTERNAL"}, "loadBalancingScheme", `must be "" for a Private Service Connect endpoint, got "EXTERNAL"`},
		{"psc network", forwardingRuleToken, map[string]any{"target": "projects/p/regions/r/serviceAttachments/a", "ipAddress": "a", "loadBalancingScheme": ""}, "network", "network is required for a Private Service Connect endpoint"},
		{"lb subnetwork", forwardingRuleToken, map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED", "target": "regions/r/targetHttpProxies/p", "network": "n", "portRange": "80"}, "subnetwork", "subnetwork is required for an INTERNAL_MANAGED forwarding rule"},
		{"lb protocol", forwardingRuleToken, map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED", "target": "regions/r/targetHttpProxies/p", "network": "n", "subnetwork": "s", "portRange": "80", "ipProtocol": "UDP"}, "ipProtocol", "ipProtocol must be TCP"},
		{"lb port range", forwardingRuleToken, map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED", "target": "regions/r/targetHttpProxies/p", "network": "n", "subnetwork": "s", "portRange": "80-90"}, "portRange", "must be a single port"},
		{"attachment enableProxyProtocol", serviceAttachmentToken, map[string]any{"targetService": "fr", "natSubnets": []any{"nat"}, "connectionPreference": "ACCEPT_MANUAL"}, "enableProxyProtocol", "Missing required property 'enableProxyProtocol'"},
		{"attachment preference", serviceAttachmentToken, att(map[string]any{"connectionPreference": "MANUAL"}), "connectionPreference", "expected connectionPreference to be one of"},
		{"accept list mixed kinds", serviceAttachmentToken, att(map[string]any{"consumerAcceptLists": []any{
			map[string]any{"projectIdOrNum": "a", "connectionLimit": 1.0},
			map[string]any{"networkUrl": "projects/b/global/networks/n", "connectionLimit": 1.0}}}), "consumerAcceptLists", "all accept-list entries must be of one kind"},
		{"accept entry with both", serviceAttachmentToken, att(map[string]any{"consumerAcceptLists": []any{
			map[string]any{"projectIdOrNum": "a", "networkUrl": "n", "connectionLimit": 1.0}}}), "consumerAcceptLists[0]", "set exactly one of projectIdOrNum and networkUrl"},
		{"connection limit below 1", serviceAttachmentToken, att(map[string]any{"consumerAcceptLists": []any{
			map[string]any{"projectIdOrNum": "a", "connectionLimit": 0.0}}}), "consumerAcceptLists[0].connectionLimit", "connectionLimit must be at least 1, got 0"},
		{"consumer accepted and rejected", serviceAttachmentToken, att(map[string]any{"consumerAcceptLists": []any{
			map[string]any{"projectIdOrNum": "a", "connectionLimit": 1.0}}, "consumerRejectLists": []any{"a"}}), "consumerRejectLists", `"a" is in both consumerAcceptLists[0] and consumerRejectLists`},
		{"automatic with lists", serviceAttachmentToken, att(map[string]any{"connectionPreference": "ACCEPT_AUTOMATIC", "consumerAcceptLists": []any{
			map[string]any{"projectIdOrNum": "a", "connectionLimit": 1.0}}}), "consumerAcceptLists", "must be empty when connectionPreference is ACCEPT_AUTOMATIC"},
		{"domain name dot", serviceAttachmentToken, att(map[string]any{"domainNames": []any{"example.com"}}), "domainNames[0]", `domain name "example.com" must end with a dot`},
		{"nat subnets empty", serviceAttachmentToken, att(map[string]any{"natSubnets": []any{}}), "natSubnets", "at least one NAT subnet"},
		{"zone dns name dot", managedZoneToken, map[string]any{"dnsName": "example.com"}, "dnsName", `DNS name "example.com" must end with a dot`},
		{"private zone without networks", managedZoneToken, map[string]any{"dnsName": "example.com.", "visibility": "private"}, "privateVisibilityConfig", "a private zone needs privateVisibilityConfig with at least one network"},
		{"zone visibility", managedZoneToken, map[string]any{"dnsName": "example.com.", "visibility": "Private"}, "visibility", "expected visibility to be one of"},
		{"record name dot", recordSetToken, map[string]any{"managedZone": "z", "name": "a.example.com", "type": "A", "rrdatas": []any{"10.0.0.2"}}, "name", "must end with a dot"},
		{"record A data", recordSetToken, map[string]any{"managedZone": "z", "name": "a.example.com.", "type": "A", "rrdatas": []any{"host"}}, "rrdatas[0]", "an A record needs IPv4 addresses"},
		{"record type", recordSetToken, map[string]any{"managedZone": "z", "name": "a.example.com.", "type": "ALIAS", "rrdatas": []any{"x"}}, "type", "expected type to be one of"},
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
