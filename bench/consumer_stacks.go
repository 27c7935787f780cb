package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	components "github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/components/go"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/spec"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// writeConsumerStacks gives env's backend the consumer stacks 0 to n-1 of the consumer-scale graph.
// Deploying hundreds of stacks through `pulumi up` would take most of the section, so stack 0 is
// deployed with the CLI (components.ConsumerStack) and the others are copies of its checkpoint,
// in the CLI's own format (apitype.VersionedCheckpoint), with the stack's name, the URNs and the
// exported project changed: to the CLI they are stacks like any other (readCopiedStack).
func writeConsumerStacks(env *harness.Env, n int) {
	first := env.GoStack(spec.ConsumerStackProject, spec.ConsumerStackName(0), components.ConsumerStack)
	first.SetConfig(spec.ConsumerStackProject+":"+spec.ConsumerProjectConfig, spec.ConsumerProjectID(0), false)
	first.Up()
	data, err := os.ReadFile(first.StateFile())
	if err != nil {
		panic(failure{err.Error()})
	}
	for i := 1; i < n; i++ {
		cp, err := copyConsumerCheckpoint(data, i)
		if err != nil {
			panic(failure{fmt.Sprintf("consumer stack %d: %v", i, err)})
		}
		path := filepath.Join(filepath.Dir(first.StateFile()), spec.ConsumerStackName(i)+".json")
		if err := os.WriteFile(path, cp, 0o600); err != nil {
			panic(failure{err.Error()})
		}
	}
}

// copyConsumerCheckpoint turns the checkpoint of consumer stack 0 into consumer stack i's.
func copyConsumerCheckpoint(data []byte, i int) ([]byte, error) {
	var vc apitype.VersionedCheckpoint
	if err := json.Unmarshal(data, &vc); err != nil {
		return nil, err
	}
	if vc.Version != 3 {
		return nil, fmt.Errorf("checkpoint version %d; this copy knows version 3", vc.Version)
	}
	var cp apitype.CheckpointV3
	if err := json.Unmarshal(vc.Checkpoint, &cp); err != nil {
		return nil, err
	}
	if cp.Latest == nil {
		return nil, fmt.Errorf("checkpoint of %s holds no deployment", cp.Stack)
	}
	from, to := spec.ConsumerStackName(0), stackName(i)
	if want := spec.ConsumerStackRef(0); string(cp.Stack) != want {
		return nil, fmt.Errorf("checkpoint of %s, want %s", cp.Stack, want)
	}
	cp.Stack = tokens.QName(spec.ConsumerStackRef(i))
	rootName := spec.ConsumerStackProject + "-" + from // the name the engine gives the stack resource
	found := false
	for k := range cp.Latest.Resources {
		r := &cp.Latest.Resources[k]
		r.URN = r.URN.RenameStack(to)
		if r.URN.Name() == rootName {
			r.URN = r.URN.Rename(spec.ConsumerStackProject + "-" + to.String())
		}
		if r.Parent != "" {
			r.Parent = r.Parent.RenameStack(to)
		}
		if _, ok := r.Outputs[spec.ConsumerOutput]; ok && r.Type == stackType {
			r.Outputs[spec.ConsumerOutput] = spec.ConsumerProjectID(i)
			found = true
		}
		if len(r.Dependencies) > 0 || len(r.PropertyDependencies) > 0 || r.Provider != "" {
			return nil, fmt.Errorf("resource %s has dependencies or a provider; a consumer stack here holds its stack resource only", r.URN)
		}
	}
	if !found {
		return nil, fmt.Errorf("no stack output %s in %s", spec.ConsumerOutput, spec.ConsumerStackRef(0))
	}
	raw, err := json.Marshal(cp)
	if err != nil {
		return nil, err
	}
	vc.Checkpoint = raw
	return json.Marshal(vc)
}

// readCopiedStack reads, with the CLI, the exported project of consumer stack i, a copy.
func readCopiedStack(env *harness.Env, i int) string {
	out, err := env.Pulumi("stack", "output", spec.ConsumerOutput, "--stack", spec.ConsumerStackRef(i))
	if err != nil {
		panic(failure{fmt.Sprintf("the CLI does not read the copied consumer stack %d: %v", i, err)})
	}
	got := strings.TrimSpace(out)
	if want := spec.ConsumerProjectID(i); got != want {
		panic(failure{fmt.Sprintf("the copied consumer stack %s exports %q, want %q", spec.ConsumerStackRef(i), got, want)})
	}
	return got
}
