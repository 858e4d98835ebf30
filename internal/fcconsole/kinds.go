package fcconsole

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	fcopen "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
)

// The console's edits of what hangs off services and functions besides
// triggers, as the web console makes them during an incident: versions,
// aliases and their traffic weights, provisioned and on-demand instances,
// async invocation, tags, layers, VPC bindings, and invocations.
const kindsUsage = `publish-version SVC [DESCRIPTION]      (prints the version id)
delete-version SVC VERSION
list-versions SVC                      (prints the versions as JSON)
create-alias SVC ALIAS VERSION [JSON]  (JSON: more fields of CreateAliasRequest)
update-alias SVC ALIAS JSON            (JSON: UpdateAliasRequest)
point-alias SVC ALIAS VERSION          (moves the alias's main version, out of its canary weights)
set-alias-weight SVC ALIAS VERSION WEIGHT  (the canary: {VERSION: WEIGHT}; WEIGHT 0 removes it)
delete-alias SVC ALIAS
get-alias SVC ALIAS                    (prints the alias as JSON)
set-provision-target SVC FN QUALIFIER N
put-provision SVC FN QUALIFIER JSON    (JSON: PutProvisionConfigRequest)
get-provision SVC FN QUALIFIER
set-on-demand-max SVC FN QUALIFIER N
delete-on-demand SVC FN QUALIFIER
get-on-demand SVC FN QUALIFIER
set-async-retry SVC FN QUALIFIER N     (keeps the config's other fields)
put-async-config SVC FN QUALIFIER JSON (JSON: PutFunctionAsyncInvokeConfigRequest)
delete-async-config SVC FN QUALIFIER
get-async-config SVC FN QUALIFIER
tag SVC KEY=VALUE...
untag SVC KEY...
get-tags SVC                           (prints the tags as JSON)
publish-layer NAME CODEDIR | ZIPFILE JSON  (JSON: compatibleRuntime, description; prints the version)
delete-layer-version NAME VERSION
bind-vpc SVC VPCID
unbind-vpc SVC VPCID
invoke SVC[.QUALIFIER] FN [BODY]       (prints the answer's body)
invoke-async SVC[.QUALIFIER] FN [BODY]`

// kindOp is one console operation: its least number of arguments (the
// operation's name included) and what it does.
type kindOp struct {
	need int
	run  func(c *Console, a []string, out io.Writer) error
}

var kindOps = map[string]kindOp{
	"publish-version": {2, func(c *Console, a []string, out io.Writer) error {
		id, err := c.PublishVersion(a[1], arg(a, 2))
		if err == nil {
			_, err = fmt.Fprintln(out, id)
		}
		return err
	}},
	"delete-version": {3, func(c *Console, a []string, _ io.Writer) error {
		_, err := c.api.DeleteServiceVersion(s(a[1]), s(a[2]))
		return err
	}},
	"list-versions": {2, func(c *Console, a []string, out io.Writer) error {
		resp, err := c.api.ListServiceVersions(s(a[1]), &fcopen.ListServiceVersionsRequest{Limit: tea.Int32(100)})
		return printed(out, err, func() any { return resp.Body.Versions })
	}},
	"create-alias": {4, func(c *Console, a []string, _ io.Writer) error {
		req := &fcopen.CreateAliasRequest{}
		if err := decode(arg(a, 4), req); err != nil {
			return err
		}
		req.AliasName, req.VersionId = s(a[2]), s(a[3])
		_, err := c.api.CreateAlias(s(a[1]), req)
		return err
	}},
	"update-alias": {4, func(c *Console, a []string, _ io.Writer) error {
		req := &fcopen.UpdateAliasRequest{}
		if err := decode(a[3], req); err != nil {
			return err
		}
		_, err := c.api.UpdateAlias(s(a[1]), s(a[2]), req)
		return err
	}},
	"point-alias": {4, func(c *Console, a []string, _ io.Writer) error { return c.PointAlias(a[1], a[2], a[3]) }},
	"set-alias-weight": {5, func(c *Console, a []string, _ io.Writer) error {
		w, err := strconv.ParseFloat(a[4], 32)
		if err != nil {
			return fmt.Errorf("%w: set-alias-weight: weight %q is not a number", ErrUsage, a[4])
		}
		weights := map[string]*float32{}
		if w != 0 {
			weights[a[3]] = tea.Float32(float32(w))
		}
		_, err = c.api.UpdateAlias(s(a[1]), s(a[2]), &fcopen.UpdateAliasRequest{AdditionalVersionWeight: weights})
		return err
	}},
	"delete-alias": {3, func(c *Console, a []string, _ io.Writer) error {
		_, err := c.api.DeleteAlias(s(a[1]), s(a[2]))
		return err
	}},
	"get-alias": {3, func(c *Console, a []string, out io.Writer) error {
		resp, err := c.api.GetAlias(s(a[1]), s(a[2]))
		return printed(out, err, func() any { return resp.Body })
	}},
	"set-provision-target": {5, func(c *Console, a []string, _ io.Writer) error {
		n, err := count(a[4])
		if err != nil {
			return err
		}
		_, err = c.api.PutProvisionConfig(s(a[1]), s(a[2]), &fcopen.PutProvisionConfigRequest{Qualifier: s(a[3]), Target: tea.Int64(n)})
		return err
	}},
	"put-provision": {5, func(c *Console, a []string, _ io.Writer) error {
		req := &fcopen.PutProvisionConfigRequest{}
		if err := decode(a[4], req); err != nil {
			return err
		}
		req.Qualifier = s(a[3])
		_, err := c.api.PutProvisionConfig(s(a[1]), s(a[2]), req)
		return err
	}},
	"get-provision": {4, func(c *Console, a []string, out io.Writer) error {
		resp, err := c.api.GetProvisionConfig(s(a[1]), s(a[2]), &fcopen.GetProvisionConfigRequest{Qualifier: s(a[3])})
		return printed(out, err, func() any { return resp.Body })
	}},
	"set-on-demand-max": {5, func(c *Console, a []string, _ io.Writer) error {
		n, err := count(a[4])
		if err != nil {
			return err
		}
		_, err = c.api.PutFunctionOnDemandConfig(s(a[1]), s(a[2]),
			&fcopen.PutFunctionOnDemandConfigRequest{Qualifier: s(a[3]), MaximumInstanceCount: tea.Int64(n)})
		return err
	}},
	"delete-on-demand": {4, func(c *Console, a []string, _ io.Writer) error {
		_, err := c.api.DeleteFunctionOnDemandConfig(s(a[1]), s(a[2]), &fcopen.DeleteFunctionOnDemandConfigRequest{Qualifier: s(a[3])})
		return err
	}},
	"get-on-demand": {4, func(c *Console, a []string, out io.Writer) error {
		resp, err := c.api.GetFunctionOnDemandConfig(s(a[1]), s(a[2]), &fcopen.GetFunctionOnDemandConfigRequest{Qualifier: s(a[3])})
		return printed(out, err, func() any { return resp.Body })
	}},
	"set-async-retry": {5, func(c *Console, a []string, _ io.Writer) error {
		n, err := count(a[4])
		if err != nil {
			return err
		}
		return c.SetAsyncRetry(a[1], a[2], a[3], n)
	}},
	"put-async-config": {5, func(c *Console, a []string, _ io.Writer) error {
		req := &fcopen.PutFunctionAsyncInvokeConfigRequest{}
		if err := decode(a[4], req); err != nil {
			return err
		}
		req.Qualifier = s(a[3])
		_, err := c.api.PutFunctionAsyncInvokeConfig(s(a[1]), s(a[2]), req)
		return err
	}},
	"delete-async-config": {4, func(c *Console, a []string, _ io.Writer) error {
		_, err := c.api.DeleteFunctionAsyncInvokeConfig(s(a[1]), s(a[2]), &fcopen.DeleteFunctionAsyncInvokeConfigRequest{Qualifier: s(a[3])})
		return err
	}},
	"get-async-config": {4, func(c *Console, a []string, out io.Writer) error {
		resp, err := c.api.GetFunctionAsyncInvokeConfig(s(a[1]), s(a[2]), &fcopen.GetFunctionAsyncInvokeConfigRequest{Qualifier: s(a[3])})
		return printed(out, err, func() any { return resp.Body })
	}},
	"tag": {3, func(c *Console, a []string, _ io.Writer) error {
		tags := map[string]*string{}
		for _, kv := range a[2:] {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return fmt.Errorf("%w: tag: %q is not KEY=VALUE", ErrUsage, kv)
			}
			tags[k] = s(v)
		}
		_, err := c.api.TagResource(&fcopen.TagResourceRequest{ResourceArn: s("services/" + a[1]), Tags: tags})
		return err
	}},
	"untag": {3, func(c *Console, a []string, _ io.Writer) error {
		keys := make([]*string, 0, len(a)-2)
		for _, k := range a[2:] {
			keys = append(keys, s(k))
		}
		_, err := c.api.UntagResource(&fcopen.UntagResourceRequest{ResourceArn: s("services/" + a[1]), TagKeys: keys})
		return err
	}},
	"get-tags": {2, func(c *Console, a []string, out io.Writer) error {
		resp, err := c.api.GetResourceTags(&fcopen.GetResourceTagsRequest{ResourceArn: s("services/" + a[1])})
		return printed(out, err, func() any { return resp.Body.Tags })
	}},
	"publish-layer": {4, func(c *Console, a []string, out io.Writer) error {
		req := &fcopen.CreateLayerVersionRequest{}
		if err := decode(a[3], req); err != nil {
			return err
		}
		code, err := c.code(a[2])
		if err != nil {
			return err
		}
		req.Code = code
		resp, err := c.api.CreateLayerVersion(s(a[1]), req)
		if err == nil {
			_, err = fmt.Fprintln(out, tea.Int32Value(resp.Body.Version))
		}
		return err
	}},
	"delete-layer-version": {3, func(c *Console, a []string, _ io.Writer) error {
		_, err := c.api.DeleteLayerVersion(s(a[1]), s(a[2]))
		return err
	}},
	"bind-vpc": {3, func(c *Console, a []string, _ io.Writer) error {
		_, err := c.api.CreateVpcBinding(s(a[1]), &fcopen.CreateVpcBindingRequest{VpcId: s(a[2])})
		return err
	}},
	"unbind-vpc": {3, func(c *Console, a []string, _ io.Writer) error {
		_, err := c.api.DeleteVpcBinding(s(a[1]), s(a[2]))
		return err
	}},
	"invoke":       {3, func(c *Console, a []string, out io.Writer) error { return c.invoke(a, "Sync", out) }},
	"invoke-async": {3, func(c *Console, a []string, out io.Writer) error { return c.invoke(a, "Async", out) }},
}

func s(v string) *string { return tea.String(v) }

func zipCode(zip []byte) *fcopen.Code {
	return &fcopen.Code{ZipFile: s(base64.StdEncoding.EncodeToString(zip))}
}

func arg(a []string, i int) string {
	if i < len(a) {
		return a[i]
	}
	return ""
}

func count(v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q is not a whole number", ErrUsage, v)
	}
	return n, nil
}

// printed prints what body returns as indented JSON, once err is nil.
func printed(out io.Writer, err error, body func() any) error {
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(body(), "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "%s\n", b)
	return err
}

// PublishVersion publishes a version of svc and returns its id.
func (c *Console) PublishVersion(svc, description string) (string, error) {
	req := &fcopen.PublishServiceVersionRequest{}
	if description != "" {
		req.Description = s(description)
	}
	resp, err := c.api.PublishServiceVersion(s(svc), req)
	if err != nil {
		return "", err
	}
	return tea.StringValue(resp.Body.VersionId), nil
}

// PublishLayer publishes a version of a layer from zip bytes and returns
// its number.
func (c *Console) PublishLayer(name string, zip []byte, compatibleRuntime ...string) (int32, error) {
	req := &fcopen.CreateLayerVersionRequest{Code: zipCode(zip)}
	for _, rt := range compatibleRuntime {
		req.CompatibleRuntime = append(req.CompatibleRuntime, s(rt))
	}
	resp, err := c.api.CreateLayerVersion(s(name), req)
	if err != nil {
		return 0, err
	}
	return tea.Int32Value(resp.Body.Version), nil
}

// PointAlias moves an alias to version, as promoting a canary in the
// console does: the version leaves the alias's canary weights, where FC
// does not allow the main version.
func (c *Console) PointAlias(svc, alias, version string) error {
	cur, err := c.api.GetAlias(s(svc), s(alias))
	if err != nil {
		return err
	}
	weights := map[string]*float32{}
	for v, w := range cur.Body.AdditionalVersionWeight {
		if v != version {
			weights[v] = w
		}
	}
	_, err = c.api.UpdateAlias(s(svc), s(alias), &fcopen.UpdateAliasRequest{VersionId: s(version), AdditionalVersionWeight: weights})
	return err
}

// SetAsyncRetry changes the retries of a function's async invocation config
// and keeps its other fields, as the console's form does; with no config
// yet, it makes one.
func (c *Console) SetAsyncRetry(svc, fn, qualifier string, n int64) error {
	req := &fcopen.PutFunctionAsyncInvokeConfigRequest{Qualifier: s(qualifier), MaxAsyncRetryAttempts: tea.Int64(n)}
	cur, err := c.api.GetFunctionAsyncInvokeConfig(s(svc), s(fn), &fcopen.GetFunctionAsyncInvokeConfigRequest{Qualifier: s(qualifier)})
	var se *tea.SDKError
	switch {
	case err == nil:
		b := cur.Body
		req.DestinationConfig, req.MaxAsyncEventAgeInSeconds, req.StatefulInvocation = b.DestinationConfig, b.MaxAsyncEventAgeInSeconds, b.StatefulInvocation
	case errors.As(err, &se) && tea.StringValue(se.Code) == "AsyncConfigNotExists":
	default:
		return err
	}
	_, err = c.api.PutFunctionAsyncInvokeConfig(s(svc), s(fn), req)
	return err
}

// invoke calls SVC[.QUALIFIER] FN with BODY and prints the answer's body
// (nothing for an asynchronous call).
func (c *Console) invoke(a []string, typ string, out io.Writer) error {
	svc, q, _ := strings.Cut(a[1], ".")
	req := &fcopen.InvokeFunctionRequest{Body: []byte(arg(a, 3))}
	if q != "" {
		req.Qualifier = s(q)
	}
	resp, err := c.api.InvokeFunctionWithOptions(s(svc), s(a[2]), req,
		&fcopen.InvokeFunctionHeaders{XFcInvocationType: s(typ)}, &util.RuntimeOptions{})
	if err != nil || typ == "Async" {
		return err
	}
	_, err = fmt.Fprintf(out, "%s\n", resp.Body)
	return err
}
