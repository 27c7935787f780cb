package psc

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// optedInArgs is routedArgs with every producer opt-in that validation lets go together:
// callerAuth network on the main service and the admin route, acceptAllConsumers and
// allowGlobalAccess.
func optedInArgs() *ProducerServiceArgs {
	a := routedArgs()
	a.CloudRun.CallerAuth = callerAuthNetwork
	a.Routes[0].CloudRun.Invokers = nil
	a.Routes[0].CloudRun.CallerAuth = callerAuthNetwork
	a.Consumers = nil
	a.AcceptAllConsumers = true
	a.AllowGlobalAccess = true
	return a
}

// The opt-ins are read from the args at the inputs chain.OptIns names, and each one set is warned
// of with what it widens; none set, nothing is recorded and nothing said.
func TestOptInInputsAndWarnings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, typ string
		args      any
		want      []string // the opt-ins' paths set, in chain.OptIns order
	}{
		{"producer defaults", ProducerServiceType, producerArgs().withDefaults(), nil},
		{"producer routes", ProducerServiceType, routedArgs().withDefaults(), nil},
		{"producer opted in", ProducerServiceType, optedInArgs().withDefaults(),
			[]string{"cloudRun.callerAuth", "routes[0].cloudRun.callerAuth", "acceptAllConsumers", "allowGlobalAccess"}},
		{"public producer", ProducerServiceType, ProducerServiceArgs{CloudRun: CloudRunArgs{AllowUnauthenticated: true}},
			[]string{"cloudRun.allowUnauthenticated"}},
		{"consumer", ConsumerEndpointType, consumerArgs().withDefaults(), nil},
		{"consumer global access", ConsumerEndpointType, &ConsumerEndpointArgs{AllowGlobalAccess: true}, []string{"allowGlobalAccess"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inputs, err := optInInputs(tc.typ, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			var paths, want []string
			for _, o := range chain.Of(tc.typ) {
				for _, p := range o.SetIn(inputs) {
					paths = append(paths, p)
					want = append(want, o.Says(p))
				}
			}
			if !slices.Equal(paths, tc.want) {
				t.Errorf("opt-ins set at %q, want %q (inputs %v)", paths, tc.want, inputs)
			}
			// An opt-in not set is not recorded: the component's inputs change only when an opt-in
			// does, not when a route without one is removed.
			if tc.want == nil && len(inputs) != 0 {
				t.Errorf("no opt-in set, yet the inputs %v are recorded", inputs)
			}
			if got := optInWarnings(tc.typ, inputs); !slices.Equal(got, want) {
				t.Errorf("warnings %q, want %q", got, want)
			}
		})
	}
}

// What the engine records as a component's inputs, which a policy pack analyzes, is its opt-ins
// and nothing else: the pack finds there each opt-in the program set.
func TestComponentInputsAreItsOptIns(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		if _, err := NewProducerService(ctx, "payments", optedInArgs()); err != nil {
			return err
		}
		args := consumerArgs()
		args.AllowGlobalAccess = true
		_, err := NewConsumerEndpoint(ctx, "orders", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for typ, want := range map[string][]string{
		ProducerServiceType:  {"cloudRun.callerAuth", "routes[0].cloudRun.callerAuth", "acceptAllConsumers", "allowGlobalAccess"},
		ConsumerEndpointType: {"allowGlobalAccess"},
	} {
		var inputs map[string]any
		for _, r := range f.All() {
			if r.Type == typ {
				inputs = r.Inputs.Mappable()
			}
		}
		var got []string
		names := map[string]bool{}
		for _, o := range chain.Of(typ) {
			got = append(got, o.SetIn(inputs)...)
			names[strings.TrimSuffix(strings.Split(o.Input, ".")[0], "[]")] = true
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the registered inputs set the opt-ins at %q, want %q", typ, got, want)
		}
		for k := range maps.Keys(inputs) {
			if !names[k] {
				t.Errorf("%s: the registered inputs hold %s, which no opt-in names", typ, k)
			}
		}
	}
}

// The enum value the callerAuth opt-ins name is the one that turns invoker IAM off.
func TestCallerAuthOptInValue(t *testing.T) {
	t.Parallel()
	for _, o := range []chain.OptIn{chain.CallerAuthNetwork, chain.RouteCallerAuthNetwork} {
		if o.Value != callerAuthNetwork {
			t.Errorf("%s opts in with %v, want %q", o.Input, o.Value, callerAuthNetwork)
		}
	}
}
