package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// WriteText prints the report as a platform engineer reads it: one line per link, each problem's
// cause and fix under a broken or warned one, and the verdict.
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
	for i, l := range r.Links {
		if l.Chain != "" && (i == 0 || r.Links[i-1].Chain != l.Chain) {
			if i > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "chain %s\n", l.Chain)
		}
		if l.Region != "" && l.Name == chain.Links[0].Name {
			if i > 0 && l.Chain == "" || i > 0 && r.Links[i-1].Chain == l.Chain {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "region %s\n", l.Region)
		}
		mark := marks[l.Status]
		if len(l.Problems) == 0 {
			fmt.Fprintf(&b, "  %-7s %-16s %s\n", mark, l.Name, l.Detail)
			continue
		}
		fmt.Fprintf(&b, "  %-7s %-16s %s\n", mark, l.Name, l.Problems[0].Resource)
		writeProblems(&b, l.Problems)
	}
	if len(r.Problems) > 0 {
		b.WriteString("\nfailover (a region's outage)\n")
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "  %-7s %-16s %s\n", marks[p.Status], p.Link, p.Resource)
			writeProblems(&b, []Problem{p})
		}
	}
	switch {
	case r.Healthy && len(r.Chains) > 1:
		fmt.Fprintf(&b, "\nhealthy: no link checked is broken in any of the %d chains\n", len(r.Chains))
	case r.Healthy:
		b.WriteString("\nhealthy: no link checked is broken\n")
	case len(r.Chains) > 1:
		b.WriteString("\nbroken:\n")
		for _, c := range r.Chains {
			if !c.Healthy {
				fmt.Fprintf(&b, "  chain %s: %s\n", c.Name, strings.Join(c.Broken, ", "))
			}
		}
	default:
		var names []string
		for _, l := range r.Broken() {
			names = append(names, strings.TrimPrefix(l.Region+" ", " ")+l.Name)
		}
		fmt.Fprintf(&b, "\nbroken: %s\n", strings.Join(names, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var marks = map[string]string{OK: "ok", Warning: "WARN", Broken: "BROKEN", Skipped: "-"}

// writeProblems prints each problem's cause and fix, naming its resource when it changes.
func writeProblems(b *strings.Builder, ps []Problem) {
	for i, p := range ps {
		if i > 0 && p.Resource != ps[i-1].Resource {
			fmt.Fprintf(b, "%27s%s\n", "", p.Resource)
		}
		fmt.Fprintf(b, "          cause: %s\n          fix:   %s\n", p.Cause, p.Fix)
	}
}

// WriteJSON prints the report as JSON, for CI.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
