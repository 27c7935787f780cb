package psc

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/organizations"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// knownString returns the value of an input that is a plain value rather than an Output, so that
// it can be validated before any child is registered. Outputs (values from other resources or
// stacks, unknown at preview) are validated when they resolve instead.
func knownString(in pulumi.StringInput) (string, bool) {
	switch v := in.(type) {
	case pulumi.String:
		return string(v), true
	case *pulumi.String:
		if v != nil {
			return string(*v), true
		}
	}
	return "", false
}

// given reports whether an optional input is set: nil and "" are unset, an Output (unknown at
// preview, or resolved later) is set. Validation and the build both ask it, so an input the
// checks took as unset is never used by the build, nor the other way round.
func given(in pulumi.StringInput) bool {
	if in == nil {
		return false
	}
	if s, ok := knownString(in); ok {
		return s != ""
	}
	return true
}

// providerDefaults fills in the project and region (either pointer may be nil: not needed) that the
// user left empty with those of the component's own gcp provider: the one its provider or
// providers option names, or its parent's, or the default provider, whose project and region are
// the gcp:project and gcp:region configuration. It reads them with getClientConfig parented to
// the component, so the invoke goes to the provider the children get. The children then receive
// these values as inputs, the same values their provider would default to, so they land where the
// provider points and the checks at preview look there too.
func providerDefaults(ctx *pulumi.Context, comp pulumi.Resource, project, region *string) error {
	if (project == nil || *project != "") && (region == nil || *region != "") {
		return nil
	}
	cfg, err := organizations.GetClientConfig(ctx, pulumi.Parent(comp))
	if err != nil {
		return fmt.Errorf("reading the project and region of the component's gcp provider (getClientConfig): %w", err)
	}
	if project != nil && *project == "" {
		*project = cfg.Project
	}
	if region != nil && *region == "" {
		*region = cfg.Region
	}
	return nil
}

// stackOutput reads one string output of another stack through a StackReference registered as a
// child of parent, named resName (see stackString).
func stackOutput(ctx *pulumi.Context, parent pulumi.Resource, resName, input, stack, output string,
) (pulumi.StringOutput, error) {
	ref, err := stackReference(ctx, parent, resName, input, stack)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return stackString(ref, input, stack, output), nil
}

// stackReference registers a StackReference to stack as a child of parent, named resName.
func stackReference(ctx *pulumi.Context, parent pulumi.Resource, resName, input, stack string) (*pulumi.StackReference, error) {
	ref, err := pulumi.NewStackReference(ctx, resName, &pulumi.StackReferenceArgs{Name: pulumi.String(stack)},
		pulumi.Parent(parent))
	if err != nil {
		return nil, fmt.Errorf("%s: reading stack %q: %w", input, stack, err)
	}
	return ref, nil
}

// stackString is one string output of the referenced stack. An output that is missing or not a
// non-empty string fails with a message that names the stack, the output and the input that asked
// for it; a stack with no outputs at all is not deployed, which the message says, as it is the
// usual cause (a producer destroyed while consumers are connected).
func stackString(ref *pulumi.StackReference, input, stack, output string) pulumi.StringOutput {
	// Whether the output is there is read from the outputs' keys, whose secrecy must not spread to
	// the value read: asked for a key it lacks, a StackReference answers unknown during a preview,
	// which would leave a missing output to be refused only at up.
	return pulumi.Unsecret(ref.Outputs).ApplyT(func(v any) (pulumi.StringOutput, error) {
		outputs, _ := v.(map[string]any)
		if _, has := outputs[output]; !has {
			_, err := stackStringValue(input, stack, output, outputs, nil)
			return pulumi.StringOutput{}, err
		}
		return ref.GetOutput(pulumi.String(output)).ApplyT(func(value any) (string, error) {
			return stackStringValue(input, stack, output, outputs, value)
		}).(pulumi.StringOutput), nil
	}).(pulumi.StringOutput)
}

// stackOptionalString is a string output of the referenced stack that not every stack has: ""
// when the stack has none (read from the outputs' keys, so that it is "" at preview too, see
// stackString), else the value, failing with a message that names the stack and the output when
// it is not a string (what it must be) or when check refuses it.
func stackOptionalString(ref *pulumi.StackReference, stack, output, what string, check func(string) error) pulumi.StringOutput {
	return pulumi.Unsecret(ref.Outputs).ApplyT(func(v any) pulumi.StringOutput {
		if outputs, _ := v.(map[string]any); outputs[output] == nil {
			return pulumi.String("").ToStringOutput()
		}
		return ref.GetOutput(pulumi.String(output)).ApplyT(func(v any) (string, error) {
			s, ok := v.(string)
			if !ok {
				return "", fmt.Errorf("producerStack: stack %q output %q must be %s, got a %T", stack, output, what, v)
			}
			if err := check(s); err != nil {
				// A value read from another stack may be secret: it is not echoed.
				return "", fmt.Errorf("producerStack: stack %q output %q %w", stack, output, hidden(err, s))
			}
			return s, nil
		}).(pulumi.StringOutput)
	}).(pulumi.StringOutput)
}

// stackStringValue is stackString's check of value, the output named output of a stack whose
// outputs (only their number is read) are given.
func stackStringValue(input, stack, output string, outputs map[string]any, value any) (string, error) {
	s, ok := value.(string)
	switch {
	case len(outputs) == 0:
		return "", fmt.Errorf("%s: stack %q has no outputs: it is not deployed (never, or destroyed since); "+
			"run pulumi up in it first", input, stack)
	case value == nil:
		return "", fmt.Errorf("%s: stack %q has no string output %q (it has no output of that name)", input, stack, output)
	case !ok:
		// The value may be secret: name its type only.
		return "", fmt.Errorf("%s: stack %q has no string output %q (got a %T)", input, stack, output, value)
	case s == "":
		return "", fmt.Errorf("%s: stack %q has no string output %q (got an empty string)", input, stack, output)
	}
	return s, nil
}

// knownOrNil is knownString for an entry of a list of inputs, where a nil entry reads as "".
func knownOrNil(in pulumi.StringInput) (string, bool) {
	if in == nil {
		return "", true
	}
	return knownString(in)
}

// checkedString returns in, failing when it resolves, naming the input path, if check refuses
// it. A known value is returned as it is: validation already checked it. Secrecy and
// dependencies carry over.
func checkedString(in pulumi.StringInput, path string, check func(string) error) pulumi.StringInput {
	if s, ok := knownOrNil(in); ok {
		return pulumi.String(s)
	}
	return in.ToStringOutput().ApplyT(func(s string) (string, error) {
		if err := check(s); err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		return s, nil
	}).(pulumi.StringOutput)
}

// checkedStrings is checkedString for each entry of a list input at path.
func checkedStrings(ins []pulumi.StringInput, path string, check func(string) error) pulumi.StringArray {
	out := make(pulumi.StringArray, 0, len(ins))
	for i, in := range ins {
		out = append(out, checkedString(in, fmt.Sprintf("%s[%d]", path, i), check))
	}
	return out
}

// knownStrings returns the entries of a list input that are known now.
func knownStrings(ins []pulumi.StringInput) []string {
	var out []string
	for _, in := range ins {
		if s, ok := knownOrNil(in); ok {
			out = append(out, s)
		}
	}
	return out
}

// knownArray returns the entries of a list input when the list and every entry are known now.
func knownArray(in pulumi.StringArrayInput) ([]string, bool) {
	arr, ok := in.(pulumi.StringArray)
	if !ok {
		return nil, in == nil
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := knownOrNil(e)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// noCheck accepts every value, for inputs checked only for being given.
func noCheck(string) error { return nil }

// optionalString is a plain optional string as an input: "" stays unset.
func optionalString(s string) pulumi.StringPtrInput {
	if s == "" {
		return nil
	}
	return pulumi.StringPtr(s)
}

// awaitChecked waits for out, a value read from another stack with its checks applied, and
// returns the check's error: nil when it passed, or when the engine leaves the value unknown (a
// preview), in which case the check runs where the value is used. The value itself is not kept,
// so its secrecy is never lost: it is read again, as an Output, where it is used.
func awaitChecked(ctx *pulumi.Context, out pulumi.Output) error {
	_, err := internals.UnsafeAwaitOutput(ctx.Context(), out)
	return err
}
