package programs

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/psc/psctest"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/gosdk"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/secure"
)

// The platform program (ts/platform.ts, python/platform.py, gosdk.Platform, gonative.Platform):
// producer and consumer in one program with two explicit providers, the image and the invoker
// from other resources' outputs, the TLS certificate and key from secret configuration, the
// producer protected and its image rolled by CI (ignoreChanges through a transform).
var platformLangs = langs("platform", gosdk.Platform, gonative.Platform)

func TestPlatform(t *testing.T) {
	run(t, platformLangs, func(t *testing.T, env *harness.Env, l lang) {
		cert, key := psctest.SelfSignedCert(t, hostname)
		st := l.new(env, "platform")
		for k, v := range map[string]string{
			"gcp:project": stackProject, "gcp:region": region,
			"producerProject": producerProject, "consumerProject": consumerProject, "imageTag": "1.4.2",
		} {
			st.SetConfig(k, v, false)
		}
		st.SetConfig("tlsCertificate", cert, true)
		st.SetConfig("tlsPrivateKey", key, true)

		st.Preview()
		up := st.Up()
		if got := up.OutputString(t, "pscConnectionStatus"); got != "ACCEPTED" {
			t.Errorf("pscConnectionStatus = %q, want ACCEPTED: the producer accepts the consumer VPC's project", got)
		}
		if got := up.OutputString(t, "consumerProject"); got != consumerProject {
			t.Errorf("consumerProject = %q, want %q (the consumer's explicit provider)", got, consumerProject)
		}
		if got := up.OutputString(t, "url"); got != "https://"+hostname {
			t.Errorf("url = %q, want https://%s", got, hostname)
		}
		if got := up.OutputString(t, "certificatePem"); got != cert {
			t.Errorf("the certificatePem output is not the certificate from configuration: %.60q…", got)
		}
		assertTwoOrganisations(t, env)

		wantImage := "europe-docker.pkg.dev/" + producerProject + "/payments/api:1.4.2"
		services := simRecords(t, env, tService)
		if len(services) != 1 || image(services[0]) != wantImage {
			t.Errorf("want one Cloud Run service with image %s (built from the producer VPC's project), the simulator holds %d: %v",
				wantImage, len(services), services)
		}
		// The invokers of a service the component creates are one binding of roles/run.invoker.
		wantInvoker := "serviceAccount:payments-caller@" + consumerProject + ".iam.gserviceaccount.com"
		var members []any
		for _, b := range simRecords(t, env, tInvokers) {
			members, _ = b.Inputs["members"].([]any)
		}
		if len(members) != 1 || members[0] != wantInvoker {
			t.Errorf("invoker members = %v, want [%s] (interpolated from the consumer VPC's project)", members, wantInvoker)
		}
		certs := simRecords(t, env, tCert)
		if len(certs) != 1 || certs[0].Inputs["certificate"] != cert {
			t.Errorf("want one TLS certificate holding the configured certificate, the simulator holds %d", len(certs))
		}
		rep := secure.Inspect(t, env, secure.Options{Secrets: []string{key}}, st)
		for _, v := range rep.Violations {
			t.Errorf("secure by default: %s", v)
		}
		if rep.Checked[secure.KeySecretInState] == 0 {
			t.Errorf("no privateKey property in the state backend: the certificate's key is not where it belongs")
		}

		d := st.Export()
		assertComponentOutputs(t, d, 3)
		assertProtected(t, d)
		converged(t, st)
		secure.AssertPolicy(t, env, st)

		// CI rolls the image: the program's image changes, and the service must not.
		st.SetConfig("imageTag", "1.5.0", false)
		p := st.Preview()
		if got := stepsOf(p, tService); len(got) != 1 || got[0] != harness.OpSame {
			t.Errorf("a new image with ignoreChanges on it (transform) plans %v for the Cloud Run service, want [same]", got)
		}
		assertOnlyComponentsChange(t, p)

		// Unprotect, with the new image still in the program: the service keeps CI's image.
		st.SetConfig("protect", "false", false)
		u := st.Up()
		if got := stepsOf(u, tService); len(got) != 1 || got[0] != harness.OpSame {
			t.Errorf("up with a new image ignored: Cloud Run service %v, want [same]", got)
		}
		if s := simRecords(t, env, tService); len(s) == 1 && image(s[0]) != wantImage {
			t.Errorf("the service's image became %s; ignoreChanges must keep %s", image(s[0]), wantImage)
		}
		destroyed(t, env, st)
	})
}

// assertTwoOrganisations checks where the simulator put every resource: the producer chain in
// the producer's project, the endpoint and its DNS in the consumer's, nothing in the stack's.
func assertTwoOrganisations(t *testing.T, env *harness.Env) {
	t.Helper()
	want := map[string]string{
		tService: producerProject, chain.ServiceAttachmentType: producerProject,
		chain.AddressType: consumerProject, chain.ManagedZoneType: consumerProject,
	}
	in := map[string]int{}
	var stray, misplaced []string
	for _, r := range env.SimList() {
		project, _, _ := strings.Cut(strings.TrimPrefix(r.ID, "projects/"), "/")
		in[project]++
		if project == stackProject {
			stray = append(stray, r.ID)
		} else if p, ok := want[r.Type]; ok && project != p {
			misplaced = append(misplaced, r.ID+" (want "+p+")")
		}
	}
	if len(stray) > 0 {
		t.Errorf("%d resources are in %s, the stack's gcp:project, although every resource has an explicit provider: %v",
			len(stray), stackProject, stray)
	}
	if len(misplaced) > 0 {
		t.Errorf("resources in the other organisation's project: %v", misplaced)
	}
	if in[producerProject] == 0 || in[consumerProject] == 0 {
		t.Errorf("resources by project: %v, want both %s and %s", in, producerProject, consumerProject)
	}
}

// assertProtected checks that the protected ProducerService and everything below it are
// protected in the state, and that nothing else is.
func assertProtected(t *testing.T, d *apitype.DeploymentV3) {
	t.Helper()
	producers := find(d, psc.ProducerServiceType)
	if len(producers) != 1 {
		t.Fatalf("stack export holds %d ProducerServices, want 1", len(producers))
	}
	if !producers[0].Protect {
		t.Errorf("the ProducerService given protect is not protected in the state")
	}
	below := map[resource.URN]bool{producers[0].URN: true}
	children := descendants(d, producers[0].URN)
	if len(children) == 0 {
		t.Errorf("the ProducerService has no children in the state")
	}
	for _, r := range children {
		below[r.URN] = true
		if !r.Protect {
			t.Errorf("%s is not protected: protect on the ProducerService must reach its children", r.URN)
		}
	}
	for _, r := range d.Resources {
		if r.Protect && !below[r.URN] {
			t.Errorf("%s is protected, but only the ProducerService was given protect", r.URN)
		}
	}
}

// assertOnlyComponentsChange fails t for every planned change to a resource other than a
// cloudrun-psc component (whose recorded inputs hold the image).
func assertOnlyComponentsChange(t *testing.T, s *harness.Summary) {
	t.Helper()
	for _, st := range s.Steps {
		if st.Op != harness.OpSame && st.Op != harness.OpRead && !strings.HasPrefix(st.Type, "cloudrun-psc:") {
			t.Errorf("a new image ignored by the service must change nothing else: %s %s", st.Op, st.URN)
		}
	}
}
