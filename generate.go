package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/synth"
)

// generate implements `diplomacy-timeline generate`: it fills an empty database with a
// deterministic synthetic world, for benchmarks, load tests and demos.
func generate(args []string, log *slog.Logger) error {
	return generateWorld(args, os.Stderr, log)
}

// generateWorld is generate, with its report — a line for each table written, with its
// rows, then the totals — on stderr.
func generateWorld(args []string, stderr io.Writer, log *slog.Logger) error {
	fs := newFlags("generate")
	fs.SetOutput(stderr)
	dsn := new(string)
	fs.dbFlag(dsn, "SQLite file, or a postgres:// URL; must hold no data")
	sessions := fs.Int("sessions", 10000, "number of sessions; the rest of the world scales with it")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same world on either backend")
	if err := fs.parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	store, err := db.Open(ctx, *dsn, db.Options{Logger: log, NoDataset: true})
	if err != nil {
		return err
	}
	defer store.Close()
	began := time.Now()
	stats, err := synth.Generate(ctx, store, synth.Options{Sessions: *sessions, Seed: *seed, Progress: func(stage string, rows int64) {
		fmt.Fprintf(stderr, "%6.1fs  %-26s %9d rows written\n", time.Since(began).Seconds(), stage, rows)
	}})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "generated in %.1fs: %d platforms, %d officials, %d sessions, %d initiatives, %d statements, %d sources, %d timeline entries (%d rows)\n",
		time.Since(began).Seconds(), stats.Platforms, stats.Officials, stats.Sessions, stats.Initiatives, stats.Statements,
		stats.Sources, stats.Entries, stats.Rows)
	return nil
}
