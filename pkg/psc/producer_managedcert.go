package psc

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/certificatemanager"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"
)

// dnsAuthPerProject is the DNS authorization type the component creates: the provider's default
// for a regional location (FIXED_RECORD is the global default), set explicitly so that the record
// is the project's own and several projects can hold certificates for one domain
// (CM-DNSAUTH-TYPE, docs/gcp-rules.md).
const dnsAuthPerProject = "PER_PROJECT_RECORD"

// ManagedCertificateArgs asks for a Google-managed Certificate Manager certificate.
type ManagedCertificateArgs struct {
	Domains []string `pulumi:"domains,optional"`
}

// Annotate documents ManagedCertificateArgs for the schema.
func (m *ManagedCertificateArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "ManagedCertificate")
	a.Describe(m, "A Google-managed regional Certificate Manager certificate that Google issues and renews itself, "+
		"proved by DNS authorization: the component creates one DNS authorization (type PER_PROJECT_RECORD) per "+
		"domain, and the certificate in the producer's region, and attaches it to the HTTPS proxy. A regional internal "+
		"load balancer cannot be reached by Google's certificate authority, so DNS authorization is the only way: "+
		"publish each record of the dnsAuthorizationRecords output in the domain's public DNS. Until they resolve, the "+
		"certificate stays PROVISIONING and HTTPS clients get no valid certificate.")
	a.Describe(&m.Domains, "Public DNS names the certificate covers, such as payments.example.com or "+
		"*.payments.example.com (a wildcard covers one label; its authorization is for the parent domain). By default "+
		"[hostname]. The domains must cover hostname and be names a public certificate authority can issue for (not "+
		".internal, .local, .test and the like). Changing them replaces the certificate, which is PROVISIONING again "+
		"until Google issues it.")
}

// DnsAuthorizationRecord is a DNS record to publish for a managed certificate's DNS authorization.
type DnsAuthorizationRecord struct {
	Domain string `pulumi:"domain"`
	Name   string `pulumi:"name"`
	Type   string `pulumi:"type"`
	Data   string `pulumi:"data"`
}

// Annotate documents the DnsAuthorizationRecord fields for the schema.
func (r *DnsAuthorizationRecord) Annotate(a infer.Annotator) {
	a.Describe(r, "A DNS record that proves control of a domain of the managed certificate: publish it in the "+
		"domain's public DNS zone.")
	a.Describe(&r.Domain, "Domain the DNS authorization is for (a wildcard's parent domain).")
	a.Describe(&r.Name, "Fully qualified name of the record, such as _acme-challenge_ab12cd34.payments.example.com.")
	a.Describe(&r.Type, "Record type (CNAME).")
	a.Describe(&r.Data, "Record data, the name the record points to.")
}

// managedDomains returns the domains of a managed certificate: the given ones, or the hostname.
func (t *TlsArgs) managedDomains(hostname string) []string {
	if t == nil || t.Managed == nil {
		return nil
	}
	if len(t.Managed.Domains) > 0 {
		return t.Managed.Domains
	}
	if hostname == "" {
		return nil
	}
	return []string{hostname}
}

// authorizedDomain is the domain a DNS authorization covers for a certificate domain: the parent
// of a wildcard, the domain itself otherwise (one authorization covers a domain and its wildcard).
func authorizedDomain(domain string) string { return strings.TrimPrefix(domain, "*.") }

// authorizedDomains returns the distinct authorized domains of the certificate domains, in order.
func authorizedDomains(domains []string) []string {
	var out []string
	for _, d := range domains {
		if a := authorizedDomain(d); !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// reservedTLDs are the special-use top-level names no public certificate authority issues for:
// RFC 6761 (test, localhost, invalid, example), RFC 6762 (local), RFC 8375 (home.arpa, under
// arpa) and ICANN's reservation of internal for private use (2024).
var reservedTLDs = []string{"internal", "local", "localhost", "test", "invalid", "example", "arpa"}

// checkManagedDomain checks a domain of a Google-managed certificate: a lowercase DNS name
// without the final dot, with a wildcard only as its first label, under a public top-level name.
func checkManagedDomain(d string) error {
	name := authorizedDomain(d)
	if err := checkHostname(name); err != nil || strings.Contains(name, "*") || !strings.Contains(name, ".") {
		return fmt.Errorf("must be a fully qualified DNS name such as payments.example.com, or a wildcard such as *.example.com (a * only as the whole first label), without the final dot, got %q", d)
	}
	tld := name[strings.LastIndex(name, ".")+1:]
	if slices.Contains(reservedTLDs, tld) {
		return fmt.Errorf("%q is under .%s, a special-use name no public certificate authority issues for, so Google cannot issue a managed certificate for it: use a public domain, or a self-managed certificate (certificatePem and privateKeyPem) from your own CA for private names", d, tld)
	}
	return nil
}

// covers reports whether a certificate domain (exact, or a wildcard of one label) covers host.
func covers(domain, host string) bool {
	if domain == host {
		return true
	}
	parent, ok := strings.CutPrefix(domain, "*.")
	if !ok {
		return false
	}
	first, rest, found := strings.Cut(host, ".")
	return found && first != "" && rest == parent
}

// validateManaged checks a managed certificate's domains: each a public DNS name, none twice,
// and together covering hostname.
func (a *ProducerServiceArgs) validateManaged(p *problems) {
	domains := a.Tls.managedDomains(a.Hostname)
	if len(domains) == 0 {
		p.addf("tls.managed.domains", "is required without hostname: the public DNS names the Google-managed certificate covers")
		return
	}
	valid := true
	for i, d := range a.Tls.Managed.Domains {
		path := fmt.Sprintf("tls.managed.domains[%d]", i)
		if err := checkManagedDomain(d); err != nil {
			p.add(path, err)
			valid = false
		} else if j := slices.Index(a.Tls.Managed.Domains, d); j < i {
			p.addf(path, "%q is also tls.managed.domains[%d]", d, j)
		}
	}
	if len(a.Tls.Managed.Domains) == 0 {
		if err := checkManagedDomain(a.Hostname); err != nil {
			p.add("hostname", fmt.Errorf("is the domain of the managed certificate (tls.managed.domains is unset): %w", err))
		}
		return
	}
	if valid && a.Hostname != "" && !slices.ContainsFunc(domains, func(d string) bool { return covers(d, a.Hostname) }) {
		p.addf("tls.managed.domains", "%s do not cover hostname %q: clients calling https://%s would reject the certificate; add it (or a wildcard of its parent)",
			strings.Join(domains, ", "), a.Hostname, a.Hostname)
	}
}

// certPlace is where the component creates a Certificate Manager certificate: its location and
// scope ("" for the default), and the roles of its child and of its DNS authorizations'.
type certPlace struct {
	location, scope, certRole, authRole string
}

// regionalCertPlace is the producer's region, for the regional load balancer's HTTPS proxy.
func (a *ProducerServiceArgs) regionalCertPlace() certPlace {
	return certPlace{location: a.Region, certRole: "mcert", authRole: "dnsauth-"}
}

// globalCertPlace is the global location with scope ALL_REGIONS, the certificates a cross-region
// internal load balancer's HTTPS proxy takes (XLB-CERTS, docs/gcp-rules.md).
var globalCertPlace = certPlace{location: "global", scope: "ALL_REGIONS", certRole: "global-cert", authRole: "global-dnsauth-"}

// managedCertificate creates the DNS authorizations and the Google-managed certificate at a place,
// and returns the certificate's ID (the form the HTTPS proxy's certificateManagerCertificates
// takes, PROXY-CERTS) and the records to publish.
func (b *producerBuilder) managedCertificate(at certPlace) (pulumi.StringOutput, pulumix.Output[[]DnsAuthorizationRecord], error) {
	a := &b.args
	domains := a.Tls.managedDomains(a.Hostname)
	var auths pulumi.StringArray
	var reported []any // each authorization's dnsResourceRecords
	var authorized []string
	for _, domain := range authorizedDomains(domains) {
		auth, err := certificatemanager.NewDnsAuthorization(b.ctx, b.child(at.authRole+domainKey(domain)), &certificatemanager.DnsAuthorizationArgs{
			Project:     b.project(),
			Location:    pulumi.String(at.location),
			Domain:      pulumi.String(domain),
			Type:        pulumi.String(dnsAuthPerProject),
			Description: b.describe("DNS authorization of " + domain + " for the Google-managed certificate"),
			Labels:      childLabels(a.Labels),
		}, b.opts()...)
		if err != nil {
			return pulumi.StringOutput{}, pulumix.Output[[]DnsAuthorizationRecord]{}, fmt.Errorf("DNS authorization of %s: %w", domain, err)
		}
		auths = append(auths, auth.ID().ToStringOutput())
		reported = append(reported, auth.DnsResourceRecords)
		authorized = append(authorized, domain)
	}
	// The certificate is replaced when its domains change (managed is ForceNew, CM-CERT-FORCENEW):
	// autonamed and created before the old one is deleted, like a self-managed one, so that the
	// proxy is repointed before the old certificate goes.
	cert, err := certificatemanager.NewCertificate(b.ctx, b.child(at.certRole), &certificatemanager.CertificateArgs{
		Project:     b.project(),
		Location:    pulumi.String(at.location),
		Scope:       optionalString(at.scope),
		Description: b.describe("Google-managed certificate of the internal Application Load Balancer"),
		Labels:      childLabels(a.Labels),
		Managed: &certificatemanager.CertificateManagedArgs{
			Domains:           pulumi.ToStringArray(domains),
			DnsAuthorizations: auths,
		},
	}, b.replacedInUse()...)
	if err != nil {
		return pulumi.StringOutput{}, pulumix.Output[[]DnsAuthorizationRecord]{}, fmt.Errorf("managed certificate: %w", err)
	}
	records := pulumix.Apply(pulumix.MustConvertTyped[[]any](pulumi.All(reported...)), func(parts []any) []DnsAuthorizationRecord {
		out := []DnsAuthorizationRecord{}
		for i, part := range parts {
			for _, r := range part.([]certificatemanager.DnsAuthorizationDnsResourceRecord) {
				out = append(out, DnsAuthorizationRecord{Domain: authorized[i], Name: deref(r.Name), Type: deref(r.Type), Data: deref(r.Data)})
			}
		}
		return out
	})
	return cert.ID().ToStringOutput(), records, nil
}

// domainKey is a short stable key of a domain for a child's name: Certificate Manager names
// take no dots, and a key derived from the domain keeps each authorization when others are added
// or removed.
func domainKey(domain string) string {
	sum := sha256.Sum256([]byte(domain))
	return hex.EncodeToString(sum[:4])
}

// noRecords is the dnsAuthorizationRecords output without a managed certificate.
func noRecords() pulumix.Output[[]DnsAuthorizationRecord] {
	return pulumix.Val([]DnsAuthorizationRecord{})
}
