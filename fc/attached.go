package fc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
)

// Attached says how fcsync reads and writes a field that FC keeps apart
// from its resource's attributes (Field.Attached): GetService says nothing
// of a service's tags or VPC bindings, and UpdateService cannot set them.
type Attached struct {
	// Read reads the field of one resource.
	Read func(ctx context.Context, c *Client, id ID) (any, error)
	// ReadAll, when set, reads the field of every resource of the kind that
	// has a value in one listing (ListTaggedResources); a resource it does
	// not name has the empty value.
	ReadAll func(ctx context.Context, c *Client) (map[ID]any, error)
	// Write changes the field online from old to new, either of which may
	// be nil for the empty value, with only the calls the difference needs.
	Write func(ctx context.Context, c *Client, id ID, old, new any) error
	// InAnswer: FC answers the field with the resource itself (FC 3.0's
	// function tags, in GetFunction and ListFunctions), so it is read
	// separately only for a resource whose answer left it out.
	InAnswer bool
}

// AttachedFields are the names of kind k's attached fields, in table order.
func (a API) AttachedFields(k Kind) []string {
	var out []string
	if sc := a.schema(k); sc != nil {
		for _, f := range sc.Fields {
			if f.Attached != nil {
				out = append(out, f.Name)
			}
		}
	}
	return out
}

// ReadAttachedFields are kind k's attached fields that FC does not answer
// with the resource itself (not InAnswer): those an online read reads with
// calls of their own.
func (a API) ReadAttachedFields(k Kind) []string {
	var out []string
	for _, name := range a.AttachedFields(k) {
		if !a.schema(k).field(name).Attached.InAnswer {
			out = append(out, name)
		}
	}
	return out
}

// InAnswer reports whether FC answers the attached field with its
// resource (Attached.InAnswer).
func (a API) InAnswer(k Kind, field string) bool {
	f := a.schema(k).field(field)
	return f != nil && f.Attached != nil && f.Attached.InAnswer
}

// IsAttached reports whether field of kind k is an attached field.
func (a API) IsAttached(k Kind, field string) bool {
	if sc := a.schema(k); sc != nil {
		if f := sc.field(field); f != nil {
			return f.Attached != nil
		}
	}
	return false
}

// ReadAttached reads the attached field of the resources ids (all of
// kind k) and returns each value in the form Split gives values: empty
// rather than absent, sets sorted. The fewest calls: one listing when the
// field has one and more than one resource is asked for, else one read
// per resource (the listing may take pages for an account with many).
// Reads run one after the other; callers wanting parallel reads call it
// per resource.
func (c *Client) ReadAttached(ctx context.Context, k Kind, field string, ids []ID) (map[ID]any, error) {
	f := c.ver.schema(k).field(field)
	if f == nil || f.Attached == nil {
		return nil, fmt.Errorf("%s has no attached field %s", k, field)
	}
	out := make(map[ID]any, len(ids))
	if f.Attached.ReadAll != nil && len(ids) > 1 {
		all, err := f.Attached.ReadAll(ctx, c)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out[id] = f.canonical(all[id])
		}
		return out, nil
	}
	for _, id := range ids {
		v, err := f.Attached.Read(ctx, c, id)
		if err != nil {
			return nil, err
		}
		out[id] = f.canonical(v)
	}
	return out, nil
}

// UsesListing reports whether ReadAttached reads field for n resources
// with one listing rather than n reads.
func (a API) UsesListing(k Kind, field string, n int) bool {
	f := a.schema(k).field(field)
	return f != nil && f.Attached != nil && f.Attached.ReadAll != nil && n > 1
}

// canonical is an attached value as fcsync holds it: normalised, the
// empty value for nil, a set sorted.
func (f *Field) canonical(v any) any {
	v = Normalize(v)
	if v == nil {
		switch f.Type {
		case TMap:
			return map[string]any{}
		case TList:
			return []any{}
		}
	}
	return sortedSet(f, v)
}

// sortedSet returns a Set list's values sorted (a copy); other values as
// they are.
func sortedSet(f *Field, v any) any {
	l, ok := v.([]any)
	if !f.Set || !ok {
		return v
	}
	out := make([]any, len(l))
	copy(out, l)
	sort.SliceStable(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}

// Canonical returns spec with every Set field sorted, as Parse and the
// online reading both hold them, so that the order a file lists them in
// never reads as a change. spec itself is not changed.
func (a API) Canonical(k Kind, spec map[string]any) map[string]any {
	sc := a.schema(k)
	if sc == nil {
		return spec
	}
	var out map[string]any
	for i := range sc.Fields {
		f := &sc.Fields[i]
		v, ok := spec[f.Name]
		if !f.Set || !ok {
			continue
		}
		if s := sortedSet(f, v); !reflect.DeepEqual(s, v) {
			if out == nil {
				out = make(map[string]any, len(spec))
				for k, e := range spec {
					out[k] = e
				}
			}
			out[f.Name] = s
		}
	}
	if out == nil {
		return spec
	}
	return out
}

// splitAttached separates the attached fields of a write from the
// resource's own.
func splitAttached(id ID, fields map[string]any) (own, attached map[string]any) {
	own = fields
	for name, v := range fields {
		if !id.API.IsAttached(id.Kind, name) {
			continue
		}
		if attached == nil {
			attached = map[string]any{}
			own = make(map[string]any, len(fields))
			for k, e := range fields {
				own[k] = e
			}
		}
		attached[name] = v
		delete(own, name)
	}
	return own, attached
}

// writeAttached applies the attached fields of a write, from before's
// values (nil: read them now) to the new ones, and records the new values
// in r.Spec.
func (c *Client) writeAttached(ctx context.Context, id ID, before *Resource, fields map[string]any, r *Resource) error {
	for _, name := range id.API.AttachedFields(id.Kind) {
		v, ok := fields[name]
		if !ok {
			continue
		}
		f := id.Schema().field(name)
		var old any
		if before != nil {
			old = before.Spec[name]
		} else {
			cur, err := c.ReadAttached(ctx, id.Kind, name, []ID{id})
			if err != nil {
				return err
			}
			old = cur[id]
		}
		if err := f.Attached.Write(ctx, c, id, old, v); err != nil {
			return err
		}
		r.Spec[name] = f.canonical(v)
	}
	return nil
}

// withEmptyAttached gives a resource just created the empty value of
// every attached field the create did not set: that is what a read finds.
func withEmptyAttached(r *Resource) { FillAttached(r) }

// FillAttached gives r the empty value of every attached field it lacks.
// A create needs it (what a read then finds), and so does a live-branch
// commit recorded by an fcsync that did not read the field yet: it means
// nothing was set, not that something changed when a newer fcsync reads
// the empty value online.
func FillAttached(r *Resource) {
	sc := r.ID.Schema()
	for i := range sc.Fields {
		f := &sc.Fields[i]
		if _, ok := r.Spec[f.Name]; f.Attached != nil && !ok {
			r.Spec[f.Name] = f.canonical(nil)
		}
	}
}

// call makes one API call that returns no body of interest, retried; a
// write whose earlier attempt may have been applied accepts the answer
// that says it was (done).
func (c *Client) call(ctx context.Context, req request, done func(error) bool) error {
	return c.retry(ctx, func(maybeApplied bool) error {
		_, err := c.do(ctx, req)
		if err != nil && maybeApplied && done != nil && done(err) {
			return nil
		}
		return err
	})
}

// The attached fields of the table (schema.go holds pointers to them),
// filled in by init: their calls reach the table through Client.do, which
// an initialiser may not.
var serviceTags, vpcBindings, functionTags3 Attached

func init() {
	serviceTags = tagsAttached
	vpcBindings = vpcBindingsAttached
	functionTags3 = tags3Attached
}

// FC 3.0 function tags (TagResources, UntagResources; read with the
// function: fc3-api.md 2.13). ResourceId is the function's ARN.
var tags3Attached = Attached{
	InAnswer: true,
	Read: func(ctx context.Context, c *Client, id ID) (any, error) {
		r, err := c.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		tags, ok := r.Spec["tags"]
		if !ok {
			return nil, fmt.Errorf("%s: GetFunction: the answer has no \"tags\": not taking it for none", id)
		}
		return tags, nil
	},
	Write: func(ctx context.Context, c *Client, id ID, old, new any) error {
		gone, set := mapDiff(old, new)
		arns := []any{c.functionARN(id.Function)}
		if len(gone) > 0 {
			keys, _ := json.Marshal(gone)
			ids, _ := json.Marshal(arns)
			req := request{action: "UntagResources", method: http.MethodDelete, path: "/tags-v2", id: id,
				query: map[string]string{"ResourceType": "function", "ResourceId": string(ids), "TagKey": string(keys)}}
			if err := c.call(ctx, req, nil); err != nil {
				return err
			}
		}
		if len(set) > 0 {
			var rows []any
			for _, k := range sortedMapKeys(set) {
				rows = append(rows, map[string]any{"Key": k, "Value": set[k]})
			}
			req := request{action: "TagResources", method: http.MethodPost, path: "/tags-v2", id: id, noBody: true,
				body: map[string]any{"ResourceType": "function", "ResourceId": arns, "Tag": rows}}
			if err := c.call(ctx, req, nil); err != nil {
				return err
			}
		}
		return nil
	},
}

// mapDiff is what turns the mapping old into new: the keys to remove, and
// the keys to set with their values.
func mapDiff(old, new any) (gone []any, set map[string]any) {
	o, _ := Normalize(old).(map[string]any)
	n, _ := Normalize(new).(map[string]any)
	for _, k := range sortedMapKeys(o) {
		if _, kept := n[k]; !kept {
			gone = append(gone, k)
		}
	}
	set = map[string]any{}
	for k, v := range n {
		if ov, had := o[k]; !had || !reflect.DeepEqual(ov, v) {
			set[k] = v
		}
	}
	return gone, set
}

// functionARN is an FC 3.0 function's ARN,
// acs:fc:<region>:<account>:functions/<name>.
func (c *Client) functionARN(fn string) string {
	return "acs:fc:" + c.region + ":" + c.accountID + ":functions/" + fn
}

// Service tags (TagResource, UntagResource, GetResourceTags,
// ListTaggedResources). The 2021-04-06 API tags services only.
var tagsAttached = Attached{
	Read: func(ctx context.Context, c *Client, id ID) (any, error) {
		req := request{action: "GetResourceTags", method: http.MethodGet, path: "/tag", id: id,
			query: map[string]string{"resourceArn": c.serviceARN(id.Service)}}
		var tags any
		err := c.retry(ctx, func(bool) error {
			resp, err := c.do(ctx, req)
			if err != nil {
				return err
			}
			raw, present := resp.body["tags"]
			if _, isMap := raw.(map[string]any); !present || raw != nil && !isMap {
				// A half answer is not "no tags".
				return fmt.Errorf("%s: GetResourceTags: the answer has no \"tags\" mapping: not taking it for an empty one", id)
			}
			tags = raw
			return nil
		})
		return tags, err
	},
	ReadAll: func(ctx context.Context, c *Client) (map[ID]any, error) {
		items, err := c.pageItems(ctx, request{action: "ListTaggedResources", method: http.MethodGet, path: "/tags"}, "resources")
		if err != nil {
			return nil, err
		}
		out := map[ID]any{}
		for _, it := range items {
			arn, _ := it["resourceArn"].(string)
			if svc, ok := serviceOfARN(arn); ok {
				out[ServiceID(svc)] = it["tags"]
			}
		}
		return out, nil
	},
	Write: func(ctx context.Context, c *Client, id ID, old, new any) error {
		gone, set := mapDiff(old, new)
		arn := c.serviceARN(id.Service)
		if len(gone) > 0 {
			// Untagging a key that is gone already changes nothing.
			req := request{action: "UntagResource", method: http.MethodPut, path: "/tag", id: id, noBody: true,
				body: map[string]any{"resourceArn": arn, "tagKeys": gone}}
			if err := c.call(ctx, req, nil); err != nil {
				return err
			}
		}
		if len(set) > 0 {
			req := request{action: "TagResource", method: http.MethodPost, path: "/tag", id: id, noBody: true,
				body: map[string]any{"resourceArn": arn, "tags": set}}
			if err := c.call(ctx, req, nil); err != nil {
				return err
			}
		}
		return nil
	},
}

// serviceARN is a service's ARN, acs:fc:<region>:<account>:services/<name>;
// without a region or an account, the partial form services/<name> the
// Node.js SDK documents.
func (c *Client) serviceARN(svc string) string {
	if c.region == "" || c.accountID == "" {
		return "services/" + svc
	}
	return "acs:fc:" + c.region + ":" + c.accountID + ":services/" + svc
}

// serviceOfARN is the service an ARN names (full or partial form).
func serviceOfARN(arn string) (string, bool) {
	if i := strings.LastIndexByte(arn, ':'); i >= 0 {
		arn = arn[i+1:]
	}
	svc, ok := strings.CutPrefix(arn, "services/")
	return svc, ok && svc != "" && !strings.Contains(svc, "/")
}

// VPC bindings of a service (CreateVpcBinding, ListVpcBindings,
// DeleteVpcBinding): the VPCs it may be invoked from privately.
var vpcBindingsAttached = Attached{
	Read: func(ctx context.Context, c *Client, id ID) (any, error) {
		req := request{action: "ListVpcBindings", method: http.MethodGet, path: resourcePath(id) + "/bindings", id: id}
		var ids any
		err := c.retry(ctx, func(bool) error {
			resp, err := c.do(ctx, req)
			if err != nil {
				return err
			}
			raw, present := resp.body["vpcIds"]
			if _, isList := raw.([]any); !present || raw != nil && !isList {
				// A half answer is not "no bindings".
				return fmt.Errorf("%s: ListVpcBindings: the answer has no \"vpcIds\" list: not taking it for an empty one", id)
			}
			ids = raw
			return nil
		})
		return ids, err
	},
	Write: func(ctx context.Context, c *Client, id ID, old, new any) error {
		o, n := stringSet(old), stringSet(new)
		for _, vpc := range sortedKeys(o) {
			if n[vpc] {
				continue
			}
			req := request{action: "DeleteVpcBinding", method: http.MethodDelete, path: resourcePath(id) + "/bindings/" + seg(vpc), id: id}
			if err := c.call(ctx, req, func(err error) bool { return errors.Is(err, ErrNotFound) }); err != nil {
				return err
			}
		}
		for _, vpc := range sortedKeys(n) {
			if o[vpc] {
				continue
			}
			req := request{action: "CreateVpcBinding", method: http.MethodPost, path: resourcePath(id) + "/bindings", id: id, noBody: true,
				body: map[string]any{"vpcId": vpc}}
			if err := c.call(ctx, req, func(err error) bool { return errors.Is(err, ErrAlreadyExists) }); err != nil {
				return err
			}
		}
		return nil
	},
}

func stringSet(v any) map[string]bool {
	out := map[string]bool{}
	l, _ := Normalize(v).([]any)
	for _, e := range l {
		if s, ok := e.(string); ok {
			out[s] = true
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedMapKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
