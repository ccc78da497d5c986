package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dataset"
	"diplomacy-timeline/db/dbtest"
	"diplomacy-timeline/model"
)

// TestExportImportCommands runs `export` and `import` as the command line does: export
// the default dataset, import it into a new database, export that, and get the same bytes.
func TestExportImportCommands(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	source := dbtest.DSN(t)
	s, err := db.Open(ctx, source, db.Options{Logger: quiet, Seed: dataset.LoadDefault})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()

	var world, stderr bytes.Buffer
	if err := exportDataset(ctx, []string{"--db", source}, &world, &stderr, quiet); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	file := filepath.Join(t.TempDir(), "world.json")
	if err := os.WriteFile(file, world.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	target := dbtest.DSN(t)
	stderr.Reset()
	if err := importDataset(ctx, []string{"--db", target, file}, nil, &stderr, quiet); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr.String())
	}
	for _, want := range []string{"sessions", "timeline", "imported " + file, "2 created", "sessions           2 created       0 updated       0 unchanged"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("the import's report lacks %q:\n%s", want, stderr.String())
		}
	}
	var again bytes.Buffer
	if err := exportDataset(ctx, []string{"--db", target}, &again, &stderr, quiet); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(world.Bytes(), again.Bytes()) {
		t.Fatal("export → import → export changed the bytes")
	}

	// From standard input, into the same database: everything is updated, nothing added.
	stderr.Reset()
	if err := importDataset(ctx, []string{"--db", target, "-"}, bytes.NewReader(world.Bytes()), &stderr, quiet); err != nil {
		t.Fatalf("import from stdin: %v", err)
	}
	if !strings.Contains(stderr.String(), "0 created") || strings.Contains(stderr.String(), "2 created") {
		t.Errorf("a second import must create nothing:\n%s", stderr.String())
	}
	// Nor update anything: the file is what the database holds.
	for _, want := range []string{"topics             0 created       0 updated       7 unchanged",
		"sessions           0 created       0 updated       2 unchanged", "statements         0 created       0 updated       3 unchanged"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("the second import's report lacks %q:\n%s", want, stderr.String())
		}
	}
	if strings.Contains(stderr.String(), " 1 updated") || strings.Contains(stderr.String(), " 4 updated") {
		t.Errorf("a second import must update nothing:\n%s", stderr.String())
	}

	// A broken file is refused with a precise, coded error, and changes nothing.
	broken := bytes.Replace(world.Bytes(), []byte(`"official": "thomas-west"`), []byte(`"official": "nobody"`), 1)
	err = importDataset(ctx, []string{"--db", target, "-"}, bytes.NewReader(broken), &stderr, quiet)
	if model.ErrorCode(err) != model.ENOTFOUND || !strings.Contains(describe(err), `participants[1].official: session "c5-plus-1-special-session-on-afghanistan-2023": official "nobody" not found`) {
		t.Fatalf("broken import: %v", describe(err))
	}
	again.Reset()
	if err := exportDataset(ctx, []string{"--db", target}, &again, &stderr, quiet); err != nil || !bytes.Equal(world.Bytes(), again.Bytes()) {
		t.Fatalf("a refused import changed the database (%v)", err)
	}
}

func TestDatasetCommandLine(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	var out, stderr bytes.Buffer
	if err := importDataset(ctx, nil, nil, &stderr, quiet); !errors.Is(err, errUsage) || !strings.Contains(stderr.String(), "usage: diplomacy-timeline import") {
		t.Fatalf("import without a file: %v\n%s", err, stderr.String())
	}
	if err := exportDataset(ctx, []string{"extra"}, &out, &stderr, quiet); !errors.Is(err, errUsage) {
		t.Fatalf("export with an argument: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "missing.db")
	if err := exportDataset(ctx, []string{"--db", missing}, &out, &stderr, quiet); err == nil || !strings.Contains(err.Error(), "no database at") {
		t.Fatalf("export of a missing database: %v", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Fatal("export created a database")
	}
	if err := importDataset(ctx, []string{"--db", filepath.Join(t.TempDir(), "x.db"), filepath.Join(t.TempDir(), "nope.json")}, nil, &stderr, quiet); err == nil {
		t.Fatal("import of a missing file succeeded")
	}
}
