package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The GraphQL side of each benchmark: the query a client would send, posted to the real
// HTTP handler (httpapi.NewHandler) in process.

// timelineNode is the selection of one timeline entry; participants adds each session's
// participants with their officials and countries.
func timelineNode(participants bool) string {
	extra := ""
	if participants {
		extra = `
      ... on Session { participants { role official { name country { code name } } } }`
	}
	return `id kind date title
    subject {
      ... on Session { id slug title }
      ... on Platform { id slug name }
      ... on Initiative { id slug title }
      ... on Official { id slug name }
      ... on Statement { id text }` + extra + `
    }
    platform { slug name }
    countries { code name }
    topics { slug name }
    sources { title url }`
}

// timelineQuery is a page of the timeline with the arguments args.
func timelineQuery(args string, participants bool) string {
	return fmt.Sprintf(`{ timeline(%s) {
  nodes { %s }
  pageInfo { hasNextPage endCursor }
} }`, args, timelineNode(participants))
}

// Arguments of the timeline benchmarks. The unfiltered page is the newest one: the
// oldest 50 entries of the synthetic world are platform foundings and officials' first
// posts (1975–1985), with no session to take participants from, while the newest hold
// every kind of entry.
const (
	timelinePageArgs = `first: 50, order: DESC`
	filteredArgs     = `first: 50, filter: {countries: ["KZ"], topics: ["topic-01"], from: "2015", to: "2015"}`
)

const bucketsQuery = `{ timelineBuckets(granularity: MONTH) { start count byKind { kind count } } }`

const searchText = "tashkent water"

var searchQuery = fmt.Sprintf(`{ search(query: %q, first: 20) {
  totalCount
  nodes {
    ... on Platform { id name }
    ... on Session { id title }
    ... on Official { id name }
    ... on Initiative { id title }
    ... on Statement { id text }
    ... on Source { id title }
  }
} }`, searchText)

// sessionQuery is a session by slug with everything.
func sessionQuery(slug string) string {
	return fmt.Sprintf(`{ session(slug: %q) {
  id slug title kind start end summary
  platform { slug name }
  parent { slug title }
  children { slug title }
  location { city venue latitude longitude country { code name } }
  hostCountry { code name }
  subjectCountries { code name }
  topics { slug name }
  participants { role country { code name } official { name country { code name } positions { title } } }
  statements { date text official { name } }
  initiatives { slug title }
  sources { title url }
  citations { excerpt source { title } }
} }`, slug)
}

// requestBody is the JSON body of a GraphQL POST.
func requestBody(query string) []byte {
	b, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		panic(err)
	}
	return b
}

// post sends one GraphQL request to h and returns the recorded response; the handler has
// written the whole body into it.
func post(h http.Handler, body []byte) *httptest.ResponseRecorder {
	req, err := http.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.RemoteAddr = "192.0.2.1:1234"
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// mustPost posts and fails unless the answer is a 200 without errors; it returns the body.
func mustPost(tb testing.TB, h http.Handler, body []byte) []byte {
	tb.Helper()
	rec := post(h, body)
	out := rec.Body.Bytes()
	if rec.Code != http.StatusOK || bytes.Contains(out, []byte(`"errors"`)) {
		tb.Fatalf("graphql: status %d: %.2000s", rec.Code, out)
	}
	return out
}
