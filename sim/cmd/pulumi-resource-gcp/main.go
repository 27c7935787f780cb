// Command pulumi-resource-gcp is the gcpsim stand-in for the pulumi-gcp resource plugin:
// the Pulumi engine loads it as the "gcp" provider, version 8.41.1, and it emulates the
// Google Cloud resources of the cloudrun-psc components against a shared state directory
// (GCPSIM_STATE_DIR). See sim/README.md.
package main

import (
	"context"
	"fmt"
	"os"

	comProvider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-gcp (gcpsim): %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	opts, err := gcpsim.OptionsFromEnv()
	if err != nil {
		return err
	}
	sim, err := gcpsim.New(opts)
	if err != nil {
		return err
	}
	return comProvider.MainContext(context.Background(), gcpsim.Name, sim.Server)
}
