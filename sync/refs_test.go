package sync

import (
	"reflect"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// A function's layers may say layer:<name>. Push publishes a layer only
// when its code or layer.yaml changed, moves the functions on layer:<name>
// to the version it publishes, and treats layer:<name> and the ARN of the
// newest version as one value, so nothing is sent twice.
func TestPlanLayers(t *testing.T) {
	t.Parallel()
	layer := fc.ID{Kind: fc.KindLayer, Name: "shared"}
	fn := fc.FunctionID("s", "f")
	arn1 := "acs:fc:r:1:layers/shared/versions/1"
	code := filetree.Tree{"python/u.py": {Data: []byte("v1")}}
	newCode := filetree.Tree{"python/u.py": {Data: []byte("v2")}}
	layerSpec := map[string]any{"description": "d", "compatibleRuntime": []any{"python3.10"}}
	online := func(fnLayers ...any) *State {
		l := res(layer, layerSpec)
		l.Status = map[string]any{"arnV2": arn1, "arn": "x#shared#1", "codeChecksum": fc.Checksum(mustZip(t, code))}
		s := state(l, res(fn, map[string]any{"layers": fnLayers}))
		s.Code[layer] = code
		return s
	}
	local := func(layerCode filetree.Tree, description string, fnLayers ...any) *State {
		s := state(res(layer, map[string]any{"description": description, "compatibleRuntime": []any{"python3.10"}}),
			res(fn, map[string]any{"layers": fnLayers}))
		s.Code[layer] = layerCode
		return s
	}
	tests := []struct {
		name          string
		local, online *State
		want          []string
		before        []any // the function's layers in Before(online)
	}{
		{"in sync", local(code, "d", "layer:shared"), online("layer:shared"), nil, []any{"layer:shared"}},
		{"the ARN of the newest version is layer:shared", local(code, "d", arn1), online("layer:shared"), nil, []any{"layer:shared"}},
		{"new code: a new version, and the function moves to it",
			local(newCode, "d", "layer:shared"), online("layer:shared"),
			[]string{"update layer shared description compatibleRuntime code", "update function s/f layers"}, []any{arn1}},
		{"a new description: a new version with the same code",
			local(code, "e", "layer:shared"), online("layer:shared"),
			[]string{"update layer shared description compatibleRuntime code", "update function s/f layers"}, []any{arn1}},
		{"a function pinned to version 1 stays there", local(newCode, "d", arn1), online("layer:shared"),
			[]string{"update layer shared description compatibleRuntime code"}, []any{arn1}},
		{"a function left on an older version moves to the newest",
			local(code, "d", "layer:shared"), online("acs:fc:r:1:layers/shared/versions/0"),
			[]string{"update function s/f layers"}, []any{"acs:fc:r:1:layers/shared/versions/0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := MakePlan(PlanInput{Local: tc.local, Online: tc.online})
			if err != nil {
				t.Fatal(err)
			}
			if got := describeOps(plan); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("plan %q, want %q", got, tc.want)
			}
			if got := plan.Before(tc.online).Resources[fn].Spec["layers"]; !reflect.DeepEqual(got, tc.before) {
				t.Errorf("Before: function layers %v, want %v", got, tc.before)
			}
			// After the push, a function the plan moves holds what local says.
			moved := len(tc.want) > 0 && tc.want[len(tc.want)-1] == "update function s/f layers"
			if got, want := plan.Target(tc.online, tc.local).Resources[fn].Spec["layers"], tc.local.Resources[fn].Spec["layers"]; moved && !reflect.DeepEqual(got, want) {
				t.Errorf("Target: function layers %v, want %v", got, want)
			}
		})
	}
}

// describeOps is "action resource field... [code]" per operation, fields
// in the order they are sent (writable fields in table order).
func describeOps(p *Plan) []string {
	var out []string
	for _, op := range p.Ops {
		s := string(op.Action) + " " + op.Resource
		for _, f := range op.ID.API.KeyOrder(op.ID.Kind) {
			if _, ok := op.Send[f]; ok {
				s += " " + f
			}
		}
		if op.Code {
			s += " code"
		}
		out = append(out, s)
	}
	return out
}

// Online, an ARN that is the newest version of a layer the state holds is
// its reference; any other stays an ARN. ResolveRefs undoes it.
func TestNameRefs(t *testing.T) {
	t.Parallel()
	layer := fc.ID{Kind: fc.KindLayer, Name: "shared"}
	fn := fc.FunctionID("s", "f")
	l := res(layer, nil)
	l.Status = map[string]any{"arnV2": "acs:fc:r:1:layers/shared/versions/2", "arn": "h#shared#2"}
	raw := []any{"acs:fc:r:1:layers/shared/versions/2", "h#shared#2", "acs:fc:r:1:layers/shared/versions/1", "acs:fc:r:official:layers/Python/versions/1"}
	s := state(l, res(fn, map[string]any{"layers": raw}))
	resolved := s.Clone()
	s.NameRefs()
	want := []any{"layer:shared", "layer:shared", "acs:fc:r:1:layers/shared/versions/1", "acs:fc:r:official:layers/Python/versions/1"}
	if got := s.Resources[fn].Spec["layers"]; !reflect.DeepEqual(got, want) {
		t.Errorf("NameRefs: %v, want %v", got, want)
	}
	back := s.ResolveRefs().Resources[fn].Spec["layers"]
	want = []any{"acs:fc:r:1:layers/shared/versions/2", "acs:fc:r:1:layers/shared/versions/2", "acs:fc:r:1:layers/shared/versions/1", "acs:fc:r:official:layers/Python/versions/1"}
	if !reflect.DeepEqual(back, want) {
		t.Errorf("ResolveRefs: %v, want %v", back, want)
	}
	if got := resolved.Resources[fn].Spec["layers"]; !reflect.DeepEqual(got, raw) {
		t.Errorf("NameRefs changed a state it was not called on: %v", got)
	}
}

// vpcBindings is a set: a project file may list it in any order.
func TestParseSortsSets(t *testing.T) {
	t.Parallel()
	got, err := Parse(fc.FC2, filetree.Tree{"services/s/service.yaml": {Data: []byte("vpcBindings: [vpc-b, vpc-a]\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if v := got.Resources[fc.ServiceID("s")].Spec["vpcBindings"]; !reflect.DeepEqual(v, []any{"vpc-a", "vpc-b"}) {
		t.Errorf("vpcBindings %v, want sorted", v)
	}
}
