// Package differential holds the differential test of a client's call: the simulator
// (sim/gcpsim State.Call, the oracle) and doctor (pkg/doctor Ask, the product) are written
// separately and must give the same answer for every generated configuration.
package differential

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/doctor"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// configurations is how many configurations the test generates (DIFFERENTIAL_N overrides it,
// DIFFERENTIAL_SEED the seed, to hunt further).
const configurations = 600

// Both implementations give the same status or network error, the same refusing link and, where
// both name one, the same rule, for every configuration generated from the baseline chain.
func TestDifferentialCall(t *testing.T) {
	n, seed := configurations, uint64(20)
	if v, err := strconv.Atoi(os.Getenv("DIFFERENTIAL_N")); err == nil {
		n = v
	}
	if v, err := strconv.ParseUint(os.Getenv("DIFFERENTIAL_SEED"), 10, 64); err == nil {
		seed = v
	}
	b := buildBaseline(t)
	outcomes := map[string]int{}
	disagreements := 0
	for i := range n {
		c := b.generate(t, seed, i)
		sim, err := c.w.st.Call(c.w.req, c.w.now)
		if err != nil {
			t.Fatalf("configuration %d (%s): the simulator: %v", i, c.name, err)
		}
		producer, consumer := b.sides(t, c.w.st)
		ans, err := doctor.Ask(producer, consumer, request(c.w.req), c.w.now)
		if err != nil {
			t.Fatalf("configuration %d (%s): doctor: %v", i, c.name, err)
		}
		simSays, doctorSays := verdict(sim.Status, sim.Error, sim.Link, sim.Rule), verdict(ans.Status, ans.Error, ans.Link, ans.Rule)
		if ans.Rule == "" || sim.Rule == "" {
			simSays, doctorSays = verdict(sim.Status, sim.Error, sim.Link, ""), verdict(ans.Status, ans.Error, ans.Link, "")
		}
		outcomes[simSays]++
		if sh, dh := hopLinks(sim.Hops, nil), hopLinks(nil, ans.Hops); sh != dh {
			simSays += " via " + sh
			doctorSays += " via " + dh
		}
		if simSays != doctorSays {
			disagreements++
			t.Errorf("configuration %d [%s]\n  simulator: %s: %s\n  doctor:    %s: %s", i, c.name, simSays, sim.Reason, doctorSays, ans.Cause)
		}
	}
	t.Logf("%d configurations (seed %d), %d disagreements; outcomes: %v", n, seed, disagreements, outcomes)
	// The generator must reach every link: a configuration set whose calls all stop early proves little.
	if outcomes[verdict(200, "", "", "")] == 0 || len(outcomes) < 20 {
		t.Errorf("the configurations reach too few outcomes: %v", outcomes)
	}
}

// hopLinks are the links a call crossed, in order.
func hopLinks(sim []gcpsim.Hop, doc []doctor.Hop) string {
	var links []string
	for _, h := range sim {
		links = append(links, h.Link)
	}
	for _, h := range doc {
		links = append(links, h.Link)
	}
	return strings.Join(links, " ")
}

func verdict(status int, errKind, link, rule string) string {
	out := errKind
	if status != 0 {
		out = strconv.Itoa(status)
	}
	if link != "" {
		out += " at " + link
	}
	if rule != "" {
		out += fmt.Sprintf(" (%s)", rule)
	}
	return out
}

// request is the simulator's request as doctor's flags give it.
func request(r gcpsim.ClientRequest) doctor.Request {
	return doctor.Request{URL: r.URL, Project: r.Project, Network: r.Network, Region: r.Region, Subnet: r.Subnet, SourceIP: r.SourceIP,
		Tags: r.Tags, ServiceAccount: r.ServiceAccount, Identity: r.Identity, NoToken: r.NoToken, Audience: r.Audience,
		CABundle: r.CABundle, Insecure: r.Insecure, ClientCert: r.ClientCert, ClientKey: r.ClientKey}
}
