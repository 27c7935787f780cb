package psc

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// The validators' fuzz targets. Each builds a component's args from fuzzed values, applies the
// component's defaults and validates them, as the constructor does before registering anything.
// None may panic; every problem must name an input of the args (assertProblemsNameInputs); the
// seeded valid configuration must stay valid; plus a property per component. Run one for longer
// with `make fuzz FUZZTIME=10m` or `go test ./pkg/psc -run '^$' -fuzz '^FuzzProducerValidate$'`.

// producerFuzz is one fuzzed ProducerService configuration.
type producerFuzz struct {
	name, project, region, hostname, lb, proxy, nat, extraNat, lbIP, consumer, rejected, domain, cpu, memory, invoker, key string
	// Two entries of regions ("" leaves one out) and the first one's load balancer subnet.
	region1, region2, regionLB string
	// tls.clientAuth (with tls): one trust anchor ("" none) and the mode.
	clientAnchor, clientMode                string
	port, minInstances, maxInstances, limit int
	byNetwork, acceptAll, tls               bool
	// caPool asks for tls.private instead of the PEM pair: "create" for createCa, else the pool.
	caPool string
}

func (in producerFuzz) args(cert string) *ProducerServiceArgs {
	a := &ProducerServiceArgs{
		Project:  in.project,
		Region:   in.region,
		Network:  pulumi.String("producer-vpc"),
		Hostname: in.hostname,
		CloudRun: CloudRunArgs{
			Image: pulumi.String("europe-docker.pkg.dev/p/r/payments:1.0"), Port: orUnset(in.port), Cpu: in.cpu, Memory: in.memory,
			MinInstances: in.minInstances, MaxInstances: in.maxInstances,
		},
		LoadBalancerSubnet: SubnetArgs{IpCidrRange: in.lb},
		ProxyOnlySubnet:    SubnetArgs{IpCidrRange: in.proxy},
		NatSubnet:          SubnetArgs{IpCidrRange: in.nat},
		LoadBalancerIp:     in.lbIP,
		AcceptAllConsumers: in.acceptAll,
	}
	if in.extraNat != "" {
		a.AdditionalNatSubnets = []SubnetArgs{{IpCidrRange: in.extraNat, Key: "extra"}}
	}
	if in.invoker != "" {
		a.CloudRun.Invokers = pulumi.ToStringArray([]string{in.invoker})
	}
	if in.consumer != "" {
		var limit *int // 0 stands for unset: the default
		if in.limit != 0 {
			limit = &in.limit
		}
		c := ConsumerAcceptArgs{ProjectIdOrNum: pulumi.String(in.consumer), ConnectionLimit: limit}
		if in.byNetwork {
			c = ConsumerAcceptArgs{NetworkUrl: pulumi.String(in.consumer), ConnectionLimit: limit}
		}
		a.Consumers = []ConsumerAcceptArgs{c}
	}
	if in.rejected != "" {
		a.RejectedConsumers = pulumi.ToStringArray([]string{in.rejected})
	}
	if in.domain != "" {
		a.DomainNames = []string{in.domain}
	}
	if in.tls {
		a.Tls = &TlsArgs{CertificatePem: pulumi.String(cert), PrivateKeyPem: pulumi.String(in.key)}
		if in.clientAnchor != "" || in.clientMode != "" {
			a.Tls.ClientAuth = &ClientAuthArgs{Mode: in.clientMode}
			if in.clientAnchor != "" {
				a.Tls.ClientAuth.TrustAnchorsPem = []pulumi.StringInput{pulumi.String(in.clientAnchor)}
			}
		}
	}
	switch {
	case in.caPool == "create":
		a.Tls = &TlsArgs{Private: &PrivateCertificateArgs{CreateCa: &CreateCaArgs{}}}
	case in.caPool != "":
		a.Tls = &TlsArgs{Private: &PrivateCertificateArgs{CaPool: pulumi.String(in.caPool)}}
	}
	for i, r := range []string{in.region1, in.region2} {
		if r == "" {
			continue
		}
		if a.Regions == nil {
			a.Regions = map[string]ProducerRegionArgs{}
		}
		entry := ProducerRegionArgs{
			LoadBalancerSubnet: SubnetArgs{IpCidrRange: fmt.Sprintf("10.%d.0.0/24", 200+i)},
			ProxyOnlySubnet:    SubnetArgs{IpCidrRange: fmt.Sprintf("10.%d.1.0/26", 200+i)},
			NatSubnet:          SubnetArgs{IpCidrRange: fmt.Sprintf("10.%d.2.0/28", 200+i)},
		}
		if i == 0 {
			// The first region's attachment publishes the fuzzed domain too (regions[R].domainNames).
			entry.LoadBalancerSubnet.IpCidrRange = in.regionLB
			if in.domain != "" {
				entry.DomainNames = []string{in.domain}
			}
		}
		a.Regions[r] = entry
	}
	return a
}

func FuzzProducerValidate(f *testing.F) {
	cert, key := psctest.SelfSignedCert(f, "payment-api.internal")
	clientCA := psctest.NewCA(f, "clients").CertPEM
	valid := producerFuzz{
		name: "payments", hostname: "payment-api.internal", lb: "10.10.0.0/24", proxy: "10.129.0.0/23", nat: "10.20.0.0/28",
		extraNat: "10.20.1.0/29",
		consumer: "consumer-prj", invoker: "serviceAccount:caller@consumer-prj.iam.gserviceaccount.com", key: key,
		domain: "payments.example.com.", rejected: "evil-prj", tls: true, clientAnchor: clientCA,
	}
	add := func(in producerFuzz) {
		f.Add(in.name, in.project, in.region, in.hostname, in.lb, in.proxy, in.nat, in.extraNat, in.lbIP, in.consumer, in.rejected,
			in.domain, in.cpu, in.memory, in.invoker, in.key, in.region1, in.region2, in.regionLB, in.clientAnchor, in.clientMode, in.port, in.minInstances,
			in.maxInstances, in.limit, in.byNetwork, in.acceptAll, in.tls, in.caPool)
	}
	add(valid)
	// tls.private: a created CA, a pool in the region, in another region, malformed.
	for _, pool := range []string{"create", "projects/pki/locations/europe-west1/caPools/internal",
		"projects/pki/locations/us-east1/caPools/internal", "caPools/internal"} {
		p := valid
		p.region, p.caPool = "europe-west1", pool
		add(p)
	}
	// The migration state (the top-level subnets beside two regions), then bad regions: a zone, a
	// region twice in two spellings, an unknown one, a primary region that is not a key, and a
	// range overlapping the top-level subnets.
	regions := valid
	regions.region, regions.region1, regions.region2, regions.regionLB = "europe-west1", "europe-west1", "us-east1", "10.110.0.0/24"
	add(regions)
	for _, bad := range [][4]string{
		{"", "europe-west1-b", "us-east1", "10.110.0.0/24"}, {"", "US-EAST1", "us-east1", "10.110.0.0/24"},
		{"asia-east1", "mars-north1", "europe-west1", "10.10.0.0/25"}, {"", "europe-west1", "", "10.110.0.0/24"},
	} {
		b := valid
		b.region, b.region1, b.region2, b.regionLB = bad[0], bad[1], bad[2], bad[3]
		add(b)
	}
	// A bad domain in the migration state: refused at domainNames[0] and at the first region's.
	badDomain := regions
	badDomain.domain = "Payments.example.com"
	add(badDomain)
	broken := valid
	broken.extraNat = "10.20.0.8/29"
	broken.lb, broken.nat, broken.lbIP, broken.consumer, broken.byNetwork, broken.limit = "10.10.0.5/24", "10.10.0.0/29", "10.99.0.1", "vpc", true, -1
	add(broken)
	// Mutual TLS: a server certificate as the anchor, a mode Google does not offer.
	badClient := valid
	badClient.clientAnchor, badClient.clientMode = cert, "OPTIONAL"
	add(badClient)
	f.Fuzz(func(t *testing.T, name, project, region, hostname, lb, proxy, nat, extraNat, lbIP, consumer, rejected, domain, cpu,
		memory, invoker, key, region1, region2, regionLB, clientAnchor, clientMode string, port, minInstances, maxInstances, limit int,
		byNetwork, acceptAll, tls bool, caPool string,
	) {
		in := producerFuzz{name, project, region, hostname, lb, proxy, nat, extraNat, lbIP, consumer, rejected, domain, cpu,
			memory, invoker, key, region1, region2, regionLB, clientAnchor, clientMode, port, minInstances, maxInstances, limit,
			byNetwork, acceptAll, tls, caPool}
		a := in.args(cert).withDefaults()
		err := a.validate(name)
		assertProblemsNameInputs(t, a, func() error { return a.validate(name) })
		if (in == valid || in == regions) && err != nil {
			t.Fatalf("the valid configuration is refused: %v", err)
		}
		// Accepted mutual TLS has a mode Google offers and CA certificates as anchors (COMP-MTLS).
		if c := a.clientAuth(); err == nil && c != nil {
			if !slices.Contains(clientAuthModes, c.mode()) || len(c.TrustAnchorsPem) == 0 {
				t.Fatalf("clientAuth mode %q with %d anchors accepted", c.Mode, len(c.TrustAnchorsPem))
			}
			if anchor, _ := knownString(c.TrustAnchorsPem[0]); checkCACertificate(anchor) != nil {
				t.Fatalf("anchor %q accepted: %v", anchor, checkCACertificate(anchor))
			}
		}
		// Valid regions are two or more Compute Engine regions, the primary one among them.
		if err == nil && len(a.Regions) > 0 {
			if _, primary := a.Regions[a.Region]; len(a.Regions) < 2 || (a.Region != "" && !primary) {
				t.Fatalf("regions %v with region %q accepted", a.regionKeys(), a.Region)
			}
			for _, r := range a.regionKeys() {
				if !chain.IsRegion(r) {
					t.Fatalf("regions key %q, not a region, accepted", r)
				}
			}
		}
		// An accepted existing pool is a pool's full ID, in the regional load balancer's region.
		if err == nil && caPool != "" && caPool != "create" {
			m := caPoolRe.FindStringSubmatch(caPool)
			if m == nil || a.regionalChain() && a.Region != "" && m[1] != a.Region {
				t.Fatalf("tls.private.caPool %q accepted with region %q", caPool, a.Region)
			}
		}
		if err != nil && tls && echoes(err.Error(), key, name, project, region, hostname, lb, proxy, nat, extraNat, lbIP, consumer,
			rejected, domain, cpu, memory, invoker) {
			t.Fatalf("a problem echoes the private key:\n%v", err)
		}
		// Every valid NAT subnet holds at least four endpoints (a /29).
		if nats := a.subnetInputs()[2:]; err == nil {
			for _, s := range nats {
				s.prefix, _ = parseSubnetCIDR(s.args.IpCidrRange)
			}
			if natCapacity(nats) < 4*len(nats) {
				t.Fatalf("valid NAT subnets %q and %q have room for %d endpoints", nat, extraNat, natCapacity(nats))
			}
		}
	})
}

// echoes reports whether msg holds a recognisable part of secret (its PRIVATE KEY marker or a
// line of its body) that none of the other inputs, which problems may quote, contains.
func echoes(msg, secret string, others ...string) bool {
	for _, part := range append([]string{"PRIVATE KEY"}, strings.Split(secret, "\n")...) {
		if len(part) < 11 || !strings.Contains(secret, part) || !strings.Contains(msg, part) {
			continue
		}
		quoted := false
		for _, o := range others {
			quoted = quoted || strings.Contains(o, part)
		}
		if !quoted {
			return true
		}
	}
	return false
}

func FuzzConsumerValidate(f *testing.F) {
	f.Add("payments", "consumer-prj", "", "", testAttachment, "", "10.0.0.0/8", "clients", 443, 1000, true)
	f.Add("payments", "consumer-prj", "us-east1", "192.168.10.500", "https://www.googleapis.com/compute/v1/"+testAttachment, "o/p/s", "10.0.0.1/8", "Bad Tag", 0, -1, true)
	f.Fuzz(func(t *testing.T, name, project, region, ip, attachment, producerStack, clientRange, clientTag string,
		port, priority int, firewall bool,
	) {
		args := &ConsumerEndpointArgs{
			Project: project, Region: region, IpAddress: ip, ProducerStack: producerStack,
			Network:           pulumi.String("projects/consumer-prj/global/networks/consumer-vpc"),
			Subnetwork:        pulumi.String("projects/consumer-prj/regions/europe-west1/subnetworks/apps"),
			ServiceAttachment: pulumi.String(attachment),
		}
		if firewall {
			args.Firewall = &EndpointFirewallArgs{Ports: []int{port}, Priority: &priority}
			if clientRange != "" {
				args.Firewall.ClientRanges = pulumi.ToStringArray([]string{clientRange})
			}
			if clientTag != "" {
				args.Firewall.ClientTags = pulumi.ToStringArray([]string{clientTag})
			}
		}
		a := args.withDefaults()
		err := a.validate(name)
		assertProblemsNameInputs(t, a, func() error { return a.validate(name) })
		if name == "payments" && project == "consumer-prj" && region == "" && ip == "" && attachment == testAttachment &&
			producerStack == "" && clientRange == "10.0.0.0/8" && clientTag == "clients" && port == 443 && priority == 1000 && err != nil {
			t.Fatalf("the valid configuration is refused: %v", err)
		}
		// An endpoint must be in its attachment's region: a mismatch is always refused, and named.
		if ref, perr := ParseServiceAttachmentURI(attachment); perr == nil && producerStack == "" && region != "" &&
			region != ref.Region && (err == nil || !strings.Contains(err.Error(), "region: ")) {
			t.Fatalf("region %q with an attachment in %q must be refused naming region, got %v", region, ref.Region, err)
		}
	})
}

func FuzzDnsBindingValidate(f *testing.F) {
	f.Add("payments-dns", "", "payment-api.internal", "192.168.10.50", "", "", "HTTP", 300, true, "", "")
	f.Add("payments-dns", "consumer-prj", "payment-api.corp.internal", "192.168.10.5", "internal.", "", "", 0, true, "", "")
	f.Add("payments-dns", "", "api.internal", "::1", "other.", "Zone", "FTP", -1, false, "", "")
	// An endpoint IP per region (ipAddresses): valid, then a zone and one IP for two regions.
	f.Add("payments-dns", "", "payment-api.internal", "", "", "", "HTTP", 300, true, "us-east1", "192.168.20.50")
	f.Add("payments-dns", "", "payment-api.internal", "192.168.20.50", "", "", "HTTP", 300, true, "us-east1-b", "192.168.20.50")
	f.Fuzz(func(t *testing.T, name, project, hostname, ip, zone, existingZone, protocol string, ttl int, networks bool,
		region, regionIP string,
	) {
		args := &DnsBindingArgs{
			Project: project, Hostname: hostname, IpAddress: pulumi.String(ip), ZoneDnsName: zone,
			ExistingZoneName: existingZone, Protocol: protocol, Ttl: &ttl,
		}
		// A region turns the binding into a geo one: the region's IP beside europe-west1's, which
		// is ip when given alone.
		if region != "" {
			args.IpAddresses = map[string]pulumi.StringInput{region: pulumi.String(regionIP), testRegion: pulumi.String("192.168.10.50")}
		}
		if networks {
			args.Networks = pulumi.StringArray{pulumi.String("projects/consumer-prj/global/networks/consumer-vpc")}
		}
		a := args.withDefaults()
		err := a.validate(name)
		assertProblemsNameInputs(t, a, func() error { return a.validate(name) })
		if name == "payments-dns" && project == "" && hostname == "payment-api.internal" &&
			zone == "" && existingZone == "" && protocol == "HTTP" && ttl == 300 && networks && err != nil &&
			(region == "" && ip == "192.168.10.50" || region == "us-east1" && ip == "" && regionIP == "192.168.20.50") {
			t.Fatalf("the valid configuration is refused: %v", err)
		}
		// Exactly one of ipAddress and ipAddresses, and an IP only once across regions.
		if err == nil && (ip != "") == (region != "") {
			t.Fatalf("ipAddress %q with ipAddresses %v accepted", ip, args.IpAddresses)
		}
		if err == nil && region != "" && (regionIP == "192.168.10.50" || !chain.IsRegion(region)) {
			t.Fatalf("ipAddresses %q: %q accepted beside europe-west1's 192.168.10.50", region, regionIP)
		}
		if err != nil {
			return
		}
		// A valid binding writes its record inside the zone it creates, and its URL names the host.
		if a.ExistingZoneName == "" && !inZone(a.Hostname, a.ZoneDnsName) {
			t.Fatalf("valid binding puts %q outside its zone %q", a.Hostname, a.ZoneDnsName)
		}
		got := chain.URL(a.urlProtocol(""), a.Hostname)
		if u, perr := url.Parse(got); perr != nil || u.Hostname() != a.Hostname {
			t.Fatalf("url %q does not parse to host %q: %v", got, a.Hostname, perr)
		}
	})
}

// FuzzConsumerPickAttachment fuzzes the choice of a ConsumerEndpoint's attachment from the
// producer stack's serviceAttachmentUris. It must not panic; a refusal names region, subnetwork or
// producerStack and never quotes a URI read from the stack; a pick is the entry of the endpoint's
// region, in that region.
func FuzzConsumerPickAttachment(f *testing.F) {
	f.Add("", "projects/consumer-prj/regions/us-east1/subnetworks/apps", testRegion, "us-east1", testAttachmentUS, testAttachment)
	f.Add("asia-east1", "apps", testRegion, "us-east1", testAttachmentUS, testAttachment)
	f.Add("", "apps", "", "us-east1", "projects/s3cr3t", "")
	f.Fuzz(func(t *testing.T, region, subnet, configured, otherRegion, otherURI, primaryURI string) {
		a := &ConsumerEndpointArgs{Region: region, ProducerStack: "acme/payments/prod"}
		uris := map[string]any{otherRegion: otherURI}
		if primaryURI != "" {
			uris[testRegion] = primaryURI
		}
		got, err := a.pickAttachment(uris, subnet, configured)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "region: ") && !strings.HasPrefix(msg, "subnetwork: ") && !strings.HasPrefix(msg, "producerStack ") {
				t.Fatalf("refusal names no input: %v", err)
			}
			// The value is quoted only if it appears beyond the message's own words: the inputs it
			// names and the URI shape it describes.
			shape := "projects/PROJECT/regions/REGION/serviceAttachments/NAME"
			for _, uri := range []string{otherURI, primaryURI} {
				if len(uri) > 8 && strings.Contains(msg, uri) && !strings.Contains(subnet+region+configured+otherRegion+shape, uri) {
					t.Fatalf("refusal quotes the URI %q read from the stack: %v", uri, err)
				}
			}
			return
		}
		ref, perr := ParseServiceAttachmentURI(got)
		if perr != nil || uris[ref.Region] != got {
			t.Fatalf("picked %q, not an attachment of its own region in %v (%v)", got, uris, perr)
		}
		want := cmp.Or(region, subnetRegion(subnet), configured)
		if want != "" && ref.Region != want {
			t.Fatalf("picked the attachment of %s for an endpoint in %s", ref.Region, want)
		}
	})
}

// orUnset reads a fuzzed 0 as an unset optional number, so that the seeds stay valid.
func orUnset(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}
