package harness

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// SimSnapshot reads the simulated cloud's state of this world now, for tests that look at what
// the simulator holds (connections, a call followed through the chain) rather than list it.
func (e *Env) SimSnapshot() *gcpsim.State {
	e.t.Helper()
	store, err := gcpsim.OpenStore(e.SimState)
	if err != nil {
		e.t.Fatalf("harness: reading the simulator's state: %v", err)
	}
	st, err := store.Snapshot()
	if err != nil {
		e.t.Fatalf("harness: reading the simulator's state: %v", err)
	}
	return st
}

// EditSim changes the simulated cloud out of band, as a change outside Pulumi would: edit gets
// the outputs of the first resource of type token (in ID order) whose ID contains name, and
// returning true deletes that resource. It returns the function that puts the resource back as it
// was.
func (e *Env) EditSim(token, name string, edit func(out map[string]any) (remove bool)) (restore func()) {
	e.t.Helper()
	store, err := gcpsim.OpenStore(e.SimState)
	if err != nil {
		e.t.Fatal(err)
	}
	var saved []byte
	var id string
	err = store.Update(func(st *gcpsim.State) error {
		for _, r := range st.Sorted() {
			if r.Type != token || !strings.Contains(r.ID, name) {
				continue
			}
			id = r.ID
			if saved, err = json.Marshal(r); err != nil {
				return err
			}
			if edit(r.Outputs) {
				delete(st.Resources, r.ID)
			}
			st.Changed(r.ID)
			return nil
		}
		return fmt.Errorf("no %s %q in the simulator", token, name)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return func() {
		e.t.Helper()
		err := store.Update(func(st *gcpsim.State) error {
			var r gcpsim.Record
			if err := json.Unmarshal(saved, &r); err != nil {
				return err
			}
			st.Resources[id] = &r
			return nil
		})
		if err != nil {
			e.t.Fatal(err)
		}
	}
}

// SetSimFields sets fields of the outputs of the resource EditSim finds by token and name, and
// returns the function that sets those fields back to what they were (the rest of the resource is
// left as it is then, so that an up in between is not undone).
func (e *Env) SetSimFields(token, name string, fields map[string]any) (restore func()) {
	e.t.Helper()
	saved := map[string]any{}
	e.EditSim(token, name, func(out map[string]any) bool {
		for k, v := range fields {
			saved[k] = out[k]
			out[k] = v
		}
		return false
	})
	return func() {
		e.t.Helper()
		e.EditSim(token, name, func(out map[string]any) bool {
			for k, v := range saved {
				out[k] = v
			}
			return false
		})
	}
}

// SetOutage takes a region of the simulated cloud down as o says (its Cloud Run services, its
// load-balancer proxies, or both: sim/README.md "Regional outages"), as a failover drill does, and
// returns the function that brings it back.
func (e *Env) SetOutage(region string, o gcpsim.Outage) (restore func()) {
	e.t.Helper()
	store, err := gcpsim.OpenStore(e.SimState)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := store.SetOutage(region, o); err != nil {
		e.t.Fatalf("harness: taking %s down: %v", region, err)
	}
	return func() {
		e.t.Helper()
		if err := store.SetOutage(region, gcpsim.Outage{}); err != nil {
			e.t.Fatalf("harness: bringing %s back: %v", region, err)
		}
	}
}
