package provider

import (
	"testing"

	rpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// An alias spec resolves to the URN it names, each empty part taken from the resource itself.
func TestAliasSpecsResolveToURNs(t *testing.T) {
	t.Parallel()
	req := &rpc.ConstructRequest{Name: "payments-v2", Type: chain.ProducerServiceType, Project: "naming",
		Stack: "prod", Parent: "urn:pulumi:prod::naming::pulumi:pulumi:Stack::naming-prod"}
	cases := []struct {
		name string
		spec *rpc.Alias_Spec
		want string
	}{
		{"old name", &rpc.Alias_Spec{Name: "payments"}, "urn:pulumi:prod::naming::cloudrun-psc:index:ProducerService::payments"},
		{"old parent", &rpc.Alias_Spec{Parent: &rpc.Alias_Spec_ParentUrn{ParentUrn: "urn:pulumi:prod::naming::acme:index:Platform::core"}},
			"urn:pulumi:prod::naming::acme:index:Platform$cloudrun-psc:index:ProducerService::payments-v2"},
		{"old stack and project", &rpc.Alias_Spec{Stack: "dev", Project: "old"}, "urn:pulumi:dev::old::cloudrun-psc:index:ProducerService::payments-v2"},
	}
	for _, tc := range cases {
		if got := string(aliasURN(req, tc.spec)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
