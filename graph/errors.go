package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"diplomacy-timeline/db"
	"diplomacy-timeline/model"
)

// GraphQL error codes (extensions.code) of the API contract.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeInternal        = "INTERNAL"
	CodeTimeout         = "TIMEOUT"
	CodeCancelled       = "CANCELLED"
)

// codes maps application error codes to GraphQL error codes: the one table where the
// domain meets the transport.
var codes = map[string]string{
	model.EINVALID:      CodeBadUserInput,
	model.ENOTFOUND:     CodeNotFound,
	model.ECONFLICT:     CodeConflict,
	model.EUNAUTHORIZED: CodeUnauthenticated,
	model.EINTERNAL:     CodeInternal,
}

// errorPresenter shows a domain error with its code (and the input field it concerns),
// keeps gqlgen's own coded errors (parse, validation, complexity), and masks anything else
// as INTERNAL after logging it with its detail, so that a database error never reaches a
// client.
func errorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		out := &gqlerror.Error{Message: gerr.Message, Path: gerr.Path, Locations: gerr.Locations, Rule: gerr.Rule}
		ext := map[string]any{}
		for k, v := range gerr.Extensions {
			ext[k] = v
		}
		var appErr *model.Error
		switch {
		case errors.As(err, &appErr):
			out.Message = appErr.Error()
			ext["code"] = codes[appErr.Code]
			if appErr.Field != "" {
				ext["field"] = appErr.Field
			}
		case errors.Is(err, context.DeadlineExceeded) || (db.Expired(ctx) && !errors.Is(ctx.Err(), context.Canceled)):
			// Past the deadline the database reports whatever it was doing when stopped
			// ("interrupted", "transaction already rolled back"): the cause is the deadline.
			out.Message = "the request took too long and was stopped"
			ext["code"] = CodeTimeout
		case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
			out.Message = "the request was cancelled"
			ext["code"] = CodeCancelled
		case ext["code"] != nil:
			// gqlgen's own errors: the message is about the query, not our internals.
		case isRequestError(err):
			// gqlgen refusing the request itself (a bad persisted query, say): the message
			// speaks of the request.
			ext["code"] = CodeBadRequest
		default:
			log.ErrorContext(ctx, "internal error", "err", err, "path", gerr.Path.String())
			out.Message = "internal error"
			ext["code"] = CodeInternal
		}
		out.Extensions = ext
		return out
	}
}

// isRequestError reports whether err is an error gqlgen made about the request, not one
// returned by our code: a gqlerror that wraps no Go error.
func isRequestError(err error) bool {
	var gerr *gqlerror.Error
	return errors.As(err, &gerr) && gerr.Err == nil && gerr.Path == nil
}

// recoverFunc turns a panic in a resolver into an INTERNAL error and a log line with the
// stack; the server goes on serving.
func recoverFunc(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": CodeInternal}}
	}
}
