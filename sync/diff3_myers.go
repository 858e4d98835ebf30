package sync

import "math"

const (
	maxCostMin  = 256 // XDL_MAX_COST_MIN
	heurMinCost = 256 // XDL_HEUR_MIN_COST
	snakeCnt    = 20  // XDL_SNAKE_CNT
	kHeur       = 4   // XDL_K_HEUR
	lineMax     = math.MaxInt
)

// myers holds the state of one Myers search: the two files and the forward
// and backward furthest-reaching vectors, indexed by diagonal plus off
// (diagonals range from -len(f2.rindex)-1 to len(f1.rindex)+1).
type myers struct {
	f1, f2     *diffFile
	kvdf, kvdb []int
	off        int
	mxcost     int
}

// splitPoint is where xdl_split cuts a box, and whether each half must be
// searched for a minimal diff.
type splitPoint struct {
	i1, i2       int
	minLo, minHi bool
}

// change is one hunk of an edit script: chg1 lines of the preimage at i1
// became chg2 lines of the postimage at i2.
type change struct {
	i1, i2, chg1, chg2 int
}

// lineDiff diffs a against b like xdl_do_diff followed by the two
// xdl_change_compact passes and xdl_build_script, as every xdiff consumer
// in git (merge included) runs them.
func lineDiff(a, b []byte) (*diffEnv, []change) {
	e := prepareDiff(a, b)
	n1, n2 := len(e.f1.rindex), len(e.f2.rindex)
	ndiags := n1 + n2 + 3
	m := &myers{
		f1:     &e.f1,
		f2:     &e.f2,
		kvdf:   make([]int, ndiags),
		kvdb:   make([]int, ndiags),
		off:    n2 + 1,
		mxcost: max(bogosqrt(ndiags), maxCostMin),
	}
	m.compare(0, n1, 0, n2, false)
	compact(&e.f1, &e.f2)
	compact(&e.f2, &e.f1)
	return e, buildScript(e)
}

func (m *myers) df(d int) int       { return m.kvdf[d+m.off] }
func (m *myers) setDf(d, v int)     { m.kvdf[d+m.off] = v }
func (m *myers) db(d int) int       { return m.kvdb[d+m.off] }
func (m *myers) setDb(d, v int)     { m.kvdb[d+m.off] = v }
func (m *myers) h1(i int) int       { return m.f1.rclass[i] }
func (m *myers) h2(i int) int       { return m.f2.rclass[i] }
func (m *myers) eq(i1, i2 int) bool { return m.h1(i1) == m.h2(i2) }

// compare marks the changed lines of the box [off1,lim1)x[off2,lim2) by
// divide and conquer (xdl_recs_cmp).
func (m *myers) compare(off1, lim1, off2, lim2 int, needMin bool) {
	for off1 < lim1 && off2 < lim2 && m.eq(off1, off2) {
		off1++
		off2++
	}
	for off1 < lim1 && off2 < lim2 && m.eq(lim1-1, lim2-1) {
		lim1--
		lim2--
	}
	switch {
	case off1 == lim1:
		for ; off2 < lim2; off2++ {
			m.f2.setChanged(m.f2.rindex[off2], true)
		}
	case off2 == lim2:
		for ; off1 < lim1; off1++ {
			m.f1.setChanged(m.f1.rindex[off1], true)
		}
	default:
		spl := m.split(off1, lim1, off2, lim2, needMin)
		m.compare(off1, spl.i1, off2, spl.i2, spl.minLo)
		m.compare(spl.i1, lim1, spl.i2, lim2, spl.minHi)
	}
}

// split finds the middle snake of a box, or, once the search grows too
// costly, a good-enough cut point (xdl_split).
func (m *myers) split(off1, lim1, off2, lim2 int, needMin bool) splitPoint {
	dmin, dmax := off1-lim2, lim1-off2
	fmid, bmid := off1-off2, lim1-lim2
	odd := (fmid-bmid)&1 != 0
	fmin, fmax := fmid, fmid
	bmin, bmax := bmid, bmid

	m.setDf(fmid, off1)
	m.setDb(bmid, lim1)

	for ec := 1; ; ec++ {
		gotSnake := false

		if fmin > dmin {
			fmin--
			m.setDf(fmin-1, -1)
		} else {
			fmin++
		}
		if fmax < dmax {
			fmax++
			m.setDf(fmax+1, -1)
		} else {
			fmax--
		}
		for d := fmax; d >= fmin; d -= 2 {
			var i1 int
			if m.df(d-1) >= m.df(d+1) {
				i1 = m.df(d-1) + 1
			} else {
				i1 = m.df(d + 1)
			}
			prev1 := i1
			i2 := i1 - d
			for i1 < lim1 && i2 < lim2 && m.eq(i1, i2) {
				i1++
				i2++
			}
			if i1-prev1 > snakeCnt {
				gotSnake = true
			}
			m.setDf(d, i1)
			if odd && bmin <= d && d <= bmax && m.db(d) <= i1 {
				return splitPoint{i1: i1, i2: i2, minLo: true, minHi: true}
			}
		}

		if bmin > dmin {
			bmin--
			m.setDb(bmin-1, lineMax)
		} else {
			bmin++
		}
		if bmax < dmax {
			bmax++
			m.setDb(bmax+1, lineMax)
		} else {
			bmax--
		}
		for d := bmax; d >= bmin; d -= 2 {
			var i1 int
			if m.db(d-1) < m.db(d+1) {
				i1 = m.db(d - 1)
			} else {
				i1 = m.db(d+1) - 1
			}
			prev1 := i1
			i2 := i1 - d
			for i1 > off1 && i2 > off2 && m.eq(i1-1, i2-1) {
				i1--
				i2--
			}
			if prev1-i1 > snakeCnt {
				gotSnake = true
			}
			m.setDb(d, i1)
			if !odd && fmin <= d && d <= fmax && i1 <= m.df(d) {
				return splitPoint{i1: i1, i2: i2, minLo: true, minHi: true}
			}
		}

		if needMin {
			continue
		}

		if gotSnake && ec > heurMinCost {
			if spl, ok := m.forwardSnake(off1, lim1, off2, lim2, fmin, fmax, fmid, ec); ok {
				return spl
			}
			if spl, ok := m.backwardSnake(off1, lim1, off2, lim2, bmin, bmax, bmid, ec); ok {
				return spl
			}
		}

		if ec >= m.mxcost {
			return m.furthest(off1, lim1, off2, lim2, fmin, fmax, bmin, bmax)
		}
	}
}

// forwardSnake looks for a forward path that has come far enough, ending in
// a long snake, to be worth cutting at.
func (m *myers) forwardSnake(off1, lim1, off2, lim2, fmin, fmax, fmid, ec int) (splitPoint, bool) {
	best := 0
	var spl splitPoint
	for d := fmax; d >= fmin; d -= 2 {
		dd := d - fmid
		if d <= fmid {
			dd = fmid - d
		}
		i1 := m.df(d)
		i2 := i1 - d
		v := (i1 - off1) + (i2 - off2) - dd
		if v > kHeur*ec && v > best &&
			off1+snakeCnt <= i1 && i1 < lim1 &&
			off2+snakeCnt <= i2 && i2 < lim2 {
			for k := 1; m.eq(i1-k, i2-k); k++ {
				if k == snakeCnt {
					best = v
					spl = splitPoint{i1: i1, i2: i2}
					break
				}
			}
		}
	}
	if best > 0 {
		spl.minLo, spl.minHi = true, false
		return spl, true
	}
	return spl, false
}

// backwardSnake is forwardSnake for the backward paths.
func (m *myers) backwardSnake(off1, lim1, off2, lim2, bmin, bmax, bmid, ec int) (splitPoint, bool) {
	best := 0
	var spl splitPoint
	for d := bmax; d >= bmin; d -= 2 {
		dd := d - bmid
		if d <= bmid {
			dd = bmid - d
		}
		i1 := m.db(d)
		i2 := i1 - d
		v := (lim1 - i1) + (lim2 - i2) - dd
		if v > kHeur*ec && v > best &&
			off1 < i1 && i1 <= lim1-snakeCnt &&
			off2 < i2 && i2 <= lim2-snakeCnt {
			for k := 0; m.eq(i1+k, i2+k); k++ {
				if k == snakeCnt-1 {
					best = v
					spl = splitPoint{i1: i1, i2: i2}
					break
				}
			}
		}
	}
	if best > 0 {
		spl.minLo, spl.minHi = false, true
		return spl, true
	}
	return spl, false
}

// furthest gives up on optimality and cuts at the furthest-reaching path of
// either direction.
func (m *myers) furthest(off1, lim1, off2, lim2, fmin, fmax, bmin, bmax int) splitPoint {
	fbest, fbest1 := -1, -1
	for d := fmax; d >= fmin; d -= 2 {
		i1 := min(m.df(d), lim1)
		i2 := i1 - d
		if lim2 < i2 {
			i1 = lim2 + d
			i2 = lim2
		}
		if fbest < i1+i2 {
			fbest = i1 + i2
			fbest1 = i1
		}
	}
	bbest, bbest1 := lineMax, lineMax
	for d := bmax; d >= bmin; d -= 2 {
		i1 := max(off1, m.db(d))
		i2 := i1 - d
		if i2 < off2 {
			i1 = off2 + d
			i2 = off2
		}
		if i1+i2 < bbest {
			bbest = i1 + i2
			bbest1 = i1
		}
	}
	if (lim1+lim2)-bbest < fbest-(off1+off2) {
		return splitPoint{i1: fbest1, i2: fbest - fbest1, minLo: true}
	}
	return splitPoint{i1: bbest1, i2: bbest - bbest1, minHi: true}
}

// group is a run of changed lines [start,end) in one file; an empty group
// sits just above the unchanged line start.
type group struct{ start, end int }

func firstGroup(f *diffFile) group {
	g := group{}
	for f.isChanged(g.end) {
		g.end++
	}
	return g
}

func (g *group) next(f *diffFile) bool {
	if g.end == f.nrec() {
		return false
	}
	g.start = g.end + 1
	for g.end = g.start; f.isChanged(g.end); g.end++ {
	}
	return true
}

func (g *group) previous(f *diffFile) bool {
	if g.start == 0 {
		return false
	}
	g.end = g.start - 1
	for g.start = g.end; f.isChanged(g.start - 1); g.start-- {
	}
	return true
}

func (g *group) slideDown(f *diffFile) bool {
	if g.end < f.nrec() && f.class[g.start] == f.class[g.end] {
		f.setChanged(g.start, false)
		f.setChanged(g.end, true)
		g.start++
		g.end++
		for f.isChanged(g.end) {
			g.end++
		}
		return true
	}
	return false
}

func (g *group) slideUp(f *diffFile) bool {
	if g.start > 0 && f.class[g.start-1] == f.class[g.end-1] {
		g.start--
		g.end--
		f.setChanged(g.start, true)
		f.setChanged(g.end, false)
		for f.isChanged(g.start - 1) {
			g.start--
		}
		return true
	}
	return false
}

// compact slides each group of changed lines in f as far down as it goes,
// merging groups it bumps into, then back up to line up with a change in
// the other file fo where it can (xdl_change_compact without the indent
// heuristic, which merge-file does not enable). The walk over fo keeps the
// two files' groups in step; it cannot fail on a consistent diff.
func compact(f, fo *diffFile) {
	g := firstGroup(f)
	og := firstGroup(fo)
	for {
		if g.end != g.start {
			var earliestEnd, endMatchingOther int
			for {
				groupsize := g.end - g.start
				endMatchingOther = -1
				for g.slideUp(f) {
					og.previous(fo)
				}
				earliestEnd = g.end
				if og.end > og.start {
					endMatchingOther = g.end
				}
				for g.slideDown(f) {
					og.next(fo)
					if og.end > og.start {
						endMatchingOther = g.end
					}
				}
				if groupsize == g.end-g.start {
					break
				}
			}
			if g.end != earliestEnd && endMatchingOther != -1 {
				for og.end == og.start {
					g.slideUp(f)
					og.previous(fo)
				}
			}
		}
		if !g.next(f) {
			break
		}
		og.next(fo)
	}
}

// buildScript collects the changed lines of both files into hunks, in file
// order (xdl_build_script).
func buildScript(e *diffEnv) []change {
	f1, f2 := &e.f1, &e.f2
	var rev []change
	for i1, i2 := f1.nrec(), f2.nrec(); i1 >= 0 || i2 >= 0; i1, i2 = i1-1, i2-1 {
		if changedAt(f1, i1-1) || changedAt(f2, i2-1) {
			l1, l2 := i1, i2
			for changedAt(f1, i1-1) {
				i1--
			}
			for changedAt(f2, i2-1) {
				i2--
			}
			rev = append(rev, change{i1: i1, i2: i2, chg1: l1 - i1, chg2: l2 - i2})
		}
	}
	script := make([]change, len(rev))
	for i, c := range rev {
		script[len(rev)-1-i] = c
	}
	return script
}

// changedAt is isChanged that also answers false before the first sentinel.
func changedAt(f *diffFile, i int) bool {
	return i >= -1 && f.isChanged(i)
}
