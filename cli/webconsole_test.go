package cli_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/chromedp/chromedp"

	"github.com/fcsync/fcsync/cli"
	"github.com/fcsync/fcsync/fc/emulator"
)

// TestWebConsoleInChromium is issue 13's browser test: a colleague
// hot-fixes code in fc-emulator's web console, in headless Chromium, and
// the developer's next push is refused (exit 3) with the online code being
// exactly what the browser saved. Then a memory edit in the browser moves
// GetFunction's ETag and lastModifiedTime, a value FC refuses shows FC's
// error on the page, a <script> saved in an environment variable is shown
// as text, never run, and an alias's traffic weight is set in the page.
func TestWebConsoleInChromium(t *testing.T) {
	browser := requireChromium(t)
	srv, proj := cloneForTest(t)
	ctx := newBrowser(t, browser)
	console := srv.URL + "/console"

	// The console lists the service, its function, and links to it.
	browserDo(t, ctx, "open the console", chromedp.Navigate(console))
	overview := browserRead(t, ctx, "read the overview", chromedp.Text(chromedp.CSS("body")))
	for _, want := range []string{"demo", "web", "python3.10"} {
		if !strings.Contains(overview, want) {
			t.Fatalf("the console's overview lacks %q:\n%s", want, overview)
		}
	}

	// Edit index.py in the text area and save.
	fixed := "def handler(e, c):\n    return 2  # hot-fixed in the console\n"
	browserDo(t, ctx, "edit index.py",
		chromedp.Click(chromedp.CSS(`a[href="/console/function?service=demo&function=web"]`)),
		chromedp.WaitVisible(chromedp.ID("files")),
		chromedp.Click(chromedp.CSS(`a[href$="file=index.py"]`)),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SetValue(chromedp.ID("text"), fixed),
		chromedp.Click(chromedp.ID("save-code")),
		chromedp.WaitVisible(chromedp.ID("notice")))
	if notice := browserRead(t, ctx, "read the notice", chromedp.Text(chromedp.ID("notice"))); notice != "Code saved." {
		t.Fatalf("after saving the code the page says %q", notice)
	}

	// The developer changes the same code locally and pushes: refused.
	write(t, proj, "services/demo/functions/web/code/index.py", "def handler(e, c):\n    return 3\n")
	gitCmd(t, proj, "commit", "-qam", "local change")
	var out bytes.Buffer
	code := cli.Main([]string{"--dir", proj, "push"}, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &out})
	if code != 3 {
		t.Fatalf("fcsync push after the console's code edit: exit %d, want 3 (drift)\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "code changed online: services/demo/functions/web/code/index.py") {
		t.Errorf("the refused push does not report the code changed online:\n%s", out.String())
	}
	files, err := consoleFor(t, srv).CodeFiles("demo", "web")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(files["index.py"]); got != fixed {
		t.Errorf("online index.py = %q, want what the browser saved, %q", got, fixed)
	}

	// A memory edit and a hostile environment value, saved in the browser.
	before := getDemoWeb(t, srv)
	hostile := `<script>document.title='pwned'</script>`
	browserDo(t, ctx, "edit memory and environment",
		chromedp.Navigate(console+"/function?service=demo&function=web"),
		chromedp.WaitVisible(chromedp.ID("memorySize")),
		chromedp.Clear(chromedp.ID("memorySize")),
		chromedp.SendKeys(chromedp.ID("memorySize"), "512"),
		chromedp.SendKeys(chromedp.CSS(`input[placeholder="new variable"]`), "BANNER"),
		chromedp.SetValue(chromedp.CSS(`#env tr:last-child input[name="env.value"]`), hostile),
		chromedp.Click(chromedp.ID("save-config")),
		chromedp.WaitVisible(chromedp.ID("notice")))
	if notice := browserRead(t, ctx, "read the notice", chromedp.Text(chromedp.ID("notice"))); notice != "Configuration saved." {
		t.Fatalf("after saving the configuration the page says %q", notice)
	}
	after := getDemoWeb(t, srv)
	if tea.Int32Value(after.Body.MemorySize) != 512 || tea.StringValue(after.Body.EnvironmentVariables["BANNER"]) != hostile {
		t.Errorf("online: memorySize %d, BANNER %q; want 512 and %q", tea.Int32Value(after.Body.MemorySize),
			tea.StringValue(after.Body.EnvironmentVariables["BANNER"]), hostile)
	}
	if tea.StringValue(after.Headers["etag"]) == tea.StringValue(before.Headers["etag"]) {
		t.Error("GetFunction's ETag did not change with the browser's memory edit")
	}
	if tea.StringValue(after.Body.LastModifiedTime) <= tea.StringValue(before.Body.LastModifiedTime) {
		t.Errorf("GetFunction's lastModifiedTime %s -> %s did not move on", tea.StringValue(before.Body.LastModifiedTime),
			tea.StringValue(after.Body.LastModifiedTime))
	}

	// The page shows the stored <script> as the input's text; it never ran.
	browserDo(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("memorySize")))
	title := browserRead(t, ctx, "read the title", chromedp.Title())
	shown := browserRead(t, ctx, "read BANNER", chromedp.Value(chromedp.Search(`//tr[td/input[@value="BANNER"]]//input[@name="env.value"]`)))
	if shown != hostile || strings.Contains(title, "pwned") {
		t.Errorf("the hostile value reads %q on the page (want it as text, %q); title %q", shown, hostile, title)
	}

	// FC refuses 100 MB: the page shows FC's error and nothing is stored.
	browserDo(t, ctx, "invalid memory",
		chromedp.Clear(chromedp.ID("memorySize")),
		chromedp.SendKeys(chromedp.ID("memorySize"), "100"),
		chromedp.Click(chromedp.ID("save-config")),
		chromedp.WaitVisible(chromedp.ID("error")))
	errText := browserRead(t, ctx, "read the error", chromedp.Text(chromedp.ID("error")))
	if !strings.Contains(errText, "InvalidArgument") || !strings.Contains(errText, "MemorySize is set to an invalid value") {
		t.Errorf("the page shows %q, want FC's InvalidArgument for memorySize", errText)
	}
	if got := getDemoWeb(t, srv); tea.StringValue(got.Headers["etag"]) != tea.StringValue(after.Headers["etag"]) {
		t.Error("a memorySize FC refuses changed the function")
	}

	// A canary: 20 % of alias prod's traffic to version 2, set in the page.
	fc := consoleFor(t, srv)
	for _, args := range [][]string{
		{"publish-version", "demo"},
		{"update-function", "demo", "web", `{"timeout":7}`},
		{"publish-version", "demo"},
		{"create-alias", "demo", "prod", "1"},
	} {
		if err := fc.Run(args, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	browserDo(t, ctx, "shift alias traffic",
		chromedp.Navigate(console),
		chromedp.SendKeys(chromedp.CSS(`#alias-demo-prod .new-version`), "2"),
		chromedp.SendKeys(chromedp.CSS(`#alias-demo-prod .new-weight`), "0.2"),
		chromedp.Click(chromedp.CSS(`#alias-demo-prod .save-weights`)),
		chromedp.WaitVisible(chromedp.ID("notice")))
	var prod strings.Builder
	if err := fc.Run([]string{"get-alias", "demo", "prod"}, &prod); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`"additionalVersionWeight":\s*\{\s*"2":\s*0\.2\s*\}`).MatchString(prod.String()) {
		t.Errorf("alias prod after the browser's weight edit:\n%s", prod.String())
	}
}

// requireChromium finds Debian's chromium (make deps installs it). Without
// it the test skips, except in CI (CI or FCSYNC_CI set), where the browser
// test must run.
func requireChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" || os.Getenv("FCSYNC_CI") != "" {
		t.Fatal("the browser test needs Debian's chromium, and CI must run it: install it with make deps")
	}
	t.Skip("the browser test needs Debian's chromium: install it with make deps (apt-get install chromium)")
	return ""
}

// newBrowser starts headless Chromium with a fresh profile and the flags
// that keep it off the network (this machine has none but its own), and
// returns a tab's context, bounded to two minutes.
func newBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "chromium")),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 2*time.Minute)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	ctx, cancelTab := chromedp.NewContext(ctx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	})
	return ctx
}

// browserDo performs browser steps, failing the test with what was being done.
func browserDo(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
}

// browserRead runs one browser action that reads a value.
func browserRead(t *testing.T, ctx context.Context, what string, a chromedp.Action[string]) string {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

// getDemoWeb reads demo/web through the Go SDK, with its ETag.
func getDemoWeb(t *testing.T, srv *emulator.Server) *fcapi.GetFunctionResponse {
	t.Helper()
	c, err := fcapi.NewClient(&openapi.Config{
		Endpoint: tea.String(srv.Addr), Protocol: tea.String("http"),
		AccessKeyId: tea.String(testKeyID), AccessKeySecret: tea.String(testSecret),
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.GetFunction(tea.String("demo"), tea.String("web"), &fcapi.GetFunctionRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
