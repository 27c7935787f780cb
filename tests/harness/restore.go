package harness

import (
	"os"
	"path/filepath"
)

// Restore puts a saved world into this one, as the machine of a user who deployed with an earlier
// release has it: dir holds the file backend (backend/.pulumi, the stacks' checkpoints) and the
// simulated cloud (gcpsim/state.json and its logs), both copied in before any stack runs. A stack
// restored this way also needs its settings file, which holds its configuration and the salt of
// its secrets: RestoreSettings.
func (e *Env) Restore(dir string) {
	e.t.Helper()
	for from, to := range map[string]string{"backend": e.BackendDir(), "gcpsim": e.SimState} {
		if err := os.CopyFS(to, os.DirFS(filepath.Join(dir, from))); err != nil {
			e.t.Fatalf("harness: restoring %s from %s: %v", from, dir, err)
		}
	}
}

// RestoreSettings gives the stack the settings file Pulumi.<stack>.yaml saved in dir with it,
// before any operation runs.
func (s *Stack) RestoreSettings(dir string) {
	s.env.t.Helper()
	name := "Pulumi." + s.Name + ".yaml"
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		s.env.t.Fatalf("harness: %v", err)
	}
	if err := os.WriteFile(filepath.Join(s.WorkDir(), name), data, 0o600); err != nil {
		s.env.t.Fatalf("harness: %v", err)
	}
}
