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

func renderPopolo(d *contents, _ *renderRequest) ([]byte, error) {
	doc := &popoloDocument{Persons: []*popoloPerson{}, Organizations: []*popoloOrganization{},
		Memberships: []*popoloMembership{}, Events: []*popoloEvent{}}

	orgs := map[string]*popoloOrganization{}
	country := func(code string) string {
		c := d.countries[code]
		name := code
		if c != nil {
			name = c.Name
		}
		id := model.EncodeID(model.TypeCountry, code)
		if orgs[id] == nil {
			orgs[id] = &popoloOrganization{ID: id, Name: name, Classification: "country",
				Identifiers: []popoloIdentifier{{Identifier: code, Scheme: popoloCountryScheme}}}
		}
		return id
	}
	body := func(name string) string {
		id := popoloBodyID(name)
		if orgs[id] == nil {
			orgs[id] = &popoloOrganization{ID: id, Name: name}
		}
		return id
	}

	// Platforms, whose sources are those their founding entry cites.
	platformSources := map[int64][]popoloLink{}
	for _, e := range d.entries {
		if e.SubjectPlatformID != nil {
			platformSources[*e.SubjectPlatformID] = popoloSources(d.sourcesOf(e))
		}
	}
	var platforms []*model.Platform
	for _, p := range d.platforms {
		if p != nil {
			platforms = append(platforms, p)
		}
	}
	slices.SortFunc(platforms, func(a, b *model.Platform) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	for _, p := range platforms {
		o := &popoloOrganization{ID: p.NodeID(), Name: p.Name, Classification: kindLabel(p.Kind),
			Identifiers: []popoloIdentifier{{Identifier: p.Slug, Scheme: popoloSlugScheme}},
			Description: deref(p.Description), Sources: platformSources[p.ID]}
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
		orgs[o.ID] = o
	}

	// Persons and their positions.
	var officials []*model.Official
	for _, o := range d.officials {
		if o != nil {
			officials = append(officials, o)
		}
	}
	slices.SortFunc(officials, func(a, b *model.Official) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	for _, o := range officials {
		p := &popoloPerson{ID: o.NodeID(), Name: o.Name, Identifiers: []popoloIdentifier{{Identifier: o.Slug, Scheme: popoloSlugScheme}}}
		for _, n := range o.OtherNames {
			p.OtherNames = append(p.OtherNames, popoloOtherName{Name: n})
		}
		if o.CountryCode != nil {
			p.NationalIdentity = d.countryName(o.CountryCode)
		}
		doc.Persons = append(doc.Persons, p)
		for _, pos := range d.positions[o.ID] {
			m := &popoloMembership{ID: fmt.Sprintf("membership/position-%d", pos.ID), PersonID: p.ID,
				Role: pos.Title, Label: joinNonEmpty(", ", pos.Title, deref(pos.Organization))}
			switch {
			case pos.Organization != nil && strings.TrimSpace(*pos.Organization) != "":
				m.OrganizationID = body(strings.TrimSpace(*pos.Organization))
				if pos.CountryCode != nil {
					m.OnBehalfOfID = country(*pos.CountryCode)
				}
			case pos.CountryCode != nil:
				m.OrganizationID = country(*pos.CountryCode)
			}
			if pos.Start != nil {
				m.StartDate = pos.Start.String()
			}
			if pos.End != nil {
				m.EndDate = pos.End.String()
			}
			doc.Memberships = append(doc.Memberships, m)
		}
	}

	// Platforms' members.
	for _, p := range platforms {
		for _, mem := range d.members[p.ID] {
			m := &popoloMembership{ID: fmt.Sprintf("membership/platform-member-%d", mem.ID),
				Member:         &popoloMember{Type: "Organization", ID: country(mem.CountryCode)},
				OrganizationID: p.NodeID(), Role: kindLabel(mem.Role)}
			if mem.Since != nil {
				m.StartDate = mem.Since.String()
			}
			if mem.Until != nil {
				m.EndDate = mem.Until.String()
			}
			doc.Memberships = append(doc.Memberships, m)
		}
	}

	// Sessions, in timeline order.
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
		doc.Events = append(doc.Events, ev)
	}

	// Organizations: platforms, then countries, then bodies, each by name.
	rank := func(o *popoloOrganization) int {
		switch {
		case strings.HasPrefix(o.ID, "organization/"):
			return 2
		case o.Classification == "country":
			return 1
		}
		return 0
	}
	for _, o := range orgs {
		doc.Organizations = append(doc.Organizations, o)
	}
	slices.SortFunc(doc.Organizations, func(a, b *popoloOrganization) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return json.Marshal(doc)
}
