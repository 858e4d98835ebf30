package sync

import (
	"errors"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	tree := filetree.Tree{
		"fcsync.yaml":             {Data: []byte("region: cn-hangzhou\n")},
		"services/s/service.yaml": {Data: []byte("description: d\nserviceId: x\n")},
		"services/s/functions/f/function.yaml": {Data: []byte("# comment\nruntime: python3.10\n" +
			"customDNS:\n  nameServers: [1.1.1.1]\n  searchs: [a]\nfutureFeature: 1\n")},
		"services/s/functions/f/triggers/a.yaml": {Data: []byte("triggerType: http\ntriggerConfig: {authType: anonymous, methods: [GET]}\n")},
		"services/s/functions/f/triggers/b.yaml": {Data: []byte("description: b\ntriggerType: http\ntriggerConfig: {authType: function, methods: [POST]}\n")},
		"services/s/functions/f/triggers/c.yaml": {Data: []byte("triggerType: timer\ntriggerConfig:\n  cronExpression: '@every 1m'\n  authType: x\n")},
	}
	warnings, err := Validate(tree, ValidateOptions{ExtraFields: []string{"function.futureFeature", "service.description"}})
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
	if !errors.Is(err, ErrInvalidProject) {
		t.Fatalf("err %v is not ErrInvalidProject", err)
	}
	want := []string{
		"services/s/functions/f/function.yaml:5: unknown field searchs; did you mean searches?",
		"services/s/functions/f/triggers/b.yaml:2: function s/f already has the HTTP trigger a",
		"services/s/functions/f/triggers/c.yaml:4: unknown field authType",
		"services/s/service.yaml:2: serviceId is set by Function Compute",
	}
	got := strings.Split(err.Error(), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d problems:\n%s\nwant %d", len(got), err, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s...", i, got[i], want[i])
		}
	}
}

func TestValidateClean(t *testing.T) {
	t.Parallel()
	tree := filetree.Tree{
		"services/s/service.yaml":              {Data: []byte("")},
		"services/s/functions/f/function.yaml": {Data: []byte("runtime: python3.10\nmemorySize: 128\n")},
	}
	if warnings, err := Validate(tree, ValidateOptions{}); err != nil || len(warnings) != 0 {
		t.Fatalf("warnings %v, err %v", warnings, err)
	}
}

// TestValidateKeepsWhatFCReturned: a runtime or a field the table does not
// know, but which FC itself returned (the live branch has it), is a warning:
// FC accepts it, and an error would stop every push of the function.
func TestValidateKeepsWhatFCReturned(t *testing.T) {
	t.Parallel()
	live := filetree.Tree{
		"services/s/service.yaml":              {Data: []byte("")},
		"services/s/functions/f/function.yaml": {Data: []byte("runtime: nodejs22\nnewFCField: {a: 1}\n")},
	}
	online, err := Parse(fc.FC2, live)
	if err != nil {
		t.Fatal(err)
	}
	local := filetree.Tree{
		"services/s/service.yaml":              {Data: []byte("")},
		"services/s/functions/f/function.yaml": {Data: []byte("runtime: nodejs22\nnewFCField: {a: 1}\nmemorySize: 100\n")},
	}
	warnings, err := Validate(local, ValidateOptions{Online: online})
	if err == nil || !strings.Contains(err.Error(), "function.yaml:3: memorySize") || strings.Contains(err.Error(), "nodejs22") {
		t.Errorf("errors: %v", err)
	}
	if len(warnings) != 2 || !strings.Contains(warnings[0].Error(), ":1: runtime") ||
		!strings.Contains(warnings[1].Error(), ":2: unknown field newFCField") ||
		!strings.Contains(warnings[1].Error(), "kept: Function Compute itself returned this value") {
		t.Errorf("warnings: %v", warnings)
	}
	// Changed locally, the same values are errors again.
	local["services/s/functions/f/function.yaml"] = filetree.File{Data: []byte("runtime: nodejs23\nnewFCField: {a: 2}\n")}
	if _, err := Validate(local, ValidateOptions{Online: online}); err == nil || strings.Count(err.Error(), "\n") != 1 {
		t.Errorf("changed values: %v", err)
	}
}

// A function's layer:<name> must name a layer of the project, a layer needs
// its code, and a VPC is bound once.
func TestValidateLayersAndSets(t *testing.T) {
	t.Parallel()
	tree := filetree.Tree{
		"layers/shared/layer.yaml":             {Data: []byte("compatibleRuntime: [python3.10]\n")},
		"layers/shared/code/python/u.py":       {Data: []byte("x = 1\n")},
		"layers/empty/layer.yaml":              {Data: []byte("compatibleRuntime: [python3.10]\n")},
		"services/s/service.yaml":              {Data: []byte("vpcBindings: [vpc-a, vpc-a]\ntags: {team: 1}\n")},
		"services/s/functions/f/function.yaml": {Data: []byte("runtime: python3.10\nlayers:\n  - layer:shared\n  - layer:nope\n  - layer:bad/name\n")},
	}
	_, err := Validate(tree, ValidateOptions{})
	want := []string{
		"layers/empty/layer.yaml: layer empty has no code",
		"services/s/functions/f/function.yaml:4: layers[1]: layer:nope names layer nope, which the project does not have (no layers/nope/layer.yaml)",
		"services/s/functions/f/function.yaml:5: layers[2]: invalid layer name",
		"services/s/service.yaml:1: vpcBindings: vpc-a is listed twice",
		"services/s/service.yaml:2: tags.team must be a string",
	}
	if err == nil {
		t.Fatal("no error")
	}
	got := strings.Split(err.Error(), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d problems:\n%s\nwant %d", len(got), err, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s...", i, got[i], want[i])
		}
	}
}
