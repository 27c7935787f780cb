// Package critpath computes how long a deployment must take at least: the longest chain of
// operations through a stack's dependency graph (the critical path), which is the wall time of
// an engine that starts every operation as soon as the ones it depends on are done, and the sum
// of all operations, which is the wall time of doing them one after another.
package critpath

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Node is one operation: creating a resource, how long it takes, and the nodes that must finish
// before it can start.
type Node struct {
	ID   string
	Dur  time.Duration
	Deps []string
}

// Graph is a set of operations and their dependencies.
type Graph map[string]Node

// Add adds a node to the graph.
func (g Graph) Add(id string, dur time.Duration, deps ...string) {
	g[id] = Node{ID: id, Dur: dur, Deps: deps}
}

// Sum is the time the operations take one after another.
func (g Graph) Sum() time.Duration {
	var total time.Duration
	for _, n := range g {
		total += n.Dur
	}
	return total
}

// CriticalPath returns the length of the longest chain of dependent operations and the chain,
// first operation first. Ties are broken by ID, so the result is stable. It fails on a
// dependency that is not in the graph and on a cycle.
func (g Graph) CriticalPath() (time.Duration, []string, error) {
	finish := map[string]time.Duration{} // earliest finish time of each node
	via := map[string]string{}           // the dependency that finishes last, "" for none
	state := map[string]int{}            // 1 while visiting, 2 when done
	var visit func(id string, from []string) error
	visit = func(id string, from []string) error {
		switch state[id] {
		case 2:
			return nil
		case 1:
			return fmt.Errorf("critpath: dependency cycle %s -> %s", strings.Join(from, " -> "), id)
		}
		n, ok := g[id]
		if !ok {
			return fmt.Errorf("critpath: %s depends on %s, which is not in the graph", from[len(from)-1], id)
		}
		state[id] = 1
		var start time.Duration
		deps := slices.Clone(n.Deps)
		sort.Strings(deps)
		for _, d := range deps {
			if err := visit(d, append(from, id)); err != nil {
				return err
			}
			if f := finish[d]; via[id] == "" || f > start {
				start, via[id] = f, d
			}
		}
		finish[id] = start + n.Dur
		state[id] = 2
		return nil
	}
	var end string
	for _, id := range g.ids() {
		if err := visit(id, nil); err != nil {
			return 0, nil, err
		}
		if end == "" || finish[id] > finish[end] {
			end = id
		}
	}
	if end == "" {
		return 0, nil, nil
	}
	var path []string
	for id := end; id != ""; id = via[id] {
		path = append(path, id)
	}
	slices.Reverse(path)
	return finish[end], path, nil
}

func (g Graph) ids() []string {
	ids := make([]string, 0, len(g))
	for id := range g {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Edge is a dependency: From must finish before To starts.
type Edge struct{ From, To string }

// Edges lists the graph's dependencies, sorted.
func (g Graph) Edges() []Edge {
	var out []Edge
	for _, id := range g.ids() {
		for _, d := range g[id].Deps {
			out = append(out, Edge{From: d, To: id})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].To != out[j].To {
			return out[i].To < out[j].To
		}
		return out[i].From < out[j].From
	})
	return slices.Compact(out)
}

// Extra returns the dependencies of g that other lacks, with nodes matched by ID: the waits one
// way of building a graph adds over another way of building the same resources.
func (g Graph) Extra(other Graph) []Edge {
	have := map[Edge]bool{}
	for _, e := range other.Edges() {
		have[e] = true
	}
	var out []Edge
	for _, e := range g.Edges() {
		if !have[e] {
			out = append(out, e)
		}
	}
	return out
}

// Duration gives the time one resource of a stack export takes to create; ok is false for a
// resource that takes no time (it is then kept as a zero-length node).
type Duration func(r apitype.ResourceV3) (d time.Duration, ok bool)

// FromDeployment builds the graph of creating the custom resources of a stack export. A
// resource waits for what it depends on, as the export records it: its dependencies and its
// property dependencies. Waiting for a component means waiting for every custom resource below
// it. A parent link alone is no wait, but a resource also waits for what its ancestor components
// depend on: a component that a provider constructs (a multi-language component) is constructed
// only once all its inputs are known, which the export records as the component's dependencies,
// so none of its children can start before them. (A component written in the program's own
// language records no dependencies, and its children start as soon as their own inputs are
// known.) Provider resources take no part. Node IDs are ID(urn).
func FromDeployment(dep apitype.DeploymentV3, dur Duration) Graph {
	children := map[resource.URN][]resource.URN{}
	custom := map[resource.URN]bool{}
	byURN := map[resource.URN]apitype.ResourceV3{}
	for _, r := range dep.Resources {
		if r.Parent != "" {
			children[r.Parent] = append(children[r.Parent], r.URN)
		}
		custom[r.URN] = r.Custom && !isProvider(r)
		byURN[r.URN] = r
	}
	// below returns the custom resources at or below urn.
	var below func(urn resource.URN, out map[string]bool)
	below = func(urn resource.URN, out map[string]bool) {
		if custom[urn] {
			out[ID(urn)] = true
			return
		}
		for _, c := range children[urn] {
			below(c, out)
		}
	}
	g := Graph{}
	for _, r := range dep.Resources {
		if !custom[r.URN] {
			continue
		}
		waits := map[string]bool{}
		for _, d := range r.Dependencies {
			below(d, waits)
		}
		for _, ds := range r.PropertyDependencies {
			for _, d := range ds {
				below(d, waits)
			}
		}
		for p, ok := byURN[r.Parent]; ok && !custom[p.URN]; p, ok = byURN[p.Parent] {
			for _, d := range p.Dependencies {
				below(d, waits)
			}
		}
		delete(waits, ID(r.URN))
		var deps []string
		for d := range waits {
			deps = append(deps, d)
		}
		sort.Strings(deps)
		d, _ := dur(r)
		g.Add(ID(r.URN), d, deps...)
	}
	return g
}

// ID names a resource by its type and name, without its parents: the same resource has the same
// ID whether a component or a hand-written program created it.
func ID(urn resource.URN) string { return urn.Type().String() + "::" + urn.Name() }

func isProvider(r apitype.ResourceV3) bool {
	return strings.HasPrefix(string(r.Type), "pulumi:providers:")
}
