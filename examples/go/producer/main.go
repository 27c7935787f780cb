// Command producer is the producer side of the cloudrun-psc example as a Pulumi program
// (`pulumi up` in this folder); the program itself is programs.Producer.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/examples/go/programs"
)

func main() {
	pulumi.Run(programs.Producer)
}
