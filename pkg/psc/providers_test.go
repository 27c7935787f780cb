package psc

import (
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newGCPProvider registers an explicit gcp provider for a project and region other than the
// stack's gcp configuration (producer-prj, europe-west1).
func newGCPProvider(ctx *pulumi.Context, name, project, region string) (*gcp.Provider, error) {
	return gcp.NewProvider(ctx, name, &gcp.ProviderArgs{Project: pulumi.String(project), Region: pulumi.String(region)})
}

// assertPlaced checks that every custom child of the fake cloud (providers aside) went to the
// project and region, never to the stack configuration's.
func assertPlaced(t *testing.T, f *fakeCloud, project, region string) {
	t.Helper()
	n := 0
	for _, r := range f.Custom("") {
		if r.Type == "pulumi:providers:gcp" {
			continue
		}
		n++
		if got := str(r, "project"); got != project {
			t.Errorf("%s %s: project = %q, want %q, the project of the component's provider", r.Type, r.Name, got, project)
		}
		got := str(r, "region")
		if got == "" {
			got = str(r, "location")
		}
		if (got != "" || r.Type == typeSubnet || r.Type == typeAddress) && got != region {
			t.Errorf("%s %s: region = %q, want %q, the region of the component's provider", r.Type, r.Name, got, region)
		}
	}
	if n == 0 {
		t.Fatal("no child was registered")
	}
}

// assertPlacedOutputs runs build with an explicit provider for project and region, and checks
// that the children and the project and region outputs build returns are there.
func assertPlacedOutputs(t *testing.T, f *fakeCloud, project, region string,
	build func(*pulumi.Context, *gcp.Provider) (pulumi.StringOutput, pulumi.StringOutput, error),
) {
	t.Helper()
	var gotProject, gotRegion string
	err := f.Run(func(ctx *pulumi.Context) error {
		p, err := newGCPProvider(ctx, "other", project, region)
		if err != nil {
			return err
		}
		projectOut, regionOut, err := build(ctx, p)
		if err != nil {
			return err
		}
		gotProject, gotRegion = psctest.Await[string](t, projectOut), psctest.Await[string](t, regionOut)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	assertPlaced(t, f, project, region)
	if gotProject != project || gotRegion != region {
		t.Errorf("project and region outputs = %q, %q; want %s, %s", gotProject, gotRegion, project, region)
	}
}

// A component given an explicit provider (pulumi.Provider, pulumi.Providers, or its parent's)
// creates its children in that provider's project and region, not in the stack configuration's,
// and its outputs say so.
func TestExplicitProvidersPlaceTheChildren(t *testing.T) {
	t.Parallel()
	const project, region = "other-prj", "us-central1"
	withProvider := map[string]func(*gcp.Provider) []pulumi.ResourceOption{
		"provider":  func(p *gcp.Provider) []pulumi.ResourceOption { return []pulumi.ResourceOption{pulumi.Provider(p)} },
		"providers": func(p *gcp.Provider) []pulumi.ResourceOption { return []pulumi.ResourceOption{pulumi.Providers(p)} },
	}
	for how, opts := range withProvider {
		t.Run("consumer/"+how, func(t *testing.T) {
			t.Parallel()
			f := newFakeCloud()
			f.Subnets = append(f.Subnets, psctest.Subnet{Project: project, Region: region, Name: "apps",
				Network: "https://www.googleapis.com/compute/v1/projects/other-prj/global/networks/consumer-vpc", IpCidrRange: "192.168.10.0/24"})
			assertPlacedOutputs(t, f, project, region, func(ctx *pulumi.Context, p *gcp.Provider) (pulumi.StringOutput, pulumi.StringOutput, error) {
				c, err := NewConsumerEndpoint(ctx, "payments", &ConsumerEndpointArgs{
					Network:           pulumi.String("consumer-vpc"),
					Subnetwork:        pulumi.String("apps"),
					ServiceAttachment: pulumi.String("projects/producer-prj/regions/us-central1/serviceAttachments/payments"),
				}, opts(p)...)
				if err != nil {
					return pulumi.StringOutput{}, pulumi.StringOutput{}, err
				}
				return c.ConsumerProject, c.Region, nil
			})
		})
		t.Run("producer/"+how, func(t *testing.T) {
			t.Parallel()
			assertPlacedOutputs(t, newFakeCloud(), project, region, func(ctx *pulumi.Context, p *gcp.Provider) (pulumi.StringOutput, pulumi.StringOutput, error) {
				s, err := NewProducerService(ctx, "payments", producerArgs(), opts(p)...)
				if err != nil {
					return pulumi.StringOutput{}, pulumi.StringOutput{}, err
				}
				return s.Project, s.Region, nil
			})
		})
		t.Run("dns/"+how, func(t *testing.T) {
			t.Parallel()
			f := newFakeCloud()
			err := f.Run(func(ctx *pulumi.Context) error {
				p, err := newGCPProvider(ctx, "other", project, region)
				if err != nil {
					return err
				}
				_, err = NewDnsBinding(ctx, "payments-dns", dnsArgs(), opts(p)...)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range f.Custom("") {
				if r.Type != "pulumi:providers:gcp" && str(r, "project") != project {
					t.Errorf("%s: project = %q, want %q", r.Name, str(r, "project"), project)
				}
			}
		})
	}
	t.Run("parent", func(t *testing.T) {
		t.Parallel()
		assertPlacedOutputs(t, newFakeCloud(), project, region, func(ctx *pulumi.Context, p *gcp.Provider) (pulumi.StringOutput, pulumi.StringOutput, error) {
			parent := &struct{ pulumi.ResourceState }{}
			if err := ctx.RegisterComponentResource("acme:index:Platform", "platform", parent, pulumi.Providers(p)); err != nil {
				return pulumi.StringOutput{}, pulumi.StringOutput{}, err
			}
			s, err := NewProducerService(ctx, "payments", producerArgs(), pulumi.Parent(parent))
			if err != nil {
				return pulumi.StringOutput{}, pulumi.StringOutput{}, err
			}
			return s.Project, s.Region, nil
		})
	})
}

// Validation at preview uses the provider's region: a Certificate Manager certificate in the
// stack configuration's region is refused for a producer whose provider is in another.
func TestValidationUsesTheProvidersRegion(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		p, err := newGCPProvider(ctx, "other", "other-prj", "us-central1")
		if err != nil {
			return err
		}
		args := producerArgs()
		args.Tls = &TlsArgs{CertificateManagerCertificates: pulumi.ToStringArray([]string{"projects/other-prj/locations/europe-west1/certificates/c"})}
		_, err = NewProducerService(ctx, "payments", args, pulumi.Provider(p))
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "tls.certificateManagerCertificates[0]: is in europe-west1 but the load balancer is in us-central1") {
		t.Fatalf("err = %v, want the certificate refused for the provider's region", err)
	}
}

// A provider without a region, in a stack without gcp:region, leaves the producer without one:
// refused at preview, naming the input.
func TestProducerWithoutAnyRegionIsRefused(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		p, err := gcp.NewProvider(ctx, "other", &gcp.ProviderArgs{Project: pulumi.String("other-prj")})
		if err != nil {
			return err
		}
		_, err = NewProducerService(ctx, "payments", producerArgs(), pulumi.Provider(p))
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "region: is required") {
		t.Fatalf("err = %v, want region refused as missing", err)
	}
}
