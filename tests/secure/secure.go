// Package secure checks the secure-by-default invariants of cloudrun-psc over a deployed world: the
// GCP simulator's state (what Google Cloud would hold) and every file of the Pulumi state backend
// (what the stacks' state files hold):
//
//   - every Cloud Run service has ingress INGRESS_TRAFFIC_INTERNAL_ONLY;
//   - no IAM member grants allUsers or allAuthenticatedUsers, and no service turns invoker IAM off;
//   - every backend service and load balancer forwarding rule has scheme INTERNAL_MANAGED;
//   - no address or forwarding rule is EXTERNAL (a rule without a scheme is a PSC endpoint);
//   - every service attachment has connectionPreference ACCEPT_MANUAL;
//   - every Cloud DNS zone is private (the name of a private service is no public record);
//   - a TLS private key is never in plain text in the state backend, and every privateKey
//     property there is a secret;
//   - the simulator's secret inputs (the private keys it stores, as Google Cloud does) appear in
//     no output other than the secret output itself.
//
// Check is the pure checker, used by the unit tests with synthetic worlds; Inspect and Assert read a
// harness world. What the explicit opt-ins (chain.OptIns) produce is allowed only when Options
// says so (OptInsOf).
package secure

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// The invariants, as Violation.Invariant and the keys of Report.Checked name them.
const (
	InternalIngress     = "Cloud Run ingress INGRESS_TRAFFIC_INTERNAL_ONLY"
	NoPublicInvoker     = "no allUsers/allAuthenticatedUsers invoker, invoker IAM on"
	InternalLB          = "load balancer scheme INTERNAL_MANAGED"
	NoExternal          = "no EXTERNAL address or forwarding rule"
	AcceptManual        = "service attachment ACCEPT_MANUAL"
	PrivateDNS          = "Cloud DNS zones private"
	KeySecretInState    = "TLS private key only as a secret in the stack state"
	SecretsNotInOutputs = "simulator secret inputs not leaked through outputs"
)

// Invariants lists every invariant Check enforces.
var Invariants = []string{
	InternalIngress, NoPublicInvoker, InternalLB, NoExternal, AcceptManual, PrivateDNS, KeySecretInState,
	SecretsNotInOutputs,
}

// RuleIDs names each invariant by the ID of the policy-pack rule that enforces it at preview
// (policy/rules.ts; the pack's policy names). policy/testdata/fixtures.json holds cases both must
// judge alike: TestFixtures here and tests/policy through the CLI. Two invariants are one rule:
// the pack sees a program's inputs, which the simulator's outputs and the state files derive from.
var RuleIDs = map[string]string{
	InternalIngress:     "cloudrun-ingress-internal",
	NoPublicInvoker:     "cloudrun-no-public-invoker",
	InternalLB:          "lb-internal-managed",
	NoExternal:          "no-external-address-or-rule",
	AcceptManual:        "attachment-accept-manual",
	PrivateDNS:          "dns-zone-private",
	KeySecretInState:    "tls-key-secret",
	SecretsNotInOutputs: "tls-key-secret",
}

// OptInRule is the ID of the pack's rule that acknowledges a component's explicit opt-in.
const OptInRule = "explicit-opt-in"

// allows are what the findings an opt-in explains (chain.Finding) let through, as Options switches.
var allows = map[chain.Finding]func(*Options){
	chain.PublicInvoker:      func(o *Options) { o.AllowPublicInvoker = true },
	chain.InvokerIAMDisabled: func(o *Options) { o.AllowInvokerIAMOff = true },
	chain.AcceptAutomatic:    func(o *Options) { o.AllowAcceptAutomatic = true },
}

// OptInsOf returns the explicit opt-ins (chain.OptIns) a component of type typ sets in its
// inputs, and adds what they allow to opts.
func OptInsOf(typ string, inputs map[string]any, opts *Options) []chain.OptIn {
	var on []chain.OptIn
	for _, o := range chain.Of(typ) {
		if len(o.SetIn(inputs)) == 0 {
			continue
		}
		on = append(on, o)
		if allow := allows[o.Explains]; allow != nil {
			allow(opts)
		}
	}
	return on
}

// Options are the explicit opt-ins a world may use, and extra secrets to look for.
type Options struct {
	// AllowPublicInvoker accepts allUsers/allAuthenticatedUsers invoker members
	// (cloudRun.allowUnauthenticated).
	AllowPublicInvoker bool
	// AllowInvokerIAMOff accepts Cloud Run services with invokerIamDisabled (cloudRun.callerAuth
	// network).
	AllowInvokerIAMOff bool
	// AllowAcceptAutomatic accepts ACCEPT_AUTOMATIC service attachments (acceptAllConsumers).
	AllowAcceptAutomatic bool
	// Secrets are values that must never appear in plain text in the state backend, besides the
	// simulator's secret inputs (which Check finds itself).
	Secrets []string
}

// File is one file of the Pulumi state backend.
type File struct {
	Path string // relative to the backend's root
	Data []byte
}

// Violation is one broken invariant.
type Violation struct {
	Invariant string
	Where     string // a simulator resource ID, or a backend file and JSON path
	Detail    string
}

func (v Violation) String() string { return fmt.Sprintf("%s: %s: %s", v.Invariant, v.Where, v.Detail) }

// Report is what Check found.
type Report struct {
	// Checked counts, per invariant, what it examined: resources for the simulator invariants,
	// privateKey properties found in the state files for KeySecretInState, secret inputs found in
	// the simulator for SecretsNotInOutputs.
	Checked map[string]int
	// Resources and Files are how many simulator resources and backend files were read.
	Resources, Files int
	Violations       []Violation
}

// Of returns the violations of one invariant.
func (r Report) Of(invariant string) []Violation {
	var out []Violation
	for _, v := range r.Violations {
		if v.Invariant == invariant {
			out = append(out, v)
		}
	}
	return out
}

// Summary is a one-line account of the report, for logs and the demo.
func (r Report) Summary() string {
	parts := make([]string, 0, len(Invariants))
	for _, inv := range Invariants {
		parts = append(parts, fmt.Sprintf("%s: %d checked, %d violated", inv, r.Checked[inv], len(r.Of(inv))))
	}
	return fmt.Sprintf("%d simulator resources, %d state files; %s", r.Resources, r.Files, strings.Join(parts, "; "))
}

// Google Cloud's values for the invariants.
const (
	ingressInternal  = "INGRESS_TRAFFIC_INTERNAL_ONLY"
	schemeInternal   = "INTERNAL_MANAGED"
	acceptManual     = "ACCEPT_MANUAL"
	acceptAutomatic  = "ACCEPT_AUTOMATIC"
	addressInternal  = "INTERNAL"
	zonePrivate      = "private"
	privateKeyMarker = "PRIVATE KEY"
)

// The resource types each invariant reads. The global variants are not emulated today; they are
// listed so that a program using them can never pass as internal.
var (
	runServices = []string{chain.CloudRunServiceType}
	backends    = []string{chain.RegionBackendServiceType, chain.BackendServiceType}
	rules       = []string{chain.ForwardingRuleType, chain.GlobalForwardingRuleType}
	addresses   = []string{chain.AddressType, chain.GlobalAddressType}
	attachments = []string{chain.ServiceAttachmentType}
	zones       = []string{chain.ManagedZoneType}
	publicIAM   = []string{"allUsers", "allAuthenticatedUsers"}
)

// checker accumulates a report.
type checker struct {
	opts Options
	rep  Report
}

func (c *checker) fail(invariant, where, format string, args ...any) {
	c.rep.Violations = append(c.rep.Violations, Violation{Invariant: invariant, Where: where, Detail: fmt.Sprintf(format, args...)})
}

// Check runs every invariant over a simulator state and the files of a state backend.
func Check(sim *gcpsim.State, files []File, opts Options) Report {
	c := &checker{opts: opts, rep: Report{Checked: map[string]int{}, Files: len(files)}}
	var records []*gcpsim.Record
	if sim != nil {
		records = sim.Sorted()
	}
	c.rep.Resources = len(records)
	for _, r := range records {
		c.resource(r)
	}
	secrets := c.simSecrets(records)
	for _, s := range opts.Secrets {
		if s != "" && !slices.Contains(secrets, s) {
			secrets = append(secrets, s)
		}
	}
	for _, f := range files {
		c.file(f, secrets)
	}
	return c.rep
}

// field returns a resource's value for key as Google Cloud reports it (its outputs), or as it was
// asked for when the outputs lack it.
func field(r *gcpsim.Record, key string) (any, bool) {
	if v, ok := r.Outputs[key]; ok && v != nil {
		return v, true
	}
	v, ok := r.Inputs[key]
	return v, ok && v != nil
}

func str(r *gcpsim.Record, key string) string {
	v, _ := field(r, key)
	s, _ := v.(string)
	return s
}

// resource checks the simulator invariants that apply to r.
func (c *checker) resource(r *gcpsim.Record) {
	switch {
	case slices.Contains(runServices, r.Type):
		c.rep.Checked[InternalIngress]++
		// Google Cloud's default ingress is INGRESS_TRAFFIC_ALL.
		if got := str(r, "ingress"); got != ingressInternal {
			c.fail(InternalIngress, r.ID, "ingress is %q (unset means INGRESS_TRAFFIC_ALL), want %s", got, ingressInternal)
		}
		c.rep.Checked[NoPublicInvoker]++
		if v, _ := field(r, "invokerIamDisabled"); v == true && !c.opts.AllowInvokerIAMOff {
			c.fail(NoPublicInvoker, r.ID, "invokerIamDisabled is true: anyone who reaches the service can call it (only cloudRun.callerAuth network may)")
		}
	case slices.Contains(backends, r.Type):
		c.rep.Checked[InternalLB]++
		// Google Cloud's default scheme is EXTERNAL.
		if got := str(r, "loadBalancingScheme"); got != schemeInternal {
			c.fail(InternalLB, r.ID, "loadBalancingScheme is %q (unset means EXTERNAL), want %s", got, schemeInternal)
		}
	case slices.Contains(rules, r.Type):
		c.rule(r)
	case slices.Contains(addresses, r.Type):
		c.rep.Checked[NoExternal]++
		// Google Cloud's default address type is EXTERNAL.
		if got := str(r, "addressType"); got != addressInternal {
			c.fail(NoExternal, r.ID, "addressType is %q (unset means EXTERNAL), want %s", got, addressInternal)
		}
	case slices.Contains(attachments, r.Type):
		c.rep.Checked[AcceptManual]++
		got := str(r, "connectionPreference")
		if got != acceptManual && !(got == acceptAutomatic && c.opts.AllowAcceptAutomatic) {
			c.fail(AcceptManual, r.ID, "connectionPreference is %q, want %s (ACCEPT_AUTOMATIC only through acceptAllConsumers)", got, acceptManual)
		}
	case slices.Contains(zones, r.Type):
		c.rep.Checked[PrivateDNS]++
		// Cloud DNS's default visibility is public.
		if got := str(r, "visibility"); got != zonePrivate {
			c.fail(PrivateDNS, r.ID, "visibility is %q (unset means public), want %s", got, zonePrivate)
		}
	}
	c.iamMembers(r)
}

// rule checks a forwarding rule: a PSC endpoint (a service attachment target) has no scheme; any
// other rule is an internal load balancer's.
func (c *checker) rule(r *gcpsim.Record) {
	c.rep.Checked[NoExternal]++
	scheme, target := str(r, "loadBalancingScheme"), str(r, "target")
	if scheme == "" && strings.Contains(target, "/serviceAttachments/") {
		return
	}
	c.rep.Checked[InternalLB]++
	switch {
	case scheme == "" || strings.HasPrefix(scheme, "EXTERNAL"):
		c.fail(NoExternal, r.ID, "loadBalancingScheme is %q (unset means EXTERNAL) with target %q: an external forwarding rule", scheme, target)
	case scheme != schemeInternal:
		c.fail(InternalLB, r.ID, "loadBalancingScheme is %q, want %s", scheme, schemeInternal)
	}
}

// iamMembers checks any IAM member, binding or policy for public principals.
func (c *checker) iamMembers(r *gcpsim.Record) {
	var members []string
	for _, src := range []map[string]any{r.Inputs, r.Outputs} {
		if m, ok := src["member"].(string); ok {
			members = append(members, m)
		}
		if ms, ok := src["members"].([]any); ok {
			for _, m := range ms {
				if s, ok := m.(string); ok {
					members = append(members, s)
				}
			}
		}
		if p, ok := src["policyData"].(string); ok {
			members = append(members, p)
		}
	}
	if len(members) == 0 {
		return
	}
	c.rep.Checked[NoPublicInvoker]++
	if c.opts.AllowPublicInvoker {
		return
	}
	for _, m := range members {
		for _, public := range publicIAM {
			if m == public || (strings.HasPrefix(m, "{") && strings.Contains(m, `"`+public+`"`)) {
				c.fail(NoPublicInvoker, r.ID, "grants %s (only cloudRun.allowUnauthenticated may)", public)
				return
			}
		}
	}
}

// simSecrets returns the values of the simulator's secret private key inputs, and checks that none
// of them, and no private key at all, appears in an output other than a secret output itself. The
// simulator's other secrets (a certificate, labels: secret in pulumi-gcp's schema, GEN-SECRET) are
// not this invariant's.
func (c *checker) simSecrets(records []*gcpsim.Record) []string {
	secretProps := gcpsim.SecretOutputs()
	type secret struct {
		owner, prop, value string
	}
	var secrets []secret
	for _, r := range records {
		for _, p := range secretProps[r.Type] {
			if v, ok := atPath(r.Inputs, p).(string); ok && v != "" && isPrivateKeyProp(p) {
				secrets = append(secrets, secret{r.ID, p, v})
			}
		}
	}
	c.rep.Checked[SecretsNotInOutputs] = len(secrets)
	var values []string
	for _, s := range secrets {
		if !slices.Contains(values, s.value) {
			values = append(values, s.value)
		}
	}
	for _, r := range records {
		for _, key := range slices.Sorted(maps.Keys(r.Outputs)) {
			walkStrings(r.Outputs[key], "outputs."+key, func(path, s string) {
				if inSecret(strings.TrimPrefix(path, "outputs."), secretProps[r.Type]) {
					return
				}
				if strings.Contains(s, privateKeyMarker) {
					c.fail(SecretsNotInOutputs, r.ID, "%s holds a private key", path)
					return
				}
				for _, sec := range secrets {
					if leaks(s, sec.value) {
						c.fail(SecretsNotInOutputs, r.ID, "%s holds the secret input %s of %s", path, sec.prop, sec.owner)
						return
					}
				}
			})
		}
	}
	return values
}

// file checks one backend file: no private key and no secret in plain text anywhere, and in a JSON
// file every privateKey property is a secret.
func (c *checker) file(f File, secrets []string) {
	if bytes.Contains(f.Data, []byte(privateKeyMarker)) {
		c.fail(KeySecretInState, f.Path, "contains %q in plain text", privateKeyMarker)
	}
	for _, s := range secrets {
		for _, needle := range fingerprints(s) {
			if bytes.Contains(f.Data, []byte(needle)) {
				c.fail(KeySecretInState, f.Path, "contains a secret in plain text (%d characters of it)", len(needle))
				break
			}
		}
	}
	if !strings.HasSuffix(f.Path, ".json") {
		return
	}
	var doc any
	if json.Unmarshal(f.Data, &doc) != nil {
		return
	}
	c.secretProps(f.Path, "", doc)
}

// secretProps walks a state document: every privateKey property must hold a secret, and a secret
// must be stored as ciphertext.
func (c *checker) secretProps(file, path string, v any) {
	switch v := v.(type) {
	case map[string]any:
		if v[resource.SigKey] == resource.SecretSig {
			if _, plain := v["plaintext"]; plain {
				c.fail(KeySecretInState, file, "%s: a secret stored as plaintext", path)
			}
			return
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			p := joinPath(path, k)
			if isPrivateKeyProp(k) {
				c.privateKeyProp(file, p, v[k])
			}
			c.secretProps(file, p, v[k])
		}
	case []any:
		for i, e := range v {
			c.secretProps(file, fmt.Sprintf("%s[%d]", path, i), e)
		}
	}
}

// privateKeyProp checks the value of a property named like a private key.
func (c *checker) privateKeyProp(file, path string, v any) {
	switch v := v.(type) {
	case string:
		c.rep.Checked[KeySecretInState]++
		if v != "" {
			c.fail(KeySecretInState, file, "%s is not a secret", path)
		}
	case map[string]any:
		if v[resource.SigKey] == resource.SecretSig {
			c.rep.Checked[KeySecretInState]++
		}
	}
}

// isPrivateKeyProp reports whether a property name is a private key's: privateKey,
// privateKeyPem, private_key_pem and the like.
func isPrivateKeyProp(name string) bool {
	return strings.Contains(strings.ToLower(strings.ReplaceAll(name, "_", "")), "privatekey")
}

// fingerprints are the substrings by which a secret is recognised in a file: each line of a PEM
// body (a file holds it JSON-escaped, so the whole PEM never matches as one string), or the whole
// value, JSON-escaped as well as raw. Lines shorter than 16 characters (the final line of a body)
// are skipped: they could match by chance.
func fingerprints(secret string) []string {
	var out []string
	if strings.Contains(secret, "-----BEGIN") {
		for _, line := range strings.Split(secret, "\n") {
			line = strings.TrimSpace(line)
			if len(line) >= 16 && !strings.HasPrefix(line, "-----") {
				out = append(out, line)
			}
		}
		return out
	}
	if len(secret) < 8 {
		return nil
	}
	escaped, _ := json.Marshal(secret)
	return []string{secret, string(escaped[1 : len(escaped)-1])}
}

// leaks reports whether s holds the secret or a recognisable part of it.
func leaks(s, secret string) bool {
	for _, needle := range fingerprints(secret) {
		if strings.Contains(s, needle) {
			return true
		}
	}
	return false
}

// walkStrings calls fn for every string inside v, with its path.
func walkStrings(v any, path string, fn func(path, s string)) {
	switch v := v.(type) {
	case string:
		fn(path, v)
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			walkStrings(v[k], joinPath(path, k), fn)
		}
	case []any:
		for i, e := range v {
			walkStrings(e, fmt.Sprintf("%s[%d]", path, i), fn)
		}
	}
}

// inSecret reports whether an output path is one of the secret paths or inside one.
func inSecret(path string, secrets []string) bool {
	return slices.ContainsFunc(secrets, func(s string) bool {
		return path == s || strings.HasPrefix(path, s+".") || strings.HasPrefix(path, s+"[")
	})
}

// atPath returns the value at a secret's path ("a", "a.b") in a record's inputs, nil when absent.
func atPath(m map[string]any, path string) any {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		o, _ := v.(map[string]any)
		v = o[k]
	}
	return v
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Inspect reads a harness world — the simulator's state and every file of the state backend — and
// checks it. It fails t when the world cannot be read, when the simulator holds nothing, or when
// one of stacks has no state file: a check over nothing would prove nothing.
func Inspect(t harness.T, env *harness.Env, opts Options, stacks ...*harness.Stack) Report {
	t.Helper()
	store, err := gcpsim.OpenStore(env.SimState)
	if err != nil {
		t.Fatalf("secure: %v", err)
	}
	sim, err := store.Snapshot()
	if err != nil {
		t.Fatalf("secure: reading the simulator state: %v", err)
	}
	if len(sim.Resources) == 0 {
		t.Fatalf("secure: the simulator holds no resources; check a deployed world")
	}
	root := env.BackendDir()
	var files []File
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files = append(files, File{Path: rel, Data: data})
		return nil
	})
	if err != nil {
		t.Fatalf("secure: reading the state backend: %v", err)
	}
	for _, st := range stacks {
		rel, _ := filepath.Rel(root, st.StateFile())
		if !slices.ContainsFunc(files, func(f File) bool { return f.Path == rel }) {
			t.Fatalf("secure: stack %s has no state file %s", st.Ref(), rel)
		}
	}
	rep := Check(sim, files, opts)
	t.Logf("secure: %s", rep.Summary())
	return rep
}

// Assert checks a harness world against the defaults (no opt-in allowed) and fails t for every
// violation, then runs the policy pack over each stack's state (AssertPolicy). It returns the
// report, for tests that also check what was examined.
func Assert(t harness.T, env *harness.Env, stacks ...*harness.Stack) Report {
	t.Helper()
	rep := Inspect(t, env, Options{}, stacks...)
	for _, v := range rep.Violations {
		t.Errorf("secure by default: %s", v)
	}
	AssertPolicy(t, env, stacks...)
	return rep
}

// AssertPolicy runs the policy pack (policy/, its default levels) over each stack's state with
// `pulumi policy analyze`, and fails t for every violation it reports, advisory ones included,
// but the acknowledgements of the explicit opt-ins the stack's components set, which must be
// there: one advisory explicit-opt-in per opt-in set (chain.OptIns), on its component, saying what
// it widens; and the advisory CAIssuedRule, which must be there exactly on each certificate
// renewed by hand (RenewedByHand: a ProducerService with tls.certificatePem, a raw self-managed
// certificate outside one). A deployment with no opt-in and certificates that renew themselves
// passes the pack with nothing to say. It returns the acknowledgements.
func AssertPolicy(t harness.T, env *harness.Env, stacks ...*harness.Stack) []harness.PolicyViolation {
	t.Helper()
	return AssertPolicyExcept(t, env, nil, stacks...)
}

// AssertPolicyExcept is AssertPolicy for a program that creates, besides the components, a
// resource the pack rightly refuses: own maps the name of each such resource to the policy it
// must break (and nothing else may break).
func AssertPolicyExcept(t harness.T, env *harness.Env, own map[string]string, stacks ...*harness.Stack) []harness.PolicyViolation {
	t.Helper()
	pack := env.PolicyPack()
	// One analysis per stack, all at once: each starts the CLI and the pack (seconds).
	type result struct {
		vs     []harness.PolicyViolation
		failed bool
		err    error
	}
	results := make([]result, len(stacks))
	var wg sync.WaitGroup
	for i, st := range stacks {
		wg.Go(func() {
			var r result
			r.vs, r.failed, r.err = st.TryAnalyzePolicy(pack, "")
			results[i] = r
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	var acknowledged []harness.PolicyViolation
	for i, r := range results {
		ref := stacks[i].Ref()
		if r.err != nil {
			t.Errorf("policy pack on %s: %v", ref, r.err)
			continue
		}
		resources, err := deployed(stacks[i].StateFile())
		if err != nil {
			t.Errorf("policy pack on %s: %v", ref, err)
			continue
		}
		acks, renewals := acknowledgements(resources), renewedByHand(resources)
		ownMandatory := false
		for _, v := range r.vs {
			name := resource.URN(v.URN).Name()
			switch {
			case v.Policy == OptInRule && v.Level == "advisory" && takeAck(acks, v):
				acknowledged = append(acknowledged, v)
			case v.Policy == CAIssuedRule && v.Level == "advisory" && renewals[v.URN]:
				delete(renewals, v.URN)
			case own[name] == v.Policy && !strings.Contains(string(resource.URN(v.URN).QualifiedType()), "cloudrun-psc:"):
				seen[name] = true
				ownMandatory = ownMandatory || v.Level == "mandatory"
			default:
				t.Errorf("policy pack on %s: %s", ref, v)
			}
		}
		for urn, says := range acks {
			for _, s := range says {
				t.Errorf("policy pack on %s: no advisory %s on %s for %q", ref, OptInRule, urn, s)
			}
		}
		for urn := range renewals {
			t.Errorf("policy pack on %s: no advisory %s on %s, a certificate renewed by hand", ref, CAIssuedRule, urn)
		}
		if r.failed && !ownMandatory {
			t.Errorf("policy pack on %s: the analysis failed", ref)
		}
	}
	for name, policy := range own {
		if !seen[name] {
			t.Errorf("policy pack: %s on the program's own %s was not reported", policy, name)
		}
	}
	return acknowledged
}

// deployed returns the resources of the state file at path.
func deployed(path string) ([]apitype.ResourceV3, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Checkpoint apitype.CheckpointV3 `json:"checkpoint"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if doc.Checkpoint.Latest == nil {
		return nil, fmt.Errorf("%s holds no deployment", path)
	}
	return doc.Checkpoint.Latest.Resources, nil
}

// acknowledgements returns, by component URN, what the pack must acknowledge among a deployment's
// resources: "explicit opt-in <what the opt-in says>." for each opt-in a component sets.
func acknowledgements(resources []apitype.ResourceV3) map[string][]string {
	out := map[string][]string{}
	for _, r := range resources {
		for _, o := range chain.Of(string(r.Type)) {
			for _, p := range o.SetIn(r.Inputs) {
				out[string(r.URN)] = append(out[string(r.URN)], "explicit opt-in "+o.Says(p)+".")
			}
		}
	}
	return out
}

// takeAck removes from acks the acknowledgement v makes, reporting whether it was expected.
func takeAck(acks map[string][]string, v harness.PolicyViolation) bool {
	says := acks[v.URN]
	i := slices.IndexFunc(says, func(s string) bool { return strings.Contains(v.Message, s) })
	if i < 0 {
		return false
	}
	if says = slices.Delete(says, i, i+1); len(says) == 0 {
		delete(acks, v.URN)
	} else {
		acks[v.URN] = says
	}
	return true
}
