package gcpsim

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// The pulumi-gcp functions that read existing subnets. They answer from the shared state with
// the fields the real functions return; like them, neither returns a subnet's purpose or role,
// which a caller can only test through getSubnetworks' list filter.
const (
	getSubnetworkToken  = "gcp:compute/getSubnetwork:getSubnetwork"
	getSubnetworksToken = "gcp:compute/getSubnetworks:getSubnetworks"
)

// getSubnetwork reads one subnet by selfLink, or by name with project and region (the provider's
// by default). A subnet that does not exist is an error, as the data source turns the API's 404
// into "projects/P/regions/R/subnetworks/N not found" (FN-SUBNET-404).
func (s *Simulator) getSubnetwork(args obj) (property.Map, error) {
	cfg := s.config()
	def := ref{
		Project:    firstNonEmpty(args.str("project"), cfg.Project),
		Region:     firstNonEmpty(args.str("region"), cfg.Region),
		Collection: "subnetworks",
	}
	value := firstNonEmpty(args.str("selfLink"), args.str("name"))
	if value == "" {
		return property.Map{}, errors.New("one of name or selfLink must be set")
	}
	r, ok := parseRef(value, def)
	if !ok || r.Collection != "subnetworks" || r.Region == "" {
		return property.Map{}, fmt.Errorf("invalid subnetwork reference %q: expected projects/P/regions/R/subnetworks/N, its self link or a name", value)
	}
	var result map[string]any
	err := s.view(func(st *State) error {
		if rec := st.lookup(r.path()); rec != nil && rec.Type == subnetworkToken {
			result = subnetworkResult(rec)
		}
		return nil
	})
	if err == nil && result == nil {
		err = fmt.Errorf("%s not found", r.path())
	}
	return props(result), err
}

func subnetworkResult(r *Record) map[string]any {
	out := r.out()
	ranges := []any{}
	for _, sr := range out.objs("secondaryIpRanges") {
		ranges = append(ranges, map[string]any{"rangeName": sr.str("rangeName"), "ipCidrRange": sr.str("ipCidrRange")})
	}
	return map[string]any{
		"id": r.ID, "name": r.Name, "project": r.Project, "region": r.Region, "selfLink": r.SelfLink(),
		"description": out.str("description"), "ipCidrRange": out.str("ipCidrRange"),
		"gatewayAddress": out.str("gatewayAddress"), "network": out.str("network"),
		"privateIpGoogleAccess": out["privateIpGoogleAccess"] == true, "secondaryIpRanges": ranges,
		"stackType": out.str("stackType"), "ipv6AccessType": out.str("ipv6AccessType"),
		"internalIpv6Prefix": out.str("internalIpv6Prefix"), "externalIpv6Prefix": out.str("externalIpv6Prefix"),
		"subnetworkId": out["subnetworkId"],
	}
}

// getSubnetworks lists the subnets of one project and region (the provider's by default) that
// match filter, ordered by name.
func (s *Simulator) getSubnetworks(args obj) (property.Map, error) {
	cfg := s.config()
	project := firstNonEmpty(args.str("project"), cfg.Project)
	region := firstNonEmpty(args.str("region"), cfg.Region)
	if project == "" || region == "" {
		return property.Map{}, errors.New("project and region must be set, in the call or in the provider configuration")
	}
	filter, err := ParseListFilter(args.str("filter"))
	if err != nil {
		return property.Map{}, err
	}
	items := []any{}
	err = s.view(func(st *State) error {
		for _, rec := range st.byType(subnetworkToken) {
			if rec.Project != project || rec.Region != region {
				continue
			}
			ok, err := filter.Match(func(f string) (string, bool) { return subnetworkField(rec, f) })
			if err != nil {
				return err
			}
			if ok {
				network := rec.out().str("network")
				items = append(items, map[string]any{
					"name": rec.Name, "selfLink": rec.SelfLink(), "description": rec.out().str("description"),
					"ipCidrRange": rec.out().str("ipCidrRange"), "network": network,
					"networkName": lastSegment(network), "networkSelfLink": lastSegment(network),
					"privateIpGoogleAccess": rec.out()["privateIpGoogleAccess"] == true,
				})
			}
		}
		return nil
	})
	if err != nil {
		return property.Map{}, err
	}
	result := map[string]any{
		"id": fmt.Sprintf("projects/%s/regions/%s/subnetworks", project, region), "project": project, "region": region,
		"subnetworks": items, "filter": args.str("filter"),
	}
	return props(result), nil
}

// subnetworkField is a subnet's field as the API's list filter sees it.
func subnetworkField(r *Record, field string) (string, bool) {
	switch field {
	case "name":
		return r.Name, true
	case "purpose":
		return subnetPurpose(r), true
	case "selfLink":
		return r.SelfLink(), true
	case "region":
		return computeBase + "projects/" + r.Project + "/regions/" + r.Region, true
	case "network", "role", "ipCidrRange", "description", "state", "stackType", "gatewayAddress":
		return r.out().str(field), true
	}
	return "", false
}
