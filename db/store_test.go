package db_test

import (
	"context"
	"path/filepath"
	"testing"

	"diplomacy-timeline/db"
)

// MustOpenDB opens a fresh SQLite database in a temporary directory, with the default
// dataset unless empty is set, and closes it when the test ends.
func MustOpenDB(tb testing.TB, empty bool) *db.Store {
	tb.Helper()
	s, err := db.Open(context.Background(), filepath.Join(tb.TempDir(), "test.db"), db.Options{NoDataset: empty})
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func TestOpenLoadsDatasetOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "restart.db")
	ctx := context.Background()
	for i := range 3 {
		s, err := db.Open(ctx, path, db.Options{})
		if err != nil {
			t.Fatalf("open #%d: %v", i, err)
		}
		conn, err := s.Sessions(ctx, db.SessionScope{}, nil, nil, db.Page{Count: true})
		if err != nil {
			t.Fatal(err)
		}
		if conn.TotalCount != 2 {
			t.Fatalf("open #%d: %d sessions, want 2", i, conn.TotalCount)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
