package graph_test

import (
	"context"
	"diplomacy-timeline/httpapi/apitest"
	"fmt"
	"testing"

	"diplomacy-timeline/model"
)

// pageQuery fetches a page of sessions with every relation a client would draw.
const pageQuery = `query($n: Int!) { sessions(first: $n) { totalCount nodes {
	title platform { name members { role country { name } } }
	hostCountry { name } location { city country { name } } subjectCountries { name } topics { name }
	participants { role country { name } official { name country { name } positions { title country { code } } } }
	statements { text official { name } sources { title } } initiatives { title proposedBy { name } }
	sources { title } citations { excerpt source { title } } parent { title } children { title }
} } }`

// TestPageCostIsIndependentOfSize proves the dataloaders: a page of 100 sessions with
// their platform, participants, officials and countries runs no more SQL statements than a
// page of 5.
func TestPageCostIsIndependentOfSize(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	ctx := context.Background()
	str := func(v string) *string { return &v }
	topic, err := s.Store.CreateTopic(ctx, model.TopicInput{Slug: "security", Name: "Security"})
	if err != nil {
		t.Fatal(err)
	}
	src, err := s.Store.CreateSource(ctx, model.SourceInput{Title: "Communiqué"})
	if err != nil {
		t.Fatal(err)
	}
	countries := []string{"KZ", "KG", "TJ", "TM", "UZ", "US"}
	var platforms []int64
	for i := range 4 {
		p, err := s.Store.CreatePlatform(ctx, model.PlatformInput{Slug: fmt.Sprintf("p%d", i), Name: fmt.Sprintf("P%d", i), Kind: model.PlatformKindForum})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range countries[:3] {
			if _, err := s.Store.AddPlatformMember(ctx, p.ID, c, nil, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		platforms = append(platforms, p.ID)
	}
	var officials []int64
	for i := range 10 {
		o, err := s.Store.CreateOfficial(ctx, model.OfficialInput{Slug: fmt.Sprintf("o%d", i), Name: fmt.Sprintf("O%d", i), CountryCode: &countries[i%6]})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Store.AddPosition(ctx, o.ID, "Minister", nil, &countries[i%6], nil, nil); err != nil {
			t.Fatal(err)
		}
		officials = append(officials, o.ID)
	}
	for i := range 110 {
		day := model.MustParseDate(fmt.Sprintf("2020-01-%02d", i%28+1))
		x, err := s.Store.CreateSession(ctx, model.SessionInput{
			Slug: fmt.Sprintf("s%d", i), Title: fmt.Sprintf("S%d", i), Kind: model.SessionKindSummit, Start: day,
			PlatformID: &platforms[i%4], HostCountryCode: &countries[i%6], SubjectCountryCodes: []string{"AF"},
			Location: &model.Location{City: str("Astana"), CountryCode: &countries[(i+1)%6]}, TopicIDs: []int64{topic.ID},
		})
		if err != nil {
			t.Fatal(err)
		}
		for j := range 3 {
			if _, err := s.Store.AddParticipant(ctx, x.ID, officials[(i+j)%10], str("delegate"), &countries[j]); err != nil {
				t.Fatal(err)
			}
		}
		st, err := s.Store.CreateStatement(ctx, model.StatementInput{OfficialID: officials[i%10], SessionID: &x.ID, Date: day, Text: "x"})
		if err != nil {
			t.Fatal(err)
		}
		for _, subject := range []struct {
			typ string
			id  int64
		}{{model.TypeSession, x.ID}, {model.TypeStatement, st.ID}} {
			if _, err := s.Store.CiteSource(ctx, subject.typ, subject.id, src.ID, str("excerpt")); err != nil {
				t.Fatal(err)
			}
		}
	}

	cost := func(n int) int64 {
		before := s.Store.Queries()
		var out struct {
			Sessions struct{ Nodes []map[string]any } `json:"sessions"`
		}
		s.Query(t, pageQuery, map[string]any{"n": n}, &out)
		if len(out.Sessions.Nodes) != n {
			t.Fatalf("page of %d returned %d sessions", n, len(out.Sessions.Nodes))
		}
		return s.Store.Queries() - before
	}
	large, small := cost(100), cost(5)
	t.Logf("SQL statements: page of 5 = %d, page of 100 = %d", small, large)
	if large > small {
		t.Fatalf("a page of 100 ran %d statements, a page of 5 ran %d: some relation is not batched", large, small)
	}
	if small > 25 {
		t.Fatalf("a page of 5 ran %d statements; expected one per relation", small)
	}
}
