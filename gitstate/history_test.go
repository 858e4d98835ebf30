package gitstate

import (
	"testing"
	"time"

	"github.com/fcsync/fcsync/filetree"
)

// graph builds commits by name in one repository; every commit has its own
// tree so that no two commits share a hash.
type graph struct {
	t *testing.T
	r *Repo
	c map[string]Hash
}

func (g *graph) commit(name string, parents ...string) Hash {
	g.t.Helper()
	var ps []Hash
	for _, p := range parents {
		h, ok := g.c[p]
		if !ok {
			g.t.Fatalf("unknown commit %s", p)
		}
		ps = append(ps, h)
	}
	h := mkCommit(g.t, g.r, filetree.Tree{"name": file(name)}, name, ps...)
	g.c[name] = h
	return h
}

func (g *graph) name(h Hash) string {
	for n, c := range g.c {
		if c == h {
			return n
		}
	}
	if h.IsZero() {
		return "-"
	}
	return h.String()
}

func TestSyncPoint(t *testing.T) {
	t.Parallel()
	const live = "fcsync/live/r"
	// Each case builds a graph; "live" lists the live branch's tip and
	// "head" the local commit the sync point is asked for. Commits named I
	// and R* and D* are live commits; D* are deploy commits.
	for _, tc := range []struct {
		name       string
		build      func(g *graph)
		head, tip  string
		wantR      string
		wantL      string
		wantNoSync bool
	}{
		{
			name: "clone start",
			build: func(g *graph) {
				g.commit("I")
				g.commit("L1", "I") // clone's first local commit
				g.commit("L2", "L1")
			},
			head: "L2", tip: "I", wantR: "I", wantL: "L1",
		},
		{
			name: "pull merge",
			build: func(g *graph) {
				g.commit("I")
				g.commit("L1", "I")
				g.commit("R2", "I")
				g.commit("L2", "L1")
				g.commit("M", "L2", "R2")
				g.commit("L3", "M")
			},
			head: "L3", tip: "R2", wantR: "R2", wantL: "M",
		},
		{
			name: "deploy second parent",
			build: func(g *graph) {
				g.commit("I")
				g.commit("L1", "I")
				g.commit("L2", "L1")
				g.commit("D", "I", "L2")
				g.commit("L3", "L2")
			},
			head: "L3", tip: "D", wantR: "D", wantL: "L2",
		},
		{
			name: "deploy of the head itself",
			build: func(g *graph) {
				g.commit("I")
				g.commit("L1", "I")
				g.commit("D", "I", "L1")
			},
			head: "L1", tip: "D", wantR: "D", wantL: "L1",
		},
		{
			name: "newest wins: a deploy after a pull",
			build: func(g *graph) {
				g.commit("I")
				g.commit("L1", "I")
				g.commit("R2", "I")
				g.commit("M", "L1", "R2")
				g.commit("L2", "M")
				g.commit("D3", "R2", "L2")
				g.commit("R4", "D3") // online change after the deploy, not pulled
				g.commit("L3", "L2")
			},
			head: "L3", tip: "R4", wantR: "D3", wantL: "L2",
		},
		{
			name: "newest wins: a pull after a deploy",
			build: func(g *graph) {
				g.commit("I")
				g.commit("L1", "I")
				g.commit("D2", "I", "L1")
				g.commit("R3", "D2")
				g.commit("L2", "L1")
				g.commit("M", "L2", "R3")
			},
			head: "M", tip: "R3", wantR: "R3", wantL: "M",
		},
		{
			name: "one commit deployed twice: the newer deploy",
			build: func(g *graph) {
				g.commit("I")
				g.commit("L1", "I")
				g.commit("D2", "I", "L1") // partial
				g.commit("D3", "D2", "L1")
			},
			head: "L1", tip: "D3", wantR: "D3", wantL: "L1",
		},
		{
			name: "none: history never met the live branch",
			build: func(g *graph) {
				g.commit("I")
				g.commit("L1")
				g.commit("L2", "L1")
			},
			head: "L2", tip: "I", wantNoSync: true,
		},
		{
			name: "none: no live branch",
			build: func(g *graph) {
				g.commit("L1")
			},
			head: "L1", wantNoSync: true,
		},
		{
			name: "a deploy of a commit outside head's history does not count",
			build: func(g *graph) {
				g.commit("I")
				g.commit("L1", "I")
				g.commit("X", "L1")
				g.commit("D", "I", "X")
				g.commit("L2", "L1")
			},
			head: "L2", tip: "D", wantR: "I", wantL: "L1",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := &graph{t: t, r: newRepo(t), c: map[string]Hash{}}
			tc.build(g)
			if tc.tip != "" {
				if err := g.r.UpdateRef(live, g.c[tc.tip], ZeroHash); err != nil {
					t.Fatal(err)
				}
			}
			R, L, ok, err := g.r.SyncPoint(g.c[tc.head], live)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantNoSync {
				if ok {
					t.Fatalf("SyncPoint = (%s, %s), want none", g.name(R), g.name(L))
				}
				return
			}
			if !ok || R != g.c[tc.wantR] || L != g.c[tc.wantL] {
				t.Fatalf("SyncPoint = (%s, %s, %v), want (%s, %s)", g.name(R), g.name(L), ok, tc.wantR, tc.wantL)
			}
		})
	}
}

func TestLog(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	fn := "services/s/functions/f"
	// Distinct dates make "newest first" one order: c1 < c2 < side < c3.
	at := func(sec int64, files filetree.Tree, msg string, parents ...Hash) Hash {
		t.Helper()
		tree, err := r.WriteTree(files)
		if err != nil {
			t.Fatal(err)
		}
		sig := testSig
		sig.When = sig.When.Add(time.Duration(sec) * time.Second)
		h, err := r.CommitTree(tree, parents, msg, sig, sig)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	c1 := at(0, filetree.Tree{fn + "/function.yaml": file("a"), "services/s/service.yaml": file("s")}, "import")
	c2 := at(10, filetree.Tree{fn + "/function.yaml": file("a"), "services/s/service.yaml": file("s2")}, "service change", c1)
	side := at(15, filetree.Tree{fn + "/function.yaml": file("a"), fn + "/code/x.py": file("x"), "services/s/service.yaml": file("s")}, "code on a side branch", c1)
	c3 := at(20, filetree.Tree{fn + "/function.yaml": file("b"), "services/s/service.yaml": file("s2")}, "function change", c2)
	m := at(30, filetree.Tree{fn + "/function.yaml": file("b"), fn + "/code/x.py": file("x"), "services/s/service.yaml": file("s2")}, "merge", c3, side)
	exec := at(40, filetree.Tree{fn + "/function.yaml": {Data: []byte("b"), Mode: filetree.Executable}, fn + "/code/x.py": file("x"), "services/s/service.yaml": file("s2")}, "mode change", m)

	for _, tc := range []struct {
		name        string
		prefix      string
		firstParent bool
		want        []Hash
	}{
		{"all", "", false, []Hash{exec, m, c3, side, c2, c1}},
		{"function folder", fn, false, []Hash{exec, m, c3, side, c1}},
		{"function folder with slashes", "/" + fn + "/", false, []Hash{exec, m, c3, side, c1}},
		{"one file", "services/s/service.yaml", false, []Hash{c2, c1}},
		{"code folder", fn + "/code", false, []Hash{m, side}},
		{"absent path", "domains", false, nil},
		{"first parent", "", true, []Hash{exec, m, c3, c2, c1}},
		{"first parent with prefix", fn + "/code", true, []Hash{m}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Log(exec, tc.prefix, tc.firstParent)
			if err != nil {
				t.Fatal(err)
			}
			var hs []Hash
			for _, c := range got {
				hs = append(hs, c.Hash)
			}
			if len(hs) != len(tc.want) {
				t.Fatalf("Log = %v, want %v", hs, tc.want)
			}
			for i := range hs {
				if hs[i] != tc.want[i] {
					t.Fatalf("Log[%d] = %s, want %s (all: %v)", i, hs[i], tc.want[i], hs)
				}
			}
		})
	}
	got, _ := r.Log(m, "", true)
	if c := got[0]; c.Message != "merge\n" || len(c.Parents) != 2 || c.Parents[1] != side ||
		c.Author.Name != testSig.Name || c.Committer.Email != testSig.Email || c.Author.When.Unix() != testSig.When.Unix()+30 {
		t.Fatalf("Log entry = %+v", got[0])
	}
}

func TestLogSkewedClockKeepsChildrenFirst(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	at := func(sec int64, name string, parents ...Hash) Hash {
		sig := testSig
		sig.When = sig.When.Add(time.Duration(sec) * time.Second)
		tree, err := r.WriteTree(filetree.Tree{"n": file(name)})
		if err != nil {
			t.Fatal(err)
		}
		h, err := r.CommitTree(tree, parents, name, sig, sig)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	c1 := at(100, "c1")
	c2 := at(0, "c2", c1) // committed on a machine whose clock was behind
	s := at(60, "s", c1)
	m := at(50, "m", c2, s)
	got, err := r.Log(m, "", false)
	if err != nil {
		t.Fatal(err)
	}
	want := []Hash{m, s, c2, c1}
	for i := range want {
		if i >= len(got) || got[i].Hash != want[i] {
			t.Fatalf("Log = %v, want m, s, c2, c1", got)
		}
	}
}
