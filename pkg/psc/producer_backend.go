package psc

import (
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi-gcp/sdk/v8/go/gcp/compute"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// BackendServiceArgs are the controls of the load balancer's regional backend service. Their
// field names are those of pulumi-gcp's RegionBackendService.
type BackendServiceArgs struct {
	SecurityPolicy   pulumi.StringInput    `pulumi:"securityPolicy,optional"`
	LogConfig        *BackendLogConfigArgs `pulumi:"logConfig,optional"`
	OutlierDetection *OutlierDetectionArgs `pulumi:"outlierDetection,optional"`
	TimeoutSec       *int                  `pulumi:"timeoutSec,optional"`
	// With regions (producer_outlier.go).
	DisableOutlierDetection bool `pulumi:"disableOutlierDetection,optional"`
}

// Annotate documents BackendServiceArgs for the schema.
func (b *BackendServiceArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "BackendService")
	a.Describe(b, "Controls of the load balancer's regional backend service, which sends every request to Cloud Run.")
	a.Describe(&b.SecurityPolicy, "Regional Cloud Armor security policy (type CLOUD_ARMOR) in the producer's project "+
		"and region that filters the requests: projects/P/regions/REGION/securityPolicies/NAME, its self link, or its "+
		"name. A regional load balancer takes no global policy. May be an Output, such as a created "+
		"RegionSecurityPolicy's selfLink; changed in place.")
	a.Describe(&b.LogConfig, "Request logging of the load balancer to Cloud Logging (none when unset).")
	a.Describe(&b.OutlierDetection, "Eviction of failing backends from the balancing pool (Envoy outlier detection); "+
		"set at least one field. Unset fields take Google's defaults; with regions, they take the component's "+
		"failover defaults instead (consecutiveErrors 5, consecutiveGatewayFailure 5, both enforced at 100, interval "+
		"10 s, baseEjectionTime 30 s, maxEjectionPercent 50).")
	a.Describe(&b.DisableOutlierDetection, "With regions, turn off the outlier detection that is on by default. Without "+
		"it a region whose Cloud Run service fails keeps receiving the requests of its own region: the cross-region load "+
		"balancer sends them to another region only when outlier detection ejects the local NEG. An explicit opt-out "+
		"that warns at preview.")
	a.Describe(&b.TimeoutSec, "How long the load balancer waits for the service's response, 1 to 2147483647 seconds "+
		"(Google's default 30 when unset). Cloud Run's own request timeout still applies.")
}

// BackendLogConfigArgs is the request logging of the backend service.
type BackendLogConfigArgs struct {
	Enable     *bool    `pulumi:"enable,optional"`
	SampleRate *float64 `pulumi:"sampleRate,optional"`
}

// Annotate documents BackendLogConfigArgs for the schema.
func (l *BackendLogConfigArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "BackendLogConfig")
	a.Describe(l, "Request logging of the load balancer.")
	a.Describe(&l.Enable, "Log the requests (true by default once logConfig is given).")
	a.Describe(&l.SampleRate, "Share of the requests logged, 0 to 1 (1, every request, when unset); only with logging enabled.")
}

// DurationArgs is a span of time as Google's API takes it.
type DurationArgs struct {
	Seconds int `pulumi:"seconds"`
	Nanos   int `pulumi:"nanos,optional"`
}

// Annotate documents DurationArgs for the schema.
func (d *DurationArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "Duration")
	a.Describe(d, "A span of time: seconds, plus nanos.")
	a.Describe(&d.Seconds, "Whole seconds, 0 to 315576000000.")
	a.Describe(&d.Nanos, "Fraction of a second in nanoseconds, 0 to 999999999.")
}

// OutlierDetectionArgs is the outlier detection of the backend service.
type OutlierDetectionArgs struct {
	BaseEjectionTime                   *DurationArgs `pulumi:"baseEjectionTime,optional"`
	ConsecutiveErrors                  *int          `pulumi:"consecutiveErrors,optional"`
	ConsecutiveGatewayFailure          *int          `pulumi:"consecutiveGatewayFailure,optional"`
	EnforcingConsecutiveErrors         *int          `pulumi:"enforcingConsecutiveErrors,optional"`
	EnforcingConsecutiveGatewayFailure *int          `pulumi:"enforcingConsecutiveGatewayFailure,optional"`
	EnforcingSuccessRate               *int          `pulumi:"enforcingSuccessRate,optional"`
	Interval                           *DurationArgs `pulumi:"interval,optional"`
	MaxEjectionPercent                 *int          `pulumi:"maxEjectionPercent,optional"`
	SuccessRateMinimumHosts            *int          `pulumi:"successRateMinimumHosts,optional"`
	SuccessRateRequestVolume           *int          `pulumi:"successRateRequestVolume,optional"`
	SuccessRateStdevFactor             *int          `pulumi:"successRateStdevFactor,optional"`
}

// Annotate documents OutlierDetectionArgs for the schema.
func (o *OutlierDetectionArgs) Annotate(a infer.Annotator) {
	a.SetToken("index", "OutlierDetection")
	a.Describe(o, "Outlier detection of the backend service, as pulumi-gcp's RegionBackendService takes it.")
	a.Describe(&o.BaseEjectionTime, "Base time a failing backend is ejected for (30 s by default).")
	a.Describe(&o.ConsecutiveErrors, "Errors (5xx) in a row before a backend is ejected (5 by default); 0 or more.")
	a.Describe(&o.ConsecutiveGatewayFailure, "Gateway failures (502, 503, 504) in a row before a backend is ejected (5 by default); 0 or more.")
	a.Describe(&o.EnforcingConsecutiveErrors, "Percent chance, 0 to 100, that consecutive errors eject (100 by default).")
	a.Describe(&o.EnforcingConsecutiveGatewayFailure, "Percent chance, 0 to 100, that consecutive gateway failures eject (0 by default).")
	a.Describe(&o.EnforcingSuccessRate, "Percent chance, 0 to 100, that a low success rate ejects (100 by default).")
	a.Describe(&o.Interval, "Time between ejection sweeps (10 s by default).")
	a.Describe(&o.MaxEjectionPercent, "Most backends, in percent 0 to 100, that can be ejected at once (10 by default).")
	a.Describe(&o.SuccessRateMinimumHosts, "Backends with enough requests needed for success-rate detection (5 by default); 0 or more.")
	a.Describe(&o.SuccessRateRequestVolume, "Requests in one interval needed to include a backend in success-rate detection (100 by default); 0 or more.")
	a.Describe(&o.SuccessRateStdevFactor, "Success-rate ejection threshold factor times 1000 (1900 by default); 0 or more.")
}

// regionalSecurityPolicyRe is a regional Cloud Armor policy path.
var (
	regionalSecurityPolicyRe = regexp.MustCompile(`^(?:projects/[^/]+/)?regions/[^/]+/securityPolicies/[a-z]([-a-z0-9]*[a-z0-9])?$`)
	globalSecurityPolicyRe   = regexp.MustCompile(`^(?:projects/[^/]+/)?global/securityPolicies/[^/]+$`)
)

// withDefaults applies the defaults of the backend controls (nil stays nil).
func (b *BackendServiceArgs) withDefaults() *BackendServiceArgs {
	if b == nil {
		return nil
	}
	c := *b
	if l := c.LogConfig; l != nil && l.Enable == nil {
		lc := *l
		lc.Enable = pulumi.BoolRef(true)
		c.LogConfig = &lc
	}
	return &c
}

// checkSecurityPolicyShape checks a Cloud Armor policy reference: regional, or a bare name.
func checkSecurityPolicyShape(s string) error {
	path := trimComputePrefix(s)
	switch {
	case globalSecurityPolicyRe.MatchString(path):
		return fmt.Errorf("is a global Cloud Armor policy, but a regional internal load balancer takes a regional one (projects/PROJECT/regions/REGION/securityPolicies/NAME), got %q", s)
	case regionalSecurityPolicyRe.MatchString(path), resourceNameRe.MatchString(path):
		return nil
	}
	return fmt.Errorf("must be a regional Cloud Armor policy projects/PROJECT/regions/REGION/securityPolicies/NAME, its self link or its name, got %q", s)
}

// securityPolicyRegion checks that a regional policy is in the producer's region (BS-REGION).
func (a *ProducerServiceArgs) securityPolicyRegion(s string) error {
	if path := trimComputePrefix(s); regionalSecurityPolicyRe.MatchString(path) && chain.RegionOf(path) != a.Region {
		return fmt.Errorf("is in region %s but the load balancer is in %s; a backend service takes a security policy of its own region", chain.RegionOf(path), a.Region)
	}
	return nil
}

// validate checks the backend controls known now; the policy's region is checked once the
// producer's region is known (validatePlaced).
func (b *BackendServiceArgs) validate(p *problems) {
	if b == nil {
		return
	}
	checkKnown(p, "backendService.securityPolicy", b.SecurityPolicy, checkSecurityPolicyShape)
	if l := b.LogConfig; l != nil && l.SampleRate != nil {
		switch r := *l.SampleRate; {
		case r < 0 || r > 1:
			p.addf("backendService.logConfig.sampleRate", "must be between 0 and 1 (the share of requests logged), got %v", r)
		case !*l.Enable:
			p.addf("backendService.logConfig.sampleRate", "applies only with logging enabled; remove it or set logConfig.enable")
		}
	}
	if t := b.TimeoutSec; t != nil && *t < 1 {
		p.addf("backendService.timeoutSec", "must be between 1 and 2147483647 seconds, got %d", *t)
	}
	b.OutlierDetection.validate(p, "backendService.outlierDetection")
}

// validate checks outlier detection: at least one field, as the provider requires
// (AtLeastOneOf), percentages 0 to 100, counts not negative, durations in Google's ranges.
func (o *OutlierDetectionArgs) validate(p *problems, path string) {
	if o == nil {
		return
	}
	percents := map[string]*int{
		"enforcingConsecutiveErrors": o.EnforcingConsecutiveErrors, "enforcingConsecutiveGatewayFailure": o.EnforcingConsecutiveGatewayFailure,
		"enforcingSuccessRate": o.EnforcingSuccessRate, "maxEjectionPercent": o.MaxEjectionPercent,
	}
	counts := map[string]*int{
		"consecutiveErrors": o.ConsecutiveErrors, "consecutiveGatewayFailure": o.ConsecutiveGatewayFailure,
		"successRateMinimumHosts": o.SuccessRateMinimumHosts, "successRateRequestVolume": o.SuccessRateRequestVolume,
		"successRateStdevFactor": o.SuccessRateStdevFactor,
	}
	set := o.BaseEjectionTime != nil || o.Interval != nil
	for _, name := range slices.Sorted(maps.Keys(percents)) {
		if v := percents[name]; v != nil {
			set = true
			if *v < 0 || *v > 100 {
				p.addf(path+"."+name, "must be a percentage from 0 to 100, got %d", *v)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(counts)) {
		if v := counts[name]; v != nil {
			set = true
			if *v < 0 {
				p.addf(path+"."+name, "must be 0 or more, got %d", *v)
			}
		}
	}
	if !set {
		p.addf(path, "set at least one field (an empty outlierDetection is refused by the provider); leave it out for none")
	}
	o.BaseEjectionTime.validate(p, path+".baseEjectionTime")
	o.Interval.validate(p, path+".interval")
}

func (d *DurationArgs) validate(p *problems, path string) {
	if d == nil {
		return
	}
	if d.Seconds < 0 || d.Seconds > 315576000000 {
		p.addf(path+".seconds", "must be between 0 and 315576000000, got %d", d.Seconds)
	}
	if d.Nanos < 0 || d.Nanos > 999999999 {
		p.addf(path+".nanos", "must be between 0 and 999999999, got %d", d.Nanos)
	}
}

// backendControls sets the controls on the backend service's args.
func (b *producerBuilder) backendControls(args *compute.RegionBackendServiceArgs) {
	c := b.args.BackendService
	if c == nil {
		return
	}
	if given(c.SecurityPolicy) {
		args.SecurityPolicy = checkedString(c.SecurityPolicy, "backendService.securityPolicy", func(s string) error {
			if err := checkSecurityPolicyShape(s); err != nil {
				return err
			}
			return b.args.securityPolicyRegion(s)
		}).ToStringOutput().ToStringPtrOutput()
	}
	if l := c.LogConfig; l != nil {
		lc := &compute.RegionBackendServiceLogConfigArgs{Enable: pulumi.BoolPtr(*l.Enable)}
		if l.SampleRate != nil {
			lc.SampleRate = pulumi.Float64Ptr(*l.SampleRate)
		}
		args.LogConfig = lc
	}
	if c.TimeoutSec != nil {
		args.TimeoutSec = pulumi.IntPtr(*c.TimeoutSec)
	}
	if o := c.OutlierDetection; o != nil {
		od := &compute.RegionBackendServiceOutlierDetectionArgs{
			ConsecutiveErrors:                  intPtrOrNil(o.ConsecutiveErrors),
			ConsecutiveGatewayFailure:          intPtrOrNil(o.ConsecutiveGatewayFailure),
			EnforcingConsecutiveErrors:         intPtrOrNil(o.EnforcingConsecutiveErrors),
			EnforcingConsecutiveGatewayFailure: intPtrOrNil(o.EnforcingConsecutiveGatewayFailure),
			EnforcingSuccessRate:               intPtrOrNil(o.EnforcingSuccessRate),
			MaxEjectionPercent:                 intPtrOrNil(o.MaxEjectionPercent),
			SuccessRateMinimumHosts:            intPtrOrNil(o.SuccessRateMinimumHosts),
			SuccessRateRequestVolume:           intPtrOrNil(o.SuccessRateRequestVolume),
			SuccessRateStdevFactor:             intPtrOrNil(o.SuccessRateStdevFactor),
		}
		if d := o.BaseEjectionTime; d != nil {
			od.BaseEjectionTime = &compute.RegionBackendServiceOutlierDetectionBaseEjectionTimeArgs{Seconds: pulumi.Int(d.Seconds), Nanos: pulumi.IntPtr(d.Nanos)}
		}
		if d := o.Interval; d != nil {
			od.Interval = &compute.RegionBackendServiceOutlierDetectionIntervalArgs{Seconds: pulumi.Int(d.Seconds), Nanos: pulumi.IntPtr(d.Nanos)}
		}
		args.OutlierDetection = od
	}
}

// intPtrOrNil is an optional number as an input: nil stays unset.
func intPtrOrNil(v *int) pulumi.IntPtrInput {
	if v == nil {
		return nil
	}
	return pulumi.IntPtr(*v)
}
