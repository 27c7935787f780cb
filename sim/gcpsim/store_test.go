package gcpsim

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv("GCPSIM_TEST_CHILD_DIR"); dir != "" {
		os.Exit(childCreatesAddresses(dir, os.Getenv("GCPSIM_TEST_CHILD_PREFIX")))
	}
	os.Exit(m.Run())
}

// childCreatesAddresses is the body of a child process in TestConcurrentProcesses: a
// second plugin process allocating addresses from the same subnet.
func childCreatesAddresses(dir, prefix string) int {
	sim, err := New(Options{StateDir: dir})
	if err == nil {
		err = sim.Configure(context.Background(), p.ConfigureRequest{Args: props(map[string]any{"project": consumerProject, "region": region})})
	}
	for i := 0; err == nil && i < 15; i++ {
		name := fmt.Sprintf("%s-%d", prefix, i)
		in := props(map[string]any{"name": name, "addressType": "INTERNAL", "subnetwork": "cvpc-sub"})
		_, err = sim.Create(context.Background(), p.CreateRequest{Urn: urnOf(addressToken, name), Properties: in})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestConcurrentProcesses runs three plugin processes against one state directory at
// once: the flock must serialise them so that no update is lost and no IP is handed out
// twice.
func TestConcurrentProcesses(t *testing.T) {
	t.Parallel()
	h := newHarness(t, consumerProject)
	h.consumer("cvpc")
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "GCPSIM_TEST_CHILD_DIR="+h.dir, fmt.Sprintf("GCPSIM_TEST_CHILD_PREFIX=p%d", i))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("child %d: %v: %s", i, err, out)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]string{}
	err := h.sim.Store().View(func(st *State) error {
		for _, r := range st.byType(addressToken) {
			ip := r.out().str("address")
			if other, dup := seen[ip]; dup {
				return fmt.Errorf("%s handed out to both %s and %s", ip, other, r.Name)
			}
			seen[ip] = r.Name
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 45 {
		t.Fatalf("%d addresses stored, want 45", len(seen))
	}
}

func TestConcurrentGoroutinesInTwoInstances(t *testing.T) {
	t.Parallel()
	h := newHarness(t, consumerProject)
	h.consumer("cvpc")
	other := attach(t, h.dir, consumerProject)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			target := h
			if i%2 == 1 {
				target = other
			}
			name := fmt.Sprintf("a%d", i)
			in := props(map[string]any{"name": name, "addressType": "INTERNAL", "subnetwork": "cvpc-sub"})
			if _, err := target.sim.Create(context.Background(), p.CreateRequest{Urn: urnOf(addressToken, name), Properties: in}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := h.count(); n != 22 {
		t.Fatalf("%d resources, want 2 + 20", n)
	}
}

func TestEventsRecordTheTimeline(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	id, _ := h.mustCreate(networkToken, "vpc", map[string]any{"name": "vpc"})
	if _, err := h.update(networkToken, id, map[string]any{"name": "vpc"}, map[string]any{"name": "vpc", "routingMode": "GLOBAL"}); err != nil {
		t.Fatal(err)
	}
	if err := h.del(networkToken, id); err != nil {
		t.Fatal(err)
	}
	events, err := h.sim.Store().Events()
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, e := range events {
		if e.Type != networkToken || e.Name != "vpc" || e.ID != id || e.Time.IsZero() {
			t.Errorf("event %+v", e)
		}
		ops = append(ops, e.Op)
	}
	if fmt.Sprint(ops) != "[create update delete]" {
		t.Fatalf("ops = %v", ops)
	}
}

// A store starts a transaction from the state it saved last only while the state file is still
// the one it wrote: a save by another process (another store on the directory) is seen, and the
// changes of a transaction that did not save are not.
func TestStoreReusesOnlyTheStateItSaved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	add := func(s *Store, id string) {
		t.Helper()
		if err := s.Update(func(st *State) error {
			st.Resources[id] = &Record{ID: id}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(s *Store) string {
		t.Helper()
		var out []string
		if err := s.View(func(st *State) error {
			for _, r := range st.Sorted() {
				out = append(out, r.ID)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(out)
	}
	add(a, "r1")
	add(b, "r2") // a's saved state is stale now
	add(a, "r3")
	if got := ids(b); got != "[r1 r2 r3]" {
		t.Errorf("after saves by two stores, b sees %s, want [r1 r2 r3]", got)
	}

	add(a, "r4")
	err = a.Update(func(st *State) error {
		st.Resources["lost"] = &Record{ID: "lost"}
		return fmt.Errorf("the operation failed")
	})
	if err == nil {
		t.Fatal("a failing update reported no error")
	}
	if got := ids(a); got != "[r1 r2 r3 r4]" {
		t.Errorf("after a failed update, a sees %s, want [r1 r2 r3 r4]", got)
	}
	if err := a.View(func(st *State) error {
		st.Resources["viewed"] = &Record{ID: "viewed"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	add(a, "r5")
	if got := ids(b); got != "[r1 r2 r3 r4 r5]" {
		t.Errorf("after a view that changed its state, the next save holds %s, want [r1 r2 r3 r4 r5]", got)
	}
}
