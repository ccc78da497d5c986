package httpapi

import (
	"fmt"
	"net/http"
	"sync"

	"diplomacy-timeline/apierr"
	"diplomacy-timeline/graph"
	"diplomacy-timeline/limits"
)

// inFlight caps the requests each client has in flight at once. One more waits for one of
// its own to finish, up to its deadline, so a client flooding the server queues behind
// itself instead of in front of everyone: with the cap below the database pool, another
// client always finds a connection. The rate limit bounds how often a client may ask;
// this bounds how much of the server it holds at once. Streams are not counted: they have
// caps of their own.
type inFlight struct {
	max     int
	mu      sync.Mutex
	clients map[string]*slots
}

// slots are one client's places in flight, and how many of its requests hold or wait for
// one, so that an idle client's entry is dropped.
type slots struct {
	ch    chan struct{}
	users int
}

func newInFlight(max int) *inFlight {
	return &inFlight{max: max, clients: map[string]*slots{}}
}

// limit is the middleware. It runs after guardGraphQL (for the request's deadline) and
// rateLimit (for the client's address).
func (f *inFlight) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.max <= 0 || graph.Streaming(r.Context()) {
			next.ServeHTTP(w, r)
			return
		}
		client := graph.Client(r.Context())
		s := f.join(client)
		defer f.leave(client, s)
		select {
		case s.ch <- struct{}{}: // a free place is taken even past the deadline: the request answers for itself
		default:
			select {
			case s.ch <- struct{}{}:
			case <-r.Context().Done():
				w.Header().Set("Retry-After", limits.RetryAfter(limits.StreamRetryAfter))
				apierr.WriteHTTP(w, http.StatusTooManyRequests, apierr.RateLimited,
					fmt.Sprintf("this client had %d requests in flight, the most it may, until this one's deadline passed; send fewer at once", f.max))
				return
			}
		}
		defer func() { <-s.ch }()
		next.ServeHTTP(w, r)
	})
}

func (f *inFlight) join(client string) *slots {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.clients[client]
	if s == nil {
		s = &slots{ch: make(chan struct{}, f.max)}
		f.clients[client] = s
	}
	s.users++
	return s
}

func (f *inFlight) leave(client string, s *slots) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s.users--; s.users == 0 {
		delete(f.clients, client)
	}
}
