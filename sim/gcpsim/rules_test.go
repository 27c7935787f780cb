package gcpsim

import "testing"

// TestCreateRules holds one row per stateful rule: the setup builds the producer chain,
// then one more Create (or Update) must fail with the API-shaped error.
func TestCreateRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		run  func(h *harness, ids map[string]string) error
		want string
	}{
		{"reference not found", func(h *harness, _ map[string]string) error {
			_, _, err := h.create(subnetworkToken, "x", map[string]any{"name": "x", "network": "nope", "ipCidrRange": "10.9.0.0/24"})
			return err
		}, "googleapi: Error 404: The resource 'projects/prod-p/global/networks/nope' was not found, notFound"},
		{"already exists", func(h *harness, _ map[string]string) error {
			_, _, err := h.create(networkToken, "vpc", map[string]any{"name": "vpc"})
			return err
		}, "googleapi: Error 409: The resource 'projects/prod-p/global/networks/vpc' already exists, alreadyExists"},
		{"cidr overlap in one vpc", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(subnetworkToken, "x", map[string]any{"name": "x", "network": ids["network"], "ipCidrRange": "10.0.0.128/25", "region": otherRegion})
			return err
		}, "googleapi: Error 400: Invalid IPCidrRange: 10.0.0.128/25 conflicts with existing subnetwork 'lb' in region 'europe-west1'., invalid"},
		{"auto mode range", func(h *harness, _ map[string]string) error {
			h.mustCreate(networkToken, "auto", map[string]any{"name": "auto"})
			_, _, err := h.create(subnetworkToken, "x", map[string]any{"name": "x", "network": "auto", "ipCidrRange": "10.130.0.0/24"})
			return err
		}, "conflicts with the range 10.128.0.0/9 reserved by auto mode network 'auto'"},
		{"second active proxy-only subnet", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(subnetworkToken, "x", map[string]any{"name": "x", "network": ids["network"], "ipCidrRange": "10.0.4.0/23", "purpose": "REGIONAL_MANAGED_PROXY", "role": "ACTIVE"})
			return err
		}, "Invalid value for field 'resource.role': 'ACTIVE'. An ACTIVE subnetwork with purpose REGIONAL_MANAGED_PROXY already exists in region 'europe-west1' of network 'vpc': 'proxy-only'"},
		{"lb rule before proxy-only subnet", func(h *harness, ids map[string]string) error {
			h.mustCreate(subnetworkToken, "x", map[string]any{"name": "x", "network": ids["network"], "ipCidrRange": "10.8.0.0/24", "region": otherRegion})
			_, _, err := h.create(forwardingRuleToken, "x", map[string]any{"name": "x", "region": otherRegion, "loadBalancingScheme": "INTERNAL_MANAGED", "portRange": "80",
				"network": ids["network"], "subnetwork": "x", "target": "regions/us-central1/targetHttpProxies/px"})
			return err
		}, "An active proxy-only subnetwork (purpose REGIONAL_MANAGED_PROXY, role ACTIVE) is required in region 'us-central1' of network 'vpc' before an INTERNAL_MANAGED forwarding rule can be created."},
		{"lb rule on the nat subnet", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(forwardingRuleToken, "x", map[string]any{"name": "x", "loadBalancingScheme": "INTERNAL_MANAGED", "portRange": "80",
				"network": ids["network"], "subnetwork": ids["nat"], "target": ids["proxy"]})
			return err
		}, "Invalid value for field 'resource.subnetwork': 'projects/prod-p/regions/europe-west1/subnetworks/nat'. A subnetwork with purpose PRIVATE_SERVICE_CONNECT cannot host forwarding rules; use a regular subnetwork (purpose PRIVATE)., invalid"},
		{"lb rule on the proxy-only subnet", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(forwardingRuleToken, "x", map[string]any{"name": "x", "loadBalancingScheme": "INTERNAL_MANAGED", "portRange": "80",
				"network": ids["network"], "subnetwork": ids["proxy-only"], "target": ids["proxy"]})
			return err
		}, "A subnetwork with purpose REGIONAL_MANAGED_PROXY cannot host forwarding rules"},
		{"address in the nat subnet", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(addressToken, "x", map[string]any{"name": "x", "addressType": "INTERNAL", "subnetwork": ids["nat"]})
			return err
		}, "A subnetwork with purpose PRIVATE_SERVICE_CONNECT cannot host addresses"},
		{"address in another region's subnet", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(addressToken, "x", map[string]any{"name": "x", "addressType": "INTERNAL", "region": otherRegion, "subnetwork": selfLinkOf(ids["lb"])})
			return err
		}, "The subnetwork is in region 'europe-west1', but the resource is in region 'us-central1'; they must be in the same region."},
		{"fixed ip outside the subnet", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(addressToken, "x", map[string]any{"name": "x", "addressType": "INTERNAL", "subnetwork": ids["lb"], "address": "10.0.1.5"})
			return err
		}, "Invalid value for field 'resource.address': '10.0.1.5'. Requested internal IP address is outside the range 10.0.0.0/24 of subnetwork 'lb'., invalid"},
		{"fixed ip reserved", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(addressToken, "x", map[string]any{"name": "x", "addressType": "INTERNAL", "subnetwork": ids["lb"], "address": "10.0.0.1"})
			return err
		}, "Requested internal IP address is reserved in subnetwork 'lb'"},
		{"fixed ip in use", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(addressToken, "x", map[string]any{"name": "x", "addressType": "INTERNAL", "subnetwork": ids["lb"], "address": "10.0.0.2"})
			return err
		}, "googleapi: Error 409: IP_IN_USE_BY_ANOTHER_RESOURCE - IP '10.0.0.2' is already being used by another resource: 'projects/prod-p/regions/europe-west1/forwardingRules/fr'."},
		{"nat subnet of a regular purpose", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(serviceAttachmentToken, "att", attachmentInputs(ids, map[string]any{"natSubnets": []any{ids["lb"]}}))
			return err
		}, "Invalid value for field 'resource.natSubnets[0]': 'projects/prod-p/regions/europe-west1/subnetworks/lb'. The subnetwork has purpose PRIVATE; NAT subnets of a service attachment must have purpose PRIVATE_SERVICE_CONNECT., invalid"},
		{"nat subnet shared by two attachments", func(h *harness, ids map[string]string) error {
			h.mustCreate(serviceAttachmentToken, "att", attachmentInputs(ids, nil))
			_, _, err := h.create(serviceAttachmentToken, "att2", attachmentInputs(ids, map[string]any{"name": "att2"}))
			return err
		}, "The NAT subnetwork is already used by service attachment 'projects/prod-p/regions/europe-west1/serviceAttachments/att'; a NAT subnet cannot be shared"},
		{"proxy protocol on an alb", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(serviceAttachmentToken, "att", attachmentInputs(ids, map[string]any{"enableProxyProtocol": true}))
			return err
		}, "Invalid value for field 'resource.enableProxyProtocol': 'true'. PROXY protocol is not supported"},
		{"attachment target is not a load balancer", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(serviceAttachmentToken, "att", attachmentInputs(ids, map[string]any{"targetService": ids["proxy"]}))
			return err
		}, "The URL is malformed or does not reference a forwardingRules."},
		{"attachment in another region than its rule", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(serviceAttachmentToken, "att", attachmentInputs(ids, map[string]any{"region": otherRegion, "targetService": selfLinkOf(ids["rule"])}))
			return err
		}, "The forwarding rule is in region 'europe-west1'; a service attachment must be in the region of its target service ('us-central1')."},
		{"neg and cloud run in different regions", func(h *harness, _ map[string]string) error {
			_, _, err := h.create(negToken, "x", map[string]any{"name": "x", "region": otherRegion, "cloudRun": map[string]any{"service": "hello"}})
			return err
		}, "Cloud Run service 'hello' is in region 'europe-west1', but the serverless network endpoint group is in region 'us-central1'; they must be in the same region."},
		{"neg cloud run service missing", func(h *harness, _ map[string]string) error {
			_, _, err := h.create(negToken, "x", map[string]any{"name": "x", "region": region, "cloudRun": map[string]any{"service": "ghost"}})
			return err
		}, "The resource 'projects/prod-p/locations/europe-west1/services/ghost' was not found"},
		{"health check on a serverless backend by bare name", func(h *harness, _ map[string]string) error {
			_, _, err := h.create(backendServiceToken, "x", map[string]any{"name": "x", "loadBalancingScheme": "INTERNAL_MANAGED", "healthChecks": "hc", "backends": []any{map[string]any{"group": "neg"}}})
			return err
		}, "A backend service cannot have a healthcheck with Serverless network endpoint group backends."},
		{"capacity on a serverless backend by bare name", func(h *harness, _ map[string]string) error {
			_, _, err := h.create(backendServiceToken, "x", map[string]any{"name": "x", "loadBalancingScheme": "INTERNAL_MANAGED", "backends": []any{map[string]any{"group": "neg", "capacityScaler": 1.0}}})
			return err
		}, "Balancing mode and capacity settings are not supported with Serverless network endpoint group backends."},
		{"backend group in another region", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(backendServiceToken, "x", map[string]any{"name": "x", "region": otherRegion, "backends": []any{map[string]any{"group": ids["neg"]}}})
			return err
		}, "The network endpoint group is in region 'europe-west1'; a regional backend service in 'us-central1' can only use groups of its region."},
		{"url map backend in another region", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(urlMapToken, "x", map[string]any{"name": "x", "region": otherRegion, "defaultService": ids["backend"]})
			return err
		}, "a regional URL map in 'us-central1' can only use backend services of its region"},
		{"scheme mismatch along the chain", func(h *harness, ids map[string]string) error {
			h.mustCreate(backendServiceToken, "ext", map[string]any{"name": "ext", "loadBalancingScheme": "EXTERNAL_MANAGED", "backends": []any{map[string]any{"group": ids["neg"]}}})
			h.mustCreate(urlMapToken, "um2", map[string]any{"name": "um2", "defaultService": "ext"})
			h.mustCreate(httpProxyToken, "px2", map[string]any{"name": "px2", "urlMap": "um2"})
			_, _, err := h.create(forwardingRuleToken, "x", map[string]any{"name": "x", "loadBalancingScheme": "INTERNAL_MANAGED", "portRange": "80",
				"network": ids["network"], "subnetwork": ids["lb"], "target": "regions/europe-west1/targetHttpProxies/px2"})
			return err
		}, "Backend service 'ext' behind the target proxy uses load balancing scheme EXTERNAL_MANAGED; it must be INTERNAL_MANAGED"},
		{"global certificate on a regional proxy", func(h *harness, ids map[string]string) error {
			_, _, err := h.create(httpsProxyToken, "x", map[string]any{"name": "x", "urlMap": ids["urlmap"], "sslCertificates": []any{"projects/prod-p/global/sslCertificates/c"}})
			return err
		}, "A regional resource needs regional sslCertificates"},
		{"unparsable certificate", func(h *harness, _ map[string]string) error {
			_, _, err := h.create(sslCertificateToken, "x", map[string]any{"name": "x", "certificate": "not a pem", "privateKey": "k"})
			return err
		}, "googleapi: Error 400: The SSL certificate could not be parsed., sslCertificateCouldNotParseCert"},
		{"certificate and key mismatch", func(h *harness, _ map[string]string) error {
			cert, _ := selfSigned(t)
			_, otherKey := selfSigned(t)
			_, _, err := h.create(sslCertificateToken, "x", map[string]any{"name": "x", "certificate": cert, "privateKey": otherKey})
			return err
		}, "The SSL key does not match the certificate., sslCertificateKeyMismatch"},
		{"record outside its zone", func(h *harness, ids map[string]string) error {
			h.mustCreate(managedZoneToken, "z", map[string]any{"name": "z", "dnsName": "internal.example.", "visibility": "private",
				"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": selfLinkOf(ids["network"])}}}})
			_, _, err := h.create(recordSetToken, "x", map[string]any{"managedZone": "z", "name": "api.other.example.", "type": "A", "rrdatas": []any{"10.0.0.9"}})
			return err
		}, "named 'api.other.example. (A)' is not within the zone 'z'"},
		{"zone network missing", func(h *harness, _ map[string]string) error {
			_, _, err := h.create(managedZoneToken, "z", map[string]any{"name": "z", "dnsName": "internal.example.", "visibility": "private",
				"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": "projects/cons-p/global/networks/gone"}}}})
			return err
		}, "googleapi: Error 404: The resource 'projects/cons-p/global/networks/gone' was not found, notFound"},
		{"iam member on a missing service", func(h *harness, _ map[string]string) error {
			_, _, err := h.create(cloudRunIamMemberToken, "x", map[string]any{"name": "ghost", "location": region, "role": "roles/run.invoker", "member": "allUsers"})
			return err
		}, "The resource 'projects/prod-p/locations/europe-west1/services/ghost' was not found"},
		{"automatic with lists on update", func(h *harness, ids map[string]string) error {
			in := attachmentInputs(ids, nil)
			id, _ := h.mustCreate(serviceAttachmentToken, "att", in)
			_, err := h.update(serviceAttachmentToken, id, in, attachmentInputs(ids, map[string]any{"connectionPreference": "ACCEPT_AUTOMATIC"}))
			return err
		}, "Invalid value for field 'resource.connectionPreference': 'ACCEPT_AUTOMATIC'. Incorrect combination of connection preference with accept and/or reject list, invalid"},
		{"update re-validates overlap", func(h *harness, ids map[string]string) error {
			in := map[string]any{"name": "lb", "network": ids["network"], "ipCidrRange": "10.0.0.0/24"}
			_, err := h.update(subnetworkToken, ids["lb"], in, map[string]any{"name": "lb", "network": ids["network"], "ipCidrRange": "10.0.0.0/22"})
			return err
		}, "Invalid IPCidrRange: 10.0.0.0/22 conflicts with existing subnetwork 'nat' in region 'europe-west1'."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, producerProject)
			ids := h.producer()
			before := h.count()
			err := tt.run(h, ids)
			wantErr(t, err, tt.want)
			if after := h.count(); after < before {
				t.Errorf("a failed operation removed resources: %d -> %d", before, after)
			}
		})
	}
}

func TestPSCEndpointMustBeInTheAttachmentRegion(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	attID, _ := h.mustCreate(serviceAttachmentToken, "att", attachmentInputs(h.producer(), nil))
	c := attach(t, h.dir, consumerProject)
	network, _ := c.consumer("cvpc")
	sub, _ := c.mustCreate(subnetworkToken, "far", map[string]any{"name": "far", "network": network, "region": otherRegion, "ipCidrRange": "10.5.0.0/24"})
	_, _, err := c.create(forwardingRuleToken, "ep", map[string]any{"name": "ep", "region": otherRegion, "loadBalancingScheme": "", "network": network, "subnetwork": sub, "target": selfLinkOf(attID)})
	wantErr(t, err, "The service attachment is in region 'europe-west1'; a Private Service Connect endpoint must be in the same region as the service attachment (endpoint region 'us-central1').")
}

func TestPSCEndpointAddressCannotBeShared(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	attID, _ := h.mustCreate(serviceAttachmentToken, "att", attachmentInputs(h.producer(), nil))
	c := attach(t, h.dir, consumerProject)
	network, subnet := c.consumer("cvpc")
	c.endpoint("ep1", network, subnet, selfLinkOf(attID))
	_, _, err := c.create(forwardingRuleToken, "ep2", map[string]any{"name": "ep2", "loadBalancingScheme": "", "network": network, "target": selfLinkOf(attID), "ipAddress": "ep1-ip"})
	wantErr(t, err, "IP_IN_USE_BY_ANOTHER_RESOURCE - IP '10.0.0.2' is already being used by another resource: 'projects/cons-p/regions/europe-west1/forwardingRules/ep1'")
}

func TestHTTPSChainWithRegionalCertificate(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	ids := h.producer()
	cert, key := selfSigned(t)
	certID, certOut := h.mustCreate(sslCertificateToken, "cert", map[string]any{"name": "cert", "certificate": cert, "privateKey": key})
	if certOut.str("expireTime") != "2030-01-01T00:00:00Z" {
		t.Errorf("expireTime = %q", certOut.str("expireTime"))
	}
	h.mustCreate(sslPolicyToken, "pol", map[string]any{"name": "pol", "profile": "RESTRICTED", "minTlsVersion": "TLS_1_2"})
	proxyID, _ := h.mustCreate(httpsProxyToken, "pxs", map[string]any{"name": "pxs", "urlMap": ids["urlmap"], "sslCertificates": []any{selfLinkOf(certID)}, "sslPolicy": "pol"})
	h.mustCreate(forwardingRuleToken, "frs", map[string]any{"name": "frs", "loadBalancingScheme": "INTERNAL_MANAGED", "portRange": "443",
		"network": ids["network"], "subnetwork": ids["lb"], "target": selfLinkOf(proxyID)})
	resp, err := h.sim.Read(t.Context(), readReq(sslCertificateToken, certID))
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Properties.Get("privateKey").Secret() {
		t.Error("privateKey output is not secret")
	}
	wantErr(t, h.del(sslCertificateToken, certID), "The ssl_certificate resource 'projects/prod-p/regions/europe-west1/sslCertificates/cert' is already being used by 'projects/prod-p/regions/europe-west1/targetHttpsProxies/pxs'")
}

// The API takes a forwarding rule's IPAddress as an IP number or a reference to an address; an
// IP number of a reserved address uses that address (Compute API reference, ForwardingRule
// IPAddress), which then cannot be deleted while the rule holds it.
func TestPSCEndpointTakesTheReservedAddressByIPNumber(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	attID, _ := h.mustCreate(serviceAttachmentToken, "att", attachmentInputs(h.producer(), nil))
	c := attach(t, h.dir, consumerProject)
	network, subnet := c.consumer("cvpc")
	addrID, addr := c.mustCreate(addressToken, "ep-ip", map[string]any{"name": "ep-ip", "addressType": "INTERNAL", "subnetwork": subnet, "address": "10.0.0.9"})
	_, rule := c.mustCreate(forwardingRuleToken, "ep", map[string]any{"name": "ep", "loadBalancingScheme": "", "target": selfLinkOf(attID),
		"network": network, "subnetwork": subnet, "ipAddress": addr.str("address")})
	if got := rule.str("ipAddress"); got != "10.0.0.9" {
		t.Errorf("ipAddress = %q, want the reserved 10.0.0.9", got)
	}
	wantErr(t, c.del(addressToken, addrID), "is already being used by")
}
