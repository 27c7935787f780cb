package acceptance

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
)

// The environment of a run on Google Cloud (make e2e-gcp).
const (
	envReal            = "CLOUDRUN_PSC_GCP"                // "1" selects Google Cloud
	envPlugin          = "CLOUDRUN_PSC_GCP_PLUGIN"         // the real pulumi-resource-gcp v8.41.1 binary
	envProducerProject = "GCP_PRODUCER_PROJECT"            // the producer's project ID
	envConsumerProject = "GCP_CONSUMER_PROJECT"            // the consumer's project ID
	envConsumerNumber  = "GCP_CONSUMER_PROJECT_NUMBER"     // its number: the probe VM runs as its default compute account
	envRegion          = "GCP_REGION"                      // europe-west1 when unset
	envZone            = "GCP_ZONE"                        // <region>-b when unset
	envStack           = "CLOUDRUN_PSC_GCP_STACK"          // the stacks' name, "acceptance" when unset
	envTimeout         = "CLOUDRUN_PSC_GCP_OPERATION_TIME" // per engine operation, 30m when unset
)

// target is where the test deploys: the simulator, or Google Cloud.
type target struct {
	real                             bool
	plugin                           harness.Plugin
	producerProject, consumerProject string
	region, zone, stack              string
	// invoker is the member the producer grants roles/run.invoker: the probe VM's account.
	invoker string
	timeout time.Duration
}

func targetFromEnv(t *testing.T) target {
	t.Helper()
	if os.Getenv(envReal) != "1" {
		return target{
			plugin:          harness.GCP(),
			producerProject: "acceptance-producer", consumerProject: "acceptance-consumer",
			region: "europe-west1", zone: "europe-west1-b", stack: "acceptance",
			invoker: "serviceAccount:probe@acceptance-consumer.iam.gserviceaccount.com",
		}
	}
	var missing []string
	need := func(key string) string {
		v := os.Getenv(key)
		if v == "" {
			missing = append(missing, key)
		}
		return v
	}
	tg := target{
		real:            true,
		plugin:          harness.Plugin{Name: "gcp", Version: "8.41.1", Binary: need(envPlugin)},
		producerProject: need(envProducerProject),
		consumerProject: need(envConsumerProject),
		region:          or(os.Getenv(envRegion), "europe-west1"),
		stack:           or(os.Getenv(envStack), "acceptance"),
		timeout:         30 * time.Minute,
	}
	number := need(envConsumerNumber)
	if len(missing) > 0 {
		t.Fatalf("%s=1 runs on Google Cloud and needs %s (docs/maintaining.md)", envReal, strings.Join(missing, ", "))
	}
	tg.zone = or(os.Getenv(envZone), tg.region+"-b")
	tg.invoker = "serviceAccount:" + number + "-compute@developer.gserviceaccount.com"
	if d := os.Getenv(envTimeout); d != "" {
		var err error
		if tg.timeout, err = time.ParseDuration(d); err != nil {
			t.Fatalf("%s: %v", envTimeout, err)
		}
	}
	return tg
}

// configure points a stack at a project and the target's region.
func (tg target) configure(st *harness.Stack, project string) {
	st.SetConfig("gcp:project", project, false)
	st.SetConfig("gcp:region", tg.region, false)
}

func or(v, fallback string) string {
	if v != "" {
		return v
	}
	return fallback
}
