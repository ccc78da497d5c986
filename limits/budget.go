package limits

import (
	"math"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Budget keeps a token bucket per client address, for the request, mutation and export
// rate limits. Buckets idle for longer than it takes to refill are dropped, so memory
// follows the number of active clients. A nil Budget allows everything: the limit is off.
type Budget struct {
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

// NewBudget returns a budget of perSecond tokens a second and bursts of burst per client,
// or nil (no limit) when perSecond is not positive.
func NewBudget(perSecond float64, burst int) *Budget {
	if perSecond <= 0 {
		return nil
	}
	return &Budget{limit: rate.Limit(perSecond), burst: max(burst, 1), buckets: map[string]*bucket{}}
}

// Allow takes a token for the client and, if none is left, says how long to wait.
func (c *Budget) Allow(client string) (ok bool, retryAfter time.Duration) {
	return c.AllowN(client, 1)
}

// AllowN takes n tokens for the client at once, or none and says how long to wait; n
// above a whole burst takes the whole burst.
func (c *Budget) AllowN(client string, n int) (ok bool, retryAfter time.Duration) {
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

// RetryAfter formats a wait for the Retry-After header: whole seconds, at least 1.
func RetryAfter(d time.Duration) string {
	return strconv.Itoa(int(math.Max(1, math.Ceil(d.Seconds()))))
}
