package bench

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestStatementsIndependentOfPageSize checks the target on the 10k world: a
// timeline page of 100 runs as many SQL statements as a page of 5, with the selections of
// TimelinePage and TimelineParticipants. It generates the 10k world on first use (a few
// seconds on SQLite, cached afterwards) and runs on PostgreSQL too when TEST_DATABASE_URL
// is set.
//
// The statements of a timeline page depend on the kinds of records its entries come
// from — one batch per subject type and per citing type — so the pages compared must hold
// the same types: the test keeps three kinds (sessions, statements and officials' posts)
// and checks that both pages hold all three. The unfiltered pages of the benchmarks are
// logged for information: there the page of 100 reaches initiatives, which the page of 5
// does not, and costs two statements more for that reason alone.
func TestStatementsIndependentOfPageSize(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the 10k world")
	}
	const kinds = `, filter: {kinds: [SESSION, STATEMENT, POSITION_STARTED]}`
	for _, backend := range backends() {
		t.Run(backend, func(t *testing.T) {
			e := world(t, backend, 10000)
			run := func(t *testing.T, args string, participants bool) (int64, []string) {
				body := requestBody(timelineQuery(args, participants))
				q0 := e.store.Queries()
				out := mustPost(t, e.handler, body)
				return e.store.Queries() - q0, subjectTypes(t, out)
			}
			for _, participants := range []bool{false, true} {
				name := "TimelinePage"
				if participants {
					name = "TimelineParticipants"
				}
				t.Run(name, func(t *testing.T) {
					small, smallTypes := run(t, "first: 5, order: DESC"+kinds, participants)
					large, largeTypes := run(t, "first: 100, order: DESC"+kinds, participants)
					if !slices.Equal(smallTypes, largeTypes) || len(largeTypes) != 3 {
						t.Fatalf("fixture: the pages hold subjects of types %v and %v; want the same three", smallTypes, largeTypes)
					}
					if small != large {
						t.Errorf("first: 5 ran %d statements, first: 100 ran %d (subjects %v)", small, large, largeTypes)
					}
					t.Logf("%d statements for 5 entries and for 100 (subjects %v)", large, largeTypes)

					small, smallTypes = run(t, "first: 5, order: DESC", participants)
					large, largeTypes = run(t, "first: 100, order: DESC", participants)
					t.Logf("unfiltered: %d statements for 5 entries (subjects %v), %d for 100 (subjects %v)",
						small, smallTypes, large, largeTypes)
				})
			}
		})
	}
}

// subjectTypes returns the sorted types of the subjects of a timeline answer.
func subjectTypes(tb testing.TB, answer []byte) []string {
	tb.Helper()
	var r struct {
		Data struct {
			Timeline struct {
				Nodes []struct {
					Subject struct {
						ID string `json:"id"`
					} `json:"subject"`
				} `json:"nodes"`
			} `json:"timeline"`
		} `json:"data"`
	}
	if err := json.Unmarshal(answer, &r); err != nil {
		tb.Fatal(err)
	}
	var types []string
	for _, n := range r.Data.Timeline.Nodes {
		raw, err := base64.RawURLEncoding.DecodeString(n.Subject.ID)
		typ, _, ok := strings.Cut(string(raw), ":")
		if err != nil || !ok {
			tb.Fatal(fmt.Errorf("subject ID %q", n.Subject.ID))
		}
		if !slices.Contains(types, typ) {
			types = append(types, typ)
		}
	}
	slices.Sort(types)
	return types
}
