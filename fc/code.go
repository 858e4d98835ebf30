package fc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fcsync/fcsync/internal/budget"
)

var crcTable = crc64.MakeTable(crc64.ECMA)

// Checksum is the codeChecksum FC computes for a code package: the decimal
// CRC-64/ECMA-182 (XZ variant, as OSS's x-oss-hash-crc64ecma) of the zip
// bytes (fc-api.md section 3). Comparing it with a function's codeChecksum
// tells whether local code differs without downloading anything.
func Checksum(zip []byte) string {
	return strconv.FormatUint(crc64.Checksum(zip, crcTable), 10)
}

// GetCode downloads a function's code package: GetFunctionCode gives a URL
// and a checksum; the bytes fetched from the URL must match the checksum,
// else the error matches ErrChecksumMismatch. Each attempt asks for a fresh
// URL, since FC's URLs expire.
func (c *Client) GetCode(ctx context.Context, id ID) ([]byte, error) {
	const action = "GetFunctionCode"
	req := request{action: action, method: http.MethodGet, path: resourcePath(id) + "/code", id: id}
	var zip []byte
	err := c.retry(ctx, func(bool) error {
		resp, err := c.do(ctx, req)
		if err != nil {
			return err
		}
		u, _ := resp.body["url"].(string)
		sum := checksumString(resp.body["checksum"])
		if u == "" || sum == "" {
			return fmt.Errorf("%s: %s: answer lacks the url or the checksum", id, action)
		}
		if zip, err = c.fetch(ctx, id, u); err != nil {
			return err
		}
		if got := Checksum(zip); got != sum {
			return fmt.Errorf("%s: %s: %w: downloaded %d bytes with checksum %s, FC announced %s",
				id, action, ErrChecksumMismatch, len(zip), got, sum)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return zip, nil
}

// checksumString accepts the checksum as a string or, from a lenient
// server, as a JSON number.
func checksumString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}

// fetch downloads a code URL. The URL is signed (OSS puts a signature and a
// key id in its query), so errors name only its scheme, host and path. A
// failing status becomes an *Error so that 5xx answers are retried.
func (c *Client) fetch(ctx context.Context, id ID, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%s: code url: unparsable", id)
	}
	shown := u.Scheme + "://" + u.Host + u.Path
	// The deadline is that of an upload of the largest package: a download
	// is not slower.
	limit := c.timeoutFor(MaxCodeZip)
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: code url %s: %w", id, shown, err)
	}
	resp, err := c.http.Do(hreq)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = shown
		}
		return nil, fmt.Errorf("%s: download code: %w", id, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &Error{Status: resp.StatusCode, Code: strings.ReplaceAll(http.StatusText(resp.StatusCode), " ", ""),
			Message: "downloading " + shown, Action: downloadAction(id), Resource: id}
	}
	b, err := readBounded(ctx, resp, c.budget)
	if err != nil {
		return nil, fmt.Errorf("%s: download code: %w", id, err)
	}
	return b, nil
}

// downloadAction names a code download in errors: the call that gave its URL.
func downloadAction(id ID) string {
	if sc := id.Schema(); sc != nil && sc.Versioned {
		return "Get" + sc.Noun + "Version"
	}
	return "GetFunctionCode"
}

// MaxCodeZip is the largest code package fcsync downloads: FC accepts 500
// MB through OSS and the console.
const MaxCodeZip = 512 << 20

// readBounded reads a code download into one buffer of exactly its size,
// taking the bytes from budget as they arrive and giving them back when it
// returns: the caller then holds the zip, and the next holder of the budget
// (an unpack) counts it again. An answer beyond MaxCodeZip is refused
// before it is read when its length is announced, else as soon as it
// passes the limit.
func readBounded(ctx context.Context, resp *http.Response, b *budget.Budget) ([]byte, error) {
	if resp.ContentLength > MaxCodeZip {
		return nil, &TooLargeError{What: "code package", Limit: MaxCodeZip}
	}
	if n := resp.ContentLength; n >= 0 {
		if err := b.Acquire(ctx, n); err != nil {
			return nil, err
		}
		defer b.Release(n)
		buf := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	// Unknown length: chunks as they arrive, then one buffer.
	const chunk = 1 << 20
	var chunks [][]byte
	var total int64
	defer func() { b.Release(int64(len(chunks)) * chunk) }()
	for {
		if err := b.Acquire(ctx, chunk); err != nil {
			return nil, err
		}
		buf := make([]byte, chunk)
		chunks = append(chunks, buf)
		n, err := io.ReadFull(resp.Body, buf)
		chunks[len(chunks)-1] = buf[:n:chunk]
		total += int64(n)
		if total > MaxCodeZip {
			return nil, &TooLargeError{What: "code package", Limit: MaxCodeZip}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if err := b.Acquire(ctx, total); err != nil {
		return nil, err
	}
	defer b.Release(total)
	out := make([]byte, 0, total)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out, nil
}

// Budget is the memory budget code downloads take from (nil: unbounded),
// for callers that hold code in other ways to share it.
func (c *Client) Budget() *budget.Budget { return c.budget }
