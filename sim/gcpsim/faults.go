package gcpsim

import (
	"fmt"
	"strconv"
	"strings"
)

// Fault fails the Nth operation Op ("create", "update" or "delete") on resources of Type
// with an error of Kind ("transient": googleapi 503 backendError, "quota": googleapi 403
// QUOTA_EXCEEDED). With Name set, only the operations on the resources of that Pulumi
// name (the last part of their URN) count, so that one resource among several of its type
// can be made to fail. Operations are counted in the shared state, so the count is the
// same whichever process performs them.
type Fault struct {
	Op   string
	Type string
	N    int
	Kind string
	Name string
}

// ParseFaults parses GCPSIM_FAULTS: comma-separated OP:TYPE:N:KIND entries, e.g.
// "create:gcp:compute/serviceAttachment:ServiceAttachment:1:transient"; TYPE[NAME] selects
// the resources of one Pulumi name, e.g.
// "create:gcp:compute/subnetwork:Subnetwork[payments-nat-subnet]:1:transient".
func ParseFaults(spec string) ([]Fault, error) {
	var out []Fault
	for _, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		f, err := parseFault(entry)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func parseFault(entry string) (Fault, error) {
	parts := strings.Split(entry, ":")
	if len(parts) < 4 {
		return Fault{}, fmt.Errorf("gcpsim: fault %q: want OP:TYPE:N:KIND", entry)
	}
	f := Fault{Op: parts[0], Type: strings.Join(parts[1:len(parts)-2], ":"), Kind: parts[len(parts)-1]}
	if typ, rest, ok := strings.Cut(f.Type, "["); ok {
		name, closed := strings.CutSuffix(rest, "]")
		if !closed || name == "" {
			return Fault{}, fmt.Errorf("gcpsim: fault %q: a resource name is written TYPE[NAME]", entry)
		}
		f.Type, f.Name = typ, name
	}
	n, err := strconv.Atoi(parts[len(parts)-2])
	if err != nil || n < 1 {
		return Fault{}, fmt.Errorf("gcpsim: fault %q: N must be a positive integer", entry)
	}
	f.N = n
	switch {
	case f.Op != "create" && f.Op != "update" && f.Op != "delete":
		return Fault{}, fmt.Errorf("gcpsim: fault %q: OP must be create, update or delete", entry)
	case f.Kind != "transient" && f.Kind != "quota":
		return Fault{}, fmt.Errorf("gcpsim: fault %q: KIND must be transient or quota", entry)
	}
	if _, err := kindOf(f.Type); err != nil {
		return Fault{}, fmt.Errorf("gcpsim: fault %q: %w", entry, err)
	}
	return f, nil
}

func (f Fault) err() error {
	if f.Kind == "quota" {
		return errQuota(f.Type)
	}
	return errTransient()
}

// counter is the key under which the operations a fault watches are counted.
func (f Fault) counter() string {
	if f.Name != "" {
		return f.Op + ":" + f.Type + "[" + f.Name + "]"
	}
	return f.Op + ":" + f.Type
}

// watches reports whether the fault counts an operation on the resource of that token and
// Pulumi name.
func (f Fault) watches(opName, token, name string) bool {
	return f.Op == opName && f.Type == token && (f.Name == "" || f.Name == name)
}

// injectFault counts the operation in the shared state and returns the configured error
// when this is the operation to fail. Only operations named by a fault are counted: once
// for each distinct counter (type, or type and name) that watches them.
func (s *Simulator) injectFault(opName, token, name string) error {
	var watching []Fault
	for _, f := range s.faults {
		if f.watches(opName, token, name) {
			watching = append(watching, f)
		}
	}
	if len(watching) == 0 {
		return nil
	}
	var hit *Fault
	err := s.update(func(st *State) error {
		counted := map[string]bool{}
		for _, f := range watching {
			if key := f.counter(); !counted[key] {
				counted[key] = true
				st.Counters[key]++
			}
		}
		for i, f := range watching {
			if hit == nil && f.N == st.Counters[f.counter()] {
				hit = &watching[i]
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if hit != nil {
		return hit.err()
	}
	return nil
}
