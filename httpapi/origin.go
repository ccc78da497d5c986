package httpapi

import (
	"net/http"
	"net/url"
	"strings"

	"diplomacy-timeline/apierr"
)

// checkOrigin refuses a websocket upgrade from a browser page of another origin than the
// server's own host or one of origins, compared whole: scheme and host. The websocket
// library's own check compares hosts alone, so http://dash.example would pass for a
// configured https://dash.example — a page served without TLS, which anyone on the path
// could have written. A request without Origin is no browser's, and not refused.
func checkOrigin(origins []string) middleware {
	allowed := map[string]bool{}
	for _, o := range origins {
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			allowed[strings.ToLower(u.Scheme+"://"+u.Host)] = true
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			if origin == "" || !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
				next.ServeHTTP(w, r)
				return
			}
			u, err := url.Parse(origin)
			if err == nil && u.Host != "" && (strings.EqualFold(u.Host, r.Host) || allowed[strings.ToLower(u.Scheme+"://"+u.Host)]) {
				next.ServeHTTP(w, r)
				return
			}
			apierr.WriteHTTP(w, http.StatusForbidden, apierr.Forbidden,
				"a websocket may be opened only from this server's own pages or an origin in --cors-origins (scheme and host)")
		})
	}
}
