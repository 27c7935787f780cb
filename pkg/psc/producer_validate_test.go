package psc

import (
	"fmt"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestProducerValidation(t *testing.T) {
	t.Parallel()
	certPEM, keyPEM := psctest.SelfSignedCert(t, "payment-api.internal")
	otherCert, _ := psctest.SelfSignedCert(t, "other.internal")
	_, otherKey := psctest.SelfSignedCert(t, "payment-api.internal")
	cases := []producerCase{
		{"bad region", func(a *ProducerServiceArgs) { a.Region = "Europe West" }, []string{"region: must be a Google Cloud region"}},
		{"bad project", func(a *ProducerServiceArgs) { a.Project = "P" }, []string{"project: must be a project id"}},
		{"missing network", func(a *ProducerServiceArgs) { a.Network = nil }, []string{"network: is required"}},
		{"neither image nor service", func(a *ProducerServiceArgs) { a.CloudRun.Image = nil }, []string{"cloudRun: give exactly one of existingServiceName and image"}},
		{"both image and service", func(a *ProducerServiceArgs) { a.CloudRun.ExistingServiceName = "svc" }, []string{"cloudRun: give exactly one"}},
		{"port", func(a *ProducerServiceArgs) { a.CloudRun.Port = pulumi.IntRef(70000) }, []string{"cloudRun.port: must be between 1 and 65535"}},
		{"max below min", func(a *ProducerServiceArgs) { a.CloudRun.MinInstances, a.CloudRun.MaxInstances = 3, 2 }, []string{"cloudRun.maxInstances"}},
		{"cpu", func(a *ProducerServiceArgs) { a.CloudRun.Cpu = "lots" }, []string{"cloudRun.cpu"}},
		{"memory", func(a *ProducerServiceArgs) { a.CloudRun.Memory = "1GB" }, []string{"cloudRun.memory"}},
		{"public invoker", func(a *ProducerServiceArgs) { a.CloudRun.Invokers = pulumi.ToStringArray([]string{"allUsers"}) }, []string{"cloudRun.invokers[0]: allUsers makes the service public"}},
		{"bad invoker", func(a *ProducerServiceArgs) {
			a.CloudRun.Invokers = pulumi.ToStringArray([]string{"alice@example.com"})
		}, []string{"cloudRun.invokers[0]: must be an IAM member"}},
		{"egress both", func(a *ProducerServiceArgs) {
			a.CloudRun.VpcEgress = &VpcEgressArgs{Network: pulumi.String("n"), Subnetwork: pulumi.String("s"), Connector: pulumi.String("c")}
		}, []string{"cloudRun.vpcEgress: give either network and subnetwork"}},
		{"egress half", func(a *ProducerServiceArgs) { a.CloudRun.VpcEgress = &VpcEgressArgs{Network: pulumi.String("n")} }, []string{"cloudRun.vpcEgress: Direct VPC egress needs both"}},
		{"egress value", func(a *ProducerServiceArgs) {
			a.CloudRun.VpcEgress = &VpcEgressArgs{Connector: pulumi.String("c"), Egress: "SOME"}
		}, []string{"cloudRun.vpcEgress.egress"}},
		{"existing service with created-only options", func(a *ProducerServiceArgs) {
			a.CloudRun = CloudRunArgs{ExistingServiceName: "svc", DisableDefaultUrl: true}
		}, []string{"apply only to a service the component creates"}},
		{"bad hostname", func(a *ProducerServiceArgs) { a.Hostname = "Payment_API" }, []string{"hostname: must have at least two labels"}},
		{"hostname trailing dot", func(a *ProducerServiceArgs) { a.Hostname = "payment-api.internal." }, []string{"hostname: write the hostname without a trailing dot"}},
		{"subnet neither", func(a *ProducerServiceArgs) { a.NatSubnet = SubnetArgs{} }, []string{"natSubnet: give exactly one of ipCidrRange"}},
		{"subnet both", func(a *ProducerServiceArgs) { a.NatSubnet.SelfLink = pulumi.String("x") }, []string{"natSubnet: give exactly one"}},
		{"cidr syntax", func(a *ProducerServiceArgs) { a.LoadBalancerSubnet.IpCidrRange = "10.10.0.0" }, []string{"loadBalancerSubnet.ipCidrRange: must be an IPv4 range"}},
		{"cidr not network address", func(a *ProducerServiceArgs) { a.LoadBalancerSubnet.IpCidrRange = "10.10.0.5/24" }, []string{"did you mean 10.10.0.0/24"}},
		{"proxy subnet too small", func(a *ProducerServiceArgs) { a.ProxyOnlySubnet.IpCidrRange = "10.129.0.0/27" }, []string{"proxyOnlySubnet.ipCidrRange: a proxy-only subnet must be /26 or larger"}},
		{"overlap", func(a *ProducerServiceArgs) { a.NatSubnet.IpCidrRange = "10.10.0.16/28" }, []string{"natSubnet.ipCidrRange: 10.10.0.16/28 overlaps loadBalancerSubnet.ipCidrRange 10.10.0.0/24"}},
		{"additional NAT subnet neither", func(a *ProducerServiceArgs) { a.AdditionalNatSubnets = []SubnetArgs{{IpCidrRange: "10.21.0.0/29"}, {}} },
			[]string{"additionalNatSubnets[1]: give exactly one of ipCidrRange"}},
		{"additional NAT subnet overlaps", func(a *ProducerServiceArgs) { a.AdditionalNatSubnets = []SubnetArgs{{IpCidrRange: "10.20.0.8/29"}} },
			[]string{"additionalNatSubnets[0].ipCidrRange: 10.20.0.8/29 overlaps natSubnet.ipCidrRange 10.20.0.0/28"}},
		{"lb ip outside subnet", func(a *ProducerServiceArgs) { a.LoadBalancerIp = "10.99.0.5" }, []string{"loadBalancerIp: 10.99.0.5 is not inside the subnet range 10.10.0.0/24"}},
		{"lb ip reserved", func(a *ProducerServiceArgs) { a.LoadBalancerIp = "10.10.0.1" }, []string{"loadBalancerIp: 10.10.0.1 is reserved"}},
		{"tls empty", func(a *ProducerServiceArgs) { a.Tls = &TlsArgs{} }, []string{"tls: give exactly one of certificatePem and privateKeyPem (a self-managed certificate), certificateManagerCertificates"}},
		{"tls cert without key", func(a *ProducerServiceArgs) { a.Tls = &TlsArgs{CertificatePem: pulumi.String(certPEM)} }, []string{"tls.privateKeyPem: is required with tls.certificatePem"}},
		{"tls key without cert", func(a *ProducerServiceArgs) { a.Tls = &TlsArgs{PrivateKeyPem: pulumi.String(keyPEM)} }, []string{"tls.certificatePem: is required with tls.privateKeyPem"}},
		{"tls both kinds", func(a *ProducerServiceArgs) {
			a.Tls = &TlsArgs{CertificatePem: pulumi.String(certPEM), PrivateKeyPem: pulumi.String(keyPEM), CertificateManagerCertificates: pulumi.ToStringArray([]string{"x"})}
		}, []string{"tls: give exactly one of"}},
		{"tls managed and existing", func(a *ProducerServiceArgs) {
			a.Hostname = "payments.example.com"
			a.Tls = &TlsArgs{Managed: &ManagedCertificateArgs{}, CertificateManagerCertificates: pulumi.ToStringArray([]string{"projects/p/locations/europe-west1/certificates/c"})}
		}, []string{"tls: give exactly one of", "managed (a Google-managed certificate the component creates)"}},
		{"tls managed for an internal hostname", func(a *ProducerServiceArgs) { a.Tls = &TlsArgs{Managed: &ManagedCertificateArgs{}} },
			[]string{`hostname: is the domain of the managed certificate (tls.managed.domains is unset): "payment-api.internal" is under .internal, a special-use name no public certificate authority issues for`}},
		{"tls managed without hostname or domains", func(a *ProducerServiceArgs) {
			a.Hostname = ""
			a.Tls = &TlsArgs{Managed: &ManagedCertificateArgs{}}
		}, []string{"tls.managed.domains: is required without hostname"}},
		{"tls managed domain shapes", func(a *ProducerServiceArgs) {
			a.Hostname = "api.example.com"
			a.Tls = &TlsArgs{Managed: &ManagedCertificateArgs{Domains: []string{"api.example.com", "a.*.example.com", "Example.COM", "svc.local", "api.example.com", "example.com."}}}
		}, []string{`tls.managed.domains[1]: must be a fully qualified DNS name`, `tls.managed.domains[2]: must be a fully qualified DNS name`,
			`tls.managed.domains[3]: "svc.local" is under .local`, `tls.managed.domains[4]: "api.example.com" is also tls.managed.domains[0]`,
			`tls.managed.domains[5]: must be a fully qualified DNS name`}},
		{"tls managed domains miss hostname", func(a *ProducerServiceArgs) {
			a.Hostname = "api.eu.example.com"
			a.Tls = &TlsArgs{Managed: &ManagedCertificateArgs{Domains: []string{"example.com", "*.example.com"}}}
		}, []string{`tls.managed.domains: example.com, *.example.com do not cover hostname "api.eu.example.com"`}},
		{"tls cert for another host", func(a *ProducerServiceArgs) {
			a.Tls = &TlsArgs{CertificatePem: pulumi.String(otherCert), PrivateKeyPem: pulumi.String(keyPEM)}
		}, []string{`tls.certificatePem: does not cover hostname "payment-api.internal"`}},
		{"tls key mismatch", func(a *ProducerServiceArgs) {
			a.Tls = &TlsArgs{CertificatePem: pulumi.String(certPEM), PrivateKeyPem: pulumi.String(otherKey)}
		}, []string{"tls.privateKeyPem: is not a PEM private key matching tls.certificatePem"}},
		{"tls not pem", func(a *ProducerServiceArgs) {
			a.Tls = &TlsArgs{CertificatePem: pulumi.String("hello"), PrivateKeyPem: pulumi.String(keyPEM)}
		}, []string{"tls.certificatePem: must be a PEM certificate"}},
		{"certificate manager global", func(a *ProducerServiceArgs) {
			a.Tls = &TlsArgs{CertificateManagerCertificates: pulumi.ToStringArray([]string{"projects/p/locations/global/certificates/c"})}
		}, []string{"tls.certificateManagerCertificates[0]: a regional load balancer needs a regional certificate"}},
		{"consumer neither kind", func(a *ProducerServiceArgs) { a.Consumers = []ConsumerAcceptArgs{{}} }, []string{"consumers[0]: give exactly one of projectIdOrNum and networkUrl"}},
		{"consumer limit", func(a *ProducerServiceArgs) { a.Consumers[0].ConnectionLimit = pulumi.IntRef(-1) }, []string{"consumers[0].connectionLimit: must be at least 1"}},
		{"mixed kinds", func(a *ProducerServiceArgs) {
			a.Consumers = append(a.Consumers, ConsumerAcceptArgs{NetworkUrl: pulumi.String("projects/c/global/networks/vpc")})
		}, []string{"consumers: all accept-list entries must be of one kind, projects or networks: projects at consumers[0], networks at consumers[1]"}},
		{"bad network url", func(a *ProducerServiceArgs) { a.Consumers = []ConsumerAcceptArgs{{NetworkUrl: pulumi.String("vpc")}} }, []string{"consumers[0].networkUrl: must be a network URL"}},
		{"accepted and rejected", func(a *ProducerServiceArgs) { a.RejectedConsumers = pulumi.ToStringArray([]string{"consumer-prj"}) }, []string{`rejectedConsumers[0]: "consumer-prj" is also accepted at consumers[0]`}},
		{"rejected twice", func(a *ProducerServiceArgs) {
			a.RejectedConsumers = pulumi.ToStringArray([]string{"evil-prj", "evil-prj"})
		}, []string{`rejectedConsumers: lists "evil-prj" twice`}},
		{"automatic with lists", func(a *ProducerServiceArgs) { a.AcceptAllConsumers = true }, []string{"acceptAllConsumers: cannot be combined with consumers"}},
		{"consumer stack without name", func(a *ProducerServiceArgs) { a.ConsumerStacks = []ConsumerStackArgs{{}} }, []string{"consumerStacks[0].stack: is required"}},
		{"consumer stack by network mixed", func(a *ProducerServiceArgs) {
			a.ConsumerStacks = []ConsumerStackArgs{{Stack: "o/p/s", Output: "consumerNetwork"}}
		}, []string{"networks at consumerStacks[0]"}},
		{"domain name without dot", func(a *ProducerServiceArgs) { a.DomainNames = []string{"payments.example.com"} }, []string{"domainNames[0]: must end with a dot"}},
		{"two domain names", func(a *ProducerServiceArgs) { a.DomainNames = []string{"payments.example.com.", "pay.example.com."} },
			[]string{"domainNames: lists 2 domains, but a service attachment takes at most one"}},
		{"propagated limit", func(a *ProducerServiceArgs) { a.PropagatedConnectionLimit = pulumi.IntRef(-1) }, []string{"propagatedConnectionLimit: must be 0 or more"}},
		{"consumer limit zero", func(a *ProducerServiceArgs) {
			a.Consumers = append(a.Consumers, ConsumerAcceptArgs{ProjectIdOrNum: pulumi.String("other-prj"), ConnectionLimit: pulumi.IntRef(0)})
		}, []string{"consumers[1].connectionLimit: must be at least 1, got 0"}},
		{"consumer stack limit zero", func(a *ProducerServiceArgs) {
			a.ConsumerStacks = []ConsumerStackArgs{{Stack: "o/p/s", ConnectionLimit: pulumi.IntRef(0)}}
		}, []string{"consumerStacks[0].connectionLimit: must be at least 1, got 0"}},
		{"accept list over Google's limit", func(a *ProducerServiceArgs) {
			a.NatSubnet.IpCidrRange = "10.16.0.0/12"
			for i := range 5000 {
				a.Consumers = append(a.Consumers, ConsumerAcceptArgs{ProjectIdOrNum: pulumi.String(fmt.Sprintf("c-prj-%05d", i))})
			}
		}, []string{"consumers: the accept list would hold 5001 entries; a service attachment's accept list holds at most 5000"}},
		{"accept list over Google's limit with the stacks", func(a *ProducerServiceArgs) {
			a.NatSubnet.IpCidrRange = "10.16.0.0/12"
			for i := range 4999 {
				a.Consumers = append(a.Consumers, ConsumerAcceptArgs{ProjectIdOrNum: pulumi.String(fmt.Sprintf("c-prj-%05d", i))})
			}
			a.ConsumerStacks = []ConsumerStackArgs{{Stack: "o/p/s1"}, {Stack: "o/p/s2"}}
		}, []string{"consumerStacks: the accept list would hold 5002 entries (5000 from consumers, 2 from consumerStacks)"}},
		{"reject list over Google's limit", func(a *ProducerServiceArgs) {
			for i := range 65 {
				a.RejectedConsumers = append(a.RejectedConsumers, pulumi.String(fmt.Sprintf("r-prj-%05d", i)))
			}
		}, []string{"rejectedConsumers: lists 65 consumers; a service attachment's reject list holds at most 64"}},
		{"nat too small for the consumers", func(a *ProducerServiceArgs) {
			a.NatSubnet.IpCidrRange = "10.20.0.0/29"
			for _, c := range []string{"b-prj-01", "c-prj-01", "d-prj-01", "e-prj-01"} {
				a.Consumers = append(a.Consumers, ConsumerAcceptArgs{ProjectIdOrNum: pulumi.String(c)})
			}
		}, []string{"natSubnet.ipCidrRange: 10.20.0.0/29 holds 4 endpoint connections (one NAT address each), fewer than the 5 accepted consumers"}},
		{"image with uppercase path", func(a *ProducerServiceArgs) {
			a.CloudRun.Image = pulumi.String("europe-docker.pkg.dev/p/r/Payments:1.0")
		}, []string{"cloudRun.image: must be a container image reference"}},
		{"image with empty tag", func(a *ProducerServiceArgs) { a.CloudRun.Image = pulumi.String("nginx:") }, []string{"cloudRun.image"}},
		{"image with a space", func(a *ProducerServiceArgs) { a.CloudRun.Image = pulumi.String("gcr.io/p/app :1") }, []string{"cloudRun.image"}},
		// Shapes (shapes.go): every input that names something is checked for its form.
		{"network shape", func(a *ProducerServiceArgs) { a.Network = pulumi.String("projects/p/networks/vpc") }, []string{"network: must be a VPC network"}},
		{"service account shape", func(a *ProducerServiceArgs) { a.CloudRun.ServiceAccount = pulumi.String("payments-sa") }, []string{"cloudRun.serviceAccount: must be a service account email"}},
		{"connector shape", func(a *ProducerServiceArgs) {
			a.CloudRun.VpcEgress = &VpcEgressArgs{Connector: pulumi.String("projects/p/regions/r/connectors/c")}
		}, []string{"cloudRun.vpcEgress.connector: must be a Serverless VPC Access connector"}},
		{"egress subnetwork shape", func(a *ProducerServiceArgs) {
			a.CloudRun.VpcEgress = &VpcEgressArgs{Network: pulumi.String("producer-vpc"), Subnetwork: pulumi.String("Apps_1")}
		}, []string{"cloudRun.vpcEgress.subnetwork: must be a subnet"}},
		{"ssl policy shape", func(a *ProducerServiceArgs) {
			a.Tls = &TlsArgs{CertificatePem: pulumi.String(certPEM), PrivateKeyPem: pulumi.String(keyPEM), SslPolicy: pulumi.String("projects/p/global/sslPolicies/modern")}
		}, []string{"tls.sslPolicy: is a global SSL policy, but the regional internal Application Load Balancer's proxy takes a regional one"}},
		{"ssl policy not a policy", func(a *ProducerServiceArgs) {
			a.Tls = &TlsArgs{CertificatePem: pulumi.String(certPEM), PrivateKeyPem: pulumi.String(keyPEM), SslPolicy: pulumi.String("projects/p/regions/europe-west1/securityPolicies/armor")}
		}, []string{"tls.sslPolicy: must be an SSL policy"}},
		{"consumer stack shape", func(a *ProducerServiceArgs) { a.ConsumerStacks = []ConsumerStackArgs{{Stack: "payments consumer"}} }, []string{"consumerStacks[0].stack: must be a fully qualified stack name"}},
		{"rejected consumer shape", func(a *ProducerServiceArgs) { a.RejectedConsumers = pulumi.ToStringArray([]string{"Bad Project"}) }, []string{"rejectedConsumers[0]: must be a project id"}},
		// Caller identity, backend controls, labels (producer_callerauth.go, producer_backend.go, labels.go).
		{"caller auth value", func(a *ProducerServiceArgs) { a.CloudRun.CallerAuth = "none" }, []string{"cloudRun.callerAuth: must be iam"}},
		{"network auth with invokers", func(a *ProducerServiceArgs) {
			a.CloudRun.CallerAuth = "network"
			a.CloudRun.Invokers = pulumi.ToStringArray([]string{"user:alice@partner.example"})
		}, []string{"cloudRun.invokers: apply only with callerAuth iam"}},
		{"network auth with allowUnauthenticated", func(a *ProducerServiceArgs) {
			a.CloudRun.CallerAuth, a.CloudRun.AllowUnauthenticated = "network", true
		}, []string{"cloudRun.allowUnauthenticated: applies only with callerAuth iam"}},
		{"network auth with audiences", func(a *ProducerServiceArgs) {
			a.CloudRun.CallerAuth, a.CloudRun.CustomAudiences = "network", pulumi.ToStringArray([]string{"https://x"})
		}, []string{"cloudRun.customAudiences: apply only with callerAuth iam"}},
		{"network auth on an existing service", func(a *ProducerServiceArgs) {
			a.CloudRun = CloudRunArgs{ExistingServiceName: "svc", CallerAuth: "network"}
		}, []string{"cloudRun.callerAuth: network applies only to a service the component creates"}},
		{"organization domain", func(a *ProducerServiceArgs) { a.CloudRun.OrganizationDomain = "acme" }, []string{"cloudRun.organizationDomain: must be a domain"}},
		{"global security policy", func(a *ProducerServiceArgs) {
			a.BackendService = &BackendServiceArgs{SecurityPolicy: pulumi.String("projects/p/global/securityPolicies/edge")}
		}, []string{"backendService.securityPolicy: is a global Cloud Armor policy"}},
		{"security policy shape", func(a *ProducerServiceArgs) {
			a.BackendService = &BackendServiceArgs{SecurityPolicy: pulumi.String("projects/p/regions/europe-west1/sslPolicies/x")}
		}, []string{"backendService.securityPolicy: must be a regional Cloud Armor policy"}},
		{"log sample rate", func(a *ProducerServiceArgs) {
			a.BackendService = &BackendServiceArgs{LogConfig: &BackendLogConfigArgs{SampleRate: pulumi.Float64Ref(1.5)}}
		}, []string{"backendService.logConfig.sampleRate: must be between 0 and 1"}},
		{"log sample rate without logging", func(a *ProducerServiceArgs) {
			a.BackendService = &BackendServiceArgs{LogConfig: &BackendLogConfigArgs{Enable: pulumi.BoolRef(false), SampleRate: pulumi.Float64Ref(0.5)}}
		}, []string{"backendService.logConfig.sampleRate: applies only with logging enabled"}},
		{"timeout", func(a *ProducerServiceArgs) { a.BackendService = &BackendServiceArgs{TimeoutSec: pulumi.IntRef(0)} }, []string{"backendService.timeoutSec: must be between 1 and 2147483647"}},
		{"empty outlier detection", func(a *ProducerServiceArgs) {
			a.BackendService = &BackendServiceArgs{OutlierDetection: &OutlierDetectionArgs{}}
		}, []string{"backendService.outlierDetection: set at least one field"}},
		{"outlier detection ranges", func(a *ProducerServiceArgs) {
			a.BackendService = &BackendServiceArgs{OutlierDetection: &OutlierDetectionArgs{
				MaxEjectionPercent: pulumi.IntRef(101), ConsecutiveErrors: pulumi.IntRef(-1), Interval: &DurationArgs{Seconds: 1, Nanos: 1e9},
			}}
		}, []string{"backendService.outlierDetection.maxEjectionPercent: must be a percentage", "backendService.outlierDetection.consecutiveErrors: must be 0 or more",
			"backendService.outlierDetection.interval.nanos: must be between 0 and 999999999"}},
		{"label key", func(a *ProducerServiceArgs) { a.Labels = map[string]string{"Team": "payments"} }, []string{`labels["Team"]: a label key must start with a lowercase letter`}},
		{"label value", func(a *ProducerServiceArgs) { a.Labels = map[string]string{"team": "Payments API"} }, []string{`labels["team"]: a label value must hold`}},
		{"managed-by label", func(a *ProducerServiceArgs) { a.Labels = map[string]string{"managed-by": "me"} }, []string{`labels["managed-by"]: is set by the component`}},
	}
	runProducerCases(t, cases, newFakeCloud, assertRefused)
	runProducerCases(t, producerLookupCases(), producerCloud, assertRefusedAfterLookup)
}

// producerCase is an invalid change to producerArgs and the fragments its refusal must name.
type producerCase struct {
	name   string
	mutate func(a *ProducerServiceArgs)
	want   []string
}

// runRefusedCases runs each case in parallel: producerArgs changed by it is refused at preview,
// naming every fragment, with nothing created.
func runRefusedCases(t *testing.T, cases []producerCase) {
	t.Helper()
	runProducerCases(t, cases, newFakeCloud, assertRefused)
}

// runProducerCases runs each case in parallel in a cloud of its own, and checks the refusal with
// refused.
func runProducerCases(t *testing.T, cases []producerCase, cloud func() *fakeCloud, refused func(*testing.T, *fakeCloud, error, ...string)) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := producerArgs()
			tc.mutate(args)
			f := cloud()
			err := f.Run(func(ctx *pulumi.Context) error {
				_, err := NewProducerService(ctx, "payments", args)
				return err
			})
			refused(t, f, err, append([]string{`invalid ProducerService "payments"`}, tc.want...)...)
		})
	}
}

func TestProducerValidationReportsEveryProblem(t *testing.T) {
	t.Parallel()
	a := producerArgs()
	a.Region = "mars"
	a.LoadBalancerSubnet.IpCidrRange = "300.0.0.0/24"
	a.Consumers[0].ConnectionLimit = pulumi.IntRef(-5)
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		_, err := NewProducerService(ctx, "Payments", a)
		return err
	})
	assertRefused(t, f, err, "name: must start with a lowercase letter", "region:", "loadBalancerSubnet.ipCidrRange:",
		"consumers[0].connectionLimit:")
}

func TestProducerRegionFromConfigIsRequired(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	f.Config = nil
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewProducerService(ctx, "payments", producerArgs())
		return err
	}, pulumi.WithMocks("project", "stack", f))
	assertRefusedAfterLookup(t, f, err, "region: is required: set it, or give the component's gcp provider a region (the gcp:region configuration")
}

// A ProducerService's Cloud Run service is named <name>-run-1a2b3c4, and Cloud Run names stop at
// 49 characters: a 38-character name once passed validation and failed at preview on the child,
// without naming the input.
func TestProducerNameTooLong(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		_, err := NewProducerService(ctx, strings.Repeat("a", 38), producerArgs())
		return err
	})
	assertRefused(t, f, err, "name: must be at most 37 characters so that child resource names fit Cloud Run's 49-character limit")

	f = newFakeCloud()
	err = f.Run(func(ctx *pulumi.Context) error {
		_, err := NewProducerService(ctx, strings.Repeat("a", 37), producerArgs())
		return err
	})
	if err != nil {
		t.Fatalf("a 37-character name fits: %v", err)
	}
	if svc := f.One(t, typeService); len(svc.Name)+len("-1a2b3c4") != 49 {
		t.Errorf("Cloud Run service %s will be %d characters once auto-named, want exactly Cloud Run's 49", svc.Name, len(svc.Name)+8)
	}
}

// assertRefused checks that err names every wanted fragment and that nothing was registered.
func assertRefused(t *testing.T, f *fakeCloud, err error, want ...string) {
	t.Helper()
	assertErrorNames(t, err, want...)
	if all := f.All(); len(all) != 0 {
		t.Errorf("invalid input must create nothing, got %d registrations (first %s %s)", len(all),
			all[0].Type, all[0].Name)
	}
}

func TestImageReferences(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"nginx", "nginx:1.27", "library/nginx:latest", "localhost:5000/app", "gcr.io/p/app@sha256:" + strings.Repeat("a", 64),
		"europe-docker.pkg.dev/acme/payments/api:1.4.2", "us-docker.pkg.dev/cloudrun/container/hello", "ghcr.io/o/a_b.c-d:v1_2@sha256:" + strings.Repeat("0", 64)} {
		if !imageRe.MatchString(ok) {
			t.Errorf("%q must be accepted", ok)
		}
	}
	for _, bad := range []string{"", "Nginx", "nginx:", "gcr.io/p/App:1", "gcr.io//app", "app:tag with space", "app@sha256:12", "-app", "app/"} {
		if imageRe.MatchString(bad) {
			t.Errorf("%q must be refused", bad)
		}
	}
}

func TestConnectionLimitDefaultsOnlyWhenUnset(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.Consumers = append(args.Consumers, ConsumerAcceptArgs{ProjectIdOrNum: pulumi.String("other-prj"), ConnectionLimit: pulumi.IntRef(3)})
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var limits []float64
	for _, e := range input(f.One(t, typeAttachment), "consumerAcceptLists").ArrayValue() {
		limits = append(limits, e.ObjectValue()["connectionLimit"].NumberValue())
	}
	if len(limits) != 2 || limits[0] != 10 || limits[1] != 3 {
		t.Errorf("connection limits = %v, want [10 3] (the default for the unset one)", limits)
	}
}

// assertErrorNames checks that err names every wanted fragment.
func assertErrorNames(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error containing %q, got none", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not contain %q:\n%v", w, err)
		}
	}
}

// The NAT subnets hold one address per connected endpoint; the accept list allows up to the sum
// of its connectionLimits, and a warning says so when that is more than the subnets hold.
func TestNatLimitWarning(t *testing.T) {
	t.Parallel()
	a := producerArgs() // one consumer, connectionLimit 10 by default
	a.ConsumerStacks = []ConsumerStackArgs{{Stack: "acme/c/prod", ConnectionLimit: pulumi.IntRef(5)}}
	w := a.withDefaults()
	if got := w.natLimitWarning(12); !strings.Contains(got, "the NAT subnets hold 12 endpoint connections (one NAT address each), fewer than the 15 the accept list allows (the sum of its connectionLimits)") {
		t.Errorf("warning with 12 addresses = %q", got)
	}
	if got := w.natLimitWarning(15); got != "" {
		t.Errorf("warning with room for every allowed endpoint = %q, want none", got)
	}
	w.AcceptAllConsumers, w.Consumers, w.ConsumerStacks = true, nil, nil
	if got := w.natLimitWarning(4); got != "" {
		t.Errorf("warning with acceptAllConsumers (no limits) = %q, want none", got)
	}
}

// The keys of additionalNatSubnets name their subnets: required on the ones the component
// creates, unique, short enough for the subnet's name, and only there.
func TestSubnetKeys(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		mutate func(a *ProducerServiceArgs)
		want   string
	}{
		"missing": {func(a *ProducerServiceArgs) { a.AdditionalNatSubnets = []SubnetArgs{{IpCidrRange: "10.21.0.0/29"}} },
			"additionalNatSubnets[0].key: is required for a NAT subnet the component creates"},
		"twice": {func(a *ProducerServiceArgs) {
			a.AdditionalNatSubnets = []SubnetArgs{{IpCidrRange: "10.21.0.0/29", Key: "b"}, {IpCidrRange: "10.21.0.8/29", Key: "b"}}
		}, `additionalNatSubnets[1].key: "b" is also the key of additionalNatSubnets[0]`},
		"shape": {func(a *ProducerServiceArgs) {
			a.AdditionalNatSubnets = []SubnetArgs{{IpCidrRange: "10.21.0.0/29", Key: "B_2"}}
		},
			`additionalNatSubnets[0].key: must start with a lowercase letter`},
		"too long": {func(a *ProducerServiceArgs) {
			a.AdditionalNatSubnets = []SubnetArgs{{IpCidrRange: "10.21.0.0/29", Key: strings.Repeat("k", 43)}}
		}, "additionalNatSubnets[0].key: must be at most 42 characters"},
		"elsewhere": {func(a *ProducerServiceArgs) { a.NatSubnet.Key = "a" },
			"natSubnet.key: applies only to additionalNatSubnets entries the component creates"},
	} {
		a := producerArgs()
		tc.mutate(a)
		w := a.withDefaults()
		if err := w.validate("payments"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}
