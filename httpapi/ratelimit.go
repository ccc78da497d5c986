package httpapi

import (
	"context"
	"diplomacy-timeline/apierr"
	"diplomacy-timeline/graph"
	"diplomacy-timeline/limits"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
)

// clientAddress returns the address a request is limited by: the peer's IP, or, behind a
// trusted proxy, the last address the proxy appended to X-Forwarded-For (earlier entries
// are the client's own claims and could be forged).
func clientAddress(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// rateLimit refuses a client over its request budget with 429 and Retry-After, and records
// the client address for the mutation budget.
func rateLimit(all *limits.Budget, trustProxy bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := clientAddress(r, trustProxy)
		if ok, wait := all.Allow(client); !ok {
			w.Header().Set("Retry-After", limits.RetryAfter(wait))
			apierr.WriteHTTP(w, http.StatusTooManyRequests, apierr.RateLimited,
				"too many requests from this client; retry after the time in the Retry-After header")
			return
		}
		ctx := graph.WithClient(r.Context(), client)
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			ctx = graph.WithSocket(ctx, client)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Streams are the websockets and event streams a handler holds open: it counts them, per
// client and in all, and ends them when the server shuts down. http.Server.Shutdown waits
// for every request to finish, and a stream finishes only when its client goes: without
// Close, one open subscription held a shutdown for its whole grace and made it fail.
type Streams struct {
	mu       sync.Mutex
	byClient map[string]int
	total    int
	closed   bool
	open     sync.WaitGroup // a handler each
	end      context.Context
	cancel   context.CancelFunc
}

// NewStreams returns an empty set of streams, for Options.Streams.
func NewStreams() *Streams {
	end, cancel := context.WithCancel(context.Background())
	return &Streams{byClient: map[string]int{}, end: end, cancel: cancel}
}

// Close ends every open stream at once — an event stream completes, a websocket closes
// with 1001 Going Away — and refuses new ones, then waits until their handlers have
// returned, or ctx is done. A websocket's handler returns once its client has answered
// the close, or after the 5 s coder/websocket gives a client that does not.
func (s *Streams) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	done := make(chan struct{})
	go func() {
		s.open.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("streams still open: %w", ctx.Err())
	}
}

// refusal is why a stream was not opened.
type refusal int

const (
	admitted     refusal = iota
	clientFull           // the client holds its most
	serverFull           // the server holds its most
	shuttingDown         // Close has been called
)

// acquire opens a stream for client unless it holds perClient or the server total, and
// returns the stream's context, which ends on Close, and its release.
func (s *Streams) acquire(ctx context.Context, client string, perClient, total int) (context.Context, func(), refusal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return nil, nil, shuttingDown
	case s.byClient[client] >= perClient:
		return nil, nil, clientFull
	case s.total >= total:
		return nil, nil, serverFull
	}
	s.byClient[client]++
	s.total++
	s.open.Add(1)
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.end, cancel)
	return ctx, func() {
		stop()
		cancel()
		s.release(client)
	}, admitted
}

func (s *Streams) release(client string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byClient[client]--; s.byClient[client] <= 0 {
		delete(s.byClient, client)
	}
	s.total--
	s.open.Done()
}
