package gcpsim

import (
	"fmt"
	"regexp"
)

// LABEL-FORMAT: Google Cloud's label requirements, which the provider does not check (labels
// are a plain TypeMap): at most 64 labels; keys of 1-63 characters starting with a lowercase
// letter; keys and values of lowercase letters, digits, underscores and hyphens (values may be
// empty). International characters, which Google also allows, are not emulated.
var (
	labelKey   = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)
	labelValue = regexp.MustCompile(`^[a-z0-9_-]{0,63}$`)
)

// labelSecrets are the label outputs pulumi-gcp returns as secrets, on the resources whose
// constructors list them in AdditionalSecretOutputs (GEN-SECRET).
var labelSecrets = []string{"effectiveLabels", "pulumiLabels"}

// checkLabels is the API's refusal of labels that break LABEL-FORMAT.
func checkLabels(in obj, f *failures) {
	labels := in.sub("labels")
	if len(labels) > 64 {
		f.add("labels", "A resource can have at most 64 labels, got %d.", len(labels))
	}
	for _, k := range sortedKeys(labels) {
		v, _ := labels[k].(string)
		if isUnknown(labels[k]) {
			continue
		}
		if !labelKey.MatchString(k) || !labelValue.MatchString(v) {
			f.add(fmt.Sprintf("labels.%s", k), "Invalid label %s=%q: keys start with a lowercase letter; keys and values hold at most 63 lowercase letters, digits, underscores and hyphens.", k, v)
		}
	}
}
