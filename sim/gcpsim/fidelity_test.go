package gcpsim

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// fidelityRow is one line of testdata/fidelity.tsv: a property of a field of a simulated type
// or function, as the provider's sources state it.
type fidelityRow struct {
	line                        int
	typ, field, property, value string
	source                      string
}

func loadFidelity(t *testing.T) []fidelityRow {
	t.Helper()
	f, err := os.Open("testdata/fidelity.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []fidelityRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			t.Fatalf("fidelity.tsv:%d: want 5 tab-separated columns, got %d", n, len(cols))
		}
		rows = append(rows, fidelityRow{n, cols[0], cols[1], cols[2], cols[3], cols[4]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// A source is a provider line, a magic-modules file, a Google docs URL, a pulumi-gcp fact, or
// says it is an assumption (docs/gcp-rules.md, Sources).
var sourceForm = regexp.MustCompile(`^(TPGB?:[a-z0-9]+/[a-z0-9_]+\.go:\d+|TPG-root:google/\S+\.go:\d+|MM:\S+:\d+|https://cloud\.google\.com/\S+|pulumi-)|assumption`)

// TestFidelityTable holds the simulator's kinds to the table, in both directions: every
// property the simulator gives a field has its row, and every row is what the simulator does.
func TestFidelityTable(t *testing.T) {
	rows := loadFidelity(t)
	tableTypes := map[string]bool{}
	got := map[string]map[string]string{} // type -> "field\tproperty" -> value
	for _, r := range rows {
		if !sourceForm.MatchString(r.source) {
			t.Errorf("fidelity.tsv:%d: source %q is not a provider line, a docs URL or an assumption", r.line, r.source)
		}
		tableTypes[r.typ] = true
		if got[r.typ] == nil {
			got[r.typ] = map[string]string{}
		}
		key := r.field + "\t" + r.property
		if _, dup := got[r.typ][key]; dup {
			t.Errorf("fidelity.tsv:%d: duplicate row %s %s", r.line, r.typ, key)
		}
		got[r.typ][key] = r.value
		if strings.HasSuffix(r.property, "enum") || strings.HasSuffix(r.property, "-of") || r.property == "conflicts-with" {
			got[r.typ][key] = sortedList(r.value)
		}
	}
	for _, token := range Types() {
		if !tableTypes[token] {
			t.Errorf("type %s has no rows in fidelity.tsv", token)
			continue
		}
		want := kindProperties(kinds[token])
		compareProperties(t, token, want, got[token])
	}
	for _, token := range Functions() {
		if !tableTypes[token] {
			t.Errorf("function %s has no rows in fidelity.tsv", token)
		}
	}
	for typ := range tableTypes {
		if _, isType := kinds[typ]; !isType && !slices.Contains(Functions(), typ) {
			t.Errorf("fidelity.tsv has rows for %s, which the simulator does not serve", typ)
		}
	}
}

func compareProperties(t *testing.T, token string, sim, table map[string]string) {
	t.Helper()
	for _, key := range sortedKeys(sim) {
		field, prop, _ := strings.Cut(key, "\t")
		if prop == "output" {
			continue
		}
		v, ok := table[key]
		switch {
		case !ok:
			t.Errorf("%s: the simulator gives %s the property %s (%s) but fidelity.tsv has no row for it", token, field, prop, sim[key])
		case v != sim[key]:
			t.Errorf("%s: %s %s: fidelity.tsv says %q, the simulator %q", token, field, prop, v, sim[key])
		}
	}
	for _, key := range sortedKeys(table) {
		if _, ok := sim[key]; !ok {
			field, prop, _ := strings.Cut(key, "\t")
			if prop == "output" {
				continue
			}
			t.Errorf("%s: fidelity.tsv gives %s the property %s (%s) but the simulator does not", token, field, prop, table[key])
		}
	}
}

// sortedList sorts a comma-separated list: enum values compare as sets.
func sortedList(s string) string {
	vals := strings.Split(s, ",")
	sort.Strings(vals)
	return strings.Join(vals, ",")
}

// kindProperties flattens a kind into the table's "field\tproperty" -> value form.
func kindProperties(k *kind) map[string]string {
	m := map[string]string{}
	flag := func(prop string, fields []string) {
		for _, f := range fields {
			m[f+"\t"+prop] = ""
		}
	}
	flag("forcenew", k.forceNew)
	flag("required", k.required)
	flag("api-required", k.apiRequired)
	flag("set", k.sets)
	flag("api-order", k.apiOrder)
	flag("computed", k.computed)
	flag("secret", k.secrets)
	enums := func(prop string, e map[string][]string) {
		for f, vals := range e {
			vals = slices.DeleteFunc(slices.Clone(vals), func(s string) bool { return s == "" })
			m[f+"\t"+prop] = sortedList(strings.Join(vals, ","))
		}
	}
	enums("enum", k.enums)
	enums("api-enum", k.apiEnums)
	defaults := func(prop string, d map[string]any) {
		for f, v := range d {
			b, _ := json.Marshal(normalize(v))
			m[f+"\t"+prop] = string(b)
		}
	}
	defaults("default", k.defaults)
	defaults("api-default", k.apiDefaults)
	for f, fields := range k.setHash {
		m[f+"\tset-hash"] = strings.Join(fields, ",")
	}
	for f, others := range k.conflicts {
		m[f+"\tconflicts-with"] = sortedList(strings.Join(others, ","))
	}
	groups := func(prop string, gs [][]string) {
		for _, g := range gs {
			for _, f := range g {
				m[f+"\t"+prop] = sortedList(strings.Join(g, ","))
			}
		}
	}
	groups("exactly-one-of", k.exactlyOneOf)
	groups("at-least-one-of", k.atLeastOneOf)
	for f, flag := range k.zeroSentIf {
		m[f+"\tzero-sent-if"] = flag
	}
	for f, fn := range k.suppress {
		m[f+"\tsuppress"] = fn
	}
	if k.autoName {
		m["name\tautoname"] = ""
	}
	if k.nameRule != nil {
		where := "api"
		if k.nameAtPlan {
			where = "plan"
		}
		m["name\tname-rule"] = where
	}
	return m
}

// TestFidelityFunctions invokes every simulated function and checks that it returns exactly
// the outputs the table lists for it.
func TestFidelityFunctions(t *testing.T) {
	rows := loadFidelity(t)
	want := map[string][]string{}
	for _, r := range rows {
		if r.property == "output" && slices.Contains(Functions(), r.typ) {
			want[r.typ] = append(want[r.typ], r.field)
		}
	}
	h := newHarness(t, producerProject)
	vpc, _ := h.mustCreate(networkToken, "vpc", map[string]any{"autoCreateSubnetworks": false})
	sub, _ := h.mustCreate(subnetworkToken, "sub", map[string]any{"network": vpc, "ipCidrRange": "10.0.0.0/24"})
	args := map[string]map[string]any{
		getSubnetworkToken:                                  {"selfLink": sub},
		getSubnetworksToken:                                 {},
		"gcp:organizations/getProject:getProject":           {},
		"gcp:organizations/getClientConfig:getClientConfig": {},
	}
	for _, token := range Functions() {
		resp, err := h.sim.Invoke(context.Background(), p.InvokeRequest{Token: tokens.Type(token), Args: props(args[token])})
		if err != nil {
			t.Fatalf("%s: %v", token, err)
		}
		var keys []string
		for k := range mapToPlain(resp.Return) {
			keys = append(keys, k)
		}
		if token == getSubnetworksToken {
			for _, item := range mapToPlain(resp.Return).objs("subnetworks") {
				for k := range item {
					keys = append(keys, "subnetworks[]."+k)
				}
				break
			}
		}
		sort.Strings(keys)
		sort.Strings(want[token])
		if fmt.Sprint(keys) != fmt.Sprint(want[token]) {
			t.Errorf("%s returns %v, fidelity.tsv lists %v", token, keys, want[token])
		}
	}
}
