package sync

import (
	"bytes"
	"reflect"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/fc"
)

func encodeNode(t testing.TB, n *yaml.Node) string {
	t.Helper()
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b.String()
}

func TestValueNodeKeepsTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   any
		want string
	}{
		{"123", "\"123\"\n"},
		{"true", "\"true\"\n"},
		{"", "\"\"\n"},
		{"null", "\"null\"\n"},
		{"~", "\"~\"\n"},
		{"2021-01-01", "\"2021-01-01\"\n"},
		{"1e3", "\"1e3\"\n"},
		{"0x1F", "\"0x1F\"\n"},
		{"${env:X}", "${env:X}\n"},
		{"plain text", "plain text\n"},
		{"a: b", "'a: b'\n"},
		{" lead", "' lead'\n"},
		{"line1\nline2\n", "|\n  line1\n  line2\n"},
		{int64(128), "128\n"},
		{float64(0.5), "0.5\n"},
		{float64(1e20), "1e+20\n"},
		{true, "true\n"},
		{nil, "null\n"},
		{map[string]any{}, "{}\n"},
		{[]any{}, "[]\n"},
		{map[string]any{"b": int64(1), "a": []any{"x", int64(2)}}, "a:\n  - x\n  - 2\nb: 1\n"},
	}
	for _, tt := range tests {
		got := encodeNode(t, valueNode(tt.in))
		if got != tt.want {
			t.Errorf("valueNode(%#v) encodes as %q, want %q", tt.in, got, tt.want)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(got), &doc); err != nil {
			t.Fatalf("re-read %q: %v", got, err)
		}
		back, err := nodeValue(doc.Content[0])
		if err != nil {
			t.Fatalf("nodeValue(%q): %v", got, err)
		}
		if !reflect.DeepEqual(back, fc.Normalize(tt.in)) {
			t.Errorf("round trip of %#v gave %#v", tt.in, back)
		}
	}
}

func TestKeyLess(t *testing.T) {
	t.Parallel()
	keys := []string{"zeta", "timeout", "alpha", "runtime", "memorySize", "description", "handler"}
	want := []string{"description", "runtime", "handler", "memorySize", "timeout", "alpha", "zeta"}
	got := orderKeys(fc.KindFunction, "", keys)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("top-level order %v, want %v", got, want)
	}
	nested := orderKeys(fc.KindFunction, "environmentVariables", []string{"timeout", "B", "a"})
	if !reflect.DeepEqual(nested, []string{"B", "a", "timeout"}) {
		t.Errorf("nested order %v, want alphabetical", nested)
	}
}

func orderKeys(kind fc.Kind, path string, keys []string) []string {
	out := append([]string(nil), keys...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if keyLess(fc.ID{Kind: kind}, path, out[j], out[i]) {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// FuzzValueNodeString checks that every string survives rendering, nested
// as in a resource file, and reading back.
func FuzzValueNodeString(f *testing.F) {
	for _, s := range []string{"", "\n", "a\nb", "\ta\n", " x", "123", "${env:X}", "é\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // FC's JSON carries only valid UTF-8
		}
		v := map[string]any{"k": map[string]any{"n": []any{s}}}
		text := encodeNode(t, valueNode(v))
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
			t.Fatalf("%q renders as unreadable %q: %v", s, text, err)
		}
		back, err := nodeValue(doc.Content[0])
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, v) {
			t.Fatalf("%q renders as %q, reads back as %#v", s, text, back)
		}
	})
}
