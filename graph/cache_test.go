package graph_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"diplomacy-timeline/httpapi"
	"diplomacy-timeline/httpapi/apitest"
	"diplomacy-timeline/limits"
)

// bigDocument returns the i'th of distinct valid documents of size bytes: { __typename }
// after a comment, which is one token, so that a document of a megabyte is within the
// token limit and the body limit.
func bigDocument(i, size int) string {
	head := fmt.Sprintf("# document %d ", i)
	const tail = "\n{ __typename }"
	return head + strings.Repeat("x", size-len(head)-len(tail)) + tail
}

// persistedQuery is the APQ extension that registers query (or, with the query left out
// of the request, asks for it by its hash).
func persistedQuery(query string) map[string]any {
	sum := sha256.Sum256([]byte(query))
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
}

// post posts a GraphQL request body to the server.
func post(tb testing.TB, s *apitest.Server, body map[string]any) *apitest.Response {
	tb.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := s.Client().Post(s.URL+"/graphql", "application/json", bytes.NewReader(raw))
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	out := &apitest.Response{Status: res.StatusCode}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		tb.Fatalf("decode response (status %d): %v", res.StatusCode, err)
	}
	return out
}

// mustRun fails unless the request ran { __typename }.
func mustRun(tb testing.TB, r *apitest.Response) {
	tb.Helper()
	if len(r.Errors) > 0 || string(r.Data) != `{"__typename":"Query"}` {
		tb.Fatalf("status %d, data %s, errors %+v; want __typename", r.Status, r.Data, r.Errors)
	}
}

// flood sends n distinct documents of size bytes, then n automatic persisted query
// registrations of n more: the load that took the server to 2 GB when its caches were
// bounded in entries.
func flood(tb testing.TB, s *apitest.Server, n, size int) {
	tb.Helper()
	for i := range n {
		mustRun(tb, post(tb, s, map[string]any{"query": bigDocument(i, size)}))
	}
	for i := range n {
		q := bigDocument(n+i, size)
		mustRun(tb, post(tb, s, map[string]any{"query": q, "extensions": persistedQuery(q)}))
	}
}

// cacheBytes reads the bytes the GraphQL caches hold, by cache (query, apq), from the
// server's /metrics. They are summed over the test binary's servers, so a test compares
// them before and after.
func cacheBytes(tb testing.TB, s *apitest.Server) map[string]float64 {
	tb.Helper()
	res, err := s.Client().Get(s.URL + "/metrics")
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	out := map[string]float64{}
	lines := bufio.NewScanner(res.Body)
	for lines.Scan() {
		rest, ok := strings.CutPrefix(lines.Text(), `diplomacy_graphql_cache_bytes{cache="`)
		if !ok {
			continue
		}
		name, value, _ := strings.Cut(rest, `"} `)
		if out[name], err = strconv.ParseFloat(value, 64); err != nil {
			tb.Fatalf("metric %q: %v", lines.Text(), err)
		}
	}
	_, _ = io.Copy(io.Discard, res.Body)
	return out
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

const megabyte = 1_000_000

// TestCachesBoundedInBytes sends 1,000 valid documents of 1 MB and 1,000 APQ
// registrations of as many more through the real handler. Caches bounded in entries
// kept them all, 2 GB; with the defaults, documents that long are parsed each time and
// not kept, so the caches stay within their bytes and so does the heap. A persisted
// query that long is executed but not registered: its hash alone is not found. With
// -short, 100 of each.
func TestCachesBoundedInBytes(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		t.Skip("the caches are the same on every backend: this runs on SQLite")
	}
	s := apitest.MustOpenServer(t, true)
	lim := limits.Default()
	before, heapBefore := cacheBytes(t, s), heapAfterGC()
	n := 300 // 300 MB through the handler: the old 1,000-entry caches grew by all of it
	if testing.Short() {
		n = 20 // CI's race run; the bound is checked at full scale without -short
	}
	flood(t, s, n, megabyte)
	heapAfter, after := heapAfterGC(), cacheBytes(t, s)

	grown := int64(heapAfter) - int64(heapBefore)
	t.Logf("heap after GC: %.1f MB before, %.1f MB after %d documents of 1 MB and %d registrations", float64(heapBefore)/1e6, float64(heapAfter)/1e6, n, n)
	if bound := lim.QueryCacheBytes + lim.APQCacheBytes + 32<<20; grown > bound {
		t.Errorf("heap grew by %d bytes, want at most the caches' %d bytes and 32 MiB", grown, lim.QueryCacheBytes+lim.APQCacheBytes)
	}
	for name, bound := range map[string]int64{"query": lim.QueryCacheBytes, "apq": lim.APQCacheBytes} {
		held, ok := after[name]
		if !ok {
			t.Errorf("/metrics has no diplomacy_graphql_cache_bytes of the %s cache", name)
		} else if held-before[name] > float64(bound) {
			t.Errorf("the %s cache grew by %.0f bytes, want at most %d", name, held-before[name], bound)
		}
	}

	// The last registration was not kept; a short one is.
	if r := post(t, s, map[string]any{"extensions": persistedQuery(bigDocument(2*n-1, megabyte))}); r.Code(t) != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("a 1 MB persisted query by its hash: %s, want PERSISTED_QUERY_NOT_FOUND", r.Code(t))
	}
	short := "query Short { __typename }"
	mustRun(t, post(t, s, map[string]any{"query": short, "extensions": persistedQuery(short)}))
	mustRun(t, post(t, s, map[string]any{"extensions": persistedQuery(short)}))
}

// TestCachesEvictByBytes lets documents of 1 MB be cached and checks that the caches
// then evict by bytes: of 24 registrations of 1 MB, an 8 MiB cache keeps the last few
// and has evicted the first.
func TestCachesEvictByBytes(t *testing.T) {
	const bound = 8 << 20
	s := apitest.MustOpenServerWith(t, true, httpapi.Options{Token: apitest.Token, Limits: limits.Config{
		QueryCacheBytes: bound, APQCacheBytes: bound, MaxCachedQueryBytes: 2 * megabyte,
	}})
	before := cacheBytes(t, s)
	const n = 24 // three times the bound
	flood(t, s, n, megabyte)
	after := cacheBytes(t, s)
	for _, name := range []string{"query", "apq"} {
		// Each cache holds at least one document, and at most its bytes.
		if grown := after[name] - before[name]; grown < megabyte || grown > bound {
			t.Errorf("the %s cache grew by %.0f bytes, want 1 MB to %d", name, grown, bound)
		}
	}
	if r := post(t, s, map[string]any{"extensions": persistedQuery(bigDocument(n, megabyte))}); r.Code(t) != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("the first persisted query by its hash: %s, want PERSISTED_QUERY_NOT_FOUND (evicted)", r.Code(t))
	}
	mustRun(t, post(t, s, map[string]any{"extensions": persistedQuery(bigDocument(2*n-1, megabyte))}))
}

// BenchmarkCachesUnderLoad sends 1,000 documents of 1 MB and 1,000 APQ registrations of
// as many more through the real handler per op, and reports the heap after GC before
// and after, and the bytes the caches hold: with the defaults, and with documents of
// 1 MB let into the caches (--max-cached-query-bytes 2000000), which then evict by
// bytes. Run with -benchtime=1x.
func BenchmarkCachesUnderLoad(b *testing.B) {
	for _, bc := range []struct {
		name string
		lim  limits.Config
	}{
		{"defaults", limits.Config{}},
		{"1MB_documents_cached", limits.Config{MaxCachedQueryBytes: 2 * megabyte}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := apitest.MustOpenServerWith(b, true, httpapi.Options{Token: apitest.Token, Limits: bc.lim})
			before, heapBefore := cacheBytes(b, s), heapAfterGC()
			for range b.N {
				flood(b, s, 1000, megabyte)
			}
			heapAfter, after := heapAfterGC(), cacheBytes(b, s)
			b.ReportMetric(float64(heapBefore)/1e6, "heap-MB-before")
			b.ReportMetric(float64(heapAfter)/1e6, "heap-MB-after")
			b.ReportMetric((after["query"]-before["query"])/1e6, "query-cache-MB")
			b.ReportMetric((after["apq"]-before["apq"])/1e6, "apq-cache-MB")
		})
	}
}
