package db

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// This file tells subscribers which timeline entries a committed write added. With SQLite
// (one server process) the store fans them out itself after the commit. With PostgreSQL
// the transaction sends NOTIFY, which the database delivers only if it commits, to every
// server replica listening on the channel; each replica fans out to its own subscribers,
// so a client on replica A sees a write made on replica B.

// entriesChannel is the PostgreSQL notification channel of the database named by dsn:
// notifications are per database, so a schema chosen by search_path (as tests do) gets a
// channel of its own.
func entriesChannel(dsn string) string {
	ch := "diplomacy_timeline_entries"
	if u, err := url.Parse(dsn); err == nil {
		if schema := u.Query().Get("search_path"); schema != "" {
			ch += "_" + strings.Map(func(r rune) rune {
				if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
					return r
				}
				return '_'
			}, strings.ToLower(schema))
		}
	}
	return ch
}

type addedKey struct{}

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
	ch := make(chan int64, 256)
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

// announce makes the entries a transaction added known once it commits: with PostgreSQL by
// NOTIFY inside the transaction, with SQLite by returning them for publishing after the
// commit.
func (s *Store) announce(tx *gorm.DB, a *added) error {
	if len(a.ids) == 0 || s.dialect != dialectPostgres {
		return nil
	}
	parts := make([]string, len(a.ids))
	for i, id := range a.ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	// A payload is limited to 8000 bytes; long lists go in several notifications.
	for start := 0; start < len(parts); start += 500 {
		payload := strings.Join(parts[start:min(start+500, len(parts))], ",")
		if err := tx.Exec("SELECT pg_notify(?, ?)", s.channel, payload).Error; err != nil {
			return err
		}
	}
	return nil
}

// listen receives the notifications of every replica and publishes them here, reconnecting
// after failures, until ctx ends.
func (s *Store) listen(ctx context.Context, dsn string) {
	backoff := time.Second
	for ctx.Err() == nil {
		conn, err := pgx.Connect(ctx, dsn)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+s.channel)
			for err == nil {
				var n *pgconn.Notification
				n, err = conn.WaitForNotification(ctx)
				if err == nil {
					s.hub.publish(parseIDs(n.Payload))
					backoff = time.Second
				}
			}
			_ = conn.Close(context.Background())
		}
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("timeline notifications: reconnecting", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

func parseIDs(payload string) []int64 {
	var ids []int64
	for _, p := range strings.Split(payload, ",") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}
