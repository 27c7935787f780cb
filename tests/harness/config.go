package harness

import (
	"fmt"
	"strings"
)

// JSONList renders items as a JSON list of strings, the form a list takes in a stack's
// configuration (`consumerProjects: ["a","b"]`).
func JSONList(items ...string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(quoted, ",") + "]"
}
