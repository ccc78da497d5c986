package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"diplomacy-timeline/web"
)

func get(t *testing.T, h http.Handler, path string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPageNamesVersionedAssets: the page links its stylesheet, module and icon under
// /assets/<version>/, is revalidated on every load, and uses no inline script or style
// (the content security policy forbids them).
func TestPageNamesVersionedAssets(t *testing.T) {
	h := web.Handler()
	res := get(t, h, "/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control = %q, want no-cache", cc)
	}
	page := body(t, res)
	v := web.Version()
	for _, want := range []string{`src="/assets/` + v + `/app.js"`, `href="/assets/` + v + `/app.css"`, `href="/assets/` + v + `/icon.svg"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page does not contain %s", want)
		}
	}
	if regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`).MatchString(page) {
		t.Error("page has an inline script; the CSP (default-src 'self') would block it")
	}
	if regexp.MustCompile(`\sstyle\s*=|<style`).MatchString(page) {
		t.Error("page has inline style; the CSP (default-src 'self') would block it")
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Error("page refers to another origin; the dashboard loads nothing from elsewhere")
	}
}

// TestAssets: content types, year-long caching for the current version, revalidation for
// others, ETags with 304, gzip, and 404 for what does not exist.
func TestAssets(t *testing.T) {
	h := web.Handler()
	v := web.Version()
	for _, c := range []struct{ name, ctype string }{
		{"app.js", "text/javascript; charset=utf-8"},
		{"timeline.js", "text/javascript; charset=utf-8"},
		{"app.css", "text/css; charset=utf-8"},
		{"icon.svg", "image/svg+xml"},
	} {
		res := get(t, h, "/assets/"+v+"/"+c.name)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", c.name, res.StatusCode)
		}
		if got := res.Header.Get("Content-Type"); got != c.ctype {
			t.Errorf("%s: Content-Type = %q, want %q", c.name, got, c.ctype)
		}
		if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control = %q", c.name, got)
		}
		etag := res.Header.Get("ETag")
		if etag == "" {
			t.Fatalf("%s: no ETag", c.name)
		}
		if res := get(t, h, "/assets/"+v+"/"+c.name, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
			t.Errorf("%s: If-None-Match: status %d, want 304", c.name, res.StatusCode)
		}
		if res := get(t, h, "/assets/"+c.name); res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("%s without a version: status %d, Cache-Control %q; want 200, no-cache", c.name, res.StatusCode, res.Header.Get("Cache-Control"))
		}
		if res := get(t, h, "/assets/0123456789ab/"+c.name); res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("%s of another version: Cache-Control %q; want no-cache", c.name, res.Header.Get("Cache-Control"))
		}
	}

	plain := body(t, get(t, h, "/assets/"+v+"/app.js"))
	res := get(t, h, "/assets/"+v+"/app.js", "Accept-Encoding", "gzip, br")
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Accept-Encoding gzip: Content-Encoding = %q", res.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader([]byte(body(t, res))))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if string(unzipped) != plain {
		t.Error("gzipped app.js differs from app.js")
	}

	for _, path := range []string{"/assets/" + v + "/missing.js", "/assets/", "/assets/" + v + "/../web.go", "/elsewhere"} {
		if res := get(t, h, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, res.StatusCode)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", rec.Code)
	}
}

// TestModulesImportOnlyEachOther: every import of a module is a relative import of an
// embedded module (no third-party code, no CDN).
func TestModulesImportOnlyEachOther(t *testing.T) {
	h := web.Handler()
	v := web.Version()
	imports := regexp.MustCompile(`(?m)^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"`)
	seen := map[string]bool{}
	queue := []string{"app.js"}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		res := get(t, h, "/assets/"+v+"/"+name)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("module %s: status %d", name, res.StatusCode)
		}
		for _, m := range imports.FindAllStringSubmatch(body(t, res), -1) {
			spec := m[1]
			if !strings.HasPrefix(spec, "./") || strings.Contains(spec[2:], "/") {
				t.Errorf("%s imports %q: only relative imports of embedded modules are allowed", name, spec)
				continue
			}
			queue = append(queue, spec[2:])
		}
	}
	if len(seen) < 5 {
		t.Errorf("found only %d modules from app.js", len(seen))
	}
}
