package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/errcode"

	"diplomacy-timeline/apierr"
	"diplomacy-timeline/httpapi"
	"diplomacy-timeline/httpapi/apitest"
	"diplomacy-timeline/limits"
)

// pvDoc is a hostile document and what the server must answer it with.
type pvDoc struct {
	name  string
	query string
	code  string // of the first error; "": answered without errors
	many  bool   // the errors are more than the response lists
}

// pvRepeat is n copies of s, space-separated.
func pvRepeat(s string, n int) string { return strings.Repeat(s+" ", n) }

// pvDocs are documents the body limit admits that cost seconds, or gigabytes, of
// validation when it ran before the shape limits, and others that spread fragments to
// multiply what validation walks.
func pvDocs() []pvDoc {
	var conflicting strings.Builder // 1,000 members of one name, each with its own argument
	conflicting.WriteString(`{ platforms(first: 1) { nodes { `)
	for i := range 1000 {
		fmt.Fprintf(&conflicting, `members(on: "%d") { role } `, 1000+i)
	}
	conflicting.WriteString(`} } }`)

	var cycle strings.Builder // 1,500 fragments, each spreading the next, the last the first
	cycle.WriteString(`query { ...F0 }`)
	for i := range 1500 {
		fmt.Fprintf(&cycle, " fragment F%d on Query { ...F%d }", i, (i+1)%1500)
	}

	var chain strings.Builder // 1,500 fragments, each spreading the next
	chain.WriteString(`query { ...F0 }`)
	for i := range 1500 {
		fmt.Fprintf(&chain, " fragment F%d on Query { ...F%d }", i, i+1)
	}
	chain.WriteString(" fragment F1500 on Query { __typename }")

	var spreads strings.Builder // 1,500 fragments spread side by side
	spreads.WriteString(`{ sessions(first: 1) { nodes { `)
	for i := range 1500 {
		fmt.Fprintf(&spreads, "...F%d ", i)
	}
	spreads.WriteString(`} } }`)
	for i := range 1500 {
		fmt.Fprintf(&spreads, " fragment F%d on Session { id }", i)
	}

	var operations strings.Builder // 1,000 operations spreading one fragment of 3,000 fields
	for i := range 1000 {
		fmt.Fprintf(&operations, "query Q%d { ...F } ", i)
	}
	operations.WriteString("fragment F on Query { sessions(first: 1) { nodes { " + pvRepeat("__typename", 3000) + "} } }")

	var smallCycle strings.Builder // 100 fragments, each spreading the next, the last the first
	smallCycle.WriteString(`query { ...F0 }`)
	for i := range 100 {
		fmt.Fprintf(&smallCycle, " fragment F%d on Query { ...F%d }", i, (i+1)%100)
	}

	// chainTo is n fragments, each spreading the next, the last selecting last: what
	// the last selects, validation walks n+1 times, once from each fragment and once
	// from the operation.
	chainTo := func(n int, last string) string {
		var b strings.Builder
		b.WriteString(`query { ...F0 }`)
		for i := range n - 1 {
			fmt.Fprintf(&b, " fragment F%d on Query { ...F%d }", i, i+1)
		}
		fmt.Fprintf(&b, " fragment F%d on Query { %s }", n-1, last)
		return b.String()
	}

	var variables strings.Builder // 3,000 unused variables
	variables.WriteString(`query(`)
	for i := range 3000 {
		fmt.Fprintf(&variables, "$v%d: Int ", i)
	}
	variables.WriteString(`) { __typename }`)

	longName := strings.Repeat("x", 300<<10)
	const (
		answered   = ""
		invalid    = "GRAPHQL_VALIDATION_FAILED"
		unparsed   = "GRAPHQL_PARSE_FAILED"
		fields     = "FIELD_LIMIT_EXCEEDED"
		roots      = "ROOT_FIELD_LIMIT_EXCEEDED"
		fragments  = "FRAGMENT_LIMIT_EXCEEDED"
		directives = "DIRECTIVE_LIMIT_EXCEEDED"
		values     = "VALUE_LIMIT_EXCEEDED"
	)
	return []pvDoc{
		// Measured on main: 1.9 s of CPU, 73 s, 495,000 errors and a gigabyte, 18 s, 2.6 s.
		{name: "4,900 duplicate fields", query: `{ sessions(first: 1) { nodes { ` + pvRepeat("summary", 4900) + `} } }`, code: answered},
		{name: "14,000 duplicate fields", query: `{ sessions(first: 1) { nodes { ` + pvRepeat("summary", 14000) + `} } }`, code: fields},
		{name: "1,000 fields of one name with conflicting arguments", query: conflicting.String(), code: invalid, many: true},
		{name: "14,000 __typename", query: `{ ` + pvRepeat("__typename", 14000) + `}`, code: roots},
		{name: "1,500-fragment cycle", query: cycle.String(), code: fragments},

		{name: "4,900 nested __typename", query: `{ sessions(first: 1) { nodes { ` + pvRepeat("__typename", 4900) + `} } }`, code: answered},
		{name: "2,400 duplicate fields with selections", query: `{ sessions(first: 1) { nodes { ` + pvRepeat("platform { id }", 2400) + `} } }`, code: answered},
		{name: "4,900 unknown fields", query: `{ sessions(first: 1) { nodes { ` + pvRepeat("summry", 4900) + `} } }`, code: invalid, many: true},
		{name: "100-fragment cycle", query: smallCycle.String(), code: invalid},
		{name: "1,500-fragment chain", query: chain.String(), code: fragments},
		{name: "1,500 fragments spread side by side", query: spreads.String(), code: fragments},
		{name: "1,000 operations spreading 3,000 fields", query: operations.String(), code: fields},
		{name: "100-fragment chain to 4,800 fields", query: chainTo(100, `sessions(first: 1) { nodes { `+pvRepeat("__typename", 4800)+`} }`), code: fields},
		{name: "100-fragment chain to 900 nested inline fragments", query: chainTo(100, strings.Repeat(`... on Query { `, 900)+`__typename`+strings.Repeat(` }`, 900)), code: fields},
		{name: "100-fragment chain to 7,000 spreads of an unknown fragment", query: chainTo(100, pvRepeat(`...X`, 7000)), code: fields},
		{name: "40-fragment chain to 3,000 arguments", query: chainTo(40, `sessions(`+pvRepeat("first: 1", 3000)+`) { totalCount }`), code: values},
		{name: "40-fragment chain to a list of 12,000 values", query: chainTo(40, `nodes(ids: [`+pvRepeat(`"a"`, 12000)+`]) { id }`), code: values},
		{name: "40-fragment chain to an object of 4,000 fields", query: chainTo(40, `sessions(filter: {`+pvRepeat(`from: "2000"`, 4000)+`}) { totalCount }`), code: values},
		{name: "40-fragment chain to 100 directives", query: chainTo(40, `__typename `+pvRepeat("@include(if: true)", 100)), code: directives},
		{name: "1,000 duplicate directives", query: `{ __typename ` + pvRepeat("@include(if: true)", 1000) + `}`, code: invalid, many: true},
		{name: "3,000 unused variables", query: variables.String(), code: invalid, many: true},
		{name: "an unknown field of 300 KiB", query: `{ ` + longName + ` }`, code: invalid},
		{name: "two conflicting fields of 300 KiB", query: `{ a: ` + longName + `a a: ` + longName + `b }`, code: invalid},
		{name: "an unknown field of 1 MiB", query: `{ ` + strings.Repeat("y", 1<<20-100) + ` }`, code: invalid},
		{name: "a block string of 500,000 lines", query: `{ __typename(x: """` + strings.Repeat("\n", 500000) + `""") }`, code: invalid},
		{name: "a string of 100,000 escapes", query: `{ __typename(x: "` + strings.Repeat(`\u00e9`, 100000) + `") }`, code: invalid},
		{name: "300,000 comments", query: strings.Repeat("#\n", 300000) + `{ __typename }`, code: unparsed}, // each a token
	}
}

// pvAnswer is an answer as the client received it.
type pvAnswer struct {
	status int
	raw    []byte
	apitest.Response
}

// pvPost posts a document to the real handler.
func pvPost(t *testing.T, s *apitest.Server, query string) *pvAnswer {
	t.Helper()
	body, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Client().Post(s.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	a := &pvAnswer{status: res.StatusCode}
	if a.raw, err = io.ReadAll(res.Body); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(a.raw, &a.Response); err != nil {
		t.Fatalf("decode %.300s: %v", a.raw, err)
	}
	return a
}

// pvBounded checks what every answer must respect: at most limits.MaxErrors errors and
// a TOO_MANY_ERRORS one after them, messages of at most limits.MaxErrorMessage bytes,
// and far less than the body limit in all.
func pvBounded(t *testing.T, a *pvAnswer, many bool) {
	t.Helper()
	if len(a.raw) > 256<<10 {
		t.Errorf("answer of %d bytes", len(a.raw))
	}
	for _, e := range a.Errors {
		if len(e.Message) > limits.MaxErrorMessage {
			t.Errorf("message of %d bytes", len(e.Message))
		}
	}
	codes := a.Codes()
	if !many {
		if slices.Contains(codes, apierr.TooManyErrors) || len(codes) > limits.MaxErrors {
			t.Errorf("%d errors, %s among them", len(codes), apierr.TooManyErrors)
		}
		return
	}
	if len(codes) != limits.MaxErrors+1 || codes[limits.MaxErrors] != apierr.TooManyErrors {
		t.Fatalf("%d errors, the last %s; want %d and %s", len(codes), codes[len(codes)-1], limits.MaxErrors+1, apierr.TooManyErrors)
	}
	ext := a.Errors[limits.MaxErrors].Extensions
	if ext["limit"] != float64(limits.MaxErrors) || ext["actual"].(float64) <= float64(limits.MaxErrors) {
		t.Errorf("%s extensions %v", apierr.TooManyErrors, ext)
	}
}

// TestHostileDocuments sends the real handler documents that cost seconds or gigabytes
// when validation ran before the shape limits: each is answered, or refused with its
// code, and the errors of any answer are bounded. (Their cost is
// BenchmarkHostileDocuments'.)
func TestHostileDocuments(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	for _, d := range pvDocs() {
		t.Run(d.name, func(t *testing.T) {
			a := pvPost(t, s, d.query)
			pvBounded(t, a, d.many)
			if d.code == "" {
				if a.status != http.StatusOK || len(a.Errors) > 0 || len(a.Data) == 0 {
					t.Fatalf("%d %.300s, want an answer", a.status, a.raw)
				}
				return
			}
			if a.status != http.StatusUnprocessableEntity || len(a.Errors) == 0 || a.Codes()[0] != d.code {
				t.Fatalf("%d %.300s, want 422 %s", a.status, a.raw, d.code)
			}
			if ext := a.Errors[0].Extensions; strings.HasSuffix(d.code, "_LIMIT_EXCEEDED") && ext["actual"].(float64) <= ext["limit"].(float64) {
				t.Errorf("extensions %v, want actual above limit", ext)
			}
		})
	}
}

// TestLimitsBeforeValidation: a document over a limit and invalid besides is refused by
// the limit, which is measured first; validation ran first, and found the other fault.
func TestLimitsBeforeValidation(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	const nope = " nope " // a field no type has
	nested := `{ sessions(first: 1) { nodes { ` + strings.Repeat(`parent { `, 28) + `id` + nope + strings.Repeat(` }`, 31)
	var aliases, fragments strings.Builder
	aliases.WriteString(`{ topics { `)
	for i := range 51 {
		fmt.Fprintf(&aliases, "a%d: totalCount ", i)
	}
	aliases.WriteString(nope + `} }`)
	fragments.WriteString(`{` + nope + `}`)
	for i := range 101 {
		fmt.Fprintf(&fragments, " fragment F%d on Query { __typename }", i)
	}
	for _, c := range []struct{ name, query, code string }{
		{"depth", nested, apierr.DepthLimit},
		{"root fields", `{ ` + pvRepeat("__typename", 21) + nope + `}`, apierr.RootFieldLimit},
		{"aliases", aliases.String(), apierr.AliasLimit},
		{"fields", `{ sessions(first: 1) { nodes { ` + pvRepeat("summary", 5000) + nope + `} } }`, apierr.FieldLimit},
		{"fragments", fragments.String(), apierr.FragmentLimit},
		{"directives", `{ __typename ` + pvRepeat("@include(if: true)", 1001) + `}`, apierr.DirectiveLimit},
		{"values", `{ ...A ...A } fragment A on Query { nodes(ids: [` + pvRepeat(`"a"`, 11000) + `]) { id }` + nope + `}`, apierr.ValueLimit},
		{"fragment cycle", `{ ...A } fragment A on Query { ...B } fragment B on Query {` + nope + `...A }`, errcode.ValidationFailed},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := pvPost(t, s, c.query)
			if a.status != http.StatusUnprocessableEntity || a.Code(t) != c.code {
				t.Fatalf("%d %.300s, want 422 %s", a.status, a.raw, c.code)
			}
		})
	}
	t.Run("introspection", func(t *testing.T) {
		hidden := apitest.MustOpenServerWith(t, true, httpapi.Options{Token: apitest.Token, NoIntrospection: true})
		if a := pvPost(t, hidden, `{ __schema {`+nope+`} }`); a.Code(t) != apierr.IntrospectionDisabled {
			t.Fatalf("%.300s, want %s", a.raw, apierr.IntrospectionDisabled)
		}
	})
}

// TestValidatedOnce: a document is parsed and validated once and then answered from the
// query cache, valid or not alike; an invalid one is refused again with every error.
func TestValidatedOnce(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	valid := `{ sessions(first: 1) { nodes { summary summary } } }`
	invalid := `{ sessions(first: 1) { nodes { a: summary a: title nope } } }`
	for range 2 {
		if a := pvPost(t, s, valid); len(a.Errors) > 0 || !strings.Contains(string(a.Data), `"nodes":[]`) {
			t.Fatalf("%.300s", a.raw)
		}
		a := pvPost(t, s, invalid)
		if codes := a.Codes(); len(codes) != 2 || codes[0] != errcode.ValidationFailed || codes[1] != errcode.ValidationFailed {
			t.Fatalf("%.300s, want two validation errors", a.raw)
		}
	}
	// Suggestions survive the silent first pass.
	if a := pvPost(t, s, `{ sesions { totalCount } }`); !strings.Contains(a.Errors[0].Message, `Did you mean "sessions"`) {
		t.Errorf("%q, want a suggestion", a.Errors[0].Message)
	}
}

// TestExecutionErrorsBounded: an executed operation's errors are bounded as validation's
// are, the first limits.MaxErrors listed.
func TestExecutionErrorsBounded(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	platform := s.MustCreatePlatform(t, "p", nil)
	const aliases = 4 // errors per session
	for i := range limits.MaxErrors/aliases + 1 {
		s.MustCreateSession(t, fmt.Sprintf("s%d", i), "2020-01", map[string]any{"platformId": platform})
	}
	var q strings.Builder
	q.WriteString(`{ sessions(first: 100) { nodes { platform { `)
	for i := range aliases {
		fmt.Fprintf(&q, `m%d: members(on: "2023-13") { role } `, i)
	}
	q.WriteString(`} } } }`)
	a := pvPost(t, s, q.String())
	if a.status != http.StatusOK || a.Codes()[0] != apierr.BadUserInput {
		t.Fatalf("%d %.300s", a.status, a.raw)
	}
	pvBounded(t, a, true)
}

// BenchmarkHostileDocuments is the CPU the real handler spends on each hostile document
// before executing it (those it answers select nothing of an empty database).
//
//	go test ./graph -run '^$' -bench HostileDocuments -benchtime 10x
func BenchmarkHostileDocuments(b *testing.B) {
	s := apitest.MustOpenServer(b, true)
	h := s.Config.Handler
	for _, d := range pvDocs() {
		b.Run(d.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				// A comment of its own keeps each request out of the query cache.
				i++
				body, err := json.Marshal(map[string]string{"query": fmt.Sprintf("%s\n# %d", d.query, i)})
				if err != nil {
					b.Fatal(err)
				}
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				b.ReportMetric(float64(rec.Body.Len()), "B/answer")
				if testing.Verbose() {
					b.Logf("%.300s", rec.Body.String())
				}
			}
		})
	}
}

// TestDocumentCapsAreConfigurable: the fragment, directive and value caps are the server's
// to set (--max-fragments, --max-directives, --max-values).
func TestDocumentCapsAreConfigurable(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServerWith(t, true, httpapi.Options{Limits: limits.Config{MaxFragments: 2, MaxDirectives: 1, MaxValues: 2}})
	for _, c := range []struct{ code, query string }{
		{"FRAGMENT_LIMIT_EXCEEDED", `{ ...A } fragment A on Query { ...B } fragment B on Query { ...C } fragment C on Query { __typename }`},
		{"DIRECTIVE_LIMIT_EXCEEDED", `{ a: __typename @include(if: true) b: __typename @skip(if: false) }`},
		{"VALUE_LIMIT_EXCEEDED", `{ sessions(first: 1, filter: {countries: ["KZ", "UZ"]}) { totalCount } }`},
	} {
		r := s.Do(t, "", c.query, nil)
		if got := r.Code(t); got != c.code {
			t.Errorf("%s: %s, want %s", c.query, got, c.code)
		}
	}
}
