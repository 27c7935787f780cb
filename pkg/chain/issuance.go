package chain

// Who Certificate Manager issues as (CM-ISSUANCE-IAM, docs/gcp-rules.md): its service agent of the
// certificate's project, service-PROJECT_NUMBER@ + CertManagerAgentDomain, which needs
// CaRequesterRole (or another of CaIssuerRoles) on the CA pool. The component grants it on the pool
// it creates; doctor looks for the grant.
const (
	CertManagerService     = "certificatemanager.googleapis.com"
	CertManagerAgentDomain = "@gcp-sa-certificatemanager.iam.gserviceaccount.com"
	CaRequesterRole        = "roles/privateca.certificateRequester"
)

// CaIssuerRoles are the predefined roles that let a principal request certificates from a pool:
// CA Service Certificate Requester, and CA Service Certificate Manager, which holds its permission.
var CaIssuerRoles = []string{CaRequesterRole, "roles/privateca.certificateManager"}
