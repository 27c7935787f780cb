// Package doccommands checks that the repository's Markdown pages tell a user the command that
// works: after the producer acts, a consumer's (or both stacks') component outputs follow only at
// chain.RefreshOutputs, so a page that says to refresh the consumer names that command.
package doccommands

import (
	"fmt"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/mdblocks"
)

// refreshOn is a code span that runs a refresh, followed by the stacks it is to run on.
var refreshOn = regexp.MustCompile("`(pulumi refresh[^`]*)` on (the consumer|both stacks)")

// badLines are the instructions in lines that name another refresh than chain.RefreshOutputs.
func badLines(lines []string) (bad []string, seen int) {
	for i, l := range lines {
		for _, m := range refreshOn.FindAllStringSubmatch(l, -1) {
			seen++
			if m[1] != chain.RefreshOutputs {
				bad = append(bad, fmt.Sprintf("line %d: %s", i+1, m[0]))
			}
		}
	}
	return bad, seen
}

func TestPagesNameTheRefreshThatUpdatesOutputs(t *testing.T) {
	t.Parallel()
	root, pages := mdblocks.RepoPages(t)
	seen := 0
	for _, p := range pages {
		prose, err := mdblocks.Prose(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		bad, n := badLines(prose)
		seen += n
		for _, b := range bad {
			t.Errorf("%s: %s: name `%s`, the refresh that runs the program (a plain refresh leaves component outputs as they were)", p, b, chain.RefreshOutputs)
		}
	}
	if seen == 0 {
		t.Error("no page tells a consumer to refresh: the reader is broken, or docs/troubleshooting.md lost its rows")
	}
}

// The reader on lines whose answer is known.
func TestReader(t *testing.T) {
	t.Parallel()
	bad, seen := badLines([]string{
		"then `pulumi refresh` on the consumer",
		"then `" + chain.RefreshOutputs + "` on the consumer; run `pulumi refresh` on both stacks",
		"doctor answers the same after `pulumi refresh`",
	})
	if seen != 3 || len(bad) != 2 {
		t.Errorf("seen %d, bad %q; want 3 seen, the two plain refreshes bad", seen, bad)
	}
}
