package graph_test

// Tests of the timeline and timelineBuckets queries through the real HTTP handler: the
// default dataset; a generated dataset of a few thousand entries, against which every
// filter (alone and combined), pagination in both directions and both orders, and buckets
// are checked with expectations computed here from the records created; entries following
// every kind of write; the SQL cost of a page; and bad input.

import (
	"cmp"
	"context"
	"diplomacy-timeline/httpapi/apitest"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"diplomacy-timeline/model"
)

// ---------------------------------------------------------------------------------------
// Partial dates, computed independently of the product's model.Date.

// tlParts splits "2023", "2023-07" or "2023-07-28" into numbers, 0 for an unknown part.
func tlParts(d string) (y, m, day int) {
	var err error
	switch len(d) {
	case 4:
		_, err = fmt.Sscanf(d, "%4d", &y)
	case 7:
		_, err = fmt.Sscanf(d, "%4d-%2d", &y, &m)
	case 10:
		_, err = fmt.Sscanf(d, "%4d-%2d-%2d", &y, &m, &day)
	default:
		err = fmt.Errorf("wrong length")
	}
	if err != nil {
		panic(fmt.Sprintf("test date %q: %v", d, err))
	}
	return y, m, day
}

// tlFirst returns the first day of the period d covers, as yyyymmdd.
func tlFirst(d string) int {
	y, m, day := tlParts(d)
	return y*10000 + max(m, 1)*100 + max(day, 1)
}

// tlLast returns the last day of the period d covers, as yyyymmdd.
func tlLast(d string) int {
	y, m, day := tlParts(d)
	switch {
	case m == 0:
		return y*10000 + 1231
	case day == 0:
		return y*10000 + m*100 + time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	}
	return y*10000 + m*100 + day
}

// tlCmp orders two entries by the documented rule: the first day of the date, then the
// coarser date first ("2023" < "2023-01" < "2023-01-01"), then the entry's key.
func tlCmp(dateA string, keyA int64, dateB string, keyB int64) int {
	return cmp.Or(cmp.Compare(tlFirst(dateA), tlFirst(dateB)), cmp.Compare(len(dateA), len(dateB)), cmp.Compare(keyA, keyB))
}

// tlBucketStart returns the start of the bucket an entry dated d is counted in: a date
// coarser than the granularity counts in its first period.
func tlBucketStart(d, granularity string) string {
	y, m, day := tlParts(d)
	switch granularity {
	case "YEAR":
		return fmt.Sprintf("%04d", y)
	case "MONTH":
		return fmt.Sprintf("%04d-%02d", y, max(m, 1))
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, max(m, 1), max(day, 1))
}

func tlPtr[T any](v T) *T { return &v }

func tlDate(s string) *model.Date {
	if s == "" {
		return nil
	}
	return tlPtr(model.MustParseDate(s))
}

// tlSet returns the non-empty strings, deduplicated and sorted, never nil.
func tlSet(xs ...string) []string {
	out := []string{}
	for _, x := range xs {
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

// tlKey decodes the numeric key of a timeline entry's global ID.
func tlKey(tb testing.TB, id string) int64 {
	tb.Helper()
	n, err := model.DecodeIntID("id", model.TypeTimelineEntry, id)
	if err != nil {
		tb.Fatalf("entry ID %q: %v", id, err)
	}
	return n
}

// ---------------------------------------------------------------------------------------
// Expected entries and filters.

// tlEntry is an entry the test expects, derived by the test from the records it created.
type tlEntry struct {
	Kind, Typename, Subject string
	Date, End               string
	Title, Summary          string
	Platform                string   // slug, "" for none
	Countries, Topics       []string // sorted
	Officials               []string // slugs; only observable through the officials filter
	Sources                 []string // titles

	id  string // the API's ID, once matched
	key int64
}

func (e *tlEntry) ident() string { return e.Kind + "|" + e.Subject + "|" + e.Date + "|" + e.Title }

// tlFilter is a TimelineFilter; the test evaluates it itself with match.
// tlFilter is a timeline filter; its vars are the GraphQL variables.
type tlFilter apitest.TimelineFilter

func (f tlFilter) vars() map[string]any { return apitest.TimelineFilter(f).Vars() }

func (f tlFilter) String() string {
	b, _ := json.Marshal(f.vars())
	return string(b)
}

// anyIn reports whether some value of have is in want, comparing case-insensitively.
func tlAnyIn(have, want []string) bool {
	for _, h := range have {
		for _, w := range want {
			if strings.EqualFold(h, w) {
				return true
			}
		}
	}
	return false
}

// match applies the filter's documented semantics: AND across fields, OR within a list,
// dates by the periods they cover, text as words that must all appear in the title or the
// summary, case-insensitively.
func (f tlFilter) match(e *tlEntry) bool {
	if f.From != "" {
		last := tlLast(e.Date)
		if e.End != "" {
			last = max(last, tlLast(e.End))
		}
		if last < tlFirst(f.From) {
			return false
		}
	}
	if f.To != "" && tlFirst(e.Date) > tlLast(f.To) {
		return false
	}
	if f.Kinds != nil && !slices.Contains(f.Kinds, e.Kind) {
		return false
	}
	if f.Platforms != nil && (e.Platform == "" || !slices.Contains(f.Platforms, e.Platform)) {
		return false
	}
	if f.Countries != nil && !tlAnyIn(e.Countries, f.Countries) {
		return false
	}
	if f.Officials != nil && !tlAnyIn(e.Officials, f.Officials) {
		return false
	}
	if f.Topics != nil && !tlAnyIn(e.Topics, f.Topics) {
		return false
	}
	title, summary := strings.ToLower(e.Title), strings.ToLower(e.Summary)
	for _, w := range strings.Fields(strings.ToLower(f.Text)) {
		if !strings.Contains(title, w) && !strings.Contains(summary, w) {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------------------
// Reading the timeline through the API.

type tlPageInfo struct {
	HasNextPage     bool    `json:"hasNextPage"`
	HasPreviousPage bool    `json:"hasPreviousPage"`
	StartCursor     *string `json:"startCursor"`
	EndCursor       *string `json:"endCursor"`
}

type tlAPIEntry struct {
	ID      string  `json:"id"`
	Kind    string  `json:"kind"`
	Date    string  `json:"date"`
	EndDate *string `json:"endDate"`
	Title   string  `json:"title"`
	Summary *string `json:"summary"`
	Subject struct {
		Typename string `json:"__typename"`
		ID       string `json:"id"`
		Slug     string `json:"slug"`
	} `json:"subject"`
	Platform *struct {
		Slug string `json:"slug"`
	} `json:"platform"`
	Countries []struct {
		Code string `json:"code"`
	} `json:"countries"`
	Topics []struct {
		Slug string `json:"slug"`
	} `json:"topics"`
	Sources []struct {
		Title     string  `json:"title"`
		Publisher *string `json:"publisher"`
	} `json:"sources"`
}

// asEntry converts an entry as the API returned it to the test's form.
func (a tlAPIEntry) asEntry() *tlEntry {
	e := &tlEntry{Kind: a.Kind, Typename: a.Subject.Typename, Subject: a.Subject.ID, Date: a.Date, Title: a.Title,
		Countries: []string{}, Topics: []string{}, Sources: []string{}, id: a.ID}
	if a.EndDate != nil {
		e.End = *a.EndDate
	}
	if a.Summary != nil {
		e.Summary = *a.Summary
	}
	if a.Platform != nil {
		e.Platform = a.Platform.Slug
	}
	for _, c := range a.Countries {
		e.Countries = append(e.Countries, c.Code)
	}
	for _, t := range a.Topics {
		e.Topics = append(e.Topics, t.Slug)
	}
	for _, s := range a.Sources {
		e.Sources = append(e.Sources, s.Title)
	}
	slices.Sort(e.Countries)
	slices.Sort(e.Topics)
	slices.Sort(e.Sources)
	return e
}

func (a tlAPIEntry) countries() []string { return a.asEntry().Countries }
func (a tlAPIEntry) topics() []string    { return a.asEntry().Topics }

type tlConn struct {
	TotalCount int        `json:"totalCount"`
	PageInfo   tlPageInfo `json:"pageInfo"`
	Edges      []struct {
		Cursor string     `json:"cursor"`
		Node   tlAPIEntry `json:"node"`
	} `json:"edges"`
}

const tlEntrySelection = `id kind date endDate title summary
	subject { __typename
		... on Platform { id slug } ... on Session { id slug } ... on Initiative { id slug }
		... on Official { id slug } ... on Statement { id } }
	platform { slug } countries { code } topics { slug } sources { title publisher }`

const tlTimelineQuery = `query($filter: TimelineFilter, $order: SortOrder, $first: Int, $after: String, $last: Int, $before: String) {
	timeline(filter: $filter, order: $order, first: $first, after: $after, last: $last, before: $before) {
		totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
		edges { cursor node { ` + tlEntrySelection + ` } } } }`

// tlWalkQuery selects only what a page walk needs.
const tlWalkQuery = `query($filter: TimelineFilter, $order: SortOrder, $first: Int, $after: String, $last: Int, $before: String) {
	timeline(filter: $filter, order: $order, first: $first, after: $after, last: $last, before: $before) {
		pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
		edges { cursor node { id date } } } }`

const tlBucketsQuery = `query($filter: TimelineFilter, $g: Granularity!) {
	timelineBuckets(filter: $filter, granularity: $g) { start count byKind { kind count } } }`

func tlPage(tb testing.TB, s *apitest.Server, query string, vars map[string]any) tlConn {
	tb.Helper()
	var out struct {
		Timeline tlConn `json:"timeline"`
	}
	s.Query(tb, query, vars, &out)
	return out.Timeline
}

// tlFetch reads the whole filtered timeline in pages of 100 and returns it with its
// totalCount.
func tlFetch(tb testing.TB, s *apitest.Server, f tlFilter, order string) ([]tlAPIEntry, int) {
	tb.Helper()
	var all []tlAPIEntry
	vars := map[string]any{"filter": f.vars(), "order": order, "first": 100}
	total := -1
	for page := 0; ; page++ {
		c := tlPage(tb, s, tlTimelineQuery, vars)
		if total >= 0 && c.TotalCount != total {
			tb.Fatalf("filter %s: totalCount changed from %d to %d between pages", f, total, c.TotalCount)
		}
		total = c.TotalCount
		for _, e := range c.Edges {
			all = append(all, e.Node)
		}
		if !c.PageInfo.HasNextPage {
			return all, total
		}
		if page > total/100+1 || c.PageInfo.EndCursor == nil {
			tb.Fatalf("filter %s: more pages than entries", f)
		}
		vars["after"] = *c.PageInfo.EndCursor
	}
}

// tlAll returns the whole timeline, oldest first.
func tlAll(tb testing.TB, s *apitest.Server) []tlAPIEntry {
	tb.Helper()
	all, _ := tlFetch(tb, s, tlFilter{}, "ASC")
	return all
}

// tlOf returns the entries whose subject is the record with the global ID.
func tlOf(entries []tlAPIEntry, subject string) []tlAPIEntry {
	var out []tlAPIEntry
	for _, e := range entries {
		if e.Subject.ID == subject {
			out = append(out, e)
		}
	}
	return out
}

// tlOne returns the only entry of the subject and kind, failing unless there is exactly one.
func tlOne(tb testing.TB, s *apitest.Server, subject, kind string) tlAPIEntry {
	tb.Helper()
	var out []tlAPIEntry
	for _, e := range tlOf(tlAll(tb, s), subject) {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	if len(out) != 1 {
		tb.Fatalf("want exactly one %s entry of %s, got %d: %+v", kind, subject, len(out), out)
	}
	return out[0]
}

// tlIDs returns the IDs of the entries matching the filter, in timeline order.
func tlIDs(tb testing.TB, s *apitest.Server, f tlFilter) []string {
	tb.Helper()
	all, total := tlFetch(tb, s, f, "ASC")
	ids := make([]string, len(all))
	for i, e := range all {
		ids[i] = e.ID
	}
	if total != len(ids) {
		tb.Fatalf("filter %s: totalCount %d, but %d entries", f, total, len(ids))
	}
	return ids
}

type tlBucket struct {
	Start  string `json:"start"`
	Count  int    `json:"count"`
	ByKind []struct {
		Kind  string `json:"kind"`
		Count int    `json:"count"`
	} `json:"byKind"`
}

func tlBuckets(tb testing.TB, s *apitest.Server, f tlFilter, granularity string) []tlBucket {
	tb.Helper()
	var out struct {
		TimelineBuckets []tlBucket `json:"timelineBuckets"`
	}
	s.Query(tb, tlBucketsQuery, map[string]any{"filter": f.vars(), "g": granularity}, &out)
	return out.TimelineBuckets
}

// tlCode runs a query that must fail and returns the codes of its errors, failing on data
// or on an INTERNAL error.
func tlCode(tb testing.TB, s *apitest.Server, token, query string, vars map[string]any) string {
	tb.Helper()
	r := s.Do(tb, token, query, vars)
	if len(r.Errors) == 0 {
		tb.Fatalf("query %s %v succeeded, want an error: %s", query, vars, r.Data)
	}
	code := r.Codes()[0]
	for _, c := range r.Codes() {
		if c == "" || c == "INTERNAL" {
			tb.Fatalf("query %s %v: error without a useful code: %+v", query, vars, r.Errors)
		}
	}
	return code
}

// ---------------------------------------------------------------------------------------
// 1. The default dataset.

func TestTimelineDefaultDataset(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	all, total := tlFetch(t, s, tlFilter{}, "ASC")
	if total != 7 || len(all) != 7 {
		t.Fatalf("default timeline: totalCount %d, %d entries, want 7: %+v", total, len(all), all)
	}
	kinds := map[string]int{}
	for _, e := range all {
		kinds[e.Kind]++
		if len(e.Sources) != 1 || e.Sources[0].Publisher == nil || *e.Sources[0].Publisher != "Kazinform" {
			t.Errorf("%s %q: sources %+v, want the Kazinform article", e.Kind, e.Title, e.Sources)
		}
	}
	// The Almaty centre has no proposal date; its status history's PROPOSED, reported on
	// 2023-07-28, is its proposal.
	want := map[string]int{"PLATFORM_FOUNDED": 1, "SESSION": 2, "INITIATIVE_PROPOSED": 1, "STATEMENT": 3}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Fatalf("kinds %v, want %v", kinds, want)
	}

	founded := all[0]
	if founded.Kind != "PLATFORM_FOUNDED" || founded.Date != "2015" || founded.Subject.Typename != "Platform" ||
		founded.Subject.Slug != "c5-plus-1" || founded.Platform == nil || founded.Platform.Slug != "c5-plus-1" {
		t.Errorf("first entry %+v, want the founding of c5-plus-1 in 2015", founded)
	}
	if got := founded.countries(); !slices.Equal(got, []string{"KG", "KZ", "TJ", "TM", "US", "UZ"}) {
		t.Errorf("founding of C5+1: countries %v, want its members", got)
	}
	var prev int64
	for _, e := range all[1:] {
		if e.Date != "2023-07-28" {
			t.Errorf("%s %q dated %s, want 2023-07-28", e.Kind, e.Title, e.Date)
		}
		if k := tlKey(t, e.ID); k <= prev {
			t.Errorf("entries on the same day not ordered by ID: %d after %d", k, prev)
		} else {
			prev = k
		}
	}

	bySlug := map[string]tlAPIEntry{}
	for _, e := range all {
		if e.Kind == "SESSION" {
			if e.Subject.Typename != "Session" {
				t.Errorf("session entry has a %s subject", e.Subject.Typename)
			}
			bySlug[e.Subject.Slug] = e
		}
	}
	special, ok := bySlug["c5-plus-1-special-session-on-afghanistan-2023"]
	if !ok {
		t.Fatalf("no entry for the special session: %+v", bySlug)
	}
	if special.Title != "C5+1 Special Session on Afghanistan" || special.Platform == nil || special.Platform.Slug != "c5-plus-1" {
		t.Errorf("special session entry %+v", special)
	}
	if got := special.countries(); !slices.Equal(got, []string{"AF", "KZ", "US"}) {
		t.Errorf("special session countries %v, want host and location KZ, subject AF, participants' US and KZ", got)
	}
	if got := special.topics(); !slices.Equal(got, []string{"counter-terrorism", "human-rights", "humanitarian-assistance", "international-cooperation", "security"}) {
		t.Errorf("special session topics %v", got)
	}
	meeting, ok := bySlug["west-umarov-meeting-2023"]
	if !ok {
		t.Fatalf("no entry for the West–Umarov meeting")
	}
	if meeting.Platform != nil || !slices.Equal(meeting.countries(), []string{"AF", "KZ", "US"}) ||
		!slices.Equal(meeting.topics(), []string{"humanitarian-assistance", "international-cooperation"}) {
		t.Errorf("meeting entry %+v", meeting)
	}

	for _, e := range all {
		switch e.Kind {
		case "INITIATIVE_PROPOSED":
			if e.Subject.Typename != "Initiative" || e.Subject.Slug != "un-regional-centre-sustainable-development-almaty" ||
				!strings.Contains(e.Title, "UN Regional Centre for Sustainable Development in Almaty") || !strings.HasSuffix(e.Title, " proposed") {
				t.Errorf("initiative entry %+v", e)
			}
			if !slices.Equal(e.countries(), []string{"KZ"}) || !slices.Equal(e.topics(), []string{"sustainable-development", "trade-and-investment"}) {
				t.Errorf("initiative entry countries %v topics %v", e.countries(), e.topics())
			}
		case "STATEMENT":
			if e.Subject.Typename != "Statement" || e.Summary == nil || *e.Summary == "" {
				t.Errorf("statement entry %+v", e)
			}
		}
	}

	// The officials filter: what an official took part in, proposed or said.
	for slug, want := range map[string][]string{
		"thomas-west":           {"SESSION", "SESSION", "STATEMENT"},
		"talgat-kaliyev":        {"SESSION", "STATEMENT"},
		"kassym-jomart-tokayev": {"INITIATIVE_PROPOSED"},
	} {
		got, _ := tlFetch(t, s, tlFilter{Officials: []string{slug}}, "ASC")
		var kinds []string
		for _, e := range got {
			kinds = append(kinds, e.Kind)
		}
		slices.Sort(kinds)
		if !slices.Equal(kinds, want) {
			t.Errorf("officials [%s]: kinds %v, want %v", slug, kinds, want)
		}
	}
	if got, _ := tlFetch(t, s, tlFilter{Platforms: []string{"c5-plus-1"}}, "ASC"); len(got) != 3 {
		t.Errorf("platforms [c5-plus-1]: %d entries, want the founding, the special session and Kaliyev's statement", len(got))
	}
	if got, _ := tlFetch(t, s, tlFilter{Countries: []string{"AF"}}, "ASC"); len(got) != 2 {
		t.Errorf("countries [AF]: %d entries, want the two sessions", len(got))
	}
}

// ---------------------------------------------------------------------------------------
// 2. A generated dataset.

// tlWorld is a generated dataset and the entries the test expects of it.
type tlWorld struct {
	entries []*tlEntry
}

// tlGenerate creates a few thousand records through the store, deterministically, with
// dates of mixed precision and many ties, and returns the entries they must produce.
func tlGenerate(t *testing.T, s *apitest.Server, seed int64) *tlWorld {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewSource(seed))
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &tlWorld{}
	add := func(e *tlEntry) {
		e.Countries, e.Topics, e.Officials, e.Sources = tlSet(e.Countries...), tlSet(e.Topics...), tlSet(e.Officials...), tlSet(e.Sources...)
		w.entries = append(w.entries, e)
	}
	countries := []string{"KZ", "KG", "TJ", "TM", "UZ", "US", "AF", "RU", "CN", "DE"}
	vocab := []string{"Water", "ENERGY", "border", "Trade", "transit", "Railway", "drought", "summit"}
	pick := func(xs []string) string { return xs[rng.Intn(len(xs))] }
	maybe := func(pct int) bool { return rng.Intn(100) < pct }
	words := func(n int) string {
		var out []string
		for range n {
			out = append(out, pick(vocab))
		}
		return strings.Join(out, " ")
	}
	// Eleven years, months 1, 6, 7 and 12, days 1, 15 and 28: many entries share a date.
	date := func() string {
		y := 2014 + rng.Intn(11)
		switch p := rng.Intn(100); {
		case p < 15:
			return fmt.Sprintf("%04d", y)
		case p < 40:
			return fmt.Sprintf("%04d-%02d", y, []int{1, 1, 6, 7, 12}[rng.Intn(5)])
		}
		return fmt.Sprintf("%04d-%02d-%02d", y, []int{1, 1, 6, 7, 12}[rng.Intn(5)], []int{1, 1, 15, 28}[rng.Intn(4)])
	}
	// after returns a date whose period does not end before start begins.
	after := func(start string) string {
		for range 50 {
			if d := date(); tlLast(d) >= tlFirst(start) && d != start {
				return d
			}
		}
		return start
	}
	optional := func(pct int, v string) *string {
		if maybe(pct) {
			return &v
		}
		return nil
	}
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}

	topics := []string{"water", "energy", "security", "trade", "health", "climate"}
	topicIDs := map[string]string{}
	for _, slug := range topics {
		tp, err := s.Store.CreateTopic(ctx, model.TopicInput{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:]})
		must(tp, err)
		topicIDs[slug] = tp.NodeID()
	}
	pickTopics := func(n int) []string {
		var out []string
		for range rng.Intn(n + 1) {
			if t := pick(topics); !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
		return out
	}
	// key is the primary key of a record's global ID, which the store's methods take.
	key := func(id string) int64 {
		g, err := model.DecodeID(id)
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.ParseInt(g.Key, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	keyOf := func(id string) *int64 { n := key(id); return &n }
	topicRefs := func(slugs []string) []int64 {
		var out []int64
		for _, t := range slugs {
			out = append(out, key(topicIDs[t]))
		}
		return out
	}
	const sourceTitle = "Generated communiqué"
	src, err := s.Store.CreateSource(ctx, model.SourceInput{Title: sourceTitle, Publisher: tlPtr("Generator")})
	must(src, err)
	cite := func(subject string) []string {
		g, err := model.DecodeID(subject)
		must(nil, err)
		_, err = s.Store.CiteSource(ctx, g.Type, key(subject), src.ID, tlPtr("excerpt"))
		must(nil, err)
		return []string{sourceTitle}
	}

	type plat struct{ slug, id string }
	var platforms []plat
	for i := range 8 {
		slug := fmt.Sprintf("tl-p%d", i)
		in := model.PlatformInput{Slug: slug, Name: fmt.Sprintf("Platform %d %s", i, words(1)), Kind: model.PlatformKindForum,
			Description: tlPtr("Cooperation on " + words(2))}
		var founded, dissolved string
		if i < 6 {
			founded = date()
			if i == 0 {
				founded = "2014"
			}
			in.Founded = tlDate(founded)
		}
		if i == 1 {
			dissolved = after(founded)
			in.Dissolved = tlDate(dissolved)
		}
		p, err := s.Store.CreatePlatform(ctx, in)
		must(p, err)
		platforms = append(platforms, plat{slug, p.NodeID()})
		var members []string
		for len(members) < i%3 {
			if c := pick(countries); !slices.Contains(members, c) {
				members = append(members, c)
				must(s.Store.AddPlatformMember(ctx, p.ID, c, nil, nil, nil))
			}
		}
		var sources []string
		if i%2 == 0 {
			sources = cite(p.NodeID())
		}
		if founded != "" {
			add(&tlEntry{Kind: "PLATFORM_FOUNDED", Typename: "Platform", Subject: p.NodeID(), Date: founded, End: dissolved,
				Title: in.Name + " founded", Summary: *in.Description, Platform: slug, Countries: members, Sources: sources})
		}
	}

	type off struct{ slug, id, name, country string }
	var officials []off
	for i := range 60 {
		o := off{slug: fmt.Sprintf("tl-o%d", i), name: fmt.Sprintf("Official %d %s", i, words(1))}
		in := model.OfficialInput{Slug: o.slug, Name: o.name}
		if maybe(90) {
			o.country = pick(countries)
			in.CountryCode = &o.country
		}
		x, err := s.Store.CreateOfficial(ctx, in)
		must(x, err)
		o.id = x.NodeID()
		officials = append(officials, o)
		position := func(title string, start, end string) {
			org := optional(50, "Ministry of "+words(1))
			pc := optional(50, pick(countries))
			must(s.Store.AddPosition(ctx, key(o.id), title, org, pc, tlDate(start), tlDate(end)))
			post := title
			if org != nil {
				post += ", " + *org
			}
			if start != "" {
				add(&tlEntry{Kind: "POSITION_STARTED", Typename: "Official", Subject: o.id, Date: start, End: end,
					Title: o.name + " becomes " + post, Countries: []string{deref(pc), o.country}, Officials: []string{o.slug}})
			}
			if end != "" {
				add(&tlEntry{Kind: "POSITION_ENDED", Typename: "Official", Subject: o.id, Date: end,
					Title: o.name + " leaves " + post, Countries: []string{deref(pc), o.country}, Officials: []string{o.slug}})
			}
		}
		if maybe(70) {
			start, end := date(), ""
			if maybe(50) {
				end = after(start)
			}
			position(fmt.Sprintf("Post %d-a", i), start, end)
		}
		if maybe(20) {
			position(fmt.Sprintf("Post %d-b", i), "", date())
		}
		if maybe(10) {
			position(fmt.Sprintf("Post %d-c", i), "", "")
		}
	}

	type sess struct {
		id, platform, host string
		topics             []string
	}
	var sessions []sess
	// Planted dates: the tie rule on one first day, a year-precision entry and a range
	// that starts before 2023-07-01 and ends after it.
	planted := [][2]string{{"2023", ""}, {"2023-01", ""}, {"2023-01-01", ""}, {"2022-12-20", "2023-08"}, {"2019-05", ""}, {"2019-05-17", ""}, {"2019", ""}}
	for i := range 1000 {
		start, end := date(), ""
		if maybe(20) {
			end = after(start)
		}
		if i < len(planted) {
			start, end = planted[i][0], planted[i][1]
		}
		title := strings.TrimSpace(fmt.Sprintf("Session %d %s", i, words(rng.Intn(3))))
		in := model.SessionInput{Slug: fmt.Sprintf("tl-s%d", i), Title: title, Kind: model.SessionKindSummit,
			Start: *tlDate(start), End: tlDate(end), Summary: optional(60, "Talks on "+words(2))}
		x := sess{topics: pickTopics(2)}
		if maybe(60) {
			p := platforms[rng.Intn(len(platforms))]
			in.PlatformID, x.platform = keyOf(p.id), p.slug
		}
		entryCountries := []string{}
		if maybe(80) {
			x.host = pick(countries)
			in.HostCountryCode = &x.host
			entryCountries = append(entryCountries, x.host)
		}
		if maybe(50) {
			lc := pick(countries)
			in.Location = &model.Location{City: tlPtr("City"), CountryCode: &lc}
			entryCountries = append(entryCountries, lc)
		}
		for range rng.Intn(3) {
			c := pick(countries)
			if !slices.Contains(in.SubjectCountryCodes, c) {
				in.SubjectCountryCodes = append(in.SubjectCountryCodes, c)
			}
		}
		entryCountries = append(entryCountries, in.SubjectCountryCodes...)
		in.TopicIDs = topicRefs(x.topics)
		created, err := s.Store.CreateSession(ctx, in)
		must(created, err)
		x.id = created.NodeID()
		var participants []string
		for range rng.Intn(3) {
			o := officials[rng.Intn(len(officials))]
			if slices.Contains(participants, o.slug) {
				continue
			}
			participants = append(participants, o.slug)
			pc := optional(70, pick(countries))
			must(s.Store.AddParticipant(ctx, key(x.id), key(o.id), nil, pc))
			if pc == nil {
				// Without a country given, the official represents their own.
				pc = &o.country
			}
			entryCountries = append(entryCountries, deref(pc))
		}
		var sources []string
		if i%5 == 0 {
			sources = cite(x.id)
		}
		sessions = append(sessions, x)
		add(&tlEntry{Kind: "SESSION", Typename: "Session", Subject: x.id, Date: start, End: end, Title: title, Summary: deref(in.Summary),
			Platform: x.platform, Countries: entryCountries, Topics: x.topics, Officials: participants, Sources: sources})
	}

	statuses := []model.InitiativeStatus{model.InitiativeStatusEndorsed, model.InitiativeStatusAdopted, model.InitiativeStatusImplemented,
		model.InitiativeStatusStalled, model.InitiativeStatusWithdrawn}
	for i := range 150 {
		title := strings.TrimSpace(fmt.Sprintf("Initiative %d %s", i, words(rng.Intn(2))))
		in := model.InitiativeInput{Slug: fmt.Sprintf("tl-i%d", i), Title: title, Description: optional(70, "Plan for "+words(2))}
		proposed := ""
		if maybe(80) {
			proposed = date()
			in.ProposedOn = tlDate(proposed)
		}
		var proposer []string
		if maybe(70) {
			o := officials[rng.Intn(len(officials))]
			in.ProposedByID, proposer = keyOf(o.id), []string{o.slug}
		}
		entryCountries := []string{}
		if maybe(60) {
			c := pick(countries)
			in.CountryCode = &c
			entryCountries = append(entryCountries, c)
		}
		if maybe(30) {
			lc := pick(countries)
			in.Location = &model.Location{CountryCode: &lc}
			entryCountries = append(entryCountries, lc)
		}
		platform := ""
		if maybe(40) {
			p := platforms[rng.Intn(len(platforms))]
			in.PlatformID, platform = keyOf(p.id), p.slug
		}
		topics := pickTopics(2)
		in.TopicIDs = topicRefs(topics)
		x, err := s.Store.CreateInitiative(ctx, in)
		must(x, err)
		var sources []string
		if i%4 == 0 {
			sources = cite(x.NodeID())
		}
		base := tlEntry{Typename: "Initiative", Subject: x.NodeID(), Platform: platform, Countries: entryCountries, Topics: topics,
			Officials: proposer, Sources: sources}
		if proposed != "" {
			e := base
			e.Kind, e.Date, e.Title, e.Summary = "INITIATIVE_PROPOSED", proposed, title+" proposed", deref(in.Description)
			add(&e)
		}
		used := map[string]bool{}
		for range rng.Intn(3) {
			on := date()
			if used[on] || proposed != "" && tlDate(on).LastKey() < tlDate(proposed).Key() {
				continue // no two changes on a day, none before the proposal
			}
			used[on] = true
			st := statuses[rng.Intn(len(statuses))]
			note := optional(50, "Note on "+words(1))
			must(s.Store.SetInitiativeStatus(ctx, x.ID, st, *tlDate(on), note))
			e := base
			e.Kind, e.Date, e.Summary = "INITIATIVE_STATUS_CHANGED", on, deref(note)
			e.Title = title + ": " + strings.ToLower(strings.ReplaceAll(string(st), "_", " "))
			add(&e)
		}
	}

	for i := range 1200 {
		o := officials[rng.Intn(len(officials))]
		d := date()
		text := fmt.Sprintf("Statement %d on %s", i, words(2))
		in := model.StatementInput{OfficialID: key(o.id), Date: *tlDate(d), Text: text}
		e := &tlEntry{Kind: "STATEMENT", Typename: "Statement", Date: d, Title: o.name + ": " + text, Summary: text,
			Countries: []string{o.country}, Officials: []string{o.slug}}
		if maybe(60) {
			x := sessions[rng.Intn(len(sessions))]
			in.SessionID = keyOf(x.id)
			e.Platform, e.Topics = x.platform, x.topics
			e.Countries = append(e.Countries, x.host)
		}
		st, err := s.Store.CreateStatement(ctx, in)
		must(st, err)
		e.Subject = st.NodeID()
		if i%5 == 0 {
			e.Sources = cite(st.NodeID())
		}
		add(e)
	}

	// Five entries on 2013-01-01, before every other, one per kind of subject, each with
	// every relation, so that the first page of five has the shape of any larger page: the
	// records they link to (a speaker, a proposer, the session of a statement) are not
	// themselves subjects of the page, so no relation of the small page is served from the
	// loaders' cache alone.
	const early = "2013-01-01"
	speaker, err := s.Store.CreateOfficial(ctx, model.OfficialInput{Slug: "tl-early-speaker", Name: "Early Speaker", CountryCode: tlPtr("TJ")})
	must(speaker, err)
	venue, err := s.Store.CreateSession(ctx, model.SessionInput{Slug: "tl-early-venue", Title: "Late venue", Kind: model.SessionKindVisit,
		Start: *tlDate("2024-12-28"), PlatformID: keyOf(platforms[2].id), HostCountryCode: tlPtr("KG"), TopicIDs: topicRefs([]string{"energy"})})
	must(venue, err)
	add(&tlEntry{Kind: "SESSION", Typename: "Session", Subject: venue.NodeID(), Date: "2024-12-28", Title: "Late venue", Platform: platforms[2].slug,
		Countries: []string{"KG"}, Topics: []string{"energy"}})
	ep, err := s.Store.CreatePlatform(ctx, model.PlatformInput{Slug: "tl-early", Name: "Early Format", Kind: model.PlatformKindFormat, Founded: tlDate(early)})
	must(ep, err)
	must(s.Store.AddPlatformMember(ctx, ep.ID, "KZ", nil, nil, nil))
	add(&tlEntry{Kind: "PLATFORM_FOUNDED", Typename: "Platform", Subject: ep.NodeID(), Date: early, Title: "Early Format founded",
		Platform: "tl-early", Countries: []string{"KZ"}, Sources: cite(ep.NodeID())})
	eo, err := s.Store.CreateOfficial(ctx, model.OfficialInput{Slug: "tl-early-official", Name: "Early Official", CountryCode: tlPtr("US")})
	must(eo, err)
	must(s.Store.AddPosition(ctx, eo.ID, "Envoy", nil, tlPtr("AF"), tlDate(early), nil))
	add(&tlEntry{Kind: "POSITION_STARTED", Typename: "Official", Subject: eo.NodeID(), Date: early, Title: "Early Official becomes Envoy",
		Countries: []string{"AF", "US"}, Officials: []string{"tl-early-official"}})
	ex, err := s.Store.CreateSession(ctx, model.SessionInput{Slug: "tl-early-session", Title: "Early session", Kind: model.SessionKindSummit,
		Start: *tlDate(early), PlatformID: &ep.ID, HostCountryCode: tlPtr("KZ"), TopicIDs: topicRefs([]string{"water"})})
	must(ex, err)
	must(s.Store.AddParticipant(ctx, ex.ID, eo.ID, nil, tlPtr("US")))
	add(&tlEntry{Kind: "SESSION", Typename: "Session", Subject: ex.NodeID(), Date: early, Title: "Early session", Platform: "tl-early",
		Countries: []string{"KZ", "US"}, Topics: []string{"water"}, Officials: []string{"tl-early-official"}, Sources: cite(ex.NodeID())})
	ei, err := s.Store.CreateInitiative(ctx, model.InitiativeInput{Slug: "tl-early-initiative", Title: "Early initiative", ProposedOn: tlDate(early),
		ProposedByID: &speaker.ID, PlatformID: &ep.ID, CountryCode: tlPtr("KZ"), TopicIDs: topicRefs([]string{"trade"})})
	must(ei, err)
	add(&tlEntry{Kind: "INITIATIVE_PROPOSED", Typename: "Initiative", Subject: ei.NodeID(), Date: early, Title: "Early initiative proposed",
		Platform: "tl-early", Countries: []string{"KZ"}, Topics: []string{"trade"}, Officials: []string{"tl-early-speaker"}, Sources: cite(ei.NodeID())})
	est, err := s.Store.CreateStatement(ctx, model.StatementInput{OfficialID: speaker.ID, SessionID: &venue.ID, Date: *tlDate(early), Text: "Early words"})
	must(est, err)
	add(&tlEntry{Kind: "STATEMENT", Typename: "Statement", Subject: est.NodeID(), Date: early, Title: "Early Speaker: Early words", Summary: "Early words",
		Platform: platforms[2].slug, Countries: []string{"KG", "TJ"}, Topics: []string{"energy"}, Officials: []string{"tl-early-speaker"}, Sources: cite(est.NodeID())})
	return w
}

// match reads the whole timeline and pairs each entry with the expected one, checking
// every field; afterwards each expected entry knows its API ID.
func (w *tlWorld) match(t *testing.T, s *apitest.Server) {
	t.Helper()
	expected := map[string]*tlEntry{}
	for _, e := range w.entries {
		if expected[e.ident()] != nil {
			t.Fatalf("test bug: two expected entries %s", e.ident())
		}
		expected[e.ident()] = e
	}
	all, total := tlFetch(t, s, tlFilter{}, "ASC")
	if total != len(w.entries) || len(all) != len(w.entries) {
		t.Errorf("timeline: totalCount %d, %d entries, want %d", total, len(all), len(w.entries))
	}
	bad := 0
	for _, a := range all {
		got := a.asEntry()
		want := expected[got.ident()]
		if want == nil {
			t.Errorf("unexpected entry %+v", got)
			bad++
		} else if want.id != "" {
			t.Errorf("entry %s appears twice", got.ident())
			bad++
		} else {
			want.id, want.key = got.id, tlKey(t, got.id)
			if got.Typename != want.Typename || got.End != want.End || got.Summary != want.Summary || got.Platform != want.Platform ||
				!slices.Equal(got.Countries, want.Countries) || !slices.Equal(got.Topics, want.Topics) || !slices.Equal(got.Sources, want.Sources) {
				t.Errorf("entry %s:\n got %+v\nwant %+v", got.ident(), got, want)
				bad++
			}
		}
		if bad > 10 {
			t.Fatal("too many mismatches")
		}
	}
	for _, e := range w.entries {
		if e.id == "" {
			t.Errorf("missing entry %+v", e)
			bad++
		}
	}
	if bad > 0 {
		t.FailNow()
	}
}

// want returns the expected entries of the filter in timeline order.
func (w *tlWorld) want(f tlFilter, order string) []*tlEntry {
	var out []*tlEntry
	for _, e := range w.entries {
		if f.match(e) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *tlEntry) int { return tlCmp(a.Date, a.key, b.Date, b.key) })
	if order == "DESC" {
		slices.Reverse(out)
	}
	return out
}

func tlEntryIDs(es []*tlEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.id
	}
	return out
}

// tlDiff describes how two ID lists differ, for failure messages.
func tlDiff(got, want []string) string {
	g, w := map[string]bool{}, map[string]bool{}
	for _, id := range got {
		g[id] = true
	}
	for _, id := range want {
		w[id] = true
	}
	var extra, missing int
	for id := range g {
		if !w[id] {
			extra++
		}
	}
	for id := range w {
		if !g[id] {
			missing++
		}
	}
	first := -1
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			first = i
			break
		}
	}
	return fmt.Sprintf("got %d, want %d; %d unexpected, %d missing, first difference in order at %d", len(got), len(want), extra, missing, first)
}

func TestTimelineGeneratedDataset(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("slow (30 s): a generated world of 2,000+ entries checked against a model of the timeline; run without -short")
	}
	s := apitest.MustOpenServer(t, true)
	began := time.Now()
	w := tlGenerate(t, s, 20230728)
	t.Logf("generated %d entries in %v", len(w.entries), time.Since(began).Round(time.Millisecond))
	if len(w.entries) < 2000 {
		t.Fatalf("only %d entries generated", len(w.entries))
	}
	w.match(t, s)

	t.Run("Order", func(t *testing.T) {
		asc := w.want(tlFilter{}, "ASC")
		all := tlAll(t, s)
		for i := 1; i < len(all); i++ {
			a, b := all[i-1], all[i]
			if tlCmp(a.Date, tlKey(t, a.ID), b.Date, tlKey(t, b.ID)) >= 0 {
				t.Fatalf("entry %d (%s, %s) comes after (%s, %s): not ordered by date, coarser first, then ID", i, b.Date, b.ID, a.Date, a.ID)
			}
		}
		if got := tlEntryIDs(asc); !slices.Equal(got, tlIDs(t, s, tlFilter{})) {
			t.Fatalf("ASC order: %s", tlDiff(tlIDs(t, s, tlFilter{}), got))
		}
		// The planted tie on one first day: "2023" < "2023-01" < "2023-01-01".
		var seen []string
		for _, e := range all {
			if e.Subject.Slug == "tl-s0" || e.Subject.Slug == "tl-s1" || e.Subject.Slug == "tl-s2" {
				seen = append(seen, e.Date)
			}
		}
		if !slices.Equal(seen, []string{"2023", "2023-01", "2023-01-01"}) {
			t.Errorf("entries dated 2023, 2023-01 and 2023-01-01 come in the order %v", seen)
		}
		// Many ties, so that the tie rule matters.
		dates := map[string]int{}
		for _, e := range w.entries {
			dates[e.Date]++
		}
		if len(dates) > len(w.entries)/5 {
			t.Errorf("%d distinct dates for %d entries: not enough ties", len(dates), len(w.entries))
		}
	})

	t.Run("Filters", func(t *testing.T) {
		all := len(w.entries)
		single := []tlFilter{
			{From: "2019-06-15"}, {From: "2023-07-01"}, {From: "2020"}, {From: "2019-05"},
			{To: "2016-06"}, {To: "2018"}, {To: "2019-01-01"}, {To: "2023-01"},
			{Kinds: []string{"SESSION"}}, {Kinds: []string{"POSITION_STARTED", "POSITION_ENDED"}},
			{Kinds: []string{"PLATFORM_FOUNDED", "INITIATIVE_STATUS_CHANGED", "INITIATIVE_PROPOSED"}},
			{Platforms: []string{"tl-p0"}}, {Platforms: []string{"tl-p1", "tl-p2"}},
			{Countries: []string{"AF"}}, {Countries: []string{"KZ", "US"}},
			{Officials: []string{"tl-o3"}}, {Officials: []string{"tl-o1", "tl-o2", "tl-o40"}},
			{Topics: []string{"water"}}, {Topics: []string{"energy", "trade"}},
			{Text: "water"}, {Text: "WATER energy"}, {Text: "session 1"}, {Text: "becomes"}, {Text: "  railway   DROUGHT "},
		}
		combined := []tlFilter{
			{From: "2018", To: "2019-06"},
			{From: "2021-07-15", To: "2021-07-15"},
			{Kinds: []string{"SESSION", "STATEMENT"}, Countries: []string{"AF", "CN"}},
			{Platforms: []string{"tl-p0", "tl-p3"}, Topics: []string{"water", "health"}, From: "2017-06"},
			{Officials: []string{"tl-o1", "tl-o2", "tl-o3", "tl-o4"}, Kinds: []string{"STATEMENT", "POSITION_STARTED", "SESSION"}, To: "2021-12"},
			{Text: "trade", Countries: []string{"KZ"}, From: "2016", To: "2022-07-15"},
			{From: "2015", To: "2023", Kinds: []string{"SESSION", "STATEMENT", "INITIATIVE_PROPOSED"}, Platforms: []string{"tl-p0", "tl-p1", "tl-p2", "tl-p3"},
				Countries: []string{"KZ", "US", "AF", "DE"}, Topics: []string{"water", "energy", "security"}, Text: "on"},
		}
		got := map[string][]string{}
		check := func(f tlFilter, nonTrivial bool) {
			t.Helper()
			want := tlEntryIDs(w.want(f, "ASC"))
			if nonTrivial && (len(want) == 0 || len(want) == all) {
				t.Fatalf("test bug: filter %s keeps %d of %d entries", f, len(want), all)
			}
			ids := tlIDs(t, s, f)
			if !slices.Equal(ids, want) {
				t.Errorf("filter %s: %s", f, tlDiff(ids, want))
			}
			got[f.String()] = ids
		}
		for _, f := range single {
			check(f, true)
		}
		for _, f := range combined {
			check(f, true)
		}
		check(tlFilter{Platforms: []string{"no-such-platform"}}, false)
		check(tlFilter{Officials: []string{"no-such-official"}}, false)
		check(tlFilter{Topics: []string{"no-such-topic"}}, false)
		check(tlFilter{Countries: []string{"ZW"}}, false)
		check(tlFilter{Text: "no-such-word"}, false)
		check(tlFilter{}, false)

		// Period semantics on the planted entries: "2023" overlaps from 2023-07-01, and so
		// does a session from 2022-12-20 to 2023-08; neither is "to" 2022-12-19's.
		from := tlIDs(t, s, tlFilter{From: "2023-07-01"})
		for _, i := range []int{0, 3} {
			e := w.session(i)
			if !slices.Contains(from, e.id) {
				t.Errorf("from 2023-07-01 does not keep the session dated %s–%s", e.Date, e.End)
			}
		}
		if e := w.session(0); !slices.Contains(tlIDs(t, s, tlFilter{To: "2023-01-01"}), e.id) {
			t.Errorf("to 2023-01-01 does not keep an entry dated 2023")
		}
		if e := w.session(3); slices.Contains(tlIDs(t, s, tlFilter{To: "2022-12-19"}), e.id) {
			t.Errorf("to 2022-12-19 keeps an entry starting 2022-12-20")
		}
		if e := w.session(4); slices.Contains(tlIDs(t, s, tlFilter{From: "2019-06"}), e.id) ||
			!slices.Contains(tlIDs(t, s, tlFilter{From: "2019-05-31", To: "2019-05-31"}), e.id) {
			t.Errorf("an entry dated 2019-05 does not cover exactly May 2019")
		}

		// OR within a list is the union of the single values; AND across fields is the
		// intersection of the fields alone.
		union := func(a, b []string) []string { return tlSet(append(slices.Clone(a), b...)...) }
		inter := func(a, b []string) []string {
			var out []string
			for _, x := range a {
				if slices.Contains(b, x) {
					out = append(out, x)
				}
			}
			return tlSet(out...)
		}
		ids := func(f tlFilter) []string { return tlSet(tlIDs(t, s, f)...) }
		if a, b := union(ids(tlFilter{Countries: []string{"KZ"}}), ids(tlFilter{Countries: []string{"US"}})), tlSet(got[tlFilter{Countries: []string{"KZ", "US"}}.String()]...); !slices.Equal(a, b) {
			t.Errorf("countries [KZ, US] is not the union of [KZ] and [US]: %s", tlDiff(b, a))
		}
		if a, b := union(ids(tlFilter{Topics: []string{"energy"}}), ids(tlFilter{Topics: []string{"trade"}})), tlSet(got[tlFilter{Topics: []string{"energy", "trade"}}.String()]...); !slices.Equal(a, b) {
			t.Errorf("topics [energy, trade] is not the union of each: %s", tlDiff(b, a))
		}
		kinds, afcn := tlFilter{Kinds: []string{"SESSION", "STATEMENT"}}, tlFilter{Countries: []string{"AF", "CN"}}
		if a, b := inter(ids(kinds), ids(afcn)), tlSet(got[tlFilter{Kinds: kinds.Kinds, Countries: afcn.Countries}.String()]...); !slices.Equal(a, b) || len(a) == 0 {
			t.Errorf("kinds AND countries is not the intersection of each: %s", tlDiff(b, a))
		}
		if a, b := inter(ids(tlFilter{From: "2018"}), ids(tlFilter{To: "2019-06"})), tlSet(got[tlFilter{From: "2018", To: "2019-06"}.String()]...); !slices.Equal(a, b) {
			t.Errorf("from AND to is not the intersection of each: %s", tlDiff(b, a))
		}
	})

	t.Run("Pagination", func(t *testing.T) {
		filtered := tlFilter{Kinds: []string{"SESSION", "STATEMENT", "POSITION_STARTED"}, Countries: []string{"KZ", "AF", "US"}, From: "2016-06"}
		for _, f := range []tlFilter{{}, filtered} {
			asc := tlEntryIDs(w.want(f, "ASC"))
			desc := tlEntryIDs(w.want(f, "DESC"))
			if !slices.Equal(desc, tlReversed(asc)) || len(asc) < 300 {
				t.Fatalf("test bug: %d entries for %s", len(asc), f)
			}
			for _, order := range []string{"ASC", "DESC"} {
				want := asc
				if order == "DESC" {
					want = desc
				}
				for _, n := range []int{1, 7, 100} {
					fwd := tlWalk(t, s, f, order, n, false)
					if !slices.Equal(fwd, want) {
						t.Errorf("%s %s forward by %d: %s", f, order, n, tlDiff(fwd, want))
					}
					bwd := tlWalk(t, s, f, order, n, true)
					if !slices.Equal(bwd, want) {
						t.Errorf("%s %s backward by %d: %s", f, order, n, tlDiff(bwd, want))
					}
				}
			}
		}
	})

	t.Run("Buckets", func(t *testing.T) {
		filters := []tlFilter{
			{},
			{Countries: []string{"AF"}},
			{Kinds: []string{"SESSION", "STATEMENT"}},
			{From: "2018-03", To: "2021"},
			{From: "2016", To: "2023-01-15", Kinds: []string{"SESSION", "INITIATIVE_PROPOSED", "POSITION_ENDED"}, Countries: []string{"KZ", "US"}},
			{Platforms: []string{"no-such-platform"}},
		}
		for _, f := range filters {
			total := tlPage(t, s, tlTimelineQuery, map[string]any{"filter": f.vars(), "first": 0}).TotalCount
			if want := len(w.want(f, "ASC")); total != want {
				t.Errorf("filter %s: totalCount %d, want %d", f, total, want)
			}
			for _, g := range []string{"YEAR", "MONTH", "DAY"} {
				got := tlBuckets(t, s, f, g)
				sum := 0
				for i, b := range got {
					sum += b.Count
					byKind := 0
					for _, k := range b.ByKind {
						byKind += k.Count
					}
					if byKind != b.Count {
						t.Errorf("%s %s bucket %s: byKind sums to %d, count %d", f, g, b.Start, byKind, b.Count)
					}
					if len(b.Start) != map[string]int{"YEAR": 4, "MONTH": 7, "DAY": 10}[g] {
						t.Errorf("%s bucket start %q has the wrong precision", g, b.Start)
					}
					if i > 0 && tlFirst(got[i-1].Start) >= tlFirst(b.Start) {
						t.Errorf("%s %s: bucket %s after %s", f, g, b.Start, got[i-1].Start)
					}
				}
				if sum != total {
					t.Errorf("filter %s, %s: buckets sum to %d, totalCount %d", f, g, sum, total)
				}
				if want := w.buckets(f, g); tlBucketString(got) != want {
					t.Errorf("filter %s, %s buckets:\n got %s\nwant %s", f, g, tlBucketString(got), want)
				}
			}
		}
	})

	t.Run("StatementCount", func(t *testing.T) {
		cost := func(n int) (int64, map[string]bool) {
			before := s.Store.Queries()
			var out struct {
				Timeline struct {
					Nodes []struct {
						Subject struct {
							Typename string `json:"__typename"`
						} `json:"subject"`
						Sources []struct{ Title string } `json:"sources"`
					} `json:"nodes"`
				} `json:"timeline"`
			}
			s.Query(t, tlCostQuery, map[string]any{"n": n}, &out)
			spent := s.Store.Queries() - before
			if len(out.Timeline.Nodes) != n {
				t.Fatalf("page of %d returned %d entries", n, len(out.Timeline.Nodes))
			}
			types := map[string]bool{}
			for _, e := range out.Timeline.Nodes {
				types[e.Subject.Typename] = true
				if len(e.Sources) > 0 {
					types["with sources"] = true
				}
			}
			return spent, types
		}
		large, types := cost(100)
		small, smallTypes := cost(5)
		t.Logf("SQL statements: timeline(first: 5) = %d, timeline(first: 100) = %d; pages have %v and %v", small, large, smallTypes, types)
		if len(types) < 6 || len(smallTypes) < 6 {
			t.Fatalf("test bug: both pages should have every kind of subject and some sources, have %v and %v", smallTypes, types)
		}
		if large > small {
			t.Fatalf("timeline(first: 100) ran %d SQL statements, timeline(first: 5) ran %d: some relation is not batched", large, small)
		}
	})
}

// tlCostQuery selects everything an entry links to, with a fragment on every member of
// the subject union.
const tlCostQuery = `query($n: Int!) { timeline(first: $n) { totalCount pageInfo { hasNextPage endCursor } nodes {
	id kind date endDate title summary
	subject { __typename
		... on Platform { id slug name kind founded }
		... on Session { id slug title start platform { slug } hostCountry { code } }
		... on Initiative { id slug title status proposedBy { name } }
		... on Official { id slug name country { code } }
		... on Statement { id text date official { name } session { title } }
	}
	platform { slug name }
	countries { code name }
	topics { slug name }
	sources { title publisher }
} } }`

// session returns the expected entry of the generated session number i ("tl-s<i>").
func (w *tlWorld) session(i int) *tlEntry {
	n := 0
	for _, e := range w.entries {
		if e.Kind == "SESSION" {
			if n == i {
				return e
			}
			n++
		}
	}
	panic("no such session")
}

// buckets computes the expected buckets of a filter, formatted like tlBucketString.
func (w *tlWorld) buckets(f tlFilter, granularity string) string {
	counts := map[string]map[string]int{}
	for _, e := range w.want(f, "ASC") {
		start := tlBucketStart(e.Date, granularity)
		if counts[start] == nil {
			counts[start] = map[string]int{}
		}
		counts[start][e.Kind]++
	}
	var starts []string
	for s := range counts {
		starts = append(starts, s)
	}
	slices.SortFunc(starts, func(a, b string) int { return cmp.Compare(tlFirst(a), tlFirst(b)) })
	var b strings.Builder
	for _, s := range starts {
		total := 0
		for _, n := range counts[s] {
			total += n
		}
		fmt.Fprintf(&b, "%s=%d%s ", s, total, tlKindCounts(counts[s]))
	}
	return b.String()
}

func tlKindCounts(m map[string]int) string {
	var parts []string
	for k, n := range m {
		parts = append(parts, fmt.Sprintf("%s:%d", k, n))
	}
	slices.Sort(parts)
	return "{" + strings.Join(parts, ",") + "}"
}

func tlBucketString(bs []tlBucket) string {
	var b strings.Builder
	for _, x := range bs {
		m := map[string]int{}
		for _, k := range x.ByKind {
			m[k.Kind] += k.Count
		}
		fmt.Fprintf(&b, "%s=%d%s ", x.Start, x.Count, tlKindCounts(m))
	}
	return b.String()
}

func tlReversed(in []string) []string {
	out := slices.Clone(in)
	slices.Reverse(out)
	return out
}

// tlWalk pages through the filtered timeline by n, forward with first/after or backward
// with last/before, checking every page's page info, and returns the IDs in order.
func tlWalk(t *testing.T, s *apitest.Server, f tlFilter, order string, n int, backward bool) []string {
	t.Helper()
	var ids []string
	var cursor any
	dir := "forward"
	if backward {
		dir = "backward"
	}
	for page := 0; ; page++ {
		vars := map[string]any{"filter": f.vars(), "order": order}
		if backward {
			vars["last"], vars["before"] = n, cursor
		} else {
			vars["first"], vars["after"] = n, cursor
		}
		c := tlPage(t, s, tlWalkQuery, vars)
		pi := c.PageInfo
		more, earlier := pi.HasNextPage, pi.HasPreviousPage
		if backward {
			more, earlier = earlier, more
		}
		if earlier != (page > 0) {
			t.Fatalf("%s %s %s by %d, page %d: page info %+v", f, order, dir, n, page, pi)
		}
		if len(c.Edges) > n || (more && len(c.Edges) != n) || (page > 0 && len(c.Edges) == 0) {
			t.Fatalf("%s %s %s by %d, page %d: %d edges, page info %+v", f, order, dir, n, page, len(c.Edges), pi)
		}
		var pageIDs []string
		for _, e := range c.Edges {
			pageIDs = append(pageIDs, e.Node.ID)
		}
		if len(c.Edges) > 0 && (pi.StartCursor == nil || pi.EndCursor == nil ||
			*pi.StartCursor != c.Edges[0].Cursor || *pi.EndCursor != c.Edges[len(c.Edges)-1].Cursor) {
			t.Fatalf("%s %s %s by %d, page %d: page info %+v does not match the edges", f, order, dir, n, page, pi)
		}
		if backward {
			ids = append(pageIDs, ids...)
		} else {
			ids = append(ids, pageIDs...)
		}
		if !more {
			return ids
		}
		if page > 10000 {
			t.Fatalf("%s %s %s by %d: endless pages", f, order, dir, n)
		}
		if backward {
			cursor = *pi.StartCursor
		} else {
			cursor = *pi.EndCursor
		}
	}
}

// ---------------------------------------------------------------------------------------
// Buckets of partial dates, text matching: small, exact cases.

func TestTimelineBucketsOfPartialDates(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	for i, d := range []string{"2023", "2023-01", "2023-01-15", "2023-07", "2023-07-28", "2023-07-28", "2024-02-29"} {
		s.MustCreateSession(t, fmt.Sprintf("tlb-%d", i), d, nil)
	}
	o := s.MustCreateOfficial(t, "tlb-o", nil)
	s.MustCreateStatement(t, o, "2023", nil)
	for g, want := range map[string]string{
		"YEAR":  "2023=7{SESSION:6,STATEMENT:1} 2024=1{SESSION:1} ",
		"MONTH": "2023-01=4{SESSION:3,STATEMENT:1} 2023-07=3{SESSION:3} 2024-02=1{SESSION:1} ",
		"DAY":   "2023-01-01=3{SESSION:2,STATEMENT:1} 2023-01-15=1{SESSION:1} 2023-07-01=1{SESSION:1} 2023-07-28=2{SESSION:2} 2024-02-29=1{SESSION:1} ",
	} {
		if got := tlBucketString(tlBuckets(t, s, tlFilter{}, g)); got != want {
			t.Errorf("%s buckets:\n got %s\nwant %s", g, got, want)
		}
	}
	// The same filter semantics as the timeline: a "2023" entry overlaps from 2023-07.
	if got := tlBucketString(tlBuckets(t, s, tlFilter{From: "2023-07", Kinds: []string{"STATEMENT"}}, "MONTH")); got != "2023-01=1{STATEMENT:1} " {
		t.Errorf("buckets of statements from 2023-07: %s", got)
	}
	if got := tlBuckets(t, s, tlFilter{From: "2030"}, "DAY"); got == nil || len(got) != 0 {
		t.Errorf("buckets of an empty filter: %+v, want []", got)
	}
}

func TestTimelineTextFilter(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	titles := map[string]string{
		"tlt-pct":   "Growth of 100% in trade",
		"tlt-num":   "Growth of 1000 in trade",
		"tlt-under": "Item a_b agreed",
		"tlt-x":     "Item axb agreed",
		"tlt-slash": `Path a\b noted`,
	}
	ids := map[string]string{}
	for slug, title := range titles {
		ids[slug] = s.MustCreateSession(t, slug, "2020-01-01", map[string]any{"title": title})
	}
	s.MustCreateSession(t, "tlt-summary", "2020-01-02", map[string]any{"title": "Plain", "summary": "Only the SUMMARY mentions Railways"})
	subjects := func(text string) []string {
		t.Helper()
		all, _ := tlFetch(t, s, tlFilter{Text: text}, "ASC")
		var out []string
		for _, e := range all {
			out = append(out, e.Subject.Slug)
		}
		slices.Sort(out)
		return out
	}
	for text, want := range map[string][]string{
		"100%":              {"tlt-pct"},
		"100":               {"tlt-num", "tlt-pct"},
		"a_b":               {"tlt-under"},
		`a\b`:               {"tlt-slash"},
		"GROWTH trade":      {"tlt-num", "tlt-pct"},
		"growth agreed":     nil,
		"railway":           {"tlt-summary"},
		"plain summary":     {"tlt-summary"},
		"%":                 {"tlt-pct"},
		"_":                 {"tlt-under"},
		"growth of 100% in": {"tlt-pct"},
	} {
		if got := subjects(text); !slices.Equal(got, want) {
			t.Errorf("text %q: %v, want %v", text, got, want)
		}
	}
}

// TestTimelineTextFilterNonASCII: the filter is documented as case-insensitive; names in
// this field are often Cyrillic or accented.
func TestTimelineTextFilterNonASCII(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	s.MustCreateSession(t, "tlt-astana", "2020-01-01", map[string]any{"title": "Встреча в Астане"})
	s.MustCreateSession(t, "tlt-elysee", "2020-01-01", map[string]any{"title": "Sommet de l'Élysée"})
	for _, text := range []string{"Астане", "астане", "АСТАНЕ", "Élysée", "élysée", "ÉLYSÉE"} {
		if got, _ := tlFetch(t, s, tlFilter{Text: text}, "ASC"); len(got) != 1 {
			t.Errorf("text %q: %d entries, want 1", text, len(got))
		}
	}
}

// ---------------------------------------------------------------------------------------
// 6. Entries follow writes.

// tlMutate runs an authenticated mutation that must succeed.
func tlMutate(tb testing.TB, s *apitest.Server, query string, vars map[string]any) {
	tb.Helper()
	s.Mutate(tb, query, vars, nil)
}

const (
	tlUpdatePlatform  = `mutation($id: ID!, $in: PlatformPatch!) { updatePlatform(id: $id, input: $in) { id } }`
	tlUpdateSession   = `mutation($id: ID!, $in: SessionPatch!) { updateSession(id: $id, input: $in) { id } }`
	tlUpdateOfficial  = `mutation($id: ID!, $in: OfficialPatch!) { updateOfficial(id: $id, input: $in) { id } }`
	tlUpdateInit      = `mutation($id: ID!, $in: InitiativePatch!) { updateInitiative(id: $id, input: $in) { id } }`
	tlUpdateStatement = `mutation($id: ID!, $in: StatementPatch!) { updateStatement(id: $id, input: $in) { id } }`
	tlAddParticipant  = `mutation($s: ID!, $o: ID!, $c: String) { addParticipant(sessionId: $s, officialId: $o, countryCode: $c) { id } }`
	tlRemoveParticip  = `mutation($s: ID!, $o: ID!) { removeParticipant(sessionId: $s, officialId: $o) { id } }`
	tlAddPosition     = `mutation($o: ID!, $t: String!, $org: String, $c: String, $start: Date, $end: Date) {
		addPosition(officialId: $o, title: $t, organization: $org, countryCode: $c, start: $start, end: $end) { id } }`
	tlSetStatus = `mutation($i: ID!, $st: InitiativeStatus!, $on: Date!, $note: String) {
		setInitiativeStatus(initiativeId: $i, status: $st, on: $on, note: $note) { id } }`
	tlAddMember = `mutation($p: ID!, $c: String!) { addPlatformMember(platformId: $p, countryCode: $c) { id } }`
)

func tlDelete(tb testing.TB, s *apitest.Server, typ, id string) {
	tb.Helper()
	tlMutate(tb, s, fmt.Sprintf(`mutation($id: ID!) { delete%s(id: $id) }`, typ), map[string]any{"id": id})
}

func tlPlatformOf(e tlAPIEntry) string {
	if e.Platform == nil {
		return ""
	}
	return e.Platform.Slug
}

func TestTimelineFollowsPlatformWrites(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	p := s.MustCreatePlatform(t, "tlm-p", map[string]any{"name": "Alpha Format", "founded": "2010"})
	e := tlOne(t, s, p, "PLATFORM_FOUNDED")
	if e.Date != "2010" || e.Subject.Typename != "Platform" || tlPlatformOf(e) != "tlm-p" || !strings.Contains(e.Title, "Alpha Format") {
		t.Fatalf("founding entry %+v", e)
	}
	id := e.ID

	tlMutate(t, s, tlUpdatePlatform, map[string]any{"id": p, "in": map[string]any{"founded": "2012-03", "dissolved": "2020", "name": "Beta Format"}})
	e = tlOne(t, s, p, "PLATFORM_FOUNDED")
	if e.ID != id || e.Date != "2012-03" || e.EndDate == nil || *e.EndDate != "2020" ||
		!strings.Contains(e.Title, "Beta Format") || strings.Contains(e.Title, "Alpha") {
		t.Fatalf("after moving the founding: %+v, want the same entry %s on 2012-03 to 2020 titled by the new name", e, id)
	}
	if got := tlIDs(t, s, tlFilter{From: "2019-06", To: "2019-06"}); !slices.Equal(got, []string{id}) {
		t.Errorf("a platform existing 2012-03 to 2020 is not found in 2019-06: %v", got)
	}
	tlMutate(t, s, tlAddMember, map[string]any{"p": p, "c": "UZ"})
	if e = tlOne(t, s, p, "PLATFORM_FOUNDED"); !slices.Equal(e.countries(), []string{"UZ"}) || e.ID != id {
		t.Errorf("after adding a member: countries %v", e.countries())
	}
	tlMutate(t, s, tlUpdatePlatform, map[string]any{"id": p, "in": map[string]any{"founded": nil, "dissolved": nil}})
	if got := tlOf(tlAll(t, s), p); len(got) != 0 {
		t.Fatalf("a platform with no founding date still has entries: %+v", got)
	}
	tlMutate(t, s, tlUpdatePlatform, map[string]any{"id": p, "in": map[string]any{"founded": "2011"}})
	if e = tlOne(t, s, p, "PLATFORM_FOUNDED"); e.Date != "2011" {
		t.Fatalf("founding set again: %+v", e)
	}
	// A platform created without a founding date has no entry until it gets one.
	q := s.MustCreatePlatform(t, "tlm-q", nil)
	if got := tlOf(tlAll(t, s), q); len(got) != 0 {
		t.Fatalf("platform without a founding date has entries %+v", got)
	}

	// Its sessions, the statements made at them and its initiatives carry it until it goes.
	x := s.MustCreateSession(t, "tlm-s", "2015-06-01", map[string]any{"platformId": p})
	o := s.MustCreateOfficial(t, "tlm-o", nil)
	st := s.MustCreateStatement(t, o, "2015-06-01", map[string]any{"sessionId": x})
	in := s.MustCreateInitiative(t, "tlm-i", map[string]any{"platformId": p, "proposedOn": "2016"})
	for _, sub := range []string{x, st, in} {
		for _, e := range tlOf(tlAll(t, s), sub) {
			if tlPlatformOf(e) != "tlm-p" {
				t.Errorf("%s entry of a record on tlm-p has platform %q", e.Kind, tlPlatformOf(e))
			}
		}
	}
	if n := len(tlIDs(t, s, tlFilter{Platforms: []string{"tlm-p"}})); n != 4 {
		t.Errorf("platforms [tlm-p]: %d entries, want the founding, the session, the statement and the proposal", n)
	}
	tlDelete(t, s, "Platform", p)
	all := tlAll(t, s)
	if got := tlOf(all, p); len(got) != 0 {
		t.Errorf("deleted platform still has entries %+v", got)
	}
	for _, sub := range []string{x, st, in} {
		es := tlOf(all, sub)
		if len(es) != 1 || es[0].Platform != nil {
			t.Errorf("entries of %s after deleting its platform: %+v, want one with no platform", sub, es)
		}
	}
	if n := len(tlIDs(t, s, tlFilter{Platforms: []string{"tlm-p"}})); n != 0 {
		t.Errorf("platforms [tlm-p] after delete: %d entries", n)
	}
}

func TestTimelineFollowsSessionWrites(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	q := s.MustCreatePlatform(t, "tlm-q", nil)
	r := s.MustCreatePlatform(t, "tlm-r", nil)
	topic := s.MustCreateTopic(t, "tlm-topic", nil)
	x := s.MustCreateSession(t, "tlm-s", "2020-05-05", map[string]any{"platformId": q, "hostCountryCode": "KZ",
		"subjectCountryCodes": []string{"AF"}, "topicIds": []string{topic}, "location": map[string]any{"city": "Tashkent", "countryCode": "UZ"}})
	e := tlOne(t, s, x, "SESSION")
	if e.Date != "2020-05-05" || e.Title != "Session tlm-s" || e.Subject.Typename != "Session" || tlPlatformOf(e) != "tlm-q" ||
		!slices.Equal(e.countries(), []string{"AF", "KZ", "UZ"}) || !slices.Equal(e.topics(), []string{"tlm-topic"}) {
		t.Fatalf("session entry %+v", e)
	}
	id := e.ID

	tlMutate(t, s, tlUpdateSession, map[string]any{"id": x, "in": map[string]any{"start": "2021", "end": "2021-03", "title": "Renamed session", "platformId": r}})
	e = tlOne(t, s, x, "SESSION")
	if e.ID != id || e.Date != "2021" || e.EndDate == nil || *e.EndDate != "2021-03" || e.Title != "Renamed session" || tlPlatformOf(e) != "tlm-r" {
		t.Fatalf("after update: %+v, want the same entry %s", e, id)
	}
	if got := tlIDs(t, s, tlFilter{Text: "renamed"}); !slices.Equal(got, []string{id}) {
		t.Errorf("text filter does not find the new title: %v", got)
	}
	if got := tlIDs(t, s, tlFilter{Platforms: []string{"tlm-q"}}); len(got) != 0 {
		t.Errorf("old platform still finds the session: %v", got)
	}
	tlMutate(t, s, tlUpdateSession, map[string]any{"id": x, "in": map[string]any{"platformId": nil, "subjectCountryCodes": []string{}, "topicIds": []string{}}})
	if e = tlOne(t, s, x, "SESSION"); e.Platform != nil || !slices.Equal(e.countries(), []string{"KZ", "UZ"}) || len(e.Topics) != 0 {
		t.Errorf("after clearing platform, subjects and topics: %+v", e)
	}

	o := s.MustCreateOfficial(t, "tlm-o", map[string]any{"countryCode": "US"})
	tlMutate(t, s, tlAddParticipant, map[string]any{"s": x, "o": o, "c": "US"})
	if e = tlOne(t, s, x, "SESSION"); !slices.Equal(e.countries(), []string{"KZ", "US", "UZ"}) {
		t.Errorf("after addParticipant: countries %v, want the participant's US added", e.countries())
	}
	if got := tlIDs(t, s, tlFilter{Officials: []string{"tlm-o"}}); !slices.Equal(got, []string{id}) {
		t.Errorf("officials [tlm-o] after addParticipant: %v, want the session", got)
	}
	if got := tlIDs(t, s, tlFilter{Countries: []string{"US"}}); !slices.Equal(got, []string{id}) {
		t.Errorf("countries [US] after addParticipant: %v", got)
	}
	tlMutate(t, s, tlRemoveParticip, map[string]any{"s": x, "o": o})
	if e = tlOne(t, s, x, "SESSION"); !slices.Equal(e.countries(), []string{"KZ", "UZ"}) || e.ID != id {
		t.Errorf("after removeParticipant: countries %v", e.countries())
	}
	if got := tlIDs(t, s, tlFilter{Officials: []string{"tlm-o"}}); len(got) != 0 {
		t.Errorf("officials [tlm-o] after removeParticipant: %v", got)
	}

	// Statements at a session take its platform, host and topics; deleting the session
	// keeps them, detached.
	y := s.MustCreateSession(t, "tlm-y", "2022-02-02", map[string]any{"platformId": q, "hostCountryCode": "TM", "topicIds": []string{topic}})
	speaker := s.MustCreateOfficial(t, "tlm-speaker", map[string]any{"countryCode": "TJ"})
	st := s.MustCreateStatement(t, speaker, "2022-02-02", map[string]any{"sessionId": y})
	se := tlOne(t, s, st, "STATEMENT")
	if tlPlatformOf(se) != "tlm-q" || !slices.Equal(se.countries(), []string{"TJ", "TM"}) || !slices.Equal(se.topics(), []string{"tlm-topic"}) {
		t.Errorf("statement at a session: %+v", se)
	}
	tlMutate(t, s, tlUpdateSession, map[string]any{"id": y, "in": map[string]any{"platformId": r, "hostCountryCode": "KG"}})
	if se = tlOne(t, s, st, "STATEMENT"); tlPlatformOf(se) != "tlm-r" || !slices.Equal(se.countries(), []string{"KG", "TJ"}) {
		t.Errorf("statement after its session moved platform and host: %+v", se)
	}
	tlDelete(t, s, "Session", y)
	after := tlOne(t, s, st, "STATEMENT")
	if after.ID != se.ID || after.Platform != nil || len(after.Topics) != 0 || !slices.Equal(after.countries(), []string{"TJ"}) {
		t.Errorf("statement entry after its session was deleted: %+v, want the same entry %s with no platform, topics or host", after, se.ID)
	}
	if got := tlOf(tlAll(t, s), y); len(got) != 0 {
		t.Errorf("deleted session still has entries %+v", got)
	}
	tlDelete(t, s, "Session", x)
	if got := tlIDs(t, s, tlFilter{Kinds: []string{"SESSION"}}); len(got) != 0 {
		t.Errorf("session entries after deleting every session: %v", got)
	}
}

func TestTimelineFollowsOfficialWrites(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	o := s.MustCreateOfficial(t, "tlm-o", map[string]any{"name": "Ann Envoy", "countryCode": "US"})
	tlMutate(t, s, tlAddPosition, map[string]any{"o": o, "t": "Envoy", "org": "State", "c": "AF", "start": "2019-02", "end": "2022"})
	started, ended := tlOne(t, s, o, "POSITION_STARTED"), tlOne(t, s, o, "POSITION_ENDED")
	if started.Date != "2019-02" || started.EndDate == nil || *started.EndDate != "2022" || ended.Date != "2022" ||
		started.Subject.Typename != "Official" || !strings.Contains(started.Title, "Ann Envoy") || !strings.Contains(ended.Title, "Envoy, State") {
		t.Fatalf("position entries %+v %+v", started, ended)
	}
	if !slices.Equal(started.countries(), []string{"AF", "US"}) {
		t.Errorf("position entry countries %v, want the post's and the official's", started.countries())
	}
	if got := tlSet(tlIDs(t, s, tlFilter{Officials: []string{"tlm-o"}})...); !slices.Equal(got, tlSet(started.ID, ended.ID)) {
		t.Errorf("officials [tlm-o]: %v", got)
	}
	// A position with only a start, and one with neither date.
	tlMutate(t, s, tlAddPosition, map[string]any{"o": o, "t": "Adviser", "start": "2023-05"})
	tlMutate(t, s, tlAddPosition, map[string]any{"o": o, "t": "Member"})
	if got := tlOf(tlAll(t, s), o); len(got) != 3 {
		t.Errorf("entries of an official with three posts, two dated: %+v", got)
	}

	x := s.MustCreateSession(t, "tlm-s", "2020-01-01", map[string]any{"hostCountryCode": "KZ"})
	tlMutate(t, s, tlAddParticipant, map[string]any{"s": x, "o": o, "c": "US"})
	other := s.MustCreateOfficial(t, "tlm-other", map[string]any{"name": "Bob Speaker"})
	st := s.MustCreateStatement(t, other, "2020-01-01", map[string]any{"text": "Water matters"})

	tlMutate(t, s, tlUpdateOfficial, map[string]any{"id": o, "in": map[string]any{"name": "Ann Ambassador"}})
	for _, e := range tlOf(tlAll(t, s), o) {
		if !strings.Contains(e.Title, "Ann Ambassador") || strings.Contains(e.Title, "Ann Envoy") {
			t.Errorf("%s entry after renaming its official: %q", e.Kind, e.Title)
		}
	}
	var ids []string
	for _, e := range tlOf(tlAll(t, s), o) {
		ids = append(ids, e.ID)
	}
	if !slices.Contains(ids, started.ID) || !slices.Contains(ids, ended.ID) || len(ids) != 3 {
		t.Errorf("renaming an official changed the IDs of its entries: %v, had %s and %s", ids, started.ID, ended.ID)
	}
	before := tlOne(t, s, st, "STATEMENT")
	tlMutate(t, s, tlUpdateOfficial, map[string]any{"id": other, "in": map[string]any{"name": "Robert Speaker", "countryCode": "DE"}})
	e := tlOne(t, s, st, "STATEMENT")
	if e.ID != before.ID || !strings.Contains(e.Title, "Robert Speaker") || strings.Contains(e.Title, "Bob") || !slices.Equal(e.countries(), []string{"DE"}) {
		t.Errorf("statement entry after its speaker's rename: %+v", e)
	}

	// Deleting the official takes their posts and their country off the session.
	tlDelete(t, s, "Official", o)
	all := tlAll(t, s)
	if got := tlOf(all, o); len(got) != 0 {
		t.Errorf("deleted official still has entries %+v", got)
	}
	if e := tlOne(t, s, x, "SESSION"); !slices.Equal(e.countries(), []string{"KZ"}) {
		t.Errorf("session after its participant was deleted: countries %v, want only the host", e.countries())
	}
	if got := tlIDs(t, s, tlFilter{Officials: []string{"tlm-o"}}); len(got) != 0 {
		t.Errorf("officials [tlm-o] after delete: %v", got)
	}
	if got := tlIDs(t, s, tlFilter{Kinds: []string{"POSITION_STARTED", "POSITION_ENDED"}}); len(got) != 0 {
		t.Errorf("position entries after the only official with posts was deleted: %v", got)
	}
}

func TestTimelineFollowsInitiativeWrites(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	o := s.MustCreateOfficial(t, "tlm-o", nil)
	topic := s.MustCreateTopic(t, "tlm-water", nil)
	i := s.MustCreateInitiative(t, "tlm-i", map[string]any{"title": "Water pact", "description": "Sharing rivers", "proposedOn": "2018-09-09",
		"proposedById": o, "countryCode": "KZ", "location": map[string]any{"countryCode": "KG"}, "topicIds": []string{topic}})
	got := tlOf(tlAll(t, s), i)
	if len(got) != 1 {
		t.Fatalf("entries of a new initiative: %+v, want only its proposal", got)
	}
	p := got[0]
	if p.Kind != "INITIATIVE_PROPOSED" || p.Date != "2018-09-09" || p.Subject.Typename != "Initiative" || !strings.Contains(p.Title, "Water pact") ||
		p.Summary == nil || *p.Summary != "Sharing rivers" || !slices.Equal(p.countries(), []string{"KG", "KZ"}) || !slices.Equal(p.topics(), []string{"tlm-water"}) {
		t.Fatalf("proposal entry %+v", p)
	}
	if ids := tlIDs(t, s, tlFilter{Officials: []string{"tlm-o"}}); !slices.Equal(ids, []string{p.ID}) {
		t.Errorf("officials [tlm-o] (the proposer): %v", ids)
	}

	tlMutate(t, s, tlSetStatus, map[string]any{"i": i, "st": "ADOPTED", "on": "2019", "note": "Adopted at the summit"})
	c := tlOne(t, s, i, "INITIATIVE_STATUS_CHANGED")
	if c.Date != "2019" || c.Summary == nil || *c.Summary != "Adopted at the summit" || !strings.Contains(strings.ToLower(c.Title), "adopted") ||
		c.Subject.Typename != "Initiative" || !slices.Equal(c.topics(), []string{"tlm-water"}) {
		t.Errorf("status change entry %+v", c)
	}
	tlMutate(t, s, tlUpdateInit, map[string]any{"id": i, "in": map[string]any{"title": "River pact", "proposedById": nil}})
	for _, e := range tlOf(tlAll(t, s), i) {
		if !strings.Contains(e.Title, "River pact") {
			t.Errorf("%s entry after renaming the initiative: %q", e.Kind, e.Title)
		}
	}
	if ids := tlIDs(t, s, tlFilter{Officials: []string{"tlm-o"}}); len(ids) != 0 {
		t.Errorf("officials [tlm-o] after clearing the proposer: %v", ids)
	}
	if e := tlOne(t, s, i, "INITIATIVE_PROPOSED"); e.ID != p.ID {
		t.Errorf("updating an initiative changed its entry's ID")
	}

	// Without a proposal date there is no proposal entry; a status change still has one.
	j := s.MustCreateInitiative(t, "tlm-j", nil)
	if got := tlOf(tlAll(t, s), j); len(got) != 0 {
		t.Errorf("undated initiative has entries %+v", got)
	}
	tlMutate(t, s, tlSetStatus, map[string]any{"i": j, "st": "STALLED", "on": "2021-06"})
	if e := tlOne(t, s, j, "INITIATIVE_STATUS_CHANGED"); e.Date != "2021-06" {
		t.Errorf("status change of an undated initiative: %+v", e)
	}
	// Its first change to PROPOSED stands for the proposal; a later one is a status change.
	tlMutate(t, s, tlSetStatus, map[string]any{"i": j, "st": "PROPOSED", "on": "2022-03", "note": "Put forward again"})
	tlMutate(t, s, tlSetStatus, map[string]any{"i": j, "st": "PROPOSED", "on": "2020"})
	kinds := map[string]string{}
	for _, e := range tlOf(tlAll(t, s), j) {
		kinds[e.Date] = e.Kind
		if e.Kind == "INITIATIVE_PROPOSED" && !strings.HasSuffix(e.Title, " proposed") {
			t.Errorf("proposal entry of an undated initiative titled %q", e.Title)
		}
	}
	if want := map[string]string{"2020": "INITIATIVE_PROPOSED", "2021-06": "INITIATIVE_STATUS_CHANGED", "2022-03": "INITIATIVE_STATUS_CHANGED"}; !maps.Equal(kinds, want) {
		t.Errorf("entries of an undated initiative by date: %v, want %v", kinds, want)
	}

	tlDelete(t, s, "Initiative", i)
	if got := tlOf(tlAll(t, s), i); len(got) != 0 {
		t.Errorf("deleted initiative still has entries %+v", got)
	}
}

// TestTimelineInitiativeProposalMoves: moving an initiative's proposal date moves its
// proposal; the timeline must not go on saying it was also proposed on the old date.
func TestTimelineInitiativeProposalMoves(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	i := s.MustCreateInitiative(t, "tlm-i", map[string]any{"proposedOn": "2018-09-09"})
	p := tlOne(t, s, i, "INITIATIVE_PROPOSED")
	tlMutate(t, s, tlUpdateInit, map[string]any{"id": i, "in": map[string]any{"proposedOn": "2018-10"}})
	got := tlOf(tlAll(t, s), i)
	if len(got) != 1 || got[0].ID != p.ID || got[0].Date != "2018-10" {
		var desc []string
		for _, e := range got {
			desc = append(desc, fmt.Sprintf("%s %s %q", e.Kind, e.Date, e.Title))
		}
		t.Errorf("after moving proposedOn from 2018-09-09 to 2018-10: %v, want only the proposal entry %s, moved", desc, p.ID)
	}
}

func TestTimelineFollowsStatementWrites(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	q := s.MustCreatePlatform(t, "tlm-q", nil)
	topic := s.MustCreateTopic(t, "tlm-topic", nil)
	x := s.MustCreateSession(t, "tlm-s", "2021-04-04", map[string]any{"platformId": q, "hostCountryCode": "KZ", "topicIds": []string{topic}})
	o := s.MustCreateOfficial(t, "tlm-o", map[string]any{"name": "Dana Diplomat", "countryCode": "TJ"})
	st := s.MustCreateStatement(t, o, "2021-04-04", map[string]any{"sessionId": x, "text": "We support water talks"})
	e := tlOne(t, s, st, "STATEMENT")
	if e.Date != "2021-04-04" || e.Subject.Typename != "Statement" || !strings.Contains(e.Title, "Dana Diplomat") ||
		!strings.Contains(e.Title, "We support water talks") || e.Summary == nil || *e.Summary != "We support water talks" ||
		tlPlatformOf(e) != "tlm-q" || !slices.Equal(e.countries(), []string{"KZ", "TJ"}) || !slices.Equal(e.topics(), []string{"tlm-topic"}) {
		t.Fatalf("statement entry %+v", e)
	}
	id := e.ID
	if ids := tlIDs(t, s, tlFilter{Officials: []string{"tlm-o"}, Kinds: []string{"STATEMENT"}}); !slices.Equal(ids, []string{id}) {
		t.Errorf("officials [tlm-o] statements: %v", ids)
	}
	tlMutate(t, s, tlUpdateStatement, map[string]any{"id": st, "in": map[string]any{"date": "2021-05", "text": "We doubt it"}})
	e = tlOne(t, s, st, "STATEMENT")
	if e.ID != id || e.Date != "2021-05" || e.Summary == nil || *e.Summary != "We doubt it" || strings.Contains(e.Title, "water") {
		t.Errorf("after update: %+v, want the same entry %s", e, id)
	}
	if ids := tlIDs(t, s, tlFilter{Text: "water"}); len(ids) != 0 {
		t.Errorf("text filter finds the old text: %v", ids)
	}
	tlMutate(t, s, tlUpdateStatement, map[string]any{"id": st, "in": map[string]any{"sessionId": nil}})
	if e = tlOne(t, s, st, "STATEMENT"); e.Platform != nil || len(e.Topics) != 0 || !slices.Equal(e.countries(), []string{"TJ"}) {
		t.Errorf("statement detached from its session: %+v", e)
	}
	tlDelete(t, s, "Statement", st)
	if got := tlOf(tlAll(t, s), st); len(got) != 0 {
		t.Errorf("deleted statement still has entries %+v", got)
	}
}

// TestTimelineFailedWritesLeaveItUnchanged: a refused write changes no entry.
func TestTimelineFailedWritesLeaveItUnchanged(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	p := s.MustCreatePlatform(t, "tlm-p", map[string]any{"founded": "2010"})
	x := s.MustCreateSession(t, "tlm-s", "2020-01-01", map[string]any{"platformId": p, "hostCountryCode": "KZ"})
	o := s.MustCreateOfficial(t, "tlm-o", map[string]any{"countryCode": "US"})
	tlMutate(t, s, tlAddParticipant, map[string]any{"s": x, "o": o, "c": "US"})
	tlMutate(t, s, tlAddPosition, map[string]any{"o": o, "t": "Envoy", "start": "2019", "end": "2021"})
	i := s.MustCreateInitiative(t, "tlm-i", map[string]any{"proposedOn": "2020-02", "proposedById": o})
	st := s.MustCreateStatement(t, o, "2020-01-01", map[string]any{"sessionId": x})

	snapshot := func() string {
		var raw json.RawMessage
		s.Query(t, `{ timeline(first: 100) { totalCount edges { cursor node { `+tlEntrySelection+` } } }
			y: timelineBuckets(granularity: DAY) { start count byKind { kind count } } }`, nil, &raw)
		return string(raw)
	}
	before := snapshot()
	missingSession := model.IntID(model.TypeSession, 999999)
	for _, c := range []struct {
		name, code, query string
		vars              map[string]any
	}{
		{"session with an unknown country", "NOT_FOUND", `mutation($in: SessionInput!) { createSession(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"slug": "tlm-new", "title": "New", "kind": "OTHER", "start": "2020", "hostCountryCode": "ZZ"}}},
		{"session with a taken slug", "CONFLICT", `mutation($in: SessionInput!) { createSession(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"slug": "tlm-s", "title": "New", "kind": "OTHER", "start": "2020"}}},
		{"session ending before it starts", "BAD_USER_INPUT", tlUpdateSession, map[string]any{"id": x, "in": map[string]any{"start": "2024-05-05", "end": "1999"}}},
		{"platform dissolved before founded", "BAD_USER_INPUT", tlUpdatePlatform, map[string]any{"id": p, "in": map[string]any{"founded": "2015", "dissolved": "1990"}}},
		{"position ending before it starts", "BAD_USER_INPUT", tlAddPosition, map[string]any{"o": o, "t": "Later", "start": "2020", "end": "2019"}},
		{"official with statements", "CONFLICT", `mutation($id: ID!) { deleteOfficial(id: $id) }`, map[string]any{"id": o}},
		{"participant with an unknown country", "NOT_FOUND", tlAddParticipant, map[string]any{"s": x, "o": o, "c": "ZZ"}},
		{"statement at a missing session", "NOT_FOUND", tlUpdateStatement, map[string]any{"id": st, "in": map[string]any{"sessionId": missingSession, "date": "1990"}}},
		{"status with an overlong note", "BAD_USER_INPUT", tlSetStatus, map[string]any{"i": i, "st": "ADOPTED", "on": "2021", "note": strings.Repeat("x", 6000)}},
		{"initiative with an empty title", "BAD_USER_INPUT", tlUpdateInit, map[string]any{"id": i, "in": map[string]any{"title": "", "proposedOn": "1990"}}},
		{"delete a missing session", "NOT_FOUND", `mutation($id: ID!) { deleteSession(id: $id) }`, map[string]any{"id": missingSession}},
		{"unauthenticated delete", "UNAUTHENTICATED", "", map[string]any{"id": x}},
	} {
		token := apitest.Token
		query := c.query
		if c.code == "UNAUTHENTICATED" {
			token, query = "", `mutation($id: ID!) { deleteSession(id: $id) }`
		}
		if code := tlCode(t, s, token, query, c.vars); code != c.code {
			t.Errorf("%s: code %s, want %s", c.name, code, c.code)
		}
		if after := snapshot(); after != before {
			t.Fatalf("%s: the refused write changed the timeline:\nbefore %s\n after %s", c.name, before, after)
		}
	}
}

// ---------------------------------------------------------------------------------------
// 8. Bad input.

func TestTimelineBadInput(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	page := tlPage(t, s, tlWalkQuery, map[string]any{"first": 2})
	if len(page.Edges) != 2 {
		t.Fatalf("first page: %+v", page)
	}
	cursor := page.Edges[1].Cursor
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	const q = `query($f: TimelineFilter, $first: Int, $last: Int, $after: String, $before: String) {
		timeline(filter: $f, first: $first, last: $last, after: $after, before: $before) { totalCount edges { node { id } } } }`
	for name, c := range map[string]struct {
		vars map[string]any
		code string
	}{
		"first 101":                   {map[string]any{"first": 101}, "BAD_USER_INPUT"},
		"last 101":                    {map[string]any{"last": 101}, "BAD_USER_INPUT"},
		"first -1":                    {map[string]any{"first": -1}, "BAD_USER_INPUT"},
		"first and last":              {map[string]any{"first": 1, "last": 1}, "BAD_USER_INPUT"},
		"garbage after":               {map[string]any{"after": "garbage!"}, "BAD_USER_INPUT"},
		"garbage before":              {map[string]any{"before": "%%%"}, "BAD_USER_INPUT"},
		"empty after":                 {map[string]any{"after": ""}, "BAD_USER_INPUT"},
		"truncated cursor":            {map[string]any{"after": cursor[:len(cursor)/2]}, "BAD_USER_INPUT"},
		"cursor of one value":         {map[string]any{"after": b64("[20230728]")}, "BAD_USER_INPUT"},
		"cursor of strings":           {map[string]any{"after": b64(`["x","y"]`)}, "BAD_USER_INPUT"},
		"cursor of a float":           {map[string]any{"before": b64(`[2023.5,1]`)}, "BAD_USER_INPUT"},
		"cursor of objects":           {map[string]any{"after": b64(`{"a":1}`)}, "BAD_USER_INPUT"},
		"overlong cursor":             {map[string]any{"after": strings.Repeat("A", 5000)}, "BAD_USER_INPUT"},
		"country of three letters":    {map[string]any{"f": map[string]any{"countries": []string{"KAZ"}}}, "BAD_USER_INPUT"},
		"country of digits":           {map[string]any{"f": map[string]any{"countries": []string{"12"}}}, "BAD_USER_INPUT"},
		"empty country":               {map[string]any{"f": map[string]any{"countries": []string{""}}}, "BAD_USER_INPUT"},
		"UK, which is GB":             {map[string]any{"f": map[string]any{"countries": []string{"KZ", "UK"}}}, "BAD_USER_INPUT"},
		"month 13":                    {map[string]any{"f": map[string]any{"from": "2023-13"}}, "BAD_USER_INPUT"},
		"february 30":                 {map[string]any{"f": map[string]any{"to": "2023-02-30"}}, "BAD_USER_INPUT"},
		"two-digit year":              {map[string]any{"f": map[string]any{"from": "23"}}, "BAD_USER_INPUT"},
		"date with a time":            {map[string]any{"f": map[string]any{"to": "2023-07-28T10:00:00Z"}}, "BAD_USER_INPUT"},
		"date as a number":            {map[string]any{"f": map[string]any{"from": 2023}}, "BAD_USER_INPUT"},
		"nine words":                  {map[string]any{"f": map[string]any{"text": "a b c d e f g h i"}}, "BAD_USER_INPUT"},
		"unknown kind":                {map[string]any{"f": map[string]any{"kinds": []string{"WAR"}}}, "GRAPHQL_VALIDATION_FAILED"},
		"unknown filter field":        {map[string]any{"f": map[string]any{"where": "x"}}, "GRAPHQL_VALIDATION_FAILED"},
		"too many platforms":          {map[string]any{"f": map[string]any{"platforms": make([]string, 101)}}, "BAD_USER_INPUT"},
		"first 100 is fine, after ok": {map[string]any{"first": 100, "after": cursor}, ""},
	} {
		if c.code == "" {
			if r := s.Do(t, "", q, c.vars); len(r.Errors) != 0 {
				t.Errorf("%s: %+v", name, r.Errors)
			}
			continue
		}
		if code := tlCode(t, s, "", q, c.vars); code != c.code {
			t.Errorf("%s: code %s, want %s", name, code, c.code)
		}
	}

	// Literal dates and granularities in the query text.
	for name, c := range map[string]struct{ query, code string }{
		"literal month 13":        {`{ timeline(filter: {from: "2023-13"}) { totalCount } }`, "BAD_USER_INPUT"},
		"literal february 30":     {`{ timelineBuckets(filter: {to: "2023-02-30"}, granularity: DAY) { count } }`, "BAD_USER_INPUT"},
		"literal date number":     {`{ timeline(filter: {from: 2023}) { totalCount } }`, "BAD_USER_INPUT"},
		"literal granularity":     {`{ timelineBuckets(granularity: WEEK) { count } }`, "GRAPHQL_VALIDATION_FAILED"},
		"missing granularity":     {`{ timelineBuckets { count } }`, "GRAPHQL_VALIDATION_FAILED"},
		"literal order":           {`{ timeline(order: UP) { totalCount } }`, "GRAPHQL_VALIDATION_FAILED"},
		"literal first 101":       {`{ timeline(first: 101) { totalCount } }`, "BAD_USER_INPUT"},
		"buckets of a bad filter": {`{ timelineBuckets(filter: {countries: ["KAZ"]}, granularity: YEAR) { count } }`, "BAD_USER_INPUT"},
		"buckets of nine words":   {`{ timelineBuckets(filter: {text: "a b c d e f g h i"}, granularity: YEAR) { count } }`, "BAD_USER_INPUT"},
	} {
		if code := tlCode(t, s, "", c.query, nil); code != c.code {
			t.Errorf("%s: code %s, want %s", name, code, c.code)
		}
	}
	for name, c := range map[string]struct {
		vars map[string]any
		code string
	}{
		"granularity WEEK":   {map[string]any{"g": "WEEK"}, "GRAPHQL_VALIDATION_FAILED"},
		"granularity null":   {map[string]any{"g": nil}, "GRAPHQL_VALIDATION_FAILED"},
		"granularity lower":  {map[string]any{"g": "year"}, "BAD_USER_INPUT"},
		"bucket month 13":    {map[string]any{"g": "YEAR", "filter": map[string]any{"from": "2023-13"}}, "BAD_USER_INPUT"},
		"bucket bad country": {map[string]any{"g": "DAY", "filter": map[string]any{"countries": []string{"K1"}}}, "BAD_USER_INPUT"},
	} {
		if code := tlCode(t, s, "", tlBucketsQuery, c.vars); code != c.code {
			t.Errorf("%s: code %s, want %s", name, code, c.code)
		}
	}
}
