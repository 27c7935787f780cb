package gcpsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"
)

const (
	stateFile  = "state.json"
	lockFile   = "state.lock"
	eventsFile = "events.jsonl"
)

// Record is one emulated resource in the shared state.
type Record struct {
	Type    string         `json:"type"`
	ID      string         `json:"id"`
	Project string         `json:"project"`
	Region  string         `json:"region,omitempty"`
	Name    string         `json:"name"`
	Inputs  map[string]any `json:"inputs"`
	Outputs map[string]any `json:"outputs"`
	// Uses lists the IDs this resource depends on: they cannot be deleted while it exists.
	Uses []string `json:"uses,omitempty"`
	// Links lists the IDs it refers to without holding them (a PSC endpoint's attachment,
	// a serverless NEG's Cloud Run service).
	Links     []string  `json:"links,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// out returns the outputs as an obj.
func (r *Record) out() obj { return obj(r.Outputs) }

// in returns the inputs as an obj.
func (r *Record) in() obj { return obj(r.Inputs) }

// Event is one line of the mutation timeline kept in events.jsonl.
type Event struct {
	Time    time.Time `json:"time"`
	Op      string    `json:"op"`
	Type    string    `json:"type"`
	Name    string    `json:"name"`
	ID      string    `json:"id"`
	Project string    `json:"project"`
}

// State is the whole emulated cloud: every project's resources, plus the operation
// counters that make fault injection deterministic across processes.
type State struct {
	Resources map[string]*Record `json:"resources"`
	Counters  map[string]int     `json:"counters"`
	Sequence  int64              `json:"sequence"`
	// Outages are the regions a test has taken down, by region (SIM-OUTAGE, outage.go).
	Outages map[string]Outage `json:"outages,omitempty"`

	events []Event
	now    time.Time
	// changed holds the IDs of the records an Update edited in place (Changed).
	changed map[string]bool
	// reads, while a chain is evaluated, collects what the evaluation reads (chain_index.go).
	reads *chainReads
}

// lookup returns the record id, nil when there is none. Every read of a record by ID goes
// through it (and every scan through byType or Sorted), so that a chain's evaluation knows what
// it depends on.
func (s *State) lookup(id string) *Record {
	if s.reads != nil {
		s.reads.ids[id] = true
	}
	return s.Resources[id]
}

// Changed marks the record id as edited in place in an Update (its fields or outputs changed
// through the *Record the state holds), so that the store saves it. A record stored anew
// (st.Resources[id] = r) or deleted needs no mark.
func (s *State) Changed(id string) {
	if s.changed == nil {
		s.changed = map[string]bool{}
	}
	s.changed[id] = true
}

// nextNumber returns a fresh numeric identifier, unique in the state.
func (s *State) nextNumber() int64 {
	s.Sequence++
	return 1_000_000_000_000_000 + s.Sequence*7919
}

// event records a mutation of r in the timeline; r is saved (Changed).
func (s *State) event(op string, r *Record) {
	s.Changed(r.ID)
	s.events = append(s.events, Event{Time: s.now, Op: op, Type: r.Type, Name: r.Name, ID: r.ID, Project: r.Project})
}

// Sorted returns the records ordered by ID.
func (s *State) Sorted() []*Record { return s.matching(func(*Record) bool { return true }) }

// matching returns the records keep holds, ordered by ID. It sorts only those: the rules call
// it in operations (a resource's users, a subnet's addresses) whatever the state's size.
func (s *State) matching(keep func(*Record) bool) []*Record {
	if s.reads != nil {
		s.reads.types[anyType] = true
	}
	var out []*Record
	for _, r := range s.Resources {
		if keep(r) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// byType returns the records of one type ordered by ID. It sorts only those: the chain
// samples call it for every PSC endpoint after every mutation.
func (s *State) byType(token string) []*Record {
	if s.reads != nil {
		s.reads.types[token] = true
	}
	var out []*Record
	for _, r := range s.Resources {
		if r.Type == token {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Store is the state directory shared by every simulator process. Every access takes an
// flock on state.lock, so two engines deploying two stacks at once are serialised.
//
// The state is state.json (as written at the last compaction) followed by the entries of
// state.journal (journal.go). A store keeps the state it committed or read last, with the base
// file and journal offset it reflects: a transaction starts from it and replays only the entries
// other processes appended since, and an Update appends one entry. Encoding and decoding the
// whole state on every operation was most of the simulator's time in a stack of hundreds of
// resources (the bench's scale section).
type Store struct {
	dir string
	mu  sync.Mutex
	// cur is the state as of the base file base and the first off bytes of the journal; nil
	// when the next transaction must read the state afresh (after a View, whose function may
	// have changed it, or a failed Update). shadow holds cur's records as committed, by ID.
	cur    *State
	base   fileID
	off    int64
	shadow map[string]*Record
	// chains tells which endpoints' chains a change affects (chain_index.go), for cur; nil
	// until the next Update builds it.
	chains *chainIndex
}

// afterCommit, when set (by this package's tests), checks every committed Update and the
// chain samples it takes.
var afterCommit func(s *Store, st *State, samples []ChainSample) error

// fileID identifies one version of the state file: every compaction writes a new file and
// renames it over the old one, and any process may have done so since this one last looked.
// The zero fileID is a state file that does not exist.
type fileID struct {
	ino, size, mtime int64
}

func statFile(path string) (fileID, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fileID{}, nil
	}
	if err != nil {
		return fileID{}, fmt.Errorf("gcpsim: reading state: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, fmt.Errorf("gcpsim: reading state: no inode for %s", path)
	}
	return fileID{ino: int64(st.Ino), size: fi.Size(), mtime: fi.ModTime().UnixNano()}, nil
}

// OpenStore opens (creating if needed) the state directory.
func OpenStore(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("gcpsim: the state directory is not set (set GCPSIM_STATE_DIR)")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("gcpsim: creating state directory: %w", err)
	}
	return &Store{dir: dir}, nil
}

// Dir returns the state directory.
func (s *Store) Dir() string { return s.dir }

// Update runs fn on the current state under an exclusive lock and saves the state when fn
// succeeds. A failing fn leaves the state untouched. A record fn edits in place (rather than
// storing a new *Record) must be marked with State.Changed to be saved.
func (s *Store) Update(fn func(*State) error) error {
	return s.locked(syscall.LOCK_EX, func(st *State) error {
		if s.chains == nil {
			s.chains = buildChainIndex(st)
		}
		if err := fn(st); err != nil {
			s.cur = nil
			return err
		}
		changes, err := s.save(st)
		if err != nil {
			s.cur = nil
			return err
		}
		samples := s.sampleChains(st, changes)
		if afterCommit != nil {
			if err := afterCommit(s, st, samples); err != nil {
				return err
			}
		}
		if err := s.appendEvents(st.events); err != nil {
			return err
		}
		return s.appendChainSamples(samples)
	})
}

// View runs fn on the current state under a shared lock; changes are discarded.
func (s *Store) View(fn func(*State) error) error {
	return s.locked(syscall.LOCK_SH, func(st *State) error {
		s.cur = nil // fn may change st, or keep it (Snapshot)
		return fn(st)
	})
}

// read runs fn, which must not change the state, under a shared lock: the simulator's own
// reads (Read, the functions), which keep the store's state for the next transaction.
func (s *Store) read(fn func(*State) error) error {
	return s.locked(syscall.LOCK_SH, fn)
}

func (s *Store) locked(how int, fn func(*State) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := os.OpenFile(filepath.Join(s.dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("gcpsim: opening lock: %w", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		return fmt.Errorf("gcpsim: locking state: %w", err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN) //nolint:errcheck // closing releases it too
	st, err := s.load()
	if err != nil {
		s.cur = nil
		return err
	}
	return fn(st)
}

// load returns the current state: the store's own, brought up to date with the journal entries
// appended since, while state.json is still the file it read; else read afresh.
func (s *Store) load() (*State, error) {
	base, err := statFile(filepath.Join(s.dir, stateFile))
	if err != nil {
		return nil, err
	}
	if s.cur != nil && base == s.base {
		size, err := s.journalSize()
		if err != nil {
			return nil, err
		}
		if size >= s.off {
			if err := s.catchUp(); err != nil {
				return nil, err
			}
			s.cur.events, s.cur.changed, s.cur.now = nil, nil, time.Now().UTC()
			return s.cur, nil
		}
	}
	st := &State{Resources: map[string]*Record{}, Counters: map[string]int{}}
	data, err := os.ReadFile(filepath.Join(s.dir, stateFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("gcpsim: reading state: %w", err)
	}
	if err == nil {
		if err := json.Unmarshal(data, st); err != nil {
			return nil, fmt.Errorf("gcpsim: decoding %s: %w", stateFile, err)
		}
		if st.Resources == nil {
			st.Resources = map[string]*Record{}
		}
		if st.Counters == nil {
			st.Counters = map[string]int{}
		}
	}
	s.shadow = make(map[string]*Record, len(st.Resources))
	for id, r := range st.Resources {
		s.shadow[id] = r
	}
	s.cur, s.base, s.off, s.chains = st, base, 0, nil
	if err := s.catchUp(); err != nil {
		return nil, err
	}
	st.now = time.Now().UTC()
	return st, nil
}

// catchUp applies the journal entries appended since s.off to s.cur and s.shadow, and evaluates
// again the chains they can have changed, to learn what those read now (the process that
// appended them took their samples).
func (s *Store) catchUp() error {
	c := newChangeSet()
	off, err := s.replay(s.cur, s.shadow, c, s.off)
	s.off = off
	if err != nil {
		return err
	}
	if s.chains != nil && len(c.ids) > 0 {
		s.cur.now = time.Now().UTC()
		for _, ep := range s.chains.affected(s.cur, c, false) {
			s.chains.evaluate(s.cur, ep)
		}
	}
	return nil
}

// save commits a successful Update: one journal entry, and a compaction when the journal has
// grown beyond state.json. It returns what the Update changed.
func (s *Store) save(st *State) (*changeSet, error) {
	e, c := s.diff(st)
	if err := s.commit(e); err != nil {
		return nil, err
	}
	if s.off < minCompaction || s.off < s.base.size {
		return c, nil
	}
	return c, s.compact(st)
}

// compact writes the whole state to state.json and empties the journal. Until the journal is
// emptied its entries are also in state.json; replaying them changes nothing (journalEntry).
func (s *Store) compact(st *State) error {
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("gcpsim: encoding state: %w", err)
	}
	tmp, err := os.CreateTemp(s.dir, stateFile+".*")
	if err != nil {
		return fmt.Errorf("gcpsim: writing state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("gcpsim: writing state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("gcpsim: writing state: %w", err)
	}
	path := filepath.Join(s.dir, stateFile)
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("gcpsim: writing state: %w", err)
	}
	if err := os.Truncate(filepath.Join(s.dir, journalFile), 0); err != nil {
		return fmt.Errorf("gcpsim: emptying %s: %w", journalFile, err)
	}
	base, err := statFile(path)
	if err != nil {
		return err
	}
	s.base, s.off = base, 0
	return nil
}

func (s *Store) appendEvents(events []Event) error {
	return appendJSONL(s, eventsFile, events)
}

// Events reads the mutation timeline, oldest first.
func (s *Store) Events() ([]Event, error) {
	out, err := readJSONL[Event](s, eventsFile)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, err
}
