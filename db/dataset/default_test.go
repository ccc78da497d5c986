package dataset_test

import (
	"bytes"
	"cmp"
	"context"
	_ "embed"
	"reflect"
	"slices"
	"strings"
	"testing"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dbtest/storetest"
	"diplomacy-timeline/model"
)

//go:embed default.json
var defaultFile []byte

// canonical sorts the records and nested lists of a dataset as an export writes them (the
// parts the default dataset has).
func canonical(d *model.Dataset) {
	bySlug := func(a, b string) int { return strings.Compare(a, b) }
	slices.SortFunc(d.Countries, func(a, b model.DatasetCountry) int { return bySlug(a.Code, b.Code) })
	slices.SortFunc(d.Topics, func(a, b model.DatasetTopic) int { return bySlug(a.Slug, b.Slug) })
	slices.SortFunc(d.Sources, func(a, b model.DatasetSource) int { return bySlug(a.Key, b.Key) })
	slices.SortFunc(d.Platforms, func(a, b model.DatasetPlatform) int { return bySlug(a.Slug, b.Slug) })
	for _, p := range d.Platforms {
		slices.SortFunc(p.Members, func(a, b model.DatasetMember) int { return bySlug(a.Country, b.Country) })
	}
	slices.SortFunc(d.Officials, func(a, b model.DatasetOfficial) int { return bySlug(a.Slug, b.Slug) })
	slices.SortFunc(d.Sessions, func(a, b model.DatasetSession) int { return bySlug(a.Slug, b.Slug) })
	for _, x := range d.Sessions {
		slices.Sort(x.Topics)
		slices.Sort(x.SubjectCountries)
		slices.SortFunc(x.Participants, func(a, b model.DatasetParticipant) int { return bySlug(a.Official, b.Official) })
	}
	slices.SortFunc(d.Initiatives, func(a, b model.DatasetInitiative) int { return bySlug(a.Slug, b.Slug) })
	for _, x := range d.Initiatives {
		slices.Sort(x.Topics)
		slices.Sort(x.Sessions)
	}
	slices.SortFunc(d.Statements, func(a, b model.DatasetStatement) int {
		return cmp.Or(bySlug(a.Official, b.Official), bySlug(a.Date, b.Date), cmp.Compare(a.Index, b.Index))
	})
}

// TestDefaultDatasetFile checks the embedded default dataset against an export of a
// database it was loaded into: the same records, differing only in their order.
func TestDefaultDatasetFile(t *testing.T) {
	t.Parallel()
	export := exportOf(t, storetest.Default(t))
	if bytes.Equal(export, defaultFile) {
		t.Fatal("the default dataset file is in the export's order; it must keep the order its records were created in")
	}
	file := decode(t, defaultFile)
	canonical(file)
	sameBytes(t, "the default dataset file in the export's order, and the export", encode(t, file), export)
}

// TestDefaultDatasetKeys checks that loading the default dataset gives its records the
// keys they have had since it was first written, in the order they were created in: IDs
// and the timeline's order on a shared date depend on them.
func TestDefaultDatasetKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Default(t)
	for i, slug := range []string{"thomas-west", "talgat-kaliyev", "kairat-umarov", "kassym-jomart-tokayev"} {
		o, err := s.Official(ctx, slug)
		if err != nil || o.ID != int64(i+1) {
			t.Fatalf("official %s: %+v, %v; want key %d", slug, o, err, i+1)
		}
	}
	for i, slug := range []string{"humanitarian-assistance", "human-rights", "international-cooperation", "security",
		"counter-terrorism", "sustainable-development", "trade-and-investment"} {
		x, err := s.Topic(ctx, slug)
		if err != nil || x.ID != int64(i+1) {
			t.Fatalf("topic %s: %+v, %v; want key %d", slug, x, err, i+1)
		}
	}
	special, err := s.Session(ctx, "c5-plus-1-special-session-on-afghanistan-2023")
	if err != nil || special.ID != 1 {
		t.Fatalf("special session: %+v, %v", special, err)
	}
	parts, err := s.ParticipantsBySession(ctx, []int64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, x := range []int64{1, 2} {
		for _, p := range parts[x] {
			got = append(got, p.ID, p.OfficialID)
		}
	}
	if want := []int64{1, 1, 2, 2, 3, 1, 4, 3}; !slices.Equal(got, want) {
		t.Fatalf("participants (key, official) = %v, want %v", got, want)
	}
	members, err := s.MembersByPlatform(ctx, []int64{1})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]int64{}
	for _, m := range members[1] {
		keys[m.CountryCode] = m.ID
	}
	if want := map[string]int64{"KZ": 1, "KG": 2, "TJ": 3, "TM": 4, "UZ": 5, "US": 6}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("the members' keys: %v, want %v", keys, want)
	}
	tl, err := s.Timeline(ctx, nil, model.SortOrderAsc, db.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, e := range tl.Items {
		titles = append(titles, e.Title[:min(len(e.Title), 24)])
	}
	want := []string{"C5+1 founded", "C5+1 Special Session on ", "Meeting of Thomas West a", "UN Regional Centre for S",
		"Talgat Kaliyev: Drew the", "Kairat Umarov: Kazakhsta", "Thomas West: The America"}
	if !slices.Equal(titles, want) {
		t.Fatalf("timeline = %q, want %q", titles, want)
	}
	for i, e := range tl.Items {
		if e.ID != int64(i+1) {
			t.Fatalf("timeline entry %d has key %d", i+1, e.ID)
		}
	}
}
