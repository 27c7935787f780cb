package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

const (
	vpcLink     = "https://www.googleapis.com/compute/v1/projects/producer-prj/global/networks/vpc"
	consumerVPC = "https://www.googleapis.com/compute/v1/projects/consumer-prj/global/networks/consumer-vpc"
	appsSubnet  = "https://www.googleapis.com/compute/v1/projects/consumer-prj/regions/europe-west1/subnetworks/apps"
	attachment  = "projects/producer-prj/regions/europe-west1/serviceAttachments/payments-attachment"
	stackURN    = "urn:pulumi:dev::payments::pulumi:pulumi:Stack::payments-dev"
)

// server starts the provider in memory against a fake Google Cloud that records every child.
func server(t *testing.T, cloud *psctest.FakeCloud) integration.Server {
	t.Helper()
	prov, err := New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := integration.NewServer(context.Background(), Name, semver.MustParse("0.1.0"),
		integration.WithProvider(prov), integration.WithMocks(cloud))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// construct sends a Construct request the way the engine does for a component registered by an
// SDK: the component's URN under the stack, the stack's gcp configuration and the inputs.
func construct(s integration.Server, token, name string, dryRun bool, inputs map[string]property.Value,
) (p.ConstructResponse, error) {
	return s.Construct(p.ConstructRequest{
		Urn:    resource.URN("urn:pulumi:dev::payments::" + token + "::" + name),
		Parent: stackURN,
		DryRun: dryRun,
		Config: map[config.Key]string{
			config.MustMakeKey("gcp", "project"): psctest.Project,
			config.MustMakeKey("gcp", "region"):  psctest.Region,
		},
		Inputs: property.NewMap(inputs),
	})
}

func obj(m map[string]property.Value) property.Value { return property.New(property.NewMap(m)) }

func arr(vs ...property.Value) property.Value { return property.New(property.NewArray(vs)) }

func str(s string) property.Value { return property.New(s) }

var unknown = property.New(property.Computed)

// producerInputs are the inputs of the Go producer example: created subnets, HTTP, one consumer.
func producerInputs() map[string]property.Value {
	return map[string]property.Value{
		"network":            str(vpcLink),
		"cloudRun":           obj(map[string]property.Value{"image": str("us-docker.pkg.dev/cloudrun/container/hello")}),
		"hostname":           str("payment-api.internal"),
		"loadBalancerSubnet": obj(map[string]property.Value{"ipCidrRange": str("10.10.0.0/24")}),
		"proxyOnlySubnet":    obj(map[string]property.Value{"ipCidrRange": str("10.129.0.0/23")}),
		"natSubnet":          obj(map[string]property.Value{"ipCidrRange": str("10.20.0.0/24")}),
		"consumers":          arr(obj(map[string]property.Value{"projectIdOrNum": str("consumer-prj")})),
	}
}

// checkChildren asserts the custom resources registered, by type, and that each has the
// component (whose URN construct returned) as its parent.
func checkChildren(t *testing.T, cloud *psctest.FakeCloud, component resource.URN, want map[string]int) {
	t.Helper()
	got := cloud.CountByType()
	for typ, n := range want {
		if got[typ] != n {
			t.Errorf("%s: got %d, want %d", typ, got[typ], n)
		}
	}
	for typ, n := range got {
		if _, ok := want[typ]; !ok {
			t.Errorf("unexpected child type %s (%d)", typ, n)
		}
	}
	for _, r := range cloud.All() {
		if r.Type == component.Type().String() || r.Parent == string(component) {
			continue
		}
		t.Errorf("%s %s: parent %q, want the component %s", r.Type, r.Name, r.Parent, component)
	}
}

// wantString asserts a known, non-secret string output.
func wantString(t *testing.T, state property.Map, key, want string) {
	t.Helper()
	v := state.Get(key)
	if !v.IsString() || v.AsString() != want {
		t.Errorf("output %s = %v, want %q", key, v, want)
	}
}

func TestConstructProducerService(t *testing.T) {
	t.Parallel()
	cloud := psctest.New()
	resp, err := construct(server(t, cloud), psc.ProducerServiceType, "payments", false, producerInputs())
	if err != nil {
		t.Fatal(err)
	}
	checkChildren(t, cloud, resp.Urn, map[string]int{
		chain.SubnetworkType:                 3,
		chain.CloudRunServiceType:            1,
		chain.RegionNetworkEndpointGroupType: 1,
		chain.RegionBackendServiceType:       1,
		chain.RegionUrlMapType:               1,
		chain.RegionTargetHttpProxyType:      1,
		chain.ForwardingRuleType:             1,
		chain.ServiceAttachmentType:          1,
	})
	sa := cloud.One(t, chain.ServiceAttachmentType)
	if got := psctest.Str(sa, "connectionPreference"); got != "ACCEPT_MANUAL" {
		t.Errorf("connectionPreference = %q, want ACCEPT_MANUAL", got)
	}
	accept := psctest.Input(sa, "consumerAcceptLists").ArrayValue()
	if len(accept) != 1 || accept[0].ObjectValue()["projectIdOrNum"].StringValue() != "consumer-prj" ||
		accept[0].ObjectValue()["connectionLimit"].NumberValue() != 10 {
		t.Errorf("consumerAcceptLists = %v, want consumer-prj with the default limit 10", accept)
	}
	run := cloud.One(t, chain.CloudRunServiceType)
	if got := psctest.Str(run, "ingress"); got != "INGRESS_TRAFFIC_INTERNAL_ONLY" {
		t.Errorf("Cloud Run ingress = %q", got)
	}

	wantString(t, resp.State, "serviceAttachmentUri", attachment)
	wantString(t, resp.State, "hostname", "payment-api.internal")
	wantString(t, resp.State, "protocol", "HTTP")
	wantString(t, resp.State, "region", psctest.Region)
	wantString(t, resp.State, "project", psctest.Project)
	if port := resp.State.Get("port"); !port.IsNumber() || port.AsNumber() != 80 {
		t.Errorf("port = %v, want 80", port)
	}
	if n := resp.State.Get("natCapacity"); !n.IsNumber() || n.AsNumber() <= 0 {
		t.Errorf("natCapacity = %v, want the /24's usable addresses", n)
	}
}

// At preview the engine sends unknown values for inputs that come from resources not created
// yet; the component must neither fail nor invent values for them.
func TestConstructProducerServicePreviewWithUnknowns(t *testing.T) {
	t.Parallel()
	cloud := psctest.New()
	in := producerInputs()
	in["network"] = unknown
	in["cloudRun"] = obj(map[string]property.Value{"image": unknown})
	in["natSubnet"] = obj(map[string]property.Value{"selfLink": unknown})
	resp, err := construct(server(t, cloud), psc.ProducerServiceType, "payments", true, in)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cloud.Custom(chain.SubnetworkType)); n != 2 {
		t.Errorf("subnets created: %d, want 2 (the NAT subnet is an existing one)", n)
	}
	if rule := cloud.One(t, chain.ForwardingRuleType); !rule.Inputs["network"].ContainsUnknowns() {
		t.Errorf("forwarding rule network = %v, want the unknown VPC", rule.Inputs["network"])
	}
	if n := resp.State.Get("natSubnet"); !n.IsComputed() {
		t.Errorf("natSubnet = %v, want unknown at preview", n)
	}
	wantString(t, resp.State, "protocol", "HTTP")
}

func TestConstructProducerServiceKeepsTheTLSKeySecret(t *testing.T) {
	t.Parallel()
	certPEM, keyPEM := psctest.SelfSignedCert(t, "payment-api.internal")
	for name, key := range map[string]property.Value{
		"sent as a secret":       str(keyPEM).WithSecret(true),
		"sent as a plain string": str(keyPEM),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cloud := psctest.New()
			in := producerInputs()
			in["tls"] = obj(map[string]property.Value{"certificatePem": str(certPEM), "privateKeyPem": key})
			resp, err := construct(server(t, cloud), psc.ProducerServiceType, "payments", false, in)
			if err != nil {
				t.Fatal(err)
			}
			cert := cloud.One(t, chain.RegionSslCertificateType)
			if v := cert.Inputs["privateKey"]; !v.ContainsSecrets() {
				t.Errorf("the certificate's privateKey is not secret: %v", v)
			}
			if got := psctest.Str(cert, "privateKey"); got != keyPEM {
				t.Errorf("the certificate does not carry the given key")
			}
			for k, v := range resp.State.All {
				if !v.HasSecrets() && strings.Contains(v.GoString(), "PRIVATE KEY") {
					t.Errorf("output %s holds the private key in plain text", k)
				}
			}
			wantString(t, resp.State, "protocol", "HTTPS")
			wantString(t, resp.State, "certificatePem", certPEM)
		})
	}
}

// producerStack is not constructed here: a StackReference is read with ReadResource, which the
// in-memory monitor of pulumi-go-provider v1.5.0's integration package does not implement. The
// pkg/psc mock tests and the end-to-end tests cover it.
func TestConstructConsumerEndpoint(t *testing.T) {
	t.Parallel()
	base := func() map[string]property.Value {
		return map[string]property.Value{
			"project":           str("consumer-prj"),
			"network":           str(consumerVPC),
			"subnetwork":        str(appsSubnet),
			"noAutomateDnsZone": property.New(true),
		}
	}
	byURI := base()
	byURI["serviceAttachment"] = str(attachment)
	withFirewall := base()
	withFirewall["serviceAttachment"] = str(attachment)
	withFirewall["firewall"] = obj(map[string]property.Value{"clientRanges": arr(str("192.168.10.0/24"))})

	for name, tc := range map[string]struct {
		inputs   map[string]property.Value
		children map[string]int
	}{
		"serviceAttachment": {byURI, map[string]int{
			chain.AddressType:        1,
			chain.ForwardingRuleType: 1,
		}},
		"firewall": {withFirewall, map[string]int{
			chain.AddressType:        1,
			chain.ForwardingRuleType: 1,
			chain.FirewallType:       1,
		}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cloud := psctest.New()
			// The component looks the subnetwork up (getSubnetwork), so the fake cloud holds it.
			cloud.Subnets = []psctest.Subnet{{Project: "consumer-prj", Region: psctest.Region, Name: "apps", Network: consumerVPC, IpCidrRange: "192.168.10.0/24"}}
			resp, err := construct(server(t, cloud), psc.ConsumerEndpointType, "payments", false, tc.inputs)
			if err != nil {
				t.Fatal(err)
			}
			checkChildren(t, cloud, resp.Urn, tc.children)
			rule := cloud.One(t, chain.ForwardingRuleType)
			if got := psctest.Str(rule, "target"); got != attachment {
				t.Errorf("endpoint target = %q, want %q", got, attachment)
			}
			wantString(t, resp.State, "ipAddress", "192.168.10.7")
			wantString(t, resp.State, "pscConnectionStatus", "ACCEPTED")
			wantString(t, resp.State, "consumerProject", "consumer-prj")
			wantString(t, resp.State, "serviceAttachmentUri", attachment)
			wantString(t, resp.State, "region", psctest.Region)
		})
	}
}

func TestConstructConsumerEndpointPreviewWithUnknownAttachment(t *testing.T) {
	t.Parallel()
	cloud := psctest.New()
	resp, err := construct(server(t, cloud), psc.ConsumerEndpointType, "payments", true, map[string]property.Value{
		"network":           unknown,
		"subnetwork":        unknown,
		"serviceAttachment": unknown,
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cloud.Custom(chain.ForwardingRuleType)); n != 1 {
		t.Errorf("forwarding rules: %d, want 1", n)
	}
	for _, k := range []string{"serviceAttachmentUri", "region"} {
		if v := resp.State.Get(k); !v.IsComputed() {
			t.Errorf("%s = %v, want unknown at preview", k, v)
		}
	}
}

func TestConstructDnsBinding(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		dryRun bool
		ip     property.Value
		vpc    property.Value
	}{
		"known":               {false, str("192.168.10.7"), str(consumerVPC)},
		"unknown at preview":  {true, unknown, unknown},
		"secret ip and a VPC": {false, str("192.168.10.7").WithSecret(true), str(consumerVPC)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cloud := psctest.New()
			resp, err := construct(server(t, cloud), psc.DnsBindingType, "payments-dns", tc.dryRun, map[string]property.Value{
				"hostname":  str("payment-api.internal"),
				"ipAddress": tc.ip,
				"networks":  arr(tc.vpc),
				"protocol":  str("HTTP"),
			})
			if err != nil {
				t.Fatal(err)
			}
			checkChildren(t, cloud, resp.Urn, map[string]int{
				chain.ManagedZoneType: 1,
				chain.RecordSetType:   1,
			})
			zone := cloud.One(t, chain.ManagedZoneType)
			if got := psctest.Str(zone, "dnsName"); got != "payment-api.internal." {
				t.Errorf("zone dnsName = %q, want payment-api.internal. (a zone per hostname)", got)
			}
			record := cloud.One(t, chain.RecordSetType)
			if tc.ip.Secret() && !record.Inputs["rrdatas"].ContainsSecrets() {
				t.Errorf("a secret IP reached the record in plain text: %v", record.Inputs["rrdatas"])
			}
			wantString(t, resp.State, "url", "http://payment-api.internal")
			wantString(t, resp.State, "fqdn", "payment-api.internal.")
		})
	}
}

// Invalid inputs come back as one error that names every offending input by its path.
func TestConstructRejectsInvalidInputs(t *testing.T) {
	t.Parallel()
	badProducer := producerInputs()
	badProducer["consumers"] = arr(
		obj(map[string]property.Value{"projectIdOrNum": str("consumer-prj")}),
		obj(map[string]property.Value{"projectIdOrNum": str("other-prj"), "connectionLimit": property.New(-1.0)}),
	)
	badProducer["natSubnet"] = obj(map[string]property.Value{"ipCidrRange": str("10.20.0.1/24")})

	for name, tc := range map[string]struct {
		token  string
		inputs map[string]property.Value
		want   []string
	}{
		"producer": {psc.ProducerServiceType, badProducer, []string{
			"consumers[1].connectionLimit", "natSubnet.ipCidrRange",
		}},
		"consumer without an attachment": {psc.ConsumerEndpointType, map[string]property.Value{
			"network": str(consumerVPC), "subnetwork": str(appsSubnet),
		}, []string{"serviceAttachment"}},
		"consumer with a malformed attachment": {psc.ConsumerEndpointType, map[string]property.Value{
			"network": str(consumerVPC), "subnetwork": str(appsSubnet),
			"serviceAttachment": str("payments-attachment"), "ipAddress": str("10.0.0.300"),
		}, []string{"serviceAttachment", "ipAddress"}},
		"dns": {psc.DnsBindingType, map[string]property.Value{
			"hostname": str("payment-api.internal"), "ipAddress": str("192.168.10.7"),
			"ttl": property.New(100000.0),
		}, []string{"ttl", "networks"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cloud := psctest.New()
			_, err := construct(server(t, cloud), tc.token, "payments", false, tc.inputs)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, path := range tc.want {
				if !strings.Contains(err.Error(), path+":") {
					t.Errorf("error does not name %s:\n%v", path, err)
				}
			}
			if n := len(cloud.Custom("")); n != 0 {
				t.Errorf("%d children were registered despite invalid inputs", n)
			}
		})
	}
}
