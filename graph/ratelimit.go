package graph

import (
	"context"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/time/rate"
)

// clients keeps a token bucket per client address. Buckets idle for longer than it takes
// to refill are dropped, so memory follows the number of active clients.
type clients struct {
	limit rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newClients(perSecond float64, burst int) *clients {
	if perSecond <= 0 {
		return nil
	}
	return &clients{limit: rate.Limit(perSecond), burst: max(burst, 1), buckets: map[string]*bucket{}}
}

// allow takes a token for the client and, if none is left, says how long to wait.
func (c *clients) allow(client string) (ok bool, retryAfter time.Duration) {
	return c.allowN(client, 1)
}

// allowN takes n tokens for the client at once, or none and says how long to wait; n
// above a whole burst takes the whole burst.
func (c *clients) allowN(client string, n int) (ok bool, retryAfter time.Duration) {
	if c == nil {
		return true, 0
	}
	now := time.Now()
	c.mu.Lock()
	if now.Sub(c.swept) > time.Minute {
		idle := time.Duration(float64(c.burst)/float64(c.limit)*float64(time.Second)) + time.Minute
		for k, b := range c.buckets {
			if now.Sub(b.seen) > idle {
				delete(c.buckets, k)
			}
		}
		c.swept = now
	}
	b, found := c.buckets[client]
	if !found {
		b = &bucket{lim: rate.NewLimiter(c.limit, c.burst)}
		c.buckets[client] = b
	}
	b.seen = now
	c.mu.Unlock()

	n = min(max(n, 1), c.burst)
	r := b.lim.ReserveN(now, n)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// retryAfterSeconds formats a wait for the Retry-After header: whole seconds, at least 1.
func retryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(int(math.Max(1, math.Ceil(d.Seconds()))))
}

type clientKey struct{}

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
func rateLimit(all *clients, trustProxy bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := clientAddress(r, trustProxy)
		if ok, wait := all.allow(client); !ok {
			w.Header().Set("Retry-After", retryAfterSeconds(wait))
			writeHTTPError(w, http.StatusTooManyRequests, CodeRateLimited,
				"too many requests from this client; retry after the time in the Retry-After header")
			return
		}
		ctx := context.WithValue(r.Context(), clientKey{}, client)
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			ctx = context.WithValue(ctx, socketKey{}, &socket{budget: all, client: client})
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// socketKey carries, in a websocket's context, what its operations are limited by.
type socketKey struct{}

// socket is one websocket connection. Each operation it carries takes a token from its
// client's request budget, as a request of its own would, and it holds a bounded number
// of subscriptions at once (limitSockets).
type socket struct {
	budget *clients
	client string
	subs   atomic.Int32
}

// limitSockets makes every operation over a websocket take a token from its client's
// request budget, and refuses a subscription beyond max open on one connection, so that
// one socket is no way around the rate limit or into unbounded memory.
func limitSockets(max int, timeout time.Duration) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		s, _ := ctx.Value(socketKey{}).(*socket)
		if s == nil {
			return next(ctx)
		}
		if ok, wait := s.budget.allow(s.client); !ok {
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
				Message:    "too many operations from this client; retry after " + retryAfterSeconds(wait) + " s",
				Extensions: map[string]any{"code": CodeRateLimited, "retryAfter": retryAfterSeconds(wait)},
			}}})
		}
		if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Subscription {
			// A query or mutation on a websocket has the deadline it would have alone; its
			// timer goes when the operation's own context does.
			limited, cancel := context.WithTimeout(ctx, timeout)
			context.AfterFunc(ctx, cancel)
			return next(limited)
		}
		if n := int(s.subs.Add(1)); n > max {
			s.subs.Add(-1)
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{
				limitError(CodeSubscriptionLimit, "open subscriptions per connection", max, n)}})
		}
		var once sync.Once
		end := func() { once.Do(func() { s.subs.Add(-1) }) }
		stop := context.AfterFunc(ctx, end) // the client completed it, or the socket closed
		handler := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			res := handler(ctx)
			if res == nil { // the stream ended
				stop()
				end()
			}
			return res
		}
	}
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
