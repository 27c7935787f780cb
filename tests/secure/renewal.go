package secure

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// CAIssuedRule is the ID of the pack's advisory rule that internal HTTPS uses a certificate that
// renews itself (policy/rules.ts CA_ISSUED). It is a recommendation, not a secure-by-default
// invariant, so it is no Invariant and no key of RuleIDs: like OptInRule, the fixtures
// (TestFixtures) and AssertPolicy expect it where RenewedByHand says, and nowhere else.
const CAIssuedRule = "internal-https-ca-issued"

// sslCertificateType is the global compute SSL certificate, which the chain never creates: a
// program creating one is judged by CAIssuedRule all the same.
const sslCertificateType = "gcp:compute/sslCertificate:SslCertificate"

// RenewedByHand reports whether a resource of type typ with these inputs (as a program gives them,
// or as a state file stores them: a secret counts as set) is an HTTPS certificate nobody renews but
// its owner, which CAIssuedRule names: a ProducerService whose tls has certificatePem; outside a
// ProducerService (underProducer false), a compute SSL certificate or a Certificate Manager
// certificate with selfManaged. One under a ProducerService is the component's, whose own finding
// covers it. A Certificate Manager certificate with managed (issuanceConfig or domains) renews
// itself.
func RenewedByHand(typ string, inputs map[string]any, underProducer bool) bool {
	switch typ {
	case chain.ProducerServiceType:
		tls, _ := inputs["tls"].(map[string]any)
		pem, ok := tls["certificatePem"]
		return ok && pem != nil && pem != ""
	case chain.RegionSslCertificateType, sslCertificateType:
		return !underProducer
	case chain.CertificateManagerCertificateType:
		_, self := inputs["selfManaged"].(map[string]any)
		return self && !underProducer
	}
	return false
}

// renewedByHand returns the URNs of a deployment's resources on which the pack must report
// CAIssuedRule (RenewedByHand, a resource under a ProducerService judged as the component's).
func renewedByHand(resources []apitype.ResourceV3) map[string]bool {
	byURN := make(map[resource.URN]apitype.ResourceV3, len(resources))
	for _, r := range resources {
		byURN[r.URN] = r
	}
	underProducer := func(r apitype.ResourceV3) bool {
		seen := map[resource.URN]bool{r.URN: true}
		for p := r.Parent; p != "" && !seen[p]; p = byURN[p].Parent {
			seen[p] = true
			if string(byURN[p].Type) == chain.ProducerServiceType {
				return true
			}
		}
		return false
	}
	out := map[string]bool{}
	for _, r := range resources {
		if RenewedByHand(string(r.Type), r.Inputs, underProducer(r)) {
			out[string(r.URN)] = true
		}
	}
	return out
}
