package gcpsim

import (
	"fmt"
	"strings"
)

// cloudRunIamBindingToken is the authoritative binding of one role on a Cloud Run service: its
// members replace the role's members, and changing them updates the binding in place.
const cloudRunIamBindingToken = "gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding"

var _ = register(&kind{
	token:      cloudRunIamBindingToken,
	collection: "iamBindings",
	noun:       "iam_binding",
	scope:      scopeCustom,
	required:   []string{"name", "role", "members"},
	forceNew:   []string{"name", "project", "location", "role", "condition"},
	sets:       []string{"members"},
	suppress:   map[string]string{"name": suppressSelfLinkOrName},
	computed:   []string{"etag"},
	check: func(in obj, f *failures) {
		if !in.known("members") {
			return
		}
		members, _ := in["members"].([]any)
		for i, m := range members {
			if s, ok := m.(string); ok { // IAM-MEMBER, for each member of the set
				if err := validMember(s); err != "" {
					f.add(fmt.Sprintf("members[%d]", i), "%s", err)
				}
			}
		}
	},
	apiCheck: checkIamRole,
	id: func(o *op) (string, error) {
		svc, err := o.iamService()
		if err != nil {
			return "", err
		}
		// The provider's ID: the service, a space, the role.
		return fmt.Sprintf("%s %s", svc.ID, o.in.str("role")), nil
	},
	apply: applyIamGrant,
})

// checkIamRole is the API's check of the role of an IAM member or binding (IAM-ROLE).
func checkIamRole(in obj, f *failures) {
	if in.known("role") && !strings.HasPrefix(in.str("role"), "roles/") && !strings.HasPrefix(in.str("role"), "projects/") && !strings.HasPrefix(in.str("role"), "organizations/") {
		f.add("role", "Role %s is not supported for this resource.", in.str("role"))
	}
}

// applyIamGrant links an IAM member or binding to its service, which must exist.
func applyIamGrant(o *op) error {
	svc, err := o.iamService()
	if err != nil {
		return err
	}
	members := o.in.strs("members")
	if o.in.known("member") {
		members = append(members, o.in.str("member"))
	}
	if err := checkDRS(svc.Project, members); err != nil {
		return err
	}
	o.link(svc.ID)
	o.out()["location"] = svc.Region
	o.out()["name"] = svc.ID
	o.out()["etag"] = "BwY" + o.fingerprint()
	return nil
}
