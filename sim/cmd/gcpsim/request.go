package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

const requestUsage = `usage: gcpsim [-state DIR] [-json] request --project P --region R [--network N] [--subnet S] [--source-ip IP]
         [--tags T1,T2] [--service-account EMAIL] [--identity PRINCIPAL | --impersonate-service-account EMAIL]
         [--audience AUD] [--no-token] [--cacert FILE] [-k|--insecure] [--cert FILE --key FILE] URL
       gcpsim [-state DIR] [-json] request ENDPOINT HOST PATH   (the URL map only, from a PSC endpoint)`

// requestFlags maps ClientRequest fields (as Validate names them) to the flags that set them.
var requestFlags = map[string]string{
	"project": "--project", "network": "--network", "region": "--region", "subnet": "--subnet",
	"sourceIp": "--source-ip", "tags": "--tags", "serviceAccount": "--service-account", "identity": "--identity",
	"audience": "--audience", "url": "URL", "caBundle": "--cacert", "clientCert": "--cert", "clientKey": "--key",
}

// request answers `gcpsim request`: a client's call (State.Call) from flags named as gcloud and
// curl name them and a URL, or, with three arguments, where a request through a PSC endpoint
// ends in the URL map (State.SendRequest).
func request(w io.Writer, store *gcpsim.Store, args []string, asJSON bool) error {
	req, positional, flags, err := parseRequest(args)
	if err != nil {
		return err
	}
	if len(positional) == 3 && !strings.Contains(positional[0], "://") {
		st, err := store.Snapshot()
		if err != nil {
			return err
		}
		return sendRequest(w, st, positional[0], gcpsim.Request{Host: positional[1], Path: positional[2]}, asJSON)
	}
	if len(positional) != 1 {
		return errors.New(requestUsage)
	}
	req.URL = positional[0]
	if err := req.Validate(); err != nil {
		return flagErrors(err, flags)
	}
	st, err := store.Snapshot()
	if err != nil {
		return err
	}
	r, err := st.Call(req, time.Now())
	if err != nil {
		return err
	}
	if asJSON {
		return output(w, true, r, "")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, h := range r.Hops {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", h.Link, h.Resource, h.Detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, verdict(r))
	return err
}

// verdict is the last line of a call's answer: the status or error, and what refused it.
func verdict(r gcpsim.CallResult) string {
	outcome := r.Error
	if r.Status != 0 {
		outcome = fmt.Sprint(r.Status)
	}
	if r.Link == "" {
		return outcome + " from " + r.CloudRun
	}
	return fmt.Sprintf("%s at %s (%s): %s", outcome, r.Link, r.Rule, r.Reason)
}

// parseRequest reads the flags of `request`, before, between and after the positional
// arguments, as curl takes them, and returns the request, the positional arguments and the flag
// that set each field.
func parseRequest(args []string) (gcpsim.ClientRequest, []string, map[string]string, error) {
	flags := maps.Clone(requestFlags)
	var req gcpsim.ClientRequest
	var tags, identity, impersonate, cacert, cert, key string
	fs := flag.NewFlagSet("request", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&req.Project, "project", "", "the client's project")
	fs.StringVar(&req.Network, "network", "", "the client's VPC network (default \"default\")")
	fs.StringVar(&req.Region, "region", "", "the client's region")
	fs.StringVar(&req.Subnet, "subnet", "", "the client's subnet")
	fs.StringVar(&req.SourceIP, "source-ip", "", "the client's address")
	fs.StringVar(&tags, "tags", "", "the client VM's network tags, comma-separated")
	fs.StringVar(&req.ServiceAccount, "service-account", "", "the client VM's service account email (for firewall targets)")
	fs.StringVar(&identity, "identity", "", "the calling principal: serviceAccount:EMAIL or user:EMAIL")
	fs.StringVar(&impersonate, "impersonate-service-account", "", "call as this service account (EMAIL)")
	fs.StringVar(&req.Audience, "audience", "", "the ID token's audience (default: the URL's origin)")
	fs.BoolVar(&req.NoToken, "no-token", false, "send no ID token")
	fs.StringVar(&cacert, "cacert", "", "PEM file of the CAs the client trusts")
	fs.BoolVar(&req.Insecure, "insecure", false, "do not verify the server's certificate")
	fs.BoolVar(&req.Insecure, "k", false, "do not verify the server's certificate")
	fs.StringVar(&cert, "cert", "", "PEM file of the client certificate (chain) to present for mutual TLS")
	fs.StringVar(&cert, "E", "", "PEM file of the client certificate (chain) to present for mutual TLS")
	fs.StringVar(&key, "key", "", "PEM file of the client certificate's private key")
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return req, nil, nil, fmt.Errorf("%v\n%s", err, requestUsage)
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if tags != "" {
		req.Tags = strings.Split(tags, ",")
	}
	switch {
	case identity != "" && impersonate != "":
		return req, nil, nil, errors.New("--identity and --impersonate-service-account both name the caller: give one")
	case impersonate != "":
		if strings.Contains(impersonate, ":") {
			return req, nil, nil, fmt.Errorf("--impersonate-service-account: %q: give the service account's email, without serviceAccount:", impersonate)
		}
		req.Identity = "serviceAccount:" + impersonate
		flags["identity"] = "--impersonate-service-account"
	default:
		req.Identity = identity
	}
	for _, f := range []struct {
		flag, file string
		to         *string
	}{{"--cacert", cacert, &req.CABundle}, {"--cert", cert, &req.ClientCert}, {"--key", key, &req.ClientKey}} {
		if f.file == "" {
			continue
		}
		pem, err := os.ReadFile(f.file)
		switch {
		case err != nil:
			return req, nil, nil, fmt.Errorf("%s: %w", f.flag, err)
		case len(pem) == 0:
			return req, nil, nil, fmt.Errorf("%s: %s is empty", f.flag, f.file)
		}
		*f.to = string(pem)
	}
	return req, positional, flags, nil
}

// flagErrors rewrites a request's validation problems with the flags that set each field.
func flagErrors(err error, flags map[string]string) error {
	var inv *gcpsim.InvalidRequestError
	if !errors.As(err, &inv) {
		return err
	}
	lines := make([]string, len(inv.Problems))
	for i, p := range inv.Problems {
		field, _, _ := strings.Cut(p.Field, "[")
		name := flags[field]
		if name == "" {
			name = p.Field
		}
		lines[i] = name + ": " + p.Message
	}
	return errors.New("invalid request:\n" + strings.Join(lines, "\n"))
}

// sendRequest prints where a request through a PSC endpoint (its ID) ends: the Cloud Run
// service its URL map routes the host and path to, the load balancer's own status, or the
// broken link.
func sendRequest(w io.Writer, st *gcpsim.State, endpoint string, req gcpsim.Request, asJSON bool) error {
	r, err := st.SendRequest(endpoint, req, time.Now())
	if err != nil {
		return err
	}
	text := ""
	switch {
	case r.Link != "":
		text = "BROKEN at " + r.Link + ": " + r.Reason
	case r.Status != 0:
		text = fmt.Sprintf("%d from the load balancer", r.Status)
	default:
		text = "served by " + r.CloudRun + " (backend " + r.BackendService + ")"
	}
	return output(w, asJSON, r, text)
}
