package emulator

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
)

// errNoETag refuses a function save without the ETag of the page it was
// made on: every save is guarded, so a console edit never silently
// overwrites a change made meanwhile.
var errNoETag = errors.New("the form carries no ETag: reload the page and edit again")

// functionForm is what the function page's form holds: the stored values,
// or what was submitted when a save was refused, so nothing typed is lost.
type functionForm struct {
	ETag, MemorySize, Timeout string
	Env                       []envRow
}

// refusal is a save the API (or the console) refused: the page is shown
// again with the error and what was submitted.
type refusal struct {
	what string
	err  error
	form *functionForm // the function page's form, as submitted
	text *string       // the code page's text, as submitted
}

// saveFunction sends the fields of the function form that differ from what
// is stored as one UpdateFunction, guarded by the ETag the page showed.
func (c *console) saveFunction(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	svc, fn := f.Get("service"), f.Get("function")
	cur, ok := c.function(svc, fn)
	if !ok {
		http.Error(w, "console: "+functionNotFound(svc, fn).message, http.StatusNotFound)
		return
	}
	sub := functionForm{ETag: f.Get("etag"), MemorySize: f.Get("memorySize"), Timeout: f.Get("timeout")}
	if sub.ETag == "" {
		c.functionPage(w, r, &refusal{err: errNoETag, form: &sub})
		return
	}
	names, values := f["env.name"], f["env.value"]
	for i, name := range names {
		if i < len(values) {
			sub.Env = append(sub.Env, envRow{Name: name, Value: values[i], Multiline: strings.ContainsAny(values[i], "\r\n")})
		}
	}
	update := map[string]any{}
	if sub.MemorySize != cur.MemorySize {
		update["memorySize"] = formNumber(sub.MemorySize)
	}
	if sub.Timeout != cur.Timeout {
		update["timeout"] = formNumber(sub.Timeout)
	}
	env, err := envFromForm(sub.Env, cur.rawEnv)
	if err != nil {
		c.functionPage(w, r, &refusal{err: err, form: &sub})
		return
	}
	if !reflect.DeepEqual(env, cur.rawEnv) && !(len(env) == 0 && len(cur.rawEnv) == 0) {
		update["environmentVariables"] = env
	}
	saved := "config"
	if len(update) == 0 {
		saved = "nothing"
	} else if _, err := c.call(r, http.MethodPut, resourcePath(svc, fn), nil, update, sub.ETag); err != nil {
		c.functionPage(w, r, &refusal{err: err, form: &sub})
		return
	}
	seeOther(w, r, "/console/function", url.Values{"service": {svc}, "function": {fn}, "saved": {saved}})
}

// envFromForm builds environmentVariables from the form's rows: a row with
// neither name nor value is empty (the blank row, or a variable removed),
// and a row whose text is what the page showed keeps the stored value as
// it was.
func envFromForm(rows []envRow, stored map[string]any) (map[string]any, error) {
	env := map[string]any{}
	for _, row := range rows {
		if row.Name == "" && row.Value == "" {
			continue
		}
		if row.Name == "" {
			return nil, errors.New("an environment variable needs a name: clear its value too to remove it")
		}
		if _, twice := env[row.Name]; twice {
			return nil, fmt.Errorf("the environment variable %s is given twice", row.Name)
		}
		old, had := stored[row.Name]
		value := fromTextArea(row.Value, text(old))
		if had && value == text(old) {
			env[row.Name] = old
			continue
		}
		env[row.Name] = value
	}
	return env, nil
}

// fromTextArea undoes what a browser does to a text area's value: it sends
// every line break as CRLF. A text that had no CR keeps its LF line breaks.
func fromTextArea(submitted, original string) string {
	if strings.Contains(original, "\r") {
		return submitted
	}
	return strings.ReplaceAll(submitted, "\r\n", "\n")
}

var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// formNumber is a form field sent as a JSON number when it reads as one,
// else as the text typed, so that the API refuses it with FC's message.
func formNumber(s string) any {
	if t := strings.TrimSpace(s); jsonNumber.MatchString(t) {
		return json.Number(t)
	}
	return s
}

// saveCode replaces one file of the function's code package with the text
// area's content and uploads the package through UpdateFunction, guarded by
// the ETag the page showed: codeChecksum, codeSize, lastModifiedTime and the
// ETag change as for any code update.
func (c *console) saveCode(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	svc, fn, file := f.Get("service"), f.Get("function"), f.Get("file")
	submitted := f.Get("text")
	refuse := func(err error) { c.codePage(w, r, &refusal{err: err, text: &submitted}) }
	cur, ok := c.function(svc, fn)
	if !ok {
		http.Error(w, "console: "+functionNotFound(svc, fn).message, http.StatusNotFound)
		return
	}
	if f.Get("etag") == "" {
		refuse(errNoETag)
		return
	}
	if !cur.hasCode {
		refuse(errors.New("this function has no code package"))
		return
	}
	orig, why, err := readCodeFile(cur.code, file)
	if err != nil {
		refuse(err)
		return
	}
	if why != "" {
		refuse(fmt.Errorf("%s is %s", file, why))
		return
	}
	newText := fromTextArea(submitted, orig)
	if len(newText) > maxEditableFile {
		refuse(fmt.Errorf("the new text is %d bytes; the console saves files of up to %d bytes", len(newText), maxEditableFile))
		return
	}
	if why := notText([]byte(newText)); why != "" {
		refuse(fmt.Errorf("the new text is %s", why))
		return
	}
	saved := "nothing"
	if newText != orig {
		pkg, err := replaceCodeFile(cur.code, file, []byte(newText))
		if err != nil {
			refuse(err)
			return
		}
		body := map[string]any{"code": map[string]any{"zipFile": base64.StdEncoding.EncodeToString(pkg)}}
		if _, err := c.call(r, http.MethodPut, resourcePath(svc, fn), nil, body, f.Get("etag")); err != nil {
			refuse(err)
			return
		}
		saved = "code"
	}
	seeOther(w, r, "/console/function", url.Values{"service": {svc}, "function": {fn}, "saved": {saved}})
}
