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
