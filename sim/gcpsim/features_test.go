package gcpsim

import (
	"testing"
)

// The backend controls (BS-*), global access (FR-GLOBAL-ACCESS), labels (LABEL-FORMAT), Domain
// Restricted Sharing (IAM-DRS) and Shared VPC (XPN-SERVICE-PROJECT).

// BS-SECURITY-POLICY: a backend service takes a regional CLOUD_ARMOR policy of its own region,
// which it then holds (GEN-IN-USE); BS-REGION refuses another region's, and a global path.
func TestBackendServiceSecurityPolicy(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	ids := h.producer()
	policy, _ := h.mustCreate(securityPolicyToken, "armor", map[string]any{"name": "armor", "type": "CLOUD_ARMOR"})
	edge, _ := h.mustCreate(securityPolicyToken, "edge", map[string]any{"name": "edge", "type": "CLOUD_ARMOR_NETWORK"})
	far, _ := h.mustCreate(securityPolicyToken, "far", map[string]any{"name": "far", "region": "us-east1"})
	bs := map[string]any{"name": "bs2", "loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP",
		"backends": []any{map[string]any{"group": selfLinkOf(ids["neg"])}}}
	for _, tc := range []struct{ policy, want string }{
		{far, "it must be in region '" + region + "'"},
		{"projects/" + producerProject + "/global/securityPolicies/armor", "A regional resource needs regional securityPolicies"},
		{edge, "A backend service takes a security policy of type CLOUD_ARMOR; 'edge' is of type CLOUD_ARMOR_NETWORK"},
		{"gone", "was not found"},
	} {
		_, _, err := h.create(backendServiceToken, "bs2", with(bs, "securityPolicy", tc.policy))
		wantErr(t, err, tc.want)
	}
	id, out := h.mustCreate(backendServiceToken, "bs2", with(bs, "securityPolicy", "armor"))
	if out.str("securityPolicy") != selfLinkOf(policy) {
		t.Errorf("securityPolicy = %q, want the policy's self link", out.str("securityPolicy"))
	}
	wantErr(t, h.del(securityPolicyToken, policy), "resourceInUseByAnotherResource")
	if _, err := h.update(backendServiceToken, id, with(bs, "securityPolicy", "armor"), bs); err != nil {
		t.Fatalf("removing the policy in place: %v", err)
	}
	if err := h.del(securityPolicyToken, policy); err != nil {
		t.Errorf("the policy no longer in use must delete: %v", err)
	}
}

// BS-AT-LEAST-ONE at plan, BS-LOG-SAMPLE-RATE and BS-TIMEOUT at the API, and the provider's
// default sample rate 1.
func TestBackendServiceLogAndOutlierRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	ids := h.producer()
	bs := map[string]any{"name": "bs2", "loadBalancingScheme": "INTERNAL_MANAGED", "protocol": "HTTP",
		"backends": []any{map[string]any{"group": selfLinkOf(ids["neg"])}}}
	_, failures := h.check(backendServiceToken, "bs2", with(bs, "logConfig", map[string]any{}))
	wantFailure(t, failures, "logConfig.enable", "one of `logConfig.enable,logConfig.optionalMode,logConfig.sampleRate` must be specified")
	_, failures = h.check(backendServiceToken, "bs2", with(bs, "outlierDetection", map[string]any{}))
	wantFailure(t, failures, "outlierDetection.interval", "outlierDetection.consecutiveErrors")
	_, failures = h.check(backendServiceToken, "bs2", with(bs, "outlierDetection", map[string]any{"interval": map[string]any{"nanos": 5.0}}))
	wantFailure(t, failures, "outlierDetection.interval.seconds", "Missing required property 'seconds'")
	_, _, err := h.create(backendServiceToken, "bs2", with(bs, "logConfig", map[string]any{"enable": true, "sampleRate": 1.5}))
	wantErr(t, err, "The log sample rate must be between 0.0 and 1.0")
	_, _, err = h.create(backendServiceToken, "bs2", with(bs, "timeoutSec", 0.0))
	wantErr(t, err, "The backend service timeout must be between 1 and 2147483647")
	_, out := h.mustCreate(backendServiceToken, "bs2", with(bs, "logConfig", map[string]any{"enable": true}))
	if r, _ := out.sub("logConfig").num("sampleRate"); r != 1 {
		t.Errorf("logConfig.sampleRate = %v, want the provider's default 1", r)
	}
}

// FR-GLOBAL-ACCESS: allowGlobalAccess is for internal load balancers; a PSC endpoint takes
// allowPscGlobalAccess. It changes in place.
func TestForwardingRuleGlobalAccess(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	ids := h.producer()
	rule := map[string]any{"name": "fr2", "loadBalancingScheme": "INTERNAL_MANAGED", "ipProtocol": "TCP", "portRange": "8080",
		"network": ids["network"], "subnetwork": ids["lb"], "target": selfLinkOf(ids["proxy"])}
	id, _ := h.mustCreate(forwardingRuleToken, "fr2", rule)
	if _, err := h.update(forwardingRuleToken, id, rule, with(rule, "allowGlobalAccess", true)); err != nil {
		t.Fatalf("allowGlobalAccess on an INTERNAL_MANAGED rule: %v", err)
	}
	_, _, err := h.create(forwardingRuleToken, "ep", map[string]any{"name": "ep", "loadBalancingScheme": "",
		"target": "projects/" + producerProject + "/regions/" + region + "/serviceAttachments/x", "network": ids["network"],
		"subnetwork": ids["lb"], "allowGlobalAccess": true})
	wantErr(t, err, "a Private Service Connect endpoint uses allowPscGlobalAccess")
}

// LABEL-FORMAT on every labelled type the components use.
func TestLabelFormat(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	ids := h.producer()
	for _, labels := range []map[string]any{{"Team": "x"}, {"team": "Payments API"}, {"1team": ""}} {
		_, _, err := h.create(addressToken, "a", map[string]any{"name": "a", "addressType": "INTERNAL", "subnetwork": ids["lb"], "labels": labels})
		wantErr(t, err, "Invalid label")
	}
	if _, _, err := h.create(addressToken, "a", map[string]any{"name": "a", "addressType": "INTERNAL", "subnetwork": ids["lb"],
		"labels": map[string]any{"managed-by": "cloudrun-psc", "team": ""}}); err != nil {
		t.Errorf("valid labels refused: %v", err)
	}
}

// IAM-DRS: under GCPSIM_DRS a grant to a member of another customer is refused; the project's
// own domain and unknown service accounts pass. Not parallel: it sets the environment.
func TestDomainRestrictedSharing(t *testing.T) {
	t.Setenv("GCPSIM_DRS", producerProject+"=acme.com,"+consumerProject+"=partner.example")
	h := newHarness(t, producerProject)
	ids := h.producer()
	grant := func(members ...any) error {
		_, _, err := h.create(cloudRunIamBindingToken, "inv", map[string]any{"name": ids["run"], "location": region, "role": "roles/run.invoker", "members": members})
		return err
	}
	for _, m := range []string{"user:bob@partner.example", "serviceAccount:caller@" + consumerProject + ".iam.gserviceaccount.com", "allUsers"} {
		wantErr(t, grant("user:alice@acme.com", m), "do not belong to a permitted customer")
	}
	if err := grant("user:alice@acme.com", "serviceAccount:ci@"+producerProject+".iam.gserviceaccount.com", "serviceAccount:x@unknown-prj.iam.gserviceaccount.com"); err != nil {
		t.Errorf("members of the permitted customer refused: %v", err)
	}
}

// XPN-SERVICE-PROJECT: a service project's address uses a host project's subnet only once it
// is attached; attaching needs the host enabled.
func TestSharedVPCServiceProject(t *testing.T) {
	t.Parallel()
	h := newHarness(t, producerProject)
	ids := h.producer()
	addr := map[string]any{"name": "a", "project": consumerProject, "addressType": "INTERNAL", "subnetwork": selfLinkOf(ids["lb"])}
	_, _, err := h.create(addressToken, "a", addr)
	wantErr(t, err, "which is not a Shared VPC host of project '"+consumerProject+"'")
	attach := map[string]any{"hostProject": producerProject, "serviceProject": consumerProject}
	_, _, err = h.create(sharedVPCServiceToken, "svc", attach)
	wantErr(t, err, "is not a Shared VPC host project")
	h.mustCreate(sharedVPCHostToken, "host", map[string]any{"project": producerProject})
	h.mustCreate(sharedVPCServiceToken, "svc", attach)
	if _, _, err := h.create(addressToken, "a", addr); err != nil {
		t.Errorf("the attached service project's address in the host subnet: %v", err)
	}
}
