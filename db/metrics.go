package db

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"gorm.io/gorm"
)

// queriesTotal counts every SQL statement run, by GORM operation.
var queriesTotal = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "diplomacy_db_queries_total",
	Help: "SQL statements run against the database, by operation.",
}, []string{"operation"})

// registerCallbacks counts every statement GORM runs, in the Prometheus counter and in the
// store's own counter.
func (s *Store) registerCallbacks(gdb *gorm.DB) error {
	cb := gdb.Callback()
	count := func(op string) func(*gorm.DB) {
		c := queriesTotal.WithLabelValues(op)
		return func(*gorm.DB) {
			c.Inc()
			s.queries.Add(1)
		}
	}
	for _, r := range []struct {
		op  string
		err error
	}{
		{"query", cb.Query().After("gorm:query").Register("metrics:query", count("query"))},
		{"create", cb.Create().After("gorm:create").Register("metrics:create", count("create"))},
		{"update", cb.Update().After("gorm:update").Register("metrics:update", count("update"))},
		{"delete", cb.Delete().After("gorm:delete").Register("metrics:delete", count("delete"))},
		{"row", cb.Row().After("gorm:row").Register("metrics:row", count("row"))},
		{"raw", cb.Raw().After("gorm:raw").Register("metrics:raw", count("raw"))},
	} {
		if r.err != nil {
			return fmt.Errorf("register %s callback: %w", r.op, r.err)
		}
	}
	return nil
}
