package gcpsim

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// LatencyEntry is the time Google Cloud takes for one operation kind on one resource type
// (variant narrows a type, e.g. a subnet's purpose). StandIn marks figures borrowed from a
// related type or assumed, because no log of the exact type was found.
type LatencyEntry struct {
	Type    string
	Variant string
	Create  time.Duration
	Update  time.Duration
	Delete  time.Duration
	StandIn bool
	Basis   string
}

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// LatencyTable holds the medians of /work/shared/docs/GCP-LATENCY.md. Ranges use their
// midpoint; an update takes as long as a create (no update logs were collected); a delete
// with no observation takes as long as the create (stand-in).
var LatencyTable = []LatencyEntry{
	{Type: networkToken, Create: sec(22), Update: sec(22), Delete: sec(33), Basis: "10 observations; delete 22-44"},
	{Type: subnetworkToken, Create: sec(21), Update: sec(21), Delete: sec(18), Basis: "12 observations; delete 14-22"},
	{Type: subnetworkToken, Variant: "PRIVATE_SERVICE_CONNECT", Create: sec(21), Update: sec(21), Delete: sec(18), Basis: "1 debug log; delete from regular subnet", StandIn: true},
	{Type: subnetworkToken, Variant: "REGIONAL_MANAGED_PROXY", Create: sec(21), Update: sec(21), Delete: sec(18), Basis: "regular subnet used", StandIn: true},
	{Type: addressToken, Create: sec(7.5), Update: sec(7.5), Delete: sec(3), Basis: "external regional address used", StandIn: true},
	{Type: firewallToken, Create: sec(12), Update: sec(12), Delete: sec(12), Basis: "not in the table; a global compute resource assumed", StandIn: true},
	{Type: cloudRunServiceToken, Create: sec(22), Update: sec(22), Delete: sec(10), Basis: "v1 service logs; depends on container start", StandIn: true},
	{Type: cloudRunIamMemberToken, Create: sec(6), Update: sec(6), Delete: sec(6), Basis: "v1 IAM member logs", StandIn: true},
	{Type: cloudRunIamBindingToken, Create: sec(6), Update: sec(6), Delete: sec(6), Basis: "v1 IAM member logs used", StandIn: true},
	{Type: negToken, Create: sec(5), Update: sec(5), Delete: sec(5), Basis: "none found; assumed small", StandIn: true},
	{Type: backendServiceToken, Create: sec(10), Update: sec(10), Delete: sec(10), Basis: "1 debug log (INTERNAL); delete assumed", StandIn: true},
	{Type: urlMapToken, Create: sec(11), Update: sec(11), Delete: sec(11), Basis: "global URL map used", StandIn: true},
	{Type: httpProxyToken, Create: sec(12), Update: sec(12), Delete: sec(12), Basis: "global proxies used", StandIn: true},
	{Type: httpsProxyToken, Create: sec(12), Update: sec(12), Delete: sec(12), Basis: "global proxies used", StandIn: true},
	{Type: sslCertificateToken, Create: sec(8), Update: sec(8), Delete: sec(8), Basis: "global self-managed certificate used, 3-13", StandIn: true},
	{Type: cmCertificateToken, Create: sec(8), Update: sec(8), Delete: sec(8), Basis: "not in the table; self-managed certificate figure assumed (issuance itself is not waited for)", StandIn: true},
	{Type: cmCertificateToken, Variant: issuedVariant, Create: sec(60), Update: sec(60), Delete: sec(8), Basis: "CA Service issuance (CM-ISSUANCE-CA): Google documents no figure and GCP-LATENCY.md holds none; a minute assumed, delete as a self-managed certificate", StandIn: true},
	{Type: caPoolToken, Create: sec(10), Update: sec(10), Delete: sec(10), Basis: "not in the table; Google documents no figure; assumed", StandIn: true},
	{Type: caToken, Create: sec(30), Update: sec(30), Delete: sec(30), Basis: "not in the table; Google documents no figure; key generation assumed to take longer", StandIn: true},
	{Type: serviceIdentityToken, Create: sec(5), Update: sec(5), Delete: sec(1), Basis: "not in the table; Google documents no figure; assumed small (no delete endpoint)", StandIn: true},
	{Type: caPoolIamMemberToken, Create: sec(6), Update: sec(6), Delete: sec(6), Basis: "v1 IAM member logs (Cloud Run IAM member figure used)", StandIn: true},
	{Type: issuanceConfigToken, Create: sec(5), Update: sec(5), Delete: sec(5), Basis: "not in the table; DNS authorization figure assumed", StandIn: true},
	{Type: dnsAuthToken, Create: sec(5), Update: sec(5), Delete: sec(5), Basis: "not in the table; assumed small", StandIn: true},
	{Type: trustConfigToken, Create: sec(5), Update: sec(5), Delete: sec(5), Basis: "not in the table; DNS authorization figure assumed", StandIn: true},
	{Type: serverTLSPolicyToken, Create: sec(5), Update: sec(5), Delete: sec(5), Basis: "not in the table; assumed small", StandIn: true},
	{Type: sharedVPCHostToken, Create: sec(5), Update: sec(5), Delete: sec(5), Basis: "not in the table; assumed small", StandIn: true},
	{Type: sharedVPCServiceToken, Create: sec(5), Update: sec(5), Delete: sec(5), Basis: "not in the table; assumed small", StandIn: true},
	{Type: securityPolicyToken, Create: sec(8), Update: sec(8), Delete: sec(8), Basis: "not in the table; SSL policy figure assumed", StandIn: true},
	{Type: sslPolicyToken, Create: sec(8), Update: sec(8), Delete: sec(8), Basis: "not in the table; SSL certificate figure assumed", StandIn: true},
	{Type: forwardingRuleToken, Create: sec(17), Update: sec(17), Delete: sec(17), Basis: "INTERNAL_MANAGED 12-22 (internal passthrough 12, global external 22)", StandIn: true},
	{Type: forwardingRuleToken, Variant: "PSC", Create: sec(20), Update: sec(20), Delete: sec(10), Basis: "1 debug log"},
	{Type: serviceAttachmentToken, Create: sec(11), Update: sec(11), Delete: sec(11), Basis: "1 debug log; delete assumed", StandIn: true},
	{Type: globalBackendServiceToken, Create: sec(10), Update: sec(10), Delete: sec(10), Basis: "regional backend service figure (a global one took 63 once); delete assumed", StandIn: true},
	{Type: globalURLMapToken, Create: sec(11), Update: sec(11), Delete: sec(11), Basis: "global URL map; delete assumed", StandIn: true},
	{Type: globalHTTPProxyToken, Create: sec(12), Update: sec(12), Delete: sec(12), Basis: "global proxies; delete assumed", StandIn: true},
	{Type: globalHTTPSProxyToken, Create: sec(12), Update: sec(12), Delete: sec(12), Basis: "global proxies; delete assumed", StandIn: true},
	{Type: globalSSLPolicyToken, Create: sec(8), Update: sec(8), Delete: sec(8), Basis: "not in the table; regional SSL policy figure used", StandIn: true},
	{Type: globalForwardingRuleToken, Create: sec(17), Update: sec(17), Delete: sec(17), Basis: "INTERNAL_MANAGED 12-22 (internal passthrough 12, global external 22)", StandIn: true},
	{Type: subnetworkToken, Variant: purposeGlobalProxyOnly, Create: sec(21), Update: sec(21), Delete: sec(18), Basis: "regular subnet used", StandIn: true},
	{Type: managedZoneToken, Create: sec(1), Update: sec(1), Delete: sec(1), Basis: "3 observations; delete assumed", StandIn: true},
	{Type: recordSetToken, Create: sec(2), Update: sec(2), Delete: sec(2), Basis: "8 observations; delete assumed", StandIn: true},
}

// Latency returns the table entry for a type and the variant its inputs select.
func Latency(token, variant string) (LatencyEntry, bool) {
	var fallback *LatencyEntry
	for i, e := range LatencyTable {
		if e.Type != token {
			continue
		}
		if e.Variant == variant {
			return e, true
		}
		if e.Variant == "" {
			fallback = &LatencyTable[i]
		}
	}
	if fallback != nil {
		return *fallback, true
	}
	return LatencyEntry{}, false
}

// For returns the duration of one operation: "create", "update" or "delete".
func (e LatencyEntry) For(op string) time.Duration {
	switch op {
	case "create":
		return e.Create
	case "update":
		return e.Update
	default:
		return e.Delete
	}
}

// ParseLatencyScale parses GCPSIM_LATENCY_SCALE; empty means 0 (latency off).
func ParseLatencyScale(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("gcpsim: GCPSIM_LATENCY_SCALE=%q: want a non-negative number such as 0.01", s)
	}
	return v, nil
}

// LatencyOf returns the table entry for a resource of type token with the given inputs (as a
// Check request or a stack export holds them), choosing the variant the simulator itself sleeps
// for: a subnet's purpose, a forwarding rule's PSC target. ok is false for a type the table does
// not hold.
func LatencyOf(token string, inputs map[string]any) (LatencyEntry, bool) {
	k, ok := kinds[token]
	if !ok {
		return Latency(token, "")
	}
	return k.latency(inputs)
}

func (k *kind) latency(in obj) (LatencyEntry, bool) {
	variant := ""
	if k.latencyKey != nil && in != nil {
		variant = k.latencyKey(in)
	}
	return Latency(k.token, variant)
}

func (s *Simulator) delay(ctx context.Context, op string, k *kind, in obj) error {
	if s.scale <= 0 {
		return nil
	}
	e, ok := k.latency(in)
	if !ok {
		return nil
	}
	return s.sleep(ctx, time.Duration(float64(e.For(op))*s.scale))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
