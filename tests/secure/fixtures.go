package secure

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// FixtureFile holds the cases of the secure-by-default rules shared with the policy pack,
// relative to the repository root.
const FixtureFile = "policy/testdata/fixtures.json"

// Fixture is one case of FixtureFile: a resource, optionally under a component, and the rule IDs
// each must break.
type Fixture struct {
	Name   string         `json:"name"`
	Type   string         `json:"type"`
	Inputs map[string]any `json:"inputs"`
	Secret []string       `json:"secret"` // dotted input paths the engine stores as secrets
	Want   []string       `json:"want"`
	Parent *Fixture       `json:"parent"`
}

// LoadFixtures reads FixtureFile, failing t when it cannot or when it holds no case.
func LoadFixtures(t harness.T) []Fixture {
	t.Helper()
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, FixtureFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Cases []Fixture }
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", FixtureFile, err)
	}
	if len(doc.Cases) == 0 {
		t.Fatalf("%s holds no cases", FixtureFile)
	}
	return doc.Cases
}

// RuleSet returns rule IDs sorted and without repeats (never nil), for comparing verdicts.
func RuleSet(ids []string) []string {
	out := slices.Compact(slices.Sorted(slices.Values(ids)))
	if out == nil {
		return []string{}
	}
	return out
}
