package harness

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// A gcp resource created by a Go program reaches the simulator installed as the gcp plugin, and
// destroying the stack empties the simulator again.
func TestGCPNetworkThroughSimulator(t *testing.T) {
	t.Parallel()
	const networkType = chain.NetworkType
	env := New(t, GCP())
	st := env.GoStack("harness-gcp", "dev", func(ctx *pulumi.Context) error {
		net, err := compute.NewNetwork(ctx, "harness-net", &compute.NetworkArgs{
			Name:                  pulumi.String("harness-net"),
			AutoCreateSubnetworks: pulumi.Bool(false),
		})
		if err != nil {
			return err
		}
		ctx.Export("selfLink", net.SelfLink)
		return nil
	})
	st.SetConfig("gcp:project", "harness-project", false)
	st.SetConfig("gcp:region", "europe-west1", false)

	if got := st.Preview().Count(OpCreate, networkType); got != 1 {
		t.Fatalf("preview plans %d network creates, want 1", got)
	}
	if n := env.SimCount(); n != 0 {
		t.Fatalf("the simulator holds %d resources after a preview, want 0", n)
	}

	up := st.Up()
	if got := up.Count(OpCreate, networkType); got != 1 {
		t.Errorf("up created %d networks, want 1\n%s", got, up)
	}
	for _, w := range up.Warnings() {
		if strings.Contains(w, "from $PATH") {
			t.Errorf("the engine used an ambient plugin: %s", w)
		}
	}
	if link, err := up.Output("selfLink"); err != nil || !strings.Contains(link.(string), "harness-net") {
		t.Errorf("selfLink = %v (%v), want a link naming harness-net", link, err)
	}
	list := env.SimList()
	if len(list) != 1 || list[0].Type != networkType || list[0].ID != "projects/harness-project/global/networks/harness-net" {
		t.Errorf("simulator holds %+v, want the one network harness-net", list)
	}
	if n := env.SimCount(); n != 1 {
		t.Errorf("simulator count = %d, want 1", n)
	}

	if sum := st.Preview(); sum.HasChanges() {
		t.Errorf("second preview has changes\n%s", sum)
	}
	if sum := st.Refresh(); sum.HasChanges() || sum.Count(OpSame, networkType) != 1 {
		t.Errorf("refresh: want the network unchanged\n%s", sum)
	}

	down := st.Destroy()
	if got := down.Count(OpDelete, networkType); got != 1 {
		t.Errorf("destroy deleted %d networks, want 1\n%s", got, down)
	}
	if n := env.SimCount(); n != 0 {
		t.Errorf("the simulator holds %d resources after destroy, want 0", n)
	}
}

// A stack export records the dependencies the engine saw: a subnet's property dependency on its
// network, through the network input, and an explicit DependsOn.
func TestExportRecordsDependencies(t *testing.T) {
	t.Parallel()
	env := New(t, GCP())
	st := env.GoStack("harness-export", "dev", func(ctx *pulumi.Context) error {
		net, err := compute.NewNetwork(ctx, "net", &compute.NetworkArgs{AutoCreateSubnetworks: pulumi.Bool(false)})
		if err != nil {
			return err
		}
		first, err := compute.NewSubnetwork(ctx, "first", &compute.SubnetworkArgs{
			Network: net.SelfLink, IpCidrRange: pulumi.String("10.0.0.0/24"),
		})
		if err != nil {
			return err
		}
		_, err = compute.NewSubnetwork(ctx, "second", &compute.SubnetworkArgs{
			Network: net.SelfLink, IpCidrRange: pulumi.String("10.0.1.0/24"),
		}, pulumi.DependsOn([]pulumi.Resource{first}))
		return err
	})
	st.SetConfig("gcp:project", "harness-project", false)
	st.SetConfig("gcp:region", "europe-west1", false)
	st.Up()

	byName := map[string]apitype.ResourceV3{}
	for _, r := range st.Export().Resources {
		byName[r.URN.Name()] = r
	}
	net, first, second := byName["net"], byName["first"], byName["second"]
	if got := first.PropertyDependencies["network"]; len(got) != 1 || got[0] != net.URN {
		t.Errorf("first subnet's property dependencies on network = %v, want [%s]", got, net.URN)
	}
	if !slices.Contains(second.Dependencies, first.URN) || !slices.Contains(second.Dependencies, net.URN) {
		t.Errorf("second subnet's dependencies = %v, want the network and the first subnet", second.Dependencies)
	}
	if first.Inputs["ipCidrRange"] != "10.0.0.0/24" || !first.Custom || first.Type != chain.SubnetworkType {
		t.Errorf("first subnet exported as %+v", first)
	}
	st.Destroy()
}
