package httpapi

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// compress answers with gzip or zstd, as the client accepts, every response of 1 KiB or
// more — a page of the timeline shrinks about tenfold — but for event streams, which must
// reach the client event by event, files already compressed, and websockets.
func compress(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.ExceptContentTypes([]string{"text/event-stream"}))
	if err != nil { // only for invalid options, which these are not
		return next
	}
	compressed := wrap(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r)
			return
		}
		compressed.ServeHTTP(w, r)
	})
}
