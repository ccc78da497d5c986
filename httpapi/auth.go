package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"diplomacy-timeline/graph"
)

// authenticate is middleware that marks a request as authenticated when it carries
// "Authorization: Bearer <token>" with the configured token. The comparison takes the same
// time whatever the token, so it leaks nothing about it. With no token configured no
// request is authenticated.
func authenticate(token string, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if token != "" && ok && strings.EqualFold(scheme, "Bearer") {
			sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
			if subtle.ConstantTimeCompare(sum[:], want[:]) == 1 {
				r = r.WithContext(graph.WithAuthenticated(r.Context()))
			}
		}
		next.ServeHTTP(w, r)
	})
}
