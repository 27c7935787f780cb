package gcpsim

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
)

// scope says how a resource's ID is formed.
type scope int

const (
	scopeGlobal   scope = iota // projects/P/global/C/N
	scopeRegional              // projects/P/regions/R/C/N, region from the "region" input
	scopeLocation              // projects/P/locations/L/services/N, from the "location" input
	scopeProject               // projects/P/managedZones/N
	scopeCustom                // kind.id builds it
)

// kind describes how one resource type is emulated. The field properties (forceNew, enums,
// required, defaults, sets, suppressions, computed) follow the provider's schema and are held to
// the fidelity table testdata/fidelity.tsv; rules carry their docs/gcp-rules.md IDs. Plan-time
// rules (what the provider refuses before calling the API) run in Check; the API's own rules run
// on create and update.
type kind struct {
	token      string
	collection string // the API collection, e.g. "subnetworks"
	noun       string // the API's noun in "in use" errors, e.g. "network_endpoint_group"
	scope      scope
	autoName   bool           // the name input is optional and autonamed like the real provider does
	nameRule   *regexp.Regexp // nil when the name is not an API resource name
	nameAtPlan bool           // the provider validates the name (GEN-NAME-PLAN); else the API does (GEN-NAME-API)

	// Field properties, by path: "a.b" for a nested object, "a[].b" for the elements of a list.
	required    []string            // the provider's Required (GEN-REQUIRED): refused at preview
	apiRequired []string            // required by the API only: refused on create/update
	enums       map[string][]string // the provider's ValidateEnum values (GEN-ENUM); "" is always allowed
	// The provider's ConflictsWith per field, and its ExactlyOneOf and AtLeastOneOf groups, by
	// object path ("a.b"): refused at preview (GEN-CONFLICTS, GEN-ONE-OF, checkGroups).
	conflicts    map[string][]string
	exactlyOneOf [][]string
	atLeastOneOf [][]string
	apiEnums     map[string][]string // enum values only the API checks (GEN-API-ENUM)
	forceNew     []string            // the provider's ForceNew: a change replaces the resource
	defaults     map[string]any      // the provider's schema Default: sent when the input is unset
	apiDefaults  map[string]any      // what the API returns for an unset input
	sets         []string            // list inputs the provider holds as sets: order does not diff
	apiOrder     []string            // lists the API returns in its own order, diffed against it (SA-NAT-LIST-ORDER)
	zeroSentIf   map[string]string   // inputs whose 0 the provider sends only when the named flag is true (SA-PROPAGATED-ZERO)
	setHash      map[string][]string // the element fields a set's hash reads, when not all of them
	suppress     map[string]string   // the provider's DiffSuppressFunc per input (suppress.go)
	computed     []string            // outputs the provider marks Computed that are unknown during a preview
	secrets      []string            // values returned as secrets, by path (GEN-SECRET)

	replaceIf func(key string, old, new any) bool // extra replacement rules (CustomizeDiff)
	// replaceOnState returns the output whose current value forces a replacement ("" for none).
	replaceOnState func(news, state obj) string

	check      func(in obj, f *failures)    // plan-time rules beyond the field properties
	apiCheck   func(in obj, f *failures)    // the API's static rules, refused on create/update
	id         func(o *op) (string, error)  // IDs of scopeCustom kinds
	apply      func(o *op) error            // stateful rules and outputs, on create and update
	refresh    func(t *tx, r *Record)       // derived outputs, recomputed on every read
	canDelete  func(t *tx, r *Record) error // extra deletion rules
	afterDel   func(t *tx, r *Record)       // side effects of a deletion
	latencyKey func(in obj) string          // latency table variant
}

var kinds = map[string]*kind{}

func register(k *kind) *kind {
	if _, dup := kinds[k.token]; dup {
		panic("gcpsim: duplicate kind " + k.token)
	}
	kinds[k.token] = k
	return k
}

// Types returns the type tokens the simulator emulates, sorted.
func Types() []string { return sortedKeys(kinds) }

func kindOf(token string) (*kind, error) {
	if k, ok := kinds[token]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("gcpsim: resource type %q is not emulated (emulated: %v)", token, Types())
}

var (
	computeName  = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
	cloudRunName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$`)
)

// failures collects Check failures, each naming its property.
type failures []p.CheckFailure

func (f *failures) add(prop, format string, args ...any) {
	*f = append(*f, p.CheckFailure{Property: prop, Reason: fmt.Sprintf(format, args...)})
}

func (f *failures) enum(prop string, v any, allowed []string) {
	s, ok := v.(string)
	if !ok || isUnknown(v) || s == "" {
		return
	}
	if !slices.Contains(allowed, s) {
		f.add(prop, "expected %s to be one of %q, got %q", prop, allowed, s)
	}
}

// validate runs the plan-time rules: what the provider refuses before it calls the API.
func (k *kind) validate(in obj) []p.CheckFailure {
	var f failures
	checkFields(in, k.required, k.enums, &f)
	k.checkGroups(in, &f)
	if k.nameAtPlan {
		k.checkName(in, &f)
	}
	if k.check != nil {
		k.check(in, &f)
	}
	return f
}

// checkName applies the kind's resource name rule (GEN-NAME-PLAN, GEN-NAME-API).
func (k *kind) checkName(in obj, f *failures) {
	if k.nameRule != nil && in.known("name") && !k.nameRule.MatchString(in.str("name")) {
		f.add("name", "name %q must match the regular expression %s", in.str("name"), k.nameRule)
	}
}

// regionInput is the input that places a resource: "region", "location", or "" for
// global and project-scoped kinds.
func (k *kind) regionInput() string {
	switch k.scope {
	case scopeRegional:
		return "region"
	case scopeLocation:
		return "location"
	}
	return ""
}

func (k *kind) replaces(key string, old, new any) bool {
	if slices.Contains(k.forceNew, key) {
		return true
	}
	for _, f := range k.forceNew { // a ForceNew field of the object key (MTLS-FORCENEW)
		if rest, ok := strings.CutPrefix(f, key+"."); ok && nestedChanged(old, new, strings.Split(rest, ".")) {
			return true
		}
	}
	return k.replaceIf != nil && k.replaceIf(key, old, new)
}

// nestedChanged reports whether the field at path (names of nested objects; "[]" after a name
// for each element of a list) differs between old and new, an added or removed element counting
// as a change.
func nestedChanged(old, new any, path []string) bool {
	if len(path) == 0 {
		return !plainEqual(old, new)
	}
	name, list := strings.CutSuffix(path[0], "[]")
	o, n := asObj(old), asObj(new)
	if !list {
		return nestedChanged(o[name], n[name], path[1:])
	}
	ol, nl := o.list(name), n.list(name)
	if len(ol) != len(nl) {
		return true
	}
	for i := range ol {
		if nestedChanged(ol[i], nl[i], path[1:]) {
			return true
		}
	}
	return false
}

// op is one create or update of a resource, with the transaction it runs in.
type op struct {
	t   *tx
	k   *kind
	rec *Record // the record being written: ID, project, region, inputs and outputs set
	old *Record // the previous record on update, nil on create
	in  obj
}

func (o *op) out() obj { return o.rec.out() }

// ref returns the defaults used to complete a bare name or partial path.
func (o *op) ref(collection string, regional bool) ref {
	r := ref{Project: o.rec.Project, Collection: collection}
	if regional {
		r.Region = o.rec.Region
	}
	return r
}

// resolve finds the resource referenced by field, expecting the given collection.
func (o *op) resolve(field, value, collection string, regional bool) (*Record, error) {
	r, ok := parseRef(value, o.ref(collection, regional))
	if !ok || r.Collection != collection {
		return nil, errInvalidField(field, value, fmt.Sprintf("The URL is malformed or does not reference a %s.", collection))
	}
	return o.t.lookup(r)
}

// use records that this resource holds r: r cannot be deleted while this one exists.
func (o *op) use(r *Record) {
	if !slices.Contains(o.rec.Uses, r.ID) {
		o.rec.Uses = append(o.rec.Uses, r.ID)
	}
}

// link records a reference that does not hold r.
func (o *op) link(id string) {
	if !slices.Contains(o.rec.Links, id) {
		o.rec.Links = append(o.rec.Links, id)
	}
}

// keep sets an output that must stay stable across updates (IDs, allocated addresses,
// timestamps): the previous value on update, fresh() on create.
func (o *op) keep(key string, fresh func() any) {
	if o.old != nil {
		if v, ok := o.old.Outputs[key]; ok && v != nil {
			o.out()[key] = v
			return
		}
	}
	o.out()[key] = fresh()
}

// mirrorLabels sets the provider's effectiveLabels and pulumiLabels outputs from labels.
func (o *op) mirrorLabels() {
	o.out()["effectiveLabels"] = o.out()["labels"]
	o.out()["pulumiLabels"] = o.out()["labels"]
}

// keepNumericID sets a numeric ID output (a fresh number on create, kept on update).
func (o *op) keepNumericID(key string) {
	o.keep(key, func() any { return float64(o.t.st.nextNumber()) })
}

func (o *op) number() string { return fmt.Sprint(o.t.st.nextNumber()) }

func (o *op) timestamp() string { return o.t.st.now.Format("2006-01-02T15:04:05.000-07:00") }

// fingerprint is a short digest that changes with the inputs, like GCP's fingerprints.
func (o *op) fingerprint() string {
	return shortHash(fmt.Sprint(normalize(map[string]any(o.in)), o.t.st.Sequence))
}
