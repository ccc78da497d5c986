package httpapi

import "net/http"

// middleware wraps a handler in one concern of the HTTP surface: one a file (logging.go,
// security.go, compress.go, ratelimit.go, guard.go, status.go, auth.go).
type middleware func(http.Handler) http.Handler

// chain wraps h in mws, the first outermost: chain(h, a, b) serves a(b(h)), so a request
// meets the middleware in the order written.
func chain(h http.Handler, mws ...middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}
