package apierr_test

import (
	"net/http"
	"testing"

	"diplomacy-timeline/apierr"
	"diplomacy-timeline/model"
)

// TestEveryDomainCodeHasAnAPICodeAndStatus: each of model's codes maps to its own API code
// and an HTTP status, a client's mistake to a 4xx; an unknown code is INTERNAL and 500.
func TestEveryDomainCodeHasAnAPICodeAndStatus(t *testing.T) {
	for _, c := range []struct {
		domain, code string
		status       int
	}{
		{model.EINVALID, apierr.BadUserInput, http.StatusBadRequest},
		{model.ENOTFOUND, apierr.NotFound, http.StatusNotFound},
		{model.ECONFLICT, apierr.Conflict, http.StatusConflict},
		{model.EUNAUTHORIZED, apierr.Unauthenticated, http.StatusUnauthorized},
		{model.EINTERNAL, apierr.Internal, http.StatusInternalServerError},
		{model.EUNAVAILABLE, apierr.Unavailable, http.StatusServiceUnavailable},
		{"no such code", apierr.Internal, http.StatusInternalServerError},
	} {
		code := apierr.FromModel(c.domain)
		if code != c.code || apierr.Status(code) != c.status {
			t.Errorf("%s: %s %d, want %s %d", c.domain, code, apierr.Status(code), c.code, c.status)
		}
	}
}
