package gcpsim

import (
	"fmt"
	"sort"
)

// Snapshot returns a copy of the current shared state, read under a shared lock.
func (s *Store) Snapshot() (*State, error) {
	var out *State
	err := s.View(func(st *State) error {
		out = st
		return nil
	})
	return out, err
}

// keyFields lists, per type, the outputs worth showing in an inventory.
var keyFields = map[string][]string{
	networkToken:            {"autoCreateSubnetworks", "routingMode"},
	subnetworkToken:         {"ipCidrRange", "purpose", "role", "network"},
	addressToken:            {"address", "addressType", "subnetwork"},
	firewallToken:           {"direction", "sourceRanges", "network"},
	cloudRunServiceToken:    {"uri", "ingress"},
	cloudRunIamMemberToken:  {"role", "member"},
	cloudRunIamBindingToken: {"role", "members"},
	negToken:                {"networkEndpointType", "cloudRun"},
	backendServiceToken:     {"loadBalancingScheme", "protocol"},
	urlMapToken:             {"defaultService"},
	httpProxyToken:          {"urlMap"},
	httpsProxyToken:         {"urlMap", "sslCertificates", "certificateManagerCertificates"},
	cmCertificateToken:      {"location", "managed"},
	dnsAuthToken:            {"domain", "type"},
	sslCertificateToken:     {"expireTime"},
	sslPolicyToken:          {"profile", "minTlsVersion"},
	securityPolicyToken:     {"type"},
	sharedVPCServiceToken:   {"hostProject", "serviceProject"},
	forwardingRuleToken:     {"ipAddress", "loadBalancingScheme", "target", "pscConnectionStatus"},
	serviceAttachmentToken:  {"connectionPreference", "natSubnets"},
	managedZoneToken:        {"dnsName", "visibility"},
	recordSetToken:          {"type", "rrdatas"},
}

// KeyFields returns the record's most telling outputs, for inventories.
func (r *Record) KeyFields() map[string]string {
	out := map[string]string{}
	for _, k := range keyFields[r.Type] {
		if v, ok := r.Outputs[k]; ok && v != nil && v != "" {
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// SelfLink returns the record's self link, or its ID for non-compute resources.
func (r *Record) SelfLink() string { return firstNonEmpty(selfLinkOf(r.ID), r.ID) }

// Connection is one PSC endpoint connected to a service attachment.
type Connection struct {
	Endpoint        string `json:"endpoint"`
	Project         string `json:"project"`
	Status          string `json:"status"`
	PscConnectionID string `json:"pscConnectionId"`
	ConsumerNetwork string `json:"consumerNetwork"`
	IPAddress       string `json:"ipAddress"`
}

// Connections returns the endpoints connected to the attachment named by a URI, self
// link, ID or bare name.
func (st *State) Connections(attachment string) ([]Connection, error) {
	id := normalizeID(attachment)
	if r := st.lookup(id); r == nil || r.Type != serviceAttachmentToken {
		var matches []string
		for _, r := range st.byType(serviceAttachmentToken) {
			if r.Name == attachment {
				matches = append(matches, r.ID)
			}
		}
		if len(matches) != 1 {
			return nil, fmt.Errorf("no single service attachment matches %q (found %v)", attachment, matches)
		}
		id = matches[0]
	}
	t := &tx{st: st}
	var out []Connection
	for _, ep := range t.endpointsOf(id) {
		out = append(out, Connection{
			Endpoint: selfLinkOf(ep.ID), Project: ep.Project, Status: ep.out().str("pscConnectionStatus"),
			PscConnectionID: ep.out().str("pscConnectionId"), ConsumerNetwork: ep.out().str("network"), IPAddress: ep.out().str("ipAddress"),
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Endpoint < out[j].Endpoint })
	return out, nil
}
