package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

const outageUsage = `usage: gcpsim [-state DIR] [-json] outage                                   (the regions down)
       gcpsim [-state DIR] outage REGION [--cloud-run] [--proxies] | --clear    (take a region down or bring it back)`

// outage answers `gcpsim outage` (SIM-OUTAGE): with a region, takes its Cloud Run services and/or
// its load-balancer proxies down (both when neither flag is given) or, with --clear, brings it
// back; without one, lists the regions down.
func outage(w io.Writer, store *gcpsim.Store, args []string, asJSON bool) error {
	fs := flag.NewFlagSet("outage", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cloudRun := fs.Bool("cloud-run", false, "the region's Cloud Run services do not answer")
	proxies := fs.Bool("proxies", false, "the region's load-balancer proxies do not answer")
	clear := fs.Bool("clear", false, "bring the region back")
	var region string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		region, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errors.New(outageUsage)
	}
	if region == "" {
		if *cloudRun || *proxies || *clear {
			return errors.New(outageUsage)
		}
		st, err := store.Snapshot()
		if err != nil {
			return err
		}
		var lines []string
		for _, r := range st.DownRegions() {
			o := st.OutageOf(r)
			lines = append(lines, fmt.Sprintf("%s cloudRun=%t proxies=%t", r, o.CloudRun, o.Proxies))
		}
		return output(w, asJSON, st.Outages, strings.Join(lines, "\n"))
	}
	o := gcpsim.Outage{CloudRun: *cloudRun, Proxies: *proxies}
	switch {
	case *clear && (*cloudRun || *proxies):
		return errors.New("outage: --clear takes no --cloud-run or --proxies")
	case *clear:
		o = gcpsim.Outage{}
	case !o.Down():
		o = gcpsim.Outage{CloudRun: true, Proxies: true}
	}
	return store.SetOutage(region, o)
}
