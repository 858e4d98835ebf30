package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The console's side of the alias hook, on its own: the emulator does not
// serve aliases yet, so the console gets a handler table with stand-ins for
// ListAliases, GetAlias and UpdateAlias that answer FC's bodies. The
// service section lists the alias with its weights and ETag, and a saved
// weight is one UpdateAlias with If-Match; without those handlers the
// section says aliases are not emulated. Once the emulator serves aliases,
// newConsole's table (the API's) has them and the console uses them as is.
func TestConsoleAliasWeightsHook(t *testing.T) {
	t.Parallel()
	e, err := New(Options{AccessKeyID: "AKID", AccessKeySecret: "SECRET"})
	if err != nil {
		t.Fatal(err)
	}
	c := newConsole(e)
	if _, err := c.call(httptest.NewRequest(http.MethodGet, "/console", nil), http.MethodPost, "/services", nil,
		map[string]any{"serviceName": "svc"}, ""); err != nil {
		t.Fatal(err)
	}

	alias := map[string]any{"aliasName": "prod", "versionId": "1", "description": "<b>live</b>",
		"additionalVersionWeight": map[string]any{"2": 0.1}, "lastModifiedTime": "2024-01-01T00:00:00Z"}
	var gotIfMatch string
	var gotBody map[string]any
	api := map[string]apiHandler{}
	for k, v := range handlers {
		if k != "ListAliases" && k != "GetAlias" && k != "UpdateAlias" {
			api[k] = v
		}
	}
	c.api = api
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/console", nil))
	if page := rec.Body.String(); !strings.Contains(page, "Aliases are not emulated yet") {
		t.Errorf("without alias handlers, the overview does not say so:\n%s", page)
	}
	api["ListAliases"] = func(_ *Emulator, req *request) (reply, *apiError) {
		return listReply("aliases", []map[string]any{clone(alias)}, "")
	}
	api["GetAlias"] = func(_ *Emulator, req *request) (reply, *apiError) { return ok(clone(alias), "etag-1") }
	api["UpdateAlias"] = func(_ *Emulator, req *request) (reply, *apiError) {
		gotIfMatch = req.header.Get("If-Match")
		if err := json.Unmarshal(req.body, &gotBody); err != nil {
			return reply{}, invalidArgument("%v", err)
		}
		w, _ := gotBody["additionalVersionWeight"].(map[string]any)
		if share, _ := w["2"].(float64); share > 1 {
			return reply{}, invalidValue("additionalVersionWeight.2", "0 to 1", w["2"])
		}
		return ok(clone(alias), "etag-2")
	}
	srv := httptest.NewServer(c)
	defer srv.Close()

	page := fetch(t, srv.URL+"/console", nil)
	for _, want := range []string{"<td>prod<div class=\"muted\">&lt;b&gt;live&lt;/b&gt;</div></td>", "<td>1</td>",
		`name="version" value="2"`, `name="weight" value="0.1"`, `name="etag" value="etag-1"`, `action="/console/alias"`} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q:\n%s", want, page)
		}
	}

	page = fetch(t, srv.URL+"/console/alias", url.Values{"service": {"svc"}, "alias": {"prod"}, "etag": {"etag-1"},
		"version": {"2", ""}, "weight": {"0.3", ""}})
	if !strings.Contains(page, "Alias saved.") {
		t.Errorf("after the save:\n%s", page)
	}
	if gotIfMatch != "etag-1" {
		t.Errorf("UpdateAlias If-Match %q, want etag-1", gotIfMatch)
	}
	if b, _ := json.Marshal(gotBody); string(b) != `{"additionalVersionWeight":{"2":0.3}}` {
		t.Errorf("UpdateAlias body %s", b)
	}

	page = fetch(t, srv.URL+"/console/alias", url.Values{"service": {"svc"}, "alias": {"prod"}, "etag": {"etag-1"},
		"version": {"2"}, "weight": {"30"}})
	if !strings.Contains(page, "alias svc/prod: InvalidArgument (HTTP 400): AdditionalVersionWeight.2 is set to an invalid value") {
		t.Errorf("a refused weight: page lacks the API's error:\n%s", page)
	}
}

// fetch loads a page, or posts a form when there is one.
func fetch(t *testing.T, u string, form url.Values) string {
	t.Helper()
	var resp *http.Response
	var err error
	if form == nil {
		resp, err = http.Get(u)
	} else {
		resp, err = http.PostForm(u, form)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
