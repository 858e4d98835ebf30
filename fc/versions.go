package fc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Version is a published version of a service (fc-api.md 2.7): an
// immutable snapshot of the service and its functions. Versions are
// history, not desired state: the live branch records them with the
// service, and push --publish makes one.
type Version struct {
	ID          string `json:"versionId"`
	Description string `json:"description,omitempty"`
	CreatedTime string `json:"createdTime,omitempty"`
}

// ErrNothingToPublish is FC's refusal to publish a version when nothing
// changed since the last one.
var ErrNothingToPublish = errors.New("nothing changed since the last version")

// ListVersions returns every published version of root (an FC 2.0
// service, an FC 3.0 function), oldest first, reading all pages.
func (c *Client) ListVersions(ctx context.Context, id ID) ([]Version, error) {
	req := request{action: "List" + id.Schema().Noun + "Versions", method: http.MethodGet, path: resourcePath(id) + "/versions", id: id}
	var out []Version
	err := c.pages(ctx, req, "versions", func(obj map[string]any) error {
		v := Version{}
		v.ID, _ = obj["versionId"].(string)
		v.Description, _ = obj["description"].(string)
		v.CreatedTime, _ = obj["createdTime"].(string)
		if v.ID == "" {
			return errors.New("a version without versionId")
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return versionLess(out[i].ID, out[j].ID) })
	return out, nil
}

// versionLess orders version ids numerically ("9" before "10").
func versionLess(a, b string) bool {
	x, errA := strconv.ParseUint(a, 10, 64)
	y, errB := strconv.ParseUint(b, 10, 64)
	if errA == nil && errB == nil {
		return x < y
	}
	return a < b
}

// PublishVersion publishes a version of root (an FC 2.0 service, an FC
// 3.0 function) with description. A non-empty etag (the service's) is sent
// as If-Match. FC's refusal when
// nothing changed since the last version gives ErrNothingToPublish. It is
// not retried after an attempt that may have been applied: a second
// publish would be refused as "nothing changed", or make a second version.
func (c *Client) PublishVersion(ctx context.Context, id ID, description, etag string) (Version, error) {
	action := "Publish" + id.Schema().Noun + "Version"
	req := request{action: action, method: http.MethodPost, path: resourcePath(id) + "/versions",
		body: map[string]any{"description": description}, etag: etag, id: id}
	var resp *response
	var last error
	err := c.retry(ctx, func(maybeApplied bool) (err error) {
		if maybeApplied {
			// Not an error retries can fix: a retry could publish twice.
			return fmt.Errorf("%s: %s: the answer was lost (%v); FC may have published the version: the next fetch lists the versions", id, action, last)
		}
		resp, err = c.do(ctx, req)
		last = err
		return err
	})
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusBadRequest && e.Code == "InvalidArgument" && strings.Contains(strings.ToLower(e.Message), "nothing changed") {
		return Version{}, fmt.Errorf("%w: %w", ErrNothingToPublish, err)
	}
	if err != nil {
		return Version{}, err
	}
	v := Version{}
	v.ID, _ = resp.body["versionId"].(string)
	v.Description, _ = resp.body["description"].(string)
	v.CreatedTime, _ = resp.body["createdTime"].(string)
	if v.ID == "" {
		return Version{}, fmt.Errorf("%s: %s: the answer has no versionId", id, action)
	}
	return v, nil
}
