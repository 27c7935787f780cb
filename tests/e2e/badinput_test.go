package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// The bad-input battery: invalid configurations of the three components, each tried through the
// real engine against the simulator in Go (pkg/psc, natively) and in TypeScript (the generated
// Node SDK, served by the provider plugin; testdata/badinput.ts). Both languages read the same
// JSON arguments from one table (badCases). Every case must be refused at preview with a message
// that names the input, and an up of the Go variant must fail the same way and leave the
// simulator as the fixture left it: previews never create, so only the up shows that nothing
// is created.

// obj is a JSON object of component arguments.
type obj = map[string]any

const (
	badProject = "badinput-prj"
	badModule  = "tests/e2e/testdata/badinput.ts"
	computeV1  = "https://www.googleapis.com/compute/v1/projects/" + badProject + "/"
)

// The fixture: the existing resources some cases name, created by a stack of its own first.
const (
	fxVPC         = computeV1 + "global/networks/bad-vpc"
	fxRegular     = computeV1 + "regions/europe-west1/subnetworks/bad-regular" // 10.0.0.0/24
	fxProxy       = computeV1 + "regions/europe-west1/subnetworks/bad-proxy"   // active proxy-only
	fxNatUS       = computeV1 + "regions/us-central1/subnetworks/bad-nat-us"   // PSC NAT, other region
	fxConsumerVPC = computeV1 + "global/networks/bad-consumer-vpc"
	fxApps        = computeV1 + "regions/europe-west1/subnetworks/bad-apps"     // 192.168.10.0/24
	fxAppsUS      = computeV1 + "regions/us-central1/subnetworks/bad-apps-us"   // other region
	fxConsumerNAT = computeV1 + "regions/europe-west1/subnetworks/bad-cons-nat" // PSC NAT
	fxMissing     = computeV1 + "regions/europe-west1/subnetworks/bad-gone"     // does not exist
	// The fixture stack, read as a producer's (its attachments, which need not exist for a
	// refusal) and as a consumer's (a consumerProject that is no project ID).
	fxStack      = "organization/badinput-fixture/dev"
	fxAttachment = "projects/" + producerProject + "/regions/" + region + "/serviceAttachments/payments"
)

// badInputFixture creates the fixture's two VPCs and six subnets, with fixed names so that the
// cases can name them by plain self links.
func badInputFixture(ctx *pulumi.Context) error {
	nets := map[string]*compute.Network{}
	for _, name := range []string{"bad-vpc", "bad-consumer-vpc"} {
		n, err := compute.NewNetwork(ctx, name, &compute.NetworkArgs{Name: pulumi.String(name), AutoCreateSubnetworks: pulumi.Bool(false)})
		if err != nil {
			return err
		}
		nets[name] = n
	}
	for _, s := range []struct{ name, network, region, cidr, purpose, role string }{
		{"bad-regular", "bad-vpc", region, "10.0.0.0/24", "", ""},
		{"bad-proxy", "bad-vpc", region, "10.129.0.0/23", "REGIONAL_MANAGED_PROXY", "ACTIVE"},
		{"bad-nat-us", "bad-vpc", "us-central1", "10.30.0.0/24", "PRIVATE_SERVICE_CONNECT", ""},
		{"bad-apps", "bad-consumer-vpc", region, "192.168.10.0/24", "", ""},
		{"bad-apps-us", "bad-consumer-vpc", "us-central1", "192.168.20.0/24", "", ""},
		{"bad-cons-nat", "bad-consumer-vpc", region, "192.168.30.0/24", "PRIVATE_SERVICE_CONNECT", ""},
	} {
		args := &compute.SubnetworkArgs{Name: pulumi.String(s.name), Network: nets[s.network].SelfLink,
			Region: pulumi.String(s.region), IpCidrRange: pulumi.String(s.cidr)}
		if s.purpose != "" {
			args.Purpose = pulumi.String(s.purpose)
		}
		if s.role != "" {
			args.Role = pulumi.String(s.role)
		}
		if _, err := compute.NewSubnetwork(ctx, s.name, args); err != nil {
			return err
		}
	}
	// What a producer's and a consumer's stacks export, for the cases that read another stack.
	ctx.Export("serviceAttachmentUri", pulumi.String(fxAttachment))
	ctx.Export("serviceAttachmentUris", pulumi.StringMap{region: pulumi.String(fxAttachment),
		"us-east1": pulumi.String("projects/" + producerProject + "/regions/us-east1/serviceAttachments/payments")})
	ctx.Export("primaryUri", pulumi.String(fxAttachment))
	ctx.Export("malformedUri", pulumi.String("projects/"+producerProject+"/serviceAttachments/payments"))
	ctx.Export("consumerProject", pulumi.String("Not_A_Project"))
	return nil
}

// badCase is one invalid configuration: a JSON merge patch (RFC 7386: objects merge, null
// deletes) over the valid base arguments of a component, and the input path the refusal must
// name, with a fragment of its reason.
type badCase struct {
	name      string // the case's name, also its stacks' names
	component string // ProducerService, ConsumerEndpoint or DnsBinding
	resName   string // the component's name; "bad" when empty
	patch     obj
	path      string // the input path the error must name at the start of a line
	reason    string
	opts      []pulumi.ResourceOption // of the Go program's component
	stack     string                  // the Go stack's name; go-<name> when empty
}

// badBases are valid arguments of each component: the cases start from them.
var badBases = map[string]obj{
	"ProducerService": {
		"network":            fxVPC,
		"cloudRun":           obj{"image": "europe-docker.pkg.dev/acme/payments/api:1.4.2"},
		"hostname":           "payment-api.internal",
		"loadBalancerSubnet": obj{"ipCidrRange": "10.10.0.0/24"},
		"proxyOnlySubnet":    obj{"selfLink": fxProxy}, // the fixture VPC's own
		"natSubnet":          obj{"ipCidrRange": "10.20.0.0/24"},
		"consumers":          []any{obj{"projectIdOrNum": consumerProject}},
	},
	"ConsumerEndpoint": {
		"network":           fxConsumerVPC,
		"subnetwork":        fxApps,
		"serviceAttachment": "projects/" + producerProject + "/regions/" + region + "/serviceAttachments/payments",
		"noAutomateDnsZone": true,
	},
	"DnsBinding": {
		"hostname":  "payment-api.internal",
		"ipAddress": "192.168.10.7",
		"networks":  []any{fxConsumerVPC},
		"protocol":  "HTTP",
	},
}

// regionSubnets are the subnets one entry of a ProducerService's regions creates, from a /16 prefix
// such as "10.110": the load balancer's /24, the proxy-only /23 and the NAT /24.
func regionSubnets(prefix string) obj {
	return obj{
		"loadBalancerSubnet": obj{"ipCidrRange": prefix + ".0.0/24"},
		"proxyOnlySubnet":    obj{"ipCidrRange": prefix + ".2.0/23"},
		"natSubnet":          obj{"ipCidrRange": prefix + ".4.0/24"},
	}
}

// twoRegions is the patch of a ProducerService in europe-west1 and us-east1 instead of the base's
// one region, with more changes to the arguments (more) and to the regions (regions: a nil entry
// removes a region).
func twoRegions(more, regions obj) obj {
	patch := obj{"loadBalancerSubnet": nil, "proxyOnlySubnet": nil, "natSubnet": nil,
		"regions": mergePatch(obj{"europe-west1": regionSubnets("10.110"), "us-east1": regionSubnets("10.120")}, regions)}
	maps.Copy(patch, more)
	return patch
}

// route is a ProducerService route with a created service (hosts nil and prefix "" leave them unset).
func route(key string, hosts []any, prefix string) obj {
	r := obj{"key": key, "cloudRun": obj{"image": "europe-docker.pkg.dev/acme/payments/admin:1"}}
	if hosts != nil {
		r["hosts"] = hosts
	}
	if prefix != "" {
		r["pathPrefix"] = prefix
	}
	return r
}

// badCases is the table both languages run.
func badCases(t *testing.T) []badCase {
	cert, key := psctest.SelfSignedCert(t, "payment-api.internal")
	otherCert, _ := psctest.SelfSignedCert(t, "other.internal")
	clientCA := psctest.NewCA(t, "bank clients").CertPEM
	projects := func(ids ...string) []any {
		out := []any{}
		for _, id := range ids {
			out = append(out, obj{"projectIdOrNum": id})
		}
		return out
	}
	const P, C, D = "ProducerService", "ConsumerEndpoint", "DnsBinding"
	return []badCase{
		// ProducerService: subnets.
		{name: "overlap-lb-nat", component: P, patch: obj{"natSubnet": obj{"ipCidrRange": "10.10.0.16/28"}},
			path: "natSubnet.ipCidrRange", reason: "overlaps loadBalancerSubnet.ipCidrRange 10.10.0.0/24"},
		{name: "overlap-lb-proxy", component: P, patch: obj{"proxyOnlySubnet": obj{"selfLink": nil, "ipCidrRange": "10.10.0.0/23"}},
			path: "proxyOnlySubnet.ipCidrRange", reason: "overlaps loadBalancerSubnet.ipCidrRange 10.10.0.0/24"},
		{name: "overlap-existing-subnet", component: P, patch: obj{"loadBalancerSubnet": obj{"ipCidrRange": "10.0.0.0/25"}},
			path: "loadBalancerSubnet.ipCidrRange", reason: "overlaps 10.0.0.0/24, the range of the VPC's subnet bad-regular"},
		{name: "nat-wrong-purpose", component: P, patch: obj{"natSubnet": obj{"ipCidrRange": nil, "selfLink": fxRegular}},
			path: "natSubnet.selfLink", reason: "is not a PSC NAT subnet (purpose PRIVATE_SERVICE_CONNECT)"},
		{name: "nat-other-region", component: P, patch: obj{"natSubnet": obj{"ipCidrRange": nil, "selfLink": fxNatUS}},
			path: "natSubnet.selfLink", reason: "is in region us-central1, not in europe-west1"},
		// getSubnetwork of a missing subnet fails as the data source does (FN-SUBNET-404).
		{name: "nat-missing", component: P, patch: obj{"natSubnet": obj{"ipCidrRange": nil, "selfLink": fxMissing}},
			path: "natSubnet.selfLink", reason: "subnetworks/bad-gone not found"},
		{name: "second-proxy-only", component: P, patch: obj{"proxyOnlySubnet": obj{"selfLink": nil, "ipCidrRange": "10.140.0.0/23"}},
			path: "proxyOnlySubnet.ipCidrRange", reason: "the VPC already has an active proxy-only subnet in europe-west1, bad-proxy"},
		{name: "proxy-wrong-purpose", component: P, patch: obj{"proxyOnlySubnet": obj{"selfLink": fxRegular}},
			path: "proxyOnlySubnet.selfLink", reason: "is not an active proxy-only subnet"},
		{name: "lb-subnet-special-purpose", component: P, patch: obj{"loadBalancerSubnet": obj{"ipCidrRange": nil, "selfLink": fxProxy}},
			path: "loadBalancerSubnet.selfLink", reason: "is not a regular subnet"},
		{name: "proxy-too-small", component: P, patch: obj{"proxyOnlySubnet": obj{"selfLink": nil, "ipCidrRange": "10.140.0.0/27"}},
			path: "proxyOnlySubnet.ipCidrRange", reason: "a proxy-only subnet must be /26 or larger"},
		{name: "nat-too-small", component: P, patch: obj{"natSubnet": obj{"ipCidrRange": "10.20.0.0/29"},
			"consumers": projects("bank-a-prj", "bank-b-prj", "bank-c-prj", "bank-d-prj", "bank-e-prj")},
			path: "natSubnet.ipCidrRange", reason: "holds 4 endpoint connections (one NAT address each), fewer than the 5 accepted consumers"},
		{name: "cidr-host-bits", component: P, patch: obj{"loadBalancerSubnet": obj{"ipCidrRange": "10.10.0.1/24"}},
			path: "loadBalancerSubnet.ipCidrRange", reason: "did you mean 10.10.0.0/24"},
		{name: "subnet-both-range-and-link", component: P, patch: obj{"natSubnet": obj{"selfLink": fxRegular}},
			path: "natSubnet", reason: "give exactly one of ipCidrRange (create the subnet) and selfLink"},
		{name: "lb-ip-outside-subnet", component: P, patch: obj{"loadBalancerIp": "10.99.0.5"},
			path: "loadBalancerIp", reason: "10.99.0.5 is not inside the subnet range 10.10.0.0/24"},
		// ProducerService: consumers.
		{name: "mixed-accept-kinds", component: P, patch: obj{"consumers": []any{obj{"projectIdOrNum": consumerProject},
			obj{"networkUrl": "projects/" + consumerProject + "/global/networks/consumer-vpc"}}},
			path: "consumers", reason: "all accept-list entries must be of one kind"},
		{name: "accepted-and-rejected", component: P, patch: obj{"rejectedConsumers": []any{consumerProject}},
			path: "rejectedConsumers[0]", reason: `"consumer-prj" is also accepted at consumers[0]`},
		{name: "connection-limit-zero", component: P, patch: obj{"consumers": []any{obj{"projectIdOrNum": consumerProject},
			obj{"projectIdOrNum": "bank-b-prj", "connectionLimit": 0}}},
			path: "consumers[1].connectionLimit", reason: "must be at least 1, got 0"},
		{name: "stack-connection-limit-zero", component: P, patch: obj{"consumerStacks": []any{obj{"stack": "acme/bank/prod", "connectionLimit": 0}}},
			path: "consumerStacks[0].connectionLimit", reason: "must be at least 1, got 0"},
		{name: "accept-all-with-lists", component: P, patch: obj{"acceptAllConsumers": true},
			path: "acceptAllConsumers", reason: "cannot be combined with consumers"},
		{name: "rejected-over-google-limit", component: P, patch: obj{"rejectedConsumers": numberedProjects("evil-prj-", 65)},
			path: "rejectedConsumers", reason: "lists 65 consumers; a service attachment's reject list holds at most 64"},
		{name: "rejected-not-a-project", component: P, patch: obj{"rejectedConsumers": []any{"Not A Project"}},
			path: "rejectedConsumers[0]", reason: "must be a project id"},
		{name: "attachment-name-too-long", component: P, patch: obj{"serviceAttachmentName": strings.Repeat("a", 64)},
			path: "serviceAttachmentName", reason: "must be at most 63 characters (service attachment name), got 64"},
		{name: "service-name-invalid", component: P, patch: obj{"cloudRun": obj{"image": "europe-docker.pkg.dev/acme/payments/api:1.0", "serviceName": "payments-"}},
			path: "cloudRun.serviceName", reason: "must be a Cloud Run service name"},
		{name: "domain-name-without-dot", component: P, patch: obj{"domainNames": []any{"payments.example.com"}},
			path: "domainNames[0]", reason: "must end with a dot"},
		// ProducerService: names, TLS, Cloud Run.
		{name: "producer-hostname-invalid", component: P, patch: obj{"hostname": "Payment_API.internal"},
			path: "hostname", reason: `label "Payment_API"`},
		{name: "component-name-invalid", component: P, resName: "Payments", patch: obj{},
			path: "name", reason: "must start with a lowercase letter"},
		{name: "region-invalid", component: P, patch: obj{"region": "Europe West"},
			path: "region", reason: "must be a Google Cloud region"},
		// ProducerService in several regions: the regional form's subnets are replaced by regions.
		{name: "regions-one", component: P, patch: twoRegions(nil, obj{"us-east1": nil}),
			path: "regions", reason: "lists one region, europe-west1: use the top-level subnets for one region, or list two or more"},
		{name: "regions-zone", component: P, patch: twoRegions(nil, obj{"us-east1": nil, "us-east1-b": regionSubnets("10.120")}),
			path: `regions["us-east1-b"]`, reason: `"us-east1-b" is a zone, not a region: key the entry by its region, us-east1`},
		{name: "regions-unknown", component: P, patch: twoRegions(nil, obj{"us-east1": nil, "mars-north1": regionSubnets("10.120")}),
			path: `regions["mars-north1"]`, reason: "is not a Compute Engine region"},
		{name: "regions-twice", component: P, patch: twoRegions(nil, obj{"Europe-West1": regionSubnets("10.130")}),
			path: `regions["europe-west1"]`, reason: `is the region of regions["Europe-West1"] too: list each region once`},
		{name: "regions-overlap", component: P, patch: twoRegions(nil, obj{"us-east1": regionSubnets("10.110")}),
			path: `regions["us-east1"].loadBalancerSubnet.ipCidrRange`, reason: `overlaps regions["europe-west1"].loadBalancerSubnet.ipCidrRange 10.110.0.0/24`},
		{name: "regions-primary-not-served", component: P, patch: twoRegions(obj{"region": "us-central1"}, nil),
			path: "region", reason: "which must be one of the regions offered: europe-west1, us-east1"},
		{name: "regions-cloud-armor", component: P, patch: twoRegions(obj{"backendService": obj{"securityPolicy": "armor"}}, nil),
			path: "backendService.securityPolicy", reason: "Cloud Armor covers the regional internal Application Load Balancer, not the cross-region one"},
		{name: "regions-global-access", component: P, patch: twoRegions(obj{"allowGlobalAccess": true}, nil),
			path: "allowGlobalAccess", reason: "reachable from every region of the VPC already"},
		{name: "regions-ssl-policy-regional", component: P,
			patch: twoRegions(obj{"tls": obj{"certificatePem": cert, "privateKeyPem": key, "sslPolicy": "projects/p/regions/europe-west1/sslPolicies/tls12"}}, nil),
			path:  "tls.sslPolicy", reason: "is a regional SSL policy, but the cross-region load balancer of regions takes a global one"},
		{name: "ssl-policy-global-without-regions", component: P,
			patch: obj{"tls": obj{"certificatePem": cert, "privateKeyPem": key, "sslPolicy": "projects/p/global/sslPolicies/tls12"}},
			path:  "tls.sslPolicy", reason: "is a global SSL policy, but the regional internal Application Load Balancer's proxy takes a regional one"},
		{name: "regions-ssl-policy-link-in-migration", component: P,
			patch: obj{"regions": obj{"europe-west1": regionSubnets("10.110"), "us-east1": regionSubnets("10.120")},
				"tls": obj{"certificatePem": cert, "privateKeyPem": key, "sslPolicy": "projects/p/global/sslPolicies/tls12"}},
			path: "tls.sslPolicy", reason: "must be the policy's name while both load balancers stand"},
		{name: "regions-top-level-domain-names", component: P, patch: twoRegions(obj{"domainNames": []any{"payments.example.com."}}, nil),
			path: "domainNames", reason: "give each region's attachment its own, regions[REGION].domainNames"},
		{name: "regions-domain-name-without-dot", component: P,
			patch: twoRegions(nil, obj{"us-east1": obj{"domainNames": []any{"us.payments.example.com"}}}),
			path:  `regions["us-east1"].domainNames[0]`, reason: "must end with a dot"},
		{name: "regions-attachment-name-invalid", component: P,
			patch: twoRegions(nil, obj{"us-east1": obj{"serviceAttachmentName": "Payments_PSC"}}),
			path:  `regions["us-east1"].serviceAttachmentName`, reason: "must be a service attachment name"},
		{name: "tls-certificate-without-key", component: P, patch: obj{"tls": obj{"certificatePem": cert}},
			path: "tls.privateKeyPem", reason: "is required with tls.certificatePem"},
		{name: "tls-certificate-for-another-host", component: P, patch: obj{"tls": obj{"certificatePem": otherCert, "privateKeyPem": key}},
			path: "tls.certificatePem", reason: `does not cover hostname "payment-api.internal"`},
		{name: "tls-certificate-manager-other-region", component: P,
			patch: obj{"tls": obj{"certificateManagerCertificates": []any{"projects/p/locations/us-east1/certificates/c"}}},
			path:  "tls.certificateManagerCertificates[0]", reason: "is in us-east1 but the load balancer is in europe-west1"},
		// Mutual TLS (producer_mtls_validate.go).
		{name: "tls-client-auth-no-anchors", component: P,
			patch: obj{"tls": obj{"certificatePem": cert, "privateKeyPem": key, "clientAuth": obj{"trustAnchorsPem": []any{}}}},
			path:  "tls.clientAuth.trustAnchorsPem", reason: "is required: at least one PEM certificate of a CA"},
		{name: "tls-client-auth-anchor-not-a-ca", component: P,
			patch: obj{"tls": obj{"certificatePem": cert, "privateKeyPem": key, "clientAuth": obj{"trustAnchorsPem": []any{otherCert}}}},
			path:  "tls.clientAuth.trustAnchorsPem[0]", reason: "is not a CA certificate"},
		{name: "tls-client-auth-mode", component: P,
			patch: obj{"tls": obj{"certificatePem": cert, "privateKeyPem": key, "clientAuth": obj{"trustAnchorsPem": []any{clientCA}, "mode": "OPTIONAL"}}},
			path:  "tls.clientAuth.mode", reason: "must be one of REJECT_INVALID, ALLOW_INVALID_OR_MISSING_CLIENT_CERT"},
		// Google-managed certificates (producer_managedcert.go).
		{name: "tls-managed-and-pem", component: P, patch: obj{"tls": obj{"managed": obj{}, "certificatePem": cert, "privateKeyPem": key}},
			path: "tls", reason: "give exactly one of certificatePem and privateKeyPem"},
		{name: "tls-managed-internal-hostname", component: P, patch: obj{"tls": obj{"managed": obj{}}},
			path: "hostname", reason: "is under .internal, a special-use name no public certificate authority issues for"},
		{name: "tls-managed-domain-misplaced-wildcard", component: P,
			patch: obj{"hostname": "payments.example.com", "tls": obj{"managed": obj{"domains": []any{"payments.example.com", "pay.*.example.com"}}}},
			path:  "tls.managed.domains[1]", reason: "must be a fully qualified DNS name"},
		{name: "tls-managed-domains-miss-hostname", component: P,
			patch: obj{"hostname": "payments.example.com", "tls": obj{"managed": obj{"domains": []any{"*.example.org"}}}},
			path:  "tls.managed.domains", reason: `do not cover hostname "payments.example.com"`},
		// Certificates issued by CA Service (producer_privateca.go).
		{name: "tls-private-pool-and-create", component: P,
			patch: obj{"tls": obj{"private": obj{"caPool": "projects/p/locations/europe-west1/caPools/internal", "createCa": obj{}}}},
			path:  "tls.private", reason: "give exactly one of caPool (the full ID of an existing CA Service pool) and createCa"},
		{name: "tls-private-neither", component: P, patch: obj{"tls": obj{"private": obj{}}},
			path: "tls.private", reason: "give exactly one of caPool"},
		{name: "tls-private-pool-malformed", component: P, patch: obj{"tls": obj{"private": obj{"caPool": "internal"}}},
			path: "tls.private.caPool", reason: "must be the full ID of a CA Service pool, projects/PROJECT/locations/REGION/caPools/NAME"},
		{name: "tls-private-pool-other-region", component: P,
			patch: obj{"tls": obj{"private": obj{"caPool": "projects/p/locations/us-east1/caPools/internal"}}},
			path:  "tls.private.caPool", reason: "is in us-east1, but the regional load balancer is in europe-west1"},
		{name: "tls-private-and-pem", component: P, patch: obj{"tls": obj{"private": obj{"createCa": obj{}}, "certificatePem": cert, "privateKeyPem": key}},
			path: "tls", reason: "or private (a certificate a CA Service pool issues)"},
		{name: "tls-private-and-managed", component: P, patch: obj{"tls": obj{"private": obj{"createCa": obj{}}, "managed": obj{}}},
			path: "tls", reason: "give exactly one of certificatePem and privateKeyPem"},
		{name: "image-invalid", component: P, patch: obj{"cloudRun": obj{"image": "Payments:latest"}},
			path: "cloudRun.image", reason: "must be a container image reference"},
		{name: "image-and-existing-service", component: P, patch: obj{"cloudRun": obj{"existingServiceName": "payments-live"}},
			path: "cloudRun", reason: "give exactly one of existingServiceName and image"},
		{name: "cpu-invalid", component: P, patch: obj{"cloudRun": obj{"cpu": "lots"}},
			path: "cloudRun.cpu", reason: "must be a CPU quantity"},
		{name: "memory-invalid", component: P, patch: obj{"cloudRun": obj{"memory": "512MB"}},
			path: "cloudRun.memory", reason: "must be a memory quantity"},
		{name: "container-port-out-of-range", component: P, patch: obj{"cloudRun": obj{"port": 70000}},
			path: "cloudRun.port", reason: "must be between 1 and 65535"},
		{name: "public-invoker", component: P, patch: obj{"cloudRun": obj{"invokers": []any{"allUsers"}}},
			path: "cloudRun.invokers[0]", reason: "allUsers makes the service public"},
		{name: "egress-connector-and-network", component: P,
			patch: obj{"cloudRun": obj{"vpcEgress": obj{"network": fxVPC, "subnetwork": fxRegular, "connector": "projects/p/locations/europe-west1/connectors/c"}}},
			path:  "cloudRun.vpcEgress", reason: "not both and not neither"},
		// Caller identity, backend controls, labels.
		{name: "caller-auth-invalid", component: P, patch: obj{"cloudRun": obj{"callerAuth": "anyone"}},
			path: "cloudRun.callerAuth", reason: `must be iam`},
		{name: "security-policy-global", component: P, patch: obj{"backendService": obj{"securityPolicy": "projects/" + badProject + "/global/securityPolicies/edge"}},
			path: "backendService.securityPolicy", reason: "is a global Cloud Armor policy"},
		{name: "log-sample-rate-out-of-range", component: P, patch: obj{"backendService": obj{"logConfig": obj{"sampleRate": 2.5}}},
			path: "backendService.logConfig.sampleRate", reason: "must be between 0 and 1"},
		{name: "outlier-detection-empty", component: P, patch: obj{"backendService": obj{"outlierDetection": obj{}}},
			path: "backendService.outlierDetection", reason: "set at least one field"},
		{name: "label-key-invalid", component: P, patch: obj{"labels": obj{"Team": "payments"}},
			path: `labels["Team"]`, reason: "a label key must start with a lowercase letter"},
		// Routes (producer_routes_validate.go).
		{name: "route-path-prefix-no-slash", component: P, patch: obj{"routes": []any{route("admin", nil, "admin")}},
			path: "routes[0].pathPrefix", reason: "must start with /"},
		{name: "route-host-invalid", component: P, patch: obj{"routes": []any{route("admin", []any{"Admin_Host"}, "")}},
			path: "routes[0].hosts[0]", reason: "must be a DNS name such as reports.internal"},
		{name: "route-hostname-root", component: P, patch: obj{"routes": []any{route("admin", nil, "")}},
			path: "routes[0]", reason: "host payment-api.internal and path prefix / are already served by the top-level cloudRun"},
		{name: "route-served-twice", component: P, patch: obj{"routes": []any{route("admin", nil, "/admin"), route("ops", nil, "/admin")}},
			path: "routes[1]", reason: "are already served by routes[0]"},
		{name: "route-key-invalid", component: P, patch: obj{"routes": []any{route("Admin", nil, "/admin")}},
			path: "routes[0].key", reason: "must start with a lowercase letter"},
		{name: "route-allow-unauthenticated", component: P,
			patch: obj{"routes": []any{obj{"key": "admin", "pathPrefix": "/admin", "cloudRun": obj{"image": "europe-docker.pkg.dev/acme/payments/admin:1", "allowUnauthenticated": true}}}},
			path:  "routes[0].cloudRun.allowUnauthenticated", reason: "is not offered on routes"},
		// ConsumerEndpoint.
		{name: "fixed-ip-outside-subnet", component: C, patch: obj{"ipAddress": "10.9.9.9"},
			path: "ipAddress", reason: "10.9.9.9 is not inside the subnet range 192.168.10.0/24"},
		{name: "fixed-ip-reserved", component: C, patch: obj{"ipAddress": "192.168.10.1"},
			path: "ipAddress", reason: "192.168.10.1 is reserved"},
		{name: "endpoint-region-not-attachment-region", component: C, patch: obj{"region": "us-central1"},
			path: "region", reason: "us-central1 differs from the service attachment's region europe-west1"},
		{name: "subnet-not-in-attachment-region", component: C, patch: obj{"subnetwork": fxAppsUS},
			path: "subnetwork", reason: "is in region us-central1, not in europe-west1, the service attachment's region"},
		{name: "subnet-nat-purpose", component: C, patch: obj{"subnetwork": fxConsumerNAT},
			path: "subnetwork", reason: "is not a regular subnet (purpose PRIVATE)"},
		{name: "subnet-missing", component: C, patch: obj{"subnetwork": fxMissing},
			path: "subnetwork", reason: "subnetworks/bad-gone not found"},
		{name: "subnet-of-another-vpc", component: C, patch: obj{"subnetwork": fxRegular},
			path: "subnetwork", reason: "belongs to the VPC " + fxVPC + ", not to the network " + fxConsumerVPC},
		{name: "attachment-uri-malformed", component: C, patch: obj{"serviceAttachment": "projects/producer-prj/serviceAttachments/payments"},
			path: "serviceAttachment", reason: "must be a service attachment URI"},
		{name: "attachment-uri-and-stack", component: C, patch: obj{"producerStack": "acme/payments-producer/prod"},
			path: "serviceAttachment", reason: "give exactly one of serviceAttachment"},
		{name: "attachment-neither", component: C, patch: obj{"serviceAttachment": nil},
			path: "serviceAttachment", reason: "give exactly one of serviceAttachment"},
		{name: "firewall-without-clients", component: C, patch: obj{"firewall": obj{}},
			path: "firewall", reason: "give clientRanges, clientTags or both"},
		{name: "firewall-port-zero", component: C, patch: obj{"firewall": obj{"clientTags": []any{"clients"}, "ports": []any{0}}},
			path: "firewall.ports[0]", reason: "must be between 1 and 65535"},
		{name: "firewall-range-host-bits", component: C, patch: obj{"firewall": obj{"clientRanges": []any{"10.0.0.1/8"}}},
			path: "firewall.clientRanges[0]", reason: "did you mean 10.0.0.0/8"},
		{name: "firewall-priority-out-of-range", component: C, patch: obj{"firewall": obj{"clientTags": []any{"clients"}, "priority": 70000}},
			path: "firewall.priority", reason: "must be between 0 and 65535"},
		{name: "directory-namespace-invalid", component: C, patch: obj{"serviceDirectoryRegistrations": obj{"namespace": "Partners"}},
			path: "serviceDirectoryRegistrations.namespace", reason: "must be a Service Directory namespace"},
		{name: "endpoint-name-invalid", component: C, patch: obj{"endpointName": "Orders_Endpoint"},
			path: "endpointName", reason: "must be a forwarding rule name"},
		{name: "producer-domain-without-dot", component: C, patch: obj{"producerDomainNames": []any{"p.acme.example"}},
			path: "producerDomainNames[0]", reason: "must end with a dot"},
		// Refusals that depend on what another stack holds: at preview too, and an up (which the
		// Automation API runs without a preview) refuses before creating anything.
		{name: "stack-region-not-served", component: C, patch: obj{"serviceAttachment": nil, "producerStack": fxStack, "subnetwork": fxAppsUS},
			path: "subnetwork", reason: "is in region us-central1, which is not a region the producer serves; producerStack \"" + fxStack + "\" offers europe-west1, us-east1"},
		{name: "stack-region-differs", component: C,
			patch: obj{"serviceAttachment": nil, "producerStack": fxStack, "producerStackOutput": "primaryUri", "subnetwork": fxAppsUS},
			path:  "subnetwork", reason: "is in region us-central1, but the service attachment is in europe-west1"},
		{name: "stack-output-missing", component: C, patch: obj{"serviceAttachment": nil, "producerStack": fxStack, "producerStackOutput": "nope"},
			path: "producerStack", reason: `stack "` + fxStack + `" has no string output "nope"`},
		{name: "stack-uri-malformed", component: C, patch: obj{"serviceAttachment": nil, "producerStack": fxStack, "producerStackOutput": "malformedUri"},
			path: `producerStack (output "malformedUri" of "` + fxStack + `")`, reason: "must be a service attachment URI"},
		{name: "stack-consumer-project-invalid", component: P, patch: obj{"consumerStacks": []any{obj{"stack": fxStack}}},
			path: "consumerStacks[0]", reason: `output "consumerProject" of stack "` + fxStack + `" must be a project id`},
		// DnsBinding.
		{name: "dns-hostname-invalid", component: D, patch: obj{"hostname": "payment_api.internal"},
			path: "hostname", reason: `label "payment_api"`},
		{name: "dns-hostname-outside-zone", component: D, patch: obj{"zoneDnsName": "corp.example."},
			path: "hostname", reason: `"payment-api.internal" is not inside the zone corp.example.`},
		{name: "dns-zone-without-dot", component: D, patch: obj{"zoneDnsName": "internal"},
			path: "zoneDnsName", reason: "must end with a dot"},
		{name: "dns-ttl-negative", component: D, patch: obj{"ttl": -1},
			path: "ttl", reason: "must be between 1 and 86400 seconds, got -1"},
		{name: "dns-protocol", component: D, patch: obj{"protocol": "FTP"},
			path: "protocol", reason: `must be HTTPS or HTTP, got "FTP"`},
		{name: "dns-without-networks", component: D, patch: obj{"networks": nil},
			path: "networks", reason: "is required when the component creates the zone"},
		{name: "dns-ip-malformed", component: D, patch: obj{"ipAddress": "not-an-ip"},
			path: "ipAddress", reason: "must be an IPv4 address"},
		{name: "dns-existing-zone-and-zone-name", component: D, patch: obj{"existingZoneName": "corp-zone", "zoneDnsName": "internal."},
			path: "zoneDnsName", reason: "applies only to a zone the component creates"},
		{name: "dns-hostname-claimed-by-automatic-dns", component: D, patch: obj{"automaticDnsDomains": []any{"internal."}},
			path: "hostname", reason: "which Private Service Connect's automatic DNS claims in the consumer VPC (automaticDnsDomains[0])"},
	}
}

// TestBadInput runs every case of badCases in Go and TypeScript; see the top of the file.
func TestBadInput(t *testing.T) {
	t.Parallel()
	world := harness.New(t, harness.GCP(), harness.CloudrunPSC(sdkVersion))
	fixture := world.GoStack("badinput-fixture", "dev", badInputFixture)
	fixture.Configure(badProject, region, nil)
	fixture.Up()
	fixtureCount := world.SimCount()
	if fixtureCount != 8 {
		t.Fatalf("the fixture holds %d resources, want 2 networks and 6 subnets: %v", fixtureCount, world.SimList())
	}

	// The base arguments are valid: each case fails for its own patch.
	for component := range badBases {
		t.Run("valid-"+component, func(t *testing.T) {
			t.Parallel()
			env := world.For(t)
			c := badCase{name: "valid-" + strings.ToLower(component), component: component, patch: obj{}}
			for _, st := range []*harness.Stack{c.goStack(t, env), c.nodeStack(t, env)} {
				st.Preview()
			}
		})
	}
	for _, c := range badCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := world.For(t)
			goSt, nodeSt := c.goStack(t, env), c.nodeStack(t, env)
			// The TypeScript preview runs beside the Go preview and up: each mostly waits for
			// its engine and plugins to start.
			ts := make(chan struct{})
			go func() {
				defer close(ts)
				c.assertRefused(t, nodeSt, harness.Preview)
			}()
			c.assertRefused(t, goSt, harness.Preview)
			c.assertRefused(t, goSt, harness.Up)
			<-ts
			if n := env.SimCount(); n != fixtureCount {
				t.Errorf("after the refused up the simulator holds %d resources, want the fixture's %d: %v", n, fixtureCount, env.SimList())
			}
		})
	}
}

// The existing-subnet checks must not take a producer's own subnets, from an earlier up, for a
// second proxy-only subnet or an overlapping range: after an up, a second preview and a refresh
// show no change and no error. Another producer in the same VPC and region is still refused,
// which shows that the checks did see the subnets.
func TestBadInputChecksSpareTheComponentsOwnSubnets(t *testing.T) {
	t.Parallel()
	env := harness.New(t, harness.GCP())
	fixture := env.GoStack("own-fixture", "dev", func(ctx *pulumi.Context) error {
		for _, vpc := range []string{"own-vpc", "own-vpc-2"} {
			if _, err := compute.NewNetwork(ctx, vpc, &compute.NetworkArgs{Name: pulumi.String(vpc), AutoCreateSubnetworks: pulumi.Bool(false)}); err != nil {
				return err
			}
		}
		return nil
	})
	fixture.Configure(badProject, region, nil)
	fixture.Up()
	// The producer creates all three subnets in a VPC it names by a plain self link, so every
	// check runs.
	ownSubnets := obj{"network": computeV1 + "global/networks/own-vpc", "proxyOnlySubnet": obj{"selfLink": nil, "ipCidrRange": "10.129.0.0/23"}}
	payments := badCase{name: "own-payments", component: "ProducerService", resName: "payments", patch: ownSubnets}
	prod := payments.goStack(t, env)
	if n := prod.Up().Count(harness.OpCreate, tSubnet); n != 3 {
		t.Fatalf("the producer created %d subnets, want 3", n)
	}
	assertConverged(t, prod)

	ledger := badCase{name: "own-ledger", component: "ProducerService", resName: "ledger", patch: ownSubnets,
		path: "proxyOnlySubnet.ipCidrRange", reason: "the VPC already has an active proxy-only subnet in europe-west1, payments-proxy-subnet-"}
	ledger.assertRefused(t, ledger.goStack(t, env), harness.Preview)
	ledger.path, ledger.reason = "loadBalancerSubnet.ipCidrRange", "10.10.0.0/24 overlaps 10.10.0.0/24, the range of the VPC's subnet payments-lb-subnet-"
	ledger.assertRefused(t, ledger.goStack(t, env), harness.Preview)

	// Renamed with an alias, the component keeps its subnets and knows them by the marker in
	// their description, not by a name pattern (which refused them before as overlapping).
	renamed := payments
	renamed.resName, renamed.stack = "payments-v2", "go-own-payments"
	renamed.opts = []pulumi.ResourceOption{pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String("payments")}})}
	prod = renamed.goStack(t, env)
	assertNoChanges(t, prod.Preview(), "the renamed producer")
	prod.Up()
	assertConverged(t, prod)

	// A transform that names the children gives the subnets names of their own; the next preview
	// still knows them. (pulumi:autonaming would too, but the simulator, like pulumi-go-provider's
	// Check, does not take the engine's autonaming options, so names stay the default there.)
	renamer := pulumi.Transforms([]pulumi.ResourceTransform{func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
		if a.Type != tSubnet {
			return nil
		}
		a.Props["name"] = pulumi.String("acme-" + strings.TrimPrefix(a.Name, "named-"))
		return &pulumi.ResourceTransformResult{Props: a.Props, Opts: a.Opts}
	}})
	own2 := obj{"network": computeV1 + "global/networks/own-vpc-2", "proxyOnlySubnet": obj{"selfLink": nil, "ipCidrRange": "10.129.0.0/23"}}
	named := badCase{name: "own-named", component: "ProducerService", resName: "named", patch: own2, opts: []pulumi.ResourceOption{renamer}}
	st := named.goStack(t, env)
	st.Up()
	assertNoChanges(t, st.Preview(), "the producer whose subnets a transform names")
	assertSubnetNames(t, env, "acme-")
	destroyAll(t, env, st, prod, fixture)
}

// assertSubnetNames checks that the subnets of own-vpc-2 were named with prefix, so that the
// default-name pattern cannot be what recognised them.
func assertSubnetNames(t *testing.T, env *harness.Env, prefix string) {
	t.Helper()
	n := 0
	for _, r := range env.SimList() {
		if r.Type == tSubnet && strings.Contains(r.Fields["network"], "own-vpc-2") {
			n++
			if name := r.ID[strings.LastIndex(r.ID, "/")+1:]; !strings.HasPrefix(name, prefix) {
				t.Errorf("subnet %s is not named %s…", r.ID, prefix)
			}
		}
	}
	if n != 3 {
		t.Errorf("own-vpc-2 holds %d subnets, want the producer's 3", n)
	}
}

// assertNoChanges checks that a preview plans no change (and so refused nothing).
func assertNoChanges(t *testing.T, s *harness.Summary, what string) {
	t.Helper()
	for _, step := range s.Steps {
		if step.Op != harness.OpSame && step.Op != harness.OpRead {
			t.Errorf("%s: the preview plans %s %s, want no change", what, step.Op, step.URN)
		}
	}
}

// args returns the case's component arguments as JSON: its patch over the component's base.
func (c badCase) args(t *testing.T) []byte {
	t.Helper()
	raw, err := json.Marshal(mergePatch(badBases[c.component], c.patch))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func (c badCase) componentName() string {
	if c.resName != "" {
		return c.resName
	}
	return "bad"
}

// goStack is the case as a Go program that builds the component with pkg/psc from the JSON
// arguments.
func (c badCase) goStack(t *testing.T, env *harness.Env) *harness.Stack {
	t.Helper()
	var in obj
	if err := json.Unmarshal(c.args(t), &in); err != nil {
		t.Fatal(err)
	}
	stack := c.stack
	if stack == "" {
		stack = "go-" + c.name
	}
	st := env.GoStack("badinput", stack, func(ctx *pulumi.Context) error {
		var err error
		switch c.component {
		case "ProducerService":
			args := &psc.ProducerServiceArgs{}
			if err := setInputs(reflect.ValueOf(args).Elem(), in); err != nil {
				return err
			}
			_, err = psc.NewProducerService(ctx, c.componentName(), args, c.opts...)
		case "ConsumerEndpoint":
			args := &psc.ConsumerEndpointArgs{}
			if err := setInputs(reflect.ValueOf(args).Elem(), in); err != nil {
				return err
			}
			_, err = psc.NewConsumerEndpoint(ctx, c.componentName(), args)
		case "DnsBinding":
			args := &psc.DnsBindingArgs{}
			if err := setInputs(reflect.ValueOf(args).Elem(), in); err != nil {
				return err
			}
			_, err = psc.NewDnsBinding(ctx, c.componentName(), args)
		default:
			err = fmt.Errorf("unknown component %q", c.component)
		}
		return err
	})
	st.Configure(badProject, region, nil)
	return st
}

// nodeStack is the case as the TypeScript program testdata/badinput.ts, which reads the same JSON
// arguments from its configuration.
func (c badCase) nodeStack(t *testing.T, env *harness.Env) *harness.Stack {
	t.Helper()
	raw, err := json.Marshal(obj{"component": c.component, "name": c.componentName(), "args": json.RawMessage(c.args(t))})
	if err != nil {
		t.Fatal(err)
	}
	st := env.NodeStack("badinput", "ts-"+c.name, badModule, "badInput")
	st.Configure(badProject, region, map[string]string{"case": string(raw)})
	return st
}

// assertRefused runs op, which must fail before any Google Cloud resource is planned or created,
// with the component's validation error naming the case's input path at the start of a line.
func (c badCase) assertRefused(t *testing.T, st *harness.Stack, op harness.Operation) {
	t.Helper()
	sum, err := st.Try(op)
	if err == nil {
		t.Errorf("%s %s succeeded, want it refused naming %s\n%s", st.Ref(), op, c.path, sum)
		return
	}
	text := err.Error() + "\n" + strings.Join(sum.Errors(), "\n")
	header := fmt.Sprintf("invalid %s %q:", c.component, c.componentName())
	line := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(c.path) + `: .*` + regexp.QuoteMeta(c.reason))
	if !strings.Contains(text, header) || !line.MatchString(text) {
		t.Errorf("%s %s: want %q and a line %q…%q, got:\n%s", st.Ref(), op, header, c.path+": ", c.reason, text)
	}
	for _, step := range sum.Steps {
		if strings.HasPrefix(step.Type, "gcp:") && step.Op != harness.OpSame && step.Op != harness.OpRead {
			t.Errorf("%s %s planned %s %s before refusing", st.Ref(), op, step.Op, step.URN)
		}
	}
}

// numberedProjects are n project IDs: prefix followed by a number.
func numberedProjects(prefix string, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%03d", prefix, i)
	}
	return out
}

// mergePatch applies a JSON merge patch (RFC 7386) to base: objects merge, null deletes a key,
// anything else replaces it. base is not modified.
func mergePatch(base, patch obj) obj {
	out := obj{}
	maps.Copy(out, base)
	for k, v := range patch {
		switch pv := v.(type) {
		case nil:
			delete(out, k)
		case obj:
			b, _ := out[k].(obj)
			out[k] = mergePatch(b, pv)
		default:
			out[k] = v
		}
	}
	return out
}

// setInputs sets the fields of the args struct dst from JSON values by their pulumi tags, as the
// provider does with a TypeScript program's inputs. An unknown key is an error, so that a typo in
// the table cannot pass as an input the component ignores.
func setInputs(dst reflect.Value, in obj) error {
	fields := map[string]reflect.Value{}
	for i := range dst.NumField() {
		if tag, _, _ := strings.Cut(dst.Type().Field(i).Tag.Get("pulumi"), ","); tag != "" {
			fields[tag] = dst.Field(i)
		}
	}
	for key, v := range in {
		f, ok := fields[key]
		if !ok {
			return fmt.Errorf("%s has no input %q", dst.Type(), key)
		}
		if err := setInput(f, v); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	return nil
}

var (
	stringInput      = reflect.TypeFor[pulumi.StringInput]()
	stringArrayInput = reflect.TypeFor[pulumi.StringArrayInput]()
	stringMapInput   = reflect.TypeFor[pulumi.StringMapInput]()
)

func setInput(f reflect.Value, v any) error {
	bad := func() error { return fmt.Errorf("cannot set %s from %T %v", f.Type(), v, v) }
	switch f.Type() {
	case stringInput:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		f.Set(reflect.ValueOf(pulumi.String(s)))
		return nil
	case stringArrayInput, stringMapInput:
		raw, _ := json.Marshal(v)
		var arr []string
		var m map[string]string
		if json.Unmarshal(raw, &arr) == nil && f.Type() == stringArrayInput {
			f.Set(reflect.ValueOf(pulumi.ToStringArray(arr)))
		} else if json.Unmarshal(raw, &m) == nil && f.Type() == stringMapInput {
			f.Set(reflect.ValueOf(pulumi.ToStringMap(m)))
		} else {
			return bad()
		}
		return nil
	}
	switch f.Kind() {
	case reflect.Map:
		m, ok := v.(obj)
		if !ok {
			return bad()
		}
		out := reflect.MakeMapWithSize(f.Type(), len(m))
		for k, e := range m {
			ev := reflect.New(f.Type().Elem()).Elem()
			if err := setInput(ev, e); err != nil {
				return fmt.Errorf("[%q]: %w", k, err)
			}
			out.SetMapIndex(reflect.ValueOf(k), ev)
		}
		f.Set(out)
	case reflect.Pointer:
		p := reflect.New(f.Type().Elem())
		if err := setInput(p.Elem(), v); err != nil {
			return err
		}
		f.Set(p)
	case reflect.Struct:
		m, ok := v.(obj)
		if !ok {
			return bad()
		}
		return setInputs(f, m)
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return bad()
		}
		s := reflect.MakeSlice(f.Type(), len(list), len(list))
		for i, e := range list {
			if err := setInput(s.Index(i), e); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		f.Set(s)
	default:
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Float64 && f.Kind() == reflect.Int && rv.Float() == float64(int(rv.Float())) {
			rv = reflect.ValueOf(int(rv.Float()))
		}
		if !rv.IsValid() || !rv.Type().AssignableTo(f.Type()) {
			return bad()
		}
		f.Set(rv)
	}
	return nil
}
