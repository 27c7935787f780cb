package gonative

import (
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/dns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
)

// ManagedCert is the Google-managed certificate program, natively: a producer on a public hostname whose
// certificate is Google-managed (tls.managed), a consumer endpoint, and the producer's public
// Cloud DNS zone for example.com, in which the program publishes the DNS authorization record the
// component reports once publishRecords is set. As python/managedcert.py.
//
// Configuration: producerProject, consumerProject, gcp:region, gcp:project (a third project),
// publishRecords.
func ManagedCert(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	orgs, err := NewOrganisations(ctx)
	if err != nil {
		return err
	}
	svc, err := psc.NewProducerService(ctx, "payments", &psc.ProducerServiceArgs{
		Network:            orgs.ProducerVpc.SelfLink,
		CloudRun:           psc.CloudRunArgs{Image: pulumi.String("europe-docker.pkg.dev/acme/payments/api:1.0")},
		Hostname:           "payments.example.com",
		Tls:                &psc.TlsArgs{Managed: &psc.ManagedCertificateArgs{}},
		LoadBalancerSubnet: psc.SubnetArgs{IpCidrRange: "10.10.0.0/24"},
		ProxyOnlySubnet:    psc.SubnetArgs{IpCidrRange: "10.129.0.0/23"},
		NatSubnet:          psc.SubnetArgs{IpCidrRange: "10.20.0.0/28"},
		Consumers:          []psc.ConsumerAcceptArgs{{ProjectIdOrNum: orgs.ConsumerVpc.Project}},
	}, pulumi.Provider(orgs.Acme))
	if err != nil {
		return err
	}
	if _, err := orgs.Endpoint(ctx, "orders", svc.ServiceAttachmentUri, true); err != nil {
		return err
	}
	// The company's public zone, where Google looks for the authorization record.
	zone, err := dns.NewManagedZone(ctx, "example-com", &dns.ManagedZoneArgs{DnsName: pulumi.String("example.com.")}, pulumi.Provider(orgs.Acme))
	if err != nil {
		return err
	}
	record := func(pick func(psc.DnsAuthorizationRecord) string) pulumi.StringOutput {
		return svc.DnsAuthorizationRecords.ToOutput(ctx.Context()).ApplyT(func(rs []psc.DnsAuthorizationRecord) string {
			return pick(rs[0])
		}).(pulumi.StringOutput)
	}
	if cfg.GetBool("publishRecords") {
		if _, err := dns.NewRecordSet(ctx, "acme-challenge", &dns.RecordSetArgs{
			ManagedZone: zone.Name,
			Name:        record(func(r psc.DnsAuthorizationRecord) string { return r.Name }),
			Type:        record(func(r psc.DnsAuthorizationRecord) string { return r.Type }),
			Ttl:         pulumi.Int(300),
			Rrdatas:     pulumi.StringArray{record(func(r psc.DnsAuthorizationRecord) string { return r.Data })},
		}, pulumi.Provider(orgs.Acme)); err != nil {
			return err
		}
	}
	ctx.Export("managedCertificate", svc.ManagedCertificate)
	ctx.Export("recordName", record(func(r psc.DnsAuthorizationRecord) string { return r.Name }))
	ctx.Export("recordType", record(func(r psc.DnsAuthorizationRecord) string { return r.Type }))
	ctx.Export("recordData", record(func(r psc.DnsAuthorizationRecord) string { return r.Data }))
	return nil
}
