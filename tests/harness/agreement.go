package harness

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// Disagreements compares what the stacks' states say exists in Google Cloud with what the GCP
// simulator holds, and describes each difference; none means they agree. Give every stack of the
// world that may own GCP resources: a simulator resource that none of their states holds is
// orphaned (a failed operation left it behind, or a stack forgot it), a state resource the
// simulator lacks is phantom (the stack believes in something that does not exist), and a pending
// operation in a state means the engine itself does not know which of the two is true. A state
// entry marked pendingReplacement (deleted by a delete-before-replace whose create failed) must be
// absent from the simulator.
func (e *Env) Disagreements(stacks ...*Stack) []string {
	e.t.Helper()
	states := map[string]*apitype.DeploymentV3{}
	for _, st := range stacks {
		states[st.Ref()] = st.Export()
	}
	return disagreements(states, e.SimList())
}

// disagreements compares stack states (by stack name) with the simulator's resources. Only
// custom resources of the gcp package are compared: components, providers and stack references
// live in the state alone.
func disagreements(states map[string]*apitype.DeploymentV3, sim []SimResource) []string {
	var out []string
	inSim := map[string]bool{}
	for _, r := range sim {
		inSim[r.Type+" "+r.ID] = true
	}
	owner := map[string]string{} // type+ID -> the stack and URN that hold it
	names := make([]string, 0, len(states))
	for name := range states {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		d := states[name]
		for _, op := range d.PendingOperations {
			out = append(out, fmt.Sprintf("%s: pending %s of %s: the engine does not know whether it exists", name, op.Type, op.Resource.URN))
		}
		for _, r := range d.Resources {
			if !r.Custom || !strings.HasPrefix(string(r.Type), "gcp:") {
				continue
			}
			if r.ID == "" {
				out = append(out, fmt.Sprintf("%s: %s has no ID", name, r.URN))
				continue
			}
			key := string(r.Type) + " " + string(r.ID)
			if r.PendingReplacement {
				// Deleted by a delete-before-replace whose create has not happened yet: the state
				// keeps the entry for the replacement, but it must be gone from the cloud.
				if inSim[key] {
					out = append(out, fmt.Sprintf("%s: %s is deleted, pending its replacement, yet the simulator holds %s", name, r.URN, r.ID))
				}
				continue
			}
			if !inSim[key] {
				out = append(out, fmt.Sprintf("phantom: %s holds %s (ID %s), which the simulator does not", name, r.URN, r.ID))
				continue
			}
			if prev, ok := owner[key]; ok && !r.External {
				out = append(out, fmt.Sprintf("%s: %s and %s both manage %s", name, r.URN, prev, key))
			}
			if !r.External {
				owner[key] = name + " " + string(r.URN)
			}
		}
	}
	for _, r := range sim {
		if _, ok := owner[r.Type+" "+r.ID]; !ok {
			out = append(out, fmt.Sprintf("orphaned: the simulator holds %s %s, which no stack manages", r.Type, r.ID))
		}
	}
	return out
}
