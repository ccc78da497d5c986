package httpapi_test

import (
	"bytes"
	"diplomacy-timeline/httpapi/apitest"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"diplomacy-timeline/model"
)

// hzNoContentType asks hzSend to send no Content-Type header at all.
const hzNoContentType = "-"

// hzCase is one hostile request and what the server must answer.
type hzCase struct {
	name    string
	method  string            // POST when empty
	query   string            // raw URL query of the request, after "?"
	ctype   string            // Content-Type; application/json when empty, none when hzNoContentType
	header  map[string]string // extra request headers
	body    []byte
	chunked bool // send the body without Content-Length

	// status lists the statuses accepted; a value below 10 is a class (hz4xx).
	status []int
	// codes lists the extensions.code accepted for the first error; "" accepts an answer
	// without errors. Empty means exactly "" (no errors).
	codes []string
	// check, when set, looks further at the answer.
	check func(t *testing.T, r *hzResult)
	// bug, when set, is a known product bug that makes the case fail: the case then still
	// fails on a 5xx or an INTERNAL error, and otherwise is skipped with this line.
	bug string
}

// hzResult is a raw answer.
type hzResult struct {
	status int
	header http.Header
	raw    []byte
	resp   apitest.Response
	json   bool // raw decoded as a GraphQL response
}

// hzSend sends a case as a hand-built HTTP request.
func hzSend(t *testing.T, s *apitest.Server, c hzCase) *hzResult {
	t.Helper()
	method := c.method
	if method == "" {
		method = http.MethodPost
	}
	target := s.URL + "/graphql"
	if c.query != "" {
		target += "?" + c.query
	}
	var body io.Reader
	if c.body != nil {
		if c.chunked {
			// A reader http.NewRequest does not know the length of: sent chunked.
			body = io.MultiReader(bytes.NewReader(c.body))
		} else {
			body = bytes.NewReader(c.body)
		}
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	switch c.ctype {
	case "":
		if c.body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
	case hzNoContentType:
	default:
		req.Header.Set("Content-Type", c.ctype)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, c.name, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	r := &hzResult{status: res.StatusCode, header: res.Header, raw: raw}
	r.json = json.Unmarshal(raw, &r.resp) == nil
	r.resp.Status = res.StatusCode
	return r
}

// hzBody is the JSON body of a GraphQL request.
func hzBody(query string, vars map[string]any) []byte {
	req := map[string]any{"query": query}
	if vars != nil {
		req["variables"] = vars
	}
	b, err := json.Marshal(req)
	if err != nil {
		panic(err)
	}
	return b
}

// hzGet is the URL query of a GET request for the document.
func hzGet(query string) string { return "query=" + url.QueryEscape(query) }

// hzAuth is the header of an authenticated request.
var hzAuth = map[string]string{"Authorization": "Bearer " + apitest.Token}

// hzRawID is an opaque ID made of any text, as a client could forge it.
func hzRawID(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// hzInjections are SQL-injection attempts.
var hzInjections = []string{`'; DROP TABLE sessions; --`, `" OR 1=1 --`, `%' OR '1'='1`}

// hzZero checks that a read answered without errors found nothing: the injection was read
// as a value, not as SQL.
func hzZero(field string) func(t *testing.T, r *hzResult) {
	return func(t *testing.T, r *hzResult) {
		t.Helper()
		if len(r.resp.Errors) > 0 {
			return
		}
		var data map[string]struct {
			TotalCount int `json:"totalCount"`
		}
		if err := json.Unmarshal(r.resp.Data, &data); err != nil {
			t.Fatalf("decode %s: %v", r.resp.Data, err)
		}
		if n := data[field].TotalCount; n != 0 {
			t.Errorf("%s matched %d records; an injection must match nothing", field, n)
		}
	}
}

// hzAll runs every check.
func hzAll(checks ...func(t *testing.T, r *hzResult)) func(t *testing.T, r *hzResult) {
	return func(t *testing.T, r *hzResult) {
		t.Helper()
		for _, c := range checks {
			c(t, r)
		}
	}
}

// hzLimit checks that a limit's refusal says the limit and what the request had, above it.
func hzLimit(limit int) func(t *testing.T, r *hzResult) {
	return func(t *testing.T, r *hzResult) {
		t.Helper()
		if len(r.resp.Errors) == 0 {
			t.Fatal("no error")
		}
		ext := r.resp.Errors[0].Extensions
		got, _ := ext["limit"].(float64)
		actual, _ := ext["actual"].(float64)
		if int(got) != limit || actual <= got {
			t.Errorf("extensions limit %v, actual %v; want limit %d and more than it", ext["limit"], ext["actual"], limit)
		}
	}
}

// hzHeader checks a response header.
func hzHeader(name, want string) func(t *testing.T, r *hzResult) {
	return func(t *testing.T, r *hzResult) {
		t.Helper()
		if got := r.header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
}

// hzHeaderHas checks that a comma-separated response header lists a value.
func hzHeaderHas(name, want string) func(t *testing.T, r *hzResult) {
	return func(t *testing.T, r *hzResult) {
		t.Helper()
		for _, v := range strings.Split(r.header.Get(name), ",") {
			if strings.TrimSpace(v) == want {
				return
			}
		}
		t.Errorf("header %s = %q, want it to list %s", name, r.header.Get(name), want)
	}
}

// hzMessageHas checks the first error's message mentions every word.
func hzMessageHas(words ...string) func(t *testing.T, r *hzResult) {
	return func(t *testing.T, r *hzResult) {
		t.Helper()
		if len(r.resp.Errors) == 0 {
			t.Fatalf("no error")
		}
		for _, w := range words {
			if !strings.Contains(r.resp.Errors[0].Message, w) {
				t.Errorf("message %q does not mention %q", r.resp.Errors[0].Message, w)
			}
		}
	}
}

// hzFilterFields are the filters of the top-level connections, by filter input type,
// with the kind of each field: "list" of strings, "text" a string, "date", or "enums".
var hzFilterFields = []struct {
	conn, input string
	fields      map[string]string
}{
	{"sessions", "SessionFilter", map[string]string{"platforms": "list", "kinds": "enums", "from": "date", "to": "date", "countries": "list", "topics": "list", "officials": "list"}},
	{"timeline", "TimelineFilter", map[string]string{"from": "date", "to": "date", "kinds": "enums", "platforms": "list", "countries": "list", "officials": "list", "topics": "list", "text": "text"}},
	{"platforms", "PlatformFilter", map[string]string{"kinds": "enums", "countries": "list", "slugs": "list"}},
	{"initiatives", "InitiativeFilter", map[string]string{"statuses": "enums", "countries": "list", "proposedBy": "list", "platforms": "list", "topics": "list"}},
	{"officials", "OfficialFilter", map[string]string{"countries": "list", "slugs": "list"}},
	{"statements", "StatementFilter", map[string]string{"officials": "list", "sessions": "list", "from": "date", "to": "date"}},
	{"topics", "TopicFilter", map[string]string{"slugs": "list", "nameContains": "text"}},
	{"countries", "CountryFilter", map[string]string{"codes": "list", "nameContains": "text"}},
	{"sources", "SourceFilter", map[string]string{"publishers": "list", "languages": "list", "from": "date", "to": "date"}},
}

// hzInjectionCases puts each injection string in every filter field of every connection
// and in search, as a variable and, for search, as a literal too.
func hzInjectionCases() []hzCase {
	var out []hzCase
	for _, f := range hzFilterFields {
		q := fmt.Sprintf(`query($f: %s) { %s(filter: $f) { totalCount } }`, f.input, f.conn)
		fields := make([]string, 0, len(f.fields))
		for name := range f.fields {
			fields = append(fields, name)
		}
		slices.Sort(fields)
		for _, field := range fields {
			for i, inj := range hzInjections {
				c := hzCase{name: fmt.Sprintf("injection %d in %s.%s", i, f.conn, field), status: []int{200}}
				switch f.fields[field] {
				case "list":
					c.body = hzBody(q, map[string]any{"f": map[string]any{field: []string{inj, "x" + inj}}})
					// A slug or code that does not exist matches nothing; a list of country
					// codes may also be refused as not being codes.
					c.codes = []string{"", "BAD_USER_INPUT"}
					c.check = hzZero(f.conn)
				case "text":
					c.body = hzBody(q, map[string]any{"f": map[string]any{field: inj}})
					c.codes = []string{"", "BAD_USER_INPUT"}
					if field == "nameContains" {
						c.check = hzZero(f.conn)
					}
				case "date":
					c.body = hzBody(q, map[string]any{"f": map[string]any{field: inj}})
					c.codes = []string{"BAD_USER_INPUT"}
				case "enums":
					// Not a value of the enum: refused by variable validation.
					c.body = hzBody(q, map[string]any{"f": map[string]any{field: []string{inj}}})
					c.status = []int{400, 422}
					c.codes = []string{"GRAPHQL_VALIDATION_FAILED"}
				}
				out = append(out, c)
			}
		}
	}
	for i, inj := range hzInjections {
		out = append(out,
			hzCase{
				name:   fmt.Sprintf("injection %d in search variable", i),
				body:   hzBody(`query($q: String!) { search(query: $q, first: 100) { totalCount nodes { __typename } } }`, map[string]any{"q": inj}),
				status: []int{200}, codes: []string{"", "BAD_USER_INPUT"},
			},
			hzCase{
				name:   fmt.Sprintf("injection %d in search literal", i),
				body:   hzBody(fmt.Sprintf(`{ search(query: %s) { totalCount } }`, strconv.Quote(inj)), nil),
				status: []int{200}, codes: []string{"", "BAD_USER_INPUT"},
			},
			hzCase{
				name:   fmt.Sprintf("injection %d in lookup by slug", i),
				body:   hzBody(`query($s: String!) { session(slug: $s) { id } platform(slug: $s) { id } official(slug: $s) { id } initiative(slug: $s) { id } topic(slug: $s) { id } country(code: $s) { code } }`, map[string]any{"s": inj}),
				status: []int{200}, codes: []string{"", "BAD_USER_INPUT"},
				check: func(t *testing.T, r *hzResult) {
					if len(r.resp.Errors) == 0 && strings.Contains(string(r.resp.Data), `"id"`) {
						t.Errorf("a lookup by an injection string found a record: %s", r.resp.Data)
					}
				},
			},
		)
	}
	return out
}

// hzCases is the table of hostile requests.
func hzCases() []hzCase {
	const topics = `{ topics { totalCount } }`
	const createTopic = `mutation { createTopic(input: {slug: "hz-hostile", name: "Hostile"}) { id } }`
	sessionID := model.IntID(model.TypeSession, 1)

	var nested strings.Builder // 30 levels: sessions, nodes and 28 parents
	nested.WriteString(`{ sessions(first: 1) { nodes { `)
	for range 28 {
		nested.WriteString(`parent { `)
	}
	nested.WriteString(`id`)
	nested.WriteString(strings.Repeat(` }`, 31))

	var fragments strings.Builder // 30 levels again, one fragment each
	fragments.WriteString(`query { ...F0 } fragment F0 on Query { sessions(first: 1) { nodes { ...F1 } } } `)
	for i := 1; i <= 28; i++ {
		fmt.Fprintf(&fragments, "fragment F%d on Session { parent { ...F%d } } ", i, i+1)
	}
	fragments.WriteString(`fragment F29 on Session { id }`)

	// Fragments that spread the next one twice, 40 levels down: 2^40 fields once
	// expanded, in 2 KB. Refused at once, or this test never ends.
	doubling := func(root, on string) string {
		var b strings.Builder
		b.WriteString(root)
		for i := range 40 {
			fmt.Fprintf(&b, " fragment D%d on %s { ...D%d ...D%d }", i, on, i+1, i+1)
		}
		fmt.Fprintf(&b, " fragment D40 on %s { name }", on)
		return b.String()
	}
	var aliases strings.Builder
	aliases.WriteString(`{ topics { `)
	for i := range 1000 {
		fmt.Fprintf(&aliases, "a%d: totalCount ", i)
	}
	aliases.WriteString(`} }`)

	var roots strings.Builder
	roots.WriteString(`{ `)
	for range 1000 {
		roots.WriteString(`__typename `)
	}
	roots.WriteString(`}`)

	var aliasedRoots strings.Builder
	aliasedRoots.WriteString(`{ `)
	for i := range 1000 {
		fmt.Fprintf(&aliasedRoots, "r%d: topics(first: 1) { totalCount } ", i)
	}
	aliasedRoots.WriteString(`}`)

	tenThousand := make([]string, 10000)
	for i := range tenThousand {
		tenThousand[i] = model.IntID(model.TypeTopic, int64(i+1))
	}
	literalIDs, _ := json.Marshal(tenThousand)

	manyTokens := make([]string, 20000) // 20,000 list items, over the 15,000-token limit
	for i := range manyTokens {
		manyTokens[i] = "x"
	}
	tokenBomb, _ := json.Marshal(manyTokens)

	twoMiB := hzBody(`query($q: String!) { search(query: $q) { totalCount } }`, map[string]any{"q": strings.Repeat("a", 2<<20)})
	deepJSON := []byte(`{"query":"{ topics { totalCount } }","variables":{"v":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}`)

	var duplicateDirectives strings.Builder
	duplicateDirectives.WriteString(`{ __typename`)
	for range 1000 {
		duplicateDirectives.WriteString(` @include(if: true)`)
	}
	duplicateDirectives.WriteString(` }`)

	cases := []hzCase{
		// The body.
		{name: "truncated JSON", body: []byte(`{"query": "{ topics { totalCount } }"`), status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "JSON with unquoted keys", body: []byte(`{query: "{ topics { totalCount } }"}`), status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "JSON with trailing garbage", body: []byte(`{"query": "{ topics { totalCount } }"} {"query": "{ __typename }"}`), status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "empty body", body: []byte{}, status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "whitespace body", body: []byte(" \n\t "), status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "empty array", body: []byte(`[]`), status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "batched requests", body: []byte(`[{"query": "{ topics { totalCount } }"}, {"query": "{ __typename }"}]`), status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "a JSON string", body: []byte(`"{ topics { totalCount } }"`), status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "JSON null", body: []byte(`null`), status: []int{400, 422}, codes: []string{"BAD_REQUEST", "GRAPHQL_VALIDATION_FAILED"}},
		{name: "empty object", body: []byte(`{}`), status: []int{400, 422}, codes: []string{"BAD_REQUEST", "GRAPHQL_VALIDATION_FAILED"}},
		{name: "query is a number", body: []byte(`{"query": 5}`), status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "query is an object", body: []byte(`{"query": {"a": 1}}`), status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "variables is a string", body: []byte(`{"query": "{ topics { totalCount } }", "variables": "{}"}`), status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "variables is an array", body: []byte(`{"query": "{ topics { totalCount } }", "variables": [1]}`), status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "operationName is a number", body: []byte(`{"query": "{ topics { totalCount } }", "operationName": 1}`), status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "variables nested 20,000 deep", body: deepJSON, status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "2 MiB body", body: twoMiB, status: []int{413}, codes: []string{"REQUEST_TOO_LARGE"}},
		{name: "2 MiB body, chunked", body: twoMiB, chunked: true, status: []int{413}, codes: []string{"REQUEST_TOO_LARGE"}},

		// The content type.
		{name: "text/plain", ctype: "text/plain", body: hzBody(topics, nil), status: []int{415}, codes: []string{"UNSUPPORTED_MEDIA_TYPE"}},
		{name: "form-urlencoded", ctype: "application/x-www-form-urlencoded", body: []byte("query=" + url.QueryEscape(createTopic)), header: hzAuth, status: []int{415}, codes: []string{"UNSUPPORTED_MEDIA_TYPE"}},
		{name: "multipart", ctype: "multipart/form-data; boundary=xyz", body: []byte("--xyz\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\n" + createTopic + "\r\n--xyz--\r\n"), header: hzAuth, status: []int{415}, codes: []string{"UNSUPPORTED_MEDIA_TYPE"}},
		{name: "no content type", ctype: hzNoContentType, body: hzBody(createTopic, nil), header: hzAuth, status: []int{415}, codes: []string{"UNSUPPORTED_MEDIA_TYPE"}},
		{name: "application/graphql", ctype: "application/graphql", body: []byte(topics), status: []int{415}, codes: []string{"UNSUPPORTED_MEDIA_TYPE"}},
		{name: "malformed content type", ctype: "application/json; charset", body: hzBody(topics, nil), status: []int{415}, codes: []string{"UNSUPPORTED_MEDIA_TYPE"}},
		{name: "json with charset (accepted)", ctype: "application/json; charset=utf-8", body: hzBody(topics, nil), status: []int{200}},

		// Variables of the wrong type.
		{name: "string for Int variable", body: hzBody(`query($n: Int) { topics(first: $n) { totalCount } }`, map[string]any{"n": "ten"}), status: []int{422}, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "float for Int variable", body: hzBody(`query($n: Int) { topics(first: $n) { totalCount } }`, map[string]any{"n": 1.5}), status: []int{422}, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "object for ID variable", body: hzBody(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": map[string]any{"a": 1}}), status: []int{422}, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "list for String variable", body: hzBody(`query($q: String!) { search(query: $q) { totalCount } }`, map[string]any{"q": []string{"a", "b"}}), status: []int{422}, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "missing required variable", body: hzBody(`query($q: String!) { search(query: $q) { totalCount } }`, nil), status: []int{422}, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "number for Date variable", body: hzBody(`query($d: Date) { sessions(filter: {from: $d}) { totalCount } }`, map[string]any{"d": 20230101}), status: []int{200, 422}, codes: []string{"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}},

		// Integers beyond 32 bits.
		{name: "first 2^31 literal", body: hzBody(`{ topics(first: 2147483648) { totalCount } }`, nil), status: []int{200, 422}, codes: []string{"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}},
		{name: "first 2^32 literal", body: hzBody(`{ topics(first: 4294967296) { totalCount } }`, nil), status: []int{200, 422}, codes: []string{"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}},
		{name: "first beyond 64 bits literal", body: hzBody(`{ topics(first: 99999999999999999999999) { totalCount } }`, nil), status: []int{200, 422}, codes: []string{"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}},
		{name: "first 2^32 variable", body: []byte(`{"query": "query($n: Int) { topics(first: $n) { totalCount } }", "variables": {"n": 4294967296}}`), status: []int{200, 422}, codes: []string{"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}},
		{name: "last 2^32+1 wrapping to 1, variable", body: []byte(`{"query": "query($n: Int) { topics(last: $n) { totalCount } }", "variables": {"n": 4294967297}}`), status: []int{200, 422}, codes: []string{"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}},
		{name: "first beyond 64 bits variable", body: []byte(`{"query": "query($n: Int) { topics(first: $n) { totalCount } }", "variables": {"n": 99999999999999999999999}}`), status: []int{200, 422}, codes: []string{"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}},
		{name: "first -2^31 variable", body: []byte(`{"query": "query($n: Int) { topics(first: $n) { totalCount } }", "variables": {"n": -2147483648}}`), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},

		// Page sizes.
		{name: "first -1", body: hzBody(`{ sessions(first: -1) { totalCount } }`, nil), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "first 101", body: hzBody(`{ sessions(first: 101) { totalCount } }`, nil), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "first 1,000,000", body: hzBody(`{ timeline(first: 1000000) { totalCount } }`, nil), status: []int{200, 400, 422}, codes: []string{"BAD_USER_INPUT", "COMPLEXITY_LIMIT_EXCEEDED"}},
		{name: "last -5", body: hzBody(`{ officials(last: -5) { totalCount } }`, nil), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "last 2147483647", body: hzBody(`{ platforms(last: 2147483647) { totalCount } }`, nil), status: []int{200, 400, 422}, codes: []string{"BAD_USER_INPUT", "COMPLEXITY_LIMIT_EXCEEDED"}},
		{name: "search first 101", body: hzBody(`{ search(query: "a", first: 101) { totalCount } }`, nil), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},

		// Cursors.
		{name: "cursor garbage", body: hzBody(`{ sessions(after: "!!!not-base64!!!") { totalCount } }`, nil), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "cursor of one element", body: hzBody(`query($c: String) { timeline(after: $c) { totalCount } }`, map[string]any{"c": hzRawID(`[1]`)}), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "cursor with SQL", body: hzBody(`query($c: String) { sessions(before: $c) { totalCount } }`, map[string]any{"c": hzRawID(`["1; DROP TABLE sessions", "1 OR 1=1"]`)}), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "cursor of 3,000 bytes", body: hzBody(`query($c: String) { search(query: "a", after: $c) { totalCount } }`, map[string]any{"c": strings.Repeat("A", 3000)}), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},

		// IDs.
		{name: "ID garbage", body: hzBody(`{ node(id: "nope") { id } }`, nil), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "ID empty", body: hzBody(`{ node(id: "") { id } }`, nil), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "ID negative key", body: hzBody(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": hzRawID("Session:-1")}), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "ID key beyond 64 bits", body: hzBody(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": hzRawID("Session:99999999999999999999")}), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "ID unknown type", body: hzBody(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": hzRawID("User:1")}), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "ID with SQL", body: hzBody(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": hzRawID("Session:1 OR 1=1")}), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "ID of the wrong type in a mutation", header: hzAuth, body: hzBody(`mutation($id: ID!) { updateTopic(id: $id, input: {name: "Hijacked"}) { id } }`, map[string]any{"id": sessionID}), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "ID with invalid UTF-8", body: []byte(`{"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": "` + hzRawID("Session:1\xff") + `"}}`), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "10,000 IDs in nodes, literal", body: hzBody(`{ nodes(ids: `+string(literalIDs)+`) { id } }`, nil), status: []int{200, 400, 422}, codes: []string{"BAD_USER_INPUT", "COMPLEXITY_LIMIT_EXCEEDED"}},
		{name: "10,000 IDs in nodes, variable", body: hzBody(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": tenThousand}), status: []int{200, 400, 422}, codes: []string{"BAD_USER_INPUT", "COMPLEXITY_LIMIT_EXCEEDED"}},

		// Dates.
		{name: "date 2023-02-30 literal", body: hzBody(`{ sessions(filter: {from: "2023-02-30"}) { totalCount } }`, nil), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "date 2023-02-30 variable", body: hzBody(`query($d: Date) { timeline(filter: {to: $d}) { totalCount } }`, map[string]any{"d": "2023-02-30"}), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "date 99999 literal", body: hzBody(`{ statements(filter: {from: "99999"}) { totalCount } }`, nil), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "date 99999 variable", body: hzBody(`query($d: Date) { timelineBuckets(filter: {from: $d}, granularity: YEAR) { count } }`, map[string]any{"d": "99999"}), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "date 2023-13 in an argument", body: hzBody(`query($d: Date) { platforms { nodes { members(on: $d) { role } } } }`, map[string]any{"d": "2023-13"}), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},
		{name: "date 2023-02-30 in a mutation", header: hzAuth, body: hzBody(`mutation { createSession(input: {slug: "hz-bad-date", title: "Bad", kind: OTHER, start: "2023-02-30"}) { id } }`, nil), status: []int{200}, codes: []string{"BAD_USER_INPUT"}},

		// NUL bytes and invalid UTF-8.
		{name: "escaped NUL in a variable", body: []byte(`{"query": "query($q: String!) { search(query: $q) { totalCount } }", "variables": {"q": "alma\u0000ty"}}`), status: []int{200}, codes: []string{"", "BAD_USER_INPUT"}},
		{name: "escaped NUL in a filter", body: []byte(`{"query": "query($s: [String!]) { sessions(filter: {platforms: $s}) { totalCount } }", "variables": {"s": ["c5\u0000"]}}`), status: []int{200}, codes: []string{"", "BAD_USER_INPUT"}, check: hzZero("sessions")},
		{name: "raw NUL in the JSON", body: []byte("{\"query\": \"{ topics { totalCount } }\x00\"}"), status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "NUL in the document", body: []byte(`{"query": "{ topics\u0000 { totalCount } }"}`), status: []int{400, 422}, codes: []string{"GRAPHQL_PARSE_FAILED"}},
		{name: "NUL in a string literal", body: []byte(`{"query": "{ search(query: \"a\u0000b\") { totalCount } }"}`), status: []int{400, 422}, codes: []string{"GRAPHQL_PARSE_FAILED"}},
		{name: "invalid UTF-8 in a variable", body: []byte("{\"query\": \"query($q: String!) { search(query: $q) { totalCount } }\", \"variables\": {\"q\": \"\xff\xfe\xc0\xaf\"}}"), status: []int{200}, codes: []string{"", "BAD_USER_INPUT"}},
		{name: "invalid UTF-8 in the document", body: []byte("{\"query\": \"{ topics\xff\xfe { totalCount } }\"}"), status: []int{400, 422}, codes: []string{"GRAPHQL_PARSE_FAILED"}},
		{name: "invalid UTF-8 in a slug filter", body: []byte("{\"query\": \"query($s: [String!]) { topics(filter: {slugs: $s}) { totalCount } }\", \"variables\": {\"s\": [\"\xc3\x28\"]}}"), status: []int{200}, codes: []string{"", "BAD_USER_INPUT"}, check: hzZero("topics")},
		{name: "lone surrogate in a variable", body: []byte(`{"query": "query($q: String!) { search(query: $q) { totalCount } }", "variables": {"q": "\ud800x"}}`), status: []int{200}, codes: []string{"", "BAD_USER_INPUT"}},

		// Shape and cost.
		{name: "30-deep nesting", body: hzBody(nested.String(), nil), status: []int{200, 400, 422}, codes: []string{"DEPTH_LIMIT_EXCEEDED"}, check: hzAll(hzMessageHas("depth", "12"), hzLimit(12))},
		{name: "1,000 aliases", body: hzBody(aliases.String(), nil), status: []int{200, 400, 422}, codes: []string{"ALIAS_LIMIT_EXCEEDED"}, check: hzAll(hzMessageHas("alias", "50"), hzLimit(50))},
		{name: "1,000 root fields", body: hzBody(roots.String(), nil), status: []int{200, 400, 422}, codes: []string{"ROOT_FIELD_LIMIT_EXCEEDED"}, check: hzMessageHas("root field", "20")},
		{name: "1,000 aliased root connections", body: hzBody(aliasedRoots.String(), nil), status: []int{200, 400, 422}, codes: []string{"ROOT_FIELD_LIMIT_EXCEEDED"}},
		{name: "fragments doubling 40 times", body: hzBody(doubling(`{ platform(slug: "c5-plus-1") { ...D0 } }`, "Platform"), nil), status: []int{200, 400, 422}, codes: []string{"FIELD_LIMIT_EXCEEDED"}, check: hzLimit(5000)},
		{name: "fragments doubling 40 times in introspection", body: hzBody(doubling(`{ __schema { types { ...D0 } } }`, "__Type"), nil), status: []int{200, 400, 422}, codes: []string{"FIELD_LIMIT_EXCEEDED"}, check: hzLimit(5000)},
		{name: "30-deep nesting through fragments", body: hzBody(fragments.String(), nil), status: []int{200, 400, 422}, codes: []string{"DEPTH_LIMIT_EXCEEDED"}},
		{name: "introspection cycle", body: hzBody(`{ __schema { types { `+strings.Repeat(`fields { type { ofType { `, 5)+`name`+strings.Repeat(` }`, 17)+` }`, nil), status: []int{400, 422}, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "1,000 duplicated fields (merged)", body: hzBody(`{ sessions(first: 100) { nodes { `+strings.Repeat("summary ", 1000)+`} } }`, nil), status: []int{200}},
		{name: "complexity bomb", body: hzBody(`{ platforms(first: 100) { nodes { sessions(first: 100) { nodes { participants { official { sessions(first: 100) { nodes { topics { sessions(first: 100) { totalCount } } } } } } } } } } }`, nil), status: []int{200, 400, 422}, codes: []string{"COMPLEXITY_LIMIT_EXCEEDED"}, check: hzAll(hzMessageHas("complexity", "200000"), hzLimit(200000))},
		{name: "document over the token limit", body: hzBody(`{ nodes(ids: `+string(tokenBomb)+`) { id } }`, nil), status: []int{400, 422}, codes: []string{"GRAPHQL_PARSE_FAILED"}},
		{name: "1,000 duplicate directives", body: hzBody(duplicateDirectives.String(), nil), status: []int{400, 422}, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "fragment cycle", body: hzBody(`query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`, nil), status: []int{400, 422}, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "unknown operation name", body: []byte(`{"query": "query A { __typename }", "operationName": "B"}`), status: []int{400, 422}, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "two operations, no name", body: hzBody(`query A { __typename } query B { __typename }`, nil), status: []int{400, 422}, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "subscription", body: hzBody(`subscription { topics { totalCount } }`, nil), status: []int{400, 422}, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},

		// Methods.
		{name: "mutation over GET", method: http.MethodGet, query: hzGet(createTopic), header: hzAuth, status: []int{405}, codes: []string{"METHOD_NOT_ALLOWED"}, check: hzHeader("Allow", "POST")},
		{name: "named mutation over GET", method: http.MethodGet, query: hzGet(`query Q { __typename } `+createTopic[:len("mutation")]+` M `+createTopic[len("mutation"):]) + "&operationName=M", header: hzAuth, status: []int{405}, codes: []string{"METHOD_NOT_ALLOWED"}, check: hzHeader("Allow", "POST")},
		{name: "query over GET (accepted)", method: http.MethodGet, query: hzGet(topics), status: []int{200}},
		{name: "GET with bad variables", method: http.MethodGet, query: hzGet(`query($n: Int) { topics(first: $n) { totalCount } }`) + "&variables=%7Bnot-json", status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "GET with bad extensions", method: http.MethodGet, query: hzGet(`{ topics { totalCount } }`) + "&extensions=%5B", status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "GET with a malformed URL query", method: http.MethodGet, query: hzGet(`{ topics { totalCount } }`) + "&x=%zz", status: []int{400}, codes: []string{"BAD_REQUEST"}},
		{name: "GET without a query", method: http.MethodGet, status: []int{400, 422}, codes: []string{"GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST"}},
		{name: "PUT", method: http.MethodPut, header: hzAuth, body: hzBody(createTopic, nil), status: []int{405}, codes: []string{"METHOD_NOT_ALLOWED"}, check: hzHeaderHas("Allow", "POST")},
		{name: "DELETE", method: http.MethodDelete, header: hzAuth, status: []int{405}, codes: []string{"METHOD_NOT_ALLOWED"}, check: hzHeaderHas("Allow", "POST")},
		{name: "PATCH", method: http.MethodPatch, header: hzAuth, body: hzBody(createTopic, nil), status: []int{405}, codes: []string{"METHOD_NOT_ALLOWED"}, check: hzHeaderHas("Allow", "POST")},

		// Authentication.
		{name: "mutation without a token", body: hzBody(createTopic, nil), status: []int{200}, codes: []string{"UNAUTHENTICATED"}},
		{name: "mutation with a wrong token", header: map[string]string{"Authorization": "Bearer wrong-" + apitest.Token}, body: hzBody(createTopic, nil), status: []int{200}, codes: []string{"UNAUTHENTICATED"}},
		{name: "mutation with the token as Basic", header: map[string]string{"Authorization": "Basic " + apitest.Token}, body: hzBody(createTopic, nil), status: []int{200}, codes: []string{"UNAUTHENTICATED"}},
		{name: "mutation with an empty bearer", header: map[string]string{"Authorization": "Bearer "}, body: hzBody(createTopic, nil), status: []int{200}, codes: []string{"UNAUTHENTICATED"}},
		{name: "mutation with the token's prefix", header: map[string]string{"Authorization": "Bearer " + apitest.Token[:len(apitest.Token)-1]}, body: hzBody(`mutation($id: ID!) { deleteTopic(id: $id) }`, map[string]any{"id": model.IntID(model.TypeTopic, 1)}), status: []int{200}, codes: []string{"UNAUTHENTICATED"}},

		// Automatic persisted queries.
		{name: "APQ hash unknown", body: []byte(`{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "deadbeef"}}}`), status: []int{200}, codes: []string{"PERSISTED_QUERY_NOT_FOUND"}},
		{name: "APQ hash not matching the query", body: []byte(`{"query": "{ topics { totalCount } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0000000000000000000000000000000000000000000000000000000000000000"}}}`), status: []int{200, 400}, codes: []string{"BAD_REQUEST"}},
		{name: "APQ version 2", body: []byte(`{"query": "{ topics { totalCount } }", "extensions": {"persistedQuery": {"version": 2, "sha256Hash": "x"}}}`), status: []int{200, 400}, codes: []string{"BAD_REQUEST"}},
		{name: "APQ persistedQuery of the wrong type", body: []byte(`{"query": "{ topics { totalCount } }", "extensions": {"persistedQuery": "x"}}`), status: []int{200, 400}, codes: []string{"BAD_REQUEST"}},

		// application/graphql-response+json.
		{name: "graphql-response+json parse error", header: map[string]string{"Accept": "application/graphql-response+json"}, body: hzBody(`{ topics { totalCount }`, nil), status: []int{400}, codes: []string{"GRAPHQL_PARSE_FAILED"}, check: hzHeader("Content-Type", "application/graphql-response+json")},
		{name: "graphql-response+json validation error", header: map[string]string{"Accept": "application/graphql-response+json"}, body: hzBody(`{ topics { totalCountt } }`, nil), status: []int{400, 422}, codes: []string{"GRAPHQL_VALIDATION_FAILED"}, check: hzHeader("Content-Type", "application/graphql-response+json")},
		{name: "graphql-response+json success", header: map[string]string{"Accept": "application/graphql-response+json"}, body: hzBody(topics, nil), status: []int{200}, check: hzHeader("Content-Type", "application/graphql-response+json")},
		{name: "json parse error", body: hzBody(`{ topics { totalCount }`, nil), status: []int{400, 422}, codes: []string{"GRAPHQL_PARSE_FAILED"}},
		{name: "json validation error", body: hzBody(`{ topics { totalCountt } }`, nil), status: []int{400, 422}, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
	}
	return append(cases, hzInjectionCases()...)
}

// hzSnapshotQueries read every record of every top-level connection, and the timeline.
var hzSnapshotQueries = map[string]string{
	"countries":   `code name`,
	"platforms":   `id slug name kind founded dissolved members { country { code } role since until }`,
	"sessions":    `id slug title kind start end summary participants { official { slug } role }`,
	"officials":   `id slug name otherNames positions { title start end }`,
	"initiatives": `id slug title status statusHistory { status on }`,
	"topics":      `id slug name description`,
	"sources":     `id title publisher publishedOn`,
	"statements":  `id date text official { slug }`,
	"timeline":    `id kind date endDate title`,
}

// hzSnapshot returns every totalCount and every record of the top-level connections, so
// that two snapshots differ if anything was written.
func hzSnapshot(t *testing.T, s *apitest.Server) string {
	t.Helper()
	conns := make([]string, 0, len(hzSnapshotQueries))
	for c := range hzSnapshotQueries {
		conns = append(conns, c)
	}
	slices.Sort(conns)
	var out strings.Builder
	for _, c := range conns {
		q := fmt.Sprintf(`query($after: String) { c: %s(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { %s } } }`, c, hzSnapshotQueries[c])
		var after any
		for page := 0; ; page++ {
			if page > 1000 {
				t.Fatalf("%s: too many pages", c)
			}
			var data struct {
				C struct {
					TotalCount int `json:"totalCount"`
					PageInfo   struct {
						HasNextPage bool   `json:"hasNextPage"`
						EndCursor   string `json:"endCursor"`
					} `json:"pageInfo"`
					Nodes json.RawMessage `json:"nodes"`
				} `json:"c"`
			}
			s.Query(t, q, map[string]any{"after": after}, &data)
			if page == 0 {
				fmt.Fprintf(&out, "%s totalCount %d\n", c, data.C.TotalCount)
			}
			fmt.Fprintf(&out, "%s\n", data.C.Nodes)
			if !data.C.PageInfo.HasNextPage {
				break
			}
			after = data.C.PageInfo.EndCursor
		}
	}
	return out.String()
}

// hzAccepts reports whether status is one of the accepted statuses or classes.
func hzAccepts(accepted []int, status int) bool {
	for _, a := range accepted {
		if a == status || (a < 10 && status/100 == a) {
			return true
		}
	}
	return false
}

func TestHostileRequests(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	before := hzSnapshot(t, s)
	if !strings.Contains(before, "sessions totalCount") || strings.Contains(before, "totalCount 0\n") {
		t.Fatalf("the default dataset looks empty:\n%.2000s", before)
	}

	cases := hzCases()
	if len(cases) < 45 {
		t.Fatalf("only %d hostile cases", len(cases))
	}
	names := map[string]bool{}
	for _, c := range cases {
		if names[c.name] {
			t.Fatalf("two cases named %q", c.name)
		}
		names[c.name] = true
	}
	t.Logf("%d hostile requests", len(cases))

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := hzSend(t, s, c)
			desc := fmt.Sprintf("HTTP %d, body %.400s", r.status, r.raw)
			if r.status >= 500 {
				t.Fatalf("a 5xx: %s", desc)
			}
			if slices.Contains(r.resp.Codes(), "INTERNAL") {
				t.Fatalf("an INTERNAL error: %s", desc)
			}
			var problems []string
			if !hzAccepts(c.status, r.status) {
				problems = append(problems, fmt.Sprintf("status %d, want one of %v", r.status, c.status))
			}
			codes := c.codes
			if len(codes) == 0 {
				codes = []string{""}
			}
			got := ""
			if len(r.resp.Errors) > 0 {
				got = r.resp.Codes()[0]
				if got == "" {
					problems = append(problems, "an error without extensions.code")
				}
			}
			switch {
			case !r.json:
				problems = append(problems, "the answer is not a GraphQL JSON response")
			case !slices.Contains(codes, got):
				problems = append(problems, fmt.Sprintf("first error code %q, want one of %q", got, codes))
			case r.status/100 == 4 && len(r.resp.Errors) == 0:
				problems = append(problems, "a 4xx without an error")
			}
			if len(problems) > 0 {
				if c.bug != "" {
					t.Skipf("BUG: %s (%s; %s)", c.bug, strings.Join(problems, "; "), desc)
				}
				for _, p := range problems {
					t.Errorf("%s: %s", p, desc)
				}
				return
			}
			if c.bug != "" {
				t.Errorf("the case of a known bug passes; drop its bug line: %s", c.bug)
			}
			if c.check != nil {
				c.check(t, r)
			}
		})
	}

	t.Run("database unchanged", func(t *testing.T) {
		if after := hzSnapshot(t, s); after != before {
			t.Fatalf("the hostile requests changed the database:\nbefore:\n%.3000s\nafter:\n%.3000s", before, after)
		}
	})
	t.Run("healthz", func(t *testing.T) {
		res, err := s.Client().Get(s.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /healthz after the hostile requests: %d", res.StatusCode)
		}
	})
}

func TestHostileSecurityHeaders(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	requests := []struct {
		name   string
		c      hzCase
		status int
	}{
		{"graphql answer", hzCase{body: hzBody(`{ topics { totalCount } }`, nil)}, 200},
		{"415 refusal", hzCase{ctype: "text/plain", body: hzBody(`{ topics { totalCount } }`, nil)}, 415},
		{"405 refusal", hzCase{method: http.MethodGet, query: hzGet(`mutation { deleteTopic(id: "x") }`)}, 405},
		{"400 refusal", hzCase{body: []byte(`{`)}, 400},
		{"413 refusal", hzCase{body: hzBody(strings.Repeat(" ", 2<<20)+`{ __typename }`, nil)}, 413},
		{"validation error", hzCase{body: hzBody(`{ nope }`, nil)}, 422},
	}
	check := func(t *testing.T, h http.Header) {
		t.Helper()
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("X-Content-Type-Options %q, want nosniff", got)
		}
		if got := h.Get("X-Frame-Options"); got != "DENY" && got != "SAMEORIGIN" {
			t.Errorf("X-Frame-Options %q, want DENY", got)
		}
		if got := h.Get("Content-Security-Policy"); got == "" {
			t.Error("no Content-Security-Policy")
		} else if !strings.Contains(got, "frame-ancestors") && !strings.Contains(got, "default-src") {
			t.Errorf("Content-Security-Policy %q restricts nothing", got)
		}
	}
	for _, rq := range requests {
		t.Run(rq.name, func(t *testing.T) {
			r := hzSend(t, s, rq.c)
			if r.status != rq.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, rq.status, r.raw)
			}
			check(t, r.header)
		})
	}
	for _, path := range []string{"/healthz", "/readyz", "/no-such-page"} {
		t.Run(path, func(t *testing.T) {
			res, err := s.Client().Get(s.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if path == "/healthz" && res.StatusCode != http.StatusOK {
				t.Fatalf("GET /healthz: %d", res.StatusCode)
			}
			check(t, res.Header)
		})
	}
}
