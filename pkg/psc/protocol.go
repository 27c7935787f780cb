package psc

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// The producer's protocol on the consumer's side. A ConsumerEndpoint that reads the producer's
// stack publishes the stack's protocol output (a ProducerService's protocol, HTTP or HTTPS) as
// its producerProtocol, and a DnsBinding given it says that scheme in its url: the consumer does
// not copy the protocol by hand, and a protocol it does give that the producer does not serve is
// refused, naming protocol, before any child of the binding is registered.

// protocolOutput is the stack output of a producer's protocol, read by a ConsumerEndpoint with
// producerStack.
const protocolOutput = "protocol"

// stackProtocol is the producer stack's protocol output: "" when the stack has no such output
// (a producer that does not export it), an error naming producerStack when it is not HTTP or
// HTTPS. Whether the output is there is read from the outputs' keys, known at preview (asked for
// a key it lacks, a StackReference answers unknown during a preview; inputs.go, stackString).
func stackProtocol(ref *pulumi.StackReference, stack string) pulumi.StringOutput {
	return stackOptionalString(ref, stack, protocolOutput, "HTTP or HTTPS", func(s string) error {
		if !slices.Contains(chain.Protocols, s) {
			return fmt.Errorf("must be HTTP or HTTPS, got %q", s)
		}
		return nil
	})
}

// protocolProblems checks the DnsBinding's protocol against producer, the producerProtocol value
// ("" when the producer's protocol is not known): producer must be HTTP, HTTPS or empty, and a
// protocol given must be the producer's.
func (a *DnsBindingArgs) protocolProblems(p *problems, producer string) {
	switch {
	case producer != "" && !slices.Contains(chain.Protocols, producer):
		p.addf("producerProtocol", "must be HTTP or HTTPS (or empty), got %q", producer)
	case producer != "" && a.Protocol != "" && a.Protocol != producer:
		p.addf("protocol", "%s disagrees with producerProtocol %s, the protocol the producer serves (its stack's protocol "+
			"output, read by the ConsumerEndpoint): remove protocol, or set it to %s", a.Protocol, producer, producer)
	}
}

// urlProtocol is the url's protocol: protocol when given, else the producer's, else HTTP (a
// ProducerService without tls).
func (a *DnsBindingArgs) urlProtocol(producer string) string {
	switch {
	case a.Protocol != "":
		return a.Protocol
	case producer != "":
		return producer
	}
	return defaultDNSProtocol
}

// protocolPending reports whether producerProtocol is an Output, checked only once it resolves.
func (a *DnsBindingArgs) protocolPending() bool {
	_, known := knownString(a.ProducerProtocol)
	return a.ProducerProtocol != nil && !known
}

// checkedURL is the url output. When producerProtocol is an Output its check runs once it
// resolves (NewDnsBinding awaits it before any child), failing, in the component's refusal form,
// when it disagrees with protocol.
func (a *DnsBindingArgs) checkedURL(name string) pulumi.StringOutput {
	if !a.protocolPending() {
		producer, _ := knownString(a.ProducerProtocol)
		return pulumi.String(chain.URL(a.urlProtocol(producer), a.Hostname)).ToStringOutput()
	}
	return a.ProducerProtocol.ToStringOutput().ApplyT(func(producer string) (string, error) {
		var p problems
		a.protocolProblems(&p, producer)
		// A value read from another resource or stack may be secret: it is not echoed.
		if err := invalidInput("DnsBinding", name, hidden(p.err(), producer)); err != nil {
			return "", err
		}
		return chain.URL(a.urlProtocol(producer), a.Hostname), nil
	}).(pulumi.StringOutput)
}
