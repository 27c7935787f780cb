package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/doctor"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// The doctor tests: one real deployment (the fault tests' HTTPS producer with an invoker, and a
// consumer with two endpoints, an egress firewall rule and DNS), whose chain is then broken in
// the simulated cloud, out of band, the way another organisation's change or a console edit
// breaks it: one link at a time, each repaired before the next. After each break `cloudrun-psc
// doctor`, reading both stacks through the engine, must name that link, its cause and its fix,
// exit 1, and leave the stacks unchanged.

// doctorRun is one run of bin/cloudrun-psc doctor.
type doctorRun struct {
	report doctor.Report
	code   int
	text   string
}

func runDoctor(t *testing.T, env *harness.Env, jsonOut bool, args ...string) doctorRun {
	t.Helper()
	if _, err := os.Stat(filepath.Join(env.Root, "bin", "cloudrun-psc")); err != nil {
		t.Fatalf("bin/cloudrun-psc is missing: run make build")
	}
	args = append([]string{"doctor", "--pulumi", filepath.Join(env.Root, "bin", "pulumi")}, args...)
	if jsonOut {
		args = append(args, "--json")
	}
	cmd := env.Command("cloudrun-psc", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	run := doctorRun{text: stdout.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		run.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if run.code == 2 {
		t.Fatalf("doctor could not read the stacks: %s", stderr.String())
	}
	if jsonOut {
		if err := json.Unmarshal(stdout.Bytes(), &run.report); err != nil {
			t.Fatalf("doctor --json: %v\n%s", err, stdout.String())
		}
		if healthy := run.code == 0; healthy != run.report.Healthy {
			t.Errorf("exit code %d but healthy=%v", run.code, run.report.Healthy)
		}
		// Every link once per chain, in order, under the chain's name (chains in the report's order).
		var names, want []string
		for _, l := range run.report.Links {
			names = append(names, l.Chain+" "+l.Name)
		}
		for _, c := range run.report.Chains {
			for _, l := range chain.LinkNames() {
				want = append(want, map[bool]string{true: c.Name, false: ""}[len(run.report.Chains) > 1]+" "+l)
			}
		}
		if len(run.report.Chains) == 0 || !slices.Equal(names, want) {
			t.Errorf("the report lists %v, want every link once per chain in order %v", names, want)
		}
	}
	return run
}

// The chains of TestDoctor's stacks: a ConsumerEndpoint with the DnsBinding, one without.
const (
	firstChain  = "ProducerService payments → ConsumerEndpoint payments → DnsBinding payments-dns"
	secondChain = "ProducerService payments → ConsumerEndpoint payments-2"
)

// edit is one out-of-band change to the simulated cloud (see simEdit).
type edit struct {
	token, id string
	edit      func(map[string]any) bool
}

// brokenLink is a broken link a doctor run must name, with words of its cause and fix.
type brokenLink struct{ link, cause, fix string }

func (r doctorRun) names(w brokenLink) bool {
	for _, l := range r.report.Broken() {
		for _, p := range l.Problems {
			if l.Name == w.link && strings.Contains(p.Cause, w.cause) && strings.Contains(p.Fix, w.fix) {
				return true
			}
		}
	}
	return false
}

func (r doctorRun) link(name string) doctor.Link {
	for _, l := range r.report.Links {
		if l.Name == name {
			return l
		}
	}
	return doctor.Link{}
}

// set returns an edit that sets output fields.
func set(fields map[string]any) func(map[string]any) bool {
	return func(out map[string]any) bool {
		for k, v := range fields {
			out[k] = v
		}
		return false
	}
}

func remove(map[string]any) bool { return true }

const (
	tCertificate  = chain.RegionSslCertificateType
	tInvokers     = chain.CloudRunServiceIamBindingType
	tFirewallRule = chain.FirewallType
)

func TestDoctor(t *testing.T) {
	start := time.Now()
	cert, key := psctest.SelfSignedCert(t, "payment-api.internal")
	env := harness.New(t, harness.GCP())
	prod := env.GoStack("payments-producer", "dev", chainProducer(cert, key))
	prod.Configure(producerProject, region, map[string]string{"consumerProjects": harness.JSONList(consumerProject), "connectionLimit": "2"})
	prod.Up()
	cons := env.GoStack("payments-consumer", "dev", chainConsumer)
	cons.Configure(consumerProject, region, map[string]string{"producerStack": prod.Ref(), "endpoints": "2"})
	cons.Up()
	// The producer's visibility outputs: a plain refresh reads the attachment's connections into
	// its state, but the engine does not re-run component code on refresh, so the component's
	// outputs follow at the next up, or at a refresh that runs the program.
	prod.Refresh()
	if got := producerOutput(t, prod, "natAddressesUsed"); got != 0.0 {
		t.Errorf("after a plain refresh natAddressesUsed = %v; the engine now updates component outputs on refresh: say so in the README", got)
	}
	if _, err := prod.Try(harness.RefreshProgram); err != nil {
		t.Fatal(err)
	}
	eps, _ := producerOutput(t, prod, "connectedEndpoints").([]any)
	if used, free := producerOutput(t, prod, "natAddressesUsed"), producerOutput(t, prod, "natAddressesFree"); len(eps) != 2 || used != 2.0 || free != 250.0 {
		t.Errorf("after refresh --run-program: connectedEndpoints %v, natAddressesUsed %v, natAddressesFree %v; want 2 endpoints, 2 used, 250 free", eps, used, free)
	}
	for _, e := range eps {
		if m, _ := e.(map[string]any); m["status"] != "ACCEPTED" || m["consumerProject"] != consumerProject || m["pscConnectionId"] == "" {
			t.Errorf("connected endpoint %v", e)
		}
	}
	if w := producerOutput(t, prod, "connectionWarning"); w != "" {
		t.Errorf("connectionWarning %q with every endpoint ACCEPTED", w)
	}
	both := []string{"--producer-stack", prod.Ref(), "--consumer-stack", cons.Ref()}
	before := [][]byte{readFile(t, prod.StateFile()), readFile(t, cons.StateFile())}

	// Healthy: every link ok, exit 0, in text and JSON; each side alone too, from its project
	// directory or from a scratch project.
	healthy := runDoctor(t, env, true, both...)
	if healthy.code != 0 {
		t.Fatalf("healthy deployment: exit %d, broken %+v", healthy.code, healthy.report.Broken())
	}
	// Two chains: each ConsumerEndpoint's, only the first with the DnsBinding (chainConsumer).
	if c := healthy.report.Chains; len(c) != 2 || c[0].Name != firstChain || c[1].Name != secondChain {
		t.Errorf("healthy deployment: chains %+v, want one per ConsumerEndpoint, the first with the DnsBinding", c)
	}
	for _, l := range healthy.report.Links {
		// The client is a request's (checkRequests follows one); the firewall may be the VPC's own;
		// the second endpoint has no name.
		skippable := l.Name == chain.LinkFirewall || l.Name == chain.LinkClient || l.Name == chain.LinkDNS && !strings.Contains(l.Chain, "DnsBinding")
		if l.Status != doctor.OK && !skippable || l.Status != doctor.OK && l.Status != doctor.Skipped {
			t.Errorf("healthy deployment: link %s is %s: %s", l.Name, l.Status, l.Detail)
		}
	}
	if nat := healthy.link(chain.LinkNAT); !strings.Contains(nat.Detail, "2 of 252 NAT addresses used, 250 free") {
		t.Errorf("nat link: %q", nat.Detail)
	}
	if l := healthy.link(chain.LinkCertificate); !strings.Contains(l.Detail, "covers payment-api.internal") {
		t.Errorf("certificate link: %+v", l)
	}
	checkRequests(t, env, both, cert)
	prodOnly := runDoctor(t, env, true, "--producer-stack", prod.Ref(), "--producer-dir", prod.WorkDir())
	consOnly := runDoctor(t, env, true, "--consumer-stack", cons.Ref())
	if prodOnly.code != 0 || consOnly.code != 0 {
		t.Errorf("one side alone: producer exit %d %+v, consumer exit %d %+v", prodOnly.code, prodOnly.report.Broken(), consOnly.code, consOnly.report.Broken())
	}
	if l := consOnly.link(chain.LinkCloudRun); l.Status != doctor.Skipped || !strings.Contains(l.Detail, "--producer-stack") {
		t.Errorf("consumer alone: cloud-run link %+v, want skipped naming --producer-stack", l)
	}
	if l := prodOnly.link(chain.LinkAttachment); l.Status != doctor.OK || !strings.Contains(l.Detail, "2 ACCEPTED") {
		t.Errorf("producer alone: attachment link %+v, want its two ACCEPTED connections", l)
	}

	// Each scenario breaks one link of each independent part of the path at once (the consumer's
	// DNS and firewall, the attachment's lists and NAT, the load balancer chain): doctor names
	// every broken link in one run, and a deployment is broken and repaired in place, so that each
	// costs one doctor run (two with the text report). Every way the simulator's chain evaluator breaks a chain
	// (sim/gcpsim/chain.go) and every connection status that carries no traffic is among them.
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	status := func(s string) edit {
		return edit{tRule, "payments-endpoint", set(map[string]any{"pscConnectionStatus": s})}
	}
	for _, sc := range []struct {
		name  string
		edits []edit
		want  []brokenLink
		only  string // "producer" or "consumer": read that side alone
		text  bool
		chain string // the one chain broken, when it is not every one
	}{
		{name: "pending: not accepted; dns elsewhere; lb rule deleted", edits: []edit{
			{tAttachment, "payments-attachment", set(map[string]any{"consumerAcceptLists": []any{}})}, status("PENDING"),
			{tRecord, "payment-api", set(map[string]any{"rrdatas": []any{"192.168.10.99"}})},
			{tRule, "payments-lb-rule", remove},
		}, want: []brokenLink{
			{chain.LinkEndpoint, "PENDING", "adds consumer-prj to `consumers`"},
			{chain.LinkAcceptList, "not on the attachment's accept list", "adds consumer-prj to `consumers`"},
			{chain.LinkDNS, "resolves to 192.168.10.99, not to the endpoint's IP", "`pulumi up` on the consumer stack"},
			{chain.LinkLBRule, "deleted outside Pulumi", "recreates it"},
		}, text: true},
		{name: "pending: connection limit; dns record deleted; lb scheme, proxy-only subnet, proxy deleted", edits: []edit{
			{tAttachment, "payments-attachment", set(map[string]any{"consumerAcceptLists": []any{map[string]any{"projectIdOrNum": consumerProject, "connectionLimit": 1.0}}})},
			status("PENDING"),
			{tRecord, "payment-api", remove},
			{tRule, "payments-lb-rule", set(map[string]any{"loadBalancingScheme": "EXTERNAL_MANAGED"})},
			{tSubnet, "payments-proxy-subnet", set(map[string]any{"role": "BACKUP"})},
			{tHTTPSProxy, "payments-proxy", remove},
		}, want: []brokenLink{
			{chain.LinkAcceptList, "its connectionLimit is 1", "raises `connectionLimit`"},
			{chain.LinkDNS, "was deleted outside Pulumi", "recreates the record"},
			{chain.LinkLBRule, "not INTERNAL_MANAGED", "`pulumi up` on the producer"},
			{chain.LinkLBRule, "BACKUP, not ACTIVE", "promote it to ACTIVE"},
			{chain.LinkProxy, "deleted outside Pulumi", "recreates it"},
		}},
		{name: "rejected; firewall disabled; no certificate, url map deleted", edits: []edit{
			{tAttachment, "payments-attachment", set(map[string]any{"consumerRejectLists": []any{consumerProject}})}, status("REJECTED"),
			{tFirewallRule, "payments-egress", set(map[string]any{"disabled": true})},
			{tHTTPSProxy, "payments-proxy", set(map[string]any{"sslCertificates": []any{}})},
			{tURLMap, "payments-urlmap", remove},
		}, want: []brokenLink{
			{chain.LinkEndpoint, "REJECTED", "removes consumer-prj from `rejectedConsumers`"},
			{chain.LinkAcceptList, "on the reject list", "removes consumer-prj from `rejectedConsumers`"},
			{chain.LinkFirewall, "is disabled", "enable it"},
			{chain.LinkCertificate, "no certificate", "tls.certificatePem"},
			{chain.LinkURLMap, "deleted outside Pulumi", "recreates it"},
		}},
		{name: "needs attention; firewall port; certificate expired, url map routes nowhere", edits: []edit{
			{tSubnet, "payments-nat-subnet", set(map[string]any{"ipCidrRange": "10.20.0.0/30"})}, status("NEEDS_ATTENTION"),
			{tFirewallRule, "payments-egress", set(map[string]any{"allows": []any{map[string]any{"protocol": "tcp", "ports": []any{"80"}}}})},
			{tCertificate, "payments-cert", set(map[string]any{"expireTime": past})},
			{tURLMap, "payments-urlmap", set(map[string]any{"defaultService": ""})},
		}, want: []brokenLink{
			{chain.LinkEndpoint, "NEEDS_ATTENTION", "`additionalNatSubnets`"},
			{chain.LinkNAT, "the NAT subnets are full", "`additionalNatSubnets`"},
			{chain.LinkFirewall, "not tcp:443", "`firewall.ports` to [443]"},
			{chain.LinkCertificate, "expired at " + past, "renewed certificate"},
			{chain.LinkBackend, "defaultService is not set", "`pulumi up` on the producer"},
		}},
		{name: "closed; firewall deleted", edits: []edit{
			{tAttachment, "payments-attachment", remove}, status("CLOSED"),
			{tFirewallRule, "payments-egress", remove},
		}, want: []brokenLink{
			{chain.LinkEndpoint, "CLOSED", "recreateClosedPsc"},
			{chain.LinkAttachment, "deleted outside Pulumi", "`pulumi up` on the producer stack"},
			{chain.LinkFirewall, "was deleted", "firewall rule is recreated"},
		}},
		{name: "endpoint deleted; certificate deleted, backend deleted", edits: []edit{
			{tRule, "payments-endpoint", remove},
			{tCertificate, "payments-cert", remove},
			{tBackend, "payments-backend", remove},
		}, want: []brokenLink{
			{chain.LinkEndpoint, "deleted outside Pulumi", "the endpoint is recreated"},
			{chain.LinkCertificate, "deleted outside Pulumi", "recreates it"},
			{chain.LinkBackend, "deleted outside Pulumi", "recreates it"},
		}},
		// The second endpoint of the consumer stack, on its own chain: doctor walks it too.
		{name: "the second endpoint pending", edits: []edit{
			{tRule, "payments-2-endpoint", set(map[string]any{"pscConnectionStatus": "PENDING"})},
		}, want: []brokenLink{{chain.LinkEndpoint, "PENDING", "adds consumer-prj to `consumers`"}}, chain: secondChain, text: true},
		{name: "backend empty", only: "producer", edits: []edit{{tBackend, "payments-backend", set(map[string]any{"backends": []any{}})}},
			want: []brokenLink{{chain.LinkBackend, "no backends", "serverless NEG is attached again"}}},
		{name: "neg deleted", only: "producer", edits: []edit{{tNEG, "payments-neg", remove}},
			want: []brokenLink{{chain.LinkNEG, "deleted outside Pulumi", "recreates it"}}},
		{name: "neg names no service", only: "producer", edits: []edit{{tNEG, "payments-neg", set(map[string]any{"cloudRun": map[string]any{}})}},
			want: []brokenLink{{chain.LinkNEG, "names no Cloud Run service", "`pulumi up` on the producer"}}},
		{name: "cloud run deleted", only: "producer", edits: []edit{{tService, "payments-run", remove}},
			want: []brokenLink{{chain.LinkCloudRun, "deleted outside Pulumi", "the service is recreated"}}},
		{name: "neg not serverless; cloud run ingress, readiness, revision, image, invokers, audiences", edits: []edit{
			{tNEG, "payments-neg", set(map[string]any{"networkEndpointType": "GCE_VM_IP_PORT"})},
			{tService, "payments-run", set(map[string]any{
				"ingress": "INGRESS_TRAFFIC_NONE", "terminalConditions": []any{map[string]any{"type": "Ready", "state": "CONDITION_FAILED"}},
				"latestReadyRevision": "", "template": map[string]any{"containers": []any{map[string]any{"image": ""}}},
				"customAudiences": []any{"https://other.internal"},
			})},
			{tInvokers, "payments-run", remove},
		}, want: []brokenLink{
			{chain.LinkNEG, "not SERVERLESS", "`pulumi up` on the producer"},
			{chain.LinkCloudRun, "INGRESS_TRAFFIC_NONE", "INGRESS_TRAFFIC_INTERNAL_ONLY"},
			{chain.LinkCloudRun, "Ready is CONDITION_FAILED", "working image"},
			{chain.LinkCloudRun, "no ready revision", "working image"},
			{chain.LinkCloudRun, "serves no container image", "working image"},
			{chain.LinkCloudRun, "no one holds roles/run.invoker", "binding of `cloudRun.invokers` is recreated"},
			{chain.LinkCloudRun, "do not include https://payment-api.internal", "`cloudRun.customAudiences`"},
		}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			for _, e := range sc.edits {
				defer env.For(t).EditSim(e.token, e.id, e.edit)()
			}
			args := both
			switch sc.only {
			case "producer":
				args = []string{"--producer-stack", prod.Ref()}
			case "consumer":
				args = []string{"--consumer-stack", cons.Ref()}
			}
			if sc.text {
				run := runDoctor(t, env, false, args...)
				t.Logf("doctor run:\n%s", run.text)
				for _, w := range sc.want {
					if run.code != 1 || !strings.Contains(run.text, "BROKEN  "+w.link) || !strings.Contains(run.text, "cause: ") || !strings.Contains(run.text, w.fix) {
						t.Errorf("text report (exit %d) does not name %s and its fix %q:\n%s", run.code, w.link, w.fix, run.text)
					}
				}
			}
			run := runDoctor(t, env, true, args...)
			if run.code != 1 {
				t.Errorf("exit %d, want 1", run.code)
			}
			for _, w := range sc.want {
				if !run.names(w) {
					t.Errorf("no broken %s with cause containing %q and fix containing %q; broken: %+v", w.link, w.cause, w.fix, run.report.Broken())
				}
			}
			if sc.chain != "" {
				var broken []string
				for _, c := range run.report.Chains {
					if !c.Healthy {
						broken = append(broken, c.Name)
					}
				}
				if !slices.Equal(broken, []string{sc.chain}) {
					t.Errorf("broken chains %q, want only %q", broken, sc.chain)
				}
			}
		})
	}
	// Every status the endpoint link explains was exercised above; the endpoint link names it.
	after := [][]byte{readFile(t, prod.StateFile()), readFile(t, cons.StateFile())}
	for i := range before {
		if !bytes.Equal(before[i], after[i]) {
			t.Errorf("doctor changed the state of %s", []string{prod.Ref(), cons.Ref()}[i])
		}
	}
	t.Logf("TestDoctor took %s", time.Since(start).Round(time.Millisecond))
}

// producerOutput is an output of the stack's ProducerService as its state holds it.
func producerOutput(t *testing.T, st *harness.Stack, name string) any {
	t.Helper()
	return stateOutput(t, st, tProducer, name)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
