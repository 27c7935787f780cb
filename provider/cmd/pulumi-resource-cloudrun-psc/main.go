// Command pulumi-resource-cloudrun-psc is the cloudrun-psc Pulumi plugin: it serves the
// ProducerService, ConsumerEndpoint and DnsBinding components to every Pulumi language.
// Build it with the version injected:
//
//	go build -ldflags "-X github.com/cloudrun-psc/pulumi-cloudrun-psc/provider.Version=0.1.0" \
//	    -o bin/pulumi-resource-cloudrun-psc ./provider/cmd/pulumi-resource-cloudrun-psc
package main

import "github.com/cloudrun-psc/pulumi-cloudrun-psc/provider"

func main() { provider.Main() }
