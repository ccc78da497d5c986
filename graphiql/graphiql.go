// Package graphiql serves GraphiQL, the GraphQL IDE, from the binary: its code and React
// are embedded (assets/, the files the npm packages publish, unmodified, with their
// licences), so /playground works offline and loads nothing from a CDN. The page itself
// is gqlgen's.
package graphiql

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"io/fs"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql/playground"
)

//go:embed assets
var assets embed.FS

// The embedded files, named with their versions so that they can be cached for good.
const (
	graphiqlJS  = "graphiql-4.1.2.min.js"
	graphiqlCSS = "graphiql-4.1.2.min.css"
	reactJS     = "react-18.2.0.production.min.js"
	reactDOMJS  = "react-dom-18.2.0.production.min.js"
)

// CSP is the content security policy of the page: everything from this server, GraphiQL's
// inline bootstrap script and styles, and websockets back to it for subscriptions.
const CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// Handler serves the GraphiQL page at path, talking to endpoint, and its files under
// path + "/assets/". The page keeps its query in the URL, so a link can open a query.
func Handler(title, endpoint, path string) http.Handler {
	sub, _ := fs.Sub(assets, "assets") // "assets" is a valid path: no error
	prefix := path + "/assets/"
	var sums [4]string
	for i, name := range []string{graphiqlJS, graphiqlCSS, reactJS, reactDOMJS} {
		sums[i] = integrity(sub, name)
	}
	page := playground.Handler(title, endpoint,
		playground.WithGraphiqlPersistStateInURL(true),
		playground.WithGraphiqlVersion(prefix+graphiqlJS, prefix+graphiqlCSS, sums[0], sums[1]),
		playground.WithGraphiqlReactVersion(prefix+reactJS, prefix+reactDOMJS, sums[2], sums[3]),
		playground.WithGraphiqlEnablePluginExplorer(false),
	)
	files := http.StripPrefix(prefix, http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", CSP)
		if name, ok := strings.CutPrefix(r.URL.Path, prefix); ok {
			if name == "" || strings.Contains(name, "/") {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			files.ServeHTTP(w, r)
			return
		}
		page.ServeHTTP(w, r)
	})
}

// integrity is the subresource integrity of the file name, which the page makes the
// browser check; "" (no check) if the file is missing, which the page's tests catch.
func integrity(files fs.FS, name string) string {
	b, err := fs.ReadFile(files, name)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}
