package psc

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// The single-region form is the form every stack deployed before regions has: its children, their
// names, inputs and options must stay as they were, so that an upgrade replaces (or updates)
// nothing. These tests record what representative single-region producers register with the fake
// cloud and compare it with testdata/unchanged-*.json, recorded from the release before regions
// (`go test ./pkg/psc -run TestSingleRegionUnchanged -update` on that release writes them).

var update = flag.Bool("update", false, "rewrite the recorded single-region registrations in testdata")

// The PEM pair of the HTTPS case is made afresh at each run; the recording holds these names.
const (
	recordedCert = "<certificatePem>"
	recordedKey  = "<privateKeyPem>"
)

func TestSingleRegionUnchanged(t *testing.T) {
	t.Parallel()
	cert, key := psctest.SelfSignedCert(t, "payment-api.internal", "reports.internal")
	cases := map[string]func() *ProducerServiceArgs{
		// HTTPS with a self-managed certificate, routes, backend controls, additional NAT subnets,
		// consumer stacks, rejected consumers, invokers and labels.
		"https-routes": func() *ProducerServiceArgs {
			a := producerArgs()
			a.Tls = &TlsArgs{CertificatePem: pulumi.String(cert), PrivateKeyPem: pulumi.String(key)}
			a.AdditionalNatSubnets = []SubnetArgs{{IpCidrRange: "10.21.0.0/29", Key: "b"}}
			a.ConsumerStacks = []ConsumerStackArgs{{Stack: "acme/consumer/prod"}}
			a.RejectedConsumers = pulumi.ToStringArray([]string{"evil-prj", "worse-prj"})
			a.CloudRun.Invokers = pulumi.ToStringArray([]string{"serviceAccount:caller@consumer-prj.iam.gserviceaccount.com"})
			a.Labels = map[string]string{"team": "payments"}
			a.BackendService = &BackendServiceArgs{
				LogConfig:        &BackendLogConfigArgs{SampleRate: pulumi.Float64Ref(0.5)},
				OutlierDetection: &OutlierDetectionArgs{ConsecutiveErrors: pulumi.IntRef(3), Interval: &DurationArgs{Seconds: 5}},
				TimeoutSec:       pulumi.IntRef(60),
			}
			a.Routes = []RouteArgs{{Key: "reports", Hosts: []string{"reports.internal"}, PathPrefix: "/v1",
				CloudRun: CloudRunArgs{Image: pulumi.String("europe-docker.pkg.dev/p/r/reports:1.0")}}}
			a.DomainNames = []string{"payments.example.com."}
			a.PropagatedConnectionLimit = pulumi.IntRef(0)
			return a
		},
		// A managed certificate, existing subnets, a fixed IP, a named attachment and service.
		"managed-existing": func() *ProducerServiceArgs {
			a := producerArgs()
			a.Hostname = "payments.example.com"
			a.Tls = &TlsArgs{Managed: &ManagedCertificateArgs{}}
			a.LoadBalancerSubnet = SubnetArgs{SelfLink: pulumi.String("projects/producer-prj/regions/europe-west1/subnetworks/lb")}
			a.ProxyOnlySubnet = SubnetArgs{SelfLink: pulumi.String("proxy")}
			a.NatSubnet = SubnetArgs{SelfLink: pulumi.String("nat")}
			a.LoadBalancerIp = "10.30.0.5"
			a.ServiceAttachmentName = "payments-psc"
			a.CloudRun.ServiceName = "payments"
			a.AllowGlobalAccess = true
			return a
		},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFakeCloud()
			if name == "managed-existing" {
				addProducerSubnets(f)
			}
			f.Stacks["acme/consumer/prod"] = map[string]any{"consumerProject": "stack-consumer-prj"}
			if err := f.Run(func(ctx *pulumi.Context) error {
				_, err := NewProducerService(ctx, "payments", args())
				return err
			}); err != nil {
				t.Fatal(err)
			}
			got := recordRegistrations(t, f, map[string]string{cert: recordedCert, key: recordedKey})
			path := filepath.Join("testdata", "unchanged-"+name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("the single-region form registers other resources or inputs than the release before regions:\n%s",
					firstDifference(string(want), string(got)))
			}
		})
	}
}

// recordRegistrations writes what the fake cloud recorded as JSON, sorted by name and type, each
// of the given values replaced by its placeholder.
func recordRegistrations(t *testing.T, f *fakeCloud, placeholders map[string]string) []byte {
	t.Helper()
	type rec struct {
		Type, Name, Parent                      string
		Custom                                  bool
		Inputs                                  map[string]any
		Dependencies, ReplaceOnChanges, Aliases []string
		IgnoreChanges                           []string
		DeleteBeforeReplace                     *bool
	}
	var all []rec
	for _, r := range f.All() {
		deps := slices.Sorted(slices.Values(r.Dependencies))
		all = append(all, rec{Type: r.Type, Name: r.Name, Parent: r.Parent, Custom: r.Custom, Inputs: r.Inputs.Mappable(),
			Dependencies: deps, ReplaceOnChanges: r.ReplaceOnChanges, Aliases: r.Aliases, IgnoreChanges: r.IgnoreChanges,
			DeleteBeforeReplace: r.DeleteBeforeReplace})
	}
	slices.SortFunc(all, func(x, y rec) int { return strings.Compare(x.Name+" "+x.Type, y.Name+" "+y.Type) })
	out, err := json.MarshalIndent(all, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for v, p := range placeholders {
		quoted, _ := json.Marshal(v)
		s = strings.ReplaceAll(s, strings.Trim(string(quoted), `"`), p)
	}
	return []byte(s + "\n")
}

// firstDifference shows the first line where got differs from want, with its neighbours.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		if i >= len(w) || i >= len(g) || w[i] != g[i] {
			from := max(i-8, 0)
			return "recorded:\n" + strings.Join(w[from:min(i+3, len(w))], "\n") + "\nnow:\n" + strings.Join(g[from:min(i+3, len(g))], "\n")
		}
	}
	return ""
}
