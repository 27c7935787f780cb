package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/doctor"
)

// requestFlags are doctor's flags for one call, named as gcloud and curl name them, and as
// `gcpsim request` names them.
type requestFlags struct {
	req                                        doctor.Request
	tags, identity, impersonate, ca, cert, key string
}

func (f *requestFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.req.URL, "request", "", "follow one call to this URL (http:// or https://) from a client in the consumer's VPC")
	fs.StringVar(&f.req.Project, "project", "", "the client's project")
	fs.StringVar(&f.req.Network, "network", "", "the client's VPC network (default \"default\")")
	fs.StringVar(&f.req.Region, "region", "", "the client's region")
	fs.StringVar(&f.req.Subnet, "subnet", "", "the client's subnet")
	fs.StringVar(&f.req.SourceIP, "source-ip", "", "the client's address")
	fs.StringVar(&f.tags, "tags", "", "the client VM's network tags, comma-separated")
	fs.StringVar(&f.req.ServiceAccount, "service-account", "", "the client VM's service account email (for firewall targets)")
	fs.StringVar(&f.identity, "identity", "", "the calling principal: serviceAccount:EMAIL or user:EMAIL")
	fs.StringVar(&f.impersonate, "impersonate-service-account", "", "call as this service account (EMAIL)")
	fs.StringVar(&f.req.Audience, "audience", "", "the ID token's audience (default: the URL's origin)")
	fs.BoolVar(&f.req.NoToken, "no-token", false, "send no ID token")
	fs.StringVar(&f.ca, "cacert", "", "PEM file of the CAs the client trusts (default: the public CAs)")
	fs.BoolVar(&f.req.Insecure, "insecure", false, "do not verify the server's certificate")
	fs.BoolVar(&f.req.Insecure, "k", false, "do not verify the server's certificate")
	fs.StringVar(&f.cert, "cert", "", "PEM file of the client certificate (chain) to present for mutual TLS")
	fs.StringVar(&f.cert, "E", "", "PEM file of the client certificate (chain) to present for mutual TLS")
	fs.StringVar(&f.key, "key", "", "PEM file of the client certificate's private key")
}

// given reports whether a request flag other than --request was set.
func (f *requestFlags) given(fs *flag.FlagSet) []string {
	var set []string
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "producer-stack", "producer-dir", "consumer-stack", "consumer-dir", "json", "pulumi", "request":
		default:
			set = append(set, "--"+fl.Name)
		}
	})
	return set
}

// request builds the call from the flags and validates it, every problem at once, each naming
// its flag.
func (f *requestFlags) request() (doctor.Request, error) {
	req := f.req
	if f.tags != "" {
		req.Tags = strings.Split(f.tags, ",")
	}
	var errs []error
	switch {
	case f.identity != "" && f.impersonate != "":
		errs = append(errs, errors.New("--identity and --impersonate-service-account both name the caller: give one"))
	case f.impersonate != "":
		if strings.Contains(f.impersonate, ":") {
			errs = append(errs, fmt.Errorf("--impersonate-service-account: %q: give the service account's email, without serviceAccount:", f.impersonate))
		}
		req.Identity, req.Impersonated = "serviceAccount:"+f.impersonate, true
	default:
		req.Identity = f.identity
	}
	unread := map[string]bool{} // files that could not be read: their own error says so
	for _, file := range []struct {
		flag, path string
		to         *string
	}{{"--cacert", f.ca, &req.CABundle}, {"--cert", f.cert, &req.ClientCert}, {"--key", f.key, &req.ClientKey}} {
		if file.path == "" {
			continue
		}
		pem, err := os.ReadFile(file.path)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", file.flag, err))
		case len(pem) == 0:
			errs = append(errs, fmt.Errorf("%s: %s is empty", file.flag, file.path))
		}
		*file.to = string(pem)
		unread[file.flag] = len(pem) == 0
	}
	var bad *doctor.RequestError
	if err := req.Validate(); errors.As(err, &bad) {
		for _, p := range bad.Problems {
			if unread[p.Flag] {
				continue
			}
			errs = append(errs, fmt.Errorf("%s: %s", p.Flag, p.Message))
		}
	}
	return req, errors.Join(errs...)
}
