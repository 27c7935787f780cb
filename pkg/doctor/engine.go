package doctor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// StackRef names a stack to read: its name (org/project/stack, or a name the project's backend
// resolves) and, optionally, the project directory it is run from.
type StackRef struct {
	Stack string
	Dir   string
}

// Read refreshes the stack read-only through the engine: a refresh preview (the Automation
// API's PreviewRefresh, `pulumi refresh --preview-only`) makes the providers read every
// resource from the cloud, and writes nothing to the stack. What the providers read is taken
// from the engine's event stream: the CLI's `--json` summary of a refresh preview repeats the
// old state (pulumi/pulumi#16278). Without a directory it runs in a scratch project of the
// stack's project name; the stack's provider configuration is in its state. pulumiRoot is the
// directory whose bin/ holds the pulumi CLI ("" for the one on PATH).
func Read(ctx context.Context, pulumiRoot string, ref StackRef) (*Side, error) {
	dir := ref.Dir
	if dir == "" {
		parts := strings.Split(ref.Stack, "/")
		if len(parts) != 3 {
			return nil, fmt.Errorf("stack %q: without a project directory, name it org/project/stack", ref.Stack)
		}
		tmp, err := os.MkdirTemp("", "cloudrun-psc-doctor-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		project := "name: " + parts[1] + "\nruntime: yaml\n"
		if err := os.WriteFile(filepath.Join(tmp, "Pulumi.yaml"), []byte(project), 0o644); err != nil {
			return nil, err
		}
		dir = tmp
	}
	var opts *auto.PulumiCommandOptions
	if pulumiRoot != "" {
		opts = &auto.PulumiCommandOptions{Root: pulumiRoot}
	}
	cmd, err := auto.NewPulumiCommand(opts)
	if err != nil {
		return nil, fmt.Errorf("the pulumi CLI: %w", err)
	}
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(dir), auto.Pulumi(cmd))
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", ref.Stack, err)
	}
	name := ref.Stack
	if name == "" {
		summary, err := ws.Stack(ctx)
		if err != nil || summary == nil {
			return nil, fmt.Errorf("%s: no stack selected; pass its name", dir)
		}
		name = summary.Name
	}
	stack, err := auto.SelectStack(ctx, name, ws)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", name, err)
	}
	ch := make(chan events.EngineEvent)
	done := make(chan *Side)
	go func() { done <- collect(name, ch) }()
	_, err = stack.PreviewRefresh(ctx, optrefresh.EventStreams(ch), optrefresh.Color("never"))
	side := <-done
	if err != nil {
		return nil, fmt.Errorf("reading stack %s (refresh preview): %w", name, err)
	}
	return side, nil
}

// collect gathers what the refresh read, from its step events.
func collect(stack string, ch <-chan events.EngineEvent) *Side {
	side := &Side{Stack: stack}
	byURN := map[string]*Resource{}
	for ev := range ch {
		var md *apitype.StepEventMetadata
		switch {
		case ev.ResOutputsEvent != nil:
			md = &ev.ResOutputsEvent.Metadata
		case ev.ResourcePreEvent != nil:
			md = &ev.ResourcePreEvent.Metadata
		default:
			continue
		}
		if r := FromStep(md); r != nil {
			if old, ok := byURN[r.URN]; ok {
				*old = *r
				continue
			}
			byURN[r.URN] = r
			side.Resources = append(side.Resources, r)
		}
	}
	// Events arrive in the order the engine finished the steps: keep the stack's order stable.
	sort.SliceStable(side.Resources, func(i, j int) bool { return side.Resources[i].URN < side.Resources[j].URN })
	return side
}

// FromStep is the resource one refresh step read: its new state, or its old one marked Gone
// when the provider found nothing.
func FromStep(md *apitype.StepEventMetadata) *Resource {
	st, gone := md.New, md.New == nil || md.New.ID == "" || md.Op == apitype.OpDelete
	if st == nil {
		st = md.Old
	}
	if st == nil {
		return nil
	}
	id := st.ID
	if id == "" && md.Old != nil {
		id = md.Old.ID
	}
	return &Resource{URN: firstNonEmpty(st.URN, md.URN), Type: firstNonEmpty(st.Type, md.Type), ID: id,
		Custom: st.Custom, Outputs: st.Outputs, Parent: st.Parent, Gone: gone && st.Custom}
}
