package httpapi_test

import (
	"fmt"
	"sync"
	"testing"

	"diplomacy-timeline/httpapi/apitest"
)

// TestUpdateRacingDeleteNeverRevives: updates and deletes of one record sent at the same
// instant, for every type: once a delete answered success, the record is gone for good —
// an update that lost the race is NOT_FOUND and changes nothing. (On PostgreSQL an update
// that read the row before the delete committed used to insert it again.)
func TestUpdateRacingDeleteNeverRevives(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	speaker := s.MustCreateOfficial(t, "race-speaker", nil)
	types := []struct {
		name, update string
		create       func(i int) string
	}{
		{"Platform", `name: "updated"`, func(i int) string { return s.MustCreatePlatform(t, fmt.Sprint("race-p", i), nil) }},
		{"Session", `title: "updated"`, func(i int) string {
			return s.MustCreateSession(t, fmt.Sprint("race-s", i), "2023-07-28", map[string]any{"subjectCountryCodes": []string{"AF"}})
		}},
		{"Official", `name: "updated"`, func(i int) string { return s.MustCreateOfficial(t, fmt.Sprint("race-o", i), nil) }},
		{"Initiative", `title: "updated"`, func(i int) string { return s.MustCreateInitiative(t, fmt.Sprint("race-i", i), nil) }},
		{"Statement", `text: "updated"`, func(i int) string { return s.MustCreateStatement(t, speaker, "2023-07-28", nil) }},
		{"Topic", `name: "updated"`, func(i int) string { return s.MustCreateTopic(t, fmt.Sprint("race-t", i), nil) }},
		{"Source", `title: "updated"`, func(i int) string { return s.MustCreateSource(t, fmt.Sprint("race source ", i), nil) }},
	}
	for _, typ := range types {
		t.Run(typ.name, func(t *testing.T) {
			for round := range 6 {
				id := typ.create(round)
				update := fmt.Sprintf(`mutation($id: ID!) { update%s(id: $id, input: {%s}) { id } }`, typ.name, typ.update)
				del := fmt.Sprintf(`mutation($id: ID!) { delete%s(id: $id) }`, typ.name)
				var wg sync.WaitGroup
				var mu sync.Mutex
				deleted := false
				for i := range 10 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						q := update
						if i%2 == 1 {
							q = del
						}
						r := s.Do(t, apitest.Token, q, map[string]any{"id": id})
						for _, c := range r.Codes() {
							if c != "NOT_FOUND" {
								t.Errorf("round %d: %s: %s, want success or NOT_FOUND: %+v", round, q, c, r.Errors)
							}
						}
						if q == del && len(r.Errors) == 0 {
							mu.Lock()
							deleted = true
							mu.Unlock()
						}
					}()
				}
				wg.Wait()
				if !deleted {
					t.Fatalf("round %d: no delete succeeded", round)
				}
				var out struct{ Node *struct{ ID string } }
				s.Query(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}, &out)
				if out.Node != nil {
					t.Fatalf("round %d: %s %s was deleted, yet it is back", round, typ.name, id)
				}
			}
		})
	}
}
