// Command loadtest drives the real diplomacy-timeline server over HTTP with concurrent
// clients on a mix of dashboard queries and prints throughput, latency percentiles, errors
// and the server's peak memory.
//
//	go run . generate --db /tmp/world.db --sessions 200000
//	go run ./cmd/loadtest --db /tmp/world.db --clients 32 --duration 30s
//
// By default it builds the server from the current directory and starts it on a free port
// (rate limits off); --url targets a running server instead (--pid then names its process
// for the memory reading).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run() error {
	dbPath := flag.String("db", "", "database (SQLite file or postgres:// URL) for the server this program starts")
	target := flag.String("url", "", "base URL of a running server to drive instead of starting one")
	pid := flag.Int("pid", 0, "with --url: the server's process ID, to read its peak memory")
	clients := flag.Int("clients", 32, "concurrent clients")
	duration := flag.Duration("duration", 30*time.Second, "how long to drive the server")
	sessions := flag.Int("sessions", 200000, "sessions in the world, to pick slugs that exist")
	flag.Parse()
	if (*dbPath == "") == (*target == "") {
		return errors.New("give --db (start a server) or --url (drive a running one)")
	}
	base := strings.TrimRight(*target, "/")
	if *dbPath != "" {
		srv, err := startServer(*dbPath)
		if err != nil {
			return err
		}
		defer srv.stop()
		base, *pid = srv.url, srv.cmd.Process.Pid
	}

	var (
		latencies = make([][]time.Duration, *clients)
		errCount  atomic.Int64
		wg        sync.WaitGroup
	)
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients}, Timeout: 30 * time.Second}
	began := time.Now()
	for c := range *clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 42))
			for ctx.Err() == nil {
				body := nextQuery(rng, *sessions)
				t0 := time.Now()
				if err := post(client, base, body); err != nil {
					if ctx.Err() == nil {
						errCount.Add(1)
						fmt.Fprintln(os.Stderr, "error:", err)
					}
					continue
				}
				latencies[c] = append(latencies[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(began)
	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(float64(len(all))*p))]
	}
	fmt.Printf("clients %d, %s: %d requests, %.0f req/s, p50 %s, p99 %s, max %s, errors %d",
		*clients, elapsed.Round(time.Millisecond), len(all), float64(len(all))/elapsed.Seconds(),
		pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), pct(1).Round(time.Millisecond), errCount.Load())
	if *pid != 0 {
		if kb, err := peakRSS(*pid); err == nil {
			fmt.Printf(", server peak RSS %.1f MB", float64(kb)/1024)
		}
	}
	fmt.Println()
	if errCount.Load() > 0 {
		return fmt.Errorf("%d requests failed", errCount.Load())
	}
	return nil
}

// The query mix: what a dashboard asks for, with varying arguments.
var (
	countries = []string{"KZ", "UZ", "KG", "TJ", "TM", "US", "CN", "RU", "DE", "TR"}
	words     = []string{"tashkent", "water", "energy", "summit", "astana", "security", "trade", "caspian", "silk", "almaty"}
	mix       = []func(r *rand.Rand, sessions int) map[string]any{
		func(r *rand.Rand, _ int) map[string]any { // a timeline page of a country's year
			y := strconv.Itoa(1990 + r.IntN(36))
			return q(`query($c: [String!], $y: Date) { timeline(first: 50, filter: {countries: $c, from: $y, to: $y}) {
				totalCount nodes { id kind date title platform { name } countries { code } topics { name } sources { title } } } }`,
				map[string]any{"c": []string{countries[r.IntN(len(countries))]}, "y": y})
		},
		func(r *rand.Rand, _ int) map[string]any { // the histogram
			return q(`query($g: Granularity!) { timelineBuckets(granularity: $g) { start count } }`,
				map[string]any{"g": []string{"YEAR", "MONTH"}[r.IntN(2)]})
		},
		func(r *rand.Rand, _ int) map[string]any { // search
			return q(`query($q: String!) { search(query: $q, first: 20) { totalCount nodes { __typename ... on Session { title } ... on Official { name } } } }`,
				map[string]any{"q": words[r.IntN(len(words))]})
		},
		func(r *rand.Rand, sessions int) map[string]any { // a session's detail panel
			return q(`query($s: String!) { session(slug: $s) { title start platform { name } location { city country { name } }
				participants { role country { code } official { name } } topics { name } statements { text } sources { title } } }`,
				map[string]any{"s": "session-" + strconv.Itoa(1+r.IntN(sessions))})
		},
		func(r *rand.Rand, _ int) map[string]any { // the first page of everything
			return q(`{ timeline(first: 50) { nodes { id kind date endDate title subject { __typename } platform { name } } } }`, nil)
		},
	}
)

func q(query string, vars map[string]any) map[string]any {
	return map[string]any{"query": query, "variables": vars}
}

func nextQuery(r *rand.Rand, sessions int) []byte {
	b, _ := json.Marshal(mix[r.IntN(len(mix))](r, sessions))
	return b
}

func post(c *http.Client, base string, body []byte) error {
	res, err := c.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors"`)) {
		return fmt.Errorf("status %d: %.300s", res.StatusCode, out)
	}
	return nil
}

// peakRSS reads a process's peak resident set (VmHWM) in kB from /proc.
func peakRSS(pid int) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
	return 0, errors.New("no VmHWM")
}

type server struct {
	cmd *exec.Cmd
	url string
}

// startServer builds the server from the current directory and runs it on a free port.
func startServer(dsn string) (*server, error) {
	dir, err := os.MkdirTemp("", "loadtest")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "diplomacy-timeline")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build the server (run from the repository root): %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--addr", addr, "--db", dsn, "--rate", "0", "--mutation-rate", "0")
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, url: "http://" + addr}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get(s.url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
	}
	s.stop()
	return nil, errors.New("the server did not become ready; see " + logFile.Name())
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	_ = s.cmd.Wait()
}
