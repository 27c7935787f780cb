package gcpsim

import (
	"context"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spec, err string
		want      []Fault
	}{
		{spec: "", want: nil},
		{spec: "create:gcp:compute/serviceAttachment:ServiceAttachment:1:transient,delete:gcp:compute/subnetwork:Subnetwork:2:quota",
			want: []Fault{{"create", serviceAttachmentToken, 1, "transient", ""}, {"delete", subnetworkToken, 2, "quota", ""}}},
		{spec: "create:gcp:compute/subnetwork:Subnetwork[payments-nat-subnet]:1:transient, create:gcp:cloudrunv2/serviceIamMember:ServiceIamMember[p-invoker-user:a@b.c]:2:quota",
			want: []Fault{{"create", subnetworkToken, 1, "transient", "payments-nat-subnet"},
				{"create", "gcp:cloudrunv2/serviceIamMember:ServiceIamMember", 2, "quota", "p-invoker-user:a@b.c"}}},
		{spec: "create:gcp:compute/network:Network[]:1:transient", err: "a resource name is written TYPE[NAME]"},
		{spec: "create:gcp:compute/network:Network[vpc:1:transient", err: "a resource name is written TYPE[NAME]"},
		{spec: "create:gcp:compute/network:Network:0:transient", err: "N must be a positive integer"},
		{spec: "drop:gcp:compute/network:Network:1:transient", err: "OP must be create, update or delete"},
		{spec: "create:gcp:compute/network:Network:1:flaky", err: "KIND must be transient or quota"},
		{spec: "create:gcp:storage/bucket:Bucket:1:quota", err: "is not emulated"},
		{spec: "create:1:quota", err: "want OP:TYPE:N:KIND"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			t.Parallel()
			got, err := ParseFaults(tt.spec)
			if tt.err != "" {
				wantErr(t, err, tt.err)
				return
			}
			if err != nil || len(got) != len(tt.want) {
				t.Fatalf("ParseFaults = %v, %v", got, err)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("fault %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// TestFaultsAreCountedAcrossInstances: the Nth create counts every process's creates, and
// a failed create leaves nothing behind.
func TestFaultsAreCountedAcrossInstances(t *testing.T) {
	t.Parallel()
	faults, err := ParseFaults("create:gcp:compute/network:Network:2:transient,delete:gcp:compute/network:Network:1:quota")
	if err != nil {
		t.Fatal(err)
	}
	withFaults := func(o *Options) { o.Faults = faults }
	dir := t.TempDir()
	a := attach(t, dir, producerProject, withFaults)
	b := attach(t, dir, producerProject, withFaults)
	first, _ := a.mustCreate(networkToken, "n1", map[string]any{"name": "n1"})
	_, _, err = b.create(networkToken, "n2", map[string]any{"name": "n2"})
	wantErr(t, err, "googleapi: Error 503: Internal error. Please try again or contact Google Support. (Code: 'gcpsim-injected'), backendError")
	if n := a.count(); n != 1 {
		t.Fatalf("a failed create left %d resources, want only the first", n)
	}
	a.mustCreate(networkToken, "n2", map[string]any{"name": "n2"}) // the retry succeeds
	wantErr(t, b.del(networkToken, first), "googleapi: Error 403: Quota exceeded for quota metric 'gcpsim-injected' on resources of type 'gcp:compute/network:Network', QUOTA_EXCEEDED")
	if err := a.del(networkToken, first); err != nil {
		t.Fatalf("second delete: %v", err)
	}
}

// TestNamedFaultsSelectOneResource: a fault with a name counts only that resource's
// operations, independently of a fault on the whole type, so one subnet among several can
// be made to fail on its first create whatever the order of the creates.
func TestNamedFaultsSelectOneResource(t *testing.T) {
	t.Parallel()
	faults, err := ParseFaults("create:gcp:compute/subnetwork:Subnetwork[nat]:1:transient,create:gcp:compute/subnetwork:Subnetwork:3:quota")
	if err != nil {
		t.Fatal(err)
	}
	h := attach(t, t.TempDir(), producerProject, func(o *Options) { o.Faults = faults })
	vpc, _ := h.mustCreate(networkToken, "vpc", map[string]any{"name": "vpc"})
	subnet := func(name, cidr string) map[string]any {
		return map[string]any{"name": name, "network": vpc, "ipCidrRange": cidr, "purpose": "PRIVATE_SERVICE_CONNECT"}
	}
	h.mustCreate(subnetworkToken, "lb", subnet("lb", "10.0.0.0/29"))           // subnet create 1
	_, _, err = h.create(subnetworkToken, "nat", subnet("nat", "10.0.1.0/29")) // 2, the first of "nat"
	wantErr(t, err, "googleapi: Error 503")
	_, _, err = h.create(subnetworkToken, "nat", subnet("nat", "10.0.1.0/29")) // 3: the type's third
	wantErr(t, err, "googleapi: Error 403")
	h.mustCreate(subnetworkToken, "nat", subnet("nat", "10.0.1.0/29")) // 4, the third of "nat": no fault left
	if n := h.count(); n != 3 {
		t.Errorf("the simulator holds %d resources, want the network and two subnets", n)
	}
}

func TestLatencyTableCoversEveryType(t *testing.T) {
	t.Parallel()
	for _, tok := range Types() {
		e, ok := Latency(tok, "")
		if !ok || e.Create <= 0 || e.Delete <= 0 || e.Update <= 0 {
			t.Errorf("%s: latency %+v", tok, e)
		}
	}
	tests := []struct {
		token, variant string
		create         time.Duration
	}{
		{networkToken, "", 22 * time.Second},
		{subnetworkToken, "REGIONAL_MANAGED_PROXY", 21 * time.Second},
		{forwardingRuleToken, "PSC", 20 * time.Second},
		{forwardingRuleToken, "", 17 * time.Second},
		{serviceAttachmentToken, "", 11 * time.Second},
		{recordSetToken, "", 2 * time.Second},
	}
	for _, tt := range tests {
		if e, _ := Latency(tt.token, tt.variant); e.Create != tt.create {
			t.Errorf("%s %s create = %v, want %v", tt.token, tt.variant, e.Create, tt.create)
		}
	}
}

// LatencyOf picks the variant from the inputs as a stack export records them, as the simulator's
// own sleeps do.
func TestLatencyOfPicksTheVariantFromInputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		token  string
		inputs map[string]any
		create time.Duration
		ok     bool
	}{
		{forwardingRuleToken, map[string]any{"target": "projects/p/regions/r/serviceAttachments/a"}, 20 * time.Second, true},
		{forwardingRuleToken, map[string]any{"target": "projects/p/regions/r/targetHttpProxies/x", "loadBalancingScheme": "INTERNAL_MANAGED"}, 17 * time.Second, true},
		{forwardingRuleToken, nil, 17 * time.Second, true},
		{subnetworkToken, map[string]any{"purpose": "PRIVATE_SERVICE_CONNECT"}, 21 * time.Second, true},
		{addressToken, map[string]any{}, 7500 * time.Millisecond, true},
		{"gcp:storage/bucket:Bucket", nil, 0, false},
	}
	for _, tt := range tests {
		e, ok := LatencyOf(tt.token, tt.inputs)
		if ok != tt.ok || e.Create != tt.create {
			t.Errorf("LatencyOf(%s, %v) = %v, %v; want create %v, %v", tt.token, tt.inputs, e.Create, ok, tt.create, tt.ok)
		}
	}
	psc, _ := LatencyOf(forwardingRuleToken, map[string]any{"target": "projects/p/regions/r/serviceAttachments/a"})
	if psc.Variant != "PSC" {
		t.Errorf("a rule targeting an attachment got variant %q, want PSC", psc.Variant)
	}
}

// TestLatencyIsScaled records the sleeps instead of sleeping.
func TestLatencyIsScaled(t *testing.T) {
	t.Parallel()
	var slept []time.Duration
	record := func(o *Options) {
		o.LatencyScale = 0.01
		o.Sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	}
	h := attach(t, t.TempDir(), producerProject, record)
	id, _ := h.mustCreate(networkToken, "vpc", map[string]any{"name": "vpc"})
	h.mustCreate(subnetworkToken, "psc", map[string]any{"name": "psc", "network": id, "ipCidrRange": "10.0.0.0/29", "purpose": "PRIVATE_SERVICE_CONNECT"})
	want := []time.Duration{220 * time.Millisecond, 210 * time.Millisecond}
	if len(slept) != 2 || slept[0] != want[0] || slept[1] != want[1] {
		t.Fatalf("slept %v, want %v", slept, want)
	}
}

func TestLatencyOffByDefaultAndRealWhenScaled(t *testing.T) {
	t.Parallel()
	off := newHarness(t, producerProject)
	start := time.Now()
	off.mustCreate(managedZoneToken, "z", map[string]any{"name": "z", "dnsName": "a.example."})
	fast := time.Since(start)

	on := attach(t, t.TempDir(), producerProject, func(o *Options) { o.LatencyScale = 0.05 }) // 1 s zone create -> 50 ms
	start = time.Now()
	on.mustCreate(managedZoneToken, "z", map[string]any{"name": "z", "dnsName": "a.example."})
	if slow := time.Since(start); slow < 50*time.Millisecond || fast > 50*time.Millisecond {
		t.Fatalf("latency off took %v, scaled took %v", fast, slow)
	}
}

func TestParseLatencyScale(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want float64
		err  bool
	}{{"", 0, false}, {"0.01", 0.01, false}, {"1", 1, false}, {"-1", 0, true}, {"fast", 0, true}} {
		got, err := ParseLatencyScale(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseLatencyScale(%q) = %v, %v", tt.in, got, err)
		}
	}
}
