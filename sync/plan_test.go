package sync

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

func state(resources ...*fc.Resource) *State {
	s := NewState()
	for _, r := range resources {
		s.Resources[r.ID] = r
	}
	return s
}

func res(id fc.ID, spec map[string]any) *fc.Resource {
	return &fc.Resource{ID: id, Spec: fc.Normalize(spec).(map[string]any), Status: map[string]any{}}
}

func envOf(m map[string]string) RefEnv {
	return RefEnv{Lookup: func(k string) (string, bool) { v, ok := m[k]; return v, ok }}
}

// pwPatterns make PW a secret name in these tests.
var pwPatterns = []string{"*PW*"}

func TestMakePlan(t *testing.T) {
	t.Parallel()
	svc := fc.ServiceID("s")
	fn := fc.FunctionID("s", "f")
	trig := fc.TriggerID("s", "f", "t")
	code := filetree.Tree{"index.py": {Data: []byte("x")}}
	zipSum := fc.Checksum(mustZip(t, code))
	withSum := func(r *fc.Resource, sum string) *fc.Resource { r.Status["codeChecksum"] = sum; return r }

	tests := []struct {
		name   string
		in     PlanInput
		want   []string // "action resource [fields] [code]"
		errHas string
	}{
		{
			name: "case 1: everything new is created, parents first",
			in: PlanInput{
				Local:  &State{Resources: state(res(trig, map[string]any{"triggerType": "http"}), res(fn, map[string]any{"runtime": "python3.10"}), res(svc, nil)).Resources, Code: map[fc.ID]filetree.Tree{fn: code}},
				Online: NewState(),
			},
			want: []string{"create service s", "create function s/f code", "create trigger s/f/t"},
		},
		{
			name: "in sync: nothing, even though online has fields local does not manage",
			in: PlanInput{
				Local:  &State{Resources: state(res(fn, map[string]any{"memorySize": 128})).Resources, Code: map[fc.ID]filetree.Tree{fn: code}},
				Online: state(withSum(res(fn, map[string]any{"memorySize": 128, "instanceType": "e1"}), zipSum)),
			},
		},
		{
			name: "update sends only the differing managed fields; unchanged code is not uploaded",
			in: PlanInput{
				Local:  &State{Resources: state(res(fn, map[string]any{"memorySize": 256, "timeout": 3})).Resources, Code: map[fc.ID]filetree.Tree{fn: code}},
				Online: state(withSum(res(fn, map[string]any{"memorySize": 128, "timeout": 3}), zipSum)),
			},
			want: []string{"update function s/f memorySize"},
		},
		{
			name: "same files zipped by another tool (other checksum) are not uploaded again",
			in: PlanInput{
				Local:  &State{Resources: state(res(fn, nil)).Resources, Code: map[fc.ID]filetree.Tree{fn: code}},
				Online: &State{Resources: state(withSum(res(fn, nil), "123")).Resources, Code: map[fc.ID]filetree.Tree{fn: code}},
			},
		},
		{
			name: "changed files are uploaded",
			in: PlanInput{
				Local:  &State{Resources: state(res(fn, nil)).Resources, Code: map[fc.ID]filetree.Tree{fn: code}},
				Online: &State{Resources: state(withSum(res(fn, nil), zipSum)).Resources, Code: map[fc.ID]filetree.Tree{fn: {"index.py": {Data: []byte("y")}}}},
			},
			want: []string{"update function s/f code"},
		},
		{
			name: "changed code is uploaded",
			in: PlanInput{
				Local:  &State{Resources: state(res(fn, nil)).Resources, Code: map[fc.ID]filetree.Tree{fn: code}},
				Online: state(withSum(res(fn, nil), "123")),
			},
			want: []string{"update function s/f code"},
		},
		{
			name: "key-by-key mapping: FC defaults inside triggerConfig are not a difference",
			in: PlanInput{
				Local:  state(res(trig, map[string]any{"triggerConfig": map[string]any{"authType": "anonymous"}})),
				Online: state(res(trig, map[string]any{"triggerConfig": map[string]any{"authType": "anonymous", "disableURLInternet": false}})),
			},
		},
		{
			name: "key-by-key mapping: a changed key sends the whole mapping with online's other keys",
			in: PlanInput{
				Local:  state(res(trig, map[string]any{"triggerConfig": map[string]any{"authType": "function"}})),
				Online: state(res(trig, map[string]any{"triggerConfig": map[string]any{"authType": "anonymous", "disableURLInternet": false}})),
			},
			want: []string{"update trigger s/f/t triggerConfig={authType:function,disableURLInternet:false}"},
		},
		{
			name: "environmentVariables is managed whole: a variable removed locally is removed",
			in: PlanInput{
				Local:  state(res(fn, map[string]any{"environmentVariables": map[string]any{"A": "1"}})),
				Online: state(res(fn, map[string]any{"environmentVariables": map[string]any{"A": "1", "B": "2"}})),
			},
			want: []string{"update function s/f environmentVariables={A:1}"},
		},
		{
			name: "only resources the sync point had are deleted, children first",
			in: PlanInput{
				Local:  state(res(svc, nil)),
				Online: state(res(svc, nil), res(fn, nil), res(trig, nil), res(fc.FunctionID("s", "console-made"), nil)),
				Base:   state(res(svc, nil), res(fn, nil), res(trig, nil)),
			},
			want: []string{"delete trigger s/f/t", "delete function s/f"},
		},
		{
			name: "a resource local never had is not deleted, even if the live side of the sync point has it",
			in: PlanInput{
				Local:     state(res(svc, nil)),
				Online:    state(res(svc, nil), res(fn, nil)),
				Base:      state(res(svc, nil), res(fn, nil)),
				BaseLocal: state(res(svc, nil)),
			},
		},
		{
			name: "scope limits the plan",
			in: PlanInput{
				Local:   state(res(fn, map[string]any{"timeout": 9}), res(fc.FunctionID("s", "g"), map[string]any{"timeout": 9})),
				Online:  state(res(fn, map[string]any{"timeout": 3}), res(fc.FunctionID("s", "g"), map[string]any{"timeout": 3})),
				InScope: func(id fc.ID) bool { return id.Function == "g" },
			},
			want: []string{"update function s/g timeout"},
		},
		{
			name: "secret from the environment",
			in: PlanInput{
				Local:  state(res(fn, map[string]any{"environmentVariables": map[string]any{"PW": "${env:PW}"}})),
				Online: state(res(fn, map[string]any{"environmentVariables": map[string]any{"PW": "old"}})),
				Env:    envOf(map[string]string{"PW": "new"}), Patterns: pwPatterns,
			},
			want: []string{"update function s/f environmentVariables={PW:new}"},
		},
		{
			name: "secret unset or empty keeps the online value: nothing to do",
			in: PlanInput{
				Local:  state(res(fn, map[string]any{"environmentVariables": map[string]any{"PW": "${env:PW}"}})),
				Online: state(res(fn, map[string]any{"environmentVariables": map[string]any{"PW": "old"}})),
				Env:    envOf(map[string]string{"PW": ""}), Patterns: pwPatterns,
			},
		},
		{
			name: "an unchanged reference keeps FC's value, whatever the environment says",
			in: PlanInput{
				Local:  state(res(fn, map[string]any{"environmentVariables": map[string]any{"PW": "${env:PW}", "A": "2"}})),
				Online: state(res(fn, map[string]any{"environmentVariables": map[string]any{"PW": "rotated", "A": "1"}})),
				Base:   state(res(fn, map[string]any{"environmentVariables": map[string]any{"PW": "${env:PW}", "A": "1"}})),
				Env:    envOf(map[string]string{"PW": "new"}), Patterns: pwPatterns,
			},
			want: []string{"update function s/f environmentVariables={A:2,PW:rotated}"},
		},
		{
			name: "a reference changed since the sync point sends the value it names",
			in: PlanInput{
				Local:  state(res(fn, map[string]any{"environmentVariables": map[string]any{"PW": "${env:PW_2}"}})),
				Online: state(res(fn, map[string]any{"environmentVariables": map[string]any{"PW": "old"}})),
				Base:   state(res(fn, map[string]any{"environmentVariables": map[string]any{"PW": "${env:PW}"}})),
				Env:    envOf(map[string]string{"PW": "wrong", "PW_2": "new"}), Patterns: pwPatterns,
			},
			want: []string{"update function s/f environmentVariables={PW:new}"},
		},
		{
			name: "an escaped literal goes out as the literal",
			in: PlanInput{
				Local:  state(res(fn, map[string]any{"environmentVariables": map[string]any{"NOTE": "$${env:HOME}"}})),
				Online: state(res(fn, map[string]any{"environmentVariables": map[string]any{"NOTE": "x"}})),
				Env:    envOf(map[string]string{"HOME": "/root"}),
			},
			want: []string{"update function s/f environmentVariables={NOTE:${env:HOME}}"},
		},
		{
			name: "a reference on a variable that is no secret is an error",
			in: PlanInput{
				Local:  state(res(fn, map[string]any{"environmentVariables": map[string]any{"NOTE": "${env:HOME}"}})),
				Online: NewState(),
				Env:    envOf(map[string]string{"HOME": "/root"}), Patterns: pwPatterns,
			},
			errHas: "NOTE is not a secret by name",
		},
		{
			name: "a reference on a variable that is no secret is an error even when unset",
			in: PlanInput{
				Local:    state(res(fn, map[string]any{"environmentVariables": map[string]any{"NOTE": "${env:UNSET}"}})),
				Online:   state(res(fn, map[string]any{"environmentVariables": map[string]any{"NOTE": "x"}})),
				Patterns: pwPatterns,
			},
			errHas: "NOTE is not a secret by name",
		},
		{
			name: "unset, a value-rule secret the sync point knows keeps FC's value",
			in: PlanInput{
				Local:  state(res(fn, map[string]any{"environmentVariables": map[string]any{"URL": "${env:URL_2}", "A": "2"}})),
				Online: state(res(fn, map[string]any{"environmentVariables": map[string]any{"URL": "mysql://u:p@h/d", "A": "1"}})),
				Base: state(&fc.Resource{ID: fn, Spec: map[string]any{"environmentVariables": map[string]any{"URL": "${env:URL}", "A": "1"}},
					Status: map[string]any{"secretHashes": map[string]any{"URL": "sha256:x"}}}),
			},
			want: []string{"update function s/f environmentVariables={A:2,URL:mysql://u:p@h/d}"},
		},
		{
			name: "a value-rule secret resolves whatever the variable is called",
			in: PlanInput{
				Local:  state(res(fn, map[string]any{"environmentVariables": map[string]any{"URL": "${env:URL}"}})),
				Online: state(res(fn, map[string]any{"environmentVariables": map[string]any{}})),
				Env:    envOf(map[string]string{"URL": "mysql://u:p@h/d"}),
			},
			want: []string{"update function s/f environmentVariables={URL:mysql://u:p@h/d}"},
		},
		{
			name: "a credential variable is never read",
			in: PlanInput{
				Local:  state(res(fn, map[string]any{"environmentVariables": map[string]any{"PW": "${env:ALIBABA_CLOUD_ACCESS_KEY_SECRET}"}})),
				Online: NewState(),
				Env:    envOf(map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET": "ak"}), Patterns: pwPatterns,
			},
			errHas: "a credential variable",
		},
		{
			name: "a private key FC blanked is never sent back",
			in: PlanInput{
				Local: state(res(fc.DomainID("a.com"), map[string]any{"protocol": "HTTPS",
					"certConfig": map[string]any{"certName": "c", "privateKey": "${env:K}"}})),
				Online: state(res(fc.DomainID("a.com"), map[string]any{"protocol": "HTTP",
					"certConfig": map[string]any{"certName": "c", "privateKey": ""}})),
				Base: state(res(fc.DomainID("a.com"), map[string]any{"protocol": "HTTP",
					"certConfig": map[string]any{"certName": "c", "privateKey": "${env:K}"}})),
				Env: envOf(map[string]string{"K": "key"}),
			},
			want: []string{"update domain a.com protocol"},
		},
		{
			name: "secret with no value anywhere is an error naming it",
			in: PlanInput{
				Local:  state(res(fn, map[string]any{"environmentVariables": map[string]any{"PW": "${env:DB_PW}"}})),
				Online: NewState(),
			},
			errHas: "environmentVariables.PW refers to ${env:DB_PW}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := MakePlan(tt.in)
			if tt.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("err = %v, want one containing %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, op := range p.Ops {
				got = append(got, describeOp(op))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("plan:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// describeOp is an op in one line: action, resource, then for updates the
// fields sent (with the value when it is a mapping), and "code".
func describeOp(op Op) string {
	s := string(op.Action) + " " + op.Resource
	if op.Action == ActionUpdate {
		for _, k := range sortedKeys(keysOf(op.Send)) {
			if m, ok := op.Send[k].(map[string]any); ok {
				b, _ := json.Marshal(m)
				s += " " + k + "=" + strings.NewReplacer(`"`, "").Replace(string(b))
				continue
			}
			s += " " + k
		}
	}
	if op.Code {
		s += " code"
	}
	return s
}

func keysOf(m map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

// The plan's JSON never carries what goes on the wire (secrets, zips).
func TestPlanJSONHasNoSecrets(t *testing.T) {
	t.Parallel()
	fn := fc.FunctionID("s", "f")
	p, err := MakePlan(PlanInput{
		Local:  state(res(fn, map[string]any{"environmentVariables": map[string]any{"PW": "${env:PW}", "A": "x"}})),
		Online: state(res(fn, map[string]any{"environmentVariables": map[string]any{"PW": "old-secret"}})),
		Env:    envOf(map[string]string{"PW": "new-secret"}), Patterns: pwPatterns,
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{string(b), p.Text()} {
		if strings.Contains(out, "new-secret") || strings.Contains(out, "old-secret") {
			t.Fatalf("plan output shows a secret value:\n%s", out)
		}
		if !strings.Contains(out, "environmentVariables.PW") || !strings.Contains(out, "environmentVariables.A") {
			t.Fatalf("plan output does not name the changed variables:\n%s", out)
		}
	}
}

// A changed key inside a mapping is shown by its own path, with values.
func TestPlanTextNamesNestedKeys(t *testing.T) {
	t.Parallel()
	trig := fc.TriggerID("s", "f", "t")
	p, err := MakePlan(PlanInput{
		Local:  state(res(trig, map[string]any{"triggerConfig": map[string]any{"enable": false}})),
		Online: state(res(trig, map[string]any{"triggerConfig": map[string]any{"enable": true, "cronExpression": "@every 1m"}})),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "~ update trigger s/f/t\n    triggerConfig.enable: true -> false\n"
	if got := p.Text(); got != want {
		t.Fatalf("Text() =\n%s\nwant\n%s", got, want)
	}
}
