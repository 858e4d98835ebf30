package fc_test

import (
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/fc/emulator"
	"github.com/fcsync/fcsync/internal/fcconsole"
)

// The per-qualifier configs through the client and the emulator: a list is
// grouped into one resource per function, holding only what a project file
// may; a write is one PUT or DELETE per qualifier named, a null deleting
// (provision: a target of 0); on-demand configs carry ETags, one per
// qualifier, and a stale one is refused.
func TestPerQualifierConfigs(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{})
	c := newClient(t, srv)
	ctx := testContext(t)
	mustCreate(t, c, fc.ServiceID("s"), nil, nil)
	mustCreate(t, c, fc.FunctionID("s", "f"), map[string]any{"runtime": "python3.10", "handler": "index.handler"},
		makeZip(t, map[string]string{"index.py": ""}))
	console, err := fcconsole.New(srv.URL, testKeyID, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := console.PublishVersion("s", "v1"); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, c, fc.ID{Kind: fc.KindAlias, Service: "s", Name: "prod"}, map[string]any{"versionId": "1"}, nil)
	run := func(args ...string) {
		t.Helper()
		if err := console.Run(args, io.Discard); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	onlyConfigs := func(kind fc.Kind, parent fc.ID) map[string]any {
		t.Helper()
		rs, err := c.List(ctx, kind, parent)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			return nil
		}
		if len(rs) != 1 || rs[0].ID != (fc.ID{Kind: kind, Service: "s", Function: "f"}) {
			t.Fatalf("%s: listed %v", kind, rs)
		}
		return rs[0].Spec
	}

	prov := fc.ID{Kind: fc.KindProvision, Service: "s", Function: "f"}
	mustCreate(t, c, prov, map[string]any{"prod": map[string]any{"target": 2}, "LATEST": map[string]any{"target": 1, "alwaysAllocateCPU": false}}, nil)
	want := map[string]any{
		"LATEST": map[string]any{"target": int64(1), "alwaysAllocateCPU": false, "scheduledActions": []any{}, "targetTrackingPolicies": []any{}},
		"prod":   map[string]any{"target": int64(2), "alwaysAllocateCPU": true, "scheduledActions": []any{}, "targetTrackingPolicies": []any{}},
	}
	if got := onlyConfigs(fc.KindProvision, fc.ID{}); !reflect.DeepEqual(got, want) {
		t.Fatalf("provision listed\n got %v\nwant %v", got, want)
	}
	r, err := c.Update(ctx, prov, map[string]any{"LATEST": nil}, nil, "")
	if err != nil || len(r.Spec) != 0 {
		t.Fatalf("delete LATEST: %v, %v", r, err)
	}
	delete(want, "LATEST")
	if got := onlyConfigs(fc.KindProvision, fc.ID{}); !reflect.DeepEqual(got, want) {
		t.Fatalf("provision after deleting LATEST\n got %v\nwant %v", got, want)
	}
	if err := c.Delete(ctx, prov, ""); err != nil {
		t.Fatal(err)
	}
	if got := onlyConfigs(fc.KindProvision, fc.ID{}); got != nil {
		t.Fatalf("provision after delete: %v", got)
	}

	od := fc.ID{Kind: fc.KindOnDemand, Service: "s", Function: "f"}
	mustCreate(t, c, od, map[string]any{"prod": map[string]any{"maximumInstanceCount": 3}}, nil)
	got, err := c.GetFields(ctx, od, []string{"prod", "LATEST"})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"prod": map[string]any{"maximumInstanceCount": int64(3)}}; !reflect.DeepEqual(got.Spec, want) || got.ETag == "" {
		t.Fatalf("on-demand read: %v, ETag %q", got.Spec, got.ETag)
	}
	run("set-on-demand-max", "s", "f", "prod", "7")
	if _, err := c.Update(ctx, od, map[string]any{"prod": map[string]any{"maximumInstanceCount": 4}}, nil, got.ETag); !errors.Is(err, fc.ErrPreconditionFailed) {
		t.Fatalf("update with a stale ETag: %v, want 412", err)
	}
	fresh, err := c.Get(ctx, od)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Update(ctx, od, map[string]any{"prod": map[string]any{"maximumInstanceCount": 4}}, nil, fresh.ETag); err != nil {
		t.Fatal(err)
	}
	if got := onlyConfigs(fc.KindOnDemand, fc.ID{}); !reflect.DeepEqual(got, map[string]any{"prod": map[string]any{"maximumInstanceCount": int64(4)}}) {
		t.Fatalf("on-demand after update: %v", got)
	}
	if err := c.Delete(ctx, od, fresh.ETag); !errors.Is(err, fc.ErrPreconditionFailed) {
		t.Fatalf("delete with a stale ETag: %v, want 412", err)
	}
	if err := c.Delete(ctx, od, ""); err != nil {
		t.Fatal(err)
	}

	async := fc.ID{Kind: fc.KindAsyncInvoke, Service: "s", Function: "f"}
	mustCreate(t, c, async, map[string]any{"LATEST": map[string]any{"maxAsyncRetryAttempts": 2}, "1": map[string]any{"statefulInvocation": true}}, nil)
	want = map[string]any{"LATEST": map[string]any{"maxAsyncRetryAttempts": int64(2)}, "1": map[string]any{"statefulInvocation": true}}
	if got := onlyConfigs(fc.KindAsyncInvoke, fc.FunctionID("s", "f")); !reflect.DeepEqual(got, want) {
		t.Fatalf("async listed\n got %v\nwant %v", got, want)
	}
	if err := c.Delete(ctx, async, ""); err != nil {
		t.Fatal(err)
	}
	if got := onlyConfigs(fc.KindAsyncInvoke, fc.FunctionID("s", "f")); got != nil {
		t.Fatalf("async after delete: %v", got)
	}
}
