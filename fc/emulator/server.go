package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Server is an Emulator listening on a TCP address.
type Server struct {
	*Emulator
	URL  string // http://127.0.0.1:port
	Addr string // 127.0.0.1:port

	srv  *http.Server
	done chan struct{}
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
		srv:      &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second},
		done:     make(chan struct{}),
	}
	s.URL = "http://" + s.Addr
	e.mu.Lock()
	e.baseURL = s.URL
	e.mu.Unlock()
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.logf("emulator: serve: %v", err)
		}
	}()
	return s, nil
}

// Close stops accepting requests, lets those in flight finish (for up to
// five seconds) and closes the emulator.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = s.srv.Close()
	}
	<-s.done
	return errors.Join(err, s.Emulator.Close())
}
