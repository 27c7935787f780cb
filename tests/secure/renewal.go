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
// its owner, on which the pack reports CAIssuedRule: a ProducerService whose tls has
// certificatePem; a compute SSL certificate or a Certificate Manager certificate with selfManaged,
// but one under a ProducerService (producer holds the nearest one's inputs, nil outside one) that
// is reported itself, whose finding covers it. The components register only their opt-ins as
// inputs (pkg/psc/optins.go): a deployed ProducerService shows no tls, and its certificate is
// reported instead. A Certificate Manager certificate with managed (issuanceConfig or domains) renews itself.
func RenewedByHand(typ string, inputs, producer map[string]any) bool {
	switch typ {
	case chain.ProducerServiceType:
		tls, _ := inputs["tls"].(map[string]any)
		pem, ok := tls["certificatePem"]
		return ok && pem != nil && pem != ""
	case chain.RegionSslCertificateType, sslCertificateType:
	case chain.CertificateManagerCertificateType:
		if _, self := inputs["selfManaged"].(map[string]any); !self {
			return false
		}
	default:
		return false
	}
	return producer == nil || !RenewedByHand(chain.ProducerServiceType, producer, nil)
}

// renewedByHand returns the URNs of a deployment's resources on which the pack must report
// CAIssuedRule (RenewedByHand).
func renewedByHand(resources []apitype.ResourceV3) map[string]bool {
	byURN := make(map[resource.URN]apitype.ResourceV3, len(resources))
	for _, r := range resources {
		byURN[r.URN] = r
	}
	// producer returns the inputs of r's nearest ProducerService ancestor, nil when it has none.
	producer := func(r apitype.ResourceV3) map[string]any {
		seen := map[resource.URN]bool{r.URN: true}
		for p := r.Parent; p != "" && !seen[p]; p = byURN[p].Parent {
			seen[p] = true
			if string(byURN[p].Type) == chain.ProducerServiceType {
				if in := byURN[p].Inputs; in != nil {
					return in
				}
				return map[string]any{}
			}
		}
		return nil
	}
	out := map[string]bool{}
	for _, r := range resources {
		if RenewedByHand(string(r.Type), r.Inputs, producer(r)) {
			out[string(r.URN)] = true
		}
	}
	return out
}
