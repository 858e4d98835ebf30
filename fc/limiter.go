package fc

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// limiter adapts how many calls a Client has in flight to what FC accepts:
// additive increase on success, multiplicative decrease on throttling
// (AIMD, as TCP does), and a pause of every caller when FC says to wait
// (Retry-After) or is throttling in a row. Without it, eight callers
// retrying on their own each use up their attempts against a 5 requests/s
// limit, and a push never gets past its reads.
type limiter struct {
	mu       sync.Mutex
	wake     chan struct{} // closed and replaced when a slot may have freed
	max      float64
	limit    float64
	inFlight int
	until    time.Time // no call starts before
	lastCut  time.Time // calls started before it do not cut again
	streak   int       // throttled answers in a row
	base     time.Duration
	maxPause time.Duration
}

func newLimiter(max int, p RetryPolicy) *limiter {
	if max < 1 {
		max = 8
	}
	return &limiter{wake: make(chan struct{}), max: float64(max), limit: float64(max), base: p.BaseDelay, maxPause: p.MaxDelay}
}

// acquire waits for a slot and returns when the call started.
func (l *limiter) acquire(ctx context.Context) (time.Time, error) {
	for {
		l.mu.Lock()
		now := time.Now()
		wait := l.until.Sub(now)
		if wait <= 0 && float64(l.inFlight) < l.limit {
			l.inFlight++
			l.mu.Unlock()
			return now, nil
		}
		wake := l.wake
		l.mu.Unlock()
		var t *time.Timer
		var timer <-chan time.Time
		if wait > 0 {
			t = time.NewTimer(wait)
			timer = t.C
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-timer:
		}
		if t != nil {
			t.Stop()
		}
		if err := ctx.Err(); err != nil {
			return time.Time{}, err
		}
	}
}

// release ends a call that started at start; throttled says FC refused it
// for load, retryAfter is what FC asked to wait (0 if nothing).
func (l *limiter) release(start time.Time, throttled bool, retryAfter time.Duration) {
	l.mu.Lock()
	l.inFlight--
	now := time.Now()
	if throttled {
		l.streak++
		if !start.Before(l.lastCut) {
			l.limit = max(1, l.limit/2)
			l.lastCut = now
		}
		pause := retryAfter
		if pause <= 0 {
			bound := min(l.base<<min(l.streak-1, 20), l.maxPause)
			pause = bound/2 + rand.N(bound/2+1)
		}
		if until := now.Add(pause); until.After(l.until) {
			l.until = until
		}
	} else {
		l.streak = 0
		l.limit = min(l.max, l.limit+1/l.limit)
	}
	close(l.wake)
	l.wake = make(chan struct{})
	l.mu.Unlock()
}
