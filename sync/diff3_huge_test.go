package sync

import (
	"math/rand/v2"
	"testing"
)

// scrambledText spells n random lines over a four-line alphabet: every line
// has hundreds of matches, so nothing is discarded before the Myers search
// and the diff is expensive.
func scrambledText(r *rand.Rand, n int) []string {
	letters := []string{"a\n", "b\n", "c\n", "d\n"}
	lines := make([]string, n)
	for i := range lines {
		lines[i] = letters[r.IntN(len(letters))]
	}
	return lines
}

// scrambledSide keeps runs of 200 to 399 base lines and replaces the 20 to
// 79 lines between them with 20 to 79 new random lines, so that the diff has
// long snakes separated by costly regions.
func scrambledSide(r *rand.Rand, base []string) []byte {
	var out []byte
	for i := 0; i < len(base); {
		keep := min(len(base), i+200+r.IntN(200))
		for _, l := range base[i:keep] {
			out = append(out, l...)
		}
		for _, l := range scrambledText(r, 20+r.IntN(60)) {
			out = append(out, l...)
		}
		i = keep + 20 + r.IntN(60)
	}
	return out
}

// TestMergeTextMatchesGitOnHugeInput covers xdiff's shortcuts for costly
// diffs: past a cost that grows with the square root of the input, the
// Myers search settles for a cut at a long snake or at its furthest path,
// and those cuts decide the hunks. Only inputs of tens of thousands of
// lines reach the snake shortcut, so the test builds one.
func TestMergeTextMatchesGitOnHugeInput(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: diffs 40000-line files")
	}
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	baseLines := scrambledText(r, 40000)
	var base []byte
	for _, l := range baseLines {
		base = append(base, l...)
	}
	checkAgainstGit(t, base, scrambledSide(r, baseLines), scrambledSide(r, baseLines))
}
