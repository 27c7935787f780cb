// Package e2e runs the example programs through the real Pulumi engine against the GCP
// simulator: Go natively, and TypeScript, Python and YAML through the generated SDKs and the
// provider plugin.
package e2e

import (
	"maps"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// Resource types of the example graphs.
const (
	tNetwork    = chain.NetworkType
	tSubnet     = chain.SubnetworkType
	tService    = chain.CloudRunServiceType
	tNEG        = chain.RegionNetworkEndpointGroupType
	tBackend    = chain.RegionBackendServiceType
	tURLMap     = chain.RegionUrlMapType
	tHTTPProxy  = chain.RegionTargetHttpProxyType
	tRule       = chain.ForwardingRuleType
	tAttachment = chain.ServiceAttachmentType
	tAddress    = chain.AddressType
	tZone       = chain.ManagedZoneType
	tRecord     = chain.RecordSetType
	tProducer   = chain.ProducerServiceType
	tConsumer   = chain.ConsumerEndpointType
	tDNS        = chain.DnsBindingType
)

// producerPlan is what a preview of the producer example creates, by type.
var producerPlan = map[string]int{
	tNetwork: 1, tProducer: 1, tSubnet: 3, tService: 1, tNEG: 1, tBackend: 1, tURLMap: 1,
	tHTTPProxy: 1, tRule: 1, tAttachment: 1,
}

// consumerPlan is what a preview of the consumer example creates, by type.
var consumerPlan = map[string]int{
	tNetwork: 1, tSubnet: 1, tConsumer: 1, tAddress: 1, tRule: 1, tDNS: 1, tZone: 1, tRecord: 1,
}

const (
	producerProject = "producer-prj"
	consumerProject = "consumer-prj"
	region          = "europe-west1"
)

// attachmentPrefix is the URI prefix of the producer example's service attachment.
const attachmentPrefix = "projects/" + producerProject + "/regions/" + region + "/serviceAttachments/payments-attachment"

// deployProducer deploys a producer example stack (see deploy) and returns its service
// attachment URI, checking that it names the example's attachment.
func deployProducer(t *testing.T, prod *harness.Stack) string {
	t.Helper()
	uri := deploy(t, prod, producerPlan).OutputString(t, "serviceAttachmentUri")
	if !strings.HasPrefix(uri, attachmentPrefix) {
		t.Errorf("serviceAttachmentUri = %q, want %s…", uri, attachmentPrefix)
	}
	return uri
}

// assertAcceptedByConfig checks the up of a consumer example stack whose producer accepts
// consumerProject by configuration: the endpoint is ACCEPTED, connected to uri, holds an address
// from the consumer subnet, and the DNS binding names it.
func assertAcceptedByConfig(t *testing.T, up *harness.Summary, uri string) {
	t.Helper()
	if got := up.OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
		t.Errorf("status = %q, want ACCEPTED (the producer accepts %s by configuration)", got, consumerProject)
	}
	if got := up.OutputString(t, "serviceAttachmentUri"); got != uri {
		t.Errorf("consumer connected to %q, want %q", got, uri)
	}
	if ip := up.OutputString(t, "ipAddress"); !strings.HasPrefix(ip, "192.168.10.") {
		t.Errorf("endpoint IP %q is not from the consumer subnet 192.168.10.0/24", ip)
	}
	if got := up.OutputString(t, "url"); got != "http://payment-api.internal" {
		t.Errorf("url = %q", got)
	}
}

// deploy previews a stack and checks the planned creations by type, then runs up, and returns the
// up's summary.
func deploy(t *testing.T, st *harness.Stack, plan map[string]int) *harness.Summary {
	t.Helper()
	preview := st.Preview()
	got := map[string]int{}
	for typ, ops := range preview.ByType() {
		if n := ops[harness.OpCreate]; n > 0 && !strings.HasPrefix(typ, "pulumi:") {
			got[typ] = n
		}
	}
	if !maps.Equal(got, plan) {
		t.Errorf("%s preview creates %v, want %v", st.Ref(), got, plan)
	}
	up := st.Up()
	if n := up.Count(harness.OpCreate, ""); n == 0 {
		t.Errorf("%s up created nothing", st.Ref())
	}
	assertComponentOutputs(t, st)
	return up
}

// componentOutput is one output every deployed component of a type must record in state.
var componentOutput = map[string][]string{
	chain.ProducerServiceType:  {"serviceAttachmentUri"},
	chain.ConsumerEndpointType: {"ipAddress"},
	chain.DnsBindingType:       {"url"},
}

// assertComponentOutputs checks that every cloudrun-psc component in the stack's state holds
// its outputs, whichever language built it: Go programs register them in the constructor, the
// provider in Construct.
func assertComponentOutputs(t *testing.T, st *harness.Stack) {
	t.Helper()
	harness.AssertComponentOutputs(t, st.Ref(), st.Export(), componentOutput)
}

// assertConverged checks that a deployed stack has no drift: a second preview and a refresh both
// report no change to any resource. A stack reference re-reads the other stack's outputs, which
// that stack may have changed since; that is not drift of this stack.
func assertConverged(t *testing.T, st *harness.Stack) {
	t.Helper()
	for _, s := range []*harness.Summary{st.Preview(), st.Refresh()} {
		for _, step := range s.Steps {
			if step.Op != harness.OpSame && step.Op != harness.OpRead && step.Type != "pulumi:pulumi:StackReference" {
				t.Errorf("%s: %s reports a change: %s %s", st.Ref(), s.Operation, step.Op, step.URN)
			}
		}
	}
}

// destroyAll destroys the stacks in order and checks that the simulator is empty afterwards.
func destroyAll(t *testing.T, env *harness.Env, stacks ...*harness.Stack) {
	t.Helper()
	for _, st := range stacks {
		st.Destroy()
	}
	if n := env.SimCount(); n != 0 {
		t.Errorf("the simulator holds %d resources after destroy: %v", n, env.SimList())
	}
}

// warnedWith reports whether any warning of s contains every fragment.
func warnedWith(s *harness.Summary, fragments ...string) bool {
	for _, w := range s.Warnings() {
		all := true
		for _, f := range fragments {
			all = all && strings.Contains(w, f)
		}
		if all {
			return true
		}
	}
	return false
}

// pendingThenAccepted follows a consumer the producer does not accept yet: its endpoint is
// PENDING with the component's warning; the producer then accepts the consumer's stack (an
// in-place update of the attachment), and after a refresh the endpoint is ACCEPTED with no
// warning. Both stacks must then show no drift and hold every secure-by-default invariant, and
// destroy must leave the simulator empty.
func pendingThenAccepted(t *testing.T, env *harness.Env, prod, cons *harness.Stack, consUp *harness.Summary, uri string) {
	t.Helper()
	if got := consUp.OutputString(t, "pscConnectionStatus"); got != "PENDING" {
		t.Errorf("status before acceptance = %q, want PENDING", got)
	}
	if !warnedWith(consUp, "PENDING", "consumerProject") {
		t.Errorf("a PENDING endpoint must warn and name the fix, warnings: %v", consUp.Warnings())
	}
	if got := consUp.OutputString(t, "serviceAttachmentUri"); got != uri {
		t.Errorf("consumer connected to %q, want %q", got, uri)
	}

	// The producer accepts the consumer's stack; reconcileConnections moves the endpoint to
	// ACCEPTED, which the consumer sees on refresh.
	prod.Configure(producerProject, region, map[string]string{"consumerStacks": `["` + cons.Ref() + `"]`})
	if p := prod.Preview(); p.Count(harness.OpUpdate, tAttachment) != 1 || p.Count(harness.OpReplace, "") != 0 {
		t.Errorf("accepting a consumer must update the attachment in place, plan: %v", p.ByType())
	}
	prod.Up()
	cons.Refresh()
	consUp = cons.Up()
	if got := consUp.OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
		t.Errorf("status after acceptance = %q, want ACCEPTED", got)
	}
	if warnedWith(consUp, "PSC connection status") {
		t.Errorf("an ACCEPTED endpoint must not warn: %v", consUp.Warnings())
	}
	if got := consUp.OutputString(t, "url"); got != "http://payment-api.internal" {
		t.Errorf("url = %q", got)
	}
	assertConverged(t, prod)
	assertConverged(t, cons)
	assertSecureByDefault(t, env, prod, cons)
	destroyAll(t, env, cons, prod)
}
