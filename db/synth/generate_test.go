package synth_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"diplomacy-timeline/db/dbtest/storetest"
	"diplomacy-timeline/db/synth"
	"diplomacy-timeline/model"
)

// tables are the tables each stage of Generate writes.
var tables = map[string]string{
	"topics": "topics", "platforms": "platforms", "platform members": "platform_members", "officials": "officials",
	"positions": "positions", "sessions": "sessions", "session topics": "session_topics",
	"session subjects": "session_subject_countries", "participants": "participants", "initiatives": "initiatives",
	"status history": "initiative_status_changes", "initiative topics": "initiative_topics",
	"initiative sessions": "initiative_sessions", "statements": "statements", "sources": "sources", "citations": "citations",
	"timeline entries": "timeline_entries", "timeline entry countries": "timeline_entry_countries",
	"timeline entry topics": "timeline_entry_topics", "timeline entry officials": "timeline_entry_officials",
	"search index": "search_index",
}

// TestGenerateProgress checks that progress tells each table with the rows written to it,
// what the table then holds, and the commit with all of them.
func TestGenerateProgress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Empty(t)
	type report struct {
		stage string
		rows  int64
	}
	var reports []report
	stats, err := synth.Generate(ctx, s, synth.Options{Sessions: 300, Seed: 5, Progress: func(stage string, rows int64) {
		reports = append(reports, report{stage, rows})
	}})
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	var sum int64
	seen := map[string]bool{}
	err = s.Snapshot(ctx, func(gdb *gorm.DB) error {
		for _, r := range reports {
			stages = append(stages, r.stage)
			table, ok := tables[r.stage]
			if !ok {
				continue
			}
			seen[r.stage] = true
			var n int64
			if err := gdb.Table(table).Count(&n).Error; err != nil {
				return err
			}
			if r.rows != n {
				t.Errorf("%s: %d rows written, the table holds %d", r.stage, r.rows, n)
			}
			sum += r.rows
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(tables) {
		t.Fatalf("stages %q: want one for each of the %d tables", stages, len(tables))
	}
	if first, last := reports[0], reports[len(reports)-1]; first != (report{"building the world in memory", 0}) || last != (report{"analyzing", stats.Rows}) {
		t.Fatalf("first and last reports: %+v, %+v", first, last)
	}
	if committing := reports[len(reports)-2]; committing != (report{"committing", stats.Rows}) || sum != stats.Rows {
		t.Fatalf("%+v, tables' rows %d; want the %d rows of Stats", committing, sum, stats.Rows)
	}
	for stage, want := range map[string]int{"sessions": stats.Sessions, "initiatives": stats.Initiatives,
		"statements": stats.Statements, "timeline entries": stats.Entries} {
		for _, r := range reports {
			if r.stage == stage && r.rows != int64(want) {
				t.Errorf("%s: %d rows written, Stats counts %d", stage, r.rows, want)
			}
		}
	}
	if stats.Sessions != 300 || stats.Initiatives != 6 || stats.Statements != 75 {
		t.Fatalf("stats = %+v", stats)
	}
}

// TestGenerateNeedsAnEmptyDatabase checks that a world is never written beside data.
func TestGenerateNeedsAnEmptyDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Empty(t)
	if _, err := s.CreateTopic(ctx, model.TopicInput{Slug: "water", Name: "Water"}); err != nil {
		t.Fatal(err)
	}
	_, err := synth.Generate(ctx, s, synth.Options{Sessions: 10, Seed: 1})
	if model.ErrorCode(err) != model.ECONFLICT || !strings.Contains(err.Error(), "needs an empty database") {
		t.Fatalf("generate into a database with data: %v", err)
	}
	if _, err := synth.Generate(ctx, storetest.Empty(t), synth.Options{}); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("generate with no sessions: %v", err)
	}
}
