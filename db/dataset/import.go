package dataset

import (
	"bufio"
	"bytes"
	"context"
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

// run imports the dataset r: the object's opening, its members one by one — "format" and
// "version" first, then the sections in their order —, its end, and then the timeline
// entries and search documents of what it touched.
func (im *importer) run(r io.Reader) error {
	if err := im.preload(); err != nil {
		return err
	}
	im.dec = json.NewDecoder(bufio.NewReaderSize(r, 1<<16))
	if err := im.begin(); err != nil {
		return err
	}
	h := header{seen: map[string]bool{}}
	for im.dec.More() {
		if err := im.member(&h); err != nil {
			return err
		}
	}
	if err := im.end(); err != nil {
		return err
	}
	if err := h.complete(); err != nil {
		return err
	}
	return im.derive()
}

// top is the record of the dataset object itself, for the errors of its members.
var top = rec{section: "dataset", kind: "dataset"}

// invalid is an EINVALID error about the dataset object, or one of its members (field).
func invalid(field, format string, args ...any) error {
	return &model.Error{Code: model.EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// header is what the import has read of the dataset object's members: whether its
// format and version, and which sections.
type header struct {
	format, version bool
	next            int // the index in DatasetSections of the first section that may still come
	seen            map[string]bool
}

// begin reads the opening of the dataset object.
func (im *importer) begin() error {
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
	return nil
}

// member reads one member of the dataset object: its format, its version, or a section,
// which it imports.
func (im *importer) member(h *header) error {
	tok, err := im.dec.Token()
	if err != nil {
		return im.jsonError(err, top, "")
	}
	key, _ := tok.(string)
	switch key {
	case "format":
		if err := im.format(); err != nil {
			return err
		}
		h.format = true
	case "version":
		if err := im.version(); err != nil {
			return err
		}
		h.version = true
	default:
		if err := h.admit(key); err != nil {
			return err
		}
		return im.section(key)
	}
	return nil
}

// format reads the format of the dataset, which must be this program's.
func (im *importer) format() error {
	var format string
	if err := im.dec.Decode(&format); err != nil {
		return im.jsonError(err, top, "format")
	}
	if format != model.DatasetFormat {
		return invalid("format", "%q is not the format of a dataset of this program: want %q", truncate(format, 80), model.DatasetFormat)
	}
	return nil
}

// version reads the version of the format, which must be the one this program reads.
func (im *importer) version() error {
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
	return nil
}

// admit checks that the member key is a section that may come now: after the format and
// the version, once, and in the order of DatasetSections.
func (h *header) admit(key string) error {
	k := slices.Index(model.DatasetSections, key)
	switch {
	case k < 0:
		return invalid(truncate(key, 80), "unknown member: a dataset has \"format\", \"version\" and the sections %s", strings.Join(model.DatasetSections, ", "))
	case !h.format || !h.version:
		return invalid(key, "\"format\" and \"version\" must come before the sections")
	case h.seen[key]:
		return invalid(key, "the section appears twice")
	case k < h.next:
		return invalid(key, "must come before %q: the sections of a dataset come in the order %s", model.DatasetSections[h.next-1], strings.Join(model.DatasetSections, ", "))
	}
	h.next, h.seen[key] = k+1, true
	return nil
}

// end reads the close of the dataset object, which must end the file.
func (im *importer) end() error {
	if _, err := im.dec.Token(); err != nil {
		return im.jsonError(err, top, "")
	}
	if _, err := im.dec.Token(); err != io.EOF {
		return invalid("", "unexpected data after the dataset's closing brace")
	}
	return nil
}

// complete checks that the dataset object had its format and its version.
func (h *header) complete() error {
	if !h.format {
		return invalid("format", "is required: %q", model.DatasetFormat)
	}
	if !h.version {
		return invalid("version", "is required: %d", model.DatasetVersion)
	}
	return nil
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
