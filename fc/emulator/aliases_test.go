package emulator_test

import (
	"net/http"
	"reflect"
	"testing"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

// threeVersions makes svc with versions 1, 2 and 3.
func threeVersions(t testing.TB, c *fcapi.Client, svc string) {
	t.Helper()
	createService(t, c, svc)
	for _, d := range []string{"a", "b", "c"} {
		describeService(t, c, svc, d)
		publish(t, c, svc, "")
	}
}

func TestAliasLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	threeVersions(t, c, "svc")

	created := must[*fcapi.CreateAliasResponse](t)(c.CreateAlias(tea.String("svc"), &fcapi.CreateAliasRequest{
		AliasName: tea.String("prod"), VersionId: tea.String("1"), Description: tea.String("live"),
	}))
	b := created.Body
	if tea.StringValue(b.AliasName) != "prod" || tea.StringValue(b.VersionId) != "1" || tea.StringValue(b.Description) != "live" ||
		tea.StringValue(b.ResolvePolicy) != "Random" || len(b.AdditionalVersionWeight) != 0 || b.AdditionalVersionWeight == nil ||
		tea.StringValue(b.CreatedTime) == "" || tea.StringValue(b.LastModifiedTime) != tea.StringValue(b.CreatedTime) {
		t.Fatalf("created %v", b)
	}
	etag1 := tea.StringValue(created.Headers["etag"])
	if len(etag1) != 32 {
		t.Fatalf("etag %q", etag1)
	}
	got := must[*fcapi.GetAliasResponse](t)(c.GetAlias(tea.String("svc"), tea.String("prod")))
	if tea.StringValue(got.Headers["etag"]) != etag1 {
		t.Fatalf("get etag %v", got.Headers)
	}

	// A traffic shift with the ETag read; then the same ETag is stale.
	upd := must[*fcapi.UpdateAliasResponse](t)(c.UpdateAliasWithOptions(tea.String("svc"), tea.String("prod"),
		&fcapi.UpdateAliasRequest{AdditionalVersionWeight: map[string]*float32{"2": tea.Float32(0.1)}},
		&fcapi.UpdateAliasHeaders{IfMatch: tea.String(etag1)}, &util.RuntimeOptions{}))
	if tea.StringValue(upd.Body.VersionId) != "1" || tea.Float32Value(upd.Body.AdditionalVersionWeight["2"]) != 0.1 ||
		tea.StringValue(upd.Body.Description) != "live" || tea.StringValue(upd.Headers["etag"]) == etag1 ||
		tea.StringValue(upd.Body.LastModifiedTime) <= tea.StringValue(b.LastModifiedTime) {
		t.Fatalf("updated %v", upd.Body)
	}
	_, err := c.UpdateAliasWithOptions(tea.String("svc"), tea.String("prod"),
		&fcapi.UpdateAliasRequest{VersionId: tea.String("3")},
		&fcapi.UpdateAliasHeaders{IfMatch: tea.String(etag1)}, &util.RuntimeOptions{})
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
	_, err = c.DeleteAliasWithOptions(tea.String("svc"), tea.String("prod"),
		&fcapi.DeleteAliasHeaders{IfMatch: tea.String(etag1)}, &util.RuntimeOptions{})
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
	if a, _, _ := s.Alias("svc", "prod"); a["versionId"] != "1" {
		t.Fatalf("a refused update changed the alias: %v", a)
	}

	must[*fcapi.CreateAliasResponse](t)(c.CreateAlias(tea.String("svc"), &fcapi.CreateAliasRequest{AliasName: tea.String("beta"), VersionId: tea.String("3")}))
	list := must[*fcapi.ListAliasesResponse](t)(c.ListAliases(tea.String("svc"), &fcapi.ListAliasesRequest{}))
	var names []string
	for _, a := range list.Body.Aliases {
		names = append(names, tea.StringValue(a.AliasName))
	}
	if !reflect.DeepEqual(names, []string{"beta", "prod"}) {
		t.Fatalf("aliases %v", names)
	}

	// Versions an alias routes to, main or canary, stay.
	for _, v := range []string{"1", "2", "3"} {
		_, err = c.DeleteServiceVersion(tea.String("svc"), tea.String(v))
		wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	}
	must[*fcapi.DeleteAliasResponse](t)(c.DeleteAlias(tea.String("svc"), tea.String("prod")))
	_, err = c.GetAlias(tea.String("svc"), tea.String("prod"))
	wantErr(t, err, http.StatusNotFound, "AliasNotFound")
	must[*fcapi.DeleteServiceVersionResponse](t)(c.DeleteServiceVersion(tea.String("svc"), tea.String("1")))
	// Aliases keep the service from being deleted, as versions do.
	must[*fcapi.DeleteServiceVersionResponse](t)(c.DeleteServiceVersion(tea.String("svc"), tea.String("2")))
	_, err = c.DeleteService(tea.String("svc"))
	wantErr(t, err, http.StatusConflict, "ServiceNotEmpty")
}

func TestAliasRefusals(t *testing.T) {
	t.Parallel()
	c := sdk(t, start(t))
	threeVersions(t, c, "svc")
	create := func(req *fcapi.CreateAliasRequest) error {
		_, err := c.CreateAlias(tea.String("svc"), req)
		return err
	}
	w := func(m map[string]float32) map[string]*float32 {
		out := map[string]*float32{}
		for k, v := range m {
			out[k] = tea.Float32(v)
		}
		return out
	}
	cases := []struct {
		name   string
		req    *fcapi.CreateAliasRequest
		status int
		code   string
	}{
		{"LATEST", &fcapi.CreateAliasRequest{AliasName: tea.String("LATEST"), VersionId: tea.String("1")}, 400, "InvalidArgument"},
		{"digit first", &fcapi.CreateAliasRequest{AliasName: tea.String("1st"), VersionId: tea.String("1")}, 400, "InvalidArgument"},
		{"no version", &fcapi.CreateAliasRequest{AliasName: tea.String("a")}, 400, "InvalidArgument"},
		{"missing version", &fcapi.CreateAliasRequest{AliasName: tea.String("a"), VersionId: tea.String("9")}, 404, "VersionNotFound"},
		{"canary is main", &fcapi.CreateAliasRequest{AliasName: tea.String("a"), VersionId: tea.String("1"),
			AdditionalVersionWeight: w(map[string]float32{"1": 0.5})}, 400, "AdditionalVersionContainsMajorVersion"},
		{"missing canary", &fcapi.CreateAliasRequest{AliasName: tea.String("a"), VersionId: tea.String("1"),
			AdditionalVersionWeight: w(map[string]float32{"7": 0.5})}, 404, "VersionNotFound"},
		{"weight over 1", &fcapi.CreateAliasRequest{AliasName: tea.String("a"), VersionId: tea.String("1"),
			AdditionalVersionWeight: w(map[string]float32{"2": 1.5})}, 400, "InvalidArgument"},
		{"weights over 1", &fcapi.CreateAliasRequest{AliasName: tea.String("a"), VersionId: tea.String("1"),
			AdditionalVersionWeight: w(map[string]float32{"2": 0.6, "3": 0.6})}, 400, "InvalidArgument"},
		{"resolvePolicy", &fcapi.CreateAliasRequest{AliasName: tea.String("a"), VersionId: tea.String("1"),
			ResolvePolicy: tea.String("Sometimes")}, 400, "InvalidArgument"},
		{"route condition", &fcapi.CreateAliasRequest{AliasName: tea.String("a"), VersionId: tea.String("1"),
			RoutePolicy: &fcapi.RoutePolicy{Condition: tea.String("XOR")}}, 400, "InvalidArgument"},
	}
	for _, tc := range cases {
		wantErr(t, create(tc.req), tc.status, tc.code)
	}
	if err := create(&fcapi.CreateAliasRequest{AliasName: tea.String("ok"), VersionId: tea.String("1"),
		AdditionalVersionWeight: w(map[string]float32{"2": 0.25}), ResolvePolicy: tea.String("Content"),
		RoutePolicy: &fcapi.RoutePolicy{Condition: tea.String("AND"), PolicyItems: []*fcapi.PolicyItem{{
			Type: tea.String("Header"), Key: tea.String("x-user"), Operator: tea.String("="), Value: tea.String("a")}}}}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, create(&fcapi.CreateAliasRequest{AliasName: tea.String("ok"), VersionId: tea.String("1")}), 409, "AliasAlreadyExists")
	_, err := c.CreateAlias(tea.String("nope"), &fcapi.CreateAliasRequest{AliasName: tea.String("a"), VersionId: tea.String("1")})
	wantErr(t, err, http.StatusNotFound, "ServiceNotFound")
	_, err = c.UpdateAlias(tea.String("svc"), tea.String("ok"), &fcapi.UpdateAliasRequest{VersionId: tea.String("2")})
	wantErr(t, err, http.StatusBadRequest, "AdditionalVersionContainsMajorVersion")
	_, err = c.UpdateAlias(tea.String("svc"), tea.String("nope"), &fcapi.UpdateAliasRequest{})
	wantErr(t, err, http.StatusNotFound, "AliasNotFound")
}

// A console traffic shift made while a client updates the alias is caught
// by If-Match (Faults.EditBefore plays it).
func TestAliasEditedConcurrently(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	threeVersions(t, c, "svc")
	read := must[*fcapi.CreateAliasResponse](t)(c.CreateAlias(tea.String("svc"), &fcapi.CreateAliasRequest{AliasName: tea.String("prod"), VersionId: tea.String("1")}))
	s.SetFaults(emulator.Faults{EditBefore: map[string]int{"UpdateAlias": 1}})
	_, err := c.UpdateAliasWithOptions(tea.String("svc"), tea.String("prod"), &fcapi.UpdateAliasRequest{VersionId: tea.String("2")},
		&fcapi.UpdateAliasHeaders{IfMatch: read.Headers["etag"]}, &util.RuntimeOptions{})
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
	a, etag, _ := s.Alias("svc", "prod")
	if a["description"] != "edited concurrently" || a["versionId"] != "1" || etag == tea.StringValue(read.Headers["etag"]) {
		t.Fatalf("after the edit %v %s", a, etag)
	}
}

// Aliases read and written in PascalCase, as funcraft and the Node SDK may
// send them, come back in FC's camelCase.
func TestAliasCaseInsensitive(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	threeVersions(t, c, "svc")
	n := newNodeClient(t, s)
	r := n.do("POST", "/services/svc/aliases", map[string]any{"AliasName": "prod", "VersionId": "2",
		"AdditionalVersionWeight": map[string]any{"3": 0.05}, "RoutePolicy": map[string]any{"Condition": "OR"}}, nil)
	r.want(t, http.StatusOK, "")
	if r.body["aliasName"] != "prod" || r.body["versionId"] != "2" || !reflect.DeepEqual(r.body["additionalVersionWeight"], map[string]any{"3": 0.05}) ||
		r.body["routePolicy"].(map[string]any)["condition"] != "OR" || r.header.Get("ETag") == "" {
		t.Fatalf("created %v", r.body)
	}
	for k := range r.body {
		if k[0] >= 'A' && k[0] <= 'Z' {
			t.Errorf("key %s is not camelCase", k)
		}
	}
}
