package secure

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

const (
	proxyLink      = "https://www.googleapis.com/compute/v1/projects/producer-prj/regions/europe-west1/targetHttpsProxies/payments-proxy"
	attachmentLink = "https://www.googleapis.com/compute/v1/projects/producer-prj/regions/europe-west1/serviceAttachments/payments-attachment"
	stateFile      = ".pulumi/stacks/payments-producer/dev.json"
)

// world is a synthetic deployment: the producer chain and a PSC endpoint in the simulator, and the
// producer's state file, all as secure as the components make them.
type world struct {
	sim   *gcpsim.State
	files []File
	key   string
}

func rec(typ, id string, outputs map[string]any) *gcpsim.Record {
	return &gcpsim.Record{Type: typ, ID: id, Inputs: map[string]any{}, Outputs: outputs}
}

// secretValue is a value as the engine stores a secret.
func secretValue(ciphertext string) map[string]any {
	return map[string]any{resource.SigKey: resource.SecretSig, "ciphertext": ciphertext}
}

func newWorld(t *testing.T) *world {
	t.Helper()
	cert, key := psctest.SelfSignedCert(t, "payment-api.internal")
	certRec := rec(chain.RegionSslCertificateType, "projects/producer-prj/regions/europe-west1/sslCertificates/payments-cert",
		map[string]any{"certificate": cert, "privateKey": key, "expireTime": "2030-01-01T00:00:00Z"})
	certRec.Inputs = map[string]any{"certificate": cert, "privateKey": key}
	records := []*gcpsim.Record{
		rec(chain.CloudRunServiceType, "projects/producer-prj/locations/europe-west1/services/payments-run",
			map[string]any{"ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY", "invokerIamDisabled": false}),
		rec(chain.CloudRunServiceIamMemberType, "projects/producer-prj/locations/europe-west1/services/payments-run/roles/run.invoker/serviceAccount:caller@consumer-prj.iam.gserviceaccount.com",
			map[string]any{"member": "serviceAccount:caller@consumer-prj.iam.gserviceaccount.com", "role": "roles/run.invoker"}),
		rec(chain.RegionBackendServiceType, "projects/producer-prj/regions/europe-west1/backendServices/payments-backend",
			map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED"}),
		certRec,
		rec(chain.ForwardingRuleType, "projects/producer-prj/regions/europe-west1/forwardingRules/payments-lb-rule",
			map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED", "target": proxyLink, "ipAddress": "10.10.0.2"}),
		rec(chain.ServiceAttachmentType, "projects/producer-prj/regions/europe-west1/serviceAttachments/payments-attachment",
			map[string]any{"connectionPreference": "ACCEPT_MANUAL"}),
		rec(chain.AddressType, "projects/consumer-prj/regions/europe-west1/addresses/payments-ip",
			map[string]any{"addressType": "INTERNAL", "address": "192.168.10.2"}),
		rec(chain.ForwardingRuleType, "projects/consumer-prj/regions/europe-west1/forwardingRules/payments-endpoint",
			map[string]any{"loadBalancingScheme": "", "target": attachmentLink, "ipAddress": "192.168.10.2"}),
		rec(chain.ManagedZoneType, "projects/consumer-prj/managedZones/payments-dns-zone",
			map[string]any{"dnsName": "internal.", "visibility": "private"}),
	}
	sim := &gcpsim.State{Resources: map[string]*gcpsim.Record{}}
	for _, r := range records {
		sim.Resources[r.ID] = r
	}
	w := &world{sim: sim, key: key}
	w.setState(map[string]any{
		"type": chain.RegionSslCertificateType,
		"inputs": map[string]any{
			"certificate": secretValue("v1:c2VjcmV0LWNlcnQ="), "privateKey": secretValue("v1:c2VjcmV0LWtleQ=="),
		},
		"outputs": map[string]any{
			"certificate": secretValue("v1:c2VjcmV0LWNlcnQ="), "privateKey": secretValue("v1:c2VjcmV0LWtleQ=="),
			"expireTime": "2030-01-01T00:00:00Z",
		},
		// A privateKey entry that holds dependencies, not the key: not a finding.
		"propertyDependencies": map[string]any{"privateKey": []any{}},
	})
	return w
}

// setState replaces the producer's state file with one holding the given resource.
func (w *world) setState(res map[string]any) {
	doc := map[string]any{"version": 3, "checkpoint": map[string]any{"latest": map[string]any{"resources": []any{res}}}}
	data, err := json.MarshalIndent(doc, "", "    ")
	if err != nil {
		panic(err)
	}
	w.files = []File{{Path: stateFile, Data: data}}
}

// record returns the one resource whose ID ends with suffix.
func (w *world) record(suffix string) *gcpsim.Record {
	var found []*gcpsim.Record
	for id, r := range w.sim.Resources {
		if strings.HasSuffix(id, suffix) {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		panic(fmt.Sprintf("%d records end with %s", len(found), suffix))
	}
	return found[0]
}

func TestCleanWorldHoldsEveryInvariant(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rep := Check(w.sim, w.files, Options{})
	for _, v := range rep.Violations {
		t.Errorf("unexpected violation: %s", v)
	}
	for _, inv := range Invariants {
		if rep.Checked[inv] == 0 {
			t.Errorf("%s examined nothing in a world that has something for it: %v", inv, rep.Checked)
		}
	}
	// Inputs and outputs of the certificate, both secrets.
	if got := rep.Checked[KeySecretInState]; got != 2 {
		t.Errorf("privateKey properties found in the state file = %d, want 2", got)
	}
}

// Every invariant fires on a world that breaks it, and only that invariant does.
func TestEachInvariantFires(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(w *world)
		want   string
	}{
		{"ingress all", func(w *world) { w.record("services/payments-run").Outputs["ingress"] = "INGRESS_TRAFFIC_ALL" }, InternalIngress},
		{"ingress unset (Google's default is all)", func(w *world) { delete(w.record("services/payments-run").Outputs, "ingress") }, InternalIngress},
		{"ingress internal and cloud load balancing", func(w *world) {
			w.record("services/payments-run").Outputs["ingress"] = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
		}, InternalIngress},
		{"invoker IAM off", func(w *world) { w.record("services/payments-run").Outputs["invokerIamDisabled"] = true }, NoPublicInvoker},
		{"allUsers", func(w *world) { w.record(".iam.gserviceaccount.com").Outputs["member"] = "allUsers" }, NoPublicInvoker},
		{"allAuthenticatedUsers in inputs", func(w *world) { w.record(".iam.gserviceaccount.com").Inputs["member"] = "allAuthenticatedUsers" }, NoPublicInvoker},
		{"allUsers in a binding", func(w *world) {
			w.record(".iam.gserviceaccount.com").Outputs["members"] = []any{"user:alice@example.com", "allUsers"}
		}, NoPublicInvoker},
		{"allUsers in a policy", func(w *world) {
			w.record(".iam.gserviceaccount.com").Outputs["policyData"] = `{"bindings":[{"role":"roles/run.invoker","members":["allUsers"]}]}`
		}, NoPublicInvoker},
		{"external backend", func(w *world) {
			w.record("backendServices/payments-backend").Outputs["loadBalancingScheme"] = "EXTERNAL_MANAGED"
		}, InternalLB},
		{"backend without scheme", func(w *world) { delete(w.record("backendServices/payments-backend").Outputs, "loadBalancingScheme") }, InternalLB},
		{"passthrough rule", func(w *world) {
			w.record("forwardingRules/payments-lb-rule").Outputs["loadBalancingScheme"] = "INTERNAL"
		}, InternalLB},
		{"external rule", func(w *world) {
			w.record("forwardingRules/payments-lb-rule").Outputs["loadBalancingScheme"] = "EXTERNAL_MANAGED"
		}, NoExternal},
		{"rule without scheme that is no PSC endpoint", func(w *world) {
			w.record("forwardingRules/payments-lb-rule").Outputs["loadBalancingScheme"] = ""
		}, NoExternal},
		{"global forwarding rule", func(w *world) {
			r := rec(chain.GlobalForwardingRuleType, "projects/p/global/forwardingRules/r",
				map[string]any{"loadBalancingScheme": "EXTERNAL", "target": proxyLink})
			w.sim.Resources[r.ID] = r
		}, NoExternal},
		{"external address", func(w *world) { w.record("addresses/payments-ip").Outputs["addressType"] = "EXTERNAL" }, NoExternal},
		{"address without type (Google's default is external)", func(w *world) {
			delete(w.record("addresses/payments-ip").Outputs, "addressType")
		}, NoExternal},
		{"accept automatic", func(w *world) {
			w.record("serviceAttachments/payments-attachment").Outputs["connectionPreference"] = "ACCEPT_AUTOMATIC"
		}, AcceptManual},
		{"attachment without preference", func(w *world) {
			delete(w.record("serviceAttachments/payments-attachment").Outputs, "connectionPreference")
		}, AcceptManual},
		{"public zone", func(w *world) { w.record("managedZones/payments-dns-zone").Outputs["visibility"] = "public" }, PrivateDNS},
		{"zone without visibility (Cloud DNS's default is public)", func(w *world) {
			delete(w.record("managedZones/payments-dns-zone").Outputs, "visibility")
		}, PrivateDNS},
		{"plaintext key in the state file", func(w *world) {
			w.setState(map[string]any{"type": chain.RegionSslCertificateType,
				"inputs": map[string]any{"privateKey": w.key}})
		}, KeySecretInState},
		{"key body without its PEM header in the state file", func(w *world) {
			body := strings.SplitN(w.key, "\n", 3)[1]
			w.setState(map[string]any{"type": chain.ProducerServiceType, "outputs": map[string]any{"debug": body}})
		}, KeySecretInState},
		{"component input privateKeyPem not a secret", func(w *world) {
			w.setState(map[string]any{"type": chain.ProducerServiceType,
				"inputs": map[string]any{"tls": map[string]any{"privateKeyPem": "opaque-but-not-secret"}}})
		}, KeySecretInState},
		{"secret stored as plaintext", func(w *world) {
			w.setState(map[string]any{"type": chain.RegionSslCertificateType,
				"inputs": map[string]any{"privateKey": map[string]any{resource.SigKey: resource.SecretSig, "plaintext": `"x"`}}})
		}, KeySecretInState},
		{"key in a backup file", func(w *world) {
			w.files = append(w.files, File{Path: ".pulumi/backups/payments-producer/dev/dev.1.json.bak", Data: []byte(w.key)})
		}, KeySecretInState},
		{"simulator echoes the key in another output", func(w *world) {
			w.record("sslCertificates/payments-cert").Outputs["description"] = w.key
		}, SecretsNotInOutputs},
		{"simulator leaks part of the key into another resource", func(w *world) {
			w.record("backendServices/payments-backend").Outputs["description"] = "key " + strings.SplitN(w.key, "\n", 3)[1]
		}, SecretsNotInOutputs},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			c.mutate(w)
			rep := Check(w.sim, w.files, Options{})
			if len(rep.Of(c.want)) == 0 {
				t.Errorf("%s did not fire; report: %v", c.want, rep.Violations)
			}
			for _, v := range rep.Violations {
				if v.Invariant != c.want {
					t.Errorf("only %s should fire, also got: %s", c.want, v)
				}
			}
		})
	}
}

// An extra secret named in Options is looked for in every file, raw and JSON-escaped.
func TestExtraSecretsAreLookedFor(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	const token = "s3cr3t\"token\\value"
	escaped, _ := json.Marshal(map[string]any{"config": token})
	w.files = append(w.files, File{Path: ".pulumi/history/x.history.json", Data: escaped})
	if got := Check(w.sim, w.files, Options{}).Of(KeySecretInState); len(got) != 0 {
		t.Fatalf("without the secret named, nothing can be found: %v", got)
	}
	if got := Check(w.sim, w.files, Options{Secrets: []string{token}}).Of(KeySecretInState); len(got) != 1 {
		t.Errorf("the JSON-escaped secret must be found once, got %v", got)
	}
}

// The opt-ins allow exactly what they document and nothing else.
func TestOptInsAllowOnlyThemselves(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.record(".iam.gserviceaccount.com").Outputs["member"] = "allUsers"
	w.record("serviceAttachments/payments-attachment").Outputs["connectionPreference"] = "ACCEPT_AUTOMATIC"
	w.record("addresses/payments-ip").Outputs["addressType"] = "EXTERNAL"

	rep := Check(w.sim, w.files, Options{})
	for _, inv := range []string{NoPublicInvoker, AcceptManual, NoExternal} {
		if len(rep.Of(inv)) != 1 {
			t.Errorf("without opt-ins, %s must fire once: %v", inv, rep.Violations)
		}
	}
	rep = Check(w.sim, w.files, Options{AllowPublicInvoker: true, AllowAcceptAutomatic: true})
	if len(rep.Of(NoPublicInvoker)) != 0 || len(rep.Of(AcceptManual)) != 0 {
		t.Errorf("the opt-ins must allow allUsers and ACCEPT_AUTOMATIC: %v", rep.Violations)
	}
	if len(rep.Of(NoExternal)) != 1 || len(rep.Violations) != 1 {
		t.Errorf("the opt-ins must not hide an external address: %v", rep.Violations)
	}

	// allowUnauthenticated grants allUsers; it never turns invoker IAM off, nor does it allow any
	// other connection preference than ACCEPT_AUTOMATIC.
	w.record("services/payments-run").Outputs["invokerIamDisabled"] = true
	w.record("serviceAttachments/payments-attachment").Outputs["connectionPreference"] = "ACCEPT_ANYONE"
	rep = Check(w.sim, w.files, Options{AllowPublicInvoker: true, AllowAcceptAutomatic: true})
	if len(rep.Of(NoPublicInvoker)) != 1 || len(rep.Of(AcceptManual)) != 1 {
		t.Errorf("invoker IAM off and an unknown preference must still fire: %v", rep.Violations)
	}

	// callerAuth network turns invoker IAM off; it never allows allUsers.
	w.record("serviceAttachments/payments-attachment").Outputs["connectionPreference"] = "ACCEPT_MANUAL"
	rep = Check(w.sim, w.files, Options{AllowInvokerIAMOff: true})
	if got := rep.Of(NoPublicInvoker); len(got) != 1 || !strings.Contains(got[0].Detail, "allUsers") {
		t.Errorf("with invoker IAM off allowed, only the allUsers grant must fire: %v", rep.Violations)
	}
}

// Every finding an opt-in may explain (chain.Findings) is an Options switch, which OptInsOf sets
// for a component that sets the opt-in.
func TestEveryFindingIsAllowed(t *testing.T) {
	t.Parallel()
	for _, f := range chain.Findings {
		if allows[f] == nil {
			t.Errorf("finding %s allows nothing in Options", f)
		}
	}
	var opts Options
	on := OptInsOf(chain.CallerAuthNetwork.Component, map[string]any{"cloudRun": map[string]any{"callerAuth": "network"}}, &opts)
	if len(on) != 1 || on[0] != chain.CallerAuthNetwork || !opts.AllowInvokerIAMOff || opts.AllowPublicInvoker || opts.AllowAcceptAutomatic {
		t.Errorf("callerAuth network: opt-ins %v, options %+v; want itself, allowing invoker IAM off only", on, opts)
	}
}
