package fc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"

	openapiutil "github.com/alibabacloud-go/openapi-util/service"
	"github.com/alibabacloud-go/tea/tea"
)

// ListAction is the API action that lists resources of kind, for messages.
func (a API) ListAction(kind Kind) string {
	if sc := a.schema(kind); sc != nil {
		if sc.PerQualifier != nil {
			return sc.PerQualifier.ListAction
		}
		return "List" + sc.Noun + "s"
	}
	return "List" + string(kind)
}

// List returns every resource of kind under parent (the zero ID for a
// top-level kind), reading all pages.
func (c *Client) List(ctx context.Context, kind Kind, parent ID) ([]*Resource, error) {
	return c.list(ctx, kind, parent, "")
}

// ListServices returns every service whose name starts with prefix ("" for
// all), reading all pages.
func (c *Client) ListServices(ctx context.Context, prefix string) ([]*Resource, error) {
	return c.list(ctx, KindService, ID{}, prefix)
}

// ListRoots returns every resource of the API's root kind (services of FC
// 2.0, functions of FC 3.0) whose name starts with prefix ("" for all),
// reading all pages.
func (c *Client) ListRoots(ctx context.Context, prefix string) ([]*Resource, error) {
	return c.list(ctx, c.ver.RootKind(), ID{}, prefix)
}

// ListFunctions returns every function of service.
func (c *Client) ListFunctions(ctx context.Context, service string) ([]*Resource, error) {
	return c.list(ctx, KindFunction, ServiceID(service), "")
}

// ListTriggers returns every trigger of a function.
func (c *Client) ListTriggers(ctx context.Context, service, function string) ([]*Resource, error) {
	return c.list(ctx, KindTrigger, FunctionID(service, function), "")
}

// ListDomains returns every custom domain of the account in the region.
func (c *Client) ListDomains(ctx context.Context) ([]*Resource, error) {
	return c.list(ctx, KindDomain, ID{}, "")
}

// list reads all pages of the resources of kind under parent. Listed
// resources carry no ETag: FC sends one only with a single resource.
func (c *Client) list(ctx context.Context, kind Kind, parent ID, prefix string) ([]*Resource, error) {
	info := c.ver.schema(kind)
	if info == nil {
		return nil, fmt.Errorf("unknown resource kind %q", kind)
	}
	if info.PerQualifier != nil {
		return c.listConfigs(ctx, kind, parent)
	}
	parent.API = c.ver
	if info.Single != nil {
		return c.listSingles(ctx, info, parent)
	}
	req := request{action: c.ver.ListAction(kind), method: http.MethodGet, path: collectionPath(kind, parent), id: parent}
	if prefix != "" {
		req.query = map[string]string{"prefix": prefix}
	}
	var out []*Resource
	err := c.pages(ctx, req, info.ListKey, func(obj map[string]any) error {
		name, _ := obj[info.NameField].(string)
		r, err := newResource(childID(kind, parent, name), obj, "")
		if err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// pageItems reads every page of a list call and returns the objects under
// key.
func (c *Client) pageItems(ctx context.Context, req request, key string) ([]map[string]any, error) {
	var out []map[string]any
	err := c.pages(ctx, req, key, func(obj map[string]any) error {
		out = append(out, obj)
		return nil
	})
	return out, err
}

// pages reads every page of a list call and hands each item to each.
func (c *Client) pages(ctx context.Context, req request, listKey string, each func(map[string]any) error) error {
	fixed := req.query
	for token := ""; ; {
		req.query = map[string]string{}
		for k, v := range fixed {
			req.query[k] = v
		}
		if c.pageSize > 0 {
			req.query["limit"] = strconv.Itoa(c.pageSize)
		}
		if token != "" {
			req.query["nextToken"] = token
		}
		var resp *response
		err := c.retry(ctx, func(bool) (err error) {
			resp, err = c.do(ctx, req)
			return err
		})
		if err != nil {
			return err
		}
		// An answer without its list key is a half answer, not an empty
		// list: taken for one, it would read as every resource deleted.
		raw, present := resp.body[listKey]
		items, isList := raw.([]any)
		if !present || (!isList && raw != nil) {
			return fmt.Errorf("%s%s: the answer has no %q list: not taking it for an empty one", prefixOf(req.id), req.action, listKey)
		}
		for _, it := range items {
			obj, ok := it.(map[string]any)
			if !ok {
				return fmt.Errorf("%s%s: list item is not an object", prefixOf(req.id), req.action)
			}
			if err := each(obj); err != nil {
				return fmt.Errorf("%s%s: %w", prefixOf(req.id), req.action, err)
			}
		}
		next, _ := resp.body["nextToken"].(string)
		if next == "" {
			return nil
		}
		if next == token {
			return fmt.Errorf("%s%s: server repeated page token %q", prefixOf(req.id), req.action, next)
		}
		token = next
	}
}

// Get reads one resource, with its ETag.
func (c *Client) Get(ctx context.Context, id ID) (*Resource, error) {
	var res *Resource
	err := c.retry(ctx, func(bool) (err error) {
		res, err = c.get(ctx, id)
		return err
	})
	return res, err
}

// get is one attempt of Get.
func (c *Client) get(ctx context.Context, id ID) (*Resource, error) {
	if err := checkKind(id); err != nil {
		return nil, err
	}
	if id.Schema().PerQualifier != nil {
		return c.getConfigs(ctx, id)
	}
	if id.Schema().Versioned {
		return c.newest(ctx, id)
	}
	resp, err := c.do(ctx, request{action: "Get" + id.Schema().Noun, method: http.MethodGet, path: resourcePath(id), id: id})
	if err != nil {
		return nil, err
	}
	return newResource(id, resp.body, resp.etag)
}

// Create creates the resource id with the fields of spec (JSON names; the
// server-owned ones are not sent) and, for a function, the zip as its code
// (nil: no code, as for a custom-container function). When an attempt may
// have been applied although it failed, and a retry then meets "already
// exists", the resource is read: if it holds what was sent, the create had
// succeeded; else it is someone else's, and the error says so. Attached
// fields are set after the create, by their own calls; the result holds
// the empty value of those spec leaves out. A versioned kind's create
// publishes its first version.
func (c *Client) Create(ctx context.Context, id ID, spec map[string]any, zip []byte) (*Resource, error) {
	if id.API.IsPerQualifier(id.Kind) {
		return c.writeConfigs(ctx, id, spec, zip, "")
	}
	if err := checkKind(id); err != nil {
		return nil, err
	}
	own, attached := splitAttached(id, spec)
	var res *Resource
	var err error
	if id.Schema().Versioned {
		res, err = c.publish(ctx, id, own, zip)
	} else {
		res, err = c.create(ctx, id, own, zip)
	}
	if err != nil {
		return nil, err
	}
	if err := c.writeAttached(ctx, id, &Resource{ID: id}, attached, res); err != nil {
		return nil, err
	}
	withEmptyAttached(res)
	return res, nil
}

// create is Create of a resource's own fields.
func (c *Client) create(ctx context.Context, id ID, spec map[string]any, zip []byte) (*Resource, error) {
	body, err := writeBody(id, spec, zip)
	if err != nil {
		return nil, err
	}
	info := id.Schema()
	req := request{action: "Create" + info.Noun, method: http.MethodPost, path: collectionPath(id.Kind, id), body: body, zip: zip, id: id}
	if info.Single != nil {
		// One per parent, at its own path: PUT creates it.
		req.action, req.method, req.path = "Put"+info.Noun, http.MethodPut, resourcePath(id)
	} else {
		body[info.NameField] = nameOf(id)
	}
	var res *Resource
	err = c.retry(ctx, func(maybeApplied bool) error {
		resp, err := c.do(ctx, req)
		if err != nil {
			if maybeApplied && errors.Is(err, ErrAlreadyExists) {
				// Ours if it holds what we sent; else someone created it
				// meanwhile, and it is theirs, not a deploy of ours.
				cur, gerr := c.get(ctx, id)
				if gerr != nil {
					return gerr
				}
				if holds(cur, spec, zip) {
					res = cur
					return nil
				}
				return fmt.Errorf("%w: %s was created online by someone else during the push", err, id)
			}
			return err
		}
		res, err = newResource(id, resp.body, resp.etag)
		return err
	})
	return res, err
}

// answerHolds reports whether an update's answer holds every value sent:
// mappings need only hold the keys sent (FC fills the rest of a nested
// setting with its defaults), a null sent clears and is not compared.
func answerHolds(r *Resource, fields map[string]any, zip []byte) bool {
	return holdsBy(r, fields, zip, subsumes)
}

// subsumes reports whether got holds want: equal, or a mapping holding
// each of want's keys with a value that subsumes it.
func subsumes(got, want any) bool {
	if want == nil {
		return true
	}
	wm, ok := want.(map[string]any)
	if !ok {
		return reflect.DeepEqual(got, want)
	}
	gm, ok := got.(map[string]any)
	if !ok {
		return len(wm) == 0 && got == nil
	}
	for k, v := range wm {
		if !subsumes(gm[k], v) {
			return false
		}
	}
	return true
}

// Update changes only the given fields of id (a field absent from fields
// keeps its online value) and, when zip is not nil, the function's code.
// A non-empty etag is sent as If-Match, so a resource changed since it was
// read gives ErrPreconditionFailed. Should that answer follow an attempt
// that may have been applied, the resource is read: if it holds the fields
// sent, the update was ours and succeeded. Attached fields are changed from
// their value online now (read first); UpdateFrom takes them from a
// reading already made.
func (c *Client) Update(ctx context.Context, id ID, fields map[string]any, zip []byte, etag string) (*Resource, error) {
	return c.UpdateFrom(ctx, id, nil, fields, zip, etag)
}

// UpdateFrom is Update of a resource read as before (nil: unknown): its
// attached fields are changed from before's values with only the calls
// the difference needs (Tag/Untag of the keys that changed), and the
// resource itself is written only when one of its own fields or its code
// changes. A versioned kind's update publishes a new version, which must
// hold every field and the code.
func (c *Client) UpdateFrom(ctx context.Context, id ID, before *Resource, fields map[string]any, zip []byte, etag string) (*Resource, error) {
	if err := checkKind(id); err != nil {
		return nil, err
	}
	if id.API.IsPerQualifier(id.Kind) {
		return c.writeConfigs(ctx, id, fields, zip, etag)
	}
	own, attached := splitAttached(id, fields)
	var res *Resource
	var err error
	switch {
	case id.Schema().Versioned:
		res, err = c.publish(ctx, id, own, zip)
	case len(own) > 0 || zip != nil:
		res, err = c.update(ctx, id, own, zip, etag)
	case before != nil:
		cp := *before
		cp.Spec = make(map[string]any, len(before.Spec))
		for k, v := range before.Spec {
			cp.Spec[k] = v
		}
		res = &cp
	default:
		res = &Resource{ID: id, Spec: map[string]any{}, Status: map[string]any{}}
	}
	if err != nil {
		return nil, err
	}
	if err := c.writeAttached(ctx, id, before, attached, res); err != nil {
		return nil, err
	}
	return res, nil
}

// update is Update of a resource's own fields and code.
func (c *Client) update(ctx context.Context, id ID, fields map[string]any, zip []byte, etag string) (*Resource, error) {
	body, err := writeBody(id, fields, zip)
	if err != nil {
		return nil, err
	}
	if !id.Schema().ETag {
		etag = "" // custom domains have no ETag (fc-api.md 1.8)
	}
	req := request{action: writeVerb(id.Schema(), "Update") + id.Schema().Noun, method: http.MethodPut, path: resourcePath(id), body: body, zip: zip, etag: etag, id: id}
	var res *Resource
	err = c.retry(ctx, func(maybeApplied bool) error {
		resp, err := c.do(ctx, req)
		if err != nil {
			if maybeApplied && errors.Is(err, ErrPreconditionFailed) {
				cur, gerr := c.get(ctx, id)
				if gerr != nil {
					return gerr
				}
				if holds(cur, fields, zip) {
					res = cur
					return nil
				}
			}
			return err
		}
		res, err = newResource(id, resp.body, resp.etag)
		return err
	})
	if err == nil && !c.ver.HasETags() && !answerHolds(res, fields, zip) {
		// FC 3.0 takes no If-Match: an answer that does not hold what was
		// sent means another write landed at the same moment, which is an
		// online change, never fcsync's deploy.
		return nil, fmt.Errorf("%s: %s answered with values other than those sent: %w (changed online during the write)",
			id, req.action, ErrPreconditionFailed)
	}
	return res, err
}

// Delete deletes id; a non-empty etag is sent as If-Match (not for custom
// domains, which have none). A "not found" after an attempt that may have
// been applied means the delete succeeded.
func (c *Client) Delete(ctx context.Context, id ID, etag string) error {
	if err := checkKind(id); err != nil {
		return err
	}
	if id.Schema().PerQualifier != nil {
		return c.deleteConfigs(ctx, id, etag)
	}
	if id.Schema().Versioned {
		return c.deleteVersions(ctx, id)
	}
	if !id.Schema().ETag {
		etag = ""
	}
	req := request{action: "Delete" + id.Schema().Noun, method: http.MethodDelete, path: resourcePath(id), etag: etag, id: id}
	return c.retry(ctx, func(maybeApplied bool) error {
		_, err := c.do(ctx, req)
		if maybeApplied && errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	})
}

// writeBody builds a write's JSON body from fields: server-owned fields are
// dropped and a trigger's triggerConfig is encoded as the JSON string the
// 2021-04-06 API wants. A zip goes as code.zipFile, which the request
// streams (uploadBody) rather than holding it in the body.
func writeBody(id ID, fields map[string]any, zip []byte) (map[string]any, error) {
	if err := checkKind(id); err != nil {
		return nil, err
	}
	if zip != nil && !id.HasCode() {
		return nil, fmt.Errorf("%s: only functions and layers have code", id)
	}
	body := make(map[string]any, len(fields)+2)
	for k, v := range fields {
		if id.API.IsServerOwned(id.Kind, k) {
			continue
		}
		if id.API.IsWireJSON(id.Kind, k) {
			if _, isString := v.(string); !isString && v != nil {
				b, err := json.Marshal(v)
				if err != nil {
					return nil, fmt.Errorf("%s: triggerConfig: %w", id, err)
				}
				v = string(b)
			}
		}
		body[k] = v
	}
	if zip != nil {
		delete(body, "code") // the request's zip is the code
	}
	return body, nil
}

func checkKind(id ID) error {
	if id.Schema() == nil {
		return fmt.Errorf("unknown resource kind %q", id.Kind)
	}
	return nil
}

// holds reports whether r has every field of an update and its code.
func holds(r *Resource, fields map[string]any, zip []byte) bool {
	return holdsBy(r, fields, zip, func(got, want any) bool { return reflect.DeepEqual(got, want) })
}

// holdsBy is holds with the comparison of a field's value online (got) and
// the value sent (want, normalised, a wire-JSON string decoded).
func holdsBy(r *Resource, fields map[string]any, zip []byte, same func(got, want any) bool) bool {
	for k, v := range fields {
		if r.ID.API.IsServerOwned(r.ID.Kind, k) {
			continue
		}
		want := Normalize(v)
		if s, ok := want.(string); ok && r.ID.API.IsWireJSON(r.ID.Kind, k) {
			var cfg any
			if json.Unmarshal([]byte(s), &cfg) != nil {
				return false
			}
			want = Normalize(cfg)
		}
		if !same(r.Spec[k], want) {
			return false
		}
	}
	return zip == nil || r.CodeChecksum() == Checksum(zip)
}

// newResource builds a Resource from an API object decoded with UseNumber.
func newResource(id ID, obj map[string]any, etag string) (*Resource, error) {
	norm, _ := Normalize(obj).(map[string]any)
	spec, status, err := id.API.Split(id.Kind, norm)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	r := &Resource{ID: id, Spec: spec, Status: status, ETag: etag}
	if id.Schema().Versioned {
		// The code's location is a signed URL, new in every answer: it is
		// used to download the code and never recorded.
		code, _ := status["code"].(map[string]any)
		r.codeURL, _ = code["location"].(string)
		delete(status, "code")
	}
	return r, nil
}

// IsWireJSON reports whether field of kind k travels as a JSON string.
func (a API) IsWireJSON(k Kind, field string) bool {
	if sc := a.schema(k); sc != nil {
		if f := sc.field(field); f != nil {
			return f.WireJSON
		}
	}
	return false
}

// childID is the ID of the resource of kind named name under parent.
func childID(kind Kind, parent ID, name string) ID {
	id := parent
	id.Kind = kind
	slots := id.Schema().Slots
	id.set(slots[len(slots)-1], name)
	return id
}

// nameOf is id's own name: the value of its kind's last slot.
func nameOf(id ID) string {
	slots := id.Schema().Slots
	return id.value(slots[len(slots)-1])
}

// collectionPath is the path listing and creating resources of kind; the
// names of the containing resources are taken from at.
// names of the containing resources are taken from at, whose API says
// which table kind is read from.
func collectionPath(kind Kind, at ID) string { return expand(at.API.schema(kind).Collection, at, seg) }

func resourcePath(id ID) string {
	if s := id.Schema().Single; s != nil {
		return expand(s.Path, id, seg)
	}
	return collectionPath(id.Kind, id) + "/" + seg(nameOf(id))
}

// writeVerb is the verb of a write's action: a Single kind has one, Put.
func writeVerb(sc *Schema, verb string) string {
	if sc.Single != nil {
		return "Put"
	}
	return verb
}

// listSingles reads every resource of a Single kind in the account and
// places each under its function.
func (c *Client) listSingles(ctx context.Context, sc *Schema, parent ID) ([]*Resource, error) {
	req := request{action: sc.Single.ListAction, method: http.MethodGet, path: collectionPath(sc.Kind, parent), id: parent}
	var out []*Resource
	err := c.pages(ctx, req, sc.ListKey, func(obj map[string]any) error {
		fn, ok := sc.Single.Locate(obj)
		if !ok {
			return errors.New("a listed config names no function")
		}
		r, err := newResource(ID{API: c.ver, Kind: sc.Kind, Function: fn}, obj, "")
		if err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// seg encodes a path segment as the SDK does (fc-api.md 1.2), so that the
// signature the SDK computes over the path matches what the server sees.
func seg(s string) string { return tea.StringValue(openapiutil.GetEncodeParam(tea.String(s))) }
