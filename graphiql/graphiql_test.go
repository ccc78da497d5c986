package graphiql_test

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"diplomacy-timeline/graphiql"
)

// TestPageLoadsOnlyItsOwnFiles: the page names only files the handler serves, each with
// the integrity of the bytes served, and nothing from another host.
func TestPageLoadsOnlyItsOwnFiles(t *testing.T) {
	srv := httptest.NewServer(graphiql.Handler("test", "/graphql", "/playground"))
	defer srv.Close()
	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	res, page := get("/playground")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("page: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("page CSP %q", csp)
	}
	if regexp.MustCompile(`(src|href)="https?://`).Match(page) {
		t.Errorf("the page loads from another host")
	}
	refs := regexp.MustCompile(`(?:src|href)="(/playground/assets/[^"]+)"\s+integrity="([^"]+)"`).FindAllSubmatch(page, -1)
	if len(refs) != 4 {
		t.Fatalf("the page names %d assets with integrity, want GraphiQL's script and styles, React and ReactDOM", len(refs))
	}
	for _, ref := range refs {
		res, body := get(string(ref[1]))
		if res.StatusCode != http.StatusOK || len(body) < 1000 {
			t.Errorf("%s: status %d, %d bytes", ref[1], res.StatusCode, len(body))
			continue
		}
		sum := sha256.Sum256(body)
		if want := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); html.UnescapeString(string(ref[2])) != want {
			t.Errorf("%s: integrity %s, the bytes served are %s", ref[1], ref[2], want)
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q", ref[1], cc)
		}
	}
	for _, path := range []string{"/playground/assets/", "/playground/assets/nothing.js", "/playground/assets/../graphiql.go"} {
		if res, _ := get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, res.StatusCode)
		}
	}
}
