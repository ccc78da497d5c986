// Package apierr holds the error codes clients see (extensions.code, over GraphQL and over
// plain HTTP alike), the one table that maps the domain's codes (model.E*) to them, and the
// JSON shape of an error answered outside GraphQL execution, so that a client handles every
// refusal — a rate limit, a bad export parameter, a bad mutation input — the same way.
package apierr

import (
	"encoding/json"
	"net/http"

	"diplomacy-timeline/model"
)

// Codes of the API contract.
const (
	BadUserInput    = "BAD_USER_INPUT"
	NotFound        = "NOT_FOUND"
	Conflict        = "CONFLICT"
	Unauthenticated = "UNAUTHENTICATED"
	Forbidden       = "FORBIDDEN"
	Internal        = "INTERNAL"
	Timeout         = "TIMEOUT"
	Cancelled       = "CANCELLED"
	Unavailable     = "UNAVAILABLE"

	// Refusals of the HTTP surface, before GraphQL runs.
	BadRequest           = "BAD_REQUEST"
	MethodNotAllowed     = "METHOD_NOT_ALLOWED"
	UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	BodyTooLarge         = "REQUEST_TOO_LARGE"
	RateLimited          = "RATE_LIMITED"

	// Refusals of the limits on an operation's shape and cost.
	DepthLimit            = "DEPTH_LIMIT_EXCEEDED"
	AliasLimit            = "ALIAS_LIMIT_EXCEEDED"
	RootFieldLimit        = "ROOT_FIELD_LIMIT_EXCEEDED"
	FieldLimit            = "FIELD_LIMIT_EXCEEDED"
	SubscriptionLimit     = "SUBSCRIPTION_LIMIT_EXCEEDED"
	ComplexityLimit       = "COMPLEXITY_LIMIT_EXCEEDED" // gqlgen's own code
	IntrospectionDisabled = "INTROSPECTION_DISABLED"
	FragmentLimit         = "FRAGMENT_LIMIT_EXCEEDED"
	DirectiveLimit        = "DIRECTIVE_LIMIT_EXCEEDED"
	ValueLimit            = "VALUE_LIMIT_EXCEEDED"
	TooManyErrors         = "TOO_MANY_ERRORS" // follows the errors a response lists, when it had more
)

// fromModel maps application error codes to API codes: the one table where the domain
// meets the transport.
var fromModel = map[string]string{
	model.EINVALID:      BadUserInput,
	model.ENOTFOUND:     NotFound,
	model.ECONFLICT:     Conflict,
	model.EUNAUTHORIZED: Unauthenticated,
	model.EINTERNAL:     Internal,
	model.EUNAVAILABLE:  Unavailable,
}

// FromModel returns the API code of a domain error code; INTERNAL for an unknown one.
func FromModel(code string) string {
	if c, ok := fromModel[code]; ok {
		return c
	}
	return Internal
}

// statuses are the HTTP statuses of the domain's codes, for answers outside GraphQL (an
// export); GraphQL answers an executed operation's errors with 200.
var statuses = map[string]int{
	BadUserInput:    http.StatusBadRequest,
	NotFound:        http.StatusNotFound,
	Conflict:        http.StatusConflict,
	Unauthenticated: http.StatusUnauthorized,
	Internal:        http.StatusInternalServerError,
	Unavailable:     http.StatusServiceUnavailable,
}

// Status returns the HTTP status of an API code from FromModel; 500 for another.
func Status(code string) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// WriteHTTP answers a request refused outside GraphQL execution with a GraphQL-shaped
// JSON error: {"errors":[{"message":…,"extensions":{"code":…}}]}.
func WriteHTTP(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": message, "extensions": map[string]any{"code": code}}},
	})
}
