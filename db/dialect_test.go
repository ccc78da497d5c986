package db

import (
	"context"
	"log/slog"
	"testing"

	"gorm.io/gorm"

	"diplomacy-timeline/db/dbtest"
	"diplomacy-timeline/model"
)

// The dialect's SQL for the store's own queries is checked by the tests of those queries
// on each backend; these tests check what the dialect offers to code that runs its own
// statements on database/sql (the synthetic world's writer, the export).

func openDialectTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), dbtest.DSN(t), Options{NoDataset: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestDialectOf(t *testing.T) {
	t.Parallel()
	for dsn, want := range map[string]dialect{
		"postgres://u@h/db":           dialectPostgres,
		"postgresql://u@h/db?x=1":     dialectPostgres,
		"/tmp/world.db":               dialectSQLite,
		"file:world.db?mode=memory":   dialectSQLite,
		"postgres.db":                 dialectSQLite,
		"./postgres://not-a-url.db":   dialectSQLite,
		"POSTGRES://u@h/db-is-a-file": dialectSQLite,
	} {
		if got := dialectOf(dsn); got != want {
			t.Errorf("dialectOf(%q) = %T, want %T", dsn, got, want)
		}
	}
}

func TestPlaceholder(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d    dialect
		n    int
		want string
	}{{dialectSQLite, 1, "?"}, {dialectSQLite, 7, "?"}, {dialectPostgres, 1, "$1"}, {dialectPostgres, 12, "$12"}} {
		if got := c.d.Placeholder(c.n); got != c.want {
			t.Errorf("%T.Placeholder(%d) = %q, want %q", c.d, c.n, got, c.want)
		}
	}
}

// TestResetSequences: after a row written with an explicit key on database/sql, the next
// row the store creates gets the key after it.
func TestResetSequences(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openDialectTest(t)
	sqlDB, err := s.wdb.DB()
	if err != nil {
		t.Fatal(err)
	}
	tx, err := sqlDB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	d := s.dialect
	q := "INSERT INTO topics (id, slug, name) VALUES (" + d.Placeholder(1) + ", " + d.Placeholder(2) + ", " + d.Placeholder(3) + ")"
	if _, err := tx.ExecContext(ctx, q, 1000, "explicit", "Explicit"); err != nil {
		t.Fatal(err)
	}
	if err := d.ResetSequences(ctx, tx, []string{"topics"}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	topic, err := s.CreateTopic(ctx, model.TopicInput{Slug: "next", Name: "Next"})
	if err != nil {
		t.Fatal(err)
	}
	if topic.ID != 1001 {
		t.Errorf("the next topic has ID %d, want 1001", topic.ID)
	}
}

// TestSnapshot: a snapshot sees the state of its first read throughout, while writes go
// on beside it, and refuses to write.
func TestSnapshot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openDialectTest(t)
	topics := func(tx *gorm.DB) int64 {
		var n int64
		if err := tx.Model(&model.Topic{}).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	err := s.dialect.Snapshot(ctx, s.gdb, func(tx *gorm.DB) error {
		if n := topics(tx); n != 0 {
			t.Errorf("%d topics at the start, want 0", n)
		}
		if _, err := s.CreateTopic(ctx, model.TopicInput{Slug: "during", Name: "During"}); err != nil {
			return err
		}
		if n := topics(tx); n != 0 {
			t.Errorf("the snapshot sees %d topics after a write beside it, want 0", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.dialect.Snapshot(ctx, s.gdb, func(tx *gorm.DB) error {
		return tx.Exec("INSERT INTO settings (key, value) VALUES ('snapshot', 'written')").Error
	})
	if err == nil {
		t.Error("a snapshot wrote a row")
	}
	if n := topics(s.read(ctx)); n != 1 {
		t.Errorf("%d topics after the snapshot, want 1", n)
	}
}
