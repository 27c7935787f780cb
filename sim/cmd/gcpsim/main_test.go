package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// seed creates a network and a subnet through the provider, as an engine would.
func seed(t *testing.T) string {
	t.Helper()
	return deploy(t, []resourceIn{
		{"gcp:compute/network:Network", "vpc", map[string]any{"name": "vpc", "autoCreateSubnetworks": false}},
		{"gcp:compute/subnetwork:Subnetwork", "s", map[string]any{"name": "s", "network": "vpc", "ipCidrRange": "10.0.0.0/24"}},
	})
}

func TestCommands(t *testing.T) {
	t.Parallel()
	dir := seed(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-state", dir, "count"}, "2\n"},
		{[]string{"-state", dir, "list"}, "gcp:compute/subnetwork:Subnetwork  projects/p/regions/europe-west1/subnetworks/s  ipCidrRange=10.0.0.0/24"},
		{[]string{"-state", dir, "-json", "count"}, `"count": 2`},
		{[]string{"-state", dir, "-json", "list"}, `"selfLink": "https://www.googleapis.com/compute/v1/projects/p/global/networks/vpc"`},
		{[]string{"-state", dir, "events"}, "create           gcp:compute/network:Network projects/p/global/networks/vpc"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[2:], " "), func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := run(tt.args, &out); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Fatalf("output:\n%s\nwant it to contain %q", out.String(), tt.want)
			}
		})
	}
}

func TestJSONListParses(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run([]string{"-state", seed(t), "-json", "list"}, &out); err != nil {
		t.Fatal(err)
	}
	var items []listed
	if err := json.Unmarshal(out.Bytes(), &items); err != nil || len(items) != 2 {
		t.Fatalf("items %v, err %v", items, err)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	dir := seed(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-state", dir, "connections", "att"}, `no single service attachment matches "att"`},
		{[]string{"-state", dir, "frobnicate"}, "usage: gcpsim"},
		{[]string{"-state", dir + "/missing", "count"}, "state directory"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := run(tt.args, &out)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%v) = %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}

func TestChainCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	lines := `{"time":"2026-01-02T03:04:05.006Z","after":"update gcp:cloudrunv2/service:Service projects/p/locations/europe-west1/services/run","endpoint":"projects/c/regions/europe-west1/forwardingRules/ep1","intact":true,"path":["projects/c/regions/europe-west1/forwardingRules/ep1"]}
{"time":"2026-01-02T03:04:06.006Z","after":"delete gcp:cloudrunv2/service:Service projects/p/locations/europe-west1/services/run","endpoint":"projects/c/regions/europe-west1/forwardingRules/ep2","intact":false,"link":"cloud-run","reason":"gone","path":[]}
`
	if err := os.WriteFile(filepath.Join(dir, "chain.jsonl"), []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{"-state", dir, "chain"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"03:04:05.006 projects/c/regions/europe-west1/forwardingRules/ep1 intact (after update gcp:cloudrunv2/service:Service projects/p/locations/europe-west1/services/run)",
		"forwardingRules/ep2 BROKEN at cloud-run: gone (after delete",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("chain output:\n%s\nwant it to contain %q", out.String(), want)
		}
	}
	for _, filter := range []string{"ep2", "projects/c/regions/europe-west1/forwardingRules/ep2", "https://www.googleapis.com/compute/v1/projects/c/regions/europe-west1/forwardingRules/ep2"} {
		out.Reset()
		if err := run([]string{"-state", dir, "-json", "chain", filter}, &out); err != nil {
			t.Fatal(err)
		}
		var samples []gcpsim.ChainSample
		if err := json.Unmarshal(out.Bytes(), &samples); err != nil || len(samples) != 1 || samples[0].Intact || samples[0].Link != gcpsim.LinkCloudRun {
			t.Errorf("chain %s: samples %+v, err %v", filter, samples, err)
		}
	}
}

// `gcpsim outage` takes a region down (both parts without a flag), lists it, and brings it back
// (SIM-OUTAGE); a region that is not one is refused.
func TestOutageCommand(t *testing.T) {
	t.Parallel()
	dir := seed(t)
	runOK := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(append([]string{"-state", dir}, args...), &out); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out.String()
	}
	runOK("outage", "europe-west1")
	runOK("outage", "us-central1", "--proxies")
	if got := runOK("outage"); got != "europe-west1 cloudRun=true proxies=true\nus-central1 cloudRun=false proxies=true\n" {
		t.Errorf("outage list = %q", got)
	}
	runOK("outage", "europe-west1", "--clear")
	if got := runOK("-json", "outage"); !strings.Contains(got, `"us-central1"`) || strings.Contains(got, "europe-west1") {
		t.Errorf("outage -json after clearing europe-west1 = %q", got)
	}
	var out bytes.Buffer
	if err := run([]string{"-state", dir, "outage", "mars-1"}, &out); err == nil || !strings.Contains(err.Error(), `"mars-1" is not a Google Cloud region`) {
		t.Errorf("outage mars-1: %v", err)
	}
}
