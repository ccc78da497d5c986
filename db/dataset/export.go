// Package dataset writes and reads a whole database in the dataset format
// (model/dataset.go): Export and Import, used by the export and import commands. It
// reaches the store through db's seam for work on many records at once — Store.Snapshot
// for a consistent read, Store.Transact and db.Tx for one write transaction through the
// mutations' validating functions — so that package db holds the store and its queries,
// and this package what the file format needs.
package dataset

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"diplomacy-timeline/db"
	"diplomacy-timeline/model"
)

// The export of the dataset format: Export writes the whole database as one canonical JSON
// document, record by record from one consistent snapshot. Import (import.go) reads one as
// a stream and writes it in one transaction through the same validating functions the
// mutations use.

// exportBatch is how many records an export loads, with their relations, at a time.
const exportBatch = 1000

// Export writes every record of the store to w in the dataset format, in canonical form
// (see model.Dataset): the same data gives the same bytes. It reads one consistent
// snapshot, so writes made meanwhile are either wholly in it or not at all.
func Export(ctx context.Context, s *db.Store, w io.Writer) error {
	out := newDatasetWriter(w)
	err := s.Snapshot(ctx, func(tx *gorm.DB) error {
		ex := &exporter{ctx: ctx, tx: tx, out: out, slugs: map[string]map[int64]string{}, order: map[string][]int64{}}
		return ex.run()
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// datasetWriter writes a dataset section by section and record by record, producing
// exactly what encoding/json writes for the whole model.Dataset with two-space indentation
// and no HTML escaping; an empty section is left out, as omitempty does.
type datasetWriter struct {
	w       *bufio.Writer
	buf     bytes.Buffer
	enc     *json.Encoder
	section string // the section being written, "" between sections
	records int    // records written in the current section
}

func newDatasetWriter(w io.Writer) *datasetWriter {
	d := &datasetWriter{w: bufio.NewWriterSize(w, 1<<16)}
	d.enc = json.NewEncoder(&d.buf)
	d.enc.SetEscapeHTML(false)
	d.enc.SetIndent("    ", "  ")
	return d
}

func (d *datasetWriter) header() error {
	_, err := fmt.Fprintf(d.w, "{\n  \"format\": %q,\n  \"version\": %d", model.DatasetFormat, model.DatasetVersion)
	return err
}

// begin starts a section; it is written only once it has a record.
func (d *datasetWriter) begin(section string) {
	d.section, d.records = section, 0
}

// record writes one record of the current section.
func (d *datasetWriter) record(v any) error {
	d.buf.Reset()
	if err := d.enc.Encode(v); err != nil {
		return err
	}
	if d.records == 0 {
		fmt.Fprintf(d.w, ",\n  %q: [\n    ", d.section)
	} else {
		d.w.WriteString(",\n    ")
	}
	d.records++
	_, err := d.w.Write(bytes.TrimSuffix(d.buf.Bytes(), []byte("\n")))
	return err
}

// end closes the current section.
func (d *datasetWriter) end() {
	if d.records > 0 {
		d.w.WriteString("\n  ]")
	}
	d.section, d.records = "", 0
}

func (d *datasetWriter) finish() error {
	d.w.WriteString("\n}\n")
	return d.w.Flush()
}

// exporter holds what the sections of an export share: the slugs of every record, which
// references are written as, and the keys of the sources.
type exporter struct {
	ctx   context.Context
	tx    *gorm.DB
	out   *datasetWriter
	slugs map[string]map[int64]string // table → key → slug
	order map[string][]int64          // table → keys, sorted by slug
	// sourceKeys maps a source's key to its key in the file.
	sourceKeys map[int64]string
}

func (ex *exporter) run() error {
	for _, table := range []string{"topics", "platforms", "officials", "sessions", "initiatives"} {
		if err := ex.loadSlugs(table); err != nil {
			return err
		}
	}
	if err := ex.out.header(); err != nil {
		return err
	}
	for _, section := range []func() error{ex.countries, ex.topics, ex.sources, ex.platforms, ex.officials,
		ex.sessions, ex.initiatives, ex.statements} {
		if err := section(); err != nil {
			return err
		}
		ex.out.end()
	}
	return ex.out.finish()
}

type slugRow struct {
	ID   int64
	Slug string
}

// loadSlugs reads the slugs of a table, and their order: bytewise, the same on every
// database whatever its collation.
func (ex *exporter) loadSlugs(table string) error {
	var rows []slugRow
	if err := ex.tx.Table(table).Select("id, slug").Scan(&rows).Error; err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	slices.SortFunc(rows, func(a, b slugRow) int { return strings.Compare(a.Slug, b.Slug) })
	m := make(map[int64]string, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		m[r.ID], ids[i] = r.Slug, r.ID
	}
	ex.slugs[table], ex.order[table] = m, ids
	return nil
}

func (ex *exporter) slug(table string, id *int64) string {
	if id == nil {
		return ""
	}
	return ex.slugs[table][*id]
}

// batches calls fn with the keys in order, exportBatch at a time.
func batches(ids []int64, fn func([]int64) error) error {
	for start := 0; start < len(ids); start += exportBatch {
		if err := fn(ids[start:min(start+exportBatch, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

// countries writes every country a record refers to.
func (ex *exporter) countries() error {
	ex.out.begin("countries")
	var rows []model.Country
	err := ex.tx.Raw(`SELECT code, name FROM countries WHERE code IN (
		SELECT country_code FROM platform_members
		UNION SELECT country_code FROM officials
		UNION SELECT country_code FROM positions
		UNION SELECT location_country_code FROM sessions
		UNION SELECT host_country_code FROM sessions
		UNION SELECT country_code FROM session_subject_countries
		UNION SELECT country_code FROM participants
		UNION SELECT country_code FROM initiatives
		UNION SELECT location_country_code FROM initiatives)`).Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("read countries: %w", err)
	}
	slices.SortFunc(rows, func(a, b model.Country) int { return strings.Compare(a.Code, b.Code) })
	for _, c := range rows {
		if err := ex.out.record(model.DatasetCountry(c)); err != nil {
			return err
		}
	}
	return nil
}

func (ex *exporter) topics() error {
	ex.out.begin("topics")
	return batches(ex.order["topics"], func(ids []int64) error {
		rows, err := db.WhereIn[model.Topic](ex.ctx, ex.tx, "id", ids, "")
		if err != nil {
			return err
		}
		byID := db.IndexBy(rows, func(t *model.Topic) int64 { return t.ID })
		for _, id := range ids {
			t := byID[id]
			if err := ex.out.record(model.DatasetTopic{Slug: t.Slug, Name: t.Name, Description: t.Description}); err != nil {
				return err
			}
		}
		return nil
	})
}

// sourceIdentity is what makes two sources the same on import: the URL, or without one
// the title, publisher and publication date.
func sourceIdentity(title string, publisher, url *string, publishedOn *model.Date) string {
	if url != nil {
		return "url\x00" + *url
	}
	pub := "\x01"
	if publisher != nil {
		pub = *publisher
	}
	date := ""
	if publishedOn != nil {
		date = publishedOn.String()
	}
	return "doc\x00" + title + "\x00" + pub + "\x00" + date
}

// sourceBaseKey derives the key of a source in a file from what identifies it: its
// publisher and date for readers, and a hash of its identity to tell sources apart.
func sourceBaseKey(src *model.Source) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(db.Fold(deref(src.Publisher))) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			if b.Len() >= 40 {
				break
			}
		} else {
			dash = true
		}
	}
	pub := cmp.Or(b.String(), "source")
	date := "undated"
	if src.PublishedOn != nil {
		date = src.PublishedOn.String()
	}
	sum := sha256.Sum256([]byte(sourceIdentity(src.Title, src.Publisher, src.URL, src.PublishedOn)))
	return pub + "-" + date + "-" + hex.EncodeToString(sum[:4])
}

func (ex *exporter) sources() error {
	ex.out.begin("sources")
	var rows []*model.Source
	if err := ex.tx.Order("id").Find(&rows).Error; err != nil {
		return fmt.Errorf("read sources: %w", err)
	}
	// Sources that share a base key are numbered in the order of their content, which an
	// import reproduces; identical ones are interchangeable.
	type keyed struct {
		src  *model.Source
		rec  model.DatasetSource
		json string
		base string
		n    int
	}
	list := make([]*keyed, len(rows))
	for i, src := range rows {
		k := &keyed{src: src, base: sourceBaseKey(src), rec: model.DatasetSource{Title: src.Title, Publisher: src.Publisher,
			URL: src.URL, PublishedOn: dateString(src.PublishedOn), Language: src.Language, Excerpt: src.Excerpt}}
		b, err := json.Marshal(k.rec)
		if err != nil {
			return err
		}
		k.json = string(b)
		list[i] = k
	}
	slices.SortStableFunc(list, func(a, b *keyed) int {
		return cmp.Or(strings.Compare(a.base, b.base), strings.Compare(a.json, b.json))
	})
	ex.sourceKeys = make(map[int64]string, len(list))
	for i, k := range list {
		k.n = 1
		if i > 0 && list[i-1].base == k.base {
			k.n = list[i-1].n + 1
		}
		k.rec.Key = k.base
		if k.n > 1 {
			k.rec.Key += "-" + strconv.Itoa(k.n)
		}
		ex.sourceKeys[k.src.ID] = k.rec.Key
	}
	for _, k := range list {
		if err := ex.out.record(k.rec); err != nil {
			return err
		}
	}
	return nil
}

// citations loads the citations of a page of records of the citing type typ, as the
// file writes them: sorted by source key.
func (ex *exporter) citations(typ string, ids []int64) (map[int64][]model.DatasetCitation, error) {
	col := db.CitingColumn(typ)
	rows, err := db.WhereIn[model.Citation](ex.ctx, ex.tx, col, ids, "id")
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]model.DatasetCitation)
	for _, c := range rows {
		var owner int64
		switch typ {
		case model.TypePlatform:
			owner = *c.PlatformID
		case model.TypeSession:
			owner = *c.SessionID
		case model.TypeInitiative:
			owner = *c.InitiativeID
		default:
			owner = *c.StatementID
		}
		out[owner] = append(out[owner], model.DatasetCitation{Source: ex.sourceKeys[c.SourceID], Excerpt: c.Excerpt})
	}
	for _, list := range out {
		slices.SortStableFunc(list, func(a, b model.DatasetCitation) int {
			return cmp.Or(strings.Compare(a.Source, b.Source), compareOpt(a.Excerpt, b.Excerpt))
		})
	}
	return out, nil
}

func (ex *exporter) platforms() error {
	ex.out.begin("platforms")
	return batches(ex.order["platforms"], func(ids []int64) error {
		rows, err := db.WhereIn[model.Platform](ex.ctx, ex.tx, "id", ids, "")
		if err != nil {
			return err
		}
		members, err := db.WhereIn[model.PlatformMember](ex.ctx, ex.tx, "platform_id", ids, "id")
		if err != nil {
			return err
		}
		cites, err := ex.citations(model.TypePlatform, ids)
		if err != nil {
			return err
		}
		byID := db.IndexBy(rows, func(p *model.Platform) int64 { return p.ID })
		byPlatform := db.GroupBy(members, func(m *model.PlatformMember) int64 { return m.PlatformID })
		for _, id := range ids {
			p := byID[id]
			rec := model.DatasetPlatform{Slug: p.Slug, Name: p.Name, FullName: p.FullName, Description: p.Description,
				Kind: p.Kind, Founded: dateString(p.Founded), Dissolved: dateString(p.Dissolved), Website: p.Website, Sources: cites[id]}
			ms := byPlatform[id]
			slices.SortStableFunc(ms, func(a, b *model.PlatformMember) int {
				return cmp.Or(strings.Compare(a.CountryCode, b.CountryCode), cmp.Compare(dateKey(a.Since), dateKey(b.Since)),
					cmp.Compare(dateKey(a.Until), dateKey(b.Until)), strings.Compare(string(a.Role), string(b.Role)))
			})
			for _, m := range ms {
				rec.Members = append(rec.Members, model.DatasetMember{Country: m.CountryCode, Role: m.Role,
					Since: dateString(m.Since), Until: dateString(m.Until)})
			}
			if err := ex.out.record(rec); err != nil {
				return err
			}
		}
		return nil
	})
}

func (ex *exporter) officials() error {
	ex.out.begin("officials")
	return batches(ex.order["officials"], func(ids []int64) error {
		rows, err := db.WhereIn[model.Official](ex.ctx, ex.tx, "id", ids, "")
		if err != nil {
			return err
		}
		positions, err := db.WhereIn[model.Position](ex.ctx, ex.tx, "official_id", ids, "id")
		if err != nil {
			return err
		}
		byID := db.IndexBy(rows, func(o *model.Official) int64 { return o.ID })
		byOfficial := db.GroupBy(positions, func(p *model.Position) int64 { return p.OfficialID })
		for _, id := range ids {
			o := byID[id]
			rec := model.DatasetOfficial{Slug: o.Slug, Name: o.Name, OtherNames: o.OtherNames, Country: deref(o.CountryCode)}
			for _, p := range byOfficial[id] {
				rec.Positions = append(rec.Positions, model.DatasetPosition{Title: p.Title, Organization: p.Organization,
					Country: deref(p.CountryCode), Start: dateString(p.Start), End: dateString(p.End)})
			}
			slices.SortStableFunc(rec.Positions, comparePositions)
			if err := ex.out.record(rec); err != nil {
				return err
			}
		}
		return nil
	})
}

// comparePositions orders positions by start, end, title, organization and country.
func comparePositions(a, b model.DatasetPosition) int {
	return cmp.Or(compareDates(a.Start, b.Start), compareDates(a.End, b.End), strings.Compare(a.Title, b.Title),
		compareOpt(a.Organization, b.Organization), strings.Compare(a.Country, b.Country))
}

// compareDates orders date strings as dates: by first day, the coarser first; none first.
func compareDates(a, b string) int {
	key := func(s string) int64 {
		if d, err := model.ParseDate(s); err == nil {
			return d.Key()
		}
		return 0
	}
	return cmp.Compare(key(a), key(b))
}

// compareOpt orders optional strings, none first.
func compareOpt(a, b *string) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return strings.Compare(*a, *b)
}

// slugList turns keys of a table into their slugs, sorted.
func (ex *exporter) slugList(table string, ids []int64) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, ex.slugs[table][id])
	}
	slices.Sort(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

func (ex *exporter) location(l model.Location) *model.DatasetLocation {
	if l.IsZero() {
		return nil
	}
	return &model.DatasetLocation{City: l.City, Country: deref(l.CountryCode), Venue: l.Venue, Latitude: l.Latitude, Longitude: l.Longitude}
}

func (ex *exporter) sessions() error {
	ex.out.begin("sessions")
	return batches(ex.order["sessions"], func(ids []int64) error {
		rows, err := db.WhereIn[model.Session](ex.ctx, ex.tx, "id", ids, "")
		if err != nil {
			return err
		}
		parts, err := db.WhereIn[model.Participant](ex.ctx, ex.tx, "session_id", ids, "id")
		if err != nil {
			return err
		}
		codes, err := db.Pairs[string](ex.tx, "session_subject_countries", "session_id", "country_code", ids)
		if err != nil {
			return err
		}
		topics, err := db.Pairs[int64](ex.tx, "session_topics", "session_id", "topic_id", ids)
		if err != nil {
			return err
		}
		cites, err := ex.citations(model.TypeSession, ids)
		if err != nil {
			return err
		}
		byID := db.IndexBy(rows, func(x *model.Session) int64 { return x.ID })
		bySession := db.GroupBy(parts, func(p *model.Participant) int64 { return p.SessionID })
		for _, id := range ids {
			x := byID[id]
			rec := model.DatasetSession{Slug: x.Slug, Title: x.Title, Kind: x.Kind, Platform: ex.slug("platforms", x.PlatformID),
				Parent: ex.slug("sessions", x.ParentID), Start: x.Start.String(), End: dateString(x.End), Location: ex.location(x.Location),
				HostCountry: deref(x.HostCountryCode), SubjectCountries: codes[id], Topics: ex.slugList("topics", topics[id]),
				Summary: x.Summary, Sources: cites[id]}
			slices.Sort(rec.SubjectCountries)
			for _, p := range bySession[id] {
				rec.Participants = append(rec.Participants, model.DatasetParticipant{Official: ex.slugs["officials"][p.OfficialID],
					Role: p.Role, Country: deref(p.CountryCode)})
			}
			slices.SortStableFunc(rec.Participants, func(a, b model.DatasetParticipant) int { return strings.Compare(a.Official, b.Official) })
			if err := ex.out.record(rec); err != nil {
				return err
			}
		}
		return nil
	})
}

func (ex *exporter) initiatives() error {
	ex.out.begin("initiatives")
	return batches(ex.order["initiatives"], func(ids []int64) error {
		rows, err := db.WhereIn[model.Initiative](ex.ctx, ex.tx, "id", ids, "")
		if err != nil {
			return err
		}
		changes, err := db.WhereIn[model.InitiativeStatusChange](ex.ctx, ex.tx, "initiative_id", ids, "changed_on, id")
		if err != nil {
			return err
		}
		sessions, err := db.Pairs[int64](ex.tx, "initiative_sessions", "initiative_id", "session_id", ids)
		if err != nil {
			return err
		}
		topics, err := db.Pairs[int64](ex.tx, "initiative_topics", "initiative_id", "topic_id", ids)
		if err != nil {
			return err
		}
		cites, err := ex.citations(model.TypeInitiative, ids)
		if err != nil {
			return err
		}
		byID := db.IndexBy(rows, func(x *model.Initiative) int64 { return x.ID })
		history := db.GroupBy(changes, func(c *model.InitiativeStatusChange) int64 { return c.InitiativeID })
		for _, id := range ids {
			x := byID[id]
			rec := model.DatasetInitiative{Slug: x.Slug, Title: x.Title, Description: x.Description, Status: x.Status,
				ProposedOn: dateString(x.ProposedOn), ProposedBy: ex.slug("officials", x.ProposedByID), Country: deref(x.CountryCode),
				Location: ex.location(x.Location), Platform: ex.slug("platforms", x.PlatformID),
				Sessions: ex.slugList("sessions", sessions[id]), Topics: ex.slugList("topics", topics[id]), Sources: cites[id]}
			for _, c := range history[id] {
				rec.StatusHistory = append(rec.StatusHistory, model.DatasetStatusChange{Status: c.Status, On: c.On.String(), Note: c.Note})
			}
			if err := ex.out.record(rec); err != nil {
				return err
			}
		}
		return nil
	})
}

type statementKey struct {
	ID, OfficialID int64
	StatedOn       int64
}

func (ex *exporter) statements() error {
	ex.out.begin("statements")
	var keys []statementKey
	if err := ex.tx.Table("statements").Select("id, official_id, stated_on").Scan(&keys).Error; err != nil {
		return fmt.Errorf("read statements: %w", err)
	}
	// By official (slug), date and the order recorded; the index counts within a date.
	slices.SortFunc(keys, func(a, b statementKey) int {
		return cmp.Or(strings.Compare(ex.slugs["officials"][a.OfficialID], ex.slugs["officials"][b.OfficialID]),
			cmp.Compare(a.StatedOn, b.StatedOn), cmp.Compare(a.ID, b.ID))
	})
	index := make(map[int64]int, len(keys))
	ids := make([]int64, len(keys))
	for i, k := range keys {
		index[k.ID] = 1
		if i > 0 && keys[i-1].OfficialID == k.OfficialID && keys[i-1].StatedOn == k.StatedOn {
			index[k.ID] = index[keys[i-1].ID] + 1
		}
		ids[i] = k.ID
	}
	return batches(ids, func(ids []int64) error {
		rows, err := db.WhereIn[model.Statement](ex.ctx, ex.tx, "id", ids, "")
		if err != nil {
			return err
		}
		cites, err := ex.citations(model.TypeStatement, ids)
		if err != nil {
			return err
		}
		byID := db.IndexBy(rows, func(x *model.Statement) int64 { return x.ID })
		for _, id := range ids {
			x := byID[id]
			rec := model.DatasetStatement{Official: ex.slugs["officials"][x.OfficialID], Date: x.Date.String(), Index: index[id],
				Session: ex.slug("sessions", x.SessionID), Text: x.Text, Sources: cites[id]}
			if err := ex.out.record(rec); err != nil {
				return err
			}
		}
		return nil
	})
}

func dateString(d *model.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// dateKey is the storage key of an optional date, 0 for none (sorting first).
func dateKey(d *model.Date) int64 {
	if d == nil {
		return 0
	}
	return d.Key()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
