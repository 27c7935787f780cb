// Command pulumi-cloudrun-psc is the plugin that `pulumi package add` builds when this repository
// is consumed as a source-based package (PulumiPlugin.yaml, runtime go): the Go language host
// compiles the main package in the directory that holds PulumiPlugin.yaml. It serves the same
// provider as provider/cmd/pulumi-resource-cloudrun-psc, the binary that releases ship.
package main

import "github.com/cloudrun-psc/pulumi-cloudrun-psc/provider"

func main() { provider.Main() }
