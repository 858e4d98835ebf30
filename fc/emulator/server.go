package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is an Emulator listening on a TCP address.
type Server struct {
	*Emulator
	URL  string // http://127.0.0.1:port
	Addr string // 127.0.0.1:port

	srv  *http.Server
	ln   net.Listener
	done chan struct{}

	connMu sync.Mutex
	fresh  map[net.Conn]bool // connections that have not sent a request yet
}

// Start listens on addr ("127.0.0.1:0" picks a free port) and serves the
// emulator in the background.
func Start(addr string, opts Options) (*Server, error) {
	e, err := New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("emulator: listen: %w", err)
	}
	s := &Server{
		Emulator: e,
		Addr:     ln.Addr().String(),
		ln:       ln,
		done:     make(chan struct{}),
		fresh:    map[net.Conn]bool{},
	}
	s.srv = &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, ConnState: s.trackConn}
	s.URL = "http://" + s.Addr
	e.mu.Lock()
	e.baseURL = s.URL
	e.mu.Unlock()
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			e.logf("emulator: serve: %v", err)
		}
	}()
	return s, nil
}

func (s *Server) trackConn(c net.Conn, state http.ConnState) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if state == http.StateNew {
		s.fresh[c] = true
	} else {
		delete(s.fresh, c)
	}
}

// Close stops accepting requests, lets those in flight finish (for up to
// five seconds) and closes the emulator. Connections that never sent a
// request are closed at once: http.Server.Shutdown would otherwise wait
// seconds for them, and HTTP clients open spare ones under load.
func (s *Server) Close() error {
	err := s.ln.Close()
	s.connMu.Lock()
	for c := range s.fresh {
		c.Close()
	}
	s.connMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if serr := s.srv.Shutdown(ctx); serr != nil && !errors.Is(serr, net.ErrClosed) {
		err = errors.Join(err, serr, s.srv.Close())
	}
	<-s.done
	return errors.Join(err, s.Emulator.Close())
}
