package db

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// This file reads and writes the dataset format (model/dataset.go): Export writes the whole
// database as one canonical JSON document, record by record from one consistent snapshot;
// Import reads one as a stream and writes it in one transaction through the same
// validating functions the mutations use.

// exportBatch is how many records an export loads, with their relations, at a time.
const exportBatch = 1000

// Export writes every record of the database to w in the dataset format, in canonical
// form (see model.Dataset): the same data gives the same bytes. It reads one consistent
// snapshot, so writes made meanwhile are either wholly in it or not at all.
func (s *Store) Export(ctx context.Context, w io.Writer) error {
	out := newDatasetWriter(w)
	err := s.snapshot(ctx, func(tx *gorm.DB) error {
		ex := &exporter{ctx: ctx, tx: tx, out: out, slugs: map[string]map[int64]string{}, order: map[string][]int64{}}
		return ex.run()
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// snapshot runs fn on one read-only transaction. SQLite's readers open their transactions
// IMMEDIATE, which would hold the write lock for the whole export, so the snapshot begins
// DEFERRED by hand: in WAL mode it then never blocks the writer.
func (s *Store) snapshot(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.dialect == dialectPostgres {
		return s.gdb.WithContext(ctx).Transaction(fn, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	}
	return s.gdb.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if err := conn.Exec("BEGIN DEFERRED").Error; err != nil {
			return err
		}
		defer conn.WithContext(context.Background()).Exec("ROLLBACK")
		return fn(conn.Session(&gorm.Session{NewDB: true}))
	})
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
		if err := ex.out.record(model.DatasetCountry{Code: c.Code, Name: c.Name}); err != nil {
			return err
		}
	}
	return nil
}

func (ex *exporter) topics() error {
	ex.out.begin("topics")
	return batches(ex.order["topics"], func(ids []int64) error {
		rows, err := whereIn[model.Topic](ex.ctx, ex.tx, "id", ids, "")
		if err != nil {
			return err
		}
		byID := indexBy(rows, func(t *model.Topic) int64 { return t.ID })
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
	for _, r := range strings.ToLower(fold(deref(src.Publisher))) {
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
	col := citingColumns[typ]
	rows, err := whereIn[model.Citation](ex.ctx, ex.tx, col, ids, "id")
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
		rows, err := whereIn[model.Platform](ex.ctx, ex.tx, "id", ids, "")
		if err != nil {
			return err
		}
		members, err := whereIn[model.PlatformMember](ex.ctx, ex.tx, "platform_id", ids, "id")
		if err != nil {
			return err
		}
		cites, err := ex.citations(model.TypePlatform, ids)
		if err != nil {
			return err
		}
		byID := indexBy(rows, func(p *model.Platform) int64 { return p.ID })
		byPlatform := groupBy(members, func(m *model.PlatformMember) int64 { return m.PlatformID })
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
		rows, err := whereIn[model.Official](ex.ctx, ex.tx, "id", ids, "")
		if err != nil {
			return err
		}
		positions, err := whereIn[model.Position](ex.ctx, ex.tx, "official_id", ids, "id")
		if err != nil {
			return err
		}
		byID := indexBy(rows, func(o *model.Official) int64 { return o.ID })
		byOfficial := groupBy(positions, func(p *model.Position) int64 { return p.OfficialID })
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

type sessionCountry struct {
	SessionID   int64
	CountryCode string
}

type link struct {
	OwnerID, TargetID int64
}

// links loads the rows of a link table for a page of owners.
func (ex *exporter) links(table, ownerCol, targetCol string, owners []int64) (map[int64][]int64, error) {
	var rows []link
	err := ex.tx.Table(table).Select(ownerCol+" AS owner_id, "+targetCol+" AS target_id").Where(ownerCol+" IN ?", owners).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", table, err)
	}
	out := make(map[int64][]int64)
	for _, r := range rows {
		out[r.OwnerID] = append(out[r.OwnerID], r.TargetID)
	}
	return out, nil
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
		rows, err := whereIn[model.Session](ex.ctx, ex.tx, "id", ids, "")
		if err != nil {
			return err
		}
		parts, err := whereIn[model.Participant](ex.ctx, ex.tx, "session_id", ids, "id")
		if err != nil {
			return err
		}
		var subjects []sessionCountry
		if err := ex.tx.Table("session_subject_countries").Where("session_id IN ?", ids).Scan(&subjects).Error; err != nil {
			return fmt.Errorf("read subject countries: %w", err)
		}
		topics, err := ex.links("session_topics", "session_id", "topic_id", ids)
		if err != nil {
			return err
		}
		cites, err := ex.citations(model.TypeSession, ids)
		if err != nil {
			return err
		}
		byID := indexBy(rows, func(x *model.Session) int64 { return x.ID })
		bySession := groupBy(parts, func(p *model.Participant) int64 { return p.SessionID })
		codes := map[int64][]string{}
		for _, c := range subjects {
			codes[c.SessionID] = append(codes[c.SessionID], c.CountryCode)
		}
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
		rows, err := whereIn[model.Initiative](ex.ctx, ex.tx, "id", ids, "")
		if err != nil {
			return err
		}
		changes, err := whereIn[model.InitiativeStatusChange](ex.ctx, ex.tx, "initiative_id", ids, "changed_on, id")
		if err != nil {
			return err
		}
		sessions, err := ex.links("initiative_sessions", "initiative_id", "session_id", ids)
		if err != nil {
			return err
		}
		topics, err := ex.links("initiative_topics", "initiative_id", "topic_id", ids)
		if err != nil {
			return err
		}
		cites, err := ex.citations(model.TypeInitiative, ids)
		if err != nil {
			return err
		}
		byID := indexBy(rows, func(x *model.Initiative) int64 { return x.ID })
		history := groupBy(changes, func(c *model.InitiativeStatusChange) int64 { return c.InitiativeID })
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
		rows, err := whereIn[model.Statement](ex.ctx, ex.tx, "id", ids, "")
		if err != nil {
			return err
		}
		cites, err := ex.citations(model.TypeStatement, ids)
		if err != nil {
			return err
		}
		byID := indexBy(rows, func(x *model.Statement) int64 { return x.ID })
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

// ImportCount counts the records of one kind that an import created and updated.
type ImportCount struct {
	Created, Updated int
}

// ImportStats says what an import did.
type ImportStats struct {
	Topics, Sources, Platforms, Officials, Sessions, Initiatives, Statements ImportCount
	// Derived is the number of records whose timeline entries and search document were
	// brought up to date.
	Derived int
}

func (c *ImportCount) add(existed bool) {
	if existed {
		c.Updated++
	} else {
		c.Created++
	}
}

// Import reads a dataset (model.Dataset) from r and writes it in one transaction: when
// anything is wrong with the file nothing is written, and the error — a *model.Error with
// code EINVALID, ENOTFOUND or ECONFLICT — names the record (section and index, and the
// slug or key) and the field. A record of the file creates the record, or updates the one
// with the same slug (or key) and replaces its nested lists; records not in the file are
// left alone, so importing a file twice changes nothing the second time. References
// resolve to records of the file or of the database. The file is read as a stream, one
// record at a time. progress, if set, is told the stage (a section of the file, then
// "timeline") and how many records it has done, of total when known (else 0).
func (s *Store) Import(ctx context.Context, r io.Reader, progress func(stage string, n, total int)) (ImportStats, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	var stats ImportStats
	err := s.write(ctx, func(tx *gorm.DB) error {
		stats = ImportStats{}
		im := &importer{ctx: ctx, tx: tx, progress: progress, stats: &stats}
		return im.run(r)
	})
	if err != nil {
		return ImportStats{}, err
	}
	return stats, nil
}

// importer is the state of one import.
type importer struct {
	ctx      context.Context
	tx       *gorm.DB
	dec      *json.Decoder
	progress func(string, int, int)
	stats    *ImportStats

	countries map[string]bool             // known country codes
	ids       map[string]map[string]int64 // table → slug → key, of the database and of the file so far
	inFile    map[string]map[string]int   // section → slug or key → index of the record
	sources   map[string]int64            // source key in the file → key in the database
	sourceIDs map[string][]int64          // source identity → database keys not yet matched
	// statements are the keys of the database's statements by official and date, in the
	// order recorded; stmtSeen counts those of the file.
	statements map[stmtGroup][]int64
	stmtSeen   map[stmtGroup]int
	parents    []pendingParent

	touched    []subject
	touchedSet map[subject]bool
	// updatedSessions and updatedOfficials existed before: their statements' entries follow them.
	updatedSessions, updatedOfficials []int64
}

type stmtGroup struct {
	official int64
	date     int64
}

// pendingParent is a session whose parent is checked, and set if it came later in the
// file, once every session is in.
type pendingParent struct {
	rec    rec
	id     int64
	parent string
	later  bool
}

// rec is the record being imported, for error messages.
type rec struct {
	section string // "sessions"
	kind    string // "session"
	index   int
	name    string // its slug or key, once known
}

// wrap makes err, when it is a *model.Error, about the record: its field becomes the path
// of the field in the file (section[index].prefix.field) and its message names the
// record. Other errors (of the database) pass unchanged.
func (r rec) wrap(prefix string, err error) error {
	var e *model.Error
	if !errors.As(err, &e) {
		return err
	}
	path := fmt.Sprintf("%s[%d]", r.section, r.index)
	if f := joinPath(prefix, fileField(e.Field)); f != "" {
		path = joinPath(path, f)
	}
	msg := r.kind + ": " + e.Message
	if r.name != "" {
		msg = fmt.Sprintf("%s %q: %s", r.kind, r.name, e.Message)
	}
	return &model.Error{Code: e.Code, Field: path, Message: msg}
}

func (r rec) errorf(code, field, format string, args ...any) error {
	return r.wrap(field, &model.Error{Code: code, Message: fmt.Sprintf(format, args...)})
}

func joinPath(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case strings.HasPrefix(b, "["):
		return a + b
	}
	return a + "." + b
}

// fileField renames the input fields the store's validating functions name to the
// fields of the file.
func fileField(f string) string {
	switch f {
	case "parentId":
		return "parent"
	case "platformId":
		return "platform"
	case "proposedById":
		return "proposedBy"
	case "countryCode":
		return "country"
	case "hostCountryCode":
		return "hostCountry"
	case "location.countryCode":
		return "location.country"
	}
	return f
}

func (im *importer) run(r io.Reader) error {
	if err := im.preload(); err != nil {
		return err
	}
	im.dec = json.NewDecoder(bufio.NewReaderSize(r, 1<<16))
	top := rec{section: "dataset", kind: "dataset"}
	invalid := func(field, format string, args ...any) error {
		return &model.Error{Code: model.EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
	}
	tok, err := im.dec.Token()
	if err == io.EOF {
		return invalid("", "the file is empty: a dataset is a JSON object, with \"format\": %q", model.DatasetFormat)
	}
	if err != nil {
		return im.jsonError(err, top, "")
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return invalid("", "a dataset is a JSON object, with \"format\": %q", model.DatasetFormat)
	}
	var haveFormat, haveVersion bool
	next := 0 // the index in DatasetSections of the first section that may still come
	seen := map[string]bool{}
	for im.dec.More() {
		tok, err := im.dec.Token()
		if err != nil {
			return im.jsonError(err, top, "")
		}
		key, _ := tok.(string)
		switch key {
		case "format":
			var format string
			if err := im.dec.Decode(&format); err != nil {
				return im.jsonError(err, top, "format")
			}
			if format != model.DatasetFormat {
				return invalid("format", "%q is not the format of a dataset of this program: want %q", truncate(format, 80), model.DatasetFormat)
			}
			haveFormat = true
		case "version":
			var raw json.RawMessage
			if err := im.dec.Decode(&raw); err != nil {
				return im.jsonError(err, top, "version")
			}
			v, err := strconv.Atoi(string(raw))
			if err != nil {
				return invalid("version", "must be a whole number, got %s", truncate(string(raw), 40))
			}
			if v != model.DatasetVersion {
				return invalid("version", "version %d is not supported: this program reads version %d of %s", v, model.DatasetVersion, model.DatasetFormat)
			}
			haveVersion = true
		default:
			k := slices.Index(model.DatasetSections, key)
			switch {
			case k < 0:
				return invalid(truncate(key, 80), "unknown member: a dataset has \"format\", \"version\" and the sections %s", strings.Join(model.DatasetSections, ", "))
			case !haveFormat || !haveVersion:
				return invalid(key, "\"format\" and \"version\" must come before the sections")
			case seen[key]:
				return invalid(key, "the section appears twice")
			case k < next:
				return invalid(key, "must come before %q: the sections of a dataset come in the order %s", model.DatasetSections[next-1], strings.Join(model.DatasetSections, ", "))
			}
			next, seen[key] = k+1, true
			if err := im.section(key); err != nil {
				return err
			}
		}
	}
	if _, err := im.dec.Token(); err != nil {
		return im.jsonError(err, top, "")
	}
	if _, err := im.dec.Token(); err != io.EOF {
		return invalid("", "unexpected data after the dataset's closing brace")
	}
	if !haveFormat {
		return invalid("format", "is required: %q", model.DatasetFormat)
	}
	if !haveVersion {
		return invalid("version", "is required: %d", model.DatasetVersion)
	}
	if err := im.derive(); err != nil {
		return err
	}
	// A database that was imported into is the user's world: the default dataset must not
	// be loaded into it later.
	return im.tx.Exec("INSERT INTO settings (key, value) VALUES (?, 'imported') ON CONFLICT (key) DO NOTHING", datasetKey).Error
}

// preload reads what references resolve against: country codes and the slugs of the
// database.
func (im *importer) preload() error {
	var codes []string
	if err := im.tx.Model(&model.Country{}).Pluck("code", &codes).Error; err != nil {
		return fmt.Errorf("read countries: %w", err)
	}
	im.countries = make(map[string]bool, len(codes))
	for _, c := range codes {
		im.countries[c] = true
	}
	im.ids = map[string]map[string]int64{}
	for _, table := range []string{"topics", "platforms", "officials", "sessions", "initiatives"} {
		var rows []slugRow
		if err := im.tx.Table(table).Select("id, slug").Scan(&rows).Error; err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
		m := make(map[string]int64, len(rows))
		for _, r := range rows {
			m[r.Slug] = r.ID
		}
		im.ids[table] = m
	}
	im.inFile = map[string]map[string]int{}
	for _, s := range model.DatasetSections {
		im.inFile[s] = map[string]int{}
	}
	im.sources = map[string]int64{}
	im.touchedSet = map[subject]bool{}
	return nil
}

// jsonError describes a decoding error at the record r (field, within it).
func (im *importer) jsonError(err error, r rec, field string) error {
	where := ""
	if r.section != "dataset" {
		where = fmt.Sprintf(" (in %s[%d])", r.section, r.index)
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return &model.Error{Code: model.EINVALID, Message: fmt.Sprintf("invalid JSON at byte %d%s: %s", syntax.Offset, where, syntax.Error())}
	case errors.As(err, &typ):
		if field == "" {
			field = typ.Field
		}
		return r.errorf(model.EINVALID, field, "expected %s, got %s", jsonKind(typ.Type), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &model.Error{Code: model.EINVALID, Message: "the file ends in the middle of the dataset" + where}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		if field == "" {
			field = name
		}
		return r.errorf(model.EINVALID, field, "unknown field %q", name)
	}
	var e *model.Error
	if errors.As(err, &e) {
		return r.wrap(field, e)
	}
	return fmt.Errorf("read dataset: %w", err)
}

// locate returns the path, below path, of the first value of v (a record decoded as
// generic JSON) that the Go type t cannot take: a field t does not have, or a value of the
// wrong kind. It returns "" if there is none.
func locate(path string, t reflect.Type, v any) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return "" // null leaves a Go value as it is
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return path
		}
		fields := map[string]reflect.Type{}
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			fields[name] = t.Field(i).Type
		}
		keys := slices.Sorted(maps.Keys(obj))
		for _, k := range keys {
			if _, ok := fields[k]; !ok {
				return joinPath(path, k)
			}
		}
		for _, k := range keys {
			if p := locate(joinPath(path, k), fields[k], obj[k]); p != "" {
				return p
			}
		}
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return path
		}
		for i, e := range list {
			if p := locate(fmt.Sprintf("%s[%d]", path, i), t.Elem(), e); p != "" {
				return p
			}
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			return path
		}
	case reflect.Int:
		if f, ok := v.(float64); !ok || f != float64(int(f)) {
			return path
		}
	case reflect.Float64:
		if _, ok := v.(float64); !ok {
			return path
		}
	}
	return ""
}

// peekName reads the slug, key or code of a record that does not decode, to name it.
func peekName(section string, raw json.RawMessage) string {
	var v map[string]any
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	if section == "statements" {
		o, _ := v["official"].(string)
		d, _ := v["date"].(string)
		i, _ := v["index"].(float64)
		return fmt.Sprintf("%s/%s/%v", o, d, i)
	}
	for _, k := range []string{"slug", "key", "code"} {
		if s, ok := v[k].(string); ok {
			return truncate(s, 100)
		}
	}
	return ""
}

// jsonKind names the JSON value a Go type is read from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// section reads the records of one section.
func (im *importer) section(name string) error {
	r := rec{section: name, kind: "dataset"}
	tok, err := im.dec.Token()
	if err != nil {
		return im.jsonError(err, rec{section: "dataset"}, name)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return &model.Error{Code: model.EINVALID, Field: name, Message: "must be a list of records"}
	}
	var each func(i int) error
	switch name {
	case "countries":
		each = records(im, name, "country", im.country)
	case "topics":
		each = records(im, name, "topic", im.topic)
	case "sources":
		each = records(im, name, "source", im.source)
	case "platforms":
		each = records(im, name, "platform", im.platform)
	case "officials":
		each = records(im, name, "official", im.official)
	case "sessions":
		each = records(im, name, "session", im.session)
	case "initiatives":
		each = records(im, name, "initiative", im.initiative)
	case "statements":
		if err := im.loadStatements(); err != nil {
			return err
		}
		each = records(im, name, "statement", im.statement)
	}
	n := 0
	for im.dec.More() {
		if err := each(n); err != nil {
			return err
		}
		n++
		im.progress(name, n, 0)
	}
	if _, err := im.dec.Token(); err != nil {
		r.index = n
		return im.jsonError(err, r, "")
	}
	if name == "sessions" {
		return im.resolveParents()
	}
	return nil
}

// records returns a function that decodes record i of a section and imports it.
func records[T any](im *importer, section, kind string, fn func(rec, *T) error) func(int) error {
	return func(i int) error {
		r := rec{section: section, kind: kind, index: i}
		var raw json.RawMessage
		if err := im.dec.Decode(&raw); err != nil {
			return im.jsonError(err, r, "")
		}
		var x T
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&x); err != nil {
			// Name the record and find the value at fault: the decoder's own report of it
			// leaves out list indexes and the place of an unknown field.
			r.name = peekName(section, raw)
			var generic any
			_ = json.Unmarshal(raw, &generic)
			return im.jsonError(err, r, locate("", reflect.TypeFor[T](), generic))
		}
		return fn(r, &x)
	}
}

// claim checks the slug (or key) of a record and that the file has it once.
func (im *importer) claim(r *rec, field, slug string) error {
	if err := model.ValidateSlug(field, slug); err != nil {
		return r.wrap("", err)
	}
	r.name = slug
	if first, dup := im.inFile[r.section][slug]; dup {
		return r.errorf(model.ECONFLICT, field, "is in the file twice (also at %s[%d])", r.section, first)
	}
	im.inFile[r.section][slug] = r.index
	return nil
}

// existing loads the record of table with the slug if the database has it.
func existing[T any](im *importer, table, slug string) (*T, bool, error) {
	id, ok := im.ids[table][slug]
	if !ok {
		return new(T), false, nil
	}
	var row T
	if err := im.tx.Take(&row, id).Error; err != nil {
		return nil, false, fmt.Errorf("read %s %s: %w", table, slug, err)
	}
	return &row, true, nil
}

func (im *importer) touch(subjects ...subject) {
	for _, s := range subjects {
		if !im.touchedSet[s] {
			im.touchedSet[s] = true
			im.touched = append(im.touched, s)
		}
	}
}

// date parses an optional date of the file.
func (im *importer) date(r rec, field, s string) (*model.Date, error) {
	if s == "" {
		return nil, nil
	}
	d, err := model.ParseDate(s)
	if err != nil {
		return nil, r.wrap(field, err)
	}
	return &d, nil
}

// requiredDate parses a date the record must have.
func (im *importer) requiredDate(r rec, field, s string) (model.Date, error) {
	if s == "" {
		return model.Date{}, r.errorf(model.EINVALID, field, "is required")
	}
	d, err := im.date(r, field, s)
	if err != nil {
		return model.Date{}, err
	}
	return *d, nil
}

// code checks an optional country code of the file.
func (im *importer) code(r rec, field, code string) (*string, error) {
	if code == "" {
		return nil, nil
	}
	c, err := model.NormalizeCountryCode("", code)
	if err != nil {
		return nil, r.wrap(field, err)
	}
	if !im.countries[c] {
		return nil, r.errorf(model.ENOTFOUND, field, "country %s not found: not an ISO 3166-1 country", c)
	}
	return &c, nil
}

// ref resolves an optional reference by slug to a record of the file or the database.
func (im *importer) ref(r rec, field, table, kind, slug string) (*int64, error) {
	if slug == "" {
		return nil, nil
	}
	id, ok := im.ids[table][slug]
	if !ok {
		return nil, r.errorf(model.ENOTFOUND, field, "%s %q not found in the file or the database", kind, truncate(slug, 100))
	}
	return &id, nil
}

// refList resolves a list of references, which must not repeat.
func (im *importer) refList(r rec, field, table, kind string, slugs []string) ([]int64, error) {
	out := make([]int64, 0, len(slugs))
	seen := map[string]int{}
	for j, slug := range slugs {
		f := fmt.Sprintf("%s[%d]", field, j)
		if k, dup := seen[slug]; dup {
			return nil, r.errorf(model.EINVALID, f, "%q is listed twice (also at %s[%d])", slug, field, k)
		}
		seen[slug] = j
		if slug == "" {
			return nil, r.errorf(model.EINVALID, f, "is empty")
		}
		id, err := im.ref(r, f, table, kind, slug)
		if err != nil {
			return nil, err
		}
		out = append(out, *id)
	}
	return out, nil
}

func (im *importer) location(r rec, field string, in *model.DatasetLocation) (model.Location, error) {
	if in == nil {
		return model.Location{}, nil
	}
	code, err := im.code(r, field+".country", in.Country)
	if err != nil {
		return model.Location{}, err
	}
	return model.Location{City: in.City, CountryCode: code, Venue: in.Venue, Latitude: in.Latitude, Longitude: in.Longitude}, nil
}

// citations replaces the citations of a record with those of the file.
func (im *importer) citations(r rec, typ string, id int64, existed bool, list []model.DatasetCitation) error {
	keep := make([]int64, 0, len(list))
	seen := map[string]int{}
	for j, c := range list {
		f := fmt.Sprintf("sources[%d].source", j)
		if c.Source == "" {
			return r.errorf(model.EINVALID, f, "is required: the key of a source of the file")
		}
		src, ok := im.sources[c.Source]
		if !ok {
			return r.errorf(model.ENOTFOUND, f, "source %q is not among the file's sources", truncate(c.Source, 100))
		}
		if k, dup := seen[c.Source]; dup {
			return r.errorf(model.EINVALID, f, "source %q is cited twice (also at sources[%d])", c.Source, k)
		}
		seen[c.Source] = j
		keep = append(keep, src)
	}
	col := citingColumns[typ]
	if existed {
		q := func() *gorm.DB {
			q := im.tx.Model(&model.Citation{}).Where(col+" = ?", id)
			if len(keep) > 0 {
				q = q.Where("source_id NOT IN ?", keep)
			}
			return q
		}
		var gone []int64
		if err := q().Pluck("source_id", &gone).Error; err != nil {
			return fmt.Errorf("read citations: %w", err)
		}
		if len(gone) > 0 {
			if err := q().Delete(&model.Citation{}).Error; err != nil {
				return fmt.Errorf("delete citations: %w", err)
			}
			for _, s := range gone {
				im.touch(subject{model.TypeSource, s})
			}
		}
	}
	for j, c := range list {
		if err := cite(im.ctx, im.tx, typ, id, keep[j], c.Excerpt); err != nil {
			return r.wrap(fmt.Sprintf("sources[%d]", j), err)
		}
	}
	return nil
}

// resolveParents sets the parents that came later in the file and checks that no chain of
// parents loops.
func (im *importer) resolveParents() error {
	for _, p := range im.parents {
		pid, err := im.ref(p.rec, "parent", "sessions", "session", p.parent)
		if err != nil {
			return err
		}
		if p.later {
			if err := im.tx.Model(&model.Session{}).Where("id = ?", p.id).Update("parent_id", *pid).Error; err != nil {
				return fmt.Errorf("set parent: %w", err)
			}
		}
	}
	for _, p := range im.parents {
		pid := im.ids["sessions"][p.parent]
		if err := checkNoCycle(im.ctx, im.tx, &model.Session{ID: p.id, ParentID: &pid}); err != nil {
			return p.rec.wrap("", err)
		}
	}
	return nil
}

// loadStatements reads the database's statements by official and date, in the order
// recorded, which the statements of the file are matched against by index.
func (im *importer) loadStatements() error {
	var keys []statementKey
	if err := im.tx.Table("statements").Select("id, official_id, stated_on").Order("id").Scan(&keys).Error; err != nil {
		return fmt.Errorf("read statements: %w", err)
	}
	im.statements = map[stmtGroup][]int64{}
	im.stmtSeen = map[stmtGroup]int{}
	for _, k := range keys {
		g := stmtGroup{k.OfficialID, k.StatedOn}
		im.statements[g] = append(im.statements[g], k.ID)
	}
	return nil
}

// derive brings the timeline entries and search documents of every record the import
// touched up to date, with those of the statements whose session or official it updated.
func (im *importer) derive() error {
	for _, col := range []struct {
		name string
		ids  []int64
	}{{"session_id", im.updatedSessions}, {"official_id", im.updatedOfficials}} {
		if err := batches(col.ids, func(ids []int64) error {
			var stmts []int64
			if err := im.tx.Model(&model.Statement{}).Where(col.name+" IN ?", ids).Order("id").Pluck("id", &stmts).Error; err != nil {
				return fmt.Errorf("find statements: %w", err)
			}
			for _, id := range stmts {
				im.touch(subject{model.TypeStatement, id})
			}
			return nil
		}); err != nil {
			return err
		}
	}
	total := len(im.touched)
	for start := 0; start < total; start += 100 {
		if err := touch(im.ctx, im.tx, im.touched[start:min(start+100, total)]...); err != nil {
			return err
		}
		im.progress("timeline", min(start+100, total), total)
	}
	im.stats.Derived = total
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// The records of each section.

func (im *importer) country(r rec, in *model.DatasetCountry) error {
	if in.Code == "" {
		return r.errorf(model.EINVALID, "code", "is required")
	}
	code, err := im.code(r, "code", in.Code)
	if err != nil {
		return err
	}
	r.name = *code
	if first, dup := im.inFile[r.section][*code]; dup {
		return r.errorf(model.ECONFLICT, "code", "is in the file twice (also at %s[%d])", r.section, first)
	}
	im.inFile[r.section][*code] = r.index
	return r.wrap("", model.RequireText("name", in.Name, 200))
}

func (im *importer) topic(r rec, in *model.DatasetTopic) error {
	if err := im.claim(&r, "slug", in.Slug); err != nil {
		return err
	}
	x, existed, err := existing[model.Topic](im, "topics", in.Slug)
	if err != nil {
		return err
	}
	x.Slug, x.Name, x.Description = in.Slug, in.Name, in.Description
	if err := saveTopic(im.ctx, im.tx, x); err != nil {
		return r.wrap("", err)
	}
	im.ids["topics"][x.Slug] = x.ID
	im.stats.Topics.add(existed)
	return nil
}

func (im *importer) source(r rec, in *model.DatasetSource) error {
	if err := im.claim(&r, "key", in.Key); err != nil {
		return err
	}
	published, err := im.date(r, "publishedOn", in.PublishedOn)
	if err != nil {
		return err
	}
	if im.sourceIDs == nil {
		if err := im.loadSources(); err != nil {
			return err
		}
	}
	x, existed := &model.Source{}, false
	identity := sourceIdentity(in.Title, in.Publisher, in.URL, published)
	if ids := im.sourceIDs[identity]; len(ids) > 0 {
		im.sourceIDs[identity] = ids[1:]
		if err := im.tx.Take(x, ids[0]).Error; err != nil {
			return fmt.Errorf("read source: %w", err)
		}
		existed = true
	}
	x.Title, x.Publisher, x.URL, x.PublishedOn, x.Language, x.Excerpt = in.Title, in.Publisher, in.URL, published, in.Language, in.Excerpt
	if err := saveSource(im.ctx, im.tx, x); err != nil {
		return r.wrap("", err)
	}
	im.sources[in.Key] = x.ID
	im.touch(subject{model.TypeSource, x.ID})
	im.stats.Sources.add(existed)
	return nil
}

// loadSources reads the identities of the database's sources, which the sources of the
// file are matched against, the oldest first.
func (im *importer) loadSources() error {
	var rows []*model.Source
	if err := im.tx.Select("id", "title", "publisher", "url", "published_on").Order("id").Find(&rows).Error; err != nil {
		return fmt.Errorf("read sources: %w", err)
	}
	im.sourceIDs = make(map[string][]int64, len(rows))
	for _, src := range rows {
		k := sourceIdentity(src.Title, src.Publisher, src.URL, src.PublishedOn)
		im.sourceIDs[k] = append(im.sourceIDs[k], src.ID)
	}
	return nil
}

func (im *importer) platform(r rec, in *model.DatasetPlatform) error {
	if err := im.claim(&r, "slug", in.Slug); err != nil {
		return err
	}
	x, existed, err := existing[model.Platform](im, "platforms", in.Slug)
	if err != nil {
		return err
	}
	x.Slug, x.Name, x.FullName, x.Description, x.Kind, x.Website = in.Slug, in.Name, in.FullName, in.Description, in.Kind, in.Website
	if x.Founded, err = im.date(r, "founded", in.Founded); err != nil {
		return err
	}
	if x.Dissolved, err = im.date(r, "dissolved", in.Dissolved); err != nil {
		return err
	}
	if err := savePlatform(im.ctx, im.tx, x); err != nil {
		return r.wrap("", err)
	}
	im.ids["platforms"][x.Slug] = x.ID
	if existed {
		if err := im.tx.Where("platform_id = ?", x.ID).Delete(&model.PlatformMember{}).Error; err != nil {
			return fmt.Errorf("replace members: %w", err)
		}
	}
	for j, m := range in.Members {
		f := fmt.Sprintf("members[%d]", j)
		if m.Country == "" {
			return r.errorf(model.EINVALID, f+".country", "is required")
		}
		member := &model.PlatformMember{PlatformID: x.ID, Role: cmp.Or(m.Role, model.MembershipRoleMember)}
		code, err := im.code(r, f+".country", m.Country)
		if err != nil {
			return err
		}
		member.CountryCode = *code
		if member.Since, err = im.date(r, f+".since", m.Since); err != nil {
			return err
		}
		if member.Until, err = im.date(r, f+".until", m.Until); err != nil {
			return err
		}
		if err := addMember(im.ctx, im.tx, member); err != nil {
			return r.wrap(f, err)
		}
	}
	if err := im.citations(r, model.TypePlatform, x.ID, existed, in.Sources); err != nil {
		return err
	}
	im.touch(subject{model.TypePlatform, x.ID})
	im.stats.Platforms.add(existed)
	return nil
}

func (im *importer) official(r rec, in *model.DatasetOfficial) error {
	if err := im.claim(&r, "slug", in.Slug); err != nil {
		return err
	}
	x, existed, err := existing[model.Official](im, "officials", in.Slug)
	if err != nil {
		return err
	}
	x.Slug, x.Name, x.OtherNames = in.Slug, in.Name, in.OtherNames
	if x.CountryCode, err = im.code(r, "country", in.Country); err != nil {
		return err
	}
	if err := saveOfficial(im.ctx, im.tx, x); err != nil {
		return r.wrap("", err)
	}
	im.ids["officials"][x.Slug] = x.ID
	// Positions the database has already are kept, so their timeline entries keep their
	// IDs; the others are added, and those no longer in the file removed.
	var old []*model.Position
	if existed {
		if err := im.tx.Where("official_id = ?", x.ID).Order("id").Find(&old).Error; err != nil {
			return fmt.Errorf("read positions: %w", err)
		}
	}
	for j, p := range in.Positions {
		f := fmt.Sprintf("positions[%d]", j)
		pos := &model.Position{OfficialID: x.ID, Title: p.Title, Organization: p.Organization}
		if pos.CountryCode, err = im.code(r, f+".country", p.Country); err != nil {
			return err
		}
		if pos.Start, err = im.date(r, f+".start", p.Start); err != nil {
			return err
		}
		if pos.End, err = im.date(r, f+".end", p.End); err != nil {
			return err
		}
		if k := slices.IndexFunc(old, func(o *model.Position) bool { return samePosition(o, pos) }); k >= 0 {
			old = slices.Delete(old, k, k+1)
			continue
		}
		if err := addPosition(im.ctx, im.tx, pos); err != nil {
			return r.wrap(f, err)
		}
	}
	for _, o := range old {
		if err := im.tx.Delete(o).Error; err != nil {
			return fmt.Errorf("remove position: %w", err)
		}
	}
	im.touch(subject{model.TypeOfficial, x.ID})
	if existed {
		im.updatedOfficials = append(im.updatedOfficials, x.ID)
	}
	im.stats.Officials.add(existed)
	return nil
}

func samePosition(a, b *model.Position) bool {
	return a.Title == b.Title && sameOpt(a.Organization, b.Organization) && sameOpt(a.CountryCode, b.CountryCode) &&
		sameOpt(a.Start, b.Start) && sameOpt(a.End, b.End)
}

func sameOpt[T comparable](a, b *T) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func (im *importer) session(r rec, in *model.DatasetSession) error {
	if err := im.claim(&r, "slug", in.Slug); err != nil {
		return err
	}
	x, existed, err := existing[model.Session](im, "sessions", in.Slug)
	if err != nil {
		return err
	}
	x.Slug, x.Title, x.Kind, x.Summary = in.Slug, in.Title, in.Kind, in.Summary
	if x.PlatformID, err = im.ref(r, "platform", "platforms", "platform", in.Platform); err != nil {
		return err
	}
	// The parent may come later in the file: it is set, and checked, after the last session.
	x.ParentID = nil
	later := false
	if in.Parent != "" {
		if in.Parent == in.Slug {
			return r.errorf(model.EINVALID, "parent", "a session cannot be its own parent")
		}
		if id, ok := im.ids["sessions"][in.Parent]; ok {
			x.ParentID = &id
		} else {
			later = true
		}
	}
	if x.Start, err = im.requiredDate(r, "start", in.Start); err != nil {
		return err
	}
	if x.End, err = im.date(r, "end", in.End); err != nil {
		return err
	}
	if x.Location, err = im.location(r, "location", in.Location); err != nil {
		return err
	}
	if x.HostCountryCode, err = im.code(r, "hostCountry", in.HostCountry); err != nil {
		return err
	}
	if err := saveSession(im.ctx, im.tx, x); err != nil {
		return r.wrap("", err)
	}
	im.ids["sessions"][x.Slug] = x.ID
	if in.Parent != "" {
		im.parents = append(im.parents, pendingParent{rec: r, id: x.ID, parent: in.Parent, later: later})
	}

	codes := make([]string, 0, len(in.SubjectCountries))
	for j, c := range in.SubjectCountries {
		f := fmt.Sprintf("subjectCountries[%d]", j)
		code, err := im.code(r, f, c)
		if err != nil {
			return err
		}
		if code == nil {
			return r.errorf(model.EINVALID, f, "is empty")
		}
		if slices.Contains(codes, *code) {
			return r.errorf(model.EINVALID, f, "%s is listed twice", *code)
		}
		codes = append(codes, *code)
	}
	if err := replaceLinks(im.ctx, im.tx, "session_subject_countries", "session_id", "country_code", x.ID, codes); err != nil {
		return err
	}
	topics, err := im.refList(r, "topics", "topics", "topic", in.Topics)
	if err != nil {
		return err
	}
	if err := replaceLinks(im.ctx, im.tx, "session_topics", "session_id", "topic_id", x.ID, topics); err != nil {
		return err
	}

	parts := make([]*model.Participant, 0, len(in.Participants))
	officials := make([]int64, 0, len(in.Participants))
	for j, p := range in.Participants {
		f := fmt.Sprintf("participants[%d]", j)
		if p.Official == "" {
			return r.errorf(model.EINVALID, f+".official", "is required")
		}
		oid, err := im.ref(r, f+".official", "officials", "official", p.Official)
		if err != nil {
			return err
		}
		if k := slices.Index(officials, *oid); k >= 0 {
			return r.errorf(model.EINVALID, f+".official", "%q takes part twice (also at participants[%d])", p.Official, k)
		}
		officials = append(officials, *oid)
		part := &model.Participant{SessionID: x.ID, OfficialID: *oid, Role: p.Role}
		if part.CountryCode, err = im.code(r, f+".country", p.Country); err != nil {
			return err
		}
		parts = append(parts, part)
	}
	if existed {
		q := im.tx.Where("session_id = ?", x.ID)
		if len(officials) > 0 {
			q = q.Where("official_id NOT IN ?", officials)
		}
		if err := q.Delete(&model.Participant{}).Error; err != nil {
			return fmt.Errorf("replace participants: %w", err)
		}
	}
	if existed {
		for j, p := range parts {
			if err := addParticipant(im.ctx, im.tx, p); err != nil {
				return r.wrap(fmt.Sprintf("participants[%d]", j), err)
			}
		}
	} else if len(parts) > 0 {
		// A new session has no participants to update: one insert adds them all, checked
		// as addParticipant checks them.
		for j, p := range parts {
			if err := model.OptionalText("role", p.Role, 300); err != nil {
				return r.wrap(fmt.Sprintf("participants[%d]", j), err)
			}
		}
		if err := im.tx.Create(parts).Error; err != nil {
			return fmt.Errorf("add participants: %w", err)
		}
	}
	if err := im.citations(r, model.TypeSession, x.ID, existed, in.Sources); err != nil {
		return err
	}
	im.touch(subject{model.TypeSession, x.ID})
	if existed {
		im.updatedSessions = append(im.updatedSessions, x.ID)
	}
	im.stats.Sessions.add(existed)
	return nil
}

func (im *importer) initiative(r rec, in *model.DatasetInitiative) error {
	if err := im.claim(&r, "slug", in.Slug); err != nil {
		return err
	}
	x, existed, err := existing[model.Initiative](im, "initiatives", in.Slug)
	if err != nil {
		return err
	}
	x.Slug, x.Title, x.Description = in.Slug, in.Title, in.Description
	if x.ProposedOn, err = im.date(r, "proposedOn", in.ProposedOn); err != nil {
		return err
	}
	if x.ProposedByID, err = im.ref(r, "proposedBy", "officials", "official", in.ProposedBy); err != nil {
		return err
	}
	if x.CountryCode, err = im.code(r, "country", in.Country); err != nil {
		return err
	}
	if x.Location, err = im.location(r, "location", in.Location); err != nil {
		return err
	}
	if x.PlatformID, err = im.ref(r, "platform", "platforms", "platform", in.Platform); err != nil {
		return err
	}

	// The history, oldest first: by date, and in the file's order on the same date.
	type change struct {
		model.InitiativeStatusChange
		index int
	}
	history := make([]change, 0, len(in.StatusHistory))
	for j, c := range in.StatusHistory {
		f := fmt.Sprintf("statusHistory[%d]", j)
		ch := change{InitiativeStatusChange: model.InitiativeStatusChange{Status: c.Status, Note: c.Note}, index: j}
		if !c.Status.IsValid() {
			return r.errorf(model.EINVALID, f+".status", "%q is not a valid InitiativeStatus", truncate(string(c.Status), 40))
		}
		if ch.On, err = im.requiredDate(r, f+".on", c.On); err != nil {
			return err
		}
		if err := model.OptionalText("note", c.Note, 5000); err != nil {
			return r.wrap(f, err)
		}
		history = append(history, ch)
	}
	slices.SortStableFunc(history, func(a, b change) int { return a.On.Compare(b.On) })
	x.Status = cmp.Or(in.Status, model.InitiativeStatusProposed)
	if n := len(history); n > 0 {
		latest := history[n-1]
		if in.Status != "" && in.Status != latest.Status {
			return r.errorf(model.EINVALID, "status", "is %s, but the latest change of statusHistory (statusHistory[%d], %s) is to %s",
				truncate(string(in.Status), 40), latest.index, latest.On, latest.Status)
		}
		x.Status = latest.Status
	}
	if err := saveInitiative(im.ctx, im.tx, x); err != nil {
		return r.wrap("", err)
	}
	im.ids["initiatives"][x.Slug] = x.ID

	// The history is kept as it is when the file has it unchanged, so that its timeline
	// entries keep their IDs; otherwise it is written anew.
	var old []*model.InitiativeStatusChange
	if existed {
		if err := im.tx.Where("initiative_id = ?", x.ID).Order("changed_on, id").Find(&old).Error; err != nil {
			return fmt.Errorf("read status history: %w", err)
		}
	}
	same := len(old) == len(history)
	for j := 0; same && j < len(old); j++ {
		same = old[j].Status == history[j].Status && old[j].On == history[j].On && sameOpt(old[j].Note, history[j].Note)
	}
	if !same {
		if len(old) > 0 {
			if err := im.tx.Where("initiative_id = ?", x.ID).Delete(&model.InitiativeStatusChange{}).Error; err != nil {
				return fmt.Errorf("replace status history: %w", err)
			}
		}
		for _, c := range history {
			c.InitiativeID = x.ID
			if err := setStatus(im.ctx, im.tx, x, &c.InitiativeStatusChange); err != nil {
				return r.wrap(fmt.Sprintf("statusHistory[%d]", c.index), err)
			}
		}
	}

	sessions, err := im.refList(r, "sessions", "sessions", "session", in.Sessions)
	if err != nil {
		return err
	}
	topics, err := im.refList(r, "topics", "topics", "topic", in.Topics)
	if err != nil {
		return err
	}
	if err := setInitiativeLinksByKey(im.ctx, im.tx, x.ID, sessions, topics); err != nil {
		return err
	}
	if err := im.citations(r, model.TypeInitiative, x.ID, existed, in.Sources); err != nil {
		return err
	}
	im.touch(subject{model.TypeInitiative, x.ID})
	im.stats.Initiatives.add(existed)
	return nil
}

func (im *importer) statement(r rec, in *model.DatasetStatement) error {
	if in.Official == "" {
		return r.errorf(model.EINVALID, "official", "is required")
	}
	r.name = in.Key()
	official, err := im.ref(r, "official", "officials", "official", in.Official)
	if err != nil {
		return err
	}
	date, err := im.requiredDate(r, "date", in.Date)
	if err != nil {
		return err
	}
	g := stmtGroup{*official, date.Key()}
	seen := im.stmtSeen[g]
	switch {
	case in.Index < 1:
		return r.errorf(model.EINVALID, "index", "must be 1 or more")
	case in.Index <= seen:
		return r.errorf(model.ECONFLICT, "index", "is in the file twice (also at statements[%d])", im.inFile[r.section][r.name])
	case in.Index > seen+1:
		return r.errorf(model.EINVALID, "index", "expected %d: the statements of an official on a date are numbered 1, 2, 3, … in the order they come in the file", seen+1)
	}
	im.stmtSeen[g] = in.Index
	im.inFile[r.section][r.name] = r.index

	x, existed := &model.Statement{}, false
	if ids := im.statements[g]; in.Index <= len(ids) {
		if err := im.tx.Take(x, ids[in.Index-1]).Error; err != nil {
			return fmt.Errorf("read statement: %w", err)
		}
		existed = true
	}
	x.OfficialID, x.Date, x.Text = *official, date, in.Text
	if x.SessionID, err = im.ref(r, "session", "sessions", "session", in.Session); err != nil {
		return err
	}
	if err := saveStatement(im.ctx, im.tx, x); err != nil {
		return r.wrap("", err)
	}
	if err := im.citations(r, model.TypeStatement, x.ID, existed, in.Sources); err != nil {
		return err
	}
	im.touch(subject{model.TypeStatement, x.ID})
	im.stats.Statements.add(existed)
	return nil
}
