package psc

import (
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// undescribed are the child types whose resource takes no description (IAM grants, record sets,
// stack references) and the subnets, which carry a description of their own
// (ownSubnetDescription: it is how a created subnet is recognised among existing ones).
var undescribed = map[string]bool{
	typeIAM: true, typeIAMBinding: true, typeRecord: true, typeStackRef: true,
	chain.SubnetworkType: true,
}

// Every child that takes a description names the component that made it and what it does, over
// the widest graphs the components build: a producer with routes and a self-managed certificate,
// one with a Google-managed certificate, a consumer with its firewall rule, and a DNS binding.
func TestEveryChildIsDescribed(t *testing.T) {
	t.Parallel()
	certPEM, keyPEM := psctest.SelfSignedCert(t, "payment-api.internal", "*.internal")
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		routed := routedArgs()
		routed.Tls = &TlsArgs{CertificatePem: pulumi.String(certPEM), PrivateKeyPem: pulumi.String(keyPEM)}
		if _, err := NewProducerService(ctx, "payments", routed); err != nil {
			return err
		}
		managed := producerArgs()
		managed.Hostname = "payments.example.com"
		managed.Tls = &TlsArgs{Managed: &ManagedCertificateArgs{}}
		if _, err := NewProducerService(ctx, "ledger", managed); err != nil {
			return err
		}
		c := consumerArgs()
		c.Firewall = &EndpointFirewallArgs{ClientTags: pulumi.ToStringArray([]string{"clients"})}
		if _, err := NewConsumerEndpoint(ctx, "orders", c); err != nil {
			return err
		}
		_, err := NewDnsBinding(ctx, "orders-dns", dnsArgs())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range f.All() {
		if r.Custom && !undescribed[r.Type] {
			seen[r.Type] = true
			d := str(r, "description")
			component := map[bool]string{true: "ProducerService", false: "ConsumerEndpoint"}[strings.HasPrefix(r.Name, "payments") || strings.HasPrefix(r.Name, "ledger")]
			if strings.HasPrefix(r.Name, "orders-dns") {
				component = "DnsBinding"
			}
			if !strings.HasPrefix(d, component+` "`) || !strings.Contains(d, `" (cloudrun-psc): `) || !strings.HasSuffix(d, ".") {
				t.Errorf("%s %s description = %q, want `%s \"<name>\" (cloudrun-psc): <role>.`", r.Type, r.Name, d, component)
			}
		}
	}
	for _, typ := range []string{typeService, typeNEG, typeBackend, typeURLMap, typeHTTPSProxy, typeCert, typeRule, typeAttachment,
		typeAddress, typeFirewall, typeZone, chain.CertificateManagerCertificateType, chain.DnsAuthorizationType} {
		if !seen[typ] {
			t.Errorf("no %s in the graphs: the test no longer covers it", typ)
		}
	}
}
