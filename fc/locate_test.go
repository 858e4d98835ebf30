package fc

import "testing"

// A listed config is placed by its resource string, in either form the
// SDK's examples show, or by its fields; anything else is refused, never
// guessed.
func TestLocateConfigs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		item         map[string]any
		svc, fn, q   string
		ok           bool
		byFieldsOnly bool
	}{
		{map[string]any{"resource": "123#demo#prod#web"}, "demo", "web", "prod", true, false},
		{map[string]any{"resource": "services/demo.LATEST/functions/web"}, "demo", "web", "LATEST", true, false},
		{map[string]any{"resource": "services/demo/functions/web"}, "", "", "", false, false},
		{map[string]any{"resource": "123#demo#prod"}, "", "", "", false, false},
		{map[string]any{"resource": "services/demo.prod/functions/web/x"}, "", "", "", false, false},
		{map[string]any{}, "", "", "", false, false},
		{map[string]any{"service": "demo", "function": "web", "qualifier": "3"}, "demo", "web", "3", true, true},
		{map[string]any{"service": "demo", "function": "web"}, "", "", "", false, true},
	} {
		locate := locateByResource
		if tc.byFieldsOnly {
			locate = locateByFields
		}
		svc, fn, q, ok := locate(tc.item)
		if ok != tc.ok || ok && (svc != tc.svc || fn != tc.fn || q != tc.q) {
			t.Errorf("%v: got %q %q %q %v", tc.item, svc, fn, q, ok)
		}
	}
}

// Provision and on-demand configs take an alias or LATEST; async ones a
// version too.
func TestQualifierRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		k    Kind
		q    string
		good bool
	}{
		{KindProvision, "prod", true}, {KindProvision, "LATEST", true}, {KindProvision, "1", false},
		{KindProvision, "latest", false}, {KindOnDemand, "a.b", false}, {KindOnDemand, "", false},
		{KindAsyncInvoke, "12", true}, {KindAsyncInvoke, "LATEST", true}, {KindAsyncInvoke, "blue-1", true},
		{KindAsyncInvoke, "1x", false},
	} {
		if err := FC2.CheckQualifier(tc.k, tc.q); (err == nil) != tc.good {
			t.Errorf("%s %q: %v", tc.k, tc.q, err)
		}
	}
}
