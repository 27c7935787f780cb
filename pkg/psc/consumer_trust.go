package psc

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// caCertificateOutput is the producer stack's output holding the CA chain its HTTPS certificate
// chains to (ProducerService's caCertificatePem, tls.private.createCa).
const caCertificateOutput = "caCertificatePem"

// stackCABundle is the producer stack's caCertificatePem output, which a consumer trusts to call
// it over HTTPS: "" when the stack has no such output (a producer over HTTP, or with another kind
// of certificate). Whether it is there is read from the outputs' keys, so that a missing output is
// "" at preview too rather than unknown. A PEM chain is public; a secret output stays secret.
func stackCABundle(ref *pulumi.StackReference, stack string) pulumi.StringOutput {
	return stackOptionalString(ref, stack, caCertificateOutput, "a PEM certificate chain", func(string) error { return nil })
}
