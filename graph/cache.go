package graph

import (
	"container/list"
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"
)

// The caches of the GraphQL server are bounded in bytes, not in entries: an entry is as
// large as the query a client sends, so 1,000 entries of 1 MB documents took a server
// from 32 MB to 2 GB and kept it there. Each cache keeps only queries of at most
// limits.Config.MaxCachedQueryBytes; a longer query is parsed and validated each time it
// comes, which the token limit keeps cheap, and a persisted query that long is not
// registered (see newAPQCache).
//
// hashicorp/golang-lru, which gqlgen's own cache wraps, counts entries only; this LRU is
// a list and a map under a mutex, with the byte count it reports as it goes.

var (
	cacheBytes = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "diplomacy_graphql_cache_bytes",
		Help: "Bytes held by the GraphQL caches (query: parsed documents, estimated; apq: persisted queries), summed over the process's servers.",
	}, []string{"cache"})
	cacheEntries = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "diplomacy_graphql_cache_entries",
		Help: "Entries held by the GraphQL caches, summed over the process's servers.",
	}, []string{"cache"})
)

// Document size estimate. A parsed and validated document keeps its source (the cache's
// key, which is the same string) and an AST whose size follows its names and values,
// not its length: measured with runtime.MemStats after GC over 200 copies of each of
// the dashboard's queries, GraphiQL's introspection query and 4 KiB documents made of
// fields, of list values, of string values, of escapes, of block strings and of
// comments, the AST takes 12 to 108 bytes per source byte, so no factor of the length
// alone fits both the dashboard and a list of a thousand IDs. Per name or value token
// it takes 155 to 226 bytes, and a __typename 410, for which the validator makes a
// field definition of its own; comments and punctuation take next to nothing. Hence:
const (
	// docTokenBytes is what one name or value token of a document takes.
	docTokenBytes = 256
	// docMetaFieldBytes is what a __typename takes besides its token.
	docMetaFieldBytes = 256
	// docSourceFactor counts the source and a decoded copy of its block strings and
	// escaped strings, at most as long.
	docSourceFactor = 2
	// docOverhead is what one cached document takes whatever its length: its
	// QueryDocument, Source and operation, and the cache's own element and map slot.
	docOverhead = 1 << 10
	// apqOverhead is what one persisted query takes besides its hash and text: its
	// entry, list element and map slot, measured at 106 bytes.
	apqOverhead = 128
)

// The estimate is 1.1 to 2.0 times the measured heap of each document above (1.7 for
// the dashboard's; BenchmarkDocumentBytes reports the figures, TestDocumentBytesBoundsHeap
// checks them): an upper bound, so that a cache never holds more than its bytes, and
// close enough that it is not mostly empty.

// documentBytes estimates the heap a parsed, validated document of the query takes.
func documentBytes(query string) int64 {
	n := int64(docSourceFactor*len(query) + docOverhead)
	l := lexer.New(&ast.Source{Input: query})
	for {
		tok, err := l.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return n
		}
		switch tok.Kind {
		case lexer.Name, lexer.Int, lexer.Float, lexer.String, lexer.BlockString:
			n += docTokenBytes
			if tok.Kind == lexer.Name && tok.Value == "__typename" {
				n += docMetaFieldBytes
			}
		}
	}
}

// newQueryCache returns the cache of parsed documents, keyed by their query text, that
// holds at most limit bytes (estimated by documentBytes) of queries of at most maxQuery
// bytes.
func newQueryCache(limit int64, maxQuery int) *byteLRU[*ast.QueryDocument] {
	return newByteLRU("query", limit, func(query string, _ *ast.QueryDocument) (int64, bool) {
		if len(query) > maxQuery {
			return 0, false
		}
		return documentBytes(query), true
	}, maxQuery)
}

// newAPQCache returns the cache of automatic persisted queries, their text keyed by its
// SHA-256, that holds at most limit bytes of queries of at most maxQuery bytes. A longer
// query is executed but not registered: its hash alone is answered
// PERSISTED_QUERY_NOT_FOUND, and the client sends the query with it again, as it does
// for one evicted. Refusing the registration instead would fail a request that is
// otherwise fine, and Apollo's client does not fall back from that error.
func newAPQCache(limit int64, maxQuery int) *byteLRU[string] {
	return newByteLRU("apq", limit, func(hash, query string) (int64, bool) {
		if len(query) > maxQuery {
			return 0, false
		}
		return int64(len(hash) + len(query) + apqOverhead), true
	}, 0)
}

// byteLRU is a graphql.Cache that holds at most limit bytes, as its weigh function
// counts them, evicting the least recently used entries to make room. It is safe for
// concurrent use.
type byteLRU[T any] struct {
	limit int64
	// weigh returns the bytes an entry takes, or false when it is not to be kept.
	weigh func(key string, value T) (int64, bool)
	// maxKey, when not zero, is the longest key that may be cached: a longer one is not
	// looked up, which would hash it.
	maxKey int

	mu    sync.Mutex
	order *list.List // of *byteEntry[T], the most recently used first
	items map[string]*list.Element
	bytes int64

	bytesGauge, entriesGauge prometheus.Gauge
}

type byteEntry[T any] struct {
	key   string
	value T
	bytes int64
}

var _ graphql.Cache[string] = (*byteLRU[string])(nil)

func newByteLRU[T any](name string, limit int64, weigh func(string, T) (int64, bool), maxKey int) *byteLRU[T] {
	return &byteLRU[T]{
		limit: limit, weigh: weigh, maxKey: maxKey, order: list.New(), items: map[string]*list.Element{},
		bytesGauge: cacheBytes.WithLabelValues(name), entriesGauge: cacheEntries.WithLabelValues(name),
	}
}

// Get returns the value cached for key, if any, and marks it the most recently used.
func (c *byteLRU[T]) Get(_ context.Context, key string) (T, bool) {
	var zero T
	if c.maxKey > 0 && len(key) > c.maxKey {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*byteEntry[T]).value, true
}

// Add caches value for key unless it is not to be kept or is larger than the whole
// cache, and evicts the least recently used entries until the cache is within its bytes.
func (c *byteLRU[T]) Add(_ context.Context, key string, value T) {
	size, ok := c.weigh(key, value)
	if !ok || size > c.limit {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.remove(el)
	}
	c.items[key] = c.order.PushFront(&byteEntry[T]{key: key, value: value, bytes: size})
	c.account(size, 1)
	for c.bytes > c.limit {
		c.remove(c.order.Back())
	}
}

// Bytes returns the bytes the cache holds.
func (c *byteLRU[T]) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// Len returns the number of entries the cache holds.
func (c *byteLRU[T]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

func (c *byteLRU[T]) remove(el *list.Element) {
	e := c.order.Remove(el).(*byteEntry[T])
	delete(c.items, e.key)
	c.account(-e.bytes, -1)
}

func (c *byteLRU[T]) account(bytes int64, entries int) {
	c.bytes += bytes
	c.bytesGauge.Add(float64(bytes))
	c.entriesGauge.Add(float64(entries))
}
