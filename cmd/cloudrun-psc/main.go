// Command cloudrun-psc is the command-line companion of the cloudrun-psc components.
//
//	cloudrun-psc doctor [--producer-stack STACK [--producer-dir DIR]] [--consumer-stack STACK [--consumer-dir DIR]] [--json] [--pulumi PATH/bin/pulumi]
//
// doctor reads a producer stack, a consumer stack or both through the Pulumi engine (a refresh
// preview: the providers read the cloud, the stacks are not changed) and walks the Private
// Service Connect chain link by link, printing each link as ok or broken with the cause and the
// fix. Exit status: 0 when every link checked is ok, 1 when one is broken, 2 when the stacks
// cannot be read.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/doctor"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

const usage = "usage: cloudrun-psc doctor [--producer-stack STACK [--producer-dir DIR]] [--consumer-stack STACK [--consumer-dir DIR]] [--json] [--pulumi PATH/bin/pulumi]"

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "doctor" {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var prod, cons doctor.StackRef
	fs.StringVar(&prod.Stack, "producer-stack", "", "the producer's stack (org/project/stack)")
	fs.StringVar(&prod.Dir, "producer-dir", "", "the producer's project directory (default: a scratch project)")
	fs.StringVar(&cons.Stack, "consumer-stack", "", "the consumer's stack (org/project/stack)")
	fs.StringVar(&cons.Dir, "consumer-dir", "", "the consumer's project directory (default: a scratch project)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pulumi := fs.String("pulumi", "", "the Pulumi CLI to run (default: pulumi on PATH)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if prod.Stack == "" && prod.Dir == "" && cons.Stack == "" && cons.Dir == "" {
		fmt.Fprintln(stderr, "cloudrun-psc doctor: give --producer-stack, --consumer-stack or both\n"+usage)
		return 2
	}
	// A refresh preview refuses --yes, which PULUMI_SKIP_CONFIRMATIONS implies.
	os.Unsetenv("PULUMI_SKIP_CONFIRMATIONS")
	root := ""
	if *pulumi != "" {
		// The Automation API takes the directory whose bin/ holds the CLI.
		root = filepath.Dir(filepath.Dir(*pulumi))
	}
	sides, err := readSides(ctx, root, prod, cons)
	if err != nil {
		fmt.Fprintln(stderr, "cloudrun-psc doctor:", err)
		return 2
	}
	rep := doctor.Diagnose(sides[0], sides[1], time.Now())
	if *asJSON {
		err = rep.WriteJSON(stdout)
	} else {
		err = rep.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "cloudrun-psc doctor:", err)
		return 2
	}
	if !rep.Healthy {
		return 1
	}
	return 0
}

// readSides reads the given stacks, both at once: [producer, consumer], nil for one not given.
func readSides(ctx context.Context, pulumiRoot string, refs ...doctor.StackRef) ([2]*doctor.Side, error) {
	var sides [2]*doctor.Side
	errs := make([]error, len(refs))
	var wg sync.WaitGroup
	for i, ref := range refs {
		if ref.Stack == "" && ref.Dir == "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sides[i], errs[i] = doctor.Read(ctx, pulumiRoot, ref)
		}()
	}
	wg.Wait()
	return sides, errors.Join(errs...)
}
