package dataset

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"gorm.io/gorm"

	"diplomacy-timeline/db"
	"diplomacy-timeline/model"
)

// The import of a dataset: the reader of the file, record references, and the derivation of
// timeline entries at the end. The records of each section are in import_records.go.

// ImportCount counts the records of one kind that an import created, updated, and found
// as the file has them already (unchanged: neither the record nor its nested lists differ,
// and the import leaves them as they were).
type ImportCount struct {
	Created, Updated, Unchanged int
}

// ImportStats says what an import did.
type ImportStats struct {
	Topics, Sources, Platforms, Officials, Sessions, Initiatives, Statements ImportCount
	// Derived is the number of records whose timeline entries and search document were
	// brought up to date.
	Derived int
}

// add counts a record of the file: new, or one the database had, which the import changed
// or not.
func (c *ImportCount) add(existed, changed bool) {
	switch {
	case !existed:
		c.Created++
	case changed:
		c.Updated++
	default:
		c.Unchanged++
	}
}

// Import reads a dataset (model.Dataset) from r and writes it into the store in one
// transaction: when anything is wrong with the file nothing is written, and the error — a
// *model.Error with code EINVALID, ENOTFOUND or ECONFLICT — names the record (section and
// index, and the slug or key) and the field. A record of the file creates the record, or
// updates the one with the same slug (or key) and replaces its nested lists; records not in
// the file are left alone, so importing a file twice changes nothing the second time.
// References resolve to records of the file or of the database. The file is read as a
// stream, one record at a time. progress, if set, is told the stage (a section of the file,
// then "timeline") and how many records it has done, of total when known (else 0). A
// database imported into is the user's world: Open never loads the default dataset into it.
func Import(ctx context.Context, s *db.Store, r io.Reader, progress func(stage string, n, total int)) (ImportStats, error) {
	var stats ImportStats
	err := s.Transact(ctx, func(tx *db.Tx) error {
		var err error
		if stats, err = importInto(ctx, tx, r, progress); err != nil {
			return err
		}
		return tx.MarkFilled(ctx, "imported")
	})
	if err != nil {
		return ImportStats{}, err
	}
	return stats, nil
}

// importInto imports the dataset r in the transaction tx: the one way there is of filling
// a database with records, for Import and the default dataset alike.
func importInto(ctx context.Context, tx *db.Tx, r io.Reader, progress func(stage string, n, total int)) (ImportStats, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	var stats ImportStats
	im := &importer{ctx: ctx, tx: tx, gdb: tx.DB(), progress: progress, stats: &stats}
	if err := im.run(r); err != nil {
		return ImportStats{}, err
	}
	return stats, nil
}

// importer is the state of one import.
type importer struct {
	ctx      context.Context
	tx       *db.Tx
	gdb      *gorm.DB // tx's handle, for reads and plain row changes
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

	touched    []db.Subject
	touchedSet map[db.Subject]bool
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
// of the field in the file (section[index].prefix.field: the store names fields as the
// file does) and its message names the record. Other errors (of the database) pass
// unchanged.
func (r rec) wrap(prefix string, err error) error {
	var e *model.Error
	if !errors.As(err, &e) {
		return err
	}
	path := fmt.Sprintf("%s[%d]", r.section, r.index)
	if f := joinPath(prefix, e.Field); f != "" {
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

// preload reads what references resolve against: country codes and the slugs of the
// database.
func (im *importer) preload() error {
	var codes []string
	if err := im.gdb.Model(&model.Country{}).Pluck("code", &codes).Error; err != nil {
		return fmt.Errorf("read countries: %w", err)
	}
	im.countries = make(map[string]bool, len(codes))
	for _, c := range codes {
		im.countries[c] = true
	}
	im.ids = map[string]map[string]int64{}
	for _, table := range []string{"topics", "platforms", "officials", "sessions", "initiatives"} {
		var rows []slugRow
		if err := im.gdb.Table(table).Select("id, slug").Scan(&rows).Error; err != nil {
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
	im.touchedSet = map[db.Subject]bool{}
	return nil
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
	if err := im.gdb.Take(&row, id).Error; err != nil {
		return nil, false, fmt.Errorf("read %s %s: %w", table, slug, err)
	}
	return &row, true, nil
}

// saveChanged writes the record x with save, unless it existed and the file changes none
// of its columns (before is it as read): importing a file again then leaves its update
// times, and so a calendar's DTSTAMP and LAST-MODIFIED, as they were. It reports whether
// it wrote.
func saveChanged[T any](im *importer, existed bool, before T, x *T, save func(*db.Tx, context.Context, *T) error) (bool, error) {
	if existed && sameColumns(before, *x) {
		return false, nil
	}
	return true, save(im.tx, im.ctx, x)
}

// sameColumns reports whether two rows hold the same values but for their timestamps (an
// empty list, such as no other names, being the same as none).
func sameColumns[T any](a, b T) bool {
	for _, v := range []reflect.Value{reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem()} {
		for i := range v.NumField() {
			f := v.Field(i)
			name := v.Type().Field(i).Name
			if f.CanSet() && (name == "CreatedAt" || name == "UpdatedAt" || f.Kind() == reflect.Slice && f.Len() == 0) {
				f.Set(reflect.Zero(f.Type()))
			}
		}
	}
	return reflect.DeepEqual(a, b)
}

func (im *importer) touch(subjects ...db.Subject) {
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

// citations replaces the citations of a record with those of the file, and reports
// whether they differ from those it had.
func (im *importer) citations(r rec, typ string, id int64, existed bool, list []model.DatasetCitation) (bool, error) {
	keep := make([]int64, 0, len(list))
	seen := map[string]int{}
	for j, c := range list {
		f := fmt.Sprintf("sources[%d].source", j)
		if c.Source == "" {
			return false, r.errorf(model.EINVALID, f, "is required: the key of a source of the file")
		}
		src, ok := im.sources[c.Source]
		if !ok {
			return false, r.errorf(model.ENOTFOUND, f, "source %q is not among the file's sources", truncate(c.Source, 100))
		}
		if k, dup := seen[c.Source]; dup {
			return false, r.errorf(model.EINVALID, f, "source %q is cited twice (also at sources[%d])", c.Source, k)
		}
		seen[c.Source] = j
		keep = append(keep, src)
	}
	col := db.CitingColumn(typ)
	changed := false
	if existed {
		var old []*model.Citation
		if err := im.gdb.Where(col+" = ?", id).Order("id").Find(&old).Error; err != nil {
			return false, fmt.Errorf("read citations: %w", err)
		}
		excerpts := make(map[int64]*string, len(old))
		var gone []int64
		for _, c := range old {
			excerpts[c.SourceID] = c.Excerpt
			if !slices.Contains(keep, c.SourceID) {
				gone = append(gone, c.SourceID)
			}
		}
		changed = len(gone) > 0
		for j, c := range list {
			before, had := excerpts[keep[j]]
			changed = changed || !had || !sameOpt(before, c.Excerpt)
		}
		if len(gone) > 0 {
			if err := im.gdb.Where(col+" = ? AND source_id IN ?", id, gone).Delete(&model.Citation{}).Error; err != nil {
				return false, fmt.Errorf("delete citations: %w", err)
			}
			for _, s := range gone {
				im.touch(db.Subject{Type: model.TypeSource, ID: s})
			}
		}
	}
	for j, c := range list {
		if err := im.tx.Cite(im.ctx, typ, id, keep[j], c.Excerpt); err != nil {
			return false, r.wrap(fmt.Sprintf("sources[%d]", j), err)
		}
	}
	return changed, nil
}

// sameBag reports whether two lists hold the same values as often, in whatever order.
func sameBag[K comparable](a, b []K) bool {
	if len(a) != len(b) {
		return false
	}
	n := make(map[K]int, len(a))
	for _, k := range a {
		n[k]++
	}
	for _, k := range b {
		if n[k]--; n[k] < 0 {
			return false
		}
	}
	return true
}

// sameLinks reports whether the targets of a link table for one owner are want, in
// whatever order.
func sameLinks[K comparable](im *importer, table, ownerCol, targetCol string, owner int64, want []K) (bool, error) {
	m, err := db.Pairs[K](im.gdb, table, ownerCol, targetCol, []int64{owner})
	if err != nil {
		return false, err
	}
	return sameBag(m[owner], want), nil
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
			if err := im.gdb.Model(&model.Session{}).Where("id = ?", p.id).Update("parent_id", *pid).Error; err != nil {
				return fmt.Errorf("set parent: %w", err)
			}
		}
	}
	for _, p := range im.parents {
		pid := im.ids["sessions"][p.parent]
		if err := im.tx.CheckNoCycle(im.ctx, &model.Session{ID: p.id, ParentID: &pid}); err != nil {
			return p.rec.wrap("", err)
		}
	}
	return nil
}

// loadStatements reads the database's statements by official and date, in the order
// recorded, which the statements of the file are matched against by index.
func (im *importer) loadStatements() error {
	var keys []statementKey
	if err := im.gdb.Table("statements").Select("id, official_id, stated_on").Order("id").Scan(&keys).Error; err != nil {
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
			if err := im.gdb.Model(&model.Statement{}).Where(col.name+" IN ?", ids).Order("id").Pluck("id", &stmts).Error; err != nil {
				return fmt.Errorf("find statements: %w", err)
			}
			for _, id := range stmts {
				im.touch(db.Subject{Type: model.TypeStatement, ID: id})
			}
			return nil
		}); err != nil {
			return err
		}
	}
	total := len(im.touched)
	const chunk = 2000 // a progress line per chunk
	for start := 0; start < total; start += chunk {
		if err := im.tx.Touch(im.ctx, im.touched[start:min(start+chunk, total)]...); err != nil {
			return err
		}
		im.progress("timeline", min(start+chunk, total), total)
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
