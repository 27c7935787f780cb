// Package mdblocks reads the fenced code blocks of a Markdown file, for the tests that run the
// snippets of README.md and docs/, and for the check of their links.
package mdblocks

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// Block is one fenced code block.
type Block struct {
	Lang string // the info string after the opening fence: go, ts, bash…
	Code string // the lines between the fences, each ending in a newline
	Line int    // the line of the opening fence, from 1
}

// Read returns the fenced blocks of the Markdown file at path whose language is one of langs.
// Fences are recognised with leading spaces too (blocks indented in lists).
func Read(path string, langs ...string) ([]Block, error) {
	all, err := ReadAll(path)
	if err != nil {
		return nil, err
	}
	var out []Block
	for _, b := range all {
		if slices.Contains(langs, b.Lang) {
			out = append(out, b)
		}
	}
	return out, nil
}

// ReadAll returns every fenced block of the Markdown file at path, whatever its language.
func ReadAll(path string) ([]Block, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []Block
	var cur *Block
	var body []string
	s := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; s.Scan(); n++ {
		line := s.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			cur = &Block{Lang: strings.TrimSpace(strings.TrimPrefix(trimmed, "```")), Line: n}
			body = nil
		case cur != nil && trimmed == "```":
			cur.Code = strings.Join(body, "\n") + "\n"
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body = append(body, line)
		}
	}
	return out, s.Err()
}

// Prose returns the lines of the Markdown file at path with its fenced blocks blanked (fences
// included), so that line i of the result is line i+1 of the file: the text a check of links
// or headings reads, without the code.
func Prose(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blocks, err := ReadAll(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(data), "\n")
	for _, b := range blocks {
		last := b.Line + strings.Count(b.Code, "\n") + 1 // the closing fence
		for n := b.Line; n <= last && n <= len(lines); n++ {
			lines[n-1] = ""
		}
	}
	return lines, nil
}

// skipped are the directories Pages does not enter: generated or installed trees.
var skipped = []string{"node_modules", "sdk", "bin", "dist"}

// Pages returns the Markdown files under root, relative to it with forward slashes, without
// generated or installed trees (sdk/, node_modules, bin/, dist/) and dot directories.
func Pages(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || slices.Contains(skipped, d.Name())) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(d.Name(), ".md") {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out, err
}

// RepoPages returns the repository's root and its Markdown pages (Pages), failing t when either
// cannot be read: the start of every check over the pages.
func RepoPages(t testing.TB) (root string, pages []string) {
	t.Helper()
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if pages, err = Pages(root); err != nil {
		t.Fatal(err)
	}
	return root, pages
}
