// Package doclinks checks that every relative link of the repository's Markdown pages resolves:
// the file or directory exists, and a #fragment names a heading (or an explicit anchor) of the
// page it points to, as GitHub renders it. Links to other sites are not fetched.
package doclinks

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/mdblocks"
)

var (
	// An inline link or image: [text](target) or [text](target "title"), the target maybe in <>.
	inlineLink = regexp.MustCompile(`\]\(\s*<?([^()\s<>]+)>?(?:\s+"[^"]*")?\s*\)`)
	// A link reference definition: [label]: target.
	refDefinition = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*<?([^\s<>]+)>?`)
	// A heading: one to six #, a space, its text, optional closing #s.
	heading = regexp.MustCompile(`^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$`)
	// An explicit anchor: <a id="x"> or <a name="x">.
	htmlAnchor = regexp.MustCompile(`<a\s+(?:id|name)="([^"]+)"`)
	// A link inside a heading's text keeps only its text.
	linkText = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	// A URL scheme: a target with one is another site's (or mail), not checked.
	scheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// withoutCode blanks the inline code spans of a line (a run of n backticks up to the next run of
// exactly n), so that a bracket in code is not read as a link.
func withoutCode(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		if line[i] != '`' {
			b.WriteByte(line[i])
			i++
			continue
		}
		n := 0
		for i+n < len(line) && line[i+n] == '`' {
			n++
		}
		end := -1
		for j := i + n; j < len(line); {
			if line[j] != '`' {
				j++
				continue
			}
			m := 0
			for j+m < len(line) && line[j+m] == '`' {
				m++
			}
			if m == n {
				end = j + m
				break
			}
			j += m
		}
		if end < 0 { // no closing run: the backticks are literal
			b.WriteString(line[i : i+n])
			i += n
			continue
		}
		b.WriteString(strings.Repeat(" ", end-i))
		i = end
	}
	return b.String()
}

// slug is the anchor GitHub gives a heading's text: lower case, letters, digits, spaces, hyphens
// and underscores kept (markup and every other character dropped), each space a hyphen.
func slug(text string) string {
	text = linkText.ReplaceAllString(text, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// anchors returns the fragments a page answers to: its headings' slugs (a repeated one numbered
// -1, -2, as GitHub does) and its explicit <a id> / <a name> anchors.
func anchors(prose []string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	for _, line := range prose {
		for _, m := range htmlAnchor.FindAllStringSubmatch(line, -1) {
			out[m[1]] = true
		}
		m := heading.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		s := slug(m[1])
		if n := seen[s]; n > 0 {
			out[fmt.Sprintf("%s-%d", s, n)] = true
		} else {
			out[s] = true
		}
		seen[s]++
	}
	return out
}

// link is one relative link of a page.
type link struct {
	page   string // the page it is on, relative to the root
	line   int
	target string
}

// links returns the relative links of a page's text (its code blocks and spans excluded).
func links(page string, prose []string) []link {
	var out []link
	for i, line := range prose {
		line = withoutCode(line)
		var targets []string
		for _, m := range inlineLink.FindAllStringSubmatch(line, -1) {
			targets = append(targets, m[1])
		}
		if m := refDefinition.FindStringSubmatch(line); m != nil {
			targets = append(targets, m[1])
		}
		for _, t := range targets {
			if !scheme.MatchString(t) {
				out = append(out, link{page, i + 1, t})
			}
		}
	}
	return out
}

func TestRelativeLinksResolve(t *testing.T) {
	t.Parallel()
	root, pages := mdblocks.RepoPages(t)
	prose := map[string][]string{}
	for _, p := range pages {
		var err error
		if prose[p], err = mdblocks.Prose(filepath.Join(root, p)); err != nil {
			t.Fatal(err)
		}
	}
	checked := 0
	for _, p := range pages {
		for _, l := range links(p, prose[p]) {
			checked++
			path, fragment, _ := strings.Cut(l.target, "#")
			target := p
			if path != "" {
				target = filepath.ToSlash(filepath.Join(filepath.Dir(p), path))
				if _, err := os.Stat(filepath.Join(root, target)); err != nil {
					t.Errorf("%s:%d: %s: %s does not exist", l.page, l.line, l.target, target)
					continue
				}
			}
			if fragment == "" {
				continue
			}
			text, ok := prose[target]
			if !ok {
				t.Errorf("%s:%d: %s: a fragment of %s, which is not a Markdown page", l.page, l.line, l.target, target)
				continue
			}
			if !anchors(text)[fragment] {
				t.Errorf("%s:%d: %s: %s has no heading or anchor #%s", l.page, l.line, l.target, target, fragment)
			}
		}
	}
	if checked == 0 {
		t.Error("no relative link found on any page: the link reader is broken")
	}
	t.Logf("%d relative links on %d pages", checked, len(pages))
}

// The readers the test relies on, on cases whose answer is known.
func TestSlugsAndLinksAsGitHubReadsThem(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"Diagnose a path: `cloudrun-psc doctor`":  "diagnose-a-path-cloudrun-psc-doctor",
		"Guarantees (what the tests prove)":       "guarantees-what-the-tests-prove",
		"Labels, descriptions and names":          "labels-descriptions-and-names",
		"Shared VPC (network project per side)":   "shared-vpc-network-project-per-side",
		"A [linked](other.md) heading_with_score": "a-linked-heading_with_score",
	} {
		if got := slug(text); got != want {
			t.Errorf("slug(%q) = %q, want %q", text, got, want)
		}
	}
	got := anchors([]string{"# Title", "## Usage", "text", "## Usage", `<a id="kept"></a>`, "#not-a-heading"})
	for _, want := range []string{"title", "usage", "usage-1", "kept"} {
		if !got[want] {
			t.Errorf("anchors lack %q: %v", want, got)
		}
	}
	if got["not-a-heading"] {
		t.Error("#not-a-heading (no space) was read as a heading")
	}
	ls := links("a.md", []string{
		"see [b](b.md#x), [site](https://example.com), `[code](c.md)` and ![img](d.png)",
		"[ref]: ../f.md",
		"``a `[x](y.md)` b`` [z](#local)",
	})
	var targets []string
	for _, l := range ls {
		targets = append(targets, l.target)
	}
	if want := "b.md#x d.png ../f.md #local"; strings.Join(targets, " ") != want {
		t.Errorf("links = %q, want %q", strings.Join(targets, " "), want)
	}
}
