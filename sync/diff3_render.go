package sync

import (
	"bytes"
	"strings"
)

// render writes the merge result: lines outside hunks and one-sided hunks
// come from the side that has them, conflicts get markers
// (xdl_fill_merge_buffer). Untouched lines are always copied from ours,
// which is why a hunk both sides resolved identically needs no output of
// its own.
func (m *merger) render(hunks []mergeHunk, labels TextMergeLabels) []byte {
	var out bytes.Buffer
	ours, theirs := m.e1.f2.recs, m.e2.f2.recs
	i := 0
	for _, h := range hunks {
		switch h.mode {
		case modeConflict:
			writeLines(&out, ours[i:h.i1], false, false)
			m.writeConflict(&out, h, labels)
		case modeOurs:
			writeLines(&out, ours[i:h.i1+h.chg1], false, false)
		case modeTheirs:
			writeLines(&out, ours[i:h.i1], false, false)
			writeLines(&out, theirs[h.i2:h.i2+h.chg2], false, false)
		default:
			continue
		}
		i = h.i1 + h.chg1
	}
	writeLines(&out, ours[i:], false, false)
	return out.Bytes()
}

// writeConflict writes one conflict with its markers. The markers end like
// the surrounding lines (CRLF in a CRLF file), and a side whose last line
// has no line feed gets one, so the next marker starts a line of its own.
func (m *merger) writeConflict(out *bytes.Buffer, h mergeHunk, labels TextMergeLabels) {
	cr := m.needsCR(h)
	eol := "\n"
	if cr {
		eol = "\r\n"
	}
	marker := func(c byte, label string) {
		out.WriteString(strings.Repeat(string(c), conflictMarkerSize))
		if label != "" {
			out.WriteByte(' ')
			out.WriteString(label)
		}
		out.WriteString(eol)
	}
	marker('<', labels.Ours)
	writeLines(out, m.e1.f2.recs[h.i1:h.i1+h.chg1], true, cr)
	marker('=', "")
	writeLines(out, m.e2.f2.recs[h.i2:h.i2+h.chg2], true, cr)
	marker('>', labels.Theirs)
}

// writeLines copies recs to out; with addNL, a missing final line feed is
// supplied (as CRLF when cr is set).
func writeLines(out *bytes.Buffer, recs [][]byte, addNL, cr bool) {
	for _, r := range recs {
		out.Write(r)
	}
	if !addNL || len(recs) == 0 {
		return
	}
	if last := recs[len(recs)-1]; len(last) == 0 || last[len(last)-1] != '\n' {
		if cr {
			out.WriteByte('\r')
		}
		out.WriteByte('\n')
	}
}

// needsCR decides whether a conflict's markers end in CRLF: only when the
// line before the conflict on both sides, and the first line of the base,
// all end in CRLF, counting a line whose ending cannot be told as agreeing
// (is_cr_needed).
func (m *merger) needsCR(h mergeHunk) bool {
	prev := func(i int) int { return max(i-1, 0) }
	r := eolCRLF(m.e1.f2.recs, prev(h.i1))
	if r != 0 {
		r = eolCRLF(m.e2.f2.recs, prev(h.i2))
	}
	if r != 0 {
		r = eolCRLF(m.e1.f1.recs, 0)
	}
	return r > 0
}

// eolCRLF tells whether line i ends in CRLF (1) or a bare LF (0), or -1 if
// it cannot be told. A last line without a line feed takes the ending of
// the line before it (is_eol_crlf).
func eolCRLF(recs [][]byte, i int) int {
	crlf := func(r []byte) int {
		if len(r) > 1 && r[len(r)-2] == '\r' {
			return 1
		}
		return 0
	}
	n := len(recs)
	switch {
	case i < n-1:
		return crlf(recs[i])
	case n == 0:
		return -1
	case len(recs[i]) > 0 && recs[i][len(recs[i])-1] == '\n':
		return crlf(recs[i])
	case i == 0:
		return -1
	default:
		return crlf(recs[i-1])
	}
}
