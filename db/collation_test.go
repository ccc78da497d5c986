package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dbtest"
	"diplomacy-timeline/db/dbtest/storetest"
	"diplomacy-timeline/model"
)

// TestNamesAcrossBackends: names sort byte by byte and match case-insensitively in every
// script, the same on SQLite and on PostgreSQL whatever its collation.
func TestNamesAcrossBackends(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Empty(t)
	for _, name := range []string{"Économie", "aardvark talks", "Zebra talks", "Agriculture", "économie rurale", "Ölgerät"} {
		slug := map[string]string{"Économie": "economie", "aardvark talks": "aardvark", "Zebra talks": "zebra", "Agriculture": "agriculture",
			"économie rurale": "economie-rurale", "Ölgerät": "olgerat"}[name]
		if _, err := s.CreateTopic(ctx, model.TopicInput{Slug: slug, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	names := func(c *db.Conn[model.Topic]) []string {
		var out []string
		for _, x := range c.Items {
			out = append(out, x.Name)
		}
		return out
	}
	all, err := s.Topics(ctx, nil, &model.TopicOrder{Field: model.TopicOrderFieldName, Direction: model.SortOrderAsc}, db.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Agriculture", "Zebra talks", "aardvark talks", "Économie", "Ölgerät", "économie rurale"}; !slices.Equal(names(all), want) {
		t.Errorf("topics by name: %q, want byte order %q", names(all), want)
	}
	// Paging through the order with a cursor keeps it.
	two := 2
	page, err := s.Topics(ctx, nil, &model.TopicOrder{Field: model.TopicOrderFieldName}, db.Page{First: &two, After: &all.Cursors[2]})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(page); !slices.Equal(got, []string{"Économie", "Ölgerät"}) {
		t.Errorf("the page after %q: %q", all.Items[2].Name, got)
	}
	for _, c := range []struct {
		contains string
		want     []string
	}{
		{"ÉCON", []string{"Économie", "économie rurale"}},
		{"écon", []string{"Économie", "économie rurale"}},
		{"ölGERÄT", []string{"Ölgerät"}},
		{"TALKS", []string{"Zebra talks", "aardvark talks"}},
	} {
		got, err := s.Topics(ctx, &model.TopicFilter{NameContains: &c.contains}, &model.TopicOrder{Field: model.TopicOrderFieldName}, db.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(names(got), c.want) {
			t.Errorf("nameContains %q: %q, want %q", c.contains, names(got), c.want)
		}
	}
	for _, contains := range []string{"ÅLAND", "åland"} {
		got, err := s.Countries(ctx, &model.CountryFilter{NameContains: &contains}, nil, db.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Items) != 1 || got.Items[0].Code != "AX" {
			t.Errorf("countries nameContains %q: %+v, want Åland Islands", contains, got.Items)
		}
	}
}

// TestSortIndexesOnPostgres: each byte-order sort key has an index that serves it, both
// for a first page and for a page after a cursor (with sequential scans off, so that the
// planner's choice on a small table does not hide a missing index).
func TestSortIndexesOnPostgres(t *testing.T) {
	t.Parallel()
	if !dbtest.Postgres() {
		t.Skip("PostgreSQL only: set " + dbtest.EnvURL)
	}
	ctx := context.Background()
	dsn := dbtest.DSN(t)
	storetest.Open(t, dsn) // migrates
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ table, column, id, index string }{
		{"countries", "name", "code", "countries_name_c"}, {"platforms", "name", "id", "platforms_name_c"},
		{"topics", "name", "id", "topics_name_c"}, {"officials", "name", "id", "officials_name_c"},
		{"sessions", "title", "id", "sessions_title_c"}, {"initiatives", "title", "id", "initiatives_title_c"},
		{"sources", "title", "id", "sources_title_c"},
	} {
		key := fmt.Sprintf(`%s COLLATE "C", %s`, c.column, c.id)
		for _, q := range []string{
			fmt.Sprintf("SELECT * FROM %s ORDER BY %s LIMIT 21", c.table, key),
			fmt.Sprintf("SELECT * FROM %s WHERE (%s) > ('M', '1') ORDER BY %s LIMIT 21", c.table, key, key),
		} {
			rows, err := conn.QueryContext(ctx, "EXPLAIN "+q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			var plan []string
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, line)
			}
			rows.Close()
			if !strings.Contains(strings.Join(plan, "\n"), c.index) || strings.Contains(strings.Join(plan, "\n"), "Sort") {
				t.Errorf("%s:\n%s\nwant an ordered scan of %s", q, strings.Join(plan, "\n"), c.index)
			}
		}
	}
}
