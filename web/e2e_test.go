package web_test

// End-to-end tests of the dashboard: a real headless Chromium, driven through the DevTools
// protocol (chromedp), against the real HTTP surface (httpapi.NewHandler) over a fresh
// database. They skip, saying why, when no Chromium is installed.
//
//	go test ./web/                                  # Chromium found on PATH, or CHROMIUM=/path
//	UPDATE_SCREENSHOT=1 go test ./web/ -run Default # also rewrites docs/dashboard.png

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dataset"
	"diplomacy-timeline/db/dbtest"
	"diplomacy-timeline/db/synth"
	"diplomacy-timeline/httpapi"
	"diplomacy-timeline/limits"
	"diplomacy-timeline/model"
)

const specialSession = "c5-plus-1-special-session-on-afghanistan-2023"

// chromiumPath finds a Chromium or Chrome: $CHROMIUM, then the usual names on PATH.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/lib/chromium/chromium", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts a headless Chromium for the test, or skips the test without one.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		t.Skip("no Chromium found, so the dashboard's end-to-end tests are skipped: install one " +
			"(Debian: apt-get install -y chromium) or set CHROMIUM=/path/to/chrome")
	}
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	if err := chromedp.Do(browser); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("start %s: %v", path, err)
	}
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	return browser
}

// tab is one browser tab that records every script error, failed load and CSP violation.
type tab struct {
	ctx context.Context
	t   *testing.T

	mu       sync.Mutex
	problems []string
}

func newTab(t *testing.T, browser context.Context) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	tb := &tab{ctx: ctx, t: t}
	messages := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			switch m.Type {
			case chromedp.ConsoleError, chromedp.ConsoleWarning, chromedp.ConsoleException:
				tb.problem(strings.TrimSpace(fmt.Sprintf("%s %s %s", m, m.Source, m.URL)))
			}
		}
	}()
	t.Cleanup(func() {
		cancelTimeout()
		cancel()
		<-done
		tb.mu.Lock()
		defer tb.mu.Unlock()
		for _, p := range tb.problems {
			t.Errorf("browser reported: %s", p)
		}
	})
	return tb
}

func (tb *tab) problem(s string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.problems = append(tb.problems, s)
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.t.Fatal(err)
	}
}

// evalInto evaluates a JavaScript expression into out.
func evalInto[T any](tb *tab, expr string, out *T) {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", expr, err)
	}
	*out = v
}

// poll waits until a JavaScript expression is true.
func (tb *tab) poll(expr string, timeout time.Duration) {
	tb.t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(timeout))); err != nil {
		tb.t.Fatalf("waiting for %s: %v", expr, err)
	}
}

// idle waits until the dashboard has loaded what its view needs and drawn it.
func (tb *tab) idle() {
	tb.t.Helper()
	tb.poll(`(() => { const a = document.querySelector("#app");
		return !!a && a.dataset.busy === "0" && a.dataset.state !== "loading"; })()`, 45*time.Second)
}

// waitFor waits until a JavaScript expression is true.
func (tb *tab) waitFor(expr string) {
	tb.t.Helper()
	tb.poll(expr, 30*time.Second)
}

func (tb *tab) open(u string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(u))
	tb.idle()
}

// drawnEntry is an entry as drawn in the timeline.
type drawnEntry struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Slug  string `json:"slug"`
	Lane  string `json:"lane"`
	Date  string `json:"date"`
	End   string `json:"end"`
	Title string `json:"title"`
}

func (tb *tab) entries() []drawnEntry {
	tb.t.Helper()
	var out []drawnEntry
	evalInto(tb, `[...document.querySelectorAll("#lanes .entry")].map(e => ({id: e.dataset.entryId, kind: e.dataset.kind,
		slug: e.dataset.slug || "", lane: e.dataset.lane, date: e.dataset.date, end: e.dataset.endDate || "",
		title: e.querySelector("title").textContent.split("\n")[0]}))`, &out)
	return out
}

func (tb *tab) text(sel string) string {
	tb.t.Helper()
	var s string
	evalInto(tb, fmt.Sprintf(`document.querySelector(%q)?.innerText ?? ""`, sel), &s)
	return s
}

func (tb *tab) search() url.Values {
	tb.t.Helper()
	var s string
	evalInto(tb, `location.search`, &s)
	v, err := url.ParseQuery(strings.TrimPrefix(s, "?"))
	if err != nil {
		tb.t.Fatal(err)
	}
	return v
}

func (tb *tab) attr(sel, name string) string {
	tb.t.Helper()
	var s string
	evalInto(tb, fmt.Sprintf(`document.querySelector(%q)?.getAttribute(%q) ?? ""`, sel, name), &s)
	return s
}

func ids(es []drawnEntry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID+"@"+e.Lane)
	}
	slices.Sort(out)
	return out
}

func bySlug(es []drawnEntry, slug string) *drawnEntry {
	for i := range es {
		if es[i].Slug == slug {
			return &es[i]
		}
	}
	return nil
}

func titles(es []drawnEntry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Kind+": "+e.Title)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// startServer serves the real HTTP surface, with the production limits (rate limits
// included: the dashboard must live within them), over the database at dsn.
func startServer(t *testing.T, dsn string, opts db.Options) (*httptest.Server, *db.Store) {
	t.Helper()
	quiet := slog.New(slog.DiscardHandler)
	opts.Logger = quiet
	store, err := db.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { _ = store.Close() })
	srv := httptest.NewServer(httpapi.NewHandler(store, httpapi.Options{Logger: quiet, Limits: limits.Default()}))
	t.Cleanup(srv.Close)
	return srv, store
}

// TestDashboardDefaultDataset drives the dashboard over the default dataset.
func TestDashboardDefaultDataset(t *testing.T) {
	browser := newBrowser(t)
	srv, _ := startServer(t, dbtest.DSN(t), db.Options{Seed: dataset.LoadDefault})

	t.Run("the special session appears on load", func(t *testing.T) {
		tb := newTab(t, browser)
		tb.open(srv.URL + "/")
		es := tb.entries()
		if bySlug(es, specialSession) == nil {
			t.Fatalf("the special session is not drawn; drawn: %v", titles(es))
		}
		if len(es) != 7 {
			t.Errorf("drawn %d entries, want the dataset's 7: %v", len(es), titles(es))
		}
		if mode := tb.attr("#lanes", "data-mode"); mode != "entries" {
			t.Errorf("mode %q, want entries", mode)
		}
		if got := tb.attr("#histogram", "data-count"); got != "7" {
			t.Errorf("histogram counts %s entries, want 7", got)
		}
		// A year-precision date (C5+1 founded, 2015) is drawn as the span of its year,
		// hatched; a dated day is a point.
		var shapes map[string]string
		evalInto(tb, `Object.fromEntries([...document.querySelectorAll("#lanes .entry")].map(e =>
			[e.dataset.kind + ":" + e.dataset.date, [...e.classList].filter(c => ["point","span","range","partial"].includes(c)).join(" ")]))`, &shapes)
		if shapes["PLATFORM_FOUNDED:2015"] != "span partial" || shapes["SESSION:2023-07-28"] != "point" {
			t.Errorf("shapes: %v; want the 2015 founding a partial span and the sessions points", shapes)
		}
		var lanes []string
		evalInto(tb, `[...document.querySelectorAll("#lanes .lane")].map(l => l.dataset.lane)`, &lanes)
		if !slices.Equal(lanes, []string{"c5-plus-1", "-"}) {
			t.Errorf("lanes %v, want C5+1 then no platform", lanes)
		}
		assertLabelsDoNotOverlap(t, tb)
	})

	t.Run("clicking the special session shows its participants and their countries", func(t *testing.T) {
		tb := newTab(t, browser)
		tb.open(srv.URL + "/")
		tb.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#lanes .entry[data-slug=%q]`, specialSession))))
		tb.waitFor(`!document.querySelector("#detail").hidden && document.querySelector("#detail").getAttribute("aria-busy") === "false"`)
		detail := tb.text("#detail")
		for _, want := range []string{"C5+1 Special Session on Afghanistan", "28 July 2023", "C5+1",
			"Ministry of Foreign Affairs of Kazakhstan, Astana, Kazakhstan", "Humanitarian assistance", "Kazinform",
			"single agreed pragmatic approach"} {
			if !strings.Contains(detail, want) {
				t.Errorf("the detail panel does not show %q:\n%s", want, detail)
			}
		}
		west := tb.text(`#detail .participants li[data-official="thomas-west"]`)
		kaliyev := tb.text(`#detail .participants li[data-official="talgat-kaliyev"]`)
		if !strings.Contains(west, "Thomas West") || !strings.Contains(west, "United States (US)") {
			t.Errorf("Thomas West's line is %q, want his name and United States (US)", west)
		}
		if !strings.Contains(kaliyev, "Talgat Kaliyev") || !strings.Contains(kaliyev, "Kazakhstan (KZ)") {
			t.Errorf("Talgat Kaliyev's line is %q, want his name and Kazakhstan (KZ)", kaliyev)
		}
		// The playground link opens the very query that fetched the panel.
		href := tb.attr("#open-playground", "href")
		u, err := url.Parse(href)
		if err != nil || u.Path != "/playground" || !strings.HasPrefix(u.Query().Get("query"), "query Detail($id: ID!)") {
			t.Errorf("playground link %q does not open the detail query", href)
		}
		entry := bySlug(tb.entries(), specialSession)
		var vars map[string]string
		if err := json.Unmarshal([]byte(u.Query().Get("variables")), &vars); err != nil || entry == nil || vars["id"] != entry.ID {
			t.Errorf("playground variables %q, want the entry's id", u.Query().Get("variables"))
		}
		// GraphiQL takes the query and the variables from its URL.
		if page := get200(t, srv.URL+href); !strings.Contains(page, "new URLSearchParams(window.location.search)") {
			t.Error("the playground does not read its query from the URL")
		}
		// The query works as sent.
		res := postGraphQL(t, srv.URL, u.Query().Get("query"), map[string]any{"id": entry.ID})
		if !strings.Contains(res, "Talgat Kaliyev") {
			t.Errorf("the playground's query does not answer with the participants: %s", res)
		}
		// The selection is in the URL, and survives a reload.
		tb.waitFor(`new URLSearchParams(location.search).get("selected") !== null`)
		tb.do(chromedp.Reload())
		tb.idle()
		tb.waitFor(`document.querySelector("#detail .participants li[data-official='thomas-west']") !== null`)
		if !strings.Contains(tb.attr(fmt.Sprintf(`#lanes .entry[data-slug=%q]`, specialSession), "class"), "selected") {
			t.Error("after a reload the selected entry is not highlighted")
		}
		// Escape closes the panel.
		tb.do(chromedp.KeyEvent(kb.Escape))
		tb.waitFor(`document.querySelector("#detail").hidden && !new URLSearchParams(location.search).has("selected")`)
	})

	t.Run("the keyboard reaches entries and opens them", func(t *testing.T) {
		tb := newTab(t, browser)
		tb.open(srv.URL + "/")
		tb.do(chromedp.Focus(chromedp.CSS(`#lanes .entry[tabindex="0"]`)))
		var seen []string
		for range 8 {
			var focused string
			evalInto(tb, `document.activeElement.dataset.slug || document.activeElement.dataset.kind || ""`, &focused)
			seen = append(seen, focused)
			if focused == specialSession {
				break
			}
			tb.do(chromedp.KeyEvent(kb.ArrowRight))
		}
		if seen[len(seen)-1] != specialSession {
			tb.do(chromedp.Focus(chromedp.CSS(`#lanes .entry[tabindex="0"]`)))
			for range 4 {
				var focused string
				evalInto(tb, `document.activeElement.dataset.slug || ""`, &focused)
				if focused == specialSession {
					break
				}
				tb.do(chromedp.KeyEvent(kb.ArrowDown))
			}
		}
		var focused string
		evalInto(tb, `document.activeElement.dataset.slug || ""`, &focused)
		if focused != specialSession {
			t.Fatalf("arrow keys did not reach the special session (visited %v)", seen)
		}
		var ring string
		evalInto(tb, `getComputedStyle(document.activeElement.querySelector(".ring")).stroke`, &ring)
		if ring == "none" || ring == "" {
			t.Error("the focused entry shows no focus ring")
		}
		tb.do(chromedp.KeyEvent(kb.Enter))
		tb.waitFor(`document.querySelector("#detail .participants li[data-official='talgat-kaliyev']") !== null`)
		var inDetail bool
		evalInto(tb, `document.querySelector("#detail").contains(document.activeElement)`, &inDetail)
		if !inDetail {
			t.Error("Enter opened the details but focus did not move to them")
		}
	})

	t.Run("filtering by country and by kind changes what is drawn", func(t *testing.T) {
		tb := newTab(t, browser)
		tb.open(srv.URL + "/")
		all := tb.entries()

		// A platform: its entries only, and the ticked box keeps the keyboard focus.
		tb.do(chromedp.Click(chromedp.CSS(`#platforms input[data-slug="c5-plus-1"]`)))
		tb.idle()
		if es := tb.entries(); len(es) != 3 || bySlug(es, specialSession) == nil {
			t.Errorf("platforms=c5-plus-1 draws %v, want C5+1's three entries", titles(es))
		}
		var focused string
		evalInto(tb, `document.activeElement.dataset.slug ?? ""`, &focused)
		if focused != "c5-plus-1" {
			t.Errorf("after ticking a platform the focus is on %q", focused)
		}
		tb.do(chromedp.Click(chromedp.CSS(`#platforms input[data-slug="c5-plus-1"]`)))
		tb.idle()

		tb.do(chromedp.Click(chromedp.CSS(`#kinds button[data-only="STATEMENT"]`)))
		tb.idle()
		statements := tb.entries()
		if len(statements) != 3 {
			t.Errorf("kinds=STATEMENT draws %v, want the 3 statements", titles(statements))
		}
		for _, e := range statements {
			if e.Kind != "STATEMENT" {
				t.Errorf("kinds=STATEMENT draws a %s", e.Kind)
			}
		}
		if got := tb.search().Get("kinds"); got != "STATEMENT" {
			t.Errorf("URL kinds=%q, want STATEMENT", got)
		}

		tb.do(chromedp.SendKeys(chromedp.CSS("#country-input"), "United States"),
			chromedp.Click(chromedp.CSS("#countries-picker .add")))
		tb.idle()
		us := tb.entries()
		if len(us) != 1 || !strings.HasPrefix(us[0].Title, "Thomas West") {
			t.Errorf("kinds=STATEMENT&countries=US draws %v, want Thomas West's statement", titles(us))
		}
		if got := tb.search().Get("countries"); got != "US" {
			t.Errorf("URL countries=%q, want US", got)
		}

		// A filter that matches nothing says so, and offers a way out.
		tb.do(chromedp.Click(chromedp.CSS(`#kinds button[data-only="INITIATIVE_STATUS_CHANGED"]`)))
		tb.do(chromedp.SendKeys(chromedp.CSS("#country-input"), "AF"),
			chromedp.Click(chromedp.CSS("#countries-picker .add")))
		tb.idle()
		if n := len(tb.entries()); n != 0 {
			t.Errorf("INITIATIVE_STATUS_CHANGED about US or AF: %d entries drawn", n)
		}
		tb.waitFor(`document.querySelector("#app").dataset.state === "empty"`)
		if empty := tb.text("#empty"); !strings.Contains(empty, "No entries match these filters") {
			t.Errorf("empty state says %q", empty)
		}
		tb.do(chromedp.Click(chromedp.CSS("#empty button")))
		tb.idle()
		if got := ids(tb.entries()); !slices.Equal(got, ids(all)) {
			t.Errorf("after clearing the filters %d entries are drawn, want %d", len(got), len(all))
		}

		// Lanes by country: an entry is drawn in the lane of each country it concerns.
		tb.do(chromedp.Click(chromedp.CSS(`#countries-picker .add`))) // no-op on an empty input
		tb.do(chromedp.SendKeys(chromedp.CSS("#country-input"), "AF"), chromedp.Click(chromedp.CSS("#countries-picker .add")))
		tb.idle()
		af := tb.entries()
		if len(af) != 2 || bySlug(af, specialSession) == nil {
			t.Errorf("countries=AF draws %v, want the two sessions about Afghanistan", titles(af))
		}
		tb.do(chromedp.Click(chromedp.CSS(`#lanes-by input[value="country"]`)))
		tb.idle()
		var lanes []string
		evalInto(tb, `[...document.querySelectorAll("#lanes .lane")].map(l => l.dataset.lane)`, &lanes)
		if !slices.Equal(lanes, []string{"AF", "KZ", "US"}) {
			t.Errorf("lanes by country: %v, want AF, KZ, US", lanes)
		}
		if got := tb.search().Get("lanes"); got != "country" {
			t.Errorf("URL lanes=%q", got)
		}
	})

	t.Run("a URL with filters reloads into the same view", func(t *testing.T) {
		tb := newTab(t, browser)
		q := "/?from=2023&to=2023-12&countries=KZ&kinds=SESSION,STATEMENT&lanes=kind&topics=humanitarian-assistance"
		tb.open(srv.URL + q)
		type view struct {
			Entries []string
			Search  string
			Range   string
			From    string
			To      string
			Kinds   []string
			Topics  []string
			Chips   []string
			Lanes   string
			Unit    string
		}
		read := func() view {
			var v view
			evalInto(tb, `({
				Search: location.search,
				Range: document.querySelector("#range-label").textContent,
				From: document.querySelector("#from").value,
				To: document.querySelector("#to").value,
				Kinds: [...document.querySelectorAll("#kinds input:checked")].map(i => i.value),
				Topics: [...document.querySelectorAll("#topics input:checked")].map(i => i.value),
				Chips: [...document.querySelectorAll("#countries .chip")].map(c => c.dataset.value),
				Lanes: document.querySelector('input[name="lanes"]:checked').value,
				Unit: document.querySelector("#axis").dataset.unit,
			})`, &v)
			v.Entries = ids(tb.entries())
			return v
		}
		before := read()
		if before.Search != q[1:] {
			t.Errorf("the URL changed on load: %s, want %s", before.Search, q[1:])
		}
		if !slices.Equal(before.Kinds, []string{"SESSION", "STATEMENT"}) || !slices.Equal(before.Chips, []string{"KZ"}) ||
			!slices.Equal(before.Topics, []string{"humanitarian-assistance"}) || before.Lanes != "kind" ||
			before.From != "2023" || before.To != "2023-12" {
			t.Errorf("the controls do not show the URL's filters: %+v", before)
		}
		es := tb.entries()
		if len(es) != 5 {
			t.Errorf("drawn %v, want the two sessions and the three statements about KZ on humanitarian assistance", titles(es))
		}
		for _, e := range es {
			if e.Lane != e.Kind {
				t.Errorf("lanes by kind: %s is in lane %s", e.Kind, e.Lane)
			}
		}
		tb.do(chromedp.Reload())
		tb.idle()
		if after := read(); !equalViews(before, after) {
			t.Errorf("after a reload:\n%+v\nbefore:\n%+v", after, before)
		}

		// Zoom and pan: the URL follows, and a reload comes back to the same window.
		tb.do(chromedp.Click(chromedp.CSS("#zoom-in")))
		tb.idle()
		tb.do(chromedp.Focus(chromedp.CSS("#timeline")), chromedp.KeyEvent(kb.ArrowLeft))
		tb.idle()
		tb.waitFor(fmt.Sprintf(`location.search !== %q`, "?"+before.Search[1:]))
		tb.waitFor(`(() => { const p = new URLSearchParams(location.search); return p.get("from") !== "2023" && p.get("kinds") === "SESSION,STATEMENT"; })()`)
		time.Sleep(400 * time.Millisecond) // the URL follows the window after 250 ms of calm
		moved := read()
		if moved.Range == before.Range {
			t.Error("zooming and panning did not move the window")
		}
		tb.do(chromedp.Reload())
		tb.idle()
		if after := read(); after.Range != moved.Range || after.Search != moved.Search {
			t.Errorf("after zooming, a reload shows %q (%s), want %q (%s)", after.Range, after.Search, moved.Range, moved.Search)
		}
	})

	t.Run("search for Almaty finds the initiative", func(t *testing.T) {
		tb := newTab(t, browser)
		tb.open(srv.URL + "/")
		tb.do(chromedp.SendKeys(chromedp.CSS("#search"), "Almaty"), chromedp.Click(chromedp.CSS(`#search-form button[type="submit"]`)))
		tb.idle()
		tb.waitFor(`document.querySelector("#search-results").getAttribute("aria-busy") === "false"`)
		result := `#search-results button[data-type="Initiative"]`
		if got := tb.text(result); !strings.Contains(got, "UN Regional Centre for Sustainable Development in Almaty") {
			t.Fatalf("search results: %q", tb.text("#search-results"))
		}
		if got := tb.search().Get("text"); got != "Almaty" {
			t.Errorf("URL text=%q, want Almaty", got)
		}
		es := tb.entries()
		if len(es) != 1 || !strings.Contains(es[0].Title, "Almaty") {
			t.Errorf("the timeline keeps %v, want the initiative's entry", titles(es))
		}
		tb.do(chromedp.Click(chromedp.CSS(result)))
		tb.waitFor(`document.querySelector("#detail").dataset.type === "Initiative"`)
		detail := tb.text("#detail")
		for _, want := range []string{"Kassym-Jomart Tokayev", "Almaty", "Proposed on 28 July 2023", "Sustainable development"} {
			if !strings.Contains(detail, want) {
				t.Errorf("initiative details lack %q:\n%s", want, detail)
			}
		}
		// Reloading keeps the search.
		tb.do(chromedp.Reload())
		tb.idle()
		tb.waitFor(`document.querySelector("#search").value === "Almaty" && document.querySelector('#search-results button[data-type="Initiative"]') !== null`)
	})

	t.Run("drag pans, the histogram brushes, the wheel zooms", func(t *testing.T) {
		tb := newTab(t, browser)
		tb.open(srv.URL + "/")
		a0, a1 := tb.view()
		x, y, w, _ := tb.box("#lanes")
		tb.do(drag(x+w*0.6, x+w*0.6-150, y+60))
		tb.idle()
		b0, b1 := tb.view()
		if shift := (b0 - a0) / (a1 - a0) * w; shift < 140 || shift > 160 || math.Abs((b1-b0)-(a1-a0)) > 1e-6 {
			t.Errorf("a drag of 150 px to the left moved the window by %.0f px later (%.0f–%.0f → %.0f–%.0f)", shift, a0, a1, b0, b1)
		}
		if bySlug(tb.entries(), specialSession) == nil {
			t.Error("after the drag, the special session is gone")
		}
		if sel := tb.attr("#lanes .entry.selected", "data-entry-id"); sel != "" {
			t.Error("a drag that started on no entry selected one")
		}
		// Brush the histogram from 40% to 90% of its width: that becomes the window.
		hx, hy, hw, hh := tb.box("#histogram")
		tb.do(drag(hx+hw*0.4, hx+hw*0.9, hy+hh/2))
		tb.idle()
		c0, c1 := tb.view()
		want0, want1 := b0+(b1-b0)*0.4, b0+(b1-b0)*0.9
		if tol := (b1 - b0) * 0.01; c0 < want0-tol || c0 > want0+tol || c1 < want1-tol || c1 > want1+tol {
			t.Errorf("brushing 40%%–90%% of %.0f–%.0f shows %.0f–%.0f, want %.0f–%.0f", b0, b1, c0, c1, want0, want1)
		}
		if bySlug(tb.entries(), specialSession) == nil {
			t.Error("after brushing, the special session is gone")
		}
		var q url.Values
		tb.waitFor(`new URLSearchParams(location.search).has("from")`)
		q = tb.search()
		if q.Get("from") == "" || q.Get("to") == "" {
			t.Errorf("after brushing the URL is %v", q)
		}
		// The wheel zooms in around the pointer, and a trackpad pinch (ctrl+wheel) too.
		px := x + w*0.5
		tb.do(chromedp.MouseEvent(chromedp.MouseWheel, px, y+40, func(p *input.DispatchMouseEventParams) { p.DeltaX, p.DeltaY = 1e-6, -200 }))
		tb.idle()
		d0, d1 := tb.view()
		if d1-d0 >= c1-c0 {
			t.Errorf("the wheel did not zoom in: %.0f days → %.0f days", c1-c0, d1-d0)
		}
		tb.do(chromedp.MouseEvent(chromedp.MouseWheel, px, y+40, func(p *input.DispatchMouseEventParams) {
			p.DeltaX, p.DeltaY, p.Modifiers = 1e-6, 60, int64(chromedp.ModifierCtrl)
		}))
		tb.idle()
		if e0, e1 := tb.view(); e1-e0 <= d1-d0 {
			t.Errorf("ctrl+wheel out did not zoom out: %.0f days → %.0f days", d1-d0, e1-e0)
		}
	})

	t.Run("bad input, no match and no data explain themselves", func(t *testing.T) {
		empty, _ := startServer(t, dbtest.DSN(t), db.Options{NoDataset: true}) // closed after the tab
		tb := newTab(t, browser)
		// What the dashboard can tell from the address it says itself; a code no country
		// has (XX) the API refuses, and the dashboard says why and how to get out.
		tb.open(srv.URL + "/?from=2023-13&countries=XX&kinds=SESSION,MEETING")
		tb.waitFor(`!document.querySelector("#error").hidden`)
		msg := tb.text("#error")
		for _, want := range []string{"from=2023-13 is not a date", "kinds=MEETING is not a kind", `"XX" is not an ISO 3166-1`, "Clear the filters"} {
			if !strings.Contains(msg, want) {
				t.Errorf("the error panel does not say %q: %q", want, msg)
			}
		}
		if state := tb.attr("#app", "data-state"); state != "error" {
			t.Errorf("state %q, want error", state)
		}
		tb.open(srv.URL + "/?countries=DE&kinds=SESSION")
		tb.waitFor(`document.querySelector("#app").dataset.state === "empty"`)
		if empty := tb.text("#empty"); !strings.Contains(empty, "No entries match these filters") {
			t.Errorf("the empty state says %q", empty)
		}
		// A window with nothing in it says so and offers to show everything.
		tb.open(srv.URL + "/?from=2018&to=2019")
		tb.waitFor(`!document.querySelector("#empty").hidden`)
		if empty := tb.text("#empty"); !strings.Contains(empty, "Nothing in this window") {
			t.Errorf("an empty window says %q", empty)
		}
		tb.do(chromedp.Click(chromedp.CSS("#empty button")))
		tb.idle()
		if n := len(tb.entries()); n != 7 {
			t.Errorf("after “show all”, %d entries are drawn", n)
		}
		// An empty database.
		tb.open(empty.URL + "/")
		tb.waitFor(`document.querySelector("#app").dataset.state === "empty"`)
		if msg := tb.text("#empty"); !strings.Contains(msg, "The timeline is empty") || !strings.Contains(msg, "playground") {
			t.Errorf("an empty database says %q", msg)
		}
	})

	t.Run("works from 375 px wide, and in the dark", func(t *testing.T) {
		tb := newTab(t, browser)
		tb.do(chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile, chromedp.EmulateTouch),
			colorScheme("dark"))
		tb.open(srv.URL + "/")
		var overflow bool
		evalInto(tb, `document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)
		if overflow {
			var w int
			evalInto(tb, `document.documentElement.scrollWidth`, &w)
			t.Errorf("at 375 px the page is %d px wide", w)
		}
		if bySlug(tb.entries(), specialSession) == nil {
			t.Error("at 375 px the special session is not drawn")
		}
		// Two fingers moving apart zoom in.
		a0, a1 := tb.view()
		x, y, w, _ := tb.box("#lanes")
		tb.do(pinch(x+w/2, y+30, 60, 180))
		tb.idle()
		if b0, b1 := tb.view(); (b1-b0)/(a1-a0) > 0.45 || (b1-b0)/(a1-a0) < 0.2 {
			t.Errorf("spreading two fingers from 60 to 180 px zoomed %.0f days to %.0f days, want a third", a1-a0, b1-b0)
		}
		tb.do(chromedp.Click(chromedp.CSS("#zoom-fit")))
		tb.idle()
		tb.shot("mobile-dark")
		var bg string
		evalInto(tb, `getComputedStyle(document.body).backgroundColor`, &bg)
		if bg != "rgb(21, 23, 26)" {
			t.Errorf("dark background is %s", bg)
		}
		tb.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#lanes .entry[data-slug=%q]`, specialSession))))
		tb.waitFor(`document.querySelector("#detail .participants li[data-official='thomas-west']") !== null`)
		var fits bool
		evalInto(tb, `(() => { const r = document.querySelector("#detail").getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth; })()`, &fits)
		if !fits {
			t.Error("at 375 px the detail panel does not fit the screen")
		}
		tb.shot("mobile-dark-detail")
	})

	t.Run("screenshot", func(t *testing.T) {
		tb := newTab(t, browser)
		tb.do(chromedp.EmulateViewport(1400, 860),
			colorScheme("light"))
		tb.open(srv.URL + "/")
		tb.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#lanes .entry[data-slug=%q]`, specialSession))))
		tb.waitFor(`document.querySelector("#detail .participants li[data-official='thomas-west']") !== null`)
		tb.idle()
		tb.do(chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
		png := tb.screenshot()
		if len(png) < 10_000 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Fatalf("screenshot of %d bytes", len(png))
		}
		out := filepath.Join(t.TempDir(), "dashboard.png")
		if os.Getenv("UPDATE_SCREENSHOT") != "" {
			out = filepath.Join("..", "docs", "dashboard.png")
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", out)
	})
}

// drag presses the left button at (x0, y), moves to (x1, y) in steps, and releases it.
func drag(x0, x1, y float64) chromedp.Action[chromedp.Void] {
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MousePressed, x0, y, chromedp.ButtonLeft, chromedp.ClickCount(1))}
	for i := 1; i <= 8; i++ {
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, x0+(x1-x0)*float64(i)/8, y, chromedp.ButtonLeft))
	}
	return chromedp.Steps(append(steps, chromedp.MouseEvent(chromedp.MouseReleased, x1, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))...)
}

// pinch puts two fingers at a±d0/2 and moves them apart to a±d1/2.
func pinch(a, y, d0, d1 float64) chromedp.Action[chromedp.Void] {
	touch := func(typ input.DispatchTouchEventType, d float64) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			var points []*input.TouchPoint
			if typ != input.DispatchTouchEventTypeTouchEnd {
				one, two := 1.0, 2.0
				points = []*input.TouchPoint{{X: a - d/2, Y: y, ID: &one}, {X: a + d/2, Y: y, ID: &two}}
			} else {
				points = []*input.TouchPoint{}
			}
			_, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: points})
			return err
		})
	}
	steps := []chromedp.Action[chromedp.Void]{touch(input.DispatchTouchEventTypeTouchStart, d0)}
	for i := 1; i <= 6; i++ {
		steps = append(steps, touch(input.DispatchTouchEventTypeTouchMove, d0+(d1-d0)*float64(i)/6))
	}
	return chromedp.Steps(append(steps, touch(input.DispatchTouchEventTypeTouchEnd, 0))...)
}

// view returns the window the dashboard shows, in days.
func (tb *tab) view() (t0, t1 float64) {
	tb.t.Helper()
	var v []float64
	evalInto(tb, `[window.dashboard.state.view.t0, window.dashboard.state.view.t1]`, &v)
	return v[0], v[1]
}

// box returns the rectangle of an element in the viewport.
func (tb *tab) box(sel string) (x, y, w, h float64) {
	tb.t.Helper()
	var r []float64
	evalInto(tb, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`, sel), &r)
	return r[0], r[1], r[2], r[3]
}

// colorScheme emulates prefers-color-scheme.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

// shot saves a screenshot as dir/name.png when DASHBOARD_SHOTS names a directory: a look
// at what the tests saw.
func (tb *tab) shot(name string) {
	tb.t.Helper()
	if dir := os.Getenv("DASHBOARD_SHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), tb.screenshot(), 0o644); err != nil {
			tb.t.Error(err)
		}
	}
}

// screenshot captures the viewport as PNG.
func (tb *tab) screenshot() []byte {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatal(err)
	}
	return png
}

func equalViews(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// assertLabelsDoNotOverlap checks that no two drawn labels of the timeline overlap.
func assertLabelsDoNotOverlap(t *testing.T, tb *tab) {
	t.Helper()
	var overlaps []string
	evalInto(tb, `(() => {
		const boxes = [...document.querySelectorAll("#lanes .entry .label")].map(l => [l.textContent, l.getBoundingClientRect()]);
		const out = [];
		for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
			const [a, p] = boxes[i], [b, q] = boxes[j];
			if (p.left < q.right - 0.5 && q.left < p.right - 0.5 && p.top < q.bottom - 0.5 && q.top < p.bottom - 0.5) out.push(a + " / " + b);
		}
		return out;
	})()`, &overlaps)
	for _, o := range overlaps {
		t.Errorf("labels overlap: %s", o)
	}
}

func get200(t *testing.T, u string) string {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, res.StatusCode)
	}
	return buf.String()
}

func postGraphQL(t *testing.T, base, query string, vars map[string]any) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	res, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(res.Body)
	return buf.String()
}

// TestDashboardScale drives the dashboard over 20,000 generated timeline entries: zoomed
// out it draws buckets and loads no entry; zoomed in it pages through the entries of the
// visible window only; zoomed out again it draws buckets.
func TestDashboardScale(t *testing.T) {
	if testing.Short() {
		t.Skip("generating 20,000 entries takes a while; skipped in -short mode")
	}
	browser := newBrowser(t)
	srv, store := startServer(t, dbtest.DSN(t), db.Options{NoDataset: true})
	const total = 20000
	start := time.Now()
	generate(t, store, srv.URL, total)
	t.Logf("generated %d timeline entries in %v", total, time.Since(start).Round(time.Millisecond))

	tb := newTab(t, browser)
	pages := func() int {
		var n int
		evalInto(tb, `window.dashboard.stats.byOperation.TimelinePage ?? 0`, &n)
		return n
	}
	mode := func() string { return tb.attr("#lanes", "data-mode") }

	start = time.Now()
	tb.open(srv.URL + "/")
	t.Logf("first view in %v", time.Since(start).Round(time.Millisecond))
	tb.shot("scale-1-buckets")
	if mode() != "buckets" {
		t.Fatalf("zoomed out over %d entries the mode is %q, want buckets", total, mode())
	}
	var buckets, drawn int
	evalInto(tb, `document.querySelectorAll("#lanes .bucket").length`, &buckets)
	evalInto(tb, `document.querySelectorAll("#lanes .entry").length`, &drawn)
	if buckets == 0 || drawn != 0 {
		t.Errorf("zoomed out: %d buckets and %d entries drawn", buckets, drawn)
	}
	if n := pages(); n != 0 {
		t.Errorf("zoomed out, the dashboard loaded %d pages of entries", n)
	}
	outUnit, outGran := tb.attr("#axis", "data-unit"), tb.attr("#histogram", "data-granularity")
	if !slices.Contains([]string{"year", "decade", "century"}, outUnit) || outGran != "YEAR" {
		t.Errorf("zoomed out over decades: axis in %ss, histogram by %s", outUnit, outGran)
	}
	var counted int
	evalInto(tb, `[...document.querySelectorAll("#histogram .hbar")].reduce((n, b) => n + Number(b.dataset.count), 0)`, &counted)
	if counted < total*9/10 {
		t.Errorf("the histogram counts %d entries in view, want about %d", counted, total)
	}

	// Zoom in with the wheel over the middle of the timeline until entries are drawn.
	var box struct{ X, Y float64 }
	evalInto(tb, `(() => { const r = document.querySelector("#lanes").getBoundingClientRect(); return {X: r.left + r.width / 2, Y: r.top + Math.min(r.height, 300) / 2}; })()`, &box)
	for i := 0; i < 20 && mode() != "entries"; i++ {
		tb.do(chromedp.MouseEvent(chromedp.MouseWheel, box.X, box.Y, func(p *input.DispatchMouseEventParams) {
			p.DeltaX = 1e-6 // the protocol wants both deltas, and drops a zero one
			p.DeltaY = -350
		}))
		stepStart := time.Now()
		tb.idle()
		if d := time.Since(stepStart); d > 5*time.Second {
			t.Errorf("a zoom step took %v", d)
		}
	}
	tb.shot("scale-2-entries")
	if mode() != "entries" {
		t.Fatalf("zoomed in, the mode is still %q", mode())
	}
	if unit, gran := tb.attr("#axis", "data-unit"), tb.attr("#histogram", "data-granularity"); (unit != "day" && unit != "month") || gran == "YEAR" {
		t.Errorf("zoomed in to months: axis in %ss, histogram by %s", unit, gran)
	}
	es := tb.entries()
	var limit int
	evalInto(tb, `window.dashboard.ENTRY_LIMIT`, &limit)
	if len(es) == 0 || len(es) > limit {
		t.Errorf("zoomed in, %d entries are drawn (limit %d)", len(es), limit)
	}
	var loaded struct {
		From, To string
		Loaded   int
	}
	evalInto(tb, `(() => { const p = new URLSearchParams(location.search); return {From: p.get("from"), To: p.get("to"),
		Loaded: document.querySelectorAll("#lanes .entry").length}; })()`, &loaded)
	n := pages()
	if n == 0 || n > limit/100+2 {
		t.Errorf("zoomed in, the dashboard loaded %d pages of entries; want a few (the window holds at most %d)", n, limit)
	}
	t.Logf("zoomed in to %s – %s: %d entries drawn, %d pages loaded", loaded.From, loaded.To, len(es), n)
	from, to := model.MustParseDate(loaded.From), model.MustParseDate(loaded.To)
	for _, e := range es {
		d, err := model.ParseDate(e.Date)
		if err != nil {
			t.Fatal(err)
		}
		end := d
		if e.End != "" {
			if end, err = model.ParseDate(e.End); err != nil {
				t.Fatal(err)
			}
		}
		// Drawn entries overlap the window or the margin loaded around it for panning
		// (a quarter of its width on each side).
		margin := to.Last().Sub(from.First()) / 4
		if end.Last().Before(from.First().Add(-margin-24*time.Hour)) || d.First().After(to.Last().Add(margin+24*time.Hour)) {
			t.Errorf("entry of %s – %s drawn in the window %s – %s", e.Date, e.End, loaded.From, loaded.To)
			break
		}
	}
	assertLabelsDoNotOverlap(t, tb)

	// Panning a little stays within what was loaded: no new page.
	tb.do(chromedp.Focus(chromedp.CSS("#timeline")), chromedp.KeyEvent(kb.ArrowRight))
	tb.idle()
	if got := pages(); got != n {
		t.Errorf("panning by a tenth of the window loaded %d more pages", got-n)
	}

	// Clicking a drawn entry opens it.
	var title string
	evalInto(tb, `document.querySelector("#lanes .entry.point title").textContent.split("\n")[0]`, &title)
	tb.do(chromedp.Click(chromedp.CSS(`#lanes .entry.point`)))
	tb.waitFor(`document.querySelector("#detail").getAttribute("aria-busy") === "false" && document.querySelector("#detail h2#detail-title") !== null`)
	if got := tb.text("#detail-title"); got != title {
		t.Errorf("clicked %q, the details show %q", title, got)
	}

	// Zoom out with the button: back to buckets.
	for i := 0; i < 12 && mode() != "buckets"; i++ {
		tb.do(chromedp.Click(chromedp.CSS("#zoom-out")))
		tb.idle()
	}
	if mode() != "buckets" {
		t.Fatalf("zoomed out again, the mode is %q", mode())
	}
	// Lanes of buckets by platform: one request of aliased timelineBuckets.
	var lanes []string
	evalInto(tb, `[...document.querySelectorAll("#lanes .lane")].map(l => l.dataset.lane)`, &lanes)
	if len(lanes) < 8 {
		t.Errorf("bucket lanes by platform: %v", lanes)
	}
	tb.shot("scale-3-buckets-again")
	// Clicking a bucket zooms into its period.
	before := tb.text("#range-label")
	tb.do(chromedp.Click(chromedp.CSS(`#lanes .bucket`)))
	tb.idle()
	if after := tb.text("#range-label"); after == before {
		t.Error("clicking a bucket did not zoom in")
	}
	// Lanes by kind, zoomed out.
	tb.do(chromedp.Click(chromedp.CSS("#zoom-fit")))
	tb.idle()
	tb.do(chromedp.Click(chromedp.CSS(`#lanes-by input[value="kind"]`)))
	tb.idle()
	lanes = nil
	evalInto(tb, `[...document.querySelectorAll("#lanes .lane")].map(l => l.dataset.lane)`, &lanes)
	tb.shot("scale-4-kinds")
	if !slices.Contains(lanes, "SESSION") || !slices.Contains(lanes, "STATEMENT") {
		t.Errorf("bucket lanes by kind: %v", lanes)
	}
	var reqs int
	evalInto(tb, `window.dashboard.stats.requests`, &reqs)
	t.Logf("%d requests in all", reqs)
}

// generate fills the empty database with synth.Generate's synthetic world (platforms,
// officials with their posts, sessions from 1990 on, initiatives, statements), sized a
// little under n timeline entries, then adds sessions through the store until the
// timeline holds exactly n.
func generate(t *testing.T, store *db.Store, base string, n int) {
	t.Helper()
	ctx := context.Background()
	// Generate makes about 1.45 timeline entries a session.
	stats, err := synth.Generate(ctx, store, synth.Options{Sessions: n * 100 / 146, Seed: 20230728})
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	have := timelineTotal(t, base)
	t.Logf("synth.Generate: %+v; %d timeline entries", stats, have)
	if have > n {
		t.Fatalf("synth.Generate made %d timeline entries, more than %d", have, n)
	}
	rng := rand.New(rand.NewSource(1))
	for i := range n - have {
		start := model.MustParseDate(fmt.Sprintf("%04d-%02d-%02d", 1990+rng.Intn(36), 1+rng.Intn(12), 1+rng.Intn(28)))
		if _, err := store.CreateSession(ctx, model.SessionInput{Slug: fmt.Sprintf("e2e-session-%d", i),
			Title: fmt.Sprintf("Consultations #%d", i), Kind: model.SessionKindOther, Start: start}); err != nil {
			t.Fatal(err)
		}
	}
	if got := timelineTotal(t, base); got != n {
		t.Fatalf("generated %d timeline entries, want %d", got, n)
	}
}

func timelineTotal(t *testing.T, base string) int {
	t.Helper()
	var res struct {
		Data struct {
			Timeline struct{ TotalCount int } `json:"timeline"`
		}
	}
	if err := json.Unmarshal([]byte(postGraphQL(t, base, `{ timeline(first: 1) { totalCount } }`, nil)), &res); err != nil {
		t.Fatal(err)
	}
	return res.Data.Timeline.TotalCount
}
