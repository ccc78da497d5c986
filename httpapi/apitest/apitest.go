// Package apitest starts the real HTTP surface over a fresh database for tests — SQLite,
// or PostgreSQL when TEST_DATABASE_URL is set (db/dbtest) — and posts GraphQL to it. The
// tests of graph, httpapi and export share it, so that all of them go through the same
// handler a server runs.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dataset"
	"diplomacy-timeline/db/dbtest"
	"diplomacy-timeline/httpapi"
)

// QuietLogger keeps request logs out of test output.
var QuietLogger = slog.New(slog.DiscardHandler)

// Token is the API token of test servers.
const Token = "test-token"

// Server is the real HTTP surface over a fresh SQLite database.
type Server struct {
	*httptest.Server
	Store *db.Store
}

// MustOpenServer starts the real handler over a fresh database in a temporary directory,
// with the default dataset unless empty, and the token Token.
func MustOpenServer(tb testing.TB, empty bool) *Server {
	tb.Helper()
	return MustOpenServerWith(tb, empty, httpapi.Options{Token: Token, Logger: QuietLogger})
}

// MustOpenServerWith is MustOpenServer with the handler's options.
func MustOpenServerWith(tb testing.TB, empty bool, opts httpapi.Options) *Server {
	tb.Helper()
	if opts.Logger == nil {
		opts.Logger = QuietLogger
	}
	store, err := db.Open(context.Background(), dbtest.DSN(tb), db.Options{NoDataset: empty, Seed: dataset.LoadDefault, Logger: QuietLogger})
	if err != nil {
		tb.Fatalf("open database: %v", err)
	}
	srv := httptest.NewServer(httpapi.NewHandler(store, opts))
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
	s.MustData(tb, s.Do(tb, "", query, vars), dst)
}

// Mutate runs an authenticated mutation and decodes its data into dst, failing on any error.
func (s *Server) Mutate(tb testing.TB, query string, vars map[string]any, dst any) {
	tb.Helper()
	s.MustData(tb, s.Do(tb, Token, query, vars), dst)
}

// MustData fails the test on any error of r and decodes its data into dst.
func (s *Server) MustData(tb testing.TB, r *Response, dst any) {
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

// Fixture creates a record through its create mutation with a valid default input that
// fields override, and returns its global ID.
func (s *Server) Fixture(tb testing.TB, mutation, inputType string, defaults, fields map[string]any) string {
	tb.Helper()
	input := maps.Clone(defaults)
	maps.Copy(input, fields)
	var out map[string]struct{ ID string }
	s.Mutate(tb, fmt.Sprintf("mutation($in: %s!) { r: %s(input: $in) { id } }", inputType, mutation), map[string]any{"in": input}, &out)
	return out["r"].ID
}

// MustCreatePlatform creates a FORMAT platform with the slug.
func (s *Server) MustCreatePlatform(tb testing.TB, slug string, fields map[string]any) string {
	tb.Helper()
	return s.Fixture(tb, "createPlatform", "PlatformInput", map[string]any{"slug": slug, "name": "Platform " + slug, "kind": "FORMAT"}, fields)
}

// MustCreateSession creates an OTHER session with the slug starting on start.
func (s *Server) MustCreateSession(tb testing.TB, slug, start string, fields map[string]any) string {
	tb.Helper()
	return s.Fixture(tb, "createSession", "SessionInput", map[string]any{"slug": slug, "title": "Session " + slug, "kind": "OTHER", "start": start}, fields)
}

// MustCreateOfficial creates an official with the slug.
func (s *Server) MustCreateOfficial(tb testing.TB, slug string, fields map[string]any) string {
	tb.Helper()
	return s.Fixture(tb, "createOfficial", "OfficialInput", map[string]any{"slug": slug, "name": "Official " + slug}, fields)
}

// MustCreateTopic creates a topic with the slug.
func (s *Server) MustCreateTopic(tb testing.TB, slug string, fields map[string]any) string {
	tb.Helper()
	return s.Fixture(tb, "createTopic", "TopicInput", map[string]any{"slug": slug, "name": "Topic " + slug}, fields)
}

// MustCreateSource creates a source with the title.
func (s *Server) MustCreateSource(tb testing.TB, title string, fields map[string]any) string {
	tb.Helper()
	return s.Fixture(tb, "createSource", "SourceInput", map[string]any{"title": title}, fields)
}

// MustCreateInitiative creates an initiative with the slug.
func (s *Server) MustCreateInitiative(tb testing.TB, slug string, fields map[string]any) string {
	tb.Helper()
	return s.Fixture(tb, "createInitiative", "InitiativeInput", map[string]any{"slug": slug, "title": "Initiative " + slug}, fields)
}

// MustCreateStatement creates a statement by the official on the date.
func (s *Server) MustCreateStatement(tb testing.TB, officialID, date string, fields map[string]any) string {
	tb.Helper()
	return s.Fixture(tb, "createStatement", "StatementInput", map[string]any{"officialId": officialID, "date": date, "text": "Said on " + date}, fields)
}

// TimelineFilter is a TimelineFilter as a test writes it; Vars turns it into GraphQL
// variables, leaving out what is empty (a nil list is absent, an empty one is sent).
type TimelineFilter struct {
	From, To                                       string
	Kinds, Platforms, Countries, Officials, Topics []string
	Text                                           string
}

// Vars returns the filter as the variables of a TimelineFilter input.
func (f TimelineFilter) Vars() map[string]any {
	v := map[string]any{}
	if f.From != "" {
		v["from"] = f.From
	}
	if f.To != "" {
		v["to"] = f.To
	}
	for k, list := range map[string][]string{"kinds": f.Kinds, "platforms": f.Platforms, "countries": f.Countries, "officials": f.Officials, "topics": f.Topics} {
		if list != nil {
			v[k] = list
		}
	}
	if f.Text != "" {
		v["text"] = f.Text
	}
	return v
}
