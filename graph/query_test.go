package graph_test

// Read-side tests of the GraphQL API, through the real HTTP handler: lookups, the default
// dataset, global IDs (node/nodes), Relay connections and their pagination, filters, and
// "as of a date" fields.

import (
	"diplomacy-timeline/apierr"
	"diplomacy-timeline/httpapi/apitest"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// ---------------------------------------------------------------------------------------
// Helpers

// queryRaw runs a read that must succeed and returns its data.
func queryRaw(tb testing.TB, s *apitest.Server, query string, vars map[string]any) json.RawMessage {
	tb.Helper()
	var raw json.RawMessage
	s.Query(tb, query, vars, &raw)
	return raw
}

// errorCode runs a read that must fail with exactly one error and returns its
// extensions.code.
func errorCode(tb testing.TB, s *apitest.Server, query string, vars map[string]any) string {
	tb.Helper()
	return s.Do(tb, "", query, vars).Code(tb)
}

// jsonAt walks raw along path: object keys, or indexes into arrays.
func jsonAt(tb testing.TB, raw json.RawMessage, path ...string) json.RawMessage {
	tb.Helper()
	for _, k := range path {
		if i, err := strconv.Atoi(k); err == nil {
			var arr []json.RawMessage
			if err := json.Unmarshal(raw, &arr); err != nil || i >= len(arr) {
				tb.Fatalf("no index %d in %s", i, raw)
			}
			raw = arr[i]
			continue
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			tb.Fatalf("no key %q in %s", k, raw)
		}
		v, ok := obj[k]
		if !ok {
			tb.Fatalf("no key %q in %s", k, raw)
		}
		raw = v
	}
	return raw
}

// decodeAt decodes the value at path in raw into dst.
func decodeAt(tb testing.TB, raw json.RawMessage, dst any, path ...string) {
	tb.Helper()
	v := jsonAt(tb, raw, path...)
	if err := json.Unmarshal(v, dst); err != nil {
		tb.Fatalf("decode %s: %v", v, err)
	}
}

// encodeRawID builds an opaque ID by hand, the way the API encodes them.
func encodeRawID(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// sortedCopy returns the strings sorted, never nil.
func sortedCopy(in []string) []string {
	out := append([]string{}, in...)
	slices.Sort(out)
	return out
}

// reversedCopy returns the strings in reverse order.
func reversedCopy(in []string) []string {
	out := append([]string{}, in...)
	slices.Reverse(out)
	return out
}

// firstDay returns the first day a partial date ("2021", "2021-06", "2021-06-15") covers.
func firstDay(d string) string {
	switch len(d) {
	case 4:
		return d + "-01-01"
	case 7:
		return d + "-01"
	}
	return d
}

// gqlNode is a record as the connection queries select it: its ID and one identifying
// field aliased as key.
type gqlNode struct {
	ID  string `json:"id"`
	Key string `json:"key"`
}

type gqlPageInfo struct {
	HasNextPage     bool    `json:"hasNextPage"`
	HasPreviousPage bool    `json:"hasPreviousPage"`
	StartCursor     *string `json:"startCursor"`
	EndCursor       *string `json:"endCursor"`
}

type gqlConn struct {
	Edges []struct {
		Cursor string  `json:"cursor"`
		Node   gqlNode `json:"node"`
	} `json:"edges"`
	Nodes      []gqlNode   `json:"nodes"`
	PageInfo   gqlPageInfo `json:"pageInfo"`
	TotalCount int         `json:"totalCount"`
}

func (c gqlConn) keys() []string {
	out := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		out[i] = n.Key
	}
	return out
}

func (c gqlConn) cursors() []string {
	out := make([]string, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Cursor
	}
	return out
}

// The page variables every connection query declares and passes on; a variable that is
// not given leaves its argument unset.
const (
	pageVars = "$first: Int, $after: String, $last: Int, $before: String"
	pageArgs = "first: $first, after: $after, last: $last, before: $before"
)

// connSelection selects the whole shape of a connection, with key as each node's key.
func connSelection(key string) string {
	return fmt.Sprintf("{ edges { cursor node { id key: %[1]s } } nodes { id key: %[1]s } "+
		"pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount }", key)
}

// connTarget is a connection reachable by a query taking the page variables.
type connTarget struct {
	name  string
	query string
	path  []string
}

// topConn is a top-level connection; extraVars and extraArgs add arguments such as orderBy.
func topConn(field, key, extraVars, extraArgs string) connTarget {
	return connTarget{
		name:  field,
		query: fmt.Sprintf("query(%s%s) { c: %s(%s%s) %s }", pageVars, extraVars, field, pageArgs, extraArgs, connSelection(key)),
		path:  []string{"c"},
	}
}

// nestedConn is a connection field of a record found by a lookup such as
// `platform(slug: "c5-plus-1")`.
func nestedConn(name, lookup, field, key string) connTarget {
	return connTarget{
		name:  name,
		query: fmt.Sprintf("query(%s) { p: %s { c: %s(%s) %s } }", pageVars, lookup, field, pageArgs, connSelection(key)),
		path:  []string{"p", "c"},
	}
}

// fetch runs the connection query and checks that the page is consistent with itself:
// edges and nodes agree, every cursor is set, and start/end cursors are the edges' ends.
func (c connTarget) fetch(tb testing.TB, s *apitest.Server, vars map[string]any) gqlConn {
	tb.Helper()
	var conn gqlConn
	decodeAt(tb, queryRaw(tb, s, c.query, vars), &conn, c.path...)
	if len(conn.Edges) != len(conn.Nodes) {
		tb.Fatalf("%s %v: %d edges but %d nodes", c.name, vars, len(conn.Edges), len(conn.Nodes))
	}
	for i, e := range conn.Edges {
		if e.Node != conn.Nodes[i] {
			tb.Errorf("%s %v: edge %d node %+v, nodes[%d] %+v", c.name, vars, i, e.Node, i, conn.Nodes[i])
		}
		if e.Cursor == "" || e.Node.ID == "" {
			tb.Errorf("%s %v: edge %d has an empty cursor or id: %+v", c.name, vars, i, e)
		}
	}
	pi := conn.PageInfo
	if n := len(conn.Edges); n == 0 {
		if pi.StartCursor != nil || pi.EndCursor != nil {
			tb.Errorf("%s %v: empty page with cursors %+v", c.name, vars, pi)
		}
	} else if pi.StartCursor == nil || pi.EndCursor == nil || *pi.StartCursor != conn.Edges[0].Cursor || *pi.EndCursor != conn.Edges[n-1].Cursor {
		tb.Errorf("%s %v: pageInfo cursors %+v do not match the edges %v", c.name, vars, pi, conn.cursors())
	}
	return conn
}

// walkForward pages through the connection with first: n and after, checking the page
// info of every page, and returns the keys in order.
func (c connTarget) walkForward(t *testing.T, s *apitest.Server, n, total int, vars map[string]any) []string {
	t.Helper()
	var keys []string
	var after any
	for page := 0; ; page++ {
		v := maps.Clone(vars)
		if v == nil {
			v = map[string]any{}
		}
		v["first"], v["after"] = n, after
		conn := c.fetch(t, s, v)
		pi := conn.PageInfo
		if conn.TotalCount != total {
			t.Fatalf("%s forward by %d, page %d: totalCount %d, want %d", c.name, n, page, conn.TotalCount, total)
		}
		if pi.HasPreviousPage != (page > 0) {
			t.Fatalf("%s forward by %d, page %d: hasPreviousPage %v", c.name, n, page, pi.HasPreviousPage)
		}
		if len(conn.Edges) > n || (pi.HasNextPage && len(conn.Edges) != n) {
			t.Fatalf("%s forward by %d, page %d: %d edges, hasNextPage %v", c.name, n, page, len(conn.Edges), pi.HasNextPage)
		}
		keys = append(keys, conn.keys()...)
		if !pi.HasNextPage {
			return keys
		}
		if page > total {
			t.Fatalf("%s forward by %d: more pages than records", c.name, n)
		}
		after = *pi.EndCursor
	}
}

// walkBackward pages through the connection from its end with last: n and before,
// checking the page info of every page, and returns the keys in order.
func (c connTarget) walkBackward(t *testing.T, s *apitest.Server, n, total int, vars map[string]any) []string {
	t.Helper()
	var keys []string
	var before any
	for page := 0; ; page++ {
		v := maps.Clone(vars)
		if v == nil {
			v = map[string]any{}
		}
		v["last"], v["before"] = n, before
		conn := c.fetch(t, s, v)
		pi := conn.PageInfo
		if conn.TotalCount != total {
			t.Fatalf("%s backward by %d, page %d: totalCount %d, want %d", c.name, n, page, conn.TotalCount, total)
		}
		if pi.HasNextPage != (page > 0) {
			t.Fatalf("%s backward by %d, page %d: hasNextPage %v", c.name, n, page, pi.HasNextPage)
		}
		if len(conn.Edges) > n || (pi.HasPreviousPage && len(conn.Edges) != n) {
			t.Fatalf("%s backward by %d, page %d: %d edges, hasPreviousPage %v", c.name, n, page, len(conn.Edges), pi.HasPreviousPage)
		}
		keys = append(conn.keys(), keys...)
		if !pi.HasPreviousPage {
			return keys
		}
		if page > total {
			t.Fatalf("%s backward by %d: more pages than records", c.name, n)
		}
		before = *pi.StartCursor
	}
}

// defaultDatasetConnections are every top-level connection and the nested ones, each with
// at least one record in the default dataset.
func defaultDatasetConnections() []connTarget {
	return []connTarget{
		topConn("countries", "code", "", ""),
		topConn("platforms", "slug", "", ""),
		topConn("sessions", "slug", "", ""),
		topConn("officials", "slug", "", ""),
		topConn("initiatives", "slug", "", ""),
		topConn("topics", "slug", "", ""),
		topConn("sources", "title", "", ""),
		topConn("statements", "text", "", ""),
		nestedConn("Platform.sessions", `platform(slug: "c5-plus-1")`, "sessions", "slug"),
		nestedConn("Official.sessions", `official(slug: "thomas-west")`, "sessions", "slug"),
		nestedConn("Topic.sessions", `topic(slug: "humanitarian-assistance")`, "sessions", "slug"),
	}
}

// ---------------------------------------------------------------------------------------
// Lookups and the default dataset

func TestLookups(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	for _, tc := range []struct {
		name  string
		field string // lookup field and argument, e.g. `platform(slug: $v)`
		key   string // field identifying the record
		arg   string
		want  string // the key of the record found; "" for null
	}{
		{"country", "country(code: $v)", "code", "KZ", "KZ"},
		{"country lower case", "country(code: $v)", "code", "kz", "KZ"},
		{"country unknown", "country(code: $v)", "code", "ZZ", ""},
		{"platform", "platform(slug: $v)", "slug", "c5-plus-1", "c5-plus-1"},
		{"platform unknown", "platform(slug: $v)", "slug", "no-such-platform", ""},
		{"session", "session(slug: $v)", "slug", "c5-plus-1-special-session-on-afghanistan-2023", "c5-plus-1-special-session-on-afghanistan-2023"},
		{"side session", "session(slug: $v)", "slug", "west-umarov-meeting-2023", "west-umarov-meeting-2023"},
		{"session unknown", "session(slug: $v)", "slug", "no-such-session", ""},
		{"official", "official(slug: $v)", "slug", "thomas-west", "thomas-west"},
		{"official unknown", "official(slug: $v)", "slug", "nobody", ""},
		{"initiative", "initiative(slug: $v)", "slug", "un-regional-centre-sustainable-development-almaty", "un-regional-centre-sustainable-development-almaty"},
		{"initiative unknown", "initiative(slug: $v)", "slug", "no-such-initiative", ""},
		{"topic", "topic(slug: $v)", "slug", "security", "security"},
		{"topic unknown", "topic(slug: $v)", "slug", "no-such-topic", ""},
		{"empty slug", "topic(slug: $v)", "slug", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := fmt.Sprintf("query($v: String!) { r: %s { id key: %s } }", tc.field, tc.key)
			var out struct{ R *gqlNode }
			s.Query(t, q, map[string]any{"v": tc.arg}, &out)
			switch {
			case tc.want == "" && out.R != nil:
				t.Errorf("got %+v, want null", out.R)
			case tc.want != "" && out.R == nil:
				t.Errorf("got null, want %s", tc.want)
			case tc.want != "" && (out.R.Key != tc.want || out.R.ID == ""):
				t.Errorf("got %+v, want key %s", out.R, tc.want)
			}
		})
	}

	t.Run("country name", func(t *testing.T) {
		var out struct{ Country struct{ Name string } }
		s.Query(t, `{ country(code: "KZ") { name } }`, nil, &out)
		if out.Country.Name != "Kazakhstan" {
			t.Errorf("KZ is %q", out.Country.Name)
		}
	})
	t.Run("malformed country code", func(t *testing.T) {
		for _, code := range []string{"KAZ", "K", "1Z"} {
			if got := errorCode(t, s, `query($c: String!) { country(code: $c) { code } }`, map[string]any{"c": code}); got != "BAD_USER_INPUT" {
				t.Errorf("country(code: %q): code %s, want BAD_USER_INPUT", code, got)
			}
		}
	})
}

func TestDefaultDataset(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	const special = "c5-plus-1-special-session-on-afghanistan-2023"

	type code struct{ Code string }
	type slugged struct{ Slug string }
	codesOf := func(cs []code) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.Code
		}
		return sortedCopy(out)
	}
	slugsOf := func(ss []slugged) []string {
		out := make([]string, len(ss))
		for i, x := range ss {
			out[i] = x.Slug
		}
		return sortedCopy(out)
	}
	type participant struct {
		Official slugged
		Country  *code
	}
	participantsOf := func(ps []participant) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			c := "-"
			if p.Country != nil {
				c = p.Country.Code
			}
			out[i] = p.Official.Slug + ":" + c
		}
		return sortedCopy(out)
	}
	type session struct {
		Slug     string
		Kind     string
		Start    string
		End      *string
		Platform *slugged
		Parent   *slugged
		Children []slugged
		Location *struct {
			City    *string
			Venue   *string
			Country *code
		}
		HostCountry      *code
		SubjectCountries []code
		Topics           []slugged
		Participants     []participant
		Sources          []struct{ Publisher *string }
	}
	const sessionFields = `slug kind start end platform { slug } parent { slug } children { slug }
		location { city venue country { code } } hostCountry { code } subjectCountries { code } topics { slug }
		participants { official { slug } country { code } } sources { publisher }`
	citesKazinform := func(t *testing.T, what string, srcs []struct{ Publisher *string }) {
		t.Helper()
		for _, src := range srcs {
			if src.Publisher != nil && *src.Publisher == "Kazinform" {
				return
			}
		}
		t.Errorf("%s does not cite Kazinform: %+v", what, srcs)
	}

	t.Run("platform c5-plus-1", func(t *testing.T) {
		var out struct {
			Platform *struct {
				Name, Kind, Description string
				Founded                 *string
				Members                 []struct {
					Country code
					Role    string
				}
				Sources []struct{ Publisher *string }
			}
		}
		s.Query(t, `{ platform(slug: "c5-plus-1") { name kind description founded members { country { code } role } sources { publisher } } }`, nil, &out)
		p := out.Platform
		if p == nil {
			t.Fatal("platform c5-plus-1 missing")
		}
		if p.Name != "C5+1" || p.Kind != "FORMAT" || p.Founded == nil || *p.Founded != "2015" {
			t.Errorf("name %q kind %s founded %v, want C5+1 FORMAT 2015", p.Name, p.Kind, p.Founded)
		}
		desc := strings.ToLower(p.Description)
		if !strings.Contains(desc, "regional diplomatic platform") || !strings.Contains(desc, "trade, economic and other areas of mutual interest") {
			t.Errorf("description %q", p.Description)
		}
		var members []string
		for _, m := range p.Members {
			members = append(members, m.Country.Code)
			if m.Role != "MEMBER" {
				t.Errorf("%s is a %s, want MEMBER", m.Country.Code, m.Role)
			}
		}
		if want := []string{"KG", "KZ", "TJ", "TM", "US", "UZ"}; !slices.Equal(sortedCopy(members), want) {
			t.Errorf("members %v, want %v", sortedCopy(members), want)
		}
		citesKazinform(t, "c5-plus-1", p.Sources)
	})

	t.Run("special session", func(t *testing.T) {
		var out struct{ Session *session }
		s.Query(t, fmt.Sprintf(`{ session(slug: %q) { %s } }`, special, sessionFields), nil, &out)
		x := out.Session
		if x == nil {
			t.Fatal("special session missing")
		}
		if x.Kind != "SPECIAL_SESSION" || x.Start != "2023-07-28" {
			t.Errorf("kind %s start %s, want SPECIAL_SESSION 2023-07-28", x.Kind, x.Start)
		}
		if x.Platform == nil || x.Platform.Slug != "c5-plus-1" {
			t.Errorf("platform %+v, want c5-plus-1", x.Platform)
		}
		if x.Parent != nil {
			t.Errorf("parent %+v, want none", x.Parent)
		}
		if !slices.Contains(slugsOf(x.Children), "west-umarov-meeting-2023") {
			t.Errorf("children %+v lack west-umarov-meeting-2023", x.Children)
		}
		if l := x.Location; l == nil || l.City == nil || *l.City != "Astana" || l.Country == nil || l.Country.Code != "KZ" ||
			l.Venue == nil || !strings.Contains(*l.Venue, "Ministry of Foreign Affairs") {
			t.Errorf("location %+v, want Astana KZ at the Ministry of Foreign Affairs", l)
		}
		if x.HostCountry == nil || x.HostCountry.Code != "KZ" {
			t.Errorf("host %+v, want KZ", x.HostCountry)
		}
		if got := codesOf(x.SubjectCountries); !slices.Equal(got, []string{"AF"}) {
			t.Errorf("subject countries %v, want [AF]", got)
		}
		wantTopics := sortedCopy([]string{"humanitarian-assistance", "human-rights", "international-cooperation", "security", "counter-terrorism"})
		if got := slugsOf(x.Topics); !slices.Equal(got, wantTopics) {
			t.Errorf("topics %v, want %v", got, wantTopics)
		}
		if got, want := participantsOf(x.Participants), []string{"talgat-kaliyev:KZ", "thomas-west:US"}; !slices.Equal(got, want) {
			t.Errorf("participants %v, want %v", got, want)
		}
		citesKazinform(t, special, x.Sources)
	})

	t.Run("bilateral meeting", func(t *testing.T) {
		var out struct{ Session *session }
		s.Query(t, fmt.Sprintf(`{ session(slug: "west-umarov-meeting-2023") { %s } }`, sessionFields), nil, &out)
		x := out.Session
		if x == nil {
			t.Fatal("west-umarov-meeting-2023 missing")
		}
		if x.Kind != "BILATERAL_MEETING" || x.Start != "2023-07-28" {
			t.Errorf("kind %s start %s, want BILATERAL_MEETING 2023-07-28", x.Kind, x.Start)
		}
		if x.Parent == nil || x.Parent.Slug != special {
			t.Errorf("parent %+v, want %s", x.Parent, special)
		}
		if x.Location == nil || x.Location.City == nil || *x.Location.City != "Astana" {
			t.Errorf("location %+v, want Astana", x.Location)
		}
		var officials []string
		for _, p := range x.Participants {
			officials = append(officials, p.Official.Slug)
		}
		if got, want := sortedCopy(officials), []string{"kairat-umarov", "thomas-west"}; !slices.Equal(got, want) {
			t.Errorf("participants %v, want %v", got, want)
		}
		citesKazinform(t, "west-umarov-meeting-2023", x.Sources)
	})

	t.Run("officials", func(t *testing.T) {
		var out struct {
			Officials struct {
				TotalCount int
				Nodes      []struct {
					Slug      string
					Name      string
					Country   *code
					Positions []struct {
						Title        string
						Organization *string
					}
				}
			}
		}
		s.Query(t, `{ officials(first: 100) { totalCount nodes { slug name country { code } positions { title organization } } } }`, nil, &out)
		want := map[string]struct{ country, title, organization string }{
			"thomas-west":           {"US", "Special Representative for Afghanistan", ""},
			"talgat-kaliyev":        {"KZ", "Ambassador-at-Large", "Ministry of Foreign Affairs of the Republic of Kazakhstan"},
			"kairat-umarov":         {"KZ", "First Deputy Minister of Foreign Affairs", "Ministry of Foreign Affairs of the Republic of Kazakhstan"},
			"kassym-jomart-tokayev": {"KZ", "President", ""},
		}
		if out.Officials.TotalCount != len(want) || len(out.Officials.Nodes) != len(want) {
			t.Errorf("%d officials (totalCount %d), want %d", len(out.Officials.Nodes), out.Officials.TotalCount, len(want))
		}
		for _, o := range out.Officials.Nodes {
			w, ok := want[o.Slug]
			if !ok {
				t.Errorf("unexpected official %s", o.Slug)
				continue
			}
			delete(want, o.Slug)
			if o.Name == "" || o.Country == nil || o.Country.Code != w.country {
				t.Errorf("%s: name %q country %+v, want country %s", o.Slug, o.Name, o.Country, w.country)
			}
			held := false
			for _, p := range o.Positions {
				if strings.Contains(p.Title, w.title) && (w.organization == "" || (p.Organization != nil && *p.Organization == w.organization)) {
					held = true
				}
			}
			if !held {
				t.Errorf("%s: positions %+v lack %q (%s)", o.Slug, o.Positions, w.title, w.organization)
			}
		}
		for slug := range want {
			t.Errorf("official %s missing", slug)
		}
	})

	t.Run("initiative", func(t *testing.T) {
		var out struct {
			Initiative *struct {
				Status      string
				Description *string
				ProposedBy  *slugged
				Country     *code
				Location    *struct{ City *string }
				Topics      []slugged
				History     []struct{ Status, On string } `json:"statusHistory"`
				Sources     []struct{ Publisher *string }
			}
		}
		s.Query(t, `{ initiative(slug: "un-regional-centre-sustainable-development-almaty") {
			status description proposedBy { slug } country { code } location { city } topics { slug }
			statusHistory { status on } sources { publisher } } }`, nil, &out)
		x := out.Initiative
		if x == nil {
			t.Fatal("initiative missing")
		}
		if x.Status != "PROPOSED" {
			t.Errorf("status %s, want PROPOSED", x.Status)
		}
		if x.ProposedBy == nil || x.ProposedBy.Slug != "kassym-jomart-tokayev" {
			t.Errorf("proposedBy %+v, want kassym-jomart-tokayev", x.ProposedBy)
		}
		if x.Country == nil || x.Country.Code != "KZ" {
			t.Errorf("country %+v, want KZ", x.Country)
		}
		if x.Location == nil || x.Location.City == nil || *x.Location.City != "Almaty" {
			t.Errorf("location %+v, want Almaty", x.Location)
		}
		if got, want := slugsOf(x.Topics), []string{"sustainable-development", "trade-and-investment"}; !slices.Equal(got, want) {
			t.Errorf("topics %v, want %v", got, want)
		}
		if len(x.History) == 0 || x.History[len(x.History)-1].Status != x.Status {
			t.Errorf("status history %+v should end in the current status %s", x.History, x.Status)
		}
		if x.Description == nil || !strings.Contains(*x.Description, "Central Asia") || !strings.Contains(*x.Description, "Afghanistan") {
			t.Errorf("description %v", x.Description)
		}
		citesKazinform(t, "the initiative", x.Sources)
	})

	t.Run("statements", func(t *testing.T) {
		var out struct {
			Statements struct {
				TotalCount int
				Nodes      []struct {
					Official slugged
					Session  *slugged
					Date     string
					Text     string
					Sources  []struct{ Publisher *string }
				}
			}
		}
		s.Query(t, `{ statements(first: 100) { totalCount nodes { official { slug } session { slug } date text sources { publisher } } } }`, nil, &out)
		if out.Statements.TotalCount != 3 {
			t.Errorf("totalCount %d, want 3", out.Statements.TotalCount)
		}
		var by []string
		for _, st := range out.Statements.Nodes {
			by = append(by, st.Official.Slug)
			if st.Date != "2023-07-28" || st.Text == "" || st.Session == nil {
				t.Errorf("statement by %s: date %s session %+v text %q", st.Official.Slug, st.Date, st.Session, st.Text)
			}
			citesKazinform(t, "statement by "+st.Official.Slug, st.Sources)
		}
		if got, want := sortedCopy(by), []string{"kairat-umarov", "talgat-kaliyev", "thomas-west"}; !slices.Equal(got, want) {
			t.Errorf("statements by %v, want %v", got, want)
		}
	})

	t.Run("Kazinform source", func(t *testing.T) {
		var out struct {
			Sources struct {
				Nodes []struct {
					Publisher   *string
					PublishedOn *string
					Excerpt     *string
				}
			}
		}
		s.Query(t, `{ sources(first: 100, filter: { publishers: ["Kazinform"] }) { nodes { publisher publishedOn excerpt } } }`, nil, &out)
		if len(out.Sources.Nodes) == 0 {
			t.Fatal("no Kazinform source")
		}
		for _, src := range out.Sources.Nodes {
			if src.PublishedOn == nil || *src.PublishedOn != "2023-07-28" {
				t.Errorf("Kazinform source published on %v, want 2023-07-28", src.PublishedOn)
			}
		}
	})
}

// ---------------------------------------------------------------------------------------
// Global IDs

func TestNodeRoundTrip(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	// Each case finds a record by lookup or list, selecting `id` and `key`.
	cases := []struct {
		typ, keyField, query string
		path                 []string
	}{
		{"Country", "code", `{ r: country(code: "KZ") { id key: code } }`, []string{"r"}},
		{"Platform", "slug", `{ r: platform(slug: "c5-plus-1") { id key: slug } }`, []string{"r"}},
		{"Session", "slug", `{ r: session(slug: "west-umarov-meeting-2023") { id key: slug } }`, []string{"r"}},
		{"Official", "slug", `{ r: official(slug: "thomas-west") { id key: slug } }`, []string{"r"}},
		{"Initiative", "slug", `{ r: initiative(slug: "un-regional-centre-sustainable-development-almaty") { id key: slug } }`, []string{"r"}},
		{"Statement", "text", `{ r: statements(first: 1, filter: { officials: ["kairat-umarov"] }) { nodes { id key: text } } }`, []string{"r", "nodes", "0"}},
		{"Topic", "slug", `{ r: topic(slug: "human-rights") { id key: slug } }`, []string{"r"}},
		{"Source", "title", `{ r: sources(first: 1) { nodes { id key: title } } }`, []string{"r", "nodes", "0"}},
	}
	type typedNode struct {
		Typename string `json:"__typename"`
		ID       string `json:"id"`
		Key      string `json:"key"`
	}
	var ids, typenames []string
	for _, tc := range cases {
		t.Run(tc.typ, func(t *testing.T) {
			var rec gqlNode
			decodeAt(t, queryRaw(t, s, tc.query, nil), &rec, tc.path...)
			if rec.ID == "" || rec.Key == "" {
				t.Fatalf("lookup gave %+v", rec)
			}
			ids, typenames = append(ids, rec.ID), append(typenames, tc.typ)
			q := fmt.Sprintf("query($id: ID!) { node(id: $id) { __typename id ... on %s { key: %s } } }", tc.typ, tc.keyField)
			var out struct{ Node *typedNode }
			s.Query(t, q, map[string]any{"id": rec.ID}, &out)
			if want := (typedNode{tc.typ, rec.ID, rec.Key}); out.Node == nil || *out.Node != want {
				t.Errorf("node(%s) = %+v, want %+v", rec.ID, out.Node, want)
			}
		})
	}
	if len(ids) != len(cases) {
		t.Fatal("not every lookup succeeded")
	}

	t.Run("nodes keeps order", func(t *testing.T) {
		const q = `query($ids: [ID!]!) { nodes(ids: $ids) { typename: __typename id } }`
		for _, order := range [][]int{{0, 1, 2, 3, 4, 5, 6, 7}, {7, 6, 5, 4, 3, 2, 1, 0}, {3, 3, 0, 3}} {
			var in []string
			for _, i := range order {
				in = append(in, ids[i])
			}
			var out struct {
				Nodes []*struct{ Typename, ID string }
			}
			s.Query(t, q, map[string]any{"ids": in}, &out)
			if len(out.Nodes) != len(in) {
				t.Fatalf("%d nodes for %d ids", len(out.Nodes), len(in))
			}
			for j, i := range order {
				if n := out.Nodes[j]; n == nil || n.ID != ids[i] || n.Typename != typenames[i] {
					t.Errorf("nodes[%d] = %+v, want %s %s", j, n, typenames[i], ids[i])
				}
			}
		}
	})
}

func TestNodeMissingAndDeleted(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	topic := s.MustCreateTopic(t, "doomed", nil)
	source := s.MustCreateSource(t, "Kept", nil)
	s.Mutate(t, `mutation($id: ID!) { deleteTopic(id: $id) }`, map[string]any{"id": topic}, nil)
	missingSession := encodeRawID("Session:999999")
	missingCountry := encodeRawID("Country:ZZ")

	for _, id := range []string{topic, missingSession, missingCountry} {
		var out struct{ Node *struct{ ID string } }
		s.Query(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}, &out)
		if out.Node != nil {
			t.Errorf("node(%s) = %+v, want null", id, out.Node)
		}
	}

	var out struct{ Nodes []*struct{ ID string } }
	s.Query(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
		map[string]any{"ids": []string{topic, source, missingSession, missingCountry}}, &out)
	if len(out.Nodes) != 4 || out.Nodes[0] != nil || out.Nodes[1] == nil || out.Nodes[1].ID != source || out.Nodes[2] != nil || out.Nodes[3] != nil {
		t.Errorf("nodes = %+v, want [null, %s, null, null]", out.Nodes, source)
	}
}

func TestNodeInvalidIDs(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	var kz struct{ Country struct{ ID string } }
	s.Query(t, `{ country(code: "KZ") { id } }`, nil, &kz)
	valid := kz.Country.ID

	for _, tc := range []struct{ name, id string }{
		{"empty", ""},
		{"not base64", "abc"},
		{"not base64 at all", "%%%"},
		{"unknown type", encodeRawID("Nope:1")},
		{"non-numeric key", encodeRawID("Session:abc")},
		{"no key", encodeRawID("Session:")},
		{"no separator", encodeRawID("Session1")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := errorCode(t, s, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": tc.id}); got != "BAD_USER_INPUT" {
				t.Errorf("node(%q): code %s, want BAD_USER_INPUT", tc.id, got)
			}
			if got := errorCode(t, s, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{valid, tc.id}}); got != "BAD_USER_INPUT" {
				t.Errorf("nodes([valid, %q]): code %s, want BAD_USER_INPUT", tc.id, got)
			}
		})
	}

	t.Run("at most 100 ids", func(t *testing.T) {
		const q = `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`
		var out struct{ Nodes []*struct{ ID string } }
		s.Query(t, q, map[string]any{"ids": slices.Repeat([]string{valid}, 100)}, &out)
		if len(out.Nodes) != 100 {
			t.Errorf("100 ids gave %d nodes", len(out.Nodes))
		}
		if got := errorCode(t, s, q, map[string]any{"ids": slices.Repeat([]string{valid}, 101)}); got != "BAD_USER_INPUT" {
			t.Errorf("101 ids: code %s, want BAD_USER_INPUT", got)
		}
	})
}

// ---------------------------------------------------------------------------------------
// Connections

// TestConnectionShape checks every connection on the default dataset: the first page of
// one, the page after it, and the default page size.
func TestConnectionShape(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	for _, c := range defaultDatasetConnections() {
		t.Run(c.name, func(t *testing.T) {
			all := c.fetch(t, s, map[string]any{"first": 100})
			total := all.TotalCount
			if total == 0 || (total <= 100 && len(all.Nodes) != total) {
				t.Fatalf("first: 100 gave %d nodes, totalCount %d", len(all.Nodes), total)
			}
			seen := map[string]bool{}
			for _, n := range all.Nodes {
				if seen[n.ID] {
					t.Errorf("id %s listed twice", n.ID)
				}
				seen[n.ID] = true
			}

			first := c.fetch(t, s, map[string]any{"first": 1})
			if len(first.Nodes) != 1 || first.Nodes[0] != all.Nodes[0] || first.TotalCount != total {
				t.Fatalf("first: 1 gave %+v (totalCount %d), want %+v (%d)", first.Nodes, first.TotalCount, all.Nodes[0], total)
			}
			if first.PageInfo.HasPreviousPage || first.PageInfo.HasNextPage != (total > 1) {
				t.Errorf("first page info %+v with %d records", first.PageInfo, total)
			}

			next := c.fetch(t, s, map[string]any{"first": 1, "after": *first.PageInfo.EndCursor})
			if total == 1 {
				if len(next.Nodes) != 0 || next.PageInfo.HasNextPage {
					t.Errorf("page after the only record: %+v", next)
				}
				return
			}
			if len(next.Nodes) != 1 || next.Nodes[0] != all.Nodes[1] || !next.PageInfo.HasPreviousPage || next.PageInfo.HasNextPage != (total > 2) {
				t.Errorf("second page %+v %+v, want %+v", next.Nodes, next.PageInfo, all.Nodes[1])
			}
		})
	}

	t.Run("default page size", func(t *testing.T) {
		c := topConn("countries", "code", "", "")
		conn := c.fetch(t, s, nil)
		if len(conn.Edges) != 20 || !conn.PageInfo.HasNextPage {
			t.Errorf("no first or last: %d edges, hasNextPage %v; want 20 and true", len(conn.Edges), conn.PageInfo.HasNextPage)
		}
		// before alone reads the 20 records just before the cursor.
		all := c.fetch(t, s, map[string]any{"first": 30})
		conn = c.fetch(t, s, map[string]any{"before": all.Edges[25].Cursor})
		if got, want := conn.keys(), all.keys()[5:25]; !slices.Equal(got, want) {
			t.Errorf("before alone gave %v, want %v", got, want)
		}
	})
}

// seedSessions creates 23 sessions on an empty database, with ties on the same start date
// and dates of every precision, titled in an order unrelated to their dates. It returns
// slug → start and slug → title.
func seedSessions(t *testing.T, s *apitest.Server) (starts, titles map[string]string) {
	t.Helper()
	dates := []string{
		"2023-07-28", "2021-06-15", "2020", "2021", "2024-01-01", "2021-06-15", "2020-01-01", "2023-07-28",
		"2019", "2021-06", "2022-02-28", "2020-01", "2023-12-31", "2021-06-15", "2022", "2022-03",
		"2023-07-28", "2020", "2021-07", "2024", "2022-02-28", "2021-06-30", "2020-01-01",
	}
	starts, titles = map[string]string{}, map[string]string{}
	for i, d := range dates {
		slug := fmt.Sprintf("s%02d", i)
		title := fmt.Sprintf("Meeting %c", 'A'+(i*5)%len(dates))
		s.MustCreateSession(t, slug, d, map[string]any{"title": title})
		starts[slug], titles[slug] = d, title
	}
	return starts, titles
}

func TestSessionPagination(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	starts, titles := seedSessions(t, s)
	total := len(starts)
	byStart := topConn("sessions", "slug", ", $order: SessionOrder", ", orderBy: $order")

	asc := byStart.walkForward(t, s, 100, total, nil)
	if len(asc) != total || len(slices.Compact(sortedCopy(asc))) != total {
		t.Fatalf("one page of 100 gave %d sessions (%d distinct), want %d", len(asc), len(slices.Compact(sortedCopy(asc))), total)
	}
	for i := 1; i < len(asc); i++ {
		if firstDay(starts[asc[i-1]]) > firstDay(starts[asc[i]]) {
			t.Errorf("%s (%s) listed before %s (%s)", asc[i-1], starts[asc[i-1]], asc[i], starts[asc[i]])
		}
	}

	for _, n := range []int{1, 7, 100} {
		if got := byStart.walkForward(t, s, n, total, nil); !slices.Equal(got, asc) {
			t.Errorf("forward by %d: %v, want %v", n, got, asc)
		}
		if got := byStart.walkBackward(t, s, n, total, nil); !slices.Equal(got, asc) {
			t.Errorf("backward by %d: %v, want %v", n, got, asc)
		}
	}

	desc := map[string]any{"order": map[string]any{"field": "START", "direction": "DESC"}}
	for _, n := range []int{1, 7} {
		if got := byStart.walkForward(t, s, n, total, desc); !slices.Equal(got, reversedCopy(asc)) {
			t.Errorf("DESC forward by %d: %v, want %v", n, got, reversedCopy(asc))
		}
		if got := byStart.walkBackward(t, s, n, total, desc); !slices.Equal(got, reversedCopy(asc)) {
			t.Errorf("DESC backward by %d: %v, want %v", n, got, reversedCopy(asc))
		}
	}

	t.Run("order by title", func(t *testing.T) {
		byTitle := make([]string, 0, total)
		for slug := range titles {
			byTitle = append(byTitle, slug)
		}
		slices.SortFunc(byTitle, func(a, b string) int { return strings.Compare(titles[a], titles[b]) })
		if slices.Equal(byTitle, asc) {
			t.Fatal("the fixture's title order should differ from its date order")
		}
		for _, dir := range []string{"ASC", "DESC"} {
			want := byTitle
			if dir == "DESC" {
				want = reversedCopy(byTitle)
			}
			vars := map[string]any{"order": map[string]any{"field": "TITLE", "direction": dir}}
			if got := byStart.walkForward(t, s, 7, total, vars); !slices.Equal(got, want) {
				t.Errorf("TITLE %s forward: %v, want %v", dir, got, want)
			}
			if got := byStart.walkBackward(t, s, 5, total, vars); !slices.Equal(got, want) {
				t.Errorf("TITLE %s backward: %v, want %v", dir, got, want)
			}
		}
	})

	t.Run("middle and window", func(t *testing.T) {
		all := byStart.fetch(t, s, map[string]any{"first": 100})
		cur := all.cursors()

		mid := byStart.fetch(t, s, map[string]any{"first": 5, "after": cur[9]})
		if !slices.Equal(mid.keys(), asc[10:15]) || !mid.PageInfo.HasNextPage || !mid.PageInfo.HasPreviousPage {
			t.Errorf("first 5 after #9: %v %+v, want %v with both neighbours", mid.keys(), mid.PageInfo, asc[10:15])
		}
		mid = byStart.fetch(t, s, map[string]any{"last": 5, "before": cur[15]})
		if !slices.Equal(mid.keys(), asc[10:15]) || !mid.PageInfo.HasNextPage || !mid.PageInfo.HasPreviousPage {
			t.Errorf("last 5 before #15: %v %+v, want %v with both neighbours", mid.keys(), mid.PageInfo, asc[10:15])
		}

		window := byStart.fetch(t, s, map[string]any{"first": 100, "after": cur[3], "before": cur[10]})
		if !slices.Equal(window.keys(), asc[4:10]) {
			t.Errorf("between #3 and #10: %v, want %v", window.keys(), asc[4:10])
		}
		window = byStart.fetch(t, s, map[string]any{"last": 2, "after": cur[3], "before": cur[10]})
		if !slices.Equal(window.keys(), asc[8:10]) || !window.PageInfo.HasPreviousPage {
			t.Errorf("last 2 between #3 and #10: %v %+v, want %v", window.keys(), window.PageInfo, asc[8:10])
		}

		end := byStart.fetch(t, s, map[string]any{"first": 5, "after": cur[total-1]})
		if len(end.Edges) != 0 || end.PageInfo.HasNextPage || !end.PageInfo.HasPreviousPage || end.TotalCount != total {
			t.Errorf("after the last: %v %+v totalCount %d", end.keys(), end.PageInfo, end.TotalCount)
		}
		start := byStart.fetch(t, s, map[string]any{"last": 5, "before": cur[0]})
		if len(start.Edges) != 0 || start.PageInfo.HasPreviousPage || !start.PageInfo.HasNextPage {
			t.Errorf("before the first: %v %+v", start.keys(), start.PageInfo)
		}
	})

	t.Run("nested", func(t *testing.T) {
		// The same walk through Platform.sessions, over a subset.
		platform := s.MustCreatePlatform(t, "walked", nil)
		var inPlatform []string
		for i, slug := range asc {
			if i%2 == 0 {
				continue
			}
			s.Mutate(t, `mutation($id: ID!, $p: ID!) { updateSession(id: $id, input: { platformId: $p }) { id } }`,
				map[string]any{"id": sessionID(t, s, slug), "p": platform}, nil)
			inPlatform = append(inPlatform, slug)
		}
		c := nestedConn("Platform.sessions", `platform(slug: "walked")`, "sessions", "slug")
		for _, n := range []int{1, 4} {
			if got := c.walkForward(t, s, n, len(inPlatform), nil); !slices.Equal(got, inPlatform) {
				t.Errorf("forward by %d: %v, want %v", n, got, inPlatform)
			}
			if got := c.walkBackward(t, s, n, len(inPlatform), nil); !slices.Equal(got, inPlatform) {
				t.Errorf("backward by %d: %v, want %v", n, got, inPlatform)
			}
		}
	})
}

// sessionID returns the ID of the session with the slug.
func sessionID(tb testing.TB, s *apitest.Server, slug string) string {
	tb.Helper()
	var out struct{ Session *struct{ ID string } }
	s.Query(tb, `query($s: String!) { session(slug: $s) { id } }`, map[string]any{"s": slug}, &out)
	if out.Session == nil {
		tb.Fatalf("session %s not found", slug)
	}
	return out.Session.ID
}

func TestCountriesPagination(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	c := topConn("countries", "code", "", "")
	codes := c.walkForward(t, s, 100, 249, nil)
	if len(codes) != 249 || len(slices.Compact(sortedCopy(codes))) != 249 {
		t.Errorf("walked %d codes, %d distinct; want 249", len(codes), len(slices.Compact(sortedCopy(codes))))
	}
	if !slices.IsSorted(codes) {
		t.Errorf("countries are not in code order by default")
	}
	if back := c.walkBackward(t, s, 100, 249, nil); !slices.Equal(back, codes) {
		t.Errorf("walking back gave a different order")
	}
}

func TestPageArguments(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	garbage := []string{"garbage", "!!!", encodeRawID("hello"), encodeRawID(`[1]`), encodeRawID(`{"a":1}`), strings.Repeat("A", 3000)}
	type pageCase struct {
		name string
		vars map[string]any
	}
	invalid := []pageCase{
		{"first -1", map[string]any{"first": -1}},
		{"first 101", map[string]any{"first": 101}},
		{"last -1", map[string]any{"last": -1}},
		{"last 101", map[string]any{"last": 101}},
		{"first and last", map[string]any{"first": 1, "last": 1}},
	}
	for _, g := range garbage {
		invalid = append(invalid,
			pageCase{"after " + g[:min(len(g), 12)], map[string]any{"after": g}},
			pageCase{"before " + g[:min(len(g), 12)], map[string]any{"before": g}})
	}

	for _, c := range defaultDatasetConnections() {
		t.Run(c.name, func(t *testing.T) {
			for _, tc := range invalid {
				if got := errorCode(t, s, c.query, tc.vars); got != "BAD_USER_INPUT" {
					t.Errorf("%s: code %s, want BAD_USER_INPUT", tc.name, got)
				}
			}
			for _, vars := range []map[string]any{{"first": 0}, {"last": 0}} {
				conn := c.fetch(t, s, vars)
				if len(conn.Edges) != 0 || conn.TotalCount == 0 {
					t.Errorf("%v: %d edges, totalCount %d; want none and a count", vars, len(conn.Edges), conn.TotalCount)
				}
				// Every row is still ahead of (or behind) an empty page.
				if _, first := vars["first"]; first && !conn.PageInfo.HasNextPage || !first && !conn.PageInfo.HasPreviousPage {
					t.Errorf("%v: pageInfo %+v, want more rows in the direction of paging", vars, conn.PageInfo)
				}
			}
			if conn := c.fetch(t, s, map[string]any{"first": 100}); conn.TotalCount <= 100 && len(conn.Edges) != conn.TotalCount {
				t.Errorf("first: 100 gave %d of %d", len(conn.Edges), conn.TotalCount)
			}
		})
	}

	t.Run("cursor of another connection", func(t *testing.T) {
		countries := topConn("countries", "code", "", "").fetch(t, s, map[string]any{"first": 1})
		sessions := topConn("sessions", "slug", ", $order: SessionOrder", ", orderBy: $order")
		if got := errorCode(t, s, sessions.query, map[string]any{"after": *countries.PageInfo.EndCursor}); got != "BAD_USER_INPUT" {
			t.Errorf("a countries cursor on sessions: code %s, want BAD_USER_INPUT", got)
		}
		byStart := sessions.fetch(t, s, map[string]any{"first": 1})
		vars := map[string]any{"after": *byStart.PageInfo.EndCursor, "order": map[string]any{"field": "TITLE"}}
		if got := errorCode(t, s, sessions.query, vars); got != "BAD_USER_INPUT" {
			t.Errorf("a START cursor on a TITLE order: code %s, want BAD_USER_INPUT", got)
		}
	})
}

// ---------------------------------------------------------------------------------------
// Filters

// filterQueries select the keys of a connection filtered by $f; the nested ones take the
// parent's $slug.
var filterQueries = map[string]string{
	"platforms":   `query($f: PlatformFilter) { c: platforms(first: 100, filter: $f) { nodes { key: slug } totalCount } }`,
	"sessions":    `query($f: SessionFilter) { c: sessions(first: 100, filter: $f) { nodes { key: slug } totalCount } }`,
	"officials":   `query($f: OfficialFilter) { c: officials(first: 100, filter: $f) { nodes { key: slug } totalCount } }`,
	"initiatives": `query($f: InitiativeFilter) { c: initiatives(first: 100, filter: $f) { nodes { key: slug } totalCount } }`,
	"statements":  `query($f: StatementFilter) { c: statements(first: 100, filter: $f) { nodes { key: text } totalCount } }`,
	"sources":     `query($f: SourceFilter) { c: sources(first: 100, filter: $f) { nodes { key: title } totalCount } }`,
	"countries":   `query($f: CountryFilter) { c: countries(first: 100, filter: $f) { nodes { key: code } totalCount } }`,
	"topics":      `query($f: TopicFilter) { c: topics(first: 100, filter: $f) { nodes { key: slug } totalCount } }`,
	"Platform.sessions": `query($f: SessionFilter, $slug: String!) {
		p: platform(slug: $slug) { c: sessions(first: 100, filter: $f) { nodes { key: slug } totalCount } } }`,
	"Official.sessions": `query($f: SessionFilter, $slug: String!) {
		p: official(slug: $slug) { c: sessions(first: 100, filter: $f) { nodes { key: slug } totalCount } } }`,
	"Topic.sessions": `query($f: SessionFilter, $slug: String!) {
		p: topic(slug: $slug) { c: sessions(first: 100, filter: $f) { nodes { key: slug } totalCount } } }`,
}

// seedFilterFixtures builds a small world on an empty database:
//
//	platforms  p-alpha FORMAT {KZ, US}, p-beta FORUM {FR}, p-gamma DIALOGUE {KZ 2000–2005}
//	officials  o-a KZ, o-b US, o-c FR
//	sessions   s-year    "2023"                 p-alpha SUMMIT      host KZ      t-sec        o-a
//	           s-span    2023-06-20..2023-07-02  –       VISIT       host US      –            o-b
//	           s-june    2023-06-30             p-alpha MINISTERIAL location UZ t-hum        –
//	           s-july    2023-07-15..16         p-beta  SUMMIT      host/loc FR  t-sec,t-hum  o-b, o-c
//	           s-2024    "2024-01"              –       OTHER       –            –            –
//	initiatives i-one PROPOSED KZ by o-a; i-two ADOPTED US by o-b; i-three STALLED KZ
//	statements  "a-june" o-a 2023-06-30, "a-july" o-a 2023-07-15, "b-year" o-b 2023, "c-2024" o-c 2024-01-01
//	sources     src-june 2023-06-30, src-year 2023, src-july 2023-07-28, src-undated
func seedFilterFixtures(t *testing.T, s *apitest.Server) {
	t.Helper()
	member := func(platform, code string, since, until any) {
		s.Mutate(t, `mutation($p: ID!, $c: String!, $since: Date, $until: Date) {
			addPlatformMember(platformId: $p, countryCode: $c, since: $since, until: $until) { id } }`,
			map[string]any{"p": platform, "c": code, "since": since, "until": until}, nil)
	}
	alpha := s.MustCreatePlatform(t, "p-alpha", map[string]any{"kind": "FORMAT"})
	beta := s.MustCreatePlatform(t, "p-beta", map[string]any{"kind": "FORUM"})
	gamma := s.MustCreatePlatform(t, "p-gamma", map[string]any{"kind": "DIALOGUE"})
	member(alpha, "KZ", nil, nil)
	member(alpha, "us", nil, nil)
	member(beta, "FR", nil, nil)
	member(gamma, "KZ", "2000", "2005")

	oa := s.MustCreateOfficial(t, "o-a", map[string]any{"countryCode": "KZ"})
	ob := s.MustCreateOfficial(t, "o-b", map[string]any{"countryCode": "US"})
	oc := s.MustCreateOfficial(t, "o-c", map[string]any{"countryCode": "FR"})
	sec := s.MustCreateTopic(t, "t-sec", nil)
	hum := s.MustCreateTopic(t, "t-hum", nil)

	year := s.MustCreateSession(t, "s-year", "2023", map[string]any{"platformId": alpha, "kind": "SUMMIT", "hostCountryCode": "KZ", "topicIds": []string{sec}})
	span := s.MustCreateSession(t, "s-span", "2023-06-20", map[string]any{"end": "2023-07-02", "kind": "VISIT", "hostCountryCode": "US"})
	s.MustCreateSession(t, "s-june", "2023-06-30", map[string]any{"platformId": alpha, "kind": "MINISTERIAL",
		"location": map[string]any{"city": "Tashkent", "countryCode": "UZ"}, "topicIds": []string{hum}})
	july := s.MustCreateSession(t, "s-july", "2023-07-15", map[string]any{"end": "2023-07-16", "platformId": beta, "kind": "SUMMIT",
		"hostCountryCode": "FR", "location": map[string]any{"city": "Paris", "countryCode": "FR"}, "topicIds": []string{sec, hum}})
	s.MustCreateSession(t, "s-2024", "2024-01", nil)
	for _, p := range [][2]string{{year, oa}, {span, ob}, {july, ob}, {july, oc}} {
		s.Mutate(t, `mutation($s: ID!, $o: ID!) { addParticipant(sessionId: $s, officialId: $o) { id } }`,
			map[string]any{"s": p[0], "o": p[1]}, nil)
	}

	s.MustCreateInitiative(t, "i-one", map[string]any{"proposedById": oa, "countryCode": "KZ"})
	s.MustCreateInitiative(t, "i-two", map[string]any{"proposedById": ob, "countryCode": "US", "status": "ADOPTED"})
	three := s.MustCreateInitiative(t, "i-three", map[string]any{"countryCode": "KZ", "proposedOn": "2023"})
	s.Mutate(t, `mutation($i: ID!) { setInitiativeStatus(initiativeId: $i, status: STALLED, on: "2024-01-01") { id } }`,
		map[string]any{"i": three}, nil)

	s.MustCreateStatement(t, oa, "2023-06-30", map[string]any{"text": "a-june"})
	s.MustCreateStatement(t, oa, "2023-07-15", map[string]any{"text": "a-july"})
	s.MustCreateStatement(t, ob, "2023", map[string]any{"text": "b-year"})
	s.MustCreateStatement(t, oc, "2024-01-01", map[string]any{"text": "c-2024"})

	s.MustCreateSource(t, "src-june", map[string]any{"publishedOn": "2023-06-30", "publisher": "Kazinform"})
	s.MustCreateSource(t, "src-year", map[string]any{"publishedOn": "2023"})
	s.MustCreateSource(t, "src-july", map[string]any{"publishedOn": "2023-07-28", "publisher": "Kazinform"})
	s.MustCreateSource(t, "src-undated", nil)
}

func TestFilters(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	seedFilterFixtures(t, s)

	type m = map[string]any
	type list = []string
	for _, tc := range []struct {
		name   string
		conn   string
		filter m
		slug   string // parent of a nested connection
		want   list   // keys, in any order
		code   string // error code instead
	}{
		// Platforms.
		{name: "platforms: no filter", conn: "platforms", want: list{"p-alpha", "p-beta", "p-gamma"}},
		{name: "platforms: kinds", conn: "platforms", filter: m{"kinds": list{"FORMAT", "FORUM"}}, want: list{"p-alpha", "p-beta"}},
		{name: "platforms: a member", conn: "platforms", filter: m{"countries": list{"US"}}, want: list{"p-alpha"}},
		{name: "platforms: any member, lower case, past memberships too", conn: "platforms", filter: m{"countries": list{"kz", "fr"}}, want: list{"p-alpha", "p-beta", "p-gamma"}},
		{name: "platforms: kinds and members", conn: "platforms", filter: m{"kinds": list{"DIALOGUE", "FORUM"}, "countries": list{"KZ"}}, want: list{"p-gamma"}},
		{name: "platforms: no such member", conn: "platforms", filter: m{"countries": list{"DE"}}, want: list{}},
		{name: "platforms: a code no country has", conn: "platforms", filter: m{"countries": list{"KZ", "ZZ"}}, code: "BAD_USER_INPUT"},
		{name: "platforms: malformed country", conn: "platforms", filter: m{"countries": list{"KAZ"}}, code: "BAD_USER_INPUT"},
		{name: "platforms: unknown slug", conn: "platforms", filter: m{"slugs": list{"nope"}}, want: list{}},

		// Sessions.
		{name: "sessions: no filter", conn: "sessions", want: list{"s-year", "s-span", "s-june", "s-july", "s-2024"}},
		{name: "sessions: platform", conn: "sessions", filter: m{"platforms": list{"p-alpha"}}, want: list{"s-year", "s-june"}},
		{name: "sessions: platforms", conn: "sessions", filter: m{"platforms": list{"p-alpha", "p-beta"}}, want: list{"s-year", "s-june", "s-july"}},
		{name: "sessions: unknown platform", conn: "sessions", filter: m{"platforms": list{"no-such-platform"}}, want: list{}},
		{name: "sessions: kinds", conn: "sessions", filter: m{"kinds": list{"SUMMIT", "VISIT"}}, want: list{"s-year", "s-span", "s-july"}},
		{name: "sessions: from a day", conn: "sessions", filter: m{"from": "2023-07-01"}, want: list{"s-year", "s-span", "s-july", "s-2024"}},
		{name: "sessions: from a month", conn: "sessions", filter: m{"from": "2023-07"}, want: list{"s-year", "s-span", "s-july", "s-2024"}},
		{name: "sessions: from the day after an end", conn: "sessions", filter: m{"from": "2023-07-03"}, want: list{"s-year", "s-july", "s-2024"}},
		{name: "sessions: from a year", conn: "sessions", filter: m{"from": "2024"}, want: list{"s-2024"}},
		{name: "sessions: to a month", conn: "sessions", filter: m{"to": "2023-06"}, want: list{"s-year", "s-span", "s-june"}},
		{name: "sessions: to a day", conn: "sessions", filter: m{"to": "2023-06-29"}, want: list{"s-year", "s-span"}},
		{name: "sessions: to a day inside a month", conn: "sessions", filter: m{"to": "2024-01-01"}, want: list{"s-year", "s-span", "s-june", "s-july", "s-2024"}},
		{name: "sessions: from and to", conn: "sessions", filter: m{"from": "2023-07", "to": "2023-07"}, want: list{"s-year", "s-span", "s-july"}},
		{name: "sessions: nothing in range", conn: "sessions", filter: m{"to": "2022-12-31"}, want: list{}},
		{name: "sessions: invalid date", conn: "sessions", filter: m{"from": "2023-02-30"}, code: "BAD_USER_INPUT"},
		{name: "sessions: host country", conn: "sessions", filter: m{"countries": list{"KZ"}}, want: list{"s-year"}},
		{name: "sessions: location country", conn: "sessions", filter: m{"countries": list{"uz"}}, want: list{"s-june"}},
		{name: "sessions: host or location", conn: "sessions", filter: m{"countries": list{"KZ", "UZ", "FR"}}, want: list{"s-year", "s-june", "s-july"}},
		{name: "sessions: malformed country", conn: "sessions", filter: m{"countries": list{"Kazakhstan"}}, code: "BAD_USER_INPUT"},
		{name: "sessions: UK, which is GB", conn: "sessions", filter: m{"countries": list{"UK"}}, code: "BAD_USER_INPUT"},
		{name: "sessions: topic", conn: "sessions", filter: m{"topics": list{"t-hum"}}, want: list{"s-june", "s-july"}},
		{name: "sessions: topics", conn: "sessions", filter: m{"topics": list{"t-hum", "t-sec"}}, want: list{"s-year", "s-june", "s-july"}},
		{name: "sessions: unknown topic", conn: "sessions", filter: m{"topics": list{"no-such-topic"}}, want: list{}},
		{name: "sessions: official", conn: "sessions", filter: m{"officials": list{"o-b"}}, want: list{"s-span", "s-july"}},
		{name: "sessions: officials", conn: "sessions", filter: m{"officials": list{"o-a", "o-c"}}, want: list{"s-year", "s-july"}},
		{name: "sessions: unknown official", conn: "sessions", filter: m{"officials": list{"nobody"}}, want: list{}},
		{name: "sessions: platforms and kinds", conn: "sessions", filter: m{"platforms": list{"p-alpha", "p-beta"}, "kinds": list{"SUMMIT"}}, want: list{"s-year", "s-july"}},
		{name: "sessions: platforms, kinds and topic", conn: "sessions", filter: m{"platforms": list{"p-alpha", "p-beta"}, "kinds": list{"SUMMIT"}, "topics": list{"t-hum"}}, want: list{"s-july"}},
		{name: "sessions: official and from", conn: "sessions", filter: m{"officials": list{"o-b"}, "from": "2023-07-03"}, want: list{"s-july"}},
		{name: "sessions: kind and country", conn: "sessions", filter: m{"kinds": list{"SUMMIT"}, "countries": list{"KZ"}}, want: list{"s-year"}},
		{name: "sessions: disjoint fields", conn: "sessions", filter: m{"platforms": list{"p-alpha"}, "officials": list{"o-b"}}, want: list{}},
		{name: "sessions: known and unknown slugs", conn: "sessions", filter: m{"topics": list{"t-sec", "nope"}}, want: list{"s-year", "s-july"}},

		// Nested session connections, scoped to their parent and filtered within it.
		{name: "Platform.sessions", conn: "Platform.sessions", slug: "p-alpha", want: list{"s-year", "s-june"}},
		{name: "Platform.sessions: kinds", conn: "Platform.sessions", slug: "p-alpha", filter: m{"kinds": list{"SUMMIT"}}, want: list{"s-year"}},
		{name: "Platform.sessions: other platform in filter", conn: "Platform.sessions", slug: "p-alpha", filter: m{"platforms": list{"p-beta"}}, want: list{}},
		{name: "Official.sessions", conn: "Official.sessions", slug: "o-b", want: list{"s-span", "s-july"}},
		{name: "Official.sessions: from", conn: "Official.sessions", slug: "o-b", filter: m{"from": "2023-07-03"}, want: list{"s-july"}},
		{name: "Topic.sessions", conn: "Topic.sessions", slug: "t-hum", want: list{"s-june", "s-july"}},
		{name: "Topic.sessions: countries", conn: "Topic.sessions", slug: "t-hum", filter: m{"countries": list{"FR"}}, want: list{"s-july"}},

		// Officials.
		{name: "officials: country", conn: "officials", filter: m{"countries": list{"KZ"}}, want: list{"o-a"}},
		{name: "officials: countries", conn: "officials", filter: m{"countries": list{"us", "FR"}}, want: list{"o-b", "o-c"}},
		{name: "officials: no one from there", conn: "officials", filter: m{"countries": list{"DE"}}, want: list{}},
		{name: "officials: malformed country", conn: "officials", filter: m{"countries": list{"K"}}, code: "BAD_USER_INPUT"},
		{name: "officials: unassigned code", conn: "officials", filter: m{"countries": list{"XX"}}, code: "BAD_USER_INPUT"},

		// Initiatives.
		{name: "initiatives: status", conn: "initiatives", filter: m{"statuses": list{"PROPOSED"}}, want: list{"i-one"}},
		{name: "initiatives: statuses", conn: "initiatives", filter: m{"statuses": list{"ADOPTED", "STALLED"}}, want: list{"i-two", "i-three"}},
		{name: "initiatives: country", conn: "initiatives", filter: m{"countries": list{"kz"}}, want: list{"i-one", "i-three"}},
		{name: "initiatives: proposedBy", conn: "initiatives", filter: m{"proposedBy": list{"o-a", "o-b"}}, want: list{"i-one", "i-two"}},
		{name: "initiatives: unknown proposer", conn: "initiatives", filter: m{"proposedBy": list{"nobody"}}, want: list{}},
		{name: "initiatives: status and country", conn: "initiatives", filter: m{"statuses": list{"PROPOSED", "ADOPTED"}, "countries": list{"US"}}, want: list{"i-two"}},
		{name: "initiatives: malformed country", conn: "initiatives", filter: m{"countries": list{"USA"}}, code: "BAD_USER_INPUT"},
		{name: "initiatives: unassigned code", conn: "initiatives", filter: m{"countries": list{"EU"}}, code: "BAD_USER_INPUT"},

		// Statements.
		{name: "statements: official", conn: "statements", filter: m{"officials": list{"o-a"}}, want: list{"a-june", "a-july"}},
		{name: "statements: officials", conn: "statements", filter: m{"officials": list{"o-b", "o-c"}}, want: list{"b-year", "c-2024"}},
		{name: "statements: unknown official", conn: "statements", filter: m{"officials": list{"nobody"}}, want: list{}},
		{name: "statements: from", conn: "statements", filter: m{"from": "2023-07"}, want: list{"a-july", "b-year", "c-2024"}},
		{name: "statements: to", conn: "statements", filter: m{"to": "2023-06-30"}, want: list{"a-june", "b-year"}},
		{name: "statements: official and range", conn: "statements", filter: m{"officials": list{"o-a"}, "from": "2023-07-01", "to": "2023"}, want: list{"a-july"}},

		// Sources.
		{name: "sources: from", conn: "sources", filter: m{"from": "2023-07"}, want: list{"src-year", "src-july"}},
		{name: "sources: from a year", conn: "sources", filter: m{"from": "2023"}, want: list{"src-june", "src-year", "src-july"}},
		{name: "sources: to", conn: "sources", filter: m{"to": "2023-06"}, want: list{"src-june", "src-year"}},
		{name: "sources: publisher and from", conn: "sources", filter: m{"publishers": list{"Kazinform"}, "from": "2023-07-01"}, want: list{"src-july"}},

		// Countries and topics.
		{name: "countries: codes", conn: "countries", filter: m{"codes": list{"kz", "US"}}, want: list{"KZ", "US"}},
		{name: "countries: malformed code", conn: "countries", filter: m{"codes": list{"KZZ"}}, code: "BAD_USER_INPUT"},
		{name: "countries: unassigned code", conn: "countries", filter: m{"codes": list{"KZ", "ZZ"}}, code: "BAD_USER_INPUT"},
		{name: "topics: unknown slug", conn: "topics", filter: m{"slugs": list{"nope"}}, want: list{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := m{"f": tc.filter}
			path := []string{"c"}
			if tc.slug != "" {
				vars["slug"] = tc.slug
				path = []string{"p", "c"}
			}
			q := filterQueries[tc.conn]
			if tc.code != "" {
				if got := errorCode(t, s, q, vars); got != tc.code {
					t.Errorf("code %s, want %s", got, tc.code)
				}
				return
			}
			var conn gqlConn
			decodeAt(t, queryRaw(t, s, q, vars), &conn, path...)
			if got, want := sortedCopy(conn.keys()), sortedCopy(tc.want); !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
			if conn.TotalCount != len(tc.want) {
				t.Errorf("totalCount %d, want %d", conn.TotalCount, len(tc.want))
			}
		})
	}
}

// ---------------------------------------------------------------------------------------
// As of a date

func TestAsOfDate(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)

	t.Run("Official.positions", func(t *testing.T) {
		official := s.MustCreateOfficial(t, "career", nil)
		for _, p := range []struct {
			title      string
			start, end any
		}{
			{"Advisor", nil, "2009"},
			{"Ambassador", "2010-03-15", "2014-06-30"},
			{"Minister", "2014-07-01", "2019"},
			{"President", "2019-03-20", nil},
		} {
			s.Mutate(t, `mutation($o: ID!, $t: String!, $s: Date, $e: Date) {
				addPosition(officialId: $o, title: $t, start: $s, end: $e) { id } }`,
				map[string]any{"o": official, "t": p.title, "s": p.start, "e": p.end}, nil)
		}
		for _, tc := range []struct {
			on   any
			want []string
		}{
			{nil, []string{"Advisor", "Ambassador", "Minister", "President"}},
			{"1990", []string{"Advisor"}},
			{"2009-12-31", []string{"Advisor"}},
			{"2010-03-14", []string{}},
			{"2010", []string{"Ambassador"}},
			{"2012-05", []string{"Ambassador"}},
			{"2014", []string{"Ambassador", "Minister"}},
			{"2014-06", []string{"Ambassador"}},
			{"2014-06-30", []string{"Ambassador"}},
			{"2014-07", []string{"Minister"}},
			{"2019-03-19", []string{"Minister"}},
			{"2019-03", []string{"Minister", "President"}},
			{"2019-12-31", []string{"Minister", "President"}},
			{"2020", []string{"President"}},
		} {
			var out struct {
				Official struct{ Positions []struct{ Title string } }
			}
			s.Query(t, `query($on: Date) { official(slug: "career") { positions(on: $on) { title } } }`, map[string]any{"on": tc.on}, &out)
			var got []string
			for _, p := range out.Official.Positions {
				got = append(got, p.Title)
			}
			if !slices.Equal(sortedCopy(got), sortedCopy(tc.want)) {
				t.Errorf("positions(on: %v) = %v, want %v", tc.on, got, tc.want)
			}
		}
	})

	t.Run("Platform.members", func(t *testing.T) {
		platform := s.MustCreatePlatform(t, "club", nil)
		for _, mb := range []struct {
			code, role   string
			since, until any
		}{
			{"KZ", "MEMBER", "2015", nil},
			{"UZ", "OBSERVER", "2016-05-01", "2018-12-31"},
			{"UZ", "MEMBER", "2019-01", nil},
			{"AF", "PARTNER", "2001-10-07", "2021-08-15"},
		} {
			s.Mutate(t, `mutation($p: ID!, $c: String!, $r: MembershipRole, $s: Date, $u: Date) {
				addPlatformMember(platformId: $p, countryCode: $c, role: $r, since: $s, until: $u) { id } }`,
				map[string]any{"p": platform, "c": mb.code, "r": mb.role, "s": mb.since, "u": mb.until}, nil)
		}
		for _, tc := range []struct {
			on   any
			want []string
		}{
			{nil, []string{"AF:PARTNER", "KZ:MEMBER", "UZ:MEMBER", "UZ:OBSERVER"}},
			{"2001", []string{"AF:PARTNER"}},
			{"2001-10-06", []string{}},
			{"2015", []string{"AF:PARTNER", "KZ:MEMBER"}},
			{"2016-04-30", []string{"AF:PARTNER", "KZ:MEMBER"}},
			{"2016", []string{"AF:PARTNER", "KZ:MEMBER", "UZ:OBSERVER"}},
			{"2018-12", []string{"AF:PARTNER", "KZ:MEMBER", "UZ:OBSERVER"}},
			{"2019-01-01", []string{"AF:PARTNER", "KZ:MEMBER", "UZ:MEMBER"}},
			{"2021", []string{"AF:PARTNER", "KZ:MEMBER", "UZ:MEMBER"}},
			{"2021-08-16", []string{"KZ:MEMBER", "UZ:MEMBER"}},
			{"2030", []string{"KZ:MEMBER", "UZ:MEMBER"}},
		} {
			var out struct {
				Platform struct {
					Members []struct {
						Country struct{ Code string }
						Role    string
					}
				}
			}
			s.Query(t, `query($on: Date) { platform(slug: "club") { members(on: $on) { country { code } role } } }`, map[string]any{"on": tc.on}, &out)
			var got []string
			for _, mb := range out.Platform.Members {
				got = append(got, mb.Country.Code+":"+mb.Role)
			}
			if !slices.Equal(sortedCopy(got), sortedCopy(tc.want)) {
				t.Errorf("members(on: %v) = %v, want %v", tc.on, got, tc.want)
			}
		}
	})

	t.Run("invalid date", func(t *testing.T) {
		for _, on := range []string{"2023-13", "2023-02-30", "23"} {
			inline := fmt.Sprintf(`{ platform(slug: "club") { members(on: %q) { role } } }`, on)
			if got := errorCode(t, s, inline, nil); got != "BAD_USER_INPUT" {
				t.Errorf("members(on: %q): code %s, want BAD_USER_INPUT", on, got)
			}
			const variable = `query($on: Date) { official(slug: "career") { positions(on: $on) { title } } }`
			if got := errorCode(t, s, variable, map[string]any{"on": on}); got != "BAD_USER_INPUT" {
				t.Errorf("positions(on: $on = %q): code %s, want BAD_USER_INPUT", on, got)
			}
		}
	})
}

// TestSortEnumsRefuseUnknownValues: an orderBy value in the wrong case, sent as a
// variable, gets past the validator's case-insensitive check and must be refused as the
// client's mistake (BAD_USER_INPUT), never INTERNAL.
func TestSortEnumsRefuseUnknownValues(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	for _, c := range []struct{ query, value string }{
		{`query($d: SortOrder!) { sessions(orderBy: {field: START, direction: $d}) { totalCount } }`, "desc"},
		{`query($f: SessionOrderField!) { sessions(orderBy: {field: $f}) { totalCount } }`, "start"},
		{`query($d: SortOrder) { timeline(order: $d) { totalCount } }`, "asc"},
	} {
		r := s.Do(t, "", c.query, map[string]any{"d": c.value, "f": c.value})
		if code := r.Code(t); code != apierr.BadUserInput {
			t.Errorf("%s with %q: %s, want %s", c.query, c.value, code, apierr.BadUserInput)
		}
	}
}

// TestCountryCodesAreASCII: "ıT" (a dotless i, which Unicode upper-cases to I) names no
// country, in a filter or an input.
func TestCountryCodesAreASCII(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	for _, q := range []string{
		`query($c: String!) { timeline(filter: {countries: [$c]}) { totalCount } }`,
		`query($c: String!) { sessions(filter: {countries: [$c]}) { totalCount } }`,
		`mutation($c: String!) { createOfficial(input: {slug: "dotless", name: "Dotless", countryCode: $c}) { id } }`,
	} {
		r := s.Do(t, apitest.Token, q, map[string]any{"c": "ıT"})
		if code := r.Code(t); code != apierr.BadUserInput {
			t.Errorf("%s with ıT: %s, want %s", q, code, apierr.BadUserInput)
		}
	}
}
