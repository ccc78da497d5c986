package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// HTTP-level error codes.
const (
	CodeBadRequest           = "BAD_REQUEST"
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
)

// writeHTTPError answers a request refused before GraphQL execution with a GraphQL-shaped
// JSON error, so clients handle every refusal the same way.
func writeHTTPError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": message, "extensions": map[string]any{"code": code}}},
	})
}

// guardGraphQL checks a request to /graphql before gqlgen sees it: the method, the
// content type (only application/json is accepted for POST, so a browser's "simple"
// cross-site request — a form or text/plain — can never reach a mutation: CSRF), the body
// size, and that GET carries no mutation. It also sets the request's deadline.
func guardGraphQL(l Limits, next http.Handler) http.Handler {
	open := &streams{max: l.MaxStreams, n: map[string]int{}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var query, operationName string // of the request, as sent
		switch r.Method {
		case http.MethodPost:
			media, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || media != "application/json" {
				writeHTTPError(w, http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
					"POST /graphql needs Content-Type: application/json")
				return
			}
			if r.ContentLength > l.MaxBodyBytes {
				writeHTTPError(w, http.StatusRequestEntityTooLarge, CodeBodyTooLarge, bodyTooLarge(l))
				return
			}
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, l.MaxBodyBytes))
			if err != nil {
				var tooLarge *http.MaxBytesError
				if errors.As(err, &tooLarge) {
					writeHTTPError(w, http.StatusRequestEntityTooLarge, CodeBodyTooLarge, bodyTooLarge(l))
					return
				}
				writeHTTPError(w, http.StatusBadRequest, "BAD_REQUEST", "could not read the request body")
				return
			}
			req, msg := checkBody(body)
			if msg != "" {
				writeHTTPError(w, http.StatusBadRequest, CodeBadRequest, msg)
				return
			}
			query, operationName = deref(req.Query), deref(req.OperationName)
			r.Body = io.NopCloser(bytes.NewReader(body))
		case http.MethodGet:
			params, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				writeHTTPError(w, http.StatusBadRequest, CodeBadRequest, "the query string is malformed")
				return
			}
			for _, name := range []string{"variables", "extensions"} {
				var obj map[string]any
				if v := params.Get(name); v != "" && json.Unmarshal([]byte(v), &obj) != nil {
					writeHTTPError(w, http.StatusBadRequest, CodeBadRequest, name+" must be a JSON object")
					return
				}
			}
			query, operationName = params.Get("query"), params.Get("operationName")
			if isMutation(query, operationName) {
				w.Header().Set("Allow", http.MethodPost)
				writeHTTPError(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "mutations need POST")
				return
			}
		case http.MethodOptions:
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeHTTPError(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "use GET for queries and POST for any operation")
			return
		}
		if isStream(r, query, operationName) {
			// A websocket, or a subscription over Server-Sent Events, lives as long as its
			// client: no request deadline (each query on a websocket gets its own, in
			// limitSockets), and the server's read and write timeouts lifted for this
			// connection. A client holds a bounded number of them open.
			client, _ := r.Context().Value(clientKey{}).(string)
			if !open.acquire(client) {
				w.Header().Set("Retry-After", "10")
				writeHTTPError(w, http.StatusTooManyRequests, CodeRateLimited,
					fmt.Sprintf("this client has %d websockets and event streams open, the most it may; close one first", open.max))
				return
			}
			defer open.release(client)
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Time{})
			_ = rc.SetWriteDeadline(time.Time{})
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), streamKey{}, true)))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), l.Timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// graphqlRequest is the body of a POST to /graphql.
type graphqlRequest struct {
	Query         *string        `json:"query"`
	OperationName *string        `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
}

// checkBody returns why a POST body is not a GraphQL request, or "" if it is one: a JSON
// object whose query, operationName, variables and extensions have the right types. It
// returns the request as read.
func checkBody(body []byte) (req graphqlRequest, problem string) {
	if len(bytes.TrimSpace(body)) == 0 {
		return req, "the request body is empty; send a JSON object with a query"
	}
	if err := json.Unmarshal(body, &req); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return req, "the request body has a wrong type for " + typeErr.Field + ": expected a JSON object with query (string), operationName (string), variables (object)"
		}
		if errors.As(err, &typeErr) {
			return req, "the request body must be a JSON object with a query"
		}
		return req, "the request body is not valid JSON"
	}
	return req, ""
}

// isStream reports whether a request streams: a websocket, or a subscription (query and
// operationName, as sent) over Server-Sent Events; a query or mutation over SSE keeps its
// deadline.
func isStream(r *http.Request, query, operationName string) bool {
	if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		return true
	}
	return strings.Contains(r.Header.Get("Accept"), "text/event-stream") &&
		hasOperation(query, operationName, ast.Subscription)
}

// streamKey marks the context of a request that streams (isStream).
type streamKey struct{}

// subscriptionsStream refuses at once a subscription sent as a plain request, which
// gqlgen would hold until the deadline and answer with null: a subscription needs a
// websocket (graphql-transport-ws) or Accept: text/event-stream.
func subscriptionsStream(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Subscription || ctx.Value(streamKey{}) != nil {
		return next(ctx)
	}
	if o, _ := ctx.Value(statusKey{}).(*statusOverride); o != nil {
		o.status = http.StatusBadRequest
	}
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
		Message:    "a subscription needs a websocket (graphql-transport-ws) or Server-Sent Events (Accept: text/event-stream)",
		Extensions: map[string]any{"code": CodeBadRequest},
	}}})
}

// originHosts turns allowed origins (https://dash.example) into the host patterns the
// websocket library matches.
func originHosts(origins []string) []string {
	var out []string
	for _, o := range origins {
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			out = append(out, u.Host)
		}
	}
	return out
}

func bodyTooLarge(l Limits) string {
	return "the request body is larger than the limit of " + formatBytes(l.MaxBodyBytes)
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return itoa(n>>10) + " KiB"
	}
	return itoa(n) + " bytes"
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// isMutation reports whether the operation a GET request would run is a mutation. A
// query that does not parse is left for gqlgen to refuse.
func isMutation(query, operationName string) bool {
	return hasOperation(query, operationName, ast.Mutation)
}

// hasOperation reports whether the document selects an operation of the kind: the named
// one, or any when unnamed.
func hasOperation(query, operationName string, kind ast.Operation) bool {
	if query == "" {
		return false
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return false
	}
	for _, op := range doc.Operations {
		if (operationName == "" || op.Name == operationName) && op.Operation == kind {
			return true
		}
	}
	return false
}

// securityHeaders sets the headers every response carries: no MIME sniffing, no framing,
// no referrer, and a content security policy that lets API responses load nothing.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		// Nothing loads anything foreign; GraphiQL's page loosens this for its inline script.
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		next.ServeHTTP(w, r)
	})
}

// statusKey carries a status that an operation middleware wants the response to have.
type statusKey struct{}

type statusOverride struct {
	status int
	header http.Header
}

// overridable lets GraphQL middleware choose the HTTP status of the response (gqlgen
// writes 200 for every executed operation): the mutation rate limit answers 429.
func overridable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := &statusOverride{header: w.Header()}
		next.ServeHTTP(&overrideWriter{ResponseWriter: w, o: o}, r.WithContext(context.WithValue(r.Context(), statusKey{}, o)))
	})
}

type overrideWriter struct {
	http.ResponseWriter
	o     *statusOverride
	wrote bool
}

func (w *overrideWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	if w.o.status != 0 {
		code = w.o.status
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

// limitMutations refuses a mutation over the client's mutation budget with 429 and
// Retry-After, before any resolver runs. Each mutation field of the operation takes a
// token: twenty aliased deletes in one request are twenty writes.
func limitMutations(budget *clients) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if budget == nil || oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
			return next(ctx)
		}
		client, _ := ctx.Value(clientKey{}).(string)
		var fragments ast.FragmentDefinitionList
		if oc.Doc != nil {
			fragments = oc.Doc.Fragments
		}
		ok, wait := budget.allowN(client, measure(oc.Operation.SelectionSet, fragments).roots)
		if ok {
			return next(ctx)
		}
		if o, _ := ctx.Value(statusKey{}).(*statusOverride); o != nil {
			o.status = http.StatusTooManyRequests
			o.header.Set("Retry-After", retryAfterSeconds(wait))
		}
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
			Message:    "too many mutations from this client; retry after " + retryAfterSeconds(wait) + " s",
			Extensions: map[string]any{"code": CodeRateLimited, "retryAfter": retryAfterSeconds(wait)},
		}}})
	}
}
