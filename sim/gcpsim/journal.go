package gcpsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// journalFile holds the changes committed since state.json was written, one line per successful
// Update: the records it created or changed, the IDs it deleted, and the state's scalars. A store
// appends one line per operation instead of encoding the whole state, and writes state.json again
// (compaction) only once the journal has grown beyond it, so an operation costs the same whatever
// the number of resources held.
const journalFile = "state.journal"

// minCompaction is the journal size under which it is never compacted: a small state would
// otherwise be rewritten every few operations.
const minCompaction = 256 << 10

// journalEntry is one committed Update. Every field holds absolute values (whole records, the
// counters and outages as they are after the Update), so replaying an entry that state.json
// already holds changes nothing: a crash between writing state.json and emptying the journal
// loses nothing and duplicates nothing.
type journalEntry struct {
	Put      map[string]*Record `json:"put,omitempty"`
	Delete   []string           `json:"delete,omitempty"`
	Sequence int64              `json:"sequence"`
	Counters map[string]int     `json:"counters"`
	Outages  map[string]Outage  `json:"outages"`
}

// apply applies the entry to st and, when it is not nil, to the committed records shadow, and
// adds what it changed to c.
func (e *journalEntry) apply(st *State, shadow map[string]*Record, c *changeSet) {
	for id, r := range e.Put {
		c.add(id, st.Resources[id], r)
		st.Resources[id] = r
		if shadow != nil {
			shadow[id] = r
		}
	}
	for _, id := range e.Delete {
		c.add(id, st.Resources[id])
		delete(st.Resources, id)
		delete(shadow, id)
	}
	st.Sequence, st.Counters, st.Outages = e.Sequence, e.Counters, e.Outages
	if st.Counters == nil {
		st.Counters = map[string]int{}
	}
}

// replay applies the complete lines of the journal from offset off to st (and shadow, as
// journalEntry.apply, adding what they change to c) and returns the offset after the last
// complete line. An incomplete last
// line is an append cut short by a crash (that Update was never acknowledged): it is not
// applied, and the next commit overwrites it.
func (s *Store) replay(st *State, shadow map[string]*Record, c *changeSet, off int64) (int64, error) {
	f, err := os.Open(filepath.Join(s.dir, journalFile))
	if errors.Is(err, fs.ErrNotExist) {
		return off, nil
	}
	if err != nil {
		return off, fmt.Errorf("gcpsim: reading %s: %w", journalFile, err)
	}
	defer f.Close()
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return off, fmt.Errorf("gcpsim: reading %s: %w", journalFile, err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return off, fmt.Errorf("gcpsim: reading %s: %w", journalFile, err)
	}
	for {
		n := bytes.IndexByte(data, '\n')
		if n < 0 {
			return off, nil
		}
		var e journalEntry
		if err := json.Unmarshal(data[:n], &e); err != nil {
			return off, fmt.Errorf("gcpsim: decoding %s at byte %d: %w", journalFile, off, err)
		}
		e.apply(st, shadow, c)
		data, off = data[n+1:], off+int64(n+1)
	}
}

// journalSize is the journal's size (0 when there is none), to tell a compaction (the journal
// emptied under this store) from an append.
func (s *Store) journalSize() (int64, error) {
	fi, err := os.Stat(filepath.Join(s.dir, journalFile))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("gcpsim: reading %s: %w", journalFile, err)
	}
	return fi.Size(), nil
}

// diff is the journal entry of the Update that turned the committed records (s.shadow) into
// st: a record is saved when its pointer changed (created, replaced, as every create and update
// of the simulator does) or when it was marked with State.Changed (edited in place; every record
// the timeline names, State.event), and c is what it changed.
func (s *Store) diff(st *State) (e *journalEntry, c *changeSet) {
	e = &journalEntry{Put: map[string]*Record{}, Sequence: st.Sequence, Counters: st.Counters, Outages: st.Outages}
	c = newChangeSet()
	kept := 0
	for id, r := range st.Resources {
		if old, ok := s.shadow[id]; !ok || old != r || st.changed[id] {
			e.Put[id] = r
			c.add(id, old, r)
		}
		if _, ok := s.shadow[id]; ok {
			kept++
		}
	}
	if kept < len(s.shadow) {
		for id := range s.shadow {
			if _, ok := st.Resources[id]; !ok {
				e.Delete = append(e.Delete, id)
				c.add(id, s.shadow[id])
			}
		}
	}
	return e, c
}

// commit appends the Update's entry to the journal, truncating first an incomplete last line
// that a crashed process left (it is past s.off, the end of what was replayed).
func (s *Store) commit(e *journalEntry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("gcpsim: encoding state: %w", err)
	}
	line = append(line, '\n')
	f, err := os.OpenFile(filepath.Join(s.dir, journalFile), os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("gcpsim: writing %s: %w", journalFile, err)
	}
	defer f.Close()
	if err := f.Truncate(s.off); err != nil {
		return fmt.Errorf("gcpsim: writing %s: %w", journalFile, err)
	}
	if _, err := f.WriteAt(line, s.off); err != nil {
		return fmt.Errorf("gcpsim: writing %s: %w", journalFile, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("gcpsim: writing %s: %w", journalFile, err)
	}
	s.off += int64(len(line))
	for id, r := range e.Put {
		s.shadow[id] = r
	}
	for _, id := range e.Delete {
		delete(s.shadow, id)
	}
	return nil
}
