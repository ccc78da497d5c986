package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"testing"

	"diplomacy-timeline/db/dbtest"
)

// TestGenerateCommand runs `generate` and reads its report: each table's line counts the
// rows of that table, as the totals at the end count them, not the rows written so far.
func TestGenerateCommand(t *testing.T) {
	var stderr bytes.Buffer
	args := []string{"--db", dbtest.DSN(t), "--sessions", "100", "--seed", "2"}
	if err := generateWorld(args, &stderr, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("generate: %v\n%s", err, stderr.String())
	}
	out := stderr.String()
	total := regexp.MustCompile(`generated in [0-9.]+s: (\d+) platforms, (\d+) officials, (\d+) sessions, (\d+) initiatives, (\d+) statements, (\d+) sources, (\d+) timeline entries \((\d+) rows\)`).FindStringSubmatch(out)
	if total == nil {
		t.Fatalf("no totals in the report:\n%s", out)
	}
	for i, table := range []string{"platforms", "officials", "sessions", "initiatives", "statements", "sources", "timeline entries"} {
		line := regexp.MustCompile(`(?m)^ *[0-9.]+s  ` + table + ` +(\d+) rows written$`).FindStringSubmatch(out)
		if line == nil || line[1] != total[i+1] {
			t.Errorf("the line of %s says %v; the totals count %s:\n%s", table, line, total[i+1], out)
		}
	}
	// The tables' lines add up to every row written, which committing reports.
	var sum int64
	for _, m := range regexp.MustCompile(`(?m)^ *[0-9.]+s  ([a-z ]+?) +(\d+) rows written$`).FindAllStringSubmatch(out, -1) {
		if n, _ := strconv.ParseInt(m[2], 10, 64); m[1] != "building the world in memory" && m[1] != "committing" && m[1] != "analyzing" {
			sum += n
		}
	}
	if fmt.Sprint(sum) != total[8] {
		t.Errorf("the tables' lines add up to %d rows; %s were written:\n%s", sum, total[8], out)
	}
}
