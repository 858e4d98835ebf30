package sync

import (
	"errors"
	"strings"
	"testing"

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
	warnings, err := Validate(tree, []string{"function.futureFeature", "service.description"})
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
	if warnings, err := Validate(tree, nil); err != nil || len(warnings) != 0 {
		t.Fatalf("warnings %v, err %v", warnings, err)
	}
}
