package fc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Versioned kinds (Schema.Versioned: layers) are immutable numbered
// versions under one name. fcsync holds one resource per name, the newest
// version: a create or an update publishes a new version (every field and
// the code: nothing carries over from the previous one), and a delete
// deletes every version.

// publish publishes a new version of id holding fields and zip. A retry
// after an attempt that may have been published first reads the newest
// version: if it holds what was sent, that attempt published it, and a
// second identical version is not made.
func (c *Client) publish(ctx context.Context, id ID, fields map[string]any, zip []byte) (*Resource, error) {
	if zip == nil {
		return nil, fmt.Errorf("%s: a new version needs its code", id)
	}
	body, err := writeBody(id, fields, zip)
	if err != nil {
		return nil, err
	}
	req := request{action: "Create" + id.Schema().Noun + "Version", method: http.MethodPost, path: resourcePath(id) + "/versions", body: body, zip: zip, id: id}
	var res *Resource
	err = c.retry(ctx, func(maybeApplied bool) error {
		if maybeApplied {
			cur, err := c.newest(ctx, id)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			if err == nil && holds(cur, fields, zip) {
				res = cur
				return nil
			}
		}
		resp, err := c.do(ctx, req)
		if err != nil {
			return err
		}
		res, err = newResource(id, resp.body, "")
		return err
	})
	return res, err
}

// newest reads the newest version of id: the list of the kind, narrowed
// to names starting with id's, holds each name by its newest version.
func (c *Client) newest(ctx context.Context, id ID) (*Resource, error) {
	all, err := c.list(ctx, id.Kind, ID{}, nameOf(id))
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if r.ID == id {
			return r, nil
		}
	}
	noun := id.Schema().Noun
	return nil, &Error{Status: http.StatusNotFound, Code: noun + "NotFound", Action: id.API.ListAction(id.Kind),
		Resource: id, Message: fmt.Sprintf("%s has no version", id)}
}

// deleteVersions deletes every version of id. A version already gone
// (deleted meanwhile, or by an attempt whose answer was lost) is fine.
func (c *Client) deleteVersions(ctx context.Context, id ID) error {
	versions, err := c.versions(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	noun := id.Schema().Noun
	for _, v := range versions {
		req := request{action: "Delete" + noun + "Version", method: http.MethodDelete, path: resourcePath(id) + "/versions/" + v, id: id}
		if err := c.call(ctx, req, func(err error) bool { return errors.Is(err, ErrNotFound) }); err != nil {
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return err
		}
	}
	return nil
}

// versions lists the version numbers of id, oldest first. The list pages
// by version number (startVersion, nextVersion), not by token.
func (c *Client) versions(ctx context.Context, id ID) ([]string, error) {
	sc := id.Schema()
	var out []string
	for start := int64(0); ; {
		req := request{action: "List" + sc.Noun + "Versions", method: http.MethodGet, path: resourcePath(id) + "/versions", id: id,
			query: map[string]string{"limit": strconv.Itoa(c.pageSize)}}
		if start > 0 {
			req.query["startVersion"] = strconv.FormatInt(start, 10)
		}
		var resp *response
		err := c.retry(ctx, func(bool) (err error) {
			resp, err = c.do(ctx, req)
			return err
		})
		if err != nil {
			return nil, err
		}
		items, ok := resp.body[sc.ListKey].([]any)
		if !ok {
			return nil, fmt.Errorf("%s: %s: the answer has no %q list", id, req.action, sc.ListKey)
		}
		for _, it := range items {
			obj, _ := it.(map[string]any)
			if v, ok := Normalize(obj["version"]).(int64); ok {
				out = append(out, strconv.FormatInt(v, 10))
			}
		}
		next, _ := Normalize(resp.body["nextVersion"]).(int64)
		if next <= start || len(items) == 0 {
			return out, nil
		}
		start = next
	}
}

// Code downloads the code of r, a resource read from FC: a function's
// through GetFunctionCode, a versioned kind's from the location its answer
// gave. The bytes must match the codeChecksum FC announced.
func (c *Client) Code(ctx context.Context, r *Resource) ([]byte, error) {
	if !r.ID.Schema().Versioned {
		return c.GetCode(ctx, r.ID)
	}
	if r.codeURL == "" {
		return nil, fmt.Errorf("%s: the answer gives no code location", r.ID)
	}
	var zip []byte
	err := c.retry(ctx, func(bool) (err error) {
		zip, err = c.fetch(ctx, r.ID, r.codeURL)
		return err
	})
	if err != nil {
		return nil, err
	}
	if got, want := Checksum(zip), r.CodeChecksum(); got != want {
		return nil, fmt.Errorf("%s: code: %w: downloaded %d bytes with checksum %s, FC announced %s", r.ID, ErrChecksumMismatch, len(zip), got, want)
	}
	return zip, nil
}
