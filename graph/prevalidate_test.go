package graph_test

import (
	"bytes"
	"diplomacy-timeline/httpapi/apitest"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// pvDoc is a hostile document and what the server must answer it with.
type pvDoc struct {
	name  string
	query string
	codes []string // the codes of the answer's errors, each distinct one once; none: answered
}

// pvRepeat is n copies of s, space-separated.
func pvRepeat(s string, n int) string { return strings.Repeat(s+" ", n) }

// pvDocs are documents the body limit admits that cost seconds, or gigabytes, of
// validation when it runs before the shape limits.
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

	// chainTo is 100 fragments, each spreading the next, the last selecting last.
	chainTo := func(last string) string {
		var b strings.Builder
		b.WriteString(`query { ...F0 }`)
		for i := range 99 {
			fmt.Fprintf(&b, " fragment F%d on Query { ...F%d }", i, i+1)
		}
		b.WriteString(" fragment F99 on Query { " + last + " }")
		return b.String()
	}

	var variables strings.Builder // 3,000 unused variables
	variables.WriteString(`query(`)
	for i := range 3000 {
		fmt.Fprintf(&variables, "$v%d: Int ", i)
	}
	variables.WriteString(`) { __typename }`)

	longName := strings.Repeat("x", 300<<10)
	return []pvDoc{
		{name: "4,900 duplicate fields", query: `{ sessions(first: 1) { nodes { ` + pvRepeat("summary", 4900) + `} } }`},
		{name: "14,000 duplicate fields", query: `{ sessions(first: 1) { nodes { ` + pvRepeat("summary", 14000) + `} } }`, codes: []string{"FIELD_LIMIT_EXCEEDED"}},
		{name: "2,400 duplicate fields with selections", query: `{ sessions(first: 1) { nodes { ` + pvRepeat("platform { id }", 2400) + `} } }`},
		{name: "1,000 fields of one name with conflicting arguments", query: conflicting.String(), codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "14,000 __typename", query: `{ ` + pvRepeat("__typename", 14000) + `}`, codes: []string{"ROOT_FIELD_LIMIT_EXCEEDED"}},
		{name: "4,900 nested __typename", query: `{ sessions(first: 1) { nodes { ` + pvRepeat("__typename", 4900) + `} } }`},
		{name: "1,500-fragment cycle", query: cycle.String(), codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "100-fragment cycle", query: smallCycle.String(), codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "1,500-fragment chain", query: chain.String(), codes: []string{"FRAGMENT_LIMIT_EXCEEDED"}},
		{name: "100-fragment chain to 4,800 fields", query: chainTo(`sessions(first: 1) { nodes { ` + pvRepeat("__typename", 4800) + `} }`), codes: []string{"FIELD_LIMIT_EXCEEDED"}},
		{name: "100-fragment chain to 3,000 arguments", query: chainTo(`sessions(` + pvRepeat("first: 1", 3000) + `) { totalCount }`), codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "100-fragment chain to a list of 12,000 values", query: chainTo(`nodes(ids: [` + pvRepeat(`"a"`, 12000) + `]) { id }`), codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "100-fragment chain to 900 nested inline fragments", query: chainTo(strings.Repeat(`... on Query { `, 900) + `__typename` + strings.Repeat(` }`, 900))},
		{name: "100-fragment chain to 2,000 side-by-side inline fragments", query: chainTo(pvRepeat(`... on Query { __typename }`, 2000)), codes: []string{"FIELD_LIMIT_EXCEEDED"}},
		{name: "100-fragment chain to 7,000 spreads of an unknown fragment", query: chainTo(pvRepeat(`...X`, 7000)), codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "100-fragment chain to an object of 4,000 fields", query: chainTo(`sessions(filter: {` + pvRepeat(`from: "2000"`, 4000) + `}) { totalCount }`), codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "1,500 fragments spread side by side", query: spreads.String(), codes: []string{"FRAGMENT_LIMIT_EXCEEDED"}},
		{name: "1,000 operations spreading 3,000 fields", query: operations.String(), codes: []string{"FIELD_LIMIT_EXCEEDED"}},
		{name: "3,000 unused variables", query: variables.String(), codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "4,900 unknown fields", query: `{ sessions(first: 1) { nodes { ` + pvRepeat("summry", 4900) + `} } }`, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "an unknown field of 300 KiB", query: `{ ` + longName + ` }`, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "two conflicting fields of 300 KiB", query: `{ a: ` + longName + `a a: ` + longName + `b }`, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "1,000 duplicate directives", query: `{ __typename ` + pvRepeat("@include(if: true)", 1000) + `}`, codes: []string{"GRAPHQL_VALIDATION_FAILED"}},
	}
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
