package httpapi

import (
	"diplomacy-timeline/apierr"
	"diplomacy-timeline/graph"
	"diplomacy-timeline/limits"
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

// streams counts the websockets and event streams each client has open.
type streams struct {
	max int
	mu  sync.Mutex
	n   map[string]int
}

func (s *streams) acquire(client string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n[client] >= s.max {
		return false
	}
	s.n[client]++
	return true
}

func (s *streams) release(client string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n[client]--; s.n[client] <= 0 {
		delete(s.n, client)
	}
}
