package schemagen

import (
	"reflect"
	"testing"
)

func TestOutputType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		want     PropertySpec
		required bool
	}{
		{"pulumi.StringOutput", PropertySpec{Type: "string"}, true},
		{"pulumi.StringPtrOutput", PropertySpec{Type: "string"}, false},
		{"pulumi.IntOutput", PropertySpec{Type: "integer"}, true},
		{"pulumi.Float64PtrOutput", PropertySpec{Type: "number"}, false},
		{"pulumi.BoolOutput", PropertySpec{Type: "boolean"}, true},
		{"pulumi.StringArrayOutput", PropertySpec{Type: "array", Items: &PropertySpec{Type: "string"}}, true},
		{"pulumi.StringMapOutput", PropertySpec{Type: "object", AdditionalProperties: &PropertySpec{Type: "string"}}, true},
		{"NetworkParamsPtrOutput", PropertySpec{Ref: "#/types/gcp:compute/NetworkParams:NetworkParams"}, false},
		{"SubnetworkSecondaryIpRangeArrayOutput", PropertySpec{Type: "array", Items: &PropertySpec{Ref: "#/types/gcp:compute/SubnetworkSecondaryIpRange:SubnetworkSecondaryIpRange"}}, true},
		{"pulumi.AnyOutput", PropertySpec{Ref: "pulumi.json#/Any"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			g := &gen{}
			got, required := g.outputType("compute", tt.in)
			if !reflect.DeepEqual(got, tt.want) || required != tt.required {
				t.Errorf("outputType(%q) = %+v, %v; want %+v, %v", tt.in, got, required, tt.want, tt.required)
			}
		})
	}
}
