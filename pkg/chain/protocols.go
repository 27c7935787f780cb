package chain

import "strings"

// The protocols a producer's load balancer serves, as a ProducerService's protocol output says
// them: HTTPS with tls, HTTP without. A client calls the producer's hostname with the scheme of
// the protocol (URL).
const (
	HTTP  = "HTTP"
	HTTPS = "HTTPS"
)

// Protocols are the protocols a producer serves.
var Protocols = []string{HTTP, HTTPS}

// URL is the address a client calls for hostname over protocol: http://hostname for HTTP,
// https://hostname for HTTPS.
func URL(protocol, hostname string) string {
	return strings.ToLower(protocol) + "://" + hostname
}

// URLProtocol is the protocol whose scheme url has (HTTP or HTTPS), "" for another scheme.
func URLProtocol(url string) string {
	for _, p := range Protocols {
		if strings.HasPrefix(url, strings.ToLower(p)+"://") {
			return p
		}
	}
	return ""
}
