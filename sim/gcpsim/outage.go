package gcpsim

import (
	"fmt"
	"sort"
)

// Outage is what of a region is down (SIM-OUTAGE): a fault a test injects to drill a failover,
// read by every call (State.Call) and kept in the shared state until it is cleared. The resources
// themselves are left as they are: Pulumi sees no change, as in a real regional outage.
type Outage struct {
	// CloudRun: the region's Cloud Run services do not answer; a load balancer that sends a call
	// there gets 503, and outlier detection ejects the region's serverless NEG (XLB-FAILOVER).
	CloudRun bool `json:"cloudRun,omitempty"`
	// Proxies: the region's load-balancer proxies (the Envoys of its proxy-only subnets) do not
	// answer: a call to a forwarding rule served there times out.
	Proxies bool `json:"proxies,omitempty"`
}

// Down reports whether anything of the region is down.
func (o Outage) Down() bool { return o.CloudRun || o.Proxies }

// SetOutage takes region down as o says; the zero Outage brings it back. A region that is not a
// Compute Engine region is refused (CLIENT-REGION).
func (st *State) SetOutage(region string, o Outage) error {
	if !IsRegion(region) {
		return fmt.Errorf("gcpsim: %q is not a Google Cloud region (e.g. europe-west1)", region)
	}
	if !o.Down() {
		delete(st.Outages, region)
		return nil
	}
	if st.Outages == nil {
		st.Outages = map[string]Outage{}
	}
	st.Outages[region] = o
	return nil
}

// OutageOf returns what of region is down (the zero Outage when nothing is).
func (st *State) OutageOf(region string) Outage { return st.Outages[region] }

// DownRegions lists the regions with an outage, sorted.
func (st *State) DownRegions() []string {
	out := make([]string, 0, len(st.Outages))
	for r := range st.Outages {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// SetOutage takes a region of the shared state down, or brings it back with the zero Outage.
func (s *Store) SetOutage(region string, o Outage) error {
	return s.Update(func(st *State) error { return st.SetOutage(region, o) })
}
