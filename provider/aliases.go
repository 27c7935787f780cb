package provider

import (
	"context"

	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	rpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// The engine sends a component's aliases as specs (a name, type, project, stack or parent that
// changed), which is how every SDK writes `aliases: [{ name: "payments" }]`. pulumi-go-provider
// v1.5.0 keeps only aliases given as URNs and drops the specs, so a component renamed with an
// alias from TypeScript, Python or the Go SDK was created anew with every child. aliasServer
// resolves each spec to the URN it names before the request reaches it.

type aliasServer struct{ rpc.ResourceProviderServer }

func (s aliasServer) Construct(ctx context.Context, req *rpc.ConstructRequest) (*rpc.ConstructResponse, error) {
	for i, a := range req.GetAliases() {
		if spec := a.GetSpec(); spec != nil {
			req.Aliases[i] = &rpc.Alias{Alias: &rpc.Alias_Urn{Urn: string(aliasURN(req, spec))}}
		}
	}
	return s.ResourceProviderServer.Construct(ctx, req)
}

// aliasURN is the URN an alias spec names: each part the spec leaves empty is the resource's own.
func aliasURN(req *rpc.ConstructRequest, spec *rpc.Alias_Spec) presource.URN {
	name, typ, project, stack := req.GetName(), req.GetType(), req.GetProject(), req.GetStack()
	if spec.GetName() != "" {
		name = spec.GetName()
	}
	if spec.GetType() != "" {
		typ = spec.GetType()
	}
	if spec.GetProject() != "" {
		project = spec.GetProject()
	}
	if spec.GetStack() != "" {
		stack = spec.GetStack()
	}
	parent := req.GetParent()
	switch {
	case spec.GetNoParent():
		parent = ""
	case spec.GetParentUrn() != "":
		parent = spec.GetParentUrn()
	}
	var parentType tokens.Type
	if parent != "" && presource.URN(parent).IsValid() && presource.URN(parent).QualifiedType() != presource.RootStackType {
		parentType = presource.URN(parent).QualifiedType()
	}
	return presource.NewURN(tokens.QName(stack), tokens.PackageName(project), parentType, tokens.Type(typ), name)
}
