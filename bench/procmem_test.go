package bench

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// allocEnv makes the test binary, run as a child, hold that many MiB for a while and exit.
const allocEnv = "BENCH_TEST_ALLOC_MIB"

func TestMain(m *testing.M) {
	if mib, err := strconv.Atoi(os.Getenv(allocEnv)); err == nil {
		buf := make([]byte, mib<<20)
		for i := range buf { // touch every page, so that it is resident
			buf[i] = 1
		}
		time.Sleep(300 * time.Millisecond)
		os.Exit(int(buf[len(buf)-1]) - 1)
	}
	os.Exit(m.Run())
}

// The sampler sees the peak of a child that allocates and exits while it runs, under the
// child's executable name, and not under this process's.
func TestSamplerSeesAChildsPeak(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The same binary under another name, so that the child is not taken for this process.
	child := filepath.Join(t.TempDir(), "allocator")
	if err := os.Link(self, child); err != nil {
		copyFile(t, self, child)
	}
	s := startSampler()
	cmd := exec.Command(child)
	cmd.Env = append(os.Environ(), allocEnv+"=64")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	m := s.stop()
	u := m["allocator"]
	if u.Procs != 1 || u.Peak < 64<<20 || u.Peak > 256<<20 {
		t.Errorf("allocator usage = %+v, want one process with a peak of 64 MiB and a little more; all: %v", u, m)
	}
	if u.CPU <= 0 {
		t.Errorf("allocator CPU = %v, want the time it spent touching its pages", u.CPU)
	}
	if self := m[Self]; self.Peak <= 0 || self.Peak >= u.Peak {
		t.Errorf("self usage = %+v, want this process's own peak, without the child's 64 MiB", self)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
