package psc

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	testProject = "producer-prj"
	testRegion  = "europe-west1"
)

// registered is one resource a program registered with the fake cloud.
type registered struct {
	Type, Name       string
	Custom           bool
	Inputs           resource.PropertyMap
	Parent           string
	Dependencies     []string
	ReplaceOnChanges []string
	URN              string
}

// fakeCloud is a pulumi.MockResourceMonitor that records every registration and answers with
// outputs shaped like Google Cloud's (self links, allocated IPs, connection status).
type fakeCloud struct {
	mu        sync.Mutex
	resources []registered
	// stacks holds the outputs of other stacks, by fully qualified stack name.
	stacks map[string]map[string]any
	// status is the pscConnectionStatus every PSC endpoint reports.
	status string
}

func newFakeCloud() *fakeCloud {
	return &fakeCloud{stacks: map[string]map[string]any{}, status: "ACCEPTED"}
}

func (f *fakeCloud) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rec := registered{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: args.Inputs}
	if rpc := args.RegisterRPC; rpc != nil {
		rec.Parent = rpc.GetParent()
		rec.Dependencies = rpc.GetDependencies()
		rec.ReplaceOnChanges = rpc.GetReplaceOnChanges()
	}
	if rpc := args.ReadRPC; rpc != nil {
		rec.Parent = rpc.GetParent()
	}
	f.mu.Lock()
	f.resources = append(f.resources, rec)
	f.mu.Unlock()

	if args.TypeToken == "pulumi:pulumi:StackReference" {
		stack := args.Inputs["name"].StringValue()
		outs, ok := f.stacks[stack]
		if !ok {
			return "", nil, fmt.Errorf("unknown stack %q", stack)
		}
		return stack, resource.PropertyMap{
			"name":    resource.NewProperty(stack),
			"outputs": resource.NewProperty(resource.NewPropertyMapFromMap(outs)),
		}, nil
	}
	if !args.Custom {
		return args.Name, args.Inputs, nil
	}
	return args.Name + "-id", f.outputs(args), nil
}

// outputs computes the state the fake cloud returns for a custom resource.
func (f *fakeCloud) outputs(args pulumi.MockResourceArgs) resource.PropertyMap {
	out := args.Inputs.Copy()
	str := func(k, def string) string {
		if v, ok := out[resource.PropertyKey(k)]; ok && v.IsString() && v.StringValue() != "" {
			return v.StringValue()
		}
		return def
	}
	name := str("name", args.Name)
	project := str("project", testProject)
	region := str("region", str("location", testRegion))
	out["name"] = resource.NewProperty(name)
	out["project"] = resource.NewProperty(project)
	collection := map[string]string{
		"gcp:compute/subnetwork:Subnetwork":                                 "subnetworks",
		"gcp:compute/address:Address":                                       "addresses",
		"gcp:compute/forwardingRule:ForwardingRule":                         "forwardingRules",
		"gcp:compute/serviceAttachment:ServiceAttachment":                   "serviceAttachments",
		"gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup": "networkEndpointGroups",
		"gcp:compute/regionBackendService:RegionBackendService":             "backendServices",
		"gcp:compute/regionUrlMap:RegionUrlMap":                             "urlMaps",
		"gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy":           "targetHttpProxies",
		"gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy":         "targetHttpsProxies",
		"gcp:compute/regionSslCertificate:RegionSslCertificate":             "sslCertificates",
	}[args.TypeToken]
	if collection != "" {
		out["region"] = resource.NewProperty(region)
		out["selfLink"] = resource.NewProperty(fmt.Sprintf(
			"https://www.googleapis.com/compute/v1/projects/%s/regions/%s/%s/%s", project, region, collection, name))
	}
	switch args.TypeToken {
	case "gcp:compute/address:Address":
		out["address"] = resource.NewProperty(str("address", "192.168.10.7"))
	case "gcp:compute/forwardingRule:ForwardingRule":
		out["ipAddress"] = resource.NewProperty(str("ipAddress", "10.10.0.9"))
		out["network"] = resource.NewProperty("https://www.googleapis.com/compute/v1/projects/" + project +
			"/global/networks/" + strings.TrimPrefix(str("network", "vpc"), "projects/"+project+"/global/networks/"))
		if _, isPSC := out["target"]; isPSC && str("loadBalancingScheme", "") == "" {
			out["pscConnectionStatus"] = resource.NewProperty(f.status)
			out["pscConnectionId"] = resource.NewProperty("4242")
		}
	case "gcp:cloudrunv2/service:Service":
		out["uri"] = resource.NewProperty("https://" + name + "-abcdefghij-ew.a.run.app")
	}
	return out
}

func (f *fakeCloud) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, fmt.Errorf("unexpected call %s", args.Token)
}

// run runs program against the fake cloud with the given gcp configuration.
func (f *fakeCloud) run(program pulumi.RunFunc) error {
	return pulumi.RunErr(program, pulumi.WithMocks("project", "stack", f), func(info *pulumi.RunInfo) {
		info.Config = map[string]string{"gcp:project": testProject, "gcp:region": testRegion}
	})
}

// custom returns the custom resources registered, optionally only those of one type.
func (f *fakeCloud) custom(typ string) []registered {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []registered
	for _, r := range f.resources {
		if r.Custom && (typ == "" || r.Type == typ) {
			out = append(out, r)
		}
	}
	return out
}

// one returns the single resource of a type, failing the test if there is not exactly one.
func (f *fakeCloud) one(t *testing.T, typ string) registered {
	t.Helper()
	rs := f.custom(typ)
	if len(rs) != 1 {
		t.Fatalf("want exactly one %s, got %d", typ, len(rs))
	}
	return rs[0]
}

// named returns the resource with a logical name, failing the test if there is none.
func (f *fakeCloud) named(t *testing.T, name string) registered {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.resources {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no resource named %q", name)
	return registered{}
}

// countByType counts the custom resources by type token.
func (f *fakeCloud) countByType() map[string]int {
	counts := map[string]int{}
	for _, r := range f.custom("") {
		counts[r.Type]++
	}
	return counts
}

// input returns a resource input, unwrapping secrets, or a null value.
func input(r registered, key string) resource.PropertyValue {
	v, ok := r.Inputs[resource.PropertyKey(key)]
	if !ok {
		return resource.NewNullProperty()
	}
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

// str returns a string input ("" when absent).
func str(r registered, key string) string {
	v := input(r, key)
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// await returns the resolved value of an output.
func await[T any](t *testing.T, o pulumi.Output) T {
	t.Helper()
	ch := make(chan T, 1)
	o.ApplyT(func(v T) T { ch <- v; return v })
	return <-ch
}

// resourceKey converts a string to a property key.
func resourceKey(k string) resource.PropertyKey { return resource.PropertyKey(k) }
