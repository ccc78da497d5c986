// Package export serves the timeline over HTTP, filtered like the GraphQL timeline, in the
// formats that timeline and calendar tools read.
//
//	/export/timelinejs.json   Knight Lab TimelineJS3 (timelinejs.go)
//	/export/vis-timeline.json vis-timeline items and groups (vis.go)
//	/export/calendar.ics      RFC 5545 calendar of the sessions (ics.go)
//	/export/timeline.csv      one row per entry (csv.go)
//	/export/popolo.json       Popolo persons, organizations, memberships, events (popolo.go)
//
// Every endpoint takes TimelineFilter's fields as query parameters (lists comma-separated
// or repeated), order=ASC|DESC, limit (at most 10,000 entries, the default) and after (the
// cursor an earlier, truncated export reported). The entries are read limits.ExportPageSize at a time through
// db.Store.Timeline, the same keyset-paginated query as the GraphQL timeline, and the details
// each format shows are loaded in one batch per relation per page, never per entry. The
// whole body is built before anything is written, so an error is answered with its own
// status instead of a cut-off file.
package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"diplomacy-timeline/apierr"
	"diplomacy-timeline/db"
	"diplomacy-timeline/limits"
	"diplomacy-timeline/model"
)

// Response headers of an export.
const (
	HeaderCount     = "X-Export-Count"       // entries in the export
	HeaderLimit     = "X-Export-Limit"       // the limit that applied
	HeaderTruncated = "X-Export-Truncated"   // "true" when more entries match
	HeaderNext      = "X-Export-Next-Cursor" // the after= that continues a truncated export
)

// ExposedHeaders are the response headers a cross-origin client of an export may read.
var ExposedHeaders = []string{HeaderCount, HeaderLimit, HeaderTruncated, HeaderNext, "Link", "ETag"}

// loads says which details a format shows, so that each loads only those.
type loads struct {
	links    bool // countries and topics of the entries
	sources  bool // sources the subjects cite
	sessions bool // sessions with participants, their officials and countries
	people   bool // officials of every entry, their positions, platforms' members (Popolo)
}

// endpoint is one export: its path, content type, what it loads and its renderer.
type endpoint struct {
	name        string // the path under /export/, also the attachment's file name
	contentType string
	needs       loads
	// sessionsOnly keeps SESSION entries only (the calendar).
	sessionsOnly bool
	render       func(d *contents, req *renderRequest) ([]byte, error)
}

var endpoints = []*endpoint{
	{name: "timelinejs.json", contentType: "application/json", needs: loads{links: true, sources: true}, render: renderTimelineJS},
	{name: "vis-timeline.json", contentType: "application/json", render: renderVisTimeline},
	{name: "calendar.ics", contentType: "text/calendar; charset=utf-8", sessionsOnly: true, needs: loads{sessions: true, sources: true}, render: renderICS},
	{name: "timeline.csv", contentType: "text/csv; charset=utf-8", needs: loads{links: true, sources: true, sessions: true}, render: renderCSV},
	{name: "popolo.json", contentType: "application/json", needs: loads{sessions: true, sources: true, people: true}, render: renderPopolo},
}

// parsed are the parsed query parameters of an export.
type parsed struct {
	filter model.TimelineFilter
	order  model.SortOrder
	limit  int
	after  *string
}

// renderRequest is what a renderer knows about the request besides the data.
type renderRequest struct {
	params parsed
	// base is the scheme and host the client reached, for links back ("https://host").
	base string
}

// listParams are the list parameters, named as TimelineFilter's fields.
var listParams = []string{"kinds", "platforms", "countries", "officials", "topics"}

var knownParams = []string{"from", "to", "kinds", "platforms", "countries", "officials", "topics", "text", "order", "limit", "after"}

// Options configure the exports.
type Options struct {
	// Logger receives the detail of failed exports.
	Logger *slog.Logger
	// Timeout is the deadline of one export, down to the database.
	Timeout time.Duration
	// TrustProxy takes the scheme and host of links back from X-Forwarded-Proto and
	// X-Forwarded-Host.
	TrustProxy bool
	// PublicURL is the server's address as its users reach it, for links back; when
	// empty, each request's own scheme and host.
	PublicURL string
}

// Handler serves the endpoints under /export/: each format at its path, and a 404 naming
// them for any other path. At most limits.ExportsAtOnce exports are built at once.
type Handler struct {
	store  *db.Store
	opts   Options
	slots  chan struct{}
	byPath map[string]http.Handler
}

// New returns the exports over the store.
func New(store *db.Store, opts Options) *Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	e := &Handler{store: store, opts: opts, slots: make(chan struct{}, limits.ExportsAtOnce), byPath: map[string]http.Handler{}}
	for _, f := range endpoints {
		e.byPath["/export/"+f.name] = e.handler(f)
	}
	return e
}

// Paths lists the path of every format, for the mux (each its own metrics and limits).
func (e *Handler) Paths() []string {
	out := make([]string, len(endpoints))
	for i, f := range endpoints {
		out[i] = "/export/" + f.name
	}
	return out
}

// ServeHTTP serves the format at the request's path.
func (e *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h, ok := e.byPath[r.URL.Path]; ok {
		h.ServeHTTP(w, r)
		return
	}
	apierr.WriteHTTP(w, http.StatusNotFound, apierr.NotFound, "no such export; the exports are "+strings.Join(e.Paths(), ", "))
}

// handler serves one format.
func (e *Handler) handler(f *endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			apierr.WriteHTTP(w, http.StatusMethodNotAllowed, apierr.MethodNotAllowed, "exports are read with GET")
			return
		}
		params, err := parseParams(r.URL.RawQuery)
		if err != nil {
			apierr.WriteHTTP(w, http.StatusBadRequest, apierr.BadUserInput, model.ErrorMessage(err))
			return
		}
		if f.sessionsOnly {
			params.filter.Kinds = sessionKindsOnly(params.filter.Kinds)
		}
		ctx, cancel := context.WithTimeout(r.Context(), e.opts.Timeout)
		defer cancel()
		select {
		case e.slots <- struct{}{}:
			defer func() { <-e.slots }()
		case <-ctx.Done():
			w.Header().Set("Retry-After", limits.RetryAfter(limits.ExportRetryAfter))
			apierr.WriteHTTP(w, http.StatusServiceUnavailable, apierr.Timeout, "the server is busy with other exports; retry in a few seconds")
			return
		}
		data, err := collect(ctx, e.store, params, f.needs)
		var body []byte
		if err == nil {
			body, err = f.render(data, &renderRequest{params: params, base: requestBase(r, e.opts.TrustProxy, e.opts.PublicURL)})
		}
		if err != nil {
			writeError(ctx, w, e.opts.Logger, f, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.contentType)
		h.Set("Content-Disposition", `attachment; filename="`+f.name+`"`)
		h.Set("Cache-Control", "no-cache")
		sum := sha256.Sum256(body)
		h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
		h.Set(HeaderCount, strconv.Itoa(len(data.entries)))
		h.Set(HeaderLimit, strconv.Itoa(params.limit))
		h.Set(HeaderTruncated, strconv.FormatBool(data.truncated))
		if data.truncated {
			h.Set(HeaderNext, data.next)
			q := r.URL.Query()
			q.Set("after", data.next)
			h.Set("Link", "<"+r.URL.Path+"?"+q.Encode()+`>; rel="next"`)
		}
		// ServeContent answers If-None-Match with 304 (calendar and feed readers poll)
		// and HEAD without a body.
		http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(body))
	})
}

// writeError answers a failed export: a domain error (a bad cursor, a text filter
// of too many words) with its code and that code's status (400 for BAD_USER_INPUT), a
// deadline with 503, anything else with a masked 500 whose detail goes to the log.
func writeError(ctx context.Context, w http.ResponseWriter, log *slog.Logger, f *endpoint, err error) {
	var appErr *model.Error
	switch {
	case errors.As(err, &appErr) && appErr.Code != model.EINTERNAL:
		field, msg := paramName(appErr.Field), appErr.Message
		if field != "" {
			msg = field + ": " + msg
		}
		code := apierr.FromModel(appErr.Code)
		apierr.WriteHTTP(w, apierr.Status(code), code, msg)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		w.Header().Set("Retry-After", limits.RetryAfter(limits.ExportRetryAfter))
		apierr.WriteHTTP(w, http.StatusServiceUnavailable, apierr.Timeout,
			"the export took too long and was stopped; narrow the filter or lower limit")
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer.
		apierr.WriteHTTP(w, http.StatusServiceUnavailable, apierr.Cancelled, "the request was cancelled")
	default:
		log.ErrorContext(ctx, "export failed", "export", f.name, "err", err)
		apierr.WriteHTTP(w, http.StatusInternalServerError, apierr.Internal, "internal error")
	}
}

// paramName turns the store's name of a filter field ("filter.countries") into the
// query parameter's.
func paramName(field string) string {
	return strings.TrimPrefix(field, "filter.")
}

// parseParams reads the query string of an export. Lists are comma-separated and
// may be repeated (countries=KZ,UZ or countries=KZ&countries=UZ); an empty value is the
// same as leaving the parameter out. Unknown parameters are refused rather than ignored,
// so a misspelt filter never exports everything. The parameters are checked in the
// order of knownParams, and the first mistake is the one reported.
func parseParams(raw string) (parsed, error) {
	p := parsed{order: model.SortOrderAsc, limit: limits.ExportMaxEntries}
	v, err := url.ParseQuery(raw)
	if err != nil {
		return p, model.Errorf(model.EINVALID, "the query string is malformed")
	}
	q := query(v)
	if err := q.checkNames(); err != nil {
		return p, err
	}
	if p.filter, err = q.filter(); err != nil {
		return p, err
	}
	if err := q.paging(&p); err != nil {
		return p, err
	}
	f, err := normalizeFilter(&p.filter)
	if err != nil {
		return p, err
	}
	p.filter = *f
	return p, nil
}

// query is an export's query string, read parameter by parameter.
type query url.Values

// checkNames refuses an unknown parameter, and a parameter other than a list given more
// than once: which of the values would apply is a guess the client should not rely on.
// The names are checked in order, so the same query is always refused for the same one.
func (q query) checkNames() error {
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(knownParams, name) {
			return model.FieldErrorf(truncateParam(name), "unknown parameter; the parameters are %s", strings.Join(knownParams, ", "))
		}
		if !slices.Contains(listParams, name) && len(q[name]) > 1 {
			return model.FieldErrorf(name, "given %d times; give it once", len(q[name]))
		}
	}
	return nil
}

// single returns a parameter's value, trimmed, and whether it is given: an empty value
// is the parameter left out.
func (q query) single(name string) (string, bool) {
	v := strings.TrimSpace(url.Values(q).Get(name))
	return v, v != ""
}

// date returns a date parameter, nil when it is left out.
func (q query) date(name string) (*model.Date, error) {
	v, ok := q.single(name)
	if !ok {
		return nil, nil
	}
	d, err := model.ParseDate(v)
	if err != nil {
		return nil, model.FieldErrorf(name, "%s", model.ErrorMessage(err))
	}
	return &d, nil
}

// list returns the items of a list parameter, comma-separated and repeated alike,
// trimmed, each once, in the order given; nil when there are none (no filter).
func (q query) list(name string) []string {
	var out []string
	for _, v := range q[name] {
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" && !slices.Contains(out, item) {
				out = append(out, item)
			}
		}
	}
	return out
}

// filter reads the parameters named as TimelineFilter's fields, as given: the filter's
// own rules are checked after, by normalizeFilter.
func (q query) filter() (model.TimelineFilter, error) {
	var f model.TimelineFilter
	var err error
	if f.From, err = q.date("from"); err != nil {
		return f, err
	}
	if f.To, err = q.date("to"); err != nil {
		return f, err
	}
	if f.Kinds, err = parseKinds(q.list("kinds")); err != nil {
		return f, err
	}
	f.Countries = q.list("countries")
	f.Platforms, f.Officials, f.Topics = q.list("platforms"), q.list("officials"), q.list("topics")
	if v, ok := q.single("text"); ok {
		f.Text = &v
	}
	return f, nil
}

// parseKinds reads the kinds of entries, in any case, each once; nil when none is given:
// the store and sessionKindsOnly take nil for no filter, an empty list for one that
// keeps nothing.
func parseKinds(items []string) ([]model.TimelineEntryKind, error) {
	var kinds []model.TimelineEntryKind
	for _, k := range items {
		kind := model.TimelineEntryKind(strings.ToUpper(k))
		if !kind.IsValid() {
			all := make([]string, len(model.TimelineEntryKinds))
			for i, k := range model.TimelineEntryKinds {
				all[i] = string(k)
			}
			return nil, model.FieldErrorf("kinds", "%q is not a kind of timeline entry (one of %s)", truncateParam(k), strings.Join(all, ", "))
		}
		if !slices.Contains(kinds, kind) {
			kinds = append(kinds, kind)
		}
	}
	return kinds, nil
}

// paging reads order, limit and after into p, whose defaults stand for the ones left
// out: ascending order, and a limit of limits.ExportMaxEntries.
func (q query) paging(p *parsed) error {
	if v, ok := q.single("order"); ok {
		switch model.SortOrder(strings.ToUpper(v)) {
		case model.SortOrderAsc:
			p.order = model.SortOrderAsc
		case model.SortOrderDesc:
			p.order = model.SortOrderDesc
		default:
			return model.FieldErrorf("order", "%q is not ASC or DESC", truncateParam(v))
		}
	}
	if v, ok := q.single("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > limits.ExportMaxEntries {
			return model.FieldErrorf("limit", "must be a whole number from 1 to %d, got %q", limits.ExportMaxEntries, truncateParam(v))
		}
		p.limit = n
	}
	if v, ok := q.single("after"); ok {
		p.after = &v
	}
	return nil
}

// normalizeFilter checks the filter's own rules (country codes, slugs, list sizes, the
// period): they are the timeline's, checked once by the model for the GraphQL API and the
// exports alike. An error names the query parameter rather than the filter's field.
func normalizeFilter(f *model.TimelineFilter) (*model.TimelineFilter, error) {
	n, err := f.Normalized()
	if err != nil {
		var e *model.Error
		if errors.As(err, &e) {
			return nil, model.FieldErrorf(paramName(e.Field), "%s", e.Message)
		}
		return nil, err
	}
	return n, nil
}

// truncateParam shortens a client's value for an error message.
func truncateParam(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// sessionKindsOnly narrows a kinds filter to SESSION: nothing else when the client asked
// for other kinds only.
func sessionKindsOnly(kinds []model.TimelineEntryKind) []model.TimelineEntryKind {
	if kinds == nil || slices.Contains(kinds, model.EntrySession) {
		return []model.TimelineEntryKind{model.EntrySession}
	}
	return []model.TimelineEntryKind{}
}

// requestBase returns the address for links back to the server: the configured public
// URL or else the scheme and host the client used — https when the connection is TLS or,
// behind a trusted proxy, when it says so.
func requestBase(r *http.Request, trustProxy bool, publicURL string) string {
	if publicURL != "" {
		return publicURL
	}
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if trustProxy {
		if p := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0])); p == "https" || p == "http" {
			scheme = p
		}
		if h := strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Host"), ",")[0]); h != "" {
			host = h
		}
	}
	if host == "" || strings.ContainsAny(host, " \t\r\n/\\\"<>") {
		host = "localhost"
	}
	return scheme + "://" + host
}

// contents is an export's entries with the details its format shows.
type contents struct {
	entries   []*model.TimelineEntry
	truncated bool
	next      string // cursor of the last entry, for after= when truncated

	platforms      map[int64]*model.Platform
	entryCountries map[int64][]*model.Country
	entryTopics    map[int64][]*model.Topic
	// citations by subject type, then subject key.
	citations map[string]map[int64][]*model.Citation
	sources   map[int64]*model.Source

	sessions     map[int64]*model.Session
	participants map[int64][]*model.Participant
	officials    map[int64]*model.Official
	countries    map[string]*model.Country

	statements  map[int64]*model.Statement
	initiatives map[int64]*model.Initiative
	positions   map[int64][]*model.Position       // by official
	members     map[int64][]*model.PlatformMember // by platform
}

// collect pages through the filtered timeline, limits.ExportPageSize entries at a time, up to the
// limit, loading each page's details in batches.
func collect(ctx context.Context, store *db.Store, p parsed, needs loads) (*contents, error) {
	d := &contents{
		platforms:      map[int64]*model.Platform{},
		entryCountries: map[int64][]*model.Country{},
		entryTopics:    map[int64][]*model.Topic{},
		citations:      map[string]map[int64][]*model.Citation{},
		sources:        map[int64]*model.Source{},
		sessions:       map[int64]*model.Session{},
		participants:   map[int64][]*model.Participant{},
		officials:      map[int64]*model.Official{},
		countries:      map[string]*model.Country{},
		statements:     map[int64]*model.Statement{},
		initiatives:    map[int64]*model.Initiative{},
		positions:      map[int64][]*model.Position{},
		members:        map[int64][]*model.PlatformMember{},
	}
	after := p.after
	for len(d.entries) < p.limit {
		n := min(limits.ExportPageSize, p.limit-len(d.entries))
		page, err := store.Timeline(ctx, &p.filter, p.order, db.Page{First: &n, After: after})
		if err != nil {
			return nil, err
		}
		if err := d.load(ctx, store, page.Items, needs); err != nil {
			return nil, err
		}
		d.entries = append(d.entries, page.Items...)
		if len(page.Items) > 0 {
			d.next = page.Cursors[len(page.Items)-1]
		}
		d.truncated = page.HasNextPage
		if !page.HasNextPage || len(page.Items) == 0 {
			break
		}
		after = &d.next
	}
	return d, nil
}

// missing returns the keys not yet in m, each once.
func missing[K comparable, V any](m map[K]V, keys []K) []K {
	var out []K
	for _, k := range keys {
		if _, ok := m[k]; !ok && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// fetchInto loads the keys missing from dst and adds what was found.
func fetchInto[K comparable, V any](ctx context.Context, dst map[K]V, keys []K, fetch func(context.Context, []K) (map[K]V, error)) error {
	keys = missing(dst, keys)
	if len(keys) == 0 {
		return nil
	}
	got, err := fetch(ctx, keys)
	if err != nil {
		return err
	}
	for _, k := range keys {
		dst[k] = got[k] // a key not found is remembered as nil, never fetched again
	}
	return nil
}

// load fetches the details of one page of entries: one statement per relation. Each
// step fetches what its need shows and adds the keys it finds to refs, so that the
// officials, platforms and countries every step names are fetched once, last.
func (d *contents) load(ctx context.Context, s *db.Store, page []*model.TimelineEntry, needs loads) error {
	if len(page) == 0 {
		return nil
	}
	r := pageRefs(page)
	for _, step := range []struct {
		need bool
		load func(context.Context, *db.Store, *refs) error
	}{
		{needs.links, d.loadLinks},
		{needs.sources, d.loadSources},
		{needs.sessions, d.loadSessions},
		{needs.people, d.loadPeople},
		{true, d.loadNamed},
	} {
		if !step.need {
			continue
		}
		if err := step.load(ctx, s, r); err != nil {
			return err
		}
	}
	return nil
}

// refs are the keys one page's details name, gathered by the steps of load so that
// each relation is fetched once per page, whichever steps named its keys.
type refs struct {
	entries   []int64
	subjects  map[string][]int64 // by subject type
	platforms []int64
	officials []int64
	codes     []string // of countries
}

// pageRefs starts the keys of a page with what the entries themselves name.
func pageRefs(page []*model.TimelineEntry) *refs {
	r := &refs{entries: make([]int64, len(page)), subjects: map[string][]int64{}}
	for i, e := range page {
		r.entries[i] = e.ID
		if e.PlatformID != nil {
			r.platforms = append(r.platforms, *e.PlatformID)
		}
		typ, id := e.SubjectRef()
		r.subjects[typ] = append(r.subjects[typ], id)
	}
	return r
}

// code adds a country code, if there is one.
func (r *refs) code(c *string) {
	if c != nil {
		r.codes = append(r.codes, *c)
	}
}

// loadLinks fetches the entries' countries and topics (links.countries, links.topics):
// they belong to the entries, not to their subjects.
func (d *contents) loadLinks(ctx context.Context, s *db.Store, r *refs) error {
	if err := fetchInto(ctx, d.entryCountries, r.entries, s.CountriesByEntry); err != nil {
		return err
	}
	return fetchInto(ctx, d.entryTopics, r.entries, s.TopicsByEntry)
}

// loadSources fetches the citations of the subjects, by subject type (citations are
// keyed by type and ID), then the sources they cite in one batch for every type.
func (d *contents) loadSources(ctx context.Context, s *db.Store, r *refs) error {
	var sourceIDs []int64
	for _, typ := range []string{model.TypePlatform, model.TypeSession, model.TypeInitiative, model.TypeStatement} {
		if len(r.subjects[typ]) == 0 {
			continue
		}
		if d.citations[typ] == nil {
			d.citations[typ] = map[int64][]*model.Citation{}
		}
		if err := fetchInto(ctx, d.citations[typ], r.subjects[typ], func(ctx context.Context, keys []int64) (map[int64][]*model.Citation, error) {
			return s.CitationsBy(ctx, typ, keys)
		}); err != nil {
			return err
		}
		for _, id := range r.subjects[typ] {
			for _, c := range d.citations[typ][id] {
				sourceIDs = append(sourceIDs, c.SourceID)
			}
		}
	}
	return fetchInto(ctx, d.sources, sourceIDs, s.SourcesByIDs)
}

// loadSessions fetches the sessions among the subjects and their participants, and
// names the officials, platforms and countries they refer to.
func (d *contents) loadSessions(ctx context.Context, s *db.Store, r *refs) error {
	sessionIDs := r.subjects[model.TypeSession]
	if err := fetchInto(ctx, d.sessions, sessionIDs, s.SessionsByIDs); err != nil {
		return err
	}
	if err := fetchInto(ctx, d.participants, sessionIDs, s.ParticipantsBySession); err != nil {
		return err
	}
	for _, id := range sessionIDs {
		if sess := d.sessions[id]; sess != nil {
			r.code(sess.Location.CountryCode)
			r.code(sess.HostCountryCode)
			if sess.PlatformID != nil {
				r.platforms = append(r.platforms, *sess.PlatformID)
			}
		}
		for _, p := range d.participants[id] {
			r.officials = append(r.officials, p.OfficialID)
			r.code(p.CountryCode)
		}
	}
	return nil
}

// loadPeople fetches what Popolo's persons and memberships need: the officials every
// entry concerns (as subject, speaker of a statement, proposer of an initiative), the
// positions of all of them, and the members of every platform named.
func (d *contents) loadPeople(ctx context.Context, s *db.Store, r *refs) error {
	r.officials = append(r.officials, r.subjects[model.TypeOfficial]...)
	if err := fetchInto(ctx, d.statements, r.subjects[model.TypeStatement], s.StatementsByIDs); err != nil {
		return err
	}
	for _, id := range r.subjects[model.TypeStatement] {
		if st := d.statements[id]; st != nil {
			r.officials = append(r.officials, st.OfficialID)
		}
	}
	if err := fetchInto(ctx, d.initiatives, r.subjects[model.TypeInitiative], s.InitiativesByIDs); err != nil {
		return err
	}
	for _, id := range r.subjects[model.TypeInitiative] {
		if in := d.initiatives[id]; in != nil {
			if in.ProposedByID != nil {
				r.officials = append(r.officials, *in.ProposedByID)
			}
			if in.PlatformID != nil {
				r.platforms = append(r.platforms, *in.PlatformID)
			}
		}
	}
	if err := fetchInto(ctx, d.positions, r.officials, s.PositionsByOfficial); err != nil {
		return err
	}
	for _, id := range r.officials {
		for _, p := range d.positions[id] {
			r.code(p.CountryCode)
		}
	}
	if err := fetchInto(ctx, d.members, r.platforms, s.MembersByPlatform); err != nil {
		return err
	}
	for _, id := range r.platforms {
		for _, m := range d.members[id] {
			r.codes = append(r.codes, m.CountryCode)
		}
	}
	return nil
}

// loadNamed fetches the officials, platforms and countries the earlier steps named,
// each relation once for the page; the officials' own countries come before the
// countries are fetched.
func (d *contents) loadNamed(ctx context.Context, s *db.Store, r *refs) error {
	if err := fetchInto(ctx, d.officials, r.officials, s.OfficialsByIDs); err != nil {
		return err
	}
	for _, id := range r.officials {
		if o := d.officials[id]; o != nil {
			r.code(o.CountryCode)
		}
	}
	if err := fetchInto(ctx, d.platforms, r.platforms, s.PlatformsByIDs); err != nil {
		return err
	}
	return fetchInto(ctx, d.countries, r.codes, s.CountriesByCodes)
}

// platformOf returns an entry's platform, or nil.
func (d *contents) platformOf(e *model.TimelineEntry) *model.Platform {
	if e.PlatformID == nil {
		return nil
	}
	return d.platforms[*e.PlatformID]
}

// sourcesOf returns the sources an entry's subject cites, in citation order (as the
// GraphQL field TimelineEntry.sources).
func (d *contents) sourcesOf(e *model.TimelineEntry) []*model.Source {
	typ, id := e.SubjectRef()
	var out []*model.Source
	for _, c := range d.citations[typ][id] {
		if src := d.sources[c.SourceID]; src != nil {
			out = append(out, src)
		}
	}
	return out
}

// countryName returns the name of the country with the code, or the code.
func (d *contents) countryName(code *string) string {
	if code == nil {
		return ""
	}
	if c := d.countries[*code]; c != nil {
		return c.Name
	}
	return *code
}

// entryPeriod returns the first and the last day an entry covers: from the first day of
// its date to the last day of its end date's period (or of its date's).
func entryPeriod(e *model.TimelineEntry) (first, last time.Time) {
	first, last = e.Date.First(), e.Date.Last()
	if e.EndDate != nil && !e.EndDate.IsZero() && e.EndDate.Last().After(last) {
		last = e.EndDate.Last()
	}
	return first, last
}

// hasEnd reports whether an entry has an end date other than its date.
func hasEnd(e *model.TimelineEntry) bool {
	return e.EndDate != nil && !e.EndDate.IsZero() && e.EndDate.String() != e.Date.String()
}

// displayDate writes a date as people read it, to its precision: "2015", "July 2023",
// "28 July 2023".
func displayDate(d model.Date) string {
	t := d.First()
	switch d.Precision() {
	case model.PrecisionYear:
		return strconv.Itoa(t.Year())
	case model.PrecisionMonth:
		return t.Format("January 2006")
	}
	return t.Format("2 January 2006")
}

// displayPeriod writes an entry's date, or its range: "2015", "28 July 2023",
// "2015 – 2019".
func displayPeriod(e *model.TimelineEntry) string {
	if hasEnd(e) {
		return displayDate(e.Date) + " – " + displayDate(*e.EndDate)
	}
	return displayDate(e.Date)
}

// kindLabel turns an enum value into words: SPECIAL_SESSION → "special session".
func kindLabel[T ~string](v T) string {
	return strings.ReplaceAll(strings.ToLower(string(v)), "_", " ")
}

// kindClass turns an enum value into a CSS class fragment: SPECIAL_SESSION → "special-session".
func kindClass[T ~string](v T) string {
	return strings.ReplaceAll(strings.ToLower(string(v)), "_", "-")
}

// joinNonEmpty joins the non-empty parts.
func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// deref returns *s, or "".
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// sessionLocation writes where a session was held: "venue, city, country".
func (d *contents) sessionLocation(s *model.Session) string {
	return joinNonEmpty(", ", deref(s.Location.Venue), deref(s.Location.City), d.countryName(s.Location.CountryCode))
}

// participantLine describes one participant: "Thomas West (Special Representative, United States)".
func (d *contents) participantLine(p *model.Participant) string {
	o, country := d.represented(p)
	if o == nil {
		return ""
	}
	if extra := joinNonEmpty(", ", deref(p.Role), d.countryName(country)); extra != "" {
		return fmt.Sprintf("%s (%s)", o.Name, extra)
	}
	return o.Name
}

// represented returns a participant's official and the country they represented: the
// participation's, or else the official's own (nil when neither says).
func (d *contents) represented(p *model.Participant) (*model.Official, *string) {
	o := d.officials[p.OfficialID]
	if o == nil {
		return nil, nil
	}
	if p.CountryCode != nil {
		return o, p.CountryCode
	}
	return o, o.CountryCode
}
