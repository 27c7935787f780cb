package provider

import (
	"fmt"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// The top-level subnets of a ProducerService are plain structs in Go but optional in the served
// schema (regions can replace them); the component's other required inputs stay required.
func TestSchemaOptionalStructInputs(t *testing.T) {
	t.Parallel()
	res := servedSpec(t).Resources[psc.ProducerServiceType]
	for _, in := range []string{"loadBalancerSubnet", "proxyOnlySubnet", "natSubnet"} {
		if slices.Contains(res.RequiredInputs, in) {
			t.Errorf("%s is required in the schema, want optional", in)
		}
		if prop, ok := res.InputProperties[in]; !ok || prop.Plain {
			t.Errorf("%s: in the schema %v, plain %v; want an input that is not plain (the Go SDK keeps taking a value)", in, ok, prop.Plain)
		}
	}
	if !slices.Contains(res.RequiredInputs, "network") || !slices.Contains(res.RequiredInputs, "cloudRun") {
		t.Errorf("requiredInputs = %v, want network and cloudRun kept", res.RequiredInputs)
	}
}

// regionInputs is a ProducerRegion entry that creates its subnets in 10.n.0.0/16.
func regionInputs(n int) map[string]property.Value {
	subnet := func(cidr string) property.Value { return obj(map[string]property.Value{"ipCidrRange": str(cidr)}) }
	return map[string]property.Value{
		"loadBalancerSubnet": subnet(fmt.Sprintf("10.%d.0.0/24", n)),
		"proxyOnlySubnet":    subnet(fmt.Sprintf("10.%d.1.0/26", n)),
		"natSubnet":          subnet(fmt.Sprintf("10.%d.2.0/28", n)),
	}
}

// regionsProducerInputs are producerInputs with regions instead of the top-level subnets.
func regionsProducerInputs(regions map[string]map[string]property.Value) map[string]property.Value {
	inputs := producerInputs()
	for _, k := range []string{"loadBalancerSubnet", "proxyOnlySubnet", "natSubnet"} {
		delete(inputs, k)
	}
	entries := map[string]property.Value{}
	for r, e := range regions {
		entries[r] = obj(e)
	}
	inputs["regions"] = obj(entries)
	return inputs
}

// A ProducerService given regions and no top-level subnets constructs the cross-region chain:
// Construct leaves the omitted subnets zero, and the component takes that as not given.
func TestConstructProducerServiceWithRegionsOnly(t *testing.T) {
	t.Parallel()
	inputs := regionsProducerInputs(map[string]map[string]property.Value{psctest.Region: regionInputs(110), "us-east1": regionInputs(120)})
	cloud := psctest.New()
	resp, err := construct(server(t, cloud), psc.ProducerServiceType, "payments", false, inputs)
	if err != nil {
		t.Fatal(err)
	}
	checkChildren(t, cloud, resp.Urn, map[string]int{
		chain.SubnetworkType:                 6,
		chain.CloudRunServiceType:            2,
		chain.RegionNetworkEndpointGroupType: 2,
		chain.BackendServiceType:             1,
		chain.URLMapType:                     1,
		chain.TargetHttpProxyType:            1,
		chain.GlobalForwardingRuleType:       2,
		chain.ServiceAttachmentType:          2,
	})
	uris := resp.State.Get("serviceAttachmentUris")
	if !uris.IsMap() || uris.AsMap().Len() != 2 {
		t.Errorf("serviceAttachmentUris = %v, want one per region", uris)
	}
}

// A region's vpcEgress reaches that region's Cloud Run service through Construct, its subnetwork
// an Input that depends on another resource.
func TestConstructProducerServiceRegionVpcEgress(t *testing.T) {
	t.Parallel()
	east := regionInputs(120)
	east["vpcEgress"] = obj(map[string]property.Value{
		"network":    str("producer-vpc"),
		"subnetwork": dependsOn(str("apps-east"), "gcp:compute/subnetwork:Subnetwork::apps-east"),
	})
	inputs := regionsProducerInputs(map[string]map[string]property.Value{psctest.Region: regionInputs(110), "us-east1": east})
	cloud := psctest.New()
	if _, err := construct(server(t, cloud), psc.ProducerServiceType, "payments", false, inputs); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range cloud.Custom(chain.CloudRunServiceType) {
		access := psctest.Input(s, "template").ObjectValue()["vpcAccess"]
		got[psctest.Str(s, "location")] = "none"
		if !access.IsNull() {
			got[psctest.Str(s, "location")] = access.ObjectValue()["networkInterfaces"].ArrayValue()[0].ObjectValue()["subnetwork"].StringValue()
		}
	}
	if got[psctest.Region] != "none" || got["us-east1"] != "apps-east" {
		t.Errorf("the services' VPC egress subnetwork by region = %v, want none in %s and apps-east in us-east1", got, psctest.Region)
	}
}
