package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dbtest"
	"diplomacy-timeline/graph"
)

// quietLogger keeps request logs out of test output.
var quietLogger = slog.New(slog.DiscardHandler)

// testToken is the API token of test servers.
const testToken = "test-token"

// Server is the real HTTP surface over a fresh SQLite database.
type Server struct {
	*httptest.Server
	Store *db.Store
}

// MustOpenServer starts the real handler over a fresh database in a temporary directory,
// with the default dataset unless empty, and the token testToken.
func MustOpenServer(tb testing.TB, empty bool) *Server {
	tb.Helper()
	return mustOpenServerWith(tb, empty, graph.Options{Token: testToken, Logger: quietLogger})
}

func mustOpenServerWith(tb testing.TB, empty bool, opts graph.Options) *Server {
	tb.Helper()
	if opts.Logger == nil {
		opts.Logger = quietLogger
	}
	store, err := db.Open(context.Background(), dbtest.DSN(tb), db.Options{NoDataset: empty, Logger: quietLogger})
	if err != nil {
		tb.Fatalf("open database: %v", err)
	}
	srv := httptest.NewServer(graph.NewHandler(store, opts))
	tb.Cleanup(func() {
		srv.Close()
		_ = store.Close()
	})
	return &Server{Server: srv, Store: store}
}

// Response is a decoded GraphQL response.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Status int `json:"-"`
}

// Codes returns the extensions.code of each error.
func (r *Response) Codes() []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// Code returns the code of the only error, failing the test unless there is exactly one.
func (r *Response) Code(tb testing.TB) string {
	tb.Helper()
	if len(r.Errors) != 1 {
		tb.Fatalf("want exactly one error, got %d: %+v", len(r.Errors), r.Errors)
	}
	return r.Codes()[0]
}

// Do posts a query with variables, authenticated with token when it is not empty.
func (s *Server) Do(tb testing.TB, token, query string, vars map[string]any) *Response {
	tb.Helper()
	authorization := ""
	if token != "" {
		authorization = "Bearer " + token
	}
	return s.DoWithAuthorization(tb, authorization, query, vars)
}

// DoWithAuthorization posts a query with the Authorization header set to authorization
// verbatim (none when empty).
func (s *Server) DoWithAuthorization(tb testing.TB, authorization, query string, vars map[string]any) *Response {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		tb.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	res, err := s.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	out := &Response{Status: res.StatusCode}
	if err := json.Unmarshal(raw, out); err != nil {
		tb.Fatalf("decode response %q: %v", raw, err)
	}
	return out
}

// Query runs a read and decodes its data into dst, failing on any error.
func (s *Server) Query(tb testing.TB, query string, vars map[string]any, dst any) {
	tb.Helper()
	s.mustData(tb, s.Do(tb, "", query, vars), dst)
}

// Mutate runs an authenticated mutation and decodes its data into dst, failing on any error.
func (s *Server) Mutate(tb testing.TB, query string, vars map[string]any, dst any) {
	tb.Helper()
	s.mustData(tb, s.Do(tb, testToken, query, vars), dst)
}

func (s *Server) mustData(tb testing.TB, r *Response, dst any) {
	tb.Helper()
	if len(r.Errors) > 0 {
		tb.Fatalf("unexpected errors: %+v", r.Errors)
	}
	if dst != nil {
		if err := json.Unmarshal(r.Data, dst); err != nil {
			tb.Fatalf("decode data %s: %v", r.Data, err)
		}
	}
}
