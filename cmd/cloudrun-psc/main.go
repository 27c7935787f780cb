// Command cloudrun-psc is the command-line companion of the cloudrun-psc components.
//
//	cloudrun-psc doctor [--producer-stack STACK [--producer-dir DIR]] [--consumer-stack STACK [--consumer-dir DIR]] [--json] [--pulumi PATH/bin/pulumi]
//	cloudrun-psc doctor --producer-stack P --consumer-stack C --request URL --project P --region R [--network N]
//	        [--subnet S] [--source-ip IP] [--tags T1,T2] [--service-account EMAIL]
//	        [--identity PRINCIPAL | --impersonate-service-account EMAIL] [--audience AUD] [--no-token]
//	        [--cacert FILE] [-k|--insecure] [--cert FILE --key FILE] [--json]
//
// doctor reads a producer stack, a consumer stack or both through the Pulumi engine (a refresh
// preview: the providers read the cloud, the stacks are not changed) and walks each Private
// Service Connect chain the stacks hold (a ConsumerEndpoint with the ProducerService whose
// attachment it targets and the DnsBinding that names it, under a `chain` heading when there are
// several) link by link (once per region when the producer or the consumer is in several),
// printing each link as ok or broken with the cause and the fix, then warns where a region's
// outage is not failed over. Exit status: 0 when every link checked is ok (warnings included),
// 1 when one is broken in any chain, 2 when the stacks cannot be read.
//
// With --request, doctor follows one call from a client in the consumer's VPC (flags named as
// gcloud and curl name them) through both stacks, along the chain the URL's host resolves to
// (its name's private zone, the endpoint of that address, the attachment it targets), and says
// what the client gets: the HTTP
// status or the network error, the links crossed, the first that refuses it with the rule of
// docs/gcp-rules.md, the cause and the fix, and what it assumes that the stacks do not show.
// Exit status: 0 for a 200 from the Cloud Run service, 1 for any other answer, 2 for bad flags
// or stacks that cannot be read.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/doctor"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

const usage = "usage: cloudrun-psc doctor [--producer-stack STACK [--producer-dir DIR]] [--consumer-stack STACK [--consumer-dir DIR]] [--json] [--pulumi PATH/bin/pulumi]\n" +
	"       cloudrun-psc doctor --producer-stack P --consumer-stack C --request URL --project P --region R [--network N] [--subnet S] [--source-ip IP]\n" +
	"           [--tags T1,T2] [--service-account EMAIL] [--identity PRINCIPAL | --impersonate-service-account EMAIL] [--audience AUD] [--no-token] [--cacert FILE] [-k]\n" +
	"           [--cert FILE --key FILE]"

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
	var rf requestFlags
	rf.register(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cloudrun-psc doctor: unexpected argument %q (the URL goes after --request)\n%s\n", fs.Arg(0), usage)
		return 2
	}
	var req *doctor.Request
	switch set := rf.given(fs); {
	case rf.req.URL == "" && len(set) > 0:
		fmt.Fprintf(stderr, "cloudrun-psc doctor: %s describe a call: give --request URL too\n", strings.Join(set, ", "))
		return 2
	case rf.req.URL != "" || isSet(fs, "request"):
		r, err := rf.request()
		if (prod.Stack == "" && prod.Dir == "") || (cons.Stack == "" && cons.Dir == "") {
			err = errors.Join(err, errors.New("--request: a call crosses both stacks: give --producer-stack and --consumer-stack"))
		}
		if err != nil {
			fmt.Fprintln(stderr, "cloudrun-psc doctor:", strings.ReplaceAll(err.Error(), "\n", "\ncloudrun-psc doctor: "))
			return 2
		}
		req = &r
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
	if req != nil {
		return ask(sides, *req, *asJSON, stdout, stderr)
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

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// ask answers a request over the stacks read: 0 for a 200 from the service, 1 otherwise.
func ask(sides [2]*doctor.Side, req doctor.Request, asJSON bool, stdout, stderr io.Writer) int {
	ans, err := doctor.Ask(sides[0], sides[1], req, time.Now())
	if err == nil {
		if asJSON {
			err = ans.WriteJSON(stdout)
		} else {
			err = ans.WriteText(stdout)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "cloudrun-psc doctor:", err)
		return 2
	}
	if !ans.OK() {
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
