package export

// What an export holds: its entries, read a page at a time through the store, and the
// details its format shows, loaded in one batch per relation per page.

import (
	"context"
	"slices"

	"diplomacy-timeline/db"
	"diplomacy-timeline/limits"
	"diplomacy-timeline/model"
)

// contents is an export's entries with the details its format shows.
type contents struct {
	entries   []*model.TimelineEntry
	truncated bool
	next      string // cursor of the last entry, for after= when truncated

	platforms      map[int64]*model.Platform
	entryCountries map[int64][]*model.Country
	entryTopics    map[int64][]*model.Topic
	// citations by subject type, then subject key.
	citations map[string]map[int64][]*model.Citation
	sources   map[int64]*model.Source

	sessions     map[int64]*model.Session
	participants map[int64][]*model.Participant
	officials    map[int64]*model.Official
	countries    map[string]*model.Country

	statements  map[int64]*model.Statement
	initiatives map[int64]*model.Initiative
	positions   map[int64][]*model.Position       // by official
	members     map[int64][]*model.PlatformMember // by platform
}

// collect pages through the filtered timeline, limits.ExportPageSize entries at a time, up to the
// limit, loading each page's details in batches.
func collect(ctx context.Context, store *db.Store, p parsed, needs loads) (*contents, error) {
	d := &contents{
		platforms:      map[int64]*model.Platform{},
		entryCountries: map[int64][]*model.Country{},
		entryTopics:    map[int64][]*model.Topic{},
		citations:      map[string]map[int64][]*model.Citation{},
		sources:        map[int64]*model.Source{},
		sessions:       map[int64]*model.Session{},
		participants:   map[int64][]*model.Participant{},
		officials:      map[int64]*model.Official{},
		countries:      map[string]*model.Country{},
		statements:     map[int64]*model.Statement{},
		initiatives:    map[int64]*model.Initiative{},
		positions:      map[int64][]*model.Position{},
		members:        map[int64][]*model.PlatformMember{},
	}
	after := p.after
	for len(d.entries) < p.limit {
		n := min(limits.ExportPageSize, p.limit-len(d.entries))
		page, err := store.Timeline(ctx, &p.filter, p.order, db.Page{First: &n, After: after})
		if err != nil {
			return nil, err
		}
		if err := d.load(ctx, store, page.Items, needs); err != nil {
			return nil, err
		}
		d.entries = append(d.entries, page.Items...)
		if len(page.Items) > 0 {
			d.next = page.Cursors[len(page.Items)-1]
		}
		d.truncated = page.HasNextPage
		if !page.HasNextPage || len(page.Items) == 0 {
			break
		}
		after = &d.next
	}
	return d, nil
}

// missing returns the keys not yet in m, each once.
func missing[K comparable, V any](m map[K]V, keys []K) []K {
	var out []K
	for _, k := range keys {
		if _, ok := m[k]; !ok && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// fetchInto loads the keys missing from dst and adds what was found.
func fetchInto[K comparable, V any](ctx context.Context, dst map[K]V, keys []K, fetch func(context.Context, []K) (map[K]V, error)) error {
	keys = missing(dst, keys)
	if len(keys) == 0 {
		return nil
	}
	got, err := fetch(ctx, keys)
	if err != nil {
		return err
	}
	for _, k := range keys {
		dst[k] = got[k] // a key not found is remembered as nil, never fetched again
	}
	return nil
}

// load fetches the details of one page of entries: one statement per relation. Each
// step fetches what its need shows and adds the keys it finds to refs, so that the
// officials, platforms and countries every step names are fetched once, last.
func (d *contents) load(ctx context.Context, s *db.Store, page []*model.TimelineEntry, needs loads) error {
	if len(page) == 0 {
		return nil
	}
	r := pageRefs(page)
	for _, step := range []struct {
		need bool
		load func(context.Context, *db.Store, *refs) error
	}{
		{needs.links, d.loadLinks},
		{needs.sources, d.loadSources},
		{needs.sessions, d.loadSessions},
		{needs.people, d.loadPeople},
		{true, d.loadNamed},
	} {
		if !step.need {
			continue
		}
		if err := step.load(ctx, s, r); err != nil {
			return err
		}
	}
	return nil
}

// refs are the keys one page's details name, gathered by the steps of load so that
// each relation is fetched once per page, whichever steps named its keys.
type refs struct {
	entries   []int64
	subjects  map[string][]int64 // by subject type
	platforms []int64
	officials []int64
	codes     []string // of countries
}

// pageRefs starts the keys of a page with what the entries themselves name.
func pageRefs(page []*model.TimelineEntry) *refs {
	r := &refs{entries: make([]int64, len(page)), subjects: map[string][]int64{}}
	for i, e := range page {
		r.entries[i] = e.ID
		if e.PlatformID != nil {
			r.platforms = append(r.platforms, *e.PlatformID)
		}
		typ, id := e.SubjectRef()
		r.subjects[typ] = append(r.subjects[typ], id)
	}
	return r
}

// code adds a country code, if there is one.
func (r *refs) code(c *string) {
	if c != nil {
		r.codes = append(r.codes, *c)
	}
}

// loadLinks fetches the entries' countries and topics (links.countries, links.topics):
// they belong to the entries, not to their subjects.
func (d *contents) loadLinks(ctx context.Context, s *db.Store, r *refs) error {
	if err := fetchInto(ctx, d.entryCountries, r.entries, s.CountriesByEntry); err != nil {
		return err
	}
	return fetchInto(ctx, d.entryTopics, r.entries, s.TopicsByEntry)
}

// loadSources fetches the citations of the subjects, by subject type (citations are
// keyed by type and ID), then the sources they cite in one batch for every type.
func (d *contents) loadSources(ctx context.Context, s *db.Store, r *refs) error {
	var sourceIDs []int64
	for _, typ := range []string{model.TypePlatform, model.TypeSession, model.TypeInitiative, model.TypeStatement} {
		if len(r.subjects[typ]) == 0 {
			continue
		}
		if d.citations[typ] == nil {
			d.citations[typ] = map[int64][]*model.Citation{}
		}
		if err := fetchInto(ctx, d.citations[typ], r.subjects[typ], func(ctx context.Context, keys []int64) (map[int64][]*model.Citation, error) {
			return s.CitationsBy(ctx, typ, keys)
		}); err != nil {
			return err
		}
		for _, id := range r.subjects[typ] {
			for _, c := range d.citations[typ][id] {
				sourceIDs = append(sourceIDs, c.SourceID)
			}
		}
	}
	return fetchInto(ctx, d.sources, sourceIDs, s.SourcesByIDs)
}

// loadSessions fetches the sessions among the subjects and their participants, and
// names the officials, platforms and countries they refer to.
func (d *contents) loadSessions(ctx context.Context, s *db.Store, r *refs) error {
	sessionIDs := r.subjects[model.TypeSession]
	if err := fetchInto(ctx, d.sessions, sessionIDs, s.SessionsByIDs); err != nil {
		return err
	}
	if err := fetchInto(ctx, d.participants, sessionIDs, s.ParticipantsBySession); err != nil {
		return err
	}
	for _, id := range sessionIDs {
		if sess := d.sessions[id]; sess != nil {
			r.code(sess.Location.CountryCode)
			r.code(sess.HostCountryCode)
			if sess.PlatformID != nil {
				r.platforms = append(r.platforms, *sess.PlatformID)
			}
		}
		for _, p := range d.participants[id] {
			r.officials = append(r.officials, p.OfficialID)
			r.code(p.CountryCode)
		}
	}
	return nil
}

// loadPeople fetches what Popolo's persons and memberships need: the officials every
// entry concerns (as subject, speaker of a statement, proposer of an initiative), the
// positions of all of them, and the members of every platform named.
func (d *contents) loadPeople(ctx context.Context, s *db.Store, r *refs) error {
	r.officials = append(r.officials, r.subjects[model.TypeOfficial]...)
	if err := fetchInto(ctx, d.statements, r.subjects[model.TypeStatement], s.StatementsByIDs); err != nil {
		return err
	}
	for _, id := range r.subjects[model.TypeStatement] {
		if st := d.statements[id]; st != nil {
			r.officials = append(r.officials, st.OfficialID)
		}
	}
	if err := fetchInto(ctx, d.initiatives, r.subjects[model.TypeInitiative], s.InitiativesByIDs); err != nil {
		return err
	}
	for _, id := range r.subjects[model.TypeInitiative] {
		if in := d.initiatives[id]; in != nil {
			if in.ProposedByID != nil {
				r.officials = append(r.officials, *in.ProposedByID)
			}
			if in.PlatformID != nil {
				r.platforms = append(r.platforms, *in.PlatformID)
			}
		}
	}
	if err := fetchInto(ctx, d.positions, r.officials, s.PositionsByOfficial); err != nil {
		return err
	}
	for _, id := range r.officials {
		for _, p := range d.positions[id] {
			r.code(p.CountryCode)
		}
	}
	if err := fetchInto(ctx, d.members, r.platforms, s.MembersByPlatform); err != nil {
		return err
	}
	for _, id := range r.platforms {
		for _, m := range d.members[id] {
			r.codes = append(r.codes, m.CountryCode)
		}
	}
	return nil
}

// loadNamed fetches the officials, platforms and countries the earlier steps named,
// each relation once for the page; the officials' own countries come before the
// countries are fetched.
func (d *contents) loadNamed(ctx context.Context, s *db.Store, r *refs) error {
	if err := fetchInto(ctx, d.officials, r.officials, s.OfficialsByIDs); err != nil {
		return err
	}
	for _, id := range r.officials {
		if o := d.officials[id]; o != nil {
			r.code(o.CountryCode)
		}
	}
	if err := fetchInto(ctx, d.platforms, r.platforms, s.PlatformsByIDs); err != nil {
		return err
	}
	return fetchInto(ctx, d.countries, r.codes, s.CountriesByCodes)
}
