package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"diplomacy-timeline/httpapi"
	"diplomacy-timeline/httpapi/apitest"
	"diplomacy-timeline/limits"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	gqlparser "github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

func TestHTTPSurface(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	// One query first, so that the statement counter has counted something.
	s.Query(t, `{ platform(slug: "c5-plus-1") { name } }`, nil, nil)
	cases := []struct {
		path, contains, contentType string
	}{
		{"/healthz", "ok", "text/plain"},
		{"/readyz", "ready", "text/plain"},
		{"/schema.graphql", "type Session implements Node", "text/plain"},
		{"/playground", "graphiql", "text/html"},
		{"/metrics", "diplomacy_db_queries_total", "text/plain"},
		{"/metrics", `diplomacy_http_requests_total{code="200",handler="/graphql",method="post"}`, "text/plain"},
		{"/", "/playground", "text/html"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			res, err := http.Get(s.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d", tc.path, res.StatusCode)
			}
			if !strings.Contains(res.Header.Get("Content-Type"), tc.contentType) {
				t.Errorf("GET %s: Content-Type %q, want %s", tc.path, res.Header.Get("Content-Type"), tc.contentType)
			}
			if !strings.Contains(strings.ToLower(string(body)), strings.ToLower(tc.contains)) {
				t.Errorf("GET %s: body does not contain %q", tc.path, tc.contains)
			}
		})
	}
	res, err := http.Get(s.URL + "/no-such-page")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: status %d, want 404", res.StatusCode)
	}
}

func TestReadyzReportsDatabaseDown(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	if err := s.Store.Close(); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(s.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with a closed database: %d, want 503", res.StatusCode)
	}
}

func TestInternalErrorsAreMasked(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	if err := s.Store.Close(); err != nil {
		t.Fatal(err)
	}
	r := s.Do(t, "", `{ platforms { nodes { name } } }`, nil)
	if got := r.Code(t); got != "INTERNAL" {
		t.Fatalf("code %q, want INTERNAL", got)
	}
	if msg := r.Errors[0].Message; strings.Contains(msg, "sql") || strings.Contains(msg, "closed") {
		t.Fatalf("internal detail leaked to the client: %q", msg)
	}
}

// TestSchemaSDL: /schema.graphql is the schema a client sees, valid on its own, without
// the code generator's directives, and the same as introspection describes.
func TestSchemaSDL(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	res, err := http.Get(s.URL + "/schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sdl, _ := io.ReadAll(res.Body)
	if strings.Contains(string(sdl), "@go") {
		t.Errorf("the SDL shows gqlgen's directives")
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(sdl)})
	if gerr != nil {
		t.Fatalf("the SDL does not load: %v", gerr)
	}
	for _, name := range []string{"Query", "Mutation", "Subscription", "TimelineEntry", "TimelineFilter", "SearchResult", "Date"} {
		if schema.Types[name] == nil {
			t.Errorf("the SDL has no %s", name)
		}
	}
	if f := schema.Types["SessionPatch"].Fields.ForName("title"); f == nil || len(f.Directives) != 0 {
		t.Errorf("SessionPatch.title in the SDL: %+v", f)
	}
	// Introspection shows no gqlgen directive either.
	var dirs struct {
		Schema struct{ Directives []struct{ Name string } } `json:"__schema"`
	}
	s.Query(t, `{ __schema { directives { name } } }`, nil, &dirs)
	for _, d := range dirs.Schema.Directives {
		if strings.HasPrefix(d.Name, "go") {
			t.Errorf("introspection lists the directive @%s", d.Name)
		}
	}
	// The SDL and introspection agree.
	var data struct {
		Type struct{ Fields []struct{ Name string } } `json:"__type"`
	}
	s.Query(t, `{ __type(name: "Session") { fields { name } } }`, nil, &data)
	for _, f := range data.Type.Fields {
		if schema.Types["Session"].Fields.ForName(f.Name) == nil {
			t.Errorf("Session.%s is in introspection, not in the SDL", f.Name)
		}
	}
	if len(data.Type.Fields) != len(schema.Types["Session"].Fields) {
		t.Errorf("Session: %d fields in introspection, %d in the SDL", len(data.Type.Fields), len(schema.Types["Session"].Fields))
	}
}

// TestCompression: a large answer is compressed as the client accepts (zstd preferred),
// a small one and an event stream are not, and the compressed body is the same answer.
func TestCompression(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	post := func(query, accept, encoding string) (*http.Response, []byte) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query})
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		if encoding != "" {
			req.Header.Set("Accept-Encoding", encoding)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		return res, raw
	}
	const large = `{ countries(first: 100) { nodes { code name } } }`
	_, plain := post(large, "", "")
	if len(plain) < 2000 || !json.Valid(plain) {
		t.Fatalf("uncompressed answer: %d bytes", len(plain))
	}
	for _, c := range []struct{ accept, want string }{{"gzip", "gzip"}, {"gzip, zstd", "zstd"}, {"identity", ""}, {"", ""}} {
		res, raw := post(large, "", c.accept)
		if got := res.Header.Get("Content-Encoding"); got != c.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", c.accept, got, c.want)
			continue
		}
		var r io.Reader = bytes.NewReader(raw)
		switch c.want {
		case "gzip":
			zr, err := gzip.NewReader(r)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		case "zstd":
			zr, err := zstd.NewReader(r)
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			r = zr
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("Accept-Encoding %q: the body decodes to %d bytes (%v), want the %d of the plain answer", c.accept, len(got), err, len(plain))
		}
		if c.want != "" && len(raw)*3 > len(plain) {
			t.Errorf("%s: %d bytes for %d", c.want, len(raw), len(plain))
		}
	}
	if res, _ := post(`{ platform(slug: "c5-plus-1") { name } }`, "", "gzip"); res.Header.Get("Content-Encoding") != "" {
		t.Errorf("a small answer is compressed (%s)", res.Header.Get("Content-Encoding"))
	}
	// An event stream goes out event by event, uncompressed: the first event (the
	// subscription's, or a keep-alive) arrives while the stream stays open.
	body, _ := json.Marshal(map[string]any{"query": `subscription { timelineEntryAdded { id } }`})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ce := res.Header.Get("Content-Encoding"); ce != "" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Errorf("event stream: Content-Type %q, Content-Encoding %q", res.Header.Get("Content-Type"), ce)
	}
	first := make(chan error, 1)
	go func() {
		_, err := res.Body.Read(make([]byte, 1))
		first <- err
	}()
	select {
	case err := <-first:
		if err != nil {
			t.Errorf("event stream: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("event stream: nothing within 5 s")
	}
}

// TestRefusalStatuses: a refusal before execution — a limit, like a parse or validation
// error — is HTTP 400 under application/graphql-response+json and 422 under
// application/json; an executed operation's error is 200.
func TestRefusalStatuses(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServerWith(t, false, httpapi.Options{Limits: limits.Config{MaxDepth: 2, MaxAliases: 1, MaxRootFields: 2, MaxFields: 5, MaxComplexity: 50}})
	cases := []struct{ name, query, code string }{
		{"parse", `{ platform(slug: `, "GRAPHQL_PARSE_FAILED"},
		{"validation", `{ nope }`, "GRAPHQL_VALIDATION_FAILED"},
		{"depth", `{ sessions { nodes { platform { name } } } }`, "DEPTH_LIMIT_EXCEEDED"},
		{"aliases", `{ a: topics { totalCount } b: topics { totalCount } }`, "ALIAS_LIMIT_EXCEEDED"},
		{"root fields", `{ topics { totalCount } platforms { totalCount } countries { totalCount } }`, "ROOT_FIELD_LIMIT_EXCEEDED"},
		{"fields", `{ platform(slug: "c5-plus-1") { id name fullName kind founded website } }`, "FIELD_LIMIT_EXCEEDED"},
		{"complexity", `{ countries(first: 100) { nodes { code } } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"executed", `{ node(id: "nope") { id } }`, "BAD_USER_INPUT"},
	}
	for _, c := range cases {
		for _, accept := range []string{"application/graphql-response+json", "application/json"} {
			body, _ := json.Marshal(map[string]any{"query": c.query})
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", accept)
			res, err := s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var out apitest.Response
			_ = json.NewDecoder(res.Body).Decode(&out)
			res.Body.Close()
			want := map[string]int{"application/graphql-response+json": http.StatusBadRequest, "application/json": http.StatusUnprocessableEntity}[accept]
			if c.name == "executed" {
				want = http.StatusOK
			}
			if codes := out.Codes(); res.StatusCode != want || len(codes) == 0 || codes[0] != c.code {
				t.Errorf("%s, Accept %s: status %d, codes %v; want %d and %s", c.name, accept, res.StatusCode, codes, want, c.code)
			}
		}
	}
}
