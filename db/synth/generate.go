// Package synth makes the synthetic world that benchmarks, load tests and demos run on
// (`go run . generate`): a deterministic world of any size, written into an empty database
// in one bulk load through db's seam for it (Store.BulkLoad, db.Derivation).
package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"diplomacy-timeline/db"
	"diplomacy-timeline/model"
)

// Options size a synthetic world.
type Options struct {
	Sessions int    // sessions to create; officials, statements and the rest scale with it
	Seed     uint64 // the same seed gives the same world, on either backend
	// Progress, if set, is told of each stage: each table once it is written, with the
	// rows written to it ("initiatives", 40); before them the building of the world in
	// memory (0), and after them committing and analyzing, with the rows of every table.
	Progress func(stage string, rows int64)
}

// Stats counts what Generate wrote.
type Stats struct {
	Platforms, Officials, Sessions, Initiatives, Statements, Sources, Entries int
	Rows                                                                      int64
}

// world is a synthetic dataset held in memory before it is written.
type world struct {
	rng          *rand.Rand
	codes        []string
	platforms    []*model.Platform
	members      map[int64][]*model.PlatformMember
	topics       []*model.Topic
	officials    []*model.Official
	positions    map[int64][]*model.Position
	sessions     []*model.Session
	participants map[int64][]model.Participant
	subjects     map[int64][]string
	sessionTops  map[int64][]int64
	initiatives  []*model.Initiative
	changes      map[int64][]*model.InitiativeStatusChange
	initTopics   map[int64][]int64
	initSessions map[int64][]int64
	statements   []*model.Statement
	sources      []*model.Source
	citations    []*model.Citation

	// pickPlatform, pickOfficial and pickTopic pick the index of a platform, an official
	// or a topic with the skew of real activity (zipf).
	pickPlatform, pickOfficial, pickTopic func() int
}

// Generate fills the empty database of s with a realistic, deterministic synthetic world:
// every country; about 50 platforms with members; opts.Sessions sessions from 1990 to 2026
// with 2–12 participants, topics and sources; one official per 20 sessions with 1–4
// positions; initiatives with status histories; statements. Activity is skewed as in real
// data: a few platforms, officials and topics are busy, most are quiet. Everything,
// timeline entries and search documents included, is written in one transaction with
// multi-row inserts (Store.BulkLoad).
func Generate(ctx context.Context, s *db.Store, opts Options) (Stats, error) {
	if opts.Sessions < 1 {
		return Stats{}, model.FieldErrorf("sessions", "must be at least 1")
	}
	full, err := hasData(ctx, s)
	if err != nil {
		return Stats{}, fmt.Errorf("generate: %w", err)
	}
	if full {
		return Stats{}, model.Errorf(model.ECONFLICT, "generate needs an empty database; this one has data")
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(string, int64) {}
	}
	progress("building the world in memory", 0)
	w := buildWorld(opts.Sessions, opts.Seed)

	var entries int
	var rows int64
	err = s.BulkLoad(ctx, func(l *db.Loader) error {
		var err error
		if entries, err = w.write(l, progress); err != nil {
			return err
		}
		rows = l.Rows()
		return l.MarkFilled("generated")
	}, progress)
	if err != nil {
		return Stats{}, fmt.Errorf("generate: %w", err)
	}
	return Stats{Platforms: len(w.platforms), Officials: len(w.officials), Sessions: len(w.sessions),
		Initiatives: len(w.initiatives), Statements: len(w.statements), Sources: len(w.sources), Entries: entries, Rows: rows}, nil
}

// hasData reports whether the store has records of its own: a generated world, written
// with its own keys, has no room beside them.
func hasData(ctx context.Context, s *db.Store) (bool, error) {
	one := 1
	p := db.Page{First: &one}
	for _, check := range []func() (bool, error){
		func() (bool, error) { return some(s.Platforms(ctx, nil, nil, p)) },
		func() (bool, error) { return some(s.Sessions(ctx, db.SessionScope{}, nil, nil, p)) },
		func() (bool, error) { return some(s.Officials(ctx, nil, nil, p)) },
		func() (bool, error) { return some(s.Topics(ctx, nil, nil, p)) },
		func() (bool, error) { return some(s.Sources(ctx, nil, nil, p)) },
	} {
		if found, err := check(); found || err != nil {
			return found, err
		}
	}
	return false, nil
}

// some reports whether a page has a record.
func some[T any](c *db.Conn[T], err error) (bool, error) {
	if err != nil {
		return false, err
	}
	return len(c.Items) > 0, nil
}

// Vocabulary of the synthetic world.
var (
	genFormats = []string{"Dialogue", "Forum", "Partnership", "Council", "Initiative", "Format", "Conference", "Compact"}
	genRegions = []string{"Caspian", "Central Asian", "Silk Road", "Aral", "Eurasian", "Pamir", "Steppe", "Tien Shan",
		"Black Sea", "Baltic", "Danube", "Mekong", "Sahel", "Andean", "Arctic", "Gulf", "Indian Ocean", "Pacific"}
	genTopics = []string{"Security", "Trade and investment", "Water", "Energy", "Humanitarian assistance", "Human rights",
		"Counter-terrorism", "Climate", "Transport", "Education", "Health", "Migration", "Border management",
		"Agriculture", "Digital economy", "Culture", "Tourism", "Customs", "Mining", "Finance", "Drug control",
		"Disaster relief", "Science", "Sport", "Youth", "Women's rights", "Cyber security", "Space", "Fisheries", "Labour"}
	genCities = []struct{ city, code string }{
		{"Astana", "KZ"}, {"Almaty", "KZ"}, {"Bishkek", "KG"}, {"Dushanbe", "TJ"}, {"Ashgabat", "TM"}, {"Tashkent", "UZ"},
		{"Samarkand", "UZ"}, {"Washington", "US"}, {"New York", "US"}, {"Geneva", "CH"}, {"Vienna", "AT"}, {"Brussels", "BE"},
		{"Moscow", "RU"}, {"Beijing", "CN"}, {"Tokyo", "JP"}, {"Seoul", "KR"}, {"New Delhi", "IN"}, {"Ankara", "TR"},
		{"Berlin", "DE"}, {"Paris", "FR"}, {"London", "GB"}, {"Rome", "IT"}, {"Baku", "AZ"}, {"Tbilisi", "GE"},
		{"Kabul", "AF"}, {"Islamabad", "PK"}, {"Tehran", "IR"}, {"Riyadh", "SA"}, {"Doha", "QA"}, {"Abu Dhabi", "AE"},
		{"Cairo", "EG"}, {"Addis Ababa", "ET"}, {"Nairobi", "KE"}, {"Brasília", "BR"}, {"Mexico City", "MX"}, {"Ottawa", "CA"},
		{"Canberra", "AU"}, {"Jakarta", "ID"}, {"Bangkok", "TH"}, {"Ulaanbaatar", "MN"},
	}
	genFirst = []string{"Aigerim", "Bakyt", "Dilnoza", "Erlan", "Farrukh", "Gulnara", "Hamid", "Islom", "Jamshid", "Kamila",
		"Laura", "Marat", "Nodira", "Olga", "Pavel", "Rustam", "Saule", "Timur", "Ulugbek", "Victoria", "William", "Yerlan",
		"Zarina", "Anna", "Daniel", "Elena", "Jonathan", "Maria", "Peter", "Sarah", "Thomas", "Hiroshi", "Li", "Ahmed", "Fatima"}
	genLast = []string{"Abdullaev", "Bekova", "Chen", "Dzhumabaev", "Ermekov", "Fischer", "Garcia", "Hasanov", "Ivanova",
		"Jones", "Karimov", "Lee", "Mukhamedov", "Nazarova", "Orlov", "Petrov", "Rakhimov", "Sultanova", "Tanaka", "Usmonov",
		"Volkova", "Wang", "Yusupov", "Zhakupov", "Smith", "Miller", "Kim", "Singh", "Rossi", "Dubois", "Novak", "Kowalski"}
	genTitles = []string{"Minister of Foreign Affairs", "Deputy Minister of Foreign Affairs", "Special Representative",
		"Ambassador", "Ambassador-at-Large", "Head of Department", "Prime Minister", "President", "Special Envoy",
		"Secretary of State", "Assistant Secretary", "Permanent Representative to the UN"}
	genPublishers = []string{"Kazinform", "Kabar", "Khovar", "TDH", "UzA", "Reuters", "AP", "AFP", "TASS", "Xinhua", "Trend", "Eurasianet"}
	genVerbs      = []string{"discussed", "reviewed", "agreed on", "stressed", "welcomed progress on", "called for cooperation on", "launched work on"}
)

// buildWorld makes the world of the given size from the seed. Each kind of record is made
// by a step of its own, in an order that never changes: every step draws from the one
// seeded source, so the same seed gives the same world.
func buildWorld(sessions int, seed uint64) *world {
	w := newWorld(seed)
	w.addTopics()
	w.addPlatforms()
	w.addOfficials(max(20, sessions/20))
	w.addSources(max(10, sessions/10))
	// The busy few are the same for sessions and initiatives: the pickers are made once.
	w.pickPlatform, w.pickOfficial, w.pickTopic = w.zipf(len(w.platforms)), w.zipf(len(w.officials)), w.zipf(len(w.topics))
	for i := range sessions {
		w.addSession(int64(i + 1))
	}
	for i := range max(5, sessions/50) {
		w.addInitiative(int64(i + 1))
	}
	for i := range max(1, sessions/4) {
		w.addStatement(int64(i + 1))
	}
	return w
}

// newWorld makes an empty world whose random source is seeded with seed, and the codes of
// every country for members and subjects to be drawn from.
func newWorld(seed uint64) *world {
	w := &world{
		rng:          rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		members:      map[int64][]*model.PlatformMember{},
		positions:    map[int64][]*model.Position{},
		participants: map[int64][]model.Participant{},
		subjects:     map[int64][]string{},
		sessionTops:  map[int64][]int64{},
		changes:      map[int64][]*model.InitiativeStatusChange{},
		initTopics:   map[int64][]int64{},
		initSessions: map[int64][]int64{},
	}
	for _, c := range model.Countries() {
		w.codes = append(w.codes, c.Code)
	}
	return w
}

// zipf returns a picker of an index below n that picks 0 most often and the tail rarely:
// the skew of real activity.
func (w *world) zipf(n int) func() int {
	z := rand.NewZipf(w.rng, 1.2, 2, uint64(n-1))
	return func() int { return int(z.Uint64()) }
}

// ptr returns a pointer to s, for the optional fields of the records.
func ptr(s string) *string { return &s }

// addTopics makes one topic for each name of the vocabulary.
func (w *world) addTopics() {
	for i, name := range genTopics {
		w.topics = append(w.topics, &model.Topic{ID: int64(i + 1), Slug: fmt.Sprintf("topic-%02d", i+1), Name: name})
	}
}

// addPlatforms makes the 50 platforms, each with its members.
func (w *world) addPlatforms() {
	r := w.rng
	for i := range 50 {
		id := int64(i + 1)
		name := fmt.Sprintf("%s %s %d", genRegions[i%len(genRegions)], genFormats[(i/len(genRegions)+i)%len(genFormats)], i+1)
		p := &model.Platform{ID: id, Slug: fmt.Sprintf("platform-%02d", i+1), Name: name,
			Kind:        model.PlatformKinds[r.IntN(len(model.PlatformKinds))],
			Description: ptr("A platform for " + genTopics[r.IntN(len(genTopics))] + " and " + genTopics[r.IntN(len(genTopics))] + "."),
			Founded:     w.date(1975, 2015)}
		w.platforms = append(w.platforms, p)
		w.addMembers(p)
	}
}

// addMembers makes 3 to 15 draws of a member country for the platform p, mostly the
// countries of the vocabulary's cities, sometimes any; a country drawn again is skipped.
func (w *world) addMembers(p *model.Platform) {
	r := w.rng
	members := 3 + r.IntN(13)
	seen := map[string]bool{}
	for range members {
		code := genCities[r.IntN(len(genCities))].code
		if r.IntN(3) == 0 {
			code = w.codes[r.IntN(len(w.codes))]
		}
		if seen[code] {
			continue
		}
		seen[code] = true
		role := model.MembershipRoleMember
		if r.IntN(8) == 0 {
			role = model.MembershipRoleObserver
		}
		w.members[p.ID] = append(w.members[p.ID], &model.PlatformMember{PlatformID: p.ID, CountryCode: code, Role: role, Since: p.Founded})
	}
}

// addOfficials makes n officials, most of them from the busiest cities' countries, each
// with positions.
func (w *world) addOfficials(n int) {
	r := w.rng
	for i := range n {
		id := int64(i + 1)
		code := genCities[w.zipf(len(genCities))()].code
		o := &model.Official{ID: id, Slug: fmt.Sprintf("official-%d", id),
			Name:        genFirst[r.IntN(len(genFirst))] + " " + genLast[r.IntN(len(genLast))],
			CountryCode: &code, OtherNames: []string{}}
		w.officials = append(w.officials, o)
		w.addPositions(o)
	}
}

// addPositions makes 1 to 4 positions of the official o, one after another: each but the
// last ends (before 2027) and the next begins the month after; the last is held still.
func (w *world) addPositions(o *model.Official) {
	r := w.rng
	code := o.CountryCode
	start := w.date(1985, 2020)
	for j := range 1 + r.IntN(4) {
		pos := &model.Position{OfficialID: o.ID, Title: genTitles[r.IntN(len(genTitles))],
			Organization: ptr("Government of " + *code), CountryCode: code, Start: start}
		if j < 3 && r.IntN(3) > 0 {
			end := model.DateOf(start.First().AddDate(1+r.IntN(6), r.IntN(12), 0))
			if end.First().Year() <= 2026 {
				pos.End = &end
				next := model.DateOf(end.First().AddDate(0, 1, 0))
				start = &next
			}
		}
		w.positions[o.ID] = append(w.positions[o.ID], pos)
		if pos.End == nil {
			break
		}
	}
}

// addSources makes n news reports, which sessions, initiatives and statements cite.
func (w *world) addSources(n int) {
	r := w.rng
	for i := range n {
		w.sources = append(w.sources, &model.Source{ID: int64(i + 1),
			Title:       fmt.Sprintf("%s report %d on %s", genPublishers[i%len(genPublishers)], i+1, genTopics[r.IntN(len(genTopics))]),
			Publisher:   ptr(genPublishers[i%len(genPublishers)]),
			URL:         ptr(fmt.Sprintf("https://news.example/%d", i+1)),
			PublishedOn: w.date(1990, 2026), Language: ptr("en"),
			Excerpt: ptr("Officials " + genVerbs[r.IntN(len(genVerbs))] + " " + genTopics[r.IntN(len(genTopics))] + ".")})
	}
}

// addSession makes the session id in a city, mostly under a busy platform, with its
// topics, sometimes a subject country, its participants and a citation.
func (w *world) addSession(id int64) {
	r := w.rng
	city := genCities[r.IntN(len(genCities))]
	kind := model.SessionKinds[r.IntN(len(model.SessionKinds))]
	x := &model.Session{ID: id, Slug: fmt.Sprintf("session-%d", id), Kind: kind,
		Start:    *w.partialDate(1990, 2026),
		Location: model.Location{City: ptr(city.city), CountryCode: ptr(city.code)}, HostCountryCode: ptr(city.code)}
	if r.IntN(10) > 0 {
		pid := w.platforms[w.pickPlatform()].ID
		x.PlatformID = &pid
	}
	if x.Start.Precision() == model.PrecisionDay && r.IntN(4) == 0 {
		end := model.DateOf(x.Start.First().AddDate(0, 0, 1+r.IntN(3)))
		x.End = &end
	}
	topics := w.sessionTopics()
	w.sessionTops[id] = topics
	platformName := "Bilateral"
	if x.PlatformID != nil {
		platformName = w.platforms[*x.PlatformID-1].Name
	}
	x.Title = fmt.Sprintf("%s %s in %s", platformName, kindWord(kind), city.city)
	x.Summary = ptr(fmt.Sprintf("Delegations %s %s and %s in %s.", genVerbs[r.IntN(len(genVerbs))],
		genTopics[topics[0]-1], genTopics[r.IntN(len(genTopics))], city.city))
	if r.IntN(5) == 0 {
		w.subjects[id] = []string{w.codes[r.IntN(len(w.codes))]}
	}
	w.participants[id] = w.sessionParticipants(id)
	w.sessions = append(w.sessions, x)
	w.citations = append(w.citations, &model.Citation{SourceID: w.sources[r.IntN(len(w.sources))].ID, SessionID: &x.ID})
}

// sessionTopics draws 1 to 3 topics of a session, mostly busy ones; a topic drawn again
// is skipped.
func (w *world) sessionTopics() []int64 {
	var topics []int64
	for range 1 + w.rng.IntN(3) {
		t := w.topics[w.pickTopic()].ID
		if !slices.Contains(topics, t) {
			topics = append(topics, t)
		}
	}
	return topics
}

// sessionParticipants draws 2 to 12 participants of the session id, mostly busy
// officials, each representing their country; an official drawn again is skipped.
func (w *world) sessionParticipants(id int64) []model.Participant {
	var parts []model.Participant
	for range 2 + w.rng.IntN(11) {
		o := w.officials[w.pickOfficial()]
		dup := false
		for _, p := range parts {
			dup = dup || p.OfficialID == o.ID
		}
		if !dup {
			parts = append(parts, model.Participant{SessionID: id, OfficialID: o.ID, Role: ptr("delegate"), CountryCode: o.CountryCode})
		}
	}
	return parts
}

// addInitiative makes the initiative id, proposed by a busy official, half of them under
// a platform, with its status history, a topic, a session and a citation.
func (w *world) addInitiative(id int64) {
	r := w.rng
	o := w.officials[w.pickOfficial()]
	x := &model.Initiative{ID: id, Slug: fmt.Sprintf("initiative-%d", id),
		Title:       fmt.Sprintf("%s initiative %d on %s", genRegions[r.IntN(len(genRegions))], id, genTopics[r.IntN(len(genTopics))]),
		Description: ptr("A proposal for " + genTopics[r.IntN(len(genTopics))] + "."),
		Status:      model.InitiativeStatusProposed, ProposedOn: w.date(1992, 2025), ProposedByID: &o.ID, CountryCode: o.CountryCode}
	if r.IntN(2) == 0 {
		pid := w.platforms[w.pickPlatform()].ID
		x.PlatformID = &pid
	}
	w.addStatusHistory(x)
	w.initTopics[id] = []int64{w.topics[w.pickTopic()].ID}
	w.initSessions[id] = []int64{w.sessions[r.IntN(len(w.sessions))].ID}
	w.initiatives = append(w.initiatives, x)
	w.citations = append(w.citations, &model.Citation{SourceID: w.sources[r.IntN(len(w.sources))].ID, InitiativeID: &x.ID})
}

// addStatusHistory records the proposal of x and up to two later changes, 1 to 24 months
// apart and none after 2026, and sets x's status to the latest.
func (w *world) addStatusHistory(x *model.Initiative) {
	r := w.rng
	w.changes[x.ID] = []*model.InitiativeStatusChange{{InitiativeID: x.ID, Status: model.InitiativeStatusProposed, On: *x.ProposedOn}}
	on := x.ProposedOn.First()
	for range r.IntN(3) {
		on = on.AddDate(0, 1+r.IntN(24), 0)
		if on.Year() > 2026 {
			break
		}
		st := model.InitiativeStatuses[1+r.IntN(len(model.InitiativeStatuses)-1)]
		w.changes[x.ID] = append(w.changes[x.ID], &model.InitiativeStatusChange{InitiativeID: x.ID, Status: st, On: model.DateOf(on)})
		x.Status = st
	}
}

// addStatement makes the statement id, by a participant of a session on its day, about
// the session's first topic, with a citation.
func (w *world) addStatement(id int64) {
	r := w.rng
	x := w.sessions[r.IntN(len(w.sessions))]
	parts := w.participants[x.ID]
	speaker := parts[r.IntN(len(parts))].OfficialID
	st := &model.Statement{ID: id, OfficialID: speaker, SessionID: &x.ID, Date: x.Start,
		Text: fmt.Sprintf("We %s %s and will continue to work with our partners.", genVerbs[r.IntN(len(genVerbs))],
			genTopics[w.sessionTops[x.ID][0]-1])}
	w.statements = append(w.statements, st)
	w.citations = append(w.citations, &model.Citation{SourceID: w.sources[r.IntN(len(w.sources))].ID, StatementID: &st.ID})
}

// kindWord names a kind of session in a title.
func kindWord(k model.SessionKind) string {
	switch k {
	case model.SessionKindSummit:
		return "summit"
	case model.SessionKindMinisterial:
		return "ministerial"
	case model.SessionKindSpecialSession:
		return "special session"
	case model.SessionKindWorkingGroup:
		return "working group"
	case model.SessionKindBilateralMeeting:
		return "meeting"
	case model.SessionKindVisit:
		return "visit"
	}
	return "talks"
}

// date returns a day-precision date in the years [from, to].
func (w *world) date(from, to int) *model.Date {
	d := model.DateOf(time.Date(from, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, w.rng.IntN((to-from+1)*365)))
	return &d
}

// partialDate returns a date that is usually a day, sometimes only a month or a year.
func (w *world) partialDate(from, to int) *model.Date {
	d := w.date(from, to)
	s := d.String()
	switch p := w.rng.IntN(100); {
	case p < 3:
		s = s[:4]
	case p < 10:
		s = s[:7]
	}
	out := model.MustParseDate(s)
	return &out
}
