package programs

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/gosdk"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/secure"
)

// The naming program (ts/naming.ts, python/naming.py, gosdk.Naming, gonative.Naming): the stack
// sets pulumi:autonaming, the producers are in existing VPCs given by self link (so the component
// looks up their subnets at every preview), "payments" is renamed with an alias, and "ledger" is
// named by the organisation's transform.
var namingLangs = langs("naming", gosdk.Naming, gonative.Naming)

// namingProject is the producer project of the naming stacks (their gcp:project).
const namingProject = "acme-producer-prj"

// autonaming is the pattern of the stack's pulumi:autonaming: names start with the stack and end
// with four random hex digits, not the provider's default seven.
const autonaming = "${stack}-${name}-${hex(4)}"

// setAutonaming sets the stack's pulumi:autonaming pattern as a user does, with `pulumi config
// set --path` in the stack's project directory: the value is an object, which the harness's
// SetConfig (a string per key) cannot write. A Node or Python stack's directory holds no project
// yet before its first operation, so a minimal Pulumi.yaml is written first (the driver
// rewrites it with the same name and backend).
func setAutonaming(t *testing.T, env *harness.Env, st *harness.Stack) {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(env.Dir, "work", st.Project+"-"+st.Name+"-*"))
	if len(dirs) != 1 {
		t.Fatalf("want one workspace directory of %s, found %v", st.Ref(), dirs)
	}
	if _, err := os.Stat(filepath.Join(dirs[0], "Pulumi.yaml")); err != nil {
		project := fmt.Sprintf("name: %s\nruntime: nodejs\nbackend:\n  url: %s\n", st.Project, env.BackendURL)
		if err := os.WriteFile(filepath.Join(dirs[0], "Pulumi.yaml"), []byte(project), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"stack", "select", "--create", st.Ref(), "--secrets-provider", "passphrase"},
		{"config", "set", "--path", "pulumi:autonaming.pattern", autonaming, "--stack", st.Ref()},
	} {
		cmd := exec.Command(filepath.Join(env.Root, "bin", "pulumi"), append(args, "--non-interactive")...)
		cmd.Dir = dirs[0]
		cmd.Env = os.Environ()
		for k, v := range env.Environ() {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("pulumi %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// sharedVPCs is the platform team's network stack: the two existing VPCs the naming programs
// are given by self link.
func sharedVPCs(ctx *pulumi.Context) error {
	for _, name := range []string{"corp-vpc", "ledger-vpc"} {
		vpc, err := compute.NewNetwork(ctx, name, &compute.NetworkArgs{Name: pulumi.String(name), AutoCreateSubnetworks: pulumi.Bool(false)})
		if err != nil {
			return err
		}
		ctx.Export(name, vpc.SelfLink)
	}
	return nil
}

func TestNaming(t *testing.T) {
	run(t, namingLangs, func(t *testing.T, env *harness.Env, l lang) {
		net := env.GoStack("shared-network", "prod", sharedVPCs)
		net.SetConfig("gcp:project", namingProject, false)
		net.SetConfig("gcp:region", region, false)
		vpcs := net.Up()

		st := l.new(env, "naming")
		st.SetConfig("gcp:project", namingProject, false)
		st.SetConfig("gcp:region", region, false)
		st.SetConfig("network", vpcs.OutputString(t, "corp-vpc"), false)
		st.SetConfig("ledgerNetwork", vpcs.OutputString(t, "ledger-vpc"), false)
		setAutonaming(t, env, st)

		st.Preview()
		up := st.Up()
		for _, w := range up.Warnings() {
			if strings.Contains(w, "autonaming") {
				t.Errorf("pulumi:autonaming is not applied: %s", w)
			}
		}
		assertNames(t, env)
		assertComponentOutputs(t, st.Export(), 2)
		converged(t, st)
		secure.AssertPolicy(t, env, st)

		// Rename payments to payments-v2, with an alias to its old name: nothing is replaced,
		// and the next preview does not refuse the component's own subnets.
		st.SetConfig("serviceName", "payments-v2", false)
		noChanges(t, st.Preview(), "a rename with an alias must plan nothing")
		renamed := st.Up()
		noChanges(t, renamed, "a rename with an alias must change nothing")
		if n := renamed.Count(harness.OpSame, psc.ProducerServiceType); n != 2 {
			t.Errorf("after the rename %d ProducerServices are the same, want 2", n)
		}
		noChanges(t, st.Preview(), "a preview after the rename must plan nothing")
		destroyed(t, env, st, net)
	})
}

// assertNames checks the names the simulator gave the producers' subnets: the pulumi:autonaming
// pattern for payments, the transform's for ledger.
func assertNames(t *testing.T, env *harness.Env) {
	t.Helper()
	pattern := regexp.MustCompile(`^prod-payments-(lb|proxy|nat)-subnet-[0-9a-f]{4}$`)
	want := map[string]bool{"acme-ledger-lb-subnet": true, "acme-ledger-proxy-subnet": true, "acme-ledger-nat-subnet": true}
	var payments []string
	for _, r := range env.SimList() {
		if r.Type != tSubnet {
			continue
		}
		name := r.ID[strings.LastIndex(r.ID, "/")+1:]
		switch {
		case strings.Contains(r.Fields["network"], "/ledger-vpc"):
			if !want[name] {
				t.Errorf("ledger subnet %s is not named by the transform (want one of acme-ledger-{lb,proxy,nat}-subnet)", r.ID)
			}
			delete(want, name)
		default:
			payments = append(payments, name)
			if !pattern.MatchString(name) {
				t.Errorf("payments subnet %s does not follow pulumi:autonaming %s (the gcp plugin must apply the engine's "+
					"autonaming proposal; sim/gcpsim's Check names with its own 7-hex suffix)", name, autonaming)
			}
		}
	}
	if len(want) > 0 || len(payments) != 3 {
		t.Errorf("subnets: payments %v, ledger missing %v; want three each", payments, want)
	}
}
