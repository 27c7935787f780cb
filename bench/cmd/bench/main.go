// Command bench runs the benchmarks of package bench and writes BENCHMARKS.md (`make bench`).
//
//	(cd bench && go run ./cmd/bench) [-o BENCHMARKS.md] [-reps 5] [-latency-reps 3] [-latency 0.05] [-n 1,10,50,100,200]
//	    [-region-reps 5] [-checkpoint-n 50] [-checkpoint-reps 3] [-consumers 1,10,100,500]
//	    [-only overhead|critical|scale|start|regions|checkpoints|consumers]
//
// With -only, the report holds that section's measurements alone (write it elsewhere than
// BENCHMARKS.md).
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench"
)

func main() {
	d := bench.Defaults()
	out := flag.String("o", "BENCHMARKS.md", "file to write the report to")
	flag.IntVar(&d.Reps, "reps", d.Reps, "rounds of the overhead section")
	flag.IntVar(&d.LatencyReps, "latency-reps", d.LatencyReps, "rounds of the critical-path section")
	flag.Float64Var(&d.Latency, "latency", d.Latency, "GCPSIM_LATENCY_SCALE of the critical-path section")
	ns := flag.String("n", join(d.Endpoints), "endpoint counts of the scale section")
	flag.IntVar(&d.CheckpointEndpoints, "checkpoint-n", d.CheckpointEndpoints, "endpoint count of the checkpoints section (0: none)")
	flag.IntVar(&d.CheckpointReps, "checkpoint-reps", d.CheckpointReps, "rounds of the checkpoints section")
	flag.IntVar(&d.StartReps, "start-reps", d.StartReps, "provider starts measured")
	flag.IntVar(&d.RegionReps, "region-reps", d.RegionReps, "rounds of the two-region section (0: none)")
	cs := flag.String("consumers", join(d.ConsumerCounts), "consumer counts of the consumer-scale section")
	flag.StringVar(&d.Only, "only", "", "run only this section: "+strings.Join(bench.SectionNames, ", "))
	flag.Parse()
	var err error
	if d.Endpoints, err = split("-n", *ns); err != nil {
		fail(err)
	}
	if d.ConsumerCounts, err = split("-consumers", *cs); err != nil {
		fail(err)
	}
	d.Log = os.Stderr
	rep, err := bench.Run(d)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(*out, []byte(rep.Markdown()), 0o644); err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s in %s\n", *out, rep.Wall.Round(1e9))
}

func join(ns []int) string {
	var s []string
	for _, n := range ns {
		s = append(s, strconv.Itoa(n))
	}
	return strings.Join(s, ",")
}

func split(name, s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive count", name, f)
		}
		out = append(out, n)
	}
	return out, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}
