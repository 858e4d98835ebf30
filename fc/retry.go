package fc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"syscall"
	"time"
)

// retry runs attempt until it succeeds, fails with an error not worth
// retrying, or the policy is exhausted; it then returns the last error.
// Delays grow exponentially with full jitter (a uniform pick below the
// exponential bound), which spreads a burst of throttled callers apart.
//
// attempt is told whether an earlier attempt may have been applied by the
// server although it failed (a dropped connection or a 5xx), so that an
// operation can recognise its own earlier success: a Create meeting "already
// exists", a Delete meeting "not found".
func (c *Client) retry(ctx context.Context, attempt func(maybeApplied bool) error) error {
	p := c.policy
	start := time.Now()
	maybeApplied := false
	throttled := 0
	for n := 1; ; n++ {
		began := time.Now()
		err := attempt(maybeApplied)
		if err == nil || !retryable(err) {
			return err
		}
		if ctx.Err() != nil {
			return stopped(ctx, err)
		}
		if errors.Is(err, ErrThrottled) {
			// FC refused it for load, so it was not applied: the Client's
			// limiter (limiter.go) already slows every caller down and
			// waits as FC asks, so a throttled attempt costs none of the
			// policy's attempts or time, only its own generous bound.
			if throttled++; throttled >= maxThrottled {
				return err
			}
			n--
			start = start.Add(time.Since(began))
			continue
		}
		if n >= p.MaxAttempts {
			return err
		}
		maybeApplied = maybeApplied || ambiguous(err)
		bound := p.BaseDelay << min(n-1, 30)
		if bound <= 0 || bound > p.MaxDelay {
			bound = p.MaxDelay
		}
		delay := rand.N(bound + 1)
		if time.Since(start)+delay > p.MaxElapsed {
			return err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return stopped(ctx, err)
		case <-t.C:
		}
	}
}

// maxThrottled bounds the throttled attempts of one operation, about two
// minutes of waiting when FC asks for a second each time.
const maxThrottled = 100

// stopped is the error of an operation whose retries the caller cancelled:
// the last failure, which also matches ctx's error.
func stopped(ctx context.Context, last error) error {
	if errors.Is(last, ctx.Err()) {
		return last
	}
	return fmt.Errorf("%w (retry stopped: %w)", last, ctx.Err())
}

// retryable reports whether err is worth another attempt: throttling, a
// server error, or a network failure (an HTTP timeout included). Other 4xx
// answers would only repeat. The caller's own cancellation is checked apart.
func retryable(err error) bool {
	if permanent(err) {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.throttled() || e.Status >= 500
	}
	return networkError(err)
}

// ambiguous reports whether a failed attempt may nevertheless have been
// applied: the request may have reached FC before the connection dropped,
// and a 5xx may come after the write. A throttled request was refused.
func ambiguous(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return !e.throttled() && e.Status >= 500
	}
	return networkError(err)
}

func networkError(err error) bool {
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE)
}
