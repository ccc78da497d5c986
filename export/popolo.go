package export

// /export/popolo.json: the people, bodies and meetings of the exported entries in the
// Popolo data specification (https://www.popoloproject.com/specs/), as one document
// {"persons", "organizations", "memberships", "events"} with Popolo's field names.
//
//   - persons: the officials the entries concern — participants of the sessions, holders of
//     the positions, speakers of the statements, proposers of the initiatives — with
//     other_names, national_identity (their country's name) and their slug as an identifier.
//   - organizations: the platforms (classification "format", "organization", …; founding_date,
//     dissolution_date, website under links, cited sources under sources); the countries
//     the memberships name (classification "country", the ISO code as an identifier); and
//     the bodies named in positions ("Ministry of Foreign Affairs of …"), whose IDs are
//     "organization/<slug>-<hash of the name>".
//   - memberships: every position of those persons (role = title, organization_id = the
//     body, or the country when no body is named, on_behalf_of_id = the country) and every
//     member of those platforms as an organization membership (member {"@type":
//     "Organization", "id": <country>}, role "member", "partner" or "observer").
//   - events: the sessions (start_date, end_date, location "venue, city, country",
//     classification, organization_id = the platform, parent_id when the parent is
//     exported too, attendees = the participants as {id, name}, sources).
//
// IDs are the records' global IDs (node(id:) resolves them), so every reference inside
// the document resolves to an object in it.

import (
	"cmp"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"diplomacy-timeline/model"
)

// Identifier schemes of the Popolo export.
const (
	popoloSlugScheme    = "diplomacy-timeline-slug"
	popoloCountryScheme = "ISO 3166-1 alpha-2"
)

type popoloDocument struct {
	Persons       []*popoloPerson       `json:"persons"`
	Organizations []*popoloOrganization `json:"organizations"`
	Memberships   []*popoloMembership   `json:"memberships"`
	Events        []*popoloEvent        `json:"events"`
}

type popoloIdentifier struct {
	Identifier string `json:"identifier"`
	Scheme     string `json:"scheme"`
}

type popoloOtherName struct {
	Name string `json:"name"`
	Note string `json:"note,omitempty"`
}

type popoloLink struct {
	URL  string `json:"url"`
	Note string `json:"note,omitempty"`
}

type popoloPerson struct {
	ID               string             `json:"id"`
	Name             string             `json:"name"`
	OtherNames       []popoloOtherName  `json:"other_names,omitempty"`
	NationalIdentity string             `json:"national_identity,omitempty"`
	Identifiers      []popoloIdentifier `json:"identifiers"`
}

type popoloOrganization struct {
	ID              string             `json:"id"`
	Name            string             `json:"name"`
	OtherNames      []popoloOtherName  `json:"other_names,omitempty"`
	Identifiers     []popoloIdentifier `json:"identifiers,omitempty"`
	Classification  string             `json:"classification,omitempty"`
	Description     string             `json:"description,omitempty"`
	FoundingDate    string             `json:"founding_date,omitempty"`
	DissolutionDate string             `json:"dissolution_date,omitempty"`
	Links           []popoloLink       `json:"links,omitempty"`
	Sources         []popoloLink       `json:"sources,omitempty"`
}

type popoloMember struct {
	Type string `json:"@type"`
	ID   string `json:"id"`
}

type popoloMembership struct {
	ID             string        `json:"id"`
	Label          string        `json:"label,omitempty"`
	Role           string        `json:"role,omitempty"`
	PersonID       string        `json:"person_id,omitempty"`
	Member         *popoloMember `json:"member,omitempty"`
	OrganizationID string        `json:"organization_id,omitempty"`
	OnBehalfOfID   string        `json:"on_behalf_of_id,omitempty"`
	StartDate      string        `json:"start_date,omitempty"`
	EndDate        string        `json:"end_date,omitempty"`
}

type popoloAttendee struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type popoloEvent struct {
	ID             string             `json:"id"`
	Name           string             `json:"name"`
	Description    string             `json:"description,omitempty"`
	StartDate      string             `json:"start_date"`
	EndDate        string             `json:"end_date,omitempty"`
	Location       string             `json:"location,omitempty"`
	Classification string             `json:"classification"`
	OrganizationID string             `json:"organization_id,omitempty"`
	ParentID       string             `json:"parent_id,omitempty"`
	Attendees      []popoloAttendee   `json:"attendees"`
	Identifiers    []popoloIdentifier `json:"identifiers"`
	Sources        []popoloLink       `json:"sources,omitempty"`
}

// popoloBodyID is the ID of a body named in positions: readable, and distinct for
// distinct names.
func popoloBodyID(name string) string {
	var slug []byte
	for _, c := range []byte(strings.ToLower(name)) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			slug = append(slug, c)
		case len(slug) > 0 && slug[len(slug)-1] != '-':
			slug = append(slug, '-')
		}
	}
	s := strings.Trim(string(slug), "-")
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(name))
	return fmt.Sprintf("organization/%s-%08x", s, h.Sum32())
}

// popoloSources lists the sources with a URL as Popolo links.
func popoloSources(srcs []*model.Source) []popoloLink {
	var out []popoloLink
	for _, s := range srcs {
		if s.URL != nil && *s.URL != "" {
			out = append(out, popoloLink{URL: *s.URL, Note: s.Title})
		}
	}
	return out
}

// renderPopolo builds the document section by section: the platforms, the persons with
// their positions, the platforms' members, the sessions, and last the organizations,
// once the memberships have named every country and body they refer to.
func renderPopolo(d *contents, _ *renderRequest) ([]byte, error) {
	b := &popoloBuilder{d: d, orgs: map[string]*popoloOrganization{}, doc: &popoloDocument{
		Persons: []*popoloPerson{}, Organizations: []*popoloOrganization{},
		Memberships: []*popoloMembership{}, Events: []*popoloEvent{}}}
	platforms := sortedByName(d.platforms, func(p *model.Platform) (string, int64) { return p.Name, p.ID })
	b.addPlatforms(platforms)
	b.addPersons(sortedByName(d.officials, func(o *model.Official) (string, int64) { return o.Name, o.ID }))
	b.addPlatformMembers(platforms)
	b.addEvents()
	b.addOrganizations()
	return json.Marshal(b.doc)
}

// popoloBuilder builds the Popolo document of an export. The organizations the
// memberships name (countries, bodies) are collected as they are met, each once, so
// that every reference in the document resolves to an object in it.
type popoloBuilder struct {
	d    *contents
	doc  *popoloDocument
	orgs map[string]*popoloOrganization // by ID
}

// sortedByName returns the values of m that are not nil (a key fetched but not found is
// kept as nil) by name, then ID: the same data gives the same document.
func sortedByName[V any](m map[int64]*V, key func(*V) (name string, id int64)) []*V {
	var out []*V
	for _, v := range m {
		if v != nil {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b *V) int {
		an, ai := key(a)
		bn, bi := key(b)
		return cmp.Or(strings.Compare(an, bn), cmp.Compare(ai, bi))
	})
	return out
}

// country returns the organization ID of the country with the code, adding the country
// the first time it is named; a code the database does not know keeps the code as its name.
func (b *popoloBuilder) country(code string) string {
	name := code
	if c := b.d.countries[code]; c != nil {
		name = c.Name
	}
	id := model.EncodeID(model.TypeCountry, code)
	if b.orgs[id] == nil {
		b.orgs[id] = &popoloOrganization{ID: id, Name: name, Classification: "country",
			Identifiers: []popoloIdentifier{{Identifier: code, Scheme: popoloCountryScheme}}}
	}
	return id
}

// body returns the organization ID of a body named in positions, adding the body the
// first time it is named: bodies are not records, only names.
func (b *popoloBuilder) body(name string) string {
	id := popoloBodyID(name)
	if b.orgs[id] == nil {
		b.orgs[id] = &popoloOrganization{ID: id, Name: name}
	}
	return id
}

// addPlatforms adds the platforms as organizations. A platform's sources are those its
// founding entry cites: the platform record itself cites none.
func (b *popoloBuilder) addPlatforms(platforms []*model.Platform) {
	sources := map[int64][]popoloLink{}
	for _, e := range b.d.entries {
		if e.SubjectPlatformID != nil {
			sources[*e.SubjectPlatformID] = popoloSources(b.d.sourcesOf(e))
		}
	}
	for _, p := range platforms {
		o := &popoloOrganization{ID: p.NodeID(), Name: p.Name, Classification: kindLabel(p.Kind),
			Identifiers: []popoloIdentifier{{Identifier: p.Slug, Scheme: popoloSlugScheme}},
			Description: deref(p.Description), Sources: sources[p.ID]}
		if p.FullName != nil && *p.FullName != p.Name {
			o.OtherNames = []popoloOtherName{{Name: *p.FullName, Note: "full name"}}
		}
		if p.Founded != nil {
			o.FoundingDate = p.Founded.String()
		}
		if p.Dissolved != nil {
			o.DissolutionDate = p.Dissolved.String()
		}
		if p.Website != nil {
			o.Links = []popoloLink{{URL: *p.Website, Note: "website"}}
		}
		b.orgs[o.ID] = o
	}
}

// addPersons adds the officials as persons, each followed in the memberships by their
// positions, so that a person's memberships stand together.
func (b *popoloBuilder) addPersons(officials []*model.Official) {
	for _, o := range officials {
		p := &popoloPerson{ID: o.NodeID(), Name: o.Name, Identifiers: []popoloIdentifier{{Identifier: o.Slug, Scheme: popoloSlugScheme}}}
		for _, n := range o.OtherNames {
			p.OtherNames = append(p.OtherNames, popoloOtherName{Name: n})
		}
		if o.CountryCode != nil {
			p.NationalIdentity = b.d.countryName(o.CountryCode)
		}
		b.doc.Persons = append(b.doc.Persons, p)
		for _, pos := range b.d.positions[o.ID] {
			b.doc.Memberships = append(b.doc.Memberships, b.positionMembership(p, pos))
		}
	}
}

// positionMembership is a person's position as a membership: of the body it names, on
// behalf of its country, or of the country itself when no body is named, since Popolo
// wants a membership to be of an organization.
func (b *popoloBuilder) positionMembership(p *popoloPerson, pos *model.Position) *popoloMembership {
	m := &popoloMembership{ID: fmt.Sprintf("membership/position-%d", pos.ID), PersonID: p.ID,
		Role: pos.Title, Label: joinNonEmpty(", ", pos.Title, deref(pos.Organization))}
	switch {
	case pos.Organization != nil && strings.TrimSpace(*pos.Organization) != "":
		m.OrganizationID = b.body(strings.TrimSpace(*pos.Organization))
		if pos.CountryCode != nil {
			m.OnBehalfOfID = b.country(*pos.CountryCode)
		}
	case pos.CountryCode != nil:
		m.OrganizationID = b.country(*pos.CountryCode)
	}
	if pos.Start != nil {
		m.StartDate = pos.Start.String()
	}
	if pos.End != nil {
		m.EndDate = pos.End.String()
	}
	return m
}

// addPlatformMembers adds the platforms' member countries as memberships whose member
// is an organization: countries, not people, belong to platforms.
func (b *popoloBuilder) addPlatformMembers(platforms []*model.Platform) {
	for _, p := range platforms {
		for _, mem := range b.d.members[p.ID] {
			m := &popoloMembership{ID: fmt.Sprintf("membership/platform-member-%d", mem.ID),
				Member:         &popoloMember{Type: "Organization", ID: b.country(mem.CountryCode)},
				OrganizationID: p.NodeID(), Role: kindLabel(mem.Role)}
			if mem.Since != nil {
				m.StartDate = mem.Since.String()
			}
			if mem.Until != nil {
				m.EndDate = mem.Until.String()
			}
			b.doc.Memberships = append(b.doc.Memberships, m)
		}
	}
}

// addEvents adds the sessions as events in timeline order, the order of the export's
// entries. A platform or parent session is referred to only when it is in the document.
func (b *popoloBuilder) addEvents() {
	d := b.d
	for _, e := range d.entries {
		if e.SubjectSessionID == nil || d.sessions[*e.SubjectSessionID] == nil {
			continue
		}
		s := d.sessions[*e.SubjectSessionID]
		ev := &popoloEvent{ID: s.NodeID(), Name: s.Title, Description: deref(s.Summary), StartDate: s.Start.String(),
			Location: d.sessionLocation(s), Classification: kindLabel(s.Kind), Attendees: []popoloAttendee{},
			Identifiers: []popoloIdentifier{{Identifier: s.Slug, Scheme: popoloSlugScheme}}, Sources: popoloSources(d.sourcesOf(e))}
		if s.End != nil {
			ev.EndDate = s.End.String()
		}
		if s.PlatformID != nil && d.platforms[*s.PlatformID] != nil {
			ev.OrganizationID = d.platforms[*s.PlatformID].NodeID()
		}
		if s.ParentID != nil && d.sessions[*s.ParentID] != nil {
			ev.ParentID = d.sessions[*s.ParentID].NodeID()
		}
		for _, p := range d.participants[s.ID] {
			if o := d.officials[p.OfficialID]; o != nil {
				ev.Attendees = append(ev.Attendees, popoloAttendee{ID: o.NodeID(), Name: o.Name})
			}
		}
		b.doc.Events = append(b.doc.Events, ev)
	}
}

// addOrganizations adds every organization collected, once the others have named theirs:
// platforms, then countries, then bodies, each by name (then ID), so the document does
// not depend on map order.
func (b *popoloBuilder) addOrganizations() {
	rank := func(o *popoloOrganization) int {
		switch {
		case strings.HasPrefix(o.ID, "organization/"):
			return 2
		case o.Classification == "country":
			return 1
		}
		return 0
	}
	for _, o := range b.orgs {
		b.doc.Organizations = append(b.doc.Organizations, o)
	}
	slices.SortFunc(b.doc.Organizations, func(x, y *popoloOrganization) int {
		return cmp.Or(cmp.Compare(rank(x), rank(y)), strings.Compare(x.Name, y.Name), strings.Compare(x.ID, y.ID))
	})
}
