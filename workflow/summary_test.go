package workflow

import (
	"fmt"
	"strings"
	"testing"
)

// TestGroupByResourceSummarises: a pull of 99,990 files printed a 1.7 MB
// line and wrote it into the merge commit (issue 9, hole 10).
func TestGroupByResourceSummarises(t *testing.T) {
	lines := []string{"service demo: description \"a\" -> \"b\""}
	for i := range 99_990 {
		lines = append(lines, fmt.Sprintf("function demo/web: code/f%d", i))
	}
	lines = append(lines, "trigger demo/web/http: added from online")
	got := groupByResource(lines)
	if len(got) != 3 {
		t.Fatalf("%d lines, want 3", len(got))
	}
	if !strings.HasSuffix(got[1], "; and 99,970 more changes") || len(got[1]) > 1000 {
		t.Errorf("function line (%d bytes) ends %q", len(got[1]), got[1][max(0, len(got[1])-60):])
	}
	if got[0] != lines[0] || got[2] != lines[len(lines)-1] {
		t.Errorf("other lines changed: %q", got)
	}
}
