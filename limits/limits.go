// Package limits names, in one place, every bound the server puts on what a client may
// ask for: the configurable limits of a request (Config, each with a flag and an
// environment variable in config.go) and the fixed caps of the API contract (page sizes,
// list lengths, export sizes); the caps that are rules of the domain's validation are
// defined in model, which checks them, and listed here too. A refusal of any of them is a coded error; the codes live
// with the layers that refuse (graph, httpapi, export) and in package apierr.
package limits

import (
	"time"

	"diplomacy-timeline/model"
)

// Config bounds what one request may cost. A zero shape limit means its default, a zero
// rate means no rate limit.
type Config struct {
	MaxDepth         int // deepest selection nesting (introspection not counted)
	MaxComplexity    int // cost budget, see graph/complexity.go
	MaxAliases       int // aliased fields in one operation
	MaxRootFields    int // top-level fields in one operation
	MaxFields        int // fields in one operation, fragments expanded wherever spread
	MaxSubscriptions int // subscriptions open at once on one websocket
	MaxStreams       int // websockets and event streams open at once per client
	MaxStreamsTotal  int // websockets and event streams open at once on the whole server
	MaxInFlight      int // requests one client has in flight at once; more queue behind their own
	// MaxFragments is the most fragment definitions one document holds: validation walks
	// every fragment on its own as well as wherever it is spread.
	MaxFragments int
	// MaxDirectives is the most directives one document holds, each fragment's counted
	// wherever it is spread, as its fields are (MaxFields); a valid field takes two or
	// three at most, so the default is room for a thousand of them.
	MaxDirectives int
	// MaxValues is the most argument values one document holds, each item of a list and
	// each field of an input object counted, and each fragment's wherever it is spread:
	// by default more than a document within the token limit (MaxTokens) can write
	// without spreading a fragment.
	MaxValues    int
	MaxTokens    int           // lexer tokens in one document
	MaxBodyBytes int64         // request body size
	Timeout      time.Duration // deadline of one request, down to the database
	// WebsocketInitTimeout is how long a websocket may stay open without connection_init:
	// one that never sends it would otherwise hold its slot, and its goroutines, forever.
	WebsocketInitTimeout time.Duration

	// The caches of the GraphQL server, bounded in bytes: a cache bounded in entries
	// holds as many bytes as its clients send, and 1,000 documents of 1 MB are 1 GB.
	QueryCacheBytes     int64 // heap the parsed documents kept may take, estimated (graph/cache.go)
	APQCacheBytes       int64 // bytes the automatic persisted queries kept may take
	MaxCachedQueryBytes int   // longest query text either cache keeps; a longer one is parsed each time

	Rate          float64 // requests per second per client; 0 is unlimited
	Burst         int     // requests a client may make at once
	MutationRate  float64 // mutations per second per client; 0 is unlimited
	MutationBurst int     // mutations a client may make at once
	TrustProxy    bool    // take the client address from X-Forwarded-For
}

// Default is safe for a public endpoint and roomy for a dashboard and for a test suite or
// script that runs hundreds of requests in a few seconds: a flood still meets 429 within a
// second.
func Default() Config {
	return Config{
		MaxDepth:         12,
		MaxComplexity:    200000,
		MaxAliases:       50,
		MaxRootFields:    20,
		MaxFields:        5000,
		MaxSubscriptions: 20,
		MaxStreams:       20,
		MaxStreamsTotal:  10000,
		MaxInFlight:      4,
		MaxFragments:     100,
		MaxDirectives:    1000,
		MaxValues:        20000,
		MaxTokens:        15000,
		MaxBodyBytes:     1 << 20,
		Timeout:          10 * time.Second,
		Rate:             50,
		Burst:            300,
		MutationRate:     10,
		MutationBurst:    100,

		QueryCacheBytes:     16 << 20,
		APQCacheBytes:       4 << 20,
		MaxCachedQueryBytes: 4 << 10,

		WebsocketInitTimeout: 10 * time.Second,
	}
}

// WithDefaults fills the zero shape limits with their defaults; rates are left alone, since
// zero turns a rate limit off.
func (l Config) WithDefaults() Config {
	d := Default()
	for _, f := range []struct{ v, def *int }{
		{&l.MaxDepth, &d.MaxDepth}, {&l.MaxComplexity, &d.MaxComplexity}, {&l.MaxAliases, &d.MaxAliases},
		{&l.MaxRootFields, &d.MaxRootFields}, {&l.MaxFields, &d.MaxFields}, {&l.MaxSubscriptions, &d.MaxSubscriptions},
		{&l.MaxStreams, &d.MaxStreams}, {&l.MaxStreamsTotal, &d.MaxStreamsTotal}, {&l.MaxInFlight, &d.MaxInFlight},
		{&l.MaxFragments, &d.MaxFragments}, {&l.MaxDirectives, &d.MaxDirectives}, {&l.MaxValues, &d.MaxValues}, {&l.MaxTokens, &d.MaxTokens},
		{&l.MaxCachedQueryBytes, &d.MaxCachedQueryBytes},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	for _, f := range []struct{ v, def *int64 }{{&l.QueryCacheBytes, &d.QueryCacheBytes}, {&l.APQCacheBytes, &d.APQCacheBytes}} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	if l.WebsocketInitTimeout <= 0 {
		l.WebsocketInitTimeout = d.WebsocketInitTimeout
	}
	return l
}

// The fixed caps of the API contract. They are not configurable: clients and the
// documentation rely on them.
const (
	// DefaultPageSize is a connection's page without first or last.
	DefaultPageSize = 20
	// MaxPageSize is the largest first or last a connection takes.
	MaxPageSize = 100
	// MaxNodeIDs is the most IDs one nodes(ids:) or one list of IDs in an input takes.
	MaxNodeIDs = 100
	// MaxFilterValues is the most values one list of a filter takes (model's rule).
	MaxFilterValues = model.MaxFilterValues
	// MaxTimelineFilterValues is the most values of one of the timeline filter's lists
	// other than countries, which take MaxFilterValues (model's rule).
	MaxTimelineFilterValues = model.MaxTimelineFilterValues
	// MaxTextFilterWords is the most words of a timeline text filter (model's rule).
	MaxTextFilterWords = model.MaxTextFilterWords
	// MaxRefs is the most references one list of a mutation input takes (model's rule).
	MaxRefs = model.MaxRefs
	// MaxTextFilterLength is the longest timeline text filter, in bytes (model's rule).
	MaxTextFilterLength = model.MaxTextFilterLength
	// MaxSlugLength is the longest slug, in characters (model's rule).
	MaxSlugLength = model.MaxSlugLength
	// MaxNameLength is the longest name (of a country, platform, official or topic) or
	// city, in bytes (model's rule).
	MaxNameLength = model.MaxNameLength
	// MaxLabelLength is the longest position title or organization, publisher or
	// participant's role, in bytes (model's rule).
	MaxLabelLength = model.MaxLabelLength
	// MaxTitleLength is the longest title, platform's full name or venue, in bytes
	// (model's rule).
	MaxTitleLength = model.MaxTitleLength
	// MaxURLLength is the longest URL, in bytes (model's rule).
	MaxURLLength = model.MaxURLLength
	// MaxNoteLength is the longest topic description or status-change note, in bytes
	// (model's rule).
	MaxNoteLength = model.MaxNoteLength
	// MaxTextLength is the longest description, summary, excerpt or statement text, in
	// bytes (model's rule).
	MaxTextLength = model.MaxTextLength
	// MaxOtherNames is the most other names an official takes (model's rule).
	MaxOtherNames = model.MaxOtherNames
	// MaxSearchOffset is how deep search pages may go: ranking is exact, so a page costs
	// every match before it.
	MaxSearchOffset = 10000
	// ListCost is what an unpaginated list (a session's participants) is assumed to hold
	// when estimating a query's complexity.
	ListCost = 10
	// BucketsCost is what timelineBuckets is assumed to return when estimating a query's
	// complexity.
	BucketsCost = 100

	// ExportMaxEntries is the most entries one export holds, and its default limit.
	ExportMaxEntries = 10000
	// ExportPageSize is how many entries an export reads at a time.
	ExportPageSize = 100
	// ExportsAtOnce is how many exports the server builds at once; more wait their turn.
	ExportsAtOnce = 4

	// SubscriberBuffer is how many entries a subscriber may fall behind before it misses
	// entries rather than slowing writers down.
	SubscriberBuffer = 256
	// NotifyBatch is how many entry IDs one PostgreSQL NOTIFY carries: a payload may
	// hold at most 8000 bytes, which 500 IDs of up to 15 digits, with their commas, fit.
	NotifyBatch = 500

	// MaxErrors is the most errors one response lists, the last one followed by a
	// TOO_MANY_ERRORS error that says how many there were; validation stops collecting
	// there too, so a document cannot make a server hold a list it will not send.
	MaxErrors = 100
	// MaxErrorMessage is the most bytes of one error's message; a longer one (a name the
	// document made long, quoted back) is cut, so that MaxErrors of them stay far below
	// the body limit.
	MaxErrorMessage = 1024
)

// The fixed timings of the HTTP surface. Like the caps, they are not configurable: they
// are what clients, proxies and probes are told to expect.
const (
	// StreamRetryAfter is the Retry-After of a websocket or event stream refused because
	// its client holds MaxStreams open, or the server MaxStreamsTotal: long enough for
	// the client to close one, or for others to go.
	StreamRetryAfter = 10 * time.Second
	// ExportRetryAfter is the Retry-After of an export refused because ExportsAtOnce are
	// being built, or stopped at its deadline: exports are short, a turn comes soon.
	ExportRetryAfter = 5 * time.Second
	// ReadyTimeout is how long the readiness probe waits for the database before it
	// reports the server unready: shorter than a probe's own timeout.
	ReadyTimeout = 2 * time.Second
	// KeepAliveInterval is how often a websocket or an event stream is pinged, so that
	// proxies and clients do not close one that is idle between events.
	KeepAliveInterval = 15 * time.Second
)
