package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// Outcome is the answer in a word: the HTTP status, or the network error.
func (a *Answer) Outcome() string {
	if a.Error != "" {
		return a.Error
	}
	return fmt.Sprint(a.Status)
}

// WriteText prints the answer as the report prints a walk: one line per link of chain.Links,
// the links the call crossed ok, the one that refused it REFUSED with its rule, cause and fix,
// the others not reached; each assumption under its link; and the verdict.
func (a *Answer) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "cloudrun-psc doctor: %s, as %s from %s (consumer %s, producer %s; read through the engine, nothing changed)\n\n",
		a.Request.URL, firstNonEmpty(a.Request.Identity, "no identity"), a.Request.Region, a.Consumer, a.Producer)
	reached := map[string]Hop{}
	for _, h := range a.Hops {
		reached[h.Link] = h
	}
	for _, l := range chain.Links {
		h, ok := reached[l.Name]
		switch {
		case l.Name == a.Link:
			fmt.Fprintf(&b, "  %-7s %-16s %s\n          cause: %s\n          rule:  %s\n          fix:   %s\n", "REFUSED", l.Name, h.Resource, a.Cause, a.Rule, a.Fix)
		case ok:
			fmt.Fprintf(&b, "  %-7s %-16s %s %s\n", "ok", l.Name, h.Resource, h.Detail)
		case l.Name == chain.LinkAcceptList && reached[chain.LinkEndpoint].Link != "":
			fmt.Fprintf(&b, "  %-7s %-16s %s\n", "-", l.Name, "decided by the endpoint's connection status")
		default:
			fmt.Fprintf(&b, "  %-7s %-16s %s\n", "-", l.Name, notCrossed(a, l.Name))
		}
		for _, as := range a.Warnings {
			if as.Link == l.Name {
				fmt.Fprintf(&b, "          WARN assumes: %s\n               check: %s\n", as.Assumption, as.Check)
			}
		}
	}
	if a.OK() {
		fmt.Fprintf(&b, "\nanswer: 200 from Cloud Run service %s", a.Hops[len(a.Hops)-1].Resource)
	} else {
		fmt.Fprintf(&b, "\nanswer: %s, refused at %s (%s)", a.Outcome(), a.Link, a.Rule)
	}
	if n := len(a.Warnings); n > 0 {
		fmt.Fprintf(&b, ", assuming %d thing(s) the stacks do not show (WARN above)", n)
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// notCrossed says why the call did not reach or use a link.
func notCrossed(a *Answer, link string) string {
	beyond := false // whether the call reached a link after this one
	after := false
	for _, l := range chain.Links {
		after = after || l.Name == link
		beyond = beyond || after && l.Name != link && slices.ContainsFunc(a.Hops, func(h Hop) bool { return h.Link == l.Name })
	}
	switch {
	case !beyond:
		return "not reached"
	case link == chain.LinkDNS:
		return "the URL names an address"
	case link == chain.LinkCertificate:
		return "plain HTTP"
	case link == chain.LinkSecurityPolicy:
		return "no Cloud Armor policy on the backend service"
	}
	return "not crossed"
}

// WriteJSON prints the answer as JSON, for CI.
func (a *Answer) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(a)
}
