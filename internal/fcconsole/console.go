// Package fcconsole stands in for the Function Compute web console: it
// changes FC behind fcsync's back, through the official Go SDK's typed API,
// exactly as a colleague's hot-fix would arrive. The test scenarios and the
// demo use it against fc-emulator; it works against real FC too.
package fcconsole

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	fcopen "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"
)

// Usage lists the operations Run understands.
const Usage = baseUsage + "\n" + kindsUsage

const baseUsage = `create-service SVC [JSON]
delete-service SVC           (FC refuses it while the service has functions)
create-function SVC FN JSON [CODEDIR | ZIPFILE]
update-function SVC FN JSON
update-code SVC FN CODEDIR | ZIPFILE
delete-function SVC FN
create-trigger SVC FN T TYPE CONFIGJSON
update-trigger SVC FN T CONFIGJSON
delete-trigger SVC FN T
create-domain NAME JSON
get-function SVC FN          (prints the function as JSON)
get-code SVC FN PATH         (prints one file of the code)`

// ErrUsage is returned for an unknown operation or missing arguments.
var ErrUsage = errors.New("usage")

// Console is a client of the FC API that edits resources the way the web
// console does.
type Console struct {
	api *fcopen.Client
	// Dir resolves relative CODEDIR and ZIPFILE arguments.
	Dir string
}

// New connects to the FC API at endpoint (a URL such as
// http://127.0.0.1:9000) with an access key pair.
func New(endpoint, keyID, secret string) (*Console, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("endpoint %q: want a URL such as http://127.0.0.1:9000", endpoint)
	}
	api, err := fcopen.NewClient(&openapi.Config{
		Endpoint:        tea.String(u.Host),
		Protocol:        tea.String(u.Scheme),
		AccessKeyId:     tea.String(keyID),
		AccessKeySecret: tea.String(secret),
	})
	if err != nil {
		return nil, err
	}
	return &Console{api: api}, nil
}

// Run performs one operation (see Usage), printing results to out.
func (c *Console) Run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: no operation\n%s", ErrUsage, Usage)
	}
	if op, ok := kindOps[args[0]]; ok {
		if len(args) < op.need {
			return fmt.Errorf("%w: %s: missing arguments\n%s", ErrUsage, args[0], Usage)
		}
		return op.run(c, args, out)
	}
	need := map[string]int{
		"create-service": 2, "delete-service": 2, "create-function": 4, "update-function": 4, "update-code": 4,
		"delete-function": 3, "create-trigger": 6, "update-trigger": 5, "delete-trigger": 4,
		"get-function": 3, "get-code": 4, "create-domain": 3,
	}
	n, ok := need[args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown operation %q\n%s", ErrUsage, args[0], Usage)
	}
	if len(args) < n {
		return fmt.Errorf("%w: %s: missing arguments\n%s", ErrUsage, args[0], Usage)
	}
	arg := func(i int) string {
		if i < len(args) {
			return args[i]
		}
		return ""
	}
	s := tea.String
	switch args[0] {
	case "create-service":
		req := &fcopen.CreateServiceRequest{}
		if err := decode(arg(2), req); err != nil {
			return err
		}
		req.ServiceName = s(args[1])
		_, err := c.api.CreateService(req)
		return err
	case "delete-service":
		_, err := c.api.DeleteService(s(args[1]))
		return err
	case "create-function":
		req := &fcopen.CreateFunctionRequest{}
		if err := decode(args[3], req); err != nil {
			return err
		}
		req.FunctionName = s(args[2])
		if arg(4) != "" {
			code, err := c.code(args[4])
			if err != nil {
				return err
			}
			req.Code = code
		}
		_, err := c.api.CreateFunction(s(args[1]), req)
		return err
	case "update-function":
		req := &fcopen.UpdateFunctionRequest{}
		if err := decode(args[3], req); err != nil {
			return err
		}
		_, err := c.api.UpdateFunction(s(args[1]), s(args[2]), req)
		return err
	case "update-code":
		code, err := c.code(args[3])
		if err != nil {
			return err
		}
		_, err = c.api.UpdateFunction(s(args[1]), s(args[2]), &fcopen.UpdateFunctionRequest{Code: code})
		return err
	case "delete-function":
		_, err := c.api.DeleteFunction(s(args[1]), s(args[2]))
		return err
	case "create-trigger":
		req := &fcopen.CreateTriggerRequest{TriggerName: s(args[3]), TriggerType: s(args[4]), TriggerConfig: s(args[5])}
		_, err := c.api.CreateTrigger(s(args[1]), s(args[2]), req)
		return err
	case "update-trigger":
		req := &fcopen.UpdateTriggerRequest{TriggerConfig: s(args[4])}
		_, err := c.api.UpdateTrigger(s(args[1]), s(args[2]), s(args[3]), req)
		return err
	case "delete-trigger":
		_, err := c.api.DeleteTrigger(s(args[1]), s(args[2]), s(args[3]))
		return err
	case "create-domain":
		req := &fcopen.CreateCustomDomainRequest{}
		if err := decode(args[2], req); err != nil {
			return err
		}
		req.DomainName = s(args[1])
		_, err := c.api.CreateCustomDomain(req)
		return err
	case "get-function":
		resp, err := c.api.GetFunction(s(args[1]), s(args[2]), &fcopen.GetFunctionRequest{})
		if err != nil {
			return err
		}
		b, err := json.MarshalIndent(resp.Body, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "%s\n", b)
		return err
	case "get-code":
		return c.getCode(args[1], args[2], args[3], out)
	}
	return nil
}

// decode fills a typed SDK request from a JSON argument such as
// '{"memorySize":256}'.
func decode(arg string, into any) error {
	if arg == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(arg), into); err != nil {
		return fmt.Errorf("bad JSON %q: %w", arg, err)
	}
	return nil
}

func (c *Console) path(p string) string {
	if filepath.IsAbs(p) || c.Dir == "" {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// code reads a code folder (zipped here) or a zip file.
func (c *Console) code(arg string) (*fcopen.Code, error) {
	p := c.path(arg)
	info, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	var data []byte
	if info.IsDir() {
		entries, err := DirEntries(p)
		if err != nil {
			return nil, err
		}
		if data, err = BuildZip(entries); err != nil {
			return nil, err
		}
	} else if data, err = os.ReadFile(p); err != nil {
		return nil, err
	}
	return &fcopen.Code{ZipFile: tea.String(base64.StdEncoding.EncodeToString(data))}, nil
}

func (c *Console) getCode(svc, fn, name string, out io.Writer) error {
	resp, err := c.api.GetFunctionCode(tea.String(svc), tea.String(fn), &fcopen.GetFunctionCodeRequest{})
	if err != nil {
		return err
	}
	dl, err := http.Get(tea.StringValue(resp.Body.Url))
	if err != nil {
		return fmt.Errorf("download code: %w", err)
	}
	defer dl.Body.Close()
	data, err := io.ReadAll(dl.Body)
	if err != nil {
		return fmt.Errorf("download code: %w", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		r, err := f.Open()
		if err != nil {
			return err
		}
		defer r.Close()
		_, err = io.Copy(out, r)
		return err
	}
	return fmt.Errorf("%s is not in the code of %s/%s", name, svc, fn)
}

// ZipEntry is one entry of an archive BuildZip writes.
type ZipEntry struct {
	Name    string
	Data    []byte
	Symlink bool
}

// DirEntries lists the files under dir as zip entries, sorted.
func DirEntries(dir string) ([]ZipEntry, error) {
	var out []ZipEntry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		out = append(out, ZipEntry{Name: filepath.ToSlash(rel), Data: data})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// BuildZip writes entries verbatim, names unchecked, so that tests can
// upload the hostile archives fcsync must refuse.
func BuildZip(entries []ZipEntry) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate}
		mode := fs.FileMode(0o644)
		if e.Symlink {
			mode = fs.ModeSymlink | 0o777
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(e.Data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
