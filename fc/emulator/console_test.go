package emulator_test

import (
	"archive/zip"
	"bytes"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

// The console's behaviour over plain HTTP, as a browser's forms send it;
// cli/webconsole_test.go drives the same pages in Chromium.

// consoleFixture is an emulator with one function "svc/web" whose code has
// a text file, a binary file, a file too large to edit and a folder.
type consoleFixture struct {
	t   *testing.T
	s   *emulator.Server
	c   *fcapi.Client
	zip []byte
}

const consoleIndex = "def handler(e, c):\n    return '<script>alert(1)</script>'\n"

func newConsoleFixture(t *testing.T, opts ...func(*emulator.Options)) *consoleFixture {
	t.Helper()
	s := start(t, opts...)
	c := sdk(t, s)
	createService(t, c, "svc")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range []struct {
		name string
		data []byte
	}{
		{"index.py", []byte(consoleIndex)},
		{"lib/", nil},
		{"lib/data.bin", []byte{0x89, 'P', 'N', 'G', 0, 1, 2}},
		{"lib/big.txt", bytes.Repeat([]byte("x"), 1<<20+1)},
		{"lib/util.py", []byte("X = 1\n")},
	} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	must[*fcapi.CreateFunctionResponse](t)(c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("web"), Runtime: tea.String("python3.10"), Handler: tea.String("index.handler"),
		MemorySize: tea.Int32(128), Timeout: tea.Int32(3), Code: zipCode(buf.Bytes()),
		EnvironmentVariables: map[string]*string{"GREETING": tea.String("<script>alert('env')</script>"), "MODE": tea.String("a\nb")},
	}))
	must[*fcapi.CreateTriggerResponse](t)(c.CreateTrigger(tea.String("svc"), tea.String("web"), &fcapi.CreateTriggerRequest{
		TriggerName: tea.String("http"), TriggerType: tea.String("http"),
		TriggerConfig: tea.String(`{"authType":"anonymous","methods":["GET"]}`),
	}))
	return &consoleFixture{t: t, s: s, c: c, zip: buf.Bytes()}
}

func (f *consoleFixture) function() *fcapi.GetFunctionResponse {
	return must[*fcapi.GetFunctionResponse](f.t)(f.c.GetFunction(tea.String("svc"), tea.String("web"), &fcapi.GetFunctionRequest{}))
}

// get loads a console page.
func (f *consoleFixture) get(path string) (int, string) {
	f.t.Helper()
	resp, err := http.Get(f.s.URL + path)
	if err != nil {
		f.t.Fatal(err)
	}
	return readPage(f.t, resp)
}

// post submits a console form as a browser does (same origin), following
// the redirect of a successful save.
func (f *consoleFixture) post(path string, form url.Values) (int, string) {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", f.s.URL)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	return readPage(f.t, resp)
}

func readPage(t *testing.T, resp *http.Response) (int, string) {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// configForm is the function form as the page fills it, with changes.
func (f *consoleFixture) configForm(changes url.Values) url.Values {
	fn := f.function()
	form := url.Values{
		"service": {"svc"}, "function": {"web"}, "etag": {tea.StringValue(fn.Headers["etag"])},
		"memorySize": {"128"}, "timeout": {"3"},
		// The browser sends a text area's line breaks as CRLF.
		"env.name":  {"GREETING", "MODE", ""},
		"env.value": {"<script>alert('env')</script>", "a\r\nb", ""},
	}
	for k, v := range changes {
		form[k] = v
	}
	return form
}

var etagField = regexp.MustCompile(`name="etag" value="([0-9a-f]*)"`)

func TestConsoleListsServicesFunctionsAndTriggers(t *testing.T) {
	t.Parallel()
	f := newConsoleFixture(t)
	status, page := f.get("/console")
	if status != http.StatusOK {
		t.Fatalf("GET /console: %d\n%s", status, page)
	}
	for _, want := range []string{"<h2>svc</h2>", `href="/console/function?service=svc&amp;function=web"`, ">web</a>",
		"<td>python3.10</td><td>128</td><td>3</td>", "http <span class=\"muted\">(http)</span>", "<h3>Aliases</h3>"} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q:\n%s", want, page)
		}
	}
	status, page = f.get("/console/function?service=svc&function=web")
	if status != http.StatusOK {
		t.Fatalf("function page: %d\n%s", status, page)
	}
	for _, want := range []string{`{&#34;authType&#34;:&#34;anonymous&#34;`, ">index.py</td>", ">lib/util.py</td>",
		`file=index.py">edit</a>`, "a binary file: the console edits text files only", "too large to edit here", "a folder",
		"<td id=\"codeChecksum\" class=\"mono\">" + emulator.Checksum(f.zip) + "</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("function page lacks %q:\n%s", want, page)
		}
	}
}

// Edits of memory, timeout and environment variables are one
// UpdateFunction: the API then shows them with a new ETag and
// lastModifiedTime; the code is untouched.
func TestConsoleEditsConfiguration(t *testing.T) {
	t.Parallel()
	f := newConsoleFixture(t)
	before := f.function()
	status, page := f.post("/console/function", f.configForm(url.Values{
		"memorySize": {"512"}, "timeout": {"60"},
		"env.name":  {"GREETING", "MODE", "NEW"},
		"env.value": {"<script>alert('env')</script>", "a\r\nb", "v"},
	}))
	if status != http.StatusOK || !strings.Contains(page, "Configuration saved.") {
		t.Fatalf("save: %d\n%s", status, page)
	}
	after := f.function()
	if got := tea.Int32Value(after.Body.MemorySize); got != 512 {
		t.Errorf("memorySize = %d, want 512", got)
	}
	if got := tea.Int32Value(after.Body.Timeout); got != 60 {
		t.Errorf("timeout = %d, want 60", got)
	}
	env := map[string]string{}
	for k, v := range after.Body.EnvironmentVariables {
		env[k] = tea.StringValue(v)
	}
	want := map[string]string{"GREETING": "<script>alert('env')</script>", "MODE": "a\nb", "NEW": "v"}
	if len(env) != len(want) || env["GREETING"] != want["GREETING"] || env["MODE"] != want["MODE"] || env["NEW"] != "v" {
		t.Errorf("environmentVariables = %q, want %q (a text area's CRLF read back as the LF it was)", env, want)
	}
	if tea.StringValue(after.Headers["etag"]) == tea.StringValue(before.Headers["etag"]) {
		t.Error("the ETag did not change")
	}
	if tea.StringValue(after.Body.LastModifiedTime) <= tea.StringValue(before.Body.LastModifiedTime) {
		t.Errorf("lastModifiedTime %s -> %s did not move on", tea.StringValue(before.Body.LastModifiedTime), tea.StringValue(after.Body.LastModifiedTime))
	}
	if tea.StringValue(after.Body.CodeChecksum) != tea.StringValue(before.Body.CodeChecksum) {
		t.Error("a configuration save changed the code")
	}

	// Removing a variable: its row cleared.
	f.post("/console/function", f.configForm(url.Values{
		"memorySize": {"512"}, "timeout": {"60"},
		"env.name": {"GREETING", "", "NEW", ""}, "env.value": {"<script>alert('env')</script>", "", "v", ""},
	}))
	if _, ok := f.function().Body.EnvironmentVariables["MODE"]; ok {
		t.Error("MODE is still set after its row was cleared")
	}
}

// A value FC refuses is FC's error on the page, with what was typed, and
// nothing is stored.
func TestConsoleShowsFCErrorForInvalidMemory(t *testing.T) {
	t.Parallel()
	f := newConsoleFixture(t)
	before := f.function()
	status, page := f.post("/console/function", f.configForm(url.Values{"memorySize": {"100"}, "timeout": {"60"}}))
	if status != http.StatusBadRequest {
		t.Errorf("status %d, want 400", status)
	}
	for _, want := range []string{`id="error"`, "InvalidArgument (HTTP 400): MemorySize is set to an invalid value", `name="memorySize" value="100"`, `name="timeout" value="60"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	after := f.function()
	if tea.StringValue(after.Headers["etag"]) != tea.StringValue(before.Headers["etag"]) || tea.Int32Value(after.Body.MemorySize) != 128 || tea.Int32Value(after.Body.Timeout) != 3 {
		t.Errorf("a refused save changed the function: memorySize %d, timeout %d", tea.Int32Value(after.Body.MemorySize), tea.Int32Value(after.Body.Timeout))
	}

	_, page = f.post("/console/function", f.configForm(url.Values{"memorySize": {"lots"}}))
	if !strings.Contains(page, "InvalidArgument (HTTP 400): MemorySize is set to an invalid value (allowed: an integer, actual: &#39;lots&#39;)") {
		t.Errorf("a memorySize that is not a number: page lacks FC's error:\n%s", page)
	}
}

// A form made on a page loaded before someone else's change is refused
// as the API refuses a stale If-Match.
func TestConsoleRefusesStaleSave(t *testing.T) {
	t.Parallel()
	f := newConsoleFixture(t)
	form := f.configForm(url.Values{"memorySize": {"256"}})
	must[*fcapi.UpdateFunctionResponse](t)(f.c.UpdateFunction(tea.String("svc"), tea.String("web"),
		&fcapi.UpdateFunctionRequest{Timeout: tea.Int32(9)}))
	status, page := f.post("/console/function", form)
	if status != http.StatusPreconditionFailed || !strings.Contains(page, "PreconditionFailed (HTTP 412)") || !strings.Contains(page, "reload the page") {
		t.Fatalf("stale save: %d\n%s", status, page)
	}
	if got := tea.Int32Value(f.function().Body.MemorySize); got != 128 {
		t.Errorf("memorySize = %d after a stale save, want 128", got)
	}
	form.Del("etag")
	if status, page := f.post("/console/function", form); status == http.StatusOK || !strings.Contains(page, "carries no ETag") {
		t.Errorf("a save without an ETag: %d\n%s", status, page)
	}
}

// A code edit replaces one file of the zip, keeps every other entry byte
// for byte, and moves codeChecksum, codeSize, ETag and lastModifiedTime as
// an API code update does.
func TestConsoleEditsCodeFile(t *testing.T) {
	t.Parallel()
	f := newConsoleFixture(t)
	before := f.function()
	status, page := f.get("/console/code?service=svc&function=web&file=index.py")
	if status != http.StatusOK {
		t.Fatalf("code page: %d\n%s", status, page)
	}
	etag := etagField.FindStringSubmatch(page)
	if etag == nil || etag[1] != tea.StringValue(before.Headers["etag"]) {
		t.Fatalf("the code page's form carries ETag %v, want %s", etag, tea.StringValue(before.Headers["etag"]))
	}
	edited := "def handler(e, c):\r\n    return 'fixed in the console'\r\n"
	status, page = f.post("/console/code", url.Values{"service": {"svc"}, "function": {"web"}, "file": {"index.py"},
		"etag": {etag[1]}, "text": {edited}})
	if status != http.StatusOK || !strings.Contains(page, "Code saved.") {
		t.Fatalf("save: %d\n%s", status, page)
	}
	after := f.function()
	code := must[*fcapi.GetFunctionCodeResponse](t)(f.c.GetFunctionCode(tea.String("svc"), tea.String("web"), &fcapi.GetFunctionCodeRequest{}))
	resp, err := http.Get(tea.StringValue(code.Body.Url))
	if err != nil {
		t.Fatal(err)
	}
	_, pkg := readPage(t, resp)
	if got := tea.StringValue(after.Body.CodeChecksum); got != emulator.Checksum([]byte(pkg)) || got == tea.StringValue(before.Body.CodeChecksum) {
		t.Errorf("codeChecksum %s -> %s; the package's is %s", tea.StringValue(before.Body.CodeChecksum), got, emulator.Checksum([]byte(pkg)))
	}
	if tea.Int64Value(after.Body.CodeSize) != int64(len(pkg)) {
		t.Errorf("codeSize %d, package of %d bytes", tea.Int64Value(after.Body.CodeSize), len(pkg))
	}
	if tea.StringValue(after.Headers["etag"]) == tea.StringValue(before.Headers["etag"]) ||
		tea.StringValue(after.Body.LastModifiedTime) <= tea.StringValue(before.Body.LastModifiedTime) {
		t.Error("the ETag or lastModifiedTime did not change")
	}
	if tea.Int32Value(after.Body.MemorySize) != 128 || tea.StringValue(after.Body.Handler) != "index.handler" {
		t.Error("a code save changed the configuration")
	}

	old := zipEntries(t, f.zip)
	now := zipEntries(t, []byte(pkg))
	if len(now) != len(old) {
		t.Fatalf("the package has %d entries, had %d", len(now), len(old))
	}
	for i, e := range now {
		o := old[i]
		if e.name != o.name || e.mode != o.mode || e.method != o.method || !e.modified.Equal(o.modified) {
			t.Errorf("entry %d: %s %v %d %v, was %s %v %d %v", i, e.name, e.mode, e.method, e.modified, o.name, o.mode, o.method, o.modified)
		}
		switch {
		case e.name == "index.py":
			// The browser's CRLF is read back as the LF the file had.
			if want := "def handler(e, c):\n    return 'fixed in the console'\n"; e.data != want {
				t.Errorf("index.py = %q, want %q", e.data, want)
			}
		case e.raw != o.raw || e.data != o.data:
			t.Errorf("%s changed: every file but the edited one must stay byte for byte", e.name)
		}
	}
}

type zipEntry struct {
	name, raw, data string
	mode            fs.FileMode
	method          uint16
	modified        time.Time
}

// zipEntries reads every entry of a package: its stored (compressed) bytes
// and its content.
func zipEntries(t *testing.T, pkg []byte) []zipEntry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	var out []zipEntry
	for _, f := range zr.File {
		e := zipEntry{name: f.Name, mode: f.Mode(), method: f.Method, modified: f.Modified}
		r, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(r)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		e.raw, e.data = string(raw), string(data)
		out = append(out, e)
	}
	return out
}

// Function names, environment values and code are shown escaped: a
// <script> in any of them is text on the page, never markup.
func TestConsoleEscapesHostileValues(t *testing.T) {
	t.Parallel()
	f := newConsoleFixture(t)
	if err := f.s.Inject("svc", []byte(`{"description":"<img src=x onerror=alert(1)>"}`)); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string][]string{
		"/console": {"&lt;img src=x onerror=alert(1)&gt;"},
		"/console/function?service=svc&function=web":           {`value="&lt;script&gt;alert(&#39;env&#39;)&lt;/script&gt;"`},
		"/console/code?service=svc&function=web&file=index.py": {"return &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;"},
	} {
		_, page := f.get(path)
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s lacks %q:\n%s", path, w, page)
			}
		}
		if strings.Contains(page, "<script") || strings.Contains(page, "<img") {
			t.Errorf("%s holds markup from a value:\n%s", path, page)
		}
	}
	resp, err := http.Get(f.s.URL + "/console")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy %q lets scripts run", csp)
	}
}

// Binary files, files above the size limit and folders are listed but not
// edited, with the reason, and a save to them is refused.
func TestConsoleRefusesBinaryAndLargeFiles(t *testing.T) {
	t.Parallel()
	f := newConsoleFixture(t)
	before := f.function()
	for file, why := range map[string]string{
		"lib/data.bin": "a binary file: the console edits text files only",
		"lib/big.txt":  "too large to edit here (1048577 bytes; the console edits files of up to 1048576 bytes)",
		"lib/":         "a folder",
	} {
		status, page := f.get("/console/code?service=svc&function=web&file=" + url.QueryEscape(file))
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, "cannot be edited here: it is "+why) || strings.Contains(page, "<textarea") {
			t.Errorf("GET %s: %d\n%s", file, status, page)
		}
		status, page = f.post("/console/code", url.Values{"service": {"svc"}, "function": {"web"}, "file": {file},
			"etag": {tea.StringValue(before.Headers["etag"])}, "text": {"replaced"}})
		if status == http.StatusOK || !strings.Contains(page, why) {
			t.Errorf("POST %s: %d\n%s", file, status, page)
		}
	}
	status, page := f.post("/console/code", url.Values{"service": {"svc"}, "function": {"web"}, "file": {"index.py"},
		"etag": {tea.StringValue(before.Headers["etag"])}, "text": {"nul\x00byte"}})
	if status == http.StatusOK || !strings.Contains(page, "the new text is a binary file") {
		t.Errorf("saving text with a NUL byte: %d\n%s", status, page)
	}
	status, page = f.get("/console/code?service=svc&function=web&file=nope.py")
	if status != http.StatusNotFound || !strings.Contains(page, `no file "nope.py"`) {
		t.Errorf("GET a file the package lacks: %d\n%s", status, page)
	}
	if after := f.function(); tea.StringValue(after.Headers["etag"]) != tea.StringValue(before.Headers["etag"]) {
		t.Error("a refused code save changed the function")
	}
}

// The console needs no signature; the API still does. Its pages never show
// the key pairs the emulator accepts, and another site cannot post its
// forms.
func TestConsoleAuthAndSecrets(t *testing.T) {
	t.Parallel()
	f := newConsoleFixture(t, func(o *emulator.Options) {
		o.Keys = []emulator.AccessKey{{ID: "AKID2", Secret: "SECRET2", SecurityToken: "STS-TOKEN"}}
	})
	resp, err := http.Get(f.s.URL + "/2021-04-06/services")
	if err != nil {
		t.Fatal(err)
	}
	status, body := readPage(t, resp)
	if status < 400 || strings.Contains(body, `"services"`) {
		t.Errorf("an unsigned API call was answered: %d %s", status, body)
	}
	for _, path := range []string{"/console", "/console/function?service=svc&function=web", "/console/code?service=svc&function=web&file=index.py"} {
		status, page := f.get(path)
		if status != http.StatusOK {
			t.Errorf("%s: %d", path, status)
		}
		for _, secret := range []string{testKey, testSecret, "AKID2", "SECRET2", "STS-TOKEN"} {
			if strings.Contains(page, secret) {
				t.Errorf("%s shows the credential %q", path, secret)
			}
		}
	}
	req, _ := http.NewRequest(http.MethodPost, f.s.URL+"/console/function",
		strings.NewReader(f.configForm(url.Values{"memorySize": {"256"}}).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := readPage(t, resp); status != http.StatusForbidden {
		t.Errorf("a cross-site post: %d, want 403", status)
	}
	if got := tea.Int32Value(f.function().Body.MemorySize); got != 128 {
		t.Errorf("a cross-site post changed memorySize to %d", got)
	}
}

// A console save is durable like an API write: an emulator restarted on
// the same data folder has it.
func TestConsoleSaveIsPersisted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := newConsoleFixture(t, func(o *emulator.Options) { o.DataDir = dir })
	f.post("/console/function", f.configForm(url.Values{"memorySize": {"1024"}}))
	want := f.function()
	f.s.Close()
	s := start(t, func(o *emulator.Options) { o.DataDir = dir })
	got := must[*fcapi.GetFunctionResponse](t)(sdk(t, s).GetFunction(tea.String("svc"), tea.String("web"), &fcapi.GetFunctionRequest{}))
	if tea.Int32Value(got.Body.MemorySize) != 1024 || tea.StringValue(got.Headers["etag"]) != tea.StringValue(want.Headers["etag"]) {
		t.Errorf("after a restart: memorySize %d, etag %s; want 1024, %s", tea.Int32Value(got.Body.MemorySize),
			tea.StringValue(got.Headers["etag"]), tea.StringValue(want.Headers["etag"]))
	}
}
