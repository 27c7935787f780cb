package doctor

import (
	"fmt"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// The url a DnsBinding tells clients to call (its url output) over the protocol the producer
// serves: a url of the other scheme knocks on a port the producer does not serve (80 for HTTP,
// 443 for HTTPS). The producer's protocol is the ProducerService's protocol output when doctor
// reads the producer's stack, else the endpoint's producerProtocol (what the ConsumerEndpoint read
// from the producer's stack); when neither says, the url is not checked.

// checkURLProtocol breaks the dns-record link for each DnsBinding of the record named fqdn whose
// url says another protocol than the producer serves.
func (w *walk) checkURLProtocol(fqdn string) {
	serves := w.producerProtocol()
	if serves == "" {
		return
	}
	for _, b := range w.consumer.ofType(chain.DnsBindingType) {
		url := str(b.Outputs, "url")
		if str(b.Outputs, "fqdn") != fqdn || chain.URLProtocol(url) == serves || chain.URLProtocol(url) == "" {
			continue
		}
		w.link.add(Problem{Status: Broken, Resource: b.Name(),
			Cause: fmt.Sprintf("the DnsBinding's url %s calls the producer over %s, but it serves %s: clients that call the url "+
				"reach a port the producer does not serve", url, chain.URLProtocol(url), serves),
			Fix: "give the DnsBinding the ConsumerEndpoint's producerProtocol output as producerProtocol (and remove " +
				"protocol, or set it to " + serves + "), and run `pulumi up` on the consumer stack"})
	}
}

// producerProtocol is the protocol the producer serves, as the producer's stack or the endpoint
// says it; "" when neither does.
func (w *walk) producerProtocol() string {
	if p := w.component(); p != nil && str(p.Outputs, "protocol") != "" {
		return str(p.Outputs, "protocol")
	}
	ip := str(w.endpoint.Outputs, "ipAddress")
	for _, c := range w.consumer.ofType(chain.ConsumerEndpointType) {
		if str(c.Outputs, "ipAddress") == ip {
			return str(c.Outputs, "producerProtocol")
		}
	}
	return ""
}
