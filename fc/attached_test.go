package fc_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/fc/emulator"
)

// A service's tags and VPC bindings are written by calls of their own,
// only the difference, and never through UpdateService; they read back the
// same whether read one service at a time or listed for several.
func TestAttachedFields(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, emulator.Options{})
	c := newClient(t, s)
	ctx := testContext(t)
	id, other := fc.ServiceID("svc"), fc.ServiceID("other")
	mustCreate(t, c, other, nil, nil)

	s.ResetStats()
	created := mustCreate(t, c, id, map[string]any{
		"description": "d", "tags": map[string]any{"a": "1", "b": "2"}, "vpcBindings": []any{"vpc-b", "vpc-a"},
	}, nil)
	wantCalls(t, s, map[string]int{"CreateService": 1, "TagResource": 1, "CreateVpcBinding": 2})
	if got := created.Spec["vpcBindings"]; !reflect.DeepEqual(got, []any{"vpc-a", "vpc-b"}) {
		t.Errorf("created vpcBindings %v, want them sorted", got)
	}
	plain := mustCreate(t, c, fc.ServiceID("plain"), nil, nil)
	if !reflect.DeepEqual(plain.Spec["tags"], map[string]any{}) || !reflect.DeepEqual(plain.Spec["vpcBindings"], []any{}) {
		t.Errorf("a service created without them has tags %v, vpcBindings %v; want the empty values a read gives", plain.Spec["tags"], plain.Spec["vpcBindings"])
	}

	one, err := c.ReadAttached(ctx, fc.KindService, "tags", []fc.ID{id})
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.ReadAttached(ctx, fc.KindService, "tags", []fc.ID{id, other})
	if err != nil {
		t.Fatal(err)
	}
	want := map[fc.ID]any{id: map[string]any{"a": "1", "b": "2"}, other: map[string]any{}}
	if !reflect.DeepEqual(all, want) || !reflect.DeepEqual(one[id], want[id]) {
		t.Errorf("tags read one by one %v, listed %v; want %v", one, all, want)
	}

	before := &fc.Resource{ID: id, Spec: created.Spec}
	s.ResetStats()
	after, err := c.UpdateFrom(ctx, id, before, map[string]any{
		"tags": map[string]any{"a": "1", "c": "3"}, "vpcBindings": []any{"vpc-a"},
	}, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(t, s, map[string]int{"UntagResource": 1, "TagResource": 1, "DeleteVpcBinding": 1})
	if after.Spec["description"] != "d" || !reflect.DeepEqual(after.Spec["tags"], map[string]any{"a": "1", "c": "3"}) {
		t.Errorf("after the update: %v", after.Spec)
	}
	tags, err := c.ReadAttached(ctx, fc.KindService, "tags", []fc.ID{id})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tags[id], map[string]any{"a": "1", "c": "3"}) {
		t.Errorf("online tags %v", tags[id])
	}
}

// A layer is published in versions: a create or an update publishes one
// with its code, a read sees the newest with the code where its answer
// says, and a delete removes every version.
func TestLayerVersions(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, emulator.Options{})
	c := newClient(t, s)
	ctx := testContext(t)
	id := fc.ID{Kind: fc.KindLayer, Name: "shared"}
	v1 := makeZip(t, map[string]string{"python/util.py": "v = 1\n"})
	v2 := makeZip(t, map[string]string{"python/util.py": "v = 2\n"})
	spec := map[string]any{"description": "shared", "compatibleRuntime": []any{"python3.10"}}

	first := mustCreate(t, c, id, spec, v1)
	if first.Status["version"] != int64(1) || first.CodeChecksum() != fc.Checksum(v1) {
		t.Fatalf("first version: %v", first.Status)
	}
	second, err := c.Update(ctx, id, spec, v2, "")
	if err != nil {
		t.Fatal(err)
	}
	if second.Status["version"] != int64(2) {
		t.Fatalf("second version: %v", second.Status)
	}
	if arns := fc.ARNs(second); len(arns) != 2 || arns[0] != "acs:fc:cn-hangzhou:"+testAccount+":layers/shared/versions/2" {
		t.Errorf("ARNs %v", arns)
	}
	if !fc.NamesVersionOf("acs:fc:cn-hangzhou:"+testAccount+":layers/shared/versions/1", second) ||
		fc.NamesVersionOf("acs:fc:cn-hangzhou:"+testAccount+":layers/shared2/versions/1", second) {
		t.Errorf("NamesVersionOf: an older version is one of the layer's, another layer's is not")
	}

	got, err := c.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status["version"] != int64(2) || got.Spec["description"] != "shared" {
		t.Fatalf("newest: %v %v", got.Spec, got.Status)
	}
	if _, ok := got.Status["code"]; ok {
		t.Errorf("the code's location is recorded: %v", got.Status["code"])
	}
	code, err := c.Code(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	if string(code) != string(v2) {
		t.Errorf("downloaded code is not version 2's")
	}

	if err := c.Delete(ctx, id, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, id); !errors.Is(err, fc.ErrNotFound) {
		t.Errorf("get after delete: %v", err)
	}
	if l, err := c.List(ctx, fc.KindLayer, fc.ID{}); err != nil || len(l) != 0 {
		t.Errorf("layers after delete: %v, %v", l, err)
	}
}

func wantCalls(t *testing.T, s *emulator.Server, want map[string]int) {
	t.Helper()
	if got := s.Stats(); !reflect.DeepEqual(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
}
