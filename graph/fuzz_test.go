package graph_test

import (
	"bytes"
	"diplomacy-timeline/httpapi/apitest"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzGraphQLHandler feeds the whole HTTP surface arbitrary /graphql requests. Run it
// briefly with:
//
//	go test ./graph -run='^$' -fuzz='^FuzzGraphQLHandler$' -fuzztime=30s
//
// Its seeds run as ordinary tests in go test ./....

// fzContentTypes are the Content-Type headers a fuzzed POST carries, chosen by the low
// four bits of the kind argument; the values beyond the list (fzWrap and up) send the
// body as the GraphQL document of a well-formed application/json request instead, so that
// the fuzzer also explores the parser, validation and resolvers, not only the JSON layer.
var fzContentTypes = []string{
	"application/json",
	"application/json; charset=utf-8",
	"application/graphql-response+json",
	"text/plain;charset=UTF-8",
	"application/x-www-form-urlencoded",
	"",
	"multipart/form-data; boundary=fz",
	"application/graphql",
	`APPLICATION/JSON ; charset="utf-8"`,
	"application/json; charset",
}

// fzAccepts are the Accept headers, chosen by bits 4-6 of kind.
var fzAccepts = []string{
	"",
	"application/json",
	"application/graphql-response+json",
	"application/graphql-response+json, application/json;q=0.9",
	"text/html",
	"*/*",
}

// fzWrap is the first kind that wraps the body as {"query": body}.
const fzWrap = 10

// fzGET is the bit of kind that sends the request as GET, its body read as the query
// parameters.
const fzGET = 0x80

func fzBody(query string, vars map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		panic(err)
	}
	return b
}

// fzSeeds are realistic requests, hostile ones and garbage.
func fzSeeds() []struct {
	body  []byte
	kind  uint8
	token bool
} {
	deep := "{ sessions(first: 1) { nodes { " + strings.Repeat("parent { ", 30) + "id" + strings.Repeat(" }", 30) + " } } }"
	var aliases strings.Builder
	aliases.WriteString("{ ")
	for i := range 60 {
		aliases.WriteString("a")
		aliases.WriteString(strings.Repeat("x", i%7+1))
		aliases.WriteString(string(rune('a' + i%26)))
		aliases.WriteString(": platform(slug: \"c5-plus-1\") { id } ")
	}
	aliases.WriteString("}")
	type seed = struct {
		body  []byte
		kind  uint8
		token bool
	}
	return []seed{
		{fzBody(`{ platform(slug: "c5-plus-1") { id name founded members(on: "2023") { country { code } role since until }
			sessions(first: 5, orderBy: {field: TITLE, direction: DESC}) { totalCount edges { cursor node { id title start end } }
			pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`, nil), 0, false},
		{fzBody(`query($f: SessionFilter, $n: Int, $after: String) { sessions(first: $n, after: $after, filter: $f) {
			nodes { slug start end hostCountry { code } participants { official { name } } } } }`,
			map[string]any{"n": 10, "after": nil, "f": map[string]any{"from": "2023", "to": "2023-07-28", "countries": []string{"KZ", "us"}, "kinds": []string{"SUMMIT"}}}), 1, false},
		{fzBody(`query($f: TimelineFilter) { timeline(filter: $f, order: DESC, last: 3) { totalCount nodes { id kind date endDate title
			subject { __typename ... on Session { slug } } } }
			timelineBuckets(filter: $f, granularity: MONTH) { start count byKind { kind count } } }`,
			map[string]any{"f": map[string]any{"text": "summit' OR 1=1 --", "from": "2023-02-30"}}), 0x10, false},
		{fzBody(`query($q: String!, $after: String) { search(query: $q, first: 5, after: $after) { totalCount
			edges { cursor score node { __typename ... on Platform { name } ... on Session { title } } } } }`,
			map[string]any{"q": `Alma" OR * NEAR(a b) \u0000`, "after": "b2Zmc2V0OjU"}), 0x20, false},
		{fzBody(`{ node(id: "U2Vzc2lvbjox") { id ... on Session { title } } nodes(ids: ["U2Vzc2lvbjox", "garbage", "Q291bnRyeTpLWg", ""]) { id } }`, nil), 0x30, false},
		{fzBody(`mutation($in: PlatformInput!) { createPlatform(input: $in) { id slug founded } }`,
			map[string]any{"in": map[string]any{"slug": "fz-platform", "name": "Fuzz <&> \u2028", "kind": "FORMAT", "founded": "2024-02-29", "website": "javascript:alert(1)"}}), 0, true},
		{fzBody(`mutation($in: SessionInput!) { createSession(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"slug": "fz-session", "title": "x", "kind": "SUMMIT", "start": "2023-02-30", "end": "99999", "platformId": "U2Vzc2lvbjox", "hostCountryCode": "ZZ"}}), 1, true},
		{fzBody(`mutation { updateSession(id: "U2Vzc2lvbjox", input: {title: "", start: "2023", end: "2022"}) { id } deleteTopic(id: "VG9waWM6OTk5OTk5") }`, nil), 0, true},
		{fzBody(`mutation { deletePlatform(id: "UGxhdGZvcm06MQ") }`, nil), 3, false},
		{fzBody(`mutation { deletePlatform(id: "UGxhdGZvcm06MQ") }`, nil), fzGET, true},
		{fzBody(`query($n: Int) { sessions(first: $n) { nodes { id } } platforms(last: 99999999999) { nodes { id } } }`,
			map[string]any{"n": 1e300}), 0, false},
		{[]byte(`{"query":"query($n: Int) { countries(first: $n) { nodes { code } } }","variables":{"n":-9223372036854775809}}`), 0, false},
		{[]byte(`{"query":"{ sessions(first: 2, after: \"!!!\", before: \"W251bGwsbnVsbF0\") { nodes { id } } }"}`), 0, false},
		{[]byte("{\"query\":\"{ platform(slug: \\\"\x00\xff\xfe\\\") { id } }\"}"), 0, false},
		{[]byte("{\"query\":\"{ platform(slug: \\\"\\u0000\\\") { id \x00 } }\"}"), 0, false},
		{fzBody(deep, nil), 0, false},
		{fzBody(aliases.String(), nil), 0, false},
		{fzBody(`{ __schema { types { name fields { name args { name type { name } } } } } }`, nil), 0x40, false},
		{fzBody(`query A { platforms { nodes { id } } } mutation B { deleteSource(id: "U291cmNlOjE") }`, nil), 0, true},
		{[]byte(`{"query":"query A { platforms { nodes { id } } } query B { topics { nodes { id } } }","operationName":"C"}`), 0, false},
		{[]byte(`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"0000000000000000000000000000000000000000000000000000000000000000"}}}`), 0, false},
		{[]byte(`{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"nothex"}}}`), 0, false},
		{[]byte(`{"query": 5, "variables": []}`), 0, false},
		{[]byte(`{"query":"{ __typename }","variables":"x"}`), 0, false},
		{[]byte(`{"query":"{"}`), 0, false},
		{[]byte(`{"query":""}`), 0, false},
		{[]byte(`[{"query":"{ __typename }"}]`), 0, false},
		{[]byte(`null`), 0, false},
		{[]byte(`{"query":`), 0, false},
		{[]byte(`not json at all`), 0, false},
		{[]byte(``), 0, false},
		{[]byte("\x00\x00\x00"), 7, true},
		{[]byte(`query=%7B__typename%7D`), 4, false},
		{[]byte(`{ __typename }`), 7, false},
		{[]byte(`{"query":"{ __typename }"}`), 9, false},
		{[]byte(`{"query":"{ __typename }"}`), 5, false},
		{[]byte(`{"query":"{ __typename }"}`), 6, false},
		{[]byte(`{"query":"{ __typename }"}`), fzGET | 0x20, false},
		// GraphQL documents, sent as {"query": body}.
		{[]byte(`{ sessions(last: 3, before: "WzIwMjMwNzI4LDFd", filter: {from: "2023-07", officials: ["thomas-west"]}) { edges { cursor node { slug children { slug } statements { text } } } } }`), fzWrap, false},
		{[]byte(`{ initiatives(first: 100, orderBy: {field: TITLE}) { totalCount nodes { title status statusHistory { status on } proposedBy { name } } } }`), fzWrap, false},
		{[]byte(`{ officials(first: 2) { nodes { name positions { title start end country { code } } sessions(first: 2) { nodes { id } } } } countries(filter: {codes: ["kz", "ZZ"]}) { nodes { code name } } }`), fzWrap + 1, false},
		{[]byte(`query Q($d: Date = "2023-02-30") { timelineBuckets(granularity: DAY, filter: {to: $d}) { start count } }`), fzWrap, false},
		{[]byte(`{ timeline(first: 101) { nodes { id } } } fragment F on Query { ...F }`), fzWrap, false},
		{[]byte(`{ search(query: "\u0000 ' \" * NEAR", first: 0) { totalCount } topics(first: -1) { nodes { id } } }`), fzWrap, false},
		{[]byte(`mutation { createTopic(input: {slug: "fz-topic", name: "Fuzz"}) { id slug } }`), fzWrap, true},
		{[]byte(`mutation { setInitiativeStatus(initiativeId: "SW5pdGlhdGl2ZTox", status: ADOPTED, on: "2024-02-29", note: "\u0000") { status } }`), fzWrap, true},
		{[]byte(`mutation { citeSource(subjectId: "Q291bnRyeTpLWg", sourceId: "U291cmNlOjE", excerpt: "x") { id } }`), fzWrap, true},
		{[]byte(`mutation { addPlatformMember(platformId: "UGxhdGZvcm06MQ", countryCode: "kz'--", since: "2023", until: "2022") { id } }`), fzWrap, true},
		{[]byte(`mutation { updatePlatform(id: "UGxhdGZvcm06MQ", input: {founded: null, name: "C5+1"}) { founded } }`), fzWrap, false},
	}
}

// FuzzGraphQLHandler checks that no request to /graphql — any body, content type, accept
// header, method, with or without the token — gets a 5xx, a JSON response that is not
// valid JSON or not a GraphQL response, an INTERNAL error or an error without a code. The
// server, over the default dataset, is shared by all inputs, so mutations with the token
// change what later inputs see. The handler is called directly, so a panic that escapes
// it crashes the fuzzer with the input instead of being swallowed by net/http.
func FuzzGraphQLHandler(f *testing.F) {
	for _, s := range fzSeeds() {
		f.Add(s.body, s.kind, s.token)
	}
	s := apitest.MustOpenServer(f, false)
	h := s.Config.Handler
	f.Fuzz(func(t *testing.T, body []byte, kind uint8, token bool) {
		req := fzRequest(body, kind)
		if token {
			req.Header.Set("Authorization", "Bearer "+apitest.Token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		got := rec.Body.Bytes()
		if res.StatusCode >= 500 {
			t.Fatalf("%s with Content-Type %q: status %d: %s", req.Method, req.Header.Get("Content-Type"), res.StatusCode, got)
		}
		media, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
		if media != "application/json" && !strings.HasSuffix(media, "+json") {
			return
		}
		if !json.Valid(got) {
			t.Fatalf("status %d, Content-Type %q: the body is not valid JSON: %q", res.StatusCode, res.Header.Get("Content-Type"), got)
		}
		var out struct {
			Data   json.RawMessage `json:"data"`
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(got, &out); err != nil {
			t.Fatalf("status %d: the body is not a GraphQL response object: %v: %s", res.StatusCode, err, got)
		}
		if out.Data == nil && out.Errors == nil {
			t.Fatalf("status %d: a response with neither data nor errors: %s", res.StatusCode, got)
		}
		for _, e := range out.Errors {
			switch code, _ := e.Extensions["code"].(string); code {
			case "INTERNAL":
				t.Fatalf("status %d: an INTERNAL error for request %q: %s", res.StatusCode, body, got)
			case "":
				t.Fatalf("status %d: an error without extensions.code for request %q: %s", res.StatusCode, body, got)
			}
		}
	})
}

// fzRequest builds the request of a fuzz input: a POST of body (or of {"query": body})
// with the content type and accept header kind picks, or, with the fzGET bit, a GET whose query, variables and
// operationName come from body if it is a JSON object, or whose query is body otherwise.
func fzRequest(body []byte, kind uint8) *http.Request {
	var req *http.Request
	if kind&fzGET != 0 {
		q := url.Values{}
		var in map[string]json.RawMessage
		if json.Unmarshal(body, &in) == nil {
			for k, v := range in {
				var str string
				if json.Unmarshal(v, &str) != nil {
					str = string(v)
				}
				q.Set(k, str)
			}
		} else {
			q.Set("query", string(body))
		}
		req = httptest.NewRequest(http.MethodGet, "/graphql?"+q.Encode(), nil)
	} else {
		ct := "application/json"
		if i := int(kind & 0x0f); i < len(fzContentTypes) {
			ct = fzContentTypes[i]
		} else {
			body, _ = json.Marshal(map[string]string{"query": string(body)})
		}
		req = httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
	}
	if accept := fzAccepts[int(kind>>4&0x07)%len(fzAccepts)]; accept != "" {
		req.Header.Set("Accept", accept)
	}
	return req
}
