package gcpsim

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Name and Version are the plugin name and the pulumi-gcp version the simulator stands in for.
const (
	Name    = "gcp"
	Version = "8.41.1"
)

// Options configure a Simulator.
type Options struct {
	// StateDir is the shared state directory (GCPSIM_STATE_DIR).
	StateDir string
	// LatencyScale multiplies the latency table; 0 disables latency (GCPSIM_LATENCY_SCALE).
	LatencyScale float64
	// Faults are the operations to fail (GCPSIM_FAULTS).
	Faults []Fault
	// Sleep waits for d or until ctx is done; nil means a real timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// OptionsFromEnv reads GCPSIM_STATE_DIR, GCPSIM_LATENCY_SCALE and GCPSIM_FAULTS. A missing
// state directory is reported by the first operation that needs it, so that schema-only
// uses of the plugin (pulumi package get-schema) work without one.
func OptionsFromEnv() (Options, error) {
	opts := Options{StateDir: os.Getenv("GCPSIM_STATE_DIR")}
	scale, err := ParseLatencyScale(os.Getenv("GCPSIM_LATENCY_SCALE"))
	if err != nil {
		return opts, err
	}
	opts.LatencyScale = scale
	faults, err := ParseFaults(os.Getenv("GCPSIM_FAULTS"))
	if err != nil {
		return opts, err
	}
	opts.Faults = faults
	return opts, nil
}

// Config is the provider configuration: the defaults for resources' project and region.
type Config struct {
	Project string
	Region  string
}

// Simulator is the emulated GCP control plane behind one provider instance. Any number
// of instances, in any number of processes, may share one state directory.
type Simulator struct {
	store  *Store
	scale  float64
	faults []Fault
	sleep  func(ctx context.Context, d time.Duration) error

	mu  sync.RWMutex
	cfg Config
}

// New returns a Simulator over the state directory in opts. Without a state directory
// the simulator serves its schema and checks inputs, but every operation on resources
// fails with errNoStateDir.
func New(opts Options) (*Simulator, error) {
	var store *Store
	if opts.StateDir != "" {
		var err error
		if store, err = OpenStore(opts.StateDir); err != nil {
			return nil, err
		}
	}
	sleep := opts.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	return &Simulator{store: store, scale: opts.LatencyScale, faults: opts.Faults, sleep: sleep}, nil
}

// Store returns the shared state store (nil without a state directory).
func (s *Simulator) Store() *Store { return s.store }

var errNoStateDir = errors.New("gcpsim: GCPSIM_STATE_DIR must name the shared state directory")

// update and view run a transaction on the shared state.
func (s *Simulator) update(fn func(*State) error) error {
	if s.store == nil {
		return errNoStateDir
	}
	return s.store.Update(fn)
}

func (s *Simulator) view(fn func(*State) error) error {
	if s.store == nil {
		return errNoStateDir
	}
	return s.store.read(fn)
}

// Provider returns the low-level pulumi-go-provider provider served by the plugin.
func (s *Simulator) Provider() p.Provider {
	return p.Provider{
		Handshake:   handshake,
		GetSchema:   s.GetSchema,
		CheckConfig: s.CheckConfig,
		DiffConfig:  s.DiffConfig,
		Configure:   s.Configure,
		Invoke:      s.Invoke,
		Check:       s.Check,
		Diff:        s.Diff,
		Create:      s.Create,
		Read:        s.Read,
		Update:      s.Update,
		Delete:      s.Delete,
	}
}

func (s *Simulator) config() Config {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cfg
}

// CheckConfig accepts every configuration key of the real provider; only project and
// region are used.
func (s *Simulator) CheckConfig(_ context.Context, req p.CheckRequest) (p.CheckResponse, error) {
	return p.CheckResponse{Inputs: req.Inputs}, nil
}

// DiffConfig reports configuration changes as in-place updates of the provider.
func (s *Simulator) DiffConfig(_ context.Context, req p.DiffRequest) (p.DiffResponse, error) {
	resp := p.DiffResponse{DetailedDiff: map[string]p.PropertyDiff{}}
	olds, news := mapToPlain(req.OldInputs), mapToPlain(req.Inputs)
	for _, key := range []string{"project", "region"} {
		if !plainEqual(olds[key], news[key]) {
			resp.HasChanges = true
			resp.DetailedDiff[key] = p.PropertyDiff{Kind: p.Update, InputDiff: true}
		}
	}
	return resp, nil
}

// Configure takes the default project and region from the provider configuration, falling
// back to the environment variables the real provider reads.
func (s *Simulator) Configure(_ context.Context, req p.ConfigureRequest) error {
	args := mapToPlain(req.Args)
	cfg := Config{Project: args.str("project"), Region: args.str("region")}
	if cfg.Project == "" {
		cfg.Project = firstEnv("GOOGLE_PROJECT", "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT")
	}
	if cfg.Region == "" {
		cfg.Region = firstEnv("GOOGLE_REGION", "GCLOUD_REGION", "CLOUDSDK_COMPUTE_REGION")
	}
	s.mu.Lock()
	s.cfg = cfg
	s.mu.Unlock()
	return nil
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

const (
	getClientConfigToken = "gcp:organizations/getClientConfig:getClientConfig"
	getProjectToken      = "gcp:organizations/getProject:getProject"
)

// Functions returns the function tokens the simulator serves, sorted.
func Functions() []string {
	return []string{getSubnetworkToken, getSubnetworksToken, getClientConfigToken, getProjectToken}
}

// Invoke serves the functions a program may use to learn where it runs, getClientConfig (the
// configured project and region) and getProject (a project's number), and the two that read
// existing subnets, getSubnetwork and getSubnetworks (functions.go).
func (s *Simulator) Invoke(_ context.Context, req p.InvokeRequest) (p.InvokeResponse, error) {
	cfg := s.config()
	args := mapToPlain(req.Args)
	switch req.Token {
	case getClientConfigToken:
		// The data source's ID names the configured project, region and zone.
		return p.InvokeResponse{Return: props(map[string]any{
			"project": cfg.Project, "region": cfg.Region, "zone": "", "accessToken": "gcpsim", "defaultLabels": map[string]any{},
			"id": fmt.Sprintf("projects/%s/regions/%s/zones/%s", cfg.Project, cfg.Region, ""),
		})}, nil
	case getProjectToken:
		project := firstNonEmpty(args.str("projectId"), cfg.Project)
		return p.InvokeResponse{Return: props(map[string]any{
			"projectId": project, "number": fmt.Sprint(ProjectNumber(project)), "name": project, "id": "projects/" + project,
		})}, nil
	case getSubnetworkToken:
		ret, err := s.getSubnetwork(args)
		return p.InvokeResponse{Return: ret}, err
	case getSubnetworksToken:
		ret, err := s.getSubnetworks(args)
		return p.InvokeResponse{Return: ret}, err
	}
	return p.InvokeResponse{}, fmt.Errorf("gcpsim: function %q is not emulated", req.Token)
}

func props(m map[string]any) property.Map { return plainToMap(m, nil) }

func tokenOf(req interface{ Type() tokens.Type }) string { return string(req.Type()) }

// Check applies the static rules and autonames the resource like the real provider.
// With the stack's autonaming configuration, the engine's name is used (the previous one on an
// update); with autonaming disabled, a resource without a name fails, as there is none to give.
func (s *Simulator) Check(ctx context.Context, req p.CheckRequest) (p.CheckResponse, error) {
	k, err := kindOf(tokenOf(req.Urn))
	if err != nil {
		return p.CheckResponse{}, err
	}
	inputs := req.Inputs
	in := mapToPlain(inputs)
	var failures []p.CheckFailure
	if k.autoName {
		generated := !in.has("name")
		if generated {
			name := mapToPlain(req.State).str("name")
			proposed, disabled, configured := engineName(ctx)
			switch {
			case name != "":
			case disabled:
				failures = append(failures, p.CheckFailure{Property: "name",
					Reason: "name is required: autonaming is disabled by the pulumi:autonaming configuration"})
			case configured:
				name = proposed
			default:
				name = autoName(firstNonEmpty(in.str("namePrefix"), req.Urn.Name()+"-"))
			}
			if name != "" {
				inputs = inputs.Set("name", property.New(name))
			}
			// The bridge's autoname is in the configuration the provider validates; a name drawn from
			// namePrefix is the provider's own, made on create, so it does not conflict with namePrefix
			// at plan (GEN-CONFLICTS).
			if name != "" && !in.has("namePrefix") {
				in["name"] = name
			}
		}
		inputs = markDefaults(inputs, generated)
	}
	return p.CheckResponse{Inputs: inputs, Failures: append(failures, k.validate(in)...)}, nil
}

// autoName appends a random suffix to a prefix (the resource's Pulumi name and a dash, or
// a namePrefix input), like the real provider.
func autoName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)[:7]
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:12]
}

// Diff reports updates, and replacements for the inputs GCP cannot change in place.
func (s *Simulator) Diff(_ context.Context, req p.DiffRequest) (p.DiffResponse, error) {
	k, err := kindOf(tokenOf(req.Urn))
	if err != nil {
		return p.DiffResponse{}, err
	}
	state := mapToPlain(req.State)
	olds := mapToPlain(req.OldInputs)
	if len(olds) == 0 {
		olds = state
	}
	news := mapToPlain(req.Inputs)
	resp := p.DiffResponse{DetailedDiff: map[string]p.PropertyDiff{}}
	for _, key := range unionKeys(olds, news) {
		if ignored(req.IgnoreChanges, key) {
			continue
		}
		ov, nv := k.diffOld(key, olds, state), news[key]
		if !isUnknown(nv) && (plainEqual(ov, nv) || k.suppressed(key, ov, nv) || k.sameSet(key, ov, nv)) {
			continue
		}
		resp.DetailedDiff[key] = p.PropertyDiff{Kind: diffKind(ov, nv, k.replaces(key, ov, nv)), InputDiff: true}
	}
	if k.replaceOnState != nil {
		if key := k.replaceOnState(news, mapToPlain(req.State)); key != "" {
			resp.DetailedDiff[key] = p.PropertyDiff{Kind: p.UpdateReplace}
		}
	}
	resp.HasChanges = len(resp.DetailedDiff) > 0
	resp.DeleteBeforeReplace = deleteBeforeReplace(k, req.Inputs, resp.DetailedDiff)
	return resp, nil
}

func unionKeys(a, b obj) []string {
	set := map[string]bool{}
	for k := range a {
		set[k] = true
	}
	for k := range b {
		set[k] = true
	}
	return sortedKeys(set)
}

func ignored(paths []string, key string) bool {
	for _, p := range paths {
		if p == key || strings.HasPrefix(p, key+".") || strings.HasPrefix(p, key+"[") {
			return true
		}
	}
	return false
}

func diffKind(old, new any, replace bool) p.DiffKind {
	switch {
	case old == nil && replace:
		return p.AddReplace
	case old == nil:
		return p.Add
	case new == nil && replace:
		return p.DeleteReplace
	case new == nil:
		return p.Delete
	case replace:
		return p.UpdateReplace
	default:
		return p.Update
	}
}

// tx is one locked transaction on the shared state.
type tx struct {
	st  *State
	cfg Config
}

func (t *tx) get(id string) *Record { return t.st.lookup(id) }

// lookup returns the resource r names, or the API's 404 when there is none.
func (t *tx) lookup(r ref) (*Record, error) {
	if rec := t.get(r.path()); rec != nil {
		return rec, nil
	}
	return nil, errNotFound(r.path())
}

// usersOf returns the resources that hold id, ordered by ID.
func (t *tx) usersOf(id string) []*Record {
	return t.st.matching(func(r *Record) bool { return slices.Contains(r.Uses, id) })
}

// newOp prepares the record for a create (old == nil) or an update.
func (t *tx) newOp(k *kind, in obj, old *Record) (*op, error) {
	rec := &Record{Type: k.token, Inputs: in.clone(), CreatedAt: t.st.now, UpdatedAt: t.st.now}
	rec.Project = firstNonEmpty(in.str("project"), t.cfg.Project)
	if rec.Project == "" {
		return nil, errors.New("project: required field is not set")
	}
	// The request the provider sends: the inputs and its schema defaults (a location's default,
	// as Certificate Manager's "global", places the resource).
	req := in.clone()
	k.applyRequestDefaults(req)
	k.omitUnsentZeros(req)
	regionKey := k.regionInput()
	if regionKey != "" {
		rec.Region = firstNonEmpty(req.str(regionKey), t.cfg.Region)
		if rec.Region == "" {
			return nil, fmt.Errorf("%s: required field is not set", regionKey)
		}
	}
	rec.Name = in.str("name")
	out := req.clone()
	out["project"] = rec.Project
	if regionKey != "" {
		out[regionKey] = rec.Region
	}
	k.applyDefaults(out)
	rec.Outputs = out
	o := &op{t: t, k: k, rec: rec, old: old, in: req}
	if old != nil {
		rec.ID, rec.CreatedAt = old.ID, old.CreatedAt
		return o, nil
	}
	id, err := o.buildID()
	if err != nil {
		return nil, err
	}
	rec.ID = id
	return o, nil
}

// buildID forms a new resource's ID; the region is "" for global and project-scoped kinds.
func (o *op) buildID() (string, error) {
	if o.k.scope == scopeCustom {
		return o.k.id(o)
	}
	return ref{Project: o.rec.Project, Region: o.rec.Region, Collection: o.k.collection, Name: o.rec.Name}.path(), nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func (t *tx) create(k *kind, in obj) (*Record, error) {
	o, err := t.newOp(k, in, nil)
	if err != nil {
		return nil, err
	}
	if t.get(o.rec.ID) != nil {
		return nil, errAlreadyExists(o.rec.ID)
	}
	return t.write(o, "create")
}

func (t *tx) update(k *kind, id string, in obj) (*Record, error) {
	old := t.get(id)
	if old == nil {
		return nil, errNotFound(id)
	}
	o, err := t.newOp(k, in, old)
	if err != nil {
		return nil, err
	}
	return t.write(o, "update")
}

// write sets the outputs every kind shares, applies the kind's rules and stores the record.
func (t *tx) write(o *op, opName string) (*Record, error) {
	if link := selfLinkOf(o.rec.ID); link != "" {
		o.out()["selfLink"] = link
	}
	o.keep("creationTimestamp", func() any { return o.timestamp() })
	if err := o.k.validateAPI(o.in); err != nil {
		return nil, err
	}
	if o.k.apply != nil {
		if err := o.k.apply(o); err != nil {
			return nil, err
		}
	}
	t.st.Resources[o.rec.ID] = o.rec
	t.st.event(opName, o.rec)
	return o.rec, nil
}

func (t *tx) delete(k *kind, id string) (*Record, error) {
	rec := t.get(id)
	if rec == nil {
		return nil, nil // already gone: the real provider treats a 404 on delete as success
	}
	if k.canDelete != nil {
		if err := k.canDelete(t, rec); err != nil {
			return nil, err
		}
	}
	if users := t.usersOf(id); len(users) > 0 {
		return nil, errInUse(k.noun, id, users[0].ID)
	}
	delete(t.st.Resources, id)
	if k.afterDel != nil {
		k.afterDel(t, rec)
	}
	t.st.event("delete", rec)
	return rec, nil
}

// view returns the record's outputs with its derived values refreshed.
func (t *tx) view(k *kind, rec *Record) *Record {
	cp := *rec
	cp.Outputs = rec.out().clone()
	if k.refresh != nil {
		k.refresh(t, &cp)
	}
	return &cp
}

func (s *Simulator) tx(st *State) *tx { return &tx{st: st, cfg: s.config()} }

func (k *kind) props(r *Record) property.Map { return plainToMap(r.Outputs, k.secrets) }

// Create applies the stateful rules and stores the resource. A preview stores nothing
// and returns the computed outputs as unknowns.
func (s *Simulator) Create(ctx context.Context, req p.CreateRequest) (p.CreateResponse, error) {
	k, err := kindOf(tokenOf(req.Urn))
	if err != nil {
		return p.CreateResponse{}, err
	}
	in := mapToPlain(req.Properties)
	if req.DryRun {
		return p.CreateResponse{Properties: s.previewOutputs(k, req.Properties, property.Map{})}, nil
	}
	rec, err := s.mutate(ctx, "create", k, req.Urn.Name(), func(t *tx) (*Record, error) {
		created, err := t.create(k, in)
		if err != nil {
			return nil, err
		}
		return t.view(k, created), nil
	})
	if err != nil {
		return p.CreateResponse{}, err
	}
	return p.CreateResponse{ID: rec.ID, Properties: k.props(rec)}, nil
}

// mutate runs one create, update or delete: the injected fault, the locked transaction,
// then the latency sleep outside the lock. name is the resource's Pulumi name, which a
// fault may select. fn returns the record as the engine sees it (nil when a delete finds
// nothing); its inputs select the latency variant.
func (s *Simulator) mutate(ctx context.Context, opName string, k *kind, name string, fn func(t *tx) (*Record, error)) (*Record, error) {
	if err := s.injectFault(opName, k.token, name); err != nil {
		return nil, err
	}
	var rec *Record
	err := s.update(func(st *State) error {
		var err error
		rec, err = fn(s.tx(st))
		return err
	})
	if err != nil {
		return nil, err
	}
	var in obj
	if rec != nil {
		in = rec.in()
	}
	if err := s.delay(ctx, opName, k, in); err != nil {
		return nil, err
	}
	return rec, nil
}

// previewOutputs is what a preview returns: the inputs, the defaults, and every computed
// output unknown. On update, old holds the current outputs.
func (s *Simulator) previewOutputs(k *kind, inputs property.Map, old property.Map) property.Map {
	out := map[string]property.Value{}
	for key, v := range old.All {
		out[key] = v
	}
	for key, v := range inputs.All {
		if key != defaultsKey {
			out[key] = v
		}
	}
	cfg := s.config()
	if _, ok := out["project"]; !ok && cfg.Project != "" {
		out["project"] = property.New(cfg.Project)
	}
	if _, ok := out["region"]; !ok && cfg.Region != "" && k.scope == scopeRegional {
		out["region"] = property.New(cfg.Region)
	}
	for key, v := range k.topDefaults() {
		if _, ok := out[key]; !ok {
			out[key] = fromPlain(normalize(v))
		}
	}
	for _, key := range k.computed {
		if v, ok := old.GetOk(key); ok {
			out[key] = v // an update keeps its computed outputs
		} else {
			out[key] = property.New(property.Computed)
		}
	}
	return property.NewMap(out)
}

// Read returns the resource as it is now in the shared state, or an empty ID when it is
// gone. Derived outputs (PSC connection status, connected endpoints) are recomputed.
func (s *Simulator) Read(_ context.Context, req p.ReadRequest) (p.ReadResponse, error) {
	k, err := kindOf(tokenOf(req.Urn))
	if err != nil {
		return p.ReadResponse{}, err
	}
	var rec *Record
	err = s.view(func(st *State) error {
		t := s.tx(st)
		if r := t.get(normalizeID(req.ID)); r != nil {
			rec = t.view(k, r)
		}
		return nil
	})
	if err != nil || rec == nil {
		return p.ReadResponse{}, err
	}
	inputs := req.Inputs
	if inputs.Len() == 0 {
		inputs = plainToMap(rec.Inputs, k.secrets)
	}
	return p.ReadResponse{ID: rec.ID, Properties: k.props(rec), Inputs: inputs}, nil
}

// Update applies the change in place after re-validating it against the shared state.
func (s *Simulator) Update(ctx context.Context, req p.UpdateRequest) (p.UpdateResponse, error) {
	k, err := kindOf(tokenOf(req.Urn))
	if err != nil {
		return p.UpdateResponse{}, err
	}
	in := mapToPlain(req.Inputs)
	if req.DryRun {
		return p.UpdateResponse{Properties: s.previewOutputs(k, req.Inputs, req.State)}, nil
	}
	rec, err := s.mutate(ctx, "update", k, req.Urn.Name(), func(t *tx) (*Record, error) {
		updated, err := t.update(k, normalizeID(req.ID), in)
		if err != nil {
			return nil, err
		}
		return t.view(k, updated), nil
	})
	if err != nil {
		return p.UpdateResponse{}, err
	}
	return p.UpdateResponse{Properties: k.props(rec)}, nil
}

// Delete removes the resource, refusing as GCP does while another resource uses it.
func (s *Simulator) Delete(ctx context.Context, req p.DeleteRequest) error {
	k, err := kindOf(tokenOf(req.Urn))
	if err != nil {
		return err
	}
	_, err = s.mutate(ctx, "delete", k, req.Urn.Name(), func(t *tx) (*Record, error) {
		return t.delete(k, normalizeID(req.ID))
	})
	return err
}
