package fc

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"reflect"
	"testing"
)

func TestWriteBody(t *testing.T) {
	body, err := writeBody(TriggerID("s", "f", "t"), map[string]any{
		"triggerType":   "http",
		"triggerConfig": map[string]any{"authType": "anonymous", "methods": []any{"GET"}},
		"urlInternet":   "https://server.owned", "lastModifiedTime": "2024-01-01T00:00:00Z",
		"futureFeature": map[string]any{"x": int64(1)},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"triggerType":   "http",
		"triggerConfig": `{"authType":"anonymous","methods":["GET"]}`,
		"futureFeature": map[string]any{"x": int64(1)},
	}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("trigger body:\n got %#v\nwant %#v", body, want)
	}

	zip := []byte("PK\x03\x04 zip bytes")
	body, err = writeBody(FunctionID("s", "f"), map[string]any{"handler": "i.h", "codeChecksum": "1", "code": "x"}, zip)
	if err != nil {
		t.Fatal(err)
	}
	up, err := newUploadBody(body, zip)
	if err != nil {
		t.Fatal(err)
	}
	sent, err := io.ReadAll(up.reader())
	if err != nil || len(sent) != up.size() {
		t.Fatalf("streamed %d bytes (%v), announced %d", len(sent), err, up.size())
	}
	var got map[string]any
	if err := json.Unmarshal(sent, &got); err != nil {
		t.Fatalf("streamed body %s: %v", sent, err)
	}
	want = map[string]any{"handler": "i.h", "code": map[string]any{"zipFile": base64.StdEncoding.EncodeToString(zip)}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("function body:\n got %#v\nwant %#v", got, want)
	}

	if _, err := writeBody(ServiceID("s"), nil, zip); err == nil {
		t.Errorf("code for a service should be refused")
	}
}

func TestHolds(t *testing.T) {
	r := &Resource{ID: TriggerID("s", "f", "t"), Spec: map[string]any{
		"triggerConfig": map[string]any{"enable": true}, "description": "d", "other": "kept",
	}}
	for _, tc := range []struct {
		fields map[string]any
		want   bool
	}{
		{map[string]any{"description": "d"}, true},
		{map[string]any{"triggerConfig": map[string]any{"enable": true}}, true},
		{map[string]any{"triggerConfig": `{"enable":true}`}, true},
		{map[string]any{"triggerConfig": map[string]any{"enable": false}}, false},
		{map[string]any{"description": "e"}, false},
		{map[string]any{"newField": 1}, false},
	} {
		if got := holds(r, tc.fields, nil); got != tc.want {
			t.Errorf("holds(%v) = %v", tc.fields, got)
		}
	}
	fn := &Resource{ID: FunctionID("s", "f"), Spec: map[string]any{}, Status: map[string]any{"codeChecksum": Checksum([]byte("a"))}}
	if !holds(fn, nil, []byte("a")) || holds(fn, nil, []byte("b")) {
		t.Errorf("holds compares the code by checksum")
	}
}

// The code of an upload is base64-encoded as it is sent, in whatever
// pieces the connection reads it, exactly as encoding it whole would.
func TestUploadBodyStreamsBase64(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 4, 48 << 10, 48<<10 + 1, 200_000} {
		zip := make([]byte, n)
		rand.Read(zip)
		for _, fields := range []map[string]any{nil, {"handler": "i.h"}} {
			up, err := newUploadBody(fields, zip)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			buf := make([]byte, 7777)
			if _, err := io.CopyBuffer(&got, struct{ io.Reader }{up.reader()}, buf); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Handler string
				Code    struct{ ZipFile string }
			}
			if err := json.Unmarshal(got.Bytes(), &doc); err != nil {
				t.Fatalf("%d bytes: %v", n, err)
			}
			if doc.Code.ZipFile != base64.StdEncoding.EncodeToString(zip) || got.Len() != up.size() {
				t.Fatalf("%d bytes: the streamed code differs, or its length %d from %d", n, got.Len(), up.size())
			}
		}
	}
}

// validName, which every parse runs per resource, says what nameRE says.
func TestValidNameIsTheRegexp(t *testing.T) {
	for _, name := range []string{"", "a", "_", "-", "0", "a0", "a-b_C9", "9a", "-a", "a b", "a.b", "é", "a/b", "__", "A-", "a\x00"} {
		if got, want := validName(name), nameRE.MatchString(name); got != want {
			t.Errorf("validName(%q) = %v, the regexp says %v", name, got, want)
		}
	}
}
