package graph_test

// Tests of every mutation through the real HTTP handler: authentication; for each
// mutation a success that is read back with a query, and each error code that applies,
// with the database checked to be unchanged after every failure; patch semantics; delete
// semantics; and the atomicity of each mutation. Errors are checked by extensions.code
// (and extensions.field where the API names the input), never by message.

import (
	"context"
	"diplomacy-timeline/httpapi/apitest"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"

	"diplomacy-timeline/apierr"
	"diplomacy-timeline/httpapi"
	"diplomacy-timeline/model"
)

const (
	mutBad      = apierr.BadUserInput
	mutNotFound = apierr.NotFound
	mutConflict = apierr.Conflict
	mutUnauth   = apierr.Unauthenticated
)

// ---------------------------------------------------------------------------------------
// Helpers

// mutWorldQueries read every record and relation a mutation can write; a failed
// mutation must leave all of their answers as they were.
var mutWorldQueries = []string{
	`{ platforms(first: 20) { totalCount nodes { id slug name fullName description kind founded dissolved website
		members { country { code } role since until } citations { source { id } excerpt } } } }`,
	`{ sessions(first: 20) { totalCount nodes { id slug title kind platform { id } parent { id } start end
		location { city country { code } venue latitude longitude } hostCountry { code } subjectCountries { code }
		topics { id } summary participants { official { id } role country { code } } citations { source { id } excerpt } } } }`,
	`{ officials(first: 20) { totalCount nodes { id slug name otherNames country { code }
		positions { title organization country { code } start end } } } }`,
	`{ initiatives(first: 20) { totalCount nodes { id slug title description status statusHistory { status on note }
		proposedOn proposedBy { id } country { code } location { city country { code } venue latitude longitude }
		platform { id } sessions { id } topics { id } citations { source { id } excerpt } } } }`,
	`{ statements(first: 20) { totalCount nodes { id official { id } session { id } date text citations { source { id } excerpt } } } }`,
	`{ topics(first: 20) { totalCount nodes { id slug name description } } }`,
	`{ sources(first: 20) { totalCount nodes { id title publisher url publishedOn language excerpt } } }`,
}

// mutWorld returns the answers of mutWorldQueries.
func mutWorld(tb testing.TB, s *apitest.Server) []string {
	tb.Helper()
	out := make([]string, len(mutWorldQueries))
	for i, q := range mutWorldQueries {
		out[i] = mutRead(tb, s, q, nil)
	}
	return out
}

// mutAssertUnchanged fails the test if any answer of mutWorldQueries differs from before.
func mutAssertUnchanged(tb testing.TB, s *apitest.Server, before []string) {
	tb.Helper()
	after := mutWorld(tb, s)
	for i := range before {
		if before[i] != after[i] {
			tb.Errorf("a failed mutation changed the database:\nbefore: %s\nafter:  %s", before[i], after[i])
		}
	}
}

// mutWantError checks that r has exactly one error, with code and, unless field is
// empty, extensions.field.
func mutWantError(tb testing.TB, r *apitest.Response, code, field string) {
	tb.Helper()
	if got := r.Code(tb); got != code {
		tb.Errorf("extensions.code = %q, want %q (error: %+v)", got, code, r.Errors[0])
		return
	}
	if field != "" {
		if got, _ := r.Errors[0].Extensions["field"].(string); got != field {
			tb.Errorf("extensions.field = %q, want %q (error: %+v)", got, field, r.Errors[0])
		}
	}
}

// mutFail runs an authenticated mutation that must fail with code (and field, unless
// empty) and checks that it changed nothing.
func mutFail(tb testing.TB, s *apitest.Server, code, field, query string, vars map[string]any) {
	tb.Helper()
	before := mutWorld(tb, s)
	mutWantError(tb, s.Do(tb, apitest.Token, query, vars), code, field)
	mutAssertUnchanged(tb, s, before)
}

// mutCase is a mutation call that must fail.
type mutCase struct {
	name  string
	vars  map[string]any
	code  string
	field string // expected extensions.field; "" to not check it
}

// mutFailCases runs each case as a subtest of query with mutFail.
func mutFailCases(t *testing.T, s *apitest.Server, query string, cases []mutCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mutFail(t, s, c.code, c.field, query, c.vars)
		})
	}
}

// mutWith returns a copy of base with key/value pairs set; a nil value is an explicit
// null.
func mutWith(base map[string]any, kv ...any) map[string]any {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]any{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// mutInput returns a builder of mutation variables: the variables top plus "in", which
// is base with the given key/value pairs set.
func mutInput(top, base map[string]any) func(kv ...any) map[string]any {
	return func(kv ...any) map[string]any {
		vars := mutWith(top)
		vars["in"] = mutWith(base, kv...)
		return vars
	}
}

// mutSlugCases are invalid slugs for the "slug" field of an input.
func mutSlugCases(in func(kv ...any) map[string]any) []mutCase {
	var out []mutCase
	for _, slug := range []string{"", "Bad Slug", "a--b", "-a", "a-", "UPPER", "a_b"} {
		out = append(out, mutCase{fmt.Sprintf("slug %q", slug), in("slug", slug), mutBad, "slug"})
	}
	return out
}

// mutDateCases are invalid dates for the date field of an input.
func mutDateCases(field string, in func(kv ...any) map[string]any) []mutCase {
	var out []mutCase
	for _, d := range []string{"2023-02-30", "2023-13", "23", "99999", "2023-7-28", "0000", "2023-07-28T00:00:00Z"} {
		out = append(out, mutCase{fmt.Sprintf("%s %q", field, d), in(field, d), mutBad, field})
	}
	return out
}

// mutMissingID returns a well-formed ID of a typ record that does not exist.
func mutMissingID(typ string) string { return model.IntID(typ, 999999) }

// mutKey returns the numeric key of a global ID, for checks on the store itself.
func mutKey(tb testing.TB, typ, id string) int64 {
	tb.Helper()
	n, err := model.DecodeIntID("id", typ, id)
	if err != nil {
		tb.Fatalf("decode %s ID %q: %v", typ, id, err)
	}
	return n
}

// mutCanon returns raw JSON in a canonical form (keys sorted, no spaces).
func mutCanon(tb testing.TB, raw []byte) string {
	tb.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		tb.Fatalf("decode JSON %s: %v", raw, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(out)
}

// mutRead runs a read and returns its data as canonical JSON.
func mutRead(tb testing.TB, s *apitest.Server, query string, vars map[string]any) string {
	tb.Helper()
	var raw json.RawMessage
	s.Query(tb, query, vars, &raw)
	return mutCanon(tb, raw)
}

// mutWantRead runs a read and compares its data with the JSON want.
func mutWantRead(tb testing.TB, s *apitest.Server, query string, vars map[string]any, want string) {
	tb.Helper()
	if got, w := mutRead(tb, s, query, vars), mutCanon(tb, []byte(want)); got != w {
		tb.Errorf("read back:\n got  %s\n want %s", got, w)
	}
}

// mutCount returns the totalCount of a root connection, e.g. "sessions".
func mutCount(tb testing.TB, s *apitest.Server, conn string) int {
	tb.Helper()
	var out map[string]struct{ TotalCount int }
	s.Query(tb, "{ c: "+conn+" { totalCount } }", nil, &out)
	return out["c"].TotalCount
}

// mutID runs an authenticated mutation whose only field is aliased r and returns r.id.
func mutID(tb testing.TB, s *apitest.Server, query string, vars map[string]any) string {
	tb.Helper()
	var out struct{ R struct{ ID string } }
	s.Mutate(tb, query, vars, &out)
	if out.R.ID == "" {
		tb.Fatalf("mutation returned no id")
	}
	return out.R.ID
}

// Read-back queries, by slug or ID. They select slugs rather than IDs so that expected
// answers can be written as literals.
const (
	mutPlatformRead = `query($slug: String!) { platform(slug: $slug) {
		slug name fullName description kind founded dissolved website
		members { country { code } role since until } } }`
	mutSessionRead = `query($slug: String!) { session(slug: $slug) {
		slug title kind platform { slug } parent { slug } children { slug } start end
		location { city country { code } venue latitude longitude } hostCountry { code }
		subjectCountries { code } topics { slug } summary
		participants { official { slug } role country { code } } } }`
	mutOfficialRead = `query($slug: String!) { official(slug: $slug) {
		slug name otherNames country { code }
		positions { title organization country { code } start end } } }`
	mutInitiativeRead = `query($slug: String!) { initiative(slug: $slug) {
		slug title description status statusHistory { status on note } proposedOn proposedBy { slug }
		country { code } location { city country { code } venue latitude longitude }
		platform { slug } sessions { slug } topics { slug } } }`
	mutStatementRead = `query($id: ID!) { node(id: $id) { ... on Statement { official { slug } session { slug } date text } } }`
	mutTopicRead     = `query($slug: String!) { topic(slug: $slug) { slug name description } }`
	mutSourceRead    = `query($id: ID!) { node(id: $id) { ... on Source { title publisher url publishedOn language excerpt } } }`
	mutNodeRead      = `query($id: ID!) { node(id: $id) { id } }`
	mutCitationsRead = `query($id: ID!) { node(id: $id) {
		... on Platform { sources { title } citations { source { title } excerpt } }
		... on Session { sources { title } citations { source { title } excerpt } }
		... on Initiative { sources { title } citations { source { title } excerpt } }
		... on Statement { sources { title } citations { source { title } excerpt } } } }`
)

// Mutations, with the result aliased r.
const (
	mutCreatePlatform   = `mutation($in: PlatformInput!) { r: createPlatform(input: $in) { id } }`
	mutUpdatePlatform   = `mutation($id: ID!, $in: PlatformPatch!) { r: updatePlatform(id: $id, input: $in) { id } }`
	mutCreateSession    = `mutation($in: SessionInput!) { r: createSession(input: $in) { id } }`
	mutUpdateSession    = `mutation($id: ID!, $in: SessionPatch!) { r: updateSession(id: $id, input: $in) { id } }`
	mutCreateOfficial   = `mutation($in: OfficialInput!) { r: createOfficial(input: $in) { id } }`
	mutUpdateOfficial   = `mutation($id: ID!, $in: OfficialPatch!) { r: updateOfficial(id: $id, input: $in) { id } }`
	mutCreateInitiative = `mutation($in: InitiativeInput!) { r: createInitiative(input: $in) { id } }`
	mutUpdateInitiative = `mutation($id: ID!, $in: InitiativePatch!) { r: updateInitiative(id: $id, input: $in) { id } }`
	mutCreateStatement  = `mutation($in: StatementInput!) { r: createStatement(input: $in) { id } }`
	mutUpdateStatement  = `mutation($id: ID!, $in: StatementPatch!) { r: updateStatement(id: $id, input: $in) { id } }`
	mutCreateTopic      = `mutation($in: TopicInput!) { r: createTopic(input: $in) { id } }`
	mutUpdateTopic      = `mutation($id: ID!, $in: TopicPatch!) { r: updateTopic(id: $id, input: $in) { id } }`
	mutCreateSource     = `mutation($in: SourceInput!) { r: createSource(input: $in) { id } }`
	mutUpdateSource     = `mutation($id: ID!, $in: SourcePatch!) { r: updateSource(id: $id, input: $in) { id } }`

	mutAddParticipant = `mutation($s: ID!, $o: ID!, $role: String, $country: String) {
		r: addParticipant(sessionId: $s, officialId: $o, role: $role, countryCode: $country) { id } }`
	mutRemoveParticipant = `mutation($s: ID!, $o: ID!) { r: removeParticipant(sessionId: $s, officialId: $o) { id } }`
	mutAddMember         = `mutation($p: ID!, $country: String!, $role: MembershipRole, $since: Date, $until: Date) {
		r: addPlatformMember(platformId: $p, countryCode: $country, role: $role, since: $since, until: $until) { id } }`
	mutRemoveMember = `mutation($p: ID!, $country: String!) { r: removePlatformMember(platformId: $p, countryCode: $country) { id } }`
	mutAddPosition  = `mutation($o: ID!, $title: String!, $org: String, $country: String, $start: Date, $end: Date) {
		r: addPosition(officialId: $o, title: $title, organization: $org, countryCode: $country, start: $start, end: $end) { id } }`
	mutSetStatus = `mutation($i: ID!, $status: InitiativeStatus!, $on: Date!, $note: String) {
		r: setInitiativeStatus(initiativeId: $i, status: $status, on: $on, note: $note) { id } }`
	mutCite = `mutation($subject: ID!, $source: ID!, $excerpt: String) {
		r: citeSource(subjectId: $subject, sourceId: $source, excerpt: $excerpt) { id } }`
)

// mutDelete returns the delete mutation of a node type, e.g. deletePlatform.
func mutDelete(typ string) string {
	return fmt.Sprintf(`mutation($id: ID!) { r: delete%s(id: $id) }`, typ)
}

// mutMustDelete deletes the typ record with the ID and checks that the mutation returns
// that ID and that node(id) no longer resolves it.
func mutMustDelete(tb testing.TB, s *apitest.Server, typ, id string) {
	tb.Helper()
	var out struct{ R string }
	s.Mutate(tb, mutDelete(typ), map[string]any{"id": id}, &out)
	if out.R != id {
		tb.Errorf("delete%s returned %q, want the deleted ID %q", typ, out.R, id)
	}
	mutWantRead(tb, s, mutNodeRead, map[string]any{"id": id}, `{"node": null}`)
}

// mutDoWithAuthorization posts a query with the Authorization header set to
// authorization verbatim (none when empty).
func mutDoWithAuthorization(tb testing.TB, s *apitest.Server, authorization, query string) *apitest.Response {
	tb.Helper()
	return s.DoWithAuthorization(tb, authorization, query, nil)
}

// ---------------------------------------------------------------------------------------
// Authentication

func TestMutationAuth(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	const create = `mutation { createTopic(input: {slug: "auth", name: "Auth"}) { slug } }`

	for _, c := range []struct{ name, authorization string }{
		{"no Authorization header", ""},
		{"wrong token", "Bearer wrong-token"},
		{"token with extra characters", "Bearer " + apitest.Token + "x"},
		{"prefix of the token", "Bearer " + apitest.Token[:len(apitest.Token)-1]},
		{"Bearer with no token", "Bearer"},
		{"Bearer with a blank token", "Bearer    "},
		{"Basic scheme with the token", "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:"+apitest.Token))},
		{"Token scheme with the token", "Token " + apitest.Token},
		{"the token without a scheme", apitest.Token},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := mutDoWithAuthorization(t, s, c.authorization, create)
			mutWantError(t, r, mutUnauth, "")
			if n := mutCount(t, s, "topics"); n != 0 {
				t.Errorf("refused mutation wrote: %d topics", n)
			}
		})
	}

	t.Run("every field of a refused operation is refused", func(t *testing.T) {
		r := mutDoWithAuthorization(t, s, "", `mutation {
			a: createTopic(input: {slug: "a", name: "A"}) { id }
			b: createSource(input: {title: "B"}) { id } }`)
		if len(r.Errors) == 0 {
			t.Fatal("no error")
		}
		for _, c := range r.Codes() {
			if c != mutUnauth {
				t.Errorf("codes = %v, want only %s", r.Codes(), mutUnauth)
			}
		}
		if n, m := mutCount(t, s, "topics"), mutCount(t, s, "sources"); n+m != 0 {
			t.Errorf("refused mutation wrote %d topics and %d sources", n, m)
		}
	})

	t.Run("reads need no token", func(t *testing.T) {
		r := mutDoWithAuthorization(t, s, "", `{ topics { totalCount } countries(first: 1) { totalCount } }`)
		if len(r.Errors) > 0 {
			t.Fatalf("read without a token: %+v", r.Errors)
		}
	})

	for _, c := range []struct{ name, authorization, slug string }{
		{"the right token", "Bearer " + apitest.Token, "right"},
		{"the scheme is case-insensitive", "bearer " + apitest.Token, "lower-case-scheme"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := mutDoWithAuthorization(t, s, c.authorization,
				fmt.Sprintf(`mutation { createTopic(input: {slug: %q, name: "T"}) { slug } }`, c.slug))
			if len(r.Errors) > 0 {
				t.Fatalf("authenticated mutation failed: %+v", r.Errors)
			}
			mutWantRead(t, s, mutTopicRead, map[string]any{"slug": c.slug},
				fmt.Sprintf(`{"topic": {"slug": %q, "name": "T", "description": null}}`, c.slug))
		})
	}
}

func TestMutationAuthWithoutConfiguredToken(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServerWith(t, true, httpapi.Options{})
	for _, authorization := range []string{"", "Bearer", "Bearer ", "Bearer " + apitest.Token, "Bearer x"} {
		t.Run(fmt.Sprintf("Authorization %q", authorization), func(t *testing.T) {
			r := mutDoWithAuthorization(t, s, authorization, `mutation { createTopic(input: {slug: "t", name: "T"}) { id } }`)
			mutWantError(t, r, mutUnauth, "")
		})
	}
	if n := mutCount(t, s, "topics"); n != 0 {
		t.Errorf("a server without a token wrote %d topics", n)
	}
	if n := mutCount(t, s, "countries"); n < 200 {
		t.Errorf("reads still work without a token: got %d countries", n)
	}
}

// ---------------------------------------------------------------------------------------
// Errors shared by every updateX and deleteX

func TestMutationUpdateAndDeleteByID(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	speaker := s.MustCreateOfficial(t, "speaker", nil)
	topic := s.MustCreateTopic(t, "other-type", nil)
	types := []struct {
		typ    string
		patch  map[string]any
		create func(tb testing.TB) string
	}{
		{model.TypePlatform, map[string]any{"name": "X"}, func(tb testing.TB) string { return s.MustCreatePlatform(tb, "p", nil) }},
		{model.TypeSession, map[string]any{"title": "X"}, func(tb testing.TB) string { return s.MustCreateSession(tb, "s", "2023", nil) }},
		{model.TypeOfficial, map[string]any{"name": "X"}, func(tb testing.TB) string { return s.MustCreateOfficial(tb, "o", nil) }},
		{model.TypeInitiative, map[string]any{"title": "X"}, func(tb testing.TB) string { return s.MustCreateInitiative(tb, "i", nil) }},
		{model.TypeStatement, map[string]any{"text": "X"}, func(tb testing.TB) string { return s.MustCreateStatement(tb, speaker, "2023", nil) }},
		{model.TypeTopic, map[string]any{"name": "X"}, func(tb testing.TB) string { return s.MustCreateTopic(tb, "t", nil) }},
		{model.TypeSource, map[string]any{"title": "X"}, func(tb testing.TB) string { return s.MustCreateSource(tb, "src", nil) }},
	}
	for _, k := range types {
		t.Run(k.typ, func(t *testing.T) {
			id := k.create(t)
			wrongType := speaker
			if k.typ == model.TypeOfficial {
				wrongType = topic
			}
			update := fmt.Sprintf(`mutation($id: ID!, $in: %sPatch!) { r: update%s(id: $id, input: $in) { id } }`, k.typ, k.typ)
			for _, c := range []struct{ name, id, code, field string }{
				{"malformed ID", "not-an-id", mutBad, "id"},
				{"empty ID", "", mutBad, "id"},
				{"base64 of garbage", base64.RawURLEncoding.EncodeToString([]byte(k.typ + ":x")), mutBad, "id"},
				{"ID of another type", wrongType, mutBad, "id"},
				{"ID of a missing record", mutMissingID(k.typ), mutNotFound, ""},
			} {
				t.Run("update with "+c.name, func(t *testing.T) {
					mutFail(t, s, c.code, c.field, update, map[string]any{"id": c.id, "in": k.patch})
				})
				t.Run("delete with "+c.name, func(t *testing.T) {
					mutFail(t, s, c.code, c.field, mutDelete(k.typ), map[string]any{"id": c.id})
				})
			}
			t.Run("delete returns the ID, then NOT_FOUND", func(t *testing.T) {
				mutMustDelete(t, s, k.typ, id)
				mutFail(t, s, mutNotFound, "", mutDelete(k.typ), map[string]any{"id": id})
				mutFail(t, s, mutNotFound, "", update, map[string]any{"id": id, "in": k.patch})
			})
		})
	}
}

// TestMutationMissingRequiredField: an input without a field the schema requires is
// refused by GraphQL validation (gqlgen's GRAPHQL_VALIDATION_FAILED) before any
// resolver runs; a blank or null value that passes the schema is BAD_USER_INPUT (see
// the per-mutation tests).
func TestMutationMissingRequiredField(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	o := s.MustCreateOfficial(t, "o", nil)
	i := s.MustCreateInitiative(t, "i", nil)
	for _, c := range []struct {
		name, query string
		vars        map[string]any
	}{
		{"createTopic without name", mutCreateTopic, map[string]any{"in": map[string]any{"slug": "t"}}},
		{"createPlatform without kind", mutCreatePlatform, map[string]any{"in": map[string]any{"slug": "p", "name": "P"}}},
		{"createSession with null start", mutCreateSession, map[string]any{"in": map[string]any{"slug": "s", "title": "S", "kind": "OTHER", "start": nil}}},
		{"createStatement without officialId", mutCreateStatement, map[string]any{"in": map[string]any{"date": "2023", "text": "T"}}},
		{"createSource without title", mutCreateSource, map[string]any{"in": map[string]any{"publisher": "P"}}},
		{"addPosition without title", mutAddPosition, map[string]any{"o": o}},
		{"setInitiativeStatus with null on", mutSetStatus, map[string]any{"i": i, "status": "ADOPTED", "on": nil}},
	} {
		t.Run(c.name, func(t *testing.T) {
			mutFail(t, s, "GRAPHQL_VALIDATION_FAILED", "", c.query, c.vars)
		})
	}
}

// ---------------------------------------------------------------------------------------
// Platform

func TestMutationCreatePlatform(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	id := mutID(t, s, mutCreatePlatform, map[string]any{"in": map[string]any{
		"slug": "c5-plus-1", "name": "C5+1", "fullName": "Central Asia plus the United States",
		"description": "A regional platform.", "kind": "FORMAT", "founded": "2015", "dissolved": "2023-07",
		"website": "https://example.org/c5"}})
	mutWantRead(t, s, mutPlatformRead, map[string]any{"slug": "c5-plus-1"}, `{"platform": {
		"slug": "c5-plus-1", "name": "C5+1", "fullName": "Central Asia plus the United States",
		"description": "A regional platform.", "kind": "FORMAT", "founded": "2015", "dissolved": "2023-07",
		"website": "https://example.org/c5", "members": []}}`)
	mutWantRead(t, s, `query($id: ID!) { node(id: $id) { ... on Platform { slug } } }`, map[string]any{"id": id},
		`{"node": {"slug": "c5-plus-1"}}`)

	in := mutInput(nil, map[string]any{"slug": "new", "name": "New", "kind": "FORUM"})
	cases := mutSlugCases(in)
	cases = append(cases, mutDateCases("founded", in)...)
	cases = append(cases, mutDateCases("dissolved", in)...)
	cases = append(cases,
		mutCase{"blank name", in("name", " \t "), mutBad, "name"},
		mutCase{"dissolved before founded", in("founded", "2023-08", "dissolved", "2023-07-31"), mutBad, "dissolved"},
		mutCase{"website not http", in("website", "ftp://example.org"), mutBad, "website"},
		mutCase{"website not absolute", in("website", "example.org"), mutBad, "website"},
		mutCase{"slug taken", in("slug", "c5-plus-1"), mutConflict, "slug"},
	)
	mutFailCases(t, s, mutCreatePlatform, cases)

	// The base input of the failing cases is valid, so each failed for its own reason; a
	// dissolution in the month of the founding day is not before it.
	mutID(t, s, mutCreatePlatform, in("founded", "2023-07-15", "dissolved", "2023-07"))
}

func TestMutationUpdatePlatform(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	id := s.MustCreatePlatform(t, "p", map[string]any{"fullName": "Full", "description": "Desc",
		"founded": "2015", "dissolved": "2020", "website": "https://example.org"})
	s.MustCreatePlatform(t, "taken", nil)
	read := func(slug, want string) {
		t.Helper()
		mutWantRead(t, s, mutPlatformRead, map[string]any{"slug": slug}, `{"platform": `+want+`}`)
	}

	t.Run("omitted fields stay", func(t *testing.T) {
		mutID(t, s, mutUpdatePlatform, map[string]any{"id": id, "in": map[string]any{"name": "Renamed", "kind": "DIALOGUE"}})
		read("p", `{"slug": "p", "name": "Renamed", "fullName": "Full", "description": "Desc", "kind": "DIALOGUE",
			"founded": "2015", "dissolved": "2020", "website": "https://example.org", "members": []}`)
	})
	t.Run("explicit null clears", func(t *testing.T) {
		mutID(t, s, mutUpdatePlatform, map[string]any{"id": id, "in": map[string]any{"description": nil, "dissolved": nil, "website": nil}})
		read("p", `{"slug": "p", "name": "Renamed", "fullName": "Full", "description": null, "kind": "DIALOGUE",
			"founded": "2015", "dissolved": null, "website": null, "members": []}`)
	})
	t.Run("keeping its own slug is no conflict", func(t *testing.T) {
		mutID(t, s, mutUpdatePlatform, map[string]any{"id": id, "in": map[string]any{"slug": "p"}})
	})
	t.Run("new slug", func(t *testing.T) {
		mutID(t, s, mutUpdatePlatform, map[string]any{"id": id, "in": map[string]any{"slug": "p2"}})
		mutWantRead(t, s, `{ platform(slug: "p") { slug } }`, nil, `{"platform": null}`)
		read("p2", `{"slug": "p2", "name": "Renamed", "fullName": "Full", "description": null, "kind": "DIALOGUE",
			"founded": "2015", "dissolved": null, "website": null, "members": []}`)
	})

	patch := mutInput(map[string]any{"id": id}, nil)
	cases := mutSlugCases(patch)
	cases = append(cases, mutDateCases("founded", patch)...)
	cases = append(cases,
		mutCase{"null slug", patch("slug", nil), mutBad, "slug"},
		mutCase{"null name", patch("name", nil), mutBad, "name"},
		mutCase{"null kind", patch("kind", nil), mutBad, "kind"},
		mutCase{"blank name", patch("name", ""), mutBad, "name"},
		mutCase{"dissolved before the stored founding", patch("dissolved", "2014-12-31"), mutBad, "dissolved"},
		mutCase{"founded after the new dissolution", patch("founded", "2023-08", "dissolved", "2023-07-31"), mutBad, "dissolved"},
		mutCase{"bad website", patch("website", "not a url"), mutBad, "website"},
		mutCase{"slug taken", patch("slug", "taken"), mutConflict, "slug"},
	)
	mutFailCases(t, s, mutUpdatePlatform, cases)
}

func TestMutationDeletePlatform(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	p := s.MustCreatePlatform(t, "p", nil)
	s.MustCreatePlatform(t, "other", nil)
	s.MustCreateSession(t, "s", "2023-07-28", map[string]any{"platformId": p})
	s.MustCreateInitiative(t, "i", map[string]any{"platformId": p})
	src := s.MustCreateSource(t, "src", nil)
	s.Mutate(t, mutAddMember, map[string]any{"p": p, "country": "KZ"}, nil)
	s.Mutate(t, mutAddMember, map[string]any{"p": p, "country": "US", "role": "PARTNER"}, nil)
	s.Mutate(t, mutCite, map[string]any{"subject": p, "source": src, "excerpt": "x"}, nil)

	mutMustDelete(t, s, model.TypePlatform, p)

	mutWantRead(t, s, `{ platform(slug: "p") { slug } session(slug: "s") { slug platform { slug } } initiative(slug: "i") { slug platform { slug } } }`, nil,
		`{"platform": null, "session": {"slug": "s", "platform": null}, "initiative": {"slug": "i", "platform": null}}`)
	mutWantRead(t, s, `{ platforms { nodes { slug } } sources { nodes { title } } }`, nil,
		`{"platforms": {"nodes": [{"slug": "other"}]}, "sources": {"nodes": [{"title": "src"}]}}`)
	members, err := s.Store.MembersByPlatform(context.Background(), []int64{mutKey(t, model.TypePlatform, p)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(members[mutKey(t, model.TypePlatform, p)]); n != 0 {
		t.Errorf("%d memberships of the deleted platform remain", n)
	}
}

func TestMutationPlatformMembers(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	p := s.MustCreatePlatform(t, "p", nil)
	topic := s.MustCreateTopic(t, "t", nil)
	members := func(want string) {
		t.Helper()
		mutWantRead(t, s, `{ platform(slug: "p") { members { country { code } role since until } } }`, nil,
			`{"platform": {"members": `+want+`}}`)
	}

	t.Run("add", func(t *testing.T) {
		var out struct {
			R struct {
				Slug    string
				Members []struct{ Role string }
			}
		}
		s.Mutate(t, `mutation($p: ID!) { r: addPlatformMember(platformId: $p, countryCode: "kz", since: "2015") { slug members { role } } }`,
			map[string]any{"p": p}, &out)
		if out.R.Slug != "p" || len(out.R.Members) != 1 {
			t.Errorf("addPlatformMember returned %+v, want the platform with its one member", out.R)
		}
		s.Mutate(t, mutAddMember, map[string]any{"p": p, "country": "US", "role": "PARTNER", "since": "2015-03", "until": "2020"}, nil)
		// A country may have several memberships that do not overlap: observer, then member.
		s.Mutate(t, mutAddMember, map[string]any{"p": p, "country": "KZ", "role": "OBSERVER", "since": "2010", "until": "2014"}, nil)
		members(`[
			{"country": {"code": "KZ"}, "role": "OBSERVER", "since": "2010", "until": "2014"},
			{"country": {"code": "KZ"}, "role": "MEMBER", "since": "2015", "until": null},
			{"country": {"code": "US"}, "role": "PARTNER", "since": "2015-03", "until": "2020"}]`)
		mutWantRead(t, s, `{ platform(slug: "p") { members(on: "2012") { country { code } role } } }`, nil,
			`{"platform": {"members": [{"country": {"code": "KZ"}, "role": "OBSERVER"}]}}`)
	})

	add := func(kv ...any) map[string]any {
		return mutWith(map[string]any{"p": p, "country": "TJ"}, kv...)
	}
	mutFailCases(t, s, mutAddMember, []mutCase{
		{"overlapping the open-ended membership", add("country", "KZ", "since", "2014-06", "until", "2016"), mutConflict, "countryCode"},
		{"undated, overlapping everything", add("country", "KZ"), mutConflict, "countryCode"},
		{"sharing the last month of a membership", add("country", "KZ", "since", "2014-12", "until", "2014-12"), mutConflict, "countryCode"},
		{"overlapping, other role", add("country", "US", "role", "OBSERVER", "since", "2019", "until", "2021"), mutConflict, "countryCode"},
		{"unknown country", add("country", "ZZ"), mutNotFound, "countryCode"},
		{"malformed country code", add("country", "KAZ"), mutBad, "countryCode"},
		{"empty country code", add("country", ""), mutBad, "countryCode"},
		{"until before since", add("since", "2023-08", "until", "2023-07-31"), mutBad, "until"},
		{"invalid since", add("since", "2023-02-30"), mutBad, "since"},
		{"invalid until", add("until", "2023-13"), mutBad, "until"},
		{"missing platform", add("p", mutMissingID(model.TypePlatform)), mutNotFound, ""},
		{"malformed platform ID", add("p", "nope"), mutBad, ""},
		{"topic ID as platformId", add("p", topic), mutBad, ""},
	})
	t.Run("the base arguments are valid", func(t *testing.T) {
		s.Mutate(t, mutAddMember, add(), nil)
	})

	t.Run("remove", func(t *testing.T) {
		var out struct {
			R struct {
				Members []struct{ Country struct{ Code string } }
			}
		}
		s.Mutate(t, `mutation($p: ID!) { r: removePlatformMember(platformId: $p, countryCode: "kz") { members { country { code } } } }`,
			map[string]any{"p": p}, &out)
		for _, m := range out.R.Members {
			if m.Country.Code == "KZ" {
				t.Errorf("removePlatformMember returned the platform with KZ still a member")
			}
		}
		members(`[
			{"country": {"code": "TJ"}, "role": "MEMBER", "since": null, "until": null},
			{"country": {"code": "US"}, "role": "PARTNER", "since": "2015-03", "until": "2020"}]`)
	})
	remove := func(kv ...any) map[string]any {
		return mutWith(map[string]any{"p": p, "country": "US"}, kv...)
	}
	mutFailCases(t, s, mutRemoveMember, []mutCase{
		{"a country no longer a member", remove("country", "KZ"), mutNotFound, "countryCode"},
		{"a country never a member", remove("country", "AF"), mutNotFound, "countryCode"},
		{"unknown country", remove("country", "ZZ"), mutNotFound, "countryCode"},
		{"malformed country code", remove("country", "K"), mutBad, "countryCode"},
		{"missing platform", remove("p", mutMissingID(model.TypePlatform)), mutNotFound, ""},
		{"topic ID as platformId", remove("p", topic), mutBad, ""},
	})
}

// ---------------------------------------------------------------------------------------
// Session

func TestMutationCreateSession(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	p := s.MustCreatePlatform(t, "c5", nil)
	parent := s.MustCreateSession(t, "summit", "2023-07-28", nil)
	t1 := s.MustCreateTopic(t, "security", map[string]any{"name": "Security"})
	t2 := s.MustCreateTopic(t, "human-rights", map[string]any{"name": "Human rights"})

	mutID(t, s, mutCreateSession, map[string]any{"in": map[string]any{
		"slug": "meeting", "title": "A meeting", "kind": "BILATERAL_MEETING", "platformId": p, "parentId": parent,
		"start": "2023-07-28", "end": "2023-07-29",
		"location":        map[string]any{"city": "Astana", "countryCode": "kz", "venue": "MFA", "latitude": 51.1, "longitude": 71.4},
		"hostCountryCode": "KZ", "subjectCountryCodes": []string{"AF", "tj", "AF"}, "topicIds": []string{t1, t2, t1},
		"summary": "Talks."}})
	mutWantRead(t, s, mutSessionRead, map[string]any{"slug": "meeting"}, `{"session": {
		"slug": "meeting", "title": "A meeting", "kind": "BILATERAL_MEETING", "platform": {"slug": "c5"},
		"parent": {"slug": "summit"}, "children": [], "start": "2023-07-28", "end": "2023-07-29",
		"location": {"city": "Astana", "country": {"code": "KZ"}, "venue": "MFA", "latitude": 51.1, "longitude": 71.4},
		"hostCountry": {"code": "KZ"}, "subjectCountries": [{"code": "AF"}, {"code": "TJ"}],
		"topics": [{"slug": "human-rights"}, {"slug": "security"}], "summary": "Talks.", "participants": []}}`)
	mutWantRead(t, s, `{ session(slug: "summit") { children { slug } } platform(slug: "c5") { sessions { totalCount } } }`, nil,
		`{"session": {"children": [{"slug": "meeting"}]}, "platform": {"sessions": {"totalCount": 1}}}`)

	in := mutInput(nil, map[string]any{"slug": "new", "title": "New", "kind": "OTHER", "start": "2023-07-28"})
	cases := mutSlugCases(in)
	cases = append(cases, mutDateCases("start", in)...)
	cases = append(cases, mutDateCases("end", in)...)
	cases = append(cases,
		mutCase{"blank title", in("title", "   "), mutBad, "title"},
		mutCase{"end before start", in("start", "2023-08", "end", "2023-07-31"), mutBad, "end"},
		mutCase{"malformed platformId", in("platformId", "nope"), mutBad, "platformId"},
		mutCase{"topic ID as platformId", in("platformId", t1), mutBad, "platformId"},
		mutCase{"missing platform", in("platformId", mutMissingID(model.TypePlatform)), mutNotFound, "platformId"},
		mutCase{"platform ID as parentId", in("parentId", p), mutBad, "parentId"},
		mutCase{"missing parent", in("parentId", mutMissingID(model.TypeSession)), mutNotFound, "parentId"},
		mutCase{"unknown host country", in("hostCountryCode", "ZZ"), mutNotFound, "hostCountryCode"},
		mutCase{"malformed host country", in("hostCountryCode", "KAZ"), mutBad, "hostCountryCode"},
		mutCase{"unknown location country", in("location", map[string]any{"city": "X", "countryCode": "ZZ"}), mutNotFound, "location.countryCode"},
		mutCase{"latitude out of range", in("location", map[string]any{"latitude": 91.0, "longitude": 0.0}), mutBad, "location.latitude"},
		mutCase{"latitude without longitude", in("location", map[string]any{"latitude": 10.0}), mutBad, "location"},
		mutCase{"unknown subject country", in("subjectCountryCodes", []string{"AF", "ZZ"}), mutNotFound, "subjectCountryCodes"},
		mutCase{"malformed subject country", in("subjectCountryCodes", []string{"Afghanistan"}), mutBad, "subjectCountryCodes"},
		mutCase{"one missing topic", in("topicIds", []string{t1, mutMissingID(model.TypeTopic)}), mutNotFound, "topicIds"},
		mutCase{"platform ID as a topic", in("topicIds", []string{p}), mutBad, "topicIds"},
		mutCase{"malformed topic ID", in("topicIds", []string{t1, "nope"}), mutBad, "topicIds"},
		mutCase{"slug taken", in("slug", "summit"), mutConflict, "slug"},
	)
	mutFailCases(t, s, mutCreateSession, cases)
	mutID(t, s, mutCreateSession, in())
}

func TestMutationUpdateSession(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	p := s.MustCreatePlatform(t, "c5", nil)
	parent := s.MustCreateSession(t, "summit", "2023-07", nil)
	t1 := s.MustCreateTopic(t, "a", nil)
	t2 := s.MustCreateTopic(t, "b", nil)
	t3 := s.MustCreateTopic(t, "c", nil)
	id := s.MustCreateSession(t, "s", "2023-07-28", map[string]any{
		"platformId": p, "parentId": parent, "end": "2023-07-29", "summary": "Sum",
		"location":        map[string]any{"city": "Astana", "countryCode": "KZ"},
		"hostCountryCode": "KZ", "subjectCountryCodes": []string{"AF", "TJ"}, "topicIds": []string{t1, t2}})
	child := s.MustCreateSession(t, "side", "2023-07-28", map[string]any{"parentId": id})
	s.MustCreateSession(t, "taken", "2023", nil)
	update := func(in map[string]any) {
		t.Helper()
		mutID(t, s, mutUpdateSession, map[string]any{"id": id, "in": in})
	}
	read := func(want string) {
		t.Helper()
		mutWantRead(t, s, `{ session(slug: "s") { slug title kind platform { slug } parent { slug } start end
			location { city country { code } } hostCountry { code } subjectCountries { code } topics { slug } summary } }`,
			nil, `{"session": `+want+`}`)
	}

	t.Run("omitted fields stay", func(t *testing.T) {
		update(map[string]any{"title": "Renamed", "kind": "SUMMIT"})
		read(`{"slug": "s", "title": "Renamed", "kind": "SUMMIT", "platform": {"slug": "c5"}, "parent": {"slug": "summit"},
			"start": "2023-07-28", "end": "2023-07-29", "location": {"city": "Astana", "country": {"code": "KZ"}},
			"hostCountry": {"code": "KZ"}, "subjectCountries": [{"code": "AF"}, {"code": "TJ"}],
			"topics": [{"slug": "a"}, {"slug": "b"}], "summary": "Sum"}`)
	})
	t.Run("lists replace", func(t *testing.T) {
		update(map[string]any{"topicIds": []string{t3, t2}, "subjectCountryCodes": []string{"uz"}})
		read(`{"slug": "s", "title": "Renamed", "kind": "SUMMIT", "platform": {"slug": "c5"}, "parent": {"slug": "summit"},
			"start": "2023-07-28", "end": "2023-07-29", "location": {"city": "Astana", "country": {"code": "KZ"}},
			"hostCountry": {"code": "KZ"}, "subjectCountries": [{"code": "UZ"}],
			"topics": [{"slug": "b"}, {"slug": "c"}], "summary": "Sum"}`)
		mutWantRead(t, s, `{ topic(slug: "a") { sessions { totalCount } } }`, nil, `{"topic": {"sessions": {"totalCount": 0}}}`)
	})
	t.Run("explicit null clears", func(t *testing.T) {
		update(map[string]any{"end": nil, "summary": nil, "platformId": nil, "parentId": nil, "location": nil,
			"hostCountryCode": nil, "subjectCountryCodes": nil, "topicIds": nil})
		read(`{"slug": "s", "title": "Renamed", "kind": "SUMMIT", "platform": null, "parent": null,
			"start": "2023-07-28", "end": null, "location": null, "hostCountry": null,
			"subjectCountries": [], "topics": [], "summary": null}`)
		mutWantRead(t, s, `{ session(slug: "summit") { children { slug } } platform(slug: "c5") { sessions { totalCount } } }`, nil,
			`{"session": {"children": []}, "platform": {"sessions": {"totalCount": 0}}}`)
	})
	t.Run("set references again", func(t *testing.T) {
		update(map[string]any{"platformId": p, "parentId": parent, "end": "2023-07-30", "topicIds": []string{t1}})
		read(`{"slug": "s", "title": "Renamed", "kind": "SUMMIT", "platform": {"slug": "c5"}, "parent": {"slug": "summit"},
			"start": "2023-07-28", "end": "2023-07-30", "location": null, "hostCountry": null,
			"subjectCountries": [], "topics": [{"slug": "a"}], "summary": null}`)
	})

	patch := mutInput(map[string]any{"id": id}, nil)
	cases := mutSlugCases(patch)
	cases = append(cases, mutDateCases("start", patch)...)
	cases = append(cases, mutDateCases("end", patch)...)
	cases = append(cases,
		mutCase{"null slug", patch("slug", nil), mutBad, "slug"},
		mutCase{"null title", patch("title", nil), mutBad, "title"},
		mutCase{"null kind", patch("kind", nil), mutBad, "kind"},
		mutCase{"null start", patch("start", nil), mutBad, "start"},
		mutCase{"blank title", patch("title", ""), mutBad, "title"},
		mutCase{"end before the stored start", patch("end", "2023-07-27"), mutBad, "end"},
		mutCase{"start after the stored end", patch("start", "2023-08"), mutBad, "end"},
		mutCase{"its own parent", patch("parentId", id), mutBad, "parentId"},
		mutCase{"its child as parent", patch("parentId", child), mutBad, "parentId"},
		mutCase{"missing parent", patch("parentId", mutMissingID(model.TypeSession)), mutNotFound, "parentId"},
		mutCase{"missing platform", patch("platformId", mutMissingID(model.TypePlatform)), mutNotFound, "platformId"},
		mutCase{"topic ID as platformId", patch("platformId", t1), mutBad, "platformId"},
		mutCase{"unknown host country", patch("hostCountryCode", "ZZ"), mutNotFound, "hostCountryCode"},
		mutCase{"unknown subject country", patch("subjectCountryCodes", []string{"ZZ"}), mutNotFound, "subjectCountryCodes"},
		mutCase{"retitled with one missing topic", patch("title", "Changed", "topicIds", []string{t1, mutMissingID(model.TypeTopic)}), mutNotFound, "topicIds"},
		mutCase{"session ID as a topic", patch("topicIds", []string{parent}), mutBad, "topicIds"},
		mutCase{"slug taken", patch("slug", "taken"), mutConflict, "slug"},
	)
	mutFailCases(t, s, mutUpdateSession, cases)
}

func TestMutationDeleteSession(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	top := s.MustCreateTopic(t, "t", nil)
	id := s.MustCreateSession(t, "summit", "2023-07-28", map[string]any{"topicIds": []string{top}, "subjectCountryCodes": []string{"AF"}})
	s.MustCreateSession(t, "side", "2023-07-28", map[string]any{"parentId": id})
	o1 := s.MustCreateOfficial(t, "o1", nil)
	o2 := s.MustCreateOfficial(t, "o2", nil)
	st := s.MustCreateStatement(t, o1, "2023-07-28", map[string]any{"sessionId": id, "text": "Said."})
	s.MustCreateInitiative(t, "i", map[string]any{"sessionIds": []string{id}})
	src := s.MustCreateSource(t, "src", nil)
	s.Mutate(t, mutAddParticipant, map[string]any{"s": id, "o": o1, "role": "chair"}, nil)
	s.Mutate(t, mutAddParticipant, map[string]any{"s": id, "o": o2}, nil)
	s.Mutate(t, mutCite, map[string]any{"subject": id, "source": src}, nil)

	mutMustDelete(t, s, model.TypeSession, id)

	mutWantRead(t, s, `{ session(slug: "summit") { slug } side: session(slug: "side") { slug parent { slug } }
		statements { nodes { text official { slug } session { slug } } }
		topic(slug: "t") { sessions { totalCount } }
		initiative(slug: "i") { sessions { slug } }
		official(slug: "o1") { sessions { totalCount } }
		sources { totalCount } }`, nil, `{
		"session": null, "side": {"slug": "side", "parent": null},
		"statements": {"nodes": [{"text": "Said.", "official": {"slug": "o1"}, "session": null}]},
		"topic": {"sessions": {"totalCount": 0}},
		"initiative": {"sessions": []},
		"official": {"sessions": {"totalCount": 0}},
		"sources": {"totalCount": 1}}`)
	mutWantRead(t, s, mutStatementRead, map[string]any{"id": st},
		`{"node": {"official": {"slug": "o1"}, "session": null, "date": "2023-07-28", "text": "Said."}}`)
	key := mutKey(t, model.TypeSession, id)
	participants, err := s.Store.ParticipantsBySession(context.Background(), []int64{key})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(participants[key]); n != 0 {
		t.Errorf("%d participants of the deleted session remain", n)
	}
}

func TestMutationParticipants(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	sess := s.MustCreateSession(t, "s", "2023-07-28", nil)
	o1 := s.MustCreateOfficial(t, "o1", map[string]any{"countryCode": "US"})
	o2 := s.MustCreateOfficial(t, "o2", nil)
	participants := func(want string) {
		t.Helper()
		mutWantRead(t, s, `{ session(slug: "s") { participants { official { slug } role country { code } } } }`, nil,
			`{"session": {"participants": `+want+`}}`)
	}

	t.Run("add", func(t *testing.T) {
		var out struct {
			R struct {
				Slug         string
				Participants []struct{ Role string }
			}
		}
		s.Mutate(t, `mutation($s: ID!, $o: ID!) { r: addParticipant(sessionId: $s, officialId: $o, role: "head of delegation", countryCode: "us") {
			slug participants { role } } }`, map[string]any{"s": sess, "o": o1}, &out)
		if out.R.Slug != "s" || len(out.R.Participants) != 1 {
			t.Errorf("addParticipant returned %+v, want the session with its one participant", out.R)
		}
		participants(`[{"official": {"slug": "o1"}, "role": "head of delegation", "country": {"code": "US"}}]`)
		mutWantRead(t, s, `{ official(slug: "o1") { sessions { nodes { slug } } } }`, nil,
			`{"official": {"sessions": {"nodes": [{"slug": "s"}]}}}`)
	})
	t.Run("adding again updates role and country", func(t *testing.T) {
		s.Mutate(t, mutAddParticipant, map[string]any{"s": sess, "o": o1, "role": "delegate", "country": "KZ"}, nil)
		participants(`[{"official": {"slug": "o1"}, "role": "delegate", "country": {"code": "KZ"}}]`)
	})

	add := func(kv ...any) map[string]any { return mutWith(map[string]any{"s": sess, "o": o2}, kv...) }
	mutFailCases(t, s, mutAddParticipant, []mutCase{
		{"missing session", add("s", mutMissingID(model.TypeSession)), mutNotFound, ""},
		{"malformed session ID", add("s", "nope"), mutBad, ""},
		{"official ID as sessionId", add("s", o1), mutBad, ""},
		{"missing official", add("o", mutMissingID(model.TypeOfficial)), mutNotFound, "officialId"},
		{"malformed official ID", add("o", "nope"), mutBad, "officialId"},
		{"session ID as officialId", add("o", sess), mutBad, "officialId"},
		{"unknown country", add("country", "ZZ"), mutNotFound, "countryCode"},
		{"malformed country", add("country", "USA"), mutBad, "countryCode"},
		{"role too long", add("role", strings.Repeat("x", 301)), mutBad, "role"},
	})
	t.Run("the base arguments are valid", func(t *testing.T) {
		s.Mutate(t, mutAddParticipant, add(), nil)
		participants(`[{"official": {"slug": "o1"}, "role": "delegate", "country": {"code": "KZ"}},
			{"official": {"slug": "o2"}, "role": null, "country": null}]`)
	})

	t.Run("remove", func(t *testing.T) {
		var out struct {
			R struct {
				Participants []struct{ Official struct{ Slug string } }
			}
		}
		s.Mutate(t, `mutation($s: ID!, $o: ID!) { r: removeParticipant(sessionId: $s, officialId: $o) { participants { official { slug } } } }`,
			map[string]any{"s": sess, "o": o1}, &out)
		if len(out.R.Participants) != 1 || out.R.Participants[0].Official.Slug != "o2" {
			t.Errorf("removeParticipant returned participants %+v, want only o2", out.R.Participants)
		}
		participants(`[{"official": {"slug": "o2"}, "role": null, "country": null}]`)
		mutWantRead(t, s, `{ official(slug: "o1") { sessions { totalCount } } }`, nil, `{"official": {"sessions": {"totalCount": 0}}}`)
	})
	remove := func(kv ...any) map[string]any { return mutWith(map[string]any{"s": sess, "o": o1}, kv...) }
	mutFailCases(t, s, mutRemoveParticipant, []mutCase{
		{"an official no longer a participant", remove(), mutNotFound, "officialId"},
		{"a missing official", remove("o", mutMissingID(model.TypeOfficial)), mutNotFound, "officialId"},
		{"malformed official ID", remove("o", "nope"), mutBad, "officialId"},
		{"missing session", remove("s", mutMissingID(model.TypeSession), "o", o2), mutNotFound, ""},
		{"malformed session ID", remove("s", "nope", "o", o2), mutBad, ""},
	})
}

// ---------------------------------------------------------------------------------------
// Official

func TestMutationCreateOfficial(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	mutID(t, s, mutCreateOfficial, map[string]any{"in": map[string]any{
		"slug": "thomas-west", "name": "Thomas West", "otherNames": []string{"Tom West", "T. West"}, "countryCode": "us"}})
	mutWantRead(t, s, mutOfficialRead, map[string]any{"slug": "thomas-west"}, `{"official": {
		"slug": "thomas-west", "name": "Thomas West", "otherNames": ["Tom West", "T. West"], "country": {"code": "US"}, "positions": []}}`)
	mutID(t, s, mutCreateOfficial, map[string]any{"in": map[string]any{"slug": "anon", "name": "Anon"}})
	mutWantRead(t, s, mutOfficialRead, map[string]any{"slug": "anon"}, `{"official": {
		"slug": "anon", "name": "Anon", "otherNames": [], "country": null, "positions": []}}`)

	in := mutInput(nil, map[string]any{"slug": "new", "name": "New"})
	cases := mutSlugCases(in)
	cases = append(cases,
		mutCase{"blank name", in("name", "  "), mutBad, "name"},
		mutCase{"blank other name", in("otherNames", []string{"Ok", " "}), mutBad, "otherNames"},
		mutCase{"unknown country", in("countryCode", "ZZ"), mutNotFound, "countryCode"},
		mutCase{"malformed country", in("countryCode", "USA"), mutBad, "countryCode"},
		mutCase{"slug taken", in("slug", "thomas-west"), mutConflict, "slug"},
	)
	mutFailCases(t, s, mutCreateOfficial, cases)
	mutID(t, s, mutCreateOfficial, in())
}

func TestMutationUpdateOfficial(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	id := s.MustCreateOfficial(t, "o", map[string]any{"name": "Name", "otherNames": []string{"A", "B"}, "countryCode": "KZ"})
	s.MustCreateOfficial(t, "taken", nil)
	read := func(want string) {
		t.Helper()
		mutWantRead(t, s, `{ official(slug: "o") { name otherNames country { code } } }`, nil, `{"official": `+want+`}`)
	}

	t.Run("omitted fields stay", func(t *testing.T) {
		mutID(t, s, mutUpdateOfficial, map[string]any{"id": id, "in": map[string]any{"name": "Renamed"}})
		read(`{"name": "Renamed", "otherNames": ["A", "B"], "country": {"code": "KZ"}}`)
	})
	t.Run("lists replace", func(t *testing.T) {
		mutID(t, s, mutUpdateOfficial, map[string]any{"id": id, "in": map[string]any{"otherNames": []string{"C"}}})
		read(`{"name": "Renamed", "otherNames": ["C"], "country": {"code": "KZ"}}`)
	})
	t.Run("explicit null clears", func(t *testing.T) {
		mutID(t, s, mutUpdateOfficial, map[string]any{"id": id, "in": map[string]any{"otherNames": nil, "countryCode": nil}})
		read(`{"name": "Renamed", "otherNames": [], "country": null}`)
	})

	patch := mutInput(map[string]any{"id": id}, nil)
	cases := mutSlugCases(patch)
	cases = append(cases,
		mutCase{"null slug", patch("slug", nil), mutBad, "slug"},
		mutCase{"null name", patch("name", nil), mutBad, "name"},
		mutCase{"blank name", patch("name", "\t"), mutBad, "name"},
		mutCase{"blank other name", patch("otherNames", []string{""}), mutBad, "otherNames"},
		mutCase{"renamed, with an unknown country", patch("name", "X", "countryCode", "ZZ"), mutNotFound, "countryCode"},
		mutCase{"slug taken", patch("slug", "taken"), mutConflict, "slug"},
	)
	mutFailCases(t, s, mutUpdateOfficial, cases)
}

func TestMutationDeleteOfficial(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	speaker := s.MustCreateOfficial(t, "speaker", nil)
	silent := s.MustCreateOfficial(t, "silent", nil)
	sess := s.MustCreateSession(t, "s", "2023-07-28", nil)
	st := s.MustCreateStatement(t, speaker, "2023-07-28", nil)
	s.MustCreateInitiative(t, "i", map[string]any{"proposedById": silent})
	s.Mutate(t, mutAddParticipant, map[string]any{"s": sess, "o": speaker}, nil)
	s.Mutate(t, mutAddParticipant, map[string]any{"s": sess, "o": silent}, nil)
	s.Mutate(t, mutAddPosition, map[string]any{"o": silent, "title": "Minister"}, nil)

	t.Run("refused while they have statements", func(t *testing.T) {
		mutFail(t, s, mutConflict, "", mutDelete(model.TypeOfficial), map[string]any{"id": speaker})
	})
	t.Run("without statements: participations and positions go, initiatives stay", func(t *testing.T) {
		mutMustDelete(t, s, model.TypeOfficial, silent)
		mutWantRead(t, s, `{ official(slug: "silent") { slug } session(slug: "s") { participants { official { slug } } }
			initiative(slug: "i") { slug proposedBy { slug } } }`, nil, `{"official": null,
			"session": {"participants": [{"official": {"slug": "speaker"}}]},
			"initiative": {"slug": "i", "proposedBy": null}}`)
		key := mutKey(t, model.TypeOfficial, silent)
		positions, err := s.Store.PositionsByOfficial(context.Background(), []int64{key})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(positions[key]); n != 0 {
			t.Errorf("%d positions of the deleted official remain", n)
		}
	})
	t.Run("allowed once their statements are gone", func(t *testing.T) {
		mutMustDelete(t, s, model.TypeStatement, st)
		mutMustDelete(t, s, model.TypeOfficial, speaker)
		mutWantRead(t, s, `{ session(slug: "s") { participants { official { slug } } } }`, nil, `{"session": {"participants": []}}`)
	})
}

func TestMutationAddPosition(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	o := s.MustCreateOfficial(t, "o", nil)
	sess := s.MustCreateSession(t, "s", "2023", nil)

	var out struct {
		R struct {
			Slug      string
			Positions []struct{ Title string }
		}
	}
	s.Mutate(t, `mutation($o: ID!) { r: addPosition(officialId: $o, title: "Deputy Minister", organization: "MFA",
		countryCode: "kz", start: "2021-04", end: "2023") { slug positions { title } } }`, map[string]any{"o": o}, &out)
	if out.R.Slug != "o" || len(out.R.Positions) != 1 {
		t.Errorf("addPosition returned %+v, want the official with the one position", out.R)
	}
	s.Mutate(t, mutAddPosition, map[string]any{"o": o, "title": "Ambassador", "start": "2019", "end": "2021-03"}, nil)
	s.Mutate(t, mutAddPosition, map[string]any{"o": o, "title": "Adviser"}, nil)
	mutWantRead(t, s, mutOfficialRead, map[string]any{"slug": "o"}, `{"official": {"slug": "o", "name": "Official o",
		"otherNames": [], "country": null, "positions": [
		{"title": "Adviser", "organization": null, "country": null, "start": null, "end": null},
		{"title": "Ambassador", "organization": null, "country": null, "start": "2019", "end": "2021-03"},
		{"title": "Deputy Minister", "organization": "MFA", "country": {"code": "KZ"}, "start": "2021-04", "end": "2023"}]}}`)
	mutWantRead(t, s, `{ official(slug: "o") { positions(on: "2020") { title } } }`, nil,
		`{"official": {"positions": [{"title": "Adviser"}, {"title": "Ambassador"}]}}`)

	add := func(kv ...any) map[string]any { return mutWith(map[string]any{"o": o, "title": "T"}, kv...) }
	cases := []mutCase{
		{"blank title", add("title", " "), mutBad, "title"},
		{"end before start", add("start", "2023-08", "end", "2023-07-31"), mutBad, "end"},
		{"unknown country", add("country", "ZZ"), mutNotFound, "countryCode"},
		{"malformed country", add("country", "K1"), mutBad, "countryCode"},
		{"missing official", add("o", mutMissingID(model.TypeOfficial)), mutNotFound, ""},
		{"malformed official ID", add("o", "nope"), mutBad, ""},
		{"session ID as officialId", add("o", sess), mutBad, ""},
	}
	cases = append(cases, mutDateCases("start", add)...)
	cases = append(cases, mutDateCases("end", add)...)
	mutFailCases(t, s, mutAddPosition, cases)
	s.Mutate(t, mutAddPosition, add(), nil)
}

// ---------------------------------------------------------------------------------------
// Initiative

func TestMutationCreateInitiative(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	o := s.MustCreateOfficial(t, "tokayev", nil)
	p := s.MustCreatePlatform(t, "c5", nil)
	sess := s.MustCreateSession(t, "summit", "2023-07-28", nil)
	t1 := s.MustCreateTopic(t, "trade", map[string]any{"name": "Trade"})
	t2 := s.MustCreateTopic(t, "development", map[string]any{"name": "Development"})

	mutID(t, s, mutCreateInitiative, map[string]any{"in": map[string]any{
		"slug": "un-centre", "title": "UN centre", "description": "A regional centre.", "proposedOn": "2023-07-28",
		"proposedById": o, "countryCode": "kz", "location": map[string]any{"city": "Almaty", "countryCode": "KZ"},
		"platformId": p, "sessionIds": []string{sess}, "topicIds": []string{t1, t2}}})
	mutWantRead(t, s, mutInitiativeRead, map[string]any{"slug": "un-centre"}, `{"initiative": {
		"slug": "un-centre", "title": "UN centre", "description": "A regional centre.", "status": "PROPOSED",
		"statusHistory": [{"status": "PROPOSED", "on": "2023-07-28", "note": null}], "proposedOn": "2023-07-28",
		"proposedBy": {"slug": "tokayev"}, "country": {"code": "KZ"},
		"location": {"city": "Almaty", "country": {"code": "KZ"}, "venue": null, "latitude": null, "longitude": null},
		"platform": {"slug": "c5"}, "sessions": [{"slug": "summit"}], "topics": [{"slug": "development"}, {"slug": "trade"}]}}`)
	mutWantRead(t, s, `{ session(slug: "summit") { initiatives { slug } } official(slug: "tokayev") { initiatives { slug } }
		platform(slug: "c5") { initiatives { slug } } }`, nil, `{"session": {"initiatives": [{"slug": "un-centre"}]},
		"official": {"initiatives": [{"slug": "un-centre"}]}, "platform": {"initiatives": [{"slug": "un-centre"}]}}`)

	t.Run("initial status without a date", func(t *testing.T) {
		mutID(t, s, mutCreateInitiative, map[string]any{"in": map[string]any{"slug": "endorsed", "title": "E", "status": "ENDORSED"}})
		mutWantRead(t, s, `{ initiative(slug: "endorsed") { status statusHistory { status } proposedBy { slug } } }`, nil,
			`{"initiative": {"status": "ENDORSED", "statusHistory": [], "proposedBy": null}}`)
	})
	t.Run("initial status recorded on proposedOn", func(t *testing.T) {
		mutID(t, s, mutCreateInitiative, map[string]any{"in": map[string]any{"slug": "adopted", "title": "A", "status": "ADOPTED", "proposedOn": "2020"}})
		mutWantRead(t, s, `{ initiative(slug: "adopted") { status statusHistory { status on } } }`, nil,
			`{"initiative": {"status": "ADOPTED", "statusHistory": [{"status": "ADOPTED", "on": "2020"}]}}`)
	})

	in := mutInput(nil, map[string]any{"slug": "new", "title": "New", "proposedOn": "2023"})
	cases := mutSlugCases(in)
	cases = append(cases, mutDateCases("proposedOn", in)...)
	cases = append(cases,
		mutCase{"blank title", in("title", ""), mutBad, "title"},
		mutCase{"missing proposer", in("proposedById", mutMissingID(model.TypeOfficial)), mutNotFound, "proposedById"},
		mutCase{"session ID as proposedById", in("proposedById", sess), mutBad, "proposedById"},
		mutCase{"missing platform", in("platformId", mutMissingID(model.TypePlatform)), mutNotFound, "platformId"},
		mutCase{"unknown country", in("countryCode", "ZZ"), mutNotFound, "countryCode"},
		mutCase{"unknown location country", in("location", map[string]any{"countryCode": "ZZ"}), mutNotFound, "location.countryCode"},
		mutCase{"one missing session", in("sessionIds", []string{sess, mutMissingID(model.TypeSession)}), mutNotFound, "sessionIds"},
		mutCase{"official ID as a topic", in("topicIds", []string{o}), mutBad, "topicIds"},
		mutCase{"one missing topic", in("topicIds", []string{t1, mutMissingID(model.TypeTopic)}), mutNotFound, "topicIds"},
		mutCase{"slug taken", in("slug", "un-centre"), mutConflict, "slug"},
	)
	mutFailCases(t, s, mutCreateInitiative, cases)
	mutID(t, s, mutCreateInitiative, in())
}

func TestMutationUpdateInitiative(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	o := s.MustCreateOfficial(t, "o", nil)
	p := s.MustCreatePlatform(t, "p", nil)
	s1 := s.MustCreateSession(t, "s1", "2023-07-28", nil)
	s2 := s.MustCreateSession(t, "s2", "2023-07-29", nil)
	t1 := s.MustCreateTopic(t, "a", nil)
	t2 := s.MustCreateTopic(t, "b", nil)
	id := s.MustCreateInitiative(t, "i", map[string]any{"description": "D", "proposedOn": "2023-07-28", "proposedById": o,
		"countryCode": "KZ", "location": map[string]any{"city": "Almaty"}, "platformId": p,
		"sessionIds": []string{s1}, "topicIds": []string{t1}})
	s.MustCreateInitiative(t, "taken", nil)
	update := func(in map[string]any) {
		t.Helper()
		mutID(t, s, mutUpdateInitiative, map[string]any{"id": id, "in": in})
	}
	read := func(want string) {
		t.Helper()
		mutWantRead(t, s, `{ initiative(slug: "i") { title description status proposedOn proposedBy { slug } country { code }
			location { city } platform { slug } sessions { slug } topics { slug } } }`, nil, `{"initiative": `+want+`}`)
	}

	t.Run("omitted fields stay", func(t *testing.T) {
		update(map[string]any{"title": "Renamed"})
		read(`{"title": "Renamed", "description": "D", "status": "PROPOSED", "proposedOn": "2023-07-28", "proposedBy": {"slug": "o"},
			"country": {"code": "KZ"}, "location": {"city": "Almaty"}, "platform": {"slug": "p"},
			"sessions": [{"slug": "s1"}], "topics": [{"slug": "a"}]}`)
	})
	t.Run("lists replace", func(t *testing.T) {
		update(map[string]any{"sessionIds": []string{s2, s1}, "topicIds": []string{t2}})
		read(`{"title": "Renamed", "description": "D", "status": "PROPOSED", "proposedOn": "2023-07-28", "proposedBy": {"slug": "o"},
			"country": {"code": "KZ"}, "location": {"city": "Almaty"}, "platform": {"slug": "p"},
			"sessions": [{"slug": "s1"}, {"slug": "s2"}], "topics": [{"slug": "b"}]}`)
	})
	t.Run("explicit null clears", func(t *testing.T) {
		update(map[string]any{"description": nil, "proposedOn": nil, "proposedById": nil, "countryCode": nil,
			"location": nil, "platformId": nil, "sessionIds": nil, "topicIds": []string{}})
		read(`{"title": "Renamed", "description": null, "status": "PROPOSED", "proposedOn": null, "proposedBy": null,
			"country": null, "location": null, "platform": null, "sessions": [], "topics": []}`)
		mutWantRead(t, s, `{ official(slug: "o") { initiatives { slug } } }`, nil, `{"official": {"initiatives": []}}`)
	})

	patch := mutInput(map[string]any{"id": id}, nil)
	cases := mutSlugCases(patch)
	cases = append(cases, mutDateCases("proposedOn", patch)...)
	cases = append(cases,
		mutCase{"null slug", patch("slug", nil), mutBad, "slug"},
		mutCase{"null title", patch("title", nil), mutBad, "title"},
		mutCase{"missing proposer", patch("proposedById", mutMissingID(model.TypeOfficial)), mutNotFound, "proposedById"},
		mutCase{"platform ID as proposedById", patch("proposedById", p), mutBad, "proposedById"},
		mutCase{"missing platform", patch("platformId", mutMissingID(model.TypePlatform)), mutNotFound, "platformId"},
		mutCase{"unknown country", patch("countryCode", "ZZ"), mutNotFound, "countryCode"},
		mutCase{"retitled with one missing session", patch("title", "X", "sessionIds", []string{s1, mutMissingID(model.TypeSession)}), mutNotFound, "sessionIds"},
		mutCase{"missing topic", patch("topicIds", []string{mutMissingID(model.TypeTopic)}), mutNotFound, "topicIds"},
		mutCase{"slug taken", patch("slug", "taken"), mutConflict, "slug"},
	)
	mutFailCases(t, s, mutUpdateInitiative, cases)
}

func TestMutationDeleteInitiative(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	o := s.MustCreateOfficial(t, "o", nil)
	sess := s.MustCreateSession(t, "s", "2023", nil)
	top := s.MustCreateTopic(t, "t", nil)
	src := s.MustCreateSource(t, "src", nil)
	id := s.MustCreateInitiative(t, "i", map[string]any{"proposedById": o, "proposedOn": "2023",
		"sessionIds": []string{sess}, "topicIds": []string{top}})
	s.Mutate(t, mutSetStatus, map[string]any{"i": id, "status": "ADOPTED", "on": "2024"}, nil)
	s.Mutate(t, mutCite, map[string]any{"subject": id, "source": src}, nil)

	mutMustDelete(t, s, model.TypeInitiative, id)
	mutWantRead(t, s, `{ initiative(slug: "i") { slug } session(slug: "s") { slug initiatives { slug } }
		official(slug: "o") { slug initiatives { slug } } topic(slug: "t") { slug } sources { totalCount } }`, nil,
		`{"initiative": null, "session": {"slug": "s", "initiatives": []}, "official": {"slug": "o", "initiatives": []},
		"topic": {"slug": "t"}, "sources": {"totalCount": 1}}`)
}

func TestMutationSetInitiativeStatus(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	id := s.MustCreateInitiative(t, "i", map[string]any{"proposedOn": "2023-07-28"})
	o := s.MustCreateOfficial(t, "o", nil)
	set := func(status, on string, note any) {
		t.Helper()
		var out struct{ R struct{ Status string } }
		s.Mutate(t, `mutation($i: ID!, $status: InitiativeStatus!, $on: Date!, $note: String) {
			r: setInitiativeStatus(initiativeId: $i, status: $status, on: $on, note: $note) { status } }`,
			map[string]any{"i": id, "status": status, "on": on, "note": note}, &out)
		var now struct{ Initiative struct{ Status string } }
		s.Query(t, `{ initiative(slug: "i") { status } }`, nil, &now)
		if out.R.Status != now.Initiative.Status {
			t.Errorf("setInitiativeStatus returned status %s, but a read gives %s", out.R.Status, now.Initiative.Status)
		}
	}
	read := func(want string) {
		t.Helper()
		mutWantRead(t, s, `{ initiative(slug: "i") { status statusHistory { status on note } } }`, nil, `{"initiative": `+want+`}`)
	}

	set("ENDORSED", "2023-09", "at the summit")
	read(`{"status": "ENDORSED", "statusHistory": [
		{"status": "PROPOSED", "on": "2023-07-28", "note": null},
		{"status": "ENDORSED", "on": "2023-09", "note": "at the summit"}]}`)
	set("ADOPTED", "2024-01-15", nil)
	read(`{"status": "ADOPTED", "statusHistory": [
		{"status": "PROPOSED", "on": "2023-07-28", "note": null},
		{"status": "ENDORSED", "on": "2023-09", "note": "at the summit"},
		{"status": "ADOPTED", "on": "2024-01-15", "note": null}]}`)

	t.Run("a change recorded late takes its place by date and leaves the current status", func(t *testing.T) {
		set("STALLED", "2023-08-01", "recorded late")
		read(`{"status": "ADOPTED", "statusHistory": [
			{"status": "PROPOSED", "on": "2023-07-28", "note": null},
			{"status": "STALLED", "on": "2023-08-01", "note": "recorded late"},
			{"status": "ENDORSED", "on": "2023-09", "note": "at the summit"},
			{"status": "ADOPTED", "on": "2024-01-15", "note": null}]}`)
		mutWantRead(t, s, `{ a: initiatives(filter: {statuses: [ADOPTED]}) { totalCount } s: initiatives(filter: {statuses: [STALLED]}) { totalCount } }`,
			nil, `{"a": {"totalCount": 1}, "s": {"totalCount": 0}}`)
	})
	t.Run("a later change becomes current", func(t *testing.T) {
		set("IMPLEMENTED", "2025", nil)
		var out struct {
			Initiative struct {
				Status        string
				StatusHistory []struct{ Status string }
			}
		}
		s.Query(t, `{ initiative(slug: "i") { status statusHistory { status } } }`, nil, &out)
		h := out.Initiative.StatusHistory
		if out.Initiative.Status != "IMPLEMENTED" || len(h) != 5 || h[4].Status != "IMPLEMENTED" {
			t.Errorf("after IMPLEMENTED on 2025: %+v", out.Initiative)
		}
	})

	vars := func(kv ...any) map[string]any {
		return mutWith(map[string]any{"i": id, "status": "WITHDRAWN", "on": "2026"}, kv...)
	}
	cases := []mutCase{
		{"missing initiative", vars("i", mutMissingID(model.TypeInitiative)), mutNotFound, ""},
		{"malformed initiative ID", vars("i", "nope"), mutBad, ""},
		{"official ID as initiativeId", vars("i", o), mutBad, ""},
		{"note too long", vars("note", strings.Repeat("x", 5001)), mutBad, "note"},
		{"before the proposal (2023-07-28)", vars("on", "2023-07-27"), mutBad, "on"},
		{"a month before the proposal", vars("on", "2023-06"), mutBad, "on"},
		{"a year before the proposal", vars("on", "2022"), mutBad, "on"},
	}
	cases = append(cases, mutDateCases("on", vars)...)
	mutFailCases(t, s, mutSetStatus, cases)
	s.Mutate(t, mutSetStatus, vars(), nil)
	// A coarser date that covers the proposal's day is not before it.
	for _, on := range []string{"2023", "2023-07", "2023-07-28"} {
		s.Mutate(t, mutSetStatus, vars("on", on, "status", "ENDORSED"), nil)
	}
}

// ---------------------------------------------------------------------------------------
// Statement

func TestMutationCreateStatement(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	o := s.MustCreateOfficial(t, "kaliyev", nil)
	sess := s.MustCreateSession(t, "summit", "2023-07-28", nil)

	id := mutID(t, s, mutCreateStatement, map[string]any{"in": map[string]any{
		"officialId": o, "sessionId": sess, "date": "2023-07-28", "text": "A single agreed approach."}})
	mutWantRead(t, s, mutStatementRead, map[string]any{"id": id}, `{"node": {"official": {"slug": "kaliyev"},
		"session": {"slug": "summit"}, "date": "2023-07-28", "text": "A single agreed approach."}}`)
	mutWantRead(t, s, `{ official(slug: "kaliyev") { statements { text } } session(slug: "summit") { statements { text } } }`, nil,
		`{"official": {"statements": [{"text": "A single agreed approach."}]}, "session": {"statements": [{"text": "A single agreed approach."}]}}`)

	in := mutInput(nil, map[string]any{"officialId": o, "date": "2023", "text": "T"})
	cases := mutDateCases("date", in)
	cases = append(cases,
		mutCase{"blank text", in("text", "  "), mutBad, "text"},
		mutCase{"text with a NUL", in("text", "a\x00b"), mutBad, "text"},
		mutCase{"missing official", in("officialId", mutMissingID(model.TypeOfficial)), mutNotFound, "officialId"},
		mutCase{"malformed official ID", in("officialId", "nope"), mutBad, "officialId"},
		mutCase{"session ID as officialId", in("officialId", sess), mutBad, "officialId"},
		mutCase{"missing session", in("sessionId", mutMissingID(model.TypeSession)), mutNotFound, "sessionId"},
		mutCase{"official ID as sessionId", in("sessionId", o), mutBad, "sessionId"},
	)
	mutFailCases(t, s, mutCreateStatement, cases)
	mutID(t, s, mutCreateStatement, in())
}

func TestMutationUpdateStatement(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	o1 := s.MustCreateOfficial(t, "o1", nil)
	o2 := s.MustCreateOfficial(t, "o2", nil)
	sess := s.MustCreateSession(t, "s", "2023-07-28", nil)
	id := s.MustCreateStatement(t, o1, "2023-07-28", map[string]any{"sessionId": sess, "text": "Said."})
	update := func(in map[string]any) {
		t.Helper()
		mutID(t, s, mutUpdateStatement, map[string]any{"id": id, "in": in})
	}
	read := func(want string) {
		t.Helper()
		mutWantRead(t, s, mutStatementRead, map[string]any{"id": id}, `{"node": `+want+`}`)
	}

	t.Run("omitted fields stay", func(t *testing.T) {
		update(map[string]any{"text": "Said again."})
		read(`{"official": {"slug": "o1"}, "session": {"slug": "s"}, "date": "2023-07-28", "text": "Said again."}`)
	})
	t.Run("explicit null clears the session", func(t *testing.T) {
		update(map[string]any{"sessionId": nil, "officialId": o2, "date": "2023-07"})
		read(`{"official": {"slug": "o2"}, "session": null, "date": "2023-07", "text": "Said again."}`)
		mutWantRead(t, s, `{ official(slug: "o1") { statements { text } } session(slug: "s") { statements { text } } }`, nil,
			`{"official": {"statements": []}, "session": {"statements": []}}`)
	})

	patch := mutInput(map[string]any{"id": id}, nil)
	cases := mutDateCases("date", patch)
	cases = append(cases,
		mutCase{"null officialId", patch("officialId", nil), mutBad, "officialId"},
		mutCase{"null date", patch("date", nil), mutBad, "date"},
		mutCase{"null text", patch("text", nil), mutBad, "text"},
		mutCase{"blank text", patch("text", ""), mutBad, "text"},
		mutCase{"missing official", patch("officialId", mutMissingID(model.TypeOfficial)), mutNotFound, "officialId"},
		mutCase{"topic-type official ID", patch("officialId", mutMissingID(model.TypeTopic)), mutBad, "officialId"},
		mutCase{"missing session", patch("text", "X", "sessionId", mutMissingID(model.TypeSession)), mutNotFound, "sessionId"},
	)
	mutFailCases(t, s, mutUpdateStatement, cases)
}

func TestMutationDeleteStatement(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	o := s.MustCreateOfficial(t, "o", nil)
	sess := s.MustCreateSession(t, "s", "2023", nil)
	src := s.MustCreateSource(t, "src", nil)
	id := s.MustCreateStatement(t, o, "2023", map[string]any{"sessionId": sess})
	keep := s.MustCreateStatement(t, o, "2024", map[string]any{"text": "Kept."})
	s.Mutate(t, mutCite, map[string]any{"subject": id, "source": src}, nil)

	mutMustDelete(t, s, model.TypeStatement, id)
	mutWantRead(t, s, `{ official(slug: "o") { statements { text } } session(slug: "s") { statements { text } } sources { totalCount } }`, nil,
		`{"official": {"statements": [{"text": "Kept."}]}, "session": {"statements": []}, "sources": {"totalCount": 1}}`)
	mutWantRead(t, s, mutNodeRead, map[string]any{"id": keep}, fmt.Sprintf(`{"node": {"id": %q}}`, keep))
}

// ---------------------------------------------------------------------------------------
// Topic

func TestMutationCreateTopic(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	mutID(t, s, mutCreateTopic, map[string]any{"in": map[string]any{"slug": "human-rights", "name": "Human rights", "description": "D"}})
	mutWantRead(t, s, mutTopicRead, map[string]any{"slug": "human-rights"},
		`{"topic": {"slug": "human-rights", "name": "Human rights", "description": "D"}}`)

	in := mutInput(nil, map[string]any{"slug": "new", "name": "New"})
	cases := mutSlugCases(in)
	cases = append(cases,
		mutCase{"blank name", in("name", " "), mutBad, "name"},
		mutCase{"name too long", in("name", strings.Repeat("n", 201)), mutBad, "name"},
		mutCase{"slug taken", in("slug", "human-rights"), mutConflict, "slug"},
	)
	mutFailCases(t, s, mutCreateTopic, cases)
	mutID(t, s, mutCreateTopic, in())
}

func TestMutationUpdateTopic(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	id := s.MustCreateTopic(t, "t", map[string]any{"name": "Name", "description": "D"})
	s.MustCreateTopic(t, "taken", nil)

	mutID(t, s, mutUpdateTopic, map[string]any{"id": id, "in": map[string]any{"name": "Renamed"}})
	mutWantRead(t, s, mutTopicRead, map[string]any{"slug": "t"}, `{"topic": {"slug": "t", "name": "Renamed", "description": "D"}}`)
	mutID(t, s, mutUpdateTopic, map[string]any{"id": id, "in": map[string]any{"description": nil, "slug": "t2"}})
	mutWantRead(t, s, mutTopicRead, map[string]any{"slug": "t2"}, `{"topic": {"slug": "t2", "name": "Renamed", "description": null}}`)

	patch := mutInput(map[string]any{"id": id}, nil)
	cases := mutSlugCases(patch)
	cases = append(cases,
		mutCase{"null slug", patch("slug", nil), mutBad, "slug"},
		mutCase{"null name", patch("name", nil), mutBad, "name"},
		mutCase{"blank name", patch("name", ""), mutBad, "name"},
		mutCase{"slug taken", patch("slug", "taken"), mutConflict, "slug"},
	)
	mutFailCases(t, s, mutUpdateTopic, cases)
}

func TestMutationDeleteTopic(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	gone := s.MustCreateTopic(t, "gone", nil)
	kept := s.MustCreateTopic(t, "kept", nil)
	s.MustCreateSession(t, "s", "2023", map[string]any{"topicIds": []string{gone, kept}})
	s.MustCreateInitiative(t, "i", map[string]any{"topicIds": []string{gone}})

	mutMustDelete(t, s, model.TypeTopic, gone)
	mutWantRead(t, s, `{ topic(slug: "gone") { slug } session(slug: "s") { slug topics { slug } } initiative(slug: "i") { slug topics { slug } }
		topics { nodes { slug } } }`, nil, `{"topic": null, "session": {"slug": "s", "topics": [{"slug": "kept"}]},
		"initiative": {"slug": "i", "topics": []}, "topics": {"nodes": [{"slug": "kept"}]}}`)
}

// ---------------------------------------------------------------------------------------
// Source and citations

func TestMutationCreateSource(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	id := mutID(t, s, mutCreateSource, map[string]any{"in": map[string]any{"title": "Kazinform article", "publisher": "Kazinform",
		"url": "https://www.inform.kz/en/article", "publishedOn": "2023-07-28", "language": "en", "excerpt": "Key sentences."}})
	mutWantRead(t, s, mutSourceRead, map[string]any{"id": id}, `{"node": {"title": "Kazinform article", "publisher": "Kazinform",
		"url": "https://www.inform.kz/en/article", "publishedOn": "2023-07-28", "language": "en", "excerpt": "Key sentences."}}`)

	in := mutInput(nil, map[string]any{"title": "New"})
	cases := mutDateCases("publishedOn", in)
	cases = append(cases,
		mutCase{"blank title", in("title", " "), mutBad, "title"},
		mutCase{"url without a scheme", in("url", "www.inform.kz/article"), mutBad, "url"},
		mutCase{"javascript url", in("url", "javascript:alert(1)"), mutBad, "url"},
		mutCase{"language not a tag", in("language", "english!"), mutBad, "language"},
	)
	mutFailCases(t, s, mutCreateSource, cases)
	mutID(t, s, mutCreateSource, in())
}

func TestMutationUpdateSource(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	id := s.MustCreateSource(t, "T", map[string]any{"publisher": "P", "url": "https://example.org", "publishedOn": "2023",
		"language": "en", "excerpt": "E"})
	read := func(want string) {
		t.Helper()
		mutWantRead(t, s, mutSourceRead, map[string]any{"id": id}, `{"node": `+want+`}`)
	}

	mutID(t, s, mutUpdateSource, map[string]any{"id": id, "in": map[string]any{"title": "Renamed", "language": "ru"}})
	read(`{"title": "Renamed", "publisher": "P", "url": "https://example.org", "publishedOn": "2023", "language": "ru", "excerpt": "E"}`)
	mutID(t, s, mutUpdateSource, map[string]any{"id": id, "in": map[string]any{"publisher": nil, "url": nil, "publishedOn": nil, "excerpt": nil}})
	read(`{"title": "Renamed", "publisher": null, "url": null, "publishedOn": null, "language": "ru", "excerpt": null}`)

	patch := mutInput(map[string]any{"id": id}, nil)
	cases := mutDateCases("publishedOn", patch)
	cases = append(cases,
		mutCase{"null title", patch("title", nil), mutBad, "title"},
		mutCase{"blank title", patch("title", ""), mutBad, "title"},
		mutCase{"bad url", patch("url", "not a url"), mutBad, "url"},
		mutCase{"bad language", patch("language", "x"), mutBad, "language"},
	)
	mutFailCases(t, s, mutUpdateSource, cases)
}

func TestMutationDeleteSource(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	sess := s.MustCreateSession(t, "s", "2023", nil)
	gone := s.MustCreateSource(t, "gone", nil)
	kept := s.MustCreateSource(t, "kept", nil)
	s.Mutate(t, mutCite, map[string]any{"subject": sess, "source": gone, "excerpt": "a"}, nil)
	s.Mutate(t, mutCite, map[string]any{"subject": sess, "source": kept, "excerpt": "b"}, nil)
	mutWantRead(t, s, mutCitationsRead, map[string]any{"id": sess}, `{"node": {"sources": [{"title": "gone"}, {"title": "kept"}],
		"citations": [{"source": {"title": "gone"}, "excerpt": "a"}, {"source": {"title": "kept"}, "excerpt": "b"}]}}`)

	mutMustDelete(t, s, model.TypeSource, gone)
	mutWantRead(t, s, mutCitationsRead, map[string]any{"id": sess}, `{"node": {"sources": [{"title": "kept"}],
		"citations": [{"source": {"title": "kept"}, "excerpt": "b"}]}}`)
}

func TestMutationCiteSource(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	o := s.MustCreateOfficial(t, "o", nil)
	src := s.MustCreateSource(t, "src", nil)
	subjects := []struct {
		typ string
		id  string
	}{
		{model.TypePlatform, s.MustCreatePlatform(t, "p", nil)},
		{model.TypeSession, s.MustCreateSession(t, "s", "2023", nil)},
		{model.TypeInitiative, s.MustCreateInitiative(t, "i", nil)},
		{model.TypeStatement, s.MustCreateStatement(t, o, "2023", nil)},
	}
	for _, sub := range subjects {
		t.Run(sub.typ, func(t *testing.T) {
			var out struct{ R struct{ ID, Title string } }
			s.Mutate(t, `mutation($subject: ID!, $source: ID!) { r: citeSource(subjectId: $subject, sourceId: $source, excerpt: "first") { id title } }`,
				map[string]any{"subject": sub.id, "source": src}, &out)
			if out.R.ID != src || out.R.Title != "src" {
				t.Errorf("citeSource returned %+v, want the source %s", out.R, src)
			}
			mutWantRead(t, s, mutCitationsRead, map[string]any{"id": sub.id},
				`{"node": {"sources": [{"title": "src"}], "citations": [{"source": {"title": "src"}, "excerpt": "first"}]}}`)

			s.Mutate(t, mutCite, map[string]any{"subject": sub.id, "source": src, "excerpt": "second"}, nil)
			mutWantRead(t, s, mutCitationsRead, map[string]any{"id": sub.id},
				`{"node": {"sources": [{"title": "src"}], "citations": [{"source": {"title": "src"}, "excerpt": "second"}]}}`)
		})
	}

	session := subjects[1].id
	topic := s.MustCreateTopic(t, "t", nil)
	cite := func(kv ...any) map[string]any {
		return mutWith(map[string]any{"subject": session, "source": src, "excerpt": "third"}, kv...)
	}
	mutFailCases(t, s, mutCite, []mutCase{
		{"a topic as subject", cite("subject", topic), mutBad, "subjectId"},
		{"an official as subject", cite("subject", o), mutBad, "subjectId"},
		{"a source as subject", cite("subject", src), mutBad, "subjectId"},
		{"a country as subject", cite("subject", model.EncodeID(model.TypeCountry, "KZ")), mutBad, "subjectId"},
		{"malformed subject", cite("subject", "nope"), mutBad, "subjectId"},
		{"missing subject", cite("subject", mutMissingID(model.TypeSession)), mutNotFound, "subjectId"},
		{"missing source", cite("source", mutMissingID(model.TypeSource)), mutNotFound, "sourceId"},
		{"malformed source", cite("source", "nope"), mutBad, "sourceId"},
		{"a topic as source", cite("source", topic), mutBad, "sourceId"},
		{"excerpt too long", cite("excerpt", strings.Repeat("x", 20001)), mutBad, "excerpt"},
	})
}

// ---------------------------------------------------------------------------------------
// Atomicity

// TestMutationIsOneTransaction: a mutation that fails part-way — after it has written
// its main row — leaves nothing behind.
func TestMutationIsOneTransaction(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	p := s.MustCreatePlatform(t, "p", nil)
	top := s.MustCreateTopic(t, "t", nil)
	sess := s.MustCreateSession(t, "s", "2023-07-28", map[string]any{"topicIds": []string{top}, "subjectCountryCodes": []string{"AF"}})
	o := s.MustCreateOfficial(t, "o", map[string]any{"countryCode": "KZ"})

	t.Run("createSession with a valid platform and one missing topic", func(t *testing.T) {
		mutFail(t, s, mutNotFound, "topicIds", mutCreateSession, map[string]any{"in": map[string]any{
			"slug": "new", "title": "New", "kind": "SUMMIT", "start": "2023-08", "platformId": p,
			"subjectCountryCodes": []string{"AF"}, "topicIds": []string{top, mutMissingID(model.TypeTopic)}}})
		mutWantRead(t, s, `{ session(slug: "new") { slug } sessions { totalCount } platform(slug: "p") { sessions { totalCount } } }`, nil,
			`{"session": null, "sessions": {"totalCount": 1}, "platform": {"sessions": {"totalCount": 0}}}`)
	})
	t.Run("updateSession with valid changes and one unknown subject country", func(t *testing.T) {
		mutFail(t, s, mutNotFound, "subjectCountryCodes", mutUpdateSession, map[string]any{"id": sess, "in": map[string]any{
			"title": "Changed", "platformId": p, "topicIds": []string{}, "subjectCountryCodes": []string{"TJ", "ZZ"}}})
		mutWantRead(t, s, `{ session(slug: "s") { title platform { slug } topics { slug } subjectCountries { code } } }`, nil,
			`{"session": {"title": "Session s", "platform": null, "topics": [{"slug": "t"}], "subjectCountries": [{"code": "AF"}]}}`)
	})
	t.Run("createInitiative with its first status change and one missing session", func(t *testing.T) {
		mutFail(t, s, mutNotFound, "sessionIds", mutCreateInitiative, map[string]any{"in": map[string]any{
			"slug": "i", "title": "I", "proposedOn": "2023", "status": "ENDORSED", "proposedById": o,
			"sessionIds": []string{sess, mutMissingID(model.TypeSession)}}})
		mutWantRead(t, s, `{ initiative(slug: "i") { slug } initiatives { totalCount } official(slug: "o") { initiatives { slug } } }`, nil,
			`{"initiative": null, "initiatives": {"totalCount": 0}, "official": {"initiatives": []}}`)
	})
	t.Run("updateOfficial renaming with an unknown country", func(t *testing.T) {
		mutFail(t, s, mutNotFound, "countryCode", mutUpdateOfficial, map[string]any{"id": o, "in": map[string]any{
			"name": "Renamed", "otherNames": []string{"X"}, "countryCode": "ZZ"}})
		mutWantRead(t, s, `{ official(slug: "o") { name otherNames country { code } } }`, nil,
			`{"official": {"name": "Official o", "otherNames": [], "country": {"code": "KZ"}}}`)
	})
}

// ---------------------------------------------------------------------------------------
// Error fields name the argument

// TestMutationErrorFieldNamesArgument: extensions.field names the argument at fault, so a
// client can show the error beside it. The relation mutations take their parent record
// as sessionId, platformId, officialId or initiativeId, not id.
func TestMutationErrorFieldNamesArgument(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	o := s.MustCreateOfficial(t, "o", nil)
	for _, c := range []struct {
		name, query, field string
		vars               map[string]any
	}{
		{"addParticipant, malformed sessionId", mutAddParticipant, "sessionId", map[string]any{"s": "nope", "o": o}},
		{"addParticipant, missing sessionId", mutAddParticipant, "sessionId", map[string]any{"s": mutMissingID(model.TypeSession), "o": o}},
		{"removeParticipant, malformed sessionId", mutRemoveParticipant, "sessionId", map[string]any{"s": "nope", "o": o}},
		{"addPlatformMember, malformed platformId", mutAddMember, "platformId", map[string]any{"p": "nope", "country": "KZ"}},
		{"addPlatformMember, missing platformId", mutAddMember, "platformId", map[string]any{"p": mutMissingID(model.TypePlatform), "country": "KZ"}},
		{"removePlatformMember, malformed platformId", mutRemoveMember, "platformId", map[string]any{"p": "nope", "country": "KZ"}},
		{"addPosition, malformed officialId", mutAddPosition, "officialId", map[string]any{"o": "nope", "title": "T"}},
		{"addPosition, missing officialId", mutAddPosition, "officialId", map[string]any{"o": mutMissingID(model.TypeOfficial), "title": "T"}},
		{"setInitiativeStatus, malformed initiativeId", mutSetStatus, "initiativeId", map[string]any{"i": "nope", "status": "ADOPTED", "on": "2023"}},
		{"setInitiativeStatus, missing initiativeId", mutSetStatus, "initiativeId", map[string]any{"i": mutMissingID(model.TypeInitiative), "status": "ADOPTED", "on": "2023"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := s.Do(t, apitest.Token, c.query, c.vars)
			if len(r.Errors) != 1 {
				t.Fatalf("want one error, got %+v", r.Errors)
			}
			if got, _ := r.Errors[0].Extensions["field"].(string); got != c.field {
				t.Errorf("extensions.field = %q, want %q (error: %+v)", got, c.field, r.Errors[0])
			}
		})
	}
}

// TestMutationDeletedRecordLooksUpAsNull: after a delete, looking the record up by its
// slug answers null, whatever the selection.
func TestMutationDeletedRecordLooksUpAsNull(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	for _, c := range []struct {
		typ, id, lookup string
	}{
		{model.TypePlatform, s.MustCreatePlatform(t, "p", nil), `{ r: platform(slug: "p") { slug members { role } } }`},
		{model.TypeSession, s.MustCreateSession(t, "s", "2023", nil), `{ r: session(slug: "s") { slug participants { role } } }`},
		{model.TypeOfficial, s.MustCreateOfficial(t, "o", nil), `{ r: official(slug: "o") { slug positions { title } } }`},
		{model.TypeInitiative, s.MustCreateInitiative(t, "i", nil), `{ r: initiative(slug: "i") { slug statusHistory { status } } }`},
		{model.TypeTopic, s.MustCreateTopic(t, "t", nil), `{ r: topic(slug: "t") { slug sessions { totalCount } } }`},
	} {
		t.Run(c.typ, func(t *testing.T) {
			mutMustDelete(t, s, c.typ, c.id)
			r := s.Do(t, "", c.lookup, nil)
			if len(r.Errors) > 0 || mutCanon(t, r.Data) != `{"r":null}` {
				t.Errorf("%s: data %s, errors %+v; want null and no error", c.lookup, r.Data, r.Errors)
			}
		})
	}
}
