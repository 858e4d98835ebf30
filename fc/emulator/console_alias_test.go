package emulator_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"
)

// An alias's traffic weights edited in the console are one UpdateAlias:
// GetAlias then shows them with a new ETag and lastModifiedTime; a weight
// FC refuses and a stale page are refused with FC's errors.
func TestConsoleEditsAliasWeight(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	threeVersions(t, c, "svc")
	must[*fcapi.CreateAliasResponse](t)(c.CreateAlias(tea.String("svc"), &fcapi.CreateAliasRequest{
		AliasName: tea.String("prod"), VersionId: tea.String("1"), Description: tea.String("<b>live</b>"),
		AdditionalVersionWeight: map[string]*float32{"2": tea.Float32(0.1)},
	}))
	getAlias := func() *fcapi.GetAliasResponse {
		return must[*fcapi.GetAliasResponse](t)(c.GetAlias(tea.String("svc"), tea.String("prod")))
	}
	before := getAlias()
	etag := tea.StringValue(before.Headers["etag"])
	f := &consoleFixture{t: t, s: s, c: c}

	_, page := f.get("/console")
	for _, want := range []string{`<td>prod<div class="muted">&lt;b&gt;live&lt;/b&gt;</div></td>`, "<td>1</td>",
		`name="version" value="2"`, `name="weight" value="0.1"`, `name="etag" value="` + etag + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q:\n%s", want, page)
		}
	}

	weights := func(etag string, pairs ...string) url.Values {
		form := url.Values{"service": {"svc"}, "alias": {"prod"}, "etag": {etag}}
		for i := 0; i < len(pairs); i += 2 {
			form.Add("version", pairs[i])
			form.Add("weight", pairs[i+1])
		}
		return form
	}
	status, page := f.post("/console/alias", weights(etag, "2", "0.25", "", ""))
	if status != http.StatusOK || !strings.Contains(page, "Alias saved.") {
		t.Fatalf("save: %d\n%s", status, page)
	}
	after := getAlias()
	if w := after.Body.AdditionalVersionWeight; len(w) != 1 || tea.Float32Value(w["2"]) != 0.25 {
		t.Errorf("additionalVersionWeight = %v, want {2: 0.25}", tea.Prettify(w))
	}
	if tea.StringValue(after.Body.VersionId) != "1" || tea.StringValue(after.Body.Description) != "<b>live</b>" {
		t.Errorf("a weight save changed the alias's version or description: %v", tea.Prettify(after.Body))
	}
	if tea.StringValue(after.Headers["etag"]) == etag || tea.StringValue(after.Body.LastModifiedTime) <= tea.StringValue(before.Body.LastModifiedTime) {
		t.Error("the ETag or lastModifiedTime did not change")
	}

	status, page = f.post("/console/alias", weights(etag, "2", "0.5"))
	if status != http.StatusPreconditionFailed || !strings.Contains(page, "alias svc/prod: PreconditionFailed (HTTP 412)") {
		t.Errorf("a save from a stale page: %d\n%s", status, page)
	}
	status, page = f.post("/console/alias", weights(tea.StringValue(after.Headers["etag"]), "2", "1.5"))
	if status != http.StatusBadRequest || !strings.Contains(page, "alias svc/prod: InvalidArgument (HTTP 400): AdditionalVersionWeight.2 is set to an invalid value (allowed: 0 to 1") {
		t.Errorf("a weight above 1: %d\n%s", status, page)
	}
	if got := getAlias(); tea.StringValue(got.Headers["etag"]) != tea.StringValue(after.Headers["etag"]) {
		t.Error("a refused weight changed the alias")
	}

	// Clearing the version stops the canary.
	f.post("/console/alias", weights(tea.StringValue(after.Headers["etag"]), "", "0.25"))
	if w := getAlias().Body.AdditionalVersionWeight; len(w) != 0 {
		t.Errorf("additionalVersionWeight = %v after its version was cleared, want {}", tea.Prettify(w))
	}
}
