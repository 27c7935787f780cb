// Package programs runs the corpus: programs written the way users write them
// (computed and secret nested inputs, explicit providers, renames, autonaming, transforms,
// protect, ignoreChanges, the README's own snippets), in TypeScript, Python, the Go SDK and
// native Go, each through the real engine against the GCP simulator:
// preview → up → preview (no changes) → refresh (no changes) → … → destroy (simulator empty).
//
// The programs live beside this file: ts/, python/, gosdk/ (the generated Go SDK through the
// provider plugin) and go/ (pkg/psc natively).
package programs

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// sdkVersion is the version of the generated SDKs, at which the world installs the provider.
const sdkVersion = "0.1.0"

const (
	region = "europe-west1"
	// producerProject and consumerProject are the two organisations' projects, each reached
	// through its own explicit provider.
	producerProject = "acme-producer-prj"
	consumerProject = "bank-consumer-prj"
	// stackProject is the stack's gcp:project: the default provider's project, which a program
	// whose resources all have explicit providers must leave empty.
	stackProject = "stack-config-prj"
	hostname     = "payment-api.internal"
)

// Resource types the assertions read.
const (
	tService  = chain.CloudRunServiceType
	tInvokers = chain.CloudRunServiceIamBindingType
	tSubnet   = chain.SubnetworkType
	tCert     = chain.RegionSslCertificateType
)

// program makes the stack of one language's version of a corpus program in a world.
type program func(env *harness.Env, project string) *harness.Stack

// lang is one language's version of a corpus program.
type lang struct {
	name string
	// sdk says whether the components are served by the provider plugin (false: pkg/psc in
	// the test process).
	sdk bool
	new program
}

// langs returns the four versions of the corpus program name: ts/<name>.ts and
// python/<name>.py exporting the function name, the Go SDK program and the native Go program.
func langs(name string, sdk, native pulumi.RunFunc) []lang {
	dir := "tests/programs/"
	return []lang{
		{"ts", true, func(env *harness.Env, project string) *harness.Stack {
			return env.NodeStack(project, "prod", dir+"ts/"+name+".ts", name)
		}},
		{"python", true, func(env *harness.Env, project string) *harness.Stack {
			return env.PythonStack(project, "prod", dir+"python/"+name+".py", name)
		}},
		{"gosdk", true, func(env *harness.Env, project string) *harness.Stack { return env.GoStack(project, "prod", sdk) }},
		{"go", false, func(env *harness.Env, project string) *harness.Stack { return env.GoStack(project, "prod", native) }},
	}
}

// run runs body once per language, each in its own world and in parallel.
func run(t *testing.T, langs []lang, body func(t *testing.T, env *harness.Env, l lang)) {
	t.Parallel()
	for _, l := range langs {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			plugins := []harness.Plugin{harness.GCP()}
			if l.sdk {
				plugins = append(plugins, harness.CloudrunPSC(sdkVersion))
			}
			body(t, harness.New(t, plugins...), l)
		})
	}
}

// noChanges fails t for every step of s that changes a resource.
func noChanges(t *testing.T, s *harness.Summary, why string) {
	t.Helper()
	for _, st := range s.Steps {
		if st.Op != harness.OpSame && st.Op != harness.OpRead {
			t.Errorf("%s: %s %s %s", why, s.Operation, st.Op, st.URN)
		}
	}
}

// converged checks that a deployed stack has no drift: a preview and a refresh change nothing.
func converged(t *testing.T, st *harness.Stack) {
	t.Helper()
	noChanges(t, st.Preview(), "a preview right after up must plan nothing")
	noChanges(t, st.Refresh(), "a refresh right after up must find nothing")
}

// destroyed destroys the stacks in order and checks that the simulator holds nothing after.
func destroyed(t *testing.T, env *harness.Env, stacks ...*harness.Stack) {
	t.Helper()
	for _, st := range stacks {
		st.Destroy()
	}
	if left := env.SimList(); len(left) > 0 {
		t.Errorf("the simulator holds %d resources after destroy: %v", len(left), left)
	}
}

// componentOutputs are, per component type, outputs that must be in the state of every
// deployed component (a Go component that never calls RegisterResourceOutputs has none there:
// outputs.go).
var componentOutputs = map[string][]string{
	psc.ProducerServiceType:  {"serviceAttachmentUri", "loadBalancerIp", "protocol", "natCapacity", "cloudRunServiceName"},
	psc.ConsumerEndpointType: {"ipAddress", "pscConnectionStatus", "consumerProject", "serviceAttachmentUri"},
	psc.DnsBindingType:       {"fqdn", "zoneName", "url"},
}

// assertComponentOutputs checks that every component of the stack's `pulumi stack export` holds
// its outputs, and that there are want components.
func assertComponentOutputs(t *testing.T, d *apitype.DeploymentV3, want int) {
	t.Helper()
	if n := harness.AssertComponentOutputs(t, "stack export", d, componentOutputs); n != want {
		t.Errorf("stack export holds %d cloudrun-psc components, want %d", n, want)
	}
}

// descendants returns the resources of d below the resource named urn, at any depth.
func descendants(d *apitype.DeploymentV3, urn resource.URN) []apitype.ResourceV3 {
	below := map[resource.URN]bool{urn: true}
	var out []apitype.ResourceV3
	for changed := true; changed; {
		changed = false
		for _, r := range d.Resources {
			if !below[r.URN] && below[r.Parent] {
				below[r.URN] = true
				out = append(out, r)
				changed = true
			}
		}
	}
	return out
}

// find returns the resources of d of type typ.
func find(d *apitype.DeploymentV3, typ string) []apitype.ResourceV3 {
	var out []apitype.ResourceV3
	for _, r := range d.Resources {
		if string(r.Type) == typ {
			out = append(out, r)
		}
	}
	return out
}

// simRecords returns the simulator's records of type typ, with their inputs and outputs.
func simRecords(t *testing.T, env *harness.Env, typ string) []*gcpsim.Record {
	t.Helper()
	var out []*gcpsim.Record
	for _, r := range env.For(t).SimSnapshot().Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *gcpsim.Record) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// configure sets the configuration of a corpus program: the stack's and both organisations'
// projects, the region, and the program's own values.
func configure(st *harness.Stack, own map[string]string) {
	extra := map[string]string{"producerProject": producerProject, "consumerProject": consumerProject}
	for k, v := range own {
		extra[k] = v
	}
	st.Configure(stackProject, region, extra)
}

// image returns the image of a Cloud Run service record's first container.
func image(r *gcpsim.Record) string {
	tmpl, _ := r.Inputs["template"].(map[string]any)
	containers, _ := tmpl["containers"].([]any)
	if len(containers) == 0 {
		return ""
	}
	c, _ := containers[0].(map[string]any)
	s, _ := c["image"].(string)
	return s
}

// stepOf returns the operation a summary planned or took for the resources of type typ, one
// string per resource ("same", "update"…), sorted.
func stepsOf(s *harness.Summary, typ string) []string {
	var out []string
	for _, st := range s.Steps {
		if st.Type == typ {
			out = append(out, st.Op)
		}
	}
	slices.Sort(out)
	return out
}
