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

// A request's bad flags are refused, each naming its flag, all at once, before any stack is read.
func TestRequestFlags(t *testing.T) {
	stacks := []string{"doctor", "--producer-stack", "o/p/s", "--consumer-stack", "o/c/s"}
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"--request", "ftp://api.internal/", "--project", "c", "--region", "europe-west1"}, []string{"--request: \"ftp://api.internal/\" is not an HTTP(S) URL"}},
		{[]string{"--request", "https://api.internal/", "--project", "c", "--region", "moon-east1", "--identity", "bob"},
			[]string{"--region: \"moon-east1\" is not a Google Cloud region", "--identity: \"bob\" is not a principal"}},
		{[]string{"--request", "https://api.internal/", "--project", "c", "--region", "europe-west1", "--impersonate-service-account", "x@gmail.com"},
			[]string{"--impersonate-service-account: \"x@gmail.com\" is not a service account email"}},
		{[]string{"--request", "https://api.internal/", "--region", "europe-west1", "--identity", "group:devs@example.com", "--no-token", "--audience", "a"},
			[]string{"--project: the client's project is required", "--identity: \"group:devs@example.com\": only a serviceAccount: or user:", "--audience: an audience and --no-token contradict"}},
		{[]string{"--request", "https://api.internal/", "--project", "c", "--region", "europe-west1", "--source-ip", "10.0.0.999", "--tags", "Web", "--cacert", "/does/not/exist"},
			[]string{"--source-ip: \"10.0.0.999\" is not an IPv4 address", "--tags: \"Web\" is not a network tag", "--cacert: open /does/not/exist"}},
		{[]string{"--project", "c", "--region", "europe-west1"}, []string{"--project, --region describe a call: give --request URL too"}},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append(append([]string{}, stacks...), tt.args...), &stdout, &stderr)
		for _, w := range tt.want {
			if code != 2 || !strings.Contains(stderr.String(), w) {
				t.Errorf("run(%q) = %d, stderr %q; want 2 and %q", tt.args, code, stderr.String(), w)
			}
		}
	}
	// A request needs both stacks.
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"doctor", "--consumer-stack", "o/c/s", "--request", "http://10.0.0.5/", "--project", "c", "--region", "europe-west1"}, &stdout, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "give --producer-stack and --consumer-stack") {
		t.Errorf("a request with one stack: %d, %q", code, stderr.String())
	}
}
