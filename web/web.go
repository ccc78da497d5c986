// Package web is the dashboard served at /: plain HTML, CSS and JavaScript modules,
// embedded in the binary, with no build step and nothing loaded from elsewhere. The page
// talks to the API at /graphql only.
//
// Assets are served under /assets/<version>/, where version is a hash of every asset: a
// page always loads the modules it was written for, and each of them (relative imports
// included) can be cached for a year. The page itself is revalidated on each load.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed static
var static embed.FS

// file is one asset, ready to serve.
type file struct {
	body  []byte
	gz    []byte // gzip-compressed body, nil when compression does not pay
	etag  string
	ctype string
}

// site is the dashboard: the page and its assets.
type site struct {
	version string
	index   *file
	assets  map[string]*file // by name under assets/
}

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".json": "application/json",
}

// Version is the hash of the embedded assets that names their directory under /assets/.
func Version() string { return dashboard.version }

var dashboard = mustLoad()

func mustLoad() *site {
	s, err := load(static)
	if err != nil {
		panic("web: " + err.Error())
	}
	return s
}

func load(fsys fs.FS) (*site, error) {
	s := &site{assets: map[string]*file{}}
	var names []string
	err := fs.WalkDir(fsys, "static/assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		names = append(names, strings.TrimPrefix(p, "static/assets/"))
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	all := sha256.New()
	for _, name := range names {
		body, err := fs.ReadFile(fsys, "static/assets/"+name)
		if err != nil {
			return nil, err
		}
		f := newFile(name, body)
		s.assets[name] = f
		all.Write([]byte(name + "\x00" + f.etag + "\x00"))
	}
	s.version = hex.EncodeToString(all.Sum(nil))[:12]
	page, err := fs.ReadFile(fsys, "static/index.html")
	if err != nil {
		return nil, err
	}
	// The page names its assets /assets/<name>; point it at this version of them.
	page = bytes.ReplaceAll(page, []byte(`"/assets/`), []byte(`"/assets/`+s.version+`/`))
	s.index = newFile("index.html", page)
	return s, nil
}

func newFile(name string, body []byte) *file {
	sum := sha256.Sum256(body)
	f := &file{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ctype: contentTypes[path.Ext(name)]}
	if f.ctype == "" {
		f.ctype = "application/octet-stream"
	}
	if !strings.HasPrefix(f.ctype, "image/png") && len(body) > 512 {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		if buf.Len() < len(body)*9/10 {
			f.gz = buf.Bytes()
		}
	}
	return f
}

// Handler serves the dashboard: the page at / and its assets under /assets/. Mount it on
// both ("GET /{$}" and "GET /assets/").
func Handler() http.Handler { return dashboard }

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path == "/" || r.URL.Path == "/index.html" {
		// The page names the current assets: revalidate it every time (a 304 is cheap).
		s.serve(w, r, s.index, "no-cache")
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/assets/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	// /assets/<version>/<name>, or /assets/<name> for a hand-written link.
	version, name, versioned := strings.Cut(rest, "/")
	if !versioned {
		name, version = rest, ""
	}
	f := s.assets[name]
	if f == nil {
		http.NotFound(w, r)
		return
	}
	cache := "no-cache"
	if version == s.version {
		// This URL always names these bytes.
		cache = "public, max-age=31536000, immutable"
	}
	s.serve(w, r, f, cache)
}

func (s *site) serve(w http.ResponseWriter, r *http.Request, f *file, cache string) {
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", cache)
	h.Set("ETag", f.etag)
	h.Set("Vary", "Accept-Encoding")
	if etagMatches(r.Header.Get("If-None-Match"), f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	if f.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = f.gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

// etagMatches reports whether an If-None-Match header names the tag (weakly compared).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			params = strings.ReplaceAll(params, " ", "")
			return params != "q=0" && params != "q=0.0" && params != "q=0.00" && params != "q=0.000"
		}
	}
	return false
}
