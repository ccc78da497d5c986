package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// TestCrashSafety starts the real server binary, writes to it from several clients,
// kills it with SIGKILL mid-load, restarts it on the same file and checks that every
// write it acknowledged is there and that SQLite finds the file intact.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the server binary; run without -short (CI does)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "diplomacy-timeline")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dbPath := filepath.Join(dir, "crash.db")

	srv := startBinary(t, bin, dbPath)
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
		stop  = make(chan struct{})
	)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				slug := fmt.Sprintf("crash-w%d-n%d", w, i)
				if createTopic(srv.url, slug) == nil {
					mu.Lock()
					acked = append(acked, slug)
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = srv.cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 20 {
		t.Fatalf("only %d writes were acknowledged before the kill; the test needs load", len(acked))
	}

	srv = startBinary(t, bin, dbPath)
	missing := 0
	for i := 0; i < len(acked); i += 100 {
		batch := acked[i:min(i+100, len(acked))]
		found, err := countTopics(srv.url, batch)
		if err != nil {
			t.Fatal(err)
		}
		missing += len(batch) - found
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged writes are missing after the crash", missing, len(acked))
	}
	_ = srv.cmd.Process.Signal(syscall.SIGTERM)
	_ = srv.cmd.Wait()

	raw, err := sql.Open("sqlite3", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var check string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	t.Logf("%d acknowledged writes, all present after SIGKILL; integrity ok", len(acked))
}

type runningServer struct {
	cmd *exec.Cmd
	url string
}

// startBinary runs the server on a free port over dbPath and waits until it is ready.
func startBinary(t *testing.T, bin, dbPath string) runningServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--addr", addr, "--db", dbPath, "--token", "crash", "--rate", "0", "--mutation-rate", "0")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	url := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); ; {
		res, err := http.Get(url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return runningServer{cmd, url}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not become ready: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func post(url, query string, vars map[string]any) (map[string]any, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer crash")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK || out["errors"] != nil {
		return nil, fmt.Errorf("status %d: %v", res.StatusCode, out["errors"])
	}
	return out, nil
}

// createTopic returns nil only when the server acknowledged the write.
func createTopic(url, slug string) error {
	_, err := post(url, `mutation($s: String!) { createTopic(input: {slug: $s, name: $s}) { id } }`, map[string]any{"s": slug})
	return err
}

func countTopics(url string, slugs []string) (int, error) {
	out, err := post(url, `query($s: [String!]) { topics(first: 100, filter: {slugs: $s}) { totalCount } }`, map[string]any{"s": slugs})
	if err != nil {
		return 0, err
	}
	n := out["data"].(map[string]any)["topics"].(map[string]any)["totalCount"].(float64)
	return int(n), nil
}
