package emulator

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
)

// The pages are html/template, so every value, hostile names, environment
// values and code included, is escaped for where it stands.

//go:embed console.html
var consoleHTML string

var consoleTemplates = template.Must(template.New("console").Parse(consoleHTML))

// page is what every page shows around its content.
type page struct {
	Title            string
	Crumb            *crumb
	Notice           string
	ErrorWhat, Error string
}

// crumb is where a page stands: a function, and a file of its code.
type crumb struct{ Service, Function, File string }

// notices are the messages a save's redirect asks for; the query names one,
// so no text from a URL reaches the page.
var notices = map[string]string{
	"config":  "Configuration saved.",
	"code":    "Code saved.",
	"alias":   "Alias saved.",
	"nothing": "Nothing changed, so nothing was saved.",
}

func (c *console) newPage(r *http.Request, title string, at *crumb, refused *refusal) page {
	p := page{Title: title, Crumb: at, Notice: notices[r.URL.Query().Get("saved")]}
	if refused != nil {
		p.Notice, p.ErrorWhat, p.Error = "", refused.what, saveError(refused.err)
	}
	return p
}

func (c *console) overview(w http.ResponseWriter, r *http.Request) { c.overviewPage(w, r, nil) }

func (c *console) overviewPage(w http.ResponseWriter, r *http.Request, refused *refusal) {
	data := struct {
		page
		Services []serviceView
	}{page: c.newPage(r, "Services", nil, refused), Services: c.services()}
	c.render(w, status(refused), "overview", data)
}

func (c *console) functionPage(w http.ResponseWriter, r *http.Request, refused *refusal) {
	svc, fn := formOrQuery(r, "service"), formOrQuery(r, "function")
	f, ok := c.function(svc, fn)
	if !ok {
		http.Error(w, "console: "+functionNotFound(svc, fn).message, http.StatusNotFound)
		return
	}
	data := struct {
		page
		F          functionView
		Form       functionForm
		Files      []codeFile
		FilesError string
	}{page: c.newPage(r, svc+"/"+fn, &crumb{Service: svc, Function: fn}, refused), F: f,
		Form: functionForm{ETag: f.ETag, MemorySize: f.MemorySize, Timeout: f.Timeout, Env: f.Env}}
	if refused != nil && refused.form != nil {
		data.Form = *refused.form
	}
	if f.hasCode {
		var err error
		if data.Files, err = listCode(f.code); err != nil {
			data.FilesError = err.Error()
		}
	}
	c.render(w, status(refused), "function", data)
}

func (c *console) codePage(w http.ResponseWriter, r *http.Request, refused *refusal) {
	svc, fn, file := formOrQuery(r, "service"), formOrQuery(r, "function"), formOrQuery(r, "file")
	f, ok := c.function(svc, fn)
	if !ok {
		http.Error(w, "console: "+functionNotFound(svc, fn).message, http.StatusNotFound)
		return
	}
	data := struct {
		page
		F               functionView
		File, Text, Why string
		ETag            string
	}{page: c.newPage(r, file, &crumb{Service: svc, Function: fn, File: file}, refused), F: f, File: file, ETag: f.ETag}
	if !f.hasCode {
		data.Why = "in no code package: this function has none"
	} else if text, why, err := readCodeFile(f.code, file); err != nil {
		http.Error(w, "console: "+err.Error(), http.StatusNotFound)
		return
	} else {
		data.Text, data.Why = text, why
	}
	if refused != nil && refused.text != nil {
		// What was typed stays, and so does the ETag it was typed against:
		// a save refused as stale stays refused until the page is reloaded.
		data.Text, data.ETag = *refused.text, r.PostForm.Get("etag")
	}
	st := status(refused)
	if data.Why != "" && st == http.StatusOK {
		st = http.StatusUnprocessableEntity
	}
	c.render(w, st, "code", data)
}

// formOrQuery reads a name from a posted form, else from the URL.
func formOrQuery(r *http.Request, key string) string {
	if v := r.PostForm.Get(key); v != "" {
		return v
	}
	return r.URL.Query().Get(key)
}

func status(refused *refusal) int {
	if refused == nil {
		return http.StatusOK
	}
	return statusOf(refused.err)
}

// render executes a page into a buffer first, so a failing template never
// sends half a page.
func (c *console) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := consoleTemplates.ExecuteTemplate(&buf, name, data); err != nil {
		c.e.logf("emulator: console page %s: %v", name, err)
		http.Error(w, "console: the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
