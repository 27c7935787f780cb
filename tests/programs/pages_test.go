package programs

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/mdblocks"
)

// The Markdown pages whose program blocks the tests run, and the info strings each test reads.
// TestEveryProgramBlockRuns holds every page of the repository to these lists, so that a block
// moved to another page, or fenced in a spelling its test does not read, fails instead of
// silently going unrun.
var (
	// snippetPages are the pages whose snippets TestReadmeSnippets wraps and runs, each block
	// recognised by what it builds (readme_test.go).
	snippetPages = []string{"README.md", "docs/recipes.md"}
	// snippetLangs are the info strings TestReadmeSnippets reads.
	snippetLangs = []string{"go", "ts", "python", "yaml"}
	// registryPage is the Registry page whose complete programs TestRegistryDocs runs, one per
	// language (docs_test.go).
	registryPage = "docs/_index.md"
	// registryLangs are the info strings TestRegistryDocs reads.
	registryLangs = []string{"typescript", "python", "go", "yaml"}
	// notRun are the pages whose program blocks no test runs yet, with why; nothing else may be.
	notRun = map[string]string{
		"provider/docs/consumerEndpoint.md": "the schema's examples: TestSchemaExamples checks one per language, none is run",
		"provider/docs/dnsBinding.md":       "the schema's examples: TestSchemaExamples checks one per language, none is run",
		"provider/docs/producerService.md":  "the schema's examples: TestSchemaExamples checks one per language, none is run",
	}
)

// programLanguage is the language of a fenced block's info string in any of the spellings
// Markdown renderers highlight ("" for a block that is not a program: text, sh, json...).
func programLanguage(info string) string {
	fields := strings.Fields(strings.ToLower(info))
	if len(fields) == 0 {
		return ""
	}
	switch fields[0] {
	case "go", "golang":
		return "Go"
	case "ts", "typescript", "tsx", "js", "javascript", "jsx":
		return "TypeScript"
	case "python", "py", "python3":
		return "Python"
	case "yaml", "yml":
		return "YAML"
	}
	return ""
}

// TestEveryProgramBlockRuns: every Go, TypeScript, Python and YAML block of every Markdown page is
// on a page a test runs, in a spelling that test reads; pages in notRun excepted, by name.
func TestEveryProgramBlockRuns(t *testing.T) {
	t.Parallel()
	root, pages := mdblocks.RepoPages(t)
	for _, want := range append([]string{registryPage}, snippetPages...) {
		if !slices.Contains(pages, want) {
			t.Errorf("%s, which a test runs, is not a page of the repository", want)
		}
	}
	run := 0
	for _, page := range pages {
		prose, err := mdblocks.Prose(filepath.Join(root, page))
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range prose {
			if strings.HasPrefix(strings.TrimSpace(line), "~~~") {
				t.Errorf("%s:%d: a ~~~ fence; the tests read only ``` fences", page, i+1)
			}
		}
		blocks, err := mdblocks.ReadAll(filepath.Join(root, page))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range blocks {
			lang := programLanguage(b.Lang)
			if lang == "" {
				continue
			}
			var reads []string
			switch {
			case slices.Contains(snippetPages, page):
				reads = snippetLangs
			case page == registryPage:
				reads = registryLangs
			case notRun[page] != "":
				continue
			default:
				t.Errorf("%s:%d: a %s block (```%s) on a page no test runs: add the page to snippetPages "+
					"(tests/programs/pages_test.go) and teach readme_test.go to wrap it, or fence it as text if it is not a program",
					page, b.Line, lang, b.Lang)
				continue
			}
			if !slices.Contains(reads, b.Lang) {
				t.Errorf("%s:%d: ```%s is not read by the test that runs this page, which reads %v", page, b.Line, b.Lang, reads)
				continue
			}
			run++
		}
	}
	if run == 0 {
		t.Error("no program block found on any page: the page walk is broken")
	}
	t.Logf("%d program blocks run, on %d pages", run, len(snippetPages)+1)
}
