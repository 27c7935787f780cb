package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Usage errors exit 2 and say what to give, before any stack is read.
func TestUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "usage: cloudrun-psc doctor"},
		{[]string{"frobnicate"}, "usage: cloudrun-psc doctor"},
		{[]string{"doctor"}, "give --producer-stack, --consumer-stack or both"},
		{[]string{"doctor", "--producer-stack", "not-qualified"}, "without a project directory, name it org/project/stack"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), tt.args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("run(%q) = %d, stderr %q; want 2 and %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}
