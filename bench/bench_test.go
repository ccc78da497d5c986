package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"sync"
	"testing"
)

// benchCase is one benchmark: the GraphQL query and its floor, for a world.
type benchCase struct {
	name  string
	query func(tb testing.TB, e *env) string
	floor func(ctx context.Context, f *floorDB, e *env) ([]byte, error)
}

var (
	timelinePage = benchCase{
		name:  "TimelinePage",
		query: func(testing.TB, *env) string { return timelineQuery(timelinePageArgs, false) },
		floor: func(ctx context.Context, f *floorDB, _ *env) ([]byte, error) {
			return floorTimeline(ctx, f, 50, true, nil, false)
		},
	}
	timelineParticipants = benchCase{
		name:  "TimelineParticipants",
		query: func(testing.TB, *env) string { return timelineQuery(timelinePageArgs, true) },
		floor: func(ctx context.Context, f *floorDB, _ *env) ([]byte, error) {
			return floorTimeline(ctx, f, 50, true, nil, true)
		},
	}
	filteredTimelineCase = benchCase{
		name:  "FilteredTimeline",
		query: func(testing.TB, *env) string { return timelineQuery(filteredArgs, false) },
		floor: func(ctx context.Context, f *floorDB, _ *env) ([]byte, error) {
			return floorTimeline(ctx, f, 50, false, filteredTimelineFilter, false)
		},
	}
	bucketsMonth = benchCase{
		name:  "BucketsMonth",
		query: func(testing.TB, *env) string { return bucketsQuery },
		floor: func(ctx context.Context, f *floorDB, _ *env) ([]byte, error) { return floorBuckets(ctx, f) },
	}
	search = benchCase{
		name:  "Search",
		query: func(testing.TB, *env) string { return searchQuery },
		floor: func(ctx context.Context, f *floorDB, _ *env) ([]byte, error) {
			return floorSearch(ctx, f, searchText, 20)
		},
	}
	sessionBySlug = benchCase{
		name:  "SessionBySlug",
		query: func(tb testing.TB, e *env) string { return sessionQuery(busySession(tb, e)) },
		floor: func(ctx context.Context, f *floorDB, e *env) ([]byte, error) { return floorSession(ctx, f, e.busySlug) },
	}
)

func BenchmarkTimelinePage(b *testing.B)         { run(b, timelinePage) }
func BenchmarkTimelineParticipants(b *testing.B) { run(b, timelineParticipants) }
func BenchmarkFilteredTimeline(b *testing.B)     { run(b, filteredTimelineCase) }
func BenchmarkBucketsMonth(b *testing.B)         { run(b, bucketsMonth) }
func BenchmarkSearch(b *testing.B)               { run(b, search) }
func BenchmarkSessionBySlug(b *testing.B)        { run(b, sessionBySlug) }

// run benchmarks c on every backend and world size, GraphQL beside its floor:
// <Benchmark>/<backend>/<sessions>/graphql and …/floor.
func run(b *testing.B, c benchCase) {
	for _, backend := range backends() {
		b.Run(backend, func(b *testing.B) {
			for _, n := range sizes(b) {
				b.Run(strconv.Itoa(n), func(b *testing.B) {
					e := world(b, backend, n)
					body := requestBody(c.query(b, e))
					verify(b, e, c, body)
					ctx := context.Background()
					b.Run("graphql", func(b *testing.B) {
						var size int
						q0 := e.store.Queries()
						b.ResetTimer()
						for b.Loop() {
							rec := post(e.handler, body)
							size += rec.Body.Len()
						}
						b.StopTimer()
						b.ReportMetric(float64(e.store.Queries()-q0)/float64(b.N), "stmts/op")
						b.ReportMetric(float64(size)/float64(b.N), "resp-bytes/op")
					})
					b.Run("floor", func(b *testing.B) {
						f := &floorDB{env: e}
						var size int
						b.ResetTimer()
						for b.Loop() {
							out, err := c.floor(ctx, f, e)
							if err != nil {
								b.Fatal(err)
							}
							size += len(out)
						}
						b.StopTimer()
						b.ReportMetric(float64(f.stmts)/float64(b.N), "stmts/op")
						b.ReportMetric(float64(size)/float64(b.N), "resp-bytes/op")
					})
				})
			}
		})
	}
}

var (
	verifiedMu sync.Mutex
	verified   = map[string]bool{}
)

// verify checks, once per case and world and outside the timing, that the GraphQL answer
// is a 200 without errors and that the floor's answer is the same data.
func verify(tb testing.TB, e *env, c benchCase, body []byte) {
	tb.Helper()
	key := fmt.Sprintf("%s/%s/%d", c.name, e.backend, e.sessions)
	verifiedMu.Lock()
	defer verifiedMu.Unlock()
	if verified[key] {
		return
	}
	got := mustPost(tb, e.handler, body)
	floor, err := c.floor(context.Background(), &floorDB{env: e}, e)
	if err != nil {
		tb.Fatalf("%s: floor: %v", key, err)
	}
	var g, f any
	if err := json.Unmarshal(got, &g); err != nil {
		tb.Fatalf("%s: graphql answer: %v", key, err)
	}
	if err := json.Unmarshal(floor, &f); err != nil {
		tb.Fatalf("%s: floor answer: %v", key, err)
	}
	if path, diff := firstDiff("", g, f); diff != "" {
		tb.Fatalf("%s: floor and graphql differ at %s: %s", key, path, diff)
	}
	if items := countItems(g); items == 0 {
		tb.Fatalf("%s: empty answer: %.500s", key, got)
	}
	verified[key] = true
}

// countItems counts the objects in a decoded answer, to make sure it is not empty.
func countItems(v any) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		for _, y := range x {
			n += countItems(y)
		}
		if len(x) > 0 {
			n++
		}
	case []any:
		for _, y := range x {
			n += countItems(y)
		}
	}
	return n
}

// firstDiff returns where decoded JSON values a (GraphQL) and b (floor) first differ.
func firstDiff(path string, a, b any) (string, string) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return path, fmt.Sprintf("graphql %T, floor %T", a, b)
		}
		keys := make([]string, 0, len(x)+len(y))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			xv, xok := x[k]
			yv, yok := y[k]
			if xok != yok {
				return path + "." + k, fmt.Sprintf("graphql has it: %v, floor has it: %v", xok, yok)
			}
			if p, d := firstDiff(path+"."+k, xv, yv); d != "" {
				return p, d
			}
		}
		return "", ""
	case []any:
		y, ok := b.([]any)
		if !ok {
			return path, fmt.Sprintf("graphql %T, floor %T", a, b)
		}
		for i := range min(len(x), len(y)) {
			if p, d := firstDiff(fmt.Sprintf("%s[%d]", path, i), x[i], y[i]); d != "" {
				return p, d
			}
		}
		if len(x) != len(y) {
			return path, fmt.Sprintf("graphql has %d items, floor %d", len(x), len(y))
		}
		return "", ""
	}
	if !reflect.DeepEqual(a, b) {
		return path, fmt.Sprintf("graphql %v, floor %v", a, b)
	}
	return "", ""
}

// busySession picks, once per world, the session with the most participants and
// statements (the lowest ID among equals) and returns its slug.
func busySession(tb testing.TB, e *env) string {
	tb.Helper()
	e.busyOnce.Do(func() {
		e.busyErr = e.sql.QueryRowContext(context.Background(), `SELECT s.slug FROM sessions s
		JOIN (SELECT session_id, COUNT(*) AS n FROM participants GROUP BY session_id) p ON p.session_id = s.id
		JOIN (SELECT session_id, COUNT(*) AS n FROM statements GROUP BY session_id) st ON st.session_id = s.id
		ORDER BY p.n + st.n DESC, s.id LIMIT 1`).Scan(&e.busySlug)
	})
	if e.busyErr != nil {
		tb.Fatalf("pick a busy session: %v", e.busyErr)
	}
	return e.busySlug
}
