package fcconsole

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
)

// Console3 edits FC 3.0 (API 2023-03-30) the way the web console does, in
// process: the randomized and adversarial tests make hundreds of console
// edits, too many to spawn the Node.js SDK's console (conformance/node/
// console3.js) for each. It calls through darabonba-openapi's CallApi, the
// signing and transport the official FC 3.0 Go SDK (fc-20230330) is
// generated over, with the paths and bodies that SDK sends; nothing of
// fcsync's own client is used.
type Console3 struct {
	api *openapi.Client
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
		Action: tea.String(action), Version: tea.String("2023-03-30"), Protocol: tea.String("HTTPS"),
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
