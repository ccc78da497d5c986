package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dataset"
	"diplomacy-timeline/httpapi"
	"diplomacy-timeline/httpapi/apitest"
)

// TestDatabaseFileGone: when the SQLite file is removed, or replaced by another, while the
// server runs, readiness turns 503 and writes are refused with UNAVAILABLE instead of
// being acknowledged and written to a file nobody will read.
func TestDatabaseFileGone(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		lose func(t *testing.T, dir, path string)
	}{
		{"directory removed", func(t *testing.T, dir, _ string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		}},
		{"file replaced", func(t *testing.T, _, path string) {
			other := path + ".other"
			if err := os.WriteFile(other, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(other, path); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "diplomacy.db")
			store, err := db.Open(context.Background(), path, db.Options{Seed: dataset.LoadDefault, Logger: apitest.QuietLogger})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(httpapi.NewHandler(store, httpapi.Options{Token: apitest.Token, Logger: apitest.QuietLogger}))
			t.Cleanup(func() { srv.Close(); _ = store.Close() })
			s := &apitest.Server{Server: srv, Store: store}
			ready := func() int {
				res, err := srv.Client().Get(srv.URL + "/readyz")
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode
			}
			create := `mutation($s: String!) { createTopic(input: {slug: $s, name: $s}) { id } }`
			if code := ready(); code != http.StatusOK {
				t.Fatalf("readyz before: %d", code)
			}
			s.Mutate(t, create, map[string]any{"s": "before"}, nil)

			c.lose(t, dir, path)
			if code := ready(); code != http.StatusServiceUnavailable {
				t.Errorf("readyz after: %d, want 503", code)
			}
			if code := s.Do(t, apitest.Token, create, map[string]any{"s": "after"}).Code(t); code != "UNAVAILABLE" {
				t.Errorf("a write after: %s, want UNAVAILABLE", code)
			}
		})
	}
}
