package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteText prints the report as a platform engineer reads it: one line per link, the cause
// and the fix under each broken one, and the verdict.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	var sides []string
	if r.Consumer != "" {
		sides = append(sides, "consumer "+r.Consumer)
	}
	if r.Producer != "" {
		sides = append(sides, "producer "+r.Producer)
	}
	fmt.Fprintf(&b, "cloudrun-psc doctor: %s (read through the engine, nothing changed)\n\n", strings.Join(sides, ", "))
	for _, l := range r.Links {
		mark := map[string]string{OK: "ok", Warning: "WARN", Broken: "BROKEN", Skipped: "-"}[l.Status]
		switch l.Status {
		case Broken, Warning:
			fmt.Fprintf(&b, "  %-7s %-16s %s\n", mark, l.Name, l.Resource)
			fmt.Fprintf(&b, "          cause: %s\n          fix:   %s\n", l.Cause, l.Fix)
		default:
			fmt.Fprintf(&b, "  %-7s %-16s %s\n", mark, l.Name, l.Detail)
		}
	}
	if r.Healthy {
		b.WriteString("\nhealthy: no link checked is broken\n")
	} else {
		var names []string
		for _, l := range r.Broken() {
			names = append(names, l.Name)
		}
		fmt.Fprintf(&b, "\nbroken: %s\n", strings.Join(names, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON prints the report as JSON, for CI.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
