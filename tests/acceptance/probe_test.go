package acceptance

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// probeSpec is what the data-plane probe needs from the consumer's deployment.
type probeSpec struct {
	subnetwork string // the consumer subnet the VM joins
	url        string // the private URL (DnsBinding's url), also the ID token's audience
}

// probeResult is the line the probe VM's startup script writes to its serial port.
var probeResult = regexp.MustCompile(`cloudrun-psc-probe status=(\d+) bytes=(\d+)`)

// probe creates a VM in the consumer's subnet (no external IP: it reaches nothing but its VPC, the
// metadata server and the endpoint), whose startup script asks the metadata server for an ID token
// for the private URL, calls the URL with it, and writes the HTTP status to serial port 1. The test
// reads that port through the provider (getInstanceSerialPort), so neither IAP nor an interactive
// serial console is needed. It passes when the service answers 200 with a body.
func probe(t *testing.T, env *harness.Env, tg target, spec probeSpec) {
	t.Helper()
	vm := env.GoStack("payments-probe", tg.stack, func(ctx *pulumi.Context) error {
		inst, err := compute.NewInstance(ctx, "probe", &compute.InstanceArgs{
			Project:     pulumi.String(tg.consumerProject),
			Zone:        pulumi.String(tg.zone),
			MachineType: pulumi.String("e2-micro"),
			BootDisk: &compute.InstanceBootDiskArgs{
				InitializeParams: &compute.InstanceBootDiskInitializeParamsArgs{Image: pulumi.String("debian-cloud/debian-12")},
			},
			NetworkInterfaces: compute.InstanceNetworkInterfaceArray{
				&compute.InstanceNetworkInterfaceArgs{Subnetwork: pulumi.String(spec.subnetwork)},
			},
			ServiceAccount: &compute.InstanceServiceAccountArgs{
				Scopes: pulumi.ToStringArray([]string{"cloud-platform"}),
			},
			MetadataStartupScript: pulumi.String(probeScript(spec.url)),
		})
		if err != nil {
			return err
		}
		ctx.Export("name", inst.Name)
		return nil
	})
	tg.configure(vm, tg.consumerProject)
	t.Cleanup(func() {
		if _, err := vm.Try(harness.Destroy); err != nil {
			t.Errorf("destroying the probe VM: %v (clean up by hand, see docs/maintaining.md)", err)
		}
	})
	name := stringOutput(t, vm.Up(), "name")

	reader := env.GoStack("payments-probe-reader", tg.stack, func(ctx *pulumi.Context) error {
		port, err := compute.GetInstanceSerialPort(ctx, &compute.GetInstanceSerialPortArgs{
			Instance: name, Port: 1, Project: &tg.consumerProject, Zone: &tg.zone,
		})
		if err != nil {
			return err
		}
		ctx.Export("contents", pulumi.String(port.Contents))
		return nil
	})
	tg.configure(reader, tg.consumerProject)
	t.Cleanup(func() { _, _ = reader.Try(harness.Destroy) })

	deadline := time.Now().Add(10 * time.Minute)
	for {
		contents := stringOutput(t, reader.Up(), "contents")
		if m := probeResult.FindStringSubmatch(contents); m != nil {
			if m[1] != "200" || m[2] == "0" {
				t.Fatalf("the probe VM called %s through the endpoint: HTTP %s, %s bytes; want 200 with a body", spec.url, m[1], m[2])
			}
			t.Logf("the probe VM called %s through the endpoint: HTTP 200, %s bytes", spec.url, m[2])
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the probe VM wrote no result in 10 minutes; its serial port ends with:\n%s", tail(contents, 2000))
		}
		time.Sleep(20 * time.Second)
	}
}

// probeScript asks the metadata server for an ID token whose audience is url, then calls url with
// it, retrying for five minutes (DNS and the endpoint can take a moment on a fresh VM).
func probeScript(url string) string {
	return fmt.Sprintf(`#!/bin/bash
url=%q
md=http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/identity
code=000
for i in $(seq 1 30); do
  token=$(curl -sf -H 'Metadata-Flavor: Google' "$md?audience=$url")
  code=$(curl -s -o /tmp/body -w '%%{http_code}' -H "Authorization: Bearer $token" "$url/")
  [ "$code" = 200 ] && break
  sleep 10
done
echo "cloudrun-psc-probe status=$code bytes=$(wc -c </tmp/body 2>/dev/null || echo 0)" >/dev/ttyS0
`, url)
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// The line the probe script writes is the one the test looks for, and the script asks for a token
// whose audience is the URL it calls.
func TestProbeScriptReportsWhatTheTestReads(t *testing.T) {
	script := probeScript("http://payment-api.internal")
	for _, want := range []string{`url="http://payment-api.internal"`, `"$md?audience=$url"`, `"$url/"`, ">/dev/ttyS0"} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(script) {
			t.Errorf("the probe script lacks %s:\n%s", want, script)
		}
	}
	echo := regexp.MustCompile(`echo "(cloudrun-psc-probe status=)\$code( bytes=)`).FindStringSubmatch(script)
	if echo == nil || !probeResult.MatchString(echo[1]+"200"+echo[2]+"615") {
		t.Errorf("the script's result line does not match %s:\n%s", probeResult, script)
	}
}
