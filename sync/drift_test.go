package sync

import (
	"testing"

	"github.com/fcsync/fcsync/fc"
)

// TestDriftIsStatusOnline: push's drift is exactly status's online
// categories, but for a resource a deploy recorded that local never had
// and that did not change since, which push cannot overwrite.
func TestDriftIsStatusOnline(t *testing.T) {
	t.Parallel()
	id := fc.FunctionID("s", "f")
	timeout := func(n int64) *fc.Resource { return res(id, map[string]any{"timeout": n}) }
	none := NewState
	tests := []struct {
		name                           string
		base, baseLocal, local, online *State
		want                           string // reason, "" for no drift
	}{
		{"in sync", state(timeout(3)), state(timeout(3)), state(timeout(3)), state(timeout(3)), ""},
		{"changed locally", state(timeout(3)), state(timeout(3)), state(timeout(9)), state(timeout(3)), ""},
		{"changed online", state(timeout(3)), state(timeout(3)), state(timeout(3)), state(timeout(5)), "changed online since the last sync"},
		{"changed both", state(timeout(3)), state(timeout(3)), state(timeout(9)), state(timeout(5)), "changed online since the last sync"},
		{"deleted locally, changed online", state(timeout(3)), state(timeout(3)), none(), state(timeout(5)), "changed online since the last sync"},
		{"deleted online", state(timeout(3)), state(timeout(3)), state(timeout(3)), none(), "deleted online since the last sync"},
		{"created online", none(), none(), none(), state(timeout(3)), "created online since the last sync"},
		{"never synced", none(), none(), state(timeout(3)), state(timeout(3)), "exists online but was never deployed from or pulled into this repository"},
		{"deploy recorded it, local never had it, local creates it", state(timeout(3)), none(), state(timeout(3)), state(timeout(3)), "exists online but was never deployed from or pulled into this repository"},
		{"deploy recorded it, local never had it, unchanged", state(timeout(3)), none(), none(), state(timeout(3)), ""},
		{"deploy recorded it, local never had it, changed since", state(timeout(3)), none(), none(), state(timeout(4)), "changed online since the last sync"},
	}
	for _, tc := range tests {
		got := Drift(tc.base, tc.baseLocal, tc.local, tc.online, nil)
		reason := ""
		if len(got) > 1 {
			t.Errorf("%s: %d drift items, want at most 1", tc.name, len(got))
		}
		if len(got) == 1 {
			reason = got[0].Reason
		}
		if reason != tc.want {
			t.Errorf("%s: drift %q, want %q", tc.name, reason, tc.want)
		}
		online := false
		for _, e := range Status(tc.base, tc.baseLocal, tc.local, tc.online) {
			online = online || e.Category.Online()
		}
		if tc.want != "" && !online {
			t.Errorf("%s: push would refuse, but status shows no online change", tc.name)
		}
		if scoped := Drift(tc.base, tc.baseLocal, tc.local, tc.online, func(fc.ID) bool { return false }); len(scoped) != 0 {
			t.Errorf("%s: out of scope, yet %d drift items", tc.name, len(scoped))
		}
	}
}
