package httpapi_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver, to hold the database's write lock

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dataset"
	"diplomacy-timeline/httpapi"
	"diplomacy-timeline/httpapi/apitest"
	"diplomacy-timeline/limits"
)

// TestInFlightPerClient: through the real handler, a client with its one place in flight
// taken (a write waiting for the database) has its next request queued behind it, while
// another client's read is answered at once.
func TestInFlightPerClient(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "diplomacy.db")
	store, err := db.Open(context.Background(), path, db.Options{Seed: dataset.LoadDefault, Logger: apitest.QuietLogger})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.NewHandler(store, httpapi.Options{Token: apitest.Token, Logger: apitest.QuietLogger,
		Limits: limits.Config{MaxInFlight: 1, TrustProxy: true}}))
	t.Cleanup(func() { srv.Close(); _ = store.Close() })

	// Another connection holds the write lock: the flooding client's write waits for it.
	lock, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	conn, err := lock.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	post := func(ip, token, query string) <-chan int {
		done := make(chan int, 1)
		go func() {
			body, _ := json.Marshal(map[string]any{"query": query})
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", ip)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			res, err := srv.Client().Do(req)
			if err != nil {
				done <- 0
				return
			}
			res.Body.Close()
			done <- res.StatusCode
		}()
		return done
	}
	write := post("192.0.2.1", apitest.Token, `mutation { createTopic(input: {slug: "held", name: "Held"}) { id } }`)
	time.Sleep(200 * time.Millisecond) // the write holds the client's place, waiting for the lock
	queued := post("192.0.2.1", "", `{ topics { totalCount } }`)
	select {
	case code := <-queued:
		t.Fatalf("the flooding client's second request was answered (%d) while its first was in flight", code)
	case <-time.After(300 * time.Millisecond):
	}
	select {
	case code := <-post("198.51.100.7", "", `{ topics { totalCount } }`):
		if code != http.StatusOK {
			t.Fatalf("another client's read: %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("another client's read waited behind the flooding client")
	}
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if code := <-write; code != http.StatusOK {
		t.Errorf("the write: %d", code)
	}
	if code := <-queued; code != http.StatusOK {
		t.Errorf("the queued read: %d", code)
	}
}
