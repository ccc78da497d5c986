package db

import (
	"context"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// This file is the seam for the packages that read or write many records at once from
// outside db — the dataset import and export (db/dataset) and the default dataset it
// loads: a write transaction that saves records through the same validating functions the
// mutations use and rebuilds their derived data in the same transaction, and a read
// snapshot. Everything else of the store stays behind its methods.

// Tx is a write transaction of the store, handed to the function of Transact (or of
// Options.Seed). Records are saved through its methods, which check them as the mutations
// do; DB is for the reads and the plain row changes (deleting the rows of a nested list,
// say) around them. The derived data of what changed is brought up to date with Touch.
type Tx struct {
	gdb *gorm.DB
}

// Transact runs fn in one write transaction, queued with every other write (SQLite has
// one writer connection): it commits if fn returns nil and rolls back otherwise, so a
// failed fn changes nothing. Timeline entries that Touch adds reach subscribers once it
// has committed.
func (s *Store) Transact(ctx context.Context, fn func(tx *Tx) error) error {
	return s.write(ctx, func(gdb *gorm.DB) error { return fn(&Tx{gdb: gdb}) })
}

// Snapshot runs fn on one read-only transaction, so that what fn reads is one consistent
// state of the database: writes made meanwhile are either wholly in it or not at all. It
// does not hold up writers (the dialect's Snapshot).
func (s *Store) Snapshot(ctx context.Context, fn func(gdb *gorm.DB) error) error {
	return s.dialect.Snapshot(ctx, s.gdb, fn)
}

// DB returns the transaction's GORM handle.
func (tx *Tx) DB() *gorm.DB { return tx.gdb }

// SaveTopic creates a topic, or updates it when it has an ID, checked as the mutations
// check it.
func (tx *Tx) SaveTopic(ctx context.Context, x *model.Topic) error {
	return saveTopic(ctx, tx.gdb, x)
}

// SaveSource creates or updates a source, checked as the mutations check it.
func (tx *Tx) SaveSource(ctx context.Context, x *model.Source) error {
	return saveSource(ctx, tx.gdb, x)
}

// SavePlatform creates or updates a platform, checked as the mutations check it.
func (tx *Tx) SavePlatform(ctx context.Context, x *model.Platform) error {
	return savePlatform(ctx, tx.gdb, x)
}

// SaveOfficial creates or updates an official, checked as the mutations check it.
func (tx *Tx) SaveOfficial(ctx context.Context, x *model.Official) error {
	return saveOfficial(ctx, tx.gdb, x)
}

// SaveSession creates or updates a session, checked as the mutations check it (its parent
// chain is checked by CheckNoCycle).
func (tx *Tx) SaveSession(ctx context.Context, x *model.Session) error {
	return saveSession(ctx, tx.gdb, x)
}

// SaveInitiative creates or updates an initiative, checked as the mutations check it.
func (tx *Tx) SaveInitiative(ctx context.Context, x *model.Initiative) error {
	return saveInitiative(ctx, tx.gdb, x)
}

// SaveStatement creates or updates a statement, checked as the mutations check it.
func (tx *Tx) SaveStatement(ctx context.Context, x *model.Statement) error {
	return saveStatement(ctx, tx.gdb, x)
}

// AddMember adds a member country to a platform, refusing overlapping memberships as
// addPlatformMember does.
func (tx *Tx) AddMember(ctx context.Context, m *model.PlatformMember) error {
	return addMember(ctx, tx.gdb, m)
}

// AddPosition adds a position to an official, checked as addPosition checks it.
func (tx *Tx) AddPosition(ctx context.Context, p *model.Position) error {
	return addPosition(ctx, tx.gdb, p)
}

// AddParticipant adds an official to a session, or updates their role and country there.
func (tx *Tx) AddParticipant(ctx context.Context, p *model.Participant) error {
	return addParticipant(ctx, tx.gdb, p)
}

// SetStatus records a change of an initiative's status, checked as setInitiativeStatus
// checks it.
func (tx *Tx) SetStatus(ctx context.Context, x *model.Initiative, c *model.InitiativeStatusChange) error {
	return setStatus(ctx, tx.gdb, x, c)
}

// Cite makes the record subject of type typ cite the source, with the excerpt, or updates
// the excerpt of its citation of it.
func (tx *Tx) Cite(ctx context.Context, typ string, subject, source int64, excerpt *string) error {
	return cite(ctx, tx.gdb, typ, subject, source, excerpt)
}

// SetSessionLinks replaces the subject countries and the topics (by key) of a session.
func (tx *Tx) SetSessionLinks(ctx context.Context, session int64, subjectCountries []string, topics []int64) error {
	if err := replaceLinks(ctx, tx.gdb, "session_subject_countries", "session_id", "country_code", session, subjectCountries); err != nil {
		return err
	}
	return replaceLinks(ctx, tx.gdb, "session_topics", "session_id", "topic_id", session, topics)
}

// SetInitiativeLinks replaces the sessions and the topics (by key) of an initiative.
func (tx *Tx) SetInitiativeLinks(ctx context.Context, initiative int64, sessions, topics []int64) error {
	if err := replaceLinks(ctx, tx.gdb, "initiative_sessions", "initiative_id", "session_id", initiative, sessions); err != nil {
		return err
	}
	return replaceLinks(ctx, tx.gdb, "initiative_topics", "initiative_id", "topic_id", initiative, topics)
}

// CheckNoCycle refuses a session whose chain of parents leads back to it.
func (tx *Tx) CheckNoCycle(ctx context.Context, x *model.Session) error {
	return checkNoCycle(ctx, tx.gdb, x)
}

// Subject names a record whose derived data Touch rebuilds: its node type (model.TypeSession,
// …) and key.
type Subject struct {
	Type string
	ID   int64
}

// Touch rebuilds the timeline entries and the search documents of the subjects from what
// the transaction holds now, a batch of each type at a time; a subject that no longer
// exists loses them. Entries keep their IDs where their origin stays.
func (tx *Tx) Touch(ctx context.Context, subjects ...Subject) error {
	list := make([]subject, len(subjects))
	for i, s := range subjects {
		list[i] = subject{s.Type, s.ID}
	}
	return touch(ctx, tx.gdb, list...)
}

// MarkFilled records, unless a mark is there already, that the database was filled by
// how ("imported"), so that Open never loads the default dataset on top of it.
func (tx *Tx) MarkFilled(ctx context.Context, how string) error {
	return tx.gdb.WithContext(ctx).Exec("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", datasetKey, how).Error
}

// CitingColumn is the column of the citations table that holds a citing record of the
// node type typ ("" for a type that cites nothing).
func CitingColumn(typ string) string { return citingColumns[typ] }

// WhereIn loads the rows of T whose column col is one of keys, ordered by order (or as
// the database returns them when it is "").
func WhereIn[T any, K comparable](ctx context.Context, gdb *gorm.DB, col string, keys []K, order string) ([]*T, error) {
	return whereIn[T](ctx, gdb, col, keys, order)
}

// Pairs loads the rows of a link table for owners: each owner's targets, ordered.
func Pairs[K any](gdb *gorm.DB, table, ownerCol, targetCol string, owners []int64) (map[int64][]K, error) {
	return pairs[K](gdb, table, ownerCol, targetCol, owners)
}

// Fold removes diacritics ("Álmá" → "Alma"), as search does; the dataset export derives
// the keys of sources with it.
func Fold(s string) string { return fold(s) }
