package differential

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// The baseline chain, as the simulator's own call tests build it (sim/gcpsim/call_test.go,
// callWorld): an HTTPS and an HTTP load balancer in the producer's project, its Cloud Run service
// granting the caller the invoker role, an attachment, and a consumer VPC with subnets in two
// regions, an accepted endpoint and the private zone payment-api.internal. pointing at it.
const (
	producerProject = "prod-p"
	consumerProject = "cons-p"
	region          = "europe-west1"
	otherRegion     = "us-central1"
	host            = "payment-api.internal"
	callerSA        = "caller@cons-p.iam.gserviceaccount.com"
)

// baseline is the built chain: the simulator holding it, its state, the IDs by role, the
// certificates and CAs, and the instant the calls are made at.
type baseline struct {
	sim   *gcpsim.Simulator
	state []byte // the state as built, JSON: each configuration starts from a copy
	ids   map[string]string
	ca    string  // the PEM of the CA that issued the producer's certificates
	other string  // the PEM of a CA that issued nothing the producer serves
	mtls  mtlsPKI // the client certificates of mutual TLS (mtls_test.go)
	now   time.Time
}

// provider is one simulator instance configured for a project, over a shared state directory.
type provider struct {
	t   *testing.T
	sim *gcpsim.Simulator
}

func newProvider(t *testing.T, dir, project string) *provider {
	t.Helper()
	sim, err := gcpsim.New(gcpsim.Options{StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	cfg := property.NewMap(map[string]property.Value{"project": property.New(project), "region": property.New(region)})
	if err := sim.Configure(context.Background(), p.ConfigureRequest{Args: cfg}); err != nil {
		t.Fatal(err)
	}
	return &provider{t: t, sim: sim}
}

func urn(token, name string) resource.URN {
	return resource.NewURN("dev", "differential", "", tokens.Type(token), name)
}

// create runs Check and Create as the engine does and returns the ID and outputs.
func (pr *provider) create(token, name string, in map[string]any) (string, map[string]any) {
	pr.t.Helper()
	ctx := context.Background()
	checked, err := pr.sim.Check(ctx, p.CheckRequest{Urn: urn(token, name), Inputs: resource.FromResourcePropertyMap(resource.NewPropertyMapFromMap(in))})
	if err != nil || len(checked.Failures) > 0 {
		pr.t.Fatalf("Check %s %s: %v %v", token, name, err, checked.Failures)
	}
	resp, err := pr.sim.Create(ctx, p.CreateRequest{Urn: urn(token, name), Properties: checked.Inputs})
	if err != nil {
		pr.t.Fatalf("Create %s %s: %v", token, name, err)
	}
	return resp.ID, resource.ToResourcePropertyMap(resp.Properties).Mappable()
}

func selfLink(id string) string { return "https://www.googleapis.com/compute/v1/" + id }

// testCA is a CA key and certificate that issue server certificates.
type testCA struct {
	key  *ecdsa.PrivateKey
	cert *x509.Certificate
	pem  string
}

func newCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{key: key, cert: cert, pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}

// issue signs a server certificate for names, valid until expiry; PEMs of the certificate and key.
func (ca *testCA) issue(t *testing.T, expiry time.Time, names ...string) (string, string) {
	t.Helper()
	return ca.issueFor(t, expiry, x509.ExtKeyUsageServerAuth, names...)
}

// issueFor signs a certificate for names with the extended key usage, valid until expiry.
func (ca *testCA) issueFor(t *testing.T, expiry time.Time, usage x509.ExtKeyUsage, names ...string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: expiry, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}))
}

// certExpiry is when the producer's certificates expire; the calls are made before, or after
// for an expired certificate.
var certExpiry = time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)

func buildBaseline(t *testing.T) *baseline {
	t.Helper()
	dir := t.TempDir()
	prod := newProvider(t, dir, producerProject)
	ca, other := newCA(t, "test CA"), newCA(t, "another CA")
	b := &baseline{sim: prod.sim, ids: map[string]string{}, ca: ca.pem, other: other.pem, mtls: newMTLSPKI(t, other),
		now: time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)}
	ids := b.ids
	ids["network"], _ = prod.create(chain.NetworkType, "vpc", map[string]any{"name": "vpc", "autoCreateSubnetworks": false})
	ids["lb"], _ = prod.create(chain.SubnetworkType, "lb", map[string]any{"name": "lb", "network": ids["network"], "ipCidrRange": "10.0.0.0/24"})
	ids["proxy-only"], _ = prod.create(chain.SubnetworkType, "proxy", map[string]any{"name": "proxy-only", "network": ids["network"], "ipCidrRange": "10.0.1.0/26",
		"purpose": "REGIONAL_MANAGED_PROXY", "role": "ACTIVE"})
	ids["nat"], _ = prod.create(chain.SubnetworkType, "nat", map[string]any{"name": "nat", "network": "vpc", "ipCidrRange": "10.0.2.0/29", "purpose": "PRIVATE_SERVICE_CONNECT"})
	ids["run"], _ = prod.create(chain.CloudRunServiceType, "run", map[string]any{"name": "hello", "location": region, "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY",
		"deletionProtection": false, "customAudiences": []any{"https://" + host},
		"template": map[string]any{"containers": []any{map[string]any{"image": "us-docker.pkg.dev/cloudrun/container/hello"}}}})
	ids["neg"], _ = prod.create(chain.RegionNetworkEndpointGroupType, "neg", map[string]any{"name": "neg", "region": region, "networkEndpointType": "SERVERLESS",
		"cloudRun": map[string]any{"service": "hello"}})
	ids["backend"], _ = prod.create(chain.RegionBackendServiceType, "bs", map[string]any{"name": "bs", "loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP",
		"backends": []any{map[string]any{"group": selfLink(ids["neg"])}}})
	ids["urlmap"], _ = prod.create(chain.RegionUrlMapType, "um", map[string]any{"name": "um", "defaultService": ids["backend"]})
	ids["proxy"], _ = prod.create(chain.RegionTargetHttpProxyType, "px", map[string]any{"name": "px", "urlMap": ids["urlmap"]})
	for _, c := range []struct {
		role   string
		issuer *testCA
		names  []string
	}{
		{"cert", ca, []string{host}},
		{"cert-other-host", ca, []string{"other.internal"}},
		{"cert-wildcard", ca, []string{"*.internal"}},
		{"cert-other-ca", other, []string{host}},
	} {
		pemCert, key := c.issuer.issue(t, certExpiry, c.names...)
		ids[c.role], _ = prod.create(chain.RegionSslCertificateType, c.role, map[string]any{"name": c.role, "certificate": pemCert, "privateKey": key})
	}
	ids["proxys"], _ = prod.create(chain.RegionTargetHttpsProxyType, "pxs", map[string]any{"name": "pxs", "urlMap": ids["urlmap"],
		"sslCertificates": []any{selfLink(ids["cert"])}})
	ids["rules"], _ = prod.create(chain.ForwardingRuleType, "frs", map[string]any{"name": "frs", "loadBalancingScheme": "INTERNAL_MANAGED", "portRange": "443",
		"network": ids["network"], "subnetwork": ids["lb"], "target": selfLink(ids["proxys"])})
	ids["rule"], _ = prod.create(chain.ForwardingRuleType, "fr", map[string]any{"name": "fr", "loadBalancingScheme": "INTERNAL_MANAGED", "portRange": "80",
		"network": ids["network"], "subnetwork": ids["lb"], "target": selfLink(ids["proxy"])})
	ids["att"], _ = prod.create(chain.ServiceAttachmentType, "att", map[string]any{"name": "att", "targetService": ids["rules"], "natSubnets": []any{ids["nat"]},
		"enableProxyProtocol": false, "connectionPreference": "ACCEPT_MANUAL",
		"consumerAcceptLists": []any{map[string]any{"projectIdOrNum": consumerProject, "connectionLimit": 10.0}}})
	ids["invoker"], _ = prod.create(chain.CloudRunServiceIamMemberType, "invoker", map[string]any{"name": ids["run"], "location": region,
		"role": "roles/run.invoker", "member": "serviceAccount:" + callerSA})

	cons := newProvider(t, dir, consumerProject)
	ids["cvpc"], _ = cons.create(chain.NetworkType, "cvpc", map[string]any{"name": "cvpc", "autoCreateSubnetworks": false})
	ids["csub"], _ = cons.create(chain.SubnetworkType, "cvpc-sub", map[string]any{"name": "cvpc-sub", "network": ids["cvpc"], "ipCidrRange": "10.0.0.0/24"})
	ids["csub-us"], _ = cons.create(chain.SubnetworkType, "cvpc-us", map[string]any{"name": "cvpc-us", "network": ids["cvpc"], "region": otherRegion, "ipCidrRange": "10.1.0.0/24"})
	ids["ep-addr"], _ = cons.create(chain.AddressType, "ep-ip", map[string]any{"name": "ep-ip", "addressType": "INTERNAL", "subnetwork": ids["csub"]})
	var ep map[string]any
	ids["ep"], ep = cons.create(chain.ForwardingRuleType, "ep", map[string]any{"name": "ep", "loadBalancingScheme": "", "target": selfLink(ids["att"]),
		"network": ids["cvpc"], "ipAddress": selfLink(ids["ep-addr"]), "recreateClosedPsc": true})
	ids["ep-ip"], _ = ep["ipAddress"].(string)
	ids["zone"], _ = cons.create(chain.ManagedZoneType, "zone", map[string]any{"name": "zone", "dnsName": host + ".", "visibility": "private",
		"privateVisibilityConfig": map[string]any{"networks": []any{map[string]any{"networkUrl": ids["cvpc"]}}}})
	ids["record"], _ = cons.create(chain.RecordSetType, "record", map[string]any{"managedZone": "zone", "name": host + ".", "type": "A", "rrdatas": []any{ids["ep-ip"]}})

	st, err := prod.sim.Store().Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if b.state, err = json.Marshal(st); err != nil {
		t.Fatal(err)
	}
	return b
}
