package doctor

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// withBinding adds to the consumer a DnsBinding for the record's name whose url is url, and a
// ConsumerEndpoint for the endpoint whose producerProtocol output is producerProtocol.
func withBinding(c *Side, url, producerProtocol string) {
	c.Resources = append(c.Resources,
		&Resource{URN: "urn:binding", Type: chain.DnsBindingType, Outputs: map[string]any{"fqdn": "api.internal.", "url": url}},
		&Resource{URN: "urn:endpoint", Type: chain.ConsumerEndpointType, Outputs: map[string]any{"ipAddress": "192.168.0.5",
			"producerProtocol": producerProtocol}})
}

// A DnsBinding whose url says another protocol than the producer serves is a broken dns-record:
// clients that call its url knock on a port the producer does not serve. doctor knows the
// producer's protocol from the producer's stack, or, with the consumer's alone, from the
// endpoint's producerProtocol; it says nothing when neither tells.
func TestDnsBindingURLOfAnotherProtocol(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name             string
		producer         bool // the producer's stack is read too
		url, endpointSaw string
		broken           bool
	}{
		{name: "http against an HTTPS producer", producer: true, url: "http://api.internal", broken: true},
		{name: "https against an HTTPS producer", producer: true, url: "https://api.internal"},
		{name: "consumer alone, the endpoint read HTTPS", url: "http://api.internal", endpointSaw: chain.HTTPS, broken: true},
		{name: "consumer alone, the endpoint read HTTP", url: "http://api.internal", endpointSaw: chain.HTTP},
		{name: "consumer alone, the producer's protocol unknown", url: "http://api.internal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			producer, consumer := healthyWorld(t)
			for _, r := range producer.Resources {
				if r.Type == chain.ProducerServiceType {
					r.Outputs["protocol"] = chain.HTTPS
				}
			}
			withBinding(consumer, tc.url, tc.endpointSaw)
			if !tc.producer {
				producer = nil
			}
			rep := Diagnose(producer, consumer, time.Now())
			cause := "the DnsBinding's url " + tc.url + " calls the producer over HTTP, but it serves " + tc.endpointSaw
			if tc.producer {
				cause = "the DnsBinding's url " + tc.url + " calls the producer over HTTP, but it serves HTTPS"
			}
			got := names(rep, chain.LinkDNS, Broken, cause, "producerProtocol")
			if got != tc.broken || rep.Healthy == tc.broken {
				t.Fatalf("dns-record flagged %v (healthy %v), want %v: %+v", got, rep.Healthy, tc.broken, rep.Links)
			}
			if !tc.broken {
				return
			}
			var text, js bytes.Buffer
			if err := rep.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if err := rep.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text.String(), cause) || !strings.Contains(js.String(), `"cause": "`+cause) {
				t.Errorf("the problem is missing from the text or the JSON report:\n%s\n%s", text.String(), js.String())
			}
		})
	}
}
