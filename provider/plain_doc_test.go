package provider

import (
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// pkg/psc/doc.go tells users which nested inputs take an Output (Input) and which must be plain
// values (plain); plain.go derives the same from the Go types, and the served schema follows it.
// The table holds this test: every row names fields that exist, with the kind plain.go gives them.

// argStructs are the components' input struct types reachable from argTypes, by the name the
// table gives them: the Go name without "Args" (ProducerServiceArgs is ProducerService).
func argStructs() map[string]reflect.Type {
	out := map[string]reflect.Type{}
	var visit func(t reflect.Type)
	visit = func(t reflect.Type) {
		t = derefType(t)
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			visit(t.Elem())
			return
		case reflect.Struct:
		default:
			return
		}
		name := strings.TrimSuffix(t.Name(), "Args")
		if _, seen := out[name]; seen || takesOutputs(t) {
			return
		}
		out[name] = t
		for _, f := range reflect.VisibleFields(t) {
			if fieldName(f) != "" {
				visit(f.Type)
			}
		}
	}
	for _, t := range argTypes {
		visit(t)
	}
	return out
}

// kindOf is the kind plain.go gives a Go field type: Input when it takes Outputs, else plain.
func kindOf(t reflect.Type) string {
	if takesOutputs(derefType(t)) {
		return "Input"
	}
	return "plain"
}

// docRow is one row of the table: the fields it names (Type.field, Type.field[] for a list's
// items, Type.* for all of a type's, *.field for that field of every type) and their kind.
type docRow struct {
	text  string
	paths []string
	kind  string
}

// plainTable reads the table of pkg/psc/doc.go: the rows under the "type / field" heading up to
// the first empty line, a row continued on the next line when its kind is not written yet.
func plainTable(t *testing.T) []docRow {
	t.Helper()
	src, err := os.ReadFile("../pkg/psc/doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var rows []docRow
	in, pending := false, ""
	for _, line := range strings.Split(string(src), "\n") {
		text, isTable := strings.CutPrefix(line, "//\t")
		switch {
		case !in:
			in = isTable && strings.HasPrefix(text, "type / field")
			continue
		case !isTable:
			if pending != "" {
				t.Errorf("pkg/psc/doc.go: the table row %q has no kind", pending)
			}
			return rows
		}
		words := strings.Fields(pending + " " + text)
		i := slices.IndexFunc(words, func(w string) bool { return w == "plain" || w == "Input" })
		if i < 0 {
			pending += " " + text
			continue
		}
		pending = ""
		var paths []string
		typ := ""
		for _, p := range strings.Split(strings.Join(words[:i], " "), ",") {
			p = strings.TrimSpace(p)
			if before, after, ok := strings.Cut(p, "."); ok {
				typ, p = before, after
			}
			paths = append(paths, typ+"."+p)
		}
		rows = append(rows, docRow{text: strings.Join(words, " "), paths: paths, kind: words[i]})
	}
	t.Fatal("pkg/psc/doc.go has no table headed `type / field`")
	return nil
}

// fieldTypes resolves a path of the table to the Go types it names.
func fieldTypes(structs map[string]reflect.Type, path string) ([]reflect.Type, error) {
	typ, field, _ := strings.Cut(path, ".")
	field, items := strings.CutSuffix(field, "[]")
	var types []reflect.Type
	for name, st := range structs {
		if typ != "*" && name != typ {
			continue
		}
		for _, f := range reflect.VisibleFields(st) {
			if n := fieldName(f); n == "" || field != "*" && n != field {
				continue
			}
			ft := derefType(f.Type)
			if items {
				if ft.Kind() != reflect.Slice {
					return nil, fmt.Errorf("%s is not a list", path)
				}
				ft = ft.Elem()
			}
			types = append(types, ft)
		}
	}
	if len(types) == 0 {
		return nil, fmt.Errorf("%s names no input field (types: %v)", path, slices.Sorted(maps.Keys(structs)))
	}
	return types, nil
}

func TestPlainTableMatchesTheTypes(t *testing.T) {
	t.Parallel()
	structs := argStructs()
	rows := plainTable(t)
	if len(rows) < 20 {
		t.Fatalf("read %d rows of the table in pkg/psc/doc.go; is its heading still `type / field`?", len(rows))
	}
	for _, row := range rows {
		for _, path := range row.paths {
			types, err := fieldTypes(structs, path)
			if err != nil {
				t.Errorf("pkg/psc/doc.go row %q: %v", row.text, err)
				continue
			}
			for _, ft := range types {
				if got := kindOf(ft); got != row.kind {
					t.Errorf("pkg/psc/doc.go row %q: %s is %s in the Go types (provider/plain.go), the table says %s",
						row.text, path, got, row.kind)
				}
			}
		}
	}
}
