package chain

// Side is the party whose project holds a link: the consumer (the caller's organisation) or the
// producer (the organisation that publishes the service).
type Side string

const (
	Consumer Side = "consumer"
	Producer Side = "producer"
)

// Link is one link of the chain: a resource a request crosses, or that decides whether it may.
type Link struct {
	Name    string // as doctor reports it and docs/troubleshooting.md lists it
	Side    Side   // whose project holds it
	Meaning string // what it is, in one line
}

// The names of the links.
const (
	LinkClient         = "client"
	LinkDNS            = "dns-record"
	LinkFirewall       = "egress-firewall"
	LinkEndpointIP     = "endpoint-ip"
	LinkEndpoint       = "endpoint"
	LinkAttachment     = "attachment"
	LinkAcceptList     = "accept-list"
	LinkNAT            = "nat"
	LinkLBRule         = "lb-rule"
	LinkProxy          = "proxy"
	LinkCertificate    = "certificate"
	LinkURLMap         = "url-map"
	LinkBackend        = "backend"
	LinkSecurityPolicy = "security-policy"
	LinkNEG            = "neg"
	LinkCloudRun       = "cloud-run"
)

// Links are the links of the chain in the order a request crosses them: from the client and its
// name lookup in the consumer's VPC to the Cloud Run service in the producer's project. A new link
// is one more entry here; doctor reports every entry, checked or skipped with the reason.
var Links = []Link{
	{LinkClient, Consumer, "the calling client: its project, VPC network, subnet, region and address"},
	{LinkDNS, Consumer, "the private zone and A record that name the endpoint (with several regions, the geolocation item of the endpoint's region)"},
	{LinkFirewall, Consumer, "the consumer's egress firewall rule from the clients to the endpoint"},
	{LinkEndpointIP, Consumer, "the endpoint's reserved internal address"},
	{LinkEndpoint, Consumer, "the consumer's PSC forwarding rule (one per region it serves) and its connection status"},
	{LinkAttachment, Producer, "the producer's service attachment (one per region for the cross-region load balancer)"},
	{LinkAcceptList, Producer, "the attachment's accept and reject lists and connection limits"},
	{LinkNAT, Producer, "the attachment's PSC NAT subnets: one address per accepted connection"},
	{LinkLBRule, Producer, "the INTERNAL_MANAGED forwarding rule (the cross-region load balancer's: global, one per region) and its proxy-only subnet"},
	{LinkProxy, Producer, "the target HTTP(S) proxy: regional, or global for the cross-region load balancer"},
	{LinkCertificate, Producer, "the HTTPS proxy's certificates: present, unexpired, covering the hostname"},
	{LinkURLMap, Producer, "the URL map (regional or global), which picks a backend service by host and path"},
	{LinkBackend, Producer, "the backend service: regional, or global with a NEG per region and outlier detection (failover)"},
	{LinkSecurityPolicy, Producer, "the backend service's Cloud Armor policy, evaluated on the PSC NAT address"},
	{LinkNEG, Producer, "the serverless network endpoint group (of the path's region)"},
	{LinkCloudRun, Producer, "the Cloud Run service: exists, ready, ingress, invokers, audiences"},
}

// LinkNames are the names of Links, in order.
func LinkNames() []string {
	names := make([]string, len(Links))
	for i, l := range Links {
		names[i] = l.Name
	}
	return names
}
