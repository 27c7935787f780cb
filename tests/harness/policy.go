package harness

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// PolicyPackDir is the repository's policy pack (policy/), relative to the repository root.
const PolicyPackDir = "policy"

// PolicyViolation is one policy violation the engine reported.
type PolicyViolation struct {
	URN     string `json:"urn"`
	Policy  string `json:"policy"`
	Pack    string `json:"pack"`
	Level   string `json:"level"` // "advisory" or "mandatory" (the engine says "warning" for advisory)
	Message string `json:"message"`
}

func (v PolicyViolation) String() string {
	return fmt.Sprintf("%s [%s] %s: %s", v.Policy, v.Level, v.URN, v.Message)
}

func policyViolation(e *apitype.PolicyEvent) PolicyViolation {
	level := e.EnforcementLevel
	if level == "warning" {
		level = "advisory"
	}
	return PolicyViolation{URN: e.ResourceURN, Policy: e.PolicyName, Pack: e.PolicyPackName, Level: level,
		Message: strings.TrimSpace(e.Message)}
}

// PolicyPack returns the path by which the CLI starts the repository's policy pack: its launcher
// policy/analyzer (the pinned CLI starts a pack folder only through the Node.js language host,
// which the toolchain lacks; see the launcher). It fails t when the pack is not installed.
func (e *Env) PolicyPack() string {
	e.t.Helper()
	if err := e.PolicyPackReady(); err != nil {
		e.t.Fatalf("harness: %v; run tools/bootstrap.sh (make tools)", err)
	}
	return filepath.Join(e.Root, PolicyPackDir, "analyzer")
}

// PolicyPackReady reports why the policy pack cannot run in this checkout (nil when it can): it is
// installed by `make tools` (it needs Node.js), not by the lean `make demo`.
func (e *Env) PolicyPackReady() error {
	dir := filepath.Join(e.Root, PolicyPackDir)
	for _, need := range []string{"bin/index.js", "node_modules/@pulumi/policy", "analyzer"} {
		if _, err := os.Stat(filepath.Join(dir, need)); err != nil {
			return fmt.Errorf("%s/%s is missing", PolicyPackDir, need)
		}
	}
	return nil
}

// PolicyConfig writes a policy pack config file (policy name to enforcement level, or "all") into
// the world and returns its path.
func (e *Env) PolicyConfig(levels map[string]string) string {
	e.t.Helper()
	data, err := json.Marshal(levels)
	if err != nil {
		e.t.Fatal(err)
	}
	f, err := os.CreateTemp(e.Dir, "policy-config-*.json")
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		e.t.Fatal(err)
	}
	return f.Name()
}

// WithPolicyPack makes the stack's previews and updates run the policy pack at path (see PolicyPack), with the
// config file config ("" for the pack's defaults): `pulumi preview|up --policy-pack path`. Go and
// YAML stacks only.
func (s *Stack) WithPolicyPack(dir, config string) *Stack {
	s.env.t.Helper()
	r, ok := s.runner.(*autoRunner)
	if !ok {
		s.env.t.Fatalf("harness: policy packs run on Go and YAML stacks only")
	}
	r.policyPack, r.policyConfig = dir, config
	return s
}

// AnalyzePolicy runs `pulumi policy analyze` with the policy pack at dir (see PolicyPack), and
// config if not "", over the stack's state: the resources as they are deployed, without running
// the program. It returns the violations and whether the CLI failed the analysis (a mandatory
// violation); an analysis that could not run fails t.
func (s *Stack) AnalyzePolicy(dir, config string) (violations []PolicyViolation, failed bool) {
	s.env.t.Helper()
	violations, failed, err := s.TryAnalyzePolicy(dir, config)
	if err != nil {
		s.env.t.Fatalf("harness: %v", err)
	}
	return violations, failed
}

// TryAnalyzePolicy is AnalyzePolicy returning the error of an analysis that could not run
// instead of failing the test, so that several stacks can be analyzed at once.
func (s *Stack) TryAnalyzePolicy(dir, config string) (violations []PolicyViolation, failed bool, err error) {
	args := []string{"policy", "analyze", "--stack", s.Ref(), "--policy-pack", dir, "--json"}
	if config != "" {
		args = append(args, "--policy-pack-config", config)
	}
	start := time.Now()
	out, runErr := s.env.Pulumi(args...)
	s.env.t.Logf("harness: %s policy analyze in %s", s.Ref(), time.Since(start).Round(10*time.Millisecond))
	var result apitype.OperationResult
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var ev apitype.EngineEvent
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			continue
		}
		if ev.PolicyEvent != nil {
			violations = append(violations, policyViolation(ev.PolicyEvent))
		}
		if ev.SummaryEvent != nil {
			result = ev.SummaryEvent.Result
		}
	}
	if runErr != nil && (result != apitype.OperationResultFailed ||
		!slices.ContainsFunc(violations, func(v PolicyViolation) bool { return v.Level == "mandatory" })) {
		return violations, true, fmt.Errorf("%s policy analyze: %w\n%s", s.Ref(), runErr, out)
	}
	return violations, runErr != nil, nil
}
