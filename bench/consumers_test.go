package bench

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/bench/spec"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// The consumer-scale section on the smallest inputs, through the real CLI and simulator. It
// asserts what the report must hold, not how fast anything was.
func TestConsumersSmoke(t *testing.T) {
	t.Parallel()
	rep, err := Run(Options{Only: "consumers", ConsumerCounts: []int{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Consumers
	if want := len(consumerRuns) * 2; len(c.Rows) != want {
		t.Fatalf("rows = %d, want %d series × 2 consumer counts", len(c.Rows), want)
	}
	for _, row := range c.Rows {
		if len(row.Adds) != consumerAdds { // no add of N = 1, 2 takes longAdd
			t.Errorf("%s N=%d: %d adds, want %d", row.ConsumerRun, row.N, len(row.Adds), consumerAdds)
		}
		for k, a := range row.Adds {
			if a.N != row.N+k+1 || a.Accepted != a.N || a.check() != nil {
				t.Errorf("%s N=%d: add %+v, want consumer %d added by one attachment update", row.ConsumerRun, row.N, a, row.N+k+1)
			}
		}
		reads := 0
		if row.Mode == spec.ConsumerStacks {
			reads = row.N // a StackReference per consumer stack
		}
		if row.UpSteps[harness.OpRead] != reads || row.UpSteps[harness.OpCreate] == 0 {
			t.Errorf("%s N=%d: steps %v, want creates and %d reads", row.ConsumerRun, row.N, row.UpSteps, reads)
		}
		if row.Memory[engineExe].Peak <= 0 || row.Memory[Self].Peak <= 0 {
			t.Errorf("%s N=%d: memory %v, want the CLI's and the bench's", row.ConsumerRun, row.N, row.Memory)
		}
	}
	// The copy the CLI read is a copied stack (not the deployed stack 0) that exports its own project.
	if !strings.HasPrefix(c.CopyOutput, "consumer-prj-") || c.CopyOutput == spec.ConsumerProjectID(0) {
		t.Errorf("the CLI read %q from a copied consumer stack, want a copy's own project", c.CopyOutput)
	}
	if len(c.Saves) != len(consumerModes) {
		t.Fatalf("checkpoint counts = %+v, want one per mode", c.Saves)
	}
	for _, s := range c.Saves {
		refs := 0
		if s.Mode == spec.ConsumerStacks {
			refs = s.N
		}
		if s.Saves < s.Steps || s.Written < s.Final || s.StackRefs != refs {
			t.Errorf("%s: %+v, want at least one save per step and %d StackReferences", s.Mode, s, refs)
		}
	}
	md := rep.Markdown()
	for _, want := range []string{"## 7. Consumer scale", "`consumerStacks`: adding one consumer at N = 2 / at N = 1",
		"producer with N `consumers` entries: up time linear in N (R²)"} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

func TestConsumerAddCheck(t *testing.T) {
	t.Parallel()
	update := harness.Step{Op: harness.OpUpdate, Type: chain.ServiceAttachmentType}
	event := gcpsim.Event{Op: harness.OpUpdate, Type: chain.ServiceAttachmentType}
	good := ConsumerAdd{N: 3, Changes: []harness.Step{update}, Events: []gcpsim.Event{event}, Accepted: 3}
	if err := good.check(); err != nil {
		t.Errorf("one attachment update: %v", err)
	}
	tests := []struct {
		name string
		edit func(a *ConsumerAdd)
		want string
	}{
		{"a replacement", func(a *ConsumerAdd) { a.Changes[0].Op = harness.OpReplace }, "engine's changes"},
		{"another resource", func(a *ConsumerAdd) {
			a.Changes = append(a.Changes, harness.Step{Op: harness.OpCreate, Type: chain.ForwardingRuleType})
		}, "engine's changes"},
		{"a second mutation", func(a *ConsumerAdd) { a.Events = append(a.Events, event) }, "simulator recorded"},
		{"no mutation", func(a *ConsumerAdd) { a.Events = nil }, "simulator recorded"},
		{"an entry short", func(a *ConsumerAdd) { a.Accepted = 2 }, "accepts 2 consumers"},
	}
	for _, tt := range tests {
		a := good
		a.Changes = append([]harness.Step(nil), good.Changes...)
		a.Events = append([]gcpsim.Event(nil), good.Events...)
		tt.edit(&a)
		if err := a.check(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: check = %v, want an error about %q", tt.name, err, tt.want)
		}
	}
}

// consumerCheckpoint is the checkpoint the pinned CLI wrote for consumer stack 0 (its stack
// traces left out).
const consumerCheckpoint = `{"version":3,"checkpoint":{"stack":"organization/bench-consumer/c0000","latest":{` +
	`"manifest":{"time":"2026-12-07T07:26:58.628938547Z","magic":"294a449188e3da4517a05ae33e5c1307bbafa419a82735db7986e01d5ec6b1c0","version":"v3.274.1"},` +
	`"secrets_providers":{"type":"passphrase","state":{"salt":"v1:3IvMyutMlg4=:v1:N0Yszd6Zdtvs0i5b:u5zstLklDJdK5MJUlWK3IVZ131lwKQ=="}},` +
	`"resources":[{"urn":"urn:pulumi:c0000::bench-consumer::pulumi:pulumi:Stack::bench-consumer-c0000","custom":false,` +
	`"type":"pulumi:pulumi:Stack","outputs":{"consumerProject":"consumer-prj-0000"},"created":"2026-12-07T07:26:58.625818856Z",` +
	`"modified":"2026-12-07T07:26:58.625818856Z"}],"metadata":{}}}}`

func TestCopyConsumerCheckpoint(t *testing.T) {
	t.Parallel()
	out, err := copyConsumerCheckpoint([]byte(consumerCheckpoint), 42)
	if err != nil {
		t.Fatal(err)
	}
	var vc apitype.VersionedCheckpoint
	var cp apitype.CheckpointV3
	if err := json.Unmarshal(out, &vc); err != nil || json.Unmarshal(vc.Checkpoint, &cp) != nil {
		t.Fatalf("the copy is not a checkpoint: %v\n%s", err, out)
	}
	if vc.Version != 3 || string(cp.Stack) != "organization/bench-consumer/c0042" || cp.Latest == nil || len(cp.Latest.Resources) != 1 {
		t.Fatalf("copy = %s", out)
	}
	r := cp.Latest.Resources[0]
	if want := "urn:pulumi:c0042::bench-consumer::pulumi:pulumi:Stack::bench-consumer-c0042"; string(r.URN) != want {
		t.Errorf("URN = %s, want %s", r.URN, want)
	}
	if got := r.Outputs[spec.ConsumerOutput]; got != "consumer-prj-0042" {
		t.Errorf("output = %v, want consumer-prj-0042", got)
	}
	// What names no stack is the CLI's and stays as it was: the secrets provider, the manifest.
	for _, kept := range []string{`"salt":"v1:3IvMyutMlg4=`, `"magic":"294a4491`, `"version":"v3.274.1"`} {
		if !strings.Contains(string(out), kept) {
			t.Errorf("the copy lost %s: %s", kept, out)
		}
	}
	if strings.Contains(string(out), "c0000") || strings.Contains(string(out), "prj-0000") {
		t.Errorf("the copy still names stack 0: %s", out)
	}

	other := strings.ReplaceAll(consumerCheckpoint, "c0000", "c0007")
	if _, err := copyConsumerCheckpoint([]byte(other), 1); err == nil || !strings.Contains(err.Error(), "want organization/bench-consumer/c0000") {
		t.Errorf("copy of another stack's checkpoint = %v, want a refusal", err)
	}
	noOutput := strings.Replace(consumerCheckpoint, `"consumerProject"`, `"other"`, 1)
	if _, err := copyConsumerCheckpoint([]byte(noOutput), 1); err == nil || !strings.Contains(err.Error(), "no stack output") {
		t.Errorf("copy of a stack without the output = %v, want a refusal", err)
	}
}
