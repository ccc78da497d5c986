package httpapi

import (
	"net/http"

	"diplomacy-timeline/graph"
)

// overridable lets GraphQL middleware choose the HTTP status of the response (gqlgen
// writes 200 for every executed operation): the mutation rate limit answers 429.
func overridable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := &graph.Status{Header: w.Header()}
		next.ServeHTTP(&overrideWriter{ResponseWriter: w, o: o}, r.WithContext(graph.WithStatus(r.Context(), o)))
	})
}

type overrideWriter struct {
	http.ResponseWriter
	o     *graph.Status
	wrote bool
}

func (w *overrideWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	if w.o.Code != 0 {
		code = w.o.Code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *overrideWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *overrideWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush passes flushes through, for event streams.
func (w *overrideWriter) Flush() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}
