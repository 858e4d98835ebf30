package cli_test

import (
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"strings"
)

// A step is data, not code: the generator picks it from the seed and the
// current state, and a replay (or the shrinker) runs the same list again.
// A step whose target no longer exists in a shortened list is skipped.
type step struct {
	Op       string
	Fn       string // function
	Key      string // field, env.NAME or trigger name
	Val      string // new value, code token or cron expression
	Line     int    // code line, 1-based
	Seed     int64  // conflict-resolution choices of a pull
	UseLocal bool
}

func (s step) String() string {
	var b strings.Builder
	b.WriteString(s.Op)
	if s.Op == "push" && s.Fn != "" {
		b.WriteString(" --function " + s.Fn)
		s.Fn = ""
	}
	for _, p := range []string{s.Fn, s.Key, s.Val} {
		if p != "" {
			b.WriteString(" " + p)
		}
	}
	if s.Line > 0 {
		fmt.Fprintf(&b, " line %d", s.Line)
	}
	if s.Op == "pull" && s.Key == "" {
		fmt.Fprintf(&b, " (choices %d)", s.Seed)
	}
	if s.UseLocal {
		b.WriteString(" --use-local")
	}
	return b.String()
}

// Value pools are small on purpose: both sides often pick the same value,
// which is the table's "changed to the same value" row.
var (
	modelFns      = []string{"f1", "f2", "f3", "f4"}
	modelTrigs    = []string{"t1", "t2", "t3"}
	modelMemory   = []string{"128", "256", "512", "1024"}
	modelTimeout  = []string{"3", "10", "30", "60"}
	modelDescs    = []string{"alpha", "beta", "gamma"}
	modelEnvKeys  = []string{"A", "B"}
	modelEnvVals  = []string{"red", "green", "blue"}
	modelCrons    = []string{"@every 1m", "@every 5m", "@every 10m"}
	modelCodeLine = 5
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }

// genStep draws the next step from the current online and local state.
func genStep(r *rand.Rand, online, local world, tok *int) step {
	token := func(side string) string { *tok++; return fmt.Sprintf("%s%d", side, *tok) }
	n := r.Intn(100)
	switch {
	case n < 35:
		return genConsole(r, online, token)
	case n < 65:
		return genLocal(r, local, token)
	case n < 80:
		s := step{Op: "pull", Seed: r.Int63()}
		switch r.Intn(8) {
		case 0:
			s.Key = "--use-local"
		case 1:
			s.Key = "--use-remote"
		}
		return s
	case n < 92:
		s := step{Op: "push", UseLocal: r.Intn(6) == 0}
		if names := slices.Sorted(maps.Keys(local)); len(names) > 0 && r.Intn(4) == 0 {
			s.Fn = pick(r, names) // push --function: DESIGN 5's scope
		}
		return s
	case n < 96:
		return step{Op: "fetch"}
	}
	return step{Op: "status"}
}

func genConsole(r *rand.Rand, online world, token func(string) string) step {
	names := slices.Sorted(maps.Keys(online))
	absent := missing(modelFns, online)
	n := r.Intn(100)
	if len(names) == 0 || (n >= 75 && n < 83) {
		if len(absent) == 0 {
			return step{Op: "status"}
		}
		return step{Op: "c-create", Fn: pick(r, absent), Key: pick(r, modelMemory), Val: token("c")}
	}
	fn := pick(r, names)
	trigs := slices.Sorted(maps.Keys(online[fn].Triggers))
	switch {
	case n < 35:
		k, v := genField(r)
		return step{Op: "c-field", Fn: fn, Key: k, Val: v}
	case n < 60:
		return step{Op: "c-code", Fn: fn, Line: 1 + r.Intn(modelCodeLine), Val: token("c")}
	case n < 68 && len(trigs) < len(modelTrigs):
		return step{Op: "c-add-trigger", Fn: fn, Key: pick(r, missingTrigs(online[fn])), Val: pick(r, modelCrons)}
	case n < 75 && len(trigs) > 0:
		return step{Op: "c-update-trigger", Fn: fn, Key: pick(r, trigs), Val: pick(r, modelCrons)}
	case n >= 83 && n < 91 && len(trigs) > 0:
		return step{Op: "c-delete-trigger", Fn: fn, Key: pick(r, trigs)}
	case n >= 91:
		return step{Op: "c-delete", Fn: fn}
	}
	k, v := genField(r)
	return step{Op: "c-field", Fn: fn, Key: k, Val: v}
}

func genLocal(r *rand.Rand, local world, token func(string) string) step {
	names := slices.Sorted(maps.Keys(local))
	absent := missing(modelFns, local)
	n := r.Intn(100)
	if len(names) == 0 || (n >= 70 && n < 80) {
		if len(absent) == 0 {
			return step{Op: "status"}
		}
		return step{Op: "l-create", Fn: pick(r, absent), Key: pick(r, modelMemory)}
	}
	fn := pick(r, names)
	trigs := slices.Sorted(maps.Keys(local[fn].Triggers))
	switch {
	case n < 40:
		k, v := genField(r)
		return step{Op: "l-field", Fn: fn, Key: k, Val: v}
	case n < 70:
		return step{Op: "l-code", Fn: fn, Line: 1 + r.Intn(modelCodeLine), Val: token("L")}
	case n < 80 && len(trigs) > 0:
		return step{Op: "l-delete-trigger", Fn: fn, Key: pick(r, trigs)}
	case n < 92 && len(trigs) > 0:
		if r.Intn(3) == 0 {
			return step{Op: "l-trigger", Fn: fn, Key: pick(r, trigs) + ".enable", Val: pick(r, []string{"true", "false"})}
		}
		return step{Op: "l-trigger", Fn: fn, Key: pick(r, trigs) + ".cronExpression", Val: pick(r, modelCrons)}
	case n >= 92:
		return step{Op: "l-delete", Fn: fn}
	}
	return step{Op: "l-code", Fn: fn, Line: 1 + r.Intn(modelCodeLine), Val: token("L")}
}

// unset as a step's value removes an environment variable (B only, so
// that A keeps the mapping from ever being empty, which FC's API cannot
// express in an update).
const unset = "<unset>"

func genField(r *rand.Rand) (string, string) {
	switch r.Intn(5) {
	case 4:
		return "env.B", unset
	case 0:
		return "memorySize", pick(r, modelMemory)
	case 1:
		return "timeout", pick(r, modelTimeout)
	case 2:
		return "description", pick(r, modelDescs)
	}
	return "env." + pick(r, modelEnvKeys), pick(r, modelEnvVals)
}

func missing(all []string, w world) []string {
	var out []string
	for _, n := range all {
		if w[n] == nil {
			out = append(out, n)
		}
	}
	return out
}

func missingTrigs(f *fnState) []string {
	var out []string
	for _, t := range modelTrigs {
		if _, ok := f.Triggers[t]; !ok {
			out = append(out, t)
		}
	}
	return out
}

// codeTemplate is a new function's code: five numbered lines, plus a token
// so that code uploaded by the console is never byte-equal to an earlier
// upload (drift is by checksum; the model compares content).
func codeTemplate(fn, token string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s %s\n", fn, token)
	for i := 1; i <= modelCodeLine; i++ {
		fmt.Fprintf(&b, "line%d = %d\n", i, i)
	}
	return b.String()
}

// setLine replaces code line n (counting the lines after the header) of
// index.py, or appends one when a merge left fewer lines.
func setLine(code string, n int, token string) string {
	lines := strings.SplitAfter(code, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	text := fmt.Sprintf("line%d = %s\n", n, token)
	if n < len(lines) {
		lines[n] = text
	} else {
		lines = append(lines, text)
	}
	return strings.Join(lines, "")
}
