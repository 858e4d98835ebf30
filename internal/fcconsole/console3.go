package fcconsole

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
)

// Usage3 lists the FC 3.0 operations Run3 understands.
const Usage3 = `create-function FN JSON [CODEDIR | ZIPFILE]
update-function FN JSON
update-code FN CODEDIR | ZIPFILE
delete-function FN
create-trigger FN T TYPE CONFIGJSON
update-trigger FN T CONFIGJSON
get-function FN              (prints the function as JSON)`

// Console3 edits FC 3.0 (API 2023-03-30, functions at the top) the way
// the web console does, in process: the randomized and adversarial tests
// and the benchmark make hundreds of console edits, too many to spawn the
// Node.js SDK's console (conformance/node/console3.js, the scenarios'
// independent client) for each, and the demo must run without Node.js.
// There is no typed Go SDK of FC 3.0 among fcsync's modules, so it calls
// through darabonba-openapi's CallApi, the signing and transport the typed
// SDKs are generated over, with the paths and bodies the official SDK
// sends; nothing of fcsync's own client is used.
type Console3 struct {
	api *openapi.Client
	// Dir resolves relative CODEDIR and ZIPFILE arguments of Run3.
	Dir string
}

// New3 connects to the FC 3.0 API at endpoint with an access key pair.
func New3(endpoint, keyID, secret string) (*Console3, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("endpoint %q: want a URL such as http://127.0.0.1:9000", endpoint)
	}
	api, err := openapi.NewClient(&openapi.Config{
		Endpoint: tea.String(u.Host), Protocol: tea.String(u.Scheme),
		AccessKeyId: tea.String(keyID), AccessKeySecret: tea.String(secret),
	})
	if err != nil {
		return nil, err
	}
	return &Console3{api: api}, nil
}

// Run3 performs one FC 3.0 operation (see Usage3), printing results to out.
func (c *Console3) Run3(args []string, out io.Writer) error {
	need := map[string]int{"create-function": 3, "update-function": 3, "update-code": 3, "delete-function": 2,
		"create-trigger": 5, "update-trigger": 4, "get-function": 2}
	if len(args) == 0 {
		return fmt.Errorf("%w: no operation\n%s", ErrUsage, Usage3)
	}
	n, ok := need[args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown FC 3.0 operation %q\n%s", ErrUsage, args[0], Usage3)
	}
	if len(args) < n {
		return fmt.Errorf("%w: %s: missing arguments\n%s", ErrUsage, args[0], Usage3)
	}
	fn := "/functions/" + url.PathEscape(args[1])
	switch args[0] {
	case "create-function":
		body, err := c.body(args[2], arg(args, 3))
		if err != nil {
			return err
		}
		body["functionName"] = args[1]
		_, err = c.call("CreateFunction", "POST", "/functions", nil, body)
		return err
	case "update-function":
		body, err := c.body(args[2], "")
		if err != nil {
			return err
		}
		_, err = c.call("UpdateFunction", "PUT", fn, nil, body)
		return err
	case "update-code":
		body, err := c.body("", args[2])
		if err != nil {
			return err
		}
		_, err = c.call("UpdateFunction", "PUT", fn, nil, body)
		return err
	case "delete-function":
		return c.DeleteFunction(args[1])
	case "create-trigger":
		return c.CreateTrigger(args[1], args[2], args[3], args[4])
	case "update-trigger":
		return c.UpdateTrigger(args[1], args[2], args[3])
	case "get-function":
		got, err := c.call("GetFunction", "GET", fn, nil, nil)
		if err != nil {
			return err
		}
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "%s\n", b)
		return err
	}
	return nil
}

// body is a request body from a JSON argument, with the code of a folder
// (zipped here) or a zip file when src is given.
func (c *Console3) body(arg, src string) (map[string]any, error) {
	body := map[string]any{}
	if err := decode(arg, &body); err != nil {
		return nil, err
	}
	if src != "" {
		code, err := (&Console{Dir: c.Dir}).code(src)
		if err != nil {
			return nil, err
		}
		body["code"] = map[string]any{"zipFile": tea.StringValue(code.ZipFile)}
	}
	return body, nil
}

// call sends one request; path is under /2023-03-30 and already escaped.
func (c *Console3) call(action, method, path string, query map[string]string, body any) (map[string]any, error) {
	req := &openapi.OpenApiRequest{Query: map[string]*string{}}
	for k, v := range query {
		req.Query[k] = tea.String(v)
	}
	if body != nil {
		req.Body = body
	}
	params := &openapi.Params{
		Action: tea.String(action), Version: tea.String("2023-03-30"), Protocol: c.api.Protocol,
		Pathname: tea.String("/2023-03-30" + path), Method: tea.String(method), AuthType: tea.String("AK"),
		Style: tea.String("ROA"), ReqBodyType: tea.String("json"), BodyType: tea.String("json"),
	}
	if method == http.MethodDelete {
		params.BodyType = tea.String("none")
	}
	resp, err := c.api.CallApi(params, req, &util.RuntimeOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", action, path, err)
	}
	out, _ := resp["body"].(map[string]any)
	return out, nil
}

func esc(s string) string { return url.PathEscape(s) }

// CreateFunction creates fn from a body of FC's own field names and a zip.
func (c *Console3) CreateFunction(fn string, body map[string]any, zip []byte) error {
	in := map[string]any{"functionName": fn}
	for k, v := range body {
		in[k] = v
	}
	if zip != nil {
		in["code"] = map[string]any{"zipFile": base64.StdEncoding.EncodeToString(zip)}
	}
	_, err := c.call("CreateFunction", http.MethodPost, "/functions", nil, in)
	return err
}

// UpdateFunction sends the fields of body; a zip, when given, replaces the code.
func (c *Console3) UpdateFunction(fn string, body map[string]any, zip []byte) error {
	in := map[string]any{}
	for k, v := range body {
		in[k] = v
	}
	if zip != nil {
		in["code"] = map[string]any{"zipFile": base64.StdEncoding.EncodeToString(zip)}
	}
	_, err := c.call("UpdateFunction", http.MethodPut, "/functions/"+esc(fn), nil, in)
	return err
}

// DeleteFunction deletes fn (FC refuses while it has triggers).
func (c *Console3) DeleteFunction(fn string) error {
	_, err := c.call("DeleteFunction", http.MethodDelete, "/functions/"+esc(fn), nil, nil)
	return err
}

// CreateTrigger creates a trigger; config is the triggerConfig JSON string.
func (c *Console3) CreateTrigger(fn, name, typ, config string) error {
	_, err := c.call("CreateTrigger", http.MethodPost, "/functions/"+esc(fn)+"/triggers", nil,
		map[string]any{"triggerName": name, "triggerType": typ, "triggerConfig": config})
	return err
}

// UpdateTrigger replaces a trigger's config (a JSON string).
func (c *Console3) UpdateTrigger(fn, name, config string) error {
	_, err := c.call("UpdateTrigger", http.MethodPut, "/functions/"+esc(fn)+"/triggers/"+esc(name), nil,
		map[string]any{"triggerConfig": config})
	return err
}

// DeleteTrigger deletes a trigger.
func (c *Console3) DeleteTrigger(fn, name string) error {
	_, err := c.call("DeleteTrigger", http.MethodDelete, "/functions/"+esc(fn)+"/triggers/"+esc(name), nil, nil)
	return err
}

// Functions lists every function of the region, page by page.
func (c *Console3) Functions() ([]map[string]any, error) {
	return c.list("ListFunctions", "/functions", "functions")
}

// Triggers lists fn's triggers.
func (c *Console3) Triggers(fn string) ([]map[string]any, error) {
	return c.list("ListTriggers", "/functions/"+esc(fn)+"/triggers", "triggers")
}

func (c *Console3) list(action, path, key string) ([]map[string]any, error) {
	var out []map[string]any
	token := ""
	for {
		q := map[string]string{"limit": "100"}
		if token != "" {
			q["nextToken"] = token
		}
		body, err := c.call(action, http.MethodGet, path, q, nil)
		if err != nil {
			return nil, err
		}
		items, ok := body[key].([]any)
		if !ok && body[key] != nil {
			return nil, fmt.Errorf("%s: %q is not a list", action, key)
		}
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				out = append(out, m)
			}
		}
		token, _ = body["nextToken"].(string)
		if token == "" {
			return out, nil
		}
	}
}

// CodeFiles downloads fn's code and returns its files by name.
func (c *Console3) CodeFiles(fn string) (map[string][]byte, error) {
	body, err := c.call("GetFunctionCode", http.MethodGet, "/functions/"+esc(fn)+"/code", nil, nil)
	if err != nil {
		return nil, err
	}
	link, _ := body["url"].(string)
	dl, err := http.Get(link)
	if err != nil {
		return nil, fmt.Errorf("download code: %w", err)
	}
	defer dl.Body.Close()
	data, err := io.ReadAll(dl.Body)
	if err != nil {
		return nil, fmt.Errorf("download code: %w", err)
	}
	return unzipFiles(data)
}

func unzipFiles(data []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		r, err := f.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return nil, err
		}
		files[f.Name] = b
	}
	return files, nil
}
