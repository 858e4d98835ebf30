package sync

import "bytes"

// TextMergeLabels name the three versions in conflict markers, like the -L
// options of `git merge-file`. Base is carried for completeness: the default
// "merge" conflict style shows no base section, so it is not printed.
type TextMergeLabels struct {
	Ours, Base, Theirs string
}

// conflictMarkerSize is git's default conflict marker length.
const conflictMarkerSize = 7

// binaryProbeSize is how much of a file git looks at to decide it is binary.
const binaryProbeSize = 8000

// IsBinary reports whether data should be treated as binary, by git's
// heuristic: a NUL byte among the first 8000 bytes. MergeText must not be
// given binary data; git refuses to merge it line by line.
func IsBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), binaryProbeSize)], 0) >= 0
}

// MergeText merges ours and theirs against base like
// `git merge-file -L ours -L base -L theirs ours base theirs`, with git's
// defaults (merge level zealous-alnum, conflict style "merge", marker size
// 7), and returns the merged bytes and the number of conflict hunks. Each
// conflict reads "<<<<<<< Ours", our lines, "=======", their lines,
// ">>>>>>> Theirs"; an empty label leaves its marker bare. The output is
// byte-identical to git's, down to hunk boundaries, CRLF markers in CRLF
// files, and the line feed git adds after a conflicted last line that
// lacks one.
func MergeText(base, ours, theirs []byte, labels TextMergeLabels) (merged []byte, conflicts int) {
	e1, script1 := lineDiff(base, ours)
	e2, script2 := lineDiff(base, theirs)
	switch {
	case len(script1) == 0:
		return bytes.Clone(theirs), 0
	case len(script2) == 0:
		return bytes.Clone(ours), 0
	}
	m := &merger{e1: e1, e2: e2}
	hunks := m.combine(script1, script2)
	hunks = m.refineConflicts(hunks)
	hunks = m.simplifyNonConflicts(hunks)
	for _, h := range hunks {
		if h.mode == modeConflict {
			conflicts++
		}
	}
	return m.render(hunks, labels), conflicts
}
