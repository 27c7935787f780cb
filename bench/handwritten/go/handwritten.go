// Package handwritten builds the benchmark graph (bench/spec) by hand with pulumi-gcp: the
// resources the cloudrun-psc components create, with the same names and the same inputs, and
// only the waits Google Cloud requires (docs/gcp-rules.md): each resource waits for the ones whose
// outputs it reads, and the load balancer's forwarding rule for the proxy-only subnet (rule 4).
// The benchmarks compare it with bench/components/go.
package handwritten

import (
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/dns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/spec"
)

// Graph is the program.
// managedBy is the label the components put on every child that takes labels.
var managedBy = pulumi.StringMap{"managed-by": pulumi.String("cloudrun-psc")}

func Graph(ctx *pulumi.Context) error {
	n := spec.Endpoints(ctx)
	nets, err := spec.NewNetworks(ctx)
	if err != nil {
		return err
	}
	uri, err := producer(ctx, nets.Producer, n)
	if err != nil {
		return err
	}
	for i := range n {
		ip, err := endpoint(ctx, spec.EndpointName(i), spec.Region, nets.Consumer, nets.Apps, uri)
		if err != nil {
			return err
		}
		dnsName, host := spec.DNSName(i), spec.EndpointHost(i)
		zone, err := privateZone(ctx, dnsName, host, nets.Consumer)
		if err != nil {
			return err
		}
		if _, err := dns.NewRecordSet(ctx, dnsName+"-record", &dns.RecordSetArgs{
			Project:     pulumi.String(spec.ConsumerProject),
			ManagedZone: zone.Name,
			Name:        pulumi.String(host + "."),
			Type:        pulumi.String("A"),
			Ttl:         pulumi.Int(300),
			Rrdatas:     pulumi.StringArray{ip},
		}); err != nil {
			return err
		}
	}
	ctx.Export("serviceAttachmentUri", uri)
	return nil
}

// endpoint creates a consumer's PSC endpoint named name in region, in the consumer's subnet apps,
// connected to the service attachment uri, and returns its IP.
func endpoint(ctx *pulumi.Context, name, region string, vpc *compute.Network, apps *compute.Subnetwork, uri pulumi.StringOutput,
) (pulumi.StringOutput, error) {
	project := pulumi.String(spec.ConsumerProject)
	addr, err := compute.NewAddress(ctx, name+"-ip", &compute.AddressArgs{
		Project:     project,
		Region:      pulumi.String(region),
		AddressType: pulumi.String("INTERNAL"),
		Subnetwork:  apps.SelfLink,
		Labels:      managedBy,
	})
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	// EP-SCHEME: loadBalancingScheme "" for a PSC endpoint. A replacement takes the same
	// address, which the old rule must release first.
	if _, err := compute.NewForwardingRule(ctx, name+"-endpoint", &compute.ForwardingRuleArgs{
		Project:              project,
		Region:               pulumi.String(region),
		LoadBalancingScheme:  pulumi.String(""),
		Target:               uri,
		IpAddress:            addr.Address,
		Network:              vpc.SelfLink,
		Subnetwork:           apps.SelfLink,
		RecreateClosedPsc:    pulumi.Bool(true),
		AllowPscGlobalAccess: pulumi.Bool(false),
		NoAutomateDnsZone:    pulumi.Bool(true),
		Labels:               managedBy,
	}, pulumi.ReplaceOnChanges([]string{"target", "ipAddress"}), pulumi.DeleteBeforeReplace(true)); err != nil {
		return pulumi.StringOutput{}, err
	}
	return addr.Address, nil
}

// privateZone creates the private zone of host, named dnsName-zone, visible to the consumer's VPC.
func privateZone(ctx *pulumi.Context, dnsName, host string, vpc *compute.Network) (*dns.ManagedZone, error) {
	return dns.NewManagedZone(ctx, dnsName+"-zone", &dns.ManagedZoneArgs{
		Project:    pulumi.String(spec.ConsumerProject),
		DnsName:    pulumi.String(host + "."),
		Visibility: pulumi.String("private"),
		Labels:     managedBy,
		PrivateVisibilityConfig: &dns.ManagedZonePrivateVisibilityConfigArgs{
			Networks: dns.ManagedZonePrivateVisibilityConfigNetworkArray{
				&dns.ManagedZonePrivateVisibilityConfigNetworkArgs{NetworkUrl: vpc.SelfLink},
			},
		},
	})
}

// producer creates the published service and returns its service attachment URI.
func producer(ctx *pulumi.Context, vpc *compute.Network, n int) (pulumi.StringOutput, error) {
	project, region := pulumi.StringPtr(spec.ProducerProject), pulumi.String(spec.Region)
	subnet := func(role, cidr, purpose, subnetRole string) (*compute.Subnetwork, error) {
		return producerSubnet(ctx, vpc, spec.Region, role, cidr, purpose, subnetRole)
	}
	lb, err := subnet("lb-subnet", spec.LBRange, "", "")
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	proxyOnly, err := subnet("proxy-subnet", spec.ProxyOnlyRange, "REGIONAL_MANAGED_PROXY", "ACTIVE")
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	nat, err := subnet("nat-subnet", spec.NATRange, "PRIVATE_SERVICE_CONNECT", "")
	if err != nil {
		return pulumi.StringOutput{}, err
	}

	neg, err := serverless(ctx, spec.Region, "run", "neg")
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	backend, err := compute.NewRegionBackendService(ctx, name("backend"), &compute.RegionBackendServiceArgs{
		Project:             project,
		Region:              region,
		LoadBalancingScheme: pulumi.String("INTERNAL_MANAGED"),
		Protocol:            pulumi.String("HTTP"),
		Backends:            compute.RegionBackendServiceBackendArray{&compute.RegionBackendServiceBackendArgs{Group: neg.SelfLink}},
	})
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	urlMap, err := compute.NewRegionUrlMap(ctx, name("urlmap"), &compute.RegionUrlMapArgs{
		Project:        project,
		Region:         region,
		DefaultService: backend.SelfLink,
		HostRules: compute.RegionUrlMapHostRuleArray{&compute.RegionUrlMapHostRuleArgs{
			Hosts:       pulumi.StringArray{pulumi.String(spec.Hostname)},
			PathMatcher: pulumi.String("private-host"),
		}},
		PathMatchers: compute.RegionUrlMapPathMatcherArray{&compute.RegionUrlMapPathMatcherArgs{
			Name:           pulumi.String("private-host"),
			DefaultService: backend.SelfLink,
		}},
	})
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	proxy, err := compute.NewRegionTargetHttpProxy(ctx, name("proxy"), &compute.RegionTargetHttpProxyArgs{
		Project: project,
		Region:  region,
		UrlMap:  urlMap.SelfLink,
	})
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	// FR-PROXY-ONLY-FIRST: the proxy-only subnet must exist before the forwarding rule, which does not
	// reference it.
	rule, err := compute.NewForwardingRule(ctx, name("lb-rule"), &compute.ForwardingRuleArgs{
		Project:             project,
		Region:              region,
		LoadBalancingScheme: pulumi.String("INTERNAL_MANAGED"),
		IpProtocol:          pulumi.String("TCP"),
		PortRange:           pulumi.String("80"),
		Target:              proxy.SelfLink,
		Network:             vpc.SelfLink,
		Subnetwork:          lb.SelfLink,
		Labels:              managedBy,
	}, pulumi.DependsOn([]pulumi.Resource{proxyOnly}))
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return attachment(ctx, "attachment", spec.Region, rule.SelfLink, nat, n)
}

// name is the name of the producer's child of a role, as the component names it.
func name(role string) string { return spec.ProducerName + "-" + role }

// producerSubnet creates the producer's subnet of a role in region.
func producerSubnet(ctx *pulumi.Context, vpc *compute.Network, region, role, cidr, purpose, subnetRole string,
) (*compute.Subnetwork, error) {
	// The description marks the subnet as this stack's, as the component does (it spares its
	// own subnets in its preview-time overlap checks).
	args := &compute.SubnetworkArgs{Project: pulumi.StringPtr(spec.ProducerProject), Region: pulumi.String(region),
		Network: vpc.SelfLink, IpCidrRange: pulumi.String(cidr),
		Description: pulumi.Sprintf("cloudrun-psc ProducerService %s of stack %s/%s", role, ctx.Project(), ctx.Stack())}
	if purpose != "" {
		args.Purpose = pulumi.String(purpose)
	}
	if subnetRole != "" {
		args.Role = pulumi.String(subnetRole)
	}
	return compute.NewSubnetwork(ctx, name(role), args)
}

// serverless creates a Cloud Run service in region and its serverless NEG, with the roles the
// component names them by.
func serverless(ctx *pulumi.Context, region, runRole, negRole string) (*compute.RegionNetworkEndpointGroup, error) {
	project, location := pulumi.StringPtr(spec.ProducerProject), pulumi.String(region)
	run, err := cloudrunv2.NewService(ctx, name(runRole), &cloudrunv2.ServiceArgs{
		Project:            project,
		Location:           location,
		Ingress:            pulumi.String("INGRESS_TRAFFIC_INTERNAL_ONLY"),
		InvokerIamDisabled: pulumi.Bool(false),
		Labels:             managedBy,
		DeletionProtection: pulumi.Bool(false),
		CustomAudiences:    pulumi.StringArray{pulumi.String("http://" + spec.Hostname)},
		Template: &cloudrunv2.ServiceTemplateArgs{
			Containers: cloudrunv2.ServiceTemplateContainerArray{&cloudrunv2.ServiceTemplateContainerArgs{
				Image: pulumi.String(spec.Image),
				Ports: &cloudrunv2.ServiceTemplateContainerPortsArgs{ContainerPort: pulumi.Int(8080)},
				Resources: &cloudrunv2.ServiceTemplateContainerResourcesArgs{
					Limits: pulumi.StringMap{"cpu": pulumi.String("1"), "memory": pulumi.String("512Mi")},
				},
			}},
			Scaling: &cloudrunv2.ServiceTemplateScalingArgs{MinInstanceCount: pulumi.Int(0)},
		},
	})
	if err != nil {
		return nil, err
	}
	return compute.NewRegionNetworkEndpointGroup(ctx, name(negRole), &compute.RegionNetworkEndpointGroupArgs{
		Project:             project,
		Region:              location,
		NetworkEndpointType: pulumi.String("SERVERLESS"),
		CloudRun:            &compute.RegionNetworkEndpointGroupCloudRunArgs{Service: run.Name},
	})
}

// attachment creates the producer's service attachment of a role in region, publishing target
// through the NAT subnet nat to the consumer's project for n connections, and returns its URI.
func attachment(ctx *pulumi.Context, role, region string, target pulumi.StringOutput, nat *compute.Subnetwork, n int,
) (pulumi.StringOutput, error) {
	sa, err := compute.NewServiceAttachment(ctx, name(role), &compute.ServiceAttachmentArgs{
		Project:              pulumi.StringPtr(spec.ProducerProject),
		Region:               pulumi.String(region),
		TargetService:        target,
		NatSubnets:           pulumi.StringArray{nat.SelfLink},
		EnableProxyProtocol:  pulumi.Bool(false),
		ConnectionPreference: pulumi.String("ACCEPT_MANUAL"),
		ReconcileConnections: pulumi.BoolPtr(true),
		ConsumerAcceptLists: compute.ServiceAttachmentConsumerAcceptListArray{&compute.ServiceAttachmentConsumerAcceptListArgs{
			ProjectIdOrNum:  pulumi.StringPtr(spec.ConsumerProject),
			ConnectionLimit: pulumi.Int(n),
		}},
		ConsumerRejectLists: pulumi.StringArray{},
	})
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return pulumi.Sprintf("projects/%s/regions/%s/serviceAttachments/%s", sa.Project, sa.Region, sa.Name), nil
}
