package psc

import (
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	hostProjectID = "host-prj"
	hostVPC       = "https://www.googleapis.com/compute/v1/projects/host-prj/global/networks/shared-vpc"
)

// With networkProject, the producer's subnets are created in the host project on its VPC, an
// existing subnet given by bare name is looked up and used there, and the load balancer rule
// (in the service project) names the host's VPC.
func TestProducerSharedVPC(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	f.Subnets = append(f.Subnets, psctest.Subnet{Project: hostProjectID, Region: testRegion, Name: "proxy", Network: hostVPC,
		IpCidrRange: "10.131.0.0/23", Purpose: "REGIONAL_MANAGED_PROXY", Role: "ACTIVE"})
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.Network = pulumi.String("shared-vpc")
		args.NetworkProject = hostProjectID
		args.ProxyOnlySubnet = SubnetArgs{SelfLink: pulumi.String("proxy")}
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range f.Custom(typeSubnet) {
		if str(s, "project") != hostProjectID || str(s, "network") != hostVPC {
			t.Errorf("subnet %s: project %q, network %q; want the host project and its VPC", s.Name, str(s, "project"), str(s, "network"))
		}
	}
	if n := len(f.Custom(typeSubnet)); n != 2 {
		t.Errorf("%d subnets created, want the load balancer and NAT subnets", n)
	}
	rule := f.Named(t, "payments-lb-rule")
	if str(rule, "network") != hostVPC || str(rule, "project") == hostProjectID {
		t.Errorf("LB rule: network %q in project %q; want the host VPC from the service project", str(rule, "network"), str(rule, "project"))
	}
	// The existing proxy-only subnet, given by name, was found in the host project: had it been
	// looked for in the service project, the preview would have failed.
}

// The shared VPC inputs are checked: the host project's form, and a network path in another project.
func TestSharedVPCValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mutate func(*ProducerServiceArgs)
		want   string
	}{
		{func(a *ProducerServiceArgs) { a.NetworkProject = "Host" }, "networkProject: must be a project id"},
		{func(a *ProducerServiceArgs) {
			a.NetworkProject, a.Network = hostProjectID, pulumi.String("projects/other-prj/global/networks/vpc")
		}, "network: is in project other-prj, but networkProject is host-prj"},
	} {
		f := newFakeCloud()
		err := f.Run(func(ctx *pulumi.Context) error {
			args := producerArgs()
			tc.mutate(args)
			_, err := NewProducerService(ctx, "payments", args)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
}

// A consumer in a Shared VPC: the subnet is looked up in the host project, and the address and
// endpoint (in the service project) name the host's subnet and VPC.
func TestConsumerSharedVPC(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	f.Subnets = append(f.Subnets, psctest.Subnet{Project: hostProjectID, Region: testRegion, Name: "apps", Network: hostVPC, IpCidrRange: "172.16.0.0/24"})
	err := f.Run(func(ctx *pulumi.Context) error {
		args := consumerArgs()
		args.Network, args.Subnetwork, args.NetworkProject = pulumi.String("shared-vpc"), pulumi.String("apps"), hostProjectID
		args.IpAddress = "172.16.0.10"
		_, err := NewConsumerEndpoint(ctx, "orders", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	wantSubnet := "projects/host-prj/regions/" + testRegion + "/subnetworks/apps"
	if got := str(f.One(t, typeAddress), "subnetwork"); got != wantSubnet {
		t.Errorf("address subnetwork = %q, want %q", got, wantSubnet)
	}
	rule := f.One(t, typeRule)
	if str(rule, "subnetwork") != wantSubnet || str(rule, "network") != hostVPC {
		t.Errorf("endpoint network %q, subnetwork %q; want the host's", str(rule, "network"), str(rule, "subnetwork"))
	}
}
