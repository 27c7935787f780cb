// Package mdblocks reads the fenced code blocks of a Markdown file, for the tests that run the
// snippets of README.md and docs/.
package mdblocks

import (
	"bufio"
	"bytes"
	"os"
	"slices"
	"strings"
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
			if slices.Contains(langs, cur.Lang) {
				cur.Code = strings.Join(body, "\n") + "\n"
				out = append(out, *cur)
			}
			cur = nil
		case cur != nil:
			body = append(body, line)
		}
	}
	return out, s.Err()
}
