package doctor

import (
	"strings"
	"testing"
	"time"

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
		{URN: "urn:comp", Type: tProducer, Outputs: map[string]any{"hostname": "api.internal", "port": 443.0, "certificatePem": certPEM}},
		res(tAttachment, sa, map[string]any{"targetService": "projects/p/regions/r/forwardingRules/lb", "connectionPreference": "ACCEPT_MANUAL",
			"natSubnets":          []any{"projects/p/regions/r/subnetworks/nat"},
			"consumerAcceptLists": []any{map[string]any{"projectIdOrNum": "c", "connectionLimit": 10.0}},
			"connectedEndpoints":  []any{map[string]any{"endpoint": "projects/c/regions/r/forwardingRules/ep", "status": "PENDING"}}}),
		res(tSubnetwork, "projects/p/regions/r/subnetworks/nat", map[string]any{"ipCidrRange": "10.0.0.0/29", "purpose": "PRIVATE_SERVICE_CONNECT"}),
		res(tForwardingRule, "projects/p/regions/r/forwardingRules/lb", map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED",
			"target": "projects/p/regions/r/targetHttpsProxies/px", "network": "projects/p/global/networks/n", "region": "r"}),
		res(tHTTPSProxy, "projects/p/regions/r/targetHttpsProxies/px", map[string]any{"urlMap": "projects/p/regions/r/urlMaps/um",
			"sslCertificates": []any{"projects/p/regions/r/sslCertificates/cert"}}),
		res(tCertificate, "projects/p/regions/r/sslCertificates/cert", map[string]any{"expireTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}),
		res(tURLMap, "projects/p/regions/r/urlMaps/um", map[string]any{"defaultService": "projects/p/regions/r/backendServices/bs"}),
		res(tBackend, "projects/p/regions/r/backendServices/bs", map[string]any{"backends": []any{map[string]any{"group": "projects/p/regions/r/networkEndpointGroups/neg"}}}),
		res(tNEG, "projects/p/regions/r/networkEndpointGroups/neg", map[string]any{"networkEndpointType": "SERVERLESS", "cloudRun": map[string]any{"service": "run"}}),
		res(tCloudRun, "projects/p/locations/r/services/run", map[string]any{"name": "run", "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY",
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
		broken = append(broken, l.Name+": "+l.Cause)
	}
	if len(broken) != 1 || !strings.Contains(broken[0], "accept-list: consumer(s) c are PENDING") {
		t.Errorf("broken links %q, want only the accept list naming consumer c", broken)
	}
	for _, l := range rep.Links {
		if l.Name == LinkNAT && l.Detail != "0 of 4 NAT addresses used, 4 free" {
			t.Errorf("nat: %q", l.Detail)
		}
	}

	rep = Diagnose(producerSide(t, "other.internal"), nil, time.Now())
	found := false
	for _, l := range rep.Broken() {
		found = found || l.Name == LinkCertificate && strings.Contains(l.Cause, "the certificate is for other.internal, not for api.internal") &&
			strings.Contains(l.Fix, "SAN covers api.internal")
	}
	if !found || rep.Healthy {
		t.Errorf("a certificate for another name: broken %+v", rep.Broken())
	}
}

// Invoker IAM on and no grant in the stack: a warning (the role may be granted on the project),
// not a broken path.
func TestNoInvokerInTheStackWarns(t *testing.T) {
	side := producerSide(t, "api.internal")
	side.Resources[0].Outputs["port"] = 443.0
	for _, r := range side.Resources {
		if r.Type == tCloudRun {
			r.Outputs["invokerIamDisabled"] = false
		}
		if r.Type == tAttachment {
			r.Outputs["connectedEndpoints"] = []any{}
		}
	}
	rep := Diagnose(side, nil, time.Now())
	var warned bool
	for _, l := range rep.Links {
		warned = warned || l.Name == LinkCloudRun && l.Status == Warning && strings.Contains(l.Cause, "grants roles/run.invoker on run to no one")
	}
	if !warned || !rep.Healthy {
		t.Errorf("healthy %v, links %+v: want healthy with a cloud-run warning", rep.Healthy, rep.Links)
	}
}

func TestUsableNATAddresses(t *testing.T) {
	for cidr, want := range map[string]int{"10.0.0.0/24": 252, "10.0.0.0/29": 4, "10.0.0.0/30": 0, "bad": 0} {
		if got := usable(cidr); got != want {
			t.Errorf("usable(%s) = %d, want %d", cidr, got, want)
		}
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
			if r.Type == tHTTPSProxy {
				r.Outputs["sslCertificates"] = []any{}
				r.Outputs["certificateManagerCertificates"] = []any{cm}
			}
		}
		side.Resources = append(side.Resources, &Resource{URN: "urn:mcert", Type: tCMCertificate, ID: cm, Custom: true,
			Outputs: map[string]any{"name": "mcert", "managed": map[string]any{"state": tc.state, "domains": []any{"api.internal"}}}})
		rep := Diagnose(side, nil, time.Now())
		found := false
		for _, l := range rep.Broken() {
			found = found || l.Name == LinkCertificate && strings.Contains(l.Cause, "is PROVISIONING: Google has not verified its DNS authorization records") &&
				strings.Contains(l.Fix, "dnsAuthorizationRecords")
		}
		if found != tc.broken {
			t.Errorf("managed certificate %s: certificate link broken %v, want %v (%+v)", tc.state, found, tc.broken, rep.Broken())
		}
	}
}
