package db_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dataset"
	"diplomacy-timeline/db/dbtest"
	"diplomacy-timeline/db/dbtest/storetest"
	"diplomacy-timeline/model"
)

func count(tb testing.TB, s *db.Store) (sessions, topics, countries int) {
	tb.Helper()
	ctx := context.Background()
	ss, err := s.Sessions(ctx, db.SessionScope{}, nil, nil, db.Page{Count: true})
	if err != nil {
		tb.Fatal(err)
	}
	ts, err := s.Topics(ctx, nil, nil, db.Page{Count: true})
	if err != nil {
		tb.Fatal(err)
	}
	cs, err := s.Countries(ctx, nil, nil, db.Page{Count: true})
	if err != nil {
		tb.Fatal(err)
	}
	return ss.TotalCount, ts.TotalCount, cs.TotalCount
}

// TestRestartIsIdempotent opens the same file again and again: the default dataset is
// loaded once, what was written stays, and what was deleted does not come back.
func TestRestartIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := dbtest.DSN(t)

	s := storetest.Open(t, path)
	sessions, topics, countries := count(t, s)
	if sessions != 2 || topics != 7 || countries != 249 {
		t.Fatalf("first start: %d sessions, %d topics, %d countries; want 2, 7, 249", sessions, topics, countries)
	}
	if _, err := s.CreateTopic(ctx, model.TopicInput{Slug: "water", Name: "Water"}); err != nil {
		t.Fatal(err)
	}
	meeting, err := s.Session(ctx, "west-umarov-meeting-2023")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, meeting.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	for i := range 2 {
		s := storetest.Open(t, path)
		sessions, topics, countries := count(t, s)
		if sessions != 1 || topics != 8 || countries != 249 {
			t.Fatalf("restart #%d: %d sessions, %d topics, %d countries; want 1, 8, 249", i+1, sessions, topics, countries)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestNoDatasetIntoAPopulatedDatabase checks that the default dataset never lands in a
// database that already holds data of its own.
func TestNoDatasetIntoAPopulatedDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := dbtest.DSN(t)
	s, err := db.Open(ctx, path, db.Options{NoDataset: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreatePlatform(ctx, model.PlatformInput{Slug: "mine", Name: "Mine", Kind: model.PlatformKindForum}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = storetest.Open(t, path)
	if _, err := s.Platform(ctx, "c5-plus-1"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("default dataset loaded into a populated database: %v", err)
	}
}

// TestOpenNeedsASeed checks that Open refuses to guess what a new database holds: without
// a Seed it must be told NoDataset.
func TestOpenNeedsASeed(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "test.db")
	_, err := db.Open(context.Background(), path, db.Options{Logger: slog.New(slog.DiscardHandler)})
	if err == nil || !strings.Contains(err.Error(), "Seed") {
		t.Fatalf("open without a seed: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused open created the database: %v", err)
	}
}

// TestSeedIsOneTransactionWithTheMark checks that the seed runs once, in the transaction
// that records the mark: a seed that fails leaves neither its records nor the mark, so
// the next start seeds again; once seeded, a database is never seeded again.
func TestSeedIsOneTransactionWithTheMark(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := dbtest.DSN(t)
	quiet := slog.New(slog.DiscardHandler)
	calls := 0
	failing := func(ctx context.Context, tx *db.Tx) error {
		calls++
		if err := tx.SaveTopic(ctx, &model.Topic{Slug: "half-done", Name: "Half done"}); err != nil {
			return err
		}
		return errors.New("the seed broke")
	}
	if _, err := db.Open(ctx, path, db.Options{Seed: failing, Logger: quiet}); err == nil || !strings.Contains(err.Error(), "the seed broke") {
		t.Fatalf("open with a failing seed: %v", err)
	}
	s, err := db.Open(ctx, path, db.Options{NoDataset: true, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if _, topics, _ := count(t, s); topics != 0 {
		t.Fatalf("a failed seed left %d topics", topics)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	counting := func(ctx context.Context, tx *db.Tx) error {
		calls++
		return dataset.LoadDefault(ctx, tx)
	}
	for range 3 {
		s, err := db.Open(ctx, path, db.Options{Seed: counting, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if sessions, topics, _ := count(t, s); sessions != 2 || topics != 7 {
			t.Fatalf("after seeding: %d sessions, %d topics; want 2, 7", sessions, topics)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 2 {
		t.Fatalf("the seed ran %d times, want 2 (the failed one and the one that loaded)", calls)
	}
}

// TestDefaultDatasetIsNotAnnounced: the default dataset, loaded while the store opens,
// reaches no subscription made after Open returns. (On PostgreSQL its NOTIFY would reach
// the store's own listener late and be delivered to such a subscription.)
func TestDefaultDatasetIsNotAnnounced(t *testing.T) {
	t.Parallel()
	s := storetest.Default(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	entries := s.SubscribeEntries(ctx)
	select {
	case id := <-entries:
		t.Fatalf("entry %d of the default dataset announced to a later subscription", id)
	case <-time.After(700 * time.Millisecond):
	}
	// A write after it is announced.
	founded := model.MustParseDate("2024")
	platform, err := s.CreatePlatform(ctx, model.PlatformInput{Slug: "new-format", Name: "New format", Kind: model.PlatformKindFormat, Founded: &founded})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-entries:
	case <-time.After(5 * time.Second):
		t.Fatalf("the founding of %s was not announced", platform.Slug)
	}
}
