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

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/doctor"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// askDoctor runs `cloudrun-psc doctor --request` over both stacks of TestDoctor's deployment as a
// client in the consumer's VPC (192.168.10.50 in its apps subnet) trusting the producer's
// certificate, with the given extra flags, and returns its JSON answer and exit code.
func askDoctor(t *testing.T, env *harness.Env, both []string, cert string, flags ...string) (doctor.Answer, int) {
	t.Helper()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, []byte(cert), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"doctor", "--pulumi", filepath.Join(env.Root, "bin", "pulumi"), "--json"}, both...)
	args = append(args, "--request", "https://payment-api.internal/pay", "--project", consumerProject, "--network", consumerNetwork(t, env),
		"--region", region, "--source-ip", "192.168.10.50", "--cacert", ca)
	cmd := env.Command("cloudrun-psc", append(args, flags...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := 0
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() == 2 {
			t.Fatalf("doctor --request %v: %v\n%s", flags, err, stderr.String())
		}
		code = ee.ExitCode()
	}
	var a doctor.Answer
	if err := json.Unmarshal(stdout.Bytes(), &a); err != nil {
		t.Fatalf("doctor --request --json: %v\n%s", err, stdout.String())
	}
	return a, code
}

// consumerNetwork is the name of the consumer's VPC (autonamed) in the simulated cloud.
func consumerNetwork(t *testing.T, env *harness.Env) string {
	t.Helper()
	for _, r := range env.For(t).SimSnapshot().Sorted() {
		if r.Type == chain.NetworkType && r.Project == consumerProject {
			return r.Name
		}
	}
	t.Fatal("no consumer network in the simulator")
	return ""
}

// checkRequests: on the healthy deployment, the invoker's call is answered 200 through every link
// it crosses, read from the stacks alone (the certificate from the component's output, as the
// stack keeps its PEM secret); another identity's is refused at cloud-run with 403
// (RUN-IAM-INVOKER) and the grant doctor cannot see named; both exit as the answer says.
func checkRequests(t *testing.T, env *harness.Env, both []string, cert string) {
	t.Helper()
	ok, code := askDoctor(t, env, both, cert, "--identity", invoker)
	var hops []string
	for _, h := range ok.Hops {
		hops = append(hops, h.Link)
	}
	if !ok.OK() || code != 0 || !slices.Contains(hops, chain.LinkCertificate) || hops[len(hops)-1] != chain.LinkCloudRun {
		t.Errorf("the invoker's call: %s at %s (%s) %s, exit %d, hops %v", ok.Outcome(), ok.Link, ok.Rule, ok.Cause, code, hops)
	}
	denied, code := askDoctor(t, env, both, cert, "--impersonate-service-account", "intruder@"+consumerProject+".iam.gserviceaccount.com")
	if denied.Status != 403 || denied.Link != chain.LinkCloudRun || denied.Rule != "RUN-IAM-INVOKER" || code != 1 ||
		!strings.Contains(denied.Fix, "cloudRun.invokers") ||
		!slices.ContainsFunc(denied.Warnings, func(w doctor.Assumption) bool { return strings.Contains(w.Assumption, "no invoker role on project") }) {
		t.Errorf("another identity's call: %+v, exit %d", denied, code)
	}
}
