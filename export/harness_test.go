package export_test

import (
	"testing"

	"diplomacy-timeline/httpapi"
	"diplomacy-timeline/httpapi/apitest"
)

// The tests of this package post GraphQL to the real HTTP surface (package apitest).
type (
	Server   = apitest.Server
	Response = apitest.Response
)

var quietLogger = apitest.QuietLogger

// MustOpenServer starts the real handler over a fresh database, with the default dataset
// unless empty.
func MustOpenServer(tb testing.TB, empty bool) *Server {
	tb.Helper()
	return apitest.MustOpenServer(tb, empty)
}

func mustOpenServerWith(tb testing.TB, empty bool, opts httpapi.Options) *Server {
	tb.Helper()
	return apitest.MustOpenServerWith(tb, empty, opts)
}
