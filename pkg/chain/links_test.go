package chain

import (
	"slices"
	"testing"
)

func TestLinks(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i, l := range Links {
		if l.Name == "" || seen[l.Name] || l.Meaning == "" || (l.Side != Consumer && l.Side != Producer) {
			t.Errorf("Links[%d] = %+v: want a unique name, a side and a meaning", i, l)
		}
		seen[l.Name] = true
	}
	// A request crosses the consumer's links before the producer's.
	if i := slices.IndexFunc(Links, func(l Link) bool { return l.Side == Producer }); i < 0 ||
		slices.ContainsFunc(Links[i:], func(l Link) bool { return l.Side == Consumer }) {
		t.Errorf("a consumer link after a producer link: %v", LinkNames())
	}
	if got := LinkNames(); got[0] != LinkClient || got[len(got)-1] != LinkCloudRun || len(got) != len(Links) {
		t.Errorf("LinkNames() = %v", got)
	}
}
