package gcpsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// appendJSONL appends items to a JSON-lines file of the state directory, one per line.
func appendJSONL[T any](s *Store, name string, items []T) error {
	if len(items) == 0 {
		return nil
	}
	f, err := os.OpenFile(filepath.Join(s.dir, name), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("gcpsim: opening %s: %w", name, err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			return fmt.Errorf("gcpsim: writing %s: %w", name, err)
		}
	}
	return nil
}

// readJSONL reads a JSON-lines file of the state directory in file order; a missing file
// holds nothing.
func readJSONL[T any](s *Store, name string) ([]T, error) {
	data, err := os.ReadFile(filepath.Join(s.dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []T
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var v T
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("gcpsim: decoding %s: %w", name, err)
		}
		out = append(out, v)
	}
	return out, nil
}
