package graph_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestHTTPSurface(t *testing.T) {
	s := MustOpenServer(t, false)
	// One query first, so that the statement counter has counted something.
	s.Query(t, `{ platform(slug: "c5-plus-1") { name } }`, nil, nil)
	cases := []struct {
		path, contains, contentType string
	}{
		{"/healthz", "ok", "text/plain"},
		{"/readyz", "ready", "text/plain"},
		{"/schema.graphql", "type Session implements Node", "text/plain"},
		{"/playground", "graphiql", "text/html"},
		{"/metrics", "diplomacy_db_queries_total", "text/plain"},
		{"/metrics", `diplomacy_http_requests_total{code="200",handler="/graphql",method="post"}`, "text/plain"},
		{"/", "/playground", "text/html"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			res, err := http.Get(s.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d", tc.path, res.StatusCode)
			}
			if !strings.Contains(res.Header.Get("Content-Type"), tc.contentType) {
				t.Errorf("GET %s: Content-Type %q, want %s", tc.path, res.Header.Get("Content-Type"), tc.contentType)
			}
			if !strings.Contains(strings.ToLower(string(body)), strings.ToLower(tc.contains)) {
				t.Errorf("GET %s: body does not contain %q", tc.path, tc.contains)
			}
		})
	}
	res, err := http.Get(s.URL + "/no-such-page")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: status %d, want 404", res.StatusCode)
	}
}

func TestReadyzReportsDatabaseDown(t *testing.T) {
	s := MustOpenServer(t, true)
	if err := s.Store.Close(); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(s.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with a closed database: %d, want 503", res.StatusCode)
	}
}

func TestInternalErrorsAreMasked(t *testing.T) {
	s := MustOpenServer(t, false)
	if err := s.Store.Close(); err != nil {
		t.Fatal(err)
	}
	r := s.Do(t, "", `{ platforms { nodes { name } } }`, nil)
	if got := r.Code(t); got != "INTERNAL" {
		t.Fatalf("code %q, want INTERNAL", got)
	}
	if msg := r.Errors[0].Message; strings.Contains(msg, "sql") || strings.Contains(msg, "closed") {
		t.Fatalf("internal detail leaked to the client: %q", msg)
	}
}
