package programs

import (
	"path/filepath"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// upgradeFixture is the world a user has after deploying the platform program with the release
// before several regions (commit 9afa69b): each language's file backend with the stack's
// checkpoint, the simulated cloud's state, and the stack's settings file (its configuration and
// the salt of its secrets), written by that commit's library (go) and provider plugin (gosdk).
const upgradeFixture = "tests/programs/testdata/upgrade-9afa69b"

// TestUpgradeReplacesNothing runs this release over that world: the preview and the up change
// nothing the stack deployed (no create, update, replacement or delete of any resource), and the
// stack then converges and, unprotected, destroys cleanly.
func TestUpgradeReplacesNothing(t *testing.T) {
	run(t, pick(platformLangs, "gosdk", "go"), func(t *testing.T, env *harness.Env, l lang) {
		dir := filepath.Join(env.Root, upgradeFixture, l.name)
		env.Restore(dir)
		st := l.new(env, "platform")
		st.RestoreSettings(dir)
		noChanges(t, st.Preview(), "the first preview after the upgrade")
		up := st.Up()
		noChanges(t, up, "the first up after the upgrade")
		if got := up.OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
			t.Errorf("pscConnectionStatus after the upgrade = %q, want ACCEPTED", got)
		}
		converged(t, st)
		// The program protects the producer; unprotecting it is an update of the state only.
		st.SetConfig("protect", "false", false)
		st.Up()
		destroyed(t, env, st)
	})
}
