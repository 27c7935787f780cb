package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/urn"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// The inputs programs really send: values from other resources arrive as outputs with
// dependencies, unknown at preview, or secret. These tests send them the way the engine does for
// a component registered from an SDK, and assert what reaches each child, found by type and name.

const (
	imageRef = "europe-docker.pkg.dev/acme/payments/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	caller   = "serviceAccount:caller@producer-prj.iam.gserviceaccount.com"
)

// dependsOn marks v as an output of the resources urns, as the engine sends a value read from
// another resource's output.
func dependsOn(v property.Value, names ...string) property.Value {
	var urns []urn.URN
	for _, n := range names {
		urns = append(urns, urn.URN("urn:pulumi:dev::payments::"+n))
	}
	return v.WithDependencies(urns)
}

// child returns the child of a type with a logical name, failing the test when there is none.
func child(t *testing.T, cloud *psctest.FakeCloud, typ, name string) psctest.Registered {
	t.Helper()
	for _, r := range cloud.Custom(typ) {
		if r.Name == name {
			return r
		}
	}
	var names []string
	for _, r := range cloud.Custom(typ) {
		names = append(names, r.Name)
	}
	t.Fatalf("no %s named %q (got %v)", typ, name, names)
	return psctest.Registered{}
}

func stringsOf(v resource.PropertyValue) []string {
	var out []string
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	for _, e := range v.ArrayValue() {
		for e.IsSecret() {
			e = e.SecretValue().Element
		}
		if e.IsOutput() {
			e = e.OutputValue().Element
		}
		out = append(out, e.StringValue())
	}
	return out
}

func TestConstructProducerServiceNestedInputsWithDependencies(t *testing.T) {
	t.Parallel()
	cloud := psctest.New()
	in := producerInputs()
	in["cloudRun"] = obj(map[string]property.Value{
		"image":           dependsOn(str(imageRef), "docker:index/image:Image::api"),
		"invokers":        arr(dependsOn(str(caller), "gcp:serviceaccount/account:Account::caller")),
		"serviceAccount":  dependsOn(str("run@producer-prj.iam.gserviceaccount.com"), "gcp:serviceaccount/account:Account::run"),
		"customAudiences": arr(dependsOn(str("https://payments.example.com"), "random:index/randomPet:RandomPet::aud")),
	})
	in["consumers"] = arr(obj(map[string]property.Value{
		"projectIdOrNum": dependsOn(str("consumer-prj"), "gcp:organizations/project:Project::consumer"),
	}))
	in["rejectedConsumers"] = arr(dependsOn(str("banned-prj"), "gcp:organizations/project:Project::banned"))
	resp, err := construct(server(t, cloud), psc.ProducerServiceType, "payments", false, in)
	if err != nil {
		t.Fatal(err)
	}
	run := child(t, cloud, chain.CloudRunServiceType, "payments-run")
	containers := psctest.Input(run, "template").ObjectValue()["containers"].ArrayValue()
	if got := containers[0].ObjectValue()["image"].StringValue(); got != imageRef {
		t.Errorf("Cloud Run image = %q, want %q", got, imageRef)
	}
	if got := psctest.Input(run, "template").ObjectValue()["serviceAccount"].StringValue(); got != "run@producer-prj.iam.gserviceaccount.com" {
		t.Errorf("Cloud Run serviceAccount = %q", got)
	}
	if got := stringsOf(psctest.Input(run, "customAudiences")); len(got) != 2 || got[1] != "https://payments.example.com" {
		t.Errorf("customAudiences = %v, want the private URL and https://payments.example.com", got)
	}
	invokers := child(t, cloud, chain.CloudRunServiceIamBindingType, "payments-invokers")
	if got := stringsOf(psctest.Input(invokers, "members")); len(got) != 1 || got[0] != caller {
		t.Errorf("invoker binding members = %v, want [%s]", got, caller)
	}
	if got := psctest.Str(invokers, "role"); got != "roles/run.invoker" {
		t.Errorf("invoker binding role = %q", got)
	}
	sa := child(t, cloud, chain.ServiceAttachmentType, "payments-attachment")
	accept := psctest.Input(sa, "consumerAcceptLists").ArrayValue()
	if len(accept) != 1 || accept[0].ObjectValue()["projectIdOrNum"].StringValue() != "consumer-prj" {
		t.Errorf("consumerAcceptLists = %v, want consumer-prj", accept)
	}
	if got := stringsOf(psctest.Input(sa, "consumerRejectLists")); len(got) != 1 || got[0] != "banned-prj" {
		t.Errorf("consumerRejectLists = %v, want [banned-prj]", got)
	}
	wantString(t, resp.State, "serviceAttachmentUri", attachment)
}

// Python and YAML programs can pass a whole nested object as an Output; the object decides which
// children exist, so the component refuses it, naming the input, before registering anything.
func TestConstructProducerServiceRefusesAWhollyUnknownCloudRun(t *testing.T) {
	t.Parallel()
	for name, v := range map[string]property.Value{
		"unknown":           unknown,
		"with dependencies": dependsOn(obj(map[string]property.Value{"image": str(imageRef)}), "docker:index/image:Image::api"),
		"secret":            obj(map[string]property.Value{"image": str(imageRef)}).WithSecret(true),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cloud := psctest.New()
			in := producerInputs()
			in["cloudRun"] = v
			_, err := construct(server(t, cloud), psc.ProducerServiceType, "payments", true, in)
			if err == nil {
				t.Fatal("want an error")
			}
			msg := err.Error()
			if !strings.Contains(msg, `invalid ProducerService "payments"`) || !strings.Contains(msg, "\ncloudRun: ") ||
				strings.Contains(msg, "failed to copy inputs") {
				t.Errorf("want an error naming cloudRun, got:\n%v", msg)
			}
			if n := len(cloud.Custom("")); n != 0 {
				t.Errorf("%d children were registered", n)
			}
		})
	}
}

// A plain nested field (one that decides which children exist) given as an Output is refused
// naming its path.
func TestConstructRefusesOutputsInPlainNestedFields(t *testing.T) {
	t.Parallel()
	cloud := psctest.New()
	in := producerInputs()
	in["natSubnet"] = obj(map[string]property.Value{"ipCidrRange": dependsOn(str("10.20.0.0/24"), "random:index/randomInteger:RandomInteger::n")})
	in["consumers"] = arr(obj(map[string]property.Value{"projectIdOrNum": str("consumer-prj"), "connectionLimit": unknown}))
	_, err := construct(server(t, cloud), psc.ProducerServiceType, "payments", true, in)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, path := range []string{"natSubnet.ipCidrRange", "consumers[0].connectionLimit"} {
		if !strings.Contains(err.Error(), "\n"+path+": ") {
			t.Errorf("error does not name %s:\n%v", path, err)
		}
	}
}

func TestConstructProducerServiceSecretAndUnknownNestedFields(t *testing.T) {
	t.Parallel()
	certPEM, keyPEM := psctest.SelfSignedCert(t, "payment-api.internal")
	cloud := psctest.New()
	in := producerInputs()
	in["cloudRun"] = obj(map[string]property.Value{
		"image":    dependsOn(unknown, "docker:index/image:Image::api"),
		"invokers": arr(str("user:alice@example.com"), dependsOn(unknown, "gcp:serviceaccount/account:Account::caller")),
	})
	in["tls"] = obj(map[string]property.Value{
		"certificatePem": str(certPEM).WithSecret(true),
		"privateKeyPem":  str(keyPEM).WithSecret(true),
	})
	resp, err := construct(server(t, cloud), psc.ProducerServiceType, "payments", true, in)
	if err != nil {
		t.Fatal(err)
	}
	run := child(t, cloud, chain.CloudRunServiceType, "payments-run")
	image := psctest.Input(run, "template").ObjectValue()["containers"].ArrayValue()[0].ObjectValue()["image"]
	if !image.ContainsUnknowns() {
		t.Errorf("Cloud Run image = %v, want unknown at preview", image)
	}
	cert := child(t, cloud, chain.RegionSslCertificateType, "payments-cert")
	if v := cert.Inputs["certificate"]; !v.ContainsSecrets() {
		t.Errorf("the certificate given as a secret reached the certificate in plain text: %v", v)
	}
	if got := psctest.Str(cert, "certificate"); got != certPEM {
		t.Errorf("the certificate does not carry the given PEM")
	}
	if v := cert.Inputs["privateKey"]; !v.ContainsSecrets() {
		t.Errorf("the private key is not secret: %v", v)
	}
	invokers := child(t, cloud, chain.CloudRunServiceIamBindingType, "payments-invokers")
	members := psctest.Input(invokers, "members")
	if !members.ContainsUnknowns() || len(members.ArrayValue()) != 2 || members.ArrayValue()[0].StringValue() != "user:alice@example.com" {
		t.Errorf("invoker binding members = %v, want alice and one unknown member", members)
	}
	if v := resp.State.Get("certificatePem"); !v.Secret() && !v.IsComputed() {
		t.Errorf("output certificatePem = %v, want it to stay secret", v)
	}
}

func TestConstructConsumerAndDnsNestedInputsWithDependencies(t *testing.T) {
	t.Parallel()
	t.Run("firewall", func(t *testing.T) {
		t.Parallel()
		cloud := psctest.New()
		cloud.Subnets = []psctest.Subnet{{Project: "consumer-prj", Region: psctest.Region, Name: "apps", Network: consumerVPC, IpCidrRange: "192.168.10.0/24"}}
		_, err := construct(server(t, cloud), psc.ConsumerEndpointType, "payments", false, map[string]property.Value{
			"project":           str("consumer-prj"),
			"network":           str(consumerVPC),
			"subnetwork":        str(appsSubnet),
			"serviceAttachment": str(attachment),
			"firewall": obj(map[string]property.Value{
				"clientRanges": arr(dependsOn(str("192.168.10.0/24"), "gcp:compute/subnetwork:Subnetwork::apps")),
				"clientTags":   arr(dependsOn(str("payments-client"), "random:index/randomPet:RandomPet::tag")),
				"priority":     property.New(0.0),
			}),
		})
		if err != nil {
			t.Fatal(err)
		}
		fw := child(t, cloud, chain.FirewallType, "payments-egress")
		if got := stringsOf(psctest.Input(fw, "sourceRanges")); len(got) != 1 || got[0] != "192.168.10.0/24" {
			t.Errorf("firewall sourceRanges = %v", got)
		}
		if got := stringsOf(psctest.Input(fw, "targetTags")); len(got) != 1 || got[0] != "payments-client" {
			t.Errorf("firewall targetTags = %v", got)
		}
		if p := psctest.Input(fw, "priority"); !p.IsNumber() || p.NumberValue() != 0 {
			t.Errorf("firewall priority = %v, want the explicit 0 (GCP's highest priority)", p)
		}
	})
	t.Run("dns networks", func(t *testing.T) {
		t.Parallel()
		cloud := psctest.New()
		_, err := construct(server(t, cloud), psc.DnsBindingType, "payments-dns", false, map[string]property.Value{
			"hostname":  str("payment-api.internal"),
			"ipAddress": str("192.168.10.7"),
			"networks":  arr(dependsOn(str(consumerVPC), "gcp:compute/network:Network::consumer-vpc"), str(vpcLink)),
			"protocol":  str("HTTP"),
		})
		if err != nil {
			t.Fatal(err)
		}
		zone := child(t, cloud, chain.ManagedZoneType, "payments-dns-zone")
		nets := psctest.Input(zone, "privateVisibilityConfig").ObjectValue()["networks"].ArrayValue()
		if len(nets) != 2 || nets[0].ObjectValue()["networkUrl"].StringValue() != consumerVPC {
			t.Errorf("zone networks = %v, want both VPCs", nets)
		}
	})
	// producerProtocol is the endpoint's output, sent with its dependency: at preview the url takes
	// its scheme, and a protocol that differs is refused naming protocol, no zone or record created.
	for _, protocol := range []string{"", "HTTP"} {
		t.Run("dns producerProtocol from the endpoint, protocol "+protocol, func(t *testing.T) {
			t.Parallel()
			cloud := psctest.New()
			inputs := map[string]property.Value{
				"hostname":         str("payment-api.internal"),
				"ipAddress":        str("192.168.10.7"),
				"networks":         arr(str(consumerVPC)),
				"producerProtocol": dependsOn(str("HTTPS"), "cloudrun-psc:index:ConsumerEndpoint::payments"),
			}
			if protocol != "" {
				inputs["protocol"] = str(protocol)
			}
			resp, err := construct(server(t, cloud), psc.DnsBindingType, "payments-dns", true, inputs)
			if protocol == "" {
				if err != nil {
					t.Fatal(err)
				}
				wantString(t, resp.State, "url", "https://payment-api.internal")
				return
			}
			if err == nil || !strings.Contains(err.Error(), "protocol: HTTP disagrees with producerProtocol HTTPS") {
				t.Fatalf("want protocol refused, got %v", err)
			}
			if n := len(cloud.Custom(chain.ManagedZoneType)) + len(cloud.Custom(chain.RecordSetType)); n != 0 {
				t.Errorf("a refused protocol registered %d zones and records", n)
			}
		})
	}
	// ipAddresses is a plain map (its regions decide the record's shape) of Inputs (the endpoints' IPs).
	t.Run("dns ipAddresses by region", func(t *testing.T) {
		t.Parallel()
		cloud := psctest.New()
		_, err := construct(server(t, cloud), psc.DnsBindingType, "payments-dns", false, map[string]property.Value{
			"hostname": str("payment-api.internal"),
			"ipAddresses": obj(map[string]property.Value{
				"europe-west1": dependsOn(str("192.168.10.7"), "cloudrun-psc:index:ConsumerEndpoint::payments-ew1"),
				"us-east1":     dependsOn(str("192.168.20.7"), "cloudrun-psc:index:ConsumerEndpoint::payments-use1"),
			}),
			"networks": arr(str(consumerVPC)),
		})
		if err != nil {
			t.Fatal(err)
		}
		rec := child(t, cloud, chain.RecordSetType, "payments-dns-record")
		var got []string
		for _, item := range psctest.Input(rec, "routingPolicy").ObjectValue()["geos"].ArrayValue() {
			o := item.ObjectValue()
			got = append(got, o["location"].StringValue()+"="+strings.Join(stringsOf(o["rrdatas"]), ","))
		}
		if want := []string{"europe-west1=192.168.10.7", "us-east1=192.168.20.7"}; !slices.Equal(got, want) {
			t.Errorf("geo items = %v, want %v", got, want)
		}
	})
}

// An explicit 0 is a value, not "unset": refused naming the input where it is invalid (a port,
// a TTL), kept where it is valid (firewall priority 0 is GCP's highest).
func TestConstructExplicitZeroIsNotUnset(t *testing.T) {
	t.Parallel()
	producer := producerInputs()
	producer["cloudRun"] = obj(map[string]property.Value{"image": str(imageRef), "port": property.New(0.0)})
	for name, tc := range map[string]struct {
		token  string
		inputs map[string]property.Value
		want   string
	}{
		"cloudRun.port": {psc.ProducerServiceType, producer, "cloudRun.port: must be between 1 and 65535, got 0"},
		"ttl": {psc.DnsBindingType, map[string]property.Value{
			"hostname": str("payment-api.internal"), "ipAddress": str("192.168.10.7"),
			"networks": arr(str(consumerVPC)), "ttl": property.New(0.0),
		}, "ttl: must be between 1 and 86400 seconds, got 0"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cloud := psctest.New()
			_, err := construct(server(t, cloud), tc.token, "payments", false, tc.inputs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
			if n := len(cloud.Custom("")); n != 0 {
				t.Errorf("%d children were registered", n)
			}
		})
	}
}
