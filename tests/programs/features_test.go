package programs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/secure"
)

// The features program (python/features.py through the generated SDK and the
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

// hostProject and consumerHostProject are the Shared VPC hosts of the features program's
// producer and consumer.
const (
	hostProject         = "acme-host-prj"
	consumerHostProject = "bank-host-prj"
)

const (
	tBackend  = chain.RegionBackendServiceType
	tRule     = chain.ForwardingRuleType
	tAddress  = chain.AddressType
	tPolicy   = chain.RegionSecurityPolicyType
	tAttached = chain.ServiceAttachmentType
)

func TestFeatures(t *testing.T) {
	run(t, featuresLangs, func(t *testing.T, env *harness.Env, l lang) {
		st := l.new(env, "features")
		configure(st, map[string]string{"hostProject": hostProject, "consumerHostProject": consumerHostProject,
			"team": "payments", "globalAccess": "true", "endpointName": "orders-payments"})
		preview := st.Preview()
		wantWarnings(t, preview, "callerAuth network sets invokerIamDisabled", "allowGlobalAccess lets clients in every region")

		up := st.Up()
		if got := up.OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
			t.Errorf("pscConnectionStatus = %q, want ACCEPTED", got)
		}
		assertFeatureRecords(t, env, up.OutputString(t, "securityPolicy"))
		converged(t, st)
		// The policy pack acknowledges both opt-ins and lets through what they produce: the
		// service's invokerIamDisabled, the load balancer rule's global access.
		if acks := secure.AssertPolicy(t, env, st); len(acks) != 2 {
			t.Errorf("the policy pack acknowledges %d opt-ins, want callerAuth network and allowGlobalAccess: %v", len(acks), acks)
		}
		assertAutomaticDNSClaim(t, env, st, up)
		assertNamedChildren(t, env, st)

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

// assertAutomaticDNSClaim checks the features program's automatic DNS wiring: the endpoint
// publishes the producer's domainNames as the domains PSC claims, the DnsBinding for a name
// outside them has its record, and one for a name under them is refused at preview, naming the
// hostname, with nothing changed (PSC-AUTO-DNS).
func assertAutomaticDNSClaim(t *testing.T, env *harness.Env, st *harness.Stack, up *harness.Summary) {
	t.Helper()
	if got := fmt.Sprint(up.Outputs["automaticDnsDomains"].Value); got != "[p.acme.example.]" {
		t.Errorf("automaticDnsDomains = %s, want the producer's domainNames [p.acme.example.]", got)
	}
	records := simRecords(t, env, chain.RecordSetType)
	if len(records) != 1 || records[0].Outputs["name"] != "payment-api.internal." {
		t.Fatalf("want the DnsBinding's one record payment-api.internal., got %d records", len(records))
	}
	before := env.SimCount()
	st.SetConfig("dnsHostname", "payment-api.p.acme.example", false)
	p, err := st.Try(harness.Preview)
	want := `hostname: "payment-api.p.acme.example" is under p.acme.example., which Private Service Connect's automatic DNS claims`
	if err == nil || !strings.Contains(err.Error()+strings.Join(p.Errors(), "\n"), want) {
		t.Errorf("a DnsBinding hostname under the automatic DNS domain must fail the preview with %q; got %v", want, err)
	}
	if env.SimCount() != before {
		t.Errorf("a refused preview changed the simulator: %d resources, was %d", env.SimCount(), before)
	}
	st.SetConfig("dnsHostname", "payment-api.internal", false)
}

// assertNamedChildren checks the features program's name overrides: the Cloud Run service, the
// attachment and the endpoint carry the given names, and renaming the endpoint replaces its rule
// alone, delete-first as the provider does for a named resource (GEN-NAMED-DBR), after which it
// is connected again.
func assertNamedChildren(t *testing.T, env *harness.Env, st *harness.Stack) {
	t.Helper()
	names := map[string]string{}
	for _, typ := range []string{tService, tAttached, tRule} {
		for _, r := range simRecords(t, env, typ) {
			names[r.Name] = typ
		}
	}
	for name, typ := range map[string]string{"payments-api": tService, "payments-psc": tAttached, "orders-payments": tRule} {
		if names[name] != typ {
			t.Errorf("no %s named %s; the simulator holds %v", typ, name, names)
		}
	}
	st.SetConfig("endpointName", "orders-payments-v2", false)
	p := st.Preview()
	if p.Count(harness.OpReplace, tRule) != 1 || p.Count(harness.OpReplace, "") != 1 {
		t.Errorf("renaming the endpoint must replace its forwarding rule alone, plan: %v", p.ByType())
	}
	up := st.Up()
	if got := up.OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
		t.Errorf("pscConnectionStatus after renaming the endpoint = %q, want ACCEPTED", got)
	}
	var renamed bool
	for _, r := range simRecords(t, env, tRule) {
		renamed = renamed || r.Name == "orders-payments-v2"
		if r.Name == "orders-payments" {
			t.Errorf("the endpoint's old rule orders-payments is still there")
		}
	}
	if !renamed {
		t.Errorf("no forwarding rule orders-payments-v2 after the rename")
	}
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
	// Shared VPC: the producer's subnets are in the host project, its load balancer is not; the
	// consumer's subnet is in its host project, its endpoint is not.
	for _, s := range simRecords(t, env, tSubnet) {
		if s.Project != hostProject && s.Project != consumerHostProject && !(s.Project == consumerProject && strings.HasPrefix(s.Name, "apps-")) { // apps: of the consumer's own VPC, unused here
			t.Errorf("subnet %s is in project %s, want a Shared VPC host (%s, %s)", s.ID, s.Project, hostProject, consumerHostProject)
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
	if ep.Project != consumerProject || !strings.Contains(fmt.Sprint(ep.Outputs["network"]), "projects/"+consumerHostProject+"/") ||
		!strings.Contains(fmt.Sprint(ep.Outputs["subnetwork"]), "projects/"+consumerHostProject+"/") {
		t.Errorf("the endpoint is in %s on %v, %v; want the consumer's (service) project on its host's VPC and subnet",
			ep.Project, ep.Outputs["network"], ep.Outputs["subnetwork"])
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
