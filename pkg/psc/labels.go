package psc

import (
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Every child that takes labels carries the user's labels merged with managed-by: cloudrun-psc
// (catalogue LABEL-FORMAT for the rules Google holds labels to).
const (
	managedByKey   = "managed-by"
	managedByValue = "cloudrun-psc"
	maxUserLabels  = 63 // Google's 64 per resource, less managed-by
)

var (
	labelKeyRe   = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)
	labelValueRe = regexp.MustCompile(`^[a-z0-9_-]{0,63}$`)
)

// labelsDescription documents the labels input of every component.
const labelsDescription = "Labels put on every child that takes labels, merged with managed-by: cloudrun-psc (which " +
	"cannot be overridden). Keys start with a lowercase letter; keys and values hold at most 63 lowercase letters, " +
	"digits, underscores and hyphens (values may be empty); at most 63 labels. Changing them updates the children in place."

// checkLabels checks user labels as Google does (LABEL-FORMAT), naming each offending key.
func checkLabels(p *problems, labels map[string]string) {
	if len(labels) > maxUserLabels {
		p.addf("labels", "holds %d labels; Google Cloud allows 64 per resource, one of which is %s, so at most %d", len(labels), managedByKey, maxUserLabels)
	}
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		path := fmt.Sprintf("labels[%q]", k)
		switch {
		case k == managedByKey:
			p.addf(path, "is set by the component (%s: %s) and cannot be overridden", managedByKey, managedByValue)
		case !labelKeyRe.MatchString(k):
			p.addf(path, "a label key must start with a lowercase letter and hold at most 63 lowercase letters, digits, underscores and hyphens")
		}
		if v := labels[k]; !labelValueRe.MatchString(v) {
			p.addf(path, "a label value must hold at most 63 lowercase letters, digits, underscores and hyphens, got %q", v)
		}
	}
}

// childLabels are the labels of a child: the user's and managed-by.
func childLabels(user map[string]string) pulumi.StringMap {
	out := pulumi.StringMap{managedByKey: pulumi.String(managedByValue)}
	for k, v := range user {
		if k != managedByKey {
			out[k] = pulumi.String(v)
		}
	}
	return out
}
