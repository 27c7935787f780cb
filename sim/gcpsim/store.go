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
}

// nextNumber returns a fresh numeric identifier, unique in the state.
func (s *State) nextNumber() int64 {
	s.Sequence++
	return 1_000_000_000_000_000 + s.Sequence*7919
}

func (s *State) event(op string, r *Record) {
	s.events = append(s.events, Event{Time: s.now, Op: op, Type: r.Type, Name: r.Name, ID: r.ID, Project: r.Project})
}

// Sorted returns the records ordered by ID.
func (s *State) Sorted() []*Record {
	out := make([]*Record, 0, len(s.Resources))
	for _, k := range sortedKeys(s.Resources) {
		out = append(out, s.Resources[k])
	}
	return out
}

// byType returns the records of one type ordered by ID. It sorts only those: the chain
// samples call it for every PSC endpoint after every mutation.
func (s *State) byType(token string) []*Record {
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
type Store struct {
	dir string
	mu  sync.Mutex
	// saved is the state as this process last saved it, and savedFile the state file it wrote
	// it to: while state.json is still that file, the next transaction starts from saved instead
	// of decoding the file again. Decoding the whole state was most of an operation's time in a
	// stack of hundreds of resources (the bench's scale section).
	saved     *State
	savedFile fileID
}

// fileID identifies one version of the state file: every save writes a new file and renames it
// over the old one, and any process may have done so since this one last looked.
type fileID struct {
	ino, size, mtime int64
}

func statFile(path string) (fileID, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileID{}, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{ino: int64(st.Ino), size: fi.Size(), mtime: fi.ModTime().UnixNano()}, true
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
// succeeds. A failing fn leaves the state untouched.
func (s *Store) Update(fn func(*State) error) error {
	return s.locked(syscall.LOCK_EX, func(st *State) error {
		if err := fn(st); err != nil {
			return err
		}
		if err := s.save(st); err != nil {
			return err
		}
		if err := s.appendEvents(st.events); err != nil {
			return err
		}
		return s.appendChainSamples(st)
	})
}

// View runs fn on the current state under a shared lock; changes are discarded.
func (s *Store) View(fn func(*State) error) error {
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
		return err
	}
	return fn(st)
}

// load returns the current state. A transaction takes the state this process saved last, if
// the file is still the one it saved; a transaction that does not save (a View, a failed
// Update) leaves nothing to take, so that its changes are never seen.
func (s *Store) load() (*State, error) {
	path := filepath.Join(s.dir, stateFile)
	if saved := s.saved; saved != nil {
		s.saved = nil
		if id, ok := statFile(path); ok && id == s.savedFile {
			saved.events, saved.now = nil, time.Now().UTC()
			return saved, nil
		}
	}
	st := &State{Resources: map[string]*Record{}, Counters: map[string]int{}, now: time.Now().UTC()}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("gcpsim: reading state: %w", err)
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("gcpsim: decoding %s: %w", stateFile, err)
	}
	if st.Resources == nil {
		st.Resources = map[string]*Record{}
	}
	if st.Counters == nil {
		st.Counters = map[string]int{}
	}
	return st, nil
}

func (s *Store) save(st *State) error {
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
		return err
	}
	if id, ok := statFile(path); ok {
		s.saved, s.savedFile = st, id
	}
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
