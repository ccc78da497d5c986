package bench

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
)

// The floors: each benchmark's answer fetched with hand-written SQL through database/sql
// (one statement for the page, then one IN-list statement per relation), built into
// plain structs shaped like the GraphQL response and encoded with encoding/json. The
// verification compares the decoded floor and GraphQL answers field by field, so both
// sides do the same work.

// floorDB runs the floor's statements and counts them.
type floorDB struct {
	*env
	stmts int
}

// q is a statement under construction, with placeholders of the backend's style.
type q struct {
	pg   bool
	sb   strings.Builder
	args []any
}

func (f *floorDB) q(sql string) *q {
	x := &q{pg: f.pg}
	x.sb.WriteString(sql)
	return x
}

func (x *q) s(sql string) *q { x.sb.WriteString(sql); return x }

// arg appends a placeholder for v.
func (x *q) arg(v any) *q {
	x.args = append(x.args, v)
	if x.pg {
		x.sb.WriteString("$" + strconv.Itoa(len(x.args)))
	} else {
		x.sb.WriteByte('?')
	}
	return x
}

// in appends "IN (…)" for the values: a list of placeholders on SQLite, one array
// parameter on PostgreSQL.
func in[T int64 | string](x *q, vals []T) *q {
	if x.pg {
		x.sb.WriteString("= ANY(")
		x.arg(vals)
		x.sb.WriteByte(')')
		return x
	}
	x.sb.WriteString("IN (")
	for i, v := range vals {
		if i > 0 {
			x.sb.WriteByte(',')
		}
		x.arg(v)
	}
	x.sb.WriteByte(')')
	return x
}

func (f *floorDB) query(ctx context.Context, x *q) (*sql.Rows, error) {
	f.stmts++
	return f.sql.QueryContext(ctx, x.sb.String(), x.args...)
}

// each runs x and calls scan for every row.
func (f *floorDB) each(ctx context.Context, x *q, scan func(*sql.Rows) error) error {
	rows, err := f.query(ctx, x)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// JSON shapes of the answers.
type (
	jCountry struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	jTopic struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	}
	jSource struct {
		Title string  `json:"title"`
		URL   *string `json:"url"`
	}
	jPlatform struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	}
	jPageInfo struct {
		HasNextPage bool    `json:"hasNextPage"`
		EndCursor   *string `json:"endCursor"`
	}
)

// Timeline subjects, by type.
type (
	subjPlatform struct {
		ID   string `json:"id"`
		Slug string `json:"slug"`
		Name string `json:"name"`
	}
	subjSession struct {
		ID    string `json:"id"`
		Slug  string `json:"slug"`
		Title string `json:"title"`
	}
	subjSessionParticipants struct {
		ID           string         `json:"id"`
		Slug         string         `json:"slug"`
		Title        string         `json:"title"`
		Participants []jParticipant `json:"participants"`
	}
	jParticipant struct {
		Role     *string `json:"role"`
		Official struct {
			Name    string    `json:"name"`
			Country *jCountry `json:"country"`
		} `json:"official"`
	}
	subjInitiative struct {
		ID    string `json:"id"`
		Slug  string `json:"slug"`
		Title string `json:"title"`
	}
	subjOfficial struct {
		ID   string `json:"id"`
		Slug string `json:"slug"`
		Name string `json:"name"`
	}
	subjStatement struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	}
)

type jEntry struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	Date      string     `json:"date"`
	Title     string     `json:"title"`
	Subject   any        `json:"subject"`
	Platform  *jPlatform `json:"platform"`
	Countries []jCountry `json:"countries"`
	Topics    []jTopic   `json:"topics"`
	Sources   []jSource  `json:"sources"`

	id         int64
	platformID sql.NullInt64
	subjType   string
	subjID     int64
}

type jTimeline struct {
	Data struct {
		Timeline struct {
			Nodes    []*jEntry `json:"nodes"`
			PageInfo jPageInfo `json:"pageInfo"`
		} `json:"timeline"`
	} `json:"data"`
}

// globalID is model.IntID: the opaque ID of a record.
func globalID(typ string, id int64) string {
	buf := make([]byte, 0, 32)
	buf = append(buf, typ...)
	buf = append(buf, ':')
	buf = strconv.AppendInt(buf, id, 10)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// dateString formats a date key (yyyymmdd, 00 for an unknown month or day) as the API
// writes dates: "2015", "2023-07", "2023-07-28".
func dateString(key int64) string {
	y, m, d := key/10000, key/100%100, key%100
	buf := make([]byte, 0, 10)
	pad := func(n int64, w int) {
		s := strconv.FormatInt(n, 10)
		for i := len(s); i < w; i++ {
			buf = append(buf, '0')
		}
		buf = append(buf, s...)
	}
	pad(y, 4)
	if m != 0 {
		buf = append(buf, '-')
		pad(m, 2)
	}
	if d != 0 {
		buf = append(buf, '-')
		pad(d, 2)
	}
	return string(buf)
}

// timelineFilter is the floor's version of the FilteredTimeline filter.
type timelineFilter struct {
	from, to  int64 // date keys: the first day of from, the last of to
	countries []string
	topics    []string
}

var filteredTimelineFilter = &timelineFilter{from: 20150000, to: 20159999, countries: []string{"KZ"}, topics: []string{"topic-01"}}

// citingColumn is the citations column of each type that cites sources.
var citingColumn = map[string]string{"Platform": "platform_id", "Session": "session_id", "Initiative": "initiative_id", "Statement": "statement_id"}

// floorTimeline answers a timelineQuery: the first entries, newest first if desc, that
// match filter (everything if nil).
func floorTimeline(ctx context.Context, f *floorDB, first int, desc bool, filter *timelineFilter, participants bool) ([]byte, error) {
	const cols = `id, kind, date_key, title, platform_id, subject_platform_id, subject_session_id, subject_initiative_id,
	subject_official_id, subject_statement_id`
	order := " ORDER BY date_key, id LIMIT "
	if desc {
		order = " ORDER BY date_key DESC, id DESC LIMIT "
	}
	x := f.q("SELECT " + cols + " FROM timeline_entries")
	if filter != nil {
		// One statement in three disjoint parts that each read an index range, as the
		// store splits "from": entries starting in or after from; entries starting less
		// than a year earlier that reach it; the long ranges (over a year) that started
		// earlier still. The link filters are EXISTS, so the date index drives each part
		// and stops at the limit.
		x = f.q("")
		parts := []func(){
			func() { x.s("date_key >= ").arg(filter.from) },
			func() {
				x.s("last_key > date_key AND date_key >= ").arg(filter.from - 9999).s(" AND date_key < ").arg(filter.from).
					s(" AND last_key >= ").arg(filter.from)
			},
			func() {
				x.s("last_key - date_key > 9999 AND date_key < ").arg(filter.from - 9999).s(" AND last_key >= ").arg(filter.from)
			},
		}
		for i, part := range parts {
			if i > 0 {
				x.s(" UNION ALL ")
			}
			x.s("SELECT * FROM (SELECT " + cols + " FROM timeline_entries WHERE ")
			part()
			x.s(" AND date_key <= ").arg(filter.to)
			if filter.countries != nil {
				in(x.s(" AND EXISTS (SELECT 1 FROM timeline_entry_countries WHERE entry_id = timeline_entries.id AND country_code "), filter.countries).s(")")
			}
			if filter.topics != nil {
				in(x.s(" AND EXISTS (SELECT 1 FROM timeline_entry_topics et JOIN topics t ON t.id = et.topic_id WHERE et.entry_id = timeline_entries.id AND t.slug "), filter.topics).s(")")
			}
			x.s(order).arg(first + 1).s(") AS part" + strconv.Itoa(i))
		}
	}
	x.s(order).arg(first + 1)
	var out jTimeline
	var entries []*jEntry
	var dateKeys []int64
	ids := map[string][]int64{}
	err := f.each(ctx, x, func(r *sql.Rows) error {
		e := &jEntry{Countries: []jCountry{}, Topics: []jTopic{}, Sources: []jSource{}}
		var id, date int64
		var subj [5]sql.NullInt64
		if err := r.Scan(&id, &e.Kind, &date, &e.Title, &e.platformID, &subj[0], &subj[1], &subj[2], &subj[3], &subj[4]); err != nil {
			return err
		}
		e.id, e.ID, e.Date = id, globalID("TimelineEntry", id), dateString(date)
		for i, typ := range []string{"Platform", "Session", "Initiative", "Official", "Statement"} {
			if subj[i].Valid {
				e.subjType, e.subjID = typ, subj[i].Int64
			}
		}
		entries = append(entries, e)
		dateKeys = append(dateKeys, date)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(entries) > first {
		entries, dateKeys, out.Data.Timeline.PageInfo.HasNextPage = entries[:first], dateKeys[:first], true
	}
	if entries == nil {
		entries = []*jEntry{}
	}
	out.Data.Timeline.Nodes = entries
	if n := len(entries); n > 0 {
		cur := base64.RawURLEncoding.EncodeToString([]byte("[" + strconv.FormatInt(dateKeys[n-1], 10) + "," +
			strconv.FormatInt(entries[n-1].id, 10) + "]"))
		out.Data.Timeline.PageInfo.EndCursor = &cur
	}
	if len(entries) == 0 {
		return json.Marshal(&out)
	}
	entryIDs := make([]int64, len(entries))
	byEntry := make(map[int64]*jEntry, len(entries))
	for i, e := range entries {
		entryIDs[i] = e.id
		byEntry[e.id] = e
		ids[e.subjType] = append(ids[e.subjType], e.subjID)
		if e.platformID.Valid {
			ids["platform"] = append(ids["platform"], e.platformID.Int64)
		}
	}

	// Subjects, one statement per type; platforms also serve the entries' platform.
	subjects := map[string]map[int64]any{}
	put := func(typ string, id int64, v any) {
		if subjects[typ] == nil {
			subjects[typ] = map[int64]any{}
		}
		subjects[typ][id] = v
	}
	platforms := map[int64]*jPlatform{}
	if pids := append(append([]int64(nil), ids["Platform"]...), ids["platform"]...); len(pids) > 0 {
		err := f.each(ctx, in(f.q("SELECT id, slug, name FROM platforms WHERE id "), pids), func(r *sql.Rows) error {
			var id int64
			var p jPlatform
			if err := r.Scan(&id, &p.Slug, &p.Name); err != nil {
				return err
			}
			platforms[id] = &p
			put("Platform", id, &subjPlatform{ID: globalID("Platform", id), Slug: p.Slug, Name: p.Name})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	var sessionIDs []int64
	if sids := ids["Session"]; len(sids) > 0 {
		err := f.each(ctx, in(f.q("SELECT id, slug, title FROM sessions WHERE id "), sids), func(r *sql.Rows) error {
			var id int64
			var slug, title string
			if err := r.Scan(&id, &slug, &title); err != nil {
				return err
			}
			if participants {
				put("Session", id, &subjSessionParticipants{ID: globalID("Session", id), Slug: slug, Title: title, Participants: []jParticipant{}})
			} else {
				put("Session", id, &subjSession{ID: globalID("Session", id), Slug: slug, Title: title})
			}
			sessionIDs = append(sessionIDs, id)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if iids := ids["Initiative"]; len(iids) > 0 {
		err := f.each(ctx, in(f.q("SELECT id, slug, title FROM initiatives WHERE id "), iids), func(r *sql.Rows) error {
			s := &subjInitiative{}
			var id int64
			if err := r.Scan(&id, &s.Slug, &s.Title); err != nil {
				return err
			}
			s.ID = globalID("Initiative", id)
			put("Initiative", id, s)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if oids := ids["Official"]; len(oids) > 0 {
		err := f.each(ctx, in(f.q("SELECT id, slug, name FROM officials WHERE id "), oids), func(r *sql.Rows) error {
			s := &subjOfficial{}
			var id int64
			if err := r.Scan(&id, &s.Slug, &s.Name); err != nil {
				return err
			}
			s.ID = globalID("Official", id)
			put("Official", id, s)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if stids := ids["Statement"]; len(stids) > 0 {
		err := f.each(ctx, in(f.q("SELECT id, text FROM statements WHERE id "), stids), func(r *sql.Rows) error {
			s := &subjStatement{}
			var id int64
			if err := r.Scan(&id, &s.Text); err != nil {
				return err
			}
			s.ID = globalID("Statement", id)
			put("Statement", id, s)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if participants && len(sessionIDs) > 0 {
		x := f.q(`SELECT p.session_id, p.role, o.name, c.code, c.name FROM participants p JOIN officials o ON o.id = p.official_id
	LEFT JOIN countries c ON c.code = o.country_code WHERE p.session_id `)
		err := f.each(ctx, in(x, sessionIDs).s(" ORDER BY p.id"), func(r *sql.Rows) error {
			var sid int64
			var p jParticipant
			var code, name sql.NullString
			var role sql.NullString
			if err := r.Scan(&sid, &role, &p.Official.Name, &code, &name); err != nil {
				return err
			}
			if role.Valid {
				p.Role = &role.String
			}
			if code.Valid {
				p.Official.Country = &jCountry{Code: code.String, Name: name.String}
			}
			s := subjects["Session"][sid].(*subjSessionParticipants)
			s.Participants = append(s.Participants, p)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, e := range entries {
		e.Subject = subjects[e.subjType][e.subjID]
		if e.platformID.Valid {
			e.Platform = platforms[e.platformID.Int64]
		}
	}

	// Countries and topics of the entries.
	x = f.q("SELECT ec.entry_id, c.code, c.name FROM timeline_entry_countries ec JOIN countries c ON c.code = ec.country_code WHERE ec.entry_id ")
	err = f.each(ctx, in(x, entryIDs).s(" ORDER BY c.code"), func(r *sql.Rows) error {
		var id int64
		var c jCountry
		if err := r.Scan(&id, &c.Code, &c.Name); err != nil {
			return err
		}
		e := byEntry[id]
		e.Countries = append(e.Countries, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	x = f.q("SELECT et.entry_id, t.slug, t.name FROM timeline_entry_topics et JOIN topics t ON t.id = et.topic_id WHERE et.entry_id ")
	err = f.each(ctx, in(x, entryIDs).s(" ORDER BY t.name, t.id"), func(r *sql.Rows) error {
		var id int64
		var t jTopic
		if err := r.Scan(&id, &t.Slug, &t.Name); err != nil {
			return err
		}
		e := byEntry[id]
		e.Topics = append(e.Topics, t)
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Sources the subjects cite, in one statement over every citing type.
	x = f.q("SELECT c.platform_id, c.session_id, c.initiative_id, c.statement_id, s.title, s.url FROM citations c JOIN sources s ON s.id = c.source_id WHERE ")
	cited := false
	for _, typ := range []string{"Platform", "Session", "Initiative", "Statement"} {
		if len(ids[typ]) == 0 {
			continue
		}
		if cited {
			x.s(" OR ")
		}
		cited = true
		in(x.s("c."+citingColumn[typ]+" "), ids[typ])
	}
	if cited {
		type key struct {
			typ string
			id  int64
		}
		sources := map[key][]jSource{}
		err = f.each(ctx, x.s(" ORDER BY c.id"), func(r *sql.Rows) error {
			var owner [4]sql.NullInt64
			var s jSource
			var url sql.NullString
			if err := r.Scan(&owner[0], &owner[1], &owner[2], &owner[3], &s.Title, &url); err != nil {
				return err
			}
			if url.Valid {
				s.URL = &url.String
			}
			for i, typ := range []string{"Platform", "Session", "Initiative", "Statement"} {
				if owner[i].Valid {
					k := key{typ, owner[i].Int64}
					sources[k] = append(sources[k], s)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if s, ok := sources[key{e.subjType, e.subjID}]; ok {
				e.Sources = s
			}
		}
	}
	return json.Marshal(&out)
}

// floorBuckets answers bucketsQuery.
func floorBuckets(ctx context.Context, f *floorDB) ([]byte, error) {
	type kindCount struct {
		Kind  string `json:"kind"`
		Count int    `json:"count"`
	}
	type bucket struct {
		Start  string      `json:"start"`
		Count  int         `json:"count"`
		ByKind []kindCount `json:"byKind"`
	}
	var out struct {
		Data struct {
			Buckets []*bucket `json:"timelineBuckets"`
		} `json:"data"`
	}
	out.Data.Buckets = []*bucket{}
	var lastKey int64 = -1
	x := f.q(`SELECT CASE WHEN date_key % 10000 = 0 THEN date_key + 100 ELSE (date_key / 100) * 100 END AS bucket, kind, COUNT(*)
	FROM timeline_entries GROUP BY bucket, kind ORDER BY bucket, kind`)
	err := f.each(ctx, x, func(r *sql.Rows) error {
		var key int64
		var kc kindCount
		if err := r.Scan(&key, &kc.Kind, &kc.Count); err != nil {
			return err
		}
		key = key / 100 * 100
		if key != lastKey {
			out.Data.Buckets = append(out.Data.Buckets, &bucket{Start: dateString(key)})
			lastKey = key
		}
		b := out.Data.Buckets[len(out.Data.Buckets)-1]
		b.Count += kc.Count
		b.ByKind = append(b.ByKind, kc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return json.Marshal(&out)
}

// searchTypes are the types of search documents by docid % 8, as the store encodes them.
var searchTypes = []string{1: "Platform", 2: "Session", 3: "Official", 4: "Initiative", 5: "Statement", 6: "Source"}

// floorSearch answers searchQuery: one statement for the ranked page with the total
// count, then one per type of the hits.
func floorSearch(ctx context.Context, f *floorDB, text string, first int) ([]byte, error) {
	words := strings.Fields(strings.ToLower(text))
	var x, count *q
	if f.pg {
		parts := make([]string, len(words))
		for i, w := range words {
			parts[i] = w + ":*"
		}
		x = f.q("SELECT docid, COUNT(*) OVER () FROM search_index, to_tsquery('simple', ").arg(strings.Join(parts, " & ")).
			s(") AS q WHERE document @@ q ORDER BY ts_rank(document, q) DESC, docid LIMIT ").arg(first)
	} else {
		parts := make([]string, len(words))
		for i, w := range words {
			parts[i] = `"` + w + `*"`
		}
		// FTS4 refuses matchinfo() beside a window function: the count is a statement of
		// its own, as in the store.
		match := strings.Join(parts, " ")
		x = f.q("SELECT docid, 0 FROM search_index WHERE search_index MATCH ").arg(match).
			s(" ORDER BY bench_rank(matchinfo(search_index, 'pcnalx')) DESC, docid LIMIT ").arg(first)
		count = f.q("SELECT COUNT(*) FROM search_index WHERE search_index MATCH ").arg(match)
	}
	type hit struct {
		typ string
		id  int64
	}
	var hits []hit
	var out struct {
		Data struct {
			Search struct {
				TotalCount int   `json:"totalCount"`
				Nodes      []any `json:"nodes"`
			} `json:"search"`
		} `json:"data"`
	}
	ids := map[string][]int64{}
	err := f.each(ctx, x, func(r *sql.Rows) error {
		var docid int64
		if err := r.Scan(&docid, &out.Data.Search.TotalCount); err != nil {
			return err
		}
		h := hit{searchTypes[docid%8], docid / 8}
		hits = append(hits, h)
		ids[h.typ] = append(ids[h.typ], h.id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if count != nil {
		err := f.each(ctx, count, func(r *sql.Rows) error { return r.Scan(&out.Data.Search.TotalCount) })
		if err != nil {
			return nil, err
		}
	}
	type idTitle struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	type idName struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	type idText struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	}
	found := map[hit]any{}
	for _, t := range []struct{ typ, table, col string }{
		{"Platform", "platforms", "name"}, {"Session", "sessions", "title"}, {"Official", "officials", "name"},
		{"Initiative", "initiatives", "title"}, {"Statement", "statements", "text"}, {"Source", "sources", "title"},
	} {
		if len(ids[t.typ]) == 0 {
			continue
		}
		x := in(f.q("SELECT id, "+t.col+" FROM "+t.table+" WHERE id "), ids[t.typ])
		err := f.each(ctx, x, func(r *sql.Rows) error {
			var id int64
			var s string
			if err := r.Scan(&id, &s); err != nil {
				return err
			}
			gid := globalID(t.typ, id)
			switch t.col {
			case "name":
				found[hit{t.typ, id}] = &idName{gid, s}
			case "text":
				found[hit{t.typ, id}] = &idText{gid, s}
			default:
				found[hit{t.typ, id}] = &idTitle{gid, s}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	out.Data.Search.Nodes = make([]any, 0, len(hits))
	for _, h := range hits {
		if v, ok := found[h]; ok {
			out.Data.Search.Nodes = append(out.Data.Search.Nodes, v)
		}
	}
	return json.Marshal(&out)
}

// floorSession answers sessionQuery(slug).
func floorSession(ctx context.Context, f *floorDB, slug string) ([]byte, error) {
	type slugTitle struct {
		Slug  string `json:"slug"`
		Title string `json:"title"`
	}
	type location struct {
		City      *string   `json:"city"`
		Venue     *string   `json:"venue"`
		Latitude  *float64  `json:"latitude"`
		Longitude *float64  `json:"longitude"`
		Country   *jCountry `json:"country"`
	}
	type participant struct {
		Role     *string   `json:"role"`
		Country  *jCountry `json:"country"`
		Official struct {
			Name      string    `json:"name"`
			Country   *jCountry `json:"country"`
			Positions []struct {
				Title string `json:"title"`
			} `json:"positions"`
		} `json:"official"`
	}
	type statement struct {
		Date     string `json:"date"`
		Text     string `json:"text"`
		Official struct {
			Name string `json:"name"`
		} `json:"official"`
	}
	type citation struct {
		Excerpt *string `json:"excerpt"`
		Source  struct {
			Title string `json:"title"`
		} `json:"source"`
	}
	type session struct {
		ID               string        `json:"id"`
		Slug             string        `json:"slug"`
		Title            string        `json:"title"`
		Kind             string        `json:"kind"`
		Start            string        `json:"start"`
		End              *string       `json:"end"`
		Summary          *string       `json:"summary"`
		Platform         *jPlatform    `json:"platform"`
		Parent           *slugTitle    `json:"parent"`
		Children         []slugTitle   `json:"children"`
		Location         *location     `json:"location"`
		HostCountry      *jCountry     `json:"hostCountry"`
		SubjectCountries []jCountry    `json:"subjectCountries"`
		Topics           []jTopic      `json:"topics"`
		Participants     []participant `json:"participants"`
		Statements       []statement   `json:"statements"`
		Initiatives      []slugTitle   `json:"initiatives"`
		Sources          []jSource     `json:"sources"`
		Citations        []citation    `json:"citations"`
	}
	var out struct {
		Data struct {
			Session *session `json:"session"`
		} `json:"data"`
	}
	str := func(s sql.NullString) *string {
		if !s.Valid {
			return nil
		}
		return &s.String
	}
	country := func(code, name sql.NullString) *jCountry {
		if !code.Valid {
			return nil
		}
		return &jCountry{code.String, name.String}
	}

	x := f.q(`SELECT s.id, s.title, s.kind, s.start_date, s.end_date, s.summary, s.location_city, s.location_venue,
	s.location_latitude, s.location_longitude, lc.code, lc.name, hc.code, hc.name, p.slug, p.name, par.slug, par.title
	FROM sessions s LEFT JOIN countries lc ON lc.code = s.location_country_code LEFT JOIN countries hc ON hc.code = s.host_country_code
	LEFT JOIN platforms p ON p.id = s.platform_id LEFT JOIN sessions par ON par.id = s.parent_id WHERE s.slug = `).arg(slug)
	var id int64
	err := f.each(ctx, x, func(r *sql.Rows) error {
		s := &session{Slug: slug, Children: []slugTitle{}, SubjectCountries: []jCountry{}, Topics: []jTopic{}, Participants: []participant{},
			Statements: []statement{}, Initiatives: []slugTitle{}, Sources: []jSource{}, Citations: []citation{}}
		var start int64
		var end sql.NullInt64
		var summary, city, venue, lcCode, lcName, hcCode, hcName, pSlug, pName, parSlug, parTitle sql.NullString
		var lat, lon sql.NullFloat64
		if err := r.Scan(&id, &s.Title, &s.Kind, &start, &end, &summary, &city, &venue, &lat, &lon, &lcCode, &lcName,
			&hcCode, &hcName, &pSlug, &pName, &parSlug, &parTitle); err != nil {
			return err
		}
		s.ID, s.Start, s.Summary = globalID("Session", id), dateString(start), str(summary)
		if end.Valid {
			e := dateString(end.Int64)
			s.End = &e
		}
		if city.Valid || venue.Valid || lat.Valid || lon.Valid || lcCode.Valid {
			l := &location{City: str(city), Venue: str(venue), Country: country(lcCode, lcName)}
			if lat.Valid {
				l.Latitude = &lat.Float64
			}
			if lon.Valid {
				l.Longitude = &lon.Float64
			}
			s.Location = l
		}
		s.HostCountry = country(hcCode, hcName)
		if pSlug.Valid {
			s.Platform = &jPlatform{pSlug.String, pName.String}
		}
		if parSlug.Valid {
			s.Parent = &slugTitle{parSlug.String, parTitle.String}
		}
		out.Data.Session = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out.Data.Session == nil {
		return json.Marshal(&out)
	}
	s := out.Data.Session

	err = f.each(ctx, f.q("SELECT slug, title FROM sessions WHERE parent_id = ").arg(id).s(" ORDER BY start_date, id"), func(r *sql.Rows) error {
		var c slugTitle
		err := r.Scan(&c.Slug, &c.Title)
		s.Children = append(s.Children, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	x = f.q("SELECT c.code, c.name FROM session_subject_countries sc JOIN countries c ON c.code = sc.country_code WHERE sc.session_id = ").arg(id)
	err = f.each(ctx, x.s(" ORDER BY c.code"), func(r *sql.Rows) error {
		var c jCountry
		err := r.Scan(&c.Code, &c.Name)
		s.SubjectCountries = append(s.SubjectCountries, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	x = f.q("SELECT t.slug, t.name FROM session_topics st JOIN topics t ON t.id = st.topic_id WHERE st.session_id = ").arg(id)
	err = f.each(ctx, x.s(" ORDER BY t.name, t.id"), func(r *sql.Rows) error {
		var t jTopic
		err := r.Scan(&t.Slug, &t.Name)
		s.Topics = append(s.Topics, t)
		return err
	})
	if err != nil {
		return nil, err
	}
	x = f.q(`SELECT p.official_id, p.role, pc.code, pc.name, o.name, oc.code, oc.name FROM participants p JOIN officials o ON o.id = p.official_id
	LEFT JOIN countries pc ON pc.code = p.country_code LEFT JOIN countries oc ON oc.code = o.country_code WHERE p.session_id = `).arg(id)
	byOfficial := map[int64][]int{}
	err = f.each(ctx, x.s(" ORDER BY p.id"), func(r *sql.Rows) error {
		var oid int64
		var p participant
		var role, pcCode, pcName, ocCode, ocName sql.NullString
		if err := r.Scan(&oid, &role, &pcCode, &pcName, &p.Official.Name, &ocCode, &ocName); err != nil {
			return err
		}
		p.Role, p.Country, p.Official.Country = str(role), country(pcCode, pcName), country(ocCode, ocName)
		p.Official.Positions = []struct {
			Title string `json:"title"`
		}{}
		byOfficial[oid] = append(byOfficial[oid], len(s.Participants))
		s.Participants = append(s.Participants, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(byOfficial) > 0 {
		oids := make([]int64, 0, len(byOfficial))
		for oid := range byOfficial {
			oids = append(oids, oid)
		}
		x = in(f.q("SELECT official_id, title FROM positions WHERE official_id "), oids).s(" ORDER BY COALESCE(start_date, 0), id")
		err = f.each(ctx, x, func(r *sql.Rows) error {
			var oid int64
			var title string
			if err := r.Scan(&oid, &title); err != nil {
				return err
			}
			for _, i := range byOfficial[oid] {
				s.Participants[i].Official.Positions = append(s.Participants[i].Official.Positions, struct {
					Title string `json:"title"`
				}{title})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	x = f.q("SELECT st.stated_on, st.text, o.name FROM statements st JOIN officials o ON o.id = st.official_id WHERE st.session_id = ").arg(id)
	err = f.each(ctx, x.s(" ORDER BY st.stated_on, st.id"), func(r *sql.Rows) error {
		var st statement
		var on int64
		err := r.Scan(&on, &st.Text, &st.Official.Name)
		st.Date = dateString(on)
		s.Statements = append(s.Statements, st)
		return err
	})
	if err != nil {
		return nil, err
	}
	x = f.q("SELECT i.slug, i.title FROM initiative_sessions l JOIN initiatives i ON i.id = l.initiative_id WHERE l.session_id = ").arg(id)
	err = f.each(ctx, x.s(" ORDER BY i.title, i.id"), func(r *sql.Rows) error {
		var i slugTitle
		err := r.Scan(&i.Slug, &i.Title)
		s.Initiatives = append(s.Initiatives, i)
		return err
	})
	if err != nil {
		return nil, err
	}
	x = f.q("SELECT c.excerpt, src.title, src.url FROM citations c JOIN sources src ON src.id = c.source_id WHERE c.session_id = ").arg(id)
	err = f.each(ctx, x.s(" ORDER BY c.id"), func(r *sql.Rows) error {
		var c citation
		var excerpt, url sql.NullString
		if err := r.Scan(&excerpt, &c.Source.Title, &url); err != nil {
			return err
		}
		c.Excerpt = str(excerpt)
		s.Citations = append(s.Citations, c)
		s.Sources = append(s.Sources, jSource{Title: c.Source.Title, URL: str(url)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return json.Marshal(&out)
}
