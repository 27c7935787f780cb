package psc

import (
	"fmt"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/certificateauthority"
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/projects"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Certificate Manager issues from a CA pool only while its service agent of the certificate's
// project holds roles/privateca.certificateRequester on the pool (CM-ISSUANCE-IAM,
// docs/gcp-rules.md). For the pool it creates (tls.private.createCa) the component creates that
// service agent and grants it the role with an IAM member, which adds the one binding member
// and leaves the pool's other grants alone. An existing pool (tls.private.caPool) is another
// team's, often in another project: the component does not change its IAM policy, its owner
// grants the role (docs/certificates.md), and until then the certificate stays PROVISIONING,
// which doctor reports with the missing grant as the cause.

// grantCertificateRequester creates Certificate Manager's service agent of the producer's
// project and grants it roles/privateca.certificateRequester on the created pool, and returns the
// grant, which the certificates wait for.
func (b *producerBuilder) grantCertificateRequester(pool *certificateauthority.CaPool) (pulumi.Resource, error) {
	agent, err := projects.NewServiceIdentity(b.ctx, b.child("cm-agent"), &projects.ServiceIdentityArgs{
		Project: b.project(),
		Service: pulumi.String(chain.CertManagerService),
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("Certificate Manager service agent: %w", err)
	}
	grant, err := certificateauthority.NewCaPoolIamMember(b.ctx, b.child("ca-requester"), &certificateauthority.CaPoolIamMemberArgs{
		CaPool: pool.ID(),
		Role:   pulumi.String(chain.CaRequesterRole),
		Member: agent.Member,
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("certificate requester grant on the CA pool: %w", err)
	}
	return grant, nil
}
