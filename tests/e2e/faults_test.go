package e2e

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// The fault tests: Google Cloud failing in the middle of an update, through the real engine
// against the simulator's fault injection (GCPSIM_FAULTS, set per world with Env.SetEnv).
// Whatever fails, the stacks' states and the cloud must agree afterwards (nothing orphaned,
// nothing phantom), the error must say what failed, and the next up must converge.

const faultsVar = "GCPSIM_FAULTS"

// chainWorld is a world with a chainProducer stack and, once consumer is called, a chainConsumer stack.
type chainWorld struct {
	t    *testing.T
	env  *harness.Env
	prod *harness.Stack
	cons *harness.Stack
}

// newChain creates a world whose producer accepts the given consumer projects.
func newChain(t *testing.T, consumerProjects ...string) *chainWorld {
	t.Helper()
	cert, key := psctest.SelfSignedCert(t, "payment-api.internal")
	env := harness.New(t, harness.GCP())
	c := &chainWorld{t: t, env: env, prod: env.GoStack("payments-producer", "dev", chainProducer(cert, key))}
	c.prod.Configure(producerProject, region, map[string]string{"consumerProjects": harness.JSONList(consumerProjects...)})
	return c
}

// consumer creates a consumer stack (of project payments-consumer) configured with extra; it
// replaces the chain's previous consumer.
func (c *chainWorld) consumer(stack string, extra map[string]string) *harness.Stack {
	c.cons = c.env.GoStack("payments-consumer", stack, chainConsumer)
	c.cons.Configure(consumerProject, region, extra)
	return c.cons
}

// stacks returns the chain's stacks, consumer first (the order to destroy them in).
func (c *chainWorld) stacks() []*harness.Stack {
	if c.cons == nil {
		return []*harness.Stack{c.prod}
	}
	return []*harness.Stack{c.cons, c.prod}
}

// deployProducer brings the producer up and returns its attachment URI.
func (c *chainWorld) deployProducer() string {
	c.t.Helper()
	return c.prod.Up().OutputString(c.t, "serviceAttachmentUri")
}

// assertAgreement checks that the stacks' states and the simulator hold the same resources.
func assertAgreement(t *testing.T, env *harness.Env, when string, stacks ...*harness.Stack) {
	t.Helper()
	if d := env.Disagreements(stacks...); len(d) > 0 {
		t.Errorf("%s: state and simulator disagree:\n  %s", when, strings.Join(d, "\n  "))
	}
}

// target is one resource of the chains, named as the engine names it, into whose first create a
// fault is injected.
type target struct {
	consumer bool // created by the consumer stack
	typ      string
	name     string
}

func (tg target) String() string {
	side := "producer"
	if tg.consumer {
		side = "consumer"
	}
	return side + "/" + tg.name
}

// is reports whether urn, of any stack, names this resource.
func (tg target) is(urn string) bool {
	u := resource.URN(urn)
	return u.IsValid() && string(u.Type()) == tg.typ && u.Name() == tg.name
}

// fault is the GCPSIM_FAULTS entry failing the nth create of this resource with kind.
func (tg target) fault(kind string, n int) string {
	return fmt.Sprintf("create:%s[%s]:%d:%s", tg.typ, tg.name, n, kind)
}

// planTargets previews both chains in a world of its own and returns every gcp resource the
// previews plan to create: the fault tests follow the components, so a child type added to a
// component is covered without a change here.
func planTargets(t *testing.T) []target {
	t.Helper()
	c := newChain(t, consumerProject)
	cons := c.consumer("dev", map[string]string{"serviceAttachment": attachmentPrefix + "-0123456"})
	var out []target
	for _, st := range []*harness.Stack{c.prod, cons} {
		for _, step := range st.Preview().Steps {
			if step.Op == harness.OpCreate && strings.HasPrefix(step.Type, "gcp:") {
				out = append(out, target{consumer: st == cons, typ: step.Type, name: resource.URN(step.URN).Name()})
			}
		}
	}
	if n := c.env.SimCount(); n != 0 {
		t.Fatalf("previews created %d resources", n)
	}
	return out
}

// chainTypes are the types each chain must create for the fault test to cover what the
// components can create, with how many of each at least.
var chainTypes = map[bool]map[string]int{
	false: {tNetwork: 1, tSubnet: 3, tService: 1, chain.CloudRunServiceIamBindingType: 1, tNEG: 1,
		tBackend: 1, tURLMap: 1, chain.RegionTargetHttpsProxyType: 1,
		chain.RegionSslCertificateType: 1, tRule: 1, tAttachment: 1},
	true: {tNetwork: 1, tSubnet: 1, tAddress: 1, tRule: 1, chain.FirewallType: 1, tZone: 1, tRecord: 1},
}

// assertFailedOn checks that an up failed because of the fault injected into tg: the error
// names the resource and carries the googleapi error, and the resource is not in the state.
func assertFailedOn(t *testing.T, st *harness.Stack, sum *harness.Summary, err error, tg target, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("up succeeded despite the fault %s\n%s", tg.fault("…", 1), sum)
	}
	var diag string
	for _, d := range sum.Diagnostics {
		if d.Severity == "error" && tg.is(d.URN) {
			diag = d.Message
		}
	}
	t.Logf("%s: %s", tg, diag)
	for _, f := range fragments {
		if !strings.Contains(diag, f) {
			t.Errorf("the error logged against %s does not say %q: %q", tg, f, diag)
		}
	}
	// The CLI's diagnostics name the resource as `gcp:compute:Subnetwork (payments-nat-subnet):`.
	text := err.Error()
	for _, f := range append([]string{displayType(tg.typ) + " (" + tg.name + "):"}, fragments...) {
		if !strings.Contains(text, f) {
			t.Errorf("the failed up's message does not say %q:\n%s", f, text)
		}
	}
	for _, r := range st.Export().Resources {
		if tg.is(string(r.URN)) {
			t.Errorf("the failed resource %s is in the state", r.URN)
		}
	}
}

// displayType is a type token as the CLI prints it: gcp:compute/subnetwork:Subnetwork is shown as
// gcp:compute:Subnetwork.
func displayType(token string) string {
	parts := strings.Split(token, ":")
	if len(parts) != 3 {
		return token
	}
	mod, _, _ := strings.Cut(parts[1], "/")
	return parts[0] + ":" + mod + ":" + parts[2]
}

// For every gcp resource the producer and consumer chains create, the first create fails with a
// transient googleapi 503: the up fails and names the resource and the error, the states and the
// simulator agree, a second up converges with nothing left to change, and destroy empties the
// simulator.
func TestTransientFaultOnEveryCreate(t *testing.T) {
	t.Parallel()
	targets := planTargets(t)
	for _, consumer := range []bool{false, true} {
		got := map[string]int{}
		for _, tg := range targets {
			if tg.consumer == consumer {
				got[tg.typ]++
			}
		}
		for typ, n := range chainTypes[consumer] {
			if got[typ] < n {
				t.Errorf("consumer=%v: the chain creates %d of %s, want at least %d (plan: %v)", consumer, got[typ], typ, n, got)
			}
		}
	}
	t.Logf("%d faults, one per planned resource", len(targets))
	var consumerTargets []target
	for _, tg := range targets {
		if tg.consumer {
			consumerTargets = append(consumerTargets, tg)
			continue
		}
		t.Run(tg.String(), func(t *testing.T) {
			t.Parallel()
			c := newChain(t, consumerProject)
			transientCreate(t, c, c.prod, tg)
			destroyAll(t, c.env, c.prod)
		})
	}
	// The consumer's faults share one producer, each with a consumer stack of its own: a fault
	// counts only the operations on its resource while it is set, so each stack's first create
	// of the resource is the one that fails.
	t.Run("consumer", func(t *testing.T) {
		t.Parallel()
		c := newChain(t, consumerProject)
		uri := c.deployProducer()
		for i, tg := range consumerTargets {
			t.Run(tg.name, func(t *testing.T) {
				cons := c.consumer(fmt.Sprintf("fault-%d", i), map[string]string{"serviceAttachment": uri})
				if got := transientCreate(t, c, cons, tg).OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
					t.Errorf("status after the second up = %q, want ACCEPTED", got)
				}
				cons.Destroy()
				assertAgreement(t, c.env, "after the consumer's destroy", c.prod)
			})
		}
		destroyAll(t, c.env, c.prod)
	})
}

// transientCreate fails the first create of tg with a transient error: the up of st fails and
// names tg and the error, the chain's states and the simulator agree, and a second up converges
// with nothing left to change. It returns the second up's summary.
func transientCreate(t *testing.T, c *chainWorld, st *harness.Stack, tg target) *harness.Summary {
	t.Helper()
	c.env.SetEnv(faultsVar, tg.fault("transient", 1))
	defer c.env.UnsetEnv(faultsVar)
	sum, err := st.Try(harness.Up)
	assertFailedOn(t, st, sum, err, tg, "googleapi: Error 503", "backendError")
	assertAgreement(t, c.env, "after the failed up", c.stacks()...)
	up := st.Up()
	if p := st.Preview(); p.HasChanges() {
		t.Errorf("a preview after the second up plans changes:\n%s", p)
	}
	assertAgreement(t, c.env, "after the second up", c.stacks()...)
	return up
}

// A quota error is not transient: the producer's service attachment and then the consumer's
// endpoint hit a quota. Each up fails and says quota, retrying does not help while the quota
// holds, nothing is orphaned, and once the quota is raised the next up converges. The same holds
// when the engine saves the stacks only at the end of each operation (PULUMI_SKIP_CHECKPOINTS,
// the setting BENCHMARKS.md section 6 names for stacks of hundreds of endpoints): a failed up still
// records what it created.
func TestQuotaFault(t *testing.T) {
	t.Parallel()
	for _, checkpoints := range []struct {
		name string
		vars map[string]string
	}{
		{"every-step", nil},
		{"skipped", map[string]string{"PULUMI_SKIP_CHECKPOINTS": "true"}},
	} {
		t.Run(checkpoints.name, func(t *testing.T) {
			t.Parallel()
			quotaFault(t, checkpoints.vars)
		})
	}
}

func quotaFault(t *testing.T, vars map[string]string) {
	c := newChain(t, consumerProject)
	for k, v := range vars {
		c.env.SetEnv(k, v)
	}
	attachment := target{typ: tAttachment, name: "payments-attachment"}
	c.env.SetEnv(faultsVar, attachment.fault("quota", 1)+","+attachment.fault("quota", 2))
	for range 2 {
		sum, err := c.prod.Try(harness.Up)
		assertFailedOn(t, c.prod, sum, err, attachment, "googleapi: Error 403", "Quota exceeded", "QUOTA_EXCEEDED")
		assertAgreement(t, c.env, "after an up over quota", c.stacks()...)
	}
	c.env.UnsetEnv(faultsVar) // the quota was raised
	uri := c.deployProducer()

	endpoint := target{consumer: true, typ: tRule, name: "payments-endpoint"}
	cons := c.consumer("dev", map[string]string{"serviceAttachment": uri})
	c.env.SetEnv(faultsVar, endpoint.fault("quota", 1))
	sum, err := cons.Try(harness.Up)
	assertFailedOn(t, cons, sum, err, endpoint, "googleapi: Error 403", "Quota exceeded", "QUOTA_EXCEEDED")
	assertAgreement(t, c.env, "after the consumer's up over quota", c.stacks()...)
	c.env.UnsetEnv(faultsVar)
	if got := cons.Up().OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
		t.Errorf("status once the quota is raised = %q, want ACCEPTED", got)
	}
	assertConverged(t, cons)
	assertAgreement(t, c.env, "after convergence", c.stacks()...)
	destroyAll(t, c.env, c.stacks()...)
}

// logWarnings logs an operation's warnings, the messages a user reads.
func logWarnings(t *testing.T, s *harness.Summary) {
	t.Helper()
	for _, w := range s.Warnings() {
		t.Logf("%s warning: %s", s.Operation, w)
	}
}

// statuses returns the statuses output of a chainConsumer up, counted by status.
func statuses(t *testing.T, up *harness.Summary) map[string]int {
	t.Helper()
	v, err := up.Output("statuses")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	list, _ := v.([]any)
	for _, s := range list {
		out[fmt.Sprint(s)]++
	}
	return out
}

// connections returns the endpoints the simulator has connected to the attachment at uri.
func connections(t *testing.T, env *harness.Env, uri string) []gcpsim.Connection {
	t.Helper()
	conns, err := env.For(t).SimSnapshot().Connections(uri)
	if err != nil {
		t.Fatal(err)
	}
	return conns
}

// A producer whose NAT subnet is full: a /29 serves four endpoints, so the fifth endpoint of a
// consumer is NEEDS_ATTENTION and the consumer's warning names the cause and the fix. Adding a
// NAT subnet updates the attachment in place, the four connected endpoints keep their
// connections, and after a refresh the fifth is ACCEPTED.
func TestNatExhaustionAndGrowth(t *testing.T) {
	t.Parallel()
	c := newChain(t, consumerProject)
	c.prod.Configure(producerProject, region, map[string]string{"natSubnets": `["10.20.0.0/29"]`})
	prodUp := c.prod.Up()
	if got := prodUp.Outputs["natCapacity"].Value; got != 4.0 {
		t.Errorf("natCapacity of a /29 = %v, want 4", got)
	}
	uri := prodUp.OutputString(t, "serviceAttachmentUri")
	cons := c.consumer("dev", map[string]string{"serviceAttachment": uri, "endpoints": "5"})
	up := cons.Up()
	if got := statuses(t, up); got["ACCEPTED"] != 4 || got["NEEDS_ATTENTION"] != 1 {
		t.Errorf("statuses of five endpoints behind a /29 = %v, want 4 ACCEPTED and 1 NEEDS_ATTENTION", got)
	}
	logWarnings(t, up)
	if !warnedWith(up, "PSC connection status is NEEDS_ATTENTION", "NAT subnets have no free address", "additionalNatSubnets") {
		t.Errorf("NEEDS_ATTENTION must warn with the cause and the fix, warnings: %v", up.Warnings())
	}
	before := map[string]string{} // endpoint -> connection id of the accepted ones
	for _, conn := range connections(t, c.env, uri) {
		if conn.Status == "ACCEPTED" {
			before[conn.Endpoint] = conn.PscConnectionID
		}
	}

	c.prod.Configure(producerProject, region, map[string]string{"natSubnets": `["10.20.0.0/29","10.20.0.8/29"]`})
	if p := c.prod.Preview(); p.Count(harness.OpCreate, tSubnet) != 1 || p.Count(harness.OpUpdate, tAttachment) != 1 ||
		p.Count(harness.OpReplace, "") != 0 || p.Count(harness.OpDelete, "") != 0 {
		t.Errorf("adding a NAT subnet must create it and update the attachment in place, plan: %v", p.ByType())
	}
	if got := c.prod.Up().Outputs["natCapacity"].Value; got != 8.0 {
		t.Errorf("natCapacity of two /29 = %v, want 8", got)
	}
	for _, conn := range connections(t, c.env, uri) {
		if id, ok := before[conn.Endpoint]; ok && (conn.Status != "ACCEPTED" || conn.PscConnectionID != id) {
			t.Errorf("growing the NAT capacity disturbed %s: %s, connection %s (was ACCEPTED, %s)", conn.Endpoint, conn.Status, conn.PscConnectionID, id)
		}
	}
	cons.Refresh()
	if got := ruleStatuses(t, cons); got["ACCEPTED"] != 5 {
		t.Errorf("statuses in the state after the refresh = %v, want 5 ACCEPTED", got)
	}
	up = cons.Up()
	if got := statuses(t, up); got["ACCEPTED"] != 5 {
		t.Errorf("statuses after the NAT subnet was added = %v, want 5 ACCEPTED", got)
	}
	if warnedWith(up, "PSC connection status") {
		t.Errorf("ACCEPTED endpoints must not warn: %v", up.Warnings())
	}
	assertConverged(t, cons)
	assertAgreement(t, c.env, "after recovery", c.stacks()...)
	destroyAll(t, c.env, c.stacks()...)
}

// ruleStatuses counts the pscConnectionStatus of the endpoint rules in the stack's state: what a
// refresh brought in (a refresh reports a change of outputs alone as "same").
func ruleStatuses(t *testing.T, st *harness.Stack) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, r := range st.Export().Resources {
		if string(r.Type) == tRule && !r.PendingReplacement {
			out[fmt.Sprint(r.Outputs["pscConnectionStatus"])]++
		}
	}
	return out
}

// ruleStatus returns the pscConnectionStatus the stack's state holds for its one endpoint rule.
func ruleStatus(t *testing.T, st *harness.Stack) string {
	t.Helper()
	got := ruleStatuses(t, st)
	if len(got) != 1 {
		t.Fatalf("%s: endpoint statuses %v, want one endpoint", st.Ref(), got)
	}
	for status := range got {
		return status
	}
	return ""
}

// The producer is destroyed while two consumers are connected, one reading the attachment URI
// from the producer's stack, one given it as a plain string. Their refreshes see CLOSED (the
// plain one, refreshed with its program, also warns), their ups while the producer is gone
// fail and say why without orphaning anything, and once the producer is back with a new
// attachment their ups recreate the endpoints (recreateClosedPsc), which are ACCEPTED again.
func TestProducerDestroyedWhileConnected(t *testing.T) {
	t.Parallel()
	c := newChain(t, consumerProject)
	uri := c.deployProducer()
	byRef := c.consumer("by-ref", map[string]string{"producerStack": c.prod.Ref()})
	plain := c.consumer("plain", map[string]string{"serviceAttachment": uri})
	consumers := []*harness.Stack{byRef, plain}
	all := []*harness.Stack{byRef, plain, c.prod}
	for _, st := range consumers {
		if got := st.Up().OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
			t.Fatalf("%s: status = %q, want ACCEPTED", st.Ref(), got)
		}
	}

	c.prod.Destroy()
	for _, r := range c.env.SimList() {
		if r.Type == tRule && r.Fields["pscConnectionStatus"] != "CLOSED" {
			t.Errorf("the attachment is deleted, yet endpoint %s is %q", r.ID, r.Fields["pscConnectionStatus"])
		}
	}
	byRef.Refresh()
	if got := ruleStatus(t, byRef); got != "CLOSED" {
		t.Errorf("%s: status after the refresh = %s, want CLOSED", byRef.Ref(), got)
	}
	r, err := plain.Try(harness.RefreshProgram)
	if got := ruleStatus(t, plain); err != nil || got != "CLOSED" {
		t.Errorf("%s: refresh: %v, status %s, want CLOSED", plain.Ref(), err, got)
	}
	logWarnings(t, r)
	if !warnedWith(r, "PSC connection status is CLOSED", "service attachment was deleted") {
		t.Errorf("a CLOSED endpoint must warn with the cause, warnings: %v", r.Warnings())
	}

	// With the producer gone, an up cannot recreate the endpoints, and says why.
	sum, err := byRef.Try(harness.Up)
	t.Logf("%s: up without the producer: %v", byRef.Ref(), sum.Errors())
	if err == nil || !strings.Contains(err.Error(), `producerStack: stack "`+c.prod.Ref()+`" has no outputs: it is not deployed`) {
		t.Errorf("%s: up without the producer: %v, want the producer stack named as not deployed\n%s", byRef.Ref(), err, sum)
	}
	sum, err = plain.Try(harness.Up)
	t.Logf("%s: up without the producer: %v", plain.Ref(), sum.Errors())
	if err == nil || !strings.Contains(err.Error(), "The resource '"+uri+"' was not found") {
		t.Errorf("%s: up without the producer: %v, want the missing attachment named\n%s", plain.Ref(), err, sum)
	}
	assertAgreement(t, c.env, "after the ups without producer", all...)

	// The producer is back, with a new attachment: the stack reference follows it, the other
	// consumer is given the new URI.
	newURI := c.deployProducer()
	plain.Configure(consumerProject, region, map[string]string{"serviceAttachment": newURI})
	for _, st := range consumers {
		up := st.Up()
		if got := up.OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
			t.Errorf("%s: status once the producer is back = %q, want ACCEPTED", st.Ref(), got)
		}
		if got := up.OutputString(t, "serviceAttachmentUri"); got != newURI {
			t.Errorf("%s: the endpoint targets %q, want the new attachment %q", st.Ref(), got, newURI)
		}
		assertConverged(t, st)
	}
	assertAgreement(t, c.env, "after recovery", all...)
	destroyAll(t, c.env, all...)
}

// Two consumer stacks of one project run up at the same time against an attachment that accepts
// one endpoint of that project: the simulator's shared state admits exactly one (ACCEPTED) and
// keeps the other PENDING, whichever comes first, and loses neither. The latency model is on so
// that the two updates overlap as they would in Google Cloud.
func TestConcurrentConsumersOneSlot(t *testing.T) {
	t.Parallel()
	c := newChain(t, consumerProject)
	c.prod.Configure(producerProject, region, map[string]string{"connectionLimit": "1"})
	uri := c.deployProducer()
	a := c.consumer("a", map[string]string{"serviceAttachment": uri})
	b := c.consumer("b", map[string]string{"serviceAttachment": uri})
	consumers := []*harness.Stack{a, b}
	c.env.SetEnv("GCPSIM_LATENCY_SCALE", "0.01")

	ups := make([]*harness.Summary, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, st := range consumers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ups[i], errs[i] = st.Try(harness.Up)
		}()
	}
	close(start)
	wg.Wait()
	c.env.UnsetEnv("GCPSIM_LATENCY_SCALE")
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: concurrent up failed: %v\n%s", consumers[i].Ref(), err, ups[i])
		}
	}

	got := map[string]*harness.Stack{}
	for i, st := range consumers {
		got[ups[i].OutputString(t, "pscConnectionStatus")] = st
	}
	pending, accepted := got["PENDING"], got["ACCEPTED"]
	if len(got) != 2 || pending == nil || accepted == nil {
		t.Fatalf("statuses %v, want one ACCEPTED and one PENDING", got)
	}
	for i, st := range consumers {
		logWarnings(t, ups[i])
		if st == pending && !warnedWith(ups[i], "PSC connection status is PENDING", "connectionLimit") {
			t.Errorf("%s: a PENDING endpoint must warn, warnings: %v", st.Ref(), ups[i].Warnings())
		}
	}

	// No lost update: the attachment lists both endpoints, each with the status its stack
	// reports and a connection id of its own.
	conns := connections(t, c.env, uri)
	ids := map[string]bool{}
	for _, conn := range conns {
		ids[conn.PscConnectionID] = true
	}
	if len(conns) != 2 || len(ids) != 2 {
		t.Fatalf("the attachment lists %+v, want two endpoints with distinct connection ids", conns)
	}
	for _, st := range consumers {
		status := ruleStatus(t, st)
		if !slices.ContainsFunc(conns, func(conn gcpsim.Connection) bool { return conn.Status == status }) || (status == "ACCEPTED") != (st == accepted) {
			t.Errorf("%s: the state says %s, the attachment lists %+v", st.Ref(), status, conns)
		}
	}
	assertAgreement(t, c.env, "after the concurrent ups", append(consumers, c.prod)...)
	for _, st := range consumers {
		if p := st.Preview(); p.HasChanges() {
			t.Errorf("%s: a preview after the concurrent up plans changes:\n%s", st.Ref(), p)
		}
	}

	destroyAll(t, c.env, a, b, c.prod)
}

// The way to grow NAT capacity that converges (SA-NAT-LIST-ORDER): widening natSubnet to a range
// that holds the current one updates the subnet in place (SUBNET-EXPAND), leaves the attachment
// and its connection alone, and the next preview is empty; a second NAT subnet instead brings the
// warning about the list order this provider version diffs.
func TestWideningTheNatSubnetGrowsCapacityInPlace(t *testing.T) {
	t.Parallel()
	c := newChain(t, consumerProject)
	c.prod.Configure(producerProject, region, map[string]string{"natSubnets": `["10.20.0.0/29"]`})
	uri := c.prod.Up().OutputString(t, "serviceAttachmentUri")
	cons := c.consumer("dev", map[string]string{"serviceAttachment": uri})
	if got := statuses(t, cons.Up()); got["ACCEPTED"] != 1 {
		t.Fatalf("endpoint statuses = %v, want 1 ACCEPTED", got)
	}
	before := connections(t, c.env, uri)

	c.prod.Configure(producerProject, region, map[string]string{"natSubnets": `["10.20.0.0/28"]`})
	p := c.prod.Preview()
	if p.Count(harness.OpUpdate, tSubnet) != 1 || p.Count(harness.OpReplace, "") != 0 || p.Count(harness.OpCreate, "") != 0 ||
		p.Count(harness.OpDelete, "") != 0 || p.Count(harness.OpUpdate, tAttachment) != 0 {
		t.Errorf("widening the NAT subnet must update the subnet alone, in place; plan: %v", p.ByType())
	}
	up := c.prod.Up()
	if got := up.Outputs["natCapacity"].Value; got != 12.0 {
		t.Errorf("natCapacity of a /28 = %v, want 12", got)
	}
	if warnedWith(up, "hashicorp/terraform-provider-google#25913") {
		t.Errorf("one NAT subnet must not warn about the list order: %v", up.Warnings())
	}
	after := connections(t, c.env, uri)
	if len(after) != 1 || len(before) != 1 || after[0].PscConnectionID != before[0].PscConnectionID || after[0].Status != "ACCEPTED" {
		t.Errorf("widening the NAT subnet disturbed the connection: before %+v, after %+v", before, after)
	}
	assertConverged(t, c.prod)

	c.prod.Configure(producerProject, region, map[string]string{"natSubnets": `["10.20.0.0/28","10.20.0.16/29"]`})
	if !warnedWith(c.prod.Preview(), "more than one NAT subnet", "hashicorp/terraform-provider-google#25913", "widen natSubnet") {
		t.Errorf("two NAT subnets must warn about the list order and name the in-place alternative")
	}
	destroyAll(t, c.env, c.stacks()...)
}

// additionalNatSubnets entries are keyed: removing the first of two deletes its subnet only; the
// other keeps its name and its subnet (by position, the second would have been replaced with the
// first's name and the first's subnet deleted, under connected endpoints).
func TestRemovingAnAdditionalNatSubnetKeepsTheOthers(t *testing.T) {
	t.Parallel()
	c := newChain(t, consumerProject)
	c.prod.Configure(producerProject, region, map[string]string{"natSubnets": `["10.20.0.0/29","10.20.0.8/29","10.20.0.16/29"]`})
	if got := c.prod.Up().Outputs["natCapacity"].Value; got != 12.0 {
		t.Errorf("natCapacity of three /29 = %v, want 12", got)
	}
	kept := ""
	for _, r := range c.env.SimList() {
		if r.Type == tSubnet && r.Fields["ipCidrRange"] == "10.20.0.16/29" {
			kept = r.ID
		}
	}
	c.prod.Configure(producerProject, region, map[string]string{"natSubnets": `["10.20.0.0/29","10.20.0.16/29"]`})
	p := c.prod.Preview()
	if p.Count(harness.OpDelete, tSubnet) != 1 || p.Count(harness.OpCreate, "") != 0 || p.Count(harness.OpReplace, "") != 0 ||
		p.Count(harness.OpUpdate, tAttachment) != 1 {
		t.Errorf("removing the first additional NAT subnet must delete it alone and update the attachment, plan: %v", p.ByType())
	}
	c.prod.Up()
	found := false
	for _, r := range c.env.SimList() {
		found = found || (r.Type == tSubnet && r.ID == kept && r.Fields["ipCidrRange"] == "10.20.0.16/29")
		if r.Type == tSubnet && r.Fields["ipCidrRange"] == "10.20.0.8/29" {
			t.Errorf("the removed entry's subnet %s is still there", r.ID)
		}
	}
	if kept == "" || !found {
		t.Errorf("the remaining additional NAT subnet %q must be kept as it was", kept)
	}
	assertConvergedUpToNatOrder(t, c.prod)
	destroyAll(t, c.env, c.stacks()...)
}

// assertConvergedUpToNatOrder is assertConverged for a producer with more than one NAT subnet,
// whose attachment may show the documented permadiff of TPG#25913: the API returns natSubnets in
// an order of its own, and the provider diffs the program's order against it. Which outcome is
// right is read from the state: where the two orders agree, nothing may change; where they
// differ, the one change must be an update of the attachment, with the component's warning.
func assertConvergedUpToNatOrder(t *testing.T, st *harness.Stack) {
	t.Helper()
	var sent, returned []string
	for _, r := range st.Export().Resources {
		if string(r.Type) == tAttachment {
			sent, returned = lastSegments(r.Inputs["natSubnets"]), lastSegments(r.Outputs["natSubnets"])
		}
	}
	if len(sent) < 2 || !slices.Equal(slices.Sorted(slices.Values(sent)), slices.Sorted(slices.Values(returned))) {
		t.Fatalf("%s: the attachment's natSubnets are %v in the program and %v in the state, want the same two or more", st.Ref(), sent, returned)
	}
	t.Logf("%s: natSubnets sent as %v, returned as %v", st.Ref(), sent, returned)
	if slices.Equal(sent, returned) {
		assertConverged(t, st)
		return
	}
	p := st.Preview()
	for _, step := range p.Steps {
		if step.Op != harness.OpSame && !(step.Op == harness.OpUpdate && step.Type == tAttachment) {
			t.Errorf("%s: with natSubnets in another order than the API's, only the attachment may show an update; got %s %s", st.Ref(), step.Op, step.URN)
		}
	}
	if p.Count(harness.OpUpdate, tAttachment) != 1 || !warnedWith(p, "hashicorp/terraform-provider-google#25913") {
		t.Errorf("%s: natSubnets sent as %v and returned as %v must show one attachment update and the list-order warning; plan %v, warnings %v",
			st.Ref(), sent, returned, p.ByType(), p.Warnings())
	}
}

// lastSegments returns the last path segment of each element of a list of resource references.
func lastSegments(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		s := fmt.Sprint(e)
		out = append(out, s[strings.LastIndex(s, "/")+1:])
	}
	return out
}
