package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// seedChain deploys, through the provider as an engine would, an HTTP producer in project p
// (Cloud Run service hello, invoker caller@p, audience http://payment-api.internal) and a
// consumer VPC cvpc in the same project with an accepted endpoint named payment-api.internal.
func seedChain(t *testing.T) string {
	t.Helper()
	return deploy(t, []resourceIn{
		{"gcp:compute/network:Network", "vpc", map[string]any{"name": "vpc", "autoCreateSubnetworks": false}},
		{"gcp:compute/subnetwork:Subnetwork", "lb", map[string]any{"name": "lb", "network": "vpc", "ipCidrRange": "10.0.0.0/24"}},
		{"gcp:compute/subnetwork:Subnetwork", "proxy", map[string]any{"name": "proxy", "network": "vpc", "ipCidrRange": "10.0.1.0/26", "purpose": "REGIONAL_MANAGED_PROXY", "role": "ACTIVE"}},
		{"gcp:compute/subnetwork:Subnetwork", "nat", map[string]any{"name": "nat", "network": "vpc", "ipCidrRange": "10.0.2.0/29", "purpose": "PRIVATE_SERVICE_CONNECT"}},
		{"gcp:cloudrunv2/service:Service", "run", map[string]any{"name": "hello", "location": "europe-west1", "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY", "deletionProtection": false,
			"customAudiences": []any{"http://payment-api.internal"}, "template": map[string]any{"containers": []any{map[string]any{"image": "us-docker.pkg.dev/cloudrun/container/hello"}}}}},
		{"gcp:cloudrunv2/serviceIamMember:ServiceIamMember", "invoker", map[string]any{"name": "hello", "location": "europe-west1", "role": "roles/run.invoker", "member": "serviceAccount:caller@p.iam.gserviceaccount.com"}},
		{"gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup", "neg", map[string]any{"name": "neg", "region": "europe-west1", "networkEndpointType": "SERVERLESS", "cloudRun": map[string]any{"service": "hello"}}},
		{"gcp:compute/regionBackendService:RegionBackendService", "bs", map[string]any{"name": "bs", "loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP",
			"backends": []any{map[string]any{"group": "regions/europe-west1/networkEndpointGroups/neg"}}}},
		{"gcp:compute/regionUrlMap:RegionUrlMap", "um", map[string]any{"name": "um", "defaultService": "bs"}},
		{"gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy", "px", map[string]any{"name": "px", "urlMap": "um"}},
		{"gcp:compute/forwardingRule:ForwardingRule", "fr", map[string]any{"name": "fr", "loadBalancingScheme": "INTERNAL_MANAGED", "ipProtocol": "TCP", "portRange": "80",
			"network": "vpc", "subnetwork": "lb", "target": "regions/europe-west1/targetHttpProxies/px"}},
		{"gcp:compute/serviceAttachment:ServiceAttachment", "att", map[string]any{"name": "att", "targetService": "fr", "natSubnets": []any{"nat"}, "enableProxyProtocol": false,
			"connectionPreference": "ACCEPT_MANUAL", "consumerAcceptLists": []any{map[string]any{"projectIdOrNum": "p", "connectionLimit": 10.0}}}},
		{"gcp:compute/network:Network", "cvpc", map[string]any{"name": "cvpc", "autoCreateSubnetworks": false}},
		{"gcp:compute/subnetwork:Subnetwork", "csub", map[string]any{"name": "csub", "network": "cvpc", "ipCidrRange": "192.168.1.0/24"}},
		{"gcp:compute/address:Address", "ep-ip", map[string]any{"name": "ep-ip", "addressType": "INTERNAL", "subnetwork": "csub", "address": "192.168.1.50"}},
		{"gcp:compute/forwardingRule:ForwardingRule", "ep", map[string]any{"name": "ep", "loadBalancingScheme": "", "target": "regions/europe-west1/serviceAttachments/att",
			"network": "cvpc", "ipAddress": "regions/europe-west1/addresses/ep-ip"}},
		{"gcp:dns/managedZone:ManagedZone", "zone", map[string]any{"name": "zone", "dnsName": "payment-api.internal.", "visibility": "private",
			"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": "cvpc"}}}}},
		{"gcp:dns/recordSet:RecordSet", "record", map[string]any{"managedZone": "zone", "name": "payment-api.internal.", "type": "A", "rrdatas": []any{"192.168.1.50"}}},
	})
}

// The tutorial's proof from the command line: the caller gets 200, another identity 403 with
// the link and the rule, and the old form still follows the URL map from an endpoint.
func TestRequestCommand(t *testing.T) {
	t.Parallel()
	dir := seedChain(t)
	client := []string{"-state", dir, "request", "--project", "p", "--network", "cvpc", "--region", "europe-west1"}
	tests := []struct {
		args []string
		want []string
	}{
		{append(client, "--impersonate-service-account", "caller@p.iam.gserviceaccount.com", "http://payment-api.internal/"),
			[]string{"client           projects/p/regions/europe-west1/subnetworks/csub", "dns-record       projects/p/managedZones/zone/rrsets/payment-api.internal./A",
				"the producer sees the call from 10.0.2.2", "200 from projects/p/locations/europe-west1/services/hello"}},
		{append(client, "http://payment-api.internal/pay", "--identity", "serviceAccount:other@p.iam.gserviceaccount.com"),
			[]string{"403 at cloud-run (RUN-IAM-INVOKER): serviceAccount:other@p.iam.gserviceaccount.com holds no invoker role"}},
		{append(client, "--identity", "user:a@example.com", "--no-token", "http://192.168.1.50/"),
			[]string{"403 at cloud-run (RUN-IAM-NO-TOKEN)"}},
		{append(client, "-k", "https://payment-api.internal/"), []string{"timeout at lb-rule (FR-PORT-LISTENER)"}},
		{append(client, "--impersonate-service-account", "caller@p.iam.gserviceaccount.com", "http://payment-api.example/"),
			[]string{"nxdomain at dns-record (DNS-RESOLVE): no private zone bound to projects/p/global/networks/cvpc answers for payment-api.example."}},
		{[]string{"-state", dir, "request", "projects/p/regions/europe-west1/forwardingRules/ep", "payment-api.internal", "/"},
			[]string{"served by projects/p/locations/europe-west1/services/hello (backend projects/p/regions/europe-west1/backendServices/bs)"}},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if err := run(tt.args, &out); err != nil {
			t.Errorf("run(%v): %v", tt.args, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("run(%v):\n%s\nwant it to contain %q", tt.args[2:], out.String(), w)
			}
		}
	}
	var out bytes.Buffer
	if err := run(append([]string{"-state", dir, "-json"}, append(client[2:], "--impersonate-service-account", "caller@p.iam.gserviceaccount.com", "http://payment-api.internal/")...), &out); err != nil {
		t.Fatal(err)
	}
	var r gcpsim.CallResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil || !r.OK() || len(r.Hops) != 13 || r.NATSource != "10.0.2.2" {
		t.Errorf("-json request: %+v, %v", r, err)
	}
}

// Each bad flag value is refused with a message naming the flag, every one at once, before the
// state is read.
func TestRequestFlagErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pemFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(pemFile, []byte("not a certificate"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"-state", dir, "request", "--project", "p", "--region", "europe-west1"}
	tests := []struct {
		args []string
		want []string
	}{
		{append(base, "ftp://payment-api.internal/"), []string{"URL: \"ftp://payment-api.internal/\" is not an HTTP(S) URL"}},
		{append(base, "--identity", "caller@p.iam.gserviceaccount.com", "https://a.internal/"), []string{"--identity: \"caller@p.iam.gserviceaccount.com\" is not a principal"}},
		{append(base, "--impersonate-service-account", "bob@example.com", "https://a.internal/"), []string{"--impersonate-service-account: \"bob@example.com\" is not a service account email"}},
		{append(base, "--impersonate-service-account", "serviceAccount:x@p.iam.gserviceaccount.com", "https://a.internal/"), []string{"--impersonate-service-account: \"serviceAccount:x@p.iam.gserviceaccount.com\": give the service account's email"}},
		{append(base, "--identity", "user:a@b.c", "--impersonate-service-account", "x@p.iam.gserviceaccount.com", "https://a.internal/"), []string{"--identity and --impersonate-service-account both name the caller"}},
		{[]string{"-state", dir, "request", "--project", "p", "--region", "mars-1", "--source-ip", "1.2.3", "--tags", "ok,Bad", "--audience", "x", "https://a.internal/"},
			[]string{"--region: \"mars-1\" is not a Google Cloud region", "--source-ip: \"1.2.3\" is not an IPv4 address", "--tags: \"Bad\" is not a network tag", "--audience: an audience needs an identity"}},
		{[]string{"-state", dir, "request", "https://a.internal/"}, []string{"--project: the client's project is required", "--region: the client's region is required"}},
		{append(base, "--cacert", pemFile, "https://a.internal/"), []string{"--cacert: holds no PEM certificate"}},
		{append(base, "--cacert", empty, "https://a.internal/"), []string{"--cacert: " + empty + " is empty"}},
		{append(base, "--cacert", filepath.Join(dir, "missing.pem"), "https://a.internal/"), []string{"--cacert: open "}},
		{append(base, "--cert", pemFile, "--key", pemFile, "https://a.internal/"), []string{"--cert: holds no PEM certificate"}},
		{append(base, "--key", pemFile, "https://a.internal/"), []string{"--cert: a client key needs its certificate"}},
		{append(base, "-E", filepath.Join(dir, "missing.pem"), "https://a.internal/"), []string{"--cert: open "}},
		{append(base, "--frobnicate", "https://a.internal/"), []string{"flag provided but not defined: -frobnicate", "usage: gcpsim"}},
		{append(base, "https://a.internal/", "https://b.internal/"), []string{"usage: gcpsim"}},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := run(tt.args, &out)
		if err == nil {
			t.Errorf("run(%v) succeeded:\n%s", tt.args[2:], out.String())
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("run(%v) = %v\nwant it to contain %q", tt.args[2:], err, w)
			}
		}
	}
}
