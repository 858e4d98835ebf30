package fcconsole

import (
	"encoding/json"
	"fmt"
	"io"
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

// Console3 edits FC 3.0 (API 2023-03-30, functions at the top) as its web
// console does. There is no typed Go SDK of FC 3.0 among fcsync's
// modules, so it calls the API through the official SDK's generic
// CallApi, as the typed SDKs themselves do; the Node.js SDK
// (conformance/node/console3.js) is the test scenarios' other,
// independent client.
type Console3 struct {
	api *openapi.Client
	// Dir resolves relative CODEDIR and ZIPFILE arguments.
	Dir string
}

// New3 connects to the FC 3.0 API at endpoint with an access key pair.
func New3(endpoint, keyID, secret string) (*Console3, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("endpoint %q: want a URL such as http://127.0.0.1:9000", endpoint)
	}
	api, err := openapi.NewClient(&openapi.Config{
		Endpoint:        tea.String(u.Host),
		Protocol:        tea.String(u.Scheme),
		AccessKeyId:     tea.String(keyID),
		AccessKeySecret: tea.String(secret),
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
		_, err = c.call("CreateFunction", "POST", "/functions", body)
		return err
	case "update-function":
		body, err := c.body(args[2], "")
		if err != nil {
			return err
		}
		_, err = c.call("UpdateFunction", "PUT", fn, body)
		return err
	case "update-code":
		body, err := c.body("", args[2])
		if err != nil {
			return err
		}
		_, err = c.call("UpdateFunction", "PUT", fn, body)
		return err
	case "delete-function":
		_, err := c.call("DeleteFunction", "DELETE", fn, nil)
		return err
	case "create-trigger":
		body := map[string]any{"triggerName": args[2], "triggerType": args[3], "triggerConfig": args[4]}
		_, err := c.call("CreateTrigger", "POST", fn+"/triggers", body)
		return err
	case "update-trigger":
		body := map[string]any{"triggerConfig": args[3]}
		_, err := c.call("UpdateTrigger", "PUT", fn+"/triggers/"+url.PathEscape(args[2]), body)
		return err
	case "get-function":
		got, err := c.call("GetFunction", "GET", fn, nil)
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

// call makes one ROA call of the 2023-03-30 API and returns its JSON body
// (nil for an answer without one).
func (c *Console3) call(action, method, path string, body map[string]any) (map[string]any, error) {
	bodyType := "json"
	if method == "DELETE" {
		bodyType = "none"
	}
	params := &openapi.Params{
		Action: tea.String(action), Version: tea.String("2023-03-30"), Protocol: c.api.Protocol,
		Pathname: tea.String("/2023-03-30" + path), Method: tea.String(method), AuthType: tea.String("AK"),
		Style: tea.String("ROA"), ReqBodyType: tea.String("json"), BodyType: tea.String(bodyType),
	}
	req := &openapi.OpenApiRequest{}
	if body != nil {
		req.Body = body
	}
	resp, err := c.api.CallApi(params, req, &util.RuntimeOptions{})
	if err != nil {
		return nil, err
	}
	got, _ := resp["body"].(map[string]any)
	return got, nil
}
