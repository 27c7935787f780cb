// Command demo runs the main job of cloudrun-psc on this machine: the producer and consumer
// example stacks, through the real Pulumi engine, on a local file backend, against the GCP
// simulator. It prints the plan, the service attachment URI, the endpoint IP, the connection
// status before and after the producer accepts the consumer, and the private URL; then the call
// itself: a client in the consumer's VPC calling the private URL as the invoker the producer
// granted (cloudRun.invokers) and as an identity without the grant, each followed link by link by
// the simulator (bin/gcpsim request). It checks the secure-by-default invariants over the result
// (tests/secure), runs `cloudrun-psc doctor` over both stacks and `cloudrun-psc doctor --request`
// for the refused call (its cause and fix, from the stacks' state alone), and ends with the
// statuses the calls got: it fails unless the invoker got 200 and the other identity 403 from the
// simulator and from doctor alike.
//
// Run it with `make demo` (which builds the tools first). Everything it creates lives in .demo/.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/examples/go/programs"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/secure"
)

func main() {
	keep := flag.Bool("keep", false, "keep the stacks and the simulated cloud in .demo/ instead of destroying them")
	flag.Parse()
	root, err := harness.RepoRoot()
	if err != nil {
		fail(err)
	}
	dir := filepath.Join(root, ".demo")
	if err := os.RemoveAll(dir); err != nil {
		fail(err)
	}
	run(&demoT{dir: dir}, *keep)
}

// The demo's two callers, service accounts of the consumer's organisation: invoker is granted
// roles/run.invoker through the producer's cloudRun.invokers, outsider is not.
const (
	invoker  = "orders-caller@consumer-prj.iam.gserviceaccount.com"
	outsider = "batch-job@consumer-prj.iam.gserviceaccount.com"
	region   = "europe-west1"
)

func run(t *demoT, keep bool) {
	env := harness.New(t, harness.GCP())
	prod := env.GoStack("payments-producer", "dev", programs.Producer)
	cons := env.GoStack("payments-consumer", "dev", programs.Consumer)
	for _, s := range []struct {
		st      interface{ SetConfig(string, string, bool) }
		project string
	}{{prod, "producer-prj"}, {cons, "consumer-prj"}} {
		s.st.SetConfig("gcp:project", s.project, false)
		s.st.SetConfig("gcp:region", region, false)
	}
	cons.SetConfig("producerStack", prod.Ref(), false)
	prod.SetConfig("invokers", `["serviceAccount:`+invoker+`"]`, false)

	heading("1. Producer (organisation A, project producer-prj): publish the Cloud Run service, callable by " + invoker)
	printPlan(prod.Preview())
	up := prod.Up()
	uri := out(up, "serviceAttachmentUri")
	fmt.Printf("   service attachment URI: %s\n   load balancer IP:       %s (producer VPC)\n   NAT capacity:           %v endpoints\n",
		uri, out(up, "loadBalancerIp"), out(up, "natCapacity"))

	heading("2. Consumer (organisation B, project consumer-prj): endpoint + private DNS, URI read from the producer's stack")
	printPlan(cons.Preview())
	up = cons.Up()
	fmt.Printf("   endpoint IP:       %s\n   connection status: %s\n", out(up, "ipAddress"), out(up, "pscConnectionStatus"))
	for _, w := range up.Warnings() {
		fmt.Printf("   warning: %s\n", w)
	}

	heading("3. Producer accepts the consumer's project, read from the consumer's stack")
	prod.SetConfig("consumerStacks", `["`+cons.Ref()+`"]`, false)
	printPlan(prod.Preview())
	prod.Up()
	cons.Refresh()
	up = cons.Up()

	heading("Result")
	fmt.Printf("   service attachment: %s\n   endpoint IP:        %s\n   connection status:  %s\n   private URL:        %s\n",
		uri, out(up, "ipAddress"), out(up, "pscConnectionStatus"), out(up, "url"))
	fmt.Printf("   connections the producer sees (bin/gcpsim connections):\n")
	conns, err := exec.Command(filepath.Join(env.Root, "bin", "gcpsim"), "-state", env.SimState, "connections", uri.(string)).CombinedOutput()
	if err != nil {
		fail(fmt.Errorf("gcpsim connections: %v: %s", err, conns))
	}
	fmt.Print(indent(string(conns), "     "))
	// The Go invariants always run; the policy pack runs where `make tools` installed it (it needs
	// Node.js, which the Go-only demo does not).
	rep := secure.Inspect(t, env, secure.Options{}, prod, cons)
	for _, v := range rep.Violations {
		t.Errorf("secure by default: %s", v)
	}
	policy := "and the policy pack (policy/) finds no violation in either stack (pulumi policy analyze)"
	if err := env.PolicyPackReady(); err != nil {
		policy = fmt.Sprintf("the policy pack (policy/) did not run: %v (make tools installs it; it needs Node.js)", err)
	} else {
		secure.AssertPolicy(t, env, prod, cons)
	}
	fmt.Printf("   secure by default: %d invariants hold over %d simulated resources and %d state files (tests/secure);\n   %s\n",
		len(secure.Invariants), rep.Resources, rep.Files, policy)

	url := out(up, "url").(string) + "/"
	heading("4. The call: a client VM in the consumer's VPC (" + region + ") calls " + url + " (bin/gcpsim request)")
	network := out(up, "consumerNetwork").(string)
	network = network[strings.LastIndex(network, "/")+1:]
	granted := call(env, clientFlags(network, invoker), url)
	denied := call(env, clientFlags(network, outsider), url)

	heading("Doctor: the path link by link, both stacks read through the engine (bin/cloudrun-psc doctor)")
	doctor := env.Command("cloudrun-psc", "doctor", "--pulumi", filepath.Join(env.Root, "bin", "pulumi"),
		"--producer-stack", prod.Ref(), "--consumer-stack", cons.Ref())
	report, err := doctor.CombinedOutput()
	fmt.Print(indent(string(report), "   "))
	if err != nil {
		fail(fmt.Errorf("cloudrun-psc doctor: %v", err))
	}

	// The refused call again, answered by doctor from the two stacks' state alone (pkg/doctor,
	// written apart from the simulator): its cause and its fix. Exit status 1: not a 200.
	args := append([]string{"doctor", "--pulumi", filepath.Join(env.Root, "bin", "pulumi"),
		"--producer-stack", prod.Ref(), "--consumer-stack", cons.Ref(), "--request", url}, clientFlags(network, outsider)...)
	fmt.Printf("\n   The refused call, as doctor answers it:\n   $ bin/cloudrun-psc %s\n", strings.Join(args[:1], " ")+" "+strings.Join(args[3:], " "))
	report, err = env.Command("cloudrun-psc", args...).CombinedOutput()
	fmt.Print(indent(string(report), "   "))
	if code := exitCode(err); code != 1 {
		fail(fmt.Errorf("cloudrun-psc doctor --request: exit status %d, want 1 (a refused call): %v", code, err))
	}
	doctorVerdict := lastLine(string(report))

	heading("Summary: what the calls got")
	fmt.Printf("   %s (granted roles/run.invoker by cloudRun.invokers): %s\n", invoker, granted.verdict)
	fmt.Printf("   %s (not in cloudRun.invokers): %s\n      doctor: %s\n", outsider, denied.verdict, doctorVerdict)
	if !granted.OK() || denied.Status != 403 || !strings.HasPrefix(doctorVerdict, "answer: 403, refused at "+denied.Link+" ("+denied.Rule+")") {
		fail(fmt.Errorf("the invoker's call must get 200 and the other identity's 403 from the simulator and from doctor; they got %q, %q and doctor %q",
			granted.verdict, denied.verdict, doctorVerdict))
	}

	if keep {
		fmt.Printf("\nKept: inspect the simulated cloud with  bin/gcpsim -state %s list\n", env.SimState)
	} else {
		cons.Destroy()
		prod.Destroy()
		fmt.Printf("\nDestroyed both stacks; the simulated cloud now holds %d resources.\n", env.SimCount())
	}
	fmt.Print(realCloud)
}

// answer is what a call got: the simulator's answer, and the verdict line `gcpsim request` ends
// its text with (the status, or the refusing link, its rule and why).
type answer struct {
	gcpsim.CallResult
	verdict string
}

// clientFlags place a client VM in the consumer's apps subnet, calling as the service account
// caller with an ID token for the URL: the flags `gcpsim request` and `cloudrun-psc doctor
// --request` share.
func clientFlags(network, caller string) []string {
	return []string{"--project", "consumer-prj", "--network", network, "--region", region, "--impersonate-service-account", caller}
}

// call shows `gcpsim request` for a client calling url and returns its answer.
func call(env *harness.Env, client []string, url string) answer {
	args := append(append([]string{"request"}, client...), url)
	fmt.Printf("\n   as %s:\n   $ bin/gcpsim %s\n", client[len(client)-1], strings.Join(args, " "))
	bin := filepath.Join(env.Root, "bin", "gcpsim")
	text, err := exec.Command(bin, append([]string{"-state", env.SimState}, args...)...).CombinedOutput()
	if err != nil {
		fail(fmt.Errorf("gcpsim request: %v: %s", err, text))
	}
	fmt.Print(indent(string(text), "     "))
	a := answer{verdict: lastLine(string(text))}
	js, err := exec.Command(bin, append([]string{"-state", env.SimState, "-json"}, args...)...).Output()
	if err != nil {
		fail(fmt.Errorf("gcpsim -json request: %v", err))
	}
	if err := json.Unmarshal(js, &a.CallResult); err != nil {
		fail(fmt.Errorf("gcpsim -json request: %w", err))
	}
	return a
}

// lastLine is the last line of a command's output: the verdict of gcpsim request and doctor.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// exitCode is a command's exit status (0 when err is nil).
func exitCode(err error) int {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		fail(err)
	}
	return 0
}

const realCloud = `
The same programs against real Google Cloud (two projects, Pulumi's Go language host):
   cd examples/go/producer && pulumi stack init dev && pulumi config set gcp:project <producer-project> && pulumi up
   cd examples/go/consumer && pulumi stack init dev && pulumi config set gcp:project <consumer-project> \
      && pulumi config set producerStack <org>/payments-producer/dev && pulumi up
   then, on the producer: pulumi config set --path 'consumerStacks[0]' <org>/payments-consumer/dev \
      && pulumi config set --path 'invokers[0]' serviceAccount:<caller>@<consumer-project>.iam.gserviceaccount.com && pulumi up
   and the call, from a VM in the consumer's VPC running as that service account:
      curl -H "Authorization: Bearer $(gcloud auth print-identity-token --audiences=http://payment-api.internal)" http://payment-api.internal/
`

// printPlan prints a preview's planned creations and updates by resource type.
func printPlan(s *harness.Summary) {
	byType := s.ByType()
	types := make([]string, 0, len(byType))
	for typ := range byType {
		types = append(types, typ)
	}
	sort.Strings(types)
	fmt.Println("   plan:")
	for _, typ := range types {
		var ops []string
		for op, n := range byType[typ] {
			if op != harness.OpSame && op != harness.OpRead {
				ops = append(ops, fmt.Sprintf("%s %d", op, n))
			}
		}
		if len(ops) > 0 && !strings.HasPrefix(typ, "pulumi:") {
			sort.Strings(ops)
			fmt.Printf("     %-70s %s\n", typ, strings.Join(ops, ", "))
		}
	}
}

func out(s *harness.Summary, name string) any {
	v, err := s.Output(name)
	if err != nil {
		fail(err)
	}
	return v
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix) + "\n"
}

func heading(s string) { fmt.Printf("\n== %s\n", s) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "demo:", err)
	os.Exit(1)
}

// demoT lets the test harness drive the demo: failures end the program, logs are quiet.
type demoT struct{ dir string }

func (d *demoT) Helper()                      {}
func (d *demoT) Fatal(args ...any)            { fail(fmt.Errorf("%s", fmt.Sprint(args...))) }
func (d *demoT) Fatalf(f string, args ...any) { fail(fmt.Errorf(f, args...)) }
func (d *demoT) Errorf(f string, args ...any) { fail(fmt.Errorf(f, args...)) }
func (d *demoT) Logf(string, ...any)          {}
func (d *demoT) TempDir() string {
	if err := os.MkdirAll(d.dir, 0o755); err != nil {
		fail(err)
	}
	return d.dir
}
