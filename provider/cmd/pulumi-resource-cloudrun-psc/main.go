// Command pulumi-resource-cloudrun-psc is the cloudrun-psc Pulumi plugin: it serves the
// ProducerService, ConsumerEndpoint and DnsBinding components to every Pulumi language.
package main

import (
	"context"
	"fmt"
	"os"

	p "github.com/pulumi/pulumi-go-provider"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/provider"
)

func main() {
	prov, err := provider.New()
	if err == nil {
		err = p.RunProvider(context.Background(), provider.Name, provider.Version, prov)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", provider.Name, err)
		os.Exit(1)
	}
}
