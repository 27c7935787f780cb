package gcpsim

import (
	"context"
	_ "embed"
	"slices"

	p "github.com/pulumi/pulumi-go-provider"
)

// schemaJSON is generated from the pulumi-gcp SDK sources by
// `(cd sim && go test ./gcpsim -run TestSchemaIsFresh -update-schema)` and checked fresh by that test.
//
//go:embed schema.json
var schemaJSON string

// Schema returns the Pulumi package schema of the emulated types.
func Schema() string { return schemaJSON }

// GetSchema serves the package schema, so YAML programs can use the emulated types directly.
func (s *Simulator) GetSchema(context.Context, p.GetSchemaRequest) (p.GetSchemaResponse, error) {
	return p.GetSchemaResponse{Schema: schemaJSON}, nil
}

// SecretOutputs lists, per type token, the properties the schema marks secret and the simulator
// returns as secrets, by path ("a", "a.b", "a[].b"; GEN-SECRET).
func SecretOutputs() map[string][]string {
	out := map[string][]string{}
	for tok, k := range kinds {
		if len(k.secrets) > 0 {
			out[tok] = slices.Clone(k.secrets)
		}
	}
	return out
}
