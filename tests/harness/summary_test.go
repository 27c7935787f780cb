package harness

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

func pre(op apitype.OpType, typ, urn string) apitype.EngineEvent {
	return apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{
		Metadata: apitype.StepEventMetadata{Op: op, Type: typ, URN: urn},
	}}
}

func outs(op apitype.OpType, typ, urn string) apitype.EngineEvent {
	return apitype.EngineEvent{ResOutputsEvent: &apitype.ResOutputsEvent{
		Metadata: apitype.StepEventMetadata{Op: op, Type: typ, URN: urn},
	}}
}

func summary(changes map[apitype.OpType]int) apitype.EngineEvent {
	return apitype.EngineEvent{SummaryEvent: &apitype.SummaryEvent{ResourceChanges: changes}}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	const net, sub = chain.NetworkType, chain.SubnetworkType
	for name, tc := range map[string]struct {
		op          Operation
		events      []apitype.EngineEvent
		wantSteps   []Step
		wantChanges bool
		wantCreates map[string]int // type -> creates
	}{
		"preview counts steps by type": {
			op: Preview,
			events: []apitype.EngineEvent{
				pre(apitype.OpCreate, net, "urn:a"),
				pre(apitype.OpCreate, sub, "urn:b"),
				pre(apitype.OpCreate, sub, "urn:c"),
				summary(map[apitype.OpType]int{apitype.OpCreate: 3}),
			},
			wantSteps:   []Step{{"create", net, "urn:a"}, {"create", sub, "urn:b"}, {"create", sub, "urn:c"}},
			wantChanges: true,
			wantCreates: map[string]int{net: 1, sub: 2},
		},
		"no-op preview": {
			op:          Preview,
			events:      []apitype.EngineEvent{pre(apitype.OpSame, net, "urn:a"), summary(map[apitype.OpType]int{apitype.OpSame: 1})},
			wantSteps:   []Step{{"same", net, "urn:a"}},
			wantChanges: false,
			wantCreates: map[string]int{net: 0},
		},
		"refresh reports outcomes, not refresh": {
			op: Refresh,
			events: []apitype.EngineEvent{
				pre(apitype.OpRefresh, net, "urn:a"),
				pre(apitype.OpRefresh, sub, "urn:b"),
				outs(apitype.OpSame, net, "urn:a"),
				outs(apitype.OpUpdate, sub, "urn:b"),
				summary(map[apitype.OpType]int{apitype.OpSame: 1, apitype.OpUpdate: 1}),
			},
			wantSteps:   []Step{{"same", net, "urn:a"}, {"update", sub, "urn:b"}},
			wantChanges: true,
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := summarize(tc.op, tc.events)
			if !reflect.DeepEqual(s.Steps, tc.wantSteps) {
				t.Errorf("steps = %v, want %v", s.Steps, tc.wantSteps)
			}
			if s.HasChanges() != tc.wantChanges {
				t.Errorf("HasChanges() = %v, want %v (changes %v)", s.HasChanges(), tc.wantChanges, s.Changes)
			}
			for typ, n := range tc.wantCreates {
				if got := s.Count(OpCreate, typ); got != n {
					t.Errorf("Count(create, %s) = %d, want %d", typ, got, n)
				}
				if got := s.ByType()[typ][OpCreate]; got != n {
					t.Errorf("ByType()[%s][create] = %d, want %d", typ, got, n)
				}
			}
		})
	}
}

func TestSummarizeDiagnostics(t *testing.T) {
	t.Parallel()
	s := summarize(Up, []apitype.EngineEvent{
		{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "warning", Message: "careful\n", URN: "urn:a"}},
		{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "info", Message: "fyi\n"}},
		{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "error", Message: "broken\n"}},
	})
	if got := s.Warnings(); !reflect.DeepEqual(got, []string{"careful"}) {
		t.Errorf("Warnings() = %q", got)
	}
	if got := s.Errors(); !reflect.DeepEqual(got, []string{"broken"}) {
		t.Errorf("Errors() = %q", got)
	}
	if s.Diagnostics[0].URN != "urn:a" {
		t.Errorf("the warning lost its resource: %+v", s.Diagnostics[0])
	}
	if _, err := s.Output("missing"); err == nil {
		t.Error("Output of a missing name returned no error")
	}
}
