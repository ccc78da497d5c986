package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"diplomacy-timeline/httpapi"
	"diplomacy-timeline/httpapi/apitest"
	"diplomacy-timeline/limits"
)

// TestStreamsInAll: the server holds a bounded number of websockets and event streams
// open whoever the clients are; one more, from a client that holds none, is refused with
// 503, Retry-After and UNAVAILABLE, and closing one makes room.
func TestStreamsInAll(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServerWith(t, true, httpapi.Options{Limits: limits.Config{MaxStreams: 5, MaxStreamsTotal: 2, TrustProxy: true}})
	sse := func(ctx context.Context, client string) *http.Response {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": `subscription { timelineEntryAdded { id } }`})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "text/event-stream")
		req.Header.Set("X-Forwarded-For", client)
		res, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	wantUnavailable := func(what string, res *http.Response) {
		t.Helper()
		var body struct {
			Errors []struct{ Extensions struct{ Code string } }
		}
		if res.StatusCode != http.StatusServiceUnavailable { // an open stream's body never ends
			res.Body.Close()
			t.Fatalf("%s: %d, want 503", what, res.StatusCode)
		}
		raw, _ := io.ReadAll(res.Body)
		_ = json.Unmarshal(raw, &body)
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
			len(body.Errors) != 1 || body.Errors[0].Extensions.Code != "UNAVAILABLE" {
			t.Fatalf("%s: %d, Retry-After %q, %s; want 503 with Retry-After, UNAVAILABLE", what, res.StatusCode, res.Header.Get("Retry-After"), raw)
		}
	}

	header := http.Header{"X-Forwarded-For": {"192.0.2.1"}}
	ws, _, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(s.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: header})
	if err != nil {
		t.Fatalf("the first stream, a websocket: %v", err)
	}
	defer ws.CloseNow()
	second, closeSecond := context.WithCancel(context.Background())
	defer closeSecond()
	if res := sse(second, "192.0.2.2"); res.StatusCode != http.StatusOK {
		t.Fatalf("the second stream, of another client: %d", res.StatusCode)
	}

	third := sse(context.Background(), "192.0.2.3")
	wantUnavailable("a third stream, of a third client", third)
	third.Body.Close()
	header.Set("X-Forwarded-For", "192.0.2.4")
	_, res, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(s.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: header})
	if err == nil {
		t.Fatal("a third stream as a websocket was accepted")
	}
	wantUnavailable("a third stream as a websocket", res)

	closeSecond()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		res := sse(context.Background(), "192.0.2.3")
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after closing a stream, a new one: %d", res.StatusCode)
		}
	}
}
