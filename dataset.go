package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dataset"
	"diplomacy-timeline/model"
)

// This file implements `diplomacy-timeline export` and `diplomacy-timeline import`, which
// write and read a whole database in the dataset format (model/dataset.go):
//
//	go run . export --db diplomacy.db > world.json
//	go run . import --db postgres://… world.json

// errUsage marks a command line that cannot be run; the usage was printed.
var errUsage = errors.New("usage")

// exportCommand runs `export` with its arguments and returns the exit status (see
// exitStatus). Like importCommand, it uses the process's standard streams rather than
// the writer dispatch passes: the dataset is the process's output.
func exportCommand(args []string, _ io.Writer, log *slog.Logger) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return exitStatus(exportDataset(ctx, args, os.Stdout, os.Stderr, log), func(err error) {
		fmt.Fprintf(os.Stderr, "export failed: %s\n", describe(err))
	})
}

// importCommand runs `import` with its arguments and returns the exit status (see
// exitStatus). A failure says that nothing was changed: the import is one transaction.
func importCommand(args []string, _ io.Writer, log *slog.Logger) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return exitStatus(importDataset(ctx, args, os.Stdin, os.Stderr, log), func(err error) {
		fmt.Fprintf(os.Stderr, "import failed, nothing was changed: %s\n", describe(err))
	})
}

// describe writes an error for the person at the terminal: a domain error with its code,
// anything else as it is (the operator may see database errors).
func describe(err error) string {
	var e *model.Error
	if errors.As(err, &e) {
		return fmt.Sprintf("%s [%s]", e.Error(), e.Code)
	}
	return err.Error()
}

func datasetFlags(name, usage string, stderr io.Writer) (*flags, *string) {
	fs := newFlags(name)
	fs.SetOutput(stderr)
	dsn := new(string)
	fs.dbFlag(dsn, "SQLite file, or a postgres:// URL")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s\n\n%s\n\nflags:\n", usage, datasetHelp[name])
		fs.PrintDefaults()
	}
	return fs, dsn
}

var datasetHelp = map[string]string{
	"export": "Writes every record of the database to standard output as one JSON document in the dataset\n" +
		"format (\"diplomacy-timeline/dataset\", version 1; schema at /dataset.schema.json). The output is\n" +
		"canonical: the same data always gives the same bytes.",
	"import": "Reads a dataset file (\"-\" for standard input) into the database in one transaction: records\n" +
		"are created, or updated by slug; nothing changes if the file has an error. A new database is\n" +
		"created empty, without the default dataset. Progress goes to standard error.",
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// exportDataset implements `export [--db DSN]`, writing the dataset to stdout.
func exportDataset(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs, dsn := datasetFlags("export", "diplomacy-timeline export [--db DSN] > world.json", stderr)
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	if !isPostgres(*dsn) {
		// Exporting must not create a database: a mistyped path is an error, not an empty export.
		path, _, _ := strings.Cut(strings.TrimPrefix(*dsn, "file:"), "?")
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("no database at %s: start the server once (go run . --db %s) or import a dataset into it", path, *dsn)
		}
	}
	store, err := db.Open(ctx, *dsn, db.Options{Logger: log, NoDataset: true})
	if err != nil {
		return err
	}
	defer store.Close()
	return dataset.Export(ctx, store, stdout)
}

// importDataset implements `import [--db DSN] FILE`, reporting progress on stderr.
func importDataset(ctx context.Context, args []string, stdin io.Reader, stderr io.Writer, log *slog.Logger) error {
	fs, dsn := datasetFlags("import", "diplomacy-timeline import [--db DSN] world.json", stderr)
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	name := fs.Arg(0)
	in := &countingReader{r: stdin}
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in.r = f
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			in.size = fi.Size()
		}
	}
	store, err := db.Open(ctx, *dsn, db.Options{Logger: log, NoDataset: true})
	if err != nil {
		return err
	}
	defer store.Close()

	began := time.Now()
	report := func(stage string, n, total int) {
		line := fmt.Sprintf("%6.1fs  %-12s %9d records", time.Since(began).Seconds(), stage, n)
		switch {
		case total > 0:
			line += fmt.Sprintf(" of %d", total)
		case in.size > 0:
			line += fmt.Sprintf("   %3d%% of the file read", in.n*100/in.size)
		}
		fmt.Fprintln(stderr, line)
	}
	// A line when a stage is done, and every second or so within a long one.
	var stage string
	var done int
	last := began
	stats, err := dataset.Import(ctx, store, in, func(s string, n, total int) {
		if s != stage && stage != "" {
			report(stage, done, 0)
			last = time.Now()
		}
		stage, done = s, n
		if time.Since(last) >= time.Second || (total > 0 && n == total) {
			report(s, n, total)
			last = time.Now()
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "imported %s in %.1fs:\n", name, time.Since(began).Seconds())
	for _, c := range []struct {
		kind  string
		count dataset.ImportCount
	}{{"topics", stats.Topics}, {"sources", stats.Sources}, {"platforms", stats.Platforms}, {"officials", stats.Officials},
		{"sessions", stats.Sessions}, {"initiatives", stats.Initiatives}, {"statements", stats.Statements}} {
		fmt.Fprintf(stderr, "  %-12s %7d created %7d updated %7d unchanged\n", c.kind, c.count.Created, c.count.Updated, c.count.Unchanged)
	}
	fmt.Fprintf(stderr, "  timeline entries and search documents of %d records brought up to date\n", stats.Derived)
	return nil
}

// countingReader counts the bytes read, for progress.
type countingReader struct {
	r    io.Reader
	n    int64
	size int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
