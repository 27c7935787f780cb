// Package psctest is a fake Google Cloud for unit tests of Pulumi programs that use the
// cloudrun-psc components: a pulumi.MockResourceMonitor that records every registration and
// answers with outputs shaped like Google Cloud's (self links, allocated IPs, PSC status).
package psctest

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// The gcp:project and gcp:region configuration Run gives programs.
const (
	Project = "producer-prj"
	Region  = "europe-west1"
)

// Registered is one resource a program Registered with the fake cloud.
type Registered struct {
	Type, Name       string
	Custom           bool
	Inputs           resource.PropertyMap
	Parent           string
	Dependencies     []string
	ReplaceOnChanges []string
	// DeleteBeforeReplace is the program's deleteBeforeReplace option, nil when it left the
	// choice to the provider.
	DeleteBeforeReplace *bool
	URN                 string
	// Aliases are the names (or URNs) of the program's aliases for the resource.
	Aliases       []string
	IgnoreChanges []string
}

// FakeCloud is a pulumi.MockResourceMonitor that records every registration and answers with
// outputs shaped like Google Cloud's (self links, allocated IPs, connection status).
type FakeCloud struct {
	mu        sync.Mutex
	Resources []Registered // guarded by mu; read it with All
	// Stacks holds the outputs of other stacks, by fully qualified stack name.
	Stacks map[string]map[string]any
	// Status is the pscConnectionStatus every PSC endpoint reports.
	Status string
	// Subnets are the existing subnets that pulumi-gcp's getSubnetwork and getSubnetworks
	// report.
	Subnets []Subnet
	// Config is the stack's configuration, which Run gives programs, and whose gcp:project and
	// gcp:region the default provider's getClientConfig returns (New sets Project and Region).
	Config map[string]string
}

// Subnet is an existing subnet of the fake cloud.
type Subnet struct {
	Project, Region, Name string
	Network               string // the VPC's self link
	IpCidrRange           string
	Purpose               string // PRIVATE when empty
	Role                  string
	Description           string
}

// SelfLink returns the subnet's self link.
func (s Subnet) SelfLink() string {
	return fmt.Sprintf("https://www.googleapis.com/compute/v1/projects/%s/regions/%s/subnetworks/%s", s.Project, s.Region, s.Name)
}

// field is the subnet's field as a list filter sees it.
func (s Subnet) field(name string) (string, bool) {
	purpose := s.Purpose
	if purpose == "" {
		purpose = "PRIVATE"
	}
	v, ok := map[string]string{"name": s.Name, "network": s.Network, "ipCidrRange": s.IpCidrRange, "purpose": purpose,
		"role": s.Role, "selfLink": s.SelfLink(), "description": s.Description}[name]
	return v, ok
}

// New returns a fake cloud whose PSC endpoints report ACCEPTED.
func New() *FakeCloud {
	return &FakeCloud{Stacks: map[string]map[string]any{}, Status: chain.Accepted,
		Config: map[string]string{"gcp:project": Project, "gcp:region": Region}}
}

// NewResource implements pulumi.MockResourceMonitor.
func (f *FakeCloud) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rec := Registered{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: args.Inputs}
	if rpc := args.RegisterRPC; rpc != nil {
		rec.Parent = rpc.GetParent()
		rec.Dependencies = rpc.GetDependencies()
		rec.ReplaceOnChanges = rpc.GetReplaceOnChanges()
		rec.Aliases = append(rec.Aliases, rpc.GetAliasURNs()...)
		rec.IgnoreChanges = rpc.GetIgnoreChanges()
		for _, a := range rpc.GetAliases() {
			if a.GetUrn() != "" {
				rec.Aliases = append(rec.Aliases, a.GetUrn())
			} else {
				rec.Aliases = append(rec.Aliases, a.GetSpec().GetName())
			}
		}
		if rpc.GetDeleteBeforeReplaceDefined() {
			dbr := rpc.GetDeleteBeforeReplace()
			rec.DeleteBeforeReplace = &dbr
		}
	}
	if rpc := args.ReadRPC; rpc != nil {
		rec.Parent = rpc.GetParent()
	}
	f.mu.Lock()
	f.Resources = append(f.Resources, rec)
	f.mu.Unlock()

	if args.TypeToken == "pulumi:pulumi:StackReference" {
		stack := args.Inputs["name"].StringValue()
		outs, ok := f.Stacks[stack]
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
	out := f.outputs(args)
	if c := certificateManagerCollections[args.TypeToken]; c != "" {
		// Certificate Manager IDs are their resource paths, the form an HTTPS proxy takes.
		return fmt.Sprintf("projects/%s/locations/%s/%s/%s", out["project"].StringValue(), out["location"].StringValue(),
			c, out["name"].StringValue()), out, nil
	}
	return args.Name + "-id", out, nil
}

// FakeCACertificate is the PEM the fake cloud reports as a created root CA's certificate.
const FakeCACertificate = "-----BEGIN CERTIFICATE-----\nZmFrZSBDQQ==\n-----END CERTIFICATE-----\n"

// certificateManagerCollections are the collections of the Certificate Manager types, of the
// server TLS policy and of CA Service pools, whose IDs are projects/P/locations/L/COLLECTION/N.
var certificateManagerCollections = map[string]string{
	chain.CertificateManagerCertificateType: "certificates",
	chain.DnsAuthorizationType:              "dnsAuthorizations",
	chain.TrustConfigType:                   "trustConfigs",
	chain.ServerTlsPolicyType:               "serverTlsPolicies",
	chain.CertificateIssuanceConfigType:     "certificateIssuanceConfigs",
	chain.CaPoolType:                        "caPools",
}

// globalCollections are the collections of the global Compute Engine types, whose self links have
// no region.
var globalCollections = map[string]string{
	chain.GlobalForwardingRuleType: "forwardingRules",
	chain.BackendServiceType:       "backendServices",
	chain.URLMapType:               "urlMaps",
	chain.TargetHttpProxyType:      "targetHttpProxies",
	chain.TargetHttpsProxyType:     "targetHttpsProxies",
}

// outputs computes the state the fake cloud returns for a custom resource.
func (f *FakeCloud) outputs(args pulumi.MockResourceArgs) resource.PropertyMap {
	out := args.Inputs.Copy()
	str := func(k, def string) string {
		if v, ok := out[resource.PropertyKey(k)]; ok && v.IsString() && v.StringValue() != "" {
			return v.StringValue()
		}
		return def
	}
	name := str("name", args.Name)
	project := str("project", Project)
	region := str("region", str("location", Region))
	out["name"] = resource.NewProperty(name)
	out["project"] = resource.NewProperty(project)
	collection := map[string]string{
		chain.SubnetworkType:                 "subnetworks",
		chain.AddressType:                    "addresses",
		chain.ForwardingRuleType:             "forwardingRules",
		chain.ServiceAttachmentType:          "serviceAttachments",
		chain.RegionNetworkEndpointGroupType: "networkEndpointGroups",
		chain.RegionBackendServiceType:       "backendServices",
		chain.RegionUrlMapType:               "urlMaps",
		chain.RegionTargetHttpProxyType:      "targetHttpProxies",
		chain.RegionTargetHttpsProxyType:     "targetHttpsProxies",
		chain.RegionSslCertificateType:       "sslCertificates",
	}[args.TypeToken]
	if collection != "" {
		out["region"] = resource.NewProperty(region)
		out["selfLink"] = resource.NewProperty(fmt.Sprintf(
			"https://www.googleapis.com/compute/v1/projects/%s/regions/%s/%s/%s", project, region, collection, name))
	}
	if global := globalCollections[args.TypeToken]; global != "" {
		out["selfLink"] = resource.NewProperty(fmt.Sprintf(
			"https://www.googleapis.com/compute/v1/projects/%s/global/%s/%s", project, global, name))
	}
	switch args.TypeToken {
	case chain.GlobalForwardingRuleType:
		out["ipAddress"] = resource.NewProperty(str("ipAddress", "10.50.0.9"))
	case chain.AddressType:
		out["address"] = resource.NewProperty(str("address", "192.168.10.7"))
	case chain.ForwardingRuleType:
		out["ipAddress"] = resource.NewProperty(str("ipAddress", "10.10.0.9"))
		out["network"] = resource.NewProperty("https://www.googleapis.com/compute/v1/projects/" + project +
			"/global/networks/" + strings.TrimPrefix(str("network", "vpc"), "projects/"+project+"/global/networks/"))
		if _, isPSC := out["target"]; isPSC && str("loadBalancingScheme", "") == "" {
			out["pscConnectionStatus"] = resource.NewProperty(f.Status)
			out["pscConnectionId"] = resource.NewProperty("4242")
		}
	case chain.CloudRunServiceType:
		out["uri"] = resource.NewProperty("https://" + name + "-abcdefghij-ew.a.run.app")
	case chain.DnsAuthorizationType:
		out["location"] = resource.NewProperty(str("location", "global"))
		domain := str("domain", "")
		out["dnsResourceRecords"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
			"name": resource.NewProperty("_acme-challenge_" + name + "." + domain + "."),
			"type": resource.NewProperty("CNAME"),
			"data": resource.NewProperty(name + ".1.authorize.certificatemanager.goog."),
		})})
	case chain.CertificateManagerCertificateType, chain.CertificateIssuanceConfigType:
		out["location"] = resource.NewProperty(str("location", "global"))
	case chain.ServiceIdentityType:
		// service-PROJECT_NUMBER@gcp-sa-certificatemanager.iam.gserviceaccount.com (CM-ISSUANCE-IAM)
		email := "service-123456789@gcp-sa-certificatemanager.iam.gserviceaccount.com"
		out["email"] = resource.NewProperty(email)
		out["member"] = resource.NewProperty("serviceAccount:" + email)
	case chain.CertificateAuthorityType:
		out["pemCaCertificates"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(FakeCACertificate)})
		out["state"] = resource.NewProperty("ENABLED")
	}
	return out
}

// Call implements pulumi.MockResourceMonitor: it answers getSubnetwork and getSubnetworks from
// Subnets (a missing subnet gives an empty result, as pulumi-gcp's does), filtering with the GCP
// simulator's list filter.
func (f *FakeCloud) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	arg := func(k string) string {
		if v := args.Args[resource.PropertyKey(k)]; v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	if args.Token == chain.GetClientConfigFunc {
		project, region := f.providerConfig(args.Provider)
		return resource.NewPropertyMapFromMap(map[string]any{"project": project, "region": region, "zone": "", "id": project}), nil
	}
	project, region := arg("project"), arg("region")
	if project == "" {
		project = Project
	}
	if region == "" {
		region = Region
	}
	switch args.Token {
	case chain.GetSubnetworkFunc:
		for _, s := range f.Subnets {
			if s.Project == project && s.Region == region && s.Name == arg("name") {
				return resource.NewPropertyMapFromMap(map[string]any{
					"name": s.Name, "project": s.Project, "region": s.Region, "selfLink": s.SelfLink(),
					"network": s.Network, "ipCidrRange": s.IpCidrRange,
				}), nil
			}
		}
		return resource.PropertyMap{}, nil
	case chain.GetSubnetworksFunc:
		terms, err := parseFilter(arg("filter"))
		if err != nil {
			return nil, err
		}
		var items []any
		for _, s := range f.Subnets {
			if terms.match(s.field) && s.Project == project && s.Region == region {
				items = append(items, map[string]any{"name": s.Name, "selfLink": s.SelfLink(), "network": s.Network,
					"ipCidrRange": s.IpCidrRange, "description": s.Description})
			}
		}
		return resource.NewPropertyMapFromMap(map[string]any{"subnetworks": items}), nil
	}
	return nil, fmt.Errorf("unexpected call %s", args.Token)
}

// providerConfig is the project and region of the provider an invoke went to (a reference
// urn::id): an explicit gcp provider's own inputs, or the stack's gcp configuration for the
// default provider, as pulumi-gcp's getClientConfig returns them.
func (f *FakeCloud) providerConfig(ref string) (project, region string) {
	id := ""
	if i := strings.LastIndex(ref, "::"); i >= 0 {
		id = ref[i+2:]
	}
	for _, r := range f.All() {
		if r.Type == "pulumi:providers:gcp" && id != "" && r.Name+"-id" == id {
			return Str(r, "project"), Str(r, "region")
		}
	}
	return f.Config["gcp:project"], f.Config["gcp:region"]
}

// Run runs program against the fake cloud with the given gcp configuration.
func (f *FakeCloud) Run(program pulumi.RunFunc) error {
	return pulumi.RunErr(program, pulumi.WithMocks("project", "stack", f), func(info *pulumi.RunInfo) {
		info.Config = f.Config
	})
}

// All returns every registration so far, components and stack references included.
func (f *FakeCloud) All() []Registered {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Registered(nil), f.Resources...)
}

// Custom returns the custom resources registered, optionally only those of one type.
func (f *FakeCloud) Custom(typ string) []Registered {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Registered
	for _, r := range f.Resources {
		if r.Custom && (typ == "" || r.Type == typ) {
			out = append(out, r)
		}
	}
	return out
}

// One returns the single resource of a type, failing the test if there is not exactly one.
func (f *FakeCloud) One(t *testing.T, typ string) Registered {
	t.Helper()
	rs := f.Custom(typ)
	if len(rs) != 1 {
		t.Fatalf("want exactly one %s, got %d", typ, len(rs))
	}
	return rs[0]
}

// Named returns the resource with a logical name, failing the test if there is none.
func (f *FakeCloud) Named(t *testing.T, name string) Registered {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.Resources {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no resource named %q", name)
	return Registered{}
}

// CountByType counts the custom resources by type token.
func (f *FakeCloud) CountByType() map[string]int {
	counts := map[string]int{}
	for _, r := range f.Custom("") {
		counts[r.Type]++
	}
	return counts
}

// Input returns a resource input, unwrapping secrets, or a null value.
func Input(r Registered, key string) resource.PropertyValue {
	v, ok := r.Inputs[resource.PropertyKey(key)]
	if !ok {
		return resource.NewNullProperty()
	}
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

// Str returns a string input ("" when absent).
func Str(r Registered, key string) string {
	v := Input(r, key)
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// Await returns the resolved value of an output.
func Await[T any](t *testing.T, o pulumi.Output) T {
	t.Helper()
	ch := make(chan T, 1)
	o.ApplyT(func(v T) T { ch <- v; return v })
	return <-ch
}

// ResourceKey converts a string to a property key.
func ResourceKey(k string) resource.PropertyKey { return resource.PropertyKey(k) }
