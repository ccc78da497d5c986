package httpapi

import (
	"bytes"
	"context"
	"diplomacy-timeline/apierr"
	"diplomacy-timeline/graph"
	"diplomacy-timeline/limits"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// guardGraphQL checks a request to /graphql before gqlgen sees it: the method, the
// content type (only application/json is accepted for POST, so a browser's "simple"
// cross-site request — a form or text/plain — can never reach a mutation: CSRF), the body
// size, and that GET carries no mutation. It also sets the request's deadline, and counts
// the streams open.
func guardGraphQL(l limits.Config, open *Streams, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var query, operationName string // of the request, as sent
		ok := true
		switch r.Method {
		case http.MethodPost:
			query, operationName, ok = checkPost(w, r, l)
		case http.MethodGet:
			query, operationName, ok = checkGet(w, r, l)
		case http.MethodOptions:
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			apierr.WriteHTTP(w, http.StatusMethodNotAllowed, apierr.MethodNotAllowed, "use GET for queries and POST for any operation")
			return
		}
		if !ok {
			return
		}
		if isStream(r, query, operationName, l.MaxTokens) {
			serveStream(w, r, l, open, next)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), l.Timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// checkPost checks a POST: its content type, then its body, read whole within the size
// limit so that a body too large is refused before gqlgen parses any of it. It returns
// the operation as sent and puts the body back for gqlgen; when the request is refused,
// it has answered it and returns ok false.
func checkPost(w http.ResponseWriter, r *http.Request, l limits.Config) (query, operationName string, ok bool) {
	media, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || media != "application/json" {
		apierr.WriteHTTP(w, http.StatusUnsupportedMediaType, apierr.UnsupportedMediaType,
			"POST /graphql needs Content-Type: application/json")
		return "", "", false
	}
	if r.ContentLength > l.MaxBodyBytes {
		apierr.WriteHTTP(w, http.StatusRequestEntityTooLarge, apierr.BodyTooLarge, bodyTooLarge(l))
		return "", "", false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, l.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			apierr.WriteHTTP(w, http.StatusRequestEntityTooLarge, apierr.BodyTooLarge, bodyTooLarge(l))
			return "", "", false
		}
		apierr.WriteHTTP(w, http.StatusBadRequest, apierr.BadRequest, "could not read the request body")
		return "", "", false
	}
	req, msg := checkBody(body)
	if msg != "" {
		apierr.WriteHTTP(w, http.StatusBadRequest, apierr.BadRequest, msg)
		return "", "", false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return req.Query, req.OperationName, true
}

// checkGet checks a GET: a query string that parses, variables and extensions that are
// JSON objects, and no mutation, since a GET may be sent by any page a user visits (a
// link, an image). It returns the operation as sent; when the request is refused, it has
// answered it and returns ok false.
func checkGet(w http.ResponseWriter, r *http.Request, l limits.Config) (query, operationName string, ok bool) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		apierr.WriteHTTP(w, http.StatusBadRequest, apierr.BadRequest, "the query string is malformed")
		return "", "", false
	}
	for _, name := range []string{"variables", "extensions"} {
		var obj map[string]any
		if v := params.Get(name); v != "" && json.Unmarshal([]byte(v), &obj) != nil {
			apierr.WriteHTTP(w, http.StatusBadRequest, apierr.BadRequest, name+" must be a JSON object")
			return "", "", false
		}
	}
	query, operationName = params.Get("query"), params.Get("operationName")
	if isMutation(query, operationName, l.MaxTokens) {
		w.Header().Set("Allow", http.MethodPost)
		apierr.WriteHTTP(w, http.StatusMethodNotAllowed, apierr.MethodNotAllowed, "mutations need POST")
		return "", "", false
	}
	return query, operationName, true
}

// serveStream serves a websocket, or a subscription over Server-Sent Events, which lives
// as long as its client, or until the server shuts down (Streams.Close): no request
// deadline (each query on a websocket gets its own, in limitSockets), and the server's
// read and write timeouts lifted for this connection. A client holds a bounded number of
// them open, and so does the server. A client over its own bound is refused with 429, as
// by a rate limit: it is its own doing. One refused because the server is full gets 503:
// it may hold none, and 503 tells it, and a load balancer, that the server is busy and
// another replica, or a retry, may serve it.
func serveStream(w http.ResponseWriter, r *http.Request, l limits.Config, open *Streams, next http.Handler) {
	ctx, release, refused := open.acquire(r.Context(), graph.Client(r.Context()), l.MaxStreams, l.MaxStreamsTotal)
	switch refused {
	case clientFull:
		w.Header().Set("Retry-After", limits.RetryAfter(limits.StreamRetryAfter))
		apierr.WriteHTTP(w, http.StatusTooManyRequests, apierr.RateLimited,
			fmt.Sprintf("this client has %d websockets and event streams open, the most it may; close one first", l.MaxStreams))
		return
	case serverFull:
		w.Header().Set("Retry-After", limits.RetryAfter(limits.StreamRetryAfter))
		apierr.WriteHTTP(w, http.StatusServiceUnavailable, apierr.Unavailable,
			fmt.Sprintf("the server has %d websockets and event streams open, the most it holds; retry later", l.MaxStreamsTotal))
		return
	case shuttingDown:
		w.Header().Set("Retry-After", limits.RetryAfter(limits.StreamRetryAfter))
		apierr.WriteHTTP(w, http.StatusServiceUnavailable, apierr.Unavailable, "the server is shutting down; retry later")
		return
	}
	defer release()
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	next.ServeHTTP(w, r.WithContext(graph.WithStream(ctx)))
}

// graphqlRequest is the body of a POST to /graphql.
type graphqlRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
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
func isStream(r *http.Request, query, operationName string, maxTokens int) bool {
	if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		return true
	}
	return strings.Contains(r.Header.Get("Accept"), "text/event-stream") &&
		hasOperation(query, operationName, ast.Subscription, maxTokens)
}

func bodyTooLarge(l limits.Config) string {
	return "the request body is larger than the limit of " + formatBytes(l.MaxBodyBytes)
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// isMutation reports whether the operation a GET request would run is a mutation. A
// query that does not parse is left for gqlgen to refuse.
func isMutation(query, operationName string, maxTokens int) bool {
	return hasOperation(query, operationName, ast.Mutation, maxTokens)
}

// hasOperation reports whether the document selects an operation of the kind: the named
// one, or any when unnamed. It parses within the token limit, as gqlgen will: a document
// over it, like one that does not parse, is left for gqlgen to refuse.
func hasOperation(query, operationName string, kind ast.Operation, maxTokens int) bool {
	if query == "" {
		return false
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, maxTokens)
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
