package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// gqlgen's transport.Websocket runs the websocket protocols (graphql-transport-ws, and the
// older graphql-ws of subscriptions-transport-ws); guardedWebsockets wraps each connection
// it accepts, sees every message that passes, and enforces what gqlgen does not:
//
//   - A connection that has not sent connection_init within the init timeout is closed with
//     4408, as graphql-transport-ws says. gqlgen's own InitTimeout closes it with 1002
//     Protocol Error instead, which the graphql-ws client takes for fatal and does not
//     retry (isFatalInternalCloseCode), where it retries 4408.
//   - A subscribe with the id of an operation still running on the connection closes it with
//     4409 "Subscriber for <id> already exists". gqlgen keeps one cancel function per id: the
//     second operation's replaced the first's, which then ran on with no way for the client
//     to stop it short of closing the socket.
//   - Ids are the client's to reuse as soon as it has sent complete (graphql-transport-ws;
//     stop in graphql-ws), while gqlgen still winds the old operation down. So gqlgen sees
//     ids of its own, one per operation, and the client's are put back on what it sends;
//     nothing more of an operation the client stopped reaches it — not gqlgen's closing
//     complete, which it would take for the end of the new operation of the same id — nor a
//     complete after an error, which already ended the operation.
//   - A connection closed because the server ends its context — only Streams.Close, on
//     shutdown, does (package httpapi) — closes with 1001 Going Away, RFC 6455's code for a
//     server going down, rather than gqlgen's 1000 Normal Closure, which says the
//     connection has done its work.

// Close codes: RFC 6455's Going Away, and graphql-transport-ws's.
const (
	closeGoingAway        = 1001
	closeInitTimeout      = 4408
	closeSubscriberExists = 4409
	closeTooManyInits     = 4429
)

// maxCloseReason is the longest reason a close frame carries (125 bytes of control frame
// payload less the 2 of the code); coder/websocket replaces a longer one, and the code,
// with 1011 Internal Error.
const maxCloseReason = 123

var (
	errInitTimeout      = errors.New("websocket: no connection_init within the init timeout")
	errTooManyInits     = errors.New("websocket: a second connection_init")
	errSubscriberExists = errors.New("websocket: subscribe with the id of a running operation")
)

// guardedWebsockets accepts websockets with the implementation it wraps and guards each
// (see above).
type guardedWebsockets struct {
	transport.WebsocketImplementation
	initTimeout time.Duration
}

func (g guardedWebsockets) Accept(w http.ResponseWriter, r *http.Request, options transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := g.WebsocketImplementation.Accept(w, r, options)
	if err != nil {
		return nil, err
	}
	c := &guardedConn{WebsocketConn: conn, ctx: r.Context(), running: map[string]string{}, ops: map[string]*wsOperation{}}
	if conn.Subprotocol() == "graphql-transport-ws" {
		c.subscribe, c.stop = "subscribe", "complete"
	} else { // graphql-ws, which gqlgen also takes when the client names no subprotocol
		c.subscribe, c.stop = "start", "stop"
	}
	c.initTimer = time.AfterFunc(g.initTimeout, c.initTimedOut)
	return c, nil
}

// guardedConn is one websocket: the connection gqlgen reads and writes, and what the
// guard knows of its operations.
type guardedConn struct {
	transport.WebsocketConn
	ctx             context.Context // the request's, which only shutdown ends
	subscribe, stop string          // the client's message types that start and stop an operation
	initTimer       *time.Timer

	mu       sync.Mutex
	initDone bool                    // connection_init came in time
	timedOut bool                    // it did not, and the connection is closing
	seq      uint64                  // the last id given to gqlgen
	running  map[string]string       // client's id → gqlgen's, of operations the client has not stopped
	ops      map[string]*wsOperation // gqlgen's id → its operation, until its complete or error
}

// wsOperation is an operation gqlgen runs on the connection.
type wsOperation struct {
	id      string // the client's
	stopped bool   // the client sent complete: nothing more of it is delivered
}

// wsMessage is the envelope of a message of either protocol.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// NextReader returns the client's next message for gqlgen, with gqlgen's id in place of
// the client's. A stop of nothing running is dropped here: gqlgen would find nothing to
// stop either.
func (c *guardedConn) NextReader() (int, io.Reader, error) {
	for {
		kind, r, err := c.WebsocketConn.NextReader()
		if err != nil {
			return kind, r, err
		}
		raw, err := io.ReadAll(r)
		if err != nil {
			return kind, nil, err
		}
		out, err := c.fromClient(raw)
		if err != nil {
			return kind, nil, err
		}
		if out != nil {
			return kind, bytes.NewReader(out), nil
		}
	}
}

// fromClient returns the message gqlgen is to read for raw, nil for none, or an error when
// the connection is being closed.
func (c *guardedConn) fromClient(raw []byte) ([]byte, error) {
	var m wsMessage
	if json.Unmarshal(raw, &m) != nil {
		return raw, nil // gqlgen answers what it cannot decode
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch m.Type {
	case "connection_init":
		if c.timedOut {
			return nil, errInitTimeout
		}
		if c.initDone && c.subscribe == "subscribe" {
			// graphql-transport-ws: a second connection_init closes with 4429 (gqlgen's 1002
			// would tell the client the protocol failed, and not to retry).
			_ = c.WebsocketConn.WriteClose(closeTooManyInits, "Too many initialisation requests")
			return nil, errTooManyInits
		}
		c.initDone = true
		c.initTimer.Stop()
		return raw, nil
	case c.subscribe:
		if _, ok := c.running[m.ID]; ok {
			_ = c.WebsocketConn.WriteClose(closeSubscriberExists, subscriberExists(m.ID))
			return nil, errSubscriberExists
		}
		c.seq++
		own := strconv.FormatUint(c.seq, 10)
		c.running[m.ID] = own
		c.ops[own] = &wsOperation{id: m.ID}
		m.ID = own
	case c.stop:
		own, ok := c.running[m.ID]
		if !ok {
			return nil, nil
		}
		delete(c.running, m.ID)
		c.ops[own].stopped = true
		m.ID = own
	default:
		return raw, nil
	}
	return json.Marshal(m)
}

// WriteJSON sends gqlgen's message v with the client's id in place of gqlgen's, unless
// it is of an operation the client stopped or that has ended.
func (c *guardedConn) WriteJSON(v any) error {
	id, typ, setID := messageHead(v)
	if setID == nil { // not the message gqlgen sends today: through JSON, slower
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		var m wsMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return c.WebsocketConn.WriteJSON(v)
		}
		id, typ, v = m.ID, m.Type, &m
		setID = func(id string) { m.ID = id }
	}
	if id == "" { // of the connection: ack, ping, keep-alive, connection_error
		return c.WebsocketConn.WriteJSON(v)
	}
	c.mu.Lock()
	op, ok := c.ops[id]
	if ok && (typ == "complete" || typ == "error") { // either ends the operation
		delete(c.ops, id)
		if !op.stopped {
			delete(c.running, op.id)
		}
	}
	c.mu.Unlock()
	if !ok || op.stopped {
		return nil
	}
	setID(op.id)
	return c.WebsocketConn.WriteJSON(v)
}

// messageHead reads the id and type of a message gqlgen sends, a pointer to a struct with
// the string fields ID and Type in either protocol, without the cost of a round trip
// through JSON, which would triple that of an event; setID is nil for another value.
func messageHead(v any) (id, typ string, setID func(string)) {
	p := reflect.ValueOf(v)
	if p.Kind() != reflect.Pointer || p.Elem().Kind() != reflect.Struct {
		return "", "", nil
	}
	idField, typeField := p.Elem().FieldByName("ID"), p.Elem().FieldByName("Type")
	if !idField.IsValid() || idField.Kind() != reflect.String || !idField.CanSet() ||
		!typeField.IsValid() || typeField.Kind() != reflect.String {
		return "", "", nil
	}
	return idField.String(), typeField.String(), idField.SetString
}

// WriteClose closes with 1001 Going Away what gqlgen closes because the connection's
// context ended: the server is shutting down.
func (c *guardedConn) WriteClose(code int, reason string) error {
	if code == transport.WebsocketCloseNormalClosure && c.ctx.Err() != nil {
		code, reason = closeGoingAway, "the server is shutting down"
	}
	return c.WebsocketConn.WriteClose(code, reason)
}

// Close stops the init timer with the connection.
func (c *guardedConn) Close() error {
	c.initTimer.Stop()
	return c.WebsocketConn.Close()
}

// initTimedOut closes the connection with 4408 unless connection_init has come. gqlgen,
// waiting for it, then reads the end of the connection and returns.
func (c *guardedConn) initTimedOut() {
	c.mu.Lock()
	if c.initDone {
		c.mu.Unlock()
		return
	}
	c.timedOut = true
	c.mu.Unlock()
	_ = c.WebsocketConn.WriteClose(closeInitTimeout, "Connection initialisation timeout")
}

// SetReadLimit passes gqlgen's message size limit on: without it the library's default,
// 32 KiB, would apply instead.
func (c *guardedConn) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

// SetReadDeadline passes gqlgen's read deadline (of its ping-pong keep-alive) on.
func (c *guardedConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}

// subscriberExists is graphql-transport-ws's close reason for a subscribe of an id in use,
// the id cut to fit a close frame.
func subscriberExists(id string) string {
	const prefix, suffix = "Subscriber for ", " already exists"
	if room := maxCloseReason - len(prefix) - len(suffix); len(id) > room {
		id = id[:room]
		for !utf8.ValidString(id) {
			id = id[:len(id)-1]
		}
	}
	return prefix + id + suffix
}
