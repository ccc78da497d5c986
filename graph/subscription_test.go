package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"diplomacy-timeline/httpapi/apitest"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dbtest"
	"diplomacy-timeline/httpapi"
	"diplomacy-timeline/limits"
)

const subQuery = `subscription($f: TimelineFilter) { timelineEntryAdded(filter: $f) { kind title platform { slug } countries { code } } }`

// wsSubscribe opens a graphql-transport-ws subscription and returns a function that waits
// for the next entry's title (or "" on timeout).
func wsSubscribe(t *testing.T, baseURL string, filter map[string]any) func(time.Duration) (string, string) {
	t.Helper()
	send, msgs := wsConn(t, baseURL)
	vars := map[string]any{}
	if filter != nil {
		vars["f"] = filter
	}
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": subQuery, "variables": vars}})
	// Give the server a moment to register the subscription before the test writes.
	time.Sleep(150 * time.Millisecond)
	return func(wait time.Duration) (kind, title string) {
		select {
		case m, ok := <-msgs:
			if !ok {
				return "", ""
			}
			if m["type"] != "next" {
				t.Fatalf("unexpected message %v", m)
			}
			e := m["payload"].(map[string]any)["data"].(map[string]any)["timelineEntryAdded"].(map[string]any)
			return e["kind"].(string), e["title"].(string)
		case <-time.After(wait):
			return "", ""
		}
	}
}

func TestSubscriptionOverWebsocket(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	all := wsSubscribe(t, s.URL, nil)
	statementsOnly := wsSubscribe(t, s.URL, map[string]any{"kinds": []string{"STATEMENT"}})
	kz := wsSubscribe(t, s.URL, map[string]any{"countries": []string{"KZ"}})

	o := s.MustCreateOfficial(t, "speaker", map[string]any{"countryCode": "KZ"})
	s.MustCreateSession(t, "talks-in-paris", "2024-03-01", map[string]any{"title": "Talks in Paris", "hostCountryCode": "FR"})
	if kind, title := all(5 * time.Second); kind != "SESSION" || title != "Talks in Paris" {
		t.Fatalf("unfiltered subscriber got %q %q, want the session", kind, title)
	}
	s.MustCreateStatement(t, o, "2024-03-01", map[string]any{"text": "We welcome the talks."})
	if kind, _ := all(5 * time.Second); kind != "STATEMENT" {
		t.Fatalf("unfiltered subscriber got %q, want the statement", kind)
	}
	if kind, _ := statementsOnly(5 * time.Second); kind != "STATEMENT" {
		t.Fatalf("kinds filter: got %q first, want the statement (the session must be skipped)", kind)
	}
	if kind, _ := kz(5 * time.Second); kind != "STATEMENT" {
		t.Fatalf("countries filter: got %q first, want the KZ statement (the FR session must be skipped)", kind)
	}
	// A failed write announces nothing.
	r := s.Do(t, apitest.Token, `mutation { createSession(input: {slug: "talks-in-paris", title: "Dup", kind: OTHER, start: "2024"}) { id } }`, nil)
	if r.Code(t) != "CONFLICT" {
		t.Fatalf("duplicate slug: %v", r.Codes())
	}
	if kind, title := all(500 * time.Millisecond); kind != "" {
		t.Fatalf("a failed write was announced: %q %q", kind, title)
	}
}

func TestSubscriptionOverSSE(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	body, _ := json.Marshal(map[string]any{"query": subQuery, "variables": map[string]any{"f": map[string]any{"kinds": []string{"SESSION"}}}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("Content-Type %q", res.Header.Get("Content-Type"))
	}
	events := make(chan string, 8)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data:"); ok && strings.Contains(data, "timelineEntryAdded") {
				events <- data
			}
		}
		close(events)
	}()
	time.Sleep(150 * time.Millisecond)
	s.MustCreateTopic(t, "water", nil) // no timeline entry
	s.MustCreateSession(t, "water-forum", "2024-05", map[string]any{"title": "Water forum"})
	select {
	case data := <-events:
		var payload struct {
			Data struct {
				TimelineEntryAdded struct{ Kind, Title string } `json:"timelineEntryAdded"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(data), &payload); err != nil {
			t.Fatalf("event %q: %v", data, err)
		}
		if payload.Data.TimelineEntryAdded.Title != "Water forum" {
			t.Fatalf("event %+v", payload)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event over SSE")
	}
}

func TestSubscriptionBadFilter(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	body, _ := json.Marshal(map[string]any{"query": subQuery, "variables": map[string]any{"f": map[string]any{"countries": []string{"KAZ"}}}})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data:"); ok {
			if !strings.Contains(data, "BAD_USER_INPUT") {
				t.Fatalf("bad filter: %s", data)
			}
			return
		}
	}
	t.Fatal("no error event for a bad filter")
}

// TestSubscriptionAcrossReplicas runs two servers on one PostgreSQL database: a client of
// replica A sees a write made through replica B.
func TestSubscriptionAcrossReplicas(t *testing.T) {
	t.Parallel()
	if !dbtest.Postgres() {
		t.Skip("needs PostgreSQL: set " + dbtest.EnvURL)
	}
	dsn := dbtest.DSN(t)
	replica := func() *apitest.Server {
		store, err := db.Open(context.Background(), dsn, db.Options{NoDataset: true, Logger: apitest.QuietLogger})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(httpapi.NewHandler(store, httpapi.Options{Token: apitest.Token, Logger: apitest.QuietLogger}))
		t.Cleanup(func() { srv.Close(); _ = store.Close() })
		return &apitest.Server{Server: srv, Store: store}
	}
	a, b := replica(), replica()
	next := wsSubscribe(t, a.URL, nil)
	time.Sleep(300 * time.Millisecond) // replica A's LISTEN connection
	b.MustCreateSession(t, "written-on-b", "2025-01-15", map[string]any{"title": "Written on B"})
	if kind, title := next(10 * time.Second); title != "Written on B" {
		t.Fatalf("replica A's subscriber got %q %q, want the session written on B", kind, title)
	}
}

// wsConn opens a graphql-transport-ws connection, acknowledged, and returns a function
// that sends a message and a channel of what the server sends (pings aside).
func wsConn(t *testing.T, baseURL string) (send func(map[string]any), recv <-chan map[string]any) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(baseURL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.Close(websocket.StatusNormalClosure, "") })
	send = func(m map[string]any) {
		if err := wsjson.Write(ctx, conn, m); err != nil {
			t.Fatal(err)
		}
	}
	send(map[string]any{"type": "connection_init"})
	var ack map[string]any
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack["type"] != "connection_ack" {
		t.Fatalf("connection_ack: %v %v", ack, err)
	}
	msgs := make(chan map[string]any, 256)
	go func() {
		defer close(msgs)
		for {
			var m map[string]any
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				return
			}
			if m["type"] != "ping" && m["type"] != "pong" {
				msgs <- m
			}
		}
	}()
	return send, msgs
}

// wsErrorCode returns the code of the first error a "next" message carries, or "".
func wsErrorCode(m map[string]any) string {
	payload, _ := m["payload"].(map[string]any)
	errs, _ := payload["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
	code, _ := ext["code"].(string)
	return code
}

// TestWebsocketLimits: a websocket is no way around the request budget — each operation
// on it takes a token — and holds a bounded number of subscriptions at once.
func TestWebsocketLimits(t *testing.T) {
	t.Parallel()
	t.Run("every operation takes a token", func(t *testing.T) {
		s := apitest.MustOpenServerWith(t, false, httpapi.Options{Limits: limits.Config{Rate: 1, Burst: 10}})
		send, recv := wsConn(t, s.URL) // the upgrade takes one token
		for i := range 30 {
			send(map[string]any{"id": fmt.Sprint("q", i), "type": "subscribe", "payload": map[string]any{"query": `{ __typename }`}})
		}
		answered, limited := 0, 0
		for answered+limited < 30 {
			select {
			case m := <-recv:
				switch {
				case m["type"] == "complete":
				case wsErrorCode(m) == "RATE_LIMITED":
					limited++
				case m["type"] == "next" && wsErrorCode(m) == "":
					answered++
				default:
					t.Fatalf("unexpected message %v", m)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("after %d answers and %d refusals, nothing more", answered, limited)
			}
		}
		if answered < 8 || answered > 10 || limited < 20 {
			t.Errorf("30 operations at once on one socket: %d answered, %d refused; want the burst's 9 or so answered, the rest refused", answered, limited)
		}
	})

	t.Run("subscriptions per connection", func(t *testing.T) {
		s := apitest.MustOpenServerWith(t, false, httpapi.Options{Limits: limits.Config{MaxSubscriptions: 3}})
		send, recv := wsConn(t, s.URL)
		sub := func(id string) {
			send(map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": subQuery}})
		}
		for _, id := range []string{"s1", "s2", "s3", "s4"} {
			sub(id)
		}
		refusal := func() map[string]any {
			t.Helper()
			select {
			case m := <-recv:
				return m
			case <-time.After(2 * time.Second):
				return nil
			}
		}
		// They start concurrently: one of the four, whichever came last, is refused.
		m := refusal()
		if m == nil || wsErrorCode(m) != "SUBSCRIPTION_LIMIT_EXCEEDED" {
			t.Fatalf("four subscriptions with room for three: %v, want SUBSCRIPTION_LIMIT_EXCEEDED", m)
		}
		refused := m["id"]
		if m := refusal(); m == nil || m["type"] != "complete" || m["id"] != refused {
			t.Fatalf("after the refusal: %v, want %v completed", m, refused)
		}
		if m := refusal(); m != nil {
			t.Fatalf("then %v, want the other three to run quietly", m)
		}
		// Completing one makes room for another.
		running := "s1"
		if refused == "s1" {
			running = "s2"
		}
		send(map[string]any{"id": running, "type": "complete"})
		time.Sleep(200 * time.Millisecond)
		sub("s5")
		for m := refusal(); m != nil; m = refusal() {
			if m["type"] != "complete" || m["id"] != running { // gqlgen confirms the completion
				t.Errorf("a subscription after one was completed: %v, want it to run quietly", m)
			}
		}
	})
}

// TestStreamsAndDeadlines: only a subscription streams without a deadline. A query over
// SSE or over a websocket keeps the request deadline, and a subscription sent as a plain
// request is refused at once.
func TestStreamsAndDeadlines(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServerWith(t, false, httpapi.Options{Limits: limits.Config{Timeout: time.Nanosecond}})
	const query = `{ timeline(first: 100) { totalCount nodes { title } } }`

	t.Run("a query over SSE", func(t *testing.T) {
		body, _ := json.Marshal(map[string]any{"query": query})
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "text/event-stream")
		res, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body) // the stream ends with the one answer
		if strings.Contains(string(raw), `"totalCount"`) || !strings.Contains(string(raw), "TIMEOUT") {
			t.Errorf("a query over SSE under a 1 ns deadline answered %.300s, want TIMEOUT", raw)
		}
	})

	t.Run("a query over a websocket", func(t *testing.T) {
		send, recv := wsConn(t, s.URL)
		send(map[string]any{"id": "q", "type": "subscribe", "payload": map[string]any{"query": query}})
		select {
		case m := <-recv:
			if code := wsErrorCode(m); code != "TIMEOUT" {
				t.Errorf("a query over a websocket under a 1 ns deadline: %v, want TIMEOUT", m)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no answer")
		}
	})

	t.Run("a subscription as a plain request", func(t *testing.T) {
		start := time.Now()
		r := s.Do(t, "", `subscription { timelineEntryAdded { id } }`, nil)
		if r.Status != http.StatusBadRequest || r.Code(t) != "BAD_REQUEST" {
			t.Errorf("status %d, errors %+v; want 400 BAD_REQUEST", r.Status, r.Errors)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("refused after %v, not at once", time.Since(start))
		}
	})
}

// TestStreamsPerClient: a client holds a bounded number of websockets and event streams
// open; closing one makes room.
func TestStreamsPerClient(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServerWith(t, false, httpapi.Options{Limits: limits.Config{MaxStreams: 2}})
	sse := func(ctx context.Context) *http.Response {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": `subscription { timelineEntryAdded { id } }`})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "text/event-stream")
		res, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	wsConn(t, s.URL) // one websocket
	first, closeFirst := context.WithCancel(context.Background())
	defer closeFirst()
	if res := sse(first); res.StatusCode != http.StatusOK {
		t.Fatalf("the second stream: %d", res.StatusCode)
	}
	third := sse(context.Background())
	third.Body.Close()
	if third.StatusCode != http.StatusTooManyRequests || third.Header.Get("Retry-After") == "" {
		t.Fatalf("the third stream: %d, want 429 with Retry-After", third.StatusCode)
	}
	_, _, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(s.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err == nil {
		t.Fatal("a third stream as a websocket was accepted")
	}
	closeFirst()
	deadline := time.Now().Add(5 * time.Second)
	for {
		res := sse(context.Background())
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after closing a stream, a new one: %d", res.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
