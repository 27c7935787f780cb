package psc

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
)

// consumerBundle runs a consumer reading stack and returns its caCertificatePem output.
func consumerBundle(t *testing.T, stack map[string]any) (string, error) {
	t.Helper()
	f := regionsCloud(stack)
	var bundle string
	err := f.Run(func(ctx *pulumi.Context) error {
		c, err := NewConsumerEndpoint(ctx, "payments", stackConsumerArgs())
		if err != nil {
			return err
		}
		bundle = psctest.Await[string](t, c.CaCertificatePem)
		return nil
	})
	return bundle, err
}

// A consumer reading producerStack exposes the producer's caCertificatePem as its own, so that
// callers trust the producer's CA without copying it; a stack without the output gives "".
func TestConsumerReadsTheProducersCABundle(t *testing.T) {
	t.Parallel()
	stack := twoRegionStack()
	stack["caCertificatePem"] = psctest.FakeCACertificate
	got, err := consumerBundle(t, stack)
	if err != nil || got != psctest.FakeCACertificate {
		t.Errorf("caCertificatePem = %q, %v; want the producer's", got, err)
	}
	got, err = consumerBundle(t, twoRegionStack())
	if err != nil || got != "" {
		t.Errorf("caCertificatePem without the output = %q, %v; want empty", got, err)
	}
}

// Without producerStack the output is empty.
func TestConsumerCABundleWithoutStack(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		c, err := NewConsumerEndpoint(ctx, "payments", consumerArgs())
		if err != nil {
			return err
		}
		if got := psctest.Await[string](t, c.CaCertificatePem); got != "" {
			t.Errorf("caCertificatePem = %q, want empty", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
