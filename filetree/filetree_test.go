package filetree

import (
	"reflect"
	"testing"
)

func f(s string) File { return File{Data: []byte(s)} }

func TestSubGraftWithout(t *testing.T) {
	t.Parallel()
	tree := Tree{"a/x": f("1"), "a/b/y": f("2"), "ab/z": f("3"), "c": f("4")}
	sub := tree.Sub("a")
	if want := (Tree{"x": f("1"), "b/y": f("2")}); !sub.Equal(want) {
		t.Fatalf("Sub(a) = %v", sub.Paths())
	}
	back := Tree{}
	back.Graft("a/", sub)
	if !back.Equal(Tree{"a/x": f("1"), "a/b/y": f("2")}) {
		t.Fatalf("Graft = %v", back.Paths())
	}
	if got := tree.Without("a").Paths(); !reflect.DeepEqual(got, []string{"ab/z", "c"}) {
		t.Fatalf("Without(a) = %v (a prefix that is not a folder must stay)", got)
	}
}

func TestChangedAndEqual(t *testing.T) {
	t.Parallel()
	a := Tree{"same": f("1"), "mod": f("old"), "gone": f("x"), "mode": f("m")}
	b := Tree{"same": f("1"), "mod": f("new"), "added": f("y"), "mode": {Data: []byte("m"), Mode: Executable}}
	if got, want := Changed(a, b), []string{"added", "gone", "mod", "mode"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Changed = %v, want %v", got, want)
	}
	if a.Equal(b) || !a.Equal(a) || !(Tree{}).Equal(nil) {
		t.Fatal("Equal is wrong")
	}
}
