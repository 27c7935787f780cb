package psc

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The production inputs (callerAuth, backendService, labels, allowGlobalAccess) reach the children
// they configure.

// callerAuth network turns Cloud Run's invoker IAM check off and grants nobody; iam (the default)
// keeps it on.
func TestProducerCallerAuth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		auth         string
		disabled     bool
		wantBindings int
	}{{"", false, 1}, {"iam", false, 1}, {"network", true, 0}} {
		t.Run("callerAuth="+tc.auth, func(t *testing.T) {
			t.Parallel()
			f := newFakeCloud()
			err := f.Run(func(ctx *pulumi.Context) error {
				args := producerArgs()
				args.CloudRun.CallerAuth = tc.auth
				if tc.auth != "network" {
					args.CloudRun.Invokers = pulumi.ToStringArray([]string{"serviceAccount:caller@consumer-prj.iam.gserviceaccount.com"})
				}
				_, err := NewProducerService(ctx, "payments", args)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if v := input(f.One(t, typeService), "invokerIamDisabled"); !v.IsBool() || v.BoolValue() != tc.disabled {
				t.Errorf("invokerIamDisabled = %v, want %v", v, tc.disabled)
			}
			if got := len(f.Custom(typeIAMBinding)); got != tc.wantBindings {
				t.Errorf("%d invoker bindings, want %d", got, tc.wantBindings)
			}
		})
	}
}

// An invoker of another domain than the producer organisation's gets the DRS warning; one of the
// organisation (or a subdomain) and service accounts do not; network has no invokers to warn of.
func TestForeignInvokerWarnings(t *testing.T) {
	t.Parallel()
	c := CloudRunArgs{CallerAuth: "iam", OrganizationDomain: "acme.com", Invokers: pulumi.ToStringArray([]string{
		"user:alice@acme.com", "group:ops@eu.acme.com", "user:bob@partner.example", "domain:partner.example",
		"serviceAccount:caller@consumer-prj.iam.gserviceaccount.com",
	})}
	got := c.foreignInvokerWarnings("cloudRun")
	if len(got) != 2 || !strings.HasPrefix(got[0], "cloudRun.invokers[2] (user:bob@partner.example) is of domain partner.example") ||
		!strings.HasPrefix(got[1], "cloudRun.invokers[3]") || !strings.Contains(got[0], "do not belong to a permitted customer") {
		t.Errorf("warnings = %q, want invokers[2] and [3] named with the DRS refusal", got)
	}
	c.OrganizationDomain = ""
	if got := c.foreignInvokerWarnings("cloudRun"); got != nil {
		t.Errorf("without organizationDomain: %q, want none", got)
	}
}

// The backend controls reach the backend service, the log config with logging on by default.
func TestProducerBackendControls(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	policy := "projects/producer-prj/regions/europe-west1/securityPolicies/armor"
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.BackendService = &BackendServiceArgs{
			SecurityPolicy: pulumi.String(policy),
			LogConfig:      &BackendLogConfigArgs{SampleRate: pulumi.Float64Ref(0.25)},
			TimeoutSec:     pulumi.IntRef(45),
			OutlierDetection: &OutlierDetectionArgs{
				ConsecutiveErrors: pulumi.IntRef(3), Interval: &DurationArgs{Seconds: 5}, MaxEjectionPercent: pulumi.IntRef(50),
			},
		}
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	bs := f.One(t, typeBackend)
	if str(bs, "securityPolicy") != policy {
		t.Errorf("securityPolicy = %q, want %q", str(bs, "securityPolicy"), policy)
	}
	lc := input(bs, "logConfig").ObjectValue()
	if !lc["enable"].BoolValue() || lc["sampleRate"].NumberValue() != 0.25 {
		t.Errorf("logConfig = %v, want enabled at 0.25", lc)
	}
	if input(bs, "timeoutSec").NumberValue() != 45 {
		t.Errorf("timeoutSec = %v, want 45", input(bs, "timeoutSec"))
	}
	od := input(bs, "outlierDetection").ObjectValue()
	if od["consecutiveErrors"].NumberValue() != 3 || od["maxEjectionPercent"].NumberValue() != 50 ||
		od["interval"].ObjectValue()["seconds"].NumberValue() != 5 || od.HasValue("enforcingSuccessRate") {
		t.Errorf("outlierDetection = %v, want the three fields given and no others", od)
	}
}

// A security policy given as an Output is checked when it resolves, naming the input.
func TestProducerSecurityPolicyOutputIsChecked(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		args := producerArgs()
		args.BackendService = &BackendServiceArgs{SecurityPolicy: pulumi.String("projects/p/regions/us-east1/securityPolicies/a").ToStringOutput()}
		_, err := NewProducerService(ctx, "payments", args)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "backendService.securityPolicy: is in region us-east1") {
		t.Fatalf("err = %v, want the policy's region refused naming the input", err)
	}
}

// Labels, merged with managed-by, reach every child that takes labels; allowGlobalAccess reaches
// the load balancer rule only.
func TestLabelsAndGlobalAccess(t *testing.T) {
	t.Parallel()
	f := newFakeCloud()
	err := f.Run(func(ctx *pulumi.Context) error {
		p := producerArgs()
		p.Labels = map[string]string{"team": "payments"}
		p.AllowGlobalAccess = true
		if _, err := NewProducerService(ctx, "payments", p); err != nil {
			return err
		}
		c := consumerArgs()
		c.Labels = map[string]string{"team": "orders"}
		c.ServiceDirectoryRegistrations = &ServiceDirectoryRegistrationArgs{Namespace: "partners", Service: "payments"}
		if _, err := NewConsumerEndpoint(ctx, "orders", c); err != nil {
			return err
		}
		d := dnsArgs()
		d.Labels = map[string]string{"team": "orders"}
		_, err := NewDnsBinding(ctx, "orders-dns", d)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"payments-run": "payments", "payments-lb-rule": "payments", "orders-ip": "orders", "orders-endpoint": "orders", "orders-dns-zone": "orders"}
	for name, team := range want {
		r := f.Named(t, name)
		l := input(r, "labels").ObjectValue()
		if l["team"].StringValue() != team || l["managed-by"].StringValue() != "cloudrun-psc" || len(l) != 2 {
			t.Errorf("%s labels = %v, want team %s and managed-by cloudrun-psc", name, l, team)
		}
	}
	if v := input(f.Named(t, "payments-lb-rule"), "allowGlobalAccess"); !v.IsBool() || !v.BoolValue() {
		t.Errorf("the load balancer rule's allowGlobalAccess = %v, want true", v)
	}
	ep := f.Named(t, "orders-endpoint")
	if input(ep, "allowGlobalAccess").HasValue() {
		t.Errorf("the endpoint got allowGlobalAccess; a PSC endpoint takes allowPscGlobalAccess")
	}
	sd := input(ep, "serviceDirectoryRegistrations").ObjectValue()
	if sd["namespace"].StringValue() != "partners" || sd["service"].StringValue() != "payments" {
		t.Errorf("serviceDirectoryRegistrations = %v, want partners/payments", sd)
	}
}
