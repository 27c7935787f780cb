package secure

import (
	"maps"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// AssertPolicy expects the advisory CAIssuedRule, over a deployment as the state file holds it
// (secrets stored as ciphertext), on a ProducerService with a self-managed certificate and on a
// raw self-managed certificate outside one, and on the certificate of a ProducerService whose
// inputs show no tls (as deployed components record them); not on the certificates of a
// ProducerService reported itself (at any depth), nor on a ProducerService with tls.private, nor
// on a Certificate Manager certificate that Google renews.
func TestRenewedByHandInDeployment(t *testing.T) {
	t.Parallel()
	const stack = "urn:pulumi:dev::p::"
	res := func(typ, name, parent string, inputs map[string]any) apitype.ResourceV3 {
		return apitype.ResourceV3{URN: resource.URN(stack + typ + "::" + name), Type: tokens.Type(typ), Parent: resource.URN(parent), Inputs: inputs}
	}
	urn := func(r apitype.ResourceV3) string { return string(r.URN) }
	selfManaged := res(chain.ProducerServiceType, "self", "", map[string]any{
		"tls": map[string]any{"certificatePem": secretValue("v1:Y2VydA=="), "privateKeyPem": secretValue("v1:a2V5")},
	})
	lb := res("acme:index:Balancer", "lb", urn(selfManaged), nil)
	nested := res(chain.RegionSslCertificateType, "self-cert", urn(lb), map[string]any{"privateKey": secretValue("v1:a2V5")})
	private := res(chain.ProducerServiceType, "private", "", map[string]any{
		"tls": map[string]any{"private": map[string]any{"caPool": "projects/p/locations/europe-west1/caPools/pool"}},
	})
	issued := res(chain.CertificateManagerCertificateType, "private-cert", urn(private), map[string]any{
		"managed": map[string]any{"issuanceConfig": "projects/p/locations/europe-west1/certificateIssuanceConfigs/c"},
	})
	rawRegional := res(chain.RegionSslCertificateType, "raw", "", map[string]any{"privateKey": secretValue("v1:a2V5")})
	other := res("acme:index:Web", "web", "", nil)
	rawCM := res(chain.CertificateManagerCertificateType, "raw-cm", urn(other), map[string]any{
		"selfManaged": map[string]any{"pemCertificate": "cert", "pemPrivateKey": secretValue("v1:a2V5")},
	})
	rawManaged := res(chain.CertificateManagerCertificateType, "raw-managed", "", map[string]any{
		"managed": map[string]any{"domains": []any{"payments.example.com"}},
	})
	plainHTTP := res(chain.ProducerServiceType, "http", "", map[string]any{"hostname": "payment-api.internal"})
	// As a component is registered: its inputs are its opt-ins only (pkg/psc/optins.go), no tls.
	deployed := res(chain.ProducerServiceType, "deployed", "", map[string]any{})
	deployedCert := res(chain.RegionSslCertificateType, "deployed-cert", urn(deployed), map[string]any{"privateKey": secretValue("v1:a2V5")})

	got := slices.Sorted(maps.Keys(renewedByHand([]apitype.ResourceV3{
		selfManaged, lb, nested, private, issued, rawRegional, other, rawCM, rawManaged, plainHTTP, deployed, deployedCert,
	})))
	want := []string{urn(selfManaged), urn(rawRegional), urn(rawCM), urn(deployedCert)}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("renewed by hand: %v, want %v", got, want)
	}
}
