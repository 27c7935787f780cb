package main

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// hatchlingBuild rewrites the generated Python SDK's pyproject.toml (files holds the SDK's files)
// to build with hatchling instead of setuptools. setuptools builds inside the project directory
// and leaves build/ and <name>.egg-info there, so `pip install sdk/python` would write into the
// checkout; hatchling builds the wheel and the sdist without writing into the source tree. The
// generator's [tool.setuptools] table goes with it: hatchling ships every file of the package
// directory, py.typed and pulumi-plugin.json included. The long description (readme) is the
// README.md the generator writes inside the package, which is where hatchling then reads it.
func hatchlingBuild(files map[string][]byte) error {
	raw, ok := files["pyproject.toml"]
	if !ok {
		return errors.New("the Python generator wrote no pyproject.toml")
	}
	var readmes []string
	for name := range files {
		if path.Base(name) == "README.md" && path.Dir(name) != "." {
			readmes = append(readmes, name)
		}
	}
	if len(readmes) != 1 {
		return fmt.Errorf("want one package README.md in the Python SDK, found %v", readmes)
	}
	text := string(raw)
	for _, r := range []struct{ old, new string }{
		{"\n  readme = \"README.md\"\n", "\n  readme = \"" + readmes[0] + "\"\n"},
		{
			"[build-system]\n  requires = [\"setuptools>=61.0\"]\n  build-backend = \"setuptools.build_meta\"\n",
			"[build-system]\n  requires = [\"hatchling\"]\n  build-backend = \"hatchling.build\"\n",
		},
	} {
		if strings.Count(text, r.old) != 1 {
			return fmt.Errorf("pyproject.toml does not hold %q once; the Python generator changed:\n%s", r.old, text)
		}
		text = strings.Replace(text, r.old, r.new, 1)
	}
	files["pyproject.toml"] = []byte(withoutTables(text, "tool.setuptools"))
	return nil
}

// withoutTables removes from a TOML document the table prefix and its subtables, and the tables
// above it that hold no key of their own (the bare [tool] before [tool.setuptools]).
func withoutTables(doc, prefix string) string {
	type section struct {
		name  string
		lines []string
	}
	sections := []section{{}}
	for _, line := range strings.Split(strings.TrimRight(doc, "\n"), "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "[") {
			sections = append(sections, section{name: strings.Trim(t, "[] ")})
		}
		last := &sections[len(sections)-1]
		last.lines = append(last.lines, line)
	}
	var kept []string
	for _, s := range sections {
		removed := s.name == prefix || strings.HasPrefix(s.name, prefix+".")
		empty := strings.TrimSpace(strings.Join(s.lines[min(1, len(s.lines)):], "")) == ""
		if removed || (s.name != "" && strings.HasPrefix(prefix, s.name+".") && empty) {
			continue
		}
		kept = append(kept, s.lines...)
	}
	return strings.TrimRight(strings.Join(kept, "\n"), "\n") + "\n"
}
