package programs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
)

// The features program of issue 12 (python/features.py through the generated SDK and the
// provider plugin, gonative.Features natively): callerAuth network, a created Cloud Armor policy,
// request logging, outlier detection, a backend timeout, global access on the load balancer,
// labels on the producer's and the consumer's children, and the endpoint's Service Directory
// registration, with the producer's VPC a Shared VPC network of a host project, deployed together
// in one stack per language.
var featuresLangs = pick(langs("features", nil, gonative.Features), "python", "go")

// pick keeps the named languages of a corpus program.
func pick(all []lang, names ...string) []lang {
	var out []lang
	for _, l := range all {
		for _, n := range names {
			if l.name == n {
				out = append(out, l)
			}
		}
	}
	return out
}

// hostProject is the Shared VPC host of the features program's producer.
const hostProject = "acme-host-prj"

const (
	tBackend  = "gcp:compute/regionBackendService:RegionBackendService"
	tRule     = "gcp:compute/forwardingRule:ForwardingRule"
	tAddress  = "gcp:compute/address:Address"
	tPolicy   = "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy"
	tAttached = "gcp:compute/serviceAttachment:ServiceAttachment"
)

func TestFeatures(t *testing.T) {
	run(t, featuresLangs, func(t *testing.T, env *harness.Env, l lang) {
		st := l.new(env, "features")
		configure(st, map[string]string{"hostProject": hostProject, "team": "payments", "globalAccess": "true"})
		preview := st.Preview()
		wantWarnings(t, preview, "callerAuth network sets invokerIamDisabled", "allowGlobalAccess lets clients in every region")

		up := st.Up()
		if got := output(t, up, "pscConnectionStatus"); got != "ACCEPTED" {
			t.Errorf("pscConnectionStatus = %q, want ACCEPTED", got)
		}
		assertFeatureRecords(t, env, output(t, up, "securityPolicy"))
		converged(t, st)

		// Labels and global access change in place: nothing is replaced, the attachment is untouched.
		st.SetConfig("team", "payments-api", false)
		st.SetConfig("globalAccess", "false", false)
		p := st.Preview()
		for typ, want := range map[string]string{tService: harness.OpUpdate, tRule: harness.OpUpdate, tAttached: harness.OpSame} {
			for _, op := range stepsOf(p, typ) {
				if op != want && op != harness.OpSame {
					t.Errorf("changing labels and allowGlobalAccess plans %s for a %s, want %s", op, typ, want)
				}
			}
		}
		if n := p.Count(harness.OpReplace, ""); n > 0 {
			t.Errorf("changing labels and allowGlobalAccess replaces %d resources, want none", n)
		}
		destroyed(t, env, st)
	})
}

// wantWarnings fails t for each fragment no warning of s holds.
func wantWarnings(t *testing.T, s *harness.Summary, fragments ...string) {
	t.Helper()
	all := strings.Join(s.Warnings(), "\n")
	for _, f := range fragments {
		if !strings.Contains(all, f) {
			t.Errorf("no warning holds %q; warnings: %s", f, all)
		}
	}
}

// assertFeatureRecords checks what the simulator holds after the features program's up.
func assertFeatureRecords(t *testing.T, env *harness.Env, policy string) {
	t.Helper()
	one := func(typ string) *gcpsim.Record {
		rs := simRecords(t, env, typ)
		if len(rs) != 1 {
			t.Fatalf("the simulator holds %d %s, want 1", len(rs), typ)
		}
		return rs[0]
	}
	svc := one(tService)
	if svc.Inputs["invokerIamDisabled"] != true {
		t.Errorf("the Cloud Run service's invokerIamDisabled = %v, want true (callerAuth network)", svc.Inputs["invokerIamDisabled"])
	}
	if n := len(simRecords(t, env, tInvokers)); n != 0 {
		t.Errorf("callerAuth network left %d invoker bindings, want none", n)
	}
	bs := one(tBackend)
	if got := fmt.Sprint(bs.Outputs["securityPolicy"]); got != policy {
		t.Errorf("backend securityPolicy = %s, want the created policy %s", got, policy)
	}
	lc, _ := bs.Outputs["logConfig"].(map[string]any)
	od, _ := bs.Outputs["outlierDetection"].(map[string]any)
	if lc["enable"] != true || lc["sampleRate"] != 0.5 || bs.Outputs["timeoutSec"] != 60.0 || od["consecutiveErrors"] != 5.0 {
		t.Errorf("backend logConfig %v, timeoutSec %v, outlierDetection %v; want logging on at 0.5, 60 s, 5 consecutive errors",
			lc, bs.Outputs["timeoutSec"], od)
	}
	if one(tPolicy).Project != producerProject {
		t.Errorf("the security policy is not in the producer's project")
	}
	// Shared VPC: the producer's subnets are in the host project, its load balancer is not.
	for _, s := range simRecords(t, env, tSubnet) {
		if s.Project != hostProject && s.Project != consumerProject {
			t.Errorf("subnet %s is in project %s, want the Shared VPC host %s", s.ID, s.Project, hostProject)
		}
	}
	var lb, ep *gcpsim.Record
	for _, r := range simRecords(t, env, tRule) {
		if r.Project == producerProject {
			lb = r
		} else {
			ep = r
		}
	}
	if lb == nil || ep == nil {
		t.Fatalf("want the load balancer rule in the producer's (service) project and the endpoint")
	}
	if net := fmt.Sprint(lb.Outputs["network"]); !strings.Contains(net, "projects/"+hostProject+"/") {
		t.Errorf("the load balancer rule's network is %s, want the host project's VPC", net)
	}
	if lb.Outputs["allowGlobalAccess"] != true {
		t.Errorf("the load balancer rule's allowGlobalAccess = %v, want true", lb.Outputs["allowGlobalAccess"])
	}
	sd, _ := ep.Outputs["serviceDirectoryRegistrations"].(map[string]any)
	if sd["namespace"] != "partners" || sd["service"] != "payments" {
		t.Errorf("the endpoint's serviceDirectoryRegistrations = %v, want partners/payments", ep.Outputs["serviceDirectoryRegistrations"])
	}
	for r, team := range map[*gcpsim.Record]string{svc: "payments", lb: "payments", ep: "orders", one(tAddress): "orders"} {
		labels, _ := r.Outputs["labels"].(map[string]any)
		if labels["team"] != team || labels["managed-by"] != "cloudrun-psc" {
			t.Errorf("%s labels = %v, want team %s and managed-by cloudrun-psc", r.ID, labels, team)
		}
	}
}
