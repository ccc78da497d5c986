package graph_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"diplomacy-timeline/httpapi"
	"diplomacy-timeline/httpapi/apitest"
	"diplomacy-timeline/limits"
)

// rawSocket is a websocket to /graphql with what it received: its messages (pings,
// pongs and keep-alives aside) and, once it ends, how.
type rawSocket struct {
	t      *testing.T
	conn   *websocket.Conn
	msgs   chan map[string]any
	closed chan error // the error that ended reading: a websocket.CloseError for a close
}

// dialSocket opens a websocket of the subprotocol, without sending anything.
func dialSocket(t *testing.T, baseURL, subprotocol string) *rawSocket {
	t.Helper()
	conn, _, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(baseURL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{subprotocol}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	s := &rawSocket{t: t, conn: conn, msgs: make(chan map[string]any, 64), closed: make(chan error, 1)}
	go func() {
		for {
			var m map[string]any
			if err := wsjson.Read(context.Background(), conn, &m); err != nil {
				s.closed <- err
				close(s.msgs)
				return
			}
			switch m["type"] {
			case "ping", "pong", "ka":
			default:
				s.msgs <- m
			}
		}
	}()
	return s
}

// openSocket opens a websocket of the subprotocol and has it acknowledged.
func openSocket(t *testing.T, baseURL, subprotocol string) *rawSocket {
	t.Helper()
	s := dialSocket(t, baseURL, subprotocol)
	s.send(map[string]any{"type": "connection_init"})
	if m := s.next(5 * time.Second); m == nil || m["type"] != "connection_ack" {
		t.Fatalf("connection_init: %v, want connection_ack", m)
	}
	return s
}

func (s *rawSocket) send(m map[string]any) {
	s.t.Helper()
	if err := wsjson.Write(context.Background(), s.conn, m); err != nil {
		s.t.Fatalf("send %v: %v", m, err)
	}
}

// next returns the next message, or nil when none comes within wait or the socket ended.
func (s *rawSocket) next(wait time.Duration) map[string]any {
	select {
	case m := <-s.msgs:
		return m
	case <-time.After(wait):
		return nil
	}
}

// closeCode waits up to wait for the socket to end and returns the code it was closed
// with: -1 for an end without a close frame, 0 when it is still open.
func (s *rawSocket) closeCode(wait time.Duration) websocket.StatusCode {
	s.t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case m, ok := <-s.msgs:
			if ok {
				s.t.Logf("before the close: %v", m)
			}
		case err := <-s.closed:
			s.closed <- err
			return websocket.CloseStatus(err)
		case <-deadline:
			return 0
		}
	}
}

// TestWebsocketInitTimeout: a websocket that does not send connection_init within the
// init timeout is closed with 4408, in either protocol; one that did stays open.
func TestWebsocketInitTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	s := apitest.MustOpenServerWith(t, true, httpapi.Options{Limits: limits.Config{WebsocketInitTimeout: timeout}})
	for _, protocol := range []string{"graphql-transport-ws", "graphql-ws"} {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			silent := dialSocket(t, s.URL, protocol)
			initialised := openSocket(t, s.URL, protocol)
			if code := silent.closeCode(10 * time.Second); code != 4408 {
				t.Fatalf("a websocket without connection_init: close code %d, want 4408", code)
			}
			time.Sleep(timeout) // the initialised one is past its timeout too
			start := "subscribe"
			if protocol == "graphql-ws" {
				start = "start"
			}
			initialised.send(map[string]any{"id": "q", "type": start, "payload": map[string]any{"query": `{ __typename }`}})
			if m := initialised.next(5 * time.Second); m == nil || m["id"] != "q" {
				t.Fatalf("an initialised websocket after the init timeout: %v, want the answer to q", m)
			}
		})
	}
}

// TestWebsocketDuplicateID: a subscribe with the id of an operation still running on the
// connection closes it with 4409 (gqlgen ran both, the first beyond the client's reach);
// an id is the client's to use again once it has completed the operation, and the old
// operation's end is not taken for the new one's.
func TestWebsocketDuplicateID(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	subscribe := func(id string) map[string]any {
		return map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": subQuery}}
	}

	t.Run("an id in use", func(t *testing.T) {
		ws := openSocket(t, s.URL, "graphql-transport-ws")
		ws.send(subscribe("a"))
		ws.send(subscribe("a"))
		if code := ws.closeCode(5 * time.Second); code != 4409 {
			t.Fatalf("a second subscribe of a running id: close code %d, want 4409", code)
		}
	})

	t.Run("an id in use, graphql-ws", func(t *testing.T) {
		ws := openSocket(t, s.URL, "graphql-ws")
		start := map[string]any{"id": "a", "type": "start", "payload": map[string]any{"query": subQuery}}
		ws.send(start)
		ws.send(start)
		if code := ws.closeCode(5 * time.Second); code != 4409 {
			t.Fatalf("a second start of a running id: close code %d, want 4409", code)
		}
	})

	t.Run("an id in use, of a long id", func(t *testing.T) {
		ws := openSocket(t, s.URL, "graphql-transport-ws")
		id := strings.Repeat("é", 200) // the reason is cut to fit a close frame
		ws.send(subscribe(id))
		ws.send(subscribe(id))
		if code := ws.closeCode(5 * time.Second); code != 4409 {
			t.Fatalf("a second subscribe of a running id: close code %d, want 4409", code)
		}
	})

	t.Run("an id completed and used again", func(t *testing.T) {
		ws := openSocket(t, s.URL, "graphql-transport-ws")
		ws.send(subscribe("b"))
		ws.send(map[string]any{"id": "b", "type": "complete"})
		ws.send(subscribe("b"))
		time.Sleep(200 * time.Millisecond) // the subscription registers before the write
		s.MustCreateSession(t, "reused-id", "2024-03-01", nil)
		m := ws.next(5 * time.Second)
		if m == nil || m["id"] != "b" || m["type"] != "next" {
			t.Fatalf("the second subscription b: %v, want the session", m)
		}
		var payload struct {
			Data struct{ TimelineEntryAdded struct{ Kind string } }
		}
		raw, _ := json.Marshal(m["payload"])
		if err := json.Unmarshal(raw, &payload); err != nil || payload.Data.TimelineEntryAdded.Kind != "SESSION" {
			t.Fatalf("the second subscription b: %s, want the session", raw)
		}
		if m := ws.next(300 * time.Millisecond); m != nil {
			t.Fatalf("then %v; want nothing: the first b was completed by the client", m)
		}
		// The new b can be stopped: completing it delivers nothing more.
		ws.send(map[string]any{"id": "b", "type": "complete"})
		time.Sleep(200 * time.Millisecond)
		s.MustCreateSession(t, "after-complete", "2024-03-02", nil)
		if m := ws.next(500 * time.Millisecond); m != nil {
			t.Fatalf("after completing b: %v, want nothing", m)
		}
		if code := ws.closeCode(0); code != 0 {
			t.Fatalf("the socket closed with %d", code)
		}
	})
}

// TestWebsocketSecondInit: graphql-transport-ws closes a connection that sends
// connection_init twice with 4429 "Too many initialisation requests".
func TestWebsocketSecondInit(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	sock := openSocket(t, s.URL, "graphql-transport-ws")
	sock.send(map[string]any{"type": "connection_init"})
	if code := sock.closeCode(5 * time.Second); code != 4429 {
		t.Fatalf("a second connection_init: close code %d, want 4429", code)
	}
}
