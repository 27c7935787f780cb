package psc

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"
)

// ConnectedEndpoint is one consumer endpoint connected to the service attachment, as the
// attachment reports it (its connectedEndpoints).
type ConnectedEndpoint struct {
	Endpoint                  string `pulumi:"endpoint"`
	ConsumerProject           string `pulumi:"consumerProject"`
	ConsumerNetwork           string `pulumi:"consumerNetwork"`
	Status                    string `pulumi:"status"`
	PscConnectionId           string `pulumi:"pscConnectionId"`
	PropagatedConnectionCount int    `pulumi:"propagatedConnectionCount"`
	Region                    string `pulumi:"region"`
}

// Annotate documents the ConnectedEndpoint fields for the schema.
func (c *ConnectedEndpoint) Annotate(a infer.Annotator) {
	a.Describe(c, "A consumer endpoint connected to the service attachment.")
	a.Describe(&c.Endpoint, "Self link of the consumer's PSC forwarding rule.")
	a.Describe(&c.ConsumerProject, "Project of the consumer endpoint.")
	a.Describe(&c.ConsumerNetwork, "VPC network of the consumer endpoint.")
	a.Describe(&c.Status, "Connection status: ACCEPTED, PENDING, REJECTED, NEEDS_ATTENTION or CLOSED.")
	a.Describe(&c.PscConnectionId, "PSC connection ID of the endpoint.")
	a.Describe(&c.PropagatedConnectionCount, "Connections propagated from the consumer's Network Connectivity Center hub.")
	a.Describe(&c.Region, "Region of the service attachment the endpoint is connected to.")
}

// connections is what the component reports of its attachment's connections.
type connections struct {
	endpoints pulumix.Output[[]ConnectedEndpoint]
	natUsed   pulumi.IntOutput
	natFree   pulumi.IntOutput
	warning   pulumi.StringOutput
}

// connections derives the connected endpoints, the NAT addresses they use (one per ACCEPTED
// endpoint) and the warning about the consumers stuck in PENDING or NEEDS_ATTENTION from one
// attachment in region, whose NAT subnets hold capacity addresses, and logs that warning.
func (b *producerBuilder) connections(sa *compute.ServiceAttachment, region string, capacity int) connections {
	reported := pulumix.MustConvertTyped[[]compute.ServiceAttachmentConnectedEndpoint](sa.ConnectedEndpoints)
	eps := pulumix.Apply(reported,
		func(in []compute.ServiceAttachmentConnectedEndpoint) []ConnectedEndpoint {
			out := []ConnectedEndpoint{}
			for _, e := range in {
				c := ConnectedEndpoint{Endpoint: deref(e.Endpoint), ConsumerNetwork: deref(e.ConsumerNetwork),
					Status: deref(e.Status), PscConnectionId: deref(e.PscConnectionId), Region: region}
				c.ConsumerProject = chain.ProjectOf(c.Endpoint)
				if e.PropagatedConnectionCount != nil {
					c.PropagatedConnectionCount = *e.PropagatedConnectionCount
				}
				out = append(out, c)
			}
			return out
		})
	used := pulumix.Apply(eps, func(eps []ConnectedEndpoint) int {
		n := 0
		for _, e := range eps {
			if chain.HoldsNATAddress(e.Status) {
				n++
			}
		}
		return n
	})
	warning := pulumix.Apply(eps, func(eps []ConnectedEndpoint) string {
		w := connectionWarning(eps, capacity)
		if w != "" {
			_ = b.ctx.Log.Warn(w, &pulumi.LogArgs{Resource: b.comp})
		}
		return w
	})
	return connections{
		endpoints: eps,
		natUsed:   pulumi.IntOutput{OutputState: used.OutputState},
		natFree:   pulumi.IntOutput{OutputState: pulumix.Apply(used, func(n int) int { return chain.NATFree(capacity, n) }).OutputState},
		warning:   pulumi.StringOutput{OutputState: warning.OutputState},
	}
}

// allConnections adds up the connections of every attachment: their endpoints in order, the NAT
// addresses used and free, and their warnings.
func allConnections(parts []connections) connections {
	if len(parts) == 1 {
		return parts[0]
	}
	var eps, used, free, warnings []any
	for _, c := range parts {
		eps, used, free, warnings = append(eps, c.endpoints), append(used, c.natUsed), append(free, c.natFree), append(warnings, c.warning)
	}
	sum := func(ns []any) pulumi.IntOutput {
		return pulumi.All(ns...).ApplyT(func(vs []any) int {
			t := 0
			for _, v := range vs {
				t += v.(int)
			}
			return t
		}).(pulumi.IntOutput)
	}
	return connections{
		endpoints: pulumix.Apply(pulumix.MustConvertTyped[[]any](pulumi.All(eps...)), func(vs []any) []ConnectedEndpoint {
			out := []ConnectedEndpoint{}
			for _, v := range vs {
				out = append(out, v.([]ConnectedEndpoint)...)
			}
			return out
		}),
		natUsed: sum(used),
		natFree: sum(free),
		warning: pulumi.All(warnings...).ApplyT(func(vs []any) string {
			var ws []string
			for _, v := range vs {
				if w := v.(string); w != "" {
					ws = append(ws, w)
				}
			}
			return strings.Join(ws, " ")
		}).(pulumi.StringOutput),
	}
}

// connectionWarning names the consumers whose endpoints wait on the attachment (PENDING, or
// NEEDS_ATTENTION when the NAT subnets are full), each status's cause and its fix; "" when none
// waits.
func connectionWarning(eps []ConnectedEndpoint, natCapacity int) string {
	var parts []string
	for _, status := range []string{chain.Pending, chain.NeedsAttention} {
		var endpoints, consumers []string
		for _, e := range eps {
			if e.Status == status {
				endpoints = append(endpoints, e.ConsumerProject+" ("+e.Endpoint+")")
				consumers = append(consumers, e.ConsumerProject)
			}
		}
		if len(endpoints) == 0 {
			continue
		}
		sort.Strings(endpoints)
		slices.Sort(consumers)
		who := strings.Join(slices.Compact(consumers), ", ")
		s := chain.StatusOf(status)
		cause := s.Cause(who)
		if status == chain.NeedsAttention {
			cause += fmt.Sprintf("; they hold %d addresses", natCapacity)
		}
		parts = append(parts, fmt.Sprintf("%s: %s: %s. Fix: %s.", status, strings.Join(endpoints, ", "), cause, s.Fix(who)))
	}
	if len(parts) == 0 {
		return ""
	}
	return "consumer endpoints waiting on this service attachment: " + strings.Join(parts, " ")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
