package gcpsim

import (
	"context"

	p "github.com/pulumi/pulumi-go-provider"
	comProvider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	rpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Autonaming configuration (the stack's pulumi:autonaming, Pulumi docs "Resource names",
// https://www.pulumi.com/docs/iac/concepts/resources/names/#autonaming-configuration): a provider
// that declares support in its handshake receives, with each Check, the name the engine proposes
// and how binding it is. pulumi-gcp, a bridged provider, declares that support (catalogue
// GEN-AUTONAMING). pulumi-go-provider v1.5.0 drops those options from its CheckRequest, so the
// simulator's server takes them from the gRPC request and hands them to Check in the context.

// autonamingKey is the context key of the engine's autonaming options for one Check.
type autonamingKey struct{}

// Server returns the gRPC server of the simulator's provider, with autonaming options passed on.
func (s *Simulator) Server(host *comProvider.HostClient) (rpc.ResourceProviderServer, error) {
	inner, err := p.RawServer(Name, Version, s.Provider())(host)
	if err != nil {
		return nil, err
	}
	return autonamingServer{inner}, nil
}

type autonamingServer struct{ rpc.ResourceProviderServer }

func (a autonamingServer) Check(ctx context.Context, req *rpc.CheckRequest) (*rpc.CheckResponse, error) {
	if opts := req.GetAutonaming(); opts != nil {
		ctx = context.WithValue(ctx, autonamingKey{}, opts)
	}
	return a.ResourceProviderServer.Check(ctx, req)
}

// handshake declares autonaming support, as pulumi-gcp does.
func handshake(context.Context, p.HandshakeRequest) (p.HandshakeResponse, error) {
	return p.HandshakeResponse{SupportsAutonamingConfiguration: true}, nil
}

// engineName is the name the engine's autonaming options give a resource whose program set no
// name: ok is false when there are none (the provider names it itself); disabled when
// autonaming is off, so the program must name it.
func engineName(ctx context.Context) (name string, disabled, ok bool) {
	opts, _ := ctx.Value(autonamingKey{}).(*rpc.CheckRequest_AutonamingOptions)
	if opts == nil {
		return "", false, false
	}
	if opts.GetMode() == rpc.CheckRequest_AutonamingOptions_DISABLE {
		return "", true, true
	}
	return opts.GetProposedName(), false, true
}
