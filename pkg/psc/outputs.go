package psc

import (
	"reflect"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// registerOutputs records a component's outputs (every field tagged `pulumi:"name"`) in the
// engine, so that state, the console and `pulumi stack export` show them for Go programs too.
// The provider's Construct registers the same map again, which the engine takes as the same
// outputs.
func registerOutputs(ctx *pulumi.Context, comp pulumi.ComponentResource) error {
	return ctx.RegisterResourceOutputs(comp, outputMap(comp))
}

// outputMap maps each tagged Output field of the component struct to its value.
func outputMap(comp any) pulumi.Map {
	v := reflect.ValueOf(comp).Elem()
	m := pulumi.Map{}
	for i := 0; i < v.NumField(); i++ {
		tag, ok := v.Type().Field(i).Tag.Lookup("pulumi")
		if !ok {
			continue
		}
		if out, ok := v.Field(i).Interface().(pulumi.Output); ok {
			m[strings.Split(tag, ",")[0]] = out
		}
	}
	return m
}
