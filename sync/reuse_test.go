package sync

import (
	"bytes"
	"testing"

	"github.com/fcsync/fcsync/fc"
)

// Render and Admit take from the live tip what it holds as written (issue
// 12): the result is byte for byte what writing everything again gives,
// for the resources that changed and for those that did not.
func TestRenderReusesTheLiveTip(t *testing.T) {
	t.Parallel()
	first := bigState()
	for _, r := range first.Resources {
		r.Status = map[string]any{"lastModifiedTime": "2024-01-01T00:00:00Z"}
	}
	files, err := Render(first, RenderOptions{Live: true, Salt: "salt"})
	if err != nil {
		t.Fatal(err)
	}
	tip, err := Parse(fc.FC2, files)
	if err != nil {
		t.Fatal(err)
	}
	if len(tip.rendered) != len(tip.Resources) || tip.live == nil {
		t.Fatalf("parsed %d resources, %d known as written", len(tip.Resources), len(tip.rendered))
	}
	now := tip.Clone()
	changed := fc.FunctionID("svc03", "fn07")
	now.Resources[changed].Spec["memorySize"] = int64(512)
	now.Resources[fc.TriggerID("svc01", "fn00", "http")].Status["lastModifiedTime"] = "2024-02-02T00:00:00Z"
	for name, reuse := range map[string]*State{"unchanged": tip, "changed": now.Clone()} {
		fresh, err := Render(now.Clone(), RenderOptions{Live: true, Salt: "salt"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Render(now, RenderOptions{Live: true, Salt: "salt", Reuse: reuse})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(fresh) {
			t.Fatalf("%s: %d files, %d without reuse", name, len(got), len(fresh))
		}
		for p, f := range fresh {
			a, _ := got[p].Bytes()
			if !bytes.Equal(a, f.Data) {
				t.Errorf("%s: %s differs from what rendering it again writes", name, p)
			}
		}
		if ok, errs := Admit(now, reuse); len(errs) != 0 || len(ok.Resources) != len(now.Resources) {
			t.Errorf("%s: Admit refused %v", name, errs)
		}
	}
	// A state rendered live remembers its files: rendering it again takes
	// them all, the changed resource included.
	if len(now.rendered) != len(now.Resources) || now.live == nil {
		t.Errorf("%d of %d resources remembered", len(now.rendered), len(now.Resources))
	}
	if _, ok := now.renderingFor(changed, now.Clone().Resources[changed]); !ok {
		t.Error("the changed resource was not remembered as written")
	}
	// A spec changed in place after rendering is not taken for the one
	// written.
	now.Resources[changed].Spec["memorySize"] = int64(1024)
	if _, ok := now.renderingFor(changed, now.Resources[changed]); ok {
		t.Error("a rendering outlived the spec it was written from")
	}
}
