package psc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The outlier detection of the cross-region load balancer's backend service. Google routes the
// requests a region's proxies receive to the serverless NEG of that region, and to another
// region's "only if outlier detection is enabled and the local NEG is unhealthy"
// (https://cloud.google.com/load-balancing/docs/l7-internal/setting-up-l7-cross-reg-serverless);
// without outlierDetection the feature is off (BackendService.outlierDetection, "If not set, this
// feature is considered disabled", https://cloud.google.com/compute/docs/reference/rest/v1/backendServices).
// So with regions it is on unless backendService.disableOutlierDetection opts out (COMP-FAILOVER-OUTLIER,
// docs/gcp-rules.md), and the component sets every value failover depends on rather than leave
// them to defaults that Google's API reference and the provider document differently (the API
// reference gives consecutiveGatewayFailure 3 and enforcingConsecutiveErrors 0; the provider,
// resource_compute_backend_service.go, 5, 100 and enforcingConsecutiveGatewayFailure 0):
//   - consecutiveErrors 5 and consecutiveGatewayFailure 5, each enforced at 100 %: five 5xx, or five
//     502/503/504 or connection failures (a region whose service is down), in a row eject the NEG;
//     5 is the default both documents give consecutiveErrors;
//   - interval 10 s and baseEjectionTime 30 s, the defaults both documents give: an ejected region is
//     retried after 30 s (times the ejections in a row), so requests come back once it recovers;
//   - maxEjectionPercent 50, not the provider's 10: of two NEGs, 10 % is none, so the failing one
//     could never be ejected; 50 lets one of two (or of three) go.
//
// backendService.outlierDetection overrides any of these, field by field.
var failoverOutlierDetection = OutlierDetectionArgs{
	ConsecutiveErrors:                  pulumi.IntRef(5),
	EnforcingConsecutiveErrors:         pulumi.IntRef(100),
	ConsecutiveGatewayFailure:          pulumi.IntRef(5),
	EnforcingConsecutiveGatewayFailure: pulumi.IntRef(100),
	Interval:                           &DurationArgs{Seconds: 10},
	BaseEjectionTime:                   &DurationArgs{Seconds: 30},
	MaxEjectionPercent:                 pulumi.IntRef(50),
}

// noOutlierDetectionWarning is what backendService.disableOutlierDetection warns of at preview.
const noOutlierDetectionWarning = "backendService.disableOutlierDetection turns off the cross-region load balancer's " +
	"outlier detection: a region whose Cloud Run service fails keeps receiving its own region's requests, which fail " +
	"(503) instead of going to another region"

// crossRegionOutlierDetection is the outlier detection of the cross-region backend service: the
// failover defaults with backendService.outlierDetection's fields over them, or nil when
// backendService.disableOutlierDetection opts out.
func (a *ProducerServiceArgs) crossRegionOutlierDetection() *OutlierDetectionArgs {
	b := a.BackendService
	if b != nil && b.DisableOutlierDetection {
		return nil
	}
	o := failoverOutlierDetection
	if b != nil && b.OutlierDetection != nil {
		mine, theirs := reflect.ValueOf(&o).Elem(), reflect.ValueOf(b.OutlierDetection).Elem()
		for i := range theirs.NumField() {
			if f := theirs.Field(i); !f.IsNil() {
				mine.Field(i).Set(f)
			}
		}
	}
	return &o
}

// plainInput returns v, a plain value of the component's inputs, as an input of pulumi-gcp's type
// T (a plain type whose fields have the same names, as a global resource's and its regional
// counterpart's have): one mapping of the component's inputs serves both.
func plainInput[T any](v any) (pulumi.Output, error) {
	out, err := convertPlain[T](v)
	if err != nil {
		return nil, err
	}
	return pulumi.ToOutput(out), nil
}

// asGlobal returns in, an output of a regional resource's plain input type From, as one of the
// global counterpart's type To, once in resolves (the URL map's routing, producer_global_lb.go).
func asGlobal[From, To any](in pulumi.Output) pulumi.Output {
	return in.ApplyT(func(v From) (To, error) { return convertPlain[To](v) })
}

// convertPlain copies v into T field by field, by their Go names; a field of v that T lacks is an
// error, not dropped.
func convertPlain[T any](v any) (T, error) {
	var out T
	data, err := json.Marshal(v)
	if err != nil {
		return out, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		return out, fmt.Errorf("%T as %T: %w", v, out, err)
	}
	return out, nil
}
