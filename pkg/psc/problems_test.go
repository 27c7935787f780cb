package psc

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// A path segment is an input's name, with an index into a list ([2]) or a quoted key of a map
// (["europe-west1"], as Pulumi writes it).
const pathSegment = `[A-Za-z]+(?:\[(?:[0-9]+|"(?:[^"\\]|\\.)*")\])?`

// problemRe splits a validation problem into the input path it names and its reason;
// segmentRe reads the segments of a path.
var (
	problemRe = regexp.MustCompile(`^(` + pathSegment + `(?:\.` + pathSegment + `)*): (\S.*)$`)
	segmentRe = regexp.MustCompile(`(?:^|\.)([A-Za-z]+)(\[([0-9]+|"(?:[^"\\]|\\.)*")\])?`)
)

// assertProblemsNameInputs checks the promise every validator makes: each problem it reports
// starts with the path of an input that exists in args (or "name", the component's name), and
// validating the same args again reports the very same problems (previews stay stable).
func assertProblemsNameInputs(t *testing.T, args any, validate func() error) {
	t.Helper()
	err := validate()
	if err == nil {
		return
	}
	if again := validate(); again == nil || again.Error() != err.Error() {
		t.Fatalf("validation is not deterministic:\n%v\nthen:\n%v", err, again)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("validation returned %T, want the joined problems", err)
	}
	for _, p := range joined.Unwrap() {
		m := problemRe.FindStringSubmatch(p.Error())
		if m == nil {
			t.Fatalf("problem %q does not start with an input path", p)
		}
		if m[1] != "name" && !inputPath(reflect.TypeOf(args), m[1]) {
			t.Fatalf("problem %q names %q, which is not an input of %T", p, m[1], args)
		}
	}
}

// inputPath reports whether path (such as consumers[2].connectionLimit or
// regions["europe-west1"].natSubnet) names an input of the args type t, following the
// `pulumi:"..."` tags; a numeric index needs a list, a quoted key a map.
func inputPath(t reflect.Type, path string) bool {
	for _, seg := range segmentRe.FindAllStringSubmatch(path, -1) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return false
		}
		f, ok := fieldByTag(t, seg[1])
		if !ok {
			return false
		}
		t = f.Type
		switch index := seg[3]; {
		case index == "" && seg[2] == "":
		case strings.HasPrefix(index, `"`) && t.Kind() == reflect.Map:
			t = t.Elem()
		case !strings.HasPrefix(index, `"`) && t.Kind() == reflect.Slice:
			t = t.Elem()
		default:
			return false
		}
	}
	return true
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("pulumi"), ","); tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func TestInputPath(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]bool{
		"network":                               true,
		"cloudRun.vpcEgress.egress":             true,
		"consumers[2].connectionLimit":          true,
		"consumers":                             true,
		"tls.certificateManagerCertificates[0]": true,
		"cloudRun.nope":                         false,
		"network[0]":                            false,
		"hostname.label":                        false,
	} {
		if got := inputPath(reflect.TypeOf(&ProducerServiceArgs{}), path); got != want {
			t.Errorf("inputPath(%q) = %v, want %v", path, got, want)
		}
	}
	for problem, want := range map[string]bool{
		"cloudRun.port: must be between 1 and 65535, got 0": true,
		"consumers[0].networkUrl: must be a network URL":    true,
		"must be between 1 and 65535":                       false,
		"cloudRun.port:":                                    false,
		"cloud run: port":                                   false,
	} {
		if got := problemRe.MatchString(problem); got != want {
			t.Errorf("problemRe matches %q = %v, want %v", problem, got, want)
		}
	}
}
