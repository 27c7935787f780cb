package gcpsim

import (
	"fmt"
	"strconv"
	"strings"
)

// Fault fails the Nth operation Op ("create", "update" or "delete") on resources of Type
// with an error of Kind ("transient": googleapi 503 backendError, "quota": googleapi 403
// QUOTA_EXCEEDED). Operations are counted in the shared state, so the count is the same
// whichever process performs them.
type Fault struct {
	Op   string
	Type string
	N    int
	Kind string
}

// ParseFaults parses GCPSIM_FAULTS: comma-separated OP:TYPE:N:KIND entries, e.g.
// "create:gcp:compute/serviceAttachment:ServiceAttachment:1:transient".
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

// injectFault counts the operation in the shared state and returns the configured error
// when this is the operation to fail. Only operations named by a fault are counted.
func (s *Simulator) injectFault(opName, token string) error {
	var watched bool
	for _, f := range s.faults {
		watched = watched || (f.Op == opName && f.Type == token)
	}
	if !watched {
		return nil
	}
	var hit *Fault
	err := s.update(func(st *State) error {
		key := opName + ":" + token
		st.Counters[key]++
		for i, f := range s.faults {
			if f.Op == opName && f.Type == token && f.N == st.Counters[key] {
				hit = &s.faults[i]
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
