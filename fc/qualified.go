package fc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
)

// The client's side of the PerQualifier kinds (provision, on-demand and
// async invocation configs): a resource is one function's configs, keyed
// by qualifier, while FC reads and writes one qualifier at a time and lists
// them in bulk. Here a list is grouped by function, a write becomes one PUT
// (or DELETE) per qualifier it names, and a null qualifier is a deletion.
//
// The configs' server-owned facts (their resource string, the provisioned
// instances running now, async's times) are not recorded: they are derived
// from the file's path or move by themselves and with every write, and a
// resource spans several configs of which a write answers for some only.
// Its ETag, where FC has ETags, is the qualifiers' ETags as a JSON object:
// only this file reads it.

// IsPerQualifier reports whether the resources of kind k of a hold one
// config per qualifier.
func (a API) IsPerQualifier(k Kind) bool {
	sc := a.schema(k)
	return sc != nil && sc.PerQualifier != nil
}

// CheckQualifier checks a qualifier of a resource of kind k.
func (a API) CheckQualifier(k Kind, q string) error {
	sc := a.schema(k)
	if sc == nil || sc.PerQualifier == nil {
		return fmt.Errorf("%s has no qualifiers", k)
	}
	return sc.PerQualifier.Qualifier(k, q)
}

func configPath(id ID) string { return expand(id.Schema().PerQualifier.Config, id, seg) }

// newConfigs is an empty resource of a PerQualifier kind.
func newConfigs(id ID) *Resource {
	return &Resource{ID: id, Spec: map[string]any{}, Status: map[string]any{}}
}

// addConfig puts one qualifier's config, as FC answered it, into r: its
// configuration, less the server-owned facts.
func addConfig(r *Resource, q string, obj map[string]any) {
	norm, _ := Normalize(obj).(map[string]any)
	r.Spec[q], _ = splitFields(r.ID.Schema().Fields, norm)
}

// listConfigs reads every config of kind under parent (the whole account
// for a kind ListedOnce) and groups them by function, in ID order.
func (c *Client) listConfigs(ctx context.Context, kind Kind, parent ID) ([]*Resource, error) {
	parent.API = c.ver
	sc := c.ver.schema(kind)
	byFn := map[ID]*Resource{}
	req := request{action: sc.PerQualifier.ListAction, method: http.MethodGet, path: collectionPath(kind, parent), id: parent}
	err := c.pages(ctx, req, sc.ListKey, func(obj map[string]any) error {
		svc, fn, q, ok := sc.PerQualifier.Locate(obj)
		if !ok {
			return errors.New("a listed config names no service, function and qualifier")
		}
		if cleared(sc, obj) {
			return nil // no config, as FC reads it
		}
		id := ID{API: c.ver, Kind: kind, Service: svc, Function: fn}
		r := byFn[id]
		if r == nil {
			r = newConfigs(id)
			byFn[id] = r
		}
		addConfig(r, q, obj)
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := make([]ID, 0, len(byFn))
	for id := range byFn {
		ids = append(ids, id)
	}
	SortIDs(ids)
	out := make([]*Resource, len(ids))
	for i, id := range ids {
		out[i] = byFn[id]
	}
	return out, nil
}

// GetFields reads resource id again, for its ETag and to see whether it
// moved since it was listed. For a PerQualifier kind it reads the named
// qualifiers only (one GET each: FC has no other read that gives ETags), a
// qualifier without a config being absent from the answer; other kinds
// ignore fields and read the whole resource.
func (c *Client) GetFields(ctx context.Context, id ID, fields []string) (*Resource, error) {
	if !id.API.IsPerQualifier(id.Kind) {
		return c.Get(ctx, id)
	}
	r := newConfigs(id)
	etags := map[string]string{}
	for _, q := range sortedUnique(fields) {
		var (
			obj   map[string]any
			etag  string
			found bool
		)
		err := c.retry(ctx, func(bool) (err error) {
			obj, etag, found, err = c.getConfig(ctx, id, q)
			return err
		})
		if err != nil {
			return nil, err
		}
		if found {
			addConfig(r, q, obj)
			if etag != "" {
				etags[q] = etag
			}
		}
	}
	r.ETag = encodeETags(etags)
	return r, nil
}

// getConfigs reads every config of one function: its kind's list, then one
// GET per qualifier where FC has ETags.
func (c *Client) getConfigs(ctx context.Context, id ID) (*Resource, error) {
	listed, err := c.configsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	if !id.Schema().ETag {
		return listed, nil
	}
	return c.GetFields(ctx, id, keys(listed.Spec))
}

// configsOf lists the configs of one function through its kind's list.
func (c *Client) configsOf(ctx context.Context, id ID) (*Resource, error) {
	all, err := c.listConfigs(ctx, id.Kind, id)
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if r.ID == id {
			return r, nil
		}
	}
	return newConfigs(id), nil
}

// getConfig is one attempt at reading one qualifier's config. found is
// false when there is none: FC answers 404, or, for provision, a config
// that holds what removing one writes (a target of 0 and no policies).
func (c *Client) getConfig(ctx context.Context, id ID, q string) (obj map[string]any, etag string, found bool, err error) {
	sc := id.Schema()
	resp, err := c.do(ctx, request{action: "Get" + sc.Noun, method: http.MethodGet, path: configPath(id),
		query: map[string]string{"qualifier": q}, id: id})
	if errors.Is(err, ErrNotFound) {
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, err
	}
	if cleared(sc, resp.body) {
		return nil, "", false, nil
	}
	return resp.body, resp.etag, true, nil
}

// cleared reports whether a config holds what the kind's Clear writes,
// which FC reads as no config at all; an absent or null list counts as an
// empty one.
func cleared(sc *Schema, obj map[string]any) bool {
	clear := sc.PerQualifier.Clear
	if clear == nil {
		return false
	}
	for k, want := range clear {
		got := Normalize(obj[k])
		if l, ok := Normalize(want).([]any); ok && len(l) == 0 {
			if gl, _ := got.([]any); len(gl) == 0 {
				continue
			}
		}
		if !reflect.DeepEqual(got, Normalize(want)) {
			return false
		}
	}
	return true
}

// PartialWrite is the error of a write of several configs that failed
// after FC acknowledged some of them: Result holds what FC answered for
// those, and Done names them (deletions included), so that the caller
// records them as deployed rather than as someone else's change.
type PartialWrite struct {
	Result *Resource
	Done   []string
	Err    error
}

func (e *PartialWrite) Error() string { return e.Err.Error() }
func (e *PartialWrite) Unwrap() error { return e.Err }

// writeConfigs writes the qualifiers of fields, in name order: a config
// with PUT (If-Match with its ETag from etag, when there is one), a null
// with DELETE or the kind's Clear. The answer holds what FC answered for
// the qualifiers written; a deleted one is absent. The first failure stops
// the writes; if some were acknowledged, the error is a *PartialWrite.
func (c *Client) writeConfigs(ctx context.Context, id ID, fields map[string]any, zip []byte, etag string) (*Resource, error) {
	if err := checkKind(id); err != nil {
		return nil, err
	}
	if zip != nil {
		return nil, fmt.Errorf("%s: only functions have code", id)
	}
	etags, err := decodeETags(etag)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	out := newConfigs(id)
	fresh := map[string]string{}
	var done []string
	fail := func(err error) (*Resource, error) {
		if len(done) == 0 {
			return nil, err
		}
		out.ETag = encodeETags(fresh)
		return nil, &PartialWrite{Result: out, Done: done, Err: err}
	}
	for _, q := range keys(fields) {
		v := fields[q]
		if v == nil {
			if err := c.deleteConfig(ctx, id, q, etags[q]); err != nil {
				return fail(err)
			}
			done = append(done, q)
			continue
		}
		cfg, ok := Normalize(v).(map[string]any)
		if !ok {
			return fail(fmt.Errorf("%s: qualifier %s: the config must be a mapping", id, q))
		}
		obj, tag, err := c.putConfig(ctx, id, q, configBody(id.Schema(), cfg), etags[q])
		if err != nil {
			return fail(err)
		}
		done = append(done, q)
		if cleared(id.Schema(), obj) {
			continue // written as a config, but FC holds none now
		}
		addConfig(out, q, obj)
		if tag != "" {
			fresh[q] = tag
		}
	}
	out.ETag = encodeETags(fresh)
	return out, nil
}

// configBody is what a PUT of one config sends: the config less the
// server-owned fields and the nulls.
func configBody(sc *Schema, cfg map[string]any) map[string]any {
	body := make(map[string]any, len(cfg))
	for k, v := range cfg {
		if f := findField(sc.Fields, k); v == nil || f != nil && f.ServerOwned {
			continue
		}
		body[k] = v
	}
	return body
}

// putConfig writes one qualifier's config. Should a 412 follow an attempt
// that may have been applied, the config is read: if it holds what was
// sent, the write was ours and succeeded.
func (c *Client) putConfig(ctx context.Context, id ID, q string, body map[string]any, etag string) (map[string]any, string, error) {
	sc := id.Schema()
	if !sc.ETag {
		etag = ""
	}
	req := request{action: "Put" + sc.Noun, method: http.MethodPut, path: configPath(id),
		query: map[string]string{"qualifier": q}, body: body, etag: etag, id: id}
	var (
		obj map[string]any
		tag string
	)
	err := c.retry(ctx, func(maybeApplied bool) error {
		resp, err := c.do(ctx, req)
		if err != nil {
			if maybeApplied && errors.Is(err, ErrPreconditionFailed) {
				cur, curTag, found, gerr := c.getConfig(ctx, id, q)
				if gerr != nil {
					return gerr
				}
				if found && holdsConfig(sc, cur, body) {
					obj, tag = cur, curTag
					return nil
				}
			}
			return fmt.Errorf("%w (qualifier %s)", err, q)
		}
		obj, tag = resp.body, resp.etag
		return nil
	})
	return obj, tag, err
}

// deleteConfig removes one qualifier's config: DELETE where FC has one,
// else a PUT of the kind's Clear. A "not found" after an attempt that may
// have been applied means the delete succeeded.
func (c *Client) deleteConfig(ctx context.Context, id ID, q, etag string) error {
	sc := id.Schema()
	if !sc.PerQualifier.Delete {
		_, _, err := c.putConfig(ctx, id, q, sc.PerQualifier.Clear, "")
		return err
	}
	if !sc.ETag {
		etag = ""
	}
	req := request{action: "Delete" + sc.Noun, method: http.MethodDelete, path: configPath(id),
		query: map[string]string{"qualifier": q}, etag: etag, id: id}
	return c.retry(ctx, func(maybeApplied bool) error {
		_, err := c.do(ctx, req)
		if maybeApplied && errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w (qualifier %s)", err, q)
		}
		return nil
	})
}

// deleteConfigs removes every config of a function: the qualifiers whose
// ETags etag holds (push read them for If-Match), else those its kind's
// list gives now.
func (c *Client) deleteConfigs(ctx context.Context, id ID, etag string) error {
	etags, err := decodeETags(etag)
	if err != nil {
		return fmt.Errorf("%s: %w", id, err)
	}
	qs := keys(etags)
	if len(qs) == 0 {
		cur, err := c.configsOf(ctx, id)
		if err != nil {
			return err
		}
		qs = keys(cur.Spec)
	}
	for _, q := range qs {
		if err := c.deleteConfig(ctx, id, q, etags[q]); err != nil {
			return err
		}
	}
	return nil
}

// holdsConfig reports whether a config read back has every field sent.
func holdsConfig(sc *Schema, obj, sent map[string]any) bool {
	norm, _ := Normalize(obj).(map[string]any)
	spec, _ := splitFields(sc.Fields, norm)
	for k, v := range sent {
		if !reflect.DeepEqual(spec[k], Normalize(v)) {
			return false
		}
	}
	return true
}

func encodeETags(etags map[string]string) string {
	if len(etags) == 0 {
		return ""
	}
	b, _ := json.Marshal(etags) // keys sorted: the same ETags give the same string
	return string(b)
}

func decodeETags(etag string) (map[string]string, error) {
	out := map[string]string{}
	if etag == "" {
		return out, nil
	}
	if err := json.Unmarshal([]byte(etag), &out); err != nil {
		return nil, fmt.Errorf("ETag %q is not the qualifiers' ETags", etag)
	}
	return out, nil
}

// keys returns m's keys in order.
func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedUnique(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
