package harness

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// SimResource is one resource in the GCP simulator's state, as `gcpsim -json list` prints it.
type SimResource struct {
	Type     string            `json:"type"` // the Pulumi type token, e.g. "gcp:compute/network:Network"
	ID       string            `json:"id"`   // e.g. "projects/p/global/networks/n"
	SelfLink string            `json:"selfLink"`
	Fields   map[string]string `json:"fields"` // the type's key output fields
}

// SimCount returns how many resources the GCP simulator holds in this world, by running
// `bin/gcpsim -state DIR count`.
func (e *Env) SimCount() int {
	e.t.Helper()
	out := e.gcpsim("count")
	n, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		e.t.Fatalf("harness: gcpsim count printed %q, want a number", out)
	}
	return n
}

// SimList returns the resources the GCP simulator holds in this world, by running
// `bin/gcpsim -state DIR -json list`.
func (e *Env) SimList() []SimResource {
	e.t.Helper()
	out := e.gcpsim("-json", "list")
	var rs []SimResource
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		e.t.Fatalf("harness: gcpsim -json list: %v\n%s", err, out)
	}
	return rs
}

func (e *Env) gcpsim(args ...string) string {
	e.t.Helper()
	bin := filepath.Join(e.Root, "bin", "gcpsim")
	if _, err := os.Stat(bin); err != nil {
		e.t.Fatalf("harness: %s is missing; build it from sim/cmd/gcpsim", bin)
	}
	cmd := exec.Command(bin, append([]string{"-state", e.SimState}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		e.t.Fatalf("harness: %s: %v\n%s", strings.Join(cmd.Args, " "), err, stderr.String())
	}
	return stdout.String()
}
