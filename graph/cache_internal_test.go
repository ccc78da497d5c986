package graph

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// TestByteLRU checks the cache's accounting: entries are evicted least recently used
// first once their bytes pass the limit, a Get counts as a use, a replaced entry's bytes
// are taken back, and an entry not to be kept or larger than the cache is not kept.
func TestByteLRU(t *testing.T) {
	ctx := context.Background()
	c := newByteLRU("test", 10, func(key string, value string) (int64, bool) {
		return int64(len(value)), key != "never"
	}, 0)
	c.Add(ctx, "a", "xxxx")
	c.Add(ctx, "b", "xxxx")
	if _, ok := c.Get(ctx, "a"); !ok { // a is now used more recently than b
		t.Fatal("a missing")
	}
	c.Add(ctx, "c", "xxxx") // 12 bytes: b goes
	if _, ok := c.Get(ctx, "b"); ok {
		t.Error("b kept, want it evicted as the least recently used")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.Get(ctx, k); !ok {
			t.Errorf("%s evicted", k)
		}
	}
	if c.Bytes() != 8 || c.Len() != 2 {
		t.Errorf("holds %d bytes in %d entries, want 8 in 2", c.Bytes(), c.Len())
	}
	c.Add(ctx, "a", "xx") // replaced: 2 + 4
	if v, _ := c.Get(ctx, "a"); v != "xx" || c.Bytes() != 6 {
		t.Errorf("after replacing a: %q, %d bytes; want \"xx\", 6", v, c.Bytes())
	}
	c.Add(ctx, "never", "x")
	c.Add(ctx, "huge", "xxxxxxxxxxx")
	for _, k := range []string{"never", "huge"} {
		if _, ok := c.Get(ctx, k); ok {
			t.Errorf("%s kept", k)
		}
	}
	if c.Bytes() != 6 || c.Len() != 2 {
		t.Errorf("holds %d bytes in %d entries, want 6 in 2", c.Bytes(), c.Len())
	}
}

// TestQueryCacheSkipsLongQueries checks that a query longer than the largest cached one
// is neither kept nor looked up.
func TestQueryCacheSkipsLongQueries(t *testing.T) {
	ctx := context.Background()
	c := newQueryCache(1<<20, 100)
	short, long := "{ __typename }", "{ __typename }"+strings.Repeat(" ", 100)
	c.Add(ctx, short, &ast.QueryDocument{})
	c.Add(ctx, long, &ast.QueryDocument{})
	if _, ok := c.Get(ctx, short); !ok {
		t.Error("short query not cached")
	}
	if _, ok := c.Get(ctx, long); ok || c.Len() != 1 {
		t.Errorf("long query cached (%d entries)", c.Len())
	}
}

// estimateCorpus is what the constants of documentBytes were measured on: the
// dashboard's queries, GraphiQL's introspection, and 4 KiB documents each made of one
// kind of token. Each is valid against the schema, as a cached document is.
func estimateCorpus() map[string]string {
	fill := func(prefix, unit, suffix string) string {
		var b strings.Builder
		b.WriteString(prefix)
		for b.Len()+len(unit)+len(suffix) <= 4096 {
			b.WriteString(unit)
		}
		b.WriteString(suffix)
		return b.String()
	}
	var lanes, vars []string
	for i := range 20 {
		vars = append(vars, fmt.Sprintf("$f%d: TimelineFilter", i))
		lanes = append(lanes, fmt.Sprintf("  l%d: timelineBuckets(filter: $f%d, granularity: $granularity) { start count }", i, i))
	}
	return map[string]string{
		"small":       `{ topics { totalCount } }`,
		"lanes":       "query LaneBuckets($granularity: Granularity!, " + strings.Join(vars, ", ") + ") {\n" + strings.Join(lanes, "\n") + "\n}",
		"search":      `query Search($query: String!) { search(query: $query, first: 20) { nodes { __typename ... on Official { slug name country { code } } } pageInfo { hasNextPage endCursor } } }`,
		"fields":      fill("{topics{nodes{", "id slug name ", "}}}"),
		"typenames":   fill("{", "__typename ", "}"),
		"list values": fill("{nodes(ids:[", "1 ", "]){id}}"),
		"strings":     fill(`{timelineBuckets(granularity:YEAR filter:{countries:[`, `"A" `, `]}){count}}`),
		"long string": fill(`{search(query:"`, `a`, `"){totalCount}}`),
		"escapes":     fill(`{search(query:"`, `\u0041`, `"){totalCount}}`),
		"blockstring": fill(`{search(query:"""`, `a`, `"""){totalCount}}`),
		"comments":    fill("{__typename\n", "#\n", "}"),
	}
}

// measureDocument returns the heap that copies parsed, validated documents of the query
// take each, source included, measured after GC.
func measureDocument(tb testing.TB, query string, copies int) int64 {
	tb.Helper()
	sources := make([]string, copies)
	for i := range sources {
		sources[i] = strings.Clone(query)
	}
	docs := make([]*ast.QueryDocument, copies)
	schema := publicSchema() // made on first use, which must not count
	before := heapAfterGC()
	for i, src := range sources {
		doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: src}, 15000)
		if err != nil {
			tb.Fatalf("%.40q: %v", query, err)
		}
		if errs := validator.ValidateWithRules(schema, doc, rules.NewDefaultRules()); len(errs) > 0 {
			tb.Fatalf("%.40q: %v", query, errs[0])
		}
		docs[i] = doc
	}
	after := heapAfterGC()
	runtime.KeepAlive(docs)
	return (int64(after)-int64(before))/int64(copies) + int64(len(query))
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestDocumentBytesBoundsHeap checks that the estimate of a document's size is an upper
// bound of the heap it takes, and not a loose one, for every kind of document it was
// measured on: after an upgrade of gqlparser that changes the AST, this is what says
// the constants need measuring again (BenchmarkDocumentBytes reports the figures).
func TestDocumentBytesBoundsHeap(t *testing.T) {
	for name, query := range estimateCorpus() {
		measured := measureDocument(t, query, 50)
		ratio := float64(documentBytes(query)) / float64(measured)
		if ratio < 1 || ratio > 2.5 {
			t.Errorf("%s (%d bytes): estimated %d bytes, measured %d: %.2f times, want 1 to 2.5", name, len(query), documentBytes(query), measured, ratio)
		}
	}
}

// BenchmarkDocumentBytes reports, for each kind of document, the heap it takes per byte
// of source and per the estimate: the figures documentBytes' constants come from.
func BenchmarkDocumentBytes(b *testing.B) {
	for name, query := range estimateCorpus() {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			var measured int64
			for range b.N {
				measured = measureDocument(b, query, 200)
			}
			b.ReportMetric(float64(measured), "heap-B/doc")
			b.ReportMetric(float64(measured)/float64(len(query)), "heap-B/source-B")
			b.ReportMetric(float64(documentBytes(query))/float64(measured), "estimate/heap")
		})
	}
}
