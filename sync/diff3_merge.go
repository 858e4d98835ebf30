package sync

import "bytes"

// Hunk modes, as in xmerge.c.
const (
	modeConflict  = 0
	modeOurs      = 1 // only ours changed these lines
	modeTheirs    = 2 // only theirs changed these lines
	modeIdentical = 4 // both sides made the same change, found on refinement
)

// mergeHunk is one region where at least one side changed the base
// (xdmerge_t without the base range, which only the diff3 style prints):
// i1/chg1 locate it in ours, i2/chg2 in theirs.
type mergeHunk struct {
	mode               int
	i1, chg1, i2, chg2 int
}

// merger holds the two diffs a three-way merge combines: e1 from base to
// ours, e2 from base to theirs.
type merger struct {
	e1, e2 *diffEnv
}

// combine walks both edit scripts in base order and pairs up overlapping
// changes (the first half of xdl_do_merge). Identical changes on both sides
// are not hunks at all: their lines are copied from ours like untouched
// ones.
func (m *merger) combine(s1, s2 []change) []mergeHunk {
	var hunks []mergeHunk
	for len(s1) > 0 && len(s2) > 0 {
		x1, x2 := s1[0], s2[0]
		if x1.i1+x1.chg1 < x2.i1 {
			hunks = appendHunk(hunks, mergeHunk{modeOurs,
				x1.i2, x1.chg2, x2.i2 - x2.i1 + x1.i1, x1.chg1})
			s1 = s1[1:]
			continue
		}
		if x2.i1+x2.chg1 < x1.i1 {
			hunks = appendHunk(hunks, mergeHunk{modeTheirs,
				x1.i2 - x1.i1 + x2.i1, x2.chg1, x2.i2, x2.chg2})
			s2 = s2[1:]
			continue
		}
		if x1.i1 != x2.i1 || x1.chg1 != x2.chg1 || x1.chg2 != x2.chg2 ||
			!m.sameLines(x1.i2, x2.i2, x1.chg2) {
			// Widen both sides to cover the union of the two base ranges.
			off := x1.i1 - x2.i1
			ffo := off + x1.chg1 - x2.chg1
			i1, i2 := x1.i2, x2.i2
			if off > 0 {
				i1 -= off
			} else {
				i2 += off
			}
			chg1 := x1.i2 + x1.chg2 - i1
			chg2 := x2.i2 + x2.chg2 - i2
			if ffo < 0 {
				chg1 -= ffo
			} else {
				chg2 += ffo
			}
			hunks = appendHunk(hunks, mergeHunk{modeConflict, i1, chg1, i2, chg2})
		}
		end1, end2 := x1.i1+x1.chg1, x2.i1+x2.chg1
		if end1 >= end2 {
			s2 = s2[1:]
		}
		if end2 >= end1 {
			s1 = s1[1:]
		}
	}
	for _, x1 := range s1 {
		hunks = appendHunk(hunks, mergeHunk{modeOurs,
			x1.i2, x1.chg2, x1.i1 + m.e2.f2.nrec() - m.e2.f1.nrec(), x1.chg1})
	}
	for _, x2 := range s2 {
		hunks = appendHunk(hunks, mergeHunk{modeTheirs,
			x2.i1 + m.e1.f2.nrec() - m.e1.f1.nrec(), x2.chg1, x2.i2, x2.chg2})
	}
	return hunks
}

// appendHunk adds h, folding it into the previous hunk when the two touch
// on either side; a fold of different modes is a conflict (xdl_append_merge).
func appendHunk(hunks []mergeHunk, h mergeHunk) []mergeHunk {
	if n := len(hunks); n > 0 {
		p := &hunks[n-1]
		if h.i1 <= p.i1+p.chg1 || h.i2 <= p.i2+p.chg2 {
			if h.mode != p.mode {
				p.mode = modeConflict
			}
			p.chg1 = h.i1 + h.chg1 - p.i1
			p.chg2 = h.i2 + h.chg2 - p.i2
			return hunks
		}
	}
	return append(hunks, h)
}

// sameLines reports whether n lines of ours at i1 equal n lines of theirs
// at i2, byte for byte.
func (m *merger) sameLines(i1, i2, n int) bool {
	for k := range n {
		if !bytes.Equal(m.e1.f2.recs[i1+k], m.e2.f2.recs[i2+k]) {
			return false
		}
	}
	return true
}

// refineConflicts diffs our side of each conflict against theirs and keeps
// only the differing parts as conflicts, so that two sides that made mostly
// the same edit conflict only where they differ (xdl_refine_conflicts).
func (m *merger) refineConflicts(hunks []mergeHunk) []mergeHunk {
	var out []mergeHunk
	for _, h := range hunks {
		if h.mode != modeConflict || h.chg1 == 0 || h.chg2 == 0 {
			out = append(out, h)
			continue
		}
		ours := bytes.Join(m.e1.f2.recs[h.i1:h.i1+h.chg1], nil)
		theirs := bytes.Join(m.e2.f2.recs[h.i2:h.i2+h.chg2], nil)
		_, script := lineDiff(ours, theirs)
		if len(script) == 0 {
			h.mode = modeIdentical
			out = append(out, h)
			continue
		}
		for _, x := range script {
			out = append(out, mergeHunk{modeConflict, h.i1 + x.i1, x.chg1, h.i2 + x.i2, x.chg2})
		}
	}
	return out
}

// simplifyNonConflicts joins two conflicts when at most three lines
// separate them, or when the lines between hold no letter or digit (the
// zealous-alnum level): one bigger conflict reads easier than two split by
// a "}" or a blank line (xdl_simplify_non_conflicts).
func (m *merger) simplifyNonConflicts(hunks []mergeHunk) []mergeHunk {
	if len(hunks) == 0 {
		return hunks
	}
	out := []mergeHunk{hunks[0]}
	for _, next := range hunks[1:] {
		cur := &out[len(out)-1]
		begin, end := cur.i1+cur.chg1, next.i1
		if cur.mode != modeConflict || next.mode != modeConflict ||
			(end-begin > 3 && m.oursHasAlnum(begin, end)) {
			out = append(out, next)
			continue
		}
		cur.chg1 = next.i1 + next.chg1 - cur.i1
		cur.chg2 = next.i2 + next.chg2 - cur.i2
	}
	return out
}

// oursHasAlnum reports whether any of our lines [begin,end) holds an ASCII
// letter or digit (git's isalnum ignores other bytes).
func (m *merger) oursHasAlnum(begin, end int) bool {
	for _, r := range m.e1.f2.recs[begin:end] {
		for _, c := range r {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				return true
			}
		}
	}
	return false
}
