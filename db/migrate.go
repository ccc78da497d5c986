package db

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"diplomacy-timeline/model"
)

// migrations are applied in order, each once, each in its own transaction; the version
// applied is recorded in schema_migrations. Never edit a migration that has shipped: add
// one. In the common SQL, {{pk}} and {{float}} stand for the dialect's types.
//
// Deleting a record never leaves a dangling row; the foreign keys say what happens:
//   - a platform: its memberships and citations go; sessions and initiatives stay,
//     detached (SET NULL);
//   - a session: its participants, topic and country links, initiative links and
//     citations go; its statements and side sessions stay, detached;
//   - an official: positions and participations go; initiatives they proposed stay with
//     no proposer; statements block the delete (RESTRICT, reported as CONFLICT);
//   - an initiative: status history, links and citations go;
//   - a statement, a topic, a source: their links and citations go.
var migrations = []migration{{common: `CREATE TABLE countries (
		code TEXT PRIMARY KEY CHECK (length(code) = 2),
		name TEXT NOT NULL
	);
	CREATE TABLE settings (
		key TEXT PRIMARY KEY,
		value TEXT NOT NULL
	);
	CREATE TABLE platforms (
		id {{pk}},
		slug TEXT NOT NULL UNIQUE,
		name TEXT NOT NULL,
		full_name TEXT,
		description TEXT,
		kind TEXT NOT NULL,
		founded BIGINT,
		dissolved BIGINT,
		website TEXT,
		created_at TIMESTAMP NOT NULL,
		updated_at TIMESTAMP NOT NULL
	);
	CREATE INDEX platforms_kind ON platforms (kind, id);
	CREATE INDEX platforms_name ON platforms (name, id);
	CREATE INDEX platforms_founded ON platforms (founded, id);
	CREATE TABLE platform_members (
		id {{pk}},
		platform_id BIGINT NOT NULL REFERENCES platforms (id) ON DELETE CASCADE,
		country_code TEXT NOT NULL REFERENCES countries (code),
		role TEXT NOT NULL,
		since BIGINT,
		until BIGINT
	);
	CREATE INDEX platform_members_platform ON platform_members (platform_id);
	CREATE INDEX platform_members_country ON platform_members (country_code, platform_id);
	CREATE TABLE topics (
		id {{pk}},
		slug TEXT NOT NULL UNIQUE,
		name TEXT NOT NULL,
		description TEXT
	);
	CREATE INDEX topics_name ON topics (name, id);
	CREATE TABLE officials (
		id {{pk}},
		slug TEXT NOT NULL UNIQUE,
		name TEXT NOT NULL,
		other_names TEXT NOT NULL DEFAULT '[]',
		country_code TEXT REFERENCES countries (code),
		created_at TIMESTAMP NOT NULL,
		updated_at TIMESTAMP NOT NULL
	);
	CREATE INDEX officials_name ON officials (name, id);
	CREATE INDEX officials_country ON officials (country_code, id);
	CREATE TABLE positions (
		id {{pk}},
		official_id BIGINT NOT NULL REFERENCES officials (id) ON DELETE CASCADE,
		title TEXT NOT NULL,
		organization TEXT,
		country_code TEXT REFERENCES countries (code),
		start_date BIGINT,
		end_date BIGINT
	);
	CREATE INDEX positions_official ON positions (official_id);
	CREATE TABLE sessions (
		id {{pk}},
		slug TEXT NOT NULL UNIQUE,
		title TEXT NOT NULL,
		kind TEXT NOT NULL,
		platform_id BIGINT REFERENCES platforms (id) ON DELETE SET NULL,
		parent_id BIGINT REFERENCES sessions (id) ON DELETE SET NULL,
		start_date BIGINT NOT NULL,
		end_date BIGINT,
		location_city TEXT,
		location_country_code TEXT REFERENCES countries (code),
		location_venue TEXT,
		location_latitude {{float}},
		location_longitude {{float}},
		host_country_code TEXT REFERENCES countries (code),
		summary TEXT,
		created_at TIMESTAMP NOT NULL,
		updated_at TIMESTAMP NOT NULL
	);
	CREATE INDEX sessions_start ON sessions (start_date, id);
	CREATE INDEX sessions_title ON sessions (title, id);
	CREATE INDEX sessions_platform ON sessions (platform_id, start_date, id);
	CREATE INDEX sessions_parent ON sessions (parent_id);
	CREATE INDEX sessions_kind ON sessions (kind, start_date, id);
	CREATE INDEX sessions_host ON sessions (host_country_code, start_date);
	CREATE INDEX sessions_location_country ON sessions (location_country_code, start_date);
	CREATE TABLE session_topics (
		session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
		topic_id BIGINT NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
		PRIMARY KEY (session_id, topic_id)
	);
	CREATE INDEX session_topics_topic ON session_topics (topic_id, session_id);
	CREATE TABLE session_subject_countries (
		session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
		country_code TEXT NOT NULL REFERENCES countries (code),
		PRIMARY KEY (session_id, country_code)
	);
	CREATE INDEX session_subject_countries_country ON session_subject_countries (country_code, session_id);
	CREATE TABLE participants (
		id {{pk}},
		session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
		official_id BIGINT NOT NULL REFERENCES officials (id) ON DELETE CASCADE,
		role TEXT,
		country_code TEXT REFERENCES countries (code),
		UNIQUE (session_id, official_id)
	);
	CREATE INDEX participants_official ON participants (official_id, session_id);
	CREATE TABLE initiatives (
		id {{pk}},
		slug TEXT NOT NULL UNIQUE,
		title TEXT NOT NULL,
		description TEXT,
		status TEXT NOT NULL,
		proposed_on BIGINT,
		proposed_by_id BIGINT REFERENCES officials (id) ON DELETE SET NULL,
		country_code TEXT REFERENCES countries (code),
		location_city TEXT,
		location_country_code TEXT REFERENCES countries (code),
		location_venue TEXT,
		location_latitude {{float}},
		location_longitude {{float}},
		platform_id BIGINT REFERENCES platforms (id) ON DELETE SET NULL,
		created_at TIMESTAMP NOT NULL,
		updated_at TIMESTAMP NOT NULL
	);
	CREATE INDEX initiatives_status ON initiatives (status, id);
	CREATE INDEX initiatives_country ON initiatives (country_code, id);
	CREATE INDEX initiatives_proposer ON initiatives (proposed_by_id, id);
	CREATE INDEX initiatives_platform ON initiatives (platform_id, id);
	CREATE INDEX initiatives_proposed_on ON initiatives (proposed_on, id);
	CREATE INDEX initiatives_title ON initiatives (title, id);
	CREATE TABLE initiative_status_changes (
		id {{pk}},
		initiative_id BIGINT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
		status TEXT NOT NULL,
		changed_on BIGINT NOT NULL,
		note TEXT
	);
	CREATE INDEX initiative_status_changes_initiative ON initiative_status_changes (initiative_id, changed_on);
	CREATE TABLE initiative_sessions (
		initiative_id BIGINT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
		session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
		PRIMARY KEY (initiative_id, session_id)
	);
	CREATE INDEX initiative_sessions_session ON initiative_sessions (session_id, initiative_id);
	CREATE TABLE initiative_topics (
		initiative_id BIGINT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
		topic_id BIGINT NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
		PRIMARY KEY (initiative_id, topic_id)
	);
	CREATE INDEX initiative_topics_topic ON initiative_topics (topic_id, initiative_id);
	CREATE TABLE statements (
		id {{pk}},
		official_id BIGINT NOT NULL REFERENCES officials (id) ON DELETE RESTRICT,
		session_id BIGINT REFERENCES sessions (id) ON DELETE SET NULL,
		stated_on BIGINT NOT NULL,
		text TEXT NOT NULL,
		created_at TIMESTAMP NOT NULL,
		updated_at TIMESTAMP NOT NULL
	);
	CREATE INDEX statements_official ON statements (official_id, stated_on);
	CREATE INDEX statements_session ON statements (session_id, stated_on);
	CREATE INDEX statements_date ON statements (stated_on, id);
	CREATE TABLE sources (
		id {{pk}},
		title TEXT NOT NULL,
		publisher TEXT,
		url TEXT,
		published_on BIGINT,
		language TEXT,
		excerpt TEXT,
		created_at TIMESTAMP NOT NULL,
		updated_at TIMESTAMP NOT NULL
	);
	CREATE INDEX sources_published_on ON sources (published_on, id);
	CREATE INDEX sources_title ON sources (title, id);
	CREATE TABLE citations (
		id {{pk}},
		source_id BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
		platform_id BIGINT REFERENCES platforms (id) ON DELETE CASCADE,
		session_id BIGINT REFERENCES sessions (id) ON DELETE CASCADE,
		initiative_id BIGINT REFERENCES initiatives (id) ON DELETE CASCADE,
		statement_id BIGINT REFERENCES statements (id) ON DELETE CASCADE,
		excerpt TEXT,
		CHECK ((CASE WHEN platform_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN session_id IS NULL THEN 0 ELSE 1 END)
			+ (CASE WHEN initiative_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN statement_id IS NULL THEN 0 ELSE 1 END) = 1)
	);
	CREATE INDEX citations_source ON citations (source_id);
	CREATE INDEX citations_platform ON citations (platform_id);
	CREATE INDEX citations_session ON citations (session_id);
	CREATE INDEX citations_initiative ON citations (initiative_id);
	CREATE INDEX citations_statement ON citations (statement_id);`},
	// The timeline: entries derived from records, kept in step by every write, and the
	// full-text search index, which each dialect builds its own way.
	{common: `CREATE TABLE timeline_entries (
		id {{pk}},
		kind TEXT NOT NULL,
		date_key BIGINT NOT NULL,
		end_key BIGINT,
		last_key BIGINT NOT NULL,
		title TEXT NOT NULL,
		summary TEXT,
		platform_id BIGINT REFERENCES platforms (id) ON DELETE SET NULL,
		origin TEXT NOT NULL UNIQUE,
		subject_platform_id BIGINT REFERENCES platforms (id) ON DELETE CASCADE,
		subject_session_id BIGINT REFERENCES sessions (id) ON DELETE CASCADE,
		subject_initiative_id BIGINT REFERENCES initiatives (id) ON DELETE CASCADE,
		subject_official_id BIGINT REFERENCES officials (id) ON DELETE CASCADE,
		subject_statement_id BIGINT REFERENCES statements (id) ON DELETE CASCADE,
		position_id BIGINT REFERENCES positions (id) ON DELETE CASCADE,
		status_change_id BIGINT REFERENCES initiative_status_changes (id) ON DELETE CASCADE
	);
	CREATE INDEX timeline_date ON timeline_entries (date_key, id);
	CREATE INDEX timeline_kind ON timeline_entries (kind, date_key, id);
	CREATE INDEX timeline_platform ON timeline_entries (platform_id, date_key, id);
	CREATE INDEX timeline_last ON timeline_entries (last_key, date_key);
	CREATE INDEX timeline_subject_platform ON timeline_entries (subject_platform_id);
	CREATE INDEX timeline_subject_session ON timeline_entries (subject_session_id);
	CREATE INDEX timeline_subject_initiative ON timeline_entries (subject_initiative_id);
	CREATE INDEX timeline_subject_official ON timeline_entries (subject_official_id);
	CREATE INDEX timeline_subject_statement ON timeline_entries (subject_statement_id);
	CREATE INDEX timeline_position ON timeline_entries (position_id);
	CREATE INDEX timeline_status_change ON timeline_entries (status_change_id);
	CREATE TABLE timeline_entry_countries (
		entry_id BIGINT NOT NULL REFERENCES timeline_entries (id) ON DELETE CASCADE,
		country_code TEXT NOT NULL REFERENCES countries (code),
		PRIMARY KEY (entry_id, country_code)
	);
	CREATE INDEX timeline_entry_countries_country ON timeline_entry_countries (country_code, entry_id);
	CREATE TABLE timeline_entry_topics (
		entry_id BIGINT NOT NULL REFERENCES timeline_entries (id) ON DELETE CASCADE,
		topic_id BIGINT NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
		PRIMARY KEY (entry_id, topic_id)
	);
	CREATE INDEX timeline_entry_topics_topic ON timeline_entry_topics (topic_id, entry_id);
	CREATE TABLE timeline_entry_officials (
		entry_id BIGINT NOT NULL REFERENCES timeline_entries (id) ON DELETE CASCADE,
		official_id BIGINT NOT NULL REFERENCES officials (id) ON DELETE CASCADE,
		PRIMARY KEY (entry_id, official_id)
	);
	CREATE INDEX timeline_entry_officials_official ON timeline_entry_officials (official_id, entry_id);`,
		// FTS4 is in the default build of mattn/go-sqlite3 (FTS5 needs a build tag).
		sqlite: `CREATE VIRTUAL TABLE search_index USING fts4(title, body, tokenize=unicode61 "remove_diacritics=2")`,
		postgres: `CREATE TABLE search_index (
		docid BIGINT PRIMARY KEY,
		title TEXT NOT NULL,
		body TEXT NOT NULL,
		document tsvector GENERATED ALWAYS AS (
			setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')) STORED
	);
	CREATE INDEX search_index_document ON search_index USING GIN (document)`},
	// A lower-cased copy of each entry's text for the text filter: SQLite's LOWER and
	// LIKE fold ASCII only, so Go folds it once, on write.
	{common: `ALTER TABLE timeline_entries ADD COLUMN text_key TEXT NOT NULL DEFAULT ''`, after: reindexAll},
	// The entries that span more than their start day, and the long ranges (over a year),
	// that a "from" filter must find however early they began; see timelineScopes.
	{common: `CREATE INDEX timeline_spanning ON timeline_entries (date_key, last_key) WHERE last_key > date_key;
	CREATE INDEX timeline_long ON timeline_entries (last_key, date_key) WHERE last_key - date_key > 9999`},
	// Indexes the benchmarks asked for: the spanning entries readable in page order
	// without touching the table, the long ranges in page order (PostgreSQL's choice), and
	// a session's side sessions (parent_id is mostly NULL, which misleads the planner about
	// the plain index).
	{common: `DROP INDEX timeline_spanning;
	CREATE INDEX timeline_spanning ON timeline_entries (date_key, id, last_key) WHERE last_key > date_key;
	CREATE INDEX timeline_long_by_date ON timeline_entries (date_key, id, last_key) WHERE last_key - date_key > 9999;
	CREATE INDEX sessions_children ON sessions (parent_id, start_date, id) WHERE parent_id IS NOT NULL`},
	// Names and titles sort byte by byte on PostgreSQL as on SQLite, whatever the
	// database's collation (Store.sortable); these indexes serve that order.
	{postgres: `CREATE INDEX countries_name_c ON countries (name COLLATE "C", code);
	CREATE INDEX platforms_name_c ON platforms (name COLLATE "C", id);
	CREATE INDEX topics_name_c ON topics (name COLLATE "C", id);
	CREATE INDEX officials_name_c ON officials (name COLLATE "C", id);
	CREATE INDEX sessions_title_c ON sessions (title COLLATE "C", id);
	CREATE INDEX initiatives_title_c ON initiatives (title COLLATE "C", id);
	CREATE INDEX sources_title_c ON sources (title COLLATE "C", id)`},
}

// migration is one step of the schema: SQL for every dialect, then the dialect's own
// (each dialect's ddl picks its field), then Go code that fills what the SQL added.
type migration struct {
	common, sqlite, postgres string
	after                    func(ctx context.Context, tx *gorm.DB) error
}

// migrate brings the schema up to date and makes sure every ISO country exists.
func (s *Store) migrate(ctx context.Context) error {
	gdb := s.wdb.WithContext(ctx)
	if err := gdb.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`).Error; err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var current int
	if err := gdb.Raw(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current).Error; err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	for v := current + 1; v <= len(migrations); v++ {
		err := gdb.Transaction(func(tx *gorm.DB) error {
			m := migrations[v-1]
			for _, stmt := range strings.Split(s.dialect.ddl(m), ";") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			if m.after != nil {
				if err := m.after(ctx, tx); err != nil {
					return err
				}
			}
			return tx.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, v, time.Now().UTC()).Error
		})
		if err != nil {
			return fmt.Errorf("migrate to version %d: %w", v, err)
		}
		s.log.Info("migrated database", "version", v)
	}
	if current < len(migrations) {
		// New indexes need statistics before the planner will choose them.
		if err := gdb.Exec("ANALYZE").Error; err != nil {
			return fmt.Errorf("migrate: analyze: %w", err)
		}
	}
	// New ISO codes appear now and then; adding missing ones on every start keeps an old
	// database current without touching existing rows.
	countries := model.Countries()
	if err := gdb.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(countries, 500).Error; err != nil {
		return fmt.Errorf("migrate: load countries: %w", err)
	}
	return nil
}

// sql is the SQL of m on a backend whose key column type is pk, whose floating-point
// type is float and whose own SQL for m is own: the common SQL, then its own.
func (m migration) sql(pk, float, own string) string {
	return strings.NewReplacer("{{pk}}", pk, "{{float}}", float).Replace(m.common) + ";" + own
}
