package psc

import (
	"regexp"
	"strings"
	"testing"
)

// Every refusal that depends on what producerStack holds is reported as the component's other
// refusals are (invalid ConsumerEndpoint "NAME": then a line starting with the input path), and
// before any Google Cloud resource is registered: a pulumi up that skips the preview must not
// create the endpoint's address and then fail at its forwarding rule.
func TestConsumerStackRefusalsComeBeforeAnyChild(t *testing.T) {
	t.Parallel()
	oneRegion := map[string]any{"serviceAttachmentUri": testAttachment}
	cases := []struct {
		name   string
		stack  map[string]any
		mutate func(a *ConsumerEndpointArgs)
		path   string // the input path the refusal's line starts with
		want   string
	}{
		{"region differs", oneRegion, func(a *ConsumerEndpointArgs) { a.Region, a.Subnetwork = "us-east1", subnetIn("us-east1") },
			"region", "us-east1 differs from the service attachment's region europe-west1"},
		{"subnet in another region", oneRegion, func(a *ConsumerEndpointArgs) { a.Subnetwork = subnetIn("us-east1") },
			"subnetwork", "is in region us-east1, but the service attachment is in europe-west1"},
		{"region not served", twoRegionStack(), func(a *ConsumerEndpointArgs) { a.Subnetwork = subnetIn("asia-east1") },
			"subnetwork", "is in region asia-east1, which is not a region the producer serves"},
		{"output missing", map[string]any{"loadBalancerIp": "10.10.0.2"}, func(*ConsumerEndpointArgs) {},
			"producerStack", `stack "acme/payments/prod" has no string output "serviceAttachmentUri"`},
		{"stack not deployed", map[string]any{}, func(*ConsumerEndpointArgs) {},
			"producerStack", "has no outputs: it is not deployed"},
		{"malformed URI", map[string]any{"serviceAttachmentUri": "projects/p/serviceAttachments/x"}, func(*ConsumerEndpointArgs) {},
			`producerStack (output "serviceAttachmentUri" of "acme/payments/prod")`, "must be a service attachment URI"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := runRegionsConsumer(tc.stack, tc.mutate)
			line := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(tc.path) + `: .*` + regexp.QuoteMeta(tc.want))
			if err == nil || !strings.Contains(err.Error(), `invalid ConsumerEndpoint "payments":`+"\n") || !line.MatchString(err.Error()) {
				t.Fatalf(`want invalid ConsumerEndpoint "payments": and a line %q…%q, got %v`, tc.path+": ", tc.want, err)
			}
			for _, r := range f.All() {
				if strings.HasPrefix(r.Type, "gcp:") {
					t.Errorf("%s was registered before the refusal", r.Type)
				}
			}
		})
	}
}
