package programs

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/secure"
)

// The call program (python/call.py through the generated SDK and the provider plugin,
// gonative.Call natively): one stack per language, stepped through the causes of a refused call
// as successive ups of configuration variants, the client's call asserted after each.
var callLangs = pick(langs("call", nil, gonative.Call), "python", "go")

const (
	// caller is granted roles/run.invoker through cloudRun.invokers; outsider is not.
	caller   = "serviceAccount:orders-caller@" + consumerProject + ".iam.gserviceaccount.com"
	outsider = "serviceAccount:batch-job@" + consumerProject + ".iam.gserviceaccount.com"
	// legacyHost is a second name the certificate covers and no host rule routes.
	legacyHost  = "legacy.internal"
	otherRegion = "europe-west4"
)

// callWant is what a client gets: the status or the network error, and the first link that
// refused the call with its rule (both empty for a 200 from Cloud Run).
type callWant struct {
	status     int
	err        string
	link, rule string
	reason     string // a fragment of the refusal's reason
}

// callCase is one client's call after one configuration of the program.
type callCase struct {
	name string
	req  func(r *gcpsim.ClientRequest)
	want callWant
}

func TestCall(t *testing.T) {
	run(t, callLangs, func(t *testing.T, env *harness.Env, l lang) {
		cert, key := psctest.SelfSignedCert(t, hostname, legacyHost)
		st := l.new(env, "call")
		configure(st, map[string]string{"otherRegion": otherRegion, "invoker": caller})
		st.SetConfig("tlsCertificate", cert, false)
		st.SetConfig("tlsPrivateKey", key, true)
		up := st.Up()
		secure.AssertPolicy(t, env, st)
		ip, network := up.OutputString(t, "ipAddress"), up.OutputString(t, "consumerNetwork")
		// base is a VM of the consumer's apps subnet calling https://payment-api.internal/ as
		// caller, trusting the producer's certificate.
		base := gcpsim.ClientRequest{Project: consumerProject, Network: network, Region: region,
			Identity: caller, URL: "https://" + hostname + "/", CABundle: cert}
		ok := callWant{status: 200}
		steps := []struct {
			config map[string]string // set before the up; nil: the first up above
			edit   func() func()     // an edit of the simulated cloud outside Pulumi, and its undo
			calls  []callCase
		}{
			{calls: []callCase{
				{"the invoker", nil, ok},
				{"no token", func(r *gcpsim.ClientRequest) { r.NoToken = true },
					callWant{403, "", gcpsim.LinkCloudRun, "RUN-IAM-NO-TOKEN", "no ID token"}},
				{"wrong audience", func(r *gcpsim.ClientRequest) { r.Audience = "https://payments.example.com" },
					callWant{401, "", gcpsim.LinkCloudRun, "RUN-IAM-AUDIENCE", "https://payments.example.com"}},
				{"no invoker", func(r *gcpsim.ClientRequest) { r.Identity = outsider },
					callWant{403, "", gcpsim.LinkCloudRun, "RUN-IAM-INVOKER", outsider}},
				{"client in another region", func(r *gcpsim.ClientRequest) { r.Region = otherRegion },
					callWant{0, gcpsim.ErrTimeout, gcpsim.LinkEndpoint, "EP-GLOBAL-ACCESS", "without allowPscGlobalAccess"}},
				{"certificate not covering the address called", func(r *gcpsim.ClientRequest) { r.URL = "https://" + ip + "/" },
					callWant{0, gcpsim.ErrTLS, gcpsim.LinkCertificate, "TLS-VERIFY", ip}},
			}},
			{edit: func() func() {
				return env.For(t).SetSimFields(tService, "payments-run", map[string]any{
					"terminalConditions": []any{map[string]any{"type": "Ready", "state": "CONDITION_FAILED"}}})
			}, calls: []callCase{{"Cloud Run not ready", nil, callWant{503, "", gcpsim.LinkCloudRun, "RUN-NOT-READY", "not ready"}}}},
			{config: map[string]string{"dnsHostname": legacyHost}, calls: []callCase{
				{"no DNS name", nil, callWant{0, gcpsim.ErrNXDomain, gcpsim.LinkDNS, "DNS-RESOLVE", hostname}},
			}},
			{config: map[string]string{"withRoutes": "true"}, calls: []callCase{
				{"a host no route names", func(r *gcpsim.ClientRequest) { r.URL = "https://" + legacyHost + "/" },
					callWant{404, "", gcpsim.LinkURLMap, "URLMAP-MATCH", legacyHost}},
			}},
			{config: map[string]string{"dnsHostname": "", "withRoutes": "false", "denyEgress": "true"}, calls: []callCase{
				{"egress denied", nil, callWant{0, gcpsim.ErrTimeout, gcpsim.LinkFirewall, "FW-EGRESS-EVAL", "denies"}},
			}},
			{config: map[string]string{"denyEgress": "false", "connection": "pending"}, calls: []callCase{
				{"connection pending", nil, callWant{0, gcpsim.ErrTimeout, gcpsim.LinkEndpoint, "EP-STATUS", gcpsim.StatusPending}},
			}},
			{config: map[string]string{"connection": "rejected"}, calls: []callCase{
				{"connection rejected", nil, callWant{0, gcpsim.ErrTimeout, gcpsim.LinkEndpoint, "EP-STATUS", gcpsim.StatusRejected}},
			}},
			{config: map[string]string{"connection": "", "armorDeny": "true"}, calls: []callCase{
				{"Cloud Armor deny", nil, callWant{403, "", gcpsim.LinkSecurityPolicy, "ARMOR-EVAL", "the PSC NAT address the producer sees"}},
			}},
			{config: map[string]string{"armorDeny": "false"}, calls: []callCase{{"the invoker again", nil, ok}}},
		}
		for _, s := range steps {
			if s.config != nil {
				for k, v := range s.config {
					st.SetConfig(k, v, false)
				}
				st.Up()
			}
			undo := func() {}
			if s.edit != nil {
				undo = s.edit()
			}
			for _, c := range s.calls {
				req := base
				if c.req != nil {
					c.req(&req)
				}
				assertCall(t, env, c.name, req, c.want)
				assertDoctor(t, env, st, c.name, req, c.want)
			}
			undo()
		}
	})
}

// assertCall follows req through the simulated cloud (State.Call, as `gcpsim request`) and
// checks the answer against want.
func assertCall(t *testing.T, env *harness.Env, name string, req gcpsim.ClientRequest, want callWant) {
	t.Helper()
	res, err := env.For(t).SimSnapshot().Call(req, time.Now())
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	t.Logf("%s: status %d, error %q, at %q (%s): %s", name, res.Status, res.Error, res.Link, res.Rule, res.Reason)
	if res.Status != want.status || res.Error != want.err || res.Link != want.link || res.Rule != want.rule ||
		!strings.Contains(res.Reason, want.reason) {
		hops, _ := json.Marshal(res.Hops)
		t.Errorf("%s: got status %d, error %q, refused at %q (%s): %s; want status %d, error %q, refused at %q (%s) with %q\nhops: %s",
			name, res.Status, res.Error, res.Link, res.Rule, res.Reason, want.status, want.err, want.link, want.rule, want.reason, hops)
	}
	if want.status == 200 && !strings.Contains(res.CloudRun, "payments-run") {
		t.Errorf("%s: answered by %q, want the payments service", name, res.CloudRun)
	}
}

// assertDoctor asks cloudrun-psc doctor the same request, answered from the stack's state (the
// stack is producer and consumer both), and checks its answer against want.
func assertDoctor(t *testing.T, env *harness.Env, st *harness.Stack, name string, req gcpsim.ClientRequest, want callWant) {
	t.Helper()
	args := []string{"doctor", "--json", "--pulumi", filepath.Join(env.Root, "bin", "pulumi"),
		"--producer-stack", st.Ref(), "--consumer-stack", st.Ref(), "--request", req.URL,
		"--project", req.Project, "--network", req.Network, "--region", req.Region, "--identity", req.Identity}
	if req.NoToken {
		args = append(args, "--no-token")
	}
	if req.Audience != "" {
		args = append(args, "--audience", req.Audience)
	}
	if req.CABundle != "" {
		ca := filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(ca, []byte(req.CABundle), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--cacert", ca)
	}
	for flag, pem := range map[string]string{"--cert": req.ClientCert, "--key": req.ClientKey} {
		if pem != "" {
			file := filepath.Join(t.TempDir(), "client.pem")
			if err := os.WriteFile(file, []byte(pem), 0o600); err != nil {
				t.Fatal(err)
			}
			args = append(args, flag, file)
		}
	}
	out, err := env.Command("cloudrun-psc", args...).Output()
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
		t.Errorf("%s: doctor --request: %v: %s", name, err, out)
		return
	}
	var got struct {
		Status           int
		Error, Link      string
		Rule, Cause, Fix string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Errorf("%s: doctor --request --json: %v: %s", name, err, out)
		return
	}
	t.Logf("%s: doctor: status %d, error %q, at %q (%s): %s; fix: %s", name, got.Status, got.Error, got.Link, got.Rule, got.Cause, got.Fix)
	if got.Status != want.status || got.Error != want.err || got.Link != want.link || got.Rule != want.rule {
		t.Errorf("%s: doctor answers status %d, error %q, refused at %q (%s), want status %d, error %q, refused at %q (%s)",
			name, got.Status, got.Error, got.Link, got.Rule, want.status, want.err, want.link, want.rule)
	}
	if (want.link != "") != (got.Cause != "" && got.Fix != "") {
		t.Errorf("%s: doctor's cause %q and fix %q: want both for a refused call, neither for a 200", name, got.Cause, got.Fix)
	}
	if (err == nil) != (want.status == 200 && want.link == "") {
		t.Errorf("%s: doctor --request exit status %v for %d %s", name, err, want.status, want.err)
	}
}
