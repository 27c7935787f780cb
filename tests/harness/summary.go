package harness

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// Operation is an engine operation a Stack can run.
type Operation string

// The operations a Stack can run.
const (
	Preview Operation = "preview"
	Up      Operation = "up"
	Refresh Operation = "refresh"
	Destroy Operation = "destroy"
	// RefreshProgram is `pulumi refresh --run-program`: the program runs and sees the refreshed
	// outputs, so what it logs about them (a component's warnings) is reported. Go stacks only.
	RefreshProgram Operation = "refresh --run-program"
)

// Step operations, as the engine names them in its events and change summaries.
const (
	OpSame    = string(apitype.OpSame)
	OpCreate  = string(apitype.OpCreate)
	OpUpdate  = string(apitype.OpUpdate)
	OpDelete  = string(apitype.OpDelete)
	OpReplace = string(apitype.OpReplace)
	OpRead    = string(apitype.OpRead)
	OpRefresh = string(apitype.OpRefresh)
)

// Step is one resource step the engine took (or, in a preview, planned).
type Step struct {
	Op   string `json:"op"`
	Type string `json:"type"`
	URN  string `json:"urn"`
}

// Diagnostic is one message the engine or a program logged.
type Diagnostic struct {
	Severity string `json:"severity"` // "debug", "info", "info#err", "warning" or "error"
	Message  string `json:"message"`
	URN      string `json:"urn,omitempty"` // the resource it was logged against, if any
}

// Output is one stack output.
type Output struct {
	Value  any  `json:"value"`
	Secret bool `json:"secret"`
}

// Summary is what one engine operation did.
type Summary struct {
	Operation Operation
	// Changes counts resources by step operation, as the engine's own change summary reports
	// them (the numbers `pulumi up` prints at its end), including "same".
	Changes map[string]int
	// Steps lists the resource steps in the order the engine started them. For a refresh, a
	// step's Op is the outcome ("same", "update", "delete"), not "refresh".
	Steps []Step
	// Outputs holds the stack outputs after an up; it is nil for the other operations.
	Outputs map[string]Output
	// Diagnostics holds the engine's and the program's log messages, in order.
	Diagnostics []Diagnostic
	// Policy holds the policy violations the engine reported (stacks with a policy pack).
	Policy []PolicyViolation
	// Elapsed is the wall time of the Automation API call that ran the operation, as the
	// program's process measured it: it excludes writing the stack's configuration and, for Node
	// and Python programs, starting the interpreter and loading the driver.
	Elapsed time.Duration
}

// Count returns how many steps had operation op on resources of type typ (a type token such as
// "gcp:compute/network:Network"); an empty typ counts every type.
func (s *Summary) Count(op, typ string) int {
	n := 0
	for _, st := range s.Steps {
		if st.Op == op && (typ == "" || st.Type == typ) {
			n++
		}
	}
	return n
}

// ByType counts the steps by resource type and operation.
func (s *Summary) ByType() map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, st := range s.Steps {
		if out[st.Type] == nil {
			out[st.Type] = map[string]int{}
		}
		out[st.Type][st.Op]++
	}
	return out
}

// HasChanges reports whether the operation changed (or, for a preview, would change) any
// resource, judged by its steps (for a refresh, their outcomes). Reads (stack references, data
// sources) change nothing and do not count.
func (s *Summary) HasChanges() bool {
	for _, st := range s.Steps {
		if st.Op != OpSame && st.Op != OpRead {
			return true
		}
	}
	return false
}

// Warnings returns the messages of the warning diagnostics.
func (s *Summary) Warnings() []string { return s.messages("warning") }

// Errors returns the messages of the error diagnostics.
func (s *Summary) Errors() []string { return s.messages("error") }

func (s *Summary) messages(severity string) []string {
	var out []string
	for _, d := range s.Diagnostics {
		if d.Severity == severity {
			out = append(out, d.Message)
		}
	}
	return out
}

// Output returns the plain value of stack output name, failing if it does not exist.
func (s *Summary) Output(name string) (any, error) {
	o, ok := s.Outputs[name]
	if !ok {
		return nil, fmt.Errorf("no stack output %q (outputs: %s)", name, strings.Join(sortedKeys(s.Outputs), ", "))
	}
	return o.Value, nil
}

// String renders the summary compactly for failure messages.
func (s *Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: changes %v", s.Operation, s.Changes)
	for _, typ := range sortedKeys(s.ByType()) {
		fmt.Fprintf(&b, "\n  %s %v", typ, s.ByType()[typ])
	}
	for _, d := range s.Diagnostics {
		if d.Severity == "warning" || d.Severity == "error" {
			fmt.Fprintf(&b, "\n  %s: %s", d.Severity, d.Message)
		}
	}
	return b.String()
}

// summarize builds a Summary from the engine events of one operation. The events are the same
// JSON objects for every language's Automation API, so Go, Node and Python runs share it.
func summarize(op Operation, events []apitype.EngineEvent) *Summary {
	s := &Summary{Operation: op, Changes: map[string]int{}}
	// index of the step of a URN whose outcome a refresh reports later
	refreshing := map[string]int{}
	for _, ev := range events {
		switch {
		case ev.ResourcePreEvent != nil:
			m := ev.ResourcePreEvent.Metadata
			s.Steps = append(s.Steps, Step{Op: string(m.Op), Type: m.Type, URN: m.URN})
			if m.Op == apitype.OpRefresh {
				refreshing[m.URN] = len(s.Steps) - 1
			}
		case ev.ResOutputsEvent != nil:
			m := ev.ResOutputsEvent.Metadata
			if i, ok := refreshing[m.URN]; ok && m.Op != apitype.OpRefresh {
				s.Steps[i].Op = string(m.Op)
				delete(refreshing, m.URN)
			}
		case ev.DiagnosticEvent != nil:
			d := ev.DiagnosticEvent
			s.Diagnostics = append(s.Diagnostics, Diagnostic{
				Severity: d.Severity,
				Message:  strings.TrimRight(d.Message, "\n"),
				URN:      d.URN,
			})
		case ev.PolicyEvent != nil:
			s.Policy = append(s.Policy, policyViolation(ev.PolicyEvent))
		case ev.SummaryEvent != nil:
			for k, n := range ev.SummaryEvent.ResourceChanges {
				s.Changes[string(k)] += n
			}
		}
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// OutputString returns stack output name in its printed form, failing t when the summary has no
// such output.
func (s *Summary) OutputString(t T, name string) string {
	t.Helper()
	v, err := s.Output(name)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(v)
}
