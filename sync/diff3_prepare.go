package sync

// This file and diff3_myers.go reproduce the line diff of git's xdiff
// library (xprepare.c and xdiffi.c) decision for decision. A diff has many
// equally short answers, and which one xdiff picks decides where merge hunks
// begin and end; matching `git merge-file` byte for byte therefore needs the
// same preparation, the same Myers search with its cost limits, and the same
// sliding of change groups, not merely some minimal diff.

const (
	// maxEqLimit caps how many matches make a line "multimatch" (XDL_MAX_EQLIMIT).
	maxEqLimit = 1024
	// simscanWindow bounds the scan around a multimatch line (XDL_SIMSCAN_WINDOW).
	simscanWindow = 100
	// kpdisRun is the ratio that lets a run of unmatched lines swallow the
	// multimatch lines inside it (XDL_KPDIS_RUN).
	kpdisRun = 4
)

// diffFile is one side of a two-way line diff.
type diffFile struct {
	// recs are the lines, each with its line feed (the last may lack one).
	recs [][]byte
	// class numbers the lines so that equal lines, and only they, share a
	// number in both files of the diff.
	class []int
	// changed marks lines that are not part of the common subsequence;
	// changed[i+1] is line i, with a false sentinel at each end so that
	// group walks need no bounds checks.
	changed []bool
	// rindex lists the lines the Myers search looks at: the lines between
	// the trimmed common prefix and suffix that were not discarded as
	// having no (useful) match on the other side. rclass holds their classes.
	rindex []int
	rclass []int
	// dstart and dend delimit (inclusively) the lines left after trimming
	// the common prefix and suffix.
	dstart, dend int
}

func (f *diffFile) isChanged(i int) bool     { return f.changed[i+1] }
func (f *diffFile) setChanged(i int, c bool) { f.changed[i+1] = c }
func (f *diffFile) nrec() int                { return len(f.recs) }

// diffEnv is the pair of files one diff compares: the preimage f1 and the
// postimage f2.
type diffEnv struct {
	f1, f2 diffFile
}

// splitLines cuts data after every line feed; a final line without one is
// kept as a record of its own, as xdiff does.
func splitLines(data []byte) [][]byte {
	var recs [][]byte
	for len(data) > 0 {
		n := len(data)
		for i, b := range data {
			if b == '\n' {
				n = i + 1
				break
			}
		}
		recs = append(recs, data[:n:n])
		data = data[n:]
	}
	return recs
}

// newDiffFile splits data into lines and numbers them through the classes
// map, which both files of a diff share.
func newDiffFile(data []byte, classes map[string]int) diffFile {
	f := diffFile{recs: splitLines(data)}
	f.class = make([]int, len(f.recs))
	for i, r := range f.recs {
		c, ok := classes[string(r)]
		if !ok {
			c = len(classes)
			classes[string(r)] = c
		}
		f.class[i] = c
	}
	f.changed = make([]bool, len(f.recs)+2)
	f.dend = len(f.recs) - 1
	return f
}

// prepareDiff builds the environment of a diff from a to b the way
// xdl_prepare_env does for the Myers algorithm: classify lines, trim the
// common ends, then discard lines the search need not consider.
func prepareDiff(a, b []byte) *diffEnv {
	classes := map[string]int{}
	e := &diffEnv{f1: newDiffFile(a, classes), f2: newDiffFile(b, classes)}
	e.trimEnds()
	e.cleanupRecords(len(classes))
	return e
}

// trimEnds skips the common prefix and suffix (xdl_trim_ends).
func (e *diffEnv) trimEnds() {
	f1, f2 := &e.f1, &e.f2
	lim := min(f1.nrec(), f2.nrec())
	i := 0
	for ; i < lim; i++ {
		if f1.class[i] != f2.class[i] {
			break
		}
	}
	f1.dstart, f2.dstart = i, i
	lim -= i
	j := 0
	for ; j < lim; j++ {
		if f1.class[f1.nrec()-1-j] != f2.class[f2.nrec()-1-j] {
			break
		}
	}
	f1.dend = f1.nrec() - j - 1
	f2.dend = f2.nrec() - j - 1
}

// bogosqrt is xdiff's rough integer square root (xdl_bogosqrt).
func bogosqrt(n int) int {
	i := 1
	for ; n > 0; n >>= 2 {
		i <<= 1
	}
	return i
}

// cleanupRecords marks lines with no match on the other side as changed
// outright, and likewise lines with very many matches when they sit in a run
// of such lines; only the rest enter the Myers search (xdl_cleanup_records).
func (e *diffEnv) cleanupRecords(nclass int) {
	count1 := make([]int, nclass)
	count2 := make([]int, nclass)
	for _, c := range e.f1.class {
		count1[c]++
	}
	for _, c := range e.f2.class {
		count2[c]++
	}
	dis1 := matchKinds(&e.f1, count2)
	dis2 := matchKinds(&e.f2, count1)
	keepMatched(&e.f1, dis1)
	keepMatched(&e.f2, dis2)
}

// matchKinds rates each line between dstart and dend by how often it occurs
// in the other file: 0 never, 1 a few times, 2 at least the limit.
func matchKinds(f *diffFile, other []int) []byte {
	mlim := min(bogosqrt(f.nrec()), maxEqLimit)
	dis := make([]byte, f.nrec()+1)
	for i := f.dstart; i <= f.dend; i++ {
		switch nm := other[f.class[i]]; {
		case nm == 0:
			dis[i] = 0
		case nm >= mlim:
			dis[i] = 2
		default:
			dis[i] = 1
		}
	}
	return dis
}

func keepMatched(f *diffFile, dis []byte) {
	for i := f.dstart; i <= f.dend; i++ {
		if dis[i] == 1 || (dis[i] == 2 && !cleanMultimatch(dis, i, f.dstart, f.dend)) {
			f.rindex = append(f.rindex, i)
			f.rclass = append(f.rclass, f.class[i])
		} else {
			f.setChanged(i, true)
		}
	}
}

// cleanMultimatch reports whether the multimatch line i sits inside a run
// dominated by unmatched lines, so that discarding it loses nothing
// (xdl_clean_mmatch).
func cleanMultimatch(dis []byte, i, s, e int) bool {
	if i-s > simscanWindow {
		s = i - simscanWindow
	}
	if e-i > simscanWindow {
		e = i + simscanWindow
	}
	rdis0, rpdis0 := 0, 1
	for r := 1; i-r >= s; r++ {
		if dis[i-r] == 0 {
			rdis0++
		} else if dis[i-r] == 2 {
			rpdis0++
		} else {
			break
		}
	}
	if rdis0 == 0 {
		return false
	}
	rdis1, rpdis1 := 0, 1
	for r := 1; i+r <= e; r++ {
		if dis[i+r] == 0 {
			rdis1++
		} else if dis[i+r] == 2 {
			rpdis1++
		} else {
			break
		}
	}
	if rdis1 == 0 {
		return false
	}
	rdis1 += rdis0
	rpdis1 += rpdis0
	return rpdis1*kpdisRun < rpdis1+rdis1
}
