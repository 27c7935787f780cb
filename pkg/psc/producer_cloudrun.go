package psc

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// cloudRunService is the Cloud Run service behind the load balancer: its name and its run.app
// URI (empty for an existing service).
type cloudRunService struct{ name, uri pulumi.StringOutput }

// runSpec is one Cloud Run service the component puts behind the load balancer: the top-level
// cloudRun, or a route's. Its children are named <component>-<role><suffix>, so a route's (suffix
// "-KEY") never collide with the main service's or another route's; another region's than the
// primary are prefixed with the region ("R-", regionRun).
type runSpec struct {
	cr     CloudRunArgs
	path   string   // of its cloudRun input, for messages
	prefix string   // "" in the primary region, "R-" in another region R
	suffix string   // "" for the main service, "-KEY" for a route
	hosts  []string // the hosts it serves by name: its ID-token audiences
	region string   // "" for the producer's region
}

// mainRun is the top-level cloudRun, served at hostname, in the primary region.
func (b *producerBuilder) mainRun() runSpec {
	if len(b.args.Regions) > 0 {
		return b.args.regionRun(b.args.Region)
	}
	return runSpec{cr: b.args.CloudRun, path: "cloudRun", hosts: b.args.mainHosts()}
}

// location is the region of the service's Cloud Run resources.
func (b *producerBuilder) location(s runSpec) pulumi.String {
	if s.region != "" {
		return pulumi.String(s.region)
	}
	return pulumi.String(b.args.Region)
}

// cloudRun creates the Cloud Run service and its invoker bindings, or refers to an existing
// service.
func (b *producerBuilder) cloudRun(s runSpec) (cloudRunService, error) {
	run, err := b.cloudRunNameAndURI(s)
	if err != nil {
		return run, err
	}
	return run, b.invokers(s, run.name)
}

// cloudRunNameAndURI creates the Cloud Run service, or names the existing one.
func (b *producerBuilder) cloudRunNameAndURI(s runSpec) (cloudRunService, error) {
	if s.cr.ExistingServiceName != "" {
		return cloudRunService{
			name: pulumi.String(s.cr.ExistingServiceName).ToStringOutput(),
			uri:  pulumi.String("").ToStringOutput(),
		}, nil
	}
	svc, err := cloudrunv2.NewService(b.ctx, b.child(s.prefix+"run"+s.suffix), b.serviceArgs(s), b.opts()...)
	if err != nil {
		return cloudRunService{}, fmt.Errorf("%s: Cloud Run service: %w", s.path, err)
	}
	return cloudRunService{name: svc.Name, uri: svc.Uri}, nil
}

// invokers grants roles/run.invoker on the service to the listed members (and to allUsers when
// that is asked for: an opt-in, warned of by registerComponent). On a service the component creates, one authoritative
// binding holds every member: it is updated in place, so reordering the list or removing an
// entry never revokes, even for a moment, a member that stays, and members that are Outputs
// need no name of their own. On an existing service, which others may grant the role on too,
// each member is an additive grant named by the member (validation requires them known).
func (b *producerBuilder) invokers(s runSpec, service pulumi.StringOutput) error {
	cr := s.cr
	members := checkedStrings(cr.Invokers, s.path+".invokers", checkInvoker)
	if cr.AllowUnauthenticated {
		members = append(members, pulumi.String("allUsers"))
	}
	switch {
	case cr.ExistingServiceName == "" && len(members) > 0:
		_, err := cloudrunv2.NewServiceIamBinding(b.ctx, b.child(s.prefix+"invokers"+s.suffix), &cloudrunv2.ServiceIamBindingArgs{
			Project:  b.project(),
			Location: b.location(s),
			Name:     service,
			Role:     pulumi.String(invokerRole),
			Members:  members,
		}, b.opts()...)
		if err != nil {
			return fmt.Errorf("%s.invokers: %w", s.path, err)
		}
	case cr.ExistingServiceName != "":
		if err := b.existingServiceInvokers(s, service, members); err != nil {
			return err
		}
	}
	for _, w := range cr.foreignInvokerWarnings(s.path) {
		_ = b.ctx.Log.Warn(w, &pulumi.LogArgs{Resource: b.comp})
	}
	return nil
}

// existingServiceInvokers grants roles/run.invoker on an existing service, one additive grant per
// member, named by the member (validation requires the members known when the program runs).
func (b *producerBuilder) existingServiceInvokers(s runSpec, service pulumi.StringOutput, members pulumi.StringArray) error {
	for _, in := range members {
		m, _ := knownOrNil(in)
		_, err := cloudrunv2.NewServiceIamMember(b.ctx, b.child(s.prefix+"invoker"+s.suffix+"-"+m), &cloudrunv2.ServiceIamMemberArgs{
			Project:  b.project(),
			Location: b.location(s),
			Name:     service,
			Role:     pulumi.String(invokerRole),
			Member:   pulumi.String(m),
		}, b.opts()...)
		if err != nil {
			return fmt.Errorf("%s: invoker %s: %w", s.path, m, err)
		}
	}
	return nil
}

// serviceArgs describes the Cloud Run service to create: internal ingress, invoker IAM on, and the
// private URL as an accepted ID-token audience.
func (b *producerBuilder) serviceArgs(s runSpec) *cloudrunv2.ServiceArgs {
	cr := s.cr
	container := &cloudrunv2.ServiceTemplateContainerArgs{
		Image: cr.Image,
		Ports: &cloudrunv2.ServiceTemplateContainerPortsArgs{ContainerPort: pulumi.Int(*cr.Port)},
		Resources: &cloudrunv2.ServiceTemplateContainerResourcesArgs{
			Limits: pulumi.StringMap{"cpu": pulumi.String(cr.Cpu), "memory": pulumi.String(cr.Memory)},
		},
	}
	if cr.Env != nil {
		container.Envs = cr.Env.ToStringMapOutput().ApplyT(envList).(cloudrunv2.ServiceTemplateContainerEnvArrayOutput)
	}
	scaling := &cloudrunv2.ServiceTemplateScalingArgs{MinInstanceCount: pulumi.Int(cr.MinInstances)}
	if cr.MaxInstances > 0 {
		scaling.MaxInstanceCount = pulumi.Int(cr.MaxInstances)
	}
	template := &cloudrunv2.ServiceTemplateArgs{
		Containers: cloudrunv2.ServiceTemplateContainerArray{container},
		Scaling:    scaling,
	}
	if given(cr.ServiceAccount) {
		template.ServiceAccount = cr.ServiceAccount.ToStringOutput().ToStringPtrOutput()
	}
	if v := cr.VpcEgress; v != nil {
		access := &cloudrunv2.ServiceTemplateVpcAccessArgs{Egress: pulumi.String(v.Egress)}
		if given(v.Connector) {
			access.Connector = v.Connector.ToStringOutput().ToStringPtrOutput()
		} else {
			access.NetworkInterfaces = cloudrunv2.ServiceTemplateVpcAccessNetworkInterfaceArray{
				&cloudrunv2.ServiceTemplateVpcAccessNetworkInterfaceArgs{
					Network:    v.Network.ToStringOutput().ToStringPtrOutput(),
					Subnetwork: v.Subnetwork.ToStringOutput().ToStringPtrOutput(),
					Tags:       pulumi.StringArray(v.NetworkTags),
				},
			}
		}
		template.VpcAccess = access
	}
	args := &cloudrunv2.ServiceArgs{
		Project:            b.project(),
		Location:           b.location(s),
		Ingress:            pulumi.String(ingressInternalOnly),
		InvokerIamDisabled: pulumi.Bool(cr.networkAuth()),
		Labels:             childLabels(b.args.Labels),
		DeletionProtection: pulumi.Bool(cr.DeletionProtection),
		CustomAudiences:    b.audiences(s),
		Template:           template,
		Name:               optionalString(cr.ServiceName),
		Description:        b.describe("Cloud Run service of " + s.path + ", published privately through Private Service Connect"),
	}
	if cr.DisableDefaultUrl {
		// A beta field: the API takes it only from a BETA service (catalogue RUN-BETA-LAUNCH-STAGE).
		args.DefaultUriDisabled = pulumi.Bool(true)
		args.LaunchStage = pulumi.String("BETA")
	}
	return args
}

// audiences are the ID-token audiences the service accepts: the private URL of each host it is
// served at by name (a wildcard host names no URL), then the extra ones.
func (b *producerBuilder) audiences(s runSpec) pulumi.StringArray {
	out := pulumi.StringArray{}
	scheme := "http"
	if b.args.https() {
		scheme = "https"
	}
	for _, h := range s.hosts {
		if !strings.Contains(h, "*") {
			out = append(out, pulumi.String(scheme+"://"+h))
		}
	}
	return append(out, checkedStrings(s.cr.CustomAudiences, s.path+".customAudiences", noCheck)...)
}

// envList turns an environment map into Cloud Run's ordered list (sorted by name, so the plan is
// stable).
func envList(m map[string]string) []cloudrunv2.ServiceTemplateContainerEnv {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]cloudrunv2.ServiceTemplateContainerEnv, 0, len(keys))
	for _, k := range keys {
		out = append(out, cloudrunv2.ServiceTemplateContainerEnv{Name: k, Value: pulumi.StringRef(m[k])})
	}
	return out
}
