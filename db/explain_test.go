package db

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// The tests of this file generate a large timeline straight into the tables, run the
// store's own timeline, bucket and search queries on it while recording the SQL they
// send, and check with EXPLAIN QUERY PLAN that every statement reads an index rather than
// the whole table.

// explainSizes of the generated dataset.
const (
	explainEntries       = 100_000
	explainEntriesShort  = 20_000
	explainPlatforms     = 40
	explainTopics        = 30
	explainOfficials     = 400
	explainBatchRows     = 400
	explainCountriesUsed = 40
)

// explainBigTables may never be read whole.
var explainBigTables = []string{"timeline_entries", "timeline_entry_countries", "timeline_entry_topics", "timeline_entry_officials"}

// explainStatement is one SQL statement the store ran.
type explainStatement struct {
	sql  string
	vars []any
}

// explainRecorder records the statements GORM runs while it is on.
type explainRecorder struct {
	mu   sync.Mutex
	on   bool
	stmt []explainStatement
}

func (r *explainRecorder) record(db *gorm.DB) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.on && db.Statement.SQL.Len() > 0 {
		r.stmt = append(r.stmt, explainStatement{db.Statement.SQL.String(), append([]any(nil), db.Statement.Vars...)})
	}
}

// capture runs fn and returns the statements it ran.
func (r *explainRecorder) capture(tb testing.TB, fn func() error) []explainStatement {
	tb.Helper()
	r.mu.Lock()
	r.on, r.stmt = true, nil
	r.mu.Unlock()
	err := fn()
	r.mu.Lock()
	out := r.stmt
	r.on, r.stmt = false, nil
	r.mu.Unlock()
	if err != nil {
		tb.Fatal(err)
	}
	if len(out) == 0 {
		tb.Fatal("no statement recorded")
	}
	return out
}

// explainDB is a store over a large generated timeline, with a recorder on its queries.
type explainDB struct {
	s   *Store
	raw *sql.DB
	rec *explainRecorder
	n   int
}

// explainOpen builds the database in a temporary directory; it is closed when the test ends.
func explainOpen(t *testing.T) *explainDB {
	t.Helper()
	n := explainEntries
	if testing.Short() {
		n = explainEntriesShort
	}
	start := time.Now()
	d, err := explainBuild(filepath.Join(t.TempDir(), "explain.db"), n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.s.Close() })
	t.Logf("generated %d timeline entries with their links in %v", n, time.Since(start).Round(time.Millisecond))
	return d
}

func explainBuild(path string, n int) (_ *explainDB, err error) {
	ctx := context.Background()
	s, err := Open(ctx, path, Options{NoDataset: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	// Rows go in through the writer; plans are read where the store reads.
	writer, err := s.wdb.DB()
	if err != nil {
		return nil, err
	}
	raw, err := s.gdb.DB()
	if err != nil {
		return nil, err
	}
	if err := explainGenerate(ctx, writer, n); err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	if _, err := writer.ExecContext(ctx, "ANALYZE"); err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	rec := &explainRecorder{}
	cb := s.gdb.Callback()
	for _, e := range []error{
		cb.Query().After("gorm:query").Register("explain:query", rec.record),
		cb.Row().After("gorm:row").Register("explain:row", rec.record),
		cb.Raw().After("gorm:raw").Register("explain:raw", rec.record),
	} {
		if e != nil {
			return nil, e
		}
	}
	return &explainDB{s: s, raw: raw, rec: rec, n: n}, nil
}

// explainCountries are the country codes entries are about; KZ is the most frequent.
var explainCountries = func() []string {
	all := []string{"KZ", "US", "KG", "TJ", "TM", "UZ", "AF", "RU", "CN", "IN", "PK", "IR", "TR", "DE", "FR", "GB", "JP", "KR",
		"IT", "ES", "PL", "UA", "BY", "AZ", "AM", "GE", "MN", "SA", "AE", "QA", "EG", "IL", "CA", "MX", "BR", "AR", "ZA", "NG", "AU", "ID"}
	return all[:explainCountriesUsed]
}()

// explainGenerate inserts the platforms, topics and officials the entries refer to, then n
// entries with their country, topic and official links, in one transaction of
// multi-row INSERTs.
func explainGenerate(ctx context.Context, db *sql.DB, n int) error {
	rng := rand.New(rand.NewPCG(20230728, 1))
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	now := time.Now().UTC()

	ins := &explainInserter{ctx: ctx, tx: tx}
	for i := 1; i <= explainPlatforms; i++ {
		ins.row("platforms (id, slug, name, kind, created_at, updated_at)", i, fmt.Sprintf("platform-%d", i), fmt.Sprintf("Platform %d", i), "FORMAT", now, now)
	}
	for i := 1; i <= explainTopics; i++ {
		ins.row("topics (id, slug, name)", i, fmt.Sprintf("topic-%d", i), fmt.Sprintf("Topic %d", i))
	}
	for i := 1; i <= explainOfficials; i++ {
		ins.row("officials (id, slug, name, created_at, updated_at)", i, fmt.Sprintf("official-%d", i), fmt.Sprintf("Official %d", i), now, now)
	}
	ins.flush()

	kinds := model.TimelineEntryKinds
	for id := 1; id <= n; id++ {
		y := int64(1950 + rng.IntN(76))
		var key, last int64
		switch p := rng.IntN(20); {
		case p < 2: // a year
			key = y * 10000
			last = key + 9999
		case p < 5: // a month
			key = y*10000 + int64(1+rng.IntN(12))*100
			last = key + 99
		default: // a day
			key = y*10000 + int64(1+rng.IntN(12))*100 + int64(1+rng.IntN(28))
			last = key
		}
		var end any
		if rng.IntN(5) == 0 {
			e := (y+int64(rng.IntN(3)))*10000 + int64(1+rng.IntN(12))*100 + int64(1+rng.IntN(28))
			if e >= last {
				end, last = e, e
			}
		}
		var platform any
		if rng.IntN(10) < 6 {
			platform = 1 + rng.IntN(explainPlatforms)
		}
		var summary any
		if rng.IntN(2) == 0 {
			summary = fmt.Sprintf("Summary of generated entry %d about talks and trade.", id)
		}
		kind := kinds[rng.IntN(len(kinds))]
		ins.row("timeline_entries (id, kind, date_key, end_key, last_key, title, summary, platform_id, origin)",
			id, string(kind), key, end, last, fmt.Sprintf("Generated entry %d", id), summary, platform, fmt.Sprintf("gen:%d", id))

		// Zipf-like: the first codes, topics and officials are the most frequent.
		for _, c := range explainPick(rng, 1+rng.IntN(3), len(explainCountries)) {
			ins.row("timeline_entry_countries (entry_id, country_code)", id, explainCountries[c])
		}
		for _, tp := range explainPick(rng, rng.IntN(3), explainTopics) {
			ins.row("timeline_entry_topics (entry_id, topic_id)", id, tp+1)
		}
		for _, o := range explainPick(rng, rng.IntN(3), explainOfficials) {
			ins.row("timeline_entry_officials (entry_id, official_id)", id, o+1)
		}
	}
	ins.flush()
	if ins.err != nil {
		return ins.err
	}
	return tx.Commit()
}

// explainPick returns k distinct numbers in [0, n), skewed toward small ones.
func explainPick(rng *rand.Rand, k, n int) []int {
	seen := map[int]bool{}
	var out []int
	for len(out) < k {
		v := int(float64(n) * rng.Float64() * rng.Float64())
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// explainInserter batches rows into multi-row INSERTs, one pending batch per table.
type explainInserter struct {
	ctx     context.Context
	tx      *sql.Tx
	err     error
	order   []string
	pending map[string][][]any
}

func (ins *explainInserter) row(table string, values ...any) {
	if ins.pending == nil {
		ins.pending = map[string][][]any{}
	}
	if _, ok := ins.pending[table]; !ok {
		ins.order = append(ins.order, table)
	}
	ins.pending[table] = append(ins.pending[table], values)
	if len(ins.pending[table]) >= explainBatchRows {
		ins.write(table)
	}
}

// flush writes every pending batch, parents first.
func (ins *explainInserter) flush() {
	for _, table := range ins.order {
		ins.write(table)
	}
}

func (ins *explainInserter) write(table string) {
	rows := ins.pending[table]
	ins.pending[table] = rows[:0:0]
	if ins.err != nil || len(rows) == 0 {
		return
	}
	// Links refer to entries that may still be pending: write those first.
	if strings.HasPrefix(table, "timeline_entry_") {
		ins.write("timeline_entries (id, kind, date_key, end_key, last_key, title, summary, platform_id, origin)")
		if ins.err != nil {
			return
		}
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rows[0])), ", ") + ")"
	var q strings.Builder
	q.WriteString("INSERT INTO " + table + " VALUES ")
	args := make([]any, 0, len(rows)*len(rows[0]))
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(one)
		args = append(args, r...)
	}
	if _, err := ins.tx.ExecContext(ins.ctx, q.String(), args...); err != nil {
		ins.err = fmt.Errorf("insert into %s: %w", table, err)
	}
}

// explainPlan returns the detail lines of the statement's query plan, indented by depth.
func (d *explainDB) explainPlan(tb testing.TB, st explainStatement) []string {
	tb.Helper()
	rows, err := d.raw.Query("EXPLAIN QUERY PLAN "+st.sql, st.vars...)
	if err != nil {
		tb.Fatalf("explain %s: %v", st.sql, err)
	}
	defer rows.Close()
	depth := map[int]int{}
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			tb.Fatal(err)
		}
		depth[id] = depth[parent] + 1
		out = append(out, strings.Repeat("  ", depth[id]-1)+detail)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// explainTime runs the statement again, reading every row, and returns how long it took:
// the best of three, for the log only (timings are no assertion).
func (d *explainDB) explainTime(tb testing.TB, st explainStatement) time.Duration {
	tb.Helper()
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		rows, err := d.raw.Query(st.sql, st.vars...)
		if err != nil {
			tb.Fatalf("run %s: %v", st.sql, err)
		}
		for rows.Next() {
		}
		err = rows.Err()
		_ = rows.Close()
		if err != nil {
			tb.Fatal(err)
		}
		best = min(best, time.Since(start))
	}
	return best.Round(10 * time.Microsecond)
}

// explainFullScans returns the plan lines that read a big table without an index.
func explainFullScans(plan []string) []string {
	var bad []string
	for _, line := range plan {
		l := strings.TrimSpace(line)
		for _, table := range explainBigTables {
			if (l == "SCAN "+table || strings.HasPrefix(l, "SCAN "+table+" ")) &&
				!strings.Contains(l, "USING INDEX") && !strings.Contains(l, "USING COVERING INDEX") {
				bad = append(bad, l)
			}
		}
	}
	return bad
}

// explainCheck logs the plan of every statement and fails on a full scan of a big table.
func (d *explainDB) explainCheck(t *testing.T, what string, stmts []explainStatement) {
	t.Helper()
	for i, st := range stmts {
		plan := d.explainPlan(t, st)
		took := d.explainTime(t, st)
		t.Logf("%s, statement %d (%v): %s\n  vars %v\n  %s", what, i+1, took, st.sql, st.vars, strings.Join(plan, "\n  "))
		if bad := explainFullScans(plan); len(bad) > 0 {
			t.Errorf("%s, statement %d reads a whole table: %v\n  SQL: %s", what, i+1, bad, st.sql)
		}
	}
}

func explainDate(s string) *model.Date { d := model.MustParseDate(s); return &d }

// explainFilters are the filter paths of the timeline: none, each field alone, and a
// combination.
var explainFilters = []struct {
	name string
	f    *model.TimelineFilter
}{
	{"none", nil},
	{"from", &model.TimelineFilter{From: explainDate("2020")}},
	{"from far back", &model.TimelineFilter{From: explainDate("1960-03")}},
	{"to", &model.TimelineFilter{To: explainDate("1960")}},
	{"from and to", &model.TimelineFilter{From: explainDate("1990-05"), To: explainDate("1991-02-14")}},
	{"kinds", &model.TimelineFilter{Kinds: []model.TimelineEntryKind{model.EntrySession, model.EntryStatement}}},
	{"one kind", &model.TimelineFilter{Kinds: []model.TimelineEntryKind{model.EntryPlatformFounded}}},
	{"platforms", &model.TimelineFilter{Platforms: []string{"platform-3", "platform-17"}}},
	{"countries", &model.TimelineFilter{Countries: []string{"KZ", "UZ"}}},
	{"rare country", &model.TimelineFilter{Countries: []string{explainCountries[len(explainCountries)-1]}}},
	{"topics", &model.TimelineFilter{Topics: []string{"topic-1", "topic-12"}}},
	{"officials", &model.TimelineFilter{Officials: []string{"official-1", "official-250"}}},
	{"combination", &model.TimelineFilter{From: explainDate("1990"), To: explainDate("2015-06"),
		Kinds:     []model.TimelineEntryKind{model.EntrySession, model.EntryStatement, model.EntryInitiativeProposed},
		Platforms: []string{"platform-1", "platform-2", "platform-3", "platform-4", "platform-5", "platform-6"},
		Countries: []string{"KZ", "US", "KG"}, Topics: []string{"topic-1", "topic-2", "topic-3"},
		Officials: []string{"official-1", "official-2", "official-3", "official-4", "official-5", "official-6", "official-7", "official-8"}}},
}

func explainInt(n int) *int { return &n }

// explainTimelinePages checks that every timeline page the store reads — first page,
// the next page in both orders, a page backwards and the count — reads an index for
// every filter path.
func explainTimelinePages(t *testing.T, d *explainDB) {
	ctx := context.Background()
	var total int64
	if err := d.raw.QueryRow("SELECT COUNT(*) FROM timeline_entries").Scan(&total); err != nil {
		t.Fatal(err)
	}
	if total != int64(d.n) {
		t.Fatalf("%d entries, want %d", total, d.n)
	}
	for _, tc := range explainFilters {
		t.Run(tc.name, func(t *testing.T) {
			for _, order := range []model.SortOrder{model.SortOrderAsc, model.SortOrderDesc} {
				var first *Conn[model.TimelineEntry]
				stmts := d.rec.capture(t, func() (err error) {
					first, err = d.s.Timeline(ctx, tc.f, order, Page{First: explainInt(50), Count: true})
					return err
				})
				if len(first.Items) == 0 {
					t.Fatalf("%s %s: no entries; the generated data should match every filter", tc.name, order)
				}
				t.Logf("%s %s: %d entries in all", tc.name, order, first.TotalCount)
				d.explainCheck(t, fmt.Sprintf("%s, %s, first page with count", tc.name, order), stmts)

				// Page on from the end of the first page or, when it holds everything, from
				// its first entry.
				next := first.Cursors[len(first.Cursors)-1]
				if !first.HasNextPage {
					if len(first.Cursors) < 2 {
						continue
					}
					next = first.Cursors[0]
				}
				stmts = d.rec.capture(t, func() error {
					_, err := d.s.Timeline(ctx, tc.f, order, Page{First: explainInt(50), After: &next})
					return err
				})
				d.explainCheck(t, fmt.Sprintf("%s, %s, next page", tc.name, order), stmts)

				stmts = d.rec.capture(t, func() error {
					_, err := d.s.Timeline(ctx, tc.f, order, Page{Last: explainInt(20), Before: &next})
					return err
				})
				d.explainCheck(t, fmt.Sprintf("%s, %s, page backwards", tc.name, order), stmts)
			}
		})
	}
}

// explainTimelineTextFilter logs the plans of the text filter, which reads words
// anywhere in titles and summaries (LIKE '%word%') and so has no B-tree index to use; it
// is combined here with an indexed filter, which must still bound what is read.
func explainTimelineTextFilter(t *testing.T, d *explainDB) {
	ctx := context.Background()
	text := "talks"
	for _, tc := range []struct {
		name   string
		f      *model.TimelineFilter
		assert bool
	}{
		{"text alone", &model.TimelineFilter{Text: &text}, false},
		{"text and platform", &model.TimelineFilter{Text: &text, Platforms: []string{"platform-3"}}, true},
		{"text and country", &model.TimelineFilter{Text: &text, Countries: []string{"KZ"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stmts := d.rec.capture(t, func() error {
				_, err := d.s.Timeline(ctx, tc.f, model.SortOrderAsc, Page{First: explainInt(50), Count: true})
				return err
			})
			if !tc.assert {
				for i, st := range stmts {
					t.Logf("%s, statement %d (not asserted): %s\n  %s", tc.name, i+1, st.sql, strings.Join(d.explainPlan(t, st), "\n  "))
				}
				return
			}
			d.explainCheck(t, tc.name, stmts)
		})
	}
}

// explainTimelineBuckets checks the bucket query, with and without filters.
func explainTimelineBuckets(t *testing.T, d *explainDB) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		f    *model.TimelineFilter
		g    model.Granularity
	}{
		{"countries by month", &model.TimelineFilter{Countries: []string{"KZ"}}, model.GranularityMonth},
		{"rare country by day", &model.TimelineFilter{Countries: []string{explainCountries[len(explainCountries)-1]}}, model.GranularityDay},
		{"platform by year", &model.TimelineFilter{Platforms: []string{"platform-3"}}, model.GranularityYear},
		{"from and to by month", &model.TimelineFilter{From: explainDate("1990"), To: explainDate("1992")}, model.GranularityMonth},
		{"kinds by year", &model.TimelineFilter{Kinds: []model.TimelineEntryKind{model.EntrySession}}, model.GranularityYear},
		{"topics by year", &model.TimelineFilter{Topics: []string{"topic-5"}}, model.GranularityYear},
		{"officials by year", &model.TimelineFilter{Officials: []string{"official-7"}}, model.GranularityYear},
		{"everything by year", nil, model.GranularityYear},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buckets []*model.TimelineBucket
			stmts := d.rec.capture(t, func() (err error) {
				buckets, err = d.s.TimelineBuckets(ctx, tc.f, tc.g)
				return err
			})
			if len(buckets) == 0 {
				t.Fatalf("%s: no buckets", tc.name)
			}
			d.explainCheck(t, "buckets, "+tc.name, stmts)
		})
	}
}

// explainSearch checks that search reads the full-text index, for a page and its count.
func explainSearch(t *testing.T, d *explainDB) {
	ctx := context.Background()
	stmts := d.rec.capture(t, func() error {
		_, err := d.s.Search(ctx, `Alma "NEAR( -astana*`, Page{First: explainInt(20), Count: true})
		return err
	})
	if len(stmts) != 2 {
		t.Fatalf("search ran %d statements, want a page and a count", len(stmts))
	}
	for i, st := range stmts {
		plan := d.explainPlan(t, st)
		t.Logf("search, statement %d: %s\n  vars %v\n  %s", i+1, st.sql, st.vars, strings.Join(plan, "\n  "))
		if !strings.Contains(strings.Join(plan, "\n"), "VIRTUAL TABLE INDEX") {
			t.Errorf("search statement %d does not use the full-text index: %v", i+1, plan)
		}
		if !strings.Contains(st.sql, "MATCH") {
			t.Errorf("search statement %d has no MATCH: %s", i+1, st.sql)
		}
	}
}

// explainFullScanDetector makes sure the plan check would catch a full scan.
func explainFullScanDetector(t *testing.T, d *explainDB) {
	plan := d.explainPlan(t, explainStatement{sql: "SELECT * FROM timeline_entries WHERE title = ?", vars: []any{"x"}})
	if len(explainFullScans(plan)) == 0 {
		t.Fatalf("a scan on an unindexed column was not reported: %v", plan)
	}
	for _, ok := range [][]string{
		{"SCAN timeline_entries USING INDEX timeline_date"},
		{"SCAN timeline_entries USING COVERING INDEX timeline_kind"},
		{"SEARCH timeline_entries USING INDEX timeline_platform (platform_id=?)"},
		{"SCAN timeline_entries_archive"},
	} {
		if bad := explainFullScans(ok); len(bad) > 0 {
			t.Errorf("%v reported as a full scan", ok)
		}
	}
	if bad := explainFullScans([]string{"  SCAN timeline_entry_countries"}); len(bad) != 1 {
		t.Errorf("a full scan of a link table was not reported")
	}
}

// TestExplainQueryPlans generates a large timeline and checks the plans of the timeline,
// bucket and search queries on it.
func TestExplainQueryPlans(t *testing.T) {
	t.Parallel()
	d := explainOpen(t)
	t.Run("full scan detector", func(t *testing.T) { explainFullScanDetector(t, d) })
	t.Run("timeline pages", func(t *testing.T) { explainTimelinePages(t, d) })
	t.Run("timeline text filter", func(t *testing.T) { explainTimelineTextFilter(t, d) })
	t.Run("timeline buckets", func(t *testing.T) { explainTimelineBuckets(t, d) })
	t.Run("search", func(t *testing.T) { explainSearch(t, d) })
}
