package model_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"diplomacy-timeline/model"
)

// The rules of facts.go, kind by kind: each case gives a record with what it is derived
// with, and the exact entries and search document it must give.

func str(s string) *string { return &s }

func num(n int64) *int64 { return &n }

func day(s string) *model.Date {
	d := model.MustParseDate(s)
	return &d
}

// show renders an entry with every field, pointers followed, so that a failure shows
// what differs.
func show(e *model.TimelineEntry) string {
	p := func(v any) string {
		rv := reflect.ValueOf(v)
		if rv.IsNil() {
			return "nil"
		}
		return fmt.Sprint(rv.Elem().Interface())
	}
	return fmt.Sprintf("{%s %s end=%s last=%d %q summary=%s text=%q platform=%s origin=%s subjects=%s/%s/%s/%s/%s position=%s status=%s countries=%q topics=%v officials=%v}",
		e.Kind, e.Date, p(e.EndDate), e.LastKey, e.Title, p(e.Summary), e.TextKey, p(e.PlatformID), e.Origin,
		p(e.SubjectPlatformID), p(e.SubjectSessionID), p(e.SubjectInitiativeID), p(e.SubjectOfficialID), p(e.SubjectStatementID),
		p(e.PositionID), p(e.StatusChangeID), e.Countries, e.Topics, e.Officials)
}

func checkFacts(t *testing.T, entries []*model.TimelineEntry, doc model.SearchDoc, want []*model.TimelineEntry, wantDoc model.SearchDoc) {
	t.Helper()
	if doc != wantDoc {
		t.Errorf("search document %+v, want %+v", doc, wantDoc)
	}
	if len(entries) != len(want) {
		var got []string
		for _, e := range entries {
			got = append(got, show(e))
		}
		t.Fatalf("%d entries, want %d:\n%s", len(entries), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !reflect.DeepEqual(entries[i], want[i]) {
			t.Errorf("entry %d:\n got %s\nwant %s", i, show(entries[i]), show(want[i]))
		}
	}
}

func TestPlatformFacts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		platform model.Platform
		members  []string
		want     []*model.TimelineEntry
		doc      model.SearchDoc
	}{{
		name: "founded and dissolved, about its members once each",
		platform: model.Platform{ID: 3, Name: "CICA", FullName: str("Conference on Interaction and Confidence-Building Measures in Asia"),
			Description: str("A forum for Asian security"), Founded: day("1992"), Dissolved: day("2030-06")},
		members: []string{"KZ", "CN", "KZ", "RU", "CN"},
		want: []*model.TimelineEntry{{
			Kind: model.EntryPlatformFounded, Date: *day("1992"), EndDate: day("2030-06"), LastKey: 20300699,
			Title: "CICA founded", Summary: str("A forum for Asian security"), TextKey: "cica founded a forum for asian security",
			PlatformID: num(3), Origin: "platform:3:founded", SubjectPlatformID: num(3), Countries: []string{"KZ", "CN", "RU"},
		}},
		doc: model.SearchDoc{"CICA Conference on Interaction and Confidence-Building Measures in Asia", "A forum for Asian security"},
	}, {
		name:     "founded, no description, no members: the text is the title",
		platform: model.Platform{ID: 4, Name: "Åland Format", Founded: day("2023-07-28")},
		want: []*model.TimelineEntry{{
			Kind: model.EntryPlatformFounded, Date: *day("2023-07-28"), LastKey: 20230728,
			Title: "Åland Format founded", TextKey: "åland format founded",
			PlatformID: num(4), Origin: "platform:4:founded", SubjectPlatformID: num(4),
		}},
		doc: model.SearchDoc{"Åland Format", ""},
	}, {
		name:     "no founding date: no entry, still a document",
		platform: model.Platform{ID: 5, Name: "C5+1", Description: str("Central Asia and a partner"), Dissolved: day("2024")},
		members:  []string{"KZ", "KG"},
		doc:      model.SearchDoc{"C5+1", "Central Asia and a partner"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			members := slices.Clone(tc.members)
			entries, doc := model.PlatformFacts(&tc.platform, members)
			checkFacts(t, entries, doc, tc.want, tc.doc)
			if !slices.Equal(members, tc.members) {
				t.Errorf("members changed to %q", members)
			}
		})
	}
}

func TestSessionFacts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		session  model.Session
		parts    []model.Participant
		subjects []string
		topics   []int64
		want     []*model.TimelineEntry
		doc      model.SearchDoc
	}{{
		name: "countries: host, location, subjects, then participants', each once",
		session: model.Session{ID: 12, Title: "Astana Summit", PlatformID: num(3), Start: *day("2022-10-12"), End: day("2022-10-13"),
			HostCountryCode: str("KZ"), Location: model.Location{City: str("Astana"), CountryCode: str("KZ"), Venue: str("Palace of Independence")},
			Summary: str("Leaders met")},
		parts: []model.Participant{
			{OfficialID: 7, CountryCode: str("CN")}, {OfficialID: 8}, {OfficialID: 9, CountryCode: str("KZ")}, {OfficialID: 10, CountryCode: str("TR")},
		},
		subjects: []string{"AF", "CN"},
		topics:   []int64{2, 5},
		want: []*model.TimelineEntry{{
			Kind: model.EntrySession, Date: *day("2022-10-12"), EndDate: day("2022-10-13"), LastKey: 20221013,
			Title: "Astana Summit", Summary: str("Leaders met"), TextKey: "astana summit leaders met",
			PlatformID: num(3), Origin: "session:12", SubjectSessionID: num(12),
			Countries: []string{"KZ", "AF", "CN", "TR"}, Topics: []int64{2, 5}, Officials: []int64{7, 8, 9, 10},
		}},
		doc: model.SearchDoc{"Astana Summit", "Leaders met Astana Palace of Independence"},
	}, {
		name: "host and location differ; no platform, end or summary; an end before the date's last day",
		session: model.Session{ID: 13, Title: "Visit to Tashkent", Start: *day("2023-07"), End: day("2023-07-05"),
			HostCountryCode: str("UZ"), Location: model.Location{CountryCode: str("KZ"), Venue: str("Embassy")}},
		parts: []model.Participant{{OfficialID: 1, CountryCode: str("UZ")}},
		want: []*model.TimelineEntry{{
			Kind: model.EntrySession, Date: *day("2023-07"), EndDate: day("2023-07-05"), LastKey: 20230799,
			Title: "Visit to Tashkent", TextKey: "visit to tashkent", Origin: "session:13", SubjectSessionID: num(13),
			Countries: []string{"UZ", "KZ"}, Officials: []int64{1},
		}},
		doc: model.SearchDoc{"Visit to Tashkent", "Embassy"},
	}, {
		name:    "nothing but a title and a date",
		session: model.Session{ID: 14, Title: "Talks", Start: *day("2020")},
		want: []*model.TimelineEntry{{
			Kind: model.EntrySession, Date: *day("2020"), LastKey: 20209999, Title: "Talks", TextKey: "talks",
			Origin: "session:14", SubjectSessionID: num(14),
		}},
		doc: model.SearchDoc{"Talks", ""},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			subjects := slices.Clone(tc.subjects)
			entries, doc := model.SessionFacts(&tc.session, tc.parts, subjects, tc.topics)
			checkFacts(t, entries, doc, tc.want, tc.doc)
			if !slices.Equal(subjects, tc.subjects) {
				t.Errorf("subjects changed to %q", subjects)
			}
		})
	}
}

func TestOfficialFacts(t *testing.T) {
	t.Parallel()
	official := model.Official{ID: 7, Name: "Mukhtar Tileuberdi", OtherNames: []string{"Tileuberdi M."}, CountryCode: str("KZ")}
	tests := []struct {
		name      string
		official  model.Official
		positions []*model.Position
		want      []*model.TimelineEntry
		doc       model.SearchDoc
	}{{
		name:     "a position with start and end: it starts (spanning to its end) and it ends",
		official: official,
		positions: []*model.Position{{ID: 21, Title: "Minister of Foreign Affairs", Organization: str("Government of Kazakhstan"),
			CountryCode: str("KZ"), Start: day("2019-09"), End: day("2022-01-11")}},
		want: []*model.TimelineEntry{{
			Kind: model.EntryPositionStarted, Date: *day("2019-09"), EndDate: day("2022-01-11"), LastKey: 20220111,
			Title:   "Mukhtar Tileuberdi becomes Minister of Foreign Affairs, Government of Kazakhstan",
			TextKey: "mukhtar tileuberdi becomes minister of foreign affairs, government of kazakhstan",
			Origin:  "position:21:started", SubjectOfficialID: num(7), PositionID: num(21), Countries: []string{"KZ"}, Officials: []int64{7},
		}, {
			Kind: model.EntryPositionEnded, Date: *day("2022-01-11"), LastKey: 20220111,
			Title:   "Mukhtar Tileuberdi leaves Minister of Foreign Affairs, Government of Kazakhstan",
			TextKey: "mukhtar tileuberdi leaves minister of foreign affairs, government of kazakhstan",
			Origin:  "position:21:ended", SubjectOfficialID: num(7), PositionID: num(21), Countries: []string{"KZ"}, Officials: []int64{7},
		}},
		doc: model.SearchDoc{"Mukhtar Tileuberdi Tileuberdi M.", "Minister of Foreign Affairs, Government of Kazakhstan"},
	}, {
		name:     "no start: only the end; no end: only the start; neither: no entry, but the post is searchable",
		official: official,
		positions: []*model.Position{
			{ID: 22, Title: "Ambassador", CountryCode: str("CH"), End: day("2019")},
			{ID: 23, Title: "Deputy Prime Minister", Start: day("2022-01-11")},
			{ID: 24, Title: "Envoy", Organization: str("UN")},
		},
		want: []*model.TimelineEntry{{
			Kind: model.EntryPositionEnded, Date: *day("2019"), LastKey: 20199999,
			Title: "Mukhtar Tileuberdi leaves Ambassador", TextKey: "mukhtar tileuberdi leaves ambassador",
			Origin: "position:22:ended", SubjectOfficialID: num(7), PositionID: num(22), Countries: []string{"CH", "KZ"}, Officials: []int64{7},
		}, {
			Kind: model.EntryPositionStarted, Date: *day("2022-01-11"), LastKey: 20220111,
			Title: "Mukhtar Tileuberdi becomes Deputy Prime Minister", TextKey: "mukhtar tileuberdi becomes deputy prime minister",
			Origin: "position:23:started", SubjectOfficialID: num(7), PositionID: num(23), Countries: []string{"KZ"}, Officials: []int64{7},
		}},
		doc: model.SearchDoc{"Mukhtar Tileuberdi Tileuberdi M.", "Ambassador Deputy Prime Minister Envoy, UN"},
	}, {
		name:      "an official of no country in a post of none: about no country",
		official:  model.Official{ID: 8, Name: "A. Envoy"},
		positions: []*model.Position{{ID: 25, Title: "Special Rapporteur", Start: day("2021")}},
		want: []*model.TimelineEntry{{
			Kind: model.EntryPositionStarted, Date: *day("2021"), LastKey: 20219999,
			Title: "A. Envoy becomes Special Rapporteur", TextKey: "a. envoy becomes special rapporteur",
			Origin: "position:25:started", SubjectOfficialID: num(8), PositionID: num(25), Officials: []int64{8},
		}},
		doc: model.SearchDoc{"A. Envoy", "Special Rapporteur"},
	}, {
		name:     "no positions",
		official: model.Official{ID: 9, Name: "B. Person"},
		doc:      model.SearchDoc{"B. Person", ""},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			entries, doc := model.OfficialFacts(&tc.official, tc.positions)
			checkFacts(t, entries, doc, tc.want, tc.doc)
		})
	}
}

func TestInitiativeFacts(t *testing.T) {
	t.Parallel()
	// centre is an initiative with everything an entry takes from it.
	centre := func(proposedOn *model.Date) model.Initiative {
		return model.Initiative{ID: 40, Title: "Almaty centre", Description: str("A UN regional centre"), ProposedOn: proposedOn,
			ProposedByID: num(7), CountryCode: str("KZ"), Location: model.Location{City: str("Almaty"), CountryCode: str("KZ")}, PlatformID: num(3)}
	}
	entry := func(kind model.TimelineEntryKind, date, title string, summary *string, origin string, change *int64) *model.TimelineEntry {
		text := strings.ToLower(title)
		if summary != nil {
			text += " " + strings.ToLower(*summary)
		}
		return &model.TimelineEntry{Kind: kind, Date: *day(date), LastKey: day(date).LastKey(), Title: title, Summary: summary, TextKey: text,
			PlatformID: num(3), Origin: origin, SubjectInitiativeID: num(40), StatusChangeID: change,
			Countries: []string{"KZ"}, Topics: []int64{1, 4}, Officials: []int64{7}}
	}
	doc := model.SearchDoc{"Almaty centre", "A UN regional centre Almaty"}
	desc := str("A UN regional centre")
	tests := []struct {
		name       string
		initiative model.Initiative
		changes    []*model.InitiativeStatusChange
		topics     []int64
		want       []*model.TimelineEntry
		doc        model.SearchDoc
	}{{
		name:       "proposedOn dates the proposal; the PROPOSED change of that day is the same fact",
		initiative: centre(day("2021-09")),
		topics:     []int64{1, 4},
		changes: []*model.InitiativeStatusChange{
			{ID: 1, Status: model.InitiativeStatusProposed, On: *day("2021-09")},
			{ID: 2, Status: model.InitiativeStatusEndorsed, On: *day("2022-03-01"), Note: str("Endorsed by the General Assembly")},
			{ID: 3, Status: model.InitiativeStatusImplemented, On: *day("2024")},
		},
		want: []*model.TimelineEntry{
			entry(model.EntryInitiativeProposed, "2021-09", "Almaty centre proposed", desc, "initiative:40:proposed", nil),
			entry(model.EntryInitiativeStatusChanged, "2022-03-01", "Almaty centre: endorsed", str("Endorsed by the General Assembly"), "status:2", num(2)),
			entry(model.EntryInitiativeStatusChanged, "2024", "Almaty centre: implemented", nil, "status:3", num(3)),
		},
		doc: doc,
	}, {
		name:       "with proposedOn, a PROPOSED change on another day is a status change",
		initiative: centre(day("2021-09")),
		topics:     []int64{1, 4},
		changes: []*model.InitiativeStatusChange{
			{ID: 4, Status: model.InitiativeStatusStalled, On: *day("2022")},
			{ID: 5, Status: model.InitiativeStatusProposed, On: *day("2023-02-02"), Note: str("Proposed again")},
		},
		want: []*model.TimelineEntry{
			entry(model.EntryInitiativeProposed, "2021-09", "Almaty centre proposed", desc, "initiative:40:proposed", nil),
			entry(model.EntryInitiativeStatusChanged, "2022", "Almaty centre: stalled", nil, "status:4", num(4)),
			entry(model.EntryInitiativeStatusChanged, "2023-02-02", "Almaty centre: proposed", str("Proposed again"), "status:5", num(5)),
		},
		doc: doc,
	}, {
		name:       "without proposedOn, the first PROPOSED change is the proposal, with the description; a later one is a change",
		initiative: centre(nil),
		topics:     []int64{1, 4},
		changes: []*model.InitiativeStatusChange{
			{ID: 6, Status: model.InitiativeStatusEndorsed, On: *day("2023-01")},
			{ID: 7, Status: model.InitiativeStatusProposed, On: *day("2023-07-28"), Note: str("Announced in Almaty")},
			{ID: 8, Status: model.InitiativeStatusProposed, On: *day("2024-01-05")},
			{ID: 9, Status: model.InitiativeStatus("UNDER_REVIEW"), On: *day("2024-02")},
		},
		want: []*model.TimelineEntry{
			entry(model.EntryInitiativeStatusChanged, "2023-01", "Almaty centre: endorsed", nil, "status:6", num(6)),
			entry(model.EntryInitiativeProposed, "2023-07-28", "Almaty centre proposed", desc, "status:7", num(7)),
			entry(model.EntryInitiativeStatusChanged, "2024-01-05", "Almaty centre: proposed", nil, "status:8", num(8)),
			entry(model.EntryInitiativeStatusChanged, "2024-02", "Almaty centre: under review", nil, "status:9", num(9)),
		},
		doc: doc,
	}, {
		name:       "no proposedOn, no PROPOSED change: no proposal",
		initiative: centre(nil),
		topics:     []int64{1, 4},
		changes:    []*model.InitiativeStatusChange{{ID: 10, Status: model.InitiativeStatusWithdrawn, On: *day("2025")}},
		want: []*model.TimelineEntry{
			entry(model.EntryInitiativeStatusChanged, "2025", "Almaty centre: withdrawn", nil, "status:10", num(10)),
		},
		doc: doc,
	}, {
		name: "no proposer, platform or topics; the initiative's and its location's countries, each once",
		initiative: model.Initiative{ID: 41, Title: "Water pact", ProposedOn: day("2020"),
			CountryCode: str("UZ"), Location: model.Location{CountryCode: str("TJ"), Venue: str("Dushanbe hall")}},
		want: []*model.TimelineEntry{{
			Kind: model.EntryInitiativeProposed, Date: *day("2020"), LastKey: 20209999, Title: "Water pact proposed", TextKey: "water pact proposed",
			Origin: "initiative:41:proposed", SubjectInitiativeID: num(41), Countries: []string{"UZ", "TJ"},
		}},
		doc: model.SearchDoc{"Water pact", ""},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			entries, doc := model.InitiativeFacts(&tc.initiative, tc.changes, tc.topics)
			checkFacts(t, entries, doc, tc.want, tc.doc)
		})
	}
}

func TestStatementFacts(t *testing.T) {
	t.Parallel()
	// 184 runes; the 140th is the "t" of "the", so the title ends with "and".
	long := strings.Repeat("word ", 27) + "and the last sentence, which runs past the limit."
	clipped := strings.Repeat("word ", 27) + "and…"
	tests := []struct {
		name      string
		statement model.Statement
		official  model.Official
		session   *model.Session
		topics    []int64
		want      []*model.TimelineEntry
		doc       model.SearchDoc
	}{{
		name:      "without a session: about the official and their country, no platform, no topics",
		statement: model.Statement{ID: 50, Date: *day("2023-07-28"), Text: "We support the centre."},
		official:  model.Official{ID: 7, Name: "M. Tileuberdi", CountryCode: str("KZ")},
		want: []*model.TimelineEntry{{
			Kind: model.EntryStatement, Date: *day("2023-07-28"), LastKey: 20230728,
			Title: "M. Tileuberdi: We support the centre.", Summary: str("We support the centre."),
			TextKey: "m. tileuberdi: we support the centre. we support the centre.",
			Origin:  "statement:50", SubjectStatementID: num(50), Countries: []string{"KZ"}, Officials: []int64{7},
		}},
		doc: model.SearchDoc{"M. Tileuberdi", "We support the centre."},
	}, {
		name:      "at a session: its platform, topics and host country, each country once",
		statement: model.Statement{ID: 51, SessionID: num(12), Date: *day("2022-10"), Text: "Élan"},
		official:  model.Official{ID: 7, Name: "M. Tileuberdi", CountryCode: str("KZ")},
		session:   &model.Session{ID: 12, PlatformID: num(3), HostCountryCode: str("KZ"), Start: *day("2022-10-12")},
		topics:    []int64{2, 5},
		want: []*model.TimelineEntry{{
			Kind: model.EntryStatement, Date: *day("2022-10"), LastKey: 20221099, Title: "M. Tileuberdi: Élan", Summary: str("Élan"),
			TextKey: "m. tileuberdi: élan élan", PlatformID: num(3), Origin: "statement:51", SubjectStatementID: num(51),
			Countries: []string{"KZ"}, Topics: []int64{2, 5}, Officials: []int64{7},
		}},
		doc: model.SearchDoc{"M. Tileuberdi", "Élan"},
	}, {
		name:      "at a session hosted elsewhere, by an official of no country; a long text titled to a word boundary",
		statement: model.Statement{ID: 52, SessionID: num(13), Date: *day("2021"), Text: long},
		official:  model.Official{ID: 8, Name: "Envoy"},
		session:   &model.Session{ID: 13, HostCountryCode: str("UZ"), Start: *day("2021-05")},
		want: []*model.TimelineEntry{{
			Kind: model.EntryStatement, Date: *day("2021"), LastKey: 20219999, Title: "Envoy: " + clipped, Summary: str(long),
			TextKey: strings.ToLower("Envoy: " + clipped + " " + long), Origin: "statement:52", SubjectStatementID: num(52),
			Countries: []string{"UZ"}, Officials: []int64{8},
		}},
		doc: model.SearchDoc{"Envoy", long},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			entries, doc := model.StatementFacts(&tc.statement, &tc.official, tc.session, tc.topics)
			checkFacts(t, entries, doc, tc.want, tc.doc)
		})
	}
}

// TestStatementTitle: a statement's title is its official's name and its text, clipped
// to 140 characters at a word boundary in the second half, without trailing punctuation,
// with an ellipsis.
func TestStatementTitle(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, title string }{
		{strings.Repeat("x", 140), strings.Repeat("x", 140)},
		{strings.Repeat("é", 140), strings.Repeat("é", 140)},                                                                       // runes, not bytes
		{strings.Repeat("x", 141), strings.Repeat("x", 140) + "…"},                                                                 // no space: cut at 140
		{strings.Repeat("x", 100) + ", " + strings.Repeat("y", 50), strings.Repeat("x", 100) + "…"},                                // at the space, without the comma
		{strings.Repeat("x", 30) + " " + strings.Repeat("y", 120), strings.Repeat("x", 30) + " " + strings.Repeat("y", 109) + "…"}, // a space in the first half is no boundary
		{strings.Repeat("x", 139) + ".y", strings.Repeat("x", 139) + "…"},                                                          // trailing punctuation goes
	}
	for i, tc := range tests {
		st := model.Statement{ID: int64(i + 1), Date: *day("2020"), Text: tc.text}
		entries, _ := model.StatementFacts(&st, &model.Official{ID: 1, Name: "N"}, nil, nil)
		if len(entries) != 1 {
			t.Fatalf("%d entries, want 1", len(entries))
		}
		if e := entries[0]; e.Title != "N: "+tc.title || *e.Summary != tc.text {
			t.Errorf("text of %d runes: title %q, summary %q; want %q and the whole text", len([]rune(tc.text)), e.Title, *e.Summary, "N: "+tc.title)
		}
	}
}

func TestSourceDoc(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		source   model.Source
		excerpts []string
		want     model.SearchDoc
	}{
		{"title, publisher, excerpt and citations' excerpts",
			model.Source{Title: "Communiqué", Publisher: str("MFA"), Excerpt: str("The parties agreed")}, []string{"on water", "and trade"},
			model.SearchDoc{"Communiqué MFA", "The parties agreed on water and trade"}},
		{"no publisher, no excerpt of its own", model.Source{Title: "Transcript"}, []string{"a quote"}, model.SearchDoc{"Transcript", "a quote"}},
		{"nothing but a title", model.Source{Title: "Note"}, nil, model.SearchDoc{"Note", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := model.SourceDoc(&tc.source, tc.excerpts); got != tc.want {
				t.Errorf("SourceDoc = %+v, want %+v", got, tc.want)
			}
		})
	}
	if (model.SearchDoc{}).IsEmpty() != true || (model.SearchDoc{Body: "x"}).IsEmpty() || (model.SearchDoc{Title: "x"}).IsEmpty() {
		t.Error("IsEmpty: only a document with neither title nor body is empty")
	}
}
