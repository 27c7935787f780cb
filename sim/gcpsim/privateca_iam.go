package gcpsim

import (
	"fmt"
	"slices"
	"strings"
)

// Certificate Manager's service agent and its grant on a CA pool: Certificate Manager issues a
// certificate from a pool only while the service agent of the certificate's project holds
// roles/privateca.certificateRequester (or a role including it) on the pool (CM-ISSUANCE-IAM,
// docs/gcp-rules.md).
const (
	serviceIdentityToken = "gcp:projects/serviceIdentity:ServiceIdentity"
	caPoolIamMemberToken = "gcp:certificateauthority/caPoolIamMember:CaPoolIamMember"
	certManagerService   = "certificatemanager.googleapis.com"
)

// issuerRoles are the predefined roles that let a principal request certificates from a pool
// (CM-ISSUANCE-IAM: CA Service Certificate Requester, and CA Service Certificate Manager, which
// holds its permissions).
var issuerRoles = []string{"roles/privateca.certificateRequester", "roles/privateca.certificateManager"}

// serviceAgentDomains are the service agents the simulator emulates, by service: the primary
// service agent is service-PROJECT_NUMBER@<domain> (CM-ISSUANCE-IAM).
var serviceAgentDomains = map[string]string{
	certManagerService: "gcp-sa-certificatemanager.iam.gserviceaccount.com",
}

// certManagerAgent is the member naming Certificate Manager's service agent of a project.
func certManagerAgent(project string) string {
	return fmt.Sprintf("serviceAccount:service-%d@%s", ProjectNumber(project), serviceAgentDomains[certManagerService])
}

var _ = register(&kind{
	token:      serviceIdentityToken,
	collection: "services",
	noun:       "service_identity",
	scope:      scopeCustom,
	required:   []string{"service"},
	forceNew:   []string{"service", "project"},
	computed:   []string{"email", "member"},
	apiCheck: func(in obj, f *failures) {
		if _, ok := serviceAgentDomains[in.str("service")]; in.known("service") && !ok {
			f.add("service", "gcpsim: the service identity of %s is not emulated (only %s).", in.str("service"), certManagerService)
		}
	},
	// projects/{project}/services/{service} (TPGB:resourcemanager/resource_project_service_identity.go,
	// resourceProjectServiceIdentityCreate).
	id: func(o *op) (string, error) {
		return fmt.Sprintf("projects/%s/services/%s", o.rec.Project, o.in.str("service")), nil
	},
	apply: func(o *op) error {
		email := fmt.Sprintf("service-%d@%s", ProjectNumber(o.rec.Project), serviceAgentDomains[o.in.str("service")])
		o.out()["email"] = email
		o.out()["member"] = "serviceAccount:" + email
		return nil
	},
})

var _ = register(&kind{
	token:      caPoolIamMemberToken,
	collection: "caPoolIamMembers",
	noun:       "iam_member",
	scope:      scopeCustom,
	required:   []string{"caPool", "role", "member"},
	forceNew:   []string{"caPool", "project", "location", "role", "member", "condition"},
	computed:   []string{"etag"},
	suppress:   map[string]string{"caPool": suppressSelfLinkOrName, "member": "iamMemberCaseDiffSuppress"},
	check:      checkIamMember, // cloudrun.go
	apiCheck:   checkIamRole,
	// {ca_pool}/{role}/{member}, the provider's IAM member ID (tpgiamresource/resource_iam_member.go).
	id: func(o *op) (string, error) {
		pool, err := o.iamPool()
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s/%s/%s", pool.ID, o.in.str("role"), o.in.str("member")), nil
	},
	apply: func(o *op) error {
		pool, err := o.iamPool()
		if err != nil {
			return err
		}
		o.link(pool.ID)
		o.out()["caPool"] = pool.ID
		o.out()["location"] = pool.Region
		o.out()["etag"] = "BwY" + o.fingerprint()
		return nil
	},
})

// iamPool resolves the pool an IAM member binds to: projects/P/locations/L/caPools/N, or a name in
// the member's project and location.
func (o *op) iamPool() (*Record, error) {
	value := o.in.str("caPool")
	r, ok := parseRef(value, ref{Project: o.rec.Project, Region: firstNonEmpty(o.in.str("location"), o.t.cfg.Region), Collection: "caPools"})
	if !ok || r.Collection != "caPools" || r.Region == "" {
		return nil, errInvalidField("caPool", value, "The CA pool must be projects/{project}/locations/{location}/caPools/{caPool}.")
	}
	return o.t.lookup(r)
}

// requesterGranted reports whether Certificate Manager's service agent of a project may request
// certificates from a pool: an IAM member on the pool grants it an issuer role (CM-ISSUANCE-IAM).
func (st *State) requesterGranted(poolID, project string) bool {
	agent := certManagerAgent(project)
	for _, m := range st.byType(caPoolIamMemberToken) {
		if normalizeID(m.out().str("caPool")) == poolID && strings.EqualFold(m.out().str("member"), agent) &&
			slices.Contains(issuerRoles, m.out().str("role")) {
			return true
		}
	}
	return false
}
