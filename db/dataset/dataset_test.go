package dataset_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dataset"
	"diplomacy-timeline/db/dbtest/storetest"
	"diplomacy-timeline/db/synth"
	"diplomacy-timeline/model"
)

func exportOf(tb testing.TB, s *db.Store) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := dataset.Export(context.Background(), s, &buf); err != nil {
		tb.Fatalf("export: %v", err)
	}
	return buf.Bytes()
}

func mustImport(tb testing.TB, s *db.Store, data []byte) dataset.ImportStats {
	tb.Helper()
	stats, err := dataset.Import(context.Background(), s, bytes.NewReader(data), nil)
	if err != nil {
		tb.Fatalf("import: %v", err)
	}
	return stats
}

// encode writes a dataset in the canonical form an export has.
func encode(tb testing.TB, d *model.Dataset) []byte {
	tb.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// decode reads a dataset strictly: every field of the file must be a field of the types.
func decode(tb testing.TB, data []byte) *model.Dataset {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d model.Dataset
	if err := dec.Decode(&d); err != nil {
		tb.Fatalf("decode dataset: %v", err)
	}
	return &d
}

// sameBytes fails with the first differing line when a and b differ.
func sameBytes(tb testing.TB, what string, a, b []byte) {
	tb.Helper()
	if bytes.Equal(a, b) {
		return
	}
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			tb.Fatalf("%s: differ at line %d:\n- %s\n+ %s", what, i+1, al[i], bl[i])
		}
	}
	tb.Fatalf("%s: differ in length: %d lines and %d lines", what, len(al), len(bl))
}

// derived sums up the timeline and the search index of a database, which an import must
// rebuild exactly.
func derived(tb testing.TB, s *db.Store, words ...string) string {
	tb.Helper()
	ctx := context.Background()
	tl, err := s.Timeline(ctx, nil, model.SortOrderAsc, db.Page{Count: true})
	if err != nil {
		tb.Fatal(err)
	}
	out := fmt.Sprintf("timeline %d;", tl.TotalCount)
	buckets, err := s.TimelineBuckets(ctx, nil, model.GranularityYear)
	if err != nil {
		tb.Fatal(err)
	}
	for _, b := range buckets {
		out += fmt.Sprintf(" %s:%d", b.Start, b.Count)
		for _, k := range b.ByKind {
			out += fmt.Sprintf("/%s=%d", k.Kind, k.Count)
		}
	}
	// The link rows of the entries, through the filters that read them: slugs of the
	// default dataset and of generated worlds.
	for _, f := range []model.TimelineFilter{
		{Countries: []string{"KZ"}}, {Countries: []string{"US", "AF"}}, {Countries: []string{"DE"}},
		{Topics: []string{"security"}}, {Topics: []string{"topic-01"}}, {Topics: []string{"topic-07"}},
		{Officials: []string{"thomas-west"}}, {Officials: []string{"official-1"}}, {Officials: []string{"official-100"}},
		{Platforms: []string{"c5-plus-1"}}, {Platforms: []string{"platform-02"}},
	} {
		tl, err := s.Timeline(ctx, &f, model.SortOrderAsc, db.Page{Count: true})
		if err != nil {
			tb.Fatal(err)
		}
		out += fmt.Sprintf("; %v %v %v %v: %d", f.Countries, f.Topics, f.Officials, f.Platforms, tl.TotalCount)
	}
	for _, w := range words {
		res, err := s.Search(ctx, w, db.Page{Count: true})
		if err != nil {
			tb.Fatal(err)
		}
		out += fmt.Sprintf("; search %q %d", w, res.TotalCount)
	}
	return out
}

// TestDatasetRoundTripDefault exports the default dataset, imports it into an empty
// database and exports that: the two files are the same bytes, and the timeline and the
// search index are the same.
func TestDatasetRoundTripDefault(t *testing.T) {
	t.Parallel()
	a := storetest.Default(t)
	first := exportOf(t, a)
	for _, want := range []string{`"format": "diplomacy-timeline/dataset"`, `"slug": "c5-plus-1-special-session-on-afghanistan-2023"`,
		`"parent": "c5-plus-1-special-session-on-afghanistan-2023"`, `"official": "thomas-west"`, `"status": "PROPOSED"`,
		`"code": "AF"`, `"index": 1`, `"publisher": "Kazinform"`} {
		if !bytes.Contains(first, []byte(want)) {
			t.Fatalf("the export lacks %s:\n%s", want, first)
		}
	}
	b := storetest.Empty(t)
	stats := mustImport(t, b, first)
	want := dataset.ImportStats{Topics: dataset.ImportCount{Created: 7}, Sources: dataset.ImportCount{Created: 1}, Platforms: dataset.ImportCount{Created: 1},
		Officials: dataset.ImportCount{Created: 4}, Sessions: dataset.ImportCount{Created: 2}, Initiatives: dataset.ImportCount{Created: 1},
		Statements: dataset.ImportCount{Created: 3}, Derived: 12}
	if stats != want {
		t.Fatalf("import stats = %+v, want %+v", stats, want)
	}
	sameBytes(t, "export, import, export", first, exportOf(t, b))
	words := []string{"Astana", "Almaty", "Kaliyev", "Kazinform", "humanitarian"}
	if got, want := derived(t, b, words...), derived(t, a, words...); got != want {
		t.Fatalf("timeline and search after the import:\n%s\nwant\n%s", got, want)
	}
	// The lookups by slug of the contract work on the imported database.
	ctx := context.Background()
	meeting, err := b.Session(ctx, "west-umarov-meeting-2023")
	if err != nil || meeting.ParentID == nil {
		t.Fatalf("side session after the import: %+v, %v", meeting, err)
	}
}

// TestDatasetRoundTripGenerated does the same with a generated world.
func TestDatasetRoundTripGenerated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sessions := 2000
	if testing.Short() {
		sessions = 300
	}
	a := storetest.Empty(t)
	if _, err := synth.Generate(ctx, a, synth.Options{Sessions: sessions, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	first := exportOf(t, a)
	d := decode(t, first)
	if len(d.Sessions) != sessions || len(d.Statements) == 0 || len(d.Initiatives) == 0 || len(d.Sources) == 0 || len(d.Countries) < 10 {
		t.Fatalf("the export misses records: %d sessions, %d statements, %d initiatives, %d sources, %d countries",
			len(d.Sessions), len(d.Statements), len(d.Initiatives), len(d.Sources), len(d.Countries))
	}

	b := storetest.Empty(t)
	var stages []string
	stats, err := dataset.Import(ctx, b, bytes.NewReader(first), func(stage string, n, total int) {
		if len(stages) == 0 || stages[len(stages)-1] != stage {
			stages = append(stages, stage)
		}
		if stage == "timeline" && (total == 0 || n > total) {
			t.Errorf("progress of %s: %d of %d", stage, n, total)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"countries", "topics", "sources", "platforms", "officials", "sessions", "initiatives", "statements", "timeline"}; !reflect.DeepEqual(stages, want) {
		t.Fatalf("progress stages = %v, want %v", stages, want)
	}
	if stats.Sessions.Created != sessions || stats.Statements.Created != len(d.Statements) {
		t.Fatalf("import stats = %+v", stats)
	}
	second := exportOf(t, b)
	sameBytes(t, "export, import, export", first, second)
	words := []string{"Astana", "Kazinform", "security", "delegations"}
	wantDerived := derived(t, a, words...)
	if got := derived(t, b, words...); got != wantDerived {
		t.Fatalf("timeline and search after the import:\n%s\nwant\n%s", got, wantDerived)
	}

	// Importing again finds every record unchanged, and creates and updates none.
	stats = mustImport(t, b, first)
	if stats.Sessions != (dataset.ImportCount{Unchanged: sessions}) || stats.Statements != (dataset.ImportCount{Unchanged: len(d.Statements)}) ||
		stats.Sources != (dataset.ImportCount{Unchanged: len(d.Sources)}) || stats.Officials != (dataset.ImportCount{Unchanged: len(d.Officials)}) ||
		stats.Initiatives != (dataset.ImportCount{Unchanged: len(d.Initiatives)}) || stats.Platforms != (dataset.ImportCount{Unchanged: len(d.Platforms)}) ||
		stats.Topics != (dataset.ImportCount{Unchanged: len(d.Topics)}) {
		t.Fatalf("second import stats = %+v", stats)
	}
	sameBytes(t, "export after a second import", first, exportOf(t, b))
	if got := derived(t, b, words...); got != wantDerived {
		t.Fatalf("timeline and search after a second import:\n%s\nwant\n%s", got, wantDerived)
	}
}

// TestDatasetCanonicalForm checks that an export is exactly the model.Dataset it holds,
// encoded: the Go types describe the whole format.
func TestDatasetCanonicalForm(t *testing.T) {
	t.Parallel()
	data := exportOf(t, storetest.Default(t))
	sameBytes(t, "export and its re-encoding", data, encode(t, decode(t, data)))

	empty := exportOf(t, storetest.Empty(t))
	if want := "{\n  \"format\": \"diplomacy-timeline/dataset\",\n  \"version\": 1\n}\n"; string(empty) != want {
		t.Fatalf("export of an empty database = %q, want %q", empty, want)
	}
	sameBytes(t, "empty export and its re-encoding", empty, encode(t, decode(t, empty)))
	s := storetest.Empty(t)
	if stats := mustImport(t, s, empty); stats != (dataset.ImportStats{}) {
		t.Fatalf("import of an empty dataset: %+v", stats)
	}
}

// TestDatasetImportTwice imports the same file twice: nothing is duplicated and the
// export is unchanged.
func TestDatasetImportTwice(t *testing.T) {
	t.Parallel()
	data := exportOf(t, storetest.Default(t))
	s := storetest.Empty(t)
	mustImport(t, s, data)
	before := derived(t, s, "Astana", "Kazinform")
	stamps := func() string {
		t.Helper()
		ctx := context.Background()
		x, err1 := s.Session(ctx, "c5-plus-1-special-session-on-afghanistan-2023")
		p, err2 := s.Platform(ctx, "c5-plus-1")
		o, err3 := s.Official(ctx, "thomas-west")
		i, err4 := s.Initiative(ctx, "un-regional-centre-sustainable-development-almaty")
		if err := errors.Join(err1, err2, err3, err4); err != nil || x == nil || p == nil || o == nil || i == nil {
			t.Fatalf("read records: %v", err)
		}
		return fmt.Sprint(x.UpdatedAt.UnixNano(), p.UpdatedAt.UnixNano(), o.UpdatedAt.UnixNano(), i.UpdatedAt.UnixNano())
	}
	stampsBefore := stamps()
	stats := mustImport(t, s, data)
	// Nothing in the file differs, so nothing is rewritten: update times (a calendar's
	// DTSTAMP and LAST-MODIFIED) stay.
	if got := stamps(); got != stampsBefore {
		t.Errorf("update times after importing the same file again: %s, were %s", got, stampsBefore)
	}
	want := dataset.ImportStats{Topics: dataset.ImportCount{Unchanged: 7}, Sources: dataset.ImportCount{Unchanged: 1}, Platforms: dataset.ImportCount{Unchanged: 1},
		Officials: dataset.ImportCount{Unchanged: 4}, Sessions: dataset.ImportCount{Unchanged: 2}, Initiatives: dataset.ImportCount{Unchanged: 1},
		Statements: dataset.ImportCount{Unchanged: 3}, Derived: 12}
	if stats != want {
		t.Fatalf("second import stats = %+v, want %+v", stats, want)
	}
	sameBytes(t, "export after two imports", data, exportOf(t, s))
	if after := derived(t, s, "Astana", "Kazinform"); after != before {
		t.Fatalf("derived data changed: %s, was %s", after, before)
	}
	// Entry IDs are stable: importing the same records again rewrites their entries in place.
	ctx := context.Background()
	tl, err := s.Timeline(ctx, nil, model.SortOrderAsc, db.Page{})
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, s, data)
	tl2, err := s.Timeline(ctx, nil, model.SortOrderAsc, db.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range tl.Items {
		if tl.Items[i].ID != tl2.Items[i].ID {
			t.Fatalf("entry %d changed its ID on re-import: %d → %d", i, tl.Items[i].ID, tl2.Items[i].ID)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestDatasetImportCountsUnchanged changes one nested list of some records: they count as
// updated, the others as unchanged; importing the changed file again finds them all
// unchanged.
func TestDatasetImportCountsUnchanged(t *testing.T) {
	t.Parallel()
	s := storetest.Default(t)
	d := decode(t, exportOf(t, s))
	if d.Officials[3].Slug != "thomas-west" || d.Sessions[1].Participants[0].Official != "kairat-umarov" ||
		d.Statements[1].Official != "talgat-kaliyev" {
		t.Fatalf("the default dataset's order: %+v", d)
	}
	d.Platforms[0].Members[2].Role = model.MembershipRoleObserver
	d.Officials[3].Positions = append(d.Officials[3].Positions, model.DatasetPosition{Title: "Ambassador", Country: "US", Start: "2019"})
	d.Sessions[1].Participants[0].Role = ptr("First Deputy Minister")
	d.Sessions[0].SubjectCountries = append(d.Sessions[0].SubjectCountries, "TJ")
	d.Initiatives[0].Topics = d.Initiatives[0].Topics[:1]
	d.Statements[1].Sources[0].Excerpt = ptr("Kaliyev drew attention to a pragmatic approach.")
	changed := encode(t, d)
	stats := mustImport(t, s, changed)
	want := dataset.ImportStats{Topics: dataset.ImportCount{Unchanged: 7}, Sources: dataset.ImportCount{Unchanged: 1},
		Platforms: dataset.ImportCount{Updated: 1}, Officials: dataset.ImportCount{Updated: 1, Unchanged: 3},
		Sessions: dataset.ImportCount{Updated: 2}, Initiatives: dataset.ImportCount{Updated: 1},
		Statements: dataset.ImportCount{Updated: 1, Unchanged: 2}, Derived: 12}
	if stats != want {
		t.Fatalf("import stats = %+v, want %+v", stats, want)
	}
	sameBytes(t, "export after importing the changes", changed, exportOf(t, s))
	stats = mustImport(t, s, changed)
	want = dataset.ImportStats{Topics: dataset.ImportCount{Unchanged: 7}, Sources: dataset.ImportCount{Unchanged: 1},
		Platforms: dataset.ImportCount{Unchanged: 1}, Officials: dataset.ImportCount{Unchanged: 4},
		Sessions: dataset.ImportCount{Unchanged: 2}, Initiatives: dataset.ImportCount{Unchanged: 1},
		Statements: dataset.ImportCount{Unchanged: 3}, Derived: 12}
	if stats != want {
		t.Fatalf("importing the changed file again: stats = %+v, want %+v", stats, want)
	}
	sameBytes(t, "export after importing the changed file again", changed, exportOf(t, s))
}

// TestDatasetImportUpdates imports a changed file over the data it came from: records
// are updated in place, their nested lists replaced, and the export is the changed file.
func TestDatasetImportUpdates(t *testing.T) {
	t.Parallel()
	s := storetest.Default(t)
	d := decode(t, exportOf(t, s))

	special, meeting := &d.Sessions[0], &d.Sessions[1]
	special.Title = "C5+1 Special Session on Afghanistan (Astana)"
	special.Topics = special.Topics[:2]
	special.Participants = special.Participants[:1] // thomas-west leaves it; talgat-kaliyev stays
	special.End = "2023-07-29"
	meeting.Sources = nil
	meeting.Parent = ""
	d.Platforms[0].Members = d.Platforms[0].Members[:5] // UZ leaves, and with it the dataset's last use of UZ
	if last := d.Countries[len(d.Countries)-1]; last.Code != "UZ" {
		t.Fatalf("the last country is %s", last.Code)
	}
	d.Countries = d.Countries[:len(d.Countries)-1]
	d.Platforms[0].Members[0].Until = "2020"
	o := &d.Officials[0]
	o.OtherNames = []string{"K. Umarov"}
	o.Positions = append(o.Positions, model.DatasetPosition{Title: "Ambassador to the United States", Country: "KZ", Start: "2014", End: "2018"})
	init := &d.Initiatives[0]
	init.StatusHistory = append(init.StatusHistory, model.DatasetStatusChange{Status: model.InitiativeStatusEndorsed, On: "2024-03", Note: ptr("Endorsed.")})
	init.Status = model.InitiativeStatusEndorsed
	d.Statements[0].Text = "Edited text."
	d.Sources[0].Excerpt = nil
	d.Topics[0].Description = ptr("Countering terrorism.")
	// New records alongside.
	d.Statements = append(d.Statements, model.DatasetStatement{Official: "thomas-west", Date: "2023-07-28", Index: 2, Text: "A second statement."})
	want := encode(t, d)

	stats := mustImport(t, s, want)
	if stats.Statements != (dataset.ImportCount{Created: 1, Updated: 1, Unchanged: 2}) || stats.Sessions != (dataset.ImportCount{Updated: 2}) {
		t.Fatalf("import stats = %+v", stats)
	}
	sameBytes(t, "export after importing changes", want, exportOf(t, s))

	ctx := context.Background()
	x, err := s.Session(ctx, "c5-plus-1-special-session-on-afghanistan-2023")
	if err != nil || x.Title != special.Title {
		t.Fatalf("session not updated: %+v, %v", x, err)
	}
	tl, err := s.Timeline(ctx, &model.TimelineFilter{Officials: []string{"thomas-west"}, Kinds: []model.TimelineEntryKind{model.EntrySession}}, model.SortOrderAsc, db.Page{Count: true})
	if err != nil {
		t.Fatal(err)
	}
	if tl.TotalCount != 1 {
		t.Fatalf("thomas-west left the special session, so his sessions on the timeline are 1, got %d", tl.TotalCount)
	}
	res, err := s.Search(ctx, "Edited", db.Page{Count: true})
	if err != nil || res.TotalCount != 1 {
		t.Fatalf("search after the import: %+v, %v", res, err)
	}
}

// TestDatasetImportMerges imports a file that refers to records the database has and the
// file has not: references resolve to the database, and the rest is left alone.
func TestDatasetImportMerges(t *testing.T) {
	t.Parallel()
	s := storetest.Default(t)
	before := decode(t, exportOf(t, s))
	file := []byte(`{
  "format": "diplomacy-timeline/dataset",
  "version": 1,
  "sessions": [
    {
      "slug": "c5-plus-1-ministerial-2024",
      "title": "C5+1 Ministerial",
      "kind": "MINISTERIAL",
      "platform": "c5-plus-1",
      "start": "2024-09",
      "location": {"city": "New York", "country": "us"},
      "topics": ["security"],
      "participants": [{"official": "thomas-west", "country": "US"}]
    }
  ]
}`)
	stats := mustImport(t, s, file)
	if stats.Sessions != (dataset.ImportCount{Created: 1}) || stats.Derived != 1 {
		t.Fatalf("import stats = %+v", stats)
	}
	after := decode(t, exportOf(t, s))
	if len(after.Sessions) != 3 || after.Sessions[0].Slug != "c5-plus-1-ministerial-2024" || after.Sessions[0].Location.Country != "US" {
		t.Fatalf("sessions after the import: %+v", after.Sessions)
	}
	after.Sessions = after.Sessions[1:]
	if !reflect.DeepEqual(after, before) {
		t.Fatal("the import changed records that were not in the file")
	}
}

// TestDatasetRejectsBrokenFiles imports broken files into a database with data: each is
// refused with its code and a message that names the record and the field, and the
// database is as it was.
func TestDatasetRejectsBrokenFiles(t *testing.T) {
	t.Parallel()
	good := exportOf(t, storetest.Default(t))
	edit := func(fn func(d *model.Dataset)) []byte {
		d := decode(t, good)
		fn(d)
		return encode(t, d)
	}
	replace := func(old, new string) []byte {
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("the export lacks %q", old)
		}
		return bytes.Replace(good, []byte(old), []byte(new), 1)
	}
	const special, meeting = "c5-plus-1-special-session-on-afghanistan-2023", "west-umarov-meeting-2023"
	cases := []struct {
		name string
		file []byte
		code string
		want []string // substrings of the error's text
	}{
		{"empty file", nil, model.EINVALID, []string{"the file is empty"}},
		{"wrong type in a nested record", replace(`"role": "Representative of the Kazakh side"`, `"role": 7`), model.EINVALID,
			[]string{"sessions[0].participants[0].role", "c5-plus-1-special-session-on-afghanistan-2023", "expected a string, got number"}},
		{"unknown field in a nested record", replace(`"role": "Representative of the Kazakh side"`, `"rol": "Representative of the Kazakh side"`),
			model.EINVALID, []string{"sessions[0].participants[0].rol", `unknown field "rol"`}},
		{"bad JSON at the start", []byte(`{"format": "diplomacy-timeline/dataset",, }`), model.EINVALID, []string{"invalid JSON at byte"}},
		{"bad JSON after records were written", replace(`"statements": [`, `"statements": [}`), model.EINVALID,
			[]string{"invalid JSON at byte", "statements[0]"}},
		{"truncated file", good[:len(good)*2/3], model.EINVALID, []string{"ends in the middle"}},
		{"not an object", []byte(`[]`), model.EINVALID, []string{"JSON object"}},
		{"trailing data", append(bytes.Clone(good), "{}"...), model.EINVALID, []string{"after the dataset"}},
		{"unknown version", replace(`"version": 1`, `"version": 2`), model.EINVALID, []string{"version", "version 2 is not supported"}},
		{"version as a string", replace(`"version": 1`, `"version": "1"`), model.EINVALID, []string{"version", "whole number"}},
		{"wrong format name", replace(`"diplomacy-timeline/dataset"`, `"timeline/world"`), model.EINVALID, []string{"format", `"timeline/world"`}},
		{"no format", []byte(`{"version": 1}`), model.EINVALID, []string{"format: is required"}},
		{"sections before the version", []byte(`{"format": "diplomacy-timeline/dataset", "topics": [], "version": 1}`), model.EINVALID,
			[]string{"topics", "must come before the sections"}},
		{"sections out of order", []byte(`{"format": "diplomacy-timeline/dataset", "version": 1, "sessions": [], "topics": []}`), model.EINVALID,
			[]string{"topics", `must come before "sessions"`}},
		{"section twice", []byte(`{"format": "diplomacy-timeline/dataset", "version": 1, "topics": [], "topics": []}`), model.EINVALID,
			[]string{"topics", "twice"}},
		{"unknown section", replace(`"countries": [`, `"people": [], "countries": [`), model.EINVALID, []string{"people", "unknown member"}},
		{"unknown field", replace(`"title": "C5+1 Special Session on Afghanistan"`, `"titel": "C5+1 Special Session on Afghanistan"`),
			model.EINVALID, []string{"sessions[0].titel", `session "c5-plus-1-special-session-on-afghanistan-2023": unknown field "titel"`}},
		{"wrong type", replace(`"start": "2023-07-28"`, `"start": 20230728`), model.EINVALID, []string{"sessions[0].start", "expected a string"}},
		{"missing slug", edit(func(d *model.Dataset) { d.Sessions[1].Slug = "" }), model.EINVALID, []string{"sessions[1].slug", "is required"}},
		{"bad slug", edit(func(d *model.Dataset) { d.Officials[2].Slug = "Talgat Kaliyev" }), model.EINVALID,
			[]string{"officials[2].slug", "not a valid slug"}},
		{"duplicate slug", edit(func(d *model.Dataset) { d.Topics = append(d.Topics, d.Topics[2]) }), model.ECONFLICT,
			[]string{"topics[7].slug", `"humanitarian-assistance"`, "twice", "topics[2]"}},
		{"duplicate session", edit(func(d *model.Dataset) { d.Sessions = append(d.Sessions, d.Sessions[0]) }), model.ECONFLICT,
			[]string{"sessions[2].slug", special, "sessions[0]"}},
		{"duplicate source key", edit(func(d *model.Dataset) {
			d.Sources = append(d.Sources, d.Sources[0])
			d.Sources[1].URL = ptr("https://kazinform.kz/other")
		}), model.ECONFLICT, []string{"sources[1].key", "twice"}},
		{"dangling participant", edit(func(d *model.Dataset) { d.Sessions[1].Participants[0].Official = "nobody" }), model.ENOTFOUND,
			[]string{"sessions[1].participants[0].official", meeting, `official "nobody" not found`}},
		{"unknown platform", edit(func(d *model.Dataset) { d.Sessions[0].Platform = "no-such-platform" }), model.ENOTFOUND,
			[]string{"sessions[0].platform", special, `"no-such-platform" not found`}},
		{"unknown parent", edit(func(d *model.Dataset) { d.Sessions[1].Parent = "ghost-session" }), model.ENOTFOUND,
			[]string{"sessions[1].parent", meeting, `"ghost-session" not found`}},
		{"parent loop", edit(func(d *model.Dataset) { d.Sessions[0].Parent = meeting }), model.EINVALID,
			[]string{"sessions[", ".parent", "ancestor"}},
		{"own parent", edit(func(d *model.Dataset) { d.Sessions[0].Parent = special }), model.EINVALID,
			[]string{"sessions[0].parent", "own parent"}},
		{"unknown proposer", edit(func(d *model.Dataset) { d.Initiatives[0].ProposedBy = "ghost" }), model.ENOTFOUND,
			[]string{"initiatives[0].proposedBy", `official "ghost" not found`}},
		{"unknown topic", edit(func(d *model.Dataset) { d.Initiatives[0].Topics = []string{"water"} }), model.ENOTFOUND,
			[]string{"initiatives[0].topics[0]", `topic "water" not found`}},
		{"unknown source key", edit(func(d *model.Dataset) { d.Statements[2].Sources[0].Source = "nope" }), model.ENOTFOUND,
			[]string{"statements[2].sources[0].source", "thomas-west/2023-07-28/1", `"nope"`}},
		{"invalid date", edit(func(d *model.Dataset) { d.Sessions[0].Start = "2023-02-30" }), model.EINVALID,
			[]string{"sessions[0].start", special, `"2023-02-30"`}},
		{"invalid partial date", edit(func(d *model.Dataset) { d.Platforms[0].Founded = "15" }), model.EINVALID,
			[]string{"platforms[0].founded", "c5-plus-1", "invalid date"}},
		{"missing start", edit(func(d *model.Dataset) { d.Sessions[1].Start = "" }), model.EINVALID, []string{"sessions[1].start", "is required"}},
		{"end before start", edit(func(d *model.Dataset) { d.Sessions[0].End = "2023-07-01" }), model.EINVALID,
			[]string{"sessions[0].end", special, "before the start"}},
		{"position ends before it starts", edit(func(d *model.Dataset) {
			d.Officials[0].Positions[0].Start, d.Officials[0].Positions[0].End = "2020", "2019"
		}), model.EINVALID, []string{"officials[0].positions[0].end", "kairat-umarov"}},
		{"bad country code", edit(func(d *model.Dataset) { d.Sessions[0].HostCountry = "K1" }), model.EINVALID,
			[]string{"sessions[0].hostCountry", "ISO 3166-1"}},
		{"unknown country", edit(func(d *model.Dataset) { d.Platforms[0].Members[0].Country = "XX" }), model.ENOTFOUND,
			[]string{"platforms[0].members[0].country", "c5-plus-1", "XX"}},
		{"unknown country in the countries", edit(func(d *model.Dataset) { d.Countries[0].Code = "QQ" }), model.ENOTFOUND,
			[]string{"countries[0].code", "QQ"}},
		{"overlapping membership", edit(func(d *model.Dataset) {
			d.Platforms[0].Members = append(d.Platforms[0].Members, d.Platforms[0].Members[1])
		}),
			model.ECONFLICT, []string{"platforms[0].members[6].country", "overlapping"}},
		{"invalid enum", edit(func(d *model.Dataset) { d.Sessions[0].Kind = "PARTY" }), model.EINVALID, []string{"sessions[0].kind", "PARTY"}},
		{"participant twice", edit(func(d *model.Dataset) {
			d.Sessions[0].Participants = append(d.Sessions[0].Participants, d.Sessions[0].Participants[0])
		}), model.EINVALID, []string{"sessions[0].participants[2].official", "twice"}},
		{"latitude out of range", edit(func(d *model.Dataset) { d.Sessions[1].Location.Latitude = ptr(123.0) }), model.EINVALID,
			[]string{"sessions[1].location.latitude", meeting}},
		{"bad URL", edit(func(d *model.Dataset) { d.Sources[0].URL = ptr("ftp://example.com/x") }), model.EINVALID,
			[]string{"sources[0].url", "kazinform-2023-07-28"}},
		{"status against its history", edit(func(d *model.Dataset) { d.Initiatives[0].Status = model.InitiativeStatusAdopted }), model.EINVALID,
			[]string{"initiatives[0].status", "ADOPTED", "PROPOSED"}},
		{"statement index gap", edit(func(d *model.Dataset) { d.Statements[1].Index = 2 }), model.EINVALID,
			[]string{"statements[1].index", "talgat-kaliyev/2023-07-28/2", "expected 1"}},
		{"statement twice", edit(func(d *model.Dataset) { d.Statements = append(d.Statements, d.Statements[0]) }), model.ECONFLICT,
			[]string{"statements[3].index", "kairat-umarov/2023-07-28/1", "statements[0]"}},
		{"statement without text", edit(func(d *model.Dataset) { d.Statements[0].Text = " " }), model.EINVALID,
			[]string{"statements[0].text", "is required"}},
	}
	s := storetest.Empty(t)
	mustImport(t, s, good)
	before := exportOf(t, s)
	beforeDerived := derived(t, s, "Astana")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := dataset.Import(context.Background(), s, bytes.NewReader(c.file), nil)
			if err == nil {
				t.Fatal("the import was accepted")
			}
			if code := model.ErrorCode(err); code != c.code {
				t.Fatalf("code %s, want %s: %v", code, c.code, err)
			}
			msg := model.ErrorMessage(err)
			t.Logf("%s: %s", model.ErrorCode(err), msg)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("the message %q lacks %q", msg, w)
				}
			}
			sameBytes(t, "the database after a refused import", before, exportOf(t, s))
			if got := derived(t, s, "Astana"); got != beforeDerived {
				t.Fatalf("derived data after a refused import: %s, want %s", got, beforeDerived)
			}
		})
	}
}

// TestDatasetExportMatchesSchema validates exports against the format's JSON Schema.
func TestDatasetExportMatchesSchema(t *testing.T) {
	t.Parallel()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(model.DatasetSchema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("dataset.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("dataset.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	generated := storetest.Empty(t)
	if _, err := synth.Generate(context.Background(), generated, synth.Options{Sessions: 300, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*db.Store{"default": storetest.Default(t), "generated": generated} {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(exportOf(t, s)))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("the export of the %s dataset does not match the schema: %v", name, err)
		}
	}
}

// TestDatasetSourceKeys checks how sources, which have no slug, are keyed: identical
// sources stay apart through a round trip, and a file may name a source as it likes and
// still update it rather than add a copy.
func TestDatasetSourceKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := storetest.Default(t)
	special, err := a.Session(ctx, "c5-plus-1-special-session-on-afghanistan-2023")
	if err != nil {
		t.Fatal(err)
	}
	meeting, err := a.Session(ctx, "west-umarov-meeting-2023")
	if err != nil {
		t.Fatal(err)
	}
	// Two sources alike in every field, cited by different sessions.
	for _, x := range []*model.Session{special, meeting} {
		src, err := a.CreateSource(ctx, model.SourceInput{Title: "Press release", Language: ptr("en")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.CiteSource(ctx, model.TypeSession, x.ID, src.ID, ptr("About "+x.Slug)); err != nil {
			t.Fatal(err)
		}
	}
	first := exportOf(t, a)
	d := decode(t, first)
	if len(d.Sources) != 3 || d.Sources[1].Key+"-2" != d.Sources[2].Key || !strings.HasPrefix(d.Sources[1].Key, "source-undated-") {
		t.Fatalf("source keys: %+v", d.Sources)
	}
	b := storetest.Empty(t)
	mustImport(t, b, first)
	sameBytes(t, "round trip with alike sources", first, exportOf(t, b))
	if stats := mustImport(t, b, first); stats.Sources != (dataset.ImportCount{Unchanged: 3}) {
		t.Fatalf("second import: sources %+v", stats.Sources)
	}

	// A hand-written key: the source is known by its identity, not its key.
	old := d.Sources[0].Key
	d.Sources[0].Key = "kazinform-article"
	for _, list := range [][]model.DatasetCitation{d.Platforms[0].Sources, d.Sessions[0].Sources, d.Sessions[1].Sources,
		d.Initiatives[0].Sources, d.Statements[0].Sources, d.Statements[1].Sources, d.Statements[2].Sources} {
		for i := range list {
			if list[i].Source == old {
				list[i].Source = "kazinform-article"
			}
		}
	}
	if stats := mustImport(t, b, encode(t, d)); stats.Sources != (dataset.ImportCount{Unchanged: 3}) {
		t.Fatalf("import with a hand-written key: sources %+v", stats.Sources)
	}
	sameBytes(t, "export after an import with a hand-written key", first, exportOf(t, b))
}
