package gcpsim

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv("GCPSIM_TEST_CHILD_DIR"); dir != "" {
		os.Exit(childCreatesAddresses(dir, os.Getenv("GCPSIM_TEST_CHILD_PREFIX")))
	}
	afterCommit = checkCommit
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
		return fmt.Sprint(heldIDs(t, s))
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

// checkCommit checks every Update of this package's tests: the state it committed is the one on
// disk, and it sampled every chain it changed.
func checkCommit(s *Store, st *State, samples []ChainSample) error {
	if err := sameOnDisk(s, st); err != nil {
		return err
	}
	return samplesComplete(s.dir, st, samples)
}

// lastChains holds, by state directory, every endpoint's chain as of the last Update.
var lastChains sync.Map

// samplesComplete fails an Update that took no sample of an endpoint whose chain it changed, or
// a sample that is not the chain's evaluation: the chain index (chain_index.go) missed a record
// the evaluation reads. It compares the whole state's evaluation with the last Update's.
func samplesComplete(dir string, st *State, samples []ChainSample) error {
	prev := map[string]ChainSample{}
	if v, ok := lastChains.Load(dir); ok {
		prev = v.(map[string]ChainSample)
	}
	sampled := map[string]ChainSample{}
	for _, s := range samples {
		sampled[s.Endpoint] = s
	}
	now := map[string]ChainSample{}
	var err error
	for _, full := range st.EvaluateChains(st.now) {
		now[full.Endpoint] = full
		s, ok := sampled[full.Endpoint]
		switch before, seen := prev[full.Endpoint]; {
		case ok && !sameChain(s, full):
			err = fmt.Errorf("the sample of %s after %s is %+v, its chain %+v", full.Endpoint, s.After, s, full)
		case !ok && len(st.events) > 0 && (!seen || !sameChain(before, full)):
			err = fmt.Errorf("the chain of %s changed (%+v, now %+v) and was not sampled", full.Endpoint, before, full)
		}
	}
	lastChains.Store(dir, now)
	return err
}

func sameChain(a, b ChainSample) bool {
	return a.Intact == b.Intact && a.Link == b.Link && a.Reason == b.Reason &&
		fmt.Sprint(a.Path) == fmt.Sprint(b.Path) && fmt.Sprint(a.Images) == fmt.Sprint(b.Images)
}

// sameOnDisk fails an Update whose state, as the store holds it, differs from what another
// process reads from the directory: a record edited in place and not marked Changed. Every
// test of this package runs with it.
func sameOnDisk(s *Store, st *State) error {
	disk, err := (&Store{dir: s.dir}).load() // s holds the lock
	if err != nil {
		return err
	}
	held, _ := json.Marshal(st) // the exported fields only
	read, _ := json.Marshal(disk)
	if string(held) != string(read) {
		return fmt.Errorf("gcpsim: the state committed differs from the state on disk (a record edited in place without State.Changed?)\nheld %s\nread %s", held, read)
	}
	return nil
}

// putRecords stores n records r0…r(n-1) in one Update.
func putRecords(t *testing.T, s *Store, prefix string, n int) {
	t.Helper()
	if err := s.Update(func(st *State) error {
		for i := range n {
			id := fmt.Sprintf("%s%d", prefix, i)
			st.Resources[id] = testRecord(id)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func testRecord(id string) *Record {
	at := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	return &Record{Type: addressToken, ID: id, Project: consumerProject, Region: region, Name: id,
		Inputs:    map[string]any{"name": id, "addressType": "INTERNAL"},
		Outputs:   map[string]any{"name": id, "address": "10.0.0.1", "selfLink": "https://www.googleapis.com/compute/v1/" + id},
		CreatedAt: at, UpdatedAt: at}
}

// stateBytes is what the state files hold: a version of state.json and the journal's length.
func stateBytes(t *testing.T, dir string) (fileID, int64) {
	t.Helper()
	id, err := statFile(filepath.Join(dir, stateFile))
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, journalFile))
	if err != nil {
		return id, 0
	}
	return id, fi.Size()
}

// One operation writes what it changed, not the state: the bytes one Update adding one record
// writes to the state files are the same whether the state holds 10 records or 1000.
func TestUpdateWritesWhatItChangesNotTheState(t *testing.T) {
	t.Parallel()
	written := map[int]int64{}
	for _, n := range []int{10, 1000} {
		dir := t.TempDir()
		s := mustOpen(t, dir)
		putRecords(t, s, "r", n)
		file, journal := stateBytes(t, dir)
		putRecords(t, s, "extra", 1)
		fileAfter, journalAfter := stateBytes(t, dir)
		written[n] = journalAfter - journal
		if fileAfter != file {
			written[n] += fileAfter.size // state.json written again
		}
	}
	if written[10] == 0 || written[10] != written[1000] {
		t.Errorf("one Update adding one record wrote %d bytes to a state of 10 records and %d to one of 1000; want the same", written[10], written[1000])
	}
}

// mustOpen opens a store on dir, as another process would.
func mustOpen(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// heldIDs lists the IDs of the records s reads now, in order.
func heldIDs(t *testing.T, s *Store) []string {
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
	return out
}

// freshIDs lists the IDs a fresh store (another process) reads from dir.
func freshIDs(t *testing.T, dir string) []string {
	t.Helper()
	return heldIDs(t, mustOpen(t, dir))
}

// When the journal outgrows state.json, an Update writes the state and empties the journal;
// the other stores on the directory read the new state.json, and nothing is lost.
func TestJournalCompaction(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := mustOpen(t, dir), mustOpen(t, dir)
	putRecords(t, b, "b", 1) // b holds a state that a's compaction makes stale
	compacted := false
	for i := 0; !compacted; i++ {
		if i == 5000 {
			t.Fatal("the journal was never compacted")
		}
		before, _ := stateBytes(t, dir)
		putRecords(t, a, fmt.Sprintf("a%d-", i), 10)
		after, journal := stateBytes(t, dir)
		compacted = after != before
		if compacted && journal != 0 {
			t.Errorf("after a compaction the journal holds %d bytes, want none", journal)
		}
	}
	putRecords(t, b, "b-after", 1)
	want := freshIDs(t, dir)
	if len(want) < 100 || !containsAll(want, "b0", "b-after0") {
		t.Fatalf("after the compaction a fresh store reads %d records, without b's", len(want))
	}
	for name, s := range map[string]*Store{"a": a, "b": b} {
		if got := heldIDs(t, s); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("store %s holds %d records, a fresh one %d", name, len(got), len(want))
		}
	}
}

func containsAll(ids []string, want ...string) bool {
	have := map[string]bool{}
	for _, id := range ids {
		have[id] = true
	}
	for _, w := range want {
		if !have[w] {
			return false
		}
	}
	return true
}

// A crash leaves nothing acknowledged lost: between a compaction's writing state.json and its
// emptying the journal (the journal's entries are replayed over a state that holds them), and in
// the middle of an append (the cut line is ignored, and the next Update overwrites it).
func TestJournalSurvivesACrash(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := mustOpen(t, dir)
	putRecords(t, s, "r", 3)
	if err := s.Update(func(st *State) error {
		delete(st.Resources, "r1")
		st.Counters["fault"] = 2
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint(freshIDs(t, dir))

	// Crash after state.json is written, before the journal is emptied.
	st, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, stateFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(freshIDs(t, dir)); got != want {
		t.Errorf("state.json and the journal both holding the entries read as %s, want %s", got, want)
	}

	// Crash in the middle of an append.
	f, err := os.OpenFile(filepath.Join(dir, journalFile), os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"put":{"torn":{"type":"x"`); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := fmt.Sprint(freshIDs(t, dir)); got != want {
		t.Errorf("with a cut last line the state reads as %s, want %s", got, want)
	}
	other := mustOpen(t, dir)
	putRecords(t, other, "after", 1)
	if got, want := fmt.Sprint(freshIDs(t, dir)), "[after0 r0 r2]"; got != want {
		t.Errorf("after an Update over a cut line the state reads as %s, want %s", got, want)
	}
	var counter int
	if err := other.View(func(st *State) error { counter = st.Counters["fault"]; return nil }); err != nil {
		t.Fatal(err)
	}
	if counter != 2 {
		t.Errorf("counter = %d, want 2", counter)
	}
}

// A record edited in place and marked Changed is saved: another store reads the edit.
func TestChangedRecordIsSaved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := mustOpen(t, dir)
	putRecords(t, a, "r", 2)
	if err := a.Update(func(st *State) error {
		st.Resources["r1"].Outputs["address"] = "10.0.0.9"
		st.Changed("r1")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	st, err := mustOpen(t, dir).Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Resources["r1"].out().str("address"); got != "10.0.0.9" {
		t.Errorf("another store reads address %q, want the edit 10.0.0.9", got)
	}
}
