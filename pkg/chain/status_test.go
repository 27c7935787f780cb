package chain

import (
	"strings"
	"testing"
)

func TestConnectionStatuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status     string
		serving    bool
		cause, fix string
	}{
		{Accepted, true, "", ""},
		{Pending, false, "the producer has not accepted c-prj", "adds c-prj to `consumers`"},
		{Rejected, false, "c-prj is on the reject list", "removes c-prj from `rejectedConsumers`"},
		{NeedsAttention, false, "no free address for c-prj", "`additionalNatSubnets`"},
		{Closed, false, "the connection of c-prj closed", "recreateClosedPsc"},
		{"STATUS_UNSPECIFIED", false, "is STATUS_UNSPECIFIED, which cloudrun-psc does not know", "`" + RefreshOutputs + "` on the consumer"},
	} {
		t.Run(tc.status, func(t *testing.T) {
			t.Parallel()
			s := StatusOf(tc.status)
			cause, fix := s.Cause("c-prj"), s.Fix("c-prj")
			if s.Name != tc.status || s.Serving != tc.serving || (tc.cause == "") != (cause == "") || (tc.fix == "") != (fix == "") ||
				!strings.Contains(cause, tc.cause) || !strings.Contains(fix, tc.fix) || strings.Contains(cause+fix, "{") {
				t.Errorf("StatusOf(%q) = %+v; cause %q, fix %q", tc.status, s, cause, fix)
			}
			// Once the producer has acted, the consumer's output changes only by the command that
			// runs its program over the refreshed state.
			if !s.Serving && !s.ConsumerActs && !strings.Contains(fix, "then `"+RefreshOutputs+"` on the consumer") && tc.status != "STATUS_UNSPECIFIED" {
				t.Errorf("StatusOf(%q).Fix = %q, want it to end with `%s` on the consumer", tc.status, fix, RefreshOutputs)
			}
		})
	}
}
