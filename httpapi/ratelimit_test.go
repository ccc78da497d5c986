package httpapi_test

import (
	"diplomacy-timeline/httpapi"
	"diplomacy-timeline/httpapi/apitest"
	"diplomacy-timeline/limits"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hzLimited are the limits of the rate-limit tests: 5 requests a second in bursts of 5,
// one mutation a second in bursts of 2.
var hzLimited = limits.Config{Rate: 5, Burst: 5, MutationRate: 1, MutationBurst: 2}

// hzPost posts a GraphQL request with extra headers and returns the raw answer.
func hzPost(t *testing.T, s *apitest.Server, header map[string]string, query string, vars map[string]any) *hzResult {
	t.Helper()
	return hzSend(t, s, hzCase{name: "post", header: header, body: hzBody(query, vars)})
}

// hzWantRateLimited checks a 429 answer: a Retry-After of at least one second and the
// code RATE_LIMITED.
func hzWantRateLimited(t *testing.T, r *hzResult) {
	t.Helper()
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429: %.300s", r.status, r.raw)
	}
	ra := r.header.Get("Retry-After")
	if n, err := strconv.Atoi(ra); err != nil || n < 1 {
		t.Errorf("Retry-After %q, want whole seconds ≥ 1", ra)
	}
	if !r.json || len(r.resp.Errors) == 0 || r.resp.Codes()[0] != "RATE_LIMITED" {
		t.Errorf("want a RATE_LIMITED error, got %.300s", r.raw)
	}
}

// hzBurst sends n quick reads from the client that header describes and returns the
// statuses; it reports whether they took long enough for the bucket to refill a token
// (200 ms at 5/s), when a test cannot tell a refill from a missing limit.
func hzBurst(t *testing.T, s *apitest.Server, header map[string]string, n int) (statuses []int, slow bool) {
	t.Helper()
	start := time.Now()
	for range n {
		statuses = append(statuses, hzPost(t, s, header, `{ __typename }`, nil).status)
	}
	return statuses, time.Since(start) > 150*time.Millisecond
}

func TestRateLimitRequests(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServerWith(t, false, httpapi.Options{Token: apitest.Token, Limits: hzLimited})
	start := time.Now()
	for i := 1; i <= 5; i++ {
		if r := hzPost(t, s, nil, `{ topics { totalCount } }`, nil); r.status != http.StatusOK || len(r.resp.Errors) > 0 {
			t.Fatalf("request %d of the burst: status %d, %.300s", i, r.status, r.raw)
		}
	}
	r := hzPost(t, s, nil, `{ topics { totalCount } }`, nil)
	if r.status == http.StatusOK && time.Since(start) > 150*time.Millisecond {
		t.Skipf("the burst took %v, long enough for the bucket to refill; cannot tell", time.Since(start))
	}
	hzWantRateLimited(t, r)

	// A refused request costs nothing more: after Retry-After the client is served again.
	wait, _ := strconv.Atoi(r.header.Get("Retry-After"))
	if wait > 2 {
		t.Fatalf("Retry-After %d s for a 5/s limit", wait)
	}
	time.Sleep(time.Duration(wait) * time.Second)
	if r := hzPost(t, s, nil, `{ topics { totalCount } }`, nil); r.status != http.StatusOK {
		t.Fatalf("after waiting Retry-After: status %d, %.300s", r.status, r.raw)
	}

	// Other endpoints are not limited.
	for range 10 {
		res, err := s.Client().Get(s.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /healthz: %d", res.StatusCode)
		}
	}
}

func TestRateLimitMutations(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServerWith(t, false, httpapi.Options{Token: apitest.Token, Limits: hzLimited})
	create := `mutation($slug: String!) { createTopic(input: {slug: $slug, name: $slug}) { id slug } }`
	start := time.Now()
	for i := 1; i <= 2; i++ {
		r := hzPost(t, s, hzAuth, create, map[string]any{"slug": fmt.Sprintf("hz-rate-%d", i)})
		if r.status != http.StatusOK || len(r.resp.Errors) > 0 {
			t.Fatalf("mutation %d: status %d, %.300s", i, r.status, r.raw)
		}
	}
	r := hzPost(t, s, hzAuth, create, map[string]any{"slug": "hz-rate-3"})
	if r.status == http.StatusOK && time.Since(start) > 800*time.Millisecond {
		t.Skipf("the mutations took %v, long enough for the bucket to refill; cannot tell", time.Since(start))
	}
	hzWantRateLimited(t, r)
	if len(r.resp.Data) > 0 && string(r.resp.Data) != "null" {
		t.Errorf("a refused mutation has data: %s", r.resp.Data)
	}

	// One read (the fourth request of a burst of five): only the two allowed writes.
	var data struct {
		Topics     struct{ TotalCount int }
		T1, T2, T3 *struct{ ID string }
	}
	s.Query(t, `{ topics { totalCount } t1: topic(slug: "hz-rate-1") { id } t2: topic(slug: "hz-rate-2") { id } t3: topic(slug: "hz-rate-3") { id } }`, nil, &data)
	if data.Topics.TotalCount != 7+2 || data.T1 == nil || data.T2 == nil || data.T3 != nil {
		t.Fatalf("after 2 allowed and 1 refused mutation: %d topics (want 9), t1 %v, t2 %v, t3 %v", data.Topics.TotalCount, data.T1, data.T2, data.T3)
	}
}

// TestRateLimitMutationFields: each mutation field of an operation takes a token, so
// aliased mutations in one request are no way around the budget.
func TestRateLimitMutationFields(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServerWith(t, false, httpapi.Options{Token: apitest.Token, Limits: limits.Config{MutationRate: 0.01, MutationBurst: 3}})
	three := `mutation { a: createTopic(input: {slug: "hz-a", name: "A"}) { id } b: createTopic(input: {slug: "hz-b", name: "B"}) { id } ...More }
		fragment More on Mutation { c: createTopic(input: {slug: "hz-c", name: "C"}) { id } }`
	if r := hzPost(t, s, hzAuth, three, nil); r.status != http.StatusOK || len(r.resp.Errors) > 0 {
		t.Fatalf("three mutations within a budget of three: status %d, %.300s", r.status, r.raw)
	}
	one := `mutation { createTopic(input: {slug: "hz-d", name: "D"}) { id } }`
	hzWantRateLimited(t, hzPost(t, s, hzAuth, one, nil))

	// Failed mutations count too: two and two is over three.
	s = apitest.MustOpenServerWith(t, false, httpapi.Options{Token: apitest.Token, Limits: limits.Config{MutationRate: 0.01, MutationBurst: 3}})
	two := `mutation { a: deleteTopic(id: "x") b: deleteTopic(id: "y") }`
	if r := hzPost(t, s, hzAuth, two, nil); r.status != http.StatusOK || len(r.resp.Errors) != 2 {
		t.Fatalf("two bad deletes: status %d, %.300s", r.status, r.raw)
	}
	hzWantRateLimited(t, hzPost(t, s, hzAuth, two, nil))
}

func TestRateLimitTrustProxy(t *testing.T) {
	t.Parallel()
	xff := func(addr string) map[string]string { return map[string]string{"X-Forwarded-For": addr} }

	t.Run("on: each forwarded address has its own budget", func(t *testing.T) {
		limits := hzLimited
		limits.TrustProxy = true
		s := apitest.MustOpenServerWith(t, true, httpapi.Options{Token: apitest.Token, Limits: limits})
		a, slowA := hzBurst(t, s, xff("203.0.113.1"), 6)
		start := time.Now()
		b, _ := hzBurst(t, s, xff("203.0.113.2"), 5)
		// The proxy appends the address it saw last; what comes before is the client's
		// claim and must not buy a fresh budget.
		c, _ := hzBurst(t, s, xff("10.9.9.9, 203.0.113.2"), 1)
		if slowA || time.Since(start) > 150*time.Millisecond {
			t.Skip("the requests were too slow to tell a refill from a separate budget")
		}
		if fmt.Sprint(a) != "[200 200 200 200 200 429]" {
			t.Errorf("first address: %v, want five 200 and a 429", a)
		}
		if fmt.Sprint(b) != "[200 200 200 200 200]" {
			t.Errorf("second address after the first ran out: %v, want five 200", b)
		}
		if fmt.Sprint(c) != "[429]" {
			t.Errorf("second address behind a forged entry: %v, want 429", c)
		}
	})

	t.Run("off: X-Forwarded-For is ignored", func(t *testing.T) {
		s := apitest.MustOpenServerWith(t, true, httpapi.Options{Token: apitest.Token, Limits: hzLimited})
		var got []int
		start := time.Now()
		for i := range 6 {
			got = append(got, hzPost(t, s, xff(fmt.Sprintf("203.0.113.%d", i+1)), `{ __typename }`, nil).status)
		}
		if time.Since(start) > 150*time.Millisecond {
			t.Skip("the requests were too slow to tell a refill from a separate budget")
		}
		if fmt.Sprint(got) != "[200 200 200 200 200 429]" {
			t.Errorf("six addresses in X-Forwarded-For without a trusted proxy: %v, want one shared budget", got)
		}
	})
}

// hzPreflight sends a CORS preflight for a POST with the headers a GraphQL client sends.
func hzPreflight(t *testing.T, s *apitest.Server, origin string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodOptions, s.URL+"/graphql", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", http.MethodPost)
	// As browsers send it: lowercase, sorted, no spaces (the Fetch standard).
	req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// hzCORSHeaders returns the Access-Control-* headers of a response.
func hzCORSHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for k := range h {
		if strings.HasPrefix(strings.ToLower(k), "access-control-") {
			out[k] = h.Get(k)
		}
	}
	return out
}

func TestCORS(t *testing.T) {
	t.Parallel()
	const dash = "https://dash.example"

	t.Run("configured origin", func(t *testing.T) {
		s := apitest.MustOpenServerWith(t, true, httpapi.Options{Token: apitest.Token, CORSOrigins: []string{dash}})
		res := hzPreflight(t, s, dash)
		if res.StatusCode/100 != 2 {
			t.Errorf("preflight from %s: status %d", dash, res.StatusCode)
		}
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != dash {
			t.Errorf("preflight from %s: Access-Control-Allow-Origin %q", dash, got)
		}
		if got := strings.ToUpper(res.Header.Get("Access-Control-Allow-Methods")); !strings.Contains(got, "POST") {
			t.Errorf("preflight from %s: Access-Control-Allow-Methods %q, want POST", dash, got)
		}
		if got := strings.ToLower(res.Header.Get("Access-Control-Allow-Headers")); !strings.Contains(got, "authorization") || !strings.Contains(got, "content-type") {
			t.Errorf("preflight from %s: Access-Control-Allow-Headers %q, want content-type and authorization", dash, got)
		}

		// The actual request from the allowed origin is readable by it.
		r := hzPost(t, s, map[string]string{"Origin": dash}, `{ topics { totalCount } }`, nil)
		if r.status != http.StatusOK || r.header.Get("Access-Control-Allow-Origin") != dash {
			t.Errorf("POST from %s: status %d, Access-Control-Allow-Origin %q", dash, r.status, r.header.Get("Access-Control-Allow-Origin"))
		}
	})

	t.Run("another origin", func(t *testing.T) {
		s := apitest.MustOpenServerWith(t, true, httpapi.Options{Token: apitest.Token, CORSOrigins: []string{dash}})
		for _, origin := range []string{"https://evil.example", "https://dash.example.evil.example", "http://dash.example", "null"} {
			res := hzPreflight(t, s, origin)
			if res.StatusCode >= 500 {
				t.Errorf("preflight from %s: status %d", origin, res.StatusCode)
			}
			if got := res.Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("preflight from %s: Access-Control-Allow-Origin %q, want none", origin, got)
			}
			r := hzPost(t, s, map[string]string{"Origin": origin}, `{ topics { totalCount } }`, nil)
			if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("POST from %s: Access-Control-Allow-Origin %q, want none", origin, got)
			}
		}
	})

	t.Run("no origins configured", func(t *testing.T) {
		s := apitest.MustOpenServerWith(t, true, httpapi.Options{Token: apitest.Token})
		for _, origin := range []string{dash, "https://evil.example"} {
			res := hzPreflight(t, s, origin)
			if res.StatusCode >= 500 {
				t.Errorf("preflight from %s: status %d", origin, res.StatusCode)
			}
			if h := hzCORSHeaders(res.Header); len(h) > 0 {
				t.Errorf("preflight from %s: CORS headers %v, want none", origin, h)
			}
			r := hzPost(t, s, map[string]string{"Origin": origin}, `{ topics { totalCount } }`, nil)
			if h := hzCORSHeaders(r.header); len(h) > 0 {
				t.Errorf("POST from %s: CORS headers %v, want none", origin, h)
			}
		}
	})

	t.Run("a simple cross-site request cannot write", func(t *testing.T) {
		// A form post (no preflight) carries no JSON content type, so it is refused before
		// the mutation runs, whatever the origin: the CSRF guard.
		s := apitest.MustOpenServerWith(t, true, httpapi.Options{Token: apitest.Token, CORSOrigins: []string{dash}})
		for _, ctype := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
			r := hzSend(t, s, hzCase{
				name: ctype, ctype: ctype,
				header: map[string]string{"Origin": "https://evil.example", "Authorization": "Bearer " + apitest.Token},
				body:   hzBody(`mutation { createTopic(input: {slug: "hz-csrf", name: "CSRF"}) { id } }`, nil),
			})
			if r.status != http.StatusUnsupportedMediaType {
				t.Errorf("%s: status %d, want 415", ctype, r.status)
			}
		}
		var data struct{ Topic *struct{ ID string } }
		s.Query(t, `{ topic(slug: "hz-csrf") { id } }`, nil, &data)
		if data.Topic != nil {
			t.Fatal("a simple cross-site request created a topic")
		}
	})
}

// hzIntrospection is the smallest introspection query a tool sends.
const hzIntrospection = `{ __schema { types { name } } }`

func TestIntrospection(t *testing.T) {
	t.Parallel()
	t.Run("on by default", func(t *testing.T) {
		s := apitest.MustOpenServer(t, true)
		var data struct {
			Schema struct {
				Types []struct{ Name string }
			} `json:"__schema"`
		}
		s.Query(t, hzIntrospection, nil, &data)
		var names []string
		for _, ty := range data.Schema.Types {
			names = append(names, ty.Name)
		}
		for _, want := range []string{"Session", "TimelineEntry", "Query", "Mutation"} {
			if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+want+" ") {
				t.Errorf("introspection does not list %s: %v", want, names)
			}
		}
		var typ struct {
			Type *struct{ Name string } `json:"__type"`
		}
		s.Query(t, `{ __type(name: "Session") { name } }`, nil, &typ)
		if typ.Type == nil || typ.Type.Name != "Session" {
			t.Errorf("__type(name: Session): %+v", typ.Type)
		}
		r := s.Do(t, "", `{ topics { totalCountt } }`, nil)
		if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "Did you mean") {
			t.Errorf("a misspelled field with introspection on: %+v, want a suggestion", r.Errors)
		}
	})

	t.Run("off", func(t *testing.T) {
		s := apitest.MustOpenServerWith(t, true, httpapi.Options{Token: apitest.Token, NoIntrospection: true})
		var internal []string
		for _, q := range []string{hzIntrospection, `{ __type(name: "Session") { name fields { name } } }`} {
			r := s.Do(t, "", q, nil)
			if r.Status >= 500 {
				t.Fatalf("%s: status %d", q, r.Status)
			}
			if len(r.Errors) == 0 {
				t.Fatalf("%s with introspection off: no error, data %s", q, r.Data)
			}
			code := r.Codes()[0]
			if code == "" {
				t.Errorf("%s: an error without a code: %+v", q, r.Errors)
			}
			if strings.Contains(string(r.Data), "Session") || strings.Contains(string(r.Data), "TimelineEntry") {
				t.Errorf("%s: the schema leaked: %s", q, r.Data)
			}
			if code == "INTERNAL" {
				internal = append(internal, q)
			}
		}
		// Ordinary queries still work.
		var data struct{ Topics struct{ TotalCount int } }
		s.Query(t, `{ topics { totalCount } }`, nil, &data)
		if len(internal) > 0 && !t.Failed() {
			t.Fatalf("with NoIntrospection, introspection answers code INTERNAL (gqlgen's plain \"introspection disabled\" error falls to the default branch of errorPresenter in graph/errors.go, which masks it and logs it at ERROR as an internal error); want a client code such as INTROSPECTION_DISABLED or GRAPHQL_VALIDATION_FAILED: %s", strings.Join(internal, "; "))
		}
	})

	t.Run("off: no SDL either", func(t *testing.T) {
		s := apitest.MustOpenServerWith(t, true, httpapi.Options{Token: apitest.Token, NoIntrospection: true})
		res, err := http.Get(s.URL + "/schema.graphql")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET /schema.graphql with introspection off: %d, want 404", res.StatusCode)
		}
	})

	t.Run("off: no suggestions for a misspelled name", func(t *testing.T) {
		s := apitest.MustOpenServerWith(t, true, httpapi.Options{Token: apitest.Token, NoIntrospection: true})
		for _, q := range []string{
			`{ topics { totalCountt } }`,
			`{ topicz { totalCount } }`,
			`{ sessions { nodes { titel } } }`,
			`{ platforms { nodes { ...P } } } fragment P on Platfrm { name }`,
			`query($f: SessionFiltr) { sessions(filter: $f) { totalCount } }`,
		} {
			r := s.Do(t, "", q, nil)
			if len(r.Errors) == 0 {
				t.Fatalf("%s: no error", q)
			}
			if got := r.Codes()[0]; got != "GRAPHQL_VALIDATION_FAILED" {
				t.Errorf("%s: code %q, want GRAPHQL_VALIDATION_FAILED", q, got)
			}
			for _, e := range r.Errors {
				if strings.Contains(e.Message, "Did you mean") {
					t.Errorf("%s: a suggestion with introspection off: %q", q, e.Message)
				}
			}
		}
		// Ordinary queries still work.
		var data struct{ Topics struct{ TotalCount int } }
		s.Query(t, `{ topics { totalCount } }`, nil, &data)
	})

	t.Run("off: no suggestions for arguments, input fields, enum values", func(t *testing.T) {
		s := apitest.MustOpenServerWith(t, true, httpapi.Options{Token: apitest.Token, NoIntrospection: true})
		var leaks []string
		for _, q := range []string{
			`{ topics(frist: 1) { totalCount } }`,
			`{ sessions(filter: {platform: ["c5"]}) { totalCount } }`,
			`{ sessions(orderBy: {field: STRAT}) { totalCount } }`,
		} {
			r := s.Do(t, "", q, nil)
			if len(r.Errors) == 0 {
				t.Fatalf("%s: no error", q)
			}
			if got := r.Codes()[0]; got != "GRAPHQL_VALIDATION_FAILED" {
				t.Errorf("%s: code %q, want GRAPHQL_VALIDATION_FAILED", q, got)
			}
			for _, e := range r.Errors {
				if strings.Contains(e.Message, "Did you mean") {
					leaks = append(leaks, fmt.Sprintf("%s → %q", q, e.Message))
				}
			}
		}
		if len(leaks) > 0 {
			t.Fatalf("with NoIntrospection, validation errors still suggest schema names (NewGraphQL in graph/server.go relies on SetDisableSuggestion, which in gqlgen only swaps the FieldsOnCorrectType and ScalarLeafs rules; ValuesOfCorrectType (input fields, enum values) and KnownArgumentNames keep their suggestions; gqlparser has WithoutSuggestions variants of both): %s", strings.Join(leaks, "; "))
		}
	})
}
