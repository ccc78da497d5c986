package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"diplomacy-timeline/graph"
)

// TestInFlightQueuesAClientBehindItself: with two places per client, a client's third
// request waits for one of its own to finish, while another client is served at once; a
// request whose deadline passes while it waits is refused with 429.
func TestInFlightQueuesAClientBehindItself(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var mu sync.Mutex
	served := map[string]int{}
	f := newInFlight(2)
	h := f.limit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		served[r.URL.Path]++
		mu.Unlock()
		if r.URL.Path == "/slow" {
			<-release
		}
	}))
	do := func(ctx context.Context, client, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, path, nil).WithContext(graph.WithClient(ctx, client))
		h.ServeHTTP(rec, r)
		return rec
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); do(context.Background(), "flood", "/slow") }()
	}
	for { // both slow requests hold their places
		mu.Lock()
		n := served["/slow"]
		mu.Unlock()
		if n == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if rec := do(context.Background(), "bystander", "/fast"); rec.Code != http.StatusOK {
		t.Fatalf("another client: %d, want it served at once", rec.Code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if rec := do(ctx, "flood", "/fast"); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("a third request of the flooding client past its deadline: %d, want 429 with Retry-After", rec.Code)
	}
	queued := make(chan int)
	go func() { queued <- do(context.Background(), "flood", "/fast").Code }()
	select {
	case code := <-queued:
		t.Fatalf("a third request of the flooding client was served (%d) while two were in flight", code)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if code := <-queued; code != http.StatusOK {
		t.Fatalf("the queued request, once a place was free: %d", code)
	}
	wg.Wait()
	if rec := do(graph.WithStream(context.Background()), "flood", "/fast"); rec.Code != http.StatusOK {
		t.Fatalf("a stream: %d, want it not counted", rec.Code)
	}
	if f.mu.Lock(); len(f.clients) != 0 {
		t.Errorf("%d idle clients kept, want none", len(f.clients))
	}
	f.mu.Unlock()
}
