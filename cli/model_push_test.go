package cli_test

import (
	"fmt"
	"maps"
	"strings"
)

// push checks invariants 1 and 2: with unmerged online drift and no
// --use-local, push exits 3 and changes nothing online; otherwise it exits
// 0 and online equals HEAD (tracked fields, code, triggers) except what
// local never had, which no push deletes.
func (m *modelRun) push(i int, s step, online, local world) (string, bool, *modelFailure) {
	fail := func(inv, format string, args ...any) *modelFailure {
		return &modelFailure{step: i, invariant: inv, msg: fmt.Sprintf(format, args...)}
	}
	m.stats.pushes++
	args, dropped := []string{"push", "--yes"}, ""
	if s.Fn != "" {
		if local[s.Fn] == nil {
			return "", false, nil
		}
		args = append(args, "--function", m.api.scope(s.Fn))
		m.stats.scoped++
	}
	if s.UseLocal && s.Fn == "" && m.deletionBlocked(online, local) {
		// DESIGN says neither that --use-local deletes a trigger local never
		// had nor how to delete its function without it (FC refuses), so
		// the model does not ask.
		s.UseLocal = false
		dropped = " (--use-local dropped: it would delete a function holding a trigger local never had)"
	}
	if s.UseLocal {
		m.stats.useLocal++
		args = append(args, "--use-local")
	}
	strict, unpulled := m.drift(online, local)
	strict, unpulled = inScope(s.Fn, strict, unpulled)
	code, out := m.fcsync(args...)
	after, err := m.readOnline()
	if err != nil {
		return "", true, fail("readable state", "%v", err)
	}
	note := fmt.Sprintf("exit %d%s", code, dropped)
	context := func() string {
		return fmt.Sprintf("fcsync %s said:\n%s\nonline drift since the sync point: %v (unpulled: %v)\nsync point (model):\n%sonline before:\n%slocal:\n%s",
			strings.Join(args, " "), out, strict, unpulled, m.base, online, local)
	}
	refuse := !s.UseLocal && len(strict) > 0
	mayRefuse := !s.UseLocal && len(unpulled) > 0
	switch {
	case code == 3 && (refuse || mayRefuse):
		m.stats.refused++
		if !worldsEqual(after, online) {
			return note, true, fail("a refused push changes nothing online", "online changed:\n%s\n%s", diffWorlds(after, online), context())
		}
		return note, true, nil
	case refuse:
		inv := "push refuses unmerged online drift"
		if code == 0 && !worldsEqual(after, online) {
			inv = "no push overwrites an unmerged online change"
		}
		return note, true, fail(inv, "exit %d, want 3; online drift since the sync point: %v\nonline after:\n%s\n%s", code, strict, after, context())
	case code != 0:
		return note, true, fail("push without drift (or with --use-local) deploys", "exit %d, want 0\n%s", code, context())
	}
	want := m.expectPush(online, local, s.Fn)
	if !worldsEqual(after, want) {
		return note, true, fail("after push, online equals HEAD", "online after the push differs from HEAD applied to online:\n%s\n%s", diffWorlds(after, want), context())
	}
	switch {
	case worldsEqual(after, online) && !s.UseLocal:
		// Nothing written, no deploy commit: the sync point stays. (A
		// --use-local with nothing to write still records a deploy that
		// accepts the online state, so its sync point moves below.)
	case s.Fn == "":
		// A deploy commit is the new sync point; it holds all of online.
		m.base = after.clone()
		m.known = local.resources()
	default:
		// A scoped deploy moves the sync point of its scope only.
		if after[s.Fn] == nil {
			delete(m.base, s.Fn)
		} else {
			m.base[s.Fn] = after[s.Fn].clone()
		}
		for k := range m.known {
			if fn, _, _ := strings.Cut(k, "/"); fn == s.Fn {
				delete(m.known, k)
			}
		}
		for k := range (world{s.Fn: local[s.Fn]}).resources() {
			m.known[k] = true
		}
	}
	return note, true, nil
}

// inScope keeps the drift of one function (all of it when fn is "").
func inScope(fn string, strict, unpulled []string) ([]string, []string) {
	if fn == "" {
		return strict, unpulled
	}
	keep := func(keys []string) []string {
		var out []string
		for _, k := range keys {
			if f, _, _ := strings.Cut(strings.TrimSuffix(k, " (case 3)"), "/"); f == fn {
				out = append(out, k)
			}
		}
		return out
	}
	return keep(strict), keep(unpulled)
}

// expectPush is online after a full push of HEAD (DESIGN section 5): every
// local resource as HEAD has it; deleted what local deleted since the sync
// point; untouched what local never had.
func (m *modelRun) expectPush(online, local world, scope string) world {
	out := online.clone()
	for name, lf := range local {
		if scope != "" && name != scope {
			continue
		}
		nf := lf.clone()
		if of := online[name]; of != nil {
			for t, ot := range of.Triggers {
				if _, ok := lf.Triggers[t]; !ok && !m.deletedLocally(name+"/"+t) {
					nf.Triggers[t] = maps.Clone(ot)
				}
			}
		}
		out[name] = nf
	}
	for name := range online {
		if scope == "" && local[name] == nil && m.deletedLocally(name) {
			delete(out, name)
		}
	}
	return out
}

// deletionBlocked: a function push would delete has a trigger online that
// local never had.
func (m *modelRun) deletionBlocked(online, local world) bool {
	for name, f := range online {
		if local[name] != nil || !m.deletedLocally(name) {
			continue
		}
		for t := range f.Triggers {
			if !m.deletedLocally(name + "/" + t) {
				return true
			}
		}
	}
	return false
}

// deletedLocally: the sync point holds the resource and local had it.
func (m *modelRun) deletedLocally(key string) bool {
	return m.known[key] && m.base.resources()[key]
}
