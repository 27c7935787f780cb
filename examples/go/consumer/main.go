// Command consumer is the consumer side of the cloudrun-psc example as a Pulumi program
// (`pulumi up` in this folder); the program itself is programs.Consumer.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/examples/go/programs"
)

func main() {
	pulumi.Run(programs.Consumer)
}
