package db_test

import (
	"context"
	"log/slog"
	"testing"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dbtest"
	"diplomacy-timeline/model"
)

// MustOpenDB opens a database file, failing the test on error, and closes it at the end.
func MustOpenDB(tb testing.TB, path string) *db.Store {
	tb.Helper()
	s, err := db.Open(context.Background(), path, db.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// openEmpty opens a fresh database with nothing but the countries.
func openEmpty(tb testing.TB) *db.Store {
	tb.Helper()
	s, err := db.Open(context.Background(), dbtest.DSN(tb), db.Options{NoDataset: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

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
	ctx := context.Background()
	path := dbtest.DSN(t)

	s := MustOpenDB(t, path)
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
		s := MustOpenDB(t, path)
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
	s = MustOpenDB(t, path)
	if _, err := s.Platform(ctx, "c5-plus-1"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("default dataset loaded into a populated database: %v", err)
	}
}
