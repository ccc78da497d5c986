package graph_test

import (
	"bytes"
	"diplomacy-timeline/httpapi/apitest"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// srQuery searches and selects everything a test looks at: the page, its scores and, for
// each node, its type, ID and a key to recognise it by.
const srQuery = `query($q: String!, $first: Int, $after: String) {
  search(query: $q, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      score
      node {
        __typename
        ... on Platform { id slug }
        ... on Session { id slug }
        ... on Official { id slug }
        ... on Initiative { id slug }
        ... on Statement { id official { slug } }
        ... on Source { id title }
      }
    }
    nodes { __typename }
  }
}`

type srNode struct {
	Typename string `json:"__typename"`
	ID       string `json:"id"`
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	Official *struct {
		Slug string `json:"slug"`
	} `json:"official"`
}

type srEdge struct {
	Cursor string  `json:"cursor"`
	Score  float64 `json:"score"`
	Node   srNode  `json:"node"`
}

type srConn struct {
	TotalCount int `json:"totalCount"`
	PageInfo   struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
	Edges []srEdge `json:"edges"`
	Nodes []struct {
		Typename string `json:"__typename"`
	} `json:"nodes"`
}

// srDo runs a search with the variables and returns the raw response.
func srDo(tb testing.TB, s *apitest.Server, vars map[string]any) *apitest.Response {
	tb.Helper()
	return s.Do(tb, "", srQuery, vars)
}

// srSearch runs a search for q (first 100 results unless vars say otherwise), failing on
// any error, and checks the invariants every page keeps: nodes mirror edges, scores do
// not increase down the page, and the page cursors are those of its edges.
func srSearch(tb testing.TB, s *apitest.Server, q string, vars map[string]any) srConn {
	tb.Helper()
	v := map[string]any{"q": q, "first": 100}
	for k, x := range vars {
		v[k] = x
	}
	r := srDo(tb, s, v)
	if r.Status != http.StatusOK {
		tb.Fatalf("search %q: HTTP %d", srShort(q), r.Status)
	}
	var out struct{ Search srConn }
	s.MustData(tb, r, &out)
	c := out.Search
	srCheckPage(tb, q, c)
	return c
}

func srCheckPage(tb testing.TB, q string, c srConn) {
	tb.Helper()
	if len(c.Nodes) != len(c.Edges) {
		tb.Fatalf("search %q: %d nodes but %d edges", srShort(q), len(c.Nodes), len(c.Edges))
	}
	for i, e := range c.Edges {
		if c.Nodes[i].Typename != e.Node.Typename {
			tb.Fatalf("search %q: node %d is a %s, edge %d a %s", srShort(q), i, c.Nodes[i].Typename, i, e.Node.Typename)
		}
		if e.Node.ID == "" || e.Cursor == "" {
			tb.Fatalf("search %q: edge %d has no ID or cursor: %+v", srShort(q), i, e)
		}
		if i > 0 && e.Score > c.Edges[i-1].Score {
			tb.Fatalf("search %q: score %v at %d is above %v at %d", srShort(q), e.Score, i, c.Edges[i-1].Score, i-1)
		}
	}
	if n := len(c.Edges); n > 0 {
		if c.PageInfo.StartCursor == nil || *c.PageInfo.StartCursor != c.Edges[0].Cursor ||
			c.PageInfo.EndCursor == nil || *c.PageInfo.EndCursor != c.Edges[n-1].Cursor {
			tb.Fatalf("search %q: pageInfo cursors %v/%v do not match the edges", srShort(q), c.PageInfo.StartCursor, c.PageInfo.EndCursor)
		}
	}
}

// srShort shortens a query for messages.
func srShort(q string) string {
	if len(q) > 40 {
		return fmt.Sprintf("%.40s…(%d bytes)", q, len(q))
	}
	return q
}

// srKey names a hit: its type and ID.
func srKey(e srEdge) string { return e.Node.Typename + " " + e.Node.ID }

func srKeys(c srConn) []string {
	out := make([]string, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = srKey(e)
	}
	return out
}

// srFind returns the first hit of the type for which match holds.
func srFind(c srConn, typ string, match func(srNode) bool) *srEdge {
	for i, e := range c.Edges {
		if e.Node.Typename == typ && match(e.Node) {
			return &c.Edges[i]
		}
	}
	return nil
}

func srSlug(slug string) func(srNode) bool { return func(n srNode) bool { return n.Slug == slug } }

func srID(id string) func(srNode) bool { return func(n srNode) bool { return n.ID == id } }

// srWantOnly fails unless the search finds exactly the one record typ/id.
func srWantOnly(tb testing.TB, s *apitest.Server, q, typ, id string) {
	tb.Helper()
	c := srSearch(tb, s, q, nil)
	if len(c.Edges) != 1 || c.TotalCount != 1 || c.Edges[0].Node.Typename != typ || c.Edges[0].Node.ID != id {
		tb.Fatalf("search %q: got %v (totalCount %d), want only %s %s", q, srKeys(c), c.TotalCount, typ, id)
	}
}

// srWantNone fails unless the search finds nothing.
func srWantNone(tb testing.TB, s *apitest.Server, q string) {
	tb.Helper()
	c := srSearch(tb, s, q, nil)
	if len(c.Edges) != 0 || c.TotalCount != 0 || c.PageInfo.HasNextPage {
		tb.Fatalf("search %q: got %v (totalCount %d, hasNextPage %v), want nothing", q, srKeys(c), c.TotalCount, c.PageInfo.HasNextPage)
	}
}

// srWantCode fails unless the response has exactly one error, with the code.
func srWantCode(tb testing.TB, r *apitest.Response, code string) {
	tb.Helper()
	if got := r.Code(tb); got != code {
		tb.Fatalf("got error code %q, want %q: %+v", got, code, r.Errors)
	}
}

func TestSearchDefaultDataset(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)

	for _, tc := range []struct {
		query string
		typ   string
		match func(srNode) bool
		what  string
	}{
		{"Alma", "Initiative", srSlug("un-regional-centre-sustainable-development-almaty"), "the initiative, by prefix"},
		{"Almaty", "Initiative", srSlug("un-regional-centre-sustainable-development-almaty"), "the initiative"},
		{"Tokayev", "Official", srSlug("kassym-jomart-tokayev"), "the official"},
		{"Kassym-Jomart", "Official", srSlug("kassym-jomart-tokayev"), "the official, by hyphenated name"},
		{"Kazinform", "Source", func(n srNode) bool { return strings.Contains(n.Title, "Thomas West attends") }, "the source"},
		{"humanitarian crisis", "Statement", func(n srNode) bool { return n.Official != nil && n.Official.Slug == "kairat-umarov" }, "Umarov's statement"},
		{"Astana", "Session", srSlug("c5-plus-1-special-session-on-afghanistan-2023"), "the special session"},
		{"Astana", "Session", srSlug("west-umarov-meeting-2023"), "the bilateral meeting"},
		{"C5", "Platform", srSlug("c5-plus-1"), "the platform"},
		{"Thomas West", "Official", srSlug("thomas-west"), "the official"},
	} {
		t.Run(tc.query+"/"+tc.what, func(t *testing.T) {
			c := srSearch(t, s, tc.query, nil)
			if srFind(c, tc.typ, tc.match) == nil {
				t.Fatalf("search %q: %s not found among %v", tc.query, tc.what, srKeys(c))
			}
			if c.TotalCount != len(c.Edges) {
				t.Fatalf("search %q: totalCount %d, %d edges on a page of 100", tc.query, c.TotalCount, len(c.Edges))
			}
		})
	}

	t.Run("case-insensitive", func(t *testing.T) {
		for _, group := range [][]string{
			{"alma", "Alma", "ALMA", "aLmA"},
			{"tokayev", "TOKAYEV", "ToKaYeV"},
			{"humanitarian crisis", "HUMANITARIAN CRISIS", "Humanitarian Crisis"},
			{"astana", "ASTANA"},
		} {
			want := srKeys(srSearch(t, s, group[0], nil))
			if len(want) == 0 {
				t.Fatalf("search %q found nothing", group[0])
			}
			for _, q := range group[1:] {
				if got := srKeys(srSearch(t, s, q, nil)); strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("search %q: got %v, want %v as for %q", q, got, want, group[0])
				}
			}
		}
	})

	t.Run("every word must match", func(t *testing.T) {
		c := srSearch(t, s, "Tokayev Almaty", nil)
		if srFind(c, "Initiative", srSlug("un-regional-centre-sustainable-development-almaty")) == nil {
			t.Fatalf("search Tokayev Almaty: initiative not found among %v", srKeys(c))
		}
		if srFind(c, "Official", srSlug("kassym-jomart-tokayev")) != nil {
			t.Fatalf("search Tokayev Almaty: the official's document does not mention Almaty, yet it matched: %v", srKeys(c))
		}
	})

	t.Run("nowhere", func(t *testing.T) {
		srWantNone(t, s, "Quxbarzzle")
		srWantNone(t, s, "Tokayev Quxbarzzle")
	})
}

// srFields is a record of each searchable field, with a made-up word in that field only.
type srFields struct {
	hits []struct{ word, typ, id, field string }
}

func (f *srFields) add(word, typ, id, field string) {
	f.hits = append(f.hits, struct{ word, typ, id, field string }{word, typ, id, field})
}

func TestSearchEverySearchableField(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	var f srFields

	p := s.MustCreatePlatform(t, "srplat", map[string]any{"name": "Quorvandel", "fullName": "Trenchamire Accord",
		"description": "A forum of the blistavore countries that meets now and then."})
	f.add("Quorvandel", "Platform", p, "platform name")
	f.add("Trenchamire", "Platform", p, "platform full name")
	f.add("blistavore", "Platform", p, "platform description")

	x := s.MustCreateSession(t, "srsession", "2024-03-05", map[string]any{"title": "Vexmoralt Summit",
		"summary": "Delegates discussed glimmerquast at length."})
	f.add("Vexmoralt", "Session", x, "session title")
	f.add("glimmerquast", "Session", x, "session summary")

	o := s.MustCreateOfficial(t, "srofficial", map[string]any{"name": "Ostrafel Pemberwick", "otherNames": []string{"Zandrovich", "Ö. Kulbrathe"}})
	f.add("Ostrafel", "Official", o, "official name")
	f.add("Pemberwick", "Official", o, "official name, second word")
	f.add("Zandrovich", "Official", o, "official other name")
	f.add("Kulbrathe", "Official", o, "official second other name")

	i := s.MustCreateInitiative(t, "srinitiative", map[string]any{"title": "Plomquibble Plan",
		"description": "A plan to foster frandelwisp across the region."})
	f.add("Plomquibble", "Initiative", i, "initiative title")
	f.add("frandelwisp", "Initiative", i, "initiative description")

	speaker := s.MustCreateOfficial(t, "srspeaker", map[string]any{"name": "Plain Speaker"})
	st := s.MustCreateStatement(t, speaker, "2024-03-05", map[string]any{"text": "We welcome the snorrigax agreement."})
	f.add("snorrigax", "Statement", st, "statement text")

	src := s.MustCreateSource(t, "A Report", map[string]any{"excerpt": "The wombledrax were seen in the capital."})
	f.add("wombledrax", "Source", src, "source excerpt")

	// An excerpt of a citation is an excerpt of the source too.
	cited := s.MustCreateSource(t, "Another Report", nil)
	s.Mutate(t, `mutation($s: ID!, $src: ID!) { citeSource(subjectId: $s, sourceId: $src, excerpt: "crumblewhirl was noted") { id } }`,
		map[string]any{"s": x, "src": cited}, nil)
	f.add("crumblewhirl", "Source", cited, "citation excerpt")

	for _, h := range f.hits {
		t.Run(h.field, func(t *testing.T) {
			srWantOnly(t, s, h.word, h.typ, h.id)
			srWantOnly(t, s, strings.ToUpper(h.word[:6]), h.typ, h.id) // a prefix, in another case
		})
	}
}

func TestSearchRanking(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	filler := strings.Repeat("The delegations exchanged views on regional connectivity, water management, trade corridors and the climate. ", 6)

	exact := s.MustCreateSession(t, "zephyrine", "2024-01-10", map[string]any{"title": "Zephyrine"})
	var mentions []string
	for n := range 4 {
		mentions = append(mentions, s.MustCreateSession(t, fmt.Sprintf("srrank-%d", n), "2024-02-0"+fmt.Sprint(n+1), map[string]any{
			"title":   fmt.Sprintf("Working Meeting %d", n),
			"summary": filler + "A delegate from zephyrine also spoke. " + filler,
		}))
	}
	speaker := s.MustCreateOfficial(t, "srrank-speaker", map[string]any{"name": "Rank Speaker"})
	for n := range 4 {
		mentions = append(mentions, s.MustCreateStatement(t, speaker, fmt.Sprintf("2024-03-0%d", n+1), map[string]any{
			"text": filler + fmt.Sprintf("In passing: zephyrine, point %d. ", n) + filler,
		}))
	}

	for _, q := range []string{"Zephyrine", "zephyrine", "zephyr"} {
		c := srSearch(t, s, q, nil)
		if c.TotalCount != 1+len(mentions) || len(c.Edges) != 1+len(mentions) {
			t.Fatalf("search %q: %d results (totalCount %d), want %d: %v", q, len(c.Edges), c.TotalCount, 1+len(mentions), srKeys(c))
		}
		if top := c.Edges[0]; top.Node.Typename != "Session" || top.Node.ID != exact {
			t.Fatalf("search %q: first result %s (score %v), want the session titled Zephyrine; all: %v", q, srKey(top), top.Score, srKeys(c))
		}
		if c.Edges[0].Score <= c.Edges[1].Score {
			t.Fatalf("search %q: the exact title scores %v, not above the passing mention's %v", q, c.Edges[0].Score, c.Edges[1].Score)
		}
		for _, e := range c.Edges {
			if e.Score <= 0 {
				t.Fatalf("search %q: %s scores %v, want a positive relevance", q, srKey(e), e.Score)
			}
		}
		t.Logf("search %q scores: %v", q, func() []float64 {
			var out []float64
			for _, e := range c.Edges {
				out = append(out, e.Score)
			}
			return out
		}())
	}

	// A title that is the query also beats a title that merely contains it among many words.
	long := s.MustCreateSession(t, "srrank-long", "2024-04-01", map[string]any{
		"title": "Regional Working Group on Water, Energy, Trade and Zephyrine Matters of Mutual Interest"})
	c := srSearch(t, s, "zephyrine", nil)
	if c.Edges[0].Node.ID != exact {
		t.Fatalf("search zephyrine: first %s, want the exact title %s", srKey(c.Edges[0]), exact)
	}
	if c.Edges[1].Node.ID != long {
		t.Fatalf("search zephyrine: second %s, want the long title %s above passing mentions in text; all: %v", srKey(c.Edges[1]), long, srKeys(c))
	}
}

func TestSearchFollowsWrites(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	speaker := s.MustCreateOfficial(t, "srwrite-speaker", map[string]any{"name": "Write Speaker"})
	for _, tc := range []struct {
		typ, field string
		create     func(word string) string
	}{
		{"Platform", "name", func(w string) string {
			return s.MustCreatePlatform(t, "srwrite-p", map[string]any{"name": w + " Forum"})
		}},
		{"Session", "title", func(w string) string {
			return s.MustCreateSession(t, "srwrite-s", "2024-05-01", map[string]any{"title": w + " Gathering"})
		}},
		{"Official", "name", func(w string) string {
			return s.MustCreateOfficial(t, "srwrite-o", map[string]any{"name": w + " Person"})
		}},
		{"Initiative", "title", func(w string) string {
			return s.MustCreateInitiative(t, "srwrite-i", map[string]any{"title": w + " Initiative"})
		}},
		{"Statement", "text", func(w string) string {
			return s.MustCreateStatement(t, speaker, "2024-05-01", map[string]any{"text": "We stand for " + w + " today."})
		}},
		{"Source", "excerpt", func(w string) string {
			return s.MustCreateSource(t, "Write Source", map[string]any{"excerpt": w + " happened."})
		}},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			oldWord, newWord := "Gravelnook"+tc.typ, "Thistlebay"+tc.typ
			id := tc.create(oldWord)
			srWantOnly(t, s, oldWord, tc.typ, id)
			srWantNone(t, s, newWord)

			value := newWord + " Renamed"
			if tc.typ == "Statement" || tc.typ == "Source" {
				value = "Now about " + newWord + " instead."
			}
			s.Mutate(t, fmt.Sprintf(`mutation($id: ID!, $v: String) { update%s(id: $id, input: {%s: $v}) { id } }`, tc.typ, tc.field),
				map[string]any{"id": id, "v": value}, nil)
			srWantNone(t, s, oldWord)
			srWantOnly(t, s, newWord, tc.typ, id)

			s.Mutate(t, fmt.Sprintf(`mutation($id: ID!) { delete%s(id: $id) }`, tc.typ), map[string]any{"id": id}, nil)
			srWantNone(t, s, newWord)
			srWantNone(t, s, oldWord)
		})
	}

	t.Run("other names", func(t *testing.T) {
		id := s.MustCreateOfficial(t, "srwrite-alias", map[string]any{"name": "Alias Holder", "otherNames": []string{"Brimblecomb"}})
		srWantOnly(t, s, "Brimblecomb", "Official", id)
		s.Mutate(t, `mutation($id: ID!) { updateOfficial(id: $id, input: {otherNames: ["Quillifer"]}) { id } }`, map[string]any{"id": id}, nil)
		srWantNone(t, s, "Brimblecomb")
		srWantOnly(t, s, "Quillifer", "Official", id)
	})
}

func TestSearchPagination(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	var want []string
	for n := range 9 {
		want = append(want, "Session "+s.MustCreateSession(t, fmt.Sprintf("srpage-s%d", n), "2024-06-01", map[string]any{
			"title": fmt.Sprintf("Pagewalk %s", strings.Repeat("talk ", n))}))
	}
	for n := range 8 {
		want = append(want, "Platform "+s.MustCreatePlatform(t, fmt.Sprintf("srpage-p%d", n), map[string]any{
			"name": "Forum", "description": fmt.Sprintf("Pagewalk %s", strings.Repeat("pagewalk ", n%3))}))
	}
	for n := range 6 {
		want = append(want, "Initiative "+s.MustCreateInitiative(t, fmt.Sprintf("srpage-i%d", n), map[string]any{
			"title": "Plan", "description": "pagewalks " + strings.Repeat("and more ", n)}))
	}
	total := len(want)
	all := srSearch(t, s, "pagewalk", nil)
	if all.TotalCount != total || len(all.Edges) != total || all.PageInfo.HasNextPage || all.PageInfo.HasPreviousPage {
		t.Fatalf("one page of 100: %d edges, totalCount %d, pageInfo %+v; want %d and no other page", len(all.Edges), all.TotalCount, all.PageInfo, total)
	}
	order := srKeys(all)
	if strings.Join(srSorted(order), ",") != strings.Join(srSorted(want), ",") {
		t.Fatalf("results %v, want %v", order, want)
	}

	for _, size := range []int{1, 7, 100} {
		t.Run(fmt.Sprintf("first %d", size), func(t *testing.T) {
			var got []string
			var after any
			lastScore := 1e308
			for page := 0; ; page++ {
				if page > total+1 {
					t.Fatal("pagination does not end")
				}
				c := srSearch(t, s, "pagewalk", map[string]any{"first": size, "after": after})
				if c.TotalCount != total {
					t.Fatalf("page %d: totalCount %d, want %d", page, c.TotalCount, total)
				}
				if c.PageInfo.HasPreviousPage != (page > 0) {
					t.Fatalf("page %d: hasPreviousPage %v", page, c.PageInfo.HasPreviousPage)
				}
				if len(c.Edges) > size {
					t.Fatalf("page %d: %d edges, asked for %d", page, len(c.Edges), size)
				}
				for _, e := range c.Edges {
					if e.Score > lastScore {
						t.Fatalf("page %d: score %v after %v: ranking not kept across pages", page, e.Score, lastScore)
					}
					lastScore = e.Score
				}
				got = append(got, srKeys(c)...)
				if !c.PageInfo.HasNextPage {
					break
				}
				if len(c.Edges) == 0 {
					t.Fatalf("page %d: empty, yet hasNextPage", page)
				}
				after = *c.PageInfo.EndCursor
			}
			if strings.Join(got, ",") != strings.Join(order, ",") {
				t.Fatalf("walked %v, want %v in the order of one big page", got, order)
			}
		})
	}

	t.Run("default size", func(t *testing.T) {
		c := srSearch(t, s, "pagewalk", map[string]any{"first": nil})
		if len(c.Edges) != 20 || !c.PageInfo.HasNextPage {
			t.Fatalf("no first: %d edges, hasNextPage %v; want the default 20 and more", len(c.Edges), c.PageInfo.HasNextPage)
		}
	})

	t.Run("first 0", func(t *testing.T) {
		c := srSearch(t, s, "pagewalk", map[string]any{"first": 0})
		if len(c.Edges) != 0 || c.TotalCount != total || !c.PageInfo.HasNextPage {
			t.Fatalf("first 0: %d edges, totalCount %d, pageInfo %+v", len(c.Edges), c.TotalCount, c.PageInfo)
		}
	})

	t.Run("past the end", func(t *testing.T) {
		c := srSearch(t, s, "pagewalk", map[string]any{"first": 5, "after": all.Edges[total-1].Cursor})
		if len(c.Edges) != 0 || c.PageInfo.HasNextPage || !c.PageInfo.HasPreviousPage {
			t.Fatalf("after the last: %d edges, pageInfo %+v", len(c.Edges), c.PageInfo)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		timelineCursor := func() string {
			var out struct {
				Timeline struct{ PageInfo struct{ EndCursor string } }
			}
			s.Query(t, `{ timeline(first: 1) { pageInfo { endCursor } } }`, nil, &out)
			return out.Timeline.PageInfo.EndCursor
		}()
		for name, vars := range map[string]map[string]any{
			"first 101":               {"first": 101},
			"first 1000":              {"first": 1000},
			"first -1":                {"first": -1},
			"garbage after":           {"after": "garbage!!"},
			"after not base64":        {"after": "%%%"},
			"after of no offset":      {"after": srOffset("offset:")},
			"after negative offset":   {"after": srOffset("offset:-5")},
			"after not a number":      {"after": srOffset("offset:five")},
			"after beyond the limit":  {"after": srOffset("offset:99999999")},
			"after of another kind":   {"after": srOffset("cursor:5")},
			"after of the timeline":   {"after": timelineCursor},
			"empty after":             {"after": ""},
			"after with a bad first ": {"first": 101, "after": all.Edges[3].Cursor},
		} {
			t.Run(name, func(t *testing.T) {
				v := map[string]any{"q": "pagewalk", "first": 10}
				for k, x := range vars {
					v[k] = x
				}
				r := srDo(t, s, v)
				srWantCode(t, r, "BAD_USER_INPUT")
			})
		}
	})

	// Search pages forward only: the field has no last or before, so the schema refuses
	// them before any resolver runs.
	t.Run("backward", func(t *testing.T) {
		for name, args := range map[string]string{
			"last":             "last: 5",
			"before":           `before: "` + all.Edges[3].Cursor + `"`,
			"last and before":  `last: 2, before: "` + all.Edges[3].Cursor + `"`,
			"first and last":   "first: 5, last: 5",
			"first and before": `first: 5, before: "` + all.Edges[3].Cursor + `"`,
		} {
			t.Run(name, func(t *testing.T) {
				r := s.Do(t, "", `{ search(query: "pagewalk", `+args+`) { totalCount } }`, nil)
				if len(r.Errors) == 0 {
					t.Fatalf("search with %s answered %s", args, r.Data)
				}
				for _, code := range r.Codes() {
					if code != "GRAPHQL_VALIDATION_FAILED" && code != "BAD_USER_INPUT" {
						t.Fatalf("search with %s: code %q, want a refusal of the argument: %+v", args, code, r.Errors)
					}
				}
			})
		}
	})
}

func srSorted(in []string) []string { return slices.Sorted(slices.Values(in)) }

// srOffset is a search cursor as the store encodes it, for forging bad ones.
func srOffset(raw string) string { return base64.RawURLEncoding.EncodeToString([]byte(raw)) }

// srHostile are strings a search box may receive; each must be read as plain words.
func srHostile() []struct {
	name, q  string
	findAlma bool // the string holds the word "alma" and nothing else that could match
} {
	rng := rand.New(rand.NewPCG(3, 14))
	const alphabet = `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "'*^-+:()[]{}<>/\|!?.,;%_~#$&=@` + "\t\n"
	var random strings.Builder
	for random.Len() < 10240 {
		random.WriteByte(alphabet[rng.IntN(len(alphabet))])
	}
	var words strings.Builder
	for n := range 2000 {
		fmt.Fprintf(&words, "w%d ", n)
	}
	return []struct {
		name, q  string
		findAlma bool
	}{
		{"quote", `"`, false},
		{"two quotes", `""`, false},
		{"star", `*`, false},
		{"two stars", `**`, false},
		{"open phrase with star", `"alma*`, true},
		{"phrase", `"alma"`, true},
		{"NEAR(", `NEAR(`, false},
		{"NEAR between words", `alma NEAR astana`, false},
		{"NEAR/3", `NEAR/3`, false},
		{"NEAR/3 between words", `alma NEAR/3 almaty`, false},
		{"AND", `AND`, false},
		{"OR", `OR`, false},
		{"NOT", `NOT`, false},
		{"alma OR", `alma OR`, false},
		{"NOT alma", `NOT alma`, false},
		{"minus", `-alma`, true},
		{"caret", `^alma`, true},
		{"plus", `+alma`, true},
		{"column filter", `title:alma`, false},
		{"body column filter", `body:alma`, false},
		{"docid column", `docid:1`, false},
		{"table name column", `search_index:alma`, false},
		{"SQL injection", `'; DROP TABLE sessions; --`, false},
		{"SQL injection 2", `') OR 1=1 --`, false},
		{"SQL injection 3", `) OR 1=1 --`, false},
		{"SQL injection 4", `alma' UNION SELECT docid, 1 FROM search_index --`, false},
		{"unbalanced open", `((((`, false},
		{"unbalanced close", `))`, false},
		{"parenthesised", `(alma)`, true},
		{"braces", `{}`, false},
		{"braces with words", `{title body}: alma`, false},
		{"backslash", `\`, false},
		{"percent", `%`, false},
		{"underscore", `_`, false},
		{"LIKE wildcards", `%alma_`, true},
		{"10 kB of random text", random.String(), false},
		{"10 kB of a", strings.Repeat("a", 10240), false},
		{"2000 words", words.String(), false},
		{"one word many times", strings.Repeat("alma ", 500), true},
		{"NUL byte", "alma\u0000", true},
		{"NUL bytes only", "\u0000\u0000\u0000", false},
		{"NUL inside a word", "al\u0000ma", false},
		{"control characters", "\u0001\u0002alma\u001b[0m", false},
		{"replacement character", "alma\uFFFD", true},
		{"emoji", "🇰🇿🤝🇺🇸 😀", false},
		{"emoji and a word", "😀alma😀", true},
		{"RTL Arabic", "مرحبا بالعالم", false},
		{"RTL Hebrew with marks", "\u202Eשלום\u202C alma", false},
		{"zero-width joiner", "al\u200Dma", false},
		{"only whitespace", " \t\n\r  ", false},
		{"empty", "", false},
		{"combining accents", "Álmá", true},
		{"fullwidth", "ａｌｍａ", false},
		{"numbers", "2023 07 28", false},
		{"very long word", strings.Repeat("almaty", 100), false},
	}
}

// srWorld reads what the hostile strings must not change.
func srWorld(tb testing.TB, s *apitest.Server) string {
	tb.Helper()
	var out json.RawMessage
	s.Query(tb, `{ sessions { totalCount } platform(slug: "c5-plus-1") { id name } officials { totalCount }
		initiatives { totalCount } sources { totalCount } timeline { totalCount } }`, nil, &out)
	return string(out)
}

func TestSearchHostileStrings(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	before := srWorld(t, s)
	if !strings.Contains(before, `"totalCount":2`) || !strings.Contains(before, `"name":"C5+1"`) {
		t.Fatalf("default dataset: %s", before)
	}
	almaty := func(c srConn) bool {
		return srFind(c, "Initiative", srSlug("un-regional-centre-sustainable-development-almaty")) != nil
	}

	for _, tc := range srHostile() {
		t.Run(tc.name, func(t *testing.T) {
			for _, first := range []any{nil, 3, 100} {
				r := srDo(t, s, map[string]any{"q": tc.q, "first": first})
				if r.Status != http.StatusOK || len(r.Errors) > 0 {
					t.Fatalf("search %q (first %v): HTTP %d, errors %v %+v", srShort(tc.q), first, r.Status, r.Codes(), r.Errors)
				}
				var out struct{ Search srConn }
				if err := json.Unmarshal(r.Data, &out); err != nil {
					t.Fatal(err)
				}
				srCheckPage(t, tc.q, out.Search)
				if out.Search.TotalCount < len(out.Search.Edges) {
					t.Fatalf("search %q: totalCount %d below %d edges", srShort(tc.q), out.Search.TotalCount, len(out.Search.Edges))
				}
				if tc.findAlma && first != 3 && !almaty(out.Search) {
					t.Fatalf("search %q: the word alma in it should find the Almaty initiative; got %v", srShort(tc.q), srKeys(out.Search))
				}
			}
		})
	}

	t.Run("invalid UTF-8", func(t *testing.T) {
		for _, q := range [][]byte{
			[]byte("alma\xff"),
			[]byte("\xff\xfe\xfd"),
			[]byte("al\xc3ma"),         // a truncated two-byte sequence
			[]byte("\xed\xa0\x80alma"), // an encoded surrogate
			[]byte("\xc0\x80"),         // an overlong NUL
		} {
			// encoding/json would replace the bytes, so the body is written by hand.
			var body bytes.Buffer
			body.WriteString(`{"query":`)
			qb, _ := json.Marshal(`query($q: String!) { search(query: $q) { totalCount edges { node { __typename } } } }`)
			body.Write(qb)
			body.WriteString(`,"variables":{"q":"`)
			body.Write(q)
			body.WriteString(`"}}`)
			status, r := srPostRaw(t, s, body.Bytes())
			if status != http.StatusOK || len(r.Errors) > 0 {
				t.Fatalf("search %q: HTTP %d, errors %+v", q, status, r.Errors)
			}
		}
		// In the document itself rather than a variable, the parser may refuse it, but
		// never as an internal error.
		status, r := srPostRaw(t, s, []byte(`{"query":"{ search(query: \"alma`+"\xff"+`\") { totalCount } }"}`))
		if status >= 500 || (len(r.Errors) > 0 && srHas(r.Codes(), "INTERNAL")) {
			t.Fatalf("literal invalid UTF-8: HTTP %d, errors %+v", status, r.Errors)
		}
	})

	t.Run("database unchanged", func(t *testing.T) {
		if after := srWorld(t, s); after != before {
			t.Fatalf("after hostile searches:\n%s\nbefore:\n%s", after, before)
		}
		if !almaty(srSearch(t, s, "Alma", nil)) {
			t.Fatal("the search index no longer finds Almaty")
		}
	})
}

// srPostRaw posts a body as it is and decodes the response.
func srPostRaw(tb testing.TB, s *apitest.Server, body []byte) (int, *apitest.Response) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	out := &apitest.Response{Status: res.StatusCode}
	if err := json.Unmarshal(raw, out); err != nil {
		tb.Fatalf("decode response %q: %v", raw, err)
	}
	return res.StatusCode, out
}

func srHas(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestSearchHostileTimelineText sends the same strings as the timeline's text filter: a
// page and buckets answer, or refuse with BAD_USER_INPUT (too many words, too long, NUL),
// never with an internal error, and nothing changes.
func TestSearchHostileTimelineText(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	before := srWorld(t, s)
	const q = `query($t: String) {
		timeline(filter: {text: $t}, first: 5) { totalCount nodes { id title } }
		buckets: timelineBuckets(filter: {text: $t}, granularity: DAY) { start count }
	}`
	ok, refused := 0, 0
	for _, tc := range srHostile() {
		t.Run(tc.name, func(t *testing.T) {
			r := s.Do(t, "", q, map[string]any{"t": tc.q})
			if r.Status != http.StatusOK {
				t.Fatalf("text %q: HTTP %d", srShort(tc.q), r.Status)
			}
			if len(r.Errors) == 0 {
				ok++
				var out struct {
					Timeline struct{ TotalCount int }
					Buckets  []struct{ Count int }
				}
				if err := json.Unmarshal(r.Data, &out); err != nil {
					t.Fatal(err)
				}
				sum := 0
				for _, b := range out.Buckets {
					sum += b.Count
				}
				if sum != out.Timeline.TotalCount {
					t.Fatalf("text %q: buckets sum to %d, totalCount %d", srShort(tc.q), sum, out.Timeline.TotalCount)
				}
				return
			}
			refused++
			for _, code := range r.Codes() {
				if code != "BAD_USER_INPUT" {
					t.Fatalf("text %q: error code %q, want success or BAD_USER_INPUT: %+v", srShort(tc.q), code, r.Errors)
				}
			}
		})
	}
	t.Logf("timeline text filter: %d hostile strings answered, %d refused with BAD_USER_INPUT", ok, refused)

	t.Run("LIKE wildcards are literal", func(t *testing.T) {
		for _, text := range []string{"%", "_", `\`, "%%", "_%_"} {
			var out struct{ Timeline struct{ TotalCount int } }
			s.Query(t, `query($t: String) { timeline(filter: {text: $t}) { totalCount } }`, map[string]any{"t": text}, &out)
			if out.Timeline.TotalCount != 0 {
				t.Errorf("text %q matched %d entries; no title or summary of the dataset contains it", text, out.Timeline.TotalCount)
			}
		}
	})

	if after := srWorld(t, s); after != before {
		t.Fatalf("after hostile filters:\n%s\nbefore:\n%s", after, before)
	}
}

// TestSearchCitationExcerptsFollowDeletes: a source is found by the excerpts of its
// citations; deleting the citing record deletes the citation, so its excerpt must stop
// finding the source, while the source itself stays findable by its title.
func TestSearchCitationExcerptsFollowDeletes(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	speaker := s.MustCreateOfficial(t, "srcite-speaker", map[string]any{"name": "Cite Speaker"})
	for _, tc := range []struct {
		typ    string
		create func() string
	}{
		{"Platform", func() string { return s.MustCreatePlatform(t, "srcite-p", nil) }},
		{"Session", func() string { return s.MustCreateSession(t, "srcite-s", "2024-07-01", nil) }},
		{"Initiative", func() string { return s.MustCreateInitiative(t, "srcite-i", nil) }},
		{"Statement", func() string { return s.MustCreateStatement(t, speaker, "2024-07-01", nil) }},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			word, title := "Marrowquint"+tc.typ, "Ledgerfoy"+tc.typ
			src := s.MustCreateSource(t, title, nil)
			id := tc.create()
			s.Mutate(t, `mutation($s: ID!, $src: ID!, $e: String) { citeSource(subjectId: $s, sourceId: $src, excerpt: $e) { id } }`,
				map[string]any{"s": id, "src": src, "e": "It said " + word + " twice."}, nil)
			srWantOnly(t, s, word, "Source", src)

			s.Mutate(t, fmt.Sprintf(`mutation($id: ID!) { delete%s(id: $id) }`, tc.typ), map[string]any{"id": id}, nil)
			var out struct {
				Gone, Source *struct{ ID string }
			}
			s.Query(t, `query($id: ID!, $src: ID!) { gone: node(id: $id) { id } source: node(id: $src) { id } }`,
				map[string]any{"id": id, "src": src}, &out)
			if out.Gone != nil || out.Source == nil {
				t.Fatalf("after deleting the citing %s: it is %+v and the source %+v; want it gone and the source there", tc.typ, out.Gone, out.Source)
			}
			srWantOnly(t, s, title, "Source", src)
			srWantNone(t, s, word)
		})
	}
}

// TestSearchStatementFollowsItsOfficial: a statement is found by its official's name,
// which follows a rename of the official.
func TestSearchStatementFollowsItsOfficial(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	o := s.MustCreateOfficial(t, "srrename", map[string]any{"name": "Harrowgate Speaker"})
	st := s.MustCreateStatement(t, o, "2024-08-01", map[string]any{"text": "Nothing much."})
	c := srSearch(t, s, "Harrowgate", nil)
	if srFind(c, "Statement", srID(st)) == nil || srFind(c, "Official", srID(o)) == nil {
		t.Fatalf("search Harrowgate: %v, want the official and their statement", srKeys(c))
	}
	s.Mutate(t, `mutation($id: ID!) { updateOfficial(id: $id, input: {name: "Fennimore Speaker"}) { id } }`, map[string]any{"id": o}, nil)
	srWantNone(t, s, "Harrowgate")
	c = srSearch(t, s, "Fennimore", nil)
	if len(c.Edges) != 2 || srFind(c, "Statement", srID(st)) == nil || srFind(c, "Official", srID(o)) == nil {
		t.Fatalf("search Fennimore: %v, want the official and their statement", srKeys(c))
	}
}
