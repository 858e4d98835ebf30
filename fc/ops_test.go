package fc

import (
	"encoding/base64"
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
	want = map[string]any{"handler": "i.h", "code": map[string]any{"zipFile": base64.StdEncoding.EncodeToString(zip)}}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("function body:\n got %#v\nwant %#v", body, want)
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
