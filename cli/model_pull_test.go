package cli_test

import (
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"strings"
)

// pull checks invariant 3: a clean pull leaves HEAD equal to the model's
// merge (DESIGN section 4's table on fields, `git merge-file` on code), and
// a pull conflicts exactly where the model does. On conflict the step
// resolves like a user: per file `git checkout --ours/--theirs` (a whole
// function folder with `git rm -r` when that side deleted it) and `git
// commit`, or `git merge --abort`.
func (m *modelRun) pull(i int, s step, online, local world) (string, bool, *modelFailure) {
	fail := func(inv, format string, args ...any) *modelFailure {
		return &modelFailure{step: i, invariant: inv, msg: fmt.Sprintf(format, args...)}
	}
	m.stats.pulls++
	args, prefer := []string{"pull"}, ""
	switch s.Key {
	case "--use-local":
		args, prefer = append(args, s.Key), "local"
	case "--use-remote":
		args, prefer = append(args, s.Key), "online"
	}
	exp, err := modelMerge(m.scratch, local, effectiveBase(m.base, m.known), online, prefer)
	if err != nil {
		return "", true, fail("model merge", "%v", err)
	}
	headBefore, _ := m.git("rev-parse", "HEAD")
	code, out := m.fcsync(args...)
	context := func() string {
		return fmt.Sprintf("fcsync pull said:\n%s\nsync point (model):\n%slocal before:\n%sonline:\n%s", out, m.base, local, online)
	}
	if prefer != "" {
		return m.pullPreferring(i, s.Key, code, exp, online, headBefore, context)
	}
	switch code {
	case 0:
		if len(exp.conflicts) > 0 {
			return "exit 0", true, fail("pull conflicts where DESIGN section 4 says", "exit 0, want 4: conflicts expected in %v\n%s", exp.conflicts, context())
		}
		got, err := m.readLocal()
		if err != nil {
			return "exit 0", true, fail("pull leaves a valid project", "%v", err)
		}
		if lost := lostLocalChanges(local, effectiveBase(m.base, m.known), got); len(lost) > 0 {
			return "exit 0", true, fail("undeployed local changes survive a clean pull", "lost:\n  %s\n%s", strings.Join(lost, "\n  "), context())
		}
		if !worldsEqual(got, exp.want) {
			return "exit 0", true, fail("clean pull = DESIGN section 4 merge", "HEAD after the pull differs from the model's merge:\n%s\n%s", diffWorlds(got, exp.want), context())
		}
		m.synced(online, got, headBefore)
		return "exit 0", true, nil
	case 4:
	default:
		return fmt.Sprintf("exit %d", code), true, fail("pull exits 0 or 4", "exit %d\n%s", code, context())
	}
	m.stats.conflicts++
	unmerged, err := m.unmerged()
	if err != nil {
		return "exit 4", true, fail("git sees the merge", "%v", err)
	}
	byFn := map[string][]string{}
	for p := range unmerged {
		byFn[m.functionOf(p)] = append(byFn[m.functionOf(p)], p)
	}
	gotFns := slices.Sorted(maps.Keys(byFn))
	wantFns := slices.Sorted(maps.Keys(exp.conflicts))
	var required []string
	for _, fn := range gotFns {
		if exp.optional[fn] == "" {
			required = append(required, fn)
		}
	}
	if !slices.Equal(required, wantFns) {
		return "exit 4", true, fail("pull conflicts where DESIGN section 4 says", "unmerged paths in %v, model conflicts in %v (optional: %v)\nunmerged: %v\n%s",
			gotFns, exp.conflicts, exp.optional, slices.Sorted(maps.Keys(unmerged)), context())
	}
	r := rand.New(rand.NewSource(s.Seed))
	if r.Intn(5) == 0 {
		m.stats.aborts++
		if _, err := m.git("merge", "--abort"); err != nil {
			return "exit 4, abort", true, fail("git merge --abort undoes the pull", "%v", err)
		}
		if h, _ := m.git("rev-parse", "HEAD"); h != headBefore {
			return "exit 4, abort", true, fail("git merge --abort undoes the pull", "HEAD moved")
		}
		return "exit 4, git merge --abort", true, nil
	}
	var choices []string
	for _, fn := range gotFns {
		c, err := m.resolve(r, fn, byFn[fn], unmerged)
		if err != nil {
			return "exit 4", true, fail("git resolves the conflict", "%v", err)
		}
		choices = append(choices, c...)
	}
	note := "exit 4, " + strings.Join(choices, ", ")
	if _, err := m.git("commit", "-q", "--no-edit"); err != nil {
		return note, true, fail("git commit concludes the merge", "%v", err)
	}
	got, err := m.readLocal()
	if err != nil {
		return note, true, fail("a resolved pull leaves a valid project", "%v", err)
	}
	// What did not conflict merged as in a clean pull, whatever the user
	// chose for the conflicts.
	for name := range exp.want.resources() {
		fn, _, _ := strings.Cut(name, "/")
		if exp.conflicts[fn] == "" && byFn[fn] == nil && !fnEqual(got[fn], exp.want[fn]) {
			return note, true, fail("clean pull = DESIGN section 4 merge", "function %s had no conflict but differs from the model's merge:\n%s\n%s",
				fn, diffWorlds(world{fn: got[fn]}, world{fn: exp.want[fn]}), context())
		}
	}
	for fn := range got {
		if exp.conflicts[fn] == "" && byFn[fn] == nil && exp.want[fn] == nil {
			return note, true, fail("clean pull = DESIGN section 4 merge", "function %s had no conflict, the model's merge drops it, HEAD has it\n%s", fn, context())
		}
	}
	m.synced(online, got, headBefore)
	return note, true, nil
}

// pullPreferring checks pull --use-local/--use-remote: never a conflict
// left, and HEAD is the merge with every conflict resolved to that side.
// A function DESIGN lets conflict or not (exp.optional) may come out either
// way, so it is not compared.
func (m *modelRun) pullPreferring(i int, flag string, code int, exp mergeResult, online world, headBefore string, context func() string) (string, bool, *modelFailure) {
	fail := func(inv, format string, args ...any) *modelFailure {
		return &modelFailure{step: i, invariant: inv, msg: fmt.Sprintf(format, args...)}
	}
	note := fmt.Sprintf("exit %d", code)
	if len(exp.conflicts) > 0 {
		m.stats.conflicts++
		note += fmt.Sprintf(", resolved %d conflicting functions", len(exp.conflicts))
	}
	if code != 0 {
		return note, true, fail("pull "+flag+" resolves every conflict", "exit %d, want 0\n%s", code, context())
	}
	got, err := m.readLocal()
	if err != nil {
		return note, true, fail("pull leaves a valid project", "%v", err)
	}
	g, w := got.clone(), exp.want.clone()
	for fn := range exp.optional {
		delete(g, fn)
		delete(w, fn)
	}
	if !worldsEqual(g, w) {
		return note, true, fail("pull "+flag+" = DESIGN section 4 merge, conflicts to one side", "HEAD after the pull differs from the model's merge (conflicts: %v):\n%s\n%s",
			exp.conflicts, diffWorlds(g, w), context())
	}
	m.synced(online, got, headBefore)
	return note, true, nil
}

// lostLocalChanges lists the local changes (HEAD before the pull against
// the sync point) that HEAD after a clean pull no longer has: a changed or
// added field, a changed code line, a created or deleted function or
// trigger. The steps only replace code lines in place, so lines compare by
// number.
func lostLocalChanges(before, base, after world) []string {
	var lost []string
	names := maps.Clone(before)
	maps.Copy(names, base)
	for _, name := range slices.Sorted(maps.Keys(names)) {
		l, b, a := before[name], base[name], after[name]
		switch {
		case l == nil && b != nil && a != nil:
			lost = append(lost, "function "+name+": deleted locally, back after the pull")
			continue
		case l == nil:
			continue
		case a == nil:
			if b == nil || changedBesidesDeletes(b, l) {
				lost = append(lost, "function "+name+": changed or created locally, gone after the pull")
			}
			continue
		case b == nil:
			b = &fnState{}
		}
		for k, v := range l.Fields {
			if bv, ok := b.Fields[k]; (!ok || bv != v) && a.Fields[k] != v {
				lost = append(lost, fmt.Sprintf("function %s: local %s = %q, after the pull %s", name, k, v, show(a.Fields[k], hasKey(a.Fields, k))))
			}
		}
		for k := range b.Fields {
			if _, ok := l.Fields[k]; !ok && hasKey(a.Fields, k) {
				lost = append(lost, fmt.Sprintf("function %s: %s removed locally, back after the pull", name, k))
			}
		}
		for file, code := range l.Code {
			ll, bl, al := strings.Split(code, "\n"), strings.Split(b.Code[file], "\n"), strings.Split(a.Code[file], "\n")
			for i, line := range ll {
				if (i >= len(bl) || bl[i] != line) && (i >= len(al) || al[i] != line) {
					lost = append(lost, fmt.Sprintf("function %s: code/%s line %d %q (local) missing after the pull", name, file, i, line))
				}
			}
		}
		for t, lt := range l.Triggers {
			if bt := b.Triggers[t]; (bt == nil || !maps.Equal(bt, lt)) && !maps.Equal(a.Triggers[t], lt) {
				lost = append(lost, fmt.Sprintf("trigger %s/%s: local %v, after the pull %v", name, t, lt, a.Triggers[t]))
			}
		}
		for t := range b.Triggers {
			if l.Triggers[t] == nil && a.Triggers[t] != nil {
				lost = append(lost, fmt.Sprintf("trigger %s/%s: deleted locally, back after the pull", name, t))
			}
		}
	}
	return lost
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// synced moves the model's sync point to the live commit a pull merged:
// R = online as read, and local work has now seen everything in it.
func (m *modelRun) synced(online, head world, headBefore string) {
	if h, _ := m.git("rev-parse", "HEAD"); h == headBefore && worldsEqual(online, m.base) {
		return // nothing to merge: git says "Already up to date"
	}
	m.base = online.clone()
	m.known = online.resources()
	maps.Copy(m.known, head.resources())
}

// unmerged maps each unmerged path to the stages git has for it (1 base,
// 2 ours, 3 theirs).
func (m *modelRun) unmerged() (map[string]map[string]bool, error) {
	out, err := m.git("ls-files", "-u")
	if err != nil {
		return nil, err
	}
	res := map[string]map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		meta, path, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		f := strings.Fields(meta)
		if res[path] == nil {
			res[path] = map[string]bool{}
		}
		res[path][f[2]] = true
	}
	return res, nil
}

// functionOf names the function folder a path is in ("" outside one).
func (m *modelRun) functionOf(p string) string {
	rest, ok := strings.CutPrefix(p, m.api.fnRoot+"/")
	if !ok {
		return p
	}
	fn, _, _ := strings.Cut(rest, "/")
	return fn
}

// resolve settles one function's unmerged paths. A modify/delete takes one
// side for the whole function (taking the deleting side is `git rm -r`, as
// DESIGN section 4 says it resolves); content conflicts take a side per
// file.
func (m *modelRun) resolve(r *rand.Rand, fn string, paths []string, unmerged map[string]map[string]bool) ([]string, error) {
	slices.Sort(paths)
	dir := m.api.fnDir(fn)
	modDelete := false
	for _, p := range paths {
		if !unmerged[p]["2"] || !unmerged[p]["3"] {
			modDelete = true
		}
	}
	if modDelete {
		side, stage, rev := "ours", "2", "HEAD"
		if r.Intn(2) == 0 {
			side, stage, rev = "theirs", "3", "MERGE_HEAD"
		}
		if _, err := m.git("cat-file", "-e", rev+":"+dir+"/function.yaml"); err != nil {
			_, err := m.git("rm", "-r", "-q", "-f", "--", dir)
			return []string{fmt.Sprintf("%s: %s (git rm -r)", fn, side)}, err
		}
		for _, p := range paths {
			if err := m.take(p, side, unmerged[p][stage]); err != nil {
				return nil, err
			}
		}
		return []string{fmt.Sprintf("%s: %s", fn, side)}, nil
	}
	var out []string
	for _, p := range paths {
		side := "ours"
		if r.Intn(2) == 0 {
			side = "theirs"
		}
		if err := m.take(p, side, true); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("%s %s", strings.TrimPrefix(p, dir+"/"), side))
	}
	return []string{fn + ": " + strings.Join(out, " ")}, nil
}

func (m *modelRun) take(p, side string, has bool) error {
	if !has {
		_, err := m.git("rm", "-q", "-f", "--", p)
		return err
	}
	if _, err := m.git("checkout", "--"+side, "--", p); err != nil {
		return err
	}
	_, err := m.git("add", "--", p)
	return err
}
