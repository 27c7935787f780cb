package psc

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// Two DnsBindings for one hostname, each creating its private zone in one project and binding
// it to one network, would leave two zones of one DNS name answering the name in that network,
// with the addresses each binding was given: a client gets one zone's answer, and Google does not
// say which (DNS-TWIN-ZONES; cloudrun-psc doctor reports such a pair). A DnsBinding sees the others of its
// program, which share its *pulumi.Context: the second is refused, naming `networks` and the
// first binding, at preview when both lists of networks are known, else before its zone is
// created. Bindings of other programs or stacks, and bindings each constructed through the
// provider (every construct has its own context), are not seen; doctor reports those.

// zoneClaim is a private zone a DnsBinding of the program creates.
type zoneClaim struct {
	binding  string
	networks pulumi.StringArrayInput
}

// zoneClaims are the zones each program's DnsBindings create, by project and DNS name.
var zoneClaims = struct {
	sync.Mutex
	byProgram map[*pulumi.Context]map[string][]zoneClaim
}{byProgram: map[*pulumi.Context]map[string][]zoneClaim{}}

// claimZone records the zone the binding creates for dnsName in project, bound to networks, and
// returns the networks to bind: an error when both lists are known and share a network with an
// earlier binding's zone of the same name, else an Output that fails, naming `networks`, when
// they turn out to.
func claimZone(ctx *pulumi.Context, binding, project, dnsName string, networks pulumi.StringArrayInput) (pulumi.StringArrayOutput, error) {
	if networks == nil { // validate refuses a zone without networks
		networks = pulumi.StringArray{}
	}
	key := project + "/" + strings.ToLower(dnsName)
	zoneClaims.Lock()
	claims := zoneClaims.byProgram[ctx]
	if claims == nil {
		claims = map[string][]zoneClaim{}
		zoneClaims.byProgram[ctx] = claims
	}
	earlier := claims[key]
	claims[key] = append(earlier, zoneClaim{binding: binding, networks: networks})
	zoneClaims.Unlock()

	mine, known := knownArray(networks)
	out := networks.ToStringArrayOutput()
	for _, c := range earlier {
		theirs, theirsKnown := knownArray(c.networks)
		if known && theirsKnown {
			if err := sharedNetwork(dnsName, c.binding, theirs, mine); err != nil {
				return out, err
			}
			continue
		}
		first := c
		out = pulumi.All(first.networks.ToStringArrayOutput(), out).ApplyT(func(v []any) ([]string, error) {
			theirs, mine := v[0].([]string), v[1].([]string)
			if err := sharedNetwork(dnsName, first.binding, theirs, mine); err != nil {
				return nil, invalidInput("DnsBinding", binding, err)
			}
			return mine, nil
		}).(pulumi.StringArrayOutput)
	}
	return out, nil
}

// sharedNetwork refuses a zone for dnsName bound to a network that binding's zone of the same
// name is bound to too.
func sharedNetwork(dnsName, binding string, theirs, mine []string) error {
	for _, n := range mine {
		if slices.ContainsFunc(theirs, func(t string) bool { return chain.RelativeName(t) == chain.RelativeName(n) }) {
			return fmt.Errorf("networks: DnsBinding %q of this program already creates a private zone for %s bound to %s: "+
				"two zones of one name in one network both answer it, and clients get one of them; give the name one "+
				"DnsBinding per network (or name a different network here)", binding, dnsName, chain.RelativeName(n))
		}
	}
	return nil
}
