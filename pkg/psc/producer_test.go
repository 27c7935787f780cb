package psc

import (
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	typeSubnet     = chain.SubnetworkType
	typeService    = chain.CloudRunServiceType
	typeIAM        = chain.CloudRunServiceIamMemberType
	typeIAMBinding = chain.CloudRunServiceIamBindingType
	typeNEG        = chain.RegionNetworkEndpointGroupType
	typeBackend    = chain.RegionBackendServiceType
	typeURLMap     = chain.RegionUrlMapType
	typeHTTPProxy  = chain.RegionTargetHttpProxyType
	typeHTTPSProxy = chain.RegionTargetHttpsProxyType
	typeCert       = chain.RegionSslCertificateType
	typeRule       = chain.ForwardingRuleType
	typeAttachment = chain.ServiceAttachmentType
	typeAddress    = chain.AddressType
	typeFirewall   = chain.FirewallType
	typeZone       = chain.ManagedZoneType
	typeRecord     = chain.RecordSetType
	typeStackRef   = "pulumi:pulumi:StackReference"
)

// producerArgs is a valid producer with created subnets and one accepted consumer project.
func producerArgs() *ProducerServiceArgs {
	return &ProducerServiceArgs{
		Network:            pulumi.String("producer-vpc"),
		CloudRun:           CloudRunArgs{Image: pulumi.String("europe-docker.pkg.dev/p/r/payments:1.0")},
		Hostname:           "payment-api.internal",
		LoadBalancerSubnet: SubnetArgs{IpCidrRange: "10.10.0.0/24"},
		ProxyOnlySubnet:    SubnetArgs{IpCidrRange: "10.129.0.0/23"},
		NatSubnet:          SubnetArgs{IpCidrRange: "10.20.0.0/28"},
		Consumers:          []ConsumerAcceptArgs{{ProjectIdOrNum: pulumi.String("consumer-prj")}},
	}
}

// Extra NAT subnets are created beside the first, all go to the attachment, and natCapacity
// counts them all, an existing one by the range its lookup returned.
func TestProducerAdditionalNatSubnets(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	f.Subnets = append(f.Subnets, psctest.Subnet{Project: testProject, Region: testRegion, Name: "existing-nat", Network: producerVPC,
		IpCidrRange: "10.60.0.0/28", Purpose: "PRIVATE_SERVICE_CONNECT"})
	var capacity any
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.AdditionalNatSubnets = []SubnetArgs{
			{IpCidrRange: "10.21.0.0/29", Key: "b"},
			{SelfLink: pulumi.String("projects/producer-prj/regions/europe-west1/subnetworks/existing-nat")},
		}
		p, err := NewProducerService(ctx, "payments", args)
		if err != nil {
			return err
		}
		capacity = psctest.Await[int](t, p.NatCapacity)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if capacity != 12+4+12 {
		t.Errorf("natCapacity of a /28, a /29 and an existing /28 = %v, want 28", capacity)
	}
	var nat []string
	for _, v := range input(f.One(t, typeAttachment), "natSubnets").ArrayValue() {
		nat = append(nat, v.StringValue())
	}
	if len(nat) != 3 || !strings.HasSuffix(nat[0], "/payments-nat-subnet") || !strings.HasSuffix(nat[1], "/payments-nat-b") ||
		!strings.HasSuffix(nat[2], "/existing-nat") {
		t.Errorf("natSubnets = %v, want the first, the created second and the existing one, in order", nat)
	}
	// Named by its key; the alias keeps the subnet a stack created before keys, by position.
	second := f.Named(t, "payments-nat-b")
	if str(second, "purpose") != "PRIVATE_SERVICE_CONNECT" || str(second, "ipCidrRange") != "10.21.0.0/29" {
		t.Errorf("additional NAT subnet inputs = %v", second.Inputs)
	}
	if !slices.Contains(second.Aliases, "payments-nat-subnet-2") {
		t.Errorf("aliases of the keyed subnet = %v, want its old positional name payments-nat-subnet-2", second.Aliases)
	}
}

func TestProducerGraph(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	var uri, capacity, port any
	err := f.Run(func(ctx *pulumi.Context) error {
		p, err := NewProducerService(ctx, "payments", producerArgs())
		if err != nil {
			return err
		}
		uri = psctest.Await[string](t, p.ServiceAttachmentUri)
		capacity = psctest.Await[int](t, p.NatCapacity)
		port = psctest.Await[int](t, p.Port)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	want := map[string]int{typeSubnet: 3, typeService: 1, typeNEG: 1, typeBackend: 1, typeURLMap: 1,
		typeHTTPProxy: 1, typeRule: 1, typeAttachment: 1}
	if got := f.CountByType(); !mapsEqual(got, want) {
		t.Errorf("resource counts = %v, want %v", got, want)
	}

	svc := f.One(t, typeService)
	if got := str(svc, "ingress"); got != "INGRESS_TRAFFIC_INTERNAL_ONLY" {
		t.Errorf("Cloud Run ingress = %q, want internal only", got)
	}
	if v := input(svc, "invokerIamDisabled"); !v.IsBool() || v.BoolValue() {
		t.Errorf("invoker IAM must stay on, invokerIamDisabled = %v", v)
	}
	if aud := input(svc, "customAudiences"); !aud.IsArray() || aud.ArrayValue()[0].StringValue() != "http://payment-api.internal" {
		t.Errorf("customAudiences = %v, want the private URL", aud)
	}
	if iam := len(f.Custom(typeIAM)) + len(f.Custom(typeIAMBinding)); iam != 0 {
		t.Errorf("no invoker grant is created by default, got %d", iam)
	}

	neg := f.One(t, typeNEG)
	if str(neg, "networkEndpointType") != "SERVERLESS" || str(neg, "region") != testRegion {
		t.Errorf("NEG = %v, want a SERVERLESS NEG in %s", neg.Inputs, testRegion)
	}
	if got := input(neg, "cloudRun").ObjectValue()["service"].StringValue(); got != "payments-run" {
		t.Errorf("NEG cloudRun.service = %q, want the Cloud Run service name", got)
	}

	backend := f.One(t, typeBackend)
	if str(backend, "loadBalancingScheme") != "INTERNAL_MANAGED" {
		t.Errorf("backend scheme = %q, want INTERNAL_MANAGED", str(backend, "loadBalancingScheme"))
	}
	if !input(backend, "healthChecks").IsNull() {
		t.Errorf("a serverless backend must have no health check, got %v", input(backend, "healthChecks"))
	}
	b0 := input(backend, "backends").ArrayValue()[0].ObjectValue()
	for _, k := range []string{"balancingMode", "capacityScaler"} {
		if _, ok := b0[resourceKey(k)]; ok {
			t.Errorf("a serverless backend must not set %s", k)
		}
	}
	if !strings.HasSuffix(b0["group"].StringValue(), "/networkEndpointGroups/payments-neg") {
		t.Errorf("backend group = %v, want the NEG", b0["group"])
	}

	subnets := map[string]registered{}
	for _, s := range f.Custom(typeSubnet) {
		subnets[s.Name] = s
	}
	if got := str(subnets["payments-proxy-subnet"], "purpose"); got != "REGIONAL_MANAGED_PROXY" {
		t.Errorf("proxy-only subnet purpose = %q", got)
	}
	if got := str(subnets["payments-proxy-subnet"], "role"); got != "ACTIVE" {
		t.Errorf("proxy-only subnet role = %q, want ACTIVE", got)
	}
	if got := str(subnets["payments-nat-subnet"], "purpose"); got != "PRIVATE_SERVICE_CONNECT" {
		t.Errorf("NAT subnet purpose = %q", got)
	}
	if got := str(subnets["payments-lb-subnet"], "purpose"); got != "" {
		t.Errorf("LB subnet must be a regular subnet, purpose = %q", got)
	}

	rule := f.One(t, typeRule)
	if str(rule, "loadBalancingScheme") != "INTERNAL_MANAGED" || str(rule, "portRange") != "80" || str(rule, "ipProtocol") != "TCP" {
		t.Errorf("LB rule = %v, want INTERNAL_MANAGED TCP port 80", rule.Inputs)
	}
	if !strings.HasSuffix(str(rule, "subnetwork"), "/subnetworks/payments-lb-subnet") {
		t.Errorf("LB rule subnetwork = %q, want the regular LB subnet", str(rule, "subnetwork"))
	}
	proxyURN := urnOf(t, f, "payments-proxy-subnet")
	if !slices.Contains(rule.Dependencies, proxyURN) {
		t.Errorf("LB rule must depend on the proxy-only subnet %s, depends on %v", proxyURN, rule.Dependencies)
	}

	sa := f.One(t, typeAttachment)
	if str(sa, "connectionPreference") != "ACCEPT_MANUAL" {
		t.Errorf("connectionPreference = %q, want ACCEPT_MANUAL by default", str(sa, "connectionPreference"))
	}
	if v := input(sa, "enableProxyProtocol"); !v.IsBool() || v.BoolValue() {
		t.Errorf("enableProxyProtocol must be set to false, got %v", v)
	}
	nat := input(sa, "natSubnets").ArrayValue()
	if len(nat) != 1 || !strings.HasSuffix(nat[0].StringValue(), "/subnetworks/payments-nat-subnet") {
		t.Errorf("natSubnets = %v, want only the PSC NAT subnet", nat)
	}
	if !strings.HasSuffix(str(sa, "targetService"), "/forwardingRules/payments-lb-rule") {
		t.Errorf("targetService = %q, want the LB forwarding rule", str(sa, "targetService"))
	}
	accept := input(sa, "consumerAcceptLists").ArrayValue()
	if len(accept) != 1 || accept[0].ObjectValue()["projectIdOrNum"].StringValue() != "consumer-prj" ||
		accept[0].ObjectValue()["connectionLimit"].NumberValue() != 10 {
		t.Errorf("consumerAcceptLists = %v, want consumer-prj with the default limit 10", accept)
	}
	if v := input(sa, "reconcileConnections"); !v.IsBool() || !v.BoolValue() {
		t.Errorf("reconcileConnections = %v, want true by default", v)
	}

	if uri != "projects/producer-prj/regions/europe-west1/serviceAttachments/payments-attachment" {
		t.Errorf("serviceAttachmentUri = %v", uri)
	}
	if capacity != 12 {
		t.Errorf("natCapacity of a /28 = %v, want 12 (16 minus 4 reserved)", capacity)
	}
	if port != 80 {
		t.Errorf("port = %v, want 80 for HTTP", port)
	}
	assertChildrenOf(t, f, ProducerServiceType, "payments")
}

func TestProducerHTTPSWithSelfManagedCertificate(t *testing.T) {
	t.Parallel()
	certPEM, keyPEM := psctest.SelfSignedCert(t, "payment-api.internal")
	f := newFakeCloud()
	var gotPEM any
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.Tls = &TlsArgs{CertificatePem: pulumi.String(certPEM), PrivateKeyPem: pulumi.String(keyPEM), SslPolicy: pulumi.String("projects/producer-prj/regions/europe-west1/sslPolicies/modern")}
		p, err := NewProducerService(ctx, "payments", args)
		if err != nil {
			return err
		}
		gotPEM = psctest.Await[string](t, p.CertificatePem)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cert := f.One(t, typeCert)
	if key := cert.Inputs["privateKey"]; !key.ContainsSecrets() {
		t.Errorf("the TLS private key must reach the certificate as a secret, got %v", key)
	}
	if input(cert, "privateKey").StringValue() != keyPEM {
		t.Errorf("the certificate must carry the given key")
	}
	proxy := f.One(t, typeHTTPSProxy)
	certs := input(proxy, "sslCertificates").ArrayValue()
	if len(certs) != 1 || !strings.HasSuffix(certs[0].StringValue(), "/sslCertificates/payments-cert") {
		t.Errorf("HTTPS proxy sslCertificates = %v", certs)
	}
	if str(proxy, "sslPolicy") == "" {
		t.Errorf("the SSL policy must reach the HTTPS proxy")
	}
	if n := len(f.Custom(typeHTTPProxy)); n != 0 {
		t.Errorf("an HTTPS producer must not create an HTTP proxy, got %d", n)
	}
	if got := str(f.One(t, typeRule), "portRange"); got != "443" {
		t.Errorf("HTTPS forwarding rule port = %q, want 443", got)
	}
	if got := str(f.One(t, typeBackend), "protocol"); got != "HTTPS" {
		t.Errorf("backend protocol = %q, want HTTPS", got)
	}
	if aud := input(f.One(t, typeService), "customAudiences").ArrayValue()[0].StringValue(); aud != "https://payment-api.internal" {
		t.Errorf("custom audience = %q, want the https private URL", aud)
	}
	if gotPEM != certPEM {
		t.Errorf("certificatePem output must be the public certificate")
	}
}

func TestProducerCertificateManagerCertificates(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.Tls = &TlsArgs{CertificateManagerCertificates: pulumi.ToStringArray([]string{"projects/producer-prj/locations/europe-west1/certificates/payments"})}
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	proxy := f.One(t, typeHTTPSProxy)
	if got := input(proxy, "certificateManagerCertificates").ArrayValue(); len(got) != 1 {
		t.Errorf("certificateManagerCertificates = %v", got)
	}
	if n := len(f.Custom(typeCert)); n != 0 {
		t.Errorf("no self-managed certificate with Certificate Manager, got %d", n)
	}
}

func TestProducerExistingSubnetsAndService(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	addProducerSubnets(f)
	var capacity any
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.CloudRun = CloudRunArgs{ExistingServiceName: "payments-live", Invokers: pulumi.ToStringArray([]string{"serviceAccount:caller@consumer-prj.iam.gserviceaccount.com"})}
		args.LoadBalancerSubnet = SubnetArgs{SelfLink: pulumi.String("projects/producer-prj/regions/europe-west1/subnetworks/lb")}
		args.ProxyOnlySubnet = SubnetArgs{SelfLink: pulumi.String("projects/producer-prj/regions/europe-west1/subnetworks/proxy")}
		args.NatSubnet = SubnetArgs{SelfLink: pulumi.String("projects/producer-prj/regions/europe-west1/subnetworks/nat")}
		args.LoadBalancerIp = "10.30.0.10" // inside lb's range
		p, err := NewProducerService(ctx, "payments", args)
		if err != nil {
			return err
		}
		capacity = psctest.Await[int](t, p.NatCapacity)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	counts := f.CountByType()
	if counts[typeSubnet] != 0 || counts[typeService] != 0 {
		t.Errorf("existing subnets and service must not be created, got %v", counts)
	}
	if got := input(f.One(t, typeNEG), "cloudRun").ObjectValue()["service"].StringValue(); got != "payments-live" {
		t.Errorf("NEG service = %q, want the existing service", got)
	}
	iam := f.One(t, typeIAM)
	if str(iam, "role") != "roles/run.invoker" || str(iam, "name") != "payments-live" {
		t.Errorf("invoker binding = %v", iam.Inputs)
	}
	if got := str(f.One(t, typeAttachment), "natSubnets"); got != "" {
		t.Errorf("natSubnets must be a list, got a string")
	}
	if nat := input(f.One(t, typeAttachment), "natSubnets").ArrayValue()[0].StringValue(); !strings.HasSuffix(nat, "/nat") {
		t.Errorf("natSubnets = %q, want the existing NAT subnet", nat)
	}
	for _, dep := range f.One(t, typeRule).Dependencies {
		// The existing proxy-only subnet is not a resource of this program, so nothing to wait for.
		if strings.Contains(dep, typeSubnet) {
			t.Errorf("LB rule depends on %s, want no subnet dependency with existing subnets", dep)
		}
	}
	if capacity != 12 {
		t.Errorf("natCapacity of an existing /28 NAT subnet = %v, want 12, from the range its lookup returned", capacity)
	}
}

func TestProducerAllowUnauthenticatedIsExplicit(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.CloudRun.AllowUnauthenticated = true
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := input(f.One(t, typeIAMBinding), "members"); len(got.ArrayValue()) != 1 || got.ArrayValue()[0].StringValue() != "allUsers" {
		t.Errorf("allowUnauthenticated must grant allUsers, got %v", got)
	}
}

func TestProducerAcceptAutomaticClearsLists(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.Consumers = nil
		args.AcceptAllConsumers = true
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sa := f.One(t, typeAttachment)
	if str(sa, "connectionPreference") != "ACCEPT_AUTOMATIC" {
		t.Errorf("connectionPreference = %q", str(sa, "connectionPreference"))
	}
	if !input(sa, "consumerAcceptLists").IsNull() || !input(sa, "consumerRejectLists").IsNull() {
		t.Errorf("ACCEPT_AUTOMATIC must send no accept or reject list: %v", sa.Inputs)
	}
}

func TestProducerConsumerStacks(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	f.Stacks["acme/consumer/prod"] = map[string]any{"consumerProject": "consumer-prj-b", "consumerNetwork": "projects/consumer-prj-b/global/networks/vpc"}
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.ConsumerStacks = []ConsumerStackArgs{{Stack: "acme/consumer/prod"}, {Stack: "acme/consumer/prod", ConnectionLimit: pulumi.IntRef(3)}}
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if refs := f.Custom(""); len(refs) == 0 {
		t.Fatal("nothing registered")
	}
	nRefs := 0
	for _, r := range f.All() {
		if r.Type == typeStackRef {
			nRefs++
			if !strings.Contains(r.Parent, ProducerServiceType) {
				t.Errorf("stack reference parent = %q, want the component", r.Parent)
			}
		}
	}
	if nRefs != 1 {
		t.Errorf("a stack named twice must be read once, got %d stack references", nRefs)
	}
	accept := input(f.One(t, typeAttachment), "consumerAcceptLists").ArrayValue()
	if len(accept) != 3 {
		t.Fatalf("accept list = %v, want the listed consumer and two stack entries", accept)
	}
	if got := accept[1].ObjectValue()["projectIdOrNum"].StringValue(); got != "consumer-prj-b" {
		t.Errorf("stack consumer = %q, want consumer-prj-b", got)
	}
	if got := accept[2].ObjectValue()["connectionLimit"].NumberValue(); got != 3 {
		t.Errorf("stack consumer limit = %v, want 3", got)
	}
}

func TestProducerConsumerStackWithBadOutputFails(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	f.Stacks["acme/consumer/prod"] = map[string]any{"consumerProject": "Not_A_Project"}
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.ConsumerStacks = []ConsumerStackArgs{{Stack: "acme/consumer/prod"}}
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	// Reported as the component's other refusals, and before any Google Cloud resource: an up
	// that skips the preview must not build the chain and then fail at its attachment.
	if err == nil || !strings.Contains(err.Error(), "invalid ProducerService \"payments\":\n"+`consumerStacks[0]: output "consumerProject" of stack "acme/consumer/prod"`) {
		t.Fatalf("want an invalid ProducerService error naming consumerStacks[0] and the stack output, got %v", err)
	}
	for _, r := range f.All() {
		if strings.HasPrefix(r.Type, "gcp:") {
			t.Errorf("%s was registered before the refusal", r.Type)
		}
	}
}

func TestTwoProducersDoNotCollide(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		// The second uses the proxy-only subnet the first creates: a VPC has one per region.
		var proxySubnet pulumi.StringInput
		for _, n := range []string{"payments", "ledger"} {
			args := producerArgs()
			if n == "ledger" {
				args.ProxyOnlySubnet = SubnetArgs{SelfLink: proxySubnet}
				args.LoadBalancerSubnet.IpCidrRange = "10.11.0.0/24"
				args.NatSubnet.IpCidrRange = "10.21.0.0/28"
			}
			p, err := NewProducerService(ctx, n, args)
			if err != nil {
				return err
			}
			proxySubnet = p.ProxyOnlySubnet
		}
		return nil
	})
	if err != nil {
		t.Fatalf("two producers in one program: %v", err)
	}
	if got := len(f.Custom(typeAttachment)); got != 2 {
		t.Errorf("want 2 attachments, got %d", got)
	}
	assertChildrenOf(t, f, ProducerServiceType, "payments", "ledger")
}

// assertChildrenOf checks that every custom resource and stack reference is a child of one of the
// named components of type typ, and is named `<component>-<role>`.
func assertChildrenOf(t *testing.T, f *fakeCloud, typ string, names ...string) {
	t.Helper()
	for _, r := range f.All() {
		if !r.Custom && r.Type != typeStackRef {
			continue
		}
		if !strings.Contains(r.Parent, "::"+typ+"::") {
			t.Errorf("%s %q has parent %q, want a %s", r.Type, r.Name, r.Parent, typ)
			continue
		}
		parentName := r.Parent[strings.LastIndex(r.Parent, "::")+2:]
		if !slices.Contains(names, parentName) || !strings.HasPrefix(r.Name, parentName+"-") {
			t.Errorf("%s %q: want a child named <component>-<role> of one of %v, parent %q", r.Type, r.Name, names, parentName)
		}
	}
}

// urnOf returns the URN the mock monitor gives a registered resource.
func urnOf(t *testing.T, f *fakeCloud, name string) string {
	t.Helper()
	r := f.Named(t, name)
	parentType := r.Parent[strings.Index(r.Parent, "::"+ProducerServiceType)+2:]
	parentType = parentType[:strings.Index(parentType, "::")]
	return "urn:pulumi:stack::project::" + parentType + "$" + r.Type + "::" + r.Name
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// The NEG and the certificate are replaced while the backend service and the proxy use them,
// and GCP refuses to delete them in use: both are left to the provider's autonaming (a
// replacement gets a fresh suffixed name) and replaced create-before-delete. The other
// children leave the choice to the provider.
func TestProducerReplacesInUseResourcesCreateBeforeDelete(t *testing.T) {
	t.Parallel()
	certPEM, keyPEM := psctest.SelfSignedCert(t, "payment-api.internal")
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.Tls = &TlsArgs{CertificatePem: pulumi.String(certPEM), PrivateKeyPem: pulumi.String(keyPEM)}
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Custom("") {
		inUse := r.Type == typeNEG || r.Type == typeCert
		switch dbr := r.DeleteBeforeReplace; {
		case r.Type == typeAttachment:
			// Its NAT subnets can serve one attachment at a time, so a replacement (a new
			// load balancer rule: HTTP <-> HTTPS, another subnet or IP) must delete it first.
			if dbr == nil || !*dbr {
				t.Errorf("%s %s: deleteBeforeReplace %v, want true (its NAT subnets hold one attachment)", r.Type, r.Name, dbr)
			}
		case inUse && (dbr == nil || *dbr):
			t.Errorf("%s %s: deleteBeforeReplace %v, want false (create the replacement first)", r.Type, r.Name, dbr)
		case !inUse && dbr != nil:
			t.Errorf("%s %s: deleteBeforeReplace %v, want it left to the provider", r.Type, r.Name, *dbr)
		}
		if inUse && (!input(r, "name").IsNull() || !input(r, "namePrefix").IsNull()) {
			t.Errorf("%s %s is named %v: an explicit name makes the provider delete before replacing, which GCP refuses while it is in use",
				r.Type, r.Name, r.Inputs)
		}
	}
	if len(f.Custom(typeNEG)) != 1 || len(f.Custom(typeCert)) != 1 {
		t.Errorf("want one NEG and one certificate, got %v", f.CountByType())
	}
}

func TestProducerConsumerStackErrorsHideTheValue(t *testing.T) {
	t.Parallel()
	const secret = "Secret_Value_41"
	f := newFakeCloud()
	f.Stacks["acme/consumer/prod"] = map[string]any{"consumerProject": secret}
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.ConsumerStacks = []ConsumerStackArgs{{Stack: "acme/consumer/prod"}}
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "must be a project id") {
		t.Fatalf("want an error saying what is wrong, got %v", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the error echoes the value read from the stack: %v", err)
	}
}

// defaultUriDisabled is a beta field of the Cloud Run v2 API in this provider version: the API
// refuses it unless the service's launchStage is BETA, as the provider's own acceptance test
// sets (catalogue RUN-BETA-LAUNCH-STAGE).
func TestProducerDisableDefaultUrlSetsLaunchStageBeta(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.CloudRun.DisableDefaultUrl = true
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := f.One(t, typeService)
	if v := input(svc, "defaultUriDisabled"); !v.IsBool() || !v.BoolValue() || str(svc, "launchStage") != "BETA" {
		t.Errorf("defaultUriDisabled = %v with launchStage %q, want true with BETA", v, str(svc, "launchStage"))
	}
}

// The API refuses to switch an attachment between ACCEPT_MANUAL and ACCEPT_AUTOMATIC in place
// (the provider sends both consumer lists with every update, terraform-provider-google#17153), so
// the switch replaces it (catalogue SA-AUTOMATIC-LISTS).
func TestProducerConnectionPreferenceSwitchReplacesTheAttachment(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		_, err := NewProducerService(ctx, "payments", producerArgs())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if sa := f.One(t, typeAttachment); !slices.Contains(sa.ReplaceOnChanges, "connectionPreference") {
		t.Errorf("replaceOnChanges = %v, want connectionPreference", sa.ReplaceOnChanges)
	}
}

// An input set to "" is unset for the build as it is for validation (one predicate, given): an
// empty connector beside network and subnetwork is Direct VPC egress, and an empty service
// account is the default one, not an empty email.
func TestProducerEmptyInputsAreUnsetInTheBuild(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.CloudRun.ServiceAccount = pulumi.String("")
		args.CloudRun.VpcEgress = &VpcEgressArgs{Network: pulumi.String("producer-vpc"), Subnetwork: pulumi.String("apps"),
			Connector: pulumi.String("")}
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	template := input(f.One(t, typeService), "template").ObjectValue()
	access := template["vpcAccess"].ObjectValue()
	if c := access["connector"]; !c.IsNull() {
		t.Errorf("vpcAccess.connector = %v, want unset: an empty connector is no connector", c)
	}
	nics := access["networkInterfaces"]
	if !nics.IsArray() || len(nics.ArrayValue()) != 1 ||
		nics.ArrayValue()[0].ObjectValue()["subnetwork"].StringValue() != "apps" {
		t.Errorf("vpcAccess.networkInterfaces = %v, want Direct VPC egress through apps", nics)
	}
	if sa, ok := template["serviceAccount"]; ok && !sa.IsNull() {
		t.Errorf("template.serviceAccount = %v, want unset: an empty service account is the default one", sa)
	}
}

// On a created service the invokers are one authoritative binding, whatever their order and
// whether they are known yet: no child is named by a member, so reordering or removing entries
// replaces nothing and never revokes a member that stays.
func TestProducerInvokersAreOneBinding(t *testing.T) {
	t.Parallel()
	members := func(order ...int) []string {
		f := newFakeCloud()
		err := f.Run(func(ctx *pulumi.Context) error {
			all := []pulumi.StringInput{
				pulumi.String("user:alice@example.com"),
				pulumi.String("serviceAccount:caller@consumer-prj.iam.gserviceaccount.com").ToStringOutput(),
			}
			args := producerArgs()
			for _, i := range order {
				args.CloudRun.Invokers = append(args.CloudRun.Invokers, all[i])
			}
			_, err := NewProducerService(ctx, "payments", args)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(f.Custom(typeIAM)); n != 0 {
			t.Errorf("%d per-member grants on a created service, want none", n)
		}
		b := f.One(t, typeIAMBinding)
		if b.Name != "payments-invokers" || str(b, "role") != "roles/run.invoker" {
			t.Errorf("invoker binding %s = %v", b.Name, b.Inputs)
		}
		var out []string
		for _, m := range input(b, "members").ArrayValue() {
			out = append(out, m.StringValue())
		}
		return out
	}
	if got := members(0, 1); len(got) != 2 || got[1] != "serviceAccount:caller@consumer-prj.iam.gserviceaccount.com" {
		t.Errorf("members = %v", got)
	}
	if got := members(1); len(got) != 1 {
		t.Errorf("members after removing one = %v", got)
	}
}

// An invoker that is an Output cannot name a grant of its own on an existing service.
func TestProducerExistingServiceRefusesComputedInvoker(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.CloudRun = CloudRunArgs{ExistingServiceName: "payments-live", Invokers: []pulumi.StringInput{
			pulumi.String("user:alice@example.com"), pulumi.String("user:bob@example.com").ToStringOutput(),
		}}
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "cloudRun.invokers[1]: must be known when the program runs with existingServiceName") {
		t.Fatalf("want cloudRun.invokers[1] refused, got %v", err)
	}
	if strings.Contains(err.Error(), "invokers[0]") {
		t.Errorf("a known invoker was refused: %v", err)
	}
}

// propagatedConnectionLimit 0 reaches the attachment as 0: the provider omits a 0 from the request
// unless sendPropagatedConnectionLimitIfZero is true, and the API's default of 250 would stand
// (catalogue SA-PROPAGATED-ZERO). Any other limit is sent as it is, without the flag.
func TestProducerPropagatedConnectionLimitZeroIsSent(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		limit    *int
		wantFlag bool
	}{{pulumi.IntRef(0), true}, {pulumi.IntRef(7), false}, {nil, false}} {
		f := newFakeCloud()
		err := f.Run(func(ctx *pulumi.Context) error {
			args := producerArgs()
			args.PropagatedConnectionLimit = tt.limit
			_, err := NewProducerService(ctx, "payments", args)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		sa := f.One(t, typeAttachment)
		limit, flag := input(sa, "propagatedConnectionLimit"), input(sa, "sendPropagatedConnectionLimitIfZero")
		switch {
		case tt.limit == nil && !limit.IsNull():
			t.Errorf("unset limit: propagatedConnectionLimit = %v, want unset (Google's default)", limit)
		case tt.limit != nil && (!limit.IsNumber() || int(limit.NumberValue()) != *tt.limit):
			t.Errorf("limit %d: propagatedConnectionLimit = %v", *tt.limit, limit)
		}
		if got := flag.IsBool() && flag.BoolValue(); got != tt.wantFlag {
			t.Errorf("propagatedConnectionLimit %v: sendPropagatedConnectionLimitIfZero = %v, want %v", limit, flag, tt.wantFlag)
		}
	}
}
