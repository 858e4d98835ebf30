package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"
)

// Faults are the misbehaviours the emulator injects into API requests, to
// test how clients cope with a slow, throttling or failing FC.
type Faults struct {
	// Latency is added to every API request, plus a uniformly random part
	// in [0, Jitter).
	Latency time.Duration `json:"latency"`
	Jitter  time.Duration `json:"jitter"`
	// ThrottleRPS > 0 admits at most that many requests per second (a token
	// bucket holding one second's worth); the rest get FC's throttling error,
	// 429 ResourceExhausted.
	ThrottleRPS int `json:"throttleRPS"`
	// FailureRate is the fraction of requests that fail without being
	// applied: a third answered 500 InternalServerError, a third 503
	// ServiceUnavailable, a third with the connection dropped.
	FailureRate float64 `json:"failureRate"`
	// LoseRate is the fraction of requests that are applied and whose
	// answer is then lost: the connection drops after the write landed.
	LoseRate float64 `json:"loseRate"`
	// Answers replace the answers to chosen requests with canned ones, the
	// request not applied: a redirect, a list without its list key, a 404
	// for a resource that exists, a web server's page.
	Answers []Answer `json:"answers"`
	// FailNth maps an action to the ordinal (from 1, counted since the faults
	// were set) of its one request answered 500 without being applied.
	FailNth map[string]int `json:"failNth"`
	// FailFrom maps an action to the ordinal from which every request of it
	// is answered 500 without being applied: a failure that retries cannot
	// get past, for testing half-applied deploys.
	FailFrom map[string]int `json:"failFrom"`
	// FailEcho maps an action to the ordinal from which every request of it
	// is refused with 400 InvalidArgument quoting the request body, as FC's
	// validation messages quote the values they reject ("MemorySize is set
	// to an invalid value: 100"). It tests what a client does with error
	// text that carries what it sent, secrets included.
	FailEcho map[string]int `json:"failEcho"`
	// EditBefore maps an action to the ordinal of its request before which
	// the resource it targets is edited as if from the console: description
	// "edited concurrently", new lastModifiedTime and ETag. It makes If-Match
	// races deterministic.
	EditBefore map[string]int `json:"editBefore"`
	// Seed makes FailureRate and Jitter reproducible.
	Seed int64 `json:"seed"`
}

// Answer is a canned answer to the Nth request of Action (counted from 1
// since the faults were set; 0: every request of it).
type Answer struct {
	Action      string            `json:"action"`
	Nth         int               `json:"nth"`
	Status      int               `json:"status"`
	ContentType string            `json:"contentType"` // default application/json
	Header      map[string]string `json:"header"`      // e.g. Location for a redirect
	Body        string            `json:"body"`
}

// UnmarshalJSON reads Latency and Jitter as Go duration strings ("20ms") or
// as numbers of nanoseconds.
func (f *Faults) UnmarshalJSON(b []byte) error {
	type plain Faults
	var aux struct {
		plain
		Latency jsonDuration `json:"latency"`
		Jitter  jsonDuration `json:"jitter"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*f = Faults(aux.plain)
	f.Latency, f.Jitter = time.Duration(aux.Latency), time.Duration(aux.Jitter)
	return nil
}

type jsonDuration time.Duration

func (d *jsonDuration) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case string:
		p, err := time.ParseDuration(x)
		if err != nil {
			return fmt.Errorf("faults: %w", err)
		}
		*d = jsonDuration(p)
	case float64:
		*d = jsonDuration(x)
	case nil:
	default:
		return fmt.Errorf("faults: duration %s is neither a string nor a number", b)
	}
	return nil
}

type faultState struct {
	mu     sync.Mutex
	f      Faults
	rng    *rand.Rand
	tokens float64
	last   time.Time
	seen   map[string]int // requests per action since set
	// injected counts the faults played since set, by kind, so that a test
	// can show its faults happened.
	injected map[string]int
}

func newFaultState(f Faults) *faultState {
	fs := &faultState{}
	fs.set(f)
	return fs
}

func (fs *faultState) set(f Faults) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.f = f
	fs.rng = rand.New(rand.NewPCG(uint64(f.Seed), 0x9e3779b97f4a7c15))
	fs.tokens, fs.last = float64(f.ThrottleRPS), time.Now()
	fs.seen = map[string]int{}
	fs.injected = map[string]int{}
}

// count returns the faults injected since the faults were set, by kind:
// throttled, 500, 503, dropped, lost, canned.
func (fs *faultState) count() map[string]int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make(map[string]int, len(fs.injected))
	for k, v := range fs.injected {
		out[k] = v
	}
	return out
}

// verdict is what the faults decide for one request.
type verdict struct {
	throttled, fail, drop, echo, editBefore, lose bool
	status                                        int // of a failure: 500 or 503
	rps                                           int
	answer                                        *Answer
}

func (fs *faultState) decide(action string) (time.Duration, verdict) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	v := verdict{rps: fs.f.ThrottleRPS}
	delay := fs.f.Latency
	if fs.f.Jitter > 0 {
		delay += time.Duration(fs.rng.Int64N(int64(fs.f.Jitter)))
	}
	if rps := float64(fs.f.ThrottleRPS); rps > 0 {
		now := time.Now()
		fs.tokens = min(rps, fs.tokens+now.Sub(fs.last).Seconds()*rps)
		fs.last = now
		if fs.tokens < 1 {
			v.throttled = true
			fs.injected["throttled"]++
			return delay, v
		}
		fs.tokens--
	}
	fs.seen[action]++
	n := fs.seen[action]
	v.editBefore = fs.f.EditBefore[action] == n
	for i, a := range fs.f.Answers {
		if a.Action == action && (a.Nth == 0 || a.Nth == n) {
			v.answer = &fs.f.Answers[i]
			fs.injected["canned"]++
			return delay, v
		}
	}
	v.status = http.StatusInternalServerError
	if from, ok := fs.f.FailEcho[action]; ok && n >= from {
		v.echo = true
	} else if from, ok := fs.f.FailFrom[action]; (ok && n >= from) || fs.f.FailNth[action] == n {
		v.fail = true
	} else if fs.f.FailureRate > 0 && fs.rng.Float64() < fs.f.FailureRate {
		v.fail = true
		switch fs.rng.IntN(3) {
		case 0:
			v.drop = true
		case 1:
			v.status = http.StatusServiceUnavailable
		}
	} else if fs.f.LoseRate > 0 && fs.rng.Float64() < fs.f.LoseRate {
		v.lose = true
	}
	switch {
	case v.lose:
		fs.injected["lost"]++
	case v.drop:
		fs.injected["dropped"]++
	case v.fail:
		fs.injected[fmt.Sprint(v.status)]++
	}
	return delay, v
}

// injected is what inject decided for a request it did not answer itself.
type injected struct {
	editBefore bool // play a concurrent edit before serving it
	lose       bool // serve it, then drop the connection instead of answering
}

// inject applies the faults to one request of action. handled reports that
// the request was answered (or its connection dropped) here. The latency
// is served before any lock is taken.
func (fs *faultState) inject(w http.ResponseWriter, r *http.Request, action, requestID string) (in injected, handled bool) {
	delay, v := fs.decide(action)
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return in, true
		}
	}
	switch {
	case v.throttled:
		// Guess: FC documents no Retry-After; one second is when the
		// bucket has refilled.
		w.Header().Set("Retry-After", "1")
		writeError(w, r, requestID, errorf(http.StatusTooManyRequests, "ResourceExhausted",
			"the request rate exceeds the limit of %d per second", v.rps))
		return in, true
	case v.answer != nil:
		writeCanned(w, v.answer)
		return in, true
	case v.drop && dropConnection(w):
		return in, true
	case v.fail && v.status == http.StatusServiceUnavailable:
		writeError(w, r, requestID, errorf(http.StatusServiceUnavailable, "ServiceUnavailable", "the service is temporarily unavailable"))
		return in, true
	case v.fail:
		writeError(w, r, requestID, internalError())
		return in, true
	case v.echo:
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		writeError(w, r, requestID, invalidArgument("the request is set to an invalid value: %s", body))
		return in, true
	}
	return injected{editBefore: v.editBefore, lose: v.lose}, false
}

func writeCanned(w http.ResponseWriter, a *Answer) {
	ct := a.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	for k, v := range a.Header {
		w.Header().Set(k, v)
	}
	status := a.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	w.Write([]byte(a.Body))
}

// dropConnection closes the client's connection without an answer (a reset
// where the platform allows it); false if the connection cannot be taken over.
func dropConnection(w http.ResponseWriter) bool {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return false
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return false
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
	return true
}

// stats counts API calls per action, and the most API requests it served at
// once, so tests can see that a client's parallelism is real and bounded.
type stats struct {
	mu          sync.Mutex
	calls       map[string]int
	inFlight    int
	maxInFlight int
}

func newStats() *stats { return &stats{calls: map[string]int{}} }

// begin counts one API request of action; end must follow when it is
// answered.
func (s *stats) begin(action string) {
	s.mu.Lock()
	s.calls[action]++
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	s.mu.Unlock()
}

func (s *stats) end() {
	s.mu.Lock()
	s.inFlight--
	s.mu.Unlock()
}

// add counts a call that is not an API request in flight (code downloads).
func (s *stats) add(action string) {
	s.mu.Lock()
	s.calls[action]++
	s.mu.Unlock()
}

func (s *stats) snapshot() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		c[k] = v
	}
	return c
}

func (s *stats) peak() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

func (s *stats) reset() {
	s.mu.Lock()
	s.calls = map[string]int{}
	s.maxInFlight = s.inFlight
	s.mu.Unlock()
}
