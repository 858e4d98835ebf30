package sync

import (
	"reflect"
	"testing"

	"github.com/fcsync/fcsync/fc"
)

const provPath = "services/svc/functions/fn/provision.yaml"

// A per-qualifier file merges per qualifier and field; a qualifier written
// as null (deleted online by a push) is the same as one FC does not have.
func TestMergePerQualifier(t *testing.T) {
	t.Parallel()
	base := map[string]string{svcPath: svcYAML, fnPath: fnYAML, provPath: "prod:\n  target: 2 # warm\n  alwaysAllocateCPU: true\n"}
	stories := []mergeStory{{
		name:        "online target and local CPU setting of one qualifier merge",
		base:        base,
		online:      withFiles(base, provPath, "prod:\n  target: 5\n  alwaysAllocateCPU: true\n"),
		local:       withFiles(base, provPath, "prod:\n  target: 2 # warm\n  alwaysAllocateCPU: false\n"),
		wantFiles:   map[string]string{provPath: "prod:\n  target: 5 # warm\n  alwaysAllocateCPU: false\n"},
		wantChanged: []string{"provision svc/fn: prod.target 2 -> 5"},
	}, {
		name:        "a qualifier added online arrives next to the local ones",
		base:        base,
		online:      withFiles(base, provPath, "prod:\n  target: 2\n  alwaysAllocateCPU: true\nLATEST:\n  target: 1\n"),
		local:       base,
		wantFiles:   map[string]string{provPath: "prod:\n  target: 2 # warm\n  alwaysAllocateCPU: true\nLATEST:\n  target: 1\n"},
		wantChanged: []string{`provision svc/fn: LATEST (absent) -> {"target":1}`},
	}, {
		name:      "a null qualifier, deleted online by the push, is in sync with its absence",
		base:      withFiles(base, provPath, "prod:\n  target: 2\n"),
		online:    withFiles(base, provPath, "prod:\n  target: 3\n"),
		local:     withFiles(base, provPath, "prod:\n  target: 2\nLATEST: null\n"),
		wantFiles: map[string]string{provPath: "prod:\n  target: 3\nLATEST: null\n"},
	}, {
		name:        "a config created online where the file says null is taken",
		base:        withFiles(base, provPath, "prod:\n  target: 2\n"),
		online:      withFiles(base, provPath, "prod:\n  target: 2\nLATEST:\n  target: 4\n"),
		local:       withFiles(base, provPath, "prod:\n  target: 2\nLATEST: null\n"),
		wantFiles:   map[string]string{provPath: "prod:\n  target: 2\nLATEST:\n  target: 4\n"},
		wantChanged: []string{`provision svc/fn: LATEST (absent) -> {"target":4}`},
	}, {
		name:          "deleting a qualifier locally that changed online conflicts",
		base:          base,
		online:        withFiles(base, provPath, "prod:\n  target: 7\n  alwaysAllocateCPU: true\n"),
		local:         withFiles(base, provPath, "prod: null\n"),
		wantFiles:     map[string]string{provPath: "<<<<<<< HEAD\nprod: null\n=======\nprod:\n  alwaysAllocateCPU: true\n  target: 7\n>>>>>>> fcsync/live/cn-hangzhou\n"},
		wantConflicts: []string{provPath + ": prod: changed online and locally"},
	}}
	for _, st := range stories {
		t.Run(st.name, func(t *testing.T) { runMergeStory(t, st) })
	}
}

// A null qualifier plans a deletion while FC has the config, and nothing
// once it is gone; a file of nulls only has nothing to create; the plan's
// target drops the deleted configs, and the resource with its last one.
func TestPlanPerQualifier(t *testing.T) {
	t.Parallel()
	id := fc.ID{Kind: fc.KindProvision, Service: "s", Function: "f"}
	online := state(res(id, map[string]any{"prod": map[string]any{"target": 2, "alwaysAllocateCPU": true}, "LATEST": map[string]any{"target": 1}}))
	local := state(res(id, map[string]any{"prod": map[string]any{"target": 3}, "LATEST": nil}))
	plan, err := MakePlan(PlanInput{Local: local, Online: online})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"prod": map[string]any{"target": int64(3), "alwaysAllocateCPU": true}, "LATEST": nil}
	if len(plan.Ops) != 1 || plan.Ops[0].Action != ActionUpdate || !reflect.DeepEqual(plan.Ops[0].Send, want) {
		t.Fatalf("plan %+v, want an update sending %v", plan.Ops, want)
	}
	after := plan.Target(online, local)
	if got := after.Resources[id].Spec; !reflect.DeepEqual(got, map[string]any{"prod": map[string]any{"target": int64(3), "alwaysAllocateCPU": true}}) {
		t.Fatalf("target %v", got)
	}

	gone := state(res(id, map[string]any{"prod": map[string]any{"target": 3}}))
	if plan, _ := MakePlan(PlanInput{Local: local, Online: gone}); !plan.Empty() {
		t.Fatalf("LATEST already gone: plan %+v", plan.Ops)
	}
	onlyNull := state(res(id, map[string]any{"LATEST": nil}))
	if plan, _ := MakePlan(PlanInput{Local: onlyNull, Online: NewState()}); !plan.Empty() {
		t.Fatalf("nulls only, nothing online: plan %+v", plan.Ops)
	}
	plan, _ = MakePlan(PlanInput{Local: onlyNull, Online: state(res(id, map[string]any{"LATEST": map[string]any{"target": 1}}))})
	if after := plan.Target(state(res(id, map[string]any{"LATEST": map[string]any{"target": 1}})), onlyNull); after.Resources[id] != nil {
		t.Fatalf("the last config deleted: target still has %v", after.Resources[id])
	}
	if e := Status(nil, nil, onlyNull, NewState()); len(e) != 0 {
		t.Fatalf("nulls only, nothing online or at the sync point: status %+v", e)
	}
	if e := Status(gone, local, local, gone); len(e) != 1 || e[0].Category != InSync {
		t.Fatalf("after the deletion: status %+v", e)
	}
}
