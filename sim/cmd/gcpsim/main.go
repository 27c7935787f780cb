// Command gcpsim inspects the state directory of the GCP simulator.
//
//	gcpsim [-state DIR] [-json] list                       every resource: type, self link, key fields
//	gcpsim [-state DIR] [-json] connections ATTACHMENT     endpoints connected to a service attachment
//	gcpsim [-state DIR] [-json] count                      the number of resources
//	gcpsim [-state DIR] [-json] events                     the mutation timeline
//	gcpsim [-state DIR] [-json] chain [ENDPOINT]           the serving-chain timeline of the PSC endpoints
//	gcpsim [-state DIR] [-json] request [FLAGS] URL        what a client's call gets, link by link (see request.go)
//	gcpsim [-state DIR] [-json] request ENDPOINT HOST PATH where a request through an endpoint ends (URL map by host and path)
//
// DIR defaults to $GCPSIM_STATE_DIR.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gcpsim:", err)
		os.Exit(1)
	}
}

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("gcpsim", flag.ContinueOnError)
	dir := fs.String("state", os.Getenv("GCPSIM_STATE_DIR"), "state directory (default $GCPSIM_STATE_DIR)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("no state directory: pass -state DIR or set GCPSIM_STATE_DIR")
	}
	if _, err := os.Stat(*dir); err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	store, err := gcpsim.OpenStore(*dir)
	if err != nil {
		return err
	}
	cmd := fs.Arg(0)
	switch {
	case cmd == "events":
		return events(w, store, *asJSON) // the timeline only: the state is not read
	case cmd == "chain" && fs.NArg() <= 2:
		return chain(w, store, fs.Arg(1), *asJSON)
	case cmd == "request":
		return request(w, store, fs.Args()[1:], *asJSON)
	case cmd == "outage":
		return outage(w, store, fs.Args()[1:], *asJSON)
	case cmd != "list" && cmd != "count" && !(cmd == "connections" && fs.NArg() == 2):
		return errors.New("usage: gcpsim [-state DIR] [-json] list | count | events | chain [ENDPOINT] | connections ATTACHMENT | request [FLAGS] URL | request ENDPOINT HOST PATH | outage [REGION [--cloud-run] [--proxies] | --clear]")
	}
	st, err := store.Snapshot()
	if err != nil {
		return err
	}
	switch cmd {
	case "list":
		return list(w, st, *asJSON)
	case "count":
		return output(w, *asJSON, map[string]int{"count": len(st.Resources)}, fmt.Sprint(len(st.Resources)))
	default:
		return connections(w, st, fs.Arg(1), *asJSON)
	}
}

func output(w io.Writer, asJSON bool, v any, text string) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	_, err := fmt.Fprintln(w, text)
	return err
}

type listed struct {
	Type     string            `json:"type"`
	ID       string            `json:"id"`
	SelfLink string            `json:"selfLink"`
	Fields   map[string]string `json:"fields"`
}

func list(w io.Writer, st *gcpsim.State, asJSON bool) error {
	items := []listed{}
	for _, r := range st.Sorted() {
		items = append(items, listed{Type: r.Type, ID: r.ID, SelfLink: r.SelfLink(), Fields: r.KeyFields()})
	}
	if asJSON {
		return output(w, true, items, "")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tID\tFIELDS")
	for _, it := range items {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", it.Type, it.ID, formatFields(it.Fields))
	}
	return tw.Flush()
}

func formatFields(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, " ")
}

func connections(w io.Writer, st *gcpsim.State, attachment string, asJSON bool) error {
	conns, err := st.Connections(attachment)
	if err != nil {
		return err
	}
	if asJSON {
		if conns == nil {
			conns = []gcpsim.Connection{}
		}
		return output(w, true, conns, "")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tPROJECT\tIP\tCONNECTION ID\tENDPOINT")
	for _, c := range conns {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Status, c.Project, c.IPAddress, c.PscConnectionID, c.Endpoint)
	}
	return tw.Flush()
}

func events(w io.Writer, store *gcpsim.Store, asJSON bool) error {
	evs, err := store.Events()
	if err != nil {
		return err
	}
	if asJSON {
		if evs == nil {
			evs = []gcpsim.Event{}
		}
		return output(w, true, evs, "")
	}
	for _, e := range evs {
		fmt.Fprintf(w, "%s %-16s %s %s\n", e.Time.Format("15:04:05.000"), e.Op, e.Type, e.ID)
	}
	return nil
}

// chain prints the serving-chain timeline, optionally of one endpoint (ID, self link or name).
func chain(w io.Writer, store *gcpsim.Store, endpoint string, asJSON bool) error {
	samples, err := store.ChainTimeline()
	if err != nil {
		return err
	}
	kept := []gcpsim.ChainSample{}
	for _, s := range samples {
		if endpoint == "" || s.Endpoint == endpoint || strings.HasSuffix(endpoint, "/"+s.Endpoint) || strings.HasSuffix(s.Endpoint, "/"+endpoint) {
			kept = append(kept, s)
		}
	}
	if asJSON {
		return output(w, true, kept, "")
	}
	for _, s := range kept {
		verdict := "intact"
		if !s.Intact {
			verdict = "BROKEN at " + s.Link + ": " + s.Reason
		}
		fmt.Fprintf(w, "%s %s %s (after %s)\n", s.Time.Format("15:04:05.000"), s.Endpoint, verdict, s.After)
	}
	return nil
}
