package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dbtest"
	"diplomacy-timeline/httpapi"
)

// TestGracefulShutdown: a slow request in flight when the signal comes finishes with its
// full answer; a connection attempted afterwards is refused.
func TestGracefulShutdown(t *testing.T) {
	started := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(500 * time.Millisecond)
		_, _ = io.WriteString(w, "finished")
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, signal := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, srv, nil, ln, 10*time.Second, slog.New(slog.DiscardHandler)) }()

	type result struct {
		body string
		err  error
	}
	slow := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		slow <- result{string(b), err}
	}()
	<-started
	signal() // as SIGTERM does in run

	// Shutdown closes the listener at once; give it a moment, then a new connection fails.
	deadline := time.Now().Add(2 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("new connections are still accepted after shutdown began")
		}
		time.Sleep(20 * time.Millisecond)
	}
	r := <-slow
	if r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request: %q, %v; want it to finish", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}

// TestShutdownEndsStreams: with a stream open on the real handler — an event stream and a
// websocket, each with a subscription — a shutdown ends both at once, the event stream
// with its complete event and the websocket with 1001 Going Away, while an ordinary
// request in flight still finishes with its full answer; serve then returns cleanly,
// without waiting out its grace.
func TestShutdownEndsStreams(t *testing.T) {
	store, err := db.Open(context.Background(), dbtest.DSN(t), db.Options{NoDataset: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	streams := httpapi.NewStreams()
	slowStarted, slowFinish := make(chan struct{}), make(chan struct{})
	mux := http.NewServeMux()
	mux.Handle("/", httpapi.NewHandler(store, httpapi.Options{Logger: slog.New(slog.DiscardHandler), Streams: streams}))
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) { // an ordinary request
		close(slowStarted)
		<-slowFinish
		_, _ = io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, signal := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, &http.Server{Handler: mux}, streams, ln, 20*time.Second, slog.New(slog.DiscardHandler))
	}()

	sse := openEventStream(t, url)
	ws := openSubscriptionSocket(t, url)
	slow := make(chan string, 1)
	go func() {
		res, err := http.Get(url + "/slow")
		if err != nil {
			slow <- err.Error()
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		slow <- string(b)
	}()
	<-slowStarted
	signal() // as SIGTERM does in run

	select {
	case body := <-sse:
		if !strings.Contains(body, "event: complete") {
			t.Errorf("the event stream ended with %q, want its complete event", body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the event stream is still open after the shutdown began")
	}
	select {
	case code := <-ws:
		if code != websocket.StatusGoingAway {
			t.Errorf("the websocket closed with %d, want 1001 Going Away", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the websocket is still open after the shutdown began")
	}
	select {
	case err := <-done:
		t.Fatalf("serve returned (%v) with a request in flight", err)
	default:
	}
	close(slowFinish)
	if body := <-slow; body != "finished" {
		t.Fatalf("the request in flight: %q, want it to finish", body)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve has not returned 5 s after the last request finished")
	}
}

// TestShutdownWithStreamsExitsAtOnce: SIGTERM to the server binary with an event stream
// and a websocket open stops it with exit status 0, at once: not after the 30 s grace,
// with status 1, as when the shutdown waited for the streams to end on their own.
func TestShutdownWithStreamsExitsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary; run without -short (CI does)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "diplomacy-timeline")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	srv := startBinary(t, bin, filepath.Join(dir, "shutdown.db"))
	sse := openEventStream(t, srv.url)
	ws := openSubscriptionSocket(t, srv.url)

	exited := make(chan error, 1)
	start := time.Now()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	go func() { exited <- srv.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the server exited with %v, want status 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server is still running 10 s after SIGTERM")
	}
	t.Logf("exited %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	if body := <-sse; !strings.Contains(body, "event: complete") {
		t.Errorf("the event stream ended with %q, want its complete event", body)
	}
	if code := <-ws; code != websocket.StatusGoingAway {
		t.Errorf("the websocket closed with %d, want 1001 Going Away", code)
	}
}

// openEventStream opens a subscription over Server-Sent Events at the server's url and
// returns what the stream carries once it ends.
func openEventStream(t *testing.T, url string) <-chan string {
	t.Helper()
	body := strings.NewReader(`{"query": "subscription { timelineEntryAdded { id } }"}`)
	req, err := http.NewRequest(http.MethodPost, url+"/graphql", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		t.Fatalf("event stream: %d", res.StatusCode)
	}
	t.Cleanup(func() { res.Body.Close() })
	out := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(res.Body)
		out <- string(b)
	}()
	return out
}

// openSubscriptionSocket opens a graphql-transport-ws websocket at the server's url with a
// subscription running, and returns the code it is closed with.
func openSubscriptionSocket(t *testing.T, url string) <-chan websocket.StatusCode {
	t.Helper()
	ctx := context.Background()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	var ack map[string]any
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "connection_init"}); err != nil {
		t.Fatal(err)
	}
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack["type"] != "connection_ack" {
		t.Fatalf("connection_ack: %v %v", ack, err)
	}
	sub := map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "subscription { timelineEntryAdded { id } }"}}
	if err := wsjson.Write(ctx, conn, sub); err != nil {
		t.Fatal(err)
	}
	out := make(chan websocket.StatusCode, 1)
	go func() {
		for {
			if _, _, err := conn.Read(ctx); err != nil {
				out <- websocket.CloseStatus(err)
				return
			}
		}
	}()
	return out
}
