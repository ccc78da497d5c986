package db

import (
	"context"
	"diplomacy-timeline/limits"
	"sync"

	"gorm.io/gorm"
)

// This file tells subscribers which timeline entries a committed write added: each write
// collects the IDs of the entries it inserted, and its dialect makes them known once the
// write commits (dialect.announce; the PostgreSQL listener is in dialect_postgres.go).
// With SQLite (one server process) the store fans them out itself after the commit. With PostgreSQL the transaction sends NOTIFY, which the database delivers
// only if it commits, to every server replica listening on the channel; each replica fans
// out to its own subscribers, so a client on replica A sees a write made on replica B.

type addedKey struct{}

// unannouncedKey marks the context of a write whose entries no subscriber is told of: the
// default dataset, loaded while the store opens, before anyone could subscribe. (On
// PostgreSQL its NOTIFY would reach the store's own listener after Open returned, and be
// delivered to subscriptions made after the commit.)
type unannouncedKey struct{}

// added collects, within one write transaction, the IDs of the entries it inserted.
type added struct {
	mu  sync.Mutex
	ids []int64
}

// recordAdded notes an inserted entry in the write's collector, if any.
func recordAdded(tx *gorm.DB, id int64) {
	if a, ok := tx.Statement.Context.Value(addedKey{}).(*added); ok {
		a.mu.Lock()
		a.ids = append(a.ids, id)
		a.mu.Unlock()
	}
}

// hub fans entry IDs out to the subscribers of this process.
type hub struct {
	mu   sync.Mutex
	subs map[chan int64]struct{}
}

func (h *hub) publish(ids []int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		for _, id := range ids {
			select {
			case ch <- id:
			default: // a subscriber that cannot keep up misses entries rather than stall writers
			}
		}
	}
}

// SubscribeEntries returns the IDs of timeline entries added from now on, until ctx ends.
func (s *Store) SubscribeEntries(ctx context.Context) <-chan int64 {
	ch := make(chan int64, limits.SubscriberBuffer)
	s.hub.mu.Lock()
	if s.hub.subs == nil {
		s.hub.subs = map[chan int64]struct{}{}
	}
	s.hub.subs[ch] = struct{}{}
	s.hub.mu.Unlock()
	go func() {
		<-ctx.Done()
		s.hub.mu.Lock()
		delete(s.hub.subs, ch)
		s.hub.mu.Unlock()
	}()
	return ch
}
