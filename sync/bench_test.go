package sync

import (
	"fmt"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// bigState is a project of 10 services with 20 functions each (10 code
// files of 4 KiB apiece) and 2 triggers per function: 200 functions, about
// 8 MiB of code, a large FC account.
func bigState() *State {
	s := NewState()
	code := filetree.Tree{}
	for i := range 10 {
		code[fmt.Sprintf("src/mod%d.py", i)] = filetree.File{Data: make([]byte, 4096)}
	}
	for i := range 10 {
		svc := fmt.Sprintf("svc%02d", i)
		s.Resources[fc.ServiceID(svc)] = res(fc.ServiceID(svc), map[string]any{"description": "service " + svc})
		for j := range 20 {
			fn := fmt.Sprintf("fn%02d", j)
			id := fc.FunctionID(svc, fn)
			s.Resources[id] = res(id, map[string]any{
				"runtime": "python3.10", "handler": "index.handler", "memorySize": 256, "timeout": 30,
				"environmentVariables": map[string]any{"STAGE": "prod", "REGION": "cn-hangzhou"},
			})
			s.Code[id] = code
			for _, t := range []string{"http", "timer"} {
				tid := fc.TriggerID(svc, fn, t)
				s.Resources[tid] = res(tid, map[string]any{"triggerType": t, "triggerConfig": map[string]any{"authType": "anonymous", "methods": []any{"GET"}}})
			}
		}
	}
	return s
}

// BenchmarkRenderParse renders 200 functions to files and parses them
// back, what every fetch and status does with the live tree.
func BenchmarkRenderParse(b *testing.B) {
	s := bigState()
	b.ReportAllocs()
	for range b.N {
		files, err := Render(s, RenderOptions{Live: true, Salt: "salt"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Parse(fc.FC2, files); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlan compares 200 functions locally and online, one changed.
func BenchmarkPlan(b *testing.B) {
	local, online := bigState(), bigState()
	id := fc.FunctionID("svc03", "fn07")
	local.Resources[id] = res(id, map[string]any{"runtime": "python3.10", "handler": "index.handler", "memorySize": 512, "timeout": 30,
		"environmentVariables": map[string]any{"STAGE": "prod", "REGION": "cn-hangzhou"}})
	b.ReportAllocs()
	for range b.N {
		p, err := MakePlan(PlanInput{Local: local, Online: online})
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Ops) != 1 {
			b.Fatalf("%d ops, want 1", len(p.Ops))
		}
	}
}

// BenchmarkPackZip zips one function's code (10 files, 40 KiB).
func BenchmarkPackZip(b *testing.B) {
	code := bigState().Code[fc.FunctionID("svc00", "fn00")]
	b.ReportAllocs()
	for range b.N {
		if _, err := PackZip(code); err != nil {
			b.Fatal(err)
		}
	}
}
