package doctor

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// producerSide is a healthy HTTPS producer for hostname whose certificate names certHost.
func producerSide(t *testing.T, certHost string) *Side {
	certPEM, _ := psctest.SelfSignedCert(t, certHost)
	sa := "projects/p/regions/r/serviceAttachments/sa"
	res := func(token, id string, out map[string]any) *Resource {
		out["selfLink"] = "https://www.googleapis.com/compute/v1/" + id
		return &Resource{URN: "urn:" + id, Type: token, ID: id, Custom: true, Outputs: out}
	}
	return &Side{Stack: "org/prod/dev", Resources: []*Resource{
		{URN: "urn:comp", Type: chain.ProducerServiceType, Outputs: map[string]any{"hostname": "api.internal", "port": 443.0, "certificatePem": certPEM}},
		res(chain.ServiceAttachmentType, sa, map[string]any{"targetService": "projects/p/regions/r/forwardingRules/lb", "connectionPreference": "ACCEPT_MANUAL",
			"natSubnets":          []any{"projects/p/regions/r/subnetworks/nat"},
			"consumerAcceptLists": []any{map[string]any{"projectIdOrNum": "c", "connectionLimit": 10.0}},
			"connectedEndpoints":  []any{map[string]any{"endpoint": "projects/c/regions/r/forwardingRules/ep", "status": "PENDING"}}}),
		res(chain.SubnetworkType, "projects/p/regions/r/subnetworks/nat", map[string]any{"ipCidrRange": "10.0.0.0/29", "purpose": "PRIVATE_SERVICE_CONNECT"}),
		res(chain.ForwardingRuleType, "projects/p/regions/r/forwardingRules/lb", map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED",
			"target": "projects/p/regions/r/targetHttpsProxies/px", "network": "projects/p/global/networks/n", "region": "r"}),
		res(chain.RegionTargetHttpsProxyType, "projects/p/regions/r/targetHttpsProxies/px", map[string]any{"urlMap": "projects/p/regions/r/urlMaps/um",
			"sslCertificates": []any{"projects/p/regions/r/sslCertificates/cert"}}),
		res(chain.RegionSslCertificateType, "projects/p/regions/r/sslCertificates/cert", map[string]any{"expireTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}),
		res(chain.RegionUrlMapType, "projects/p/regions/r/urlMaps/um", map[string]any{"defaultService": "projects/p/regions/r/backendServices/bs"}),
		res(chain.RegionBackendServiceType, "projects/p/regions/r/backendServices/bs", map[string]any{"backends": []any{map[string]any{"group": "projects/p/regions/r/networkEndpointGroups/neg"}}}),
		res(chain.RegionNetworkEndpointGroupType, "projects/p/regions/r/networkEndpointGroups/neg", map[string]any{"networkEndpointType": "SERVERLESS", "cloudRun": map[string]any{"service": "run"}}),
		res(chain.CloudRunServiceType, "projects/p/locations/r/services/run", map[string]any{"name": "run", "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY",
			"latestReadyRevision": "rev", "terminalConditions": []any{map[string]any{"type": "Ready", "state": "CONDITION_SUCCEEDED"}},
			"invokerIamDisabled": true}),
	}}
}

// The producer alone: the certificate must cover the hostname consumers use, and the consumers
// stuck in PENDING are named.
func TestProducerAlone(t *testing.T) {
	rep := Diagnose(producerSide(t, "api.internal"), nil, time.Now())
	var broken []string
	for _, l := range rep.Broken() {
		for _, p := range l.Problems {
			broken = append(broken, l.Name+": "+p.Cause)
		}
	}
	if len(broken) != 1 || !strings.Contains(broken[0], "accept-list: consumer(s) c are PENDING") {
		t.Errorf("broken links %q, want only the accept list naming consumer c", broken)
	}
	for _, l := range rep.Links {
		if l.Name == chain.LinkNAT && l.Detail != "0 of 4 NAT addresses used, 4 free" {
			t.Errorf("nat: %q", l.Detail)
		}
	}

	rep = Diagnose(producerSide(t, "other.internal"), nil, time.Now())
	if !names(rep, chain.LinkCertificate, Broken, "the certificate is for other.internal, not for api.internal", "SAN covers api.internal") || rep.Healthy {
		t.Errorf("a certificate for another name: broken %+v", rep.Broken())
	}
}

// Invoker IAM on and no grant in the stack: a warning (the role may be granted on the project),
// not a broken path.
func TestNoInvokerInTheStackWarns(t *testing.T) {
	side := producerSide(t, "api.internal")
	side.Resources[0].Outputs["port"] = 443.0
	for _, r := range side.Resources {
		if r.Type == chain.CloudRunServiceType {
			r.Outputs["invokerIamDisabled"] = false
		}
		if r.Type == chain.ServiceAttachmentType {
			r.Outputs["connectedEndpoints"] = []any{}
		}
	}
	rep := Diagnose(side, nil, time.Now())
	if !names(rep, chain.LinkCloudRun, Warning, "grants roles/run.invoker on run to no one", "cloudRun.invokers") || !rep.Healthy {
		t.Errorf("healthy %v, links %+v: want healthy with a cloud-run warning", rep.Healthy, rep.Links)
	}
}

// A Google-managed certificate of the producer's stack (tls.managed) breaks the certificate link
// while it is PROVISIONING, naming the DNS records to publish; ACTIVE, it serves.
func TestManagedCertificateProvisioning(t *testing.T) {
	for _, tc := range []struct {
		state  string
		broken bool
	}{{"PROVISIONING", true}, {"ACTIVE", false}} {
		side := producerSide(t, "api.internal")
		cm := "projects/p/locations/r/certificates/mcert"
		for _, r := range side.Resources {
			if r.Type == chain.RegionTargetHttpsProxyType {
				r.Outputs["sslCertificates"] = []any{}
				r.Outputs["certificateManagerCertificates"] = []any{cm}
			}
		}
		side.Resources = append(side.Resources, &Resource{URN: "urn:mcert", Type: chain.CertificateManagerCertificateType, ID: cm, Custom: true,
			Outputs: map[string]any{"name": "mcert", "managed": map[string]any{"state": tc.state, "domains": []any{"api.internal"}}}})
		rep := Diagnose(side, nil, time.Now())
		found := names(rep, chain.LinkCertificate, Broken, "is PROVISIONING: Google has not verified its DNS authorization records", "dnsAuthorizationRecords")
		if found != tc.broken {
			t.Errorf("managed certificate %s: certificate link broken %v, want %v (%+v)", tc.state, found, tc.broken, rep.Broken())
		}
	}
}

// names reports whether the report's link has status and a problem with cause and fix.
func names(rep *Report, link, status, cause, fix string) bool {
	for _, l := range rep.Links {
		for _, p := range l.Problems {
			if l.Name == link && l.Status == status && strings.Contains(p.Cause, cause) && strings.Contains(p.Fix, fix) {
				return true
			}
		}
	}
	return false
}
