package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dataset"
	"diplomacy-timeline/db/dbtest"
)

// TestPlaygroundOffline opens GraphiQL at /playground in Chromium with a query in its URL,
// as the dashboard's "open in playground" link does, runs it and reads the answer. This
// machine has no internet: GraphiQL works only because the binary serves it, and the tab
// fails the test on any failed load or CSP violation.
func TestPlaygroundOffline(t *testing.T) {
	browser := newBrowser(t)
	srv, _ := startServer(t, dbtest.DSN(t), db.Options{Seed: dataset.LoadDefault})
	tb := newTab(t, browser)

	query := `query Platform($slug: String!) { platform(slug: $slug) { name founded members { country { code } } } }`
	u := srv.URL + "/playground?" + url.Values{"query": {query}, "variables": {`{"slug": "c5-plus-1"}`}}.Encode()
	tb.do(chromedp.Navigate(u))
	tb.poll(`document.querySelector(".graphiql-execute-button") !== null`, 45*time.Second)
	// The schema arrived by introspection: the documentation explorer can be opened.
	tb.poll(`!document.querySelector(".graphiql-sidebar button[aria-label='Show Documentation Explorer']")?.disabled`, 30*time.Second)
	var editor string
	evalInto(tb, `document.querySelector(".graphiql-query-editor").innerText`, &editor)
	if !strings.Contains(editor, "platform(slug: $slug)") {
		t.Fatalf("the query editor holds %q, want the query from the URL", editor)
	}
	tb.do(chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
	tb.poll(`(document.querySelector(".graphiql-response")?.innerText || "").includes("C5+1")`, 30*time.Second)
	var answer string
	evalInto(tb, `document.querySelector(".graphiql-response").innerText`, &answer)
	for _, want := range []string{`"founded": "2015"`, `"code": "KZ"`, `"code": "US"`} {
		if !strings.Contains(answer, want) {
			t.Errorf("the answer does not hold %s: %s", want, answer)
		}
	}
	var foreign []string
	evalInto(tb, `performance.getEntriesByType("resource").map(r => r.name).filter(n => !n.startsWith(location.origin))`, &foreign)
	if len(foreign) > 0 {
		t.Errorf("the playground loaded from other origins: %v", foreign)
	}
}
