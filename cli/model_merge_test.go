package cli_test

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// The model's pull: DESIGN section 4 applied to (L1 = HEAD, R = the sync
// point, R1 = online), written from the table, not from fcsync's code.
// Code files go through `git merge-file` itself, the reference the design
// names.

// mergeResult is the expected outcome of one pull.
type mergeResult struct {
	want      world             // HEAD after a clean pull
	conflicts map[string]string // function -> why it conflicts
	// optional: functions DESIGN lets conflict or not (see mergeFunction);
	// when one does not, want holds its clean result.
	optional map[string]string
}

// effectiveBase is R as a merge sees it: a resource R holds counts only if
// local work had it at the sync point (DESIGN section 3: "never had it" =
// created online, recorded by a deploy, never pulled; such a resource
// merges as if R did not hold it).
func effectiveBase(base world, known map[string]bool) world {
	out := world{}
	for name, f := range base {
		if !known[name] {
			continue
		}
		c := f.clone()
		for t := range c.Triggers {
			if !known[name+"/"+t] {
				delete(c.Triggers, t)
			}
		}
		out[name] = c
	}
	return out
}

// modelMerge merges; prefer is "" (conflicts stay), "local" or "online"
// (pull --use-local / --use-remote: every conflict resolved to that side,
// a code file's conflicting hunks as `git merge-file --ours/--theirs`).
func modelMerge(scratch string, local, base, online world, prefer string) (mergeResult, error) {
	res := mergeResult{want: world{}, conflicts: map[string]string{}, optional: map[string]string{}}
	names := maps.Clone(local.resources())
	maps.Copy(names, online.resources())
	maps.Copy(names, base.resources())
	for name := range names {
		if _, ok := local[name]; !ok {
			if _, ok := online[name]; !ok {
				if _, ok := base[name]; !ok {
					continue // a trigger key
				}
			}
		}
		f, why, err := mergeFunction(scratch, local[name], base[name], online[name], prefer)
		if err != nil {
			return res, err
		}
		if maybe, ok := strings.CutPrefix(why, optionalConflict); ok {
			res.optional[name] = maybe
		} else if why != "" {
			res.conflicts[name] = why
		}
		if f != nil {
			res.want[name] = f
		}
	}
	return res, nil
}

// mergeFunction merges one function and its triggers. A function deleted
// on one side conflicts when the other side changed or added anything in
// it (its fields, its code, one of its triggers): that is git's
// modify/delete, and DESIGN says no commit holds a trigger without its
// function. A trigger deleted on the other side is no change to conflict
// with for git (both sides removed that file), but the README calls a
// change to "anything below" a deleted function a conflict, so the model
// accepts both a clean delete and a conflict there (optionalConflict).
const optionalConflict = "optional: "

func mergeFunction(scratch string, l, b, r *fnState, prefer string) (*fnState, string, error) {
	side := func(why string) (*fnState, string, error) {
		switch prefer {
		case "local":
			return l.clone(), why, nil
		case "online":
			return r.clone(), why, nil
		}
		return nil, why, nil
	}
	switch {
	case l == nil && r == nil:
		return nil, "", nil
	case b == nil && l == nil:
		return r.clone(), "", nil
	case b == nil && r == nil:
		return l.clone(), "", nil
	case l == nil:
		if changedBesidesDeletes(b, r) {
			return side("deleted locally, changed online")
		}
		if !fnEqual(b, r) {
			return nil, optionalConflict + "deleted locally, online deleted triggers of it", nil
		}
		return nil, "", nil
	case r == nil:
		if changedBesidesDeletes(b, l) {
			return side("deleted online, changed locally")
		}
		if !fnEqual(b, l) {
			return nil, optionalConflict + "deleted online, local deleted triggers of it", nil
		}
		return nil, "", nil
	}
	var why []string
	if b == nil {
		b = &fnState{} // case 3: an empty base
		why = append(why, "(never synced)")
	}
	out := &fnState{Fields: map[string]string{}, Code: map[string]string{}, Triggers: map[string]trigState{}}
	conflict := false
	if ks := mergeMap(out.Fields, l.Fields, b.Fields, r.Fields, prefer); len(ks) > 0 {
		conflict = true
		why = append(why, ks...)
	}
	files := maps.Clone(l.Code)
	maps.Copy(files, r.Code)
	for name := range files {
		lv, lok := l.Code[name]
		bv, bok := b.Code[name]
		rv, rok := r.Code[name]
		if !lok || !rok {
			// The model's steps never add or remove single code files.
			return nil, "", errors.New("model: code file on one side only: " + name)
		}
		if !bok {
			bv = ""
		}
		merged, clean, err := gitMergeFile(scratch, lv, bv, rv, "")
		if err != nil {
			return nil, "", err
		}
		if !clean {
			conflict = true
			why = append(why, "code/"+name)
			if prefer != "" {
				if merged, _, err = gitMergeFile(scratch, lv, bv, rv, prefer); err != nil {
					return nil, "", err
				}
			}
		}
		out.Code[name] = merged
	}
	trigs := map[string]bool{}
	for _, f := range []*fnState{l, b, r} {
		for t := range f.Triggers {
			trigs[t] = true
		}
	}
	for t := range trigs {
		lt, bt, rt := l.Triggers[t], b.Triggers[t], r.Triggers[t]
		switch {
		case lt == nil && rt == nil:
		case bt == nil && lt == nil:
			out.Triggers[t] = maps.Clone(rt)
		case bt == nil && rt == nil:
			out.Triggers[t] = maps.Clone(lt)
		case lt == nil:
			if !maps.Equal(bt, rt) {
				conflict = true
				why = append(why, "trigger "+t+" deleted locally, changed online")
				if prefer == "online" {
					out.Triggers[t] = maps.Clone(rt)
				}
			}
		case rt == nil:
			if !maps.Equal(bt, lt) {
				conflict = true
				why = append(why, "trigger "+t+" deleted online, changed locally")
				if prefer == "local" {
					out.Triggers[t] = maps.Clone(lt)
				}
			}
		default:
			m := trigState{}
			if ks := mergeMap(m, lt, orEmpty(bt), rt, prefer); len(ks) > 0 {
				conflict = true
				why = append(why, "trigger "+t+": "+strings.Join(ks, ", "))
			}
			out.Triggers[t] = m
		}
	}
	if !conflict {
		return out, "", nil
	}
	sort.Strings(why)
	return out, strings.Join(why, ", "), nil
}

func orEmpty(t trigState) trigState {
	if t == nil {
		return trigState{}
	}
	return t
}

// mergeMap applies DESIGN section 4's table to every key; an absent key is
// a value of its own ("absent"), as the table says for local.
func mergeMap(out, l, b, r map[string]string, prefer string) (conflicts []string) {
	keys := maps.Clone(l)
	maps.Copy(keys, b)
	maps.Copy(keys, r)
	for k := range keys {
		lv, lok := l[k]
		bv, bok := b[k]
		rv, rok := r[k]
		onlineChanged := rv != bv || rok != bok
		localChanged := lv != bv || lok != bok
		switch {
		case !onlineChanged:
			if lok {
				out[k] = lv
			}
		case !localChanged || (lv == rv && lok == rok):
			if rok {
				out[k] = rv
			}
		default:
			conflicts = append(conflicts, fmt.Sprintf("%s (local %s, online %s, base %s)", k, show(lv, lok), show(rv, rok), show(bv, bok)))
			if prefer == "local" && lok {
				out[k] = lv
			} else if prefer == "online" && rok {
				out[k] = rv
			}
		}
	}
	return conflicts
}

// changedBesidesDeletes says whether side x changed function b in a way a
// deletion on the other side conflicts with.
func changedBesidesDeletes(b, x *fnState) bool {
	if !maps.Equal(b.Fields, x.Fields) || !maps.Equal(b.Code, x.Code) {
		return true
	}
	for t, xt := range x.Triggers {
		if bt, ok := b.Triggers[t]; !ok || !maps.Equal(bt, xt) {
			return true
		}
	}
	return false
}

// gitMergeFile runs `git merge-file -p ours base theirs`, with --ours or
// --theirs for prefer "local" or "online".
func gitMergeFile(scratch, ours, base, theirs, prefer string) (string, bool, error) {
	paths := make([]string, 3)
	for i, content := range []string{ours, base, theirs} {
		paths[i] = filepath.Join(scratch, []string{"ours", "base", "theirs"}[i])
		if err := os.WriteFile(paths[i], []byte(content), 0o644); err != nil {
			return "", false, err
		}
	}
	args := []string{"merge-file", "-p"}
	switch prefer {
	case "local":
		args = append(args, "--ours")
	case "online":
		args = append(args, "--theirs")
	}
	cmd := exec.Command("git", append(args, paths...)...)
	out, err := cmd.Output()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return string(out), true, nil
	case errors.As(err, &ee) && ee.ExitCode() > 0 && ee.ExitCode() < 128:
		return string(out), false, nil
	}
	return "", false, err
}
