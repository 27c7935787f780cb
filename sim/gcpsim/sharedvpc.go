package gcpsim

import "fmt"

const (
	sharedVPCHostToken    = "gcp:compute/sharedVPCHostProject:SharedVPCHostProject"
	sharedVPCServiceToken = "gcp:compute/sharedVPCServiceProject:SharedVPCServiceProject"
)

// Shared VPC (XPN-SERVICE-PROJECT): a host project's networks and subnets can be used by the
// resources of the service projects attached to it, and by no other project's.
var _ = register(&kind{
	token:      sharedVPCHostToken,
	collection: "xpnHosts",
	noun:       "xpn_host",
	scope:      scopeCustom,
	required:   []string{"project"},
	forceNew:   []string{"project"},
	id:         func(o *op) (string, error) { return o.in.str("project"), nil },
	apply:      func(o *op) error { return nil },
})

var _ = register(&kind{
	token:      sharedVPCServiceToken,
	collection: "xpnResources",
	noun:       "xpn_resource",
	scope:      scopeCustom,
	required:   []string{"hostProject", "serviceProject"},
	forceNew:   []string{"hostProject", "serviceProject"},
	enums:      map[string][]string{"deletionPolicy": {"ABANDON"}},
	id: func(o *op) (string, error) {
		return o.in.str("hostProject") + "/" + o.in.str("serviceProject"), nil
	},
	apply: func(o *op) error {
		host := o.in.str("hostProject")
		if o.t.get(host) == nil || o.t.get(host).Type != sharedVPCHostToken {
			return errBadRequest("invalid", "Project '%s' is not a Shared VPC host project: enable it first (SharedVPCHostProject).", host)
		}
		return nil
	},
})

// sharedVPC refuses, as the API does, a resource that uses a network or subnet of another
// project unless its project is a service project of that host (XPN-SERVICE-PROJECT).
func (o *op) sharedVPC(field, value string, used *Record) error {
	if used.Project == o.rec.Project {
		return nil
	}
	if attached := o.t.get(used.Project + "/" + o.rec.Project); attached != nil && attached.Type == sharedVPCServiceToken {
		return nil
	}
	return errInvalidField(field, value, fmt.Sprintf("The resource '%s' belongs to project '%s', which is not a Shared VPC host of project '%s'; attach '%s' to it as a service project first.",
		used.ID, used.Project, o.rec.Project, o.rec.Project))
}
