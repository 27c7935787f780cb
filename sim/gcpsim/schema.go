package gcpsim

import (
	"context"
	_ "embed"

	p "github.com/pulumi/pulumi-go-provider"
)

// schemaJSON is generated from the pulumi-gcp SDK sources by
// `go test ./sim/gcpsim -run TestSchemaIsFresh -update-schema` and checked fresh by that test.
//
//go:embed schema.json
var schemaJSON string

// Schema returns the Pulumi package schema of the emulated types.
func Schema() string { return schemaJSON }

// GetSchema serves the package schema, so YAML programs can use the emulated types directly.
func (s *Simulator) GetSchema(context.Context, p.GetSchemaRequest) (p.GetSchemaResponse, error) {
	return p.GetSchemaResponse{Schema: schemaJSON}, nil
}

// secretOutputs lists, per type, the properties the schema marks secret.
func secretOutputs() map[string][]string {
	out := map[string][]string{}
	for tok, k := range kinds {
		if len(k.secrets) > 0 {
			out[tok] = k.secrets
		}
	}
	return out
}
