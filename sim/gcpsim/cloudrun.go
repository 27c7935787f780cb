package gcpsim

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"slices"
	"strings"
)

const (
	cloudRunServiceToken   = "gcp:cloudrunv2/service:Service"
	cloudRunIamMemberToken = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
)

// Cloud Run ingress settings the provider accepts (RUN-INGRESS); this version has no
// INGRESS_TRAFFIC_NONE.
var cloudRunIngress = []string{
	"INGRESS_TRAFFIC_ALL",
	"INGRESS_TRAFFIC_INTERNAL_ONLY",
	"INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
}

var _ = register(&kind{
	token:      cloudRunServiceToken,
	collection: "services",
	noun:       "service",
	scope:      scopeLocation,
	autoName:   true,
	nameRule:   cloudRunName,
	required:   []string{"location", "template", "template.containers[].image"},
	enums: map[string][]string{
		"ingress":                            cloudRunIngress,
		"launchStage":                        cloudRunLaunchStages,
		"scaling.scalingMode":                {"AUTOMATIC", "MANUAL"},
		"template.executionEnvironment":      {"EXECUTION_ENVIRONMENT_GEN1", "EXECUTION_ENVIRONMENT_GEN2"},
		"template.volumes[].emptyDir.medium": {"MEMORY"},
		"template.vpcAccess.egress":          {"ALL_TRAFFIC", "PRIVATE_RANGES_ONLY"},
		"traffics[].type":                    {"TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"},
	},
	secrets:  labelSecrets,
	forceNew: []string{"name", "project", "location"},
	computed: []string{"uri", "urls", "uid", "etag", "generation", "observedGeneration", "createTime", "updateTime",
		"creator", "lastModifier", "latestReadyRevision", "latestCreatedRevision", "reconciling", "terminalConditions",
		"conditions", "trafficStatuses", "effectiveLabels", "pulumiLabels", "effectiveAnnotations", "expireTime"},
	defaults: map[string]any{"deletionProtection": true},
	apiDefaults: map[string]any{
		"ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
		"labels": map[string]any{}, "annotations": map[string]any{}, "customAudiences": []any{},
	},
	suppress:  map[string]string{"name": suppressSelfLinkOrName},
	apiCheck:  checkCloudRunService,
	apply:     applyCloudRunService,
	canDelete: cloudRunDeletionProtection,
})

var cloudRunLaunchStages = []string{"UNIMPLEMENTED", "PRELAUNCH", "EARLY_ACCESS", "ALPHA", "BETA", "GA", "DEPRECATED"}

// betaFields are the Cloud Run v2 fields of pulumi-gcp v8.41.1 that exist only in the beta API,
// with the feature name the API's launch-stage error gives them (RUN-BETA-LAUNCH-STAGE).
var betaFields = map[string]string{"defaultUriDisabled": "default URI disabled"}

// checkCloudRunService is what the API refuses in a service request (RUN-CONTAINERS,
// RUN-TRAFFIC, RUN-BETA-LAUNCH-STAGE).
func checkCloudRunService(in obj, f *failures) {
	checkLabels(in, f)
	if tmpl := in.sub("template"); tmpl != nil && len(tmpl.list("containers")) == 0 && !tmpl.unknown("containers") {
		f.add("template.containers", "A revision template needs at least one container.")
	}
	for i, t := range in.objs("traffics") {
		if pct, ok := t.num("percent"); ok && (pct < 0 || pct > 100) {
			f.add(fmt.Sprintf("traffics[%d].percent", i), "The traffic percent must be between 0 and 100, got %v.", pct)
		}
	}
	stage := firstNonEmpty(in.str("launchStage"), "GA")
	beta := slices.Index(cloudRunLaunchStages, "BETA")
	for _, field := range sortedKeys(betaFields) {
		if on, _ := in.boolean(field); on && slices.Index(cloudRunLaunchStages, stage) > beta {
			f.add("launchStage", "The feature '%s' is not supported in the declared launch stage on resource %s. The launch stage annotation should be specified at least as BETA. Please visit https://cloud.google.com/run/docs/troubleshooting#launch-stage-validation for in-depth troubleshooting documentation.", betaFields[field], in.str("name"))
		}
	}
}

func applyCloudRunService(o *op) error {
	out := o.out()
	name, region, project := o.rec.Name, o.rec.Region, o.rec.Project
	gen := 1.0
	if o.old != nil {
		prev, _ := parseFloat(o.old.out()["generation"])
		gen = prev + 1
	}
	revision := fmt.Sprintf("%s-%05d-%s", name, int(gen), shortHash(fmt.Sprint(o.in))[:3])
	uri := fmt.Sprintf("https://%s-%s-%s.a.run.app", name, runHash(project, name), regionCode(region))
	out["uri"] = uri
	out["urls"] = []any{uri, fmt.Sprintf("https://%s-%d.%s.run.app", name, ProjectNumber(project), region)}
	o.keep("uid", func() any { return uuidLike(o.rec.ID, o.t.st.nextNumber()) })
	o.keep("createTime", func() any { return o.timestamp() })
	o.keep("creator", func() any { return "gcpsim@" + project + ".iam.gserviceaccount.com" })
	out["updateTime"] = o.timestamp()
	out["lastModifier"] = "gcpsim@" + project + ".iam.gserviceaccount.com"
	out["generation"] = fmt.Sprint(int(gen))
	out["observedGeneration"] = fmt.Sprint(int(gen))
	out["etag"] = `"` + o.fingerprint() + `"`
	out["expireTime"] = ""
	out["reconciling"] = false
	out["latestReadyRevision"] = o.rec.ID + "/revisions/" + revision
	out["latestCreatedRevision"] = o.rec.ID + "/revisions/" + revision
	out["terminalConditions"] = []any{map[string]any{"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": o.timestamp()}}
	out["conditions"] = []any{
		map[string]any{"type": "RoutesReady", "state": "CONDITION_SUCCEEDED"},
		map[string]any{"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED"},
	}
	out["trafficStatuses"] = []any{map[string]any{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100.0}}
	if !out.has("traffics") {
		out["traffics"] = []any{map[string]any{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100.0}}
	}
	o.mirrorLabels()
	out["effectiveAnnotations"] = out["annotations"]
	return nil
}

func parseFloat(v any) (float64, error) {
	var f float64
	_, err := fmt.Sscan(fmt.Sprint(v), &f)
	return f, err
}

// cloudRunDeletionProtection mirrors the provider: deletionProtection defaults to true and
// then the service cannot be destroyed.
func cloudRunDeletionProtection(_ *tx, r *Record) error {
	if protected, ok := r.out().boolean("deletionProtection"); ok && protected {
		return fmt.Errorf("cannot destroy service without setting deletionProtection=false and running `pulumi up` (service %s)", r.ID)
	}
	return nil
}

// runHash is the stable per-service hash in a run.app URL.
func runHash(project, name string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(project + "/" + name))
	return strings.ToLower(fmt.Sprintf("%010x", h.Sum64()))[:10]
}

// ProjectNumber returns the stable project number the simulator assigns to a project ID.
func ProjectNumber(project string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(project))
	return int64(h.Sum64()%900_000_000_000) + 100_000_000_000
}

// regionCode is the short region code Cloud Run puts in run.app URLs.
func regionCode(region string) string {
	codes := map[string]string{
		"us-central1": "uc", "us-east1": "ue", "us-east4": "uk", "us-west1": "uw", "us-west2": "wl",
		"europe-west1": "ew", "europe-west2": "nw", "europe-west3": "ey", "europe-west4": "ez",
		"europe-north1": "lz", "asia-east1": "de", "asia-northeast1": "an", "asia-southeast1": "as",
		"australia-southeast1": "ts", "northamerica-northeast1": "nn", "southamerica-east1": "rj",
	}
	if c, ok := codes[region]; ok {
		return c
	}
	return region
}

func uuidLike(seed string, n int64) string {
	h := shortHash(fmt.Sprint(seed, n)) + shortHash(fmt.Sprint(n, seed)) + shortHash(seed)
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}

// iamMemberForm is the provider's validateIAMMember pattern (tpgiamresource/resource_iam_member.go:42).
var iamMemberForm = regexp.MustCompile(`(.+:.+|projectOwners|projectReaders|projectWriters|allUsers|allAuthenticatedUsers)`)

var _ = register(&kind{
	token:      cloudRunIamMemberToken,
	collection: "iamMembers",
	noun:       "iam_member",
	scope:      scopeCustom,
	required:   []string{"name", "role", "member"},
	forceNew:   []string{"name", "project", "location", "role", "member", "condition"},
	computed:   []string{"etag"},
	suppress:   map[string]string{"name": suppressSelfLinkOrName, "member": "iamMemberCaseDiffSuppress"},
	check:      checkIamMember,
	apiCheck:   checkIamRole,
	id: func(o *op) (string, error) {
		svc, err := o.iamService()
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s/%s/%s", svc.ID, o.in.str("role"), o.in.str("member")), nil
	},
	apply: applyIamGrant,
})

// checkIamMember is the provider's plan-time check of an IAM member resource's member (IAM-MEMBER).
func checkIamMember(in obj, f *failures) {
	if in.known("member") {
		if err := validMember(in.str("member")); err != "" {
			f.add("member", "%s", err)
		}
	}
}

// validMember returns the provider's refusal of an IAM member, or "" (IAM-MEMBER).
func validMember(m string) string {
	switch {
	case strings.HasPrefix(m, "deleted"):
		return "invalid value for member (Terraform does not support IAM members for deleted principals)"
	case !iamMemberForm.MatchString(m):
		return fmt.Sprintf("invalid value %q for member (IAM members must have one of the values outlined here: https://cloud.google.com/billing/docs/reference/rest/v1/Policy#Binding)", m)
	}
	return ""
}

// iamService resolves the service an IAM member binds to: a bare name in the member's
// location, or a full projects/P/locations/L/services/S path.
func (o *op) iamService() (*Record, error) {
	name := o.in.str("name")
	def := ref{Project: o.rec.Project, Region: firstNonEmpty(o.in.str("location"), o.t.cfg.Region), Collection: "services"}
	r, ok := parseRef(name, def)
	if !ok || r.Collection != "services" || r.Region == "" {
		return nil, errInvalidField("name", name, "Expected a Cloud Run service name or projects/P/locations/L/services/S.")
	}
	return o.t.lookup(r)
}
