// Package policy tests the policy pack (policy/) through the real CLI and engine: the pack judges
// the shared fixtures (policy/testdata/fixtures.json) exactly as tests/secure does, and a
// mandatory rule blocks an update before anything is created; each explicit opt-in (chain.OptIns)
// is acknowledged with what it widens. That the deployed programs pass it, with no violation but
// the acknowledgement of each opt-in they set, is checked where they are deployed, so that nothing
// is deployed twice: secure.AssertPolicy runs `pulumi policy analyze` over the state of every
// example (tests/e2e; TestGoProducerAndConsumerBothDirections deploys the demo's programs as the
// demo does) and of every corpus program of tests/programs (features, routes, managed
// certificates, naming, platform).
package policy

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/secure"
)

// input converts a fixture's JSON value into a program's input, the secret paths as secrets.
func input(v any, path string, secret []string) pulumi.Input {
	var in pulumi.Input
	switch v := v.(type) {
	case map[string]any:
		m := pulumi.Map{}
		for k, e := range v {
			p := k
			if path != "" {
				p = path + "." + k
			}
			m[k] = input(e, p, secret)
		}
		in = m
	case []any:
		a := pulumi.Array{}
		for _, e := range v {
			a = append(a, input(e, path+"[]", secret))
		}
		in = a
	case string:
		in = pulumi.String(v)
	case bool:
		in = pulumi.Bool(v)
	case float64:
		in = pulumi.Float64(v)
	default:
		in = pulumi.Any(v)
	}
	if slices.Contains(secret, path) {
		return pulumi.ToSecret(in)
	}
	return in
}

type component struct{ pulumi.ResourceState }

// fixturesProgram registers every fixture: the component (a local component of the same type
// token and inputs, as the analyzer sees the provider's) and the resource under it.
func fixturesProgram(fixtures []secure.Fixture) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		for _, f := range fixtures {
			var opts []pulumi.ResourceOption
			if p := f.Parent; p != nil {
				var c component
				if err := ctx.RegisterComponentResourceV2(p.Type, f.Name+"-"+p.Name, input(p.Inputs, "", p.Secret).(pulumi.Map), &c); err != nil {
					return err
				}
				opts = append(opts, pulumi.Parent(&c))
			}
			var r pulumi.CustomResourceState
			if err := ctx.RegisterResource(f.Type, f.Name, input(f.Inputs, "", f.Secret), &r, opts...); err != nil {
				return err
			}
		}
		return nil
	}
}

type attachment struct {
	pulumi.CustomResourceState
	SelfLink pulumi.StringOutput `pulumi:"selfLink"`
}

// unknownTargetEndpoint registers a PSC endpoint whose target is the self link of an attachment
// created by the same program: unknown at preview, where the pack must not take the rule for an
// external one (it is judged at up, with the value known).
func unknownTargetEndpoint(ctx *pulumi.Context) error {
	var att attachment
	if err := ctx.RegisterResource(chain.ServiceAttachmentType, "endpoint-attachment", pulumi.Map{
		"region":               pulumi.String("europe-west1"),
		"targetService":        pulumi.String("projects/producer-prj/regions/europe-west1/forwardingRules/payments-lb-rule"),
		"natSubnets":           pulumi.StringArray{pulumi.String("projects/producer-prj/regions/europe-west1/subnetworks/nat")},
		"connectionPreference": pulumi.String("ACCEPT_MANUAL"),
		"enableProxyProtocol":  pulumi.Bool(false),
	}, &att); err != nil {
		return err
	}
	var rule pulumi.CustomResourceState
	return ctx.RegisterResource(chain.ForwardingRuleType, "endpoint-unknown-target", pulumi.Map{
		"region":              pulumi.String("europe-west1"),
		"network":             pulumi.String("projects/consumer-prj/global/networks/vpc"),
		"ipAddress":           pulumi.String("projects/consumer-prj/regions/europe-west1/addresses/payments-ip"),
		"target":              att.SelfLink,
		"loadBalancingScheme": pulumi.String(""),
	}, &rule)
}

// byName groups violations by the name of the resource they name (the URN's last part).
func byName(vs []harness.PolicyViolation) map[string][]string {
	out := map[string][]string{}
	for _, v := range vs {
		name := v.URN[strings.LastIndex(v.URN, "::")+2:]
		if !slices.Contains(out[name], v.Policy) {
			out[name] = append(out[name], v.Policy)
		}
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}

// The pack, run by `pulumi preview --policy-pack policy` over a program holding every fixture,
// breaks exactly the rules the fixture names on each resource and component: the verdicts
// tests/secure's TestFixtures gets from Check.
func TestPackJudgesFixturesLikeSecure(t *testing.T) {
	t.Parallel()
	fixtures := secure.LoadFixtures(t)
	env := harness.New(t, harness.GCP())
	program := fixturesProgram(fixtures)
	st := env.GoStack("fixtures", "dev", func(ctx *pulumi.Context) error {
		if err := program(ctx); err != nil {
			return err
		}
		return unknownTargetEndpoint(ctx)
	})
	st.Configure("producer-prj", "europe-west1", nil)
	// Advisory everywhere, so that the preview reports every violation and succeeds.
	st.WithPolicyPack(env.PolicyPack(), env.PolicyConfig(map[string]string{"all": "advisory"}))
	sum := st.Preview()
	got := byName(sum.Policy)
	t.Logf("the pack reported %d violations on %d resources", len(sum.Policy), len(got))
	if g := got["endpoint-unknown-target"]; len(g) != 0 {
		t.Errorf("a PSC endpoint whose target is not known at preview was judged: %v", g)
	}
	for _, f := range fixtures {
		if g, want := secure.RuleSet(got[f.Name]), secure.RuleSet(f.Want); !slices.Equal(g, want) {
			t.Errorf("%s %s: the pack reports %v, the fixture says %v", f.Type, f.Name, g, want)
		}
		if p := f.Parent; p != nil {
			if g, want := secure.RuleSet(got[f.Name+"-"+p.Name]), secure.RuleSet(p.Want); !slices.Equal(g, want) {
				t.Errorf("component %s %s: the pack reports %v, the fixture says %v", p.Type, p.Name, g, want)
			}
		}
	}
	assertAcknowledgements(t, fixtures, sum.Policy)
	for _, v := range sum.Policy {
		if v.Pack != "cloudrun-psc" || v.Level != "advisory" {
			t.Errorf("violation from pack %q at level %q, want cloudrun-psc, advisory: %s", v.Pack, v.Level, v)
		}
		if !strings.Contains(v.Message, "Fix:") && v.Policy != "explicit-opt-in" {
			t.Errorf("%s: the message names no fix", v)
		}
	}
}

// With the pack's defaults, a raw resource that breaks a rule fails `pulumi preview`, and
// `pulumi up` before anything is created, naming the resource and the fix. (That an opt-in
// acknowledgement never blocks is tested on the deployed opt-in producer, tests/e2e.)
func TestMandatoryRuleBlocksUp(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP())
	st := env.GoStack("blocked", "dev", func(ctx *pulumi.Context) error {
		var addr pulumi.CustomResourceState
		return ctx.RegisterResource(chain.AddressType, "public-ip",
			pulumi.Map{"region": pulumi.String("europe-west1"), "addressType": pulumi.String("EXTERNAL")}, &addr)
	})
	st.Configure("producer-prj", "europe-west1", nil)
	st.WithPolicyPack(env.PolicyPack(), "")
	for _, op := range []harness.Operation{harness.Preview, harness.Up} {
		sum, err := st.Try(op)
		if err == nil {
			t.Fatalf("%s with an external address passed the pack: %v", op, sum)
		}
		var found bool
		for _, v := range sum.Policy {
			if v.Policy == "no-external-address-or-rule" && v.Level == "mandatory" &&
				strings.Contains(v.Message, "'public-ip'") && strings.Contains(v.Message, "addressType: INTERNAL") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no mandatory no-external-address-or-rule violation naming public-ip and the fix: %v (%v)", op, sum.Policy, err)
		}
		if n := sum.Count(harness.OpCreate, chain.AddressType); op == harness.Up && n != 0 {
			t.Errorf("the blocked up created the address: %v", sum)
		}
	}
	if n := env.SimCount(); n != 0 {
		t.Errorf("the blocked up created %d resources in the simulator", n)
	}
}

// assertAcknowledgements checks the pack's explicit-opt-in messages on the fixtures' components:
// one per opt-in the component sets (chain.OptIns), each saying what chain.OptIn.Says, the
// component's warning, names.
func assertAcknowledgements(t *testing.T, fixtures []secure.Fixture, vs []harness.PolicyViolation) {
	t.Helper()
	acks := map[string][]string{}
	for _, v := range vs {
		if v.Policy == secure.OptInRule {
			name := v.URN[strings.LastIndex(v.URN, "::")+2:]
			acks[name] = append(acks[name], v.Message)
		}
	}
	for _, f := range fixtures {
		p := f.Parent
		if p == nil {
			continue
		}
		got := acks[f.Name+"-"+p.Name]
		var want []string
		for _, o := range chain.Of(p.Type) {
			for _, path := range o.SetIn(p.Inputs) {
				want = append(want, fmt.Sprintf("%s '%s': explicit opt-in %s.", p.Type, f.Name+"-"+p.Name, o.Says(path)))
			}
		}
		if len(got) != len(want) {
			t.Errorf("component %s of %s: %d acknowledgements %q, want %d, one per opt-in it sets", p.Name, f.Name, len(got), got, len(want))
			continue
		}
		for _, w := range want {
			if !slices.ContainsFunc(got, func(m string) bool { return strings.Contains(m, w) }) {
				t.Errorf("component %s of %s: no acknowledgement says %q; got %q", p.Name, f.Name, w, got)
			}
		}
	}
}
